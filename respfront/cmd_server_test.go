package respfront_test

import (
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/testutil"
	"github.com/switchyard/switchyard/queue"
	"github.com/switchyard/switchyard/respfront"
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

func TestTime(t *testing.T) {
	c := client(t)
	before := time.Now()
	got, err := c.Time(ctx).Result()
	require.NoError(t, err)
	require.WithinDuration(t, before, got, 5*time.Second)
	raw, err := c.Do(ctx, "TIME").StringSlice()
	require.NoError(t, err)
	require.Len(t, raw, 2)
	require.Regexp(t, `^\d{10,}$`, raw[0])
	require.Regexp(t, `^\d{1,6}$`, raw[1])
	mustErr(t, c, "ERR wrong number of arguments for 'time' command", "TIME", "x")
}

func TestResetConnectionState(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	r.Do("HELLO", "3", "SETNAME", "me")
	require.Equal(t, "+OK\r\n", r.Do("SELECT", "2"))
	require.Equal(t, "+OK\r\n", r.Do("SET", "k", "db2"))
	require.Equal(t, "+OK\r\n", r.Do("CLIENT", "NO-EVICT", "on"))
	require.Equal(t, "+OK\r\n", r.Do("WATCH", "w"))
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	require.Equal(t, "+QUEUED\r\n", r.Do("SET", "x", "1"))
	require.Equal(t, "+RESET\r\n", r.Do("RESET"))

	require.Equal(t, "$-1\r\n", r.Do("GET", "k")) // RESP2 again, database 0
	require.Equal(t, "$-1\r\n", r.Do("CLIENT", "GETNAME"))
	require.Equal(t, "-ERR EXEC without MULTI\r\n", r.Do("EXEC"))
	require.Equal(t, "$-1\r\n", r.Do("GET", "x"))
	info := r.Do("CLIENT", "INFO")
	require.Contains(t, info, " flags=N db=0 ")
	require.Contains(t, info, " resp=2 ")
	require.Equal(t, "-ERR wrong number of arguments for 'reset' command\r\n", r.Do("RESET", "x"))
}

func TestResetUnsubscribes(t *testing.T) {
	addr := start(t)
	for _, proto := range []string{"2", "3"} {
		r := testutil.DialRaw(t, addr)
		r.Do("HELLO", proto)
		require.Contains(t, r.Do("SUBSCRIBE", "ch"), "subscribe")
		require.Contains(t, r.Do("PSUBSCRIBE", "p*"), "psubscribe")
		require.Equal(t, "+RESET\r\n", r.Do("RESET"))
		require.Equal(t, "+PONG\r\n", r.Do("PING"))
		require.Equal(t, "*2\r\n$2\r\nch\r\n:0\r\n", r.Do("PUBSUB", "NUMSUB", "ch"))
		require.Equal(t, ":0\r\n", r.Do("PUBSUB", "NUMPAT"))
	}
}

func TestResetDeauthenticates(t *testing.T) {
	r := testutil.DialRaw(t, start(t, []string{"requirepass", "pw"}))
	require.Equal(t, "+RESET\r\n", r.Do("RESET")) // allowed before AUTH
	require.Equal(t, "+OK\r\n", r.Do("AUTH", "pw"))
	require.Equal(t, "$-1\r\n", r.Do("GET", "k"))
	require.Equal(t, "+RESET\r\n", r.Do("RESET"))
	require.Equal(t, "-NOAUTH Authentication required.\r\n", r.Do("GET", "k"))
}

// TestResetDifferential compares RESET and the state after it with
// redis-server's.
func TestResetDifferential(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	script := [][]string{
		{"HELLO", "3"}, {"CLIENT", "SETNAME", "n"}, {"SELECT", "1"}, {"SET", "a", "1"}, {"MULTI"},
		{"GET", "a"}, {"RESET"}, {"GET", "a"}, {"EXEC"}, {"CLIENT", "GETNAME"}, {"SUBSCRIBE", "c"},
		{"RESET"}, {"GET", "a"}, {"RESET", "x"}, {"SELECT", "1"}, {"GET", "a"},
	}
	ours := testutil.DialRaw(t, start(t))
	ref := testutil.DialRaw(t, redisAddr)
	for _, cmd := range script {
		want := ref.Do(cmd...)
		got := ours.Do(cmd...)
		if cmd[0] == "HELLO" {
			continue // the id and version fields differ
		}
		require.Equal(t, want, got, "%q", cmd)
	}
}

func TestShutdownErrors(t *testing.T) {
	c := client(t)
	for _, args := range [][]any{{"foo"}, {"NOSAVE", "SAVE"}, {"ABORT", "NOW"}, {"SAVE", "ABORT"}, {"NOSAVE", "x"}} {
		mustErr(t, c, "ERR syntax error", append([]any{"SHUTDOWN"}, args...)...)
	}
	mustErr(t, c, "ERR No shutdown in progress.", "SHUTDOWN", "ABORT")
	mustDo(t, c, "OK", "MULTI")
	mustErr(t, c, "ERR Command not allowed inside a transaction", "SHUTDOWN")
	mustErr(t, c, "EXECABORT Transaction discarded because of previous errors.", "EXEC")
	mustDo(t, c, "PONG", "PING")
}

// SHUTDOWN stops the whole server (Options.OnShutdown) and closes the
// connection without a reply.
func TestShutdownStopsServer(t *testing.T) {
	sw := testutil.StartSwitchyard(t)
	r := testutil.DialRaw(t, sw.RESPAddr())
	other := testutil.DialRaw(t, sw.RESPAddr())
	require.Equal(t, "+PONG\r\n", other.Do("PING"))
	r.Send(testutil.Encode("SHUTDOWN", "NOSAVE"))
	_, err := r.ReadTimeout(10 * time.Second)
	require.ErrorIs(t, err, io.EOF)
	select {
	case <-sw.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	_, err = other.ReadTimeout(10 * time.Second)
	require.ErrorIs(t, err, io.EOF)
	_, err = net.DialTimeout("tcp", sw.RESPAddr(), time.Second)
	require.Error(t, err)
}

// newFront serves a bare respfront.Server on a free port.
func newFront(t *testing.T, opts respfront.Options) (*respfront.Server, string, <-chan error) {
	t.Helper()
	eng := broker.New(broker.Options{})
	t.Cleanup(eng.Close)
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	qb := queue.New(eng)
	t.Cleanup(qb.Close)
	srv := respfront.New(eng, qb, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return srv, ln.Addr().String(), served
}

func TestShutdownCallsHook(t *testing.T) {
	called := make(chan struct{})
	_, addr, _ := newFront(t, respfront.Options{OnShutdown: func() { close(called) }})
	r := testutil.DialRaw(t, addr)
	r.Send(testutil.Encode("SHUTDOWN"))
	_, err := r.ReadTimeout(10 * time.Second)
	require.ErrorIs(t, err, io.EOF)
	select {
	case <-called:
	case <-time.After(10 * time.Second):
		t.Fatal("OnShutdown not called")
	}
}

func TestShutdownWithoutHookClosesFront(t *testing.T) {
	_, addr, served := newFront(t, respfront.Options{})
	r := testutil.DialRaw(t, addr)
	r.Send(testutil.Encode("SHUTDOWN", "NOW"))
	_, err := r.ReadTimeout(10 * time.Second)
	require.ErrorIs(t, err, io.EOF)
	select {
	case err := <-served:
		require.ErrorIs(t, err, respfront.ErrServerClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}
