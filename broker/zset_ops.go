package broker

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Engine operations of the sorted-set family
// (https://redis.io/docs/latest/commands/?group=sorted-set), with Redis
// 7.0.15's semantics. The RESP side is respfront/cmd_zset.go; ranges and
// scores arrive parsed (zset_parse.go).

// ErrNaNScore: ZADD INCR or ZINCRBY would make a score NaN (inf + -inf).
var ErrNaNScore = errors.New("resulting score is not a number (NaN)")

// zsetWrite returns the sorted set at key for a write command: nil when
// missing, ErrWrongType for another kind. Like Redis's lookupKeyWrite it
// counts no keyspace hit or miss.
func (db *DB) zsetWrite(key string) (*Object, error) {
	o := db.Lookup(key)
	if o != nil && o.Kind != KindZSet {
		return nil, ErrWrongType
	}
	return o, nil
}

// zsetRead is zsetWrite for reading commands (counts hits and misses).
func (db *DB) zsetRead(key string) (*ZSet, error) {
	o, err := db.LookupKind(key, KindZSet)
	if err != nil || o == nil {
		return nil, err
	}
	return o.ZSet, nil
}

// ZSetRead returns the sorted set at key for reading inside the current
// Exec (nil when missing; ErrWrongType). Callers must not keep it or
// modify it.
func (db *DB) ZSetRead(key string) (*ZSet, error) { return db.zsetRead(key) }

// zsetChanged finishes an in-place modification: an emptied set is deleted
// (a sorted-set key never exists empty), otherwise the key is signalled as
// modified for WATCH.
func (db *DB) zsetChanged(key string, o *Object) {
	if o.ZSet.Len() == 0 {
		db.Delete(key)
		return
	}
	db.Touch(key)
}

// ZAddResult is what ZADD did: members added, existing members whose score
// changed, members processed (not skipped by NX, XX, GT or LT), and the
// last processed member's score (ZADD INCR / ZINCRBY reply).
type ZAddResult struct {
	Added, Updated, Processed int
	Score                     float64
}

// ZAdd adds or updates pairs in the sorted set at key with flags f, creating
// the key unless f.XX (a new set is compact unless the first member is
// longer than 64 bytes, as Redis chooses listpack). Pairs are applied in
// order; ErrNaNScore stops at the element whose increment is NaN, keeping
// the earlier ones. Creating the key wakes clients blocked on it (BZPOPMIN).
// Errors: ErrWrongType, ErrNaNScore. Follows https://redis.io/commands/zadd/.
func (db *DB) ZAdd(key string, f ZAddFlags, pairs []ZMember) (ZAddResult, error) {
	var res ZAddResult
	o, err := db.zsetWrite(key)
	if err != nil {
		return res, err
	}
	created := false
	if o == nil {
		if f.XX || len(pairs) == 0 {
			return res, nil
		}
		o = NewZSetObject(NewZSet(len(pairs[0].Member) <= zsetCompactValue))
		db.Add(key, o)
		created = true
	}
	defer func() {
		if res.Added+res.Updated > 0 && !created {
			db.Touch(key)
		}
		if created {
			db.SignalReady(key)
		}
	}()
	for _, p := range pairs {
		out, score, err := o.ZSet.add(p.Member, p.Score, f)
		if err != nil {
			return res, err
		}
		switch out {
		case zaddAdded:
			res.Added++
		case zaddUpdated:
			res.Updated++
		}
		if out != zaddNop {
			res.Processed++
			res.Score = score
		}
	}
	return res, nil
}

// ZRem removes members from the sorted set at key and returns how many were
// there; an emptied set is deleted. Errors: ErrWrongType.
// Follows https://redis.io/commands/zrem/.
func (db *DB) ZRem(key string, members [][]byte) (int, error) {
	o, err := db.zsetWrite(key)
	if err != nil || o == nil {
		return 0, err
	}
	n := 0
	for _, m := range members {
		if o.ZSet.remove(string(m)) {
			n++
		}
		if o.ZSet.Len() == 0 {
			break
		}
	}
	if n > 0 {
		db.zsetChanged(key, o)
	}
	return n, nil
}

// ZCard returns the number of members, 0 for a missing key.
// Errors: ErrWrongType. Follows https://redis.io/commands/zcard/.
func (db *DB) ZCard(key string) (int, error) {
	z, err := db.zsetRead(key)
	if err != nil || z == nil {
		return 0, err
	}
	return z.Len(), nil
}

