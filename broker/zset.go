package broker

import (
	"math"
	"strconv"

	"github.com/switchyard/switchyard/internal/dict"
)

// Redis's defaults for zset-max-listpack-entries and zset-max-listpack-value:
// a sorted set within both limits is "compact" (see ZSet).
const (
	zsetCompactEntries = 128
	zsetCompactValue   = 64
)

// ZSet is the value of a sorted-set key: members (binary-safe strings) with
// float64 scores, ordered by score and then by member bytes.
//
// It is two structures over the same elements, as Redis's zset is: a hash
// table from member to score (O(1) ZSCORE, SCAN-able with Redis's cursor
// guarantees) and a B+tree with subtree counts (zset_tree.go) for the order:
// insert, delete, rank and the start of any range in O(log n).
//
// Compact mirrors Redis's listpack encoding, whose observable differences
// Switchyard keeps: a score of -0 is stored as 0 (Redis stores listpack
// scores as text and prints -0 as "0"), ZSCAN returns a compact set whole
// with cursor 0, and lexicographic ranges are found by a linear scan (which
// differs from a search only when members are not ordered, that is when
// scores differ). A set is created compact unless its first member is longer
// than 64 bytes; it stops being compact, for good, when it would pass 128
// members or get a member longer than 64 bytes. OBJECT ENCODING reports
// Encoding.
//
// A ZSet is never empty while stored at a key. It is not safe for concurrent
// use: reach it only under the engine lock.
type ZSet struct {
	dict    *dict.Dict[float64]
	tree    ztree
	compact bool
}

// NewZSet returns an empty sorted set, compact (listpack-like) or not.
func NewZSet(compact bool) *ZSet {
	return &ZSet{dict: dict.New[float64](), compact: compact}
}

// NewZSetObject returns an object holding z.
func NewZSetObject(z *ZSet) *Object { return &Object{Kind: KindZSet, ZSet: z} }

// Len returns the number of members.
func (z *ZSet) Len() int { return z.tree.n }

// Encoding returns the Redis encoding this set mirrors: "listpack" while
// compact, else "skiplist" (OBJECT ENCODING).
func (z *ZSet) Encoding() string {
	if z.compact {
		return "listpack"
	}
	return "skiplist"
}

// Score returns the score of member and whether it is in the set.
func (z *ZSet) Score(member string) (float64, bool) { return z.dict.Get(member) }

// Rank returns the 0-based rank of member in ascending order (or
// descending when rev) and whether it is in the set.
func (z *ZSet) Rank(member string, rev bool) (int, bool) {
	s, ok := z.dict.Get(member)
	if !ok {
		return 0, false
	}
	r := z.tree.rank(ZMember{member, s})
	if rev {
		r = z.tree.n - 1 - r
	}
	return r, true
}

// At returns the element of rank r (0 <= r < Len) in ascending order.
func (z *ZSet) At(r int) ZMember { return z.tree.at(r) }

// Ascend calls fn for the elements from rank from upwards until fn returns
// false. fn must not modify z.
func (z *ZSet) Ascend(from int, fn func(ZMember) bool) { z.tree.ascend(from, fn) }

// Descend calls fn for the elements from rank from downwards until fn
// returns false. fn must not modify z.
func (z *ZSet) Descend(from int, fn func(ZMember) bool) { z.tree.descend(from, fn) }

// Random returns a random element (ZRANDMEMBER); z must not be empty.
func (z *ZSet) Random() ZMember {
	m, s, _ := z.dict.Random()
	return ZMember{m, s}
}

// Clone returns a deep copy of z with the same encoding (COPY, Redis's
// zsetDup). Member strings are immutable and shared.
func (z *ZSet) Clone() *ZSet {
	all := make([]ZMember, 0, z.Len())
	z.Ascend(0, func(m ZMember) bool { all = append(all, m); return true })
	return zsetFromSorted(all, z.compact)
}

