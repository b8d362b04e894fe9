package respfront_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/switchyard/switchyard/internal/testutil"
)

// fuzzSkipWords are commands that change the server for every client
// (SHUTDOWN, CONFIG SET requirepass, CLIENT PAUSE, DEBUG SLEEP, SAVE
// writing files...). An input naming one is skipped: the target checks the
// request reader, not those commands.
var fuzzSkipWords = [][]byte{
	[]byte("shutdown"), []byte("config"), []byte("client"), []byte("debug"),
	[]byte("save"), []byte("replicaof"), []byte("slaveof"), []byte("acl"),
	[]byte("failover"), []byte("monitor"), []byte("swapdb"),
}

// fuzzSeeds are the starting corpus: valid arrays, inline commands, partial
// frames, and the malformed headers a RESP reader must survive.
var fuzzSeeds = []string{
	"*1\r\n$4\r\nPING\r\n",
	"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n",
	"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
	"PING\r\n",
	"ECHO \"a b\\n\"\r\nPING\n",
	"SET k 'unbalanced\r\n",
	"\r\n\r\n\n",
	"*1\r\n$4\r\nPI",
	"*2\r\n$4\r\nECHO\r\n",
	"*1\r\n$999999999\r\n",
	"*1\r\n$9223372036854775807\r\n",
	"*1\r\n$9223372036854775806\r\nx",
	"*1\r\n$99999999999999999999999\r\n",
	"*9223372036854775807\r\n",
	"*4611686018427387904\r\n$1\r\n",
	"*1\r\n$-1\r\n",
	"*1\r\n$-5\r\n",
	"*-1\r\n*1\r\n$4\r\nPING\r\n",
	"*0\r\n*1\r\n$4\r\nPING\r\n",
	"*\r\n",
	"$\r\n",
	"*1\r\n$\r\n\r\n",
	"*1\r\n$-\r\n",
	"*1\n$4\nPING\n",
	"*1\r\n+PING\r\n",
	"*2\r\n$4\r\nPING\r\n:1\r\n",
	"*1\r\n$4\r\nPINGxx",
	"*1\r\n$1\r\nx\r\r",
	"*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n",
	"*3\r\n$5\r\nBLPOP\r\n$5\r\nempty\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n",
	"*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nPING\r\n",
	"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
	"*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nc\r\n*1\r\n$3\r\nGET\r\n",
	"*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n",
}

// FuzzRequest feeds arbitrary bytes, split into several writes, to a running
// server, half-closes, and requires the server to finish with the client
// (close its side) promptly and to keep answering PING on a fresh
// connection. A panic in the server crashes the process, which the fuzzer
// reports with the input.
func FuzzRequest(f *testing.F) {
	addr := testutil.StartSwitchyard(f).RESPAddr()
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), uint64(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, splits uint64) {
		lower := bytes.ToLower(data)
		for _, w := range fuzzSkipWords {
			if bytes.Contains(lower, w) {
				t.Skip("input names a server-wide command")
			}
		}
		nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer nc.Close()
		_ = nc.SetDeadline(time.Now().Add(3 * time.Second))
		for _, piece := range splitAt(data, splits) {
			if _, err := nc.Write(piece); err != nil {
				// The server may close a client at a protocol error
				// while the rest is still being written.
				break
			}
		}
		_ = nc.(*net.TCPConn).CloseWrite()
		// Read until the server closes: it must, since it read EOF.
		if _, err := io.Copy(io.Discard, nc); err != nil && !isReset(err) {
			t.Fatalf("server did not finish with the client after EOF: %v (input %q)", err, data)
		}
		ping(t, addr, data)
	})
}

// splitAt cuts data at up to four points chosen by seed.
func splitAt(data []byte, seed uint64) [][]byte {
	if len(data) < 2 {
		return [][]byte{data}
	}
	rng := rand.New(rand.NewPCG(seed, seed>>32))
	n := rng.IntN(5)
	cuts := make([]int, 0, n)
	for range n {
		cuts = append(cuts, 1+rng.IntN(len(data)-1))
	}
	var out [][]byte
	prev := 0
	slices.Sort(cuts)
	for _, c := range cuts {
		if c > prev {
			out = append(out, data[prev:c])
			prev = c
		}
	}
	return append(out, data[prev:])
}

// isReset reports a connection reset: the server closed with our bytes
// still unread, which is a normal way to drop a client at a protocol error.
func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

// ping requires a fresh connection to answer PING within a short deadline.
func ping(t *testing.T, addr string, input []byte) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("server gone after input %q: %v", input, err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := nc.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		t.Fatalf("write PING after input %q: %v", input, err)
	}
	buf := make([]byte, 7)
	if _, err := io.ReadFull(nc, buf); err != nil || string(buf) != "+PONG\r\n" {
		t.Fatalf("PING after input %q: %q, %v", input, buf, err)
	}
}
