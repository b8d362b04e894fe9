package broker

import "math"

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD
// (https://redis.io/commands/zunion/), as Redis 7.0's
// zunionInterDiffGenericCommand computes them: inputs sorted by size for
// union and intersection (which fixes the order of the additions of a SUM),
// inf + -inf summed as 0, sets accepted with score 1.

// ZAggregate is how ZUNION and ZINTER combine the scores of a member.
type ZAggregate uint8

// AGGREGATE SUM (the default), MIN and MAX.
const (
	ZAggSum ZAggregate = iota
	ZAggMin
	ZAggMax
)

// ZSetOpKind is the operation of ZUNION, ZINTER and ZDIFF.
type ZSetOpKind uint8

// The three set operations.
const (
	ZUnion ZSetOpKind = iota
	ZInter
	ZDiff
)

// ZSetOpSpec is a parsed ZUNION/ZINTER/ZDIFF (and STORE) query: the input
// keys (sorted sets, or sets whose members count with score 1), one weight
// per key (nil: all 1) and the aggregate.
type ZSetOpSpec struct {
	Op        ZSetOpKind
	Keys      []string
	Weights   []float64
	Aggregate ZAggregate
}

// zsrc is one input of a set operation.
type zsrc struct {
	z      *ZSet
	set    setInput
	weight float64
}

func (s *zsrc) len() int {
	switch {
	case s.z != nil:
		return s.z.Len()
	case s.set != nil:
		return s.set.Len()
	}
	return 0
}

func (s *zsrc) find(member string) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.Score(member)
	case s.set != nil && s.set.Contains(member):
		return 1, true
	}
	return 0, false
}

func (s *zsrc) each(fn func(member string, score float64)) {
	switch {
	case s.z != nil:
		s.z.dict.Range(func(m string, sc float64) bool { fn(m, sc); return true })
	case s.set != nil:
		s.set.Range(func(m string) bool { fn(m, 1); return true })
	}
}

// same reports whether two inputs are the same key's value.
func (s *zsrc) same(t *zsrc) bool {
	return (s.z != nil && s.z == t.z) || (s.set != nil && t.set != nil && s.set == t.set)
}

// setInput is what a set value offers as an input of ZUNION, ZINTER, ZDIFF
// and ZINTERCARD.
type setInput interface {
	Len() int
	Contains(member string) bool
	Range(fn func(member string) bool)
}

// setInputOf adapts a set value (broker.Set) to setInput.
func setInputOf(s *Set) setInput { return setAdapter{s} }

// setAdapter presents a Set as a setInput (members as strings).
type setAdapter struct{ s *Set }

func (a setAdapter) Len() int                    { return a.s.Len() }
func (a setAdapter) Contains(member string) bool { return a.s.Has([]byte(member)) }
func (a setAdapter) Range(fn func(member string) bool) {
	a.s.Range(func(m []byte) bool { return fn(string(m)) })
}

// ZSetOpCheck checks the input keys of a set operation as Redis does before
// it parses the options: every existing key must be a sorted set or a set.
// Errors: ErrWrongType.
func (db *DB) ZSetOpCheck(keys []string) error {
	for _, k := range keys {
		if o := db.Lookup(k); o != nil && o.Kind != KindZSet && o.Kind != KindSet {
			return ErrWrongType
		}
	}
	return nil
}

func (db *DB) zsetSources(keys []string, weights []float64) ([]zsrc, error) {
	src := make([]zsrc, len(keys))
	for i, k := range keys {
		src[i].weight = 1
		if weights != nil {
			src[i].weight = weights[i]
		}
		o := db.LookupRead(k)
		switch {
		case o == nil:
		case o.Kind == KindZSet:
			src[i].z = o.ZSet
		case o.Kind == KindSet:
			src[i].set = setInputOf(o.Set)
		default:
			return nil, ErrWrongType
		}
	}
	return src, nil
}

// aggregate combines a member's scores as zunionInterAggregate does: a sum
// that is NaN (inf + -inf) becomes 0; MIN and MAX keep the current value
// against a NaN.
func aggregate(target, v float64, agg ZAggregate) float64 {
	switch agg {
	case ZAggMin:
		if v < target {
			return v
		}
		return target
	case ZAggMax:
		if v > target {
			return v
		}
		return target
	}
	target += v
	if math.IsNaN(target) {
		return 0
	}
	return target
}

