package broker

import (
	"math"
	"strings"

	"github.com/switchyard/switchyard/internal/glob"
)

// The generic keyspace operations (https://redis.io/commands/?group=generic):
// DEL, EXISTS, TYPE, KEYS, SCAN, the EXPIRE family, TTL, PERSIST, RENAME,
// MOVE, COPY. They follow Redis 7.0.15's db.c and expire.c, including which
// lookups count keyspace hits and misses: commands that read a value
// (EXISTS, TYPE, TOUCH, TTL, COPY's source) use LookupRead, commands that
// write use Lookup. All methods require the engine lock.

// Del deletes keys and returns how many live keys were removed (DEL and
// UNLINK). A key named twice counts once.
func (db *DB) Del(keys ...string) int {
	n := 0
	for _, k := range keys {
		if db.Delete(k) {
			n++
		}
	}
	return n
}

// CountExisting returns how many of keys are live, counting a key as often
// as it is named (EXISTS, TOUCH). Each lookup counts a keyspace hit or miss.
func (db *DB) CountExisting(keys ...string) int {
	n := 0
	for _, k := range keys {
		if db.LookupRead(k) != nil {
			n++
		}
	}
	return n
}

// Type returns the kind of the value at key, or 0 (whose String is "none")
// when the key is missing (TYPE).
func (db *DB) Type(key string) Kind {
	o := db.LookupRead(key)
	if o == nil {
		return 0
	}
	return o.Kind
}

// Keys returns the live keys matching the glob pattern, in table order
// (KEYS). A lone "*" matches every key, the empty key included. Like Redis,
// KEYS skips expired keys without deleting them.
func (db *DB) Keys(pattern string) []string {
	all := pattern == "*"
	now := db.nowMs()
	var out []string
	db.keys.Range(func(k string, o *Object) bool {
		if (all || glob.Match(pattern, k)) && (o.expireAt == 0 || o.expireAt > now) {
			out = append(out, k)
		}
		return true
	})
	return out
}

// ScanOptions are SCAN's options.
type ScanOptions struct {
	// Match is a glob pattern, used when HasMatch is set ("*" matches
	// every key; "" only the empty key, as in Redis).
	Match    string
	HasMatch bool
	// Count is the amount of work per call (SCAN COUNT); values below 1
	// mean 10, Redis's default.
	Count int64
	// Type, when not "", keeps only keys whose TYPE name equals it, ignoring
	// case (SCAN TYPE). An unknown name matches nothing, as in Redis 7.0.
	Type string
}

// ScanKeys runs one SCAN step from cursor and returns the next cursor (0
// when the iteration is complete) and the keys found. It follows Redis's
// scanGenericCommand: it visits buckets until at least Count keys were
// collected, the cursor wraps, or Count*10 extra buckets were visited, and
// filters only afterwards, so a call may return fewer than Count keys, or
// none, with a non-zero cursor. A full iteration reports every key present
// from start to end at least once (see dict.Scan).
//
// Filters apply in Redis's order: pattern, then type (a read lookup, which
// counts a keyspace hit or miss and deletes the key if it has expired),
// then expiry (an expired key is deleted and not reported). As in Redis
// 7.0, TYPE "none" therefore reports keys that the lookup just expired.
func (db *DB) ScanKeys(cursor uint64, opt ScanOptions) (uint64, []string) {
	count := opt.Count
	if count < 1 {
		count = 10
	}
	maxIter := count * 10
	if count > math.MaxInt64/10 {
		maxIter = math.MaxInt64
	}
	var raw []string
	for {
		cursor = db.keys.Scan(cursor, func(k string, _ *Object) { raw = append(raw, k) })
		if cursor == 0 || maxIter == 0 {
			break
		}
		maxIter--
		if int64(len(raw)) >= count {
			break
		}
	}
	usePattern := opt.HasMatch && opt.Match != "*"
	out := raw[:0]
	for _, k := range raw {
		if usePattern && !glob.Match(opt.Match, k) {
			continue
		}
		if opt.Type != "" {
			if !strings.EqualFold(opt.Type, db.Type(k).String()) {
				continue
			}
		}
		if o, ok := db.keys.Get(k); ok && db.expireIfNeeded(k, o) {
			continue
		}
		out = append(out, k)
	}
	return cursor, out
}

// ExpireCond holds EXPIRE's NX, XX, GT and LT options.
type ExpireCond uint8

// The EXPIRE conditions. Combine XX with GT or LT; the front rejects the
// other combinations with Redis's errors.
const (
	// ExpireNX sets the expiry only when the key has none.
	ExpireNX ExpireCond = 1 << iota
	// ExpireXX sets the expiry only when the key has one.
	ExpireXX
	// ExpireGT sets the expiry only when it is later than the current one;
	// no expiry counts as infinite, so GT never applies to such a key.
	ExpireGT
	// ExpireLT sets the expiry only when it is earlier than the current
	// one; a key without expiry always qualifies.
	ExpireLT
)