// ZScore returns member's score; ok is false when the key or the member is
// missing. Errors: ErrWrongType. Follows https://redis.io/commands/zscore/.
func (db *DB) ZScore(key, member string) (score float64, ok bool, err error) {
	z, err := db.zsetRead(key)
	if err != nil || z == nil {
		return 0, false, err
	}
	score, ok = z.Score(member)
	return score, ok, nil
}

// ZMScore returns the scores of members, found[i] false for a missing
// member (every member of a missing key is missing). Errors: ErrWrongType.
// Follows https://redis.io/commands/zmscore/.
func (db *DB) ZMScore(key string, members [][]byte) (scores []float64, found []bool, err error) {
	z, err := db.zsetRead(key)
	if err != nil {
		return nil, nil, err
	}
	scores, found = make([]float64, len(members)), make([]bool, len(members))
	if z != nil {
		for i, m := range members {
			scores[i], found[i] = z.Score(string(m))
		}
	}
	return scores, found, nil
}

// ZRank returns member's 0-based rank by ascending score, or descending
// when rev; ok is false when the key or member is missing.
// Errors: ErrWrongType. Follows https://redis.io/commands/zrank/.
func (db *DB) ZRank(key, member string, rev bool) (rank int, ok bool, err error) {
	z, err := db.zsetRead(key)
	if err != nil || z == nil {
		return 0, false, err
	}
	rank, ok = z.Rank(member, rev)
	return rank, ok, nil
}

// scoreBounds returns the ranks [lo, hi) of the elements within r.
func (z *ZSet) scoreBounds(r ScoreRange) (lo, hi int) {
	lo = z.tree.lowerBound(func(m ZMember) bool { return r.gteMin(m.Score) })
	hi = z.tree.lowerBound(func(m ZMember) bool { return !r.lteMax(m.Score) })
	return lo, max(lo, hi)
}

// ZCount returns the number of members with a score within r.
// Errors: ErrWrongType. Follows https://redis.io/commands/zcount/.
func (db *DB) ZCount(key string, r ScoreRange) (int, error) {
	z, err := db.zsetRead(key)
	if err != nil || z == nil {
		return 0, err
	}
	lo, hi := z.scoreBounds(r)
	return hi - lo, nil
}

// lexFirst returns the rank of the first element in r, or -1: Redis's
// zslFirstInLexRange (or zzlFirstInLexRange's linear scan when compact).
func (z *ZSet) lexFirst(r LexRange) int {
	if !z.inLexRange(r) {
		return -1
	}
	first := -1
	if z.compact {
		i := 0
		z.Ascend(0, func(m ZMember) bool {
			if r.gteMin(m.Member) {
				first = i
				return false
			}
			i++
			return true
		})
	} else {
		first = z.tree.lowerBound(func(m ZMember) bool { return r.gteMin(m.Member) })
	}
	if first < 0 || first >= z.Len() || !r.lteMax(z.At(first).Member) {
		return -1
	}
	return first
}

// lexLast returns the rank of the last element in r, or -1.
func (z *ZSet) lexLast(r LexRange) int {
	if !z.inLexRange(r) {
		return -1
	}
	last := -1
	if z.compact {
		i := z.Len() - 1
		z.Descend(i, func(m ZMember) bool {
			if r.lteMax(m.Member) {
				last = i
				return false
			}
			i--
			return true
		})
	} else {
		last = z.tree.lowerBound(func(m ZMember) bool { return !r.lteMax(m.Member) }) - 1
	}
	if last < 0 || !r.gteMin(z.At(last).Member) {
		return -1
	}
	return last
}

// inLexRange is zslIsInLexRange: r can hold elements of z at all.
func (z *ZSet) inLexRange(r LexRange) bool {
	if r.empty() || z.Len() == 0 {
		return false
	}
	return r.gteMin(z.At(z.Len()-1).Member) && r.lteMax(z.At(0).Member)
}

// lexWalk calls fn for the elements from rank from (downwards when rev)
// while they stay within r's far end, as Redis walks a lex range.
func (z *ZSet) lexWalk(r LexRange, from int, rev bool, fn func(ZMember) bool) {
	if rev {
		z.Descend(from, func(m ZMember) bool { return r.gteMin(m.Member) && fn(m) })
	} else {
		z.Ascend(from, func(m ZMember) bool { return r.lteMax(m.Member) && fn(m) })
	}
}

