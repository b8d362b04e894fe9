package broker_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

func newHashEngine(t testing.TB) *broker.Engine {
	t.Helper()
	e := broker.New(broker.Options{ActiveExpireEvery: -1})
	t.Cleanup(e.Close)
	return e
}

// hashPairs returns the hash at key as ordered field/value pairs ("f=v").
func hashPairs(t testing.TB, db *broker.DB, key string) []string {
	t.Helper()
	h, err := db.LookupHash(key)
	require.NoError(t, err)
	if h == nil {
		return nil
	}
	var out []string
	h.Range(func(f, v []byte) bool {
		out = append(out, string(f)+"="+string(v))
		return true
	})
	require.Len(t, out, h.Len())
	return out
}

// requireSameElements is ElementsMatch for large string slices (sorting
// instead of testify's quadratic matching).
func requireSameElements(t testing.TB, want, got []string, msgAndArgs ...any) {
	t.Helper()
	w, g := slices.Clone(want), slices.Clone(got)
	slices.Sort(w)
	slices.Sort(g)
	require.Equal(t, w, g, msgAndArgs...)
}

// refHash is the reference model of a hash: fields in insertion order,
// values, and whether the real hash must have left the packed encoding.
type refHash struct {
	order     []string
	vals      map[string]string
	converted bool
}

func (r *refHash) set(f, v string) bool {
	if len(f) > broker.HashMaxPackedValue || len(v) > broker.HashMaxPackedValue {
		r.converted = true
	}
	_, ok := r.vals[f]
	if !ok {
		r.order = append(r.order, f)
	}
	r.vals[f] = v
	if len(r.vals) > broker.HashMaxPackedEntries {
		r.converted = true
	}
	return !ok
}

func (r *refHash) del(f string) bool {
	if _, ok := r.vals[f]; !ok {
		return false
	}
	delete(r.vals, f)
	r.order = slices.DeleteFunc(r.order, func(x string) bool { return x == f })
	return true
}

// TestHashModel applies random hash writes to the engine and to a reference
// model and compares contents, order (insertion order while packed) and
// encoding after each one. The seed is printed so a failure can be
// replayed.
func TestHashModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	e := newHashEngine(t)
	ref := &refHash{vals: map[string]string{}}
	field := func() string {
		switch rng.IntN(40) {
		case 0:
			return strings.Repeat("F", 65)
		case 1, 2, 3:
			return "many" + strconv.Itoa(rng.IntN(300))
		}
		return "f" + strconv.Itoa(rng.IntN(12))
	}
	value := func() string {
		if rng.IntN(60) == 0 {
			return strings.Repeat("v", 65+rng.IntN(3))
		}
		return strconv.Itoa(rng.IntN(100) - 50)
	}
	for step := range 5000 {
		e.Exec(func(tx *broker.Tx) {
			db := tx.DB(0)
			switch rng.IntN(6) {
			case 0, 1:
				var pairs [][]byte
				want := 0
				for range 1 + rng.IntN(3) {
					f, v := field(), value()
					pairs = append(pairs, []byte(f), []byte(v))
				}
				// HSET converts before writing when any argument is long.
				for _, a := range pairs {
					if len(a) > broker.HashMaxPackedValue {
						ref.converted = true
					}
				}
				for i := 0; i < len(pairs); i += 2 {
					if ref.set(string(pairs[i]), string(pairs[i+1])) {
						want++
					}
				}
				n, err := db.HSet("h", pairs)
				require.NoError(t, err)
				require.Equal(t, want, n, "step %d", step)
			case 2:
				f, v := field(), value()
				if len(f) > broker.HashMaxPackedValue || len(v) > broker.HashMaxPackedValue {
					ref.converted = true
				}
				_, exists := ref.vals[f]
				if !exists {
					ref.set(f, v)
				}
				ok, err := db.HSetNX("h", []byte(f), []byte(v))
				require.NoError(t, err)
				require.Equal(t, !exists, ok)
			case 3:
				var fields [][]byte
				want := 0
				for range 1 + rng.IntN(4) {
					f := field()
					if ref.del(f) {
						want++
					}
					fields = append(fields, []byte(f))
				}
				n, err := db.HDel("h", fields)
				require.NoError(t, err)
				require.Equal(t, want, n, "step %d", step)
			case 4:
				f := field()
				delta := int64(rng.IntN(20) - 10)
				cur, exists := ref.vals[f]
				old, err := strconv.ParseInt(cur, 10, 64)
				v, herr := db.HIncrBy("h", []byte(f), delta)
				if exists && err != nil {
					require.ErrorIs(t, herr, broker.ErrHashNotInteger)
					break
				}
				require.NoError(t, herr)
				require.Equal(t, old+delta, v)
				ref.set(f, strconv.FormatInt(old+delta, 10))
			case 5:
				f := field()
				got, ok, err := db.HGet("h", []byte(f))
				require.NoError(t, err)
				want, wantOK := ref.vals[f]
				require.Equal(t, wantOK, ok)
				require.Equal(t, want, string(got))
			}
			if len(ref.vals) == 0 {
				require.False(t, db.Exists("h"), "an empty hash is deleted")
				ref.converted = false
				return
			}
			h, err := db.LookupHash("h")
			require.NoError(t, err)
			require.Equal(t, len(ref.vals), h.Len())
			wantEnc := "listpack"
			if ref.converted {
				wantEnc = "hashtable"
			}
			require.Equal(t, wantEnc, h.Encoding(), "step %d", step)
			got := hashPairs(t, db, "h")
			var want []string
			for _, f := range ref.order {
				want = append(want, f+"="+ref.vals[f])
			}
			if !ref.converted {
				require.Equal(t, want, got, "insertion order while packed, step %d", step)
			} else {
				requireSameElements(t, want, got, "step %d", step)
			}
		})
	}
}

