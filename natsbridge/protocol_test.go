package natsbridge_test

import (
	"encoding/json"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/natsbridge"
)

// Raw protocol tests: exact bytes in, exact bytes out. The cases of
// protocolCases are also run against a real nats-server by
// TestDifferential, so every expected reply here is nats-server's.

type protoCase struct {
	name, in, want string
}

// unorderedCases: nats-server delivers to the subscriptions of one subject
// in map order, so the differential test compares their lines as a set.
var unorderedCases = map[string]bool{"two sids one subject": true}

// ownCases are not compared with nats-server, whose reply varies from run
// to run (a race inside it); Switchyard's is the one in the case.
var ownCases = map[string]bool{"no responders echo off": true}

var bigLine = strings.Repeat("a", 5000)

// protocolCases: each runs on a fresh connection (after INFO); the
// transcript is everything up to the PONG of a PING sent after in, or up
// to the close ("<closed>").
var protocolCases = []protoCase{
	{"connect quiet", `CONNECT {"verbose":false}` + "\r\n", "PONG\r\n"},
	{"connect verbose by default", "CONNECT {}\r\n", "+OK\r\nPONG\r\n"},
	{"connect twice", `CONNECT {"verbose":false}` + "\r\n" + `CONNECT {"verbose":true}` + "\r\n", "+OK\r\nPONG\r\n"},
	{"no connect needed without auth", "PING\r\n", "PONG\r\n"},
	{"ping lower case", "ping\r\n", "PONG\r\n"},
	{"ping bare LF", "PING\n", "PONG\r\n"},
	{"ping trailing garbage", "PINGX\r\n", "PONG\r\n"},
	{"client INFO ignored", "INFO {}\r\n", "PONG\r\n"},
	{"client +OK ignored", "+OK\r\n", "PONG\r\n"},
	{"client PONG", "PONG\r\n", "PONG\r\n"},
	{"verbose acks", `CONNECT {"verbose":true}` + "\r\nSUB a 1\r\nPUB a 1\r\nx\r\nUNSUB 1\r\nUNSUB 9\r\n",
		"+OK\r\n+OK\r\n+OK\r\nMSG a 1 1\r\nx\r\n+OK\r\n+OK\r\nPONG\r\n"},
	{"tabs and verbose default", "SUB\tfoo\t1\r\nPUB\tfoo\t1\r\na\r\n", "+OK\r\n+OK\r\nMSG foo 1 1\r\na\r\nPONG\r\n"},
	{"pub with reply", `CONNECT {"verbose":false}` + "\r\nSUB foo 1\r\nPUB foo r 2\r\nhi\r\n", "MSG foo 1 r 2\r\nhi\r\nPONG\r\n"},
	{"plain before queue", `CONNECT {"verbose":false}` + "\r\nSUB foo q 1\r\nSUB foo 2\r\nPUB foo r 2\r\nhi\r\n",
		"MSG foo 2 r 2\r\nhi\r\nMSG foo 1 r 2\r\nhi\r\nPONG\r\n"},
	{"two sids one subject", `CONNECT {"verbose":false}` + "\r\nSUB foo 1\r\nSUB foo 2\r\nPUB foo 1\r\na\r\n",
		"MSG foo 1 1\r\na\r\nMSG foo 2 1\r\na\r\nPONG\r\n"},
	{"duplicate sid ignored", `CONNECT {"verbose":false}` + "\r\nSUB foo 1\r\nSUB bar 1\r\nPUB foo 1\r\na\r\nPUB bar 1\r\nb\r\n",
		"MSG foo 1 1\r\na\r\nPONG\r\n"},
	{"unsub max", `CONNECT {"verbose":false}` + "\r\nSUB foo 1\r\nUNSUB 1 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\n",
		"MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\nPONG\r\n"},
	{"unsub max already reached", `CONNECT {"verbose":false}` + "\r\nSUB foo 1\r\nPUB foo 1\r\na\r\nUNSUB 1 1\r\nPUB foo 1\r\nb\r\n",
		"MSG foo 1 1\r\na\r\nPONG\r\n"},
	{"unsub bad max unsubscribes", `CONNECT {"verbose":false}` + "\r\nSUB foo 1\r\nUNSUB 1 x\r\nPUB foo 1\r\na\r\n", "PONG\r\n"},
	{"echo off", `CONNECT {"verbose":false,"echo":false}` + "\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\n", "PONG\r\n"},
	{"wildcard subscriptions", `CONNECT {"verbose":false}` + "\r\nSUB a.* 1\r\nSUB a.> 2\r\nSUB > 3\r\nPUB a 1\r\nx\r\nPUB a.b.c 1\r\ny\r\n",
		"MSG a 3 1\r\nx\r\nMSG a.b.c 3 1\r\ny\r\nMSG a.b.c 2 1\r\ny\r\nPONG\r\n"},
	{"literal star token", `CONNECT {"verbose":false,"pedantic":false}` + "\r\nSUB foo.* 1\r\nSUB foo.bar 2\r\nPUB foo.* 1\r\na\r\n",
		"MSG foo.* 1 1\r\na\r\nPONG\r\n"},
	{"odd but valid subjects", `CONNECT {"verbose":false}` + "\r\nSUB a.*b 2\r\nSUB a.>b 6\r\nSUB * 7\r\nSUB foo q.* 8\r\n", "PONG\r\n"},
	{"headers", `CONNECT {"verbose":false,"headers":true}` + "\r\nSUB foo 1\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
		"HMSG foo 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPONG\r\n"},
	{"headers with reply", `CONNECT {"verbose":false,"headers":true}` + "\r\nSUB foo 1\r\nHPUB foo r 3 3\r\nabc\r\n",
		"HMSG foo 1 r 3 3\r\nabc\r\nPONG\r\n"},
	{"no responders", `CONNECT {"verbose":false,"headers":true,"no_responders":true}` +
		"\r\nSUB _INBOX.* 1\r\nSUB r 2\r\nPUB nobody _INBOX.x 1\r\na\r\nPUB nobody r 1\r\nb\r\nPUB nobody _INBOX.x.y 1\r\nc\r\n",
		"HMSG _INBOX.x 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\nHMSG r 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n"},
	{"no responders echo off", `CONNECT {"verbose":false,"headers":true,"no_responders":true,"echo":false}` +
		"\r\nSUB _INBOX.* 1\r\nPUB _INBOX.x _INBOX.x 1\r\na\r\n", "HMSG _INBOX.x 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n"},
	{"no responders not asked", `CONNECT {"verbose":false,"headers":true}` + "\r\nSUB _INBOX.* 1\r\nPUB nobody _INBOX.x 1\r\na\r\n", "PONG\r\n"},

	// Errors that keep the connection.
	{"invalid subject", `CONNECT {"verbose":false}` + "\r\nSUB foo.. 1\r\nSUB .a 2\r\nSUB a. 3\r\nSUB a.>.b 4\r\n",
		"-ERR 'Invalid Subject'\r\n-ERR 'Invalid Subject'\r\n-ERR 'Invalid Subject'\r\n-ERR 'Invalid Subject'\r\nPONG\r\n"},
	{"invalid subject verbose", `CONNECT {"verbose":true}` + "\r\nSUB foo.. 1\r\n", "+OK\r\n-ERR 'Invalid Subject'\r\nPONG\r\n"},
	{"invalid publish subject pedantic", `CONNECT {"verbose":false,"pedantic":true}` + "\r\nPUB foo.* 1\r\na\r\nPUB a..b 1\r\na\r\n",
		"-ERR 'Invalid Publish Subject'\r\n-ERR 'Invalid Publish Subject'\r\nPONG\r\n"},
	{"invalid publish subject verbose", `CONNECT {"verbose":true,"pedantic":true}` + "\r\nPUB foo.* 1\r\na\r\n",
		"+OK\r\n-ERR 'Invalid Publish Subject'\r\n+OK\r\nPONG\r\n"},
	{"invalid publish subject still delivered", `CONNECT {"verbose":false,"pedantic":true}` + "\r\nSUB foo.* 1\r\nPUB foo.* 1\r\na\r\n",
		"-ERR 'Invalid Publish Subject'\r\nMSG foo.* 1 1\r\na\r\nPONG\r\n"},
	{"invalid publish subject not pedantic", `CONNECT {"verbose":true,"pedantic":false}` + "\r\nPUB foo.. 1\r\na\r\n", "+OK\r\n+OK\r\nPONG\r\n"},

	// Errors that close it.
	{"unknown op", "FOO\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"empty line", "\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"leading space", " PING\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"pubx", "PUBX foo 1\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"msg from client", "MSG foo 1 1\r\na\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"sub without args", "SUB\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"payload longer than size", `CONNECT {"verbose":false}` + "\r\nPUB foo 2\r\nabc\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"payload without CR", `CONNECT {"verbose":false}` + "\r\nPUB foo 1\r\na\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"max payload", "PUB foo 1048577\r\n", "-ERR 'Maximum Payload Violation'\r\n<closed>"},
	{"max payload hpub", `CONNECT {"verbose":false,"headers":true}` + "\r\nHPUB foo 2000000 2000000\r\n", "-ERR 'Maximum Payload Violation'\r\n<closed>"},
	{"max control line", "SUB " + bigLine + " 1\r\n", "-ERR 'maximum control line exceeded'\r\n<closed>"},
	{"pub without size", "PUB foo\r\n", "<closed>"},
	{"pub bad size", "PUB foo x\r\n", "<closed>"},
	{"pub negative size", "PUB foo -1\r\n", "<closed>"},
	{"pub too many args", `CONNECT {"verbose":false}` + "\r\nPUB foo bar baz 1\r\na\r\n", "<closed>"},
	{"sub one arg", "SUB foo\r\n", "<closed>"},
	{"sub four args", `CONNECT {"verbose":false}` + "\r\nSUB foo bar baz 1\r\n", "<closed>"},
	{"unsub without args", "UNSUB\r\n", "-ERR 'Unknown Protocol Operation'\r\n<closed>"},
	{"hpub without headers", `CONNECT {"verbose":false}` + "\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", "<closed>"},
	{"hpub header over total", `CONNECT {"verbose":false,"headers":true}` + "\r\nHPUB foo 14 12\r\n", "<closed>"},
	{"bad connect json", "CONNECT {bad\r\n", "<closed>"},
	{"connect trailing bytes", `CONNECT {"verbose":false} x` + "\r\n", "<closed>"},
	{"connect without json", "CONNECT\r\n", "<closed>"},
	{"client -ERR", "-ERR 'x'\r\n", "<closed>"},
	{"no responders without headers", `CONNECT {"no_responders":true}` + "\r\n", "-ERR 'no responders requires headers support'\r\n<closed>"},
	{"bad protocol", `CONNECT {"verbose":false,"protocol":5}` + "\r\n", "-ERR 'invalid client protocol'\r\n<closed>"},
}

