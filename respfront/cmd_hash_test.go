package respfront_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

func TestHashSetGet(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(2), "HSET", "h", "a", "1", "b", "2")
	mustDo(t, c, int64(1), "HSET", "h", "a", "3", "c", "4")
	mustDo(t, c, int64(0), "HSET", "h", "c", "5", "a", "6", "c", "7")
	mustDo(t, c, "6", "HGET", "h", "a")
	mustDo(t, c, "7", "HGET", "h", "c")
	mustNil(t, c, "HGET", "h", "nope")
	mustNil(t, c, "HGET", "nokey", "a")
	mustDo(t, c, int64(0), "HSETNX", "h", "a", "x")
	mustDo(t, c, int64(1), "HSETNX", "h", "z", "26")
	mustDo(t, c, "OK", "HMSET", "h", "x", "1", "y", "")
	// A small hash keeps insertion order; an update keeps the position.
	mustDo(t, c, []any{"a", "6", "b", "2", "c", "7", "z", "26", "x", "1", "y", ""}, "HGETALL", "h")
	mustDo(t, c, []any{"a", "b", "c", "z", "x", "y"}, "HKEYS", "h")
	mustDo(t, c, []any{"6", "2", "7", "26", "1", ""}, "HVALS", "h")
	mustDo(t, c, []any{"6", nil, "2"}, "HMGET", "h", "a", "nope", "b")
	mustDo(t, c, []any{nil, nil}, "HMGET", "nokey", "a", "b")
	mustDo(t, c, int64(6), "HLEN", "h")
	mustDo(t, c, int64(0), "HLEN", "nokey")
	mustDo(t, c, int64(2), "HSTRLEN", "h", "z")
	mustDo(t, c, int64(0), "HSTRLEN", "h", "y")
	mustDo(t, c, int64(0), "HSTRLEN", "h", "nope")
	mustDo(t, c, int64(0), "HSTRLEN", "nokey", "a")
	mustDo(t, c, int64(1), "HEXISTS", "h", "y")
	mustDo(t, c, int64(0), "HEXISTS", "h", "nope")
	mustDo(t, c, int64(0), "HEXISTS", "nokey", "a")
	mustDo(t, c, []any{}, "HGETALL", "nokey")
	mustDo(t, c, []any{}, "HKEYS", "nokey")
	mustDo(t, c, []any{}, "HVALS", "nokey")
	// Empty field names and binary values are fine.
	mustDo(t, c, int64(1), "HSET", "bin", "", "\x00\r\n")
	mustDo(t, c, "\x00\r\n", "HGET", "bin", "")
}

func TestHashDelete(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "HSET", "h", "a", "1", "b", "2", "c", "3")
	mustDo(t, c, int64(0), "HDEL", "h", "nope")
	mustDo(t, c, int64(2), "HDEL", "h", "a", "nope", "b", "a")
	mustDo(t, c, int64(0), "HDEL", "nokey", "a")
	mustDo(t, c, []any{"c", "3"}, "HGETALL", "h")
	mustDo(t, c, int64(1), "HDEL", "h", "c")
	// The emptied hash is gone: the key takes another type.
	mustDo(t, c, int64(1), "SADD", "h", "m")
	mustErr(t, c, wrongType, "HLEN", "h")
}

func TestHashArity(t *testing.T) {
	c := client(t)
	for _, args := range [][]any{
		{"HSET", "h"}, {"HSET", "h", "a"}, {"HSET", "h", "a", "1", "b"}, {"HMSET", "h", "a"},
		{"HMSET", "h", "a", "1", "b"}, {"HSETNX", "h", "a"}, {"HGET", "h"}, {"HMGET", "h"},
		{"HDEL", "h"}, {"HINCRBY", "h", "f"}, {"HRANDFIELD"}, {"HSCAN", "h"}, {"HGETALL"},
	} {
		mustErr(t, c, "ERR wrong number of arguments for '"+strings.ToLower(args[0].(string))+"' command", args...)
	}
	mustErr(t, c, "ERR wrong number of arguments for 'hset' command", "HSET", "str", "f")
}

