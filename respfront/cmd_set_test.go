package respfront_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// members runs a command that returns set members and returns them sorted.
func members(t *testing.T, c *redis.Client, args ...any) []string {
	t.Helper()
	got, err := c.Do(ctx, args...).StringSlice()
	require.NoError(t, err, "%v", args)
	slices.Sort(got)
	return got
}

func TestSetAddRem(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "SADD", "s", "3", "1", "2", "1")
	mustDo(t, c, int64(2), "SADD", "s", "10", "-5")
	mustDo(t, c, int64(0), "SADD", "s", "10")
	// Integer sets list their members in ascending order, as Redis's intset.
	mustDo(t, c, []any{"-5", "1", "2", "3", "10"}, "SMEMBERS", "s")
	mustDo(t, c, int64(5), "SCARD", "s")
	mustDo(t, c, int64(0), "SCARD", "nokey")
	mustDo(t, c, int64(1), "SREM", "s", "1", "99", "1")
	mustDo(t, c, int64(0), "SREM", "nokey", "1")
	mustDo(t, c, int64(1), "SISMEMBER", "s", "2")
	mustDo(t, c, int64(0), "SISMEMBER", "s", "02")
	mustDo(t, c, int64(0), "SISMEMBER", "s", "x")
	mustDo(t, c, int64(0), "SISMEMBER", "nokey", "2")
	mustDo(t, c, []any{int64(1), int64(1), int64(0)}, "SMISMEMBER", "s", "2", "3", "x")
	mustDo(t, c, []any{int64(0), int64(0)}, "SMISMEMBER", "nokey", "a", "b")
	mustDo(t, c, []any{}, "SMEMBERS", "nokey")
	// Mixed members.
	mustDo(t, c, int64(4), "SADD", "t", "a", "2", "", "007")
	require.Equal(t, []string{"", "007", "2", "a"}, members(t, c, "SMEMBERS", "t"))
	mustDo(t, c, int64(1), "SISMEMBER", "t", "")
	mustDo(t, c, int64(0), "SISMEMBER", "t", "7")
	// Emptied sets are deleted.
	mustDo(t, c, int64(4), "SREM", "s", "-5", "2", "3", "10")
	mustDo(t, c, int64(1), "HSET", "s", "f", "v")
}

func TestSetArity(t *testing.T) {
	c := client(t)
	for _, args := range [][]any{
		{"SADD", "s"}, {"SREM", "s"}, {"SCARD"}, {"SISMEMBER", "s"}, {"SMISMEMBER", "s"},
		{"SMEMBERS"}, {"SPOP"}, {"SRANDMEMBER"}, {"SMOVE", "a", "b"}, {"SINTER"}, {"SUNION"},
		{"SDIFF"}, {"SINTERSTORE", "d"}, {"SUNIONSTORE", "d"}, {"SDIFFSTORE", "d"},
		{"SINTERCARD", "1"}, {"SSCAN", "s"},
	} {
		mustErr(t, c, "ERR wrong number of arguments for '"+strings.ToLower(args[0].(string))+"' command", args...)
	}
	mustErr(t, c, "ERR syntax error", "SPOP", "s", "1", "2")
	mustErr(t, c, "ERR syntax error", "SRANDMEMBER", "s", "1", "2")
}

func TestSetPop(t *testing.T) {
	c := client(t)
	mustNil(t, c, "SPOP", "nokey")
	mustDo(t, c, []any{}, "SPOP", "nokey", "0")
	mustDo(t, c, []any{}, "SPOP", "nokey", "2")
	for _, bad := range []string{"x", "-1", "1.5", "01"} {
		mustErr(t, c, "ERR value is out of range, must be positive", "SPOP", "nokey", bad)
	}
	all := []string{"1", "2", "3", "4", "5", "6", "7", "8", "a", "b"}
	args := []any{"SADD", "s"}
	for _, m := range all {
		args = append(args, m)
	}
	mustDo(t, c, int64(len(all)), args...)
	mustDo(t, c, []any{}, "SPOP", "s", "0")
	var popped []string
	one, err := c.Do(ctx, "SPOP", "s").Text()
	require.NoError(t, err)
	popped = append(popped, one)
	for _, n := range []int{1, 3, 4} {
		got, err := c.Do(ctx, "SPOP", "s", n).StringSlice()
		require.NoError(t, err)
		require.Len(t, got, n)
		popped = append(popped, got...)
	}
	rest := members(t, c, "SPOP", "s", "100")
	require.Len(t, rest, 1)
	popped = append(popped, rest...)
	slices.Sort(popped)
	want := slices.Clone(all)
	slices.Sort(want)
	require.Equal(t, want, popped, "every member popped exactly once")
	mustDo(t, c, int64(0), "SCARD", "s")
	mustNil(t, c, "SPOP", "s")
	// The last member popped without a count deletes the key too.
	mustDo(t, c, int64(1), "SADD", "one", "x")
	mustDo(t, c, "x", "SPOP", "one")
	mustDo(t, c, "OK", "SET", "one", "v")
}

