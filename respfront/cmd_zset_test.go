package respfront_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/server"
	"github.com/switchyard/switchyard/internal/testutil"
)

const zWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

// zsetEnv is a server with a RESP2 client and a raw connection, for sorted
// set tests that also wait for clients to block.
type zsetEnv struct {
	t   *testing.T
	srv *server.Server
	c   *redis.Client
}

func newZSetEnv(t *testing.T) *zsetEnv {
	t.Helper()
	srv := testutil.StartSwitchyard(t)
	return &zsetEnv{t: t, srv: srv, c: testutil.Client(t, srv.RESPAddr(), 2)}
}

func (e *zsetEnv) raw() *testutil.Raw { return testutil.DialRaw(e.t, e.srv.RESPAddr()) }

// waitBlocked waits until exactly n clients are blocked.
func (e *zsetEnv) waitBlocked(n int64) {
	e.t.Helper()
	require.Eventually(e.t, func() bool { return e.srv.Engine.Stats.BlockedNow.Load() == n },
		5*time.Second, time.Millisecond, "waiting for %d blocked clients", n)
}

// block sends a blocking command on a new raw connection without reading
// the reply, then waits until `blocked` clients are blocked in total.
func (e *zsetEnv) block(blocked int64, args ...string) *testutil.Raw {
	e.t.Helper()
	r := e.raw()
	r.Send(testutil.Encode(args...))
	e.waitBlocked(blocked)
	return r
}

func TestZAdd(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "ZADD", "z", "1", "a", "2", "b", "3", "c")
	mustDo(t, c, int64(0), "ZADD", "z", "5", "a")
	mustDo(t, c, []any{"b", "2", "c", "3", "a", "5"}, "ZRANGE", "z", "0", "-1", "WITHSCORES")
	mustDo(t, c, int64(1), "ZADD", "z", "CH", "5", "a", "6", "b")
	mustDo(t, c, int64(1), "ZADD", "z", "NX", "9", "a", "1", "d")
	mustDo(t, c, "5", "ZSCORE", "z", "a")
	mustDo(t, c, int64(0), "ZADD", "z", "XX", "7", "a", "1", "e")
	mustNil(t, c, "ZSCORE", "z", "e")
	mustDo(t, c, "7", "ZSCORE", "z", "a")
	mustDo(t, c, int64(1), "ZADD", "z", "GT", "CH", "8", "a", "1", "b")
	mustDo(t, c, int64(1), "ZADD", "z", "LT", "CH", "9", "a", "1", "b")
	mustDo(t, c, int64(1), "ZADD", "z", "xx", "gt", "ch", "10", "a", "1", "new")
	mustNil(t, c, "ZSCORE", "z", "new")
	// GT and LT still add new members.
	mustDo(t, c, int64(1), "ZADD", "z", "GT", "100", "g")
	// XX on a missing key creates nothing.
	mustDo(t, c, int64(0), "ZADD", "none", "XX", "1", "a")
	mustDo(t, c, int64(0), "EXISTS", "none")
	// INCR.
	mustDo(t, c, "11", "ZADD", "z", "INCR", "1", "a")
	mustNil(t, c, "ZADD", "z", "NX", "INCR", "1", "a")
	mustNil(t, c, "ZADD", "z", "XX", "INCR", "1", "nosuch")
	mustNil(t, c, "ZADD", "z", "GT", "INCR", "-1", "a")
	mustDo(t, c, "10", "ZADD", "z", "LT", "INCR", "-1", "a")
	mustDo(t, c, "inf", "ZADD", "z", "INCR", "inf", "a")
	mustErr(t, c, "ERR resulting score is not a number (NaN)", "ZADD", "z", "INCR", "-inf", "a")
	mustDo(t, c, "inf", "ZSCORE", "z", "a")

	for _, tc := range []struct {
		err  string
		args []any
	}{
		{"ERR XX and NX options at the same time are not compatible", []any{"ZADD", "z", "NX", "XX", "1", "a"}},
		{"ERR GT, LT, and/or NX options at the same time are not compatible", []any{"ZADD", "z", "GT", "LT", "1", "a"}},
		{"ERR GT, LT, and/or NX options at the same time are not compatible", []any{"ZADD", "z", "NX", "GT", "1", "a"}},
		{"ERR GT, LT, and/or NX options at the same time are not compatible", []any{"ZADD", "z", "LT", "NX", "1", "a"}},
		{"ERR INCR option supports a single increment-element pair", []any{"ZADD", "z", "INCR", "1", "a", "2", "b"}},
		{"ERR XX and NX options at the same time are not compatible", []any{"ZADD", "z", "INCR", "NX", "XX", "1", "a", "2", "b"}},
		{"ERR syntax error", []any{"ZADD", "z", "1", "a", "2"}},
		{"ERR syntax error", []any{"ZADD", "z", "NX", "CH", "1"}},
		{"ERR wrong number of arguments for 'zadd' command", []any{"ZADD", "z", "1"}},
		{"ERR value is not a valid float", []any{"ZADD", "z", "x", "a"}},
		{"ERR value is not a valid float", []any{"ZADD", "z", "nan", "a"}},
		{"ERR value is not a valid float", []any{"ZADD", "z", "1 ", "a"}},
		{"ERR value is not a valid float", []any{"ZADD", "z", " 1", "a"}},
		{"ERR value is not a valid float", []any{"ZADD", "z", "", "a"}},
		{"ERR value is not a valid float", []any{"ZADD", "z", "1e400", "a"}},
		{"ERR value is not a valid float", []any{"ZADD", "z", "1", "a", "x", "b"}},
	} {
		mustErr(t, c, tc.err, tc.args...)
	}
	// A bad score leaves the set untouched (scores are parsed first).
	mustNil(t, c, "ZSCORE", "z", "b2")
	// Scores as strtod reads them.
	mustDo(t, c, int64(5), "ZADD", "f", "0x10", "hex", "1e2", "exp", ".5", "half", "+3", "plus", "-INF", "ninf")
	mustDo(t, c, []any{"ninf", "-inf", "half", "0.5", "plus", "3", "hex", "16", "exp", "100"}, "ZRANGE", "f", "0", "-1", "WITHSCORES")

	mustDo(t, c, "OK", "SET", "str", "v")
	mustErr(t, c, zWrongType, "ZADD", "str", "1", "a")
	mustErr(t, c, "ERR value is not a valid float", "ZADD", "str", "x", "a")
}

