package respfront_test

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// clientLineRE is a CLIENT LIST line with Redis 7.0's fields in Redis's
// order, then 7.2's lib-name and lib-ver.
var clientLineRE = regexp.MustCompile(`^id=\d+ addr=\S+:\d+ laddr=\S+:\d+ fd=-?\d+ name=\S* age=\d+ idle=\d+ flags=[NPxeT]+ db=\d+ sub=\d+ psub=\d+ ssub=\d+ multi=-?\d+ qbuf=\d+ qbuf-free=\d+ argv-mem=\d+ multi-mem=\d+ rbs=\d+ rbp=\d+ obl=\d+ oll=\d+ omem=\d+ tot-mem=\d+ events=r cmd=\S+ user=default redir=-1 resp=[23] lib-name=\S* lib-ver=\S*$`)

// clientFields parses one CLIENT LIST line into its fields.
func clientFields(t *testing.T, line string) map[string]string {
	t.Helper()
	require.Regexp(t, clientLineRE, line)
	out := map[string]string{}
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		out[k] = v
	}
	return out
}

// clientList returns CLIENT LIST (with args) parsed, one map per line.
func clientList(t *testing.T, c *redis.Client, args ...any) []map[string]string {
	t.Helper()
	s, err := c.Do(ctx, append([]any{"CLIENT", "LIST"}, args...)...).Text()
	require.NoError(t, err)
	if s == "" {
		return nil
	}
	require.True(t, strings.HasSuffix(s, "\n"), "%q", s)
	var out []map[string]string
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		out = append(out, clientFields(t, line))
	}
	return out
}

// clientInfo returns the caller's CLIENT INFO fields.
func clientInfo(t *testing.T, c *redis.Client) map[string]string {
	t.Helper()
	s, err := c.Do(ctx, "CLIENT", "INFO").Text()
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(s, "\n"), "%q", s)
	return clientFields(t, strings.TrimSuffix(s, "\n"))
}

func clientID(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	id, err := c.Do(ctx, "CLIENT", "ID").Int64()
	require.NoError(t, err)
	return id
}

func TestClientID(t *testing.T) {
	addr := start(t)
	a := testutil.Client(t, addr, 2)
	b := testutil.Client(t, addr, 2)
	ida, idb := clientID(t, a), clientID(t, b)
	require.Positive(t, ida)
	require.Greater(t, idb, ida)
	require.Equal(t, ida, clientID(t, a))
	require.Equal(t, strconv.FormatInt(ida, 10), clientInfo(t, a)["id"])
	mustErr(t, a, "ERR wrong number of arguments for 'client|id' command", "CLIENT", "ID", "x")

	// HELLO reports the same id.
	r := testutil.DialRaw(t, addr)
	hello := r.Do("HELLO", "3")
	id := r.Do("CLIENT", "ID")
	require.Contains(t, hello, "$2\r\nid\r\n"+id)
}

func TestClientSetNameGetName(t *testing.T) {
	c := client(t)
	mustNil(t, c, "CLIENT", "GETNAME")
	mustDo(t, c, "OK", "CLIENT", "SETNAME", "worker-1")
	mustDo(t, c, "worker-1", "CLIENT", "GETNAME")
	require.Equal(t, "worker-1", clientInfo(t, c)["name"])
	for _, bad := range []string{"a b", "a\nb", "caf\xc3\xa9", "\x01"} {
		mustErr(t, c, "ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", bad)
	}
	mustDo(t, c, "worker-1", "CLIENT", "GETNAME")
	// An empty name removes the name.
	mustDo(t, c, "OK", "CLIENT", "SETNAME", "")
	mustNil(t, c, "CLIENT", "GETNAME")
	mustErr(t, c, "ERR wrong number of arguments for 'client|setname' command", "CLIENT", "SETNAME")
	mustErr(t, c, "ERR wrong number of arguments for 'client|getname' command", "CLIENT", "GETNAME", "x")

	// HELLO SETNAME names the connection too; RESP3 null when unset.
	r := testutil.DialRaw(t, start(t))
	r.Do("HELLO", "3")
	require.Equal(t, "_\r\n", r.Do("CLIENT", "GETNAME"))
	r.Do("HELLO", "3", "SETNAME", "viahello")
	require.Equal(t, "$8\r\nviahello\r\n", r.Do("CLIENT", "GETNAME"))
}

