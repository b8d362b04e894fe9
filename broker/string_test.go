package broker

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testEngine returns an engine on a fake clock (start: 1,000,000 s) without
// active expiry, and a function that moves the clock forward.
func testEngine(t *testing.T) (*Engine, func(d time.Duration)) {
	t.Helper()
	now := time.UnixMilli(1_000_000_000)
	e := New(Options{Now: func() time.Time { return now }, ActiveExpireEvery: -1})
	t.Cleanup(e.Close)
	return e, func(d time.Duration) { now = now.Add(d) }
}

// in runs fn on database 0 under the engine lock.
func in(e *Engine, fn func(db *DB)) { e.Exec(func(tx *Tx) { fn(tx.DB(0)) }) }

func TestParseInt(t *testing.T) {
	good := map[string]int64{
		"0": 0, "1": 1, "-1": -1, "10": 10, "9223372036854775807": math.MaxInt64,
		"-9223372036854775808": math.MinInt64, "123456789": 123456789,
	}
	for in, want := range good {
		got, ok := ParseInt([]byte(in))
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{
		"", "-", "+1", " 1", "1 ", "01", "00", "-0", "-01", "1.0", "1e3", "0x1", "abc",
		"9223372036854775808", "-9223372036854775809", "18446744073709551616",
		"99999999999999999999", "123456789012345678901", "1\x00", "١",
	} {
		_, ok := ParseInt([]byte(in))
		require.False(t, ok, "%q", in)
	}
}

func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-1", "01", "9223372036854775808", "+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseInt([]byte(s))
		// Reference: strconv, plus Redis's canonical-form rule.
		want, err := strconv.ParseInt(s, 10, 64)
		canonical := err == nil && strconv.FormatInt(want, 10) == s
		if ok != canonical || (ok && got != want) {
			t.Fatalf("ParseInt(%q) = %d, %v; want %d, %v", s, got, ok, want, canonical)
		}
	})
}

func TestExpireDeadline(t *testing.T) {
	const now = 1_000_000_000
	for _, tc := range []struct {
		unit ExpireUnit
		arg  string
		want int64
		err  error
	}{
		{ExpireEX, "10", now + 10_000, nil},
		{ExpirePX, "10", now + 10, nil},
		{ExpireEXAT, "10", 10_000, nil},
		{ExpirePXAT, "10", 10, nil},
		{ExpirePXAT, "9223372036854775807", math.MaxInt64, nil},
		{ExpireEX, "0", 0, ErrInvalidExpire},
		{ExpirePX, "-1", 0, ErrInvalidExpire},
		{ExpireEXAT, "9223372036854776", 0, ErrInvalidExpire},  // * 1000 overflows
		{ExpireEX, "9223372036854775", 0, ErrInvalidExpire},    // + now overflows
		{ExpirePX, "9223372036854775807", 0, ErrInvalidExpire}, // + now overflows
		{ExpireEXAT, "9223372036854775", 9223372036854775000, nil},
		{ExpireEX, "1.5", 0, ErrNotInteger},
		{ExpireEX, "", 0, ErrNotInteger},
	} {
		got, err := Expire{Unit: tc.unit, Arg: []byte(tc.arg)}.Deadline(now)
		require.ErrorIs(t, err, tc.err, "%d %s", tc.unit, tc.arg)
		if tc.err == nil {
			require.NoError(t, err)
			require.Equal(t, tc.want, got, "%d %s", tc.unit, tc.arg)
		}
	}
}