// ZLexCount returns the number of members within the lexicographic range r
// (meaningful when all scores are equal). Errors: ErrWrongType.
// Follows https://redis.io/commands/zlexcount/.
func (db *DB) ZLexCount(key string, r LexRange) (int, error) {
	z, err := db.zsetRead(key)
	if err != nil || z == nil {
		return 0, err
	}
	first := z.lexFirst(r)
	if first < 0 {
		return 0, nil
	}
	if !z.compact {
		last := z.lexLast(r)
		if last < first {
			return 0, nil
		}
		return last - first + 1, nil
	}
	n := 0
	z.lexWalk(r, first, false, func(ZMember) bool { n++; return true })
	return n, nil
}

// ZRangeBy selects how ZRANGE interprets its bounds.
type ZRangeBy uint8

// The three kinds of range.
const (
	ZByRank ZRangeBy = iota
	ZByScore
	ZByLex
)

// ZRangeSpec is a parsed ZRANGE (and ZRANGEBYSCORE, ZREVRANGEBYLEX, ...)
// query. For ZByRank, Start and Stop are Redis indexes (negative from the
// end). For ZByScore and ZByLex, Score or Lex hold the interval with Min
// and Max in their logical places (ZREVRANGEBYSCORE's max-first arguments
// already swapped), and Offset and Count are LIMIT's (Count < 0: no limit;
// Offset < 0 selects nothing, as Redis's skipping loop ends up doing). Rev
// walks from the high end.
type ZRangeSpec struct {
	By          ZRangeBy
	Rev         bool
	Start, Stop int64
	Score       ScoreRange
	Lex         LexRange
	Offset      int64
	Count       int64
}

// collect returns the elements z selects for q, in reply order.
func (z *ZSet) collect(q ZRangeSpec) []ZMember {
	n := z.Len()
	var out []ZMember
	add := func(m ZMember) bool { out = append(out, m); return true }
	switch q.By {
	case ZByRank:
		lo, hi, ok := rankRange(q.Start, q.Stop, n)
		if !ok {
			return nil
		}
		out = make([]ZMember, 0, hi-lo+1)
		take := func(m ZMember) bool { out = append(out, m); return len(out) < hi-lo+1 }
		if q.Rev {
			z.Descend(n-1-lo, take)
		} else {
			z.Ascend(lo, take)
		}
	case ZByScore:
		if q.Offset < 0 || (q.Offset > 0 && q.Offset >= int64(n)) {
			return nil
		}
		lo, hi := z.scoreBounds(q.Score)
		avail := int64(hi-lo) - q.Offset
		if avail <= 0 {
			return nil
		}
		k := avail
		if q.Count >= 0 {
			k = min(k, q.Count)
		}
		if k == 0 {
			return nil
		}
		out = make([]ZMember, 0, k)
		take := func(m ZMember) bool { out = append(out, m); return int64(len(out)) < k }
		if q.Rev {
			z.Descend(hi-1-int(q.Offset), take)
		} else {
			z.Ascend(lo+int(q.Offset), take)
		}
	case ZByLex:
		if q.Offset < 0 {
			return nil
		}
		start := z.lexFirst(q.Lex)
		if q.Rev {
			start = z.lexLast(q.Lex)
		}
		if start < 0 || q.Count == 0 {
			return nil
		}
		if q.Rev {
			start -= int(min(q.Offset, int64(start)+1))
		} else {
			start += int(min(q.Offset, int64(n-start)))
		}
		z.lexWalk(q.Lex, start, q.Rev, func(m ZMember) bool {
			add(m)
			return q.Count < 0 || int64(len(out)) < q.Count
		})
	}
	return out
}