func TestSetRandMember(t *testing.T) {
	c := client(t)
	mustNil(t, c, "SRANDMEMBER", "nokey")
	mustDo(t, c, []any{}, "SRANDMEMBER", "nokey", "3")
	mustDo(t, c, []any{}, "SRANDMEMBER", "nokey", "-3")
	mustErr(t, c, "ERR value is not an integer or out of range", "SRANDMEMBER", "nokey", "x")
	mustErr(t, c, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
		"SRANDMEMBER", "nokey", "-9223372036854775808")
	mustDo(t, c, int64(4), "SADD", "s", "4", "3", "2", "1")
	mustDo(t, c, []any{}, "SRANDMEMBER", "s", "0")
	mustDo(t, c, []any{"1", "2", "3", "4"}, "SRANDMEMBER", "s", "100")
	in := map[string]bool{"1": true, "2": true, "3": true, "4": true}
	for range 20 {
		one, err := c.Do(ctx, "SRANDMEMBER", "s").Text()
		require.NoError(t, err)
		require.True(t, in[one])
		got, err := c.Do(ctx, "SRANDMEMBER", "s", "3").StringSlice()
		require.NoError(t, err)
		require.Len(t, got, 3)
		require.Len(t, slices.Compact(slices.Sorted(slices.Values(got))), 3, "distinct")
		got, err = c.Do(ctx, "SRANDMEMBER", "s", "-9").StringSlice()
		require.NoError(t, err)
		require.Len(t, got, 9)
		for _, m := range got {
			require.True(t, in[m])
		}
	}
	mustDo(t, c, int64(4), "SCARD", "s")
}

func TestSetMove(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "str", "v")
	mustDo(t, c, int64(3), "SADD", "a", "1", "2", "x")
	mustDo(t, c, int64(1), "SADD", "b", "9")
	mustDo(t, c, int64(1), "SMOVE", "a", "b", "1")
	mustDo(t, c, int64(0), "SMOVE", "a", "b", "1")
	mustDo(t, c, int64(0), "SMOVE", "nokey", "b", "1")
	mustDo(t, c, int64(0), "SMOVE", "nokey", "str", "1")
	mustErr(t, c, wrongType, "SMOVE", "a", "str", "2")
	mustErr(t, c, wrongType, "SMOVE", "str", "a", "2")
	mustDo(t, c, int64(1), "SMOVE", "a", "a", "2")
	mustDo(t, c, int64(0), "SMOVE", "a", "a", "nope")
	mustDo(t, c, int64(1), "SMOVE", "a", "new", "2")
	mustDo(t, c, int64(1), "SMOVE", "a", "new", "x")
	mustDo(t, c, int64(0), "SCARD", "a")
	require.Equal(t, []string{"2", "x"}, members(t, c, "SMEMBERS", "new"))
	mustDo(t, c, []any{"1", "9"}, "SMEMBERS", "b")
}

