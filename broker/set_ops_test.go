package broker_test

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

// setMembers returns the set at key in Range order.
func setMembers(t testing.TB, db *broker.DB, key string) []string {
	t.Helper()
	s, err := db.LookupSet(key)
	require.NoError(t, err)
	if s == nil {
		return nil
	}
	var out []string
	s.Range(func(m []byte) bool { out = append(out, string(m)); return true })
	require.Len(t, out, s.Len())
	return out
}

func setEncoding(t testing.TB, db *broker.DB, key string) string {
	t.Helper()
	s, err := db.LookupSet(key)
	require.NoError(t, err)
	require.NotNil(t, s, key)
	return s.Encoding()
}

// isInt reports whether m is an integer member for an intset.
func isInt(m string) bool {
	_, ok := broker.ParseInt([]byte(m))
	return ok
}

// sortedInts returns members sorted numerically (they must be integers).
func sortedInts(ms []string) []string {
	out := slices.Clone(ms)
	slices.SortFunc(out, func(a, b string) int {
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return out
}

// TestSetModel applies random set writes to the engine and to a map and
// compares contents and encoding after each one: an intset (members in
// ascending order) while every member ever added was an integer and there
// were never more than 512, a table otherwise.
func TestSetModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	e := newHashEngine(t)
	ref := map[string]bool{}
	table := false
	member := func() string {
		switch rng.IntN(30) {
		case 0:
			return "m" + strconv.Itoa(rng.IntN(10))
		case 1:
			return "007"
		case 2, 3, 4, 5:
			return strconv.Itoa(rng.IntN(700))
		}
		return strconv.Itoa(rng.IntN(40) - 20)
	}
	for step := range 5000 {
		e.Exec(func(tx *broker.Tx) {
			db := tx.DB(0)
			switch rng.IntN(5) {
			case 0, 1:
				var ms [][]byte
				want := 0
				for range 1 + rng.IntN(8) {
					m := member()
					if !isInt(m) { // converts an intset; creates a table
						table = true
					}
					if !ref[m] {
						want++
						ref[m] = true
						if len(ref) > broker.SetMaxIntsetEntries {
							table = true
						}
					}
					ms = append(ms, []byte(m))
				}
				n, err := db.SAdd("s", ms)
				require.NoError(t, err)
				require.Equal(t, want, n, "step %d", step)
			case 2:
				var ms [][]byte
				want := 0
				for range 1 + rng.IntN(8) {
					m := member()
					if ref[m] {
						want++
						delete(ref, m)
					}
					ms = append(ms, []byte(m))
				}
				n, err := db.SRem("s", ms)
				require.NoError(t, err)
				require.Equal(t, want, n, "step %d", step)
			case 3:
				m := member()
				ok, err := db.SIsMember("s", []byte(m))
				require.NoError(t, err)
				require.Equal(t, ref[m], ok)
			case 4:
				if rng.IntN(10) != 0 {
					break
				}
				m, ok, err := db.SPop("s")
				require.NoError(t, err)
				require.Equal(t, len(ref) > 0, ok)
				if ok {
					require.True(t, ref[string(m)], "popped %q", m)
					delete(ref, string(m))
				}
			}
			if len(ref) == 0 {
				require.False(t, db.Exists("s"), "an empty set is deleted")
				table = false
				return
			}
			got := setMembers(t, db, "s")
			want := slices.Collect(maps.Keys(ref))
			if table {
				require.Equal(t, "hashtable", setEncoding(t, db, "s"), "step %d", step)
				requireSameElements(t, want, got, "step %d", step)
			} else {
				require.Equal(t, "intset", setEncoding(t, db, "s"), "step %d", step)
				require.Equal(t, sortedInts(want), got, "ascending while an intset, step %d", step)
			}
			n, err := db.SCard("s")
			require.NoError(t, err)
			require.Equal(t, len(ref), n)
		})
	}
}

func bs(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func strs(bb [][]byte) []string {
	out := make([]string, len(bb))
	for i, b := range bb {
		out[i] = string(b)
	}
	return out
}

func TestSetEncodingLimits(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		var ms [][]byte
		for i := range broker.SetMaxIntsetEntries {
			ms = append(ms, []byte(strconv.Itoa(i*2)))
		}
		n, err := db.SAdd("i", ms)
		require.NoError(t, err)
		require.Equal(t, broker.SetMaxIntsetEntries, n)
		require.Equal(t, "intset", setEncoding(t, db, "i"))
		_, _ = db.SAdd("i", bs("1"))
		require.Equal(t, "hashtable", setEncoding(t, db, "i"), "513 members")

		_, _ = db.SAdd("a", bs("5", "-3", "9223372036854775807", "-9223372036854775808"))
		require.Equal(t, []string{"-9223372036854775808", "-3", "5", "9223372036854775807"}, setMembers(t, db, "a"))
		ok, _ := db.SIsMember("a", []byte("05"))
		require.False(t, ok, "05 is not the integer 5")
		ok, _ = db.SIsMember("a", []byte("-3"))
		require.True(t, ok)
		_, _ = db.SAdd("a", bs("9223372036854775808"))
		require.Equal(t, "hashtable", setEncoding(t, db, "a"), "past int64 is a string")
		_, _ = db.SRem("a", bs("9223372036854775808"))
		require.Equal(t, "hashtable", setEncoding(t, db, "a"), "never converted back")

		_, _ = db.SAdd("t", bs("x", "1"))
		require.Equal(t, "hashtable", setEncoding(t, db, "t"))
		_, _ = db.SAdd("u", bs("1", "x"))
		require.Equal(t, "hashtable", setEncoding(t, db, "u"))
	})
}