// zsetFromSorted builds a set from distinct elements in order.
func zsetFromSorted(sorted []ZMember, compact bool) *ZSet {
	z := NewZSet(compact)
	for _, m := range sorted {
		z.dict.Set(m.Member, m.Score)
	}
	z.tree = buildTree(sorted)
	return z
}

// compactScore is the score as a compact set stores it: -0 becomes 0.
func compactScore(s float64) float64 {
	if s == 0 {
		return 0
	}
	return s
}

// insert adds a member known to be absent, first leaving compact mode if the
// set would outgrow it (Redis converts to a skip list before inserting).
func (z *ZSet) insert(member string, score float64) {
	if z.compact {
		if z.tree.n+1 > zsetCompactEntries || len(member) > zsetCompactValue {
			z.compact = false
		} else {
			score = compactScore(score)
		}
	}
	z.dict.Set(member, score)
	z.tree.insert(ZMember{member, score})
}

// update changes the score of member from cur to score; callers skip it
// when the scores are equal.
func (z *ZSet) update(member string, cur, score float64) {
	if z.compact {
		score = compactScore(score)
	}
	z.tree.delete(ZMember{member, cur})
	z.tree.insert(ZMember{member, score})
	z.dict.Set(member, score)
}

// remove deletes member and reports whether it was there.
func (z *ZSet) remove(member string) bool {
	s, ok := z.dict.Delete(member)
	if ok {
		z.tree.delete(ZMember{member, s})
	}
	return ok
}

// ZAddFlags are ZADD's options (https://redis.io/commands/zadd/).
type ZAddFlags struct {
	NX, XX, GT, LT, Incr bool
}

// zaddOutcome is what adding one element did.
type zaddOutcome uint8

const (
	zaddNop zaddOutcome = iota
	zaddAdded
	zaddUpdated
	zaddSame // processed, score unchanged
)

// add applies one ZADD element with flags f, as Redis's zsetAdd: it returns
// what happened and the element's resulting score (with INCR, the sum).
// ErrNaNScore when the score, or an increment's result, is NaN.
func (z *ZSet) add(member string, score float64, f ZAddFlags) (zaddOutcome, float64, error) {
	if math.IsNaN(score) {
		return zaddNop, 0, ErrNaNScore
	}
	cur, exists := z.dict.Get(member)
	if !exists {
		if f.XX {
			return zaddNop, 0, nil
		}
		z.insert(member, score)
		return zaddAdded, score, nil
	}
	if f.NX {
		return zaddNop, 0, nil
	}
	if f.Incr {
		score += cur
		if math.IsNaN(score) {
			return zaddNop, 0, ErrNaNScore
		}
	}
	if (f.LT && score >= cur) || (f.GT && score <= cur) {
		return zaddNop, 0, nil
	}
	if score == cur {
		return zaddSame, score, nil
	}
	z.update(member, cur, score)
	return zaddUpdated, score, nil
}

func init() { typeRewriters[KindZSet] = rewriteZSet }

// rewriteZSet emits the ZADD commands that rebuild o (AOF rewrite), in
// order, chunk elements per command, as Redis's rewriteSortedSetObject.
func rewriteZSet(k []byte, o *Object, emit func(args ...[]byte) error) error {
	var err error
	args := [][]byte{[]byte("ZADD"), k}
	o.ZSet.Ascend(0, func(m ZMember) bool {
		args = append(args, AppendScore(nil, m.Score), []byte(m.Member))
		if len(args) == 2+2*chunk {
			err = emit(args...)
			args = [][]byte{[]byte("ZADD"), k}
		}
		return err == nil
	})
	if err == nil && len(args) > 2 {
		err = emit(args...)
	}
	return err
}

// AppendScore formats a score as Redis prints doubles in replies and AOF
// files: "inf", "-inf", otherwise %.17g (which ParseScore reads back
// exactly, -0 included).
func AppendScore(b []byte, s float64) []byte {
	switch {
	case math.IsInf(s, 1):
		return append(b, "inf"...)
	case math.IsInf(s, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, s, 'g', 17, 64)
}