func TestSetAlgebra(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(4), "SADD", "a", "1", "2", "3", "4")
	mustDo(t, c, int64(3), "SADD", "b", "3", "4", "5")
	mustDo(t, c, int64(3), "SADD", "c", "x", "y", "3")
	mustDo(t, c, "OK", "SET", "str", "v")
	mustDo(t, c, []any{"3", "4"}, "SINTER", "a", "b")
	mustDo(t, c, []any{"3"}, "SINTER", "a", "b", "c")
	mustDo(t, c, []any{}, "SINTER", "a", "nokey")
	mustDo(t, c, []any{"1", "2", "3", "4", "5"}, "SUNION", "a", "b")
	require.Equal(t, []string{"1", "2", "3", "4", "x", "y"}, members(t, c, "SUNION", "a", "c", "nokey"))
	mustDo(t, c, []any{"1", "2"}, "SDIFF", "a", "b")
	mustDo(t, c, []any{"1", "2"}, "SDIFF", "a", "nokey", "b")
	mustDo(t, c, []any{}, "SDIFF", "nokey", "a")
	mustDo(t, c, []any{}, "SDIFF", "a", "a")
	require.Equal(t, []string{"x", "y"}, members(t, c, "SDIFF", "c", "a"))
	for _, cmd := range []string{"SINTER", "SUNION", "SDIFF"} {
		mustErr(t, c, wrongType, cmd, "a", "str")
		mustErr(t, c, wrongType, cmd, "nokey", "str")
		mustErr(t, c, wrongType, cmd+"STORE", "d", "nokey", "str")
	}

	mustDo(t, c, int64(2), "SINTERSTORE", "d", "a", "b")
	mustDo(t, c, []any{"3", "4"}, "SMEMBERS", "d")
	mustDo(t, c, int64(0), "SINTERSTORE", "d", "a", "nokey")
	mustDo(t, c, int64(1), "HSET", "d", "f", "v") // d was deleted
	mustDo(t, c, int64(7), "SUNIONSTORE", "d", "a", "b", "c")
	mustDo(t, c, int64(2), "SDIFFSTORE", "d", "a", "b")
	mustDo(t, c, []any{"1", "2"}, "SMEMBERS", "d")
	mustDo(t, c, int64(5), "SUNIONSTORE", "a", "a", "b")
	mustDo(t, c, []any{"1", "2", "3", "4", "5"}, "SMEMBERS", "a")
	// The destination's old value of any kind is replaced.
	mustDo(t, c, int64(3), "SINTERSTORE", "str", "b", "a")
	mustErr(t, c, wrongType, "GET", "str")
	mustDo(t, c, "OK", "SET", "str", "v")
	mustDo(t, c, int64(0), "SUNIONSTORE", "str", "nokey")
	mustNil(t, c, "GET", "str")
}

func TestSetInterCard(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(4), "SADD", "a", "1", "2", "3", "4")
	mustDo(t, c, int64(3), "SADD", "b", "3", "4", "5")
	mustDo(t, c, "OK", "SET", "str", "v")
	mustDo(t, c, int64(4), "SINTERCARD", "1", "a")
	mustDo(t, c, int64(2), "SINTERCARD", "2", "a", "b")
	mustDo(t, c, int64(1), "SINTERCARD", "2", "a", "b", "LIMIT", "1")
	mustDo(t, c, int64(2), "SINTERCARD", "2", "a", "b", "limit", "0")
	mustDo(t, c, int64(2), "SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "5")
	mustDo(t, c, int64(0), "SINTERCARD", "2", "a", "nokey")
	for _, bad := range []string{"0", "-1", "x"} {
		mustErr(t, c, "ERR numkeys should be greater than 0", "SINTERCARD", bad, "a")
	}
	mustErr(t, c, "ERR Number of keys can't be greater than number of args", "SINTERCARD", "3", "a", "b")
	mustErr(t, c, "ERR Number of keys can't be greater than number of args", "SINTERCARD", "9223372036854775807", "a")
	mustErr(t, c, "ERR LIMIT can't be negative", "SINTERCARD", "2", "a", "b", "LIMIT", "-1")
	mustErr(t, c, "ERR LIMIT can't be negative", "SINTERCARD", "2", "a", "b", "LIMIT", "x")
	mustErr(t, c, "ERR syntax error", "SINTERCARD", "2", "a", "b", "foo")
	mustErr(t, c, "ERR syntax error", "SINTERCARD", "2", "a", "b", "LIMIT")
	mustErr(t, c, wrongType, "SINTERCARD", "2", "nokey", "str")
	mustErr(t, c, "ERR syntax error", "SINTERCARD", "1", "str", "foo")
}

