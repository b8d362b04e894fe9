package respfront_test

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/server"
	"github.com/switchyard/switchyard/internal/testutil"
)

const strWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

// stringServer starts a server and returns a RESP2 client and the server,
// whose engine the tests use to read TTLs and to plant keys of other kinds.
func stringServer(t *testing.T) (*redis.Client, *server.Server) {
	t.Helper()
	s := testutil.StartSwitchyard(t)
	return testutil.Client(t, s.RESPAddr(), 2), s
}

// plantList stores a one-element list at key in db 0.
func plantList(s *server.Server, key string) {
	s.Engine.Exec(func(tx *broker.Tx) {
		o := broker.NewListObject()
		o.List.PushRight([]byte("a"))
		tx.DB(0).Set(key, o, false)
	})
}

// expireAt returns key's expiry in Unix ms (0: none), or -1 if key is missing.
func expireAt(s *server.Server, key string) int64 {
	at := int64(-1)
	s.Engine.Exec(func(tx *broker.Tx) {
		if o := tx.DB(0).Lookup(key); o != nil {
			at = o.ExpireAt()
		}
	})
	return at
}

// requireTTL requires key to expire between lo and hi ms from now.
func requireTTL(t *testing.T, s *server.Server, key string, lo, hi int64) {
	t.Helper()
	at := expireAt(s, key)
	require.NotEqual(t, int64(-1), at, "key %q missing", key)
	require.NotZero(t, at, "key %q has no TTL", key)
	ttl := at - time.Now().UnixMilli()
	require.True(t, ttl > lo && ttl <= hi, "ttl of %q is %d ms, want (%d, %d]", key, ttl, lo, hi)
}

func TestStringGetSet(t *testing.T) {
	c, s := stringServer(t)
	mustNil(t, c, "GET", "k")
	mustDo(t, c, "OK", "SET", "k", "v")
	mustDo(t, c, "v", "GET", "k")
	mustDo(t, c, "OK", "SET", "k", "")
	mustDo(t, c, "", "GET", "k")
	mustDo(t, c, "OK", "SET", "", "empty key")
	mustDo(t, c, "empty key", "GET", "")
	bin := "a\x00b\r\nc"
	mustDo(t, c, "OK", "SET", bin, bin)
	mustDo(t, c, bin, "GET", bin)
	mustErr(t, c, "ERR wrong number of arguments for 'get' command", "GET")
	mustErr(t, c, "ERR wrong number of arguments for 'get' command", "GET", "a", "b")
	mustErr(t, c, "ERR wrong number of arguments for 'set' command", "SET", "k")

	plantList(s, "l")
	mustErr(t, c, strWrongType, "GET", "l")
	mustDo(t, c, "OK", "SET", "l", "now a string") // SET replaces any kind
	mustDo(t, c, "now a string", "GET", "l")
}

