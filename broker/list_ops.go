package broker

import "strconv"

import "math"

// End selects one end of a list: Left is the head (index 0), Right the tail.
type End uint8

// String returns LEFT or RIGHT, as LMOVE takes them.
func (e End) String() string {
	if e == Left {
		return "LEFT"
	}
	return "RIGHT"
}

// The two ends of a list, as LMOVE's LEFT and RIGHT name them.
const (
	Left End = iota
	Right
)

// push adds v at end e of l.
func (l *List) push(e End, v []byte) {
	if e == Left {
		l.PushLeft(v)
	} else {
		l.PushRight(v)
	}
}

// pop removes an element from end e of l.
func (l *List) pop(e End) ([]byte, bool) {
	if e == Left {
		return l.PopLeft()
	}
	return l.PopRight()
}

// listWrite returns the list at key for a write command: nil when missing,
// ErrWrongType when the key holds another kind. Like Redis's lookupKeyWrite
// it does not count keyspace hits and misses.
func (db *DB) listWrite(key string) (*Object, error) {
	o := db.Lookup(key)
	if o != nil && o.Kind != KindList {
		return nil, ErrWrongType
	}
	return o, nil
}

// listChanged finishes an in-place modification of the list at key: an
// emptied list is deleted (a list key never exists empty), otherwise the
// key is signalled as modified for WATCH.
func (db *DB) listChanged(key string, o *Object) {
	if o.List.Len() == 0 {
		db.Delete(key)
		return
	}
	db.Touch(key)
}

// ListPush pushes vals one by one at end e of the list at key (so LPUSH k a
// b leaves b at the head) and returns the new length. A missing key is
// created unless onlyIfExists (LPUSHX/RPUSHX), in which case 0 is returned
// and nothing is stored. Pushing signals the key ready for blocked clients.
// Errors: ErrWrongType. Follows https://redis.io/commands/lpush/.
func (db *DB) ListPush(key string, e End, vals [][]byte, onlyIfExists bool) (int, error) {
	o, err := db.listWrite(key)
	if err != nil {
		return 0, err
	}
	if o == nil {
		if onlyIfExists {
			return 0, nil
		}
		o = NewListObject()
		for _, v := range vals {
			o.List.push(e, v)
		}
		db.Add(key, o)
	} else {
		for _, v := range vals {
			o.List.push(e, v)
		}
		db.Touch(key)
	}
	db.SignalReady(key)
	return o.List.Len(), nil
}

// ListPop removes up to count elements from end e of the list at key and
// returns them in pop order; exists is false when the key is missing. A
// count of 0 pops nothing from an existing list. An emptied list is deleted.
// Errors: ErrWrongType. Follows https://redis.io/commands/lpop/.
func (db *DB) ListPop(key string, e End, count int) (vals [][]byte, exists bool, err error) {
	o, err := db.listWrite(key)
	if err != nil || o == nil {
		return nil, false, err
	}
	n := min(count, o.List.Len())
	vals = make([][]byte, 0, n)
	for range n {
		v, _ := o.List.pop(e)
		vals = append(vals, v)
	}
	if n > 0 {
		db.listChanged(key, o)
	}
	return vals, true, nil
}

// ListLen returns the length of the list at key, 0 when missing.
// Errors: ErrWrongType. Follows https://redis.io/commands/llen/.
func (db *DB) ListLen(key string) (int, error) {
	o, err := db.LookupKind(key, KindList)
	if err != nil || o == nil {
		return 0, err
	}
	return o.List.Len(), nil
}

// clampRange turns Redis start/stop indexes (negative counts from the tail,
// both inclusive) into 0-based bounds within a list of n elements; ok is
// false when the range is empty.
func clampRange(start, stop int64, n int) (lo, hi int, ok bool) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if stop < 0 {
		stop += ln
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= ln {
		return 0, 0, false
	}
	if stop >= ln {
		stop = ln - 1
	}
	return int(start), int(stop), true
}

// ListRange returns the elements start..stop (inclusive; negative indexes
// count from the tail) of the list at key; out-of-range indexes are
// clamped, and a missing key gives an empty slice.
// Errors: ErrWrongType. Follows https://redis.io/commands/lrange/.
func (db *DB) ListRange(key string, start, stop int64) ([][]byte, error) {
	o, err := db.LookupKind(key, KindList)
	if err != nil || o == nil {
		return nil, err
	}
	lo, hi, ok := clampRange(start, stop, o.List.Len())
	if !ok {
		return nil, nil
	}
	out := make([][]byte, 0, hi-lo+1)
	o.List.Range(lo, hi, func(v []byte) bool { out = append(out, v); return true })
	return out, nil
}

// normIndex turns a Redis index (negative counts from the tail) into a
// 0-based one; ok is false when it is outside a list of n elements.
func normIndex(i int64, n int) (int, bool) {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}