func TestSetPopCount(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		ms, exists, err := db.SPopCount("none", 3)
		require.NoError(t, err)
		require.False(t, exists)
		require.Empty(t, ms)

		fill := func(key string, members ...string) {
			db.Delete(key)
			_, err := db.SAdd(key, bs(members...))
			require.NoError(t, err)
		}
		all := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "a", "b"}
		// count 0: nothing.
		fill("s", all...)
		ms, exists, err = db.SPopCount("s", 0)
		require.NoError(t, err)
		require.True(t, exists)
		require.Empty(t, ms)
		// count >= size: everything, key deleted.
		ms, _, _ = db.SPopCount("s", 100)
		require.ElementsMatch(t, all, strs(ms))
		require.False(t, db.Exists("s"))
		// Few popped (random removal) and many popped (rebuild).
		for _, count := range []int{1, 2, 5, 9, 10, 11} {
			fill("s", all...)
			db.SetExpire("s", db.Lookup("s"), time.Now().Add(time.Hour).UnixMilli())
			exp := db.Lookup("s").ExpireAt()
			ms, _, err := db.SPopCount("s", count)
			require.NoError(t, err)
			require.Len(t, ms, count)
			left := setMembers(t, db, "s")
			require.Len(t, left, len(all)-count)
			require.ElementsMatch(t, all, append(strs(ms), left...), "popped and left partition the set")
			require.Equal(t, exp, db.Lookup("s").ExpireAt(), "TTL kept")
			intsLeft := !slices.ContainsFunc(left, func(m string) bool { return !isInt(m) })
			if (len(all)-count)*5 <= count && intsLeft {
				require.Equal(t, "intset", setEncoding(t, db, "s"), "rebuilt from integers only")
				require.Equal(t, sortedInts(left), left)
			}
		}
		// An intset pops integers as strings.
		fill("i", "10", "-2", "33")
		m, ok, err := db.SPop("i")
		require.NoError(t, err)
		require.True(t, ok)
		require.Contains(t, []string{"10", "-2", "33"}, string(m))
	})
}