func TestSetOptions(t *testing.T) {
	c, s := stringServer(t)
	// NX / XX.
	mustNil(t, c, "SET", "k", "v", "XX")
	mustDo(t, c, "OK", "SET", "k", "v", "nx")
	mustNil(t, c, "SET", "k", "v2", "NX")
	mustDo(t, c, "v", "GET", "k")
	mustDo(t, c, "OK", "SET", "k", "v2", "XX")
	mustDo(t, c, "v2", "GET", "k")
	mustNil(t, c, "SET", "k", "v3", "NX", "nx") // repeats are fine
	mustDo(t, c, "OK", "SET", "k", "v2", "XX", "xx")
	mustErr(t, c, "ERR syntax error", "SET", "k", "v", "NX", "XX")
	mustErr(t, c, "ERR syntax error", "SET", "k", "v", "XX", "NX")

	// GET: old value, null when missing, with NX (allowed in 7.0) and XX.
	mustDo(t, c, "v2", "SET", "k", "v3", "GET")
	mustDo(t, c, "v3", "GET", "k")
	mustNil(t, c, "SET", "new", "x", "GET")
	mustDo(t, c, "x", "GET", "new")
	mustDo(t, c, "v3", "SET", "k", "ignored", "NX", "GET")
	mustDo(t, c, "v3", "GET", "k")
	mustNil(t, c, "SET", "k2", "v", "NX", "GET")
	mustDo(t, c, "v", "GET", "k2")
	mustNil(t, c, "SET", "k3", "v", "XX", "GET")
	mustNil(t, c, "GET", "k3")
	mustDo(t, c, "v3", "SET", "k", "v4", "xx", "get", "get")
	plantList(s, "l")
	mustErr(t, c, strWrongType, "SET", "l", "v", "GET")
	mustErr(t, c, strWrongType, "SET", "l", "v", "NX", "GET")
	mustErr(t, c, strWrongType, "SET", "l", "v", "XX", "GET")
	mustNil(t, c, "SET", "l", "v", "NX")
	mustDo(t, c, "OK", "SET", "l", "v", "XX")
	mustDo(t, c, "v", "GET", "l")

	// Expire options.
	mustDo(t, c, "OK", "SET", "ex", "v", "EX", "100")
	requireTTL(t, s, "ex", 99000, 100000)
	mustDo(t, c, "OK", "SET", "px", "v", "px", "5000")
	requireTTL(t, s, "px", 4000, 5000)
	at := time.Now().Add(time.Hour).Unix()
	mustDo(t, c, "OK", "SET", "exat", "v", "EXAT", strconv.FormatInt(at, 10))
	require.Equal(t, at*1000, expireAt(s, "exat"))
	atMs := time.Now().Add(time.Hour).UnixMilli()
	mustDo(t, c, "OK", "SET", "pxat", "v", "PXAT", strconv.FormatInt(atMs, 10))
	require.Equal(t, atMs, expireAt(s, "pxat"))
	mustDo(t, c, "OK", "SET", "pxat", "v", "PXAT", "9223372036854775807")
	require.Equal(t, int64(9223372036854775807), expireAt(s, "pxat"))
	mustDo(t, c, "OK", "SET", "ex", "v", "EX", "10", "EX", "20") // the last one wins
	requireTTL(t, s, "ex", 19000, 20000)
	// A time in the past: the key is gone at once.
	mustDo(t, c, "OK", "SET", "past", "v", "EXAT", "1")
	mustNil(t, c, "GET", "past")
	mustDo(t, c, "OK", "SET", "past", "v", "PXAT", "1")
	mustNil(t, c, "GET", "past")

	// KEEPTTL keeps it, a plain SET drops it.
	mustDo(t, c, "OK", "SET", "ex", "v2", "KEEPTTL")
	requireTTL(t, s, "ex", 19000, 20000)
	mustDo(t, c, "v2", "GET", "ex")
	mustDo(t, c, "OK", "SET", "ex", "v3", "keepttl", "KEEPTTL", "XX")
	requireTTL(t, s, "ex", 19000, 20000)
	mustDo(t, c, "OK", "SET", "ex", "v4")
	require.Equal(t, int64(0), expireAt(s, "ex"))
	mustDo(t, c, "OK", "SET", "nottl", "v", "KEEPTTL")
	require.Equal(t, int64(0), expireAt(s, "nottl"))
	// NX refusing leaves the TTL alone; XX with EX replaces it.
	mustDo(t, c, "OK", "SET", "px", "v", "PX", "100000")
	mustNil(t, c, "SET", "px", "w", "NX", "EX", "5")
	requireTTL(t, s, "px", 99000, 100000)
	mustDo(t, c, "OK", "SET", "px", "w", "XX", "EX", "5")
	requireTTL(t, s, "px", 4000, 5000)

	// Syntax errors: conflicts, missing values, unknown words, GETEX-only.
	for _, args := range [][]any{
		{"EX", "10", "PX", "100"}, {"PX", "10", "EX", "100"}, {"EX", "10", "EXAT", "100"},
		{"PXAT", "10", "EXAT", "100"}, {"KEEPTTL", "EX", "10"}, {"EX", "10", "KEEPTTL"},
		{"PXAT", "10", "KEEPTTL"}, {"EX"}, {"PX"}, {"EXAT"}, {"PXAT"}, {"NX", "EX"},
		{"foo"}, {"PERSIST"}, {"NXX"}, {"G"}, {"EX", "10", "10"}, {""},
	} {
		mustErr(t, c, "ERR syntax error", append([]any{"SET", "k", "v"}, args...)...)
	}
	// Expire values: not an integer; not positive or overflowing.
	mustErr(t, c, "ERR value is not an integer or out of range", "SET", "k", "v", "EX", "abc")
	mustErr(t, c, "ERR value is not an integer or out of range", "SET", "k", "v", "PX", "1.5")
	mustErr(t, c, "ERR value is not an integer or out of range", "SET", "k", "v", "EX", " 1")
	for _, args := range [][]any{
		{"EX", "0"}, {"EX", "-1"}, {"PX", "0"}, {"PXAT", "0"}, {"EXAT", "-5"},
		{"PX", "9223372036854775807"}, {"PX", "9223372036854775000"},
		{"EX", "9223372036854775"}, {"EX", "9223372036854776"},
		{"EXAT", "9223372036854775807"}, {"EXAT", "9223372036854776"},
	} {
		mustErr(t, c, "ERR invalid expire time in 'set' command", append([]any{"SET", "k", "v"}, args...)...)
	}
	// The expire time is checked before GET's type check.
	mustErr(t, c, "ERR invalid expire time in 'set' command", "SET", "l", "v", "EX", "0", "GET")
	// Options are C strings: what follows a NUL is ignored.
	mustDo(t, c, "OK", "SET", "cstr", "v", "nx\x00junk")
	mustNil(t, c, "SET", "cstr", "v", "NX\x00")
}

func TestSetNXEX(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, int64(1), "SETNX", "k", "v")
	mustDo(t, c, int64(0), "SETNX", "k", "w")
	mustDo(t, c, "v", "GET", "k")
	plantList(s, "l")
	mustDo(t, c, int64(0), "SETNX", "l", "w")
	mustErr(t, c, "ERR wrong number of arguments for 'setnx' command", "SETNX", "k")

	mustDo(t, c, "OK", "SETEX", "k", "100", "v2")
	mustDo(t, c, "v2", "GET", "k")
	requireTTL(t, s, "k", 99000, 100000)
	mustDo(t, c, "OK", "PSETEX", "k", "5000", "v3")
	mustDo(t, c, "v3", "GET", "k")
	requireTTL(t, s, "k", 4000, 5000)
	mustDo(t, c, "OK", "SETEX", "l", "100", "now a string")
	mustDo(t, c, "now a string", "GET", "l")
	mustErr(t, c, "ERR invalid expire time in 'setex' command", "SETEX", "k", "0", "v")
	mustErr(t, c, "ERR invalid expire time in 'setex' command", "SETEX", "k", "-10", "v")
	mustErr(t, c, "ERR invalid expire time in 'setex' command", "SETEX", "k", "9223372036854775807", "v")
	mustErr(t, c, "ERR invalid expire time in 'psetex' command", "PSETEX", "k", "0", "v")
	mustErr(t, c, "ERR invalid expire time in 'psetex' command", "PSETEX", "k", "9223372036854775807", "v")
	mustErr(t, c, "ERR value is not an integer or out of range", "SETEX", "k", "abc", "v")
	mustErr(t, c, "ERR value is not an integer or out of range", "PSETEX", "k", "1e3", "v")
	mustErr(t, c, "ERR wrong number of arguments for 'setex' command", "SETEX", "k", "10")
	mustErr(t, c, "ERR wrong number of arguments for 'psetex' command", "PSETEX", "k", "10", "v", "x")
	mustDo(t, c, "v3", "GET", "k") // failed commands changed nothing
}