func TestHashEncodingLimits(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		enc := func(key string) string {
			h, err := db.LookupHash(key)
			require.NoError(t, err)
			return h.Encoding()
		}
		for i := range broker.HashMaxPackedEntries {
			_, err := db.HSet("h", [][]byte{[]byte(fmt.Sprint("f", i)), []byte("v")})
			require.NoError(t, err)
		}
		require.Equal(t, "listpack", enc("h"))
		_, _ = db.HSet("h", [][]byte{[]byte("one-more"), []byte("v")})
		require.Equal(t, "hashtable", enc("h"))

		long := []byte(strings.Repeat("x", broker.HashMaxPackedValue+1))
		edge := []byte(strings.Repeat("x", broker.HashMaxPackedValue))
		_, _ = db.HSet("edge", [][]byte{edge, edge})
		require.Equal(t, "listpack", enc("edge"))
		// HSETNX converts on a long argument even when it writes nothing.
		ok, err := db.HSetNX("edge", edge, long)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, "hashtable", enc("edge"))

		_, _ = db.HSet("incr", [][]byte{[]byte("a"), []byte("1")})
		v, err := db.HIncrByFloat("incr", []byte("a"), []byte("1e70"))
		require.NoError(t, err)
		require.Len(t, v, 71)
		require.Equal(t, "hashtable", enc("incr"), "a long HINCRBYFLOAT result converts")

		// Updating a packed value keeps its position.
		_, _ = db.HSet("ord", [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2"), []byte("c"), []byte("3")})
		_, _ = db.HSet("ord", [][]byte{[]byte("a"), []byte("longer value"), []byte("b"), []byte("")})
		_, _ = db.HDel("ord", [][]byte{[]byte("b")})
		_, _ = db.HSet("ord", [][]byte{[]byte("b"), []byte("again")})
		require.Equal(t, []string{"a=longer value", "c=3", "b=again"}, hashPairs(t, db, "ord"))
	})
}