func TestHashIncrBy(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(5), "HINCRBY", "h", "n", "5")
	mustDo(t, c, int64(-5), "HINCRBY", "h", "n", "-10")
	mustDo(t, c, int64(9223372036854775807), "HINCRBY", "h", "max", "9223372036854775807")
	mustErr(t, c, "ERR increment or decrement would overflow", "HINCRBY", "h", "max", "1")
	mustDo(t, c, int64(-9223372036854775808), "HINCRBY", "h", "min", "-9223372036854775808")
	mustErr(t, c, "ERR increment or decrement would overflow", "HINCRBY", "h", "min", "-1")
	for _, bad := range []string{"x", "01", "", "1.5", " 1", "+1", "9223372036854775808", "-0"} {
		mustErr(t, c, "ERR value is not an integer or out of range", "HINCRBY", "h", "n", bad)
	}
	mustDo(t, c, int64(4), "HSET", "h", "s", "str", "f", "1.5", "z", "-0", "sp", " 1")
	for _, f := range []string{"s", "f", "z", "sp"} {
		mustErr(t, c, "ERR hash value is not an integer", "HINCRBY", "h", f, "1")
	}
	mustDo(t, c, "-5", "HGET", "h", "n")
	mustErr(t, c, "ERR value is not an integer or out of range", "HINCRBY", "nokey", "f", "x")
}

func TestHashIncrByFloat(t *testing.T) {
	c := client(t)
	mustDo(t, c, "1.5", "HINCRBYFLOAT", "h", "f", "1.5")
	mustDo(t, c, "1.6", "HINCRBYFLOAT", "h", "f", "0.1")
	mustDo(t, c, "10.6", "HINCRBYFLOAT", "h", "g", "10.6")
	mustDo(t, c, "5010.60000000000000009", "HINCRBYFLOAT", "h", "g", "5000")
	mustDo(t, c, "16", "HINCRBYFLOAT", "h", "hex", "0x10")
	mustDo(t, c, "100", "HINCRBYFLOAT", "h", "e", "1.0e2")
	mustDo(t, c, "1", "HINCRBYFLOAT", "h", "e", "-99")
	for _, bad := range []string{"x", "nan", "", " 1", "1 ", "1e5000", "1e-5000"} {
		mustErr(t, c, "ERR value is not a valid float", "HINCRBYFLOAT", "h", "f", bad)
	}
	for _, inf := range []string{"inf", "-inf", "+Infinity"} {
		mustErr(t, c, "ERR value is NaN or Infinity", "HINCRBYFLOAT", "h", "f", inf)
	}
	mustDo(t, c, int64(3), "HSET", "h", "s", "str", "sp", " 1", "i", "inf")
	mustErr(t, c, "ERR hash value is not a float", "HINCRBYFLOAT", "h", "s", "1")
	mustErr(t, c, "ERR hash value is not a float", "HINCRBYFLOAT", "h", "sp", "1")
	mustErr(t, c, "ERR increment would produce NaN or Infinity", "HINCRBYFLOAT", "h", "i", "1")
	mustDo(t, c, "1", "HINCRBYFLOAT", "h", "z", "1.000")
	// Integer fields take float increments and the other way round.
	mustDo(t, c, int64(7), "HINCRBY", "h", "z", "6")
	mustDo(t, c, "7.25", "HINCRBYFLOAT", "h", "z", "0.25")
	mustErr(t, c, "ERR hash value is not an integer", "HINCRBY", "h", "z", "1")
}

func TestHashRandField(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "HSET", "h", "a", "1", "b", "2", "c", "3")
	vals := map[string]string{"a": "1", "b": "2", "c": "3"}
	mustNil(t, c, "HRANDFIELD", "nokey")
	mustDo(t, c, []any{}, "HRANDFIELD", "nokey", "2")
	mustDo(t, c, []any{}, "HRANDFIELD", "nokey", "-2", "WITHVALUES")
	mustDo(t, c, []any{}, "HRANDFIELD", "h", "0")
	mustDo(t, c, []any{}, "HRANDFIELD", "h", "0", "withvalues")
	mustDo(t, c, []any{"a", "b", "c"}, "HRANDFIELD", "h", "3")
	mustDo(t, c, []any{"a", "1", "b", "2", "c", "3"}, "HRANDFIELD", "h", "100", "WITHVALUES")
	for range 20 {
		f, err := c.Do(ctx, "HRANDFIELD", "h").Text()
		require.NoError(t, err)
		require.Contains(t, vals, f)

		got, err := c.Do(ctx, "HRANDFIELD", "h", "2").StringSlice()
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.NotEqual(t, got[0], got[1])

		got, err = c.Do(ctx, "HRANDFIELD", "h", "-5", "WITHVALUES").StringSlice()
		require.NoError(t, err)
		require.Len(t, got, 10)
		for i := 0; i < len(got); i += 2 {
			require.Equal(t, vals[got[i]], got[i+1])
		}
	}
	mustErr(t, c, "ERR value is not an integer or out of range", "HRANDFIELD", "h", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "HRANDFIELD", "nokey", "x", "foo")
	mustErr(t, c, "ERR syntax error", "HRANDFIELD", "h", "1", "foo")
	mustErr(t, c, "ERR syntax error", "HRANDFIELD", "h", "1", "WITHVALUES", "x")
	mustErr(t, c, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
		"HRANDFIELD", "h", "-9223372036854775808")
	mustErr(t, c, "ERR value is out of range", "HRANDFIELD", "nokey", "9223372036854775807", "WITHVALUES")
	mustErr(t, c, "ERR value is out of range", "HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES")
	mustDo(t, c, []any{"a", "b", "c"}, "HRANDFIELD", "h", "4611686018427387903")
}