func TestSetScan(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(4), "SADD", "i", "30", "10", "20", "15")
	mustDo(t, c, []any{"0", []any{"10", "15", "20", "30"}}, "SSCAN", "i", "0")
	mustDo(t, c, []any{"0", []any{"10", "15", "20", "30"}}, "SSCAN", "i", "99", "COUNT", "1")
	mustDo(t, c, []any{"0", []any{"10", "15"}}, "SSCAN", "i", "0", "MATCH", "1*")
	mustDo(t, c, []any{"0", []any{}}, "SSCAN", "nokey", "0")
	mustErr(t, c, "ERR invalid cursor", "SSCAN", "i", "x")
	mustErr(t, c, "ERR syntax error", "SSCAN", "i", "0", "COUNT", "0")
	mustErr(t, c, "ERR syntax error", "SSCAN", "i", "0", "foo")

	args := []any{"SADD", "big"}
	for i := range 1000 {
		args = append(args, "m"+strconv.Itoa(i))
	}
	mustDo(t, c, int64(1000), args...)
	for _, opts := range [][]any{{}, {"COUNT", "1"}, {"COUNT", "50"}, {"MATCH", "m1*", "COUNT", "20"}} {
		seen := map[string]bool{}
		cursor := "0"
		for calls := 0; ; calls++ {
			require.Less(t, calls, 100000)
			res, err := c.Do(ctx, append([]any{"SSCAN", "big", cursor}, opts...)...).Slice()
			require.NoError(t, err)
			for _, m := range res[1].([]any) {
				seen[m.(string)] = true
			}
			if cursor = res[0].(string); cursor == "0" {
				break
			}
		}
		want := 1000
		if len(opts) > 0 && opts[0] == "MATCH" {
			want = 111 // m1, m10-m19, m100-m199
		}
		require.Len(t, seen, want, "%v", opts)
	}
}

func TestSetWrongType(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "s", "v")
	for _, args := range [][]any{
		{"SADD", "s", "a"}, {"SREM", "s", "a"}, {"SCARD", "s"}, {"SISMEMBER", "s", "a"},
		{"SMISMEMBER", "s", "a"}, {"SMEMBERS", "s"}, {"SPOP", "s"}, {"SPOP", "s", "0"},
		{"SRANDMEMBER", "s"}, {"SRANDMEMBER", "s", "0"}, {"SINTER", "s"}, {"SUNION", "s"},
		{"SDIFF", "s"}, {"SINTERCARD", "1", "s"}, {"SSCAN", "s", "0"}, {"SMOVE", "s", "s", "a"},
	} {
		mustErr(t, c, wrongType, args...)
	}
	mustErr(t, c, "ERR value is out of range, must be positive", "SPOP", "s", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "SRANDMEMBER", "s", "x")
	mustErr(t, c, "ERR invalid cursor", "SSCAN", "s", "x")
	mustDo(t, c, "v", "GET", "s")
	mustDo(t, c, int64(1), "SADD", "set", "a")
	mustErr(t, c, wrongType, "GET", "set")
	mustErr(t, c, wrongType, "HSET", "set", "f", "v")
	mustErr(t, c, wrongType, "RPUSH", "set", "x")
}

