package broker

import (
	"slices"
)

// Set operations (https://redis.io/docs/latest/commands/?group=set), as
// Redis 7.0 implements them in t_set.c. Reads go through LookupSet and the
// Set's read methods; every write is a DB method so that an emptied set is
// deleted and every change is signalled for WATCH.

// NewSetObject returns an empty set object with the encoding Redis picks
// for a set whose first member is first (intset for an integer).
func NewSetObject(first []byte) *Object { return &Object{Kind: KindSet, Set: newSetFor(first)} }

// LookupSet returns the set at key for reading, nil when the key is
// missing, ErrWrongType when it holds another kind. It counts a keyspace
// hit or miss (Redis lookupKeyRead).
func (db *DB) LookupSet(key string) (*Set, error) {
	o, err := db.LookupKind(key, KindSet)
	if err != nil || o == nil {
		return nil, err
	}
	return o.Set, nil
}

// setWrite returns the set object at key for a write command without
// counting hits: nil when missing, ErrWrongType for another kind.
func (db *DB) setWrite(key string) (*Object, error) {
	o := db.Lookup(key)
	if o != nil && o.Kind != KindSet {
		return nil, ErrWrongType
	}
	return o, nil
}

// setChanged finishes an in-place change of the set at key: an emptied set
// is deleted, otherwise the key is signalled as modified.
func (db *DB) setChanged(key string, o *Object) {
	if o.Set.Len() == 0 {
		db.Delete(key)
		return
	}
	db.Touch(key)
}

// SAdd adds members (copied) to the set at key, creating it if missing, and
// returns how many were new (SADD). A new set is an intset when its first
// member is an integer. Errors: ErrWrongType.
func (db *DB) SAdd(key string, members [][]byte) (int, error) {
	o, err := db.setWrite(key)
	if err != nil {
		return 0, err
	}
	created := o == nil
	if created {
		o = NewSetObject(members[0])
	}
	n := 0
	for _, m := range members {
		if o.Set.add(m) {
			n++
		}
	}
	switch {
	case created:
		db.Add(key, o)
	case n > 0:
		db.Touch(key)
	}
	return n, nil
}

// SRem removes members from the set at key and returns how many were
// members (SREM). An emptied set is deleted. Errors: ErrWrongType.
func (db *DB) SRem(key string, members [][]byte) (int, error) {
	o, err := db.setWrite(key)
	if err != nil || o == nil {
		return 0, err
	}
	n := 0
	for _, m := range members {
		if o.Set.remove(m) {
			n++
		}
	}
	if n > 0 {
		db.setChanged(key, o)
	}
	return n, nil
}

// SIsMember reports whether m is a member of the set at key (SISMEMBER).
// Errors: ErrWrongType.
func (db *DB) SIsMember(key string, m []byte) (bool, error) {
	s, err := db.LookupSet(key)
	if err != nil || s == nil {
		return false, err
	}
	return s.Has(m), nil
}

// SCard returns the number of members of the set at key, 0 when missing
// (SCARD). Errors: ErrWrongType.
func (db *DB) SCard(key string) (int, error) {
	s, err := db.LookupSet(key)
	if err != nil || s == nil {
		return 0, err
	}
	return s.Len(), nil
}

// SMove moves m from the set at src to the set at dst, creating dst if
// missing, and reports whether m was a member of src (SMOVE). A missing src
// gives false whatever dst holds; otherwise ErrWrongType if either key
// holds another kind. With src == dst nothing changes and the result says
// whether m is a member.
func (db *DB) SMove(src, dst string, m []byte) (bool, error) {
	so, err := db.setWrite(src)
	if err != nil || so == nil {
		return false, err
	}
	do, err := db.setWrite(dst)
	if err != nil {
		return false, err
	}
	if so == do {
		return so.Set.Has(m), nil
	}
	if !so.Set.remove(m) {
		return false, nil
	}
	db.setChanged(src, so)
	if do == nil {
		do = NewSetObject(m)
		do.Set.add(m)
		db.Add(dst, do)
	} else {
		do.Set.add(m)
		db.Touch(dst)
	}
	return true, nil
}

// SPop removes and returns a random member of the set at key (SPOP without
// a count); ok is false when the key is missing. An emptied set is
// deleted. Errors: ErrWrongType.
func (db *DB) SPop(key string) (m []byte, ok bool, err error) {
	o, err := db.setWrite(key)
	if err != nil || o == nil {
		return nil, false, err
	}
	m = o.Set.Random()
	o.Set.remove(m)
	db.setChanged(key, o)
	return m, true, nil
}

// spopMoveStrategyMul is Redis's SPOP_MOVE_STRATEGY_MUL: when the members
// left after SPOP are few compared to those popped, the set is rebuilt from
// the members that stay.
const spopMoveStrategyMul = 5

// SPopCount removes and returns up to count random distinct members of the
// set at key (SPOP with a count); exists is false when the key is missing.
// A count of 0 pops nothing; a count of at least the size pops the whole
// set and deletes the key. The returned slices are owned by the caller.
// As in Redis, when few members stay they are moved into a new set (an
// intset again if they are all integers). Errors: ErrWrongType.
func (db *DB) SPopCount(key string, count int) (members [][]byte, exists bool, err error) {
	o, err := db.setWrite(key)
	if err != nil || o == nil {
		return nil, false, err
	}
	if count == 0 {
		return nil, true, nil
	}
	s := o.Set
	size := s.Len()
	if count >= size {
		members = s.Members()
		db.Delete(key)
		return members, true, nil
	}
	remaining := size - count
	members = make([][]byte, 0, count)
	if remaining*spopMoveStrategyMul > count {
		for range count {
			m := s.Random()
			s.remove(m)
			members = append(members, m)
		}
	} else {
		var stay *Set
		for range remaining {
			m := s.Random()
			if stay == nil {
				stay = newSetFor(m)
			}
			stay.add(m)
			s.remove(m)
		}
		members = s.Members()
		o.Set = stay
	}
	db.Touch(key)
	return members, true, nil
}