func TestHashRESP3(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	require.Contains(t, r.Do("HELLO", "3"), "proto")
	require.Equal(t, "%0\r\n", r.Do("HGETALL", "nokey"))
	require.Equal(t, ":2\r\n", r.Do("HSET", "h", "a", "1", "b", "2"))
	require.Equal(t, "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", r.Do("HGETALL", "h"))
	require.Equal(t, "_\r\n", r.Do("HGET", "h", "nope"))
	require.Equal(t, "*2\r\n$1\r\n1\r\n_\r\n", r.Do("HMGET", "h", "a", "nope"))
	require.Equal(t, "_\r\n", r.Do("HRANDFIELD", "nokey"))
	require.Equal(t, "*0\r\n", r.Do("HRANDFIELD", "nokey", "1"))
	require.Equal(t, "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", r.Do("HRANDFIELD", "h", "5", "WITHVALUES"))
	require.Equal(t, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", r.Do("HRANDFIELD", "h", "5"))
	require.Regexp(t, `^\*3\r\n(\*2\r\n\$1\r\n(a\r\n\$1\r\n1|b\r\n\$1\r\n2)\r\n){3}$`, r.Do("HRANDFIELD", "h", "-3", "WITHVALUES"))
	require.Equal(t, "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", r.Do("HSCAN", "h", "0"))
	require.Equal(t, "$3\r\n1.5\r\n", r.Do("HINCRBYFLOAT", "h", "f", "1.5"), "a bulk string, not a double")
	require.Equal(t, ":1\r\n", r.Do("HEXISTS", "h", "a"), "an integer, not a boolean")
}

// scanAllFields runs HSCAN from cursor 0 to 0 with extra options and
// returns field -> value and the number of calls.
func scanAllFields(t *testing.T, c *redis.Client, key string, opts ...any) (map[string]string, int) {
	t.Helper()
	got := map[string]string{}
	cursor := "0"
	calls := 0
	for {
		res, err := c.Do(ctx, append([]any{"HSCAN", key, cursor}, opts...)...).Slice()
		require.NoError(t, err)
		require.Len(t, res, 2)
		items := res[1].([]any)
		require.Zero(t, len(items)%2)
		for i := 0; i < len(items); i += 2 {
			got[items[i].(string)] = items[i+1].(string)
		}
		calls++
		cursor = res[0].(string)
		if cursor == "0" {
			return got, calls
		}
		require.Less(t, calls, 100000)
	}
}

func TestHashScan(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(4), "HSET", "small", "a", "1", "b", "2", "c", "3", "abc", "4")
	// A small hash comes back whole with cursor 0, whatever the cursor and COUNT.
	all := []any{"0", []any{"a", "1", "b", "2", "c", "3", "abc", "4"}}
	mustDo(t, c, all, "HSCAN", "small", "0")
	mustDo(t, c, all, "HSCAN", "small", "7", "COUNT", "1")
	mustDo(t, c, all, "HSCAN", "small", "-1")
	mustDo(t, c, all, "HSCAN", "small", "")
	mustDo(t, c, []any{"0", []any{"a", "1", "abc", "4"}}, "HSCAN", "small", "0", "MATCH", "a*")
	mustDo(t, c, []any{"0", []any{"b", "2"}}, "HSCAN", "small", "0", "match", "*", "count", "5", "MATCH", "b")
	mustDo(t, c, []any{"0", []any{}}, "HSCAN", "nokey", "0")
	mustDo(t, c, []any{"0", []any{}}, "HSCAN", "nokey", "0", "foo", "bar")
	for _, bad := range []string{"x", " 1", "1 ", "0x1", "-", "+", "18446744073709551616", "-18446744073709551616"} {
		mustErr(t, c, "ERR invalid cursor", "HSCAN", "small", bad)
		mustErr(t, c, "ERR invalid cursor", "HSCAN", "nokey", bad)
	}
	mustErr(t, c, "ERR syntax error", "HSCAN", "small", "0", "COUNT", "0")
	mustErr(t, c, "ERR syntax error", "HSCAN", "small", "0", "COUNT", "-1")
	mustErr(t, c, "ERR value is not an integer or out of range", "HSCAN", "small", "0", "COUNT", "x")
	mustErr(t, c, "ERR syntax error", "HSCAN", "small", "0", "MATCH")
	mustErr(t, c, "ERR syntax error", "HSCAN", "small", "0", "TYPE", "string")
	mustErr(t, c, "ERR syntax error", "HSCAN", "small", "0", "foo", "bar")

	// A large hash is scanned in steps; a full iteration sees every field.
	args := []any{"HSET", "big"}
	for i := range 1000 {
		args = append(args, "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	mustDo(t, c, int64(1000), args...)
	first, err := c.Do(ctx, "HSCAN", "big", "0").Slice()
	require.NoError(t, err)
	require.NotEqual(t, "0", first[0], "a table is not returned in one call")
	for _, count := range []string{"1", "10", "100", "5000"} {
		got, calls := scanAllFields(t, c, "big", "COUNT", count)
		require.Len(t, got, 1000)
		for i := range 1000 {
			require.Equal(t, strconv.Itoa(i), got["f"+strconv.Itoa(i)])
		}
		if count == "5000" {
			require.Equal(t, 1, calls)
		}
	}
	got, _ := scanAllFields(t, c, "big", "MATCH", "f9?")
	require.Len(t, got, 10)
	require.Equal(t, "95", got["f95"])
}

func TestHashWrongType(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "s", "v")
	for _, args := range [][]any{
		{"HSET", "s", "f", "v"}, {"HMSET", "s", "f", "v"}, {"HSETNX", "s", "f", "v"}, {"HGET", "s", "f"},
		{"HMGET", "s", "f"}, {"HGETALL", "s"}, {"HKEYS", "s"}, {"HVALS", "s"}, {"HDEL", "s", "f"},
		{"HLEN", "s"}, {"HSTRLEN", "s", "f"}, {"HEXISTS", "s", "f"}, {"HINCRBY", "s", "f", "1"},
		{"HINCRBYFLOAT", "s", "f", "1"}, {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "0"},
		{"HRANDFIELD", "s", "1", "WITHVALUES"}, {"HSCAN", "s", "0"}, {"HSCAN", "s", "0", "COUNT", "0"},
	} {
		mustErr(t, c, wrongType, args...)
	}
	// Argument errors that Redis checks before the lookup win.
	mustErr(t, c, "ERR value is not an integer or out of range", "HINCRBY", "s", "f", "x")
	mustErr(t, c, "ERR value is not a valid float", "HINCRBYFLOAT", "s", "f", "x")
	mustErr(t, c, "ERR value is NaN or Infinity", "HINCRBYFLOAT", "s", "f", "inf")
	mustErr(t, c, "ERR value is not an integer or out of range", "HRANDFIELD", "s", "x")
	mustErr(t, c, "ERR syntax error", "HRANDFIELD", "s", "1", "x")
	mustErr(t, c, "ERR invalid cursor", "HSCAN", "s", "x")
	mustDo(t, c, "v", "GET", "s")
	// A hash is the wrong type for string and list commands.
	mustDo(t, c, int64(1), "HSET", "h", "f", "v")
	mustErr(t, c, wrongType, "GET", "h")
	mustErr(t, c, wrongType, "LPUSH", "h", "x")
	mustErr(t, c, wrongType, "SADD", "h", "x")
	mustDo(t, c, "OK", "SET", "h", "now a string")
}

// TestHashWatch: hash writes dirty WATCHed keys; reads and writes that
// change nothing do not.
func TestHashWatch(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	other := testutil.Client(t, addr, 2)
	for _, tc := range []struct {
		args  []any
		dirty bool
	}{
		{[]any{"HSET", "h", "a", "1"}, true},
		{[]any{"HMSET", "h", "z", "1"}, true},
		{[]any{"HSETNX", "h", "new", "1"}, true},
		{[]any{"HSETNX", "h", "a", "1"}, false},
		{[]any{"HDEL", "h", "b"}, true},
		{[]any{"HDEL", "h", "nope"}, false},
		{[]any{"HINCRBY", "h", "n", "1"}, true},
		{[]any{"HINCRBYFLOAT", "h", "n", "1.5"}, true},
		{[]any{"HGETALL", "h"}, false},
		{[]any{"HRANDFIELD", "h", "2"}, false},
		{[]any{"HSCAN", "h", "0"}, false},
	} {
		require.NoError(t, c.Do(ctx, "HSET", "h", "b", "1").Err())
		mustDo(t, c, "OK", "WATCH", "h")
		mustDo(t, c, "OK", "MULTI")
		mustDo(t, c, "QUEUED", "HLEN", "h")
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

func TestHashMulti(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	require.Equal(t, "+QUEUED\r\n", r.Do("HSET", "h", "a", "1", "b"))
	require.Equal(t, "+QUEUED\r\n", r.Do("HSET", "h", "a", "1"))
	require.Equal(t, "+QUEUED\r\n", r.Do("HINCRBY", "h", "a", "x"))
	require.Equal(t, "+QUEUED\r\n", r.Do("HINCRBY", "h", "a", "2"))
	require.Equal(t, "+QUEUED\r\n", r.Do("HGETALL", "h"))
	require.Equal(t, "*5\r\n-ERR wrong number of arguments for 'hset' command\r\n:1\r\n"+
		"-ERR value is not an integer or out of range\r\n:3\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", r.Do("EXEC"))
}

// A hash past the packed limits behaves the same, in table order.
func TestHashLarge(t *testing.T) {
	c := client(t)
	long := strings.Repeat("v", 65)
	mustDo(t, c, int64(3), "HSET", "h", "a", "1", "b", long, "c", "3")
	keys, err := c.Do(ctx, "HKEYS", "h").StringSlice()
	require.NoError(t, err)
	slices.Sort(keys)
	require.Equal(t, []string{"a", "b", "c"}, keys)
	mustDo(t, c, long, "HGET", "h", "b")
	mustDo(t, c, int64(65), "HSTRLEN", "h", "b")
	mustDo(t, c, int64(2), "HDEL", "h", "a", "b")
	mustDo(t, c, []any{"c", "3"}, "HGETALL", "h")
	mustDo(t, c, int64(4), "HINCRBY", "h", "c", "1")
	for i := range 200 {
		mustDo(t, c, int64(1), "HSET", "many", "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	mustDo(t, c, int64(200), "HLEN", "many")
	mustDo(t, c, "199", "HGET", "many", "f199")
	all, err := c.Do(ctx, "HGETALL", "many").StringSlice()
	require.NoError(t, err)
	require.Len(t, all, 400)
	got, err := c.Do(ctx, "HRANDFIELD", "many", "150", "WITHVALUES").StringSlice()
	require.NoError(t, err)
	require.Len(t, got, 300)
	seen := map[string]bool{}
	for i := 0; i < len(got); i += 2 {
		require.False(t, seen[got[i]])
		seen[got[i]] = true
		require.Equal(t, got[i][1:], got[i+1])
	}
}

// COPY makes an independent hash; TTLs survive in-place writes; TYPE and
// RENAME see hashes.
func TestHashKeyCommands(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(2), "HSET", "h", "a", "1", "b", strings.Repeat("x", 70))
	mustDo(t, c, int64(2), "HSET", "small", "a", "1", "b", "2")
	mustDo(t, c, "hash", "TYPE", "h")
	for _, key := range []string{"h", "small"} {
		mustDo(t, c, int64(1), "COPY", key, key+"2")
		mustDo(t, c, int64(0), "HSET", key, "a", "changed")
		mustDo(t, c, "1", "HGET", key+"2", "a")
		mustDo(t, c, int64(1), "HDEL", key+"2", "b")
		mustDo(t, c, int64(2), "HLEN", key)
	}
	mustDo(t, c, int64(1), "PEXPIRE", "h", "100000")
	mustDo(t, c, int64(0), "HSET", "h", "a", "again")
	mustDo(t, c, int64(2), "HINCRBY", "h", "n", "2")
	mustDo(t, c, int64(1), "HDEL", "h", "n")
	ttl, err := c.PTTL(ctx, "h").Result()
	require.NoError(t, err)
	require.Greater(t, ttl.Milliseconds(), int64(90000), "in-place writes keep the TTL")
	mustDo(t, c, "OK", "RENAME", "h", "h3")
	mustDo(t, c, "again", "HGET", "h3", "a")
}