func TestMSetMGet(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, "OK", "MSET", "a", "1", "b", "2", "a", "3") // the last a wins
	mustDo(t, c, []any{"3", "2", nil}, "MGET", "a", "b", "c")
	mustDo(t, c, []any{nil}, "MGET", "nope")
	plantList(s, "l")
	mustDo(t, c, []any{"3", nil, "3"}, "MGET", "a", "l", "a") // other kinds read as null
	mustErr(t, c, "ERR wrong number of arguments for 'mset' command", "MSET", "a")
	mustErr(t, c, "ERR wrong number of arguments for 'mset' command", "MSET", "a", "1", "b")
	mustErr(t, c, "ERR wrong number of arguments for 'mget' command", "MGET")

	// MSET drops TTLs and replaces other kinds.
	mustDo(t, c, "OK", "SET", "t", "v", "EX", "100")
	mustDo(t, c, "OK", "MSET", "t", "w", "l", "x")
	require.Equal(t, int64(0), expireAt(s, "t"))
	mustDo(t, c, []any{"w", "x"}, "MGET", "t", "l")
}

func TestMSetNX(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, int64(1), "MSETNX", "a", "1", "b", "2")
	mustDo(t, c, int64(0), "MSETNX", "a", "9", "c", "3") // a exists: nothing is set
	mustDo(t, c, []any{"1", "2", nil}, "MGET", "a", "b", "c")
	plantList(s, "l")
	mustDo(t, c, int64(0), "MSETNX", "l", "x", "d", "4")
	mustNil(t, c, "GET", "d")
	mustDo(t, c, int64(1), "MSETNX", "e", "1", "e", "2")
	mustDo(t, c, "2", "GET", "e")
	mustErr(t, c, "ERR wrong number of arguments for 'msetnx' command", "MSETNX", "a", "1", "b")
	mustErr(t, c, "ERR wrong number of arguments for 'msetnx' command", "MSETNX", "a")
}

// MSET's values are slices of one command buffer: appending to one must not
// reach into the next.
func TestMSetAppendDoesNotAlias(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "MSET", "a", "xy", "b", "zw")
	mustDo(t, c, int64(5), "APPEND", "a", "123")
	mustDo(t, c, []any{"xy123", "zw"}, "MGET", "a", "b")
	mustDo(t, c, int64(2), "SETRANGE", "b", "0", "Q")
	mustDo(t, c, []any{"xy123", "Qw"}, "MGET", "a", "b")
}

func TestGetSetCommand(t *testing.T) {
	c, s := stringServer(t)
	mustNil(t, c, "GETSET", "k", "v")
	mustDo(t, c, "v", "GET", "k")
	mustDo(t, c, "OK", "SET", "k", "v1", "EX", "100")
	mustDo(t, c, "v1", "GETSET", "k", "v2")
	mustDo(t, c, "v2", "GET", "k")
	require.Equal(t, int64(0), expireAt(s, "k"), "GETSET drops the TTL")
	plantList(s, "l")
	mustErr(t, c, strWrongType, "GETSET", "l", "v")
	require.Equal(t, int64(0), expireAt(s, "l"), "the list is still there")
}

func TestGetDel(t *testing.T) {
	c, s := stringServer(t)
	mustNil(t, c, "GETDEL", "k")
	mustDo(t, c, "OK", "SET", "k", "v")
	mustDo(t, c, "v", "GETDEL", "k")
	mustNil(t, c, "GET", "k")
	mustNil(t, c, "GETDEL", "k")
	plantList(s, "l")
	mustErr(t, c, strWrongType, "GETDEL", "l")
	require.Equal(t, int64(0), expireAt(s, "l"))
	mustErr(t, c, "ERR wrong number of arguments for 'getdel' command", "GETDEL", "a", "b")
}