// Expire sets key's expiry to at (Unix ms) under the conditions cond and
// reports whether it did (EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT). A time not
// after now deletes the key, and still reports true, as Redis does; this is
// a deletion, not an expiry, for the expired_keys count. A missing key, or
// a condition that fails, reports false.
func (db *DB) Expire(key string, at int64, cond ExpireCond) bool {
	o := db.Lookup(key)
	if o == nil {
		return false
	}
	cur, has := o.expireAt, o.expireAt != 0
	switch {
	case cond&ExpireNX != 0 && has,
		cond&ExpireXX != 0 && !has,
		cond&ExpireGT != 0 && (!has || at <= cur),
		cond&ExpireLT != 0 && has && at >= cur:
		return false
	}
	if at <= db.nowMs() {
		db.remove(key)
		db.Touch(key)
		return true
	}
	db.SetExpire(key, o, at)
	return true
}

// PTTL returns the remaining time to live of key in milliseconds (never
// negative), -1 when it has no expiry and -2 when it is missing (PTTL).
func (db *DB) PTTL(key string) int64 {
	o := db.LookupRead(key)
	switch {
	case o == nil:
		return -2
	case o.expireAt == 0:
		return -1
	}
	return max(o.expireAt-db.nowMs(), 0)
}

// ExpireTime returns key's absolute expiry in Unix milliseconds, -1 when it
// has no expiry and -2 when it is missing (PEXPIRETIME).
func (db *DB) ExpireTime(key string) int64 {
	o := db.LookupRead(key)
	switch {
	case o == nil:
		return -2
	case o.expireAt == 0:
		return -1
	}
	return o.expireAt
}

// Persist removes key's expiry and reports whether it had one (PERSIST).
func (db *DB) Persist(key string) bool {
	o := db.Lookup(key)
	if o == nil || o.expireAt == 0 {
		return false
	}
	db.SetExpire(key, o, 0)
	return true
}

// Rename moves the value at src to dst, keeping its expiry, and reports
// whether dst was written (RENAME, and RENAMENX when nx). With nx and a live
// dst it writes nothing. src == dst writes nothing either (RENAME still
// answers OK, RENAMENX 0). A missing src is ErrNoSuchKey. Clients blocked on
// dst are woken, as Redis's dbAdd does.
func (db *DB) Rename(src, dst string, nx bool) (bool, error) {
	o := db.Lookup(src)
	if o == nil {
		return false, ErrNoSuchKey
	}
	if src == dst {
		return false, nil
	}
	if db.Lookup(dst) != nil && nx {
		return false, nil
	}
	at := o.expireAt
	db.remove(src)
	db.put(dst, o, at)
	db.Touch(src)
	return true, nil
}

// Move moves key to the database to and reports whether it did (MOVE): it
// does not when key is missing here or already live there. The expiry
// moves with the value. Moving to the same database is ErrSameObject.
func (db *DB) Move(key string, to *DB) (bool, error) {
	if to == db {
		return false, ErrSameObject
	}
	o := db.Lookup(key)
	if o == nil || to.Lookup(key) != nil {
		return false, nil
	}
	at := o.expireAt
	db.remove(key)
	db.Touch(key)
	to.put(key, o, at)
	return true, nil
}

// Copy stores a deep copy of the value at src as dst in the database to,
// with the same expiry, and reports whether it did (COPY). It does not when
// src is missing or dst is live and not replace. Copying a key onto itself
// in the same database is ErrSameObject.
func (db *DB) Copy(src string, to *DB, dst string, replace bool) (bool, error) {
	if to == db && src == dst {
		return false, ErrSameObject
	}
	o := db.LookupRead(src)
	if o == nil {
		return false, nil
	}
	if to.Lookup(dst) != nil && !replace {
		return false, nil
	}
	to.put(dst, o.Clone(), o.expireAt)
	return true, nil
}

// put stores o at key, replacing any value, with the expiry at (0: none),
// signals the key as modified and wakes clients blocked on it: Redis's
// dbAdd plus setExpire.
func (db *DB) put(key string, o *Object, at int64) {
	o.expireAt = 0
	db.Set(key, o, false)
	if at != 0 {
		db.SetExpire(key, o, at)
	}
	if o.Kind != KindString {
		db.SignalReady(key)
	}
}

// Clone returns a deep copy of o without its expiry: COPY's duplicate,
// sharing no memory with o. Strings, lists, hashes and sets are supported;
// the sorted set family must add its deep copy here when it lands (until
// then no such object can exist, and Clone panics rather than share memory
// silently).
func (o *Object) Clone() *Object {
	n := &Object{Kind: o.Kind}
	if o.ZSet != nil {
		n.ZSet = o.ZSet.Clone()
	}
	if o.Str != nil {
		n.Str = append([]byte{}, o.Str...)
	}
	if o.List != nil {
		l := &List{buf: make([][]byte, max(o.List.n, 4)), n: o.List.n}
		for i := 0; i < o.List.n; i++ {
			l.buf[i] = append([]byte{}, o.List.Index(i)...)
		}
		n.List = l
	}
	if o.Hash != nil {
		n.Hash = o.Hash.clone()
	}
	if o.Set != nil {
		n.Set = o.Set.clone()
	}
	return n
}

// ActiveExpireCycle runs one active expiry cycle over every database, as
// the background loop does every Options.ActiveExpireEvery (Redis's
// activeExpireCycle): it samples keys with a TTL and deletes the expired
// ones without their being read, counting them in Stats.ExpiredKeys. It
// takes the engine lock. Tests call it, with the loop disabled, to drive
// active expiry without sleeping.
func (e *Engine) ActiveExpireCycle() {
	e.Exec(func(tx *Tx) {
		for _, db := range tx.e.dbs {
			db.activeExpire(tx, 20, 16)
		}
	})
}
