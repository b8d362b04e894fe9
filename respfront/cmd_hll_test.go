package respfront_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

const (
	errNotHLL  = "WRONGTYPE Key is not a valid HyperLogLog string value."
	errCorrupt = "INVALIDOBJ Corrupted HLL object detected"
	// emptyHLL is an empty sparse HLL with its cache marked invalid, as
	// PFADD key creates it.
	emptyHLL = "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"
)

func TestPFAdd(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(1), "PFADD", "h")
	mustDo(t, c, emptyHLL, "GET", "h")
	mustDo(t, c, int64(0), "PFADD", "h")
	mustDo(t, c, int64(1), "PFADD", "h", "a", "b", "c")
	mustDo(t, c, int64(0), "PFADD", "h", "a", "b")
	mustDo(t, c, int64(1), "PFADD", "h", "a", "d")
	// The exact bytes redis-server 7.0 builds for these elements.
	mustDo(t, c, int64(1), "PFADD", "abc", "a", "b", "c")
	mustDo(t, c, "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a", "GET", "abc")
	mustDo(t, c, "string", "TYPE", "abc")

	mustDo(t, c, "OK", "SET", "s", "not an hll")
	mustErr(t, c, errNotHLL, "PFADD", "s", "a")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "PFADD", "l", "a")
	mustErr(t, c, "ERR wrong number of arguments for 'pfadd' command", "PFADD")

	// PFADD keeps the TTL.
	mustDo(t, c, int64(1), "EXPIRE", "h", "100")
	mustDo(t, c, int64(1), "PFADD", "h", "zz")
	mustDo(t, c, int64(100), "TTL", "h")
}

func TestPFCount(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(0), "PFCOUNT", "missing")
	mustDo(t, c, int64(1), "PFADD", "a", "1", "2", "3")
	mustDo(t, c, int64(1), "PFADD", "b", "3", "4", "5", "6")
	mustDo(t, c, int64(3), "PFCOUNT", "a")
	mustDo(t, c, int64(4), "PFCOUNT", "b")
	mustDo(t, c, int64(6), "PFCOUNT", "a", "b", "missing")
	mustDo(t, c, int64(6), "PFCOUNT", "a", "b", "a")

	// One key stores the cardinality in the value (little endian, bit 7 of
	// byte 15 clear); many keys do not.
	v, err := c.Do(ctx, "GET", "a").Text()
	require.NoError(t, err)
	require.Equal(t, "\x03\x00\x00\x00\x00\x00\x00\x00", v[8:16])
	v, _ = c.Do(ctx, "GET", "b").Text()
	require.Equal(t, "\x04\x00\x00\x00\x00\x00\x00\x00", v[8:16])
	mustDo(t, c, int64(1), "PFADD", "b", "7")
	v, _ = c.Do(ctx, "GET", "b").Text()
	require.Equal(t, byte(0x80), v[15]&0x80)
	mustDo(t, c, int64(7), "PFCOUNT", "a", "b")
	v, _ = c.Do(ctx, "GET", "b").Text()
	require.Equal(t, byte(0x80), v[15]&0x80)

	// A valid cache is trusted as it is.
	_, err = c.Do(ctx, "SETRANGE", "a", "8", "\x2a\x00\x00\x00\x00\x00\x00\x00").Result()
	require.NoError(t, err)
	mustDo(t, c, int64(42), "PFCOUNT", "a")

	// The error bound: 1.04/sqrt(16384), about 0.81%; allow 3%.
	for i := 0; i < 100; i++ {
		args := []any{"PFADD", "big"}
		for j := 0; j < 1000; j++ {
			args = append(args, fmt.Sprintf("user:%d:%d", i, j))
		}
		_, err := c.Do(ctx, args...).Result()
		require.NoError(t, err)
	}
	n, err := c.Do(ctx, "PFCOUNT", "big").Int64()
	require.NoError(t, err)
	require.InDelta(t, 100000, n, 3000)

	mustDo(t, c, "OK", "SET", "s", "HYLL")
	mustErr(t, c, errNotHLL, "PFCOUNT", "s")
	mustErr(t, c, errNotHLL, "PFCOUNT", "a", "s")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "PFCOUNT", "l")
	mustErr(t, c, strWrongType, "PFCOUNT", "a", "l")

	// Opcodes covering 16383 registers: corrupt.
	mustDo(t, c, "OK", "SET", "bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe")
	mustErr(t, c, errCorrupt, "PFCOUNT", "bad")
	mustErr(t, c, errCorrupt, "PFCOUNT", "bad", "a")
	mustErr(t, c, "ERR wrong number of arguments for 'pfcount' command", "PFCOUNT")
}

