package broker

import (
	"sync"
	"sync/atomic"
	"time"
)

// NumDBs is the number of numbered databases (SELECT 0..15).
const NumDBs = 16

// brokerDB is the index of the hidden namespace that holds the messaging
// model's state; SELECT cannot reach it and FLUSHALL does not touch it.
const brokerDB = NumDBs

// Options configures an Engine. The zero value is valid.
type Options struct {
	// Now returns the current time; nil means time.Now. Tests inject a
	// clock so expiry is tested without sleeping.
	Now func() time.Time
	// ActiveExpireEvery is the period of the active expiry cycle; 0 means
	// 100 ms (Redis's hz 10). Negative disables the cycle (lazy expiry only).
	ActiveExpireEvery time.Duration
}

// Stats are engine-wide counters for INFO stats. Read them with atomic loads.
type Stats struct {
	ExpiredKeys   atomic.Int64
	KeyspaceHits  atomic.Int64
	KeyspaceMiss  atomic.Int64
	EvictedKeys   atomic.Int64
	BlockedNow    atomic.Int64
	WatchingNow   atomic.Int64
	PubsubPublish atomic.Int64
}

// Engine owns the databases. Create it with New and stop it with Close.
type Engine struct {
	mu    sync.Mutex // guards dbs, every Object in them, waiters and watches
	dbs   [NumDBs + 1]*DB
	now   func() time.Time
	ready []readyKey // keys made ready for blocked waiters during one Exec
	tx    Tx         // the one Tx, reused: only valid while mu is held

	prop        Propagator // AOF; nil when persistence is off
	loading     bool       // replaying persistence files: propagate nothing
	dirty       int64      // changes since start (Redis server.dirty)
	dirtyAtSave int64      // dirty at the last snapshot

	// Stats holds counters for INFO.
	Stats Stats
	// Hub is the pub/sub registry.
	Hub *Hub

	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// New returns a running Engine. Its active expiry goroutine runs until Close.
func New(opts Options) *Engine {
	e := &Engine{now: opts.Now, stop: make(chan struct{}), Hub: NewHub()}
	if e.now == nil {
		e.now = time.Now
	}
	for i := range e.dbs {
		e.dbs[i] = newDB(e, i)
	}
	e.tx.e = e
	every := opts.ActiveExpireEvery
	if every == 0 {
		every = 100 * time.Millisecond
	}
	if every > 0 {
		e.wg.Add(1)
		go e.activeExpireLoop(every)
	}
	return e
}

// Close stops the engine's background goroutines and waits for them. It is
// safe to call more than once.
func (e *Engine) Close() {
	e.once.Do(func() { close(e.stop) })
	e.wg.Wait()
}

// NowMs returns the engine clock in Unix milliseconds.
func (e *Engine) NowMs() int64 { return e.now().UnixMilli() }

// Now returns the engine clock.
func (e *Engine) Now() time.Time { return e.now() }

// Exec runs fn with the engine lock held and, before releasing it, serves
// blocked waiters whose keys fn made ready. fn must not block, do I/O or
// call Exec. Everything fn does is atomic for every other caller.
func (e *Engine) Exec(fn func(tx *Tx)) {
	e.mu.Lock()
	e.tx.nowMs = 0
	fn(&e.tx)
	if len(e.ready) > 0 {
		e.serveReadyLocked()
	}
	e.mu.Unlock()
}

// ExecMany is Exec for a batch: it calls fn repeatedly under one lock
// acquisition while fn returns true, and after every call serves the
// blocked waiters that call made ready, exactly as separate Exec calls
// would (Redis serves blocked clients after each command). A connection
// uses it to run the commands of one pipeline read.
func (e *Engine) ExecMany(fn func(tx *Tx) bool) {
	e.mu.Lock()
	for {
		e.tx.nowMs = 0
		more := fn(&e.tx)
		if len(e.ready) > 0 {
			e.serveReadyLocked()
		}
		if !more {
			break
		}
	}
	e.mu.Unlock()
}

// Tx is the handle to the engine inside Exec. It is valid only during the
// Exec call that passed it.
type Tx struct {
	e       *Engine
	nowMs   int64         // cached clock for this Exec, so one command sees one time
	capture *[]Propagated // set by Capture
}

// DB returns database i (0..15).
func (tx *Tx) DB(i int) *DB { return tx.e.dbs[i] }

// BrokerDB returns the hidden namespace of the messaging model.
func (tx *Tx) BrokerDB() *DB { return tx.e.dbs[brokerDB] }

// Engine returns the engine.
func (tx *Tx) Engine() *Engine { return tx.e }

// NowMs returns the time of this Exec in Unix milliseconds; every call in one
// Exec returns the same value, as Redis uses one time per command.
func (tx *Tx) NowMs() int64 {
	if tx.nowMs == 0 {
		tx.nowMs = tx.e.now().UnixMilli()
	}
	return tx.nowMs
}

// FlushAll empties databases 0..15 (not the broker namespace) and returns the
// number of keys removed.
func (tx *Tx) FlushAll() int {
	n := 0
	for i := 0; i < NumDBs; i++ {
		n += tx.e.dbs[i].Flush()
	}
	return n
}

// SwapDB swaps the contents of databases a and b (0..15), as Redis's
// SWAPDB: clients connected to one see the other's data at once. WATCHed
// keys of both are touched and clients blocked on keys now holding data
// are served.
func (tx *Tx) SwapDB(a, b int) {
	if a == b {
		return
	}
	da, db := tx.e.dbs[a], tx.e.dbs[b]
	da.keys, db.keys = db.keys, da.keys
	da.expires, db.expires = db.expires, da.expires
	da.expCur, db.expCur = 0, 0
	for _, d := range []*DB{da, db} {
		for k := range d.watchers {
			d.Touch(k)
		}
		for k := range d.waiters {
			if d.Exists(k) {
				d.SignalReady(k)
			}
		}
	}
	tx.e.dirty++
}

func (e *Engine) activeExpireLoop(every time.Duration) {
	defer e.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			e.ActiveExpireCycle()
		}
	}
}
