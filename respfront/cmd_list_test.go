package respfront_test

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/server"
	"github.com/switchyard/switchyard/internal/testutil"
)

// listEnv is a server with a RESP2 client, for list tests that also need
// the engine: to store a string key (WRONGTYPE cases) and to wait for
// clients to block.
type listEnv struct {
	t   *testing.T
	srv *server.Server
	c   *redis.Client
}

func newListEnv(t *testing.T) *listEnv {
	t.Helper()
	srv := testutil.StartSwitchyard(t)
	return &listEnv{t: t, srv: srv, c: testutil.Client(t, srv.RESPAddr(), 2)}
}

func (e *listEnv) addr() string { return e.srv.RESPAddr() }

// setString stores a string value at key of db 0.
func (e *listEnv) setString(key, val string) {
	e.srv.Engine.Exec(func(tx *broker.Tx) {
		tx.DB(0).Set(key, broker.NewString([]byte(val)), false)
	})
}

// waitBlocked waits until exactly n clients are blocked.
func (e *listEnv) waitBlocked(n int64) {
	e.t.Helper()
	require.Eventually(e.t, func() bool { return e.srv.Engine.Stats.BlockedNow.Load() == n },
		5*time.Second, time.Millisecond, "waiting for %d blocked clients", n)
}

// rawBlock opens a raw connection and sends a blocking command on it
// without reading the reply, then waits until `blocked` clients are
// blocked in total.
func (e *listEnv) rawBlock(blocked int64, args ...string) *testutil.Raw {
	e.t.Helper()
	r := testutil.DialRaw(e.t, e.addr())
	r.Send(testutil.Encode(args...))
	e.waitBlocked(blocked)
	return r
}

const wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

func TestListPushPop(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "LPUSH", "l", "a", "b", "c")
	mustDo(t, c, int64(5), "RPUSH", "l", "d", "e")
	mustDo(t, c, []any{"c", "b", "a", "d", "e"}, "LRANGE", "l", "0", "-1")
	mustDo(t, c, int64(7), "LPUSHX", "l", "x", "y")
	mustDo(t, c, int64(8), "RPUSHX", "l", "z")
	mustDo(t, c, int64(0), "LPUSHX", "nokey", "a")
	mustDo(t, c, int64(0), "RPUSHX", "nokey", "a", "b")
	mustDo(t, c, int64(0), "LLEN", "nokey")

	mustDo(t, c, "y", "LPOP", "l")
	mustDo(t, c, "z", "RPOP", "l")
	mustDo(t, c, []any{"x", "c"}, "LPOP", "l", "2")
	mustDo(t, c, []any{"e", "d"}, "RPOP", "l", "2")
	mustDo(t, c, []any{}, "LPOP", "l", "0")
	mustErr(t, c, "ERR value is out of range, must be positive", "LPOP", "l", "-1")
	mustErr(t, c, "ERR value is out of range, must be positive", "RPOP", "l", "x")
	mustErr(t, c, "ERR value is out of range, must be positive", "LPOP", "l", "01")
	mustErr(t, c, "ERR wrong number of arguments for 'lpop' command", "LPOP", "l", "1", "2")
	mustErr(t, c, "ERR wrong number of arguments for 'rpop' command", "RPOP", "l", "1", "2")
	// A count beyond the length pops everything and deletes the key.
	mustDo(t, c, []any{"b", "a"}, "LPOP", "l", "9223372036854775807")
	mustDo(t, c, int64(0), "LLEN", "l")
	mustDo(t, c, int64(0), "RPUSHX", "l", "a")
	mustNil(t, c, "LPOP", "l")
	mustNil(t, c, "RPOP", "l", "3")
	mustNil(t, c, "LPOP", "l", "0")
	mustErr(t, c, "ERR value is out of range, must be positive", "LPOP", "nokey", "-1")
	mustErr(t, c, "ERR wrong number of arguments for 'lpush' command", "LPUSH", "l")
	mustErr(t, c, "ERR wrong number of arguments for 'rpushx' command", "RPUSHX", "l")
}

// TestListPopNullShapes checks the exact null replies of LPOP/RPOP on a
// missing key, with and without count, in RESP2 and RESP3.
func TestListPopNullShapes(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	require.Equal(t, "$-1\r\n", r.Do("LPOP", "nokey"))
	require.Equal(t, "*-1\r\n", r.Do("LPOP", "nokey", "2"))
	require.Equal(t, "*-1\r\n", r.Do("RPOP", "nokey", "0"))
	require.Equal(t, ":1\r\n", r.Do("RPUSH", "l", "a"))
	require.Equal(t, "*0\r\n", r.Do("LPOP", "l", "0"))
	require.Equal(t, "*1\r\n$1\r\na\r\n", r.Do("RPOP", "l", "1"))
	r.Do("HELLO", "3")
	require.Equal(t, "_\r\n", r.Do("LPOP", "nokey"))
	require.Equal(t, "_\r\n", r.Do("LPOP", "nokey", "2"))
	require.Equal(t, "_\r\n", r.Do("RPOP", "nokey", "0"))
	require.Equal(t, "_\r\n", r.Do("LINDEX", "nokey", "0"))
	require.Equal(t, "_\r\n", r.Do("LPOS", "nokey", "a"))
	require.Equal(t, "*0\r\n", r.Do("LPOS", "nokey", "a", "COUNT", "0"))
	require.Equal(t, "_\r\n", r.Do("LMOVE", "nokey", "d", "LEFT", "LEFT"))
	require.Equal(t, "_\r\n", r.Do("RPOPLPUSH", "nokey", "d"))
	require.Equal(t, "_\r\n", r.Do("LMPOP", "1", "nokey", "LEFT"))
}