func TestZIncrBy(t *testing.T) {
	c := client(t)
	mustDo(t, c, "2.5", "ZINCRBY", "z", "2.5", "a")
	mustDo(t, c, "3", "ZINCRBY", "z", "0.5", "a")
	mustDo(t, c, "0.10000000000000001", "ZINCRBY", "z", "0.1", "b")
	mustDo(t, c, "0.30000000000000004", "ZINCRBY", "z", "0.2", "b")
	mustDo(t, c, "inf", "ZINCRBY", "z", "inf", "a")
	mustErr(t, c, "ERR resulting score is not a number (NaN)", "ZINCRBY", "z", "-inf", "a")
	mustErr(t, c, "ERR value is not a valid float", "ZINCRBY", "z", "x", "a")
	// ZINCRBY is ZADD INCR underneath: an option word shifts the arguments.
	mustErr(t, c, "ERR syntax error", "ZINCRBY", "z", "nx", "a")
	mustErr(t, c, "ERR wrong number of arguments for 'zincrby' command", "ZINCRBY", "z", "1")
	mustDo(t, c, "OK", "SET", "str", "v")
	mustErr(t, c, zWrongType, "ZINCRBY", "str", "1", "a")
}

func TestZReadCommands(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(5), "ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d", "-1", "e")
	mustDo(t, c, int64(5), "ZCARD", "z")
	mustDo(t, c, int64(0), "ZCARD", "none")
	mustDo(t, c, "2", "ZSCORE", "z", "b")
	mustNil(t, c, "ZSCORE", "z", "x")
	mustNil(t, c, "ZSCORE", "none", "x")
	mustDo(t, c, []any{"1", nil, "-1"}, "ZMSCORE", "z", "a", "x", "e")
	mustDo(t, c, []any{nil, nil}, "ZMSCORE", "none", "a", "b")
	mustDo(t, c, int64(0), "ZRANK", "z", "e")
	mustDo(t, c, int64(3), "ZRANK", "z", "c")
	mustDo(t, c, int64(1), "ZREVRANK", "z", "c")
	mustNil(t, c, "ZRANK", "z", "x")
	mustNil(t, c, "ZREVRANK", "none", "x")
	// Redis 7.0 has no WITHSCORE for ZRANK (7.2 added it).
	mustErr(t, c, "ERR wrong number of arguments for 'zrank' command", "ZRANK", "z", "a", "WITHSCORE")
	mustDo(t, c, int64(3), "ZCOUNT", "z", "1", "2")
	mustDo(t, c, int64(2), "ZCOUNT", "z", "(1", "2")
	mustDo(t, c, int64(0), "ZCOUNT", "z", "(2", "(2")
	mustDo(t, c, int64(5), "ZCOUNT", "z", "-inf", "+inf")
	mustDo(t, c, int64(0), "ZCOUNT", "z", "3", "1")
	mustDo(t, c, int64(0), "ZCOUNT", "none", "1", "2")
	mustErr(t, c, "ERR min or max is not a float", "ZCOUNT", "z", "x", "2")
	mustErr(t, c, "ERR min or max is not a float", "ZCOUNT", "none", "nan", "2")
	mustDo(t, c, int64(3), "ZADD", "lex", "0", "a", "0", "b", "0", "c")
	mustDo(t, c, int64(3), "ZLEXCOUNT", "lex", "-", "+")
	mustDo(t, c, int64(2), "ZLEXCOUNT", "lex", "[b", "+")
	mustDo(t, c, int64(1), "ZLEXCOUNT", "lex", "(a", "(c")
	mustDo(t, c, int64(0), "ZLEXCOUNT", "lex", "+", "-")
	mustDo(t, c, int64(0), "ZLEXCOUNT", "none", "-", "+")
	mustErr(t, c, "ERR min or max not valid string range item", "ZLEXCOUNT", "lex", "a", "+")
	mustErr(t, c, "ERR min or max not valid string range item", "ZLEXCOUNT", "none", "-", "")

	mustDo(t, c, "OK", "SET", "str", "v")
	for _, args := range [][]any{
		{"ZCARD", "str"}, {"ZSCORE", "str", "a"}, {"ZMSCORE", "str", "a"}, {"ZRANK", "str", "a"},
		{"ZREVRANK", "str", "a"}, {"ZCOUNT", "str", "0", "1"}, {"ZLEXCOUNT", "str", "-", "+"},
		{"ZRANGE", "str", "0", "-1"}, {"ZREM", "str", "a"}, {"ZRANDMEMBER", "str"}, {"ZSCAN", "str", "0"},
		{"ZPOPMIN", "str"}, {"ZREMRANGEBYRANK", "str", "0", "1"}, {"ZRANGESTORE", "d", "str", "0", "1"},
		{"ZUNION", "1", "str"}, {"ZINTERCARD", "1", "str"}, {"ZMPOP", "1", "str", "MIN"},
	} {
		mustErr(t, c, zWrongType, args...)
	}
}