func TestSetCombine(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		_, _ = db.SAdd("a", bs("1", "2", "3", "4"))
		_, _ = db.SAdd("b", bs("3", "4", "5"))
		_, _ = db.SAdd("c", bs("x", "y", "3"))
		db.Set("str", broker.NewString([]byte("v")), false)
		for _, tc := range []struct {
			op   broker.SetOp
			keys []string
			want []string
		}{
			{broker.SetInter, []string{"a", "b"}, []string{"3", "4"}},
			{broker.SetInter, []string{"a", "b", "c"}, []string{"3"}},
			{broker.SetInter, []string{"a", "a"}, []string{"1", "2", "3", "4"}},
			{broker.SetInter, []string{"a", "missing"}, nil},
			{broker.SetUnion, []string{"a", "b"}, []string{"1", "2", "3", "4", "5"}},
			{broker.SetUnion, []string{"missing", "c"}, []string{"x", "y", "3"}},
			{broker.SetDiff, []string{"a", "b"}, []string{"1", "2"}},
			{broker.SetDiff, []string{"a", "missing", "c"}, []string{"1", "2", "4"}},
			{broker.SetDiff, []string{"a", "a"}, nil},
			{broker.SetDiff, []string{"missing", "a"}, nil},
		} {
			got, err := db.SetCombine(tc.op, tc.keys)
			require.NoError(t, err)
			require.ElementsMatch(t, tc.want, strs(got), "%v %v", tc.op, tc.keys)
			n, err := db.SetCombineStore(tc.op, "dst", tc.keys)
			require.NoError(t, err)
			require.Equal(t, len(tc.want), n)
			require.ElementsMatch(t, tc.want, setMembers(t, db, "dst"))
			require.Equal(t, len(tc.want) > 0, db.Exists("dst"), "an empty result deletes dst")
			card, err := db.SInterCard(tc.keys, 0)
			require.NoError(t, err)
			if tc.op == broker.SetInter {
				require.Equal(t, len(tc.want), card)
			}
		}
		// Integer results come out ascending (the result is an intset).
		got, _ := db.SetCombine(broker.SetUnion, []string{"b", "a"})
		require.Equal(t, []string{"1", "2", "3", "4", "5"}, strs(got))
		// Every key is type-checked, even after a missing one.
		for _, op := range []broker.SetOp{broker.SetInter, broker.SetUnion, broker.SetDiff} {
			_, err := db.SetCombine(op, []string{"missing", "str"})
			require.ErrorIs(t, err, broker.ErrWrongType)
			_, err = db.SetCombineStore(op, "dst", []string{"missing", "str"})
			require.ErrorIs(t, err, broker.ErrWrongType)
		}
		_, err := db.SInterCard([]string{"missing", "str"}, 0)
		require.ErrorIs(t, err, broker.ErrWrongType)
		// STORE replaces any kind and drops the TTL.
		db.SetExpire("str", db.Lookup("str"), time.Now().Add(time.Hour).UnixMilli())
		n, err := db.SetCombineStore(broker.SetUnion, "str", []string{"a"})
		require.NoError(t, err)
		require.Equal(t, 4, n)
		require.Zero(t, db.Lookup("str").ExpireAt())
		// SINTERCARD stops at the limit.
		for limit, want := range []int{4, 1, 2, 3, 4, 4} {
			card, err := db.SInterCard([]string{"a"}, limit)
			require.NoError(t, err)
			require.Equal(t, want, card, "limit %d", limit)
		}
	})
}

func TestSMove(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		db.Set("str", broker.NewString([]byte("v")), false)
		_, _ = db.SAdd("a", bs("1", "x"))
		ok, err := db.SMove("missing", "str", []byte("1"))
		require.NoError(t, err, "a missing source never checks the destination")
		require.False(t, ok)
		_, err = db.SMove("a", "str", []byte("1"))
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.SMove("str", "a", []byte("1"))
		require.ErrorIs(t, err, broker.ErrWrongType)
		ok, _ = db.SMove("a", "a", []byte("1"))
		require.True(t, ok)
		ok, _ = db.SMove("a", "a", []byte("2"))
		require.False(t, ok)
		ok, _ = db.SMove("a", "new", []byte("1"))
		require.True(t, ok)
		require.Equal(t, "intset", setEncoding(t, db, "new"), "created for an integer member")
		ok, _ = db.SMove("a", "new", []byte("1"))
		require.False(t, ok)
		ok, _ = db.SMove("a", "new", []byte("x"))
		require.True(t, ok)
		require.False(t, db.Exists("a"), "emptied source deleted")
		require.ElementsMatch(t, []string{"1", "x"}, setMembers(t, db, "new"))
	})
}

func TestSetWatch(t *testing.T) {
	e := newHashEngine(t)
	for _, tc := range []struct {
		name  string
		write func(db *broker.DB)
		dirty bool
	}{
		{"sadd new", func(db *broker.DB) { _, _ = db.SAdd("s", bs("9")) }, true},
		{"sadd existing", func(db *broker.DB) { _, _ = db.SAdd("s", bs("1")) }, false},
		{"srem", func(db *broker.DB) { _, _ = db.SRem("s", bs("1")) }, true},
		{"srem missing", func(db *broker.DB) { _, _ = db.SRem("s", bs("nope")) }, false},
		{"spop", func(db *broker.DB) { _, _, _ = db.SPop("s") }, true},
		{"spop 0", func(db *broker.DB) { _, _, _ = db.SPopCount("s", 0) }, false},
		{"spop 2", func(db *broker.DB) { _, _, _ = db.SPopCount("s", 2) }, true},
		{"smove from", func(db *broker.DB) { _, _ = db.SMove("s", "o", []byte("1")) }, true},
		{"smove to", func(db *broker.DB) { _, _ = db.SMove("o", "s", []byte("z")) }, true},
		{"smove nothing", func(db *broker.DB) { _, _ = db.SMove("s", "o", []byte("nope")) }, false},
		{"sinterstore", func(db *broker.DB) { _, _ = db.SetCombineStore(broker.SetInter, "s", []string{"o"}) }, true},
		{"sunionstore empty", func(db *broker.DB) { _, _ = db.SetCombineStore(broker.SetUnion, "s", []string{"none"}) }, true},
		{"sinter", func(db *broker.DB) { _, _ = db.SetCombine(broker.SetInter, []string{"s"}) }, false},
	} {
		w := broker.NewWatchSet()
		e.Exec(func(tx *broker.Tx) {
			db := tx.DB(0)
			db.Delete("s")
			db.Delete("o")
			_, _ = db.SAdd("s", bs("1", "2", "3"))
			_, _ = db.SAdd("o", bs("z"))
			w.Watch(db, "s")
			tc.write(db)
			require.Equal(t, tc.dirty, w.Dirty, tc.name)
			w.Clear()
		})
	}
}