func TestSetStringExpiry(t *testing.T) {
	e, advance := testEngine(t)
	in(e, func(db *DB) {
		res, err := db.SetString("k", []byte("v"), SetOptions{Expire: Expire{ExpireEX, []byte("10")}})
		require.NoError(t, err)
		require.True(t, res.Written)
		require.Equal(t, int64(1_000_010_000), db.Lookup("k").ExpireAt())
		_, err = db.SetString("k", []byte("v2"), SetOptions{KeepTTL: true})
		require.NoError(t, err)
		require.Equal(t, int64(1_000_010_000), db.Lookup("k").ExpireAt())
		n, err := db.IncrBy("n", 1)
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
	})
	advance(9999 * time.Millisecond)
	in(e, func(db *DB) {
		v, ok, err := db.GetString("k")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "v2", string(v))
	})
	advance(time.Millisecond)
	in(e, func(db *DB) {
		_, ok, err := db.GetString("k")
		require.NoError(t, err)
		require.False(t, ok, "expired at exactly its deadline")
		// An expired key counts as missing for NX and XX.
		res, err := db.SetString("k", []byte("v3"), SetOptions{XX: true})
		require.NoError(t, err)
		require.False(t, res.Written)
	})
}

func TestSetStringKeepTTLOfExpiredKey(t *testing.T) {
	e, advance := testEngine(t)
	in(e, func(db *DB) {
		_, err := db.SetString("k", []byte("v"), SetOptions{Expire: Expire{ExpirePX, []byte("5")}})
		require.NoError(t, err)
	})
	advance(5 * time.Millisecond)
	in(e, func(db *DB) {
		_, err := db.SetString("k", []byte("v2"), SetOptions{KeepTTL: true})
		require.NoError(t, err)
		require.Equal(t, int64(0), db.Lookup("k").ExpireAt(), "the old TTL died with the old key")
		require.Equal(t, 0, db.ExpiresLen())
	})
}

func TestGetExExpiry(t *testing.T) {
	e, advance := testEngine(t)
	in(e, func(db *DB) {
		db.MSet([][]byte{[]byte("k"), []byte("v")}, false)
		v, ok, err := db.GetEx("k", GetExOptions{Expire: Expire{ExpirePX, []byte("100")}})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "v", string(v))
		require.Equal(t, int64(1_000_000_100), db.Lookup("k").ExpireAt())
		require.Equal(t, 1, db.ExpiresLen())
		_, _, err = db.GetEx("k", GetExOptions{Persist: true})
		require.NoError(t, err)
		require.Equal(t, int64(0), db.Lookup("k").ExpireAt())
		require.Equal(t, 0, db.ExpiresLen())
		_, _, err = db.GetEx("k", GetExOptions{Expire: Expire{ExpireEX, []byte("1")}})
		require.NoError(t, err)
	})
	advance(time.Second)
	in(e, func(db *DB) {
		_, ok, err := db.GetEx("k", GetExOptions{Expire: Expire{ExpireEX, []byte("0")}})
		require.NoError(t, err, "a missing key is not an error, whatever the option")
		require.False(t, ok)
		require.Equal(t, 0, db.Len())
	})
}

func TestIncrKeepsTTLAndOwnership(t *testing.T) {
	e, _ := testEngine(t)
	in(e, func(db *DB) {
		// Two values cut from one buffer, as redcon hands them over.
		buf := []byte("12xy")
		db.MSet([][]byte{[]byte("a"), buf[0:2], []byte("b"), buf[2:4]}, false)
		_, err := db.Append("a", []byte("3"))
		require.NoError(t, err)
		v, _, _ := db.GetString("b")
		require.Equal(t, "xy", string(v), "APPEND to a must not write into b")
		n, err := db.IncrBy("a", 1)
		require.NoError(t, err)
		require.Equal(t, int64(124), n)
		v, _, _ = db.GetString("b")
		require.Equal(t, "xy", string(v))
		require.Equal(t, "12xy", string(buf))

		_, err = db.SetString("t", []byte("5"), SetOptions{Expire: Expire{ExpireEX, []byte("100")}})
		require.NoError(t, err)
		_, err = db.IncrBy("t", 1)
		require.NoError(t, err)
		_, err = db.IncrByFloat("t", []byte("0.5"))
		require.NoError(t, err)
		_, err = db.Append("t", []byte("0"))
		require.NoError(t, err)
		_, err = db.SetRange("t", 0, []byte("7"))
		require.NoError(t, err)
		require.Equal(t, int64(1_000_100_000), db.Lookup("t").ExpireAt())
		v, _, _ = db.GetString("t")
		require.Equal(t, "7.50", string(v))
	})
}