func TestClientList(t *testing.T) {
	addr := start(t)
	a := testutil.Client(t, addr, 2)
	b := testutil.Client(t, addr, 2)
	ida, idb := clientID(t, a), clientID(t, b)
	mustDo(t, b, "OK", "CLIENT", "SETNAME", "bee")
	mustDo(t, b, "OK", "SELECT", "3")

	all := clientList(t, a)
	require.Len(t, all, 2)
	require.Equal(t, strconv.FormatInt(ida, 10), all[0]["id"]) // by id
	require.Equal(t, strconv.FormatInt(idb, 10), all[1]["id"])
	me, other := all[0], all[1]
	require.Equal(t, "client|list", me["cmd"])
	require.Equal(t, "N", me["flags"])
	require.Equal(t, "-1", me["multi"])
	require.Equal(t, "2", me["resp"])
	require.Equal(t, "bee", other["name"])
	require.Equal(t, "3", other["db"])
	require.Equal(t, "select", other["cmd"])
	// addr and laddr are the two ends of the connection.
	require.NotEqual(t, me["addr"], other["addr"])
	require.Equal(t, me["laddr"], other["laddr"])
	_, port, err := net.SplitHostPort(me["laddr"])
	require.NoError(t, err)
	require.Equal(t, addr[strings.LastIndexByte(addr, ':')+1:], port)

	// ID filters, in the order given, unknown ids skipped.
	ids := clientList(t, a, "ID", idb, 999999, ida, idb)
	require.Len(t, ids, 3)
	require.Equal(t, strconv.FormatInt(idb, 10), ids[0]["id"])
	require.Equal(t, strconv.FormatInt(ida, 10), ids[1]["id"])
	require.Empty(t, clientList(t, a, "ID", 0, -5))
	mustErr(t, a, "ERR Invalid client ID", "CLIENT", "LIST", "ID", "1", "x")

	// TYPE filters: a subscriber is pubsub, not normal.
	sub := testutil.DialRaw(t, addr)
	require.Contains(t, sub.Do("SUBSCRIBE", "ch"), "subscribe")
	pub := clientList(t, a, "TYPE", "pubsub")
	require.Len(t, pub, 1)
	require.Equal(t, "P", pub[0]["flags"])
	require.Equal(t, "1", pub[0]["sub"])
	require.Len(t, clientList(t, a, "TYPE", "NORMAL"), 2)
	require.Empty(t, clientList(t, a, "TYPE", "master"))
	require.Empty(t, clientList(t, a, "TYPE", "replica"))
	require.Empty(t, clientList(t, a, "TYPE", "slave"))

	mustErr(t, a, "ERR Unknown client type 'foo'", "CLIENT", "LIST", "TYPE", "foo")
	mustErr(t, a, "ERR syntax error", "CLIENT", "LIST", "TYPE")
	mustErr(t, a, "ERR syntax error", "CLIENT", "LIST", "ID")
	mustErr(t, a, "ERR syntax error", "CLIENT", "LIST", "foo")
	mustErr(t, a, "ERR syntax error", "CLIENT", "LIST", "TYPE", "normal", "ID", "1")
}

func TestClientListRESP3(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	r.Do("HELLO", "3")
	got := r.Do("CLIENT", "LIST")
	require.True(t, strings.HasPrefix(got, "="), got)
	require.Contains(t, got, "\r\ntxt:id=")
	require.Contains(t, got, " resp=3 ")
	require.True(t, strings.HasSuffix(got, "\n\r\n"), got)
	require.Contains(t, r.Do("CLIENT", "INFO"), "\r\ntxt:id=")
}