func TestGetEx(t *testing.T) {
	c, s := stringServer(t)
	mustNil(t, c, "GETEX", "k")
	mustDo(t, c, "OK", "SET", "k", "v")
	mustDo(t, c, "v", "GETEX", "k")
	require.Equal(t, int64(0), expireAt(s, "k"))
	mustDo(t, c, "v", "GETEX", "k", "EX", "100")
	requireTTL(t, s, "k", 99000, 100000)
	mustDo(t, c, "v", "GETEX", "k")
	requireTTL(t, s, "k", 99000, 100000) // no option: TTL untouched
	mustDo(t, c, "v", "GETEX", "k", "px", "5000")
	requireTTL(t, s, "k", 4000, 5000)
	at := time.Now().Add(time.Hour).Unix()
	mustDo(t, c, "v", "GETEX", "k", "EXAT", strconv.FormatInt(at, 10))
	require.Equal(t, at*1000, expireAt(s, "k"))
	mustDo(t, c, "v", "GETEX", "k", "PXAT", strconv.FormatInt(at*1000+7, 10))
	require.Equal(t, at*1000+7, expireAt(s, "k"))
	mustDo(t, c, "v", "GETEX", "k", "PERSIST")
	require.Equal(t, int64(0), expireAt(s, "k"))
	mustDo(t, c, "v", "GETEX", "k", "PERSIST", "persist")
	mustDo(t, c, "v", "GETEX", "k", "EX", "10", "EX", "20")
	requireTTL(t, s, "k", 19000, 20000)
	// An absolute time in the past deletes the key but still returns it.
	mustDo(t, c, "v", "GETEX", "k", "EXAT", "1")
	mustNil(t, c, "GET", "k")
	mustDo(t, c, "OK", "SET", "k", "v")
	mustDo(t, c, "v", "GETEX", "k", "PXAT", "1")
	mustNil(t, c, "GET", "k")

	// A missing key answers null before the expire value is even read.
	mustNil(t, c, "GETEX", "missing", "EX", "-1")
	mustNil(t, c, "GETEX", "missing", "EX", "abc")
	// ... but syntax errors come first.
	mustErr(t, c, "ERR syntax error", "GETEX", "missing", "foo")
	mustDo(t, c, "OK", "SET", "k", "v")
	for _, args := range [][]any{
		{"PERSIST", "EX", "10"}, {"EX", "10", "PERSIST"}, {"EX", "10", "PX", "10"}, {"KEEPTTL"},
		{"NX"}, {"XX"}, {"GET"}, {"EX"}, {"PXAT"}, {"foo"},
	} {
		mustErr(t, c, "ERR syntax error", append([]any{"GETEX", "k"}, args...)...)
	}
	mustErr(t, c, "ERR invalid expire time in 'getex' command", "GETEX", "k", "EX", "0")
	mustErr(t, c, "ERR invalid expire time in 'getex' command", "GETEX", "k", "PX", "-1")
	mustErr(t, c, "ERR invalid expire time in 'getex' command", "GETEX", "k", "EXAT", "9223372036854775807")
	mustErr(t, c, "ERR value is not an integer or out of range", "GETEX", "k", "EX", "abc")
	require.Equal(t, int64(0), expireAt(s, "k"), "failed GETEX changed nothing")
	plantList(s, "l")
	mustErr(t, c, strWrongType, "GETEX", "l")
	mustErr(t, c, strWrongType, "GETEX", "l", "EX", "0") // type before the expire value
	mustErr(t, c, "ERR wrong number of arguments for 'getex' command", "GETEX")
}

func TestIncrDecr(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, int64(1), "INCR", "n")
	mustDo(t, c, int64(2), "INCR", "n")
	mustDo(t, c, int64(1), "DECR", "n")
	mustDo(t, c, int64(-1), "DECR", "m")
	mustDo(t, c, int64(11), "INCRBY", "n", "10")
	mustDo(t, c, int64(-9), "INCRBY", "n", "-20")
	mustDo(t, c, int64(0), "DECRBY", "n", "-9")
	mustDo(t, c, "0", "GET", "n")
	mustDo(t, c, int64(-5), "DECRBY", "x", "5")
	mustDo(t, c, "-5", "GET", "x")

	// The stored value must be a strict integer (Redis string2ll).
	for _, v := range []string{" 1", "1 ", "+1", "01", "-0", "00", "-", "", "1.0", "0x1", "1e3",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999", "abc"} {
		mustDo(t, c, "OK", "SET", "bad", v)
		mustErr(t, c, "ERR value is not an integer or out of range", "INCR", "bad")
		mustDo(t, c, v, "GET", "bad")
	}
	mustDo(t, c, "OK", "SET", "z", "0")
	mustDo(t, c, int64(1), "INCR", "z")

	// Overflow, in both directions.
	mustDo(t, c, "OK", "SET", "big", "9223372036854775807")
	mustErr(t, c, "ERR increment or decrement would overflow", "INCR", "big")
	mustErr(t, c, "ERR increment or decrement would overflow", "INCRBY", "big", "1")
	mustDo(t, c, int64(9223372036854775806), "DECR", "big")
	mustDo(t, c, "OK", "SET", "small", "-9223372036854775808")
	mustErr(t, c, "ERR increment or decrement would overflow", "DECR", "small")
	mustErr(t, c, "ERR increment or decrement would overflow", "DECRBY", "small", "1")
	mustDo(t, c, int64(-9223372036854775807), "INCR", "small")
	mustErr(t, c, "ERR decrement would overflow", "DECRBY", "y", "-9223372036854775808")
	mustDo(t, c, int64(-9223372036854775808), "INCRBY", "y", "-9223372036854775808")
	mustErr(t, c, "ERR increment or decrement would overflow", "DECRBY", "y", "9223372036854775807")
	mustDo(t, c, int64(9223372036854775807), "DECRBY", "p", "-9223372036854775807")

	// Bad increments, checked before the key.
	plantList(s, "l")
	mustErr(t, c, "ERR value is not an integer or out of range", "INCRBY", "n", "abc")
	mustErr(t, c, "ERR value is not an integer or out of range", "INCRBY", "l", "abc")
	mustErr(t, c, "ERR value is not an integer or out of range", "DECRBY", "n", "1.5")
	mustErr(t, c, "ERR value is not an integer or out of range", "INCRBY", "n", "9223372036854775808")
	mustErr(t, c, strWrongType, "INCR", "l")
	mustErr(t, c, strWrongType, "DECR", "l")
	mustErr(t, c, strWrongType, "INCRBY", "l", "1")
	mustErr(t, c, strWrongType, "DECRBY", "l", "1")
	mustErr(t, c, "ERR wrong number of arguments for 'incr' command", "INCR")
	mustErr(t, c, "ERR wrong number of arguments for 'incrby' command", "INCRBY", "n")

	// INCR keeps the TTL.
	mustDo(t, c, "OK", "SET", "t", "10", "EX", "100")
	mustDo(t, c, int64(11), "INCR", "t")
	requireTTL(t, s, "t", 99000, 100000)
	// Counters reuse their buffer: values of every width read back right.
	mustDo(t, c, "OK", "SET", "w", "9")
	mustDo(t, c, int64(10), "INCR", "w")
	mustDo(t, c, int64(-9223372036854775798), "INCRBY", "w", "-9223372036854775808")
	mustDo(t, c, "-9223372036854775798", "GET", "w")
	mustDo(t, c, int64(2), "INCRBY", "w", "9223372036854775800")
	mustDo(t, c, "2", "GET", "w")
}