func TestListRangeIndexSet(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(6), "RPUSH", "l", "a", "b", "c", "d", "e", "f")
	mustDo(t, c, int64(6), "LLEN", "l")
	for _, tc := range []struct {
		start, stop string
		want        []any
	}{
		{"0", "-1", []any{"a", "b", "c", "d", "e", "f"}},
		{"1", "2", []any{"b", "c"}},
		{"-2", "-1", []any{"e", "f"}},
		{"-100", "100", []any{"a", "b", "c", "d", "e", "f"}},
		{"5", "1", []any{}},
		{"-1", "-2", []any{}},
		{"10", "20", []any{}},
		{"0", "0", []any{"a"}},
		{"0", "9223372036854775807", []any{"a", "b", "c", "d", "e", "f"}},
		{"-9223372036854775808", "0", []any{"a"}},
	} {
		mustDo(t, c, tc.want, "LRANGE", "l", tc.start, tc.stop)
	}
	mustDo(t, c, []any{}, "LRANGE", "nokey", "0", "-1")
	mustErr(t, c, "ERR value is not an integer or out of range", "LRANGE", "l", "x", "1")
	mustErr(t, c, "ERR value is not an integer or out of range", "LRANGE", "nokey", "0", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "LRANGE", "l", "0", "9223372036854775808")
	mustErr(t, c, "ERR value is not an integer or out of range", "LRANGE", "l", "0", "-00")
	mustErr(t, c, "ERR value is not an integer or out of range", "LRANGE", "l", "+1", "2")

	mustDo(t, c, "a", "LINDEX", "l", "0")
	mustDo(t, c, "f", "LINDEX", "l", "-1")
	mustDo(t, c, "e", "LINDEX", "l", "-2")
	mustNil(t, c, "LINDEX", "l", "6")
	mustNil(t, c, "LINDEX", "l", "-7")
	mustNil(t, c, "LINDEX", "nokey", "0")
	mustNil(t, c, "LINDEX", "nokey", "x") // the key is looked up first
	mustErr(t, c, "ERR value is not an integer or out of range", "LINDEX", "l", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "LINDEX", "l", "1.0")

	mustDo(t, c, "OK", "LSET", "l", "0", "A")
	mustDo(t, c, "OK", "LSET", "l", "-1", "F")
	mustErr(t, c, "ERR index out of range", "LSET", "l", "6", "x")
	mustErr(t, c, "ERR index out of range", "LSET", "l", "-7", "x")
	mustErr(t, c, "ERR no such key", "LSET", "nokey", "0", "x")
	mustErr(t, c, "ERR no such key", "LSET", "nokey", "x", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "LSET", "l", "x", "x")
	mustDo(t, c, []any{"A", "b", "c", "d", "e", "F"}, "LRANGE", "l", "0", "-1")
	mustErr(t, c, "ERR wrong number of arguments for 'lrange' command", "LRANGE", "l", "0")
	mustErr(t, c, "ERR wrong number of arguments for 'lindex' command", "LINDEX", "l")
	mustErr(t, c, "ERR wrong number of arguments for 'lset' command", "LSET", "l", "0")
}

func TestListInsertRemTrim(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(5), "RPUSH", "l", "a", "b", "c", "b", "a")
	mustDo(t, c, int64(6), "LINSERT", "l", "BEFORE", "b", "X")
	mustDo(t, c, int64(7), "LINSERT", "l", "after", "b", "Y")
	mustDo(t, c, int64(8), "LINSERT", "l", "AFTER", "a", "Z")
	mustDo(t, c, int64(-1), "LINSERT", "l", "before", "nope", "Z")
	mustDo(t, c, int64(0), "LINSERT", "nokey", "before", "a", "Z")
	mustErr(t, c, "ERR syntax error", "LINSERT", "l", "middle", "a", "Z")
	mustErr(t, c, "ERR syntax error", "LINSERT", "nokey", "middle", "a", "Z")
	mustDo(t, c, []any{"a", "Z", "X", "b", "Y", "c", "b", "a"}, "LRANGE", "l", "0", "-1")
	mustDo(t, c, int64(0), "LLEN", "nokey") // LINSERT never creates the key

	// LREM: count > 0 from the head, < 0 from the tail, 0 all.
	mustDo(t, c, int64(7), "RPUSH", "m", "a", "b", "a", "c", "a", "d", "a")
	mustDo(t, c, int64(1), "LREM", "m", "1", "a")
	mustDo(t, c, []any{"b", "a", "c", "a", "d", "a"}, "LRANGE", "m", "0", "-1")
	mustDo(t, c, int64(2), "LREM", "m", "-2", "a")
	mustDo(t, c, []any{"b", "a", "c", "d"}, "LRANGE", "m", "0", "-1")
	mustDo(t, c, int64(0), "LREM", "m", "0", "zz")
	mustDo(t, c, int64(1), "LREM", "m", "0", "a")
	mustDo(t, c, []any{"b", "c", "d"}, "LRANGE", "m", "0", "-1")
	mustDo(t, c, int64(1), "LREM", "m", "-9223372036854775808", "c")
	mustErr(t, c, "ERR value is not an integer or out of range", "LREM", "m", "x", "a")
	mustErr(t, c, "ERR value is not an integer or out of range", "LREM", "nokey", "x", "a")
	mustDo(t, c, int64(0), "LREM", "nokey", "1", "a")
	mustDo(t, c, []any{"b", "d"}, "LRANGE", "m", "0", "-1")
	mustDo(t, c, int64(1), "LREM", "m", "0", "b")
	mustDo(t, c, int64(1), "LREM", "m", "-1", "d")
	mustDo(t, c, int64(0), "LLEN", "m") // emptied lists are deleted
	mustDo(t, c, int64(0), "RPUSHX", "m", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'lrem' command", "LREM", "m", "1")

	mustDo(t, c, int64(5), "RPUSH", "t", "1", "2", "3", "4", "5")
	mustDo(t, c, "OK", "LTRIM", "t", "1", "-2")
	mustDo(t, c, []any{"2", "3", "4"}, "LRANGE", "t", "0", "-1")
	mustDo(t, c, "OK", "LTRIM", "t", "-100", "100")
	mustDo(t, c, []any{"2", "3", "4"}, "LRANGE", "t", "0", "-1")
	mustDo(t, c, "OK", "LTRIM", "t", "-1", "-1")
	mustDo(t, c, []any{"4"}, "LRANGE", "t", "0", "-1")
	mustErr(t, c, "ERR value is not an integer or out of range", "LTRIM", "t", "x", "1")
	mustErr(t, c, "ERR value is not an integer or out of range", "LTRIM", "nokey", "0", "x")
	mustDo(t, c, "OK", "LTRIM", "nokey", "0", "1")
	mustDo(t, c, "OK", "LTRIM", "t", "5", "1")
	mustDo(t, c, int64(0), "LLEN", "t") // an empty range deletes the key
	mustDo(t, c, int64(0), "LPUSHX", "t", "x")
}