// sortByLen orders the inputs by size, smallest first, keeping the order of
// equal sizes (Redis's qsort is glibc's stable merge sort): the order of
// the additions in a SUM depends on it.
func sortByLen(src []zsrc) {
	for i := 1; i < len(src); i++ {
		for j := i; j > 0 && src[j].len() < src[j-1].len(); j-- {
			src[j], src[j-1] = src[j-1], src[j]
		}
	}
}

// zsetOp computes spec; the result is unsorted. maxLen is the longest
// member.
func (db *DB) zsetOp(spec ZSetOpSpec) (out []ZMember, maxLen int, err error) {
	src, err := db.zsetSources(spec.Keys, spec.Weights)
	if err != nil {
		return nil, 0, err
	}
	keep := func(m string, s float64) {
		out = append(out, ZMember{m, s})
		maxLen = max(maxLen, len(m))
	}
	switch spec.Op {
	case ZUnion:
		sortByLen(src)
		acc := make(map[string]float64, src[len(src)-1].len())
		for i := range src {
			s := &src[i]
			s.each(func(m string, sc float64) {
				v := s.weight * sc
				if math.IsNaN(v) {
					v = 0
				}
				if cur, ok := acc[m]; ok {
					acc[m] = aggregate(cur, v, spec.Aggregate)
				} else {
					acc[m] = v
				}
			})
		}
		out = make([]ZMember, 0, len(acc))
		for m, s := range acc {
			keep(m, s)
		}
	case ZInter:
		sortByLen(src)
		zinter(src, spec.Aggregate, 0, keep)
	case ZDiff:
		first := &src[0]
		for j := 1; j < len(src); j++ {
			if src[j].same(first) {
				return nil, 0, nil
			}
		}
		first.each(func(m string, sc float64) {
			for j := 1; j < len(src); j++ {
				if _, ok := src[j].find(m); ok {
					return
				}
			}
			keep(m, sc)
		})
	}
	return out, maxLen, nil
}

// zinter calls keep for each member of every input, with its aggregated
// score, stopping after limit members (0: no limit). src is sorted by size.
func zinter(src []zsrc, agg ZAggregate, limit int, keep func(string, float64)) int {
	if src[0].len() == 0 {
		return 0
	}
	n := 0
	done := false
	first := &src[0]
	first.each(func(m string, sc float64) {
		if done {
			return
		}
		score := first.weight * sc
		if math.IsNaN(score) {
			score = 0
		}
		for j := 1; j < len(src); j++ {
			var v float64
			if src[j].same(first) {
				v = sc * src[j].weight
			} else if found, ok := src[j].find(m); ok {
				v = found * src[j].weight
			} else {
				return
			}
			score = aggregate(score, v, agg)
		}
		n++
		if keep != nil {
			keep(m, score)
		}
		if limit > 0 && n >= limit {
			done = true
		}
	})
	return n
}

// ZSetOp computes ZUNION, ZINTER or ZDIFF of spec's keys and returns the
// result in order (missing keys are empty). Errors: ErrWrongType.
// Follows https://redis.io/commands/zunion/.
func (db *DB) ZSetOp(spec ZSetOpSpec) ([]ZMember, error) {
	out, _, err := db.zsetOp(spec)
	sortZMembers(out)
	return out, err
}

// ZSetOpStore stores the result of spec at dst (replacing any value and
// TTL; deleting dst when the result is empty) and returns its size. The
// stored set is compact when it has at most 128 members of at most 64
// bytes, as Redis's zsetConvertToListpackIfNeeded decides. A newly created
// dst wakes clients blocked on it. Errors: ErrWrongType.
// Follows https://redis.io/commands/zunionstore/.
func (db *DB) ZSetOpStore(dst string, spec ZSetOpSpec) (int, error) {
	out, maxLen, err := db.zsetOp(spec)
	if err != nil {
		return 0, err
	}
	if len(out) == 0 {
		db.Delete(dst)
		return 0, nil
	}
	compact := len(out) <= zsetCompactEntries && maxLen <= zsetCompactValue
	if compact {
		for i := range out {
			out[i].Score = compactScore(out[i].Score)
		}
	}
	sortZMembers(out)
	db.storeZSet(dst, zsetFromSorted(out, compact))
	return len(out), nil
}

// ZInterCard returns the size of the intersection of keys, counting at
// most limit members (0: no limit). Errors: ErrWrongType.
// Follows https://redis.io/commands/zintercard/.
func (db *DB) ZInterCard(keys []string, limit int) (int, error) {
	src, err := db.zsetSources(keys, nil)
	if err != nil {
		return 0, err
	}
	sortByLen(src)
	return zinter(src, ZAggSum, limit, nil), nil
}