func TestClientInfo(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	c := testutil.Client(t, addr, 2)
	info := clientInfo(t, c)
	require.Equal(t, "client|info", info["cmd"])
	require.Equal(t, "0", info["db"])
	require.Equal(t, "", info["name"])

	// Inside MULTI: flags x and the number of queued commands.
	r.Do("MULTI")
	r.Do("SET", "a", "1")
	r.Do("SET", "b", "2")
	require.Equal(t, "+QUEUED\r\n", r.Do("CLIENT", "ID"))
	var line map[string]string
	for _, l := range clientList(t, c) {
		if l["id"] != info["id"] {
			line = l
		}
	}
	require.Equal(t, "x", line["flags"])
	require.Equal(t, "3", line["multi"])
	require.Equal(t, "client|id", line["cmd"])
	r.Do("DISCARD")
	for _, l := range clientList(t, c) {
		if l["id"] != info["id"] {
			require.Equal(t, "-1", l["multi"])
			require.Equal(t, "N", l["flags"])
		}
	}
	mustErr(t, c, "ERR wrong number of arguments for 'client|info' command", "CLIENT", "INFO", "x")
}

func TestClientKillOldForm(t *testing.T) {
	addr := start(t)
	a := testutil.Client(t, addr, 2)
	victim := testutil.DialRaw(t, addr)
	require.Equal(t, "+PONG\r\n", victim.Do("PING"))
	victimAddr := victim.Conn().LocalAddr().String()

	mustErr(t, a, "ERR No such client", "CLIENT", "KILL", "1.2.3.4:5")
	mustErr(t, a, "ERR No such client", "CLIENT", "KILL", "addr")
	mustDo(t, a, "OK", "CLIENT", "KILL", victimAddr)
	_, err := victim.ReadTimeout(5 * time.Second)
	require.Error(t, err) // closed without a reply
	require.Eventually(t, func() bool { return len(clientList(t, a)) == 1 }, 5*time.Second, 5*time.Millisecond)

	// The old form may kill the caller, which still gets its +OK.
	self := testutil.DialRaw(t, addr)
	require.Equal(t, "+OK\r\n", self.Do("CLIENT", "KILL", self.Conn().LocalAddr().String()))
	_, err = self.ReadTimeout(5 * time.Second)
	require.Error(t, err)
}

func TestClientKillFilters(t *testing.T) {
	addr := start(t)
	a := testutil.Client(t, addr, 2)
	dial := func() (*testutil.Raw, string) {
		r := testutil.DialRaw(t, addr)
		return r, strings.TrimSuffix(strings.TrimPrefix(r.Do("CLIENT", "ID"), ":"), "\r\n")
	}
	gone := func(r *testutil.Raw) {
		t.Helper()
		_, err := r.ReadTimeout(5 * time.Second)
		require.Error(t, err)
	}

	v1, id1 := dial()
	mustDo(t, a, int64(1), "CLIENT", "KILL", "ID", id1)
	gone(v1)
	mustDo(t, a, int64(0), "CLIENT", "KILL", "ID", id1)

	v2, _ := dial()
	mustDo(t, a, int64(1), "CLIENT", "KILL", "ADDR", v2.Conn().LocalAddr().String())
	gone(v2)

	// ADDR and ID must both match.
	v3, id3 := dial()
	mustDo(t, a, int64(0), "CLIENT", "KILL", "ID", id3, "ADDR", "1.2.3.4:5")
	require.Equal(t, "+PONG\r\n", v3.Do("PING"))

	// TYPE pubsub kills subscribers only; SKIPME yes (the default) spares
	// the caller.
	s1 := testutil.DialRaw(t, addr)
	require.Contains(t, s1.Do("SUBSCRIBE", "ch"), "subscribe")
	mustDo(t, a, int64(1), "CLIENT", "KILL", "TYPE", "pubsub")
	gone(s1)
	mustDo(t, a, int64(0), "CLIENT", "KILL", "TYPE", "master")
	// LADDR: every client connected to this listener but the caller.
	v4, _ := dial()
	laddr := v4.Conn().RemoteAddr().String()
	mustDo(t, a, int64(2), "CLIENT", "KILL", "LADDR", laddr, "SKIPME", "yes") // v3, v4
	gone(v3)
	gone(v4)
	require.Len(t, clientList(t, a), 1)
	mustDo(t, a, int64(0), "CLIENT", "KILL", "USER", "default")

	// SKIPME no: the caller is killed after its reply.
	ida := clientID(t, a)
	self := testutil.DialRaw(t, addr)
	require.Equal(t, ":2\r\n", self.Do("CLIENT", "KILL", "USER", "default", "SKIPME", "no"))
	gone(self)
	require.NotEqual(t, ida, clientID(t, a)) // go-redis had to reconnect

	b := testutil.Client(t, addr, 2)
	for _, tc := range []struct {
		text string
		args []any
	}{
		{"ERR client-id should be greater than 0", []any{"ID", "x"}},
		{"ERR client-id should be greater than 0", []any{"ID", "0"}},
		{"ERR client-id should be greater than 0", []any{"ID", "-1"}},
		{"ERR Unknown client type 'bogus'", []any{"TYPE", "bogus"}},
		{"ERR No such user 'nobody'", []any{"USER", "nobody"}},
		{"ERR syntax error", []any{"SKIPME", "maybe"}},
		{"ERR syntax error", []any{"BOGUS", "x"}},
		{"ERR syntax error", []any{"MAXAGE", "1"}},
		{"ERR syntax error", []any{"ID", "1", "ADDR"}},
	} {
		mustErr(t, b, tc.text, append([]any{"CLIENT", "KILL"}, tc.args...)...)
	}
	mustErr(t, b, "ERR wrong number of arguments for 'client|kill' command", "CLIENT", "KILL")
}