func TestListPos(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(8), "RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c")
	mustDo(t, c, int64(2), "LPOS", "l", "c")
	mustDo(t, c, int64(6), "LPOS", "l", "c", "RANK", "2")
	mustDo(t, c, int64(7), "LPOS", "l", "c", "rank", "-1")
	mustDo(t, c, int64(6), "LPOS", "l", "c", "RANK", "-2")
	mustNil(t, c, "LPOS", "l", "c", "RANK", "10")
	mustNil(t, c, "LPOS", "l", "c", "RANK", "-9223372036854775807")
	// Redis 7.0 negates LONG_MIN to itself: every match qualifies, from the tail.
	mustDo(t, c, int64(7), "LPOS", "l", "c", "RANK", "-9223372036854775808")
	mustDo(t, c, []any{int64(7), int64(6), int64(2)}, "LPOS", "l", "c", "RANK", "-9223372036854775808", "COUNT", "0")
	mustDo(t, c, []any{int64(2), int64(6), int64(7)}, "LPOS", "l", "c", "COUNT", "0")
	mustDo(t, c, []any{int64(2), int64(6)}, "LPOS", "l", "c", "COUNT", "2")
	mustDo(t, c, []any{int64(6), int64(7)}, "LPOS", "l", "c", "RANK", "2", "COUNT", "0")
	mustDo(t, c, []any{int64(7), int64(6), int64(2)}, "LPOS", "l", "c", "RANK", "-1", "COUNT", "0")
	mustDo(t, c, []any{int64(7), int64(6)}, "LPOS", "l", "c", "RANK", "-1", "MAXLEN", "2", "COUNT", "0")
	mustDo(t, c, int64(2), "LPOS", "l", "c", "MAXLEN", "3")
	mustNil(t, c, "LPOS", "l", "c", "MAXLEN", "2")
	mustDo(t, c, []any{int64(2)}, "LPOS", "l", "c", "MAXLEN", "3", "COUNT", "0")
	mustDo(t, c, []any{int64(6)}, "LPOS", "l", "c", "COUNT", "1", "RANK", "2", "MAXLEN", "0")
	mustDo(t, c, []any{}, "LPOS", "l", "c", "RANK", "10", "COUNT", "0")
	mustNil(t, c, "LPOS", "l", "z")
	mustDo(t, c, []any{}, "LPOS", "l", "z", "COUNT", "0")
	mustNil(t, c, "LPOS", "nokey", "z")
	mustDo(t, c, []any{}, "LPOS", "nokey", "z", "COUNT", "1")

	rankZero := "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	mustErr(t, c, rankZero, "LPOS", "l", "c", "RANK", "0")
	mustErr(t, c, rankZero, "LPOS", "nokey", "c", "RANK", "0")
	mustErr(t, c, "ERR value is not an integer or out of range", "LPOS", "l", "c", "RANK", "x")
	mustErr(t, c, "ERR COUNT can't be negative", "LPOS", "l", "c", "COUNT", "-1")
	mustErr(t, c, "ERR COUNT can't be negative", "LPOS", "l", "c", "COUNT", "x")
	mustErr(t, c, "ERR MAXLEN can't be negative", "LPOS", "l", "c", "MAXLEN", "-1")
	mustErr(t, c, "ERR MAXLEN can't be negative", "LPOS", "l", "c", "MAXLEN", "x")
	mustErr(t, c, "ERR syntax error", "LPOS", "l", "c", "foo")
	mustErr(t, c, "ERR syntax error", "LPOS", "l", "c", "RANK")
	mustErr(t, c, "ERR wrong number of arguments for 'lpos' command", "LPOS", "l")
}

func TestListMove(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "RPUSH", "l", "a", "b", "c")
	mustDo(t, c, "a", "LMOVE", "l", "d", "LEFT", "RIGHT")
	mustDo(t, c, "c", "LMOVE", "l", "d", "right", "left")
	mustDo(t, c, []any{"c", "a"}, "LRANGE", "d", "0", "-1")
	mustDo(t, c, "c", "LMOVE", "d", "d", "LEFT", "RIGHT") // rotation
	mustDo(t, c, []any{"a", "c"}, "LRANGE", "d", "0", "-1")
	mustDo(t, c, "c", "LMOVE", "d", "d", "RIGHT", "LEFT")
	mustDo(t, c, []any{"c", "a"}, "LRANGE", "d", "0", "-1")
	mustDo(t, c, "c", "LMOVE", "d", "d", "LEFT", "LEFT")
	mustDo(t, c, []any{"c", "a"}, "LRANGE", "d", "0", "-1")
	mustDo(t, c, "b", "RPOPLPUSH", "l", "d")
	mustDo(t, c, int64(0), "LLEN", "l") // the emptied source is deleted
	mustDo(t, c, []any{"b", "c", "a"}, "LRANGE", "d", "0", "-1")
	mustDo(t, c, "a", "RPOPLPUSH", "d", "d")
	mustDo(t, c, []any{"a", "b", "c"}, "LRANGE", "d", "0", "-1")
	mustNil(t, c, "LMOVE", "nokey", "d", "LEFT", "LEFT")
	mustNil(t, c, "RPOPLPUSH", "nokey", "d")
	mustErr(t, c, "ERR syntax error", "LMOVE", "d", "x", "UP", "LEFT")
	mustErr(t, c, "ERR syntax error", "LMOVE", "d", "x", "LEFT", "UP")
	mustErr(t, c, "ERR syntax error", "LMOVE", "nokey", "x", "UP", "LEFT")
	mustErr(t, c, "ERR wrong number of arguments for 'lmove' command", "LMOVE", "d", "x", "LEFT")
	mustErr(t, c, "ERR wrong number of arguments for 'rpoplpush' command", "RPOPLPUSH", "d")
}