func TestHashIncr(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		v, err := db.HIncrBy("h", []byte("n"), -5)
		require.NoError(t, err)
		require.Equal(t, int64(-5), v)
		_, err = db.HIncrBy("h", []byte("n"), -9223372036854775807+5)
		require.NoError(t, err)
		_, err = db.HIncrBy("h", []byte("n"), -10)
		require.ErrorIs(t, err, broker.ErrOverflow)
		_, _ = db.HSet("h", [][]byte{[]byte("s"), []byte("1.5"), []byte("z"), []byte("-0")})
		_, err = db.HIncrBy("h", []byte("s"), 1)
		require.ErrorIs(t, err, broker.ErrHashNotInteger)
		_, err = db.HIncrBy("h", []byte("z"), 1)
		require.ErrorIs(t, err, broker.ErrHashNotInteger, "-0 is not an integer for Redis")

		f, err := db.HIncrByFloat("h", []byte("s"), []byte("0.1"))
		require.NoError(t, err)
		require.Equal(t, "1.6", string(f))
		f, err = db.HIncrByFloat("h", []byte("f"), []byte("10.6"))
		require.NoError(t, err)
		f, err = db.HIncrByFloat("h", []byte("f"), []byte("5000"))
		require.NoError(t, err)
		require.Equal(t, "5010.60000000000000009", string(f), "long double precision")
		_, err = db.HIncrByFloat("h", []byte("f"), []byte("x"))
		require.ErrorIs(t, err, broker.ErrNotFloat)
		_, err = db.HIncrByFloat("h", []byte("f"), []byte("inf"))
		require.ErrorIs(t, err, broker.ErrNaNOrInfinity)
		_, _ = db.HSet("h", [][]byte{[]byte("w"), []byte("word"), []byte("i"), []byte("inf")})
		_, err = db.HIncrByFloat("h", []byte("w"), []byte("1"))
		require.ErrorIs(t, err, broker.ErrHashNotFloat)
		_, err = db.HIncrByFloat("h", []byte("i"), []byte("1"))
		require.ErrorIs(t, err, broker.ErrIncrNaNInf)

		// Argument errors come before the type check.
		db.Set("str", broker.NewString([]byte("v")), false)
		_, err = db.HIncrByFloat("str", []byte("f"), []byte("x"))
		require.ErrorIs(t, err, broker.ErrNotFloat)
		_, err = db.HIncrByFloat("str", []byte("f"), []byte("1"))
		require.ErrorIs(t, err, broker.ErrWrongType)
	})
}

func TestHashWrongKind(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		db.Set("s", broker.NewString([]byte("v")), false)
		_, err := db.HSet("s", [][]byte{[]byte("f"), []byte("v")})
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.HSetNX("s", []byte("f"), []byte("v"))
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, _, err = db.HGet("s", []byte("f"))
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.HDel("s", [][]byte{[]byte("f")})
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.HLen("s")
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.HIncrBy("s", []byte("f"), 1)
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.LookupHash("s")
		require.ErrorIs(t, err, broker.ErrWrongType)
		v, ok, err := db.GetString("s")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "v", string(v))
		n, err := db.HLen("missing")
		require.NoError(t, err)
		require.Zero(t, n)
		n, err = db.HDel("missing", [][]byte{[]byte("f")})
		require.NoError(t, err)
		require.Zero(t, n)
		require.False(t, db.Exists("missing"))
	})
}