// rankRange turns Redis start/stop indexes into inclusive 0-based bounds
// within n elements; ok is false for an empty range.
func rankRange(start, stop int64, n int) (lo, hi int, ok bool) {
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

// ZRange returns the elements of the sorted set at key selected by q, in
// reply order (empty for a missing key). Errors: ErrWrongType.
// Follows https://redis.io/commands/zrange/.
func (db *DB) ZRange(key string, q ZRangeSpec) ([]ZMember, error) {
	z, err := db.zsetRead(key)
	if err != nil || z == nil {
		return nil, err
	}
	return z.collect(q), nil
}

// ZRangeStore stores the elements src selects for q at dst (replacing any
// value and TTL) and returns their number; with none, dst is deleted. The
// new set is built as Redis builds it: compact first, adding the elements in
// reply order. A newly created dst wakes clients blocked on it; an
// overwritten one does not (Redis 7.0's dbOverwrite).
// Errors: ErrWrongType (src). Follows https://redis.io/commands/zrangestore/.
func (db *DB) ZRangeStore(dst, src string, q ZRangeSpec) (int, error) {
	z, err := db.zsetRead(src)
	if err != nil {
		return 0, err
	}
	var items []ZMember
	if z != nil {
		items = z.collect(q)
	}
	if len(items) == 0 {
		db.Delete(dst)
		return 0, nil
	}
	out := NewZSet(true)
	for _, m := range items {
		out.insert(m.Member, m.Score)
	}
	db.storeZSet(dst, out)
	return len(items), nil
}

// storeZSet sets dst to z as Redis's setKey does: replacing any value and
// TTL, waking blocked clients only when dst did not exist.
func (db *DB) storeZSet(dst string, z *ZSet) {
	existed := db.Lookup(dst) != nil
	db.Set(dst, NewZSetObject(z), false)
	if !existed {
		db.SignalReady(dst)
	}
}

// ZRemRange removes the elements q selects (ZByRank with Start/Stop,
// ZByScore, ZByLex; Rev, Offset and Count are ignored) and returns how many;
// an emptied set is deleted. Errors: ErrWrongType.
// Follows https://redis.io/commands/zremrangebyrank/ and its siblings.
func (db *DB) ZRemRange(key string, q ZRangeSpec) (int, error) {
	o, err := db.zsetWrite(key)
	if err != nil || o == nil {
		return 0, err
	}
	z := o.ZSet
	var victims []ZMember
	switch q.By {
	case ZByRank, ZByScore:
		var lo, hi int
		if q.By == ZByRank {
			l, h, ok := rankRange(q.Start, q.Stop, z.Len())
			if !ok {
				return 0, nil
			}
			lo, hi = l, h+1
		} else {
			lo, hi = z.scoreBounds(q.Score)
		}
		if hi == lo {
			return 0, nil
		}
		if hi-lo == z.Len() {
			db.Delete(key)
			return hi - lo, nil
		}
		victims = make([]ZMember, 0, hi-lo)
		z.Ascend(lo, func(m ZMember) bool { victims = append(victims, m); return len(victims) < hi-lo })
	case ZByLex:
		// zslDeleteRangeByLex starts at the first element not below min
		// without zslIsInLexRange's checks; the compact form uses them.
		start := z.lexFirst(q.Lex)
		if !z.compact {
			start = z.tree.lowerBound(func(m ZMember) bool { return q.Lex.gteMin(m.Member) })
		}
		if start >= 0 {
			z.lexWalk(q.Lex, start, false, func(m ZMember) bool { victims = append(victims, m); return true })
		}
	}
	for _, m := range victims {
		z.remove(m.Member)
	}
	if len(victims) > 0 {
		db.zsetChanged(key, o)
	}
	return len(victims), nil
}

// ZPopResult is the outcome of a pop: the key popped from and its elements
// in pop order.
type ZPopResult struct {
	Key     string
	Members []ZMember
}

// ZPop pops up to count elements with the lowest scores (highest when max)
// from the first of keys that exists (ZPOPMIN, ZPOPMAX, ZMPOP). Missing keys
// are skipped; the first existing key that is not a sorted set fails with
// ErrWrongType. ok is false when no key exists. A count of 0 pops nothing.
// An emptied set is deleted. Follows https://redis.io/commands/zmpop/.
func (db *DB) ZPop(keys []string, max bool, count int) (res ZPopResult, ok bool, err error) {
	for _, k := range keys {
		o, err := db.zsetWrite(k)
		if err != nil {
			return res, false, err
		}
		if o == nil {
			continue
		}
		return ZPopResult{Key: k, Members: db.zpopLocked(k, o, max, count)}, true, nil
	}
	return res, false, nil
}

func (db *DB) zpopLocked(key string, o *Object, max bool, count int) []ZMember {
	z := o.ZSet
	n := min(count, z.Len())
	out := make([]ZMember, 0, n)
	for range n {
		m := z.At(0)
		if max {
			m = z.At(z.Len() - 1)
		}
		z.remove(m.Member)
		out = append(out, m)
	}
	if n > 0 {
		db.zsetChanged(key, o)
	}
	return out
}

// ZPopWaiter returns a Waiter for BZPOPMIN/BZPOPMAX/BZMPOP on keys of db:
// when one of its keys holds a sorted set it pops up to count elements and
// sets Result to a ZPopResult. A key that is missing or holds another type
// does not serve it (the engine then tries the next waiter).
func (db *DB) ZPopWaiter(keys []string, max bool, count int) *Waiter {
	w := &Waiter{Keys: dedupe(keys)}
	w.Serve = func(tx *Tx, key string) bool {
		o := db.Lookup(key)
		if o == nil || o.Kind != KindZSet || o.ZSet.Len() == 0 {
			return false
		}
		res := ZPopResult{Key: key, Members: db.zpopLocked(key, o, max, count)}
		w.Result = res
		// Logged as the non-blocking pop that reproduces it.
		if tx.Propagating() {
			tx.Propagate(db.index, res.PopCommand(max)...)
		}
		return true
	}
	return w
}

// PopCommand returns the ZPOPMIN (or ZPOPMAX) command that reproduces the
// pop r: what ZMPOP and the blocking pops are logged as, as in Redis.
func (r ZPopResult) PopCommand(max bool) [][]byte {
	name := "ZPOPMIN"
	if max {
		name = "ZPOPMAX"
	}
	return [][]byte{[]byte(name), []byte(r.Key), []byte(strconv.Itoa(len(r.Members)))}
}

// ZRandMember returns count distinct random members (all of them when count
// is at least the size; Redis's ZRANDMEMBER with a positive count), in no
// particular order; ok is false for a missing key. Negative counts (with
// repetitions) are drawn one by one with ZSet.Random through ZSetRead.
// Errors: ErrWrongType. Follows https://redis.io/commands/zrandmember/.
func (db *DB) ZRandMember(key string, count int) (members []ZMember, ok bool, err error) {
	z, err := db.zsetRead(key)
	if err != nil || z == nil {
		return nil, false, err
	}
	n := z.Len()
	switch {
	case count <= 0:
		return nil, true, nil
	case count == 1:
		return []ZMember{z.Random()}, true, nil
	case count >= n:
		// Redis returns the whole set, iterating it from the top.
		out := make([]ZMember, 0, n)
		z.Descend(n-1, func(m ZMember) bool { out = append(out, m); return true })
		return out, true, nil
	case count*3 > n:
		// Few to drop: a partial shuffle of every element.
		all := make([]ZMember, 0, n)
		z.Ascend(0, func(m ZMember) bool { all = append(all, m); return true })
		shuffleFirst(all, count)
		return all[:count], true, nil
	}
	seen := make(map[string]struct{}, count)
	out := make([]ZMember, 0, count)
	for len(out) < count {
		m := z.Random()
		if _, dup := seen[m.Member]; dup {
			continue
		}
		seen[m.Member] = struct{}{}
		out = append(out, m)
	}
	return out, true, nil
}

// Scan runs one ZSCAN step at cursor and returns the next cursor and the
// elements found. A compact set is returned whole with cursor 0, as Redis
// returns a listpack; a larger one is scanned through its hash table with
// Redis's guarantees (every element present for the whole scan is returned
// at least once), visiting buckets until count elements (or count*20
// buckets, Redis's limit) are collected. match, when not nil, filters
// members. Follows https://redis.io/commands/zscan/.
func (z *ZSet) Scan(cursor uint64, count int, match func(string) bool) (next uint64, items []ZMember) {
	keep := func(m string) bool { return match == nil || match(m) }
	if z.compact {
		z.Ascend(0, func(m ZMember) bool {
			if keep(m.Member) {
				items = append(items, m)
			}
			return true
		})
		return 0, items
	}
	found, budget := 0, math.MaxInt
	if count < math.MaxInt/20 {
		budget = count * 20
	}
	for iter := budget; ; iter-- {
		cursor = z.dict.Scan(cursor, func(m string, s float64) {
			found++
			if keep(m) {
				items = append(items, ZMember{m, s})
			}
		})
		if cursor == 0 || iter <= 0 || found >= count {
			break
		}
	}
	return cursor, items
}

// sortZMembers sorts distinct elements in sorted-set order.
func sortZMembers(s []ZMember) {
	slices.SortFunc(s, func(a, b ZMember) int {
		switch {
		case zless(a, b):
			return -1
		case zless(b, a):
			return 1
		}
		return 0
	})
}

// shuffleFirst moves a uniform random choice of k elements of s to its
// front (a partial Fisher-Yates shuffle).
func shuffleFirst(s []ZMember, k int) {
	for i := 0; i < k; i++ {
		j := i + rand.IntN(len(s)-i)
		s[i], s[j] = s[j], s[i]
	}
}