func TestStringWrongKind(t *testing.T) {
	e, _ := testEngine(t)
	in(e, func(db *DB) {
		db.Set("l", NewListObject(), false)
		_, _, err := db.GetString("l")
		require.ErrorIs(t, err, ErrWrongType)
		_, err = db.IncrBy("l", 1)
		require.ErrorIs(t, err, ErrWrongType)
		_, err = db.IncrByFloat("l", []byte("x"))
		require.ErrorIs(t, err, ErrWrongType)
		_, err = db.Append("l", nil)
		require.ErrorIs(t, err, ErrWrongType)
		_, err = db.StrLen("l")
		require.ErrorIs(t, err, ErrWrongType)
		_, err = db.GetRange("l", 0, 1)
		require.ErrorIs(t, err, ErrWrongType)
		_, err = db.SetRange("l", 0, nil)
		require.ErrorIs(t, err, ErrWrongType)
		_, _, err = db.GetSet("l", nil)
		require.ErrorIs(t, err, ErrWrongType)
		_, _, err = db.GetDel("l")
		require.ErrorIs(t, err, ErrWrongType)
		_, _, err = db.GetEx("l", GetExOptions{})
		require.ErrorIs(t, err, ErrWrongType)
		_, err = db.SetString("l", nil, SetOptions{Get: true})
		require.ErrorIs(t, err, ErrWrongType)
		require.Equal(t, KindList, db.Lookup("l").Kind, "failed commands left the list alone")
		var got []bool
		db.MGet([][]byte{[]byte("l"), []byte("none")}, func(_ []byte, ok bool) { got = append(got, ok) })
		require.Equal(t, []bool{false, false}, got)
		_, err = db.SetString("l", []byte("s"), SetOptions{})
		require.NoError(t, err)
		require.Equal(t, KindString, db.Lookup("l").Kind)
	})
}

func TestSetRangeGrowth(t *testing.T) {
	e, _ := testEngine(t)
	in(e, func(db *DB) {
		n, err := db.SetRange("s", 2, []byte("ab"))
		require.NoError(t, err)
		require.Equal(t, 4, n)
		for i := 0; i < 50; i++ {
			n, err = db.SetRange("s", int64(n+1), []byte("c"))
			require.NoError(t, err)
		}
		v, _, _ := db.GetString("s")
		require.Len(t, v, 104)
		for i := 4; i < len(v); i++ {
			want := byte(0)
			if i%2 == 1 {
				want = 'c'
			}
			require.Equal(t, want, v[i], "byte %d", i)
		}
		_, err = db.SetRange("s", -1, []byte("x"))
		require.ErrorIs(t, err, ErrOffsetOutOfRange)
		_, err = db.SetRange("s", MaxStringLen, []byte("x"))
		require.ErrorIs(t, err, ErrStringTooLong)
		_, err = db.SetRange("s", math.MaxInt64, []byte("x"))
		require.ErrorIs(t, err, ErrStringTooLong)
	})
}

func TestStringStats(t *testing.T) {
	e, _ := testEngine(t)
	hits, misses := func() int64 { return e.Stats.KeyspaceHits.Load() }, func() int64 { return e.Stats.KeyspaceMiss.Load() }
	in(e, func(db *DB) {
		db.GetString("none")
		_, _ = db.IncrBy("n", 1) // a write lookup: not counted
		_, _ = db.Append("n", []byte("1"))
		db.GetString("n")
	})
	require.Equal(t, int64(1), hits())
	require.Equal(t, int64(1), misses())
}