// In-place writes keep the key's TTL and dirty WATCHes; writes that change
// nothing do not.
func TestHashTTLAndWatch(t *testing.T) {
	now := time.UnixMilli(1_000_000)
	e := broker.New(broker.Options{ActiveExpireEvery: -1, Now: func() time.Time { return now }})
	t.Cleanup(e.Close)
	for _, tc := range []struct {
		name  string
		write func(db *broker.DB)
		dirty bool
	}{
		{"hset", func(db *broker.DB) { _, _ = db.HSet("h", [][]byte{[]byte("a"), []byte("2")}) }, true},
		{"hset same value", func(db *broker.DB) { _, _ = db.HSet("h", [][]byte{[]byte("a"), []byte("1")}) }, true},
		{"hsetnx new", func(db *broker.DB) { _, _ = db.HSetNX("h", []byte("new"), []byte("x")) }, true},
		{"hsetnx existing", func(db *broker.DB) { _, _ = db.HSetNX("h", []byte("a"), []byte("x")) }, false},
		{"hdel", func(db *broker.DB) { _, _ = db.HDel("h", [][]byte{[]byte("b")}) }, true},
		{"hdel missing", func(db *broker.DB) { _, _ = db.HDel("h", [][]byte{[]byte("zz")}) }, false},
		{"hincrby", func(db *broker.DB) { _, _ = db.HIncrBy("h", []byte("a"), 1) }, true},
		{"hincrbyfloat", func(db *broker.DB) { _, _ = db.HIncrByFloat("h", []byte("a"), []byte("0.5")) }, true},
		{"hincrby error", func(db *broker.DB) { _, _ = db.HIncrBy("h", []byte("b"), 1) }, false},
		{"hget", func(db *broker.DB) { _, _, _ = db.HGet("h", []byte("a")) }, false},
	} {
		w := broker.NewWatchSet()
		e.Exec(func(tx *broker.Tx) {
			db := tx.DB(0)
			db.Delete("h")
			_, _ = db.HSet("h", [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("x")})
			o := db.Lookup("h")
			db.SetExpire("h", o, now.UnixMilli()+5000)
			w.Watch(db, "h")
			tc.write(db)
			require.Equal(t, tc.dirty, w.Dirty, tc.name)
			if o := db.Lookup("h"); o != nil {
				require.Equal(t, now.UnixMilli()+5000, o.ExpireAt(), "%s keeps the TTL", tc.name)
			}
			w.Clear()
		})
	}
	// An expired hash is gone for every read and write.
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		db.Delete("h")
		_, _ = db.HSet("h", [][]byte{[]byte("a"), []byte("1")})
		db.SetExpire("h", db.Lookup("h"), now.UnixMilli()+10)
	})
	now = now.Add(time.Second)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		n, err := db.HLen("h")
		require.NoError(t, err)
		require.Zero(t, n)
		added, err := db.HSet("h", [][]byte{[]byte("b"), []byte("2")})
		require.NoError(t, err)
		require.Equal(t, 1, added)
		require.Zero(t, db.Lookup("h").ExpireAt())
	})
}

// TestHashScanGuarantee: a full HSCAN iteration returns every field that
// was present for the whole iteration, while fields are added and removed
// between calls and the table grows and shrinks.
func TestHashScanGuarantee(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		for i := range 2000 {
			_, _ = db.HSet("h", [][]byte{[]byte("stay" + strconv.Itoa(i)), []byte("v")})
		}
		seen := map[string]string{}
		var cursor uint64
		calls := 0
		for {
			h, _ := db.LookupHash("h")
			cursor = h.Scan(cursor, 1+rng.IntN(20), func(f, v []byte) { seen[string(f)] = string(v) })
			calls++
			// Churn: add many (grow) or delete many (shrink) temporary fields.
			if calls%7 == 0 {
				for range 500 {
					_, _ = db.HSet("h", [][]byte{[]byte("tmp" + strconv.Itoa(rng.IntN(5000))), []byte("t")})
				}
			} else if calls%11 == 0 {
				var del [][]byte
				for i := range 5000 {
					del = append(del, []byte("tmp"+strconv.Itoa(i)))
				}
				_, _ = db.HDel("h", del)
			}
			if cursor == 0 {
				break
			}
		}
		for i := range 2000 {
			require.Equal(t, "v", seen["stay"+strconv.Itoa(i)], "field stay%d missing from the scan", i)
		}
		t.Logf("%d calls", calls)
	})
}