func TestIncrByFloat(t *testing.T) {
	c, s := stringServer(t)
	// The outputs of redis-server 7.0.15 on x86-64 (long double arithmetic).
	mustDo(t, c, "0.1", "INCRBYFLOAT", "f", "0.1")
	mustDo(t, c, "10.6", "INCRBYFLOAT", "f", "10.5")
	mustDo(t, c, "5010.60000000000000009", "INCRBYFLOAT", "f", "5.0e3")
	mustDo(t, c, "5010.62999999999999989", "INCRBYFLOAT", "f", "3e-2")
	mustDo(t, c, "5010.62999999999999989", "GET", "f")
	mustDo(t, c, "0.03", "INCRBYFLOAT", "g", "3e-2")
	mustDo(t, c, "5000", "INCRBYFLOAT", "h", "5.0e3")
	mustDo(t, c, "0", "INCRBYFLOAT", "i", "-0.0")
	mustDo(t, c, "0", "INCRBYFLOAT", "j", "-1e-30")
	mustDo(t, c, "8", "INCRBYFLOAT", "x", "0x1p3")
	mustDo(t, c, "8.25", "INCRBYFLOAT", "x", "0X1P-2")
	mustDo(t, c, "OK", "SET", "n", "10")
	mustDo(t, c, "5010", "INCRBYFLOAT", "n", "5e3")
	mustDo(t, c, int64(5011), "INCR", "n") // an integral result is still an integer
	mustDo(t, c, "OK", "SET", "e", "1e5")
	mustDo(t, c, "100000", "INCRBYFLOAT", "e", "0")

	for _, bad := range []string{"nan", " 1", "1 ", "abc", "", "1_0", ".", "1e", "0b1", "1e5000", "1e-5000", "1\x00"} {
		mustErr(t, c, "ERR value is not a valid float", "INCRBYFLOAT", "h", bad)
	}
	mustDo(t, c, "5000", "GET", "h")
	mustErr(t, c, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "h", "inf")
	mustErr(t, c, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "h", "-Infinity")
	mustDo(t, c, "OK", "SET", "m", "1.18e4932")
	mustErr(t, c, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "m", "1e4932")
	mustDo(t, c, "OK", "SET", "inf", "inf")
	mustErr(t, c, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "inf", "1")
	for _, bad := range []string{" 5", "abc", "1.5.5", "nan"} {
		mustDo(t, c, "OK", "SET", "bad", bad)
		mustErr(t, c, "ERR value is not a valid float", "INCRBYFLOAT", "bad", "1")
	}
	plantList(s, "l")
	mustErr(t, c, strWrongType, "INCRBYFLOAT", "l", "1")
	mustErr(t, c, strWrongType, "INCRBYFLOAT", "l", "abc") // type before the increment
	mustErr(t, c, "ERR wrong number of arguments for 'incrbyfloat' command", "INCRBYFLOAT", "k")

	mustDo(t, c, "OK", "SET", "t", "1", "PX", "100000")
	mustDo(t, c, "2.5", "INCRBYFLOAT", "t", "1.5")
	requireTTL(t, s, "t", 99000, 100000)
}

func TestAppend(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, int64(5), "APPEND", "k", "Hello")
	mustDo(t, c, int64(11), "APPEND", "k", " World")
	mustDo(t, c, "Hello World", "GET", "k")
	mustDo(t, c, int64(11), "APPEND", "k", "")
	mustDo(t, c, int64(0), "APPEND", "e", "") // creates an empty string
	mustDo(t, c, "", "GET", "e")
	mustDo(t, c, int64(1), "INCR", "n")
	mustDo(t, c, int64(2), "APPEND", "n", "0")
	mustDo(t, c, int64(11), "INCR", "n")
	for i := 0; i < 100; i++ { // amortized growth keeps earlier bytes
		mustDo(t, c, int64(5+3*i), "APPEND", "n", "abc")
	}
	got, err := c.Get(ctx, "n").Result()
	require.NoError(t, err)
	require.Equal(t, "11"+strings.Repeat("abc", 100), got)

	mustDo(t, c, "OK", "SET", "t", "v", "EX", "100")
	mustDo(t, c, int64(2), "APPEND", "t", "w")
	requireTTL(t, s, "t", 99000, 100000)
	plantList(s, "l")
	mustErr(t, c, strWrongType, "APPEND", "l", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'append' command", "APPEND", "k")
}

func TestStringStrLen(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, int64(0), "STRLEN", "k")
	mustDo(t, c, "OK", "SET", "k", "Hello World")
	mustDo(t, c, int64(11), "STRLEN", "k")
	mustDo(t, c, "OK", "SET", "k", "")
	mustDo(t, c, int64(0), "STRLEN", "k")
	mustDo(t, c, int64(-10), "INCRBY", "n", "-10")
	mustDo(t, c, int64(3), "STRLEN", "n")
	plantList(s, "l")
	mustErr(t, c, strWrongType, "STRLEN", "l")
}