func TestClientSetInfo(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "CLIENT", "SETINFO", "LIB-NAME", "mylib")
	mustDo(t, c, "OK", "CLIENT", "SETINFO", "lib-ver", "1.2.3")
	info := clientInfo(t, c)
	require.Equal(t, "mylib", info["lib-name"])
	require.Equal(t, "1.2.3", info["lib-ver"])
	mustErr(t, c, "ERR Unrecognized option 'foo'", "CLIENT", "SETINFO", "foo", "x")
	mustErr(t, c, "ERR LIB-NAME cannot contain spaces, newlines or special characters.", "CLIENT", "SETINFO", "LIB-NAME", "a b")
	mustErr(t, c, "ERR wrong number of arguments for 'client|setinfo' command", "CLIENT", "SETINFO", "lib-name")

	// go-redis identifies itself with CLIENT SETINFO on connect unless
	// DisableIdentity is set, and must not fail doing so.
	for _, proto := range []int{2, 3} {
		g := redis.NewClient(&redis.Options{Addr: start(t), Protocol: proto, PoolSize: 1})
		t.Cleanup(func() { g.Close() })
		require.NoError(t, g.Ping(ctx).Err())
		line, err := g.ClientInfo(ctx).Result()
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(line.LibName, "go-redis"), "%+v", line)
		require.NotEmpty(t, line.LibVer)
		require.Equal(t, proto, line.Resp)
	}
}

func TestClientNoEvictNoTouch(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "CLIENT", "NO-EVICT", "on")
	require.Equal(t, "e", clientInfo(t, c)["flags"])
	mustDo(t, c, "OK", "CLIENT", "NO-TOUCH", "ON")
	require.Equal(t, "eT", clientInfo(t, c)["flags"])
	mustDo(t, c, "OK", "CLIENT", "NO-EVICT", "off")
	mustDo(t, c, "OK", "CLIENT", "NO-TOUCH", "off")
	require.Equal(t, "N", clientInfo(t, c)["flags"])
	mustErr(t, c, "ERR syntax error", "CLIENT", "NO-EVICT", "maybe")
	mustErr(t, c, "ERR syntax error", "CLIENT", "NO-TOUCH", "maybe")
	mustErr(t, c, "ERR wrong number of arguments for 'client|no-evict' command", "CLIENT", "NO-EVICT")
}

func TestClientHelpAndErrors(t *testing.T) {
	c := client(t)
	help, err := c.Do(ctx, "CLIENT", "HELP").StringSlice()
	require.NoError(t, err)
	require.Equal(t, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0])
	require.Contains(t, help, "SETNAME <name>")
	require.Equal(t, []string{"HELP", "    Prints this help."}, help[len(help)-2:])
	mustErr(t, c, "ERR unknown subcommand 'foo'. Try CLIENT HELP.", "CLIENT", "foo")
	mustErr(t, c, "ERR unknown subcommand 'foo'. Try CLIENT HELP.", "client", "foo", "bar")
	mustErr(t, c, "ERR wrong number of arguments for 'client' command", "CLIENT")
}