func TestZRange(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(6), "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "5", "f")
	all := []any{"a", "b", "c", "d", "e", "f"}
	mustDo(t, c, all, "ZRANGE", "z", "0", "-1")
	mustDo(t, c, []any{"e", "f"}, "ZRANGE", "z", "-2", "100")
	mustDo(t, c, []any{}, "ZRANGE", "z", "4", "2")
	mustDo(t, c, []any{}, "ZRANGE", "z", "10", "20")
	mustDo(t, c, []any{"a"}, "ZRANGE", "z", "-100", "0")
	mustDo(t, c, []any{"f", "5", "e", "5"}, "ZRANGE", "z", "0", "1", "REV", "WITHSCORES")
	mustDo(t, c, []any{"f", "e", "d"}, "ZREVRANGE", "z", "0", "2")
	mustDo(t, c, []any{"b", "2", "c", "3"}, "ZRANGE", "z", "1", "2", "withscores", "WITHSCORES")
	// BYSCORE, with and without REV, LIMIT and exclusive bounds.
	mustDo(t, c, []any{"b", "c", "d"}, "ZRANGE", "z", "2", "4", "BYSCORE")
	mustDo(t, c, []any{"c"}, "ZRANGE", "z", "(2", "(4", "BYSCORE")
	mustDo(t, c, []any{"d", "c", "b"}, "ZRANGE", "z", "4", "2", "BYSCORE", "REV")
	mustDo(t, c, []any{"c", "d"}, "ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "2")
	mustDo(t, c, []any{"e", "d"}, "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2")
	mustDo(t, c, []any{"b", "c", "d", "e", "f"}, "ZRANGEBYSCORE", "z", "(1", "inf", "LIMIT", "0", "-1")
	mustDo(t, c, []any{}, "ZRANGEBYSCORE", "z", "-inf", "inf", "LIMIT", "-1", "2")
	mustDo(t, c, []any{}, "ZRANGEBYSCORE", "z", "-inf", "inf", "LIMIT", "6", "2")
	mustDo(t, c, []any{}, "ZRANGEBYSCORE", "z", "-inf", "inf", "LIMIT", "0", "0")
	mustDo(t, c, []any{"f", "5", "e", "5"}, "ZREVRANGEBYSCORE", "z", "5", "(4", "WITHSCORES")
	mustDo(t, c, []any{}, "ZRANGEBYSCORE", "z", "(5", "5")
	// BYLEX on equal scores.
	mustDo(t, c, int64(5), "ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e")
	mustDo(t, c, []any{"b", "c"}, "ZRANGE", "lex", "[b", "(d", "BYLEX")
	mustDo(t, c, []any{"c", "b"}, "ZRANGE", "lex", "(d", "[b", "BYLEX", "REV")
	mustDo(t, c, []any{"c", "d"}, "ZRANGEBYLEX", "lex", "-", "+", "LIMIT", "2", "2")
	mustDo(t, c, []any{"d", "c"}, "ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", "1", "2")
	mustDo(t, c, []any{}, "ZRANGEBYLEX", "lex", "+", "-")
	mustDo(t, c, []any{}, "ZRANGEBYLEX", "lex", "(c", "(c")
	// A missing key is an empty array whatever the options.
	mustDo(t, c, []any{}, "ZRANGE", "none", "0", "-1", "WITHSCORES")
	mustDo(t, c, []any{}, "ZRANGE", "none", "(1", "2", "BYSCORE", "LIMIT", "1", "1")

	for _, tc := range []struct {
		err  string
		args []any
	}{
		{"ERR syntax error", []any{"ZRANGE", "z", "0", "-1", "REV", "REV"}},
		{"ERR syntax error", []any{"ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"}},
		{"ERR syntax error", []any{"ZRANGE", "z", "0", "-1", "BYSCORE", "BYSCORE"}},
		{"ERR syntax error", []any{"ZRANGE", "z", "0", "-1", "LIMIT", "0"}},
		{"ERR syntax error", []any{"ZRANGE", "z", "0", "-1", "foo"}},
		{"ERR syntax error", []any{"ZREVRANGE", "z", "0", "-1", "REV"}},
		{"ERR syntax error", []any{"ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"}},
		{"ERR syntax error", []any{"ZRANGEBYLEX", "z", "-", "+", "BYLEX"}},
		{"ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX", []any{"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}},
		{"ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX", []any{"ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1"}},
		{"ERR syntax error, WITHSCORES not supported in combination with BYLEX", []any{"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}},
		{"ERR syntax error, WITHSCORES not supported in combination with BYLEX", []any{"ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"}},
		{"ERR value is not an integer or out of range", []any{"ZRANGE", "z", "x", "1"}},
		{"ERR value is not an integer or out of range", []any{"ZRANGE", "none", "0", "1.5"}},
		{"ERR value is not an integer or out of range", []any{"ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "x", "1"}},
		{"ERR min or max is not a float", []any{"ZRANGE", "z", "x", "1", "BYSCORE"}},
		{"ERR min or max is not a float", []any{"ZRANGEBYSCORE", "none", "[1", "2"}},
		{"ERR min or max not valid string range item", []any{"ZRANGE", "z", "a", "+", "BYLEX"}},
		{"ERR min or max not valid string range item", []any{"ZREVRANGEBYLEX", "z", "+", "a"}},
		{"ERR wrong number of arguments for 'zrange' command", []any{"ZRANGE", "z", "0"}},
	} {
		mustErr(t, c, tc.err, tc.args...)
	}
	// "LIMIT 0 -1" means no limit, which rank ranges accept.
	mustDo(t, c, all, "ZRANGE", "z", "0", "-1", "LIMIT", "3", "-1")
}

func TestZRangeStore(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(4), "ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d")
	mustDo(t, c, int64(2), "ZRANGESTORE", "dst", "src", "1", "2")
	mustDo(t, c, []any{"b", "2", "c", "3"}, "ZRANGE", "dst", "0", "-1", "WITHSCORES")
	mustDo(t, c, int64(0), "ZRANGESTORE", "dst", "src", "(1", "+inf", "BYSCORE", "REV") // max first
	mustDo(t, c, int64(3), "ZRANGESTORE", "dst", "src", "+inf", "(1", "BYSCORE", "REV")
	mustDo(t, c, []any{"b", "c", "d"}, "ZRANGE", "dst", "0", "-1")
	mustDo(t, c, int64(1), "ZRANGESTORE", "dst", "src", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "1")
	mustDo(t, c, []any{"b"}, "ZRANGE", "dst", "0", "-1")
	// An empty result deletes the destination, whatever it held.
	mustDo(t, c, "OK", "SET", "str", "v")
	mustDo(t, c, int64(0), "ZRANGESTORE", "str", "src", "10", "20")
	mustDo(t, c, int64(0), "EXISTS", "str")
	mustDo(t, c, int64(0), "ZRANGESTORE", "dst", "none", "0", "-1")
	mustDo(t, c, int64(0), "EXISTS", "dst")
	// The destination is replaced, TTL included.
	mustDo(t, c, "OK", "SET", "str", "v", "EX", "100")
	mustDo(t, c, int64(4), "ZRANGESTORE", "str", "src", "0", "-1")
	mustDo(t, c, int64(-1), "TTL", "str")
	mustDo(t, c, "zset", "TYPE", "str")
	mustErr(t, c, "ERR syntax error", "ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES")
	mustDo(t, c, "OK", "SET", "s2", "v")
	mustErr(t, c, zWrongType, "ZRANGESTORE", "dst", "s2", "0", "-1")
}

func TestZRemAndRemRange(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "ZADD", "z", "1", "a", "2", "b", "3", "c")
	mustDo(t, c, int64(2), "ZREM", "z", "a", "x", "b", "a")
	mustDo(t, c, int64(0), "ZREM", "none", "a")
	mustDo(t, c, int64(1), "ZREM", "z", "c")
	mustDo(t, c, int64(0), "EXISTS", "z")

	mustDo(t, c, int64(6), "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f")
	mustDo(t, c, int64(2), "ZREMRANGEBYRANK", "z", "0", "1")
	mustDo(t, c, int64(1), "ZREMRANGEBYRANK", "z", "-1", "-1")
	mustDo(t, c, int64(0), "ZREMRANGEBYRANK", "z", "5", "10")
	mustDo(t, c, int64(2), "ZREMRANGEBYSCORE", "z", "(3", "5")
	mustDo(t, c, []any{"c"}, "ZRANGE", "z", "0", "-1")
	mustDo(t, c, int64(1), "ZREMRANGEBYSCORE", "z", "-inf", "+inf")
	mustDo(t, c, int64(0), "EXISTS", "z")
	mustDo(t, c, int64(4), "ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d")
	mustDo(t, c, int64(2), "ZREMRANGEBYLEX", "lex", "(a", "[c")
	mustDo(t, c, []any{"a", "d"}, "ZRANGE", "lex", "0", "-1")
	mustDo(t, c, int64(0), "ZREMRANGEBYLEX", "none", "-", "+")
	mustErr(t, c, "ERR value is not an integer or out of range", "ZREMRANGEBYRANK", "none", "a", "1")
	mustErr(t, c, "ERR min or max is not a float", "ZREMRANGEBYSCORE", "none", "a", "1")
	mustErr(t, c, "ERR min or max not valid string range item", "ZREMRANGEBYLEX", "none", "a", "+")
}

func TestZPopAndMPop(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(4), "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
	mustDo(t, c, []any{"a", "1"}, "ZPOPMIN", "z")
	mustDo(t, c, []any{"d", "4"}, "ZPOPMAX", "z")
	mustDo(t, c, []any{}, "ZPOPMIN", "z", "0")
	mustDo(t, c, []any{"b", "2", "c", "3"}, "ZPOPMIN", "z", "10")
	mustDo(t, c, int64(0), "EXISTS", "z")
	mustDo(t, c, []any{}, "ZPOPMIN", "z")
	mustErr(t, c, "ERR value is out of range, must be positive", "ZPOPMIN", "z", "-1")
	mustErr(t, c, "ERR value is out of range, must be positive", "ZPOPMAX", "z", "x")
	mustErr(t, c, "ERR syntax error", "ZPOPMIN", "z", "1", "2")

	mustDo(t, c, int64(3), "ZADD", "m", "1", "a", "2", "b", "3", "c")
	mustDo(t, c, []any{"m", []any{[]any{"a", "1"}}}, "ZMPOP", "2", "none", "m", "MIN")
	mustDo(t, c, []any{"m", []any{[]any{"c", "3"}, []any{"b", "2"}}}, "ZMPOP", "1", "m", "max", "COUNT", "5")
	mustNil(t, c, "ZMPOP", "2", "m", "none", "MIN")
	mustDo(t, c, "OK", "SET", "str", "v")
	for _, tc := range []struct {
		err  string
		args []any
	}{
		{"ERR numkeys should be greater than 0", []any{"ZMPOP", "0", "m", "MIN"}},
		{"ERR numkeys should be greater than 0", []any{"ZMPOP", "x", "m", "MIN"}},
		{"ERR syntax error", []any{"ZMPOP", "2", "m", "MIN"}},
		{"ERR syntax error", []any{"ZMPOP", "1", "m", "MID"}},
		{"ERR syntax error", []any{"ZMPOP", "1", "m", "MIN", "COUNT"}},
		{"ERR syntax error", []any{"ZMPOP", "1", "m", "MIN", "COUNT", "1", "COUNT", "1"}},
		{"ERR count should be greater than 0", []any{"ZMPOP", "1", "m", "MIN", "COUNT", "0"}},
		{"ERR wrong number of arguments for 'zmpop' command", []any{"ZMPOP", "1", "m"}},
		{zWrongType, []any{"ZMPOP", "2", "none", "str", "MIN"}},
		{zWrongType, []any{"ZPOPMIN", "str", "0"}},
	} {
		mustErr(t, c, tc.err, tc.args...)
	}
}

func TestZSetOperations(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "ZADD", "a", "1", "x", "2", "y", "3", "z")
	mustDo(t, c, int64(2), "ZADD", "b", "10", "y", "20", "w")
	mustDo(t, c, []any{"x", "1", "z", "3", "y", "12", "w", "20"}, "ZUNION", "2", "a", "b", "WITHSCORES")
	mustDo(t, c, []any{"x", "2", "z", "6", "y", "34", "w", "60"}, "ZUNION", "2", "a", "b", "WEIGHTS", "2", "3", "WITHSCORES")
	mustDo(t, c, []any{"x", "1", "y", "2", "z", "3", "w", "20"}, "ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES")
	mustDo(t, c, []any{"y", "10"}, "ZINTER", "2", "a", "b", "AGGREGATE", "max", "WITHSCORES")
	mustDo(t, c, []any{"y"}, "ZINTER", "2", "a", "b")
	mustDo(t, c, []any{"x", "z"}, "ZDIFF", "2", "a", "b")
	mustDo(t, c, []any{"x", "1", "y", "2", "z", "3"}, "ZDIFF", "2", "a", "none", "WITHSCORES")
	mustDo(t, c, []any{}, "ZDIFF", "2", "a", "a")
	mustDo(t, c, []any{}, "ZINTER", "2", "a", "none")
	mustDo(t, c, int64(4), "ZUNIONSTORE", "u", "2", "a", "b")
	mustDo(t, c, []any{"x", "z", "y", "w"}, "ZRANGE", "u", "0", "-1")
	mustDo(t, c, int64(1), "ZINTERSTORE", "u", "2", "a", "b", "WEIGHTS", "1", "0")
	mustDo(t, c, []any{"y", "2"}, "ZRANGE", "u", "0", "-1", "WITHSCORES")
	mustDo(t, c, int64(2), "ZDIFFSTORE", "u", "2", "a", "b")
	mustDo(t, c, int64(0), "ZINTERSTORE", "u", "2", "a", "none")
	mustDo(t, c, int64(0), "EXISTS", "u")
	mustDo(t, c, int64(1), "ZINTERCARD", "2", "a", "b")
	mustDo(t, c, int64(3), "ZINTERCARD", "1", "a", "LIMIT", "0")
	mustDo(t, c, int64(2), "ZINTERCARD", "1", "a", "LIMIT", "2")
	// inf + -inf is 0 in a sum; the order of the additions follows the
	// inputs sorted by size (stable), as in Redis.
	mustDo(t, c, int64(1), "ZADD", "p", "inf", "m")
	mustDo(t, c, int64(1), "ZADD", "q", "-inf", "m")
	mustDo(t, c, int64(1), "ZADD", "r", "5", "m")
	mustDo(t, c, []any{"m", "5"}, "ZUNION", "3", "p", "q", "r", "WITHSCORES")
	mustDo(t, c, []any{"m", "0"}, "ZUNION", "3", "r", "p", "q", "WITHSCORES")
	mustDo(t, c, []any{"m", "-inf"}, "ZUNION", "2", "p", "q", "WEIGHTS", "0", "1", "AGGREGATE", "MIN", "WITHSCORES")
	mustDo(t, c, []any{"m", "0"}, "ZUNION", "2", "p", "q", "WEIGHTS", "0", "1", "AGGREGATE", "MAX", "WITHSCORES")
	mustDo(t, c, []any{"m", "5"}, "ZINTER", "2", "r", "p", "WEIGHTS", "1", "0", "AGGREGATE", "MAX", "WITHSCORES")
	mustDo(t, c, []any{"m", "10"}, "ZUNION", "2", "r", "r", "WITHSCORES")
	mustDo(t, c, "OK", "SET", "str", "v")
	for _, tc := range []struct {
		err  string
		args []any
	}{
		{"ERR at least 1 input key is needed for 'zunion' command", []any{"ZUNION", "0", "a"}},
		{"ERR at least 1 input key is needed for 'zinterstore' command", []any{"ZINTERSTORE", "d", "-1", "a"}},
		{"ERR at least 1 input key is needed for 'zintercard' command", []any{"ZINTERCARD", "0", "a"}},
		{"ERR value is not an integer or out of range", []any{"ZUNION", "x", "a"}},
		{"ERR syntax error", []any{"ZUNION", "2", "a"}},
		{"ERR syntax error", []any{"ZINTER", "1", "a", "b"}},
		{"ERR syntax error", []any{"ZUNION", "1", "a", "WEIGHTS", "1", "2"}},
		{"ERR syntax error", []any{"ZUNION", "1", "a", "AGGREGATE", "AVG"}},
		{"ERR syntax error", []any{"ZUNION", "1", "a", "AGGREGATE"}},
		{"ERR syntax error", []any{"ZDIFF", "1", "a", "WEIGHTS", "1"}},
		{"ERR syntax error", []any{"ZUNIONSTORE", "d", "1", "a", "WITHSCORES"}},
		{"ERR syntax error", []any{"ZINTERCARD", "1", "a", "LIMIT"}},
		{"ERR syntax error", []any{"ZINTERCARD", "1", "a", "WITHSCORES"}},
		{"ERR weight value is not a float", []any{"ZUNION", "1", "a", "WEIGHTS", "x"}},
		{"ERR LIMIT can't be negative", []any{"ZINTERCARD", "1", "a", "LIMIT", "-1"}},
		{"ERR LIMIT can't be negative", []any{"ZINTERCARD", "1", "a", "LIMIT", "x"}},
		// The keys are checked before the options.
		{zWrongType, []any{"ZUNION", "2", "a", "str", "WEIGHTS", "x"}},
		{zWrongType, []any{"ZDIFFSTORE", "d", "2", "none", "str"}},
	} {
		mustErr(t, c, tc.err, tc.args...)
	}
}

func TestZRandMember(t *testing.T) {
	c := client(t)
	members := map[string]string{}
	args := []any{"ZADD", "z"}
	for i := 0; i < 20; i++ {
		m := fmt.Sprintf("m%d", i)
		members[m] = strconv.Itoa(i)
		args = append(args, i, m)
	}
	mustDo(t, c, int64(20), args...)
	v, err := c.Do(ctx, "ZRANDMEMBER", "z").Text()
	require.NoError(t, err)
	require.Contains(t, members, v)
	for _, n := range []int{1, 5, 7, 19, 20, 30} {
		got, err := c.Do(ctx, "ZRANDMEMBER", "z", n).StringSlice()
		require.NoError(t, err)
		require.Len(t, got, min(n, 20))
		seen := map[string]bool{}
		for _, m := range got {
			require.Contains(t, members, m)
			require.False(t, seen[m], "distinct")
			seen[m] = true
		}
	}
	got, err := c.Do(ctx, "ZRANDMEMBER", "z", -50).StringSlice()
	require.NoError(t, err)
	require.Len(t, got, 50)
	got, err = c.Do(ctx, "ZRANDMEMBER", "z", 6, "WITHSCORES").StringSlice()
	require.NoError(t, err)
	require.Len(t, got, 12)
	for i := 0; i < len(got); i += 2 {
		require.Equal(t, members[got[i]], got[i+1])
	}
	got, err = c.Do(ctx, "ZRANDMEMBER", "z", -3, "WITHSCORES").StringSlice()
	require.NoError(t, err)
	require.Len(t, got, 6)
	mustDo(t, c, []any{}, "ZRANDMEMBER", "z", 0)
	mustNil(t, c, "ZRANDMEMBER", "none")
	mustDo(t, c, []any{}, "ZRANDMEMBER", "none", 5)
	mustDo(t, c, []any{}, "ZRANDMEMBER", "none", -5, "WITHSCORES")
	mustErr(t, c, "ERR value is not an integer or out of range", "ZRANDMEMBER", "z", "x")
	mustErr(t, c, "ERR syntax error", "ZRANDMEMBER", "z", "1", "WITHSCORE")
	mustErr(t, c, "ERR syntax error", "ZRANDMEMBER", "z", "1", "WITHSCORES", "x")
	mustErr(t, c, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807", "ZRANDMEMBER", "z", "-9223372036854775808")
	mustErr(t, c, "ERR value is out of range", "ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES")
	mustErr(t, c, "ERR value is out of range", "ZRANDMEMBER", "none", "4611686018427387904", "WITHSCORES")
}

// TestZScan: a small set comes back whole with cursor 0; a large one is
// iterated with Redis's guarantee that members present for the whole scan
// are returned, while others come and go.
func TestZScan(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "ZADD", "small", "1", "a", "2", "ab", "3", "b")
	mustDo(t, c, []any{"0", []any{"a", "1", "ab", "2", "b", "3"}}, "ZSCAN", "small", "0")
	mustDo(t, c, []any{"0", []any{"a", "1", "ab", "2"}}, "ZSCAN", "small", "0", "MATCH", "a*", "COUNT", "1")
	mustDo(t, c, []any{"0", []any{}}, "ZSCAN", "none", "0", "COUNT", "0")
	mustErr(t, c, "ERR syntax error", "ZSCAN", "small", "0", "COUNT", "0")
	mustErr(t, c, "ERR syntax error", "ZSCAN", "small", "0", "TYPE", "zset")
	mustErr(t, c, "ERR syntax error", "ZSCAN", "small", "0", "MATCH")
	mustErr(t, c, "ERR value is not an integer or out of range", "ZSCAN", "small", "0", "COUNT", "x")
	mustErr(t, c, "ERR invalid cursor", "ZSCAN", "small", "x")
	mustErr(t, c, "ERR invalid cursor", "ZSCAN", "small", "18446744073709551616")

	const n = 1000
	args := []any{"ZADD", "big"}
	for i := 0; i < n; i++ {
		args = append(args, i, fmt.Sprintf("m%d", i))
	}
	mustDo(t, c, int64(n), args...)
	seen := map[string]string{}
	cursor := "0"
	for round := 0; ; round++ {
		res, err := c.Do(ctx, "ZSCAN", "big", cursor, "COUNT", 50).Slice()
		require.NoError(t, err)
		cursor = res[0].(string)
		items := res[1].([]any)
		for i := 0; i < len(items); i += 2 {
			seen[items[i].(string)] = items[i+1].(string)
		}
		// Churn: add and remove members that are not part of the check.
		c.Do(ctx, "ZADD", "big", round, fmt.Sprintf("tmp%d", round))
		c.Do(ctx, "ZREM", "big", fmt.Sprintf("tmp%d", round-3))
		if cursor == "0" {
			break
		}
		require.Less(t, round, 10*n, "scan does not end")
	}
	for i := 0; i < n; i++ {
		require.Equal(t, strconv.Itoa(i), seen[fmt.Sprintf("m%d", i)], "member m%d", i)
	}
	res, err := c.Do(ctx, "ZSCAN", "big", "0", "MATCH", "m99*", "COUNT", 100000).Slice()
	require.NoError(t, err)
	require.Equal(t, "0", res[0])
	require.Len(t, res[1], 22) // m99, m990..m999
}

// TestZScores checks score formatting (%.17g, inf) and Redis's -0: a
// compact set (a listpack in Redis) stores it as 0, a large one keeps it,
// and ZUNION replies from an unstored set.
func TestZScores(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(6), "ZADD", "z", "0.1", "a", "1e20", "b", "1e-5", "c", "123456789.123", "d", "-0", "e", "1.5", "f")
	mustDo(t, c, []any{"e", "0", "c", "1.0000000000000001e-05", "a", "0.10000000000000001", "f", "1.5", "d", "123456789.123", "b", "1e+20"},
		"ZRANGE", "z", "0", "-1", "WITHSCORES")
	mustDo(t, c, "-0", "ZADD", "neg", "INCR", "-0", "a") // the reply is the computed score
	mustDo(t, c, "0", "ZSCORE", "neg", "a")
	mustDo(t, c, int64(1), "ZADD", "w", "0", "a")
	mustDo(t, c, []any{"a", "-0"}, "ZUNION", "1", "w", "WEIGHTS", "-1", "WITHSCORES")
	mustDo(t, c, int64(1), "ZUNIONSTORE", "w2", "1", "w", "WEIGHTS", "-1")
	mustDo(t, c, "0", "ZSCORE", "w2", "a")
	long := strings.Repeat("x", 65)
	mustDo(t, c, int64(2), "ZADD", "big", "1", long, "-0", "a")
	mustDo(t, c, "-0", "ZSCORE", "big", "a")
	// Adding the long member second converts the set after -0 was stored.
	mustDo(t, c, int64(2), "ZADD", "big2", "-0", "a", "1", long)
	mustDo(t, c, "0", "ZSCORE", "big2", "a")
}

func TestZWatch(t *testing.T) {
	e := newZSetEnv(t)
	other := testutil.Client(t, e.srv.RESPAddr(), 2)
	mustDo(t, e.c, int64(1), "ZADD", "z", "1", "a")
	run := func(change ...any) []any {
		mustDo(t, e.c, "OK", "WATCH", "z")
		if len(change) > 0 {
			require.NoError(t, other.Do(ctx, change...).Err())
		}
		mustDo(t, e.c, "OK", "MULTI")
		mustDo(t, e.c, "QUEUED", "ZCARD", "z")
		res, err := e.c.Do(ctx, "EXEC").Result()
		if err == redis.Nil {
			return nil
		}
		require.NoError(t, err)
		return res.([]any)
	}
	require.Nil(t, run("ZADD", "z", "2", "a"))
	require.Nil(t, run("ZINCRBY", "z", "1", "b"))
	require.Nil(t, run("ZREM", "z", "b"))
	require.Nil(t, run("ZPOPMIN", "z"))
	require.Equal(t, []any{int64(0)}, run("ZADD", "z", "XX", "1", "nosuch"))
	require.Equal(t, []any{int64(0)}, run("ZREM", "z", "nosuch"))
	require.Equal(t, []any{int64(0)}, run())
}

// TestZRESP3 checks the reply shapes that differ in RESP3: doubles, nested
// pairs for WITHSCORES and counted pops, nulls.
func TestZRESP3(t *testing.T) {
	e := newZSetEnv(t)
	r := e.raw()
	require.Contains(t, r.Do("HELLO", "3"), "proto")
	require.Equal(t, ":3\r\n", r.Do("ZADD", "z", "1", "a", "2.5", "b", "inf", "c"))
	require.Equal(t, ",2.5\r\n", r.Do("ZSCORE", "z", "b"))
	require.Equal(t, ",inf\r\n", r.Do("ZSCORE", "z", "c"))
	require.Equal(t, "_\r\n", r.Do("ZSCORE", "z", "x"))
	require.Equal(t, "*2\r\n,1\r\n_\r\n", r.Do("ZMSCORE", "z", "a", "x"))
	require.Equal(t, "_\r\n", r.Do("ZRANK", "z", "x"))
	require.Equal(t, ",3\r\n", r.Do("ZINCRBY", "z", "2", "a"))
	require.Equal(t, "_\r\n", r.Do("ZADD", "z", "NX", "INCR", "1", "a"))
	require.Equal(t, "*2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\na\r\n,3\r\n", r.Do("ZRANGE", "z", "0", "1", "WITHSCORES"))
	require.Equal(t, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", r.Do("ZRANGE", "z", "0", "1"))
	require.Equal(t, "*1\r\n*2\r\n$1\r\nc\r\n,inf\r\n", r.Do("ZRANGEBYSCORE", "z", "(3", "+inf", "WITHSCORES"))
	require.Equal(t, "*2\r\n$1\r\nb\r\n,2.5\r\n", r.Do("ZPOPMIN", "z"))
	require.Equal(t, "*1\r\n*2\r\n$1\r\na\r\n,3\r\n", r.Do("ZPOPMIN", "z", "1"))
	require.Equal(t, "*0\r\n", r.Do("ZPOPMIN", "none", "1"))
	require.Equal(t, "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,inf\r\n", r.Do("ZMPOP", "1", "z", "MAX"))
	require.Equal(t, "_\r\n", r.Do("ZMPOP", "1", "z", "MAX"))
	require.Equal(t, "_\r\n", r.Do("BZPOPMIN", "z", "0.01"))
	require.Equal(t, "_\r\n", r.Do("BZMPOP", "0.01", "1", "z", "MIN"))
	require.Equal(t, "_\r\n", r.Do("ZRANDMEMBER", "z"))
	require.Equal(t, ":1\r\n", r.Do("ZADD", "z", "7", "q"))
	require.Equal(t, "*1\r\n*2\r\n$1\r\nq\r\n,7\r\n", r.Do("ZRANDMEMBER", "z", "1", "WITHSCORES"))
	require.Equal(t, "*2\r\n*2\r\n$1\r\nq\r\n,7\r\n*2\r\n$1\r\nq\r\n,7\r\n", r.Do("ZRANDMEMBER", "z", "-2", "WITHSCORES"))
	require.Equal(t, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nq\r\n$1\r\n7\r\n", r.Do("ZSCAN", "z", "0"))
	require.Equal(t, "*1\r\n*2\r\n$1\r\nq\r\n,14\r\n", r.Do("ZUNION", "1", "z", "WEIGHTS", "2", "WITHSCORES"))
	require.Equal(t, "*3\r\n$1\r\nz\r\n$1\r\nq\r\n,7\r\n", r.Do("BZPOPMAX", "z", "0"))
}

func TestBZPopImmediate(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(2), "ZADD", "k2", "1", "a", "2", "b")
	mustDo(t, c, int64(1), "ZADD", "k3", "9", "z")
	mustDo(t, c, []any{"k2", "a", "1"}, "BZPOPMIN", "k1", "k2", "k3", "0")
	mustDo(t, c, []any{"k3", "z", "9"}, "BZPOPMAX", "k3", "k2", "0")
	mustDo(t, c, []any{"k2", []any{[]any{"b", "2"}}}, "BZMPOP", "0", "3", "k1", "k2", "k3", "MIN", "COUNT", "5")
	mustDo(t, c, int64(0), "EXISTS", "k2")
	mustDo(t, c, "OK", "SET", "str", "v")
	mustErr(t, c, zWrongType, "BZPOPMIN", "none", "str", "0")
	mustErr(t, c, zWrongType, "BZMPOP", "0", "2", "none", "str", "MIN")
	mustErr(t, c, "ERR timeout is not a float or out of range", "BZPOPMIN", "k1", "x")
	mustErr(t, c, "ERR timeout is negative", "BZPOPMAX", "k1", "-1")
	// BZMPOP checks the other arguments before the timeout.
	mustErr(t, c, "ERR count should be greater than 0", "BZMPOP", "x", "1", "k1", "MIN", "COUNT", "0")
	mustErr(t, c, "ERR timeout is not a float or out of range", "BZMPOP", "x", "1", "k1", "MIN")
	mustErr(t, c, "ERR numkeys should be greater than 0", "BZMPOP", "0", "0", "k1", "MIN")
	mustErr(t, c, "ERR syntax error", "BZMPOP", "0", "1", "k1", "LEFT")
}

func TestBZPopTimeout(t *testing.T) {
	e := newZSetEnv(t)
	r := e.raw()
	require.Equal(t, "*-1\r\n", r.Do("BZPOPMIN", "none", "0.01"))
	require.Equal(t, "*-1\r\n", r.Do("BZPOPMAX", "none", "other", "0.01"))
	require.Equal(t, "*-1\r\n", r.Do("BZMPOP", "0.01", "1", "none", "MAX"))
	require.Equal(t, "*-1\r\n", r.Do("BZPOPMIN", "none", "0.0001"))
	e.waitBlocked(0)
}

// TestBZPopFIFO: clients blocked on one key are served first blocked,
// first served, and one ZADD of several members serves several clients.
func TestBZPopFIFO(t *testing.T) {
	e := newZSetEnv(t)
	r1 := e.block(1, "BZPOPMIN", "q", "0")
	r2 := e.block(2, "BZPOPMAX", "q", "0")
	r3 := e.block(3, "BZMPOP", "0", "2", "other", "q", "MIN", "COUNT", "2")
	mustDo(t, e.c, int64(4), "ZADD", "q", "1", "a", "2", "b", "3", "c", "4", "d")
	require.Equal(t, "*3\r\n$1\r\nq\r\n$1\r\na\r\n$1\r\n1\r\n", r1.Read())
	require.Equal(t, "*3\r\n$1\r\nq\r\n$1\r\nd\r\n$1\r\n4\r\n", r2.Read())
	require.Equal(t, "*2\r\n$1\r\nq\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", r3.Read())
	e.waitBlocked(0)
	mustDo(t, e.c, int64(0), "EXISTS", "q")

	// One member, two waiters: the second stays blocked.
	r1 = e.block(1, "BZPOPMIN", "w", "0")
	r2 = e.block(2, "BZPOPMIN", "w", "0")
	mustDo(t, e.c, int64(1), "ZADD", "w", "1", "a")
	require.Equal(t, "*3\r\n$1\r\nw\r\n$1\r\na\r\n$1\r\n1\r\n", r1.Read())
	e.waitBlocked(1)
	mustDo(t, e.c, "2", "ZINCRBY", "w", "2", "b")
	require.Equal(t, "*3\r\n$1\r\nw\r\n$1\r\nb\r\n$1\r\n2\r\n", r2.Read())
	e.waitBlocked(0)
}

// TestBZPopWrongTypeWaiters: a waiter whose key gets the wrong type is
// skipped and the next one served, for sorted-set and list waiters alike.
func TestBZPopWrongTypeWaiters(t *testing.T) {
	e := newZSetEnv(t)
	rl := e.block(1, "BLPOP", "k", "0")
	rz := e.block(2, "BZPOPMIN", "k", "0")
	mustDo(t, e.c, int64(1), "ZADD", "k", "1", "a")
	require.Equal(t, "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n", rz.Read())
	e.waitBlocked(1)
	mustDo(t, e.c, int64(1), "RPUSH", "k", "x")
	require.Equal(t, "*2\r\n$1\r\nk\r\n$1\r\nx\r\n", rl.Read())
	e.waitBlocked(0)

	rz = e.block(1, "BZPOPMAX", "k2", "0")
	rl = e.block(2, "BRPOP", "k2", "0")
	mustDo(t, e.c, int64(1), "RPUSH", "k2", "y")
	require.Equal(t, "*2\r\n$2\r\nk2\r\n$1\r\ny\r\n", rl.Read())
	e.waitBlocked(1)
	// A string at the key does not serve it either.
	mustDo(t, e.c, "OK", "SET", "k2", "s")
	mustDo(t, e.c, int64(1), "DEL", "k2")
	require.EqualValues(t, 1, e.srv.Engine.Stats.BlockedNow.Load())
	mustDo(t, e.c, int64(1), "ZADD", "k2", "5", "m")
	require.Equal(t, "*3\r\n$2\r\nk2\r\n$1\r\nm\r\n$1\r\n5\r\n", rz.Read())
	e.waitBlocked(0)
}

// TestBZPopMultipleKeys: a client blocked on several keys is served by the
// first key that gets members; in one EXEC keys are served in the order
// they were filled, after the whole transaction.
func TestBZPopMultipleKeys(t *testing.T) {
	e := newZSetEnv(t)
	r := e.block(1, "BZPOPMIN", "k1", "k2", "0")
	mustDo(t, e.c, int64(1), "ZADD", "k2", "3", "v")
	require.Equal(t, "*3\r\n$2\r\nk2\r\n$1\r\nv\r\n$1\r\n3\r\n", r.Read())
	e.waitBlocked(0)

	r1 := e.block(1, "BZPOPMIN", "x1", "x2", "0")
	r2 := e.block(2, "BZPOPMIN", "x2", "x1", "0")
	mustDo(t, e.c, "OK", "MULTI")
	mustDo(t, e.c, "QUEUED", "ZADD", "x2", "2", "v2")
	mustDo(t, e.c, "QUEUED", "ZADD", "x1", "1", "v1")
	mustDo(t, e.c, []any{int64(1), int64(1)}, "EXEC")
	require.Equal(t, "*3\r\n$2\r\nx2\r\n$2\r\nv2\r\n$1\r\n2\r\n", r1.Read())
	require.Equal(t, "*3\r\n$2\r\nx1\r\n$2\r\nv1\r\n$1\r\n1\r\n", r2.Read())
	e.waitBlocked(0)

	// Added and removed in one EXEC: nobody is served.
	r = e.block(1, "BZPOPMAX", "m", "0")
	mustDo(t, e.c, "OK", "MULTI")
	mustDo(t, e.c, "QUEUED", "ZADD", "m", "1", "a")
	mustDo(t, e.c, "QUEUED", "ZREM", "m", "a")
	mustDo(t, e.c, []any{int64(1), int64(1)}, "EXEC")
	require.EqualValues(t, 1, e.srv.Engine.Stats.BlockedNow.Load())
	mustDo(t, e.c, int64(1), "ZADD", "m", "2", "b")
	require.Equal(t, "*3\r\n$1\r\nm\r\n$1\r\nb\r\n$1\r\n2\r\n", r.Read())
	e.waitBlocked(0)
}

// TestBZPopStoreWakes: ZUNIONSTORE/ZRANGESTORE that create the key wake
// blocked clients; one that overwrites a key of another type does not
// (Redis 7.0's dbOverwrite signals nothing).
func TestBZPopStoreWakes(t *testing.T) {
	e := newZSetEnv(t)
	mustDo(t, e.c, int64(2), "ZADD", "src", "1", "a", "2", "b")
	r := e.block(1, "BZPOPMIN", "dst", "0")
	mustDo(t, e.c, int64(2), "ZUNIONSTORE", "dst", "1", "src")
	require.Equal(t, "*3\r\n$3\r\ndst\r\n$1\r\na\r\n$1\r\n1\r\n", r.Read())
	e.waitBlocked(0)
	mustDo(t, e.c, int64(1), "DEL", "dst")

	r = e.block(1, "BZPOPMAX", "dst2", "0")
	mustDo(t, e.c, int64(2), "ZRANGESTORE", "dst2", "src", "0", "-1")
	require.Equal(t, "*3\r\n$4\r\ndst2\r\n$1\r\nb\r\n$1\r\n2\r\n", r.Read())
	e.waitBlocked(0)

	r = e.block(1, "BZPOPMIN", "dst3", "0")
	mustDo(t, e.c, "OK", "SET", "dst3", "str")
	mustDo(t, e.c, int64(2), "ZINTERSTORE", "dst3", "1", "src")
	// Neither does adding to the now existing set: only creating a key
	// signals it (Redis's dbAdd), as redis-server 7.0.15 behaves.
	mustDo(t, e.c, int64(1), "ZADD", "dst3", "0", "z")
	require.EqualValues(t, 1, e.srv.Engine.Stats.BlockedNow.Load(), "overwrite wakes nobody")
	mustDo(t, e.c, int64(1), "DEL", "dst3")
	mustDo(t, e.c, int64(1), "ZADD", "dst3", "0", "y")
	require.Equal(t, "*3\r\n$4\r\ndst3\r\n$1\r\ny\r\n$1\r\n0\r\n", r.Read())
	e.waitBlocked(0)
}

// TestZBlockingInMulti: inside MULTI/EXEC blocking pops never block and
// answer as on timeout; with data they pop.
func TestZBlockingInMulti(t *testing.T) {
	e := newZSetEnv(t)
	r := e.raw()
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	for _, args := range [][]string{
		{"BZPOPMIN", "none", "0"},
		{"BZPOPMAX", "none", "0"},
		{"BZMPOP", "0", "1", "none", "MIN"},
		{"ZADD", "z", "1", "a"},
		{"BZPOPMIN", "z", "0"},
	} {
		require.Equal(t, "+QUEUED\r\n", r.Do(args...))
	}
	require.Equal(t, "*5\r\n*-1\r\n*-1\r\n*-1\r\n:1\r\n*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", r.Do("EXEC"))
	e.waitBlocked(0)
}

func TestBZPopDisconnect(t *testing.T) {
	e := newZSetEnv(t)
	r := e.block(1, "BZPOPMIN", "dc", "0")
	require.NoError(t, r.Conn().Close())
	e.waitBlocked(0)
	mustDo(t, e.c, int64(1), "ZADD", "dc", "1", "v")
	mustDo(t, e.c, int64(1), "ZCARD", "dc")
}

func TestBZPopTimeoutThenServe(t *testing.T) {
	e := newZSetEnv(t)
	r := e.block(1, "BZPOPMIN", "late", "0.05")
	s, err := r.ReadTimeout(5 * time.Second)
	require.NoError(t, err)
	require.Equal(t, "*-1\r\n", s)
	e.waitBlocked(0)
	mustDo(t, e.c, int64(1), "ZADD", "late", "1", "v")
	mustDo(t, e.c, int64(1), "ZCARD", "late")
}

// TestZPersistence: sorted sets survive a restart through the AOF (served
// blocking pops logged as ZPOPMIN/ZPOPMAX) and through an AOF rewrite.
func TestZPersistence(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir})
	c := testutil.Client(t, s.RESPAddr(), 2)
	e := &zsetEnv{t: t, srv: s, c: c}
	dump := func(c *redis.Client) map[string][]string {
		out := map[string][]string{}
		for _, k := range []string{"a", "b", "u", "r", "w", "big"} {
			v, err := c.Do(ctx, "ZRANGE", k, 0, -1, "WITHSCORES").StringSlice()
			require.NoError(t, err)
			out[k] = v
		}
		return out
	}
	mustDo(t, c, int64(3), "ZADD", "a", "1", "x", "2.5", "y", "-inf", "z")
	mustDo(t, c, "3.5", "ZINCRBY", "a", "1", "y")
	mustDo(t, c, int64(2), "ZADD", "b", "0.1", "x", "1e300", "q")
	mustDo(t, c, int64(4), "ZUNIONSTORE", "u", "2", "a", "b", "WEIGHTS", "2", "3")
	mustDo(t, c, int64(2), "ZRANGESTORE", "r", "u", "0", "1")
	mustDo(t, c, []any{"z", "-inf"}, "ZPOPMIN", "a")
	r := e.block(1, "BZPOPMAX", "w", "0")
	mustDo(t, c, int64(2), "ZADD", "w", "1", "p", "2", "q")
	require.Contains(t, r.Read(), "q")
	mustDo(t, c, []any{"b", []any{[]any{"q", "1.0000000000000001e+300"}}}, "BZMPOP", "0", "1", "b", "MAX")
	args := []any{"ZADD", "big"}
	for i := 0; i < 300; i++ {
		args = append(args, i%7, fmt.Sprintf("member-%d", i))
	}
	mustDo(t, c, int64(300), args...)
	// A set that is not compact keeps -0 (a first member over 64 bytes).
	mustDo(t, c, int64(2), "ZADD", "neg", "1", strings.Repeat("l", 70), "-0", "n")
	before := dump(c)
	require.Equal(t, []string{"p", "1"}, before["w"])
	c.Close()
	shutdown := func(s *server.Server) {
		cx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		require.NoError(t, s.Shutdown(cx))
	}
	shutdown(s)

	s2 := testutil.StartSwitchyard(t, []string{"dir", dir})
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	require.Equal(t, before, dump(c2))
	mustDo(t, c2, "-0", "ZSCORE", "neg", "n")
	require.Equal(t, "Background append only file rewriting started", c2.Do(ctx, "BGREWRITEAOF").Val())
	require.Eventually(t, func() bool {
		m, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
		return err == nil && strings.Contains(string(m), "type b")
	}, 10*time.Second, 5*time.Millisecond)
	c2.Close()
	shutdown(s2)

	s3 := testutil.StartSwitchyard(t, []string{"dir", dir})
	c3 := testutil.Client(t, s3.RESPAddr(), 2)
	require.Equal(t, before, dump(c3))
}