func TestStringGetRange(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, "OK", "SET", "s", "Hello World")
	for _, tc := range []struct{ start, end, want string }{
		{"0", "4", "Hello"}, {"-5", "-1", "World"}, {"-1", "-5", ""}, {"5", "3", ""},
		{"-100", "-50", "H"}, {"-100", "100", "Hello World"}, {"0", "-100", "H"},
		{"100", "200", ""}, {"3", "3", "l"}, {"-3", "2", ""}, {"0", "-1", "Hello World"},
		{"0", "9223372036854775807", "Hello World"}, {"-9223372036854775808", "-1", "Hello World"},
		{"10", "10", "d"}, {"11", "11", ""},
	} {
		mustDo(t, c, tc.want, "GETRANGE", "s", tc.start, tc.end)
		mustDo(t, c, tc.want, "SUBSTR", "s", tc.start, tc.end)
	}
	mustDo(t, c, "", "GETRANGE", "missing", "0", "-1")
	mustDo(t, c, "OK", "SET", "e", "")
	mustDo(t, c, "", "GETRANGE", "e", "0", "-1")
	mustDo(t, c, "", "GETRANGE", "e", "-1", "0")
	mustDo(t, c, int64(-12), "INCRBY", "n", "-12")
	mustDo(t, c, "-1", "GETRANGE", "n", "0", "1")
	for _, args := range [][]any{{"a", "1"}, {"1", "b"}, {"01", "2"}, {"1.5", "2"}, {"9223372036854775808", "1"}} {
		mustErr(t, c, "ERR value is not an integer or out of range", append([]any{"GETRANGE", "s"}, args...)...)
		mustErr(t, c, "ERR value is not an integer or out of range", append([]any{"GETRANGE", "missing"}, args...)...)
	}
	plantList(s, "l")
	mustErr(t, c, strWrongType, "GETRANGE", "l", "0", "1")
	mustErr(t, c, strWrongType, "SUBSTR", "l", "0", "1")
	mustErr(t, c, "ERR value is not an integer or out of range", "GETRANGE", "l", "x", "1")
	mustErr(t, c, "ERR wrong number of arguments for 'getrange' command", "GETRANGE", "s", "0")
	mustErr(t, c, "ERR wrong number of arguments for 'substr' command", "SUBSTR", "s", "0", "1", "2")
}

func TestStringSetRange(t *testing.T) {
	c, s := stringServer(t)
	mustDo(t, c, "OK", "SET", "s", "Hello World")
	mustDo(t, c, int64(11), "SETRANGE", "s", "6", "Redis")
	mustDo(t, c, "Hello Redis", "GET", "s")
	mustDo(t, c, int64(21), "SETRANGE", "s", "20", "X")
	mustDo(t, c, "Hello Redis\x00\x00\x00\x00\x00\x00\x00\x00\x00X", "GET", "s")
	mustDo(t, c, int64(21), "SETRANGE", "s", "0", "")
	mustDo(t, c, int64(21), "SETRANGE", "s", "100", "")
	mustDo(t, c, int64(21), "SETRANGE", "s", "0", "J")
	mustDo(t, c, "Jello Redis\x00\x00\x00\x00\x00\x00\x00\x00\x00X", "GET", "s")

	// Missing key: created with zero padding, unless the value is empty.
	mustDo(t, c, int64(0), "SETRANGE", "m", "5", "")
	mustNil(t, c, "GET", "m")
	mustDo(t, c, int64(5), "SETRANGE", "m", "3", "ab")
	mustDo(t, c, "\x00\x00\x00ab", "GET", "m")
	// Growing within capacity zeroes the gap.
	mustDo(t, c, int64(5), "APPEND", "g", "abcde")
	mustDo(t, c, int64(6), "APPEND", "g", "f") // now owned, with spare capacity
	mustDo(t, c, "abcdef", "GETRANGE", "g", "0", "-1")
	mustDo(t, c, "OK", "SET", "g2", "abcdefgh")
	mustDo(t, c, int64(9), "APPEND", "g2", "i")
	mustDo(t, c, int64(2), "SETRANGE", "g3", "0", "xy")
	mustDo(t, c, int64(3), "APPEND", "g3", "z")
	mustDo(t, c, int64(6), "SETRANGE", "g3", "5", "!")
	mustDo(t, c, "xyz\x00\x00!", "GET", "g3")

	mustErr(t, c, "ERR offset is out of range", "SETRANGE", "s", "-1", "x")
	mustErr(t, c, "ERR offset is out of range", "SETRANGE", "l", "-1", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "SETRANGE", "s", "a", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "SETRANGE", "s", "9223372036854775808", "x")
	const tooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	mustErr(t, c, tooLong, "SETRANGE", "s", "536870912", "x")
	mustErr(t, c, tooLong, "SETRANGE", "new", "536870912", "x")
	mustErr(t, c, tooLong, "SETRANGE", "s", "536870911", "xy")
	mustErr(t, c, tooLong, "SETRANGE", "s", "9223372036854775807", "x")
	mustDo(t, c, int64(0), "SETRANGE", "new", "536870912", "")
	mustNil(t, c, "GET", "new")

	mustDo(t, c, "OK", "SET", "t", "abc", "EX", "100")
	mustDo(t, c, int64(3), "SETRANGE", "t", "0", "x")
	requireTTL(t, s, "t", 99000, 100000)
	plantList(s, "l")
	mustErr(t, c, strWrongType, "SETRANGE", "l", "0", "x")
	mustErr(t, c, strWrongType, "SETRANGE", "l", "0", "")
	mustErr(t, c, "ERR wrong number of arguments for 'setrange' command", "SETRANGE", "s", "0")
}

