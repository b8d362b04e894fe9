package respfront_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// protocolGarbage lists malformed requests with the error Redis 7.0
// answers before closing the connection (checked against redis-server;
// TestDiffRedisProtocol compares them live).
var protocolGarbage = []struct{ in, reply string }{
	{"*1\r\n$9223372036854775807\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
	{"*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
	{"*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
	{"*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
	{"*1\r\n$01\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
	{"*\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
	{"*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
	{"*2147483648\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
	{"*-0\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
	{"*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"},
	{"SET k \"abc\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
	{strings.Repeat("a", 70000), "-ERR Protocol error: too big inline request\r\n"},
	{"*" + strings.Repeat("1", 70000), "-ERR Protocol error: too big mbulk count string\r\n"},
	{"*1\r\n$" + strings.Repeat("1", 70000), "-ERR Protocol error: too big bulk count string\r\n"},
}

// readToClose reads everything until the server closes the connection.
func readToClose(t *testing.T, nc net.Conn) string {
	t.Helper()
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(nc)
	if err != nil && !isReset(err) {
		t.Fatalf("connection not closed by the server: %v (read %q)", err, b)
	}
	return string(b)
}

func TestRobustProtocolErrorClosesOnlyThatClient(t *testing.T) {
	addr := start(t)
	other := testutil.DialRaw(t, addr)
	require.Equal(t, "+PONG\r\n", other.Do("PING"))
	for _, g := range protocolGarbage {
		bad := testutil.DialRaw(t, addr)
		// A complete command before the garbage is still served.
		bad.Send([]byte("*2\r\n$4\r\nECHO\r\n$2\r\nok\r\n" + g.in))
		got := readToClose(t, bad.Conn())
		require.Equal(t, "$2\r\nok\r\n"+g.reply, got, "%.40q", g.in)
		require.Equal(t, "$1\r\nx\r\n", other.Do("ECHO", "x"), "%.40q", g.in)
		require.Equal(t, "$-1\r\n", other.Do("GET", "nosuchkey"), "%.40q", g.in)
	}
	fresh := testutil.DialRaw(t, addr)
	require.Equal(t, "+PONG\r\n", fresh.Do("PING"))
}

func TestRobustEmptyRequestsAreIgnored(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	r.Send([]byte("*0\r\n*-1\r\n\r\n\n*1\r\n$4\r\nPING\r\n*-5\r\n"))
	require.Equal(t, "+PONG\r\n", r.Read())
	require.Equal(t, "+PONG\r\n", r.Do("PING"))
}

func TestRobustRequestsSplitAnywhere(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	req := []byte("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n*3\r\n$4\r\nECHO\r\n")
	for _, b := range req {
		r.Send([]byte{b})
	}
	require.Equal(t, "$5\r\nhello\r\n", r.Read())
	// The unfinished request waits for the rest.
	_, err := r.ReadTimeout(50 * time.Millisecond)
	require.Error(t, err)
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "%v", err)
}

func TestRobustUnauthenticatedLimits(t *testing.T) {
	addr := start(t, []string{"requirepass", "secret"})
	for in, want := range map[string]string{
		"*11\r\n":              "-ERR Protocol error: unauthenticated multibulk length\r\n",
		"*2\r\n$16385\r\n":     "-ERR Protocol error: unauthenticated bulk length\r\n",
		"*1\r\n$4\r\nPING\r\n": "-NOAUTH Authentication required.\r\n",
	} {
		r := testutil.DialRaw(t, addr)
		r.Send([]byte(in))
		require.Equal(t, want, r.Read(), "%q", in)
	}
	r := testutil.DialRaw(t, addr)
	require.Equal(t, "+OK\r\n", r.Do("AUTH", "secret"))
	require.Equal(t, "$16385\r\n"+strings.Repeat("v", 16385)+"\r\n", r.Do("ECHO", strings.Repeat("v", 16385)))
}

// TestRobustPipelineWithoutReading has one client pipeline 10k commands
// whose replies (30 MB) it does not read until the server has stopped
// reading from it, and checks that other clients are served meanwhile,
// that is that a stuck writer holds no lock; then every reply arrives.
func TestRobustPipelineWithoutReading(t *testing.T) {
	addr := start(t)
	const n = 10000
	payload := strings.Repeat("p", 4000)
	var req []byte
	for i := range n {
		if i%4 != 3 {
			req = append(req, testutil.Encode("ECHO", payload)...)
		} else {
			req = append(req, testutil.Encode("GET", "k"+strconv.Itoa(i))...)
		}
	}
	slow := testutil.DialRaw(t, addr)
	nc := slow.Conn()
	// A small receive buffer makes the server's writes block well before
	// 30 MB, whatever the system's TCP buffer sizes.
	require.NoError(t, nc.(*net.TCPConn).SetReadBuffer(64<<10))
	// Write until the socket pushes back: the server has then stopped
	// reading because its writes to us block.
	sent, stuck := 0, false
	for sent < len(req) && !stuck {
		_ = nc.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
		m, err := nc.Write(req[sent:min(len(req), sent+64<<10)])
		sent += m
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			stuck = true
		} else {
			require.NoError(t, err)
		}
	}
	require.True(t, stuck, "the server kept reading 30 MB of requests without their replies being read")

	other := testutil.DialRaw(t, addr)
	for i := range 200 {
		require.Equal(t, "$-1\r\n", other.Do("GET", "k"+strconv.Itoa(i)))
		require.Equal(t, "+PONG\r\n", other.Do("PING"))
	}

	// Now drain the slow client while finishing its writes.
	done := make(chan error, 1)
	go func() {
		_ = nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		_, err := nc.Write(req[sent:])
		done <- err
	}()
	br := bufio.NewReaderSize(nc, 64<<10)
	_ = nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	echo := "$4000\r\n" + payload + "\r\n"
	for i := range n {
		got, err := testutil.ReadReply(br)
		require.NoError(t, err, "reply %d", i)
		if i%4 != 3 {
			require.Equal(t, echo, got, "reply %d", i)
		} else {
			require.Equal(t, "$-1\r\n", got, "reply %d", i)
		}
	}
	require.NoError(t, <-done)
}

// TestRobustLargeValue round-trips an 8 MB value, written in odd pieces.
func TestRobustLargeValue(t *testing.T) {
	addr := start(t)
	val := make([]byte, 8<<20)
	for i := range val {
		val[i] = byte('a' + i%23)
	}
	val[12345], val[54321] = '\r', '\n'
	for _, proto := range []string{"2", "3"} {
		r := testutil.DialRaw(t, addr)
		if proto == "3" {
			r.Do("HELLO", "3")
		}
		for _, cmd := range [][]string{{"ECHO", string(val)}, {"SET", "big", string(val)}} {
			req := testutil.Encode(cmd...)
			for len(req) > 0 {
				k := min(len(req), 1<<20-7)
				r.Send(req[:k])
				req = req[k:]
			}
			got := r.Read()
			if cmd[0] == "SET" {
				require.Equal(t, "+OK\r\n", got)
				continue
			}
			require.Equal(t, "$"+strconv.Itoa(len(val))+"\r\n"+string(val)+"\r\n", got)
		}
		got := r.Do("GET", "big")
		require.True(t, got == "$"+strconv.Itoa(len(val))+"\r\n"+string(val)+"\r\n", "GET big: %d bytes, starting %.40q", len(got), got)
	}
}
