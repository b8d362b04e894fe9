package respfront_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/testutil"
)

// keysEnv is a server with a RESP2 client and direct access to its engine.
// The tests seed strings and lists through the engine, so that they depend
// only on the commands under test.
type keysEnv struct {
	addr string
	c    *redis.Client
	eng  *broker.Engine
}

func newKeysEnv(t *testing.T) *keysEnv {
	t.Helper()
	s := testutil.StartSwitchyard(t)
	return &keysEnv{addr: s.RESPAddr(), c: testutil.Client(t, s.RESPAddr(), 2), eng: s.Engine}
}

// str stores string values: key, value, key, value... in database db.
func (k *keysEnv) str(db int, kv ...string) {
	k.eng.Exec(func(tx *broker.Tx) {
		for i := 0; i < len(kv); i += 2 {
			tx.DB(db).Set(kv[i], broker.NewString([]byte(kv[i+1])), false)
		}
	})
}

// list stores a list at key in database db.
func (k *keysEnv) list(db int, key string, elems ...string) {
	k.eng.Exec(func(tx *broker.Tx) {
		o := broker.NewListObject()
		for _, e := range elems {
			o.List.PushRight([]byte(e))
		}
		tx.DB(db).Set(key, o, false)
	})
}

// value returns the string or list elements at key in database db, nil
// when missing.
func (k *keysEnv) value(db int, key string) any {
	var v any
	k.eng.Exec(func(tx *broker.Tx) {
		o := tx.DB(db).Lookup(key)
		switch {
		case o == nil:
		case o.Kind == broker.KindString:
			v = string(o.Str)
		case o.Kind == broker.KindList:
			var out []string
			o.List.Range(0, o.List.Len()-1, func(b []byte) bool { out = append(out, string(b)); return true })
			v = out
		}
	})
	return v
}

func sortedStrings(t *testing.T, v any) []string {
	t.Helper()
	out := []string{}
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	slices.Sort(out)
	return out
}

func TestDelUnlinkExistsTouchType(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	k.str(0, "a", "1", "b", "2", "c", "3")
	k.list(0, "l", "x")
	mustDo(t, c, int64(3), "EXISTS", "a", "a", "l", "nosuch")
	mustDo(t, c, int64(0), "EXISTS", "nosuch")
	mustDo(t, c, int64(2), "TOUCH", "a", "a", "nosuch")
	mustDo(t, c, "string", "TYPE", "a")
	mustDo(t, c, "list", "TYPE", "l")
	mustDo(t, c, "none", "TYPE", "nosuch")
	mustDo(t, c, int64(2), "DEL", "a", "a", "b", "nosuch")
	mustDo(t, c, int64(0), "DEL", "a")
	mustDo(t, c, int64(2), "UNLINK", "c", "l", "c")
	mustDo(t, c, int64(0), "DBSIZE")
	for _, cmd := range []string{"del", "unlink", "exists", "touch"} {
		mustErr(t, c, "ERR wrong number of arguments for '"+cmd+"' command", cmd)
	}
	mustErr(t, c, "ERR wrong number of arguments for 'type' command", "TYPE", "a", "b")

	// The empty key is a key like any other.
	k.str(0, "", "v")
	mustDo(t, c, int64(1), "EXISTS", "")
	mustDo(t, c, int64(1), "DEL", "")
}

func TestKeysCommand(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	mustDo(t, c, []any{}, "KEYS", "*")
	k.str(0, "", "e", "one", "1", "two", "2", "three", "3", "h*llo", "x", "hello", "y")
	k.list(0, "list", "a")
	k.str(1, "other", "db")
	got, err := c.Do(ctx, "KEYS", "*").Result()
	require.NoError(t, err)
	require.Equal(t, []string{"", "h*llo", "hello", "list", "one", "three", "two"}, sortedStrings(t, got))
	for pattern, want := range map[string][]string{
		"t*":      {"three", "two"},
		"**":      {"h*llo", "hello", "list", "one", "three", "two"}, // not ""
		"?n?":     {"one"},
		"h[a-e]*": {"hello"},
		`h\*llo`:  {"h*llo"},
		"h?llo":   {"h*llo", "hello"},
		"[^ht]*":  {"list", "one"},
		"":        {""},
		"nomatch": {},
	} {
		got, err := c.Do(ctx, "KEYS", pattern).Result()
		require.NoError(t, err)
		require.Equal(t, want, sortedStrings(t, got), "KEYS %q", pattern)
	}
	mustErr(t, c, "ERR wrong number of arguments for 'keys' command", "KEYS")
	mustErr(t, c, "ERR wrong number of arguments for 'keys' command", "KEYS", "a", "b")
}