func TestHashRandom(t *testing.T) {
	e := newHashEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		for _, size := range []int{1, 5, 100, 1000} {
			key := "h" + strconv.Itoa(size)
			want := map[string]string{}
			for i := range size {
				f, v := "f"+strconv.Itoa(i), "v"+strconv.Itoa(i)
				want[f] = v
				_, _ = db.HSet(key, [][]byte{[]byte(f), []byte(v)})
			}
			h, _ := db.LookupHash(key)
			for range 50 {
				f, v := h.Random()
				require.Equal(t, want[string(f)], string(v))
			}
			for _, count := range []int{1, size / 3, size / 2, size - 1} {
				if count <= 0 || count >= size {
					continue
				}
				got := map[string]string{}
				h.RandomDistinct(count, func(f, v []byte) {
					_, dup := got[string(f)]
					require.False(t, dup, "duplicate %s", f)
					got[string(f)] = string(v)
				})
				require.Len(t, got, count)
				for f, v := range got {
					require.Equal(t, want[f], v)
				}
			}
		}
		// Every field comes up eventually.
		h, _ := db.LookupHash("h5")
		hits := map[string]bool{}
		for range 500 {
			f, _ := h.Random()
			hits[string(f)] = true
		}
		require.Len(t, hits, 5)
		require.ElementsMatch(t, []string{"f0", "f1", "f2", "f3", "f4"}, slices.Collect(maps.Keys(hits)))
	})
}

// heapAfterGC returns the live heap after a collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkHSet1M adds b.N fields ("field:<n>" = "value:<n>") to one hash
// and reports the heap per field; run it with -benchtime=1000000x for the
// 1M-element figure.
func BenchmarkHSet1M(b *testing.B) {
	e := newHashEngine(b)
	before := heapAfterGC()
	b.ReportAllocs()
	b.ResetTimer()
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		pair := make([][]byte, 2)
		for i := range b.N {
			pair[0] = strconv.AppendInt([]byte("field:"), int64(i), 10)
			pair[1] = strconv.AppendInt([]byte("value:"), int64(i), 10)
			if _, err := db.HSet("h", pair); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	after := heapAfterGC()
	b.ReportMetric(float64(after-before)/float64(b.N), "heap-B/field")
	e.Exec(func(tx *broker.Tx) {
		if n, _ := tx.DB(0).HLen("h"); n != b.N {
			b.Fatalf("HLEN %d, want %d", n, b.N)
		}
	})
}

// BenchmarkHGet reads random fields of a 1M-field hash.
func BenchmarkHGet(b *testing.B) {
	e := newHashEngine(b)
	const n = 1 << 20
	e.Exec(func(tx *broker.Tx) {
		for i := range n {
			_, _ = tx.DB(0).HSet("h", [][]byte{[]byte("field:" + strconv.Itoa(i)), []byte("v")})
		}
	})
	keys := make([][]byte, 1024)
	for i := range keys {
		keys[i] = []byte("field:" + strconv.Itoa(rand.IntN(n)))
	}
	b.ReportAllocs()
	b.ResetTimer()
	e.Exec(func(tx *broker.Tx) {
		for i := range b.N {
			if _, ok, _ := tx.DB(0).HGet("h", keys[i%len(keys)]); !ok {
				b.Fatal("missing")
			}
		}
	})
}

// BenchmarkHSetSmallHashes builds b.N hashes of 5 fields each and reports
// the heap per hash, key and keyspace entry included (packed encoding).
func BenchmarkHSetSmallHashes(b *testing.B) {
	e := newHashEngine(b)
	before := heapAfterGC()
	b.ResetTimer()
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		for i := range b.N {
			key := "user:" + strconv.Itoa(i)
			for f := range 5 {
				_, _ = db.HSet(key, [][]byte{[]byte("field" + strconv.Itoa(f)), []byte("value" + strconv.Itoa(i))})
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(heapAfterGC()-before)/float64(b.N), "heap-B/hash")
}