// ListIndex returns the element at index i (negative counts from the tail)
// of the list at key; ok is false when the key is missing or i is out of
// range. Errors: ErrWrongType. Follows https://redis.io/commands/lindex/.
func (db *DB) ListIndex(key string, i int64) (v []byte, ok bool, err error) {
	o, err := db.LookupKind(key, KindList)
	if err != nil || o == nil {
		return nil, false, err
	}
	j, ok := normIndex(i, o.List.Len())
	if !ok {
		return nil, false, nil
	}
	return o.List.Index(j), true, nil
}

// ListSet replaces the element at index i (negative counts from the tail).
// Errors: ErrNoSuchKey (missing key), ErrWrongType, ErrIndexOutOfRange.
// The index is parsed by the caller; Redis checks the key before the index,
// so a caller with an unparsable index should call ListSetCheck first.
// Follows https://redis.io/commands/lset/.
func (db *DB) ListSet(key string, i int64, v []byte) error {
	o, err := db.ListSetCheck(key)
	if err != nil {
		return err
	}
	j, ok := normIndex(i, o.List.Len())
	if !ok {
		return ErrIndexOutOfRange
	}
	o.List.SetIndex(j, v)
	db.Touch(key)
	return nil
}

// ListSetCheck returns the list LSET would modify, or ErrNoSuchKey or
// ErrWrongType: the errors Redis's LSET reports before parsing its index.
func (db *DB) ListSetCheck(key string) (*Object, error) {
	o, err := db.listWrite(key)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, ErrNoSuchKey
	}
	return o, nil
}

// ListInsert inserts v before (or, with after, behind) the first element
// equal to pivot, counting from the head, and returns the new length; -1
// when pivot is not found and 0 when the key is missing. It never creates
// a key, so it does not wake blocked clients.
// Errors: ErrWrongType. Follows https://redis.io/commands/linsert/.
func (db *DB) ListInsert(key string, after bool, pivot, v []byte) (int, error) {
	o, err := db.listWrite(key)
	if err != nil || o == nil {
		return 0, err
	}
	l := o.List
	for i := 0; i < l.Len(); i++ {
		if string(l.Index(i)) == string(pivot) {
			if after {
				i++
			}
			l.Insert(i, v)
			db.Touch(key)
			return l.Len(), nil
		}
	}
	return -1, nil
}

// ListRem removes elements equal to v and returns how many: the first
// count from the head when count > 0, the last -count from the tail when
// count < 0, all when count is 0. An emptied list is deleted.
// Errors: ErrWrongType. Follows https://redis.io/commands/lrem/.
func (db *DB) ListRem(key string, count int64, v []byte) (int, error) {
	o, err := db.listWrite(key)
	if err != nil || o == nil {
		return 0, err
	}
	l := o.List
	var removed int
	switch {
	case count >= 0:
		removed = l.Filter(func(_ int, x []byte) bool {
			if (count == 0 || int64(removed) < count) && string(x) == string(v) {
				removed++
				return false
			}
			return true
		})
	default:
		// From the tail: mark the last -count matches, then filter.
		limit := -count
		if count == math.MinInt64 {
			limit = math.MaxInt64
		}
		var drop []int
		for i := l.Len() - 1; i >= 0 && int64(len(drop)) < limit; i-- {
			if string(l.Index(i)) == string(v) {
				drop = append(drop, i)
			}
		}
		// drop is in descending order; consume it from the end.
		removed = l.Filter(func(i int, _ []byte) bool {
			if len(drop) > 0 && drop[len(drop)-1] == i {
				drop = drop[:len(drop)-1]
				return false
			}
			return true
		})
	}
	if removed > 0 {
		db.listChanged(key, o)
	}
	return removed, nil
}

// ListTrim keeps only the elements start..stop (inclusive; negative
// indexes count from the tail). An empty range deletes the key.
// Errors: ErrWrongType. Follows https://redis.io/commands/ltrim/.
func (db *DB) ListTrim(key string, start, stop int64) error {
	o, err := db.listWrite(key)
	if err != nil || o == nil {
		return err
	}
	l := o.List
	lo, hi, ok := clampRange(start, stop, l.Len())
	if !ok {
		db.Delete(key)
		return nil
	}
	for range lo {
		l.PopLeft()
	}
	for l.Len() > hi-lo+1 {
		l.PopRight()
	}
	db.listChanged(key, o)
	return nil
}

