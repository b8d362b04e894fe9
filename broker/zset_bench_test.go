package broker

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The sorted-set benchmarks run on a 1M-element set through the DB API
// under the engine lock (no network), as ZADD and ZRANGEBYSCORE would. The
// set is built once per process; one run stays within a few seconds.

const zbenchSize = 1_000_000

var zbench struct {
	once      sync.Once
	e         *Engine
	bytesElem float64
	next      int
}

// zbenchMember returns the i-th member name ("member:<i>", 8-14 bytes).
func zbenchMember(i int) string { return "member:" + strconv.Itoa(i) }

// zbenchSetup builds key "z" with zbenchSize members of random scores in
// [0, zbenchSize) and measures the heap it takes per element.
func zbenchSetup(b *testing.B) *Engine {
	zbench.once.Do(func() {
		e := New(Options{ActiveExpireEvery: -1})
		rng := rand.New(rand.NewPCG(1, 2))
		members := make([]string, zbenchSize)
		for i := range members {
			members[i] = zbenchMember(i)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		e.Exec(func(tx *Tx) {
			db := tx.DB(0)
			for i := 0; i < zbenchSize; i += 1000 {
				pairs := make([]ZMember, 0, 1000)
				for j := i; j < i+1000; j++ {
					pairs = append(pairs, ZMember{members[j], float64(rng.IntN(zbenchSize))})
				}
				if _, err := db.ZAdd("z", ZAddFlags{}, pairs); err != nil {
					b.Fatal(err)
				}
			}
		})
		members = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		zbench.e = e
		zbench.next = zbenchSize
		// The member strings themselves are part of the set's memory.
		zbench.bytesElem = float64(after.HeapAlloc-before.HeapAlloc) / zbenchSize
	})
	return zbench.e
}

// BenchmarkZAdd adds new members with random scores to a set of 1M
// (growing by b.N): one ZADD of one member per op.
func BenchmarkZAdd(b *testing.B) {
	e := zbenchSetup(b)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	pairs := make([]ZMember, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		pairs[0] = ZMember{zbenchMember(zbench.next), float64(rng.IntN(zbenchSize))}
		zbench.next++
		e.Exec(func(tx *Tx) {
			if _, err := tx.DB(0).ZAdd("z", ZAddFlags{}, pairs); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.ReportMetric(zbench.bytesElem, "B/elem")
}

// BenchmarkZRangeByScore reads a random score window holding about 100
// members (ZRANGEBYSCORE z x x+100 WITHSCORES) from a set of 1M.
func BenchmarkZRangeByScore(b *testing.B) {
	e := zbenchSetup(b)
	rng := rand.New(rand.NewPCG(4, 5))
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		lo := float64(rng.IntN(zbenchSize - 100))
		e.Exec(func(tx *Tx) {
			items, err := tx.DB(0).ZRange("z", ZRangeSpec{By: ZByScore, Score: ScoreRange{Min: lo, Max: lo + 100, MaxEx: true}, Count: -1})
			if err != nil {
				b.Fatal(err)
			}
			n += len(items)
		})
	}
	b.ReportMetric(float64(n)/float64(b.N), "items/op")
	b.ReportMetric(zbench.bytesElem, "B/elem")
}