func TestKeysDBSizeRandomKey(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	mustDo(t, c, int64(0), "DBSIZE")
	mustNil(t, c, "RANDOMKEY")
	k.str(0, "a", "1", "b", "2", "c", "3")
	k.str(3, "x", "1")
	mustDo(t, c, int64(3), "DBSIZE")
	seen := map[string]bool{}
	for i := 0; i < 200 && len(seen) < 3; i++ {
		v, err := c.Do(ctx, "RANDOMKEY").Text()
		require.NoError(t, err)
		require.Contains(t, []string{"a", "b", "c"}, v)
		seen[v] = true
	}
	require.Len(t, seen, 3, "RANDOMKEY should reach every key")
	mustDo(t, c, "OK", "SELECT", "3")
	mustDo(t, c, int64(1), "DBSIZE")
	mustDo(t, c, "x", "RANDOMKEY")
	mustErr(t, c, "ERR wrong number of arguments for 'dbsize' command", "DBSIZE", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'randomkey' command", "RANDOMKEY", "x")
}

func TestKeysRESP3(t *testing.T) {
	k := newKeysEnv(t)
	r := testutil.DialRaw(t, k.addr)
	r.Do("HELLO", "3")
	require.Equal(t, "_\r\n", r.Do("RANDOMKEY"))
	require.Equal(t, "*0\r\n", r.Do("KEYS", "*"))
	require.Equal(t, "*2\r\n$1\r\n0\r\n*0\r\n", r.Do("SCAN", "0"))
	require.Equal(t, "+none\r\n", r.Do("TYPE", "k"))
	require.Equal(t, ":-2\r\n", r.Do("TTL", "k"))
	k.str(0, "k", "v")
	require.Equal(t, "+string\r\n", r.Do("TYPE", "k"))
	require.Equal(t, "$1\r\nk\r\n", r.Do("RANDOMKEY"))
	require.Equal(t, "*1\r\n$1\r\nk\r\n", r.Do("KEYS", "*"))
	require.Equal(t, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n", r.Do("SCAN", "0"))
	require.Equal(t, ":-1\r\n", r.Do("PTTL", "k"))
	require.Equal(t, "+OK\r\n", r.Do("RENAME", "k", "k2"))
	require.Equal(t, "-ERR no such key\r\n", r.Do("RENAME", "k", "k2"))

	r2 := testutil.DialRaw(t, k.addr)
	require.Equal(t, "+OK\r\n", r2.Do("SELECT", "5"))
	require.Equal(t, "$-1\r\n", r2.Do("RANDOMKEY"))
}

func TestScan(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	mustDo(t, c, []any{"0", []any{}}, "SCAN", "0")
	for _, bad := range []string{"x", " 1", "\t1", "1x", "0x10", "-", "+", "18446744073709551616", "-18446744073709551616", "1 "} {
		mustErr(t, c, "ERR invalid cursor", "SCAN", bad)
	}
	// strtoul's leniency, kept: "", "+0", "-1" (2^64-1) are valid cursors.
	for _, ok := range []string{"", "+0", "-1", "18446744073709551615", "00"} {
		_, err := c.Do(ctx, "SCAN", ok).Result()
		require.NoError(t, err, "SCAN %q", ok)
	}
	mustErr(t, c, "ERR syntax error", "SCAN", "0", "COUNT", "0")
	mustErr(t, c, "ERR syntax error", "SCAN", "0", "COUNT", "-1")
	mustErr(t, c, "ERR value is not an integer or out of range", "SCAN", "0", "COUNT", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "SCAN", "0", "COUNT", "+5")
	mustErr(t, c, "ERR syntax error", "SCAN", "0", "COUNT")
	mustErr(t, c, "ERR syntax error", "SCAN", "0", "MATCH")
	mustErr(t, c, "ERR syntax error", "SCAN", "0", "TYPE")
	mustErr(t, c, "ERR syntax error", "SCAN", "0", "FOO", "bar")
	mustErr(t, c, "ERR syntax error", "SCAN", "0", "MATCH", "*", "COUNT")
	mustErr(t, c, "ERR invalid cursor", "SCAN", "x", "COUNT", "0")
	mustErr(t, c, "ERR wrong number of arguments for 'scan' command", "SCAN")
	// An unknown type is not an error in Redis 7.0: it matches nothing.
	k.str(0, "s", "v")
	mustDo(t, c, []any{"0", []any{}}, "SCAN", "0", "TYPE", "foo")

	// Full iterations.
	var want []string
	for i := 0; i < 500; i++ {
		key := fmt.Sprint("key:", i)
		k.str(0, key, "v")
		want = append(want, key)
	}
	for i := 0; i < 30; i++ {
		k.list(0, fmt.Sprint("list:", i), "x")
	}
	scanAll := func(args ...any) ([]string, int) {
		seen := map[string]bool{}
		cursor := "0"
		calls := 0
		for {
			calls++
			require.Less(t, calls, 10000)
			res, err := c.Do(ctx, append([]any{"SCAN", cursor}, args...)...).Result()
			require.NoError(t, err)
			pair := res.([]any)
			require.Len(t, pair, 2)
			cursor = pair[0].(string)
			_, err = strconv.ParseUint(cursor, 10, 64)
			require.NoError(t, err)
			for _, x := range pair[1].([]any) {
				seen[x.(string)] = true
			}
			if cursor == "0" {
				break
			}
		}
		out := []string{}
		for s := range seen {
			out = append(out, s)
		}
		slices.Sort(out)
		return out, calls
	}
	slices.Sort(want)
	got, calls := scanAll("MATCH", "key:*")
	require.Equal(t, want, got)
	require.Greater(t, calls, 10, "default COUNT 10 takes many calls")
	got, calls = scanAll("match", "key:*", "count", "100000")
	require.Equal(t, want, got)
	require.Equal(t, 1, calls, "a COUNT above the key count finishes in one call")
	got, _ = scanAll("TYPE", "list", "COUNT", "7")
	require.Len(t, got, 30)
	got, _ = scanAll("type", "STRING", "MATCH", "key:4?")
	require.Equal(t, []string{"key:40", "key:41", "key:42", "key:43", "key:44", "key:45", "key:46", "key:47", "key:48", "key:49"}, got)
	got, _ = scanAll("MATCH", "nomatch", "COUNT", "3")
	require.Empty(t, got)
	// Later options win.
	got, _ = scanAll("MATCH", "nomatch", "MATCH", "list:1", "TYPE", "string", "TYPE", "list")
	require.Equal(t, []string{"list:1"}, got)

	// In another database.
	mustDo(t, c, "OK", "SELECT", "9")
	mustDo(t, c, []any{"0", []any{}}, "SCAN", "0", "COUNT", "1000")
}

// TestScanGuarantee checks over the wire that keys present for a whole
// iteration are reported while other clients grow and shrink the keyspace.
func TestScanGuarantee(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	stable := map[string]bool{}
	for i := 0; i < 200; i++ {
		key := fmt.Sprint("stable:", i)
		k.str(0, key, "v")
		stable[key] = true
	}
	cursor := "0"
	for step := 0; ; step++ {
		require.Less(t, step, 10000)
		res, err := c.Do(ctx, "SCAN", cursor, "COUNT", "3").Result()
		require.NoError(t, err)
		pair := res.([]any)
		for _, x := range pair[1].([]any) {
			delete(stable, x.(string))
		}
		cursor = pair[0].(string)
		if cursor == "0" {
			break
		}
		switch {
		case step < 30:
			for i := 0; i < 40; i++ {
				k.str(0, fmt.Sprint("tmp:", step, ":", i), "v")
			}
		case step == 30:
			res, err := c.Do(ctx, "KEYS", "tmp:*").Result()
			require.NoError(t, err)
			del := append([]any{"DEL"}, res.([]any)...)
			mustDo(t, c, int64(len(del)-1), del...)
		}
	}
	require.Empty(t, stable, "keys missed by SCAN")
}

func TestExpire(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	k.str(0, "a", "1")
	for _, cmd := range []string{"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"} {
		lower := strings.ToLower(cmd)
		mustErr(t, c, "ERR wrong number of arguments for '"+lower+"' command", cmd, "a")
		mustErr(t, c, "ERR NX and XX, GT or LT options at the same time are not compatible", cmd, "a", "10", "NX", "XX")
		mustErr(t, c, "ERR NX and XX, GT or LT options at the same time are not compatible", cmd, "a", "10", "nx", "gt")
		mustErr(t, c, "ERR NX and XX, GT or LT options at the same time are not compatible", cmd, "a", "10", "lt", "nx")
		mustErr(t, c, "ERR GT and LT options at the same time are not compatible", cmd, "a", "10", "GT", "LT")
		mustErr(t, c, "ERR Unsupported option foo", cmd, "a", "10", "foo")
		mustErr(t, c, "ERR Unsupported option Foo", cmd, "a", "10", "NX", "Foo")
		// Options are checked before the time, the time before the key.
		mustErr(t, c, "ERR NX and XX, GT or LT options at the same time are not compatible", cmd, "a", "x", "NX", "XX")
		mustErr(t, c, "ERR value is not an integer or out of range", cmd, "a", "x")
		mustErr(t, c, "ERR value is not an integer or out of range", cmd, "nosuch", "1.5")
		mustErr(t, c, "ERR value is not an integer or out of range", cmd, "a", "+10")
		mustErr(t, c, "ERR value is not an integer or out of range", cmd, "a", "9223372036854775808")
		mustDo(t, c, int64(0), cmd, "nosuch", "100")
	}
	// Seconds below MinInt64/1000 overflow; milliseconds that low just
	// delete the key.
	mustErr(t, c, "ERR invalid expire time in 'expire' command", "EXPIRE", "a", "-9223372036854776")
	mustErr(t, c, "ERR invalid expire time in 'expireat' command", "EXPIREAT", "a", "-9223372036854775808")
	mustDo(t, c, int64(1), "PEXPIRE", "a", "-9223372036854775808")
	mustDo(t, c, int64(0), "EXISTS", "a")
	k.str(0, "a", "1")
	mustDo(t, c, int64(1), "PEXPIREAT", "a", "-9223372036854775808")
	k.str(0, "a", "1")
	mustDo(t, c, int64(1), "EXPIREAT", "a", "-9223372036854775")
	mustDo(t, c, int64(0), "EXISTS", "a")
	k.str(0, "a", "1")
	// Overflow, by unit conversion or by adding the current time.
	mustErr(t, c, "ERR invalid expire time in 'expire' command", "EXPIRE", "a", "9223372036854775807")
	mustErr(t, c, "ERR invalid expire time in 'expire' command", "EXPIRE", "a", "9223372036854775")
	mustErr(t, c, "ERR invalid expire time in 'pexpire' command", "PEXPIRE", "a", "9223372036854775807")
	mustErr(t, c, "ERR invalid expire time in 'expireat' command", "EXPIREAT", "a", "9223372036854776")
	mustDo(t, c, int64(1), "PEXPIREAT", "a", "9223372036854775807")
	mustDo(t, c, int64(9223372036854775807), "PEXPIRETIME", "a")
	mustDo(t, c, int64(1), "EXPIREAT", "a", "9223372036854775")
	mustDo(t, c, int64(9223372036854775), "EXPIRETIME", "a")

	// Conditions.
	k.str(0, "s", "v")
	mustDo(t, c, int64(0), "EXPIRE", "s", "10", "GT") // no TTL is infinite
	mustDo(t, c, int64(0), "EXPIRE", "s", "10", "XX")
	mustDo(t, c, int64(-1), "TTL", "s")
	mustDo(t, c, int64(1), "EXPIRE", "s", "10", "LT")
	mustDo(t, c, int64(10), "TTL", "s")
	mustDo(t, c, int64(0), "EXPIRE", "s", "20", "LT")
	mustDo(t, c, int64(0), "EXPIRE", "s", "5", "NX")
	mustDo(t, c, int64(1), "EXPIRE", "s", "30", "XX", "GT")
	mustDo(t, c, int64(30), "TTL", "s")
	mustDo(t, c, int64(0), "EXPIRE", "s", "29", "gt")
	mustDo(t, c, int64(1), "PEXPIRE", "s", "20000", "xx", "lt")
	mustDo(t, c, int64(20), "TTL", "s")
	k.str(0, "n", "v")
	mustDo(t, c, int64(1), "EXPIRE", "n", "100", "NX")
	mustDo(t, c, int64(100), "TTL", "n")
	mustDo(t, c, int64(1), "EXPIRE", "n", "50", "LT", "XX")
	mustDo(t, c, int64(50), "TTL", "n")

	// A time not in the future deletes the key at once and still answers 1.
	for i, args := range [][]any{
		{"EXPIRE", "d", "0"}, {"EXPIRE", "d", "-10"}, {"PEXPIRE", "d", "0"},
		{"EXPIREAT", "d", "1"}, {"PEXPIREAT", "d", "0"}, {"EXPIREAT", "d", "-5"},
		{"EXPIRE", "d", "-1", "LT"}, {"PEXPIREAT", "d", "1", "NX"},
	} {
		k.str(0, "d", "v")
		mustDo(t, c, int64(1), args...)
		mustDo(t, c, int64(0), "EXISTS", "d")
		require.Nil(t, k.value(0, "d"), "case %d", i)
	}
	mustDo(t, c, int64(0), "EXPIRE", "d", "0")

	// Deleting through EXPIRE is not counted as an expired key.
	require.Zero(t, k.eng.Stats.ExpiredKeys.Load())
}

// TestExpireActive checks that a key with a TTL disappears without being
// read: the server's active expiry cycle removes it. DBSIZE does not expire
// keys lazily, so it only drops when the cycle ran.
func TestExpireActive(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	k.str(0, "gone", "v", "stays", "v")
	mustDo(t, c, int64(1), "PEXPIRE", "gone", "1")
	require.Eventually(t, func() bool {
		n, err := c.Do(ctx, "DBSIZE").Int64()
		return err == nil && n == 1
	}, 10*time.Second, 5*time.Millisecond)
	require.Equal(t, int64(1), k.eng.Stats.ExpiredKeys.Load())
	require.Equal(t, "v", k.value(0, "stays"))
}

func TestTTL(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
		mustDo(t, c, int64(-2), cmd, "nosuch")
		mustErr(t, c, "ERR wrong number of arguments for '"+strings.ToLower(cmd)+"' command", cmd)
	}
	k.str(0, "k", "v")
	for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
		mustDo(t, c, int64(-1), cmd, "k")
	}
	mustDo(t, c, int64(1), "EXPIRE", "k", "100")
	mustDo(t, c, int64(100), "TTL", "k")
	pttl, err := c.Do(ctx, "PTTL", "k").Int64()
	require.NoError(t, err)
	require.InDelta(t, 100000, pttl, 5000)
	at, err := c.Do(ctx, "PEXPIRETIME", "k").Int64()
	require.NoError(t, err)
	require.InDelta(t, time.Now().Add(100*time.Second).UnixMilli(), at, 5000)
	mustDo(t, c, (at+500)/1000, "EXPIRETIME", "k")

	// Seconds are rounded to the nearest.
	mustDo(t, c, int64(1), "PEXPIRE", "k", "10400")
	mustDo(t, c, int64(10), "TTL", "k")
	mustDo(t, c, int64(1), "PEXPIRE", "k", "10900")
	mustDo(t, c, int64(11), "TTL", "k")
	mustDo(t, c, int64(1), "PEXPIREAT", "k", "4102444800499")
	mustDo(t, c, int64(4102444800), "EXPIRETIME", "k")
	mustDo(t, c, int64(4102444800499), "PEXPIRETIME", "k")
	mustDo(t, c, int64(1), "PEXPIREAT", "k", "4102444800500")
	mustDo(t, c, int64(4102444801), "EXPIRETIME", "k")

	// PERSIST.
	mustDo(t, c, int64(1), "PERSIST", "k")
	mustDo(t, c, int64(-1), "TTL", "k")
	mustDo(t, c, int64(0), "PERSIST", "k")
	mustDo(t, c, int64(0), "PERSIST", "nosuch")
	mustErr(t, c, "ERR wrong number of arguments for 'persist' command", "PERSIST")
}