// ListPos returns the indexes (counted from the head) of elements equal to
// v, following LPOS: rank r > 0 skips the first r-1 matches scanning from
// the head, r < 0 scans from the tail and skips the first -r-1 matches
// (math.MinInt64 behaves as Redis 7.0 does: every match qualifies, scanning
// from the tail); limit caps the number of results (0: all); maxlen caps
// the number of elements compared (0: all). rank must not be 0. A missing
// key gives no results. Errors: ErrWrongType.
// Follows https://redis.io/commands/lpos/.
func (db *DB) ListPos(key string, v []byte, rank, limit, maxlen int64) ([]int64, error) {
	o, err := db.LookupKind(key, KindList)
	if err != nil || o == nil {
		return nil, err
	}
	l := o.List
	n := l.Len()
	fromTail := rank < 0
	skip := rank - 1 // matches to skip before reporting
	if fromTail {
		skip = -rank - 1
		if rank == math.MinInt64 {
			skip = 0
		}
	}
	var out []int64
	for seen := 0; seen < n && (maxlen == 0 || int64(seen) < maxlen); seen++ {
		i := seen
		if fromTail {
			i = n - 1 - seen
		}
		if string(l.Index(i)) != string(v) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, int64(i))
		if limit != 0 && int64(len(out)) >= limit {
			break
		}
	}
	return out, nil
}

// ListMove pops an element from end from of src and pushes it at end to of
// dst (LMOVE; RPOPLPUSH is Right, Left), atomically; src and dst may be the
// same key, which rotates the list. ok is false when src is missing. Both
// keys are type-checked before anything moves. Creating dst wakes clients
// blocked on it. Errors: ErrWrongType.
// Follows https://redis.io/commands/lmove/.
func (db *DB) ListMove(src, dst string, from, to End) (v []byte, ok bool, err error) {
	so, err := db.listWrite(src)
	if err != nil || so == nil {
		return nil, false, err
	}
	do, err := db.listWrite(dst)
	if err != nil {
		return nil, false, err
	}
	v = db.listMoveLocked(src, so, dst, do, from, to)
	return v, true, nil
}

// listMoveLocked moves one element from the non-empty list so at src to
// the list do at dst (nil: create it), then deletes src if it emptied.
func (db *DB) listMoveLocked(src string, so *Object, dst string, do *Object, from, to End) []byte {
	v, _ := so.List.pop(from)
	if do == nil {
		do = NewListObject()
		do.List.push(to, v)
		db.Add(dst, do)
	} else {
		do.List.push(to, v)
		db.Touch(dst)
	}
	db.SignalReady(dst)
	if src != dst {
		db.listChanged(src, so)
	}
	return v
}

// ListPopWaiter returns a Waiter for BLPOP/BRPOP/BLMPOP on keys of db: when
// one of its keys holds a list, it pops up to count elements from end e and
// sets Result to a ListPopResult.
func (db *DB) ListPopWaiter(keys []string, e End, count int) *Waiter {
	w := &Waiter{Keys: dedupe(keys)}
	w.Serve = func(tx *Tx, key string) bool {
		o := db.Lookup(key)
		if o == nil || o.Kind != KindList || o.List.Len() == 0 {
			return false
		}
		vals, _, _ := db.ListPop(key, e, count)
		w.Result = ListPopResult{Key: key, Values: vals}
		// Logged as the non-blocking pop that reproduces it.
		if tx.Propagating() {
			name := "LPOP"
			if e != Left {
				name = "RPOP"
			}
			tx.Propagate(db.index, []byte(name), []byte(key), []byte(strconv.Itoa(len(vals))))
		}
		return true
	}
	return w
}

// ListPopResult is the outcome of a served blocking pop: the key served
// and the elements popped from it.
type ListPopResult struct {
	Key    string
	Values [][]byte
}

// ListMoveWaiter returns a Waiter for BLMOVE/BRPOPLPUSH on src of db: when
// src holds a list it moves one element to dst and sets Result to the
// element ([]byte). If dst then holds another type the client is still
// served, with Result set to ErrWrongType and nothing moved, as Redis 7.0
// does (the element stays for the next waiter).
func (db *DB) ListMoveWaiter(src, dst string, from, to End) *Waiter {
	w := &Waiter{Keys: []string{src}}
	w.Serve = func(tx *Tx, key string) bool {
		so := db.Lookup(src)
		if so == nil || so.Kind != KindList || so.List.Len() == 0 {
			return false
		}
		do := db.Lookup(dst)
		if do != nil && do.Kind != KindList {
			w.Result = ErrWrongType
			return true
		}
		w.Result = db.listMoveLocked(src, so, dst, do, from, to)
		if tx.Propagating() {
			tx.Propagate(db.index, []byte("LMOVE"), []byte(src), []byte(dst), []byte(from.String()), []byte(to.String()))
		}
		return true
	}
	return w
}

// dedupe returns keys without repeats, in first-seen order: a client
// blocks once per key, as Redis's blockForKeys does.
func dedupe(keys []string) []string {
	seen := make(map[string]struct{}, len(keys))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if _, dup := seen[k]; !dup {
			seen[k] = struct{}{}
			out = append(out, k)
		}
	}
	return out
}