func TestListMPop(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "RPUSH", "l", "a", "b", "c")
	mustDo(t, c, []any{"l", []any{"a"}}, "LMPOP", "2", "nokey", "l", "LEFT")
	mustDo(t, c, []any{"l", []any{"c", "b"}}, "LMPOP", "1", "l", "right", "COUNT", "10")
	mustNil(t, c, "LMPOP", "2", "l", "nokey", "LEFT")
	mustErr(t, c, "ERR numkeys should be greater than 0", "LMPOP", "0", "l", "LEFT")
	mustErr(t, c, "ERR numkeys should be greater than 0", "LMPOP", "x", "l", "LEFT")
	mustErr(t, c, "ERR syntax error", "LMPOP", "2", "l", "LEFT")
	mustErr(t, c, "ERR syntax error", "LMPOP", "1", "l", "UP")
	mustErr(t, c, "ERR syntax error", "LMPOP", "1", "l", "LEFT", "foo")
	mustErr(t, c, "ERR syntax error", "LMPOP", "1", "l", "LEFT", "COUNT")
	mustErr(t, c, "ERR syntax error", "LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2")
	mustErr(t, c, "ERR count should be greater than 0", "LMPOP", "1", "l", "LEFT", "COUNT", "0")
	mustErr(t, c, "ERR count should be greater than 0", "LMPOP", "1", "l", "LEFT", "COUNT", "-1")
	mustErr(t, c, "ERR wrong number of arguments for 'lmpop' command", "LMPOP", "1", "l")
	mustErr(t, c, "ERR timeout is not a float or out of range", "BLMPOP", "x", "1", "l", "LEFT")
	mustErr(t, c, "ERR numkeys should be greater than 0", "BLMPOP", "x", "x", "l", "LEFT")
	mustErr(t, c, "ERR syntax error", "BLMPOP", "x", "1", "l", "UP")
	mustErr(t, c, "ERR timeout is negative", "BLMPOP", "-1", "1", "l", "LEFT")
}

func TestListWrongType(t *testing.T) {
	e := newListEnv(t)
	c := e.c
	e.setString("s", "v")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	for _, args := range [][]any{
		{"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"},
		{"LPOP", "s"}, {"RPOP", "s", "1"}, {"LLEN", "s"}, {"LRANGE", "s", "0", "-1"},
		{"LINDEX", "s", "0"}, {"LINDEX", "s", "x"}, {"LSET", "s", "0", "a"}, {"LSET", "s", "x", "a"},
		{"LINSERT", "s", "BEFORE", "a", "b"}, {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"},
		{"LPOS", "s", "a"}, {"LMOVE", "s", "l", "LEFT", "LEFT"}, {"LMOVE", "l", "s", "LEFT", "LEFT"},
		{"RPOPLPUSH", "s", "l"}, {"RPOPLPUSH", "l", "s"}, {"LMPOP", "2", "nokey", "s", "LEFT"},
		{"BLPOP", "nokey", "s", "0"}, {"BRPOP", "s", "nokey", "0"}, {"BRPOPLPUSH", "s", "l", "0"},
		{"BRPOPLPUSH", "l", "s", "0"}, {"BLMOVE", "l", "s", "LEFT", "LEFT", "0"},
		{"BLMPOP", "0", "1", "s", "LEFT"},
	} {
		mustErr(t, c, wrongType, args...)
	}
	// Argument errors come before the type check where Redis parses first.
	mustErr(t, c, "ERR value is out of range, must be positive", "LPOP", "s", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "LRANGE", "s", "x", "1")
	mustErr(t, c, "ERR syntax error", "LINSERT", "s", "middle", "a", "b")
	mustErr(t, c, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list", "LPOS", "s", "a", "RANK", "0")
	mustErr(t, c, "ERR timeout is not a float or out of range", "BLPOP", "s", "x")
	// A missing source never checks the destination; a non-empty key
	// served first hides a wrong type later in the list.
	mustNil(t, c, "LMOVE", "nokey", "s", "LEFT", "LEFT")
	mustNil(t, c, "RPOPLPUSH", "nokey", "s")
	mustDo(t, c, []any{"l", "a"}, "BLPOP", "l", "s", "0")
	mustDo(t, c, "v", "GET", "s")
}

// TestListWatch checks that list writes dirty WATCHed keys, and that
// writes that change nothing do not.
func TestListWatch(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	other := testutil.Client(t, addr, 2)
	mustDo(t, c, int64(2), "RPUSH", "l", "a", "b")
	for _, tc := range []struct {
		args  []any
		dirty bool
	}{
		{[]any{"RPUSH", "l", "c"}, true},
		{[]any{"LPOP", "l"}, true},
		{[]any{"LSET", "l", "0", "x"}, true},
		{[]any{"LINSERT", "l", "BEFORE", "x", "y"}, true},
		{[]any{"LINSERT", "l", "BEFORE", "nope", "y"}, false},
		{[]any{"LREM", "l", "0", "nope"}, false},
		{[]any{"LREM", "l", "1", "y"}, true},
		{[]any{"LTRIM", "l", "0", "-1"}, true},
		{[]any{"LMOVE", "l", "l", "LEFT", "RIGHT"}, true},
		{[]any{"LPUSHX", "nokey", "a"}, false},
		{[]any{"LPOP", "l", "0"}, false},
		{[]any{"LRANGE", "l", "0", "-1"}, false},
	} {
		mustDo(t, c, "OK", "WATCH", "l")
		mustDo(t, c, "OK", "MULTI")
		mustDo(t, c, "QUEUED", "LLEN", "l")
		_, err := other.Do(ctx, tc.args...).Result()
		require.NoError(t, err, "%v", tc.args)
		got, err := c.Do(ctx, "EXEC").Result()
		if tc.dirty {
			require.ErrorIs(t, err, redis.Nil, "%v should dirty the watched key", tc.args)
		} else {
			require.NoError(t, err, "%v should not dirty the watched key", tc.args)
			require.Len(t, got, 1)
		}
	}
}

func TestBLPopTimeoutArgument(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(6), "RPUSH", "l", "a", "b", "c", "d", "e", "f")
	for _, bad := range []string{"x", "nan", " 1", "1 ", "1_0", "", "1e", "0x", "1e5000", "0b1"} {
		mustErr(t, c, "ERR timeout is not a float or out of range", "BLPOP", "l", bad)
	}
	for _, neg := range []string{"-1", "-0.5", "inf", "-inf", "+infinity", "99999999999999999999", "1e400"} {
		mustErr(t, c, "ERR timeout is negative", "BLPOP", "l", neg)
	}
	// Valid forms (the list has data, so nothing blocks).
	mustDo(t, c, []any{"l", "a"}, "BLPOP", "l", "0.5")
	mustDo(t, c, []any{"l", "f"}, "BRPOP", "l", "1e3")
	mustDo(t, c, []any{"l", "b"}, "BLPOP", "nokey", "l", "0x10")
	mustDo(t, c, []any{"l", "e"}, "BRPOP", "l", "0x1.8p1")
	mustDo(t, c, []any{"l", "c"}, "BLPOP", "l", ".5")
	mustDo(t, c, []any{"l", "d"}, "BLPOP", "l", "-0")
	mustErr(t, c, "ERR timeout is not a float or out of range", "BRPOPLPUSH", "l", "d", "x")
	mustErr(t, c, "ERR timeout is negative", "BLMOVE", "l", "d", "LEFT", "LEFT", "-1")
	mustErr(t, c, "ERR syntax error", "BLMOVE", "l", "d", "UP", "LEFT", "x")
	mustErr(t, c, "ERR syntax error", "BLMOVE", "l", "d", "LEFT", "UP", "0")
	mustErr(t, c, "ERR wrong number of arguments for 'blpop' command", "BLPOP", "l")
	mustErr(t, c, "ERR wrong number of arguments for 'brpoplpush' command", "BRPOPLPUSH", "l", "d")
	mustErr(t, c, "ERR wrong number of arguments for 'blmove' command", "BLMOVE", "l", "d", "LEFT", "LEFT")
}

// TestBLPopImmediate: a non-empty key serves at once, the first non-empty
// key in argument order wins, and the reply names the key.
func TestBLPopImmediate(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(2), "RPUSH", "k2", "a", "b")
	mustDo(t, c, int64(1), "RPUSH", "k3", "z")
	mustDo(t, c, []any{"k2", "a"}, "BLPOP", "k1", "k2", "k3", "0")
	mustDo(t, c, []any{"k3", "z"}, "BRPOP", "k3", "k2", "0")
	mustDo(t, c, []any{"k2", "b"}, "BRPOP", "k1", "k2", "k3", "0")
	mustDo(t, c, int64(0), "LLEN", "k2")
	mustDo(t, c, int64(2), "RPUSH", "s", "a", "b")
	mustDo(t, c, "b", "BRPOPLPUSH", "s", "d", "0")
	mustDo(t, c, "a", "BLMOVE", "s", "d", "LEFT", "RIGHT", "0")
	mustDo(t, c, []any{"b", "a"}, "LRANGE", "d", "0", "-1")
	mustDo(t, c, []any{"d", []any{"a", "b"}}, "BLMPOP", "0", "2", "s", "d", "RIGHT", "COUNT", "5")
}