func TestPFMerge(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(1), "PFADD", "a", "1", "2", "3")
	mustDo(t, c, int64(1), "PFADD", "b", "3", "4")
	mustDo(t, c, "OK", "PFMERGE", "m", "a", "b", "missing")
	mustDo(t, c, int64(4), "PFCOUNT", "m")
	mustDo(t, c, "OK", "PFMERGE", "m") // the destination is one of the inputs
	mustDo(t, c, int64(4), "PFCOUNT", "m")
	mustDo(t, c, "OK", "PFMERGE", "empty")
	mustDo(t, c, emptyHLL, "GET", "empty")

	mustDo(t, c, "OK", "SET", "s", "x")
	mustErr(t, c, errNotHLL, "PFMERGE", "m", "s")
	mustErr(t, c, errNotHLL, "PFMERGE", "s", "a")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "PFMERGE", "m", "l")
	mustErr(t, c, strWrongType, "PFMERGE", "l")
	mustDo(t, c, "OK", "SET", "bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe")
	mustErr(t, c, errCorrupt, "PFMERGE", "new", "bad")
	mustDo(t, c, int64(0), "EXISTS", "new")
	mustErr(t, c, "ERR wrong number of arguments for 'pfmerge' command", "PFMERGE")
}

func TestPFDebug(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(1), "PFADD", "h", "a", "b", "c")
	mustDo(t, c, "sparse", "PFDEBUG", "ENCODING", "h")
	dec, err := c.Do(ctx, "PFDEBUG", "DECODE", "h").Text()
	require.NoError(t, err)
	require.Equal(t, 3, strings.Count(dec, "v:"), dec)
	regs, err := c.Do(ctx, "PFDEBUG", "GETREG", "h").Slice()
	require.NoError(t, err)
	require.Len(t, regs, 16384)
	mustDo(t, c, "dense", "PFDEBUG", "encoding", "h") // GETREG converted it
	mustErr(t, c, "ERR HLL encoding is not sparse", "PFDEBUG", "DECODE", "h")
	mustDo(t, c, int64(0), "PFDEBUG", "TODENSE", "h")
	mustDo(t, c, int64(1), "PFADD", "h2", "x")
	mustDo(t, c, int64(1), "PFDEBUG", "TODENSE", "h2")
	v, _ := c.Do(ctx, "GET", "h2").Text()
	require.Len(t, v, 12304)
	mustDo(t, c, int64(1), "PFCOUNT", "h2")

	mustErr(t, c, "ERR The specified key does not exist", "PFDEBUG", "ENCODING", "missing")
	mustErr(t, c, "ERR Unknown PFDEBUG subcommand 'foo'", "PFDEBUG", "foo", "h")
	mustErr(t, c, "ERR The specified key does not exist", "PFDEBUG", "foo", "missing") // the key first
	mustDo(t, c, "OK", "SET", "s", "x")
	mustErr(t, c, errNotHLL, "PFDEBUG", "ENCODING", "s")
	mustErr(t, c, "ERR wrong number of arguments for 'pfdebug' command", "PFDEBUG", "GETREG")
}