// TestClientDifferential compares CLIENT's replies that do not depend on
// the connection with redis-server's, in RESP2 and RESP3.
func TestClientDifferential(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	script := [][]string{
		{"CLIENT"}, {"CLIENT", "foo"}, {"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME", "a b"},
		{"CLIENT", "SETNAME", "n1"}, {"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME", ""}, {"CLIENT", "GETNAME"},
		{"CLIENT", "SETNAME"}, {"CLIENT", "ID", "x"}, {"CLIENT", "INFO", "x"}, {"CLIENT", "KILL"},
		{"CLIENT", "KILL", "9.9.9.9:1"}, {"CLIENT", "KILL", "ID", "x"}, {"CLIENT", "KILL", "ID", "0"},
		{"CLIENT", "KILL", "ID", "999999"}, {"CLIENT", "KILL", "TYPE", "foo"}, {"CLIENT", "KILL", "TYPE", "master"},
		{"CLIENT", "KILL", "USER", "nobody"}, {"CLIENT", "KILL", "SKIPME", "x"}, {"CLIENT", "KILL", "foo", "bar"},
		{"CLIENT", "KILL", "ID", "1", "ADDR"}, {"CLIENT", "KILL", "ADDR", "9.9.9.9:1", "SKIPME", "no"},
		{"CLIENT", "LIST", "foo"}, {"CLIENT", "LIST", "TYPE"}, {"CLIENT", "LIST", "TYPE", "foo"},
		{"CLIENT", "LIST", "ID", "x"}, {"CLIENT", "LIST", "ID", "999999"}, {"CLIENT", "LIST", "TYPE", "master"},
		{"CLIENT", "NO-EVICT", "on"}, {"CLIENT", "NO-EVICT", "x"}, {"CLIENT", "NO-EVICT", "off"},
		{"CLIENT", "NO-EVICT"},
	}
	for _, proto := range []string{"2", "3"} {
		ours := testutil.DialRaw(t, start(t))
		ref := testutil.DialRaw(t, redisAddr)
		ours.Do("HELLO", proto)
		ref.Do("HELLO", proto)
		for _, cmd := range script {
			want := ref.Do(cmd...)
			got := ours.Do(cmd...)
			require.Equal(t, want, got, "RESP%s %q", proto, cmd)
		}
	}
}

// CLIENT LIST, CLIENT KILL and INFO read other connections' state while
// those connections change it: run under -race.
func TestClientListConcurrent(t *testing.T) {
	addr := start(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		r := testutil.DialRaw(t, addr)
		require.Equal(t, "+PONG\r\n", r.Do("PING")) // registered before CLIENT LIST counts
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				r.Do("CLIENT", "SETNAME", "w"+strconv.Itoa(n))
				r.Do("SELECT", strconv.Itoa(n%16))
				r.Do("MULTI")
				r.Do("PING")
				r.Do("EXEC")
				r.Do("HELLO", strconv.Itoa(2+n%2))
				r.Do("CLIENT", "SETINFO", "lib-ver", strconv.Itoa(n))
				if i == 0 {
					r.Do("SUBSCRIBE", "c")
					r.Do("UNSUBSCRIBE", "c")
				}
			}
		}(i)
	}
	c := testutil.Client(t, addr, 2)
	for n := 0; n < 50; n++ {
		require.Len(t, clientList(t, c), 5)
		clientList(t, c, "TYPE", "pubsub")
		mustDo(t, c, int64(0), "CLIENT", "KILL", "TYPE", "master")
		infoFields(t, c)
	}
	close(stop)
	wg.Wait()
}

func TestClientReply(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	r.Send([]byte("CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nGET a\r\n"))
	// OFF silences SET, GET and SKIP; SKIP was a no-op while OFF; ON answers.
	require.Equal(t, "+OK\r\n", r.Read())
	require.Equal(t, "$1\r\n1\r\n", r.Read())
	r.Send([]byte("CLIENT REPLY SKIP\r\nGET a\r\nECHO x\r\n"))
	require.Equal(t, "$1\r\nx\r\n", r.Read())
}