func TestBLPopTimeout(t *testing.T) {
	c := client(t)
	for _, args := range [][]any{
		{"BLPOP", "nokey", "0.05"},
		{"BRPOP", "nokey", "other", "0.001"},
		{"BRPOPLPUSH", "nokey", "d", "0.05"},
		{"BLMOVE", "nokey", "d", "LEFT", "RIGHT", "0.05"},
		{"BLMPOP", "0.05", "1", "nokey", "LEFT"},
		{"BLPOP", "nokey", "0.0001"}, // rounded up to 1 ms, not "forever"
	} {
		mustNil(t, c, args...)
	}
	// Every timed-out list command answers a null array, BLMOVE included.
	r := testutil.DialRaw(t, start(t))
	require.Equal(t, "*-1\r\n", r.Do("BLPOP", "nokey", "0.01"))
	require.Equal(t, "*-1\r\n", r.Do("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.01"))
	require.Equal(t, "*-1\r\n", r.Do("BRPOPLPUSH", "nokey", "d", "0.01"))
	r.Do("HELLO", "3")
	require.Equal(t, "_\r\n", r.Do("BLPOP", "nokey", "0.01"))
	require.Equal(t, "_\r\n", r.Do("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0.01"))
}

// TestBLPopFIFO: clients blocked on one key are served first blocked,
// first served, and each push serves as many as it has elements.
func TestBLPopFIFO(t *testing.T) {
	e := newListEnv(t)
	r1 := e.rawBlock(1, "BLPOP", "q", "0")
	r2 := e.rawBlock(2, "BRPOP", "q", "0")
	r3 := e.rawBlock(3, "BLPOP", "other", "q", "0")
	mustDo(t, e.c, int64(2), "RPUSH", "q", "a", "b")
	require.Equal(t, "*2\r\n$1\r\nq\r\n$1\r\na\r\n", r1.Read())
	require.Equal(t, "*2\r\n$1\r\nq\r\n$1\r\nb\r\n", r2.Read())
	e.waitBlocked(1)
	mustDo(t, e.c, int64(0), "LLEN", "q")
	mustDo(t, e.c, int64(1), "LPUSH", "q", "c")
	require.Equal(t, "*2\r\n$1\r\nq\r\n$1\r\nc\r\n", r3.Read())
	e.waitBlocked(0)

	// One push of three elements, two waiters: LPUSH a b c leaves c at the
	// head, so BLPOP gets c and BRPOP gets a; b stays.
	r1 = e.rawBlock(1, "BLPOP", "w", "0")
	r2 = e.rawBlock(2, "BRPOP", "w", "0")
	mustDo(t, e.c, int64(3), "LPUSH", "w", "a", "b", "c")
	require.Equal(t, "*2\r\n$1\r\nw\r\n$1\r\nc\r\n", r1.Read())
	require.Equal(t, "*2\r\n$1\r\nw\r\n$1\r\na\r\n", r2.Read())
	mustDo(t, e.c, []any{"b"}, "LRANGE", "w", "0", "-1")
}