// authCases run against a server with user "u", password "p".
var authCases = []protoCase{
	{"auth ping first", "PING\r\n", "-ERR 'Authorization Violation'\r\n<closed>"},
	{"auth garbage first", "FOO\r\n", "-ERR 'Authorization Violation'\r\n<closed>"},
	{"auth missing", `CONNECT {"verbose":false}` + "\r\n", "-ERR 'Authorization Violation'\r\n<closed>"},
	{"auth wrong pass", `CONNECT {"verbose":false,"user":"u","pass":"x"}` + "\r\n", "-ERR 'Authorization Violation'\r\n<closed>"},
	{"auth token instead", `CONNECT {"verbose":false,"auth_token":"p"}` + "\r\n", "-ERR 'Authorization Violation'\r\n<closed>"},
	{"auth ok", `CONNECT {"verbose":false,"user":"u","pass":"p"}` + "\r\n", "PONG\r\n"},
	{"auth ok verbose", `CONNECT {"user":"u","pass":"p"}` + "\r\n", "+OK\r\nPONG\r\n"},
}

// tokenCases run against a server with token "tok".
var tokenCases = []protoCase{
	{"token ok", `CONNECT {"verbose":false,"auth_token":"tok"}` + "\r\n", "PONG\r\n"},
	{"token wrong", `CONNECT {"verbose":false,"auth_token":"x"}` + "\r\n", "-ERR 'Authorization Violation'\r\n<closed>"},
	{"token as user", `CONNECT {"verbose":false,"user":"tok"}` + "\r\n", "-ERR 'Authorization Violation'\r\n<closed>"},
}