func TestRename(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	mustErr(t, c, "ERR no such key", "RENAME", "nosuch", "x")
	mustErr(t, c, "ERR no such key", "RENAME", "nosuch", "nosuch")
	mustErr(t, c, "ERR no such key", "RENAMENX", "nosuch", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'rename' command", "RENAME", "a")
	mustErr(t, c, "ERR wrong number of arguments for 'renamenx' command", "RENAMENX", "a", "b", "c")

	k.str(0, "a", "1")
	mustDo(t, c, "OK", "RENAME", "a", "a")
	mustDo(t, c, int64(0), "RENAMENX", "a", "a")
	mustDo(t, c, int64(1), "EXPIRE", "a", "100")
	mustDo(t, c, "OK", "RENAME", "a", "b")
	mustDo(t, c, int64(0), "EXISTS", "a")
	require.Equal(t, "1", k.value(0, "b"))
	mustDo(t, c, int64(100), "TTL", "b") // RENAME keeps the TTL

	// Overwrite: the destination's type and TTL go.
	k.list(0, "l", "x", "y")
	mustDo(t, c, int64(1), "PERSIST", "b")
	mustDo(t, c, int64(1), "EXPIRE", "l", "50")
	mustDo(t, c, "OK", "RENAME", "b", "l")
	mustDo(t, c, "string", "TYPE", "l")
	mustDo(t, c, int64(-1), "TTL", "l")
	k.list(0, "l2", "p", "q")
	mustDo(t, c, "OK", "RENAME", "l2", "l")
	require.Equal(t, []string{"p", "q"}, k.value(0, "l"))

	// RENAMENX.
	k.str(0, "x", "X", "y", "Y")
	mustDo(t, c, int64(0), "RENAMENX", "x", "y")
	require.Equal(t, "X", k.value(0, "x"))
	mustDo(t, c, int64(1), "RENAMENX", "x", "z")
	require.Equal(t, "X", k.value(0, "z"))
	mustDo(t, c, int64(0), "EXISTS", "x")

	// Only the selected database is involved.
	k.str(1, "x", "db1")
	mustDo(t, c, int64(1), "RENAMENX", "z", "x")
	require.Equal(t, "db1", k.value(1, "x"))
	require.Equal(t, "X", k.value(0, "x"))
}

func TestRenameWatch(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	other := testutil.Client(t, k.addr, 2)
	for _, cmd := range [][]any{
		{"RENAME", "src", "dst"}, {"RENAME", "dst", "src"}, {"RENAMENX", "src", "new"},
		{"MOVE", "src", "1"}, {"COPY", "src", "dst", "REPLACE"}, {"EXPIRE", "dst", "10"},
		{"PEXPIREAT", "src", "1"}, {"PERSIST", "dst"}, {"DEL", "dst"}, {"UNLINK", "src"},
		{"FLUSHDB"}, {"FLUSHALL", "ASYNC"},
	} {
		k.eng.Exec(func(tx *broker.Tx) {
			tx.FlushAll()
			db := tx.DB(0)
			db.Set("src", broker.NewString([]byte("1")), false)
			db.Set("dst", broker.NewString([]byte("2")), false)
			require.True(t, db.Expire("dst", tx.NowMs()+100000, 0))
		})
		mustDo(t, c, "OK", "WATCH", "src", "dst")
		_, err := other.Do(ctx, cmd...).Result()
		require.NoError(t, err, "%v", cmd)
		mustDo(t, c, "OK", "MULTI")
		mustDo(t, c, "QUEUED", "DBSIZE")
		_, err = c.Do(ctx, "EXEC").Result()
		require.ErrorIs(t, err, redis.Nil, "EXEC after %v must abort", cmd)
	}
	// Commands that change nothing leave the transaction alone.
	k.str(0, "src", "1", "dst", "2")
	for _, cmd := range [][]any{
		{"RENAMENX", "src", "dst"}, {"RENAME", "src", "src"}, {"MOVE", "nosuch", "1"},
		{"COPY", "src", "dst"}, {"EXPIRE", "src", "10", "XX"}, {"PERSIST", "src"},
		{"DEL", "nosuch"}, {"EXISTS", "src"}, {"TYPE", "dst"}, {"TTL", "dst"}, {"SCAN", "0"}, {"KEYS", "*"},
	} {
		mustDo(t, c, "OK", "WATCH", "src", "dst")
		_, err := other.Do(ctx, cmd...).Result()
		require.NoError(t, err, "%v", cmd)
		mustDo(t, c, "OK", "MULTI")
		mustDo(t, c, "QUEUED", "DBSIZE")
		mustDo(t, c, []any{int64(2)}, "EXEC")
	}
	// Inside MULTI the commands run atomically with EXEC's lock held.
	k.str(0, "m", "v")
	mustDo(t, c, "OK", "MULTI")
	mustDo(t, c, "QUEUED", "RENAME", "m", "n")
	mustDo(t, c, "QUEUED", "MOVE", "n", "2")
	mustDo(t, c, "QUEUED", "COPY", "nosuch", "n")
	mustDo(t, c, "QUEUED", "RENAME", "nosuch", "n")
	mustDo(t, c, "QUEUED", "TYPE", "n")
	res, err := c.Do(ctx, "EXEC").Result()
	require.NoError(t, err)
	list := res.([]any)
	require.Equal(t, "OK", list[0])
	require.Equal(t, int64(1), list[1])
	require.Equal(t, int64(0), list[2])
	require.EqualError(t, list[3].(error), "ERR no such key")
	require.Equal(t, "none", list[4])
	require.Equal(t, "v", k.value(2, "n"))
}

// TestRenameWakesBlocked checks that RENAME, MOVE and COPY serve BLPOP
// clients blocked on the destination (Redis's dbAdd signals the key as
// ready). It needs BLPOP from the list family.
func TestRenameWakesBlocked(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	k.list(0, "probe", "x")
	if _, err := c.Do(ctx, "BLPOP", "probe", "1").Result(); err != nil && strings.Contains(err.Error(), "unknown command") {
		t.Skip("BLPOP is not registered yet (list family)")
	}
	blocked := func(db int, key string) chan []any {
		bc := testutil.Client(t, k.addr, 2)
		if db != 0 {
			mustDo(t, bc, "OK", "SELECT", strconv.Itoa(db))
		}
		before := k.eng.Stats.BlockedNow.Load()
		out := make(chan []any, 1)
		go func() {
			res, err := bc.Do(ctx, "BLPOP", key, "10").Result()
			if err != nil {
				out <- []any{err.Error()}
				return
			}
			out <- res.([]any)
		}()
		require.Eventually(t, func() bool { return k.eng.Stats.BlockedNow.Load() > before }, 10*time.Second, time.Millisecond)
		return out
	}
	wait := func(ch chan []any) []any {
		select {
		case v := <-ch:
			return v
		case <-time.After(10 * time.Second):
			t.Fatal("blocked client not served")
			return nil
		}
	}

	got := blocked(0, "dst")
	k.list(0, "src", "a", "b")
	mustDo(t, c, "OK", "RENAME", "src", "dst")
	require.Equal(t, []any{"dst", "a"}, wait(got))
	require.Equal(t, []string{"b"}, k.value(0, "dst"))

	got = blocked(1, "dst")
	mustDo(t, c, int64(1), "MOVE", "dst", "1")
	require.Equal(t, []any{"dst", "b"}, wait(got))

	got = blocked(2, "copy")
	k.list(0, "orig", "c")
	mustDo(t, c, int64(1), "COPY", "orig", "copy", "DB", "2")
	require.Equal(t, []any{"copy", "c"}, wait(got))
	require.Equal(t, []string{"c"}, k.value(0, "orig"))
}

func TestMove(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	k.str(0, "a", "1")
	mustErr(t, c, "ERR DB index is out of range", "MOVE", "a", "16")
	mustErr(t, c, "ERR DB index is out of range", "MOVE", "a", "-1")
	mustErr(t, c, "ERR value is not an integer or out of range", "MOVE", "a", "x")
	mustErr(t, c, "ERR value is not an integer or out of range", "MOVE", "a", "01")
	mustErr(t, c, "ERR value is out of range, value must between -2147483648 and 2147483647", "MOVE", "a", "99999999999")
	mustErr(t, c, "ERR source and destination objects are the same", "MOVE", "a", "0")
	mustErr(t, c, "ERR source and destination objects are the same", "MOVE", "nosuch", "0")
	mustErr(t, c, "ERR wrong number of arguments for 'move' command", "MOVE", "a")
	mustDo(t, c, int64(0), "MOVE", "nosuch", "1")

	mustDo(t, c, int64(1), "EXPIRE", "a", "100")
	mustDo(t, c, int64(1), "MOVE", "a", "15")
	mustDo(t, c, int64(0), "EXISTS", "a")
	require.Equal(t, "1", k.value(15, "a"))
	mustDo(t, c, "OK", "SELECT", "15")
	mustDo(t, c, int64(100), "TTL", "a") // the TTL moves too

	// The target already holds the key: nothing moves.
	k.str(3, "a", "three")
	mustDo(t, c, int64(0), "MOVE", "a", "3")
	require.Equal(t, "1", k.value(15, "a"))
	require.Equal(t, "three", k.value(3, "a"))

	// Lists move whole.
	k.list(15, "l", "x", "y")
	mustDo(t, c, int64(1), "MOVE", "l", "0")
	require.Equal(t, []string{"x", "y"}, k.value(0, "l"))
}

func TestCopy(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	k.str(0, "a", "1")
	mustErr(t, c, "ERR source and destination objects are the same", "COPY", "a", "a")
	mustErr(t, c, "ERR source and destination objects are the same", "COPY", "a", "a", "DB", "0")
	mustErr(t, c, "ERR source and destination objects are the same", "COPY", "nosuch", "nosuch")
	mustErr(t, c, "ERR DB index is out of range", "COPY", "a", "b", "DB", "16")
	mustErr(t, c, "ERR DB index is out of range", "COPY", "a", "b", "db", "-1")
	mustErr(t, c, "ERR value is not an integer or out of range", "COPY", "a", "b", "DB", "x")
	mustErr(t, c, "ERR value is out of range, value must between -2147483648 and 2147483647", "COPY", "a", "b", "DB", "99999999999")
	mustErr(t, c, "ERR syntax error", "COPY", "a", "b", "DB")
	mustErr(t, c, "ERR syntax error", "COPY", "a", "b", "foo")
	mustErr(t, c, "ERR syntax error", "COPY", "a", "b", "DESTINATION", "1") // Redis's option is DB
	mustErr(t, c, "ERR syntax error", "COPY", "a", "b", "REPLACE", "DB", "1", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'copy' command", "COPY", "a")
	mustDo(t, c, int64(0), "COPY", "nosuch", "b")

	mustDo(t, c, int64(1), "EXPIRE", "a", "100")
	mustDo(t, c, int64(1), "COPY", "a", "b")
	require.Equal(t, "1", k.value(0, "b"))
	mustDo(t, c, int64(100), "TTL", "b")
	mustDo(t, c, int64(100), "TTL", "a")

	// Existing destination: 0 unless REPLACE, which also drops its TTL.
	k.str(0, "c", "old")
	mustDo(t, c, int64(0), "COPY", "a", "c")
	require.Equal(t, "old", k.value(0, "c"))
	mustDo(t, c, int64(1), "PERSIST", "a")
	mustDo(t, c, int64(1), "EXPIRE", "c", "50")
	mustDo(t, c, int64(1), "COPY", "a", "c", "replace")
	require.Equal(t, "1", k.value(0, "c"))
	mustDo(t, c, int64(-1), "TTL", "c")

	// To another database, the same name allowed; options in any order and
	// repeated, the last DB winning.
	mustDo(t, c, int64(1), "COPY", "a", "a", "DB", "4")
	require.Equal(t, "1", k.value(4, "a"))
	mustDo(t, c, int64(1), "COPY", "a", "a", "REPLACE", "DB", "1", "db", "5", "REPLACE")
	require.Equal(t, "1", k.value(5, "a"))
	require.Nil(t, k.value(1, "a"))

	// Lists are copied deeply: changing the copy leaves the source alone.
	k.list(0, "l", "x", "y")
	mustDo(t, c, int64(1), "COPY", "l", "l2")
	k.eng.Exec(func(tx *broker.Tx) {
		o := tx.DB(0).Lookup("l2")
		o.List.PushRight([]byte("z"))
		o.List.Index(0)[0] = 'X'
	})
	require.Equal(t, []string{"x", "y"}, k.value(0, "l"))
	require.Equal(t, []string{"X", "y", "z"}, k.value(0, "l2"))
	mustDo(t, c, "list", "TYPE", "l2")
}

func TestFlush(t *testing.T) {
	k := newKeysEnv(t)
	c := k.c
	fill := func() {
		for db := 0; db < broker.NumDBs; db++ {
			k.str(db, "a", "1", "b", "2")
		}
	}
	fill()
	mustErr(t, c, "ERR syntax error", "FLUSHDB", "foo")
	mustErr(t, c, "ERR syntax error", "FLUSHDB", "ASYNC", "SYNC")
	mustErr(t, c, "ERR syntax error", "FLUSHALL", "now")
	mustErr(t, c, "ERR syntax error", "FLUSHALL", "SYNC", "x")
	mustDo(t, c, int64(2), "DBSIZE")

	mustDo(t, c, "OK", "FLUSHDB")
	mustDo(t, c, int64(0), "DBSIZE")
	require.Equal(t, "1", k.value(1, "a"))
	mustDo(t, c, "OK", "SELECT", "1")
	mustDo(t, c, "OK", "FLUSHDB", "async")
	mustDo(t, c, "OK", "FLUSHDB", "SYNC")
	require.Nil(t, k.value(1, "a"))
	require.Equal(t, "1", k.value(2, "a"))

	// The broker's own namespace survives FLUSHALL.
	k.eng.Exec(func(tx *broker.Tx) { tx.BrokerDB().Set("queue:q", broker.NewListObject(), false) })
	mustDo(t, c, "OK", "FLUSHALL")
	for db := 0; db < broker.NumDBs; db++ {
		require.Nil(t, k.value(db, "a"), "db %d", db)
	}
	k.eng.Exec(func(tx *broker.Tx) { require.NotNil(t, tx.BrokerDB().Lookup("queue:q")) })
	fill()
	mustDo(t, c, "OK", "FLUSHALL", "ASYNC")
	mustDo(t, c, int64(0), "DBSIZE")
	fill()
	mustDo(t, c, "OK", "flushall", "sync")
	require.Nil(t, k.value(15, "b"))

	// Keys with a TTL go too, and the TTL index with them.
	mustDo(t, c, "OK", "SELECT", "0")
	k.str(0, "t", "v")
	mustDo(t, c, int64(1), "EXPIRE", "t", "100")
	mustDo(t, c, "OK", "FLUSHDB")
	k.eng.Exec(func(tx *broker.Tx) { require.Zero(t, tx.DB(0).ExpiresLen()) })
	mustDo(t, c, int64(-2), "TTL", "t")
}

// TestKeysAgainstRedis runs the same commands on Switchyard and on a real
// redis-server and compares the raw replies byte for byte, in RESP2 and
// RESP3. Only replies that do not depend on time or hashing are compared.
func TestKeysAgainstRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	raddr := testutil.StartRedis(t)
	script := [][]string{
		{"EXISTS", "a", "a", "l", "nosuch"}, {"TOUCH", "a", "nosuch"}, {"TYPE", "a"}, {"TYPE", "l"}, {"TYPE", "nosuch"},
		{"KEYS", "a"}, {"KEYS", "nomatch"}, {"KEYS", "[l]"}, {"DBSIZE"},
		{"SCAN", "x"}, {"SCAN", " 0"}, {"SCAN", "0", "COUNT", "0"}, {"SCAN", "0", "COUNT", "x"}, {"SCAN", "0", "MATCH"},
		{"SCAN", "0", "TYPE", "nosuch"}, {"SCAN", "0", "FOO", "x"}, {"SCAN", "0", "MATCH", "nomatch", "COUNT", "1000"},
		{"SCAN", "0", "MATCH", "a", "COUNT", "1000"}, {"SCAN", "0", "TYPE", "LIST", "MATCH", "list*", "COUNT", "1000"}, {"SCAN", "0", "TYPE", "string", "MATCH", "l*", "COUNT", "1000"},
		{"EXPIRE", "a", "10", "NX", "XX"}, {"EXPIRE", "a", "10", "GT", "LT"}, {"PEXPIRE", "a", "10", "bad"},
		{"EXPIRE", "a", "x"}, {"EXPIRE", "a", "9223372036854775807"}, {"EXPIREAT", "a", "-9223372036854775808"},
		{"EXPIRE", "nosuch", "10"}, {"EXPIRE", "a", "10", "GT"}, {"EXPIRE", "a", "10", "XX"},
		{"PEXPIREAT", "a", "4102444800500"}, {"EXPIRETIME", "a"}, {"PEXPIRETIME", "a"},
		{"EXPIRE", "a", "100000000", "LT"}, {"PEXPIREAT", "a", "4102444800000", "LT"},
		{"PEXPIREAT", "a", "4102444800999", "GT"}, {"EXPIRETIME", "a"},
		{"PERSIST", "a"}, {"PERSIST", "a"}, {"TTL", "a"}, {"PTTL", "nosuch"}, {"EXPIRETIME", "nosuch"},
		{"RENAME", "nosuch", "x"}, {"RENAME", "a", "a"}, {"RENAMENX", "a", "a"}, {"RENAMENX", "a", "b"},
		{"RENAME", "a", "c"}, {"TYPE", "c"}, {"RENAME", "c", "l"}, {"TYPE", "l"},
		{"MOVE", "l", "16"}, {"MOVE", "l", "-1"}, {"MOVE", "l", "x"}, {"MOVE", "l", "99999999999"}, {"MOVE", "l", "0"},
		{"MOVE", "nosuch", "1"}, {"MOVE", "b", "1"}, {"MOVE", "l", "1"}, {"DBSIZE"},
		{"COPY", "l", "l"}, {"COPY", "l", "x", "DB", "16"}, {"COPY", "l", "x", "DB"}, {"COPY", "l", "x", "FOO"},
		{"COPY", "nosuch", "x"}, {"COPY", "list2", "x"}, {"COPY", "list2", "x"}, {"COPY", "list2", "x", "REPLACE"},
		{"TYPE", "x"}, {"COPY", "list2", "list2", "DB", "3"}, {"DEL", "x", "x", "list2"}, {"UNLINK", "nosuch"},
		{"FLUSHDB", "x"}, {"FLUSHALL", "SYNC", "x"}, {"FLUSHDB", "ASYNC"}, {"RANDOMKEY"}, {"DBSIZE"},
		{"SCAN", "0"}, {"KEYS", "*"}, {"FLUSHALL"}, {"RANDOMKEY"},
		{"DEL"}, {"EXPIRE", "a"}, {"RENAME", "a"}, {"COPY", "a"}, {"TTL"}, {"KEYS"}, {"SCAN"}, {"DBSIZE", "x"},
	}
	for _, proto := range []string{"2", "3"} {
		k := newKeysEnv(t)
		k.str(0, "a", "1", "b", "2")
		k.list(0, "l", "x", "y")
		k.list(0, "list2", "p")
		k.str(1, "b", "other")
		ours := testutil.DialRaw(t, k.addr)
		ref := testutil.DialRaw(t, raddr)
		require.Equal(t, "+OK\r\n", ref.Do("FLUSHALL"))
		ref.Do("MSET", "a", "1", "b", "2")
		ref.Do("RPUSH", "l", "x", "y")
		ref.Do("RPUSH", "list2", "p")
		ref.Do("SELECT", "1")
		ref.Do("SET", "b", "other")
		ref.Do("SELECT", "0")
		if proto == "3" {
			ours.Do("HELLO", "3")
			ref.Do("HELLO", "3")
		}
		for _, cmd := range script {
			require.Equal(t, ref.Do(cmd...), ours.Do(cmd...), "RESP%s %q", proto, cmd)
		}
	}
}