// The 512 MB limit itself (allocates 512 MB: skipped with -short).
func TestStringMaxSize(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 512 MB")
	}
	c := client(t)
	mustDo(t, c, int64(536870912), "SETRANGE", "big", "536870911", "x")
	mustDo(t, c, int64(536870912), "STRLEN", "big")
	mustErr(t, c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)", "APPEND", "big", "!")
	mustDo(t, c, int64(536870912), "APPEND", "big", "")
	mustDo(t, c, "\x00x", "GETRANGE", "big", "-2", "-1")
}

func TestStringRESP3(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	require.Contains(t, r.Do("HELLO", "3"), "proto")
	require.Equal(t, "_\r\n", r.Do("GET", "k"))
	require.Equal(t, "_\r\n", r.Do("SET", "k", "v", "XX"))
	require.Equal(t, "_\r\n", r.Do("SET", "k", "v", "GET"))
	require.Equal(t, "$1\r\nv\r\n", r.Do("SET", "k", "w", "GET"))
	require.Equal(t, "$3\r\n0.1\r\n", r.Do("INCRBYFLOAT", "f", "0.1"), "a bulk string, not a double")
	require.Equal(t, ":1\r\n", r.Do("INCR", "n"))
	require.Equal(t, "_\r\n", r.Do("GETDEL", "nope"))
	require.Equal(t, "_\r\n", r.Do("GETEX", "nope", "EX", "1"))
	require.Equal(t, "_\r\n", r.Do("GETSET", "nope", "v"))
	require.Equal(t, "$0\r\n\r\n", r.Do("GETRANGE", "missing", "0", "-1"))
}

func TestStringRESP3MGet(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	r.Do("HELLO", "3")
	require.Equal(t, "+OK\r\n", r.Do("MSET", "a", "1", "c", ""))
	require.Equal(t, "*3\r\n$1\r\n1\r\n_\r\n$0\r\n\r\n", r.Do("MGET", "a", "b", "c"))
}

func TestStringMulti(t *testing.T) {
	c := client(t)
	r := testutil.DialRaw(t, c.Options().Addr)
	r.Do("MULTI")
	require.Equal(t, "+QUEUED\r\n", r.Do("MSET", "a", "1", "b"))
	require.Equal(t, "+QUEUED\r\n", r.Do("INCR", "a"))
	require.Equal(t, "+QUEUED\r\n", r.Do("SET", "a", "1"))
	require.Equal(t, "+QUEUED\r\n", r.Do("INCR", "a"))
	require.Equal(t, "+QUEUED\r\n", r.Do("SETEX", "a", "0", "v"))
	require.Equal(t, "*5\r\n-ERR wrong number of arguments for 'mset' command\r\n:1\r\n+OK\r\n:2\r\n"+
		"-ERR invalid expire time in 'setex' command\r\n", r.Do("EXEC"))
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	require.Equal(t, "-ERR wrong number of arguments for 'mset' command\r\n", r.Do("MSET", "a"))
	require.Equal(t, "-EXECABORT Transaction discarded because of previous errors.\r\n", r.Do("EXEC"))
}

// Every write that modifies a key in place must still break a WATCH.
func TestStringWatch(t *testing.T) {
	c := client(t)
	addr := c.Options().Addr
	for _, write := range [][]any{
		{"APPEND", "k", "x"}, {"SETRANGE", "k", "0", "y"}, {"INCR", "k"}, {"INCRBYFLOAT", "k", "1.5"},
		{"SET", "k", "v"}, {"GETSET", "k", "v"}, {"GETDEL", "k"}, {"GETEX", "k", "EX", "100"},
		{"MSET", "k", "v"}, {"DECRBY", "k", "3"}, {"SETEX", "k", "10", "v"},
	} {
		mustDo(t, c, "OK", "SET", "k", "1")
		r := testutil.DialRaw(t, addr)
		require.Equal(t, "+OK\r\n", r.Do("WATCH", "k"))
		_, err := c.Do(ctx, write...).Result()
		require.NoError(t, err, "%v", write)
		r.Do("MULTI")
		r.Do("GET", "k")
		require.Equal(t, "*-1\r\n", r.Do("EXEC"), "%v must break the WATCH", write)
	}
	// Reads and no-op writes do not.
	for _, read := range [][]any{
		{"GET", "k"}, {"GETEX", "k"}, {"GETEX", "k", "PERSIST"}, {"STRLEN", "k"}, {"MGET", "k"},
		{"GETRANGE", "k", "0", "-1"}, {"SETNX", "k", "v"}, {"SET", "k", "v", "NX"}, {"MSETNX", "k", "v"},
	} {
		mustDo(t, c, "OK", "SET", "k", "1")
		r := testutil.DialRaw(t, addr)
		r.Do("WATCH", "k")
		_, err := c.Do(ctx, read...).Result()
		if err != redis.Nil {
			require.NoError(t, err, "%v", read)
		}
		r.Do("MULTI")
		r.Do("GET", "k")
		require.Equal(t, "*1\r\n$1\r\n1\r\n", r.Do("EXEC"), "%v must not break the WATCH", read)
	}
}