func TestSetRESP3(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	require.Contains(t, r.Do("HELLO", "3"), "proto")
	require.Equal(t, ":4\r\n", r.Do("SADD", "a", "1", "2", "3", "4"))
	require.Equal(t, ":3\r\n", r.Do("SADD", "b", "3", "4", "5"))
	require.Equal(t, "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", r.Do("SMEMBERS", "a"))
	require.Equal(t, "~0\r\n", r.Do("SMEMBERS", "nokey"))
	require.Equal(t, "~2\r\n$1\r\n3\r\n$1\r\n4\r\n", r.Do("SINTER", "a", "b"))
	require.Equal(t, "~0\r\n", r.Do("SINTER", "a", "nokey"))
	require.Equal(t, "~5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", r.Do("SUNION", "a", "b"))
	require.Equal(t, "~2\r\n$1\r\n1\r\n$1\r\n2\r\n", r.Do("SDIFF", "a", "b"))
	require.Equal(t, "*2\r\n:1\r\n:0\r\n", r.Do("SMISMEMBER", "a", "1", "9"))
	require.Equal(t, ":1\r\n", r.Do("SISMEMBER", "a", "1"), "an integer, not a boolean")
	require.Equal(t, "~0\r\n", r.Do("SPOP", "a", "0"))
	require.Equal(t, "~0\r\n", r.Do("SPOP", "nokey", "2"))
	require.Equal(t, "_\r\n", r.Do("SPOP", "nokey"))
	require.Equal(t, "*0\r\n", r.Do("SRANDMEMBER", "a", "0"))
	require.Equal(t, "*0\r\n", r.Do("SRANDMEMBER", "nokey", "2"))
	require.Equal(t, "_\r\n", r.Do("SRANDMEMBER", "nokey"))
	require.Equal(t, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", r.Do("SRANDMEMBER", "a", "10"), "an array, not a set")
	require.Equal(t, "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", r.Do("SSCAN", "a", "0"))
	require.Regexp(t, `^~1\r\n\$1\r\n[345]\r\n$`, r.Do("SPOP", "b", "1"))
	require.Regexp(t, `^~2\r\n(\$1\r\n[345]\r\n){2}$`, r.Do("SPOP", "b", "5"))
}

// TestSetWatch: set writes dirty WATCHed keys; reads and writes that change
// nothing do not.
func TestSetWatch(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	other := testutil.Client(t, addr, 2)
	for _, tc := range []struct {
		args  []any
		dirty bool
	}{
		{[]any{"SADD", "s", "new"}, true},
		{[]any{"SADD", "s", "a"}, false},
		{[]any{"SREM", "s", "b"}, true},
		{[]any{"SREM", "s", "nope"}, false},
		{[]any{"SPOP", "s"}, true},
		{[]any{"SPOP", "s", "0"}, false},
		{[]any{"SMOVE", "s", "o", "a"}, true},
		{[]any{"SMOVE", "o", "s", "o1"}, true},
		{[]any{"SMOVE", "s", "o", "nope"}, false},
		{[]any{"SINTERSTORE", "s", "o"}, true},
		{[]any{"SDIFFSTORE", "s", "nokey"}, true},
		{[]any{"SMEMBERS", "s"}, false},
		{[]any{"SRANDMEMBER", "s", "-3"}, false},
		{[]any{"SUNIONSTORE", "other", "s"}, false},
	} {
		require.NoError(t, c.Do(ctx, "SADD", "s", "a", "b", "c").Err())
		require.NoError(t, c.Do(ctx, "SADD", "o", "o1", "o2").Err())
		mustDo(t, c, "OK", "WATCH", "s")
		mustDo(t, c, "OK", "MULTI")
		mustDo(t, c, "QUEUED", "SCARD", "s")
		_, err := other.Do(ctx, tc.args...).Result()
		if err != redis.Nil {
			require.NoError(t, err, "%v", tc.args)
		}
		got, err := c.Do(ctx, "EXEC").Result()
		if tc.dirty {
			require.ErrorIs(t, err, redis.Nil, "%v should dirty the watched key", tc.args)
		} else {
			require.NoError(t, err, "%v should not dirty the watched key", tc.args)
			require.Len(t, got, 1)
		}
	}
}

// TestSetLarge: a set past the intset limits keeps working in table order.
func TestSetLarge(t *testing.T) {
	c := client(t)
	args := []any{"SADD", "s"}
	for i := range 600 {
		args = append(args, strconv.Itoa(i))
	}
	mustDo(t, c, int64(600), args...)
	mustDo(t, c, int64(600), "SCARD", "s")
	got := members(t, c, "SMEMBERS", "s")
	require.Len(t, got, 600)
	mustDo(t, c, int64(1), "SISMEMBER", "s", "599")
	rnd, err := c.Do(ctx, "SRANDMEMBER", "s", "300").StringSlice()
	require.NoError(t, err)
	require.Len(t, slices.Compact(slices.Sorted(slices.Values(rnd))), 300)
	popped, err := c.Do(ctx, "SPOP", "s", "590").StringSlice()
	require.NoError(t, err)
	require.Len(t, popped, 590)
	left := members(t, c, "SMEMBERS", "s")
	require.Len(t, left, 10)
	all := append(popped, left...)
	slices.Sort(all)
	require.Len(t, slices.Compact(all), 600)
}

// TestHashSetAOF writes hashes and sets (including the random SPOP and the
// floating point HINCRBYFLOAT, which the AOF records in a deterministic
// form), rewrites the AOF halfway, restarts on the same directory and
// finds the same data.
func TestHashSetAOF(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", "always"})
	c := testutil.Client(t, s.RESPAddr(), 2)
	do := func(args ...any) {
		t.Helper()
		err := c.Do(ctx, args...).Err()
		if err != redis.Nil {
			require.NoError(t, err, "%v", args)
		}
	}
	write := func(round int) {
		r := strconv.Itoa(round)
		do("HSET", "h"+r, "a", "1", "b", "2", "c", "3")
		do("HINCRBYFLOAT", "h"+r, "f", "0.1")
		do("HINCRBYFLOAT", "h"+r, "f", "10.6")
		do("HINCRBY", "h"+r, "a", "41")
		do("HDEL", "h"+r, "b")
		do("HSETNX", "h"+r, "n", "x")
		big := []any{"HSET", "big" + r}
		for i := range 150 {
			big = append(big, "f"+strconv.Itoa(i), strings.Repeat("v", i%70))
		}
		do(big...)
		do("SADD", "i"+r, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
		do("SADD", "m"+r, "a", "b", "c", "d", "e", "1", "2")
		do("SPOP", "i"+r)
		do("SPOP", "i"+r, "2")
		do("SPOP", "m"+r, "6")
		do("SPOP", "gone"+r, "1")
		do("SADD", "whole"+r, "x", "y")
		do("SPOP", "whole"+r, "5")
		do("SMOVE", "i"+r, "moved"+r, "10")
		do("SINTERSTORE", "inter"+r, "i"+r, "i"+r)
		do("SUNIONSTORE", "union"+r, "i"+r, "m"+r)
		do("PEXPIRE", "union"+r, "3600000")
		do("HINCRBYFLOAT", "ex"+r, "f", "2.5")
		do("PEXPIRE", "ex"+r, "3600000")
		do("HINCRBYFLOAT", "ex"+r, "f", "1")
	}
	write(1)
	require.Equal(t, "Background append only file rewriting started", c.Do(ctx, "BGREWRITEAOF").Val())
	require.Eventually(t, func() bool {
		info := c.Do(ctx, "INFO", "persistence").String()
		return strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_last_bgrewrite_status:ok")
	}, 10*time.Second, 5*time.Millisecond)
	write(2)

	keys := []string{}
	for _, r := range []string{"1", "2"} {
		for _, k := range []string{"h", "big", "i", "m", "gone", "whole", "moved", "inter", "union", "ex"} {
			keys = append(keys, k+r)
		}
	}
	dump := func(c *redis.Client) map[string]string {
		out := map[string]string{}
		for _, k := range keys {
			typ := c.Type(ctx, k).Val()
			var content []string
			switch typ {
			case "hash":
				for f, v := range c.HGetAll(ctx, k).Val() {
					content = append(content, f+"="+v)
				}
			case "set":
				content = c.SMembers(ctx, k).Val()
			}
			slices.Sort(content)
			ttl := c.PTTL(ctx, k).Val() > 0
			out[k] = typ + " ttl=" + strconv.FormatBool(ttl) + " " + strings.Join(content, ",")
		}
		return out
	}
	before := dump(c)
	require.Equal(t, "none ttl=false ", before["whole1"])
	require.Contains(t, before["h2"], "f=10.7")
	require.Contains(t, before["ex1"], "ttl=true")
	c.Close()
	shutdownCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, s.Shutdown(shutdownCtx))

	s2 := testutil.StartSwitchyard(t, []string{"dir", dir})
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	require.Equal(t, before, dump(c2))
}

// COPY makes an independent set; TTLs survive in-place writes and are
// dropped by the STORE commands, as in Redis.
func TestSetKeyCommands(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(3), "SADD", "i", "1", "2", "3")
	mustDo(t, c, int64(2), "SADD", "m", "a", "b")
	mustDo(t, c, "set", "TYPE", "i")
	for _, key := range []string{"i", "m"} {
		mustDo(t, c, int64(1), "COPY", key, key+"2")
		mustDo(t, c, int64(1), "SADD", key, "new")
		mustDo(t, c, int64(0), "SISMEMBER", key+"2", "new")
	}
	mustDo(t, c, []any{"1", "2", "3"}, "SMEMBERS", "i2")
	mustDo(t, c, int64(1), "PEXPIRE", "m", "100000")
	mustDo(t, c, int64(1), "SADD", "m", "c")
	mustDo(t, c, int64(1), "SREM", "m", "a")
	_, _ = c.Do(ctx, "SPOP", "m").Result()
	ttl, err := c.PTTL(ctx, "m").Result()
	require.NoError(t, err)
	require.Greater(t, ttl.Milliseconds(), int64(90000), "in-place writes keep the TTL")
	mustDo(t, c, int64(3), "SUNIONSTORE", "m", "i2")
	mustDo(t, c, int64(-1), "PTTL", "m")
}
