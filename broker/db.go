package broker

import (
	"github.com/switchyard/switchyard/internal/dict"
)

// DB is one keyspace. All methods require the engine lock: reach a DB only
// through Tx.DB inside Engine.Exec.
type DB struct {
	e       *Engine
	index   int
	keys    *dict.Dict[*Object]
	expires *dict.Dict[struct{}] // keys with a TTL, for the active expiry cycle
	expCur  uint64               // active expiry scan cursor

	watchers map[string][]*WatchSet // WATCHed keys
	waiters  map[string][]*Waiter   // clients blocked on a key, FIFO
}

func newDB(e *Engine, index int) *DB {
	return &DB{
		e: e, index: index,
		keys:    dict.New[*Object](),
		expires: dict.New[struct{}](),
	}
}

// Index returns the database number (16 for the broker namespace).
func (db *DB) Index() int { return db.index }

// Len returns the number of keys, expired ones not yet reclaimed included
// (DBSIZE counts the same way in Redis).
func (db *DB) Len() int { return db.keys.Len() }

// ExpiresLen returns the number of keys with a TTL (INFO keyspace expires=).
func (db *DB) ExpiresLen() int { return db.expires.Len() }

func (db *DB) nowMs() int64 { return db.e.tx.NowMs() }

// expireIfNeeded deletes key if its TTL has passed and reports whether it did.
func (db *DB) expireIfNeeded(key string, o *Object) bool {
	if o.expireAt == 0 || o.expireAt > db.nowMs() {
		return false
	}
	db.remove(key)
	db.e.Stats.ExpiredKeys.Add(1)
	return true
}

// Lookup returns the live object at key or nil, expiring it lazily. It does
// not count keyspace hits; use LookupRead for commands that read.
func (db *DB) Lookup(key string) *Object {
	o, ok := db.keys.Get(key)
	if !ok || db.expireIfNeeded(key, o) {
		return nil
	}
	return o
}

// LookupRead is Lookup that counts a keyspace hit or miss.
func (db *DB) LookupRead(key string) *Object {
	o := db.Lookup(key)
	if o == nil {
		db.e.Stats.KeyspaceMiss.Add(1)
	} else {
		db.e.Stats.KeyspaceHits.Add(1)
	}
	return o
}

// LookupKind returns the live object at key if it has kind k, nil if the key
// is missing, and ErrWrongType if it holds another kind.
func (db *DB) LookupKind(key string, k Kind) (*Object, error) {
	o := db.LookupRead(key)
	if o != nil && o.Kind != k {
		return nil, ErrWrongType
	}
	return o, nil
}

// Exists reports whether key is live.
func (db *DB) Exists(key string) bool { return db.Lookup(key) != nil }

// Set stores o at key, replacing any value and dropping its TTL unless
// keepTTL, and signals the key as modified.
func (db *DB) Set(key string, o *Object, keepTTL bool) {
	old, ok := db.keys.Get(key)
	if ok && keepTTL && (old.expireAt == 0 || old.expireAt > db.nowMs()) {
		o.expireAt = old.expireAt
	} else if ok && old.expireAt != 0 {
		db.expires.Delete(key)
	}
	db.keys.Set(key, o)
	db.Touch(key)
}

// Add stores o at a key known to be absent (or expired) and signals it.
func (db *DB) Add(key string, o *Object) { db.Set(key, o, false) }

// Delete removes key and reports whether a live key was removed.
func (db *DB) Delete(key string) bool {
	o, ok := db.keys.Get(key)
	if !ok {
		return false
	}
	if db.expireIfNeeded(key, o) {
		return false
	}
	db.remove(key)
	db.Touch(key)
	return true
}

func (db *DB) remove(key string) {
	o, ok := db.keys.Delete(key)
	if ok && o.expireAt != 0 {
		db.expires.Delete(key)
	}
}

// SetExpire sets key's absolute expiry in Unix ms (0 removes it). The key
// must exist. A time already past deletes the key, as Redis does.
func (db *DB) SetExpire(key string, o *Object, at int64) {
	if at != 0 && at <= db.nowMs() {
		db.remove(key)
		db.Touch(key)
		return
	}
	switch {
	case at == 0 && o.expireAt != 0:
		db.expires.Delete(key)
	case at != 0 && o.expireAt == 0:
		db.expires.Set(key, struct{}{})
	}
	o.expireAt = at
	db.Touch(key)
}

// Flush removes every key and returns how many there were.
func (db *DB) Flush() int {
	n := db.keys.Len()
	if len(db.watchers) > 0 {
		db.keys.Range(func(k string, _ *Object) bool { db.Touch(k); return true })
	}
	db.keys.Clear()
	db.expires.Clear()
	return n
}

// Scan visits the bucket at cursor, calls fn for every live key in it and
// returns the next cursor (0 at the end), with Redis's SCAN guarantees.
func (db *DB) Scan(cursor uint64, fn func(key string, o *Object)) uint64 {
	now := db.nowMs()
	return db.keys.Scan(cursor, func(k string, o *Object) {
		if o.expireAt == 0 || o.expireAt > now {
			fn(k, o)
		}
	})
}

// Range calls fn for every live key until it returns false.
func (db *DB) Range(fn func(key string, o *Object) bool) {
	now := db.nowMs()
	db.keys.Range(func(k string, o *Object) bool {
		if o.expireAt != 0 && o.expireAt <= now {
			return true
		}
		return fn(k, o)
	})
}

// RandomKey returns a random live key, or "" and false for an empty DB.
func (db *DB) RandomKey() (string, bool) {
	for tries := 0; tries < 100; tries++ {
		k, o, ok := db.keys.Random()
		if !ok {
			return "", false
		}
		if !db.expireIfNeeded(k, o) {
			return k, true
		}
	}
	// Mostly expired keys: fall back to a walk.
	var key string
	found := false
	db.Range(func(k string, _ *Object) bool { key, found = k, true; return false })
	return key, found
}

// activeExpire samples keys with a TTL, as Redis's activeExpireCycle does,
// deleting expired ones; it repeats while more than a quarter of a sample
// was expired, up to maxRounds.
func (db *DB) activeExpire(tx *Tx, sample, maxRounds int) {
	for round := 0; round < maxRounds && db.expires.Len() > 0; round++ {
		now := tx.NowMs()
		var dead []string
		seen := 0
		for seen < sample {
			db.expCur = db.expires.Scan(db.expCur, func(k string, _ struct{}) {
				seen++
				if o, ok := db.keys.Get(k); ok && o.expireAt != 0 && o.expireAt <= now {
					dead = append(dead, k)
				}
			})
			if db.expCur == 0 {
				break
			}
		}
		for _, k := range dead {
			db.remove(k)
			db.Touch(k)
			db.e.Stats.ExpiredKeys.Add(1)
		}
		if len(dead)*4 <= seen {
			return
		}
	}
}
