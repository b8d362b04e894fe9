package respfront_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

func TestPingEcho(t *testing.T) {
	c := client(t)
	mustDo(t, c, "PONG", "PING")
	mustDo(t, c, "hi", "PING", "hi")
	mustDo(t, c, "x y", "ECHO", "x y")
	mustErr(t, c, "ERR wrong number of arguments for 'echo' command", "ECHO")
	mustErr(t, c, "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ", "NOSUCH", "a", "b")
}

func TestSelect(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SELECT", "15")
	mustErr(t, c, "ERR DB index is out of range", "SELECT", "16")
	mustErr(t, c, "ERR value is not an integer or out of range", "SELECT", "x")
}

func TestHelloRESP3(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	got := r.Do("HELLO", "3", "SETNAME", "me")
	require.Contains(t, got, "%7\r\n$6\r\nserver\r\n")
	require.Contains(t, got, "$5\r\nproto\r\n:3\r\n")
	require.Equal(t, "_\r\n", r.Do("GET", "missing"))
	require.Equal(t, "-NOPROTO unsupported protocol version\r\n", r.Do("HELLO", "4"))
}

func TestInlineCommands(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	r.Send([]byte("PING\r\nECHO \"a b\"\r\n"))
	require.Equal(t, "+PONG\r\n", r.Read())
	require.Equal(t, "$3\r\na b\r\n", r.Read())
}