// Concurrent INCRs from many clients lose no update.
func TestIncrConcurrent(t *testing.T) {
	addr := start(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
			defer c.Close()
			for j := 0; j < 200; j++ {
				if err := c.Incr(ctx, "n").Err(); err != nil {
					t.Error(err)
					return
				}
				if err := c.Append(ctx, "s", "x").Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	c := testutil.Client(t, addr, 2)
	mustDo(t, c, "1600", "GET", "n")
	mustDo(t, c, int64(1600), "STRLEN", "s")
}

// TestStringDifferential runs the same commands against redis-server and
// Switchyard, in RESP2 and RESP3, and requires byte-identical replies.
func TestStringDifferential(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))

	script := [][]string{
		{"SET", "k", "v", "NX", "GET"}, {"SET", "k", "v2", "NX", "GET"}, {"SET", "k", "v3", "XX", "GET"},
		{"SET", "k", "v", "NX", "XX"}, {"SET", "k", "v", "EX", "10", "PX", "100"}, {"SET", "k", "v", "EX"},
		{"SET", "k", "v", "EX", "0"}, {"SET", "k", "v", "EX", "abc"}, {"SET", "k", "v", "KEEPTTL", "EX", "1"},
		{"SET", "k", "v", "PX", "9223372036854775807"}, {"SET", "k", "v", "EXAT", "9223372036854775807"},
		{"SET", "k", "v", "PXAT", "1"}, {"GET", "k"}, {"SET", "k", "v", "get", "get"}, {"SET", "k", "x", "nx", "nx"},
		{"SET", "k", "v", "persist"}, {"SETNX", "k", "v"}, {"SETEX", "k", "0", "v"}, {"PSETEX", "k", "-1", "v"},
		{"SETEX", "k", "1.5", "v"}, {"GETEX", "k", "PERSIST", "EX", "1"}, {"GETEX", "nope", "EX", "-1"},
		{"GETEX", "k", "EX", "0"}, {"GETEX", "k", "EXAT", "1"}, {"GET", "k"}, {"GETEX", "k", "nx"},
		{"MSET", "a", "1", "b"}, {"MSET", "a", "1", "b", "2"}, {"MSETNX", "a", "1", "c", "3"},
		{"MSETNX", "c", "3", "d", "4"}, {"MGET", "a", "b", "c", "d", "e", "list"},
		{"GETSET", "a", "9"}, {"GETSET", "list", "x"}, {"GETDEL", "a"}, {"GETDEL", "a"}, {"GETDEL", "list"},
		{"GETEX", "list", "EX", "0"}, {"GET", "list"}, {"SETNX", "list", "x"}, {"STRLEN", "list"},
		{"APPEND", "list", "x"}, {"INCR", "list"}, {"INCRBY", "list", "x"}, {"INCRBYFLOAT", "list", "x"},
		{"GETRANGE", "list", "0", "1"}, {"SETRANGE", "list", "0", "x"}, {"SETRANGE", "list", "-1", "x"},
		{"SET", "list", "v", "GET"}, {"SET", "list", "v", "EX", "0", "GET"},
		{"INCR", "n"}, {"INCRBY", "n", "-9223372036854775808"}, {"DECR", "n"}, {"DECRBY", "n", "-9223372036854775808"},
		{"DECRBY", "n", "9223372036854775807"}, {"INCRBY", "n", "01"}, {"INCRBY", "n", "-0"},
		{"SET", "s", "Hello World"}, {"GETRANGE", "s", "-100", "-50"}, {"GETRANGE", "s", "-1", "-5"},
		{"SUBSTR", "s", "2", "-2"}, {"SETRANGE", "s", "15", "X"}, {"GET", "s"}, {"SETRANGE", "s", "1", ""},
		{"SETRANGE", "s", "536870912", "x"}, {"SETRANGE", "nope", "3", ""}, {"APPEND", "s", "!"}, {"STRLEN", "s"},
		{"INCRBYFLOAT", "s", "1"}, {"INCRBYFLOAT", "fl", "inf"}, {"INCRBYFLOAT", "fl", "nan"},
		{"INCRBYFLOAT", "fl", "1e4932"}, {"INCRBYFLOAT", "fl", "1e4932"}, {"INCRBYFLOAT", "fl", "-1e4932"},
		{"INCRBYFLOAT", "fl", "0x1.8p1"}, {"INCRBYFLOAT", "fl", "1.5e-4950"},
		{"MGET"}, {"SET"}, {"GETEX"}, {"SUBSTR", "s", "1"},
	}
	// Random INCRBYFLOAT chains: their long double sums and formatting.
	gen := func() string {
		switch rng.Intn(6) {
		case 0:
			return strconv.FormatFloat(rng.NormFloat64()*math10(rng.Intn(40)-20), 'g', -1, 64)
		case 1:
			return fmt.Sprintf("%d.%0*d", rng.Intn(1000)-500, 1+rng.Intn(20), rng.Int63n(1e18))
		case 2:
			return fmt.Sprintf("%de%d", rng.Intn(100000)-50000, rng.Intn(60)-30)
		case 3:
			return fmt.Sprintf("0x%xp%d", rng.Int63(), rng.Intn(100)-80)
		case 4:
			return strconv.FormatFloat(rng.Float64(), 'f', -1, 64)
		default:
			return strconv.Itoa(rng.Intn(2000) - 1000)
		}
	}
	for i := 0; i < 300; i++ {
		script = append(script, []string{"INCRBYFLOAT", "chain" + strconv.Itoa(i%7), gen()})
	}
	for i := 0; i < 7; i++ {
		script = append(script, []string{"GET", "chain" + strconv.Itoa(i)})
	}

	for _, proto := range []string{"2", "3"} {
		sw := testutil.StartSwitchyard(t)
		plantList(sw, "list")
		ours := testutil.DialRaw(t, sw.RESPAddr())
		ref := testutil.DialRaw(t, redisAddr)
		ref.Do("FLUSHALL")
		ref.Do("RPUSH", "list", "a")
		ours.Do("HELLO", proto)
		ref.Do("HELLO", proto)
		for _, cmd := range script {
			want := ref.Do(cmd...)
			got := ours.Do(cmd...)
			require.Equal(t, want, got, "RESP%s %q", proto, cmd)
		}
	}
}

func math10(n int) float64 {
	f := 1.0
	for ; n > 0; n-- {
		f *= 10
	}
	for ; n < 0; n++ {
		f /= 10
	}
	return f
}