// TestSetScanGuarantee: a full SSCAN iteration returns every member present
// for the whole iteration despite churn between calls.
func TestSetScanGuarantee(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 4))
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		var stay [][]byte
		for i := range 3000 {
			stay = append(stay, []byte("stay"+strconv.Itoa(i)))
		}
		_, _ = db.SAdd("s", stay)
		seen := map[string]bool{}
		var cursor uint64
		for calls := 1; ; calls++ {
			s, _ := db.LookupSet("s")
			cursor = s.Scan(cursor, 1+rng.IntN(30), func(m []byte) { seen[string(m)] = true })
			if calls%5 == 0 {
				var tmp [][]byte
				for range 800 {
					tmp = append(tmp, []byte("tmp"+strconv.Itoa(rng.IntN(10000))))
				}
				if rng.IntN(2) == 0 {
					_, _ = db.SAdd("s", tmp)
				} else {
					_, _ = db.SRem("s", tmp)
				}
			}
			if cursor == 0 {
				break
			}
		}
		for _, m := range stay {
			require.True(t, seen[string(m)], "%s missing", m)
		}
		// An intset is returned whole whatever the cursor.
		_, _ = db.SAdd("i", bs("3", "1", "2"))
		s, _ := db.LookupSet("i")
		var got []string
		require.Zero(t, s.Scan(12345, 1, func(m []byte) { got = append(got, string(m)) }))
		require.Equal(t, []string{"1", "2", "3"}, got)
	})
}

func TestSetRandom(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		for _, members := range [][]string{
			{"1", "2", "3", "4", "5", "6", "7"},
			{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"},
		} {
			key := members[0]
			_, _ = db.SAdd(key, bs(members...))
			s, _ := db.LookupSet(key)
			for count := 1; count < len(members); count++ {
				got := map[string]bool{}
				s.RandomDistinct(count, func(m []byte) {
					require.False(t, got[string(m)], "duplicate %s", m)
					got[string(m)] = true
				})
				require.Len(t, got, count)
				for m := range got {
					require.Contains(t, members, m)
				}
			}
			hits := map[string]bool{}
			for range 1000 {
				hits[string(s.Random())] = true
			}
			require.Len(t, hits, len(members))
		}
	})
}

// BenchmarkSAdd1M adds b.N members ("member:<n>") to one set and reports
// the heap per member; run it with -benchtime=1000000x for the 1M figure.
func BenchmarkSAdd1M(b *testing.B) {
	e := newHashEngine(b)
	before := heapAfterGC()
	b.ReportAllocs()
	b.ResetTimer()
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		m := make([][]byte, 1)
		for i := range b.N {
			m[0] = strconv.AppendInt([]byte("member:"), int64(i), 10)
			if _, err := db.SAdd("s", m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	after := heapAfterGC()
	b.ReportMetric(float64(after-before)/float64(b.N), "heap-B/member")
}

// BenchmarkSAddInts1M is BenchmarkSAdd1M with integer members (an intset
// up to 512 members, then a table).
func BenchmarkSAddInts1M(b *testing.B) {
	e := newHashEngine(b)
	before := heapAfterGC()
	b.ResetTimer()
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		m := make([][]byte, 1)
		for i := range b.N {
			m[0] = strconv.AppendInt(m[0][:0], int64(i), 10)
			if _, err := db.SAdd("s", m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(heapAfterGC()-before)/float64(b.N), "heap-B/member")
}

// BenchmarkSPop pops from a set that is refilled as it empties.
func BenchmarkSPop(b *testing.B) {
	e := newHashEngine(b)
	members := make([][]byte, 1<<16)
	for i := range members {
		members[i] = []byte("member:" + strconv.Itoa(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		for i := range b.N {
			if i%len(members) == 0 {
				_, _ = db.SAdd("s", members)
			}
			if _, ok, _ := db.SPop("s"); !ok {
				b.Fatal("empty")
			}
		}
	})
}