func runCases(t *testing.T, addr string, cases []protoCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _ := dialRaw(t, addr)
			require.Equal(t, c.want, r.transcript(c.in))
		})
	}
}

func TestProtocol(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	runCases(t, f.addr, protocolCases)
}

func TestProtocolAuth(t *testing.T) {
	runCases(t, startFront(t, natsbridge.Options{User: "u", Pass: "p"}).addr, authCases)
	runCases(t, startFront(t, natsbridge.Options{Token: "tok"}).addr, tokenCases)
}

func TestInfo(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	_, line := dialRaw(t, f.addr)
	require.True(t, strings.HasSuffix(line, "} \r\n"), "INFO ends as nats-server's: %q", line)
	var info map[string]any
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimPrefix(line, "INFO "), " \r\n")), &info))
	id, _ := info["server_id"].(string)
	require.Len(t, id, 56)
	require.True(t, strings.HasPrefix(id, "N"))
	require.Equal(t, f.ID(), id)
	require.Equal(t, id, info["server_name"])
	require.Equal(t, natsbridge.Version, info["version"])
	require.EqualValues(t, 1, info["proto"])
	require.EqualValues(t, 1048576, info["max_payload"])
	require.Equal(t, true, info["headers"])
	require.Equal(t, "127.0.0.1", info["host"])
	_, port, _ := net.SplitHostPort(f.addr)
	require.Equal(t, port, strconv.Itoa(int(info["port"].(float64))))
	require.Positive(t, info["client_id"])
	require.Equal(t, "127.0.0.1", info["client_ip"])
	require.NotContains(t, info, "auth_required")

	_, line = dialRaw(t, startFront(t, natsbridge.Options{Token: "x"}).addr)
	require.Contains(t, line, `"auth_required":true`)

	nc := connect(t, f.url)
	require.Equal(t, id, nc.ConnectedServerId())
	require.EqualValues(t, 1<<20, nc.MaxPayload())
}