// TestBLPopMultipleKeys: a client blocked on several keys is served by the
// first key pushed; in one EXEC, keys are served in the order they were
// pushed.
func TestBLPopMultipleKeys(t *testing.T) {
	e := newListEnv(t)
	r1 := e.rawBlock(1, "BLPOP", "k1", "k2", "0")
	mustDo(t, e.c, int64(1), "RPUSH", "k2", "v")
	require.Equal(t, "*2\r\n$2\r\nk2\r\n$1\r\nv\r\n", r1.Read())
	e.waitBlocked(0)

	r1 = e.rawBlock(1, "BLPOP", "x1", "x2", "0")
	r2 := e.rawBlock(2, "BLPOP", "x2", "x1", "0")
	mustDo(t, e.c, "OK", "MULTI")
	mustDo(t, e.c, "QUEUED", "RPUSH", "x2", "v2")
	mustDo(t, e.c, "QUEUED", "RPUSH", "x1", "v1")
	mustDo(t, e.c, []any{int64(1), int64(1)}, "EXEC")
	require.Equal(t, "*2\r\n$2\r\nx2\r\n$2\r\nv2\r\n", r1.Read())
	require.Equal(t, "*2\r\n$2\r\nx1\r\n$2\r\nv1\r\n", r2.Read())
	e.waitBlocked(0)
}

// TestBLPopServedAfterCommand: waiters are served after the pushing command
// (or the whole EXEC) completes, so a push popped again in the same EXEC
// serves nobody.
func TestBLPopServedAfterCommand(t *testing.T) {
	e := newListEnv(t)
	r := e.rawBlock(1, "BLPOP", "m", "0")
	mustDo(t, e.c, "OK", "MULTI")
	mustDo(t, e.c, "QUEUED", "RPUSH", "m", "1")
	mustDo(t, e.c, "QUEUED", "LPOP", "m")
	mustDo(t, e.c, []any{int64(1), "1"}, "EXEC")
	require.EqualValues(t, 1, e.srv.Engine.Stats.BlockedNow.Load(), "still blocked")
	mustDo(t, e.c, int64(1), "RPUSH", "m", "2")
	require.Equal(t, "*2\r\n$1\r\nm\r\n$1\r\n2\r\n", r.Read())
	e.waitBlocked(0)
	mustDo(t, e.c, int64(0), "LLEN", "m")
}

// TestBlockingInMulti: inside MULTI/EXEC blocking commands never block and
// answer as on timeout; with data they serve normally.
func TestBlockingInMulti(t *testing.T) {
	e := newListEnv(t)
	r := testutil.DialRaw(t, e.addr())
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	for _, args := range [][]string{
		{"BLPOP", "nokey", "0"},
		{"BRPOP", "nokey", "0"},
		{"BRPOPLPUSH", "nokey", "d", "0"},
		{"BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"},
		{"BLMPOP", "0", "1", "nokey", "LEFT"},
		{"BLPOP", "nokey", "x"},
		{"RPUSH", "l", "q"},
		{"BLPOP", "l", "0"},
	} {
		require.Equal(t, "+QUEUED\r\n", r.Do(args...))
	}
	require.Equal(t, "*8\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n-ERR timeout is not a float or out of range\r\n:1\r\n*2\r\n$1\r\nl\r\n$1\r\nq\r\n",
		r.Do("EXEC"))
	r.Do("HELLO", "3")
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	for _, args := range [][]string{
		{"BLPOP", "nokey", "0"},
		{"BRPOPLPUSH", "nokey", "d", "0"},
		{"BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"},
		{"BLMPOP", "0", "1", "nokey", "LEFT"},
	} {
		require.Equal(t, "+QUEUED\r\n", r.Do(args...))
	}
	require.Equal(t, "*4\r\n_\r\n_\r\n_\r\n_\r\n", r.Do("EXEC"))
	require.EqualValues(t, 0, e.srv.Engine.Stats.BlockedNow.Load())
}

// TestBLPopPipelined: commands pipelined behind a blocked command run only
// after it has been served, in order.
func TestBLPopPipelined(t *testing.T) {
	e := newListEnv(t)
	r := testutil.DialRaw(t, e.addr())
	var batch []byte
	batch = append(batch, testutil.Encode("BLPOP", "p", "0")...)
	batch = append(batch, testutil.Encode("PING")...)
	batch = append(batch, testutil.Encode("LLEN", "p")...)
	r.Send(batch)
	e.waitBlocked(1)
	mustDo(t, e.c, int64(2), "RPUSH", "p", "1", "2")
	require.Equal(t, "*2\r\n$1\r\np\r\n$1\r\n1\r\n", r.Read())
	require.Equal(t, "+PONG\r\n", r.Read())
	require.Equal(t, ":1\r\n", r.Read()) // LLEN ran after the pop

	// Commands sent while the client is already blocked wait too.
	r.Send(testutil.Encode("BRPOP", "p2", "0"))
	e.waitBlocked(1)
	r.Send(testutil.Encode("RPUSH", "p2", "mine"))
	r.Send(testutil.Encode("LLEN", "p2"))
	mustDo(t, e.c, int64(1), "RPUSH", "p2", "x")
	require.Equal(t, "*2\r\n$2\r\np2\r\n$1\r\nx\r\n", r.Read())
	require.Equal(t, ":1\r\n", r.Read())
	require.Equal(t, ":1\r\n", r.Read())
	mustDo(t, e.c, []any{"mine"}, "LRANGE", "p2", "0", "-1")
}