// SetOp is a set algebra operation: SUNION, SINTER or SDIFF.
type SetOp uint8

// The set operations.
const (
	SetUnion SetOp = iota
	SetInter
	SetDiff
)

// lookupSets returns the sets at keys (nil for a missing key), checking
// every key's type first: ErrWrongType if any holds another kind. forWrite
// selects Redis's lookupKeyWrite (no hit/miss counting) for the STORE forms.
func (db *DB) lookupSets(keys []string, forWrite bool) ([]*Set, error) {
	sets := make([]*Set, len(keys))
	for i, k := range keys {
		var o *Object
		if forWrite {
			o = db.Lookup(k)
		} else {
			o = db.LookupRead(k)
		}
		if o == nil {
			continue
		}
		if o.Kind != KindSet {
			return nil, ErrWrongType
		}
		sets[i] = o.Set
	}
	return sets, nil
}

// interSorted returns the sets sorted by size for an intersection, or nil
// when one is missing (the intersection is empty).
func interSorted(sets []*Set) []*Set {
	if slices.Contains(sets, nil) {
		return nil
	}
	sorted := slices.Clone(sets)
	slices.SortStableFunc(sorted, func(a, b *Set) int { return a.Len() - b.Len() })
	return sorted
}

// interRange calls fn for each member of the intersection of sorted (the
// result of interSorted, non-empty), in the smallest set's order, until fn
// returns false.
func interRange(sorted []*Set, fn func(m []byte) bool) {
	first := sorted[0]
	first.Range(func(m []byte) bool {
		for _, s := range sorted[1:] {
			if s != first && !s.Has(m) {
				return true
			}
		}
		return fn(m)
	})
}

// combine computes op over sets into a new Set built as Redis builds its
// destination set: it starts as an intset and converts when a member is
// not an integer or the intset grows too large.
func combine(op SetOp, sets []*Set) *Set {
	res := &Set{}
	switch op {
	case SetUnion:
		for _, s := range sets {
			if s == nil {
				continue
			}
			s.Range(func(m []byte) bool { res.add(m); return true })
		}
	case SetInter:
		if sorted := interSorted(sets); sorted != nil {
			interRange(sorted, func(m []byte) bool { res.add(m); return true })
		}
	case SetDiff:
		first := sets[0]
		if first == nil {
			break
		}
		first.Range(func(m []byte) bool {
			for _, s := range sets[1:] {
				if s == first || (s != nil && s.Has(m)) {
					return true
				}
			}
			res.add(m)
			return true
		})
	}
	return res
}

// SetCombine returns the members of the union, intersection or difference
// of the sets at keys (SUNION, SINTER, SDIFF; SMEMBERS is SINTER of one
// key), missing keys counting as empty sets. The order is Redis's: SINTER
// walks the smallest set, SUNION and SDIFF walk a new set that is an
// intset (ascending) when every member is an integer. The slices are valid
// until the next write. Errors: ErrWrongType when any key holds another
// kind, even after a missing key.
func (db *DB) SetCombine(op SetOp, keys []string) ([][]byte, error) {
	sets, err := db.lookupSets(keys, false)
	if err != nil {
		return nil, err
	}
	if op == SetInter {
		sorted := interSorted(sets)
		if sorted == nil {
			return nil, nil
		}
		var out [][]byte
		intset := sorted[0].d == nil
		interRange(sorted, func(m []byte) bool {
			if intset {
				m = slices.Clone(m) // the intset formats into a scratch buffer
			}
			out = append(out, m)
			return true
		})
		return out, nil
	}
	return combine(op, sets).Members(), nil
}

// SetCombineStore stores the union, intersection or difference of the sets
// at keys in dst, replacing any value of any kind and dropping its TTL, and
// returns its size (SUNIONSTORE, SINTERSTORE, SDIFFSTORE). An empty result
// deletes dst. Errors: ErrWrongType when a source key holds another kind
// (dst is then untouched).
func (db *DB) SetCombineStore(op SetOp, dst string, keys []string) (int, error) {
	sets, err := db.lookupSets(keys, true)
	if err != nil {
		return 0, err
	}
	res := combine(op, sets)
	if res.Len() == 0 {
		db.Delete(dst)
		return 0, nil
	}
	db.Set(dst, &Object{Kind: KindSet, Set: res}, false)
	return res.Len(), nil
}

// SInterCard returns the size of the intersection of the sets at keys,
// stopping at limit when limit > 0 (SINTERCARD). Errors: ErrWrongType when
// any key holds another kind.
func (db *DB) SInterCard(keys []string, limit int) (int, error) {
	sets, err := db.lookupSets(keys, false)
	if err != nil {
		return 0, err
	}
	sorted := interSorted(sets)
	if sorted == nil {
		return 0, nil
	}
	n := 0
	interRange(sorted, func([]byte) bool {
		n++
		return limit <= 0 || n < limit
	})
	return n, nil
}
