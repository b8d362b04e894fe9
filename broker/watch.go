package broker

// WatchSet is one client's WATCHed keys. Dirty becomes true when any of them
// is modified; EXEC then aborts. Create with NewWatchSet; all methods require
// the engine lock.
type WatchSet struct {
	Dirty bool
	keys  []watchedKey
}

type watchedKey struct {
	db  *DB
	key string
	// existed: the key was live at WATCH time; if it expires before EXEC
	// it counts as modified (Redis 7 isWatchedKeyExpired).
	existed bool
}

// NewWatchSet returns an empty WatchSet.
func NewWatchSet() *WatchSet { return &WatchSet{} }

// Watch adds key of db to w.
func (w *WatchSet) Watch(db *DB, key string) {
	for _, k := range w.keys {
		if k.db == db && k.key == key {
			return
		}
	}
	existed := db.Exists(key) // before registering: an expiry here is no change
	if db.watchers == nil {
		db.watchers = map[string][]*WatchSet{}
	}
	db.watchers[key] = append(db.watchers[key], w)
	w.keys = append(w.keys, watchedKey{db: db, key: key, existed: existed})
	db.e.Stats.WatchingNow.Add(1)
}

// Len returns the number of watched keys.
func (w *WatchSet) Len() int { return len(w.keys) }

// Expired reports whether a watched key that existed at WATCH time has
// expired since (EXEC then aborts, as in Redis 7): its TTL has passed, or it
// is gone without a Touch, which only lazy expiry does.
func (w *WatchSet) Expired() bool {
	for _, k := range w.keys {
		if k.existed {
			o, ok := k.db.keys.Get(k.key)
			if !ok || (o.expireAt != 0 && o.expireAt <= k.db.nowMs()) {
				return true
			}
		}
	}
	return false
}

// Clear unwatches every key and resets Dirty.
func (w *WatchSet) Clear() {
	for _, k := range w.keys {
		list := k.db.watchers[k.key]
		for i, x := range list {
			if x == w {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(k.db.watchers, k.key)
		} else {
			k.db.watchers[k.key] = list
		}
		k.db.e.Stats.WatchingNow.Add(-1)
	}
	w.keys = w.keys[:0]
	w.Dirty = false
}

// Touch signals that key was modified (Redis's signalModifiedKey): every
// WatchSet watching it becomes dirty, and the change counts in Dirty (so
// the dispatcher knows to propagate the command). Every write path calls it.
func (db *DB) Touch(key string) {
	db.e.dirty++
	if len(db.watchers) == 0 {
		return
	}
	for _, w := range db.watchers[key] {
		w.Dirty = true
	}
}