// TestBLPopDisconnect: a client that disconnects while blocked stops
// waiting, and does not swallow an element pushed afterwards.
func TestBLPopDisconnect(t *testing.T) {
	e := newListEnv(t)
	r := e.rawBlock(1, "BLPOP", "dc", "0")
	require.NoError(t, r.Conn().Close())
	e.waitBlocked(0)
	mustDo(t, e.c, int64(1), "RPUSH", "dc", "v")
	mustDo(t, e.c, int64(1), "LLEN", "dc")

	// The same for a blocked BLMOVE: nothing moves.
	r = e.rawBlock(1, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
	require.NoError(t, r.Conn().Close())
	e.waitBlocked(0)
	mustDo(t, e.c, int64(1), "RPUSH", "src", "v")
	mustDo(t, e.c, int64(1), "LLEN", "src")
	mustDo(t, e.c, int64(0), "LLEN", "dst")
}

// TestBLMoveServed covers blocked BLMOVE/BRPOPLPUSH clients: the move is
// atomic, same-key rotation re-signals the key, a move into a key another
// client waits on serves it, and a destination of the wrong type answers
// WRONGTYPE to the blocked client while the element goes to the next one.
func TestBLMoveServed(t *testing.T) {
	e := newListEnv(t)
	r := e.rawBlock(1, "BLMOVE", "s", "d", "RIGHT", "LEFT", "0")
	mustDo(t, e.c, int64(2), "RPUSH", "s", "a", "b")
	require.Equal(t, "$1\r\nb\r\n", r.Read())
	mustDo(t, e.c, []any{"a"}, "LRANGE", "s", "0", "-1")
	mustDo(t, e.c, []any{"b"}, "LRANGE", "d", "0", "-1")
	e.waitBlocked(0)

	// Rotation: the BLMOVE client takes 1 and puts it back at the tail;
	// the BLPOP client behind it then gets 2.
	r1 := e.rawBlock(1, "BLMOVE", "k", "k", "LEFT", "RIGHT", "0")
	r2 := e.rawBlock(2, "BLPOP", "k", "0")
	mustDo(t, e.c, int64(2), "RPUSH", "k", "1", "2")
	require.Equal(t, "$1\r\n1\r\n", r1.Read())
	require.Equal(t, "*2\r\n$1\r\nk\r\n$1\r\n2\r\n", r2.Read())
	mustDo(t, e.c, []any{"1"}, "LRANGE", "k", "0", "-1")
	e.waitBlocked(0)

	// Chain: BRPOPLPUSH s1 -> d2 serves the client blocked on d2.
	r1 = e.rawBlock(1, "BLPOP", "d2", "0")
	r2 = e.rawBlock(2, "BRPOPLPUSH", "s1", "d2", "0")
	mustDo(t, e.c, int64(1), "LPUSH", "s1", "z")
	require.Equal(t, "$1\r\nz\r\n", r2.Read())
	require.Equal(t, "*2\r\n$2\r\nd2\r\n$1\r\nz\r\n", r1.Read())
	mustDo(t, e.c, int64(0), "LLEN", "d2")
	mustDo(t, e.c, int64(0), "LLEN", "s1")
	e.waitBlocked(0)

	// LMOVE into a waited key serves the waiter.
	mustDo(t, e.c, int64(1), "RPUSH", "from", "e")
	r1 = e.rawBlock(1, "BLPOP", "to", "0")
	mustDo(t, e.c, "e", "LMOVE", "from", "to", "LEFT", "LEFT")
	require.Equal(t, "*2\r\n$2\r\nto\r\n$1\r\ne\r\n", r1.Read())
	e.waitBlocked(0)

	// Wrong-type destination, checked when served (not when blocking).
	e.setString("str", "v")
	r1 = e.rawBlock(1, "BLMOVE", "src", "str", "LEFT", "LEFT", "0")
	r2 = e.rawBlock(2, "BLPOP", "src", "0")
	mustDo(t, e.c, int64(2), "RPUSH", "src", "x", "y")
	require.Equal(t, "-"+wrongType+"\r\n", r1.Read())
	require.Equal(t, "*2\r\n$3\r\nsrc\r\n$1\r\nx\r\n", r2.Read())
	mustDo(t, e.c, []any{"y"}, "LRANGE", "src", "0", "-1")
	e.waitBlocked(0)
}

// TestBLMPopServed: a blocked BLMPOP gets up to COUNT elements.
func TestBLMPopServed(t *testing.T) {
	e := newListEnv(t)
	r := e.rawBlock(1, "BLMPOP", "0", "2", "y1", "y2", "RIGHT", "COUNT", "3")
	mustDo(t, e.c, int64(4), "RPUSH", "y2", "1", "2", "3", "4")
	require.Equal(t, "*2\r\n$2\r\ny2\r\n*3\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n", r.Read())
	mustDo(t, e.c, []any{"1"}, "LRANGE", "y2", "0", "-1")
}

// TestBLPopTimeoutThenServe: a waiter that timed out is gone; the next one
// is served by a later push.
func TestBLPopTimeoutThenServe(t *testing.T) {
	e := newListEnv(t)
	r1 := e.rawBlock(1, "BLPOP", "t", "0.05")
	r2 := e.rawBlock(2, "BLPOP", "t", "0")
	require.Equal(t, "*-1\r\n", r1.Read())
	e.waitBlocked(1)
	mustDo(t, e.c, int64(1), "RPUSH", "t", "v")
	require.Equal(t, "*2\r\n$1\r\nt\r\n$1\r\nv\r\n", r2.Read())
	// The timed-out client is usable again.
	require.Equal(t, "+PONG\r\n", r1.Do("PING"))
}

// TestListDifferential runs a transcript against a real redis-server and
// Switchyard and compares the raw replies byte for byte.
func TestListDifferential(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	e := newListEnv(t)
	want := testutil.DialRaw(t, redisAddr)
	got := testutil.DialRaw(t, e.addr())
	require.Equal(t, "+OK\r\n", want.Do("SET", "str", "v"))
	e.setString("str", "v")
	for _, line := range strings.Split(strings.TrimSpace(listTranscript), "\n") {
		args := strings.Fields(line)
		w, g := want.Do(args...), got.Do(args...)
		if strings.EqualFold(args[0], "hello") {
			continue // the client id differs
		}
		require.Equal(t, w, g, "%s", line)
	}
}

// listTranscript is compared reply by reply with redis-server by
// TestListDifferential: one command per line, arguments separated by
// spaces. Nothing in it blocks for long.
const listTranscript = `
lpop nokey
lpop nokey 2
lpop nokey 0
lpop nokey -1
rpush l a b c
lpop l 0
lpop l -1
lpop l 2
rpop l 5
lpop l 0
rpush l a
lpop l 0
lpop l x
lpop l 01
lpop l 1 2
lpushx nokey a
lpush l a b c
lpushx l x y
rpushx l z
lrange l 0 -1
llen l
llen nokey
lrange nokey 0 -1
lrange l x 1
lrange nokey x 1
lrange l 0 x
lrange l -100 100
lrange l 5 1
lrange l -1 -2
lrange l 10 20
lrange l -2 -1
lrange l 0 9223372036854775807
lrange l -9223372036854775808 0
lrange l 0 9223372036854775808
lrange l 0 -9223372036854775809
lindex l 0
lindex l -1
lindex l 100
lindex l -100
lindex l x
lindex l 01
lindex l -0
lindex nokey 0
lindex nokey x
lset l 0 X
lset l -1 Z
lset l 100 Q
lset l -100 Q
lset nokey 0 a
lset nokey x a
lset l x a
lrange l 0 -1
rpush i a b c b a
linsert i before b X
linsert i after b Y
linsert i AFTER a Z
linsert i middle a Z
linsert i before nope Z
linsert nokey before a Z
linsert nokey middle a Z
lrange i 0 -1
lrem i 1 b
lrange i 0 -1
rpush m a b a c a d a
lrem m -2 a
lrange m 0 -1
lrem m 0 a
lrange m 0 -1
lrem m x a
lrem nokey x a
lrem nokey 1 a
rpush e a
lrem e 0 a
llen e
rpush t 1 2 3 4 5
ltrim t 1 -2
lrange t 0 -1
ltrim t x 1
ltrim nokey 0 1
ltrim t 5 1
llen t
rpush t 1 2 3
ltrim t -100 100
lrange t 0 -1
ltrim t 0 0
lrange t 0 -1
rpush p a b c 1 2 3 c c
lpos p c
lpos p c rank 2
lpos p c rank -1
lpos p c rank -2
lpos p c rank 0
lpos p c rank x
lpos p c rank -9223372036854775808
lpos p c rank -9223372036854775808 count 0
lpos p c rank -9223372036854775807
lpos p c count 0
lpos p c count 2
lpos p c count -1
lpos p c count x
lpos p c maxlen -1
lpos p c maxlen x
lpos p c maxlen 3
lpos p c maxlen 3 count 0
lpos p c rank -1 maxlen 2 count 0
lpos p c rank -1 count 0
lpos p c rank 2 count 0
lpos p c rank 10
lpos p c rank 10 count 0
lpos p z
lpos p z count 0
lpos nokey z
lpos nokey z count 1
lpos nokey z rank 0
lpos p c foo
lpos p c rank
lpos p c COUNT 1 RANK 2 MAXLEN 0
rpush mv a b c
lmove mv d left right
lmove mv d right left
lrange d 0 -1
lmove mv mv left right
lmove mv mv right left
lrange mv 0 -1
lmove mv d up left
lmove mv d left up
lmove nokey d up left
lmove nokey d left left
rpoplpush nokey d
rpoplpush mv d
lrange d 0 -1
llen mv
lmove d d left right
rpoplpush d d
lrange d 0 -1
rpush bl a b c d e f
blpop bl x
blpop bl -1
blpop bl -0.5
blpop bl 0.5
blpop bl 1e3
blpop bl inf
blpop bl nan
blpop bl 1_0
blpop bl 1e
blpop bl 99999999999999999999
blpop bl 1e400
blpop bl 1e5000
blpop bl -inf
blpop bl +infinity
blpop nokey bl 0x10
brpop nokey bl 0x1.8p1
brpoplpush bl d 0
blmove bl d left up 0
blmove bl d up left x
blmove bl d left left x
blmove bl d left left -1
blmove bl d right left 0
blmpop x x bl left
blmpop x 1 bl up
blmpop -1 1 bl left
lmpop 1 bl left
lmpop 0 bl left
lmpop x bl left
lmpop 1 bl up
lmpop 2 bl left
lmpop 1 bl left count 0
lmpop 1 bl left count -1
lmpop 1 bl left count 1 count 2
lmpop 1 bl left foo
lmpop 3 a b c left count
lmpop 2 nokey bl RIGHT COUNT 10
lmpop 2 nokey bl RIGHT COUNT 10
blpop nokey 0.001
blmove nokey d left left 0.001
brpoplpush nokey d 0.001
blmpop 0.001 1 nokey left
blpop nokey 0.0001
blpop nokey 1e-400
blpop nokey 0x1p-20
multi
blpop nokey 0
brpop nokey 0
brpoplpush nokey d 0
blmove nokey d left left 0
blmpop 0 1 nokey left
blpop nokey x
rpush bl2 q
blpop bl2 0
lpop nokey 1
exec
hello 3
lpop nokey
lpop nokey 2
lpop nokey 0
lpos nokey z
lpos nokey z count 1
lmove nokey d left left
rpoplpush nokey d
lindex nokey 0
lmpop 1 nokey left
multi
blpop nokey 0
brpoplpush nokey d 0
blmove nokey d left left 0
blmpop 0 1 nokey left
exec
blpop nokey 0.01
blmove nokey d left left 0.01
brpoplpush nokey d 0.01
rpush bl3 a b
blpop bl3 0
blmpop 0 1 bl3 left count 5
lset str x a
lset str 0 a
lindex str x
lpop str x
lpop str 1
lrem str x a
ltrim str x 1
lpos str z rank 0
lpos str z
linsert str middle a b
lmove nokey str left left
blmove nokey str left left 0.001
rpush chk a b
blmove chk str left left 0
brpoplpush chk str 0
blpop nokey str 0
blpop chk str 0
blmpop 0 2 nokey str left
blmpop 0 2 chk str left count 2
lrange chk 0 -1
`

// TestBLPopDisconnectAfterPipelining: a blocked client that sends more
// commands and then disconnects is still noticed.
func TestBLPopDisconnectAfterPipelining(t *testing.T) {
	e := newListEnv(t)
	r := e.rawBlock(1, "BLPOP", "dc", "0")
	r.Send(testutil.Encode("PING"))
	r.Send(testutil.Encode("LLEN", "dc"))
	require.NoError(t, r.Conn().Close())
	e.waitBlocked(0)
	mustDo(t, e.c, int64(1), "RPUSH", "dc", "v")
	mustDo(t, e.c, int64(1), "LLEN", "dc")
}
