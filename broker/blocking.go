package broker

// Waiter is a client blocked on one or more keys of a DB (BLPOP, BLMOVE,
// BZPOPMIN, ...). Waiters on a key are served first blocked, first served.
//
// Serve is called with the engine lock held when one of the keys may have
// data: it performs the pop on behalf of the client and returns true, or
// returns false when it cannot be served (for example the key is empty or
// holds another type). Once served, Done is closed and the waiter is removed
// from every key. Result is free for Serve to fill in.
type Waiter struct {
	Keys   []string
	Serve  func(tx *Tx, key string) bool
	Done   chan struct{}
	Result any

	db     *DB
	served bool
	active bool
}

type readyKey struct {
	db  *DB
	key string
}

// Block registers w on its keys of db. The caller then waits on w.Done, and
// on timeout or disconnect calls Engine.Unblock.
func (tx *Tx) Block(db *DB, w *Waiter) {
	if w.Done == nil {
		w.Done = make(chan struct{})
	}
	w.db, w.active = db, true
	if db.waiters == nil {
		db.waiters = map[string][]*Waiter{}
	}
	for _, k := range w.Keys {
		db.waiters[k] = append(db.waiters[k], w)
	}
	tx.e.Stats.BlockedNow.Add(1)
}

// Unblock removes w if it has not been served yet and reports whether it was
// removed (false: it was served, and w.Result holds the outcome).
func (e *Engine) Unblock(w *Waiter) bool {
	var removed bool
	e.Exec(func(tx *Tx) { removed = tx.unblockLocked(w) })
	return removed
}

func (tx *Tx) unblockLocked(w *Waiter) bool {
	if w.served || !w.active {
		return false
	}
	w.db.dropWaiter(w)
	w.active = false
	tx.e.Stats.BlockedNow.Add(-1)
	return true
}

func (db *DB) dropWaiter(w *Waiter) {
	for _, k := range w.Keys {
		list := db.waiters[k]
		for i, x := range list {
			if x == w {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(db.waiters, k)
		} else {
			db.waiters[k] = list
		}
	}
}

// SignalReady marks key as possibly able to serve blocked waiters (Redis's
// signalKeyAsReady). Push operations call it; the waiters are served at the
// end of the current Exec, after the command that pushed has completed.
func (db *DB) SignalReady(key string) {
	if len(db.waiters[key]) == 0 {
		return
	}
	db.e.ready = append(db.e.ready, readyKey{db, key})
}

// HasWaiters reports whether any client is blocked on key.
func (db *DB) HasWaiters(key string) bool { return len(db.waiters[key]) > 0 }

func (e *Engine) serveReadyLocked() {
	tx := &e.tx
	for len(e.ready) > 0 {
		rk := e.ready[0]
		e.ready = e.ready[1:]
		// Serve waiters in the order they blocked. One that cannot be
		// served (Serve false: for example a sorted-set pop waiting on a
		// key that now holds a list) is skipped, not allowed to stop the
		// ones behind it; serving stops when a full pass serves nobody.
		for i := 0; ; {
			list := rk.db.waiters[rk.key]
			if i >= len(list) {
				break
			}
			w := list[i]
			if !w.Serve(tx, rk.key) {
				i++
				continue
			}
			w.served = true
			w.active = false
			rk.db.dropWaiter(w)
			e.Stats.BlockedNow.Add(-1)
			close(w.Done)
		}
	}
	e.ready = e.ready[:0]
}