func TestAuthTimeout(t *testing.T) {
	f := startFront(t, natsbridge.Options{User: "u", Pass: "p", AuthTimeout: 50 * time.Millisecond})
	r, _ := dialRaw(t, f.addr)
	require.Equal(t, "-ERR 'Authentication Timeout'\r\n", r.line())
	require.Empty(t, r.rest())
	// A client that authenticates in time stays.
	r, _ = dialRaw(t, f.addr)
	require.Equal(t, "PONG\r\n", r.transcript(`CONNECT {"verbose":false,"user":"u","pass":"p"}`+"\r\n"))
	require.Equal(t, "PONG\r\n", r.transcript(""))
}

// TestSplitWrites sends a pipeline one byte per write: the parser resumes
// at every byte.
func TestSplitWrites(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	r, _ := dialRaw(t, f.addr)
	in := `CONNECT {"verbose":false,"headers":true}` + "\r\nSUB foo.* q 1\r\nPUB foo.x r 5\r\nhello\r\nHPUB foo.y 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n"
	for i := range len(in) {
		r.send(in[i : i+1])
	}
	r.expect("MSG foo.x 1 r 5\r\nhello\r\nHMSG foo.y 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPONG\r\n")
}

// TestHeadersDroppedForOldClients: a subscriber that did not ask for
// headers gets MSG with the payload only.
func TestHeadersDroppedForOldClients(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	old, _ := dialRaw(t, f.addr)
	require.Equal(t, "PONG\r\n", old.transcript(`CONNECT {"verbose":false}`+"\r\nSUB h 7\r\n"))
	nc := connect(t, f.url)
	m := nats.NewMsg("h")
	m.Header.Set("K", "v")
	m.Data = []byte("payload")
	require.NoError(t, nc.PublishMsg(m))
	require.NoError(t, nc.Flush())
	old.expect("MSG h 7 7\r\npayload\r\n")
}

func TestSlowConsumer(t *testing.T) {
	f := startFront(t, natsbridge.Options{MaxPending: 8 << 20})
	slow, _ := dialRaw(t, f.addr)
	require.Equal(t, "PONG\r\n", slow.transcript(`CONNECT {"verbose":false}`+"\r\nSUB flood 1\r\n"))
	// A fast subscriber reads everything as it comes (a raw reader that
	// discards: it keeps up even on a loaded machine).
	fast, _ := dialRaw(t, f.addr)
	require.Equal(t, "PONG\r\n", fast.transcript(`CONNECT {"verbose":false}`+"\r\nSUB flood 2\r\n"))
	var fastBytes atomic.Int64
	fastDone := make(chan struct{})
	go func() {
		defer close(fastDone)
		_ = fast.nc.SetReadDeadline(time.Time{})
		n, _ := io.Copy(io.Discard, fast.r)
		fastBytes.Store(n)
	}()

	pub := connect(t, f.url)
	payload := make([]byte, 8<<10)
	sent := 0
	// Loopback socket buffers take a few MB before the writer blocks; the
	// pending limit is reached soon after. Bounded: at most 128 MB.
	for sent < 16384 && f.Stats().SlowConsumers == 0 {
		require.NoError(t, pub.Publish("flood", payload))
		sent++
		if sent%16 == 0 {
			require.NoError(t, pub.Flush())
		}
	}
	require.EqualValues(t, 1, f.Stats().SlowConsumers, "no slow consumer after %d messages", sent)
	// The slow client, reading at last, finds its stream cut at a message
	// boundary, then -ERR 'Slow Consumer', then the close.
	got := slow.rest()
	require.True(t, strings.HasSuffix(got, "-ERR 'Slow Consumer'\r\n"), "tail %q", got[max(0, len(got)-100):])
	require.Less(t, len(got), sent*(len(payload)+20), "dropped messages were not written")
	// The publisher and the fast subscriber are unaffected.
	require.NoError(t, pub.Flush())
	require.True(t, pub.IsConnected())
	require.Eventually(t, func() bool { return f.Stats().Conns == 2 }, 5*time.Second, time.Millisecond)
	require.EqualValues(t, 1, f.Stats().SlowConsumers)
	fast.nc.Close()
	<-fastDone
	require.Greater(t, fastBytes.Load(), int64(len(payload)), "the fast subscriber got the flood")
}