// TestPFPromotion adds elements one at a time until the sparse value would
// pass hll-sparse-max-bytes (3000) and becomes dense (12304 bytes).
func TestPFPromotion(t *testing.T) {
	c := client(t)
	last := 0
	for i := 0; ; i++ {
		_, err := c.Do(ctx, "PFADD", "h", fmt.Sprint("e", i)).Result()
		require.NoError(t, err)
		n, err := c.Do(ctx, "STRLEN", "h").Int64()
		require.NoError(t, err)
		if n == 12304 {
			require.Greater(t, last, 2900)
			mustDo(t, c, "dense", "PFDEBUG", "ENCODING", "h")
			break
		}
		require.LessOrEqual(t, n, int64(3000))
		last = int(n)
		require.Less(t, i, 5000)
	}
}

// TestPFWatch: PFADD that changes a register, and PFCOUNT that stores a
// recomputed cardinality, break a WATCH; a PFADD that changes nothing does
// not.
func TestPFWatch(t *testing.T) {
	addr := start(t)
	c1, c2 := testutil.DialRaw(t, addr), testutil.DialRaw(t, addr)
	exec := func(change ...string) string {
		require.Equal(t, "+OK\r\n", c1.Do("WATCH", "h"))
		c2.Do(change...)
		c1.Do("MULTI")
		c1.Do("PING")
		return c1.Do("EXEC")
	}
	require.Equal(t, "*-1\r\n", exec("PFADD", "h", "a"))
	require.Equal(t, "*1\r\n+PONG\r\n", exec("PFADD", "h", "a"))
	require.Equal(t, "*-1\r\n", exec("PFCOUNT", "h"))
	require.Equal(t, "*1\r\n+PONG\r\n", exec("PFCOUNT", "h")) // the cache is valid now
	require.Equal(t, "*1\r\n+PONG\r\n", exec("PFCOUNT", "h", "x"))
	require.Equal(t, "*-1\r\n", exec("PFMERGE", "h"))
}

// TestPFAOFRestart replays the AOF after bitmap and HLL writes (including
// a transaction that changes in place a value it has just SET, PFCOUNT's
// cached cardinality and PFDEBUG's conversion to dense) and finds every
// value byte for byte.
func TestPFAOFRestart(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", "always"})
	c := testutil.Client(t, s.RESPAddr(), 2)
	for _, cmd := range [][]any{
		{"SETBIT", "b", "100", "1"},
		{"BITFIELD", "bf", "SET", "u8", "0", "200", "INCRBY", "i5", "3", "7"},
		{"BITOP", "XOR", "x", "b", "bf"},
		{"PFADD", "h", "a", "b", "c"},
		{"PFCOUNT", "h"},
		{"PFADD", "d", "x", "y"},
		{"PFDEBUG", "TODENSE", "d"},
		{"PFADD", "g", "q"},
		{"PFDEBUG", "GETREG", "g"},
		{"PFMERGE", "m", "h", "d"},
	} {
		require.NoError(t, c.Do(ctx, cmd...).Err(), "%v", cmd)
	}
	pipe := c.TxPipeline()
	pipe.Set(ctx, "t", "\x00", 0)
	pipe.Do(ctx, "BITFIELD", "t", "INCRBY", "u8", "0", "1")
	pipe.Do(ctx, "SETBIT", "t", "0", "1")
	pipe.Set(ctx, "th", emptyHLL, 0)
	pipe.Do(ctx, "PFADD", "th", "a")
	pipe.Do(ctx, "PFCOUNT", "th")
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)

	keys := []string{"b", "bf", "x", "h", "d", "g", "m", "t", "th"}
	before := map[string]string{}
	for _, k := range keys {
		before[k] = c.Get(ctx, k).Val()
	}
	require.Equal(t, "\x81", before["t"])
	c.Close()
	require.NoError(t, s.Shutdown(ctx))

	s2 := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", "always"})
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	for _, k := range keys {
		require.Equal(t, before[k], c2.Get(ctx, k).Val(), "key %q", k)
	}
}
