package broker

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/switchyard/switchyard/internal/dict"
)

// SetMaxIntsetEntries is Redis 7.0's default set-max-intset-entries: a set
// of integers stays an intset up to this many members.
const SetMaxIntsetEntries = 512

// Set is the value of a set key: a set of distinct byte strings
// (https://redis.io/docs/latest/develop/data-types/sets/).
//
// Like Redis 7.0 it has two encodings. A set created with an integer
// member (a string that ParseInt accepts, such as "12" but not "012") is an
// intset: a sorted []int64, so SMEMBERS and SSCAN list it in ascending
// numeric order, as Redis does. Adding a member that is not an integer, or
// more than SetMaxIntsetEntries members, converts it to an internal/dict
// table for good (Redis never converts back). A set created with a
// non-integer member starts as a table.
//
// The byte slices the read methods hand out are valid only until the set
// is next modified (for intset members, until the callback returns) and
// must not be written to. Mutations go through DB methods (SAdd, SRem, ...),
// which delete emptied sets and signal changes for WATCH.
type Set struct {
	ints []int64              // intset encoding, ascending, while d is nil
	d    *dict.Dict[struct{}] // table encoding
}

// newSetFor returns an empty set with the encoding Redis's setTypeCreate
// picks for a set whose first member is first.
func newSetFor(first []byte) *Set {
	if _, ok := ParseInt(first); ok {
		return &Set{}
	}
	return &Set{d: dict.New[struct{}]()}
}

// Len returns the number of members (SCARD).
func (s *Set) Len() int {
	if s.d != nil {
		return s.d.Len()
	}
	return len(s.ints)
}

// Encoding returns the encoding name OBJECT ENCODING reports: "intset" or
// "hashtable".
func (s *Set) Encoding() string {
	if s.d != nil {
		return "hashtable"
	}
	return "intset"
}

// Has reports whether m is a member (SISMEMBER).
func (s *Set) Has(m []byte) bool {
	if s.d != nil {
		_, ok := s.d.Get(stringView(m))
		return ok
	}
	v, ok := ParseInt(m)
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(s.ints, v)
	return found
}

// Range calls fn for every member until it returns false: ascending for an
// intset, table order otherwise. fn must not modify the set.
func (s *Set) Range(fn func(m []byte) bool) {
	if s.d != nil {
		s.d.Range(func(k string, _ struct{}) bool { return fn(bytesView(k)) })
		return
	}
	var buf [20]byte
	for _, v := range s.ints {
		if !fn(strconv.AppendInt(buf[:0], v, 10)) {
			return
		}
	}
}

// Members returns every member in Range order. The slices of a table's
// members share its storage (read-only); an intset's are new.
func (s *Set) Members() [][]byte {
	out := make([][]byte, 0, s.Len())
	if s.d != nil {
		s.d.Range(func(k string, _ struct{}) bool { out = append(out, bytesView(k)); return true })
		return out
	}
	for _, v := range s.ints {
		out = append(out, strconv.AppendInt(nil, v, 10))
	}
	return out
}

// Scan implements SSCAN's iteration; the slices passed to fn may be kept
// until the set is next modified. An intset is returned whole and the
// next cursor is 0, as Redis does whatever the cursor. A table is scanned
// from cursor, bucket by bucket, until at least count members were
// visited, the cursor is back to 0, or count*10 buckets were visited; a
// full iteration from 0 to 0 visits every member present for its whole
// duration at least once.
func (s *Set) Scan(cursor uint64, count int, fn func(m []byte)) uint64 {
	if s.d == nil {
		for _, v := range s.ints {
			fn(strconv.AppendInt(nil, v, 10))
		}
		return 0
	}
	visited := 0
	for budget := scanBudget(count, 10); ; budget-- {
		cursor = s.d.Scan(cursor, func(k string, _ struct{}) {
			visited++
			fn(bytesView(k))
		})
		if cursor == 0 || budget <= 0 || visited >= count {
			return cursor
		}
	}
}

// Random returns a random member; the set must not be empty. An intset
// member is returned as a new slice.
func (s *Set) Random() []byte {
	if s.d != nil {
		k, _, _ := s.d.Random()
		return bytesView(k)
	}
	return strconv.AppendInt(nil, s.ints[rand.IntN(len(s.ints))], 10)
}

// RandomDistinct calls fn with count distinct random members, 0 < count <
// Len (SRANDMEMBER with a positive count smaller than the set).
func (s *Set) RandomDistinct(count int, fn func(m []byte)) {
	if s.d != nil {
		sampleDict(s.d, count, func(k string, _ struct{}) { fn(bytesView(k)) })
		return
	}
	var buf [20]byte
	for _, i := range sampleIndexes(len(s.ints), count) {
		fn(strconv.AppendInt(buf[:0], s.ints[i], 10))
	}
}

// clone returns a deep copy with the same encoding (COPY, the AOF rewrite
// snapshot).
func (s *Set) clone() *Set {
	if s.d == nil {
		return &Set{ints: slices.Clone(s.ints)}
	}
	d := dict.New[struct{}]()
	s.d.Range(func(k string, _ struct{}) bool {
		d.Set(k, struct{}{}) // strings are immutable: sharing them is safe
		return true
	})
	return &Set{d: d}
}

func init() {
	typeRewriters[KindSet] = func(k []byte, o *Object, emit func(args ...[]byte) error) error {
		args := [][]byte{[]byte("SADD"), k}
		var err error
		o.Set.Range(func(m []byte) bool {
			args = append(args, slices.Clone(m)) // an intset formats into a scratch buffer
			if len(args) == 2+rewriteItems {
				err = emit(args...)
				args = args[:2]
			}
			return err == nil
		})
		if err == nil && len(args) > 2 {
			err = emit(args...)
		}
		return err
	}
}

// convert switches an intset to the table encoding.
func (s *Set) convert() {
	d := dict.New[struct{}]()
	for _, v := range s.ints {
		d.Set(strconv.FormatInt(v, 10), struct{}{})
	}
	s.d, s.ints = d, nil
}

// add inserts m (copied) and reports whether it is new. A non-integer
// member, or one member past SetMaxIntsetEntries, converts an intset to a
// table (Redis's setTypeAdd).
func (s *Set) add(m []byte) bool {
	if s.d == nil {
		v, ok := ParseInt(m)
		if ok {
			i, found := slices.BinarySearch(s.ints, v)
			if found {
				return false
			}
			s.ints = slices.Insert(s.ints, i, v)
			if len(s.ints) > SetMaxIntsetEntries {
				s.convert()
			}
			return true
		}
		s.convert()
	}
	if _, ok := s.d.Get(stringView(m)); ok {
		return false
	}
	s.d.Set(string(m), struct{}{})
	return true
}

// remove deletes m and reports whether it was a member.
func (s *Set) remove(m []byte) bool {
	if s.d != nil {
		_, ok := s.d.Delete(stringView(m))
		return ok
	}
	v, ok := ParseInt(m)
	if !ok {
		return false
	}
	i, found := slices.BinarySearch(s.ints, v)
	if !found {
		return false
	}
	s.ints = slices.Delete(s.ints, i, i+1)
	return true
}
