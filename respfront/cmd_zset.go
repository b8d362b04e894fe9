package respfront

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/glob"
	"github.com/switchyard/switchyard/internal/resp"
)

// The sorted-set family
// (https://redis.io/docs/latest/commands/?group=sorted-set), with Redis
// 7.0.15's replies and error texts (t_zset.c). The engine side is
// broker/zset*.go. Arguments are checked in Redis's order, so that the same
// bad command gets the same error: options first, then the key's type,
// unless Redis looks the key up earlier (noted where it does).
//
// Scores are written with x.W.Double: a bulk string in RESP2 and a double in
// RESP3, formatted as Redis 7.0 does (%.17g, "inf", "-inf"). With
// WITHSCORES, RESP2 gets a flat array and RESP3 an array of [member, score]
// pairs; BZPOPMIN/BZPOPMAX answer [key, member, score] in both.

func zsetCommands() []*Command {
	return []*Command{
		{Name: "zadd", Handler: cmdZAdd, Arity: -4, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist."},
		{Name: "zincrby", Handler: cmdZIncrBy, Arity: 4, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Increments the score of a member in a sorted set."},
		{Name: "zrem", Handler: cmdZRem, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed."},
		{Name: "zcard", Handler: cmdZCard, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the number of members in a sorted set."},
		{Name: "zcount", Handler: cmdZCount, Arity: 4, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the count of members in a sorted set that have scores within a range."},
		{Name: "zlexcount", Handler: cmdZLexCount, Arity: 4, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the number of members in a sorted set within a lexicographical range."},
		{Name: "zscore", Handler: cmdZScore, Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the score of a member in a sorted set."},
		{Name: "zmscore", Handler: cmdZMScore, Arity: -3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the score of one or more members in a sorted set."},
		{Name: "zrank", Handler: cmdZRank(false), Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the index of a member in a sorted set ordered by ascending scores."},
		{Name: "zrevrank", Handler: cmdZRank(true), Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the index of a member in a sorted set ordered by descending scores."},
		{Name: "zrange", Handler: cmdZRange(zrangeAuto, zdirAuto), Arity: -4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns members in a sorted set within a range of indexes, scores or lexicographical order."},
		{Name: "zrevrange", Handler: cmdZRange(zrangeRank, zdirRev), Arity: -4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns members in a sorted set within a range of indexes in reverse order."},
		{Name: "zrangebyscore", Handler: cmdZRange(zrangeScore, zdirFwd), Arity: -4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns members in a sorted set within a range of scores."},
		{Name: "zrevrangebyscore", Handler: cmdZRange(zrangeScore, zdirRev), Arity: -4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns members in a sorted set within a range of scores in reverse order."},
		{Name: "zrangebylex", Handler: cmdZRange(zrangeLex, zdirFwd), Arity: -4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns members in a sorted set within a lexicographical range."},
		{Name: "zrevrangebylex", Handler: cmdZRange(zrangeLex, zdirRev), Arity: -4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns members in a sorted set within a lexicographical range in reverse order."},
		{Name: "zrangestore", Handler: cmdZRangeStore, Arity: -5, Flags: Write, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Stores a range of members from sorted set in a key."},
		{Name: "zremrangebyrank", Handler: cmdZRemRange(broker.ZByRank), Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."},
		{Name: "zremrangebyscore", Handler: cmdZRemRange(broker.ZByScore), Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."},
		{Name: "zremrangebylex", Handler: cmdZRemRange(broker.ZByLex), Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."},
		{Name: "zpopmin", Handler: cmdZPop(false), Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
		{Name: "zpopmax", Handler: cmdZPop(true), Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped."},
		{Name: "bzpopmin", Handler: cmdBZPop(false), Arity: -3, Flags: Write | Blocking | Fast, FirstKey: 1, LastKey: -2, Step: 1, Summary: "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise."},
		{Name: "bzpopmax", Handler: cmdBZPop(true), Arity: -3, Flags: Write | Blocking | Fast, FirstKey: 1, LastKey: -2, Step: 1, Summary: "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise."},
		{Name: "zmpop", Handler: cmdZMPop(false), Arity: -4, Flags: Write, Summary: "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them."},
		{Name: "bzmpop", Handler: cmdZMPop(true), Arity: -5, Flags: Write | Blocking, Summary: "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise."},
		{Name: "zunion", Handler: cmdZSetOp(broker.ZUnion, false), Arity: -3, Flags: ReadOnly, Summary: "Returns the union of multiple sorted sets."},
		{Name: "zinter", Handler: cmdZSetOp(broker.ZInter, false), Arity: -3, Flags: ReadOnly, Summary: "Returns the intersect of multiple sorted sets."},
		{Name: "zdiff", Handler: cmdZSetOp(broker.ZDiff, false), Arity: -3, Flags: ReadOnly, Summary: "Returns the difference between multiple sorted sets."},
		{Name: "zunionstore", Handler: cmdZSetOp(broker.ZUnion, true), Arity: -4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Stores the union of multiple sorted sets in a key."},
		{Name: "zinterstore", Handler: cmdZSetOp(broker.ZInter, true), Arity: -4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Stores the intersect of multiple sorted sets in a key."},
		{Name: "zdiffstore", Handler: cmdZSetOp(broker.ZDiff, true), Arity: -4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Stores the difference of multiple sorted sets in a key."},
		{Name: "zintercard", Handler: cmdZInterCard, Arity: -3, Flags: ReadOnly, Summary: "Returns the number of members of the intersect of multiple sorted sets."},
		{Name: "zrandmember", Handler: cmdZRandMember, Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns one or more random members from a sorted set."},
		{Name: "zscan", Handler: cmdZScan, Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Iterates over members and scores of a sorted set."},
	}
}

// Error texts of the sorted-set family.
const (
	errZXXNX       = "ERR XX and NX options at the same time are not compatible"
	errZGTLTNX     = "ERR GT, LT, and/or NX options at the same time are not compatible"
	errZIncrPair   = "ERR INCR option supports a single increment-element pair"
	errZNotFloat   = "ERR value is not a valid float"
	errZWeight     = "ERR weight value is not a float"
	errZMinMax     = "ERR min or max is not a float"
	errZLexRange   = "ERR min or max not valid string range item"
	errZLimitRank  = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	errZLexScores  = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	errZPositive   = "ERR value is out of range, must be positive"
	errZLimitNeg   = "ERR LIMIT can't be negative"
	errZRandRange  = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
	errZRandScores = "ERR value is out of range"
	errZCursor     = "ERR invalid cursor"
)

// cmdZAdd is ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score
// member ...]: the number of members added (with CH, added or changed), or
// with INCR the new score (null when NX/XX/GT/LT skipped it).
func cmdZAdd(x *Ctx) { zadd(x, false) }

// cmdZIncrBy is ZINCRBY key increment member: ZADD INCR, which is how Redis
// implements it (so "ZINCRBY k nx m" is a syntax error, as in Redis).
func cmdZIncrBy(x *Ctx) { zadd(x, true) }

func zadd(x *Ctx, incr bool) {
	f := broker.ZAddFlags{Incr: incr}
	ch := false
	i := 2
options:
	for ; i < len(x.Args); i++ {
		switch a := x.Args[i]; {
		case strings.EqualFold(string(a), "nx"):
			f.NX = true
		case strings.EqualFold(string(a), "xx"):
			f.XX = true
		case strings.EqualFold(string(a), "ch"):
			ch = true
		case strings.EqualFold(string(a), "incr"):
			f.Incr = true
		case strings.EqualFold(string(a), "gt"):
			f.GT = true
		case strings.EqualFold(string(a), "lt"):
			f.LT = true
		default:
			break options
		}
	}
	n := len(x.Args) - i
	if n == 0 || n%2 != 0 {
		x.SyntaxErr()
		return
	}
	switch {
	case f.NX && f.XX:
		x.W.Error(errZXXNX)
		return
	case (f.GT && f.NX) || (f.LT && f.NX) || (f.GT && f.LT):
		x.W.Error(errZGTLTNX)
		return
	case f.Incr && n > 2:
		x.W.Error(errZIncrPair)
		return
	}
	pairs := make([]broker.ZMember, n/2)
	for j := range pairs {
		s, ok := broker.ParseScore(x.Args[i+2*j])
		if !ok {
			x.W.Error(errZNotFloat)
			return
		}
		pairs[j] = broker.ZMember{Member: string(x.Args[i+2*j+1]), Score: s}
	}
	res, err := x.DB.ZAdd(x.Arg(1), f, pairs)
	switch {
	case err != nil:
		x.Err(err)
	case f.Incr && res.Processed == 0:
		x.W.Null()
	case f.Incr:
		x.W.Double(res.Score)
	case ch:
		x.W.Int(int64(res.Added + res.Updated))
	default:
		x.W.Int(int64(res.Added))
	}
}

func cmdZRem(x *Ctx) {
	n, err := x.DB.ZRem(x.Arg(1), x.Args[2:])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdZCard(x *Ctx) {
	n, err := x.DB.ZCard(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

// cmdZCount: the range is parsed before the key is looked up.
func cmdZCount(x *Ctx) {
	r, ok := broker.ParseScoreRange(x.Args[2], x.Args[3])
	if !ok {
		x.W.Error(errZMinMax)
		return
	}
	n, err := x.DB.ZCount(x.Arg(1), r)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdZLexCount(x *Ctx) {
	r, ok := broker.ParseLexRange(x.Args[2], x.Args[3])
	if !ok {
		x.W.Error(errZLexRange)
		return
	}
	n, err := x.DB.ZLexCount(x.Arg(1), r)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

// cmdZScore: the score, or null for a missing key or member.
func cmdZScore(x *Ctx) {
	s, ok, err := x.DB.ZScore(x.Arg(1), x.Arg(2))
	switch {
	case err != nil:
		x.Err(err)
	case !ok:
		x.W.Null()
	default:
		x.W.Double(s)
	}
}

// cmdZMScore: an array with a score or null per member (a missing key has
// none of them).
func cmdZMScore(x *Ctx) {
	scores, found, err := x.DB.ZMScore(x.Arg(1), x.Args[2:])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Array(len(scores))
	for i, s := range scores {
		if found[i] {
			x.W.Double(s)
		} else {
			x.W.Null()
		}
	}
}

// cmdZRank is ZRANK/ZREVRANK key member: the rank, or null. Redis 7.0 has
// no WITHSCORE (7.2 added it): a third argument is an arity error.
func cmdZRank(rev bool) func(*Ctx) {
	return func(x *Ctx) {
		r, ok, err := x.DB.ZRank(x.Arg(1), x.Arg(2), rev)
		switch {
		case err != nil:
			x.Err(err)
		case !ok:
			x.W.Null()
		default:
			x.W.Int(int64(r))
		}
	}
}

// How the ZRANGE family reads its bounds and walks: fixed by the command
// name (ZREVRANGEBYSCORE...) or left to ZRANGE's options (auto).
const (
	zrangeAuto = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

const (
	zdirAuto = iota
	zdirFwd
	zdirRev
)

// cmdZRange is ZRANGE key min max [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT
// offset count] and, with by and dir fixed, ZREVRANGE, ZRANGEBYSCORE,
// ZREVRANGEBYSCORE, ZRANGEBYLEX and ZREVRANGEBYLEX.
func cmdZRange(by, dir int) func(*Ctx) {
	return func(x *Ctx) { zrange(x, 1, false, by, dir) }
}

// cmdZRangeStore is ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV]
// [LIMIT offset count]: the number of elements stored.
func cmdZRangeStore(x *Ctx) { zrange(x, 2, true, zrangeAuto, zdirAuto) }

// zrange is Redis's zrangeGenericCommand: keyIdx is the source key's
// argument, store is ZRANGESTORE. Options are parsed in one pass (a second
// REV, BYSCORE or BYLEX is a syntax error, WITHSCORES may repeat), then the
// conflicts are checked, then the range (given max-first for the reverse
// score and lex forms), then the key.
func zrange(x *Ctx, keyIdx int, store bool, by, dir int) {
	withScores := false
	offset, count := int64(0), int64(-1)
	for j := keyIdx + 3; j < len(x.Args); j++ {
		a := string(x.Args[j])
		left := len(x.Args) - j - 1
		switch {
		case !store && strings.EqualFold(a, "withscores"):
			withScores = true
		case strings.EqualFold(a, "limit") && left >= 2:
			o, ok1 := broker.ParseInt(x.Args[j+1])
			if !ok1 {
				x.Err(broker.ErrNotInteger)
				return
			}
			c, ok2 := broker.ParseInt(x.Args[j+2])
			if !ok2 {
				x.Err(broker.ErrNotInteger)
				return
			}
			offset, count = o, c
			j += 2
		case dir == zdirAuto && strings.EqualFold(a, "rev"):
			dir = zdirRev
		case by == zrangeAuto && strings.EqualFold(a, "bylex"):
			by = zrangeLex
		case by == zrangeAuto && strings.EqualFold(a, "byscore"):
			by = zrangeScore
		default:
			x.SyntaxErr()
			return
		}
	}
	if by == zrangeAuto {
		by = zrangeRank
	}
	// Redis detects LIMIT by its count, so "LIMIT 0 -1" passes.
	if count != -1 && by == zrangeRank {
		x.W.Error(errZLimitRank)
		return
	}
	if withScores && by == zrangeLex {
		x.W.Error(errZLexScores)
		return
	}
	q := broker.ZRangeSpec{Rev: dir == zdirRev, Offset: offset, Count: count}
	lo, hi := x.Args[keyIdx+1], x.Args[keyIdx+2]
	if q.Rev && by != zrangeRank {
		lo, hi = hi, lo
	}
	switch by {
	case zrangeRank:
		q.By = broker.ZByRank
		start, ok1 := broker.ParseInt(lo)
		stop, ok2 := broker.ParseInt(hi)
		if !ok1 || !ok2 {
			x.Err(broker.ErrNotInteger)
			return
		}
		q.Start, q.Stop = start, stop
	case zrangeScore:
		q.By = broker.ZByScore
		r, ok := broker.ParseScoreRange(lo, hi)
		if !ok {
			x.W.Error(errZMinMax)
			return
		}
		q.Score = r
	case zrangeLex:
		q.By = broker.ZByLex
		r, ok := broker.ParseLexRange(lo, hi)
		if !ok {
			x.W.Error(errZLexRange)
			return
		}
		q.Lex = r
	}
	if store {
		n, err := x.DB.ZRangeStore(x.Arg(1), x.Arg(keyIdx), q)
		if err != nil {
			x.Err(err)
			return
		}
		x.W.Int(int64(n))
		return
	}
	items, err := x.DB.ZRange(x.Arg(keyIdx), q)
	if err != nil {
		x.Err(err)
		return
	}
	writeZMembers(x.W, items, withScores)
}

// writeZMembers writes members, with their scores as RESP2 flat pairs or
// RESP3 [member, score] arrays when withScores.
func writeZMembers(w *resp.Writer, items []broker.ZMember, withScores bool) {
	if !withScores {
		w.Array(len(items))
		for _, m := range items {
			w.BulkString(m.Member)
		}
		return
	}
	nested := w.Proto >= 3
	if nested {
		w.Array(len(items))
	} else {
		w.Array(2 * len(items))
	}
	for _, m := range items {
		if nested {
			w.Array(2)
		}
		w.BulkString(m.Member)
		w.Double(m.Score)
	}
}

// cmdZRemRange is ZREMRANGEBYRANK key start stop, ZREMRANGEBYSCORE key min
// max and ZREMRANGEBYLEX key min max: the number of members removed. The
// range is parsed before the key is looked up.
func cmdZRemRange(by broker.ZRangeBy) func(*Ctx) {
	return func(x *Ctx) {
		q := broker.ZRangeSpec{By: by}
		var ok bool
		switch by {
		case broker.ZByRank:
			var ok2 bool
			q.Start, ok = broker.ParseInt(x.Args[2])
			q.Stop, ok2 = broker.ParseInt(x.Args[3])
			if !ok || !ok2 {
				x.Err(broker.ErrNotInteger)
				return
			}
		case broker.ZByScore:
			if q.Score, ok = broker.ParseScoreRange(x.Args[2], x.Args[3]); !ok {
				x.W.Error(errZMinMax)
				return
			}
		case broker.ZByLex:
			if q.Lex, ok = broker.ParseLexRange(x.Args[2], x.Args[3]); !ok {
				x.W.Error(errZLexRange)
				return
			}
		}
		n, err := x.DB.ZRemRange(x.Arg(1), q)
		if err != nil {
			x.Err(err)
			return
		}
		x.W.Int(int64(n))
	}
}

// cmdZPop is ZPOPMIN/ZPOPMAX key [count]. Without count: [member, score]
// (empty array when the key is missing). With count: RESP2 a flat array,
// RESP3 an array of pairs.
func cmdZPop(max bool) func(*Ctx) {
	return func(x *Ctx) {
		if len(x.Args) > 3 {
			x.SyntaxErr()
			return
		}
		count := int64(-1)
		if len(x.Args) == 3 {
			n, ok := broker.ParseInt(x.Args[2])
			if !ok || n < 0 {
				x.W.Error(errZPositive)
				return
			}
			count = n
		}
		n := 1
		if count != -1 {
			n = int(min(count, math.MaxInt))
		}
		res, _, err := x.DB.ZPop([]string{x.Arg(1)}, max, n)
		if err != nil {
			x.Err(err)
			return
		}
		nested := x.W.Proto >= 3 && count != -1
		if nested {
			x.W.Array(len(res.Members))
		} else {
			x.W.Array(2 * len(res.Members))
		}
		for _, m := range res.Members {
			if nested {
				x.W.Array(2)
			}
			x.W.BulkString(m.Member)
			x.W.Double(m.Score)
		}
	}
}

// cmdBZPop is BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score]
// from the first non-empty sorted set in argument order; otherwise the
// client blocks until a ZADD (or a store) creates one of the keys, under
// the same rules as BLPOP. Timeout, and any blocking inside MULTI/EXEC,
// answer a null array.
func cmdBZPop(max bool) func(*Ctx) {
	return func(x *Ctx) {
		timeout, ok := parseBlockTimeout(x, x.Args[len(x.Args)-1])
		if !ok {
			return
		}
		keys := argStrings(x.Args[1 : len(x.Args)-1])
		res, found, err := x.DB.ZPop(keys, max, 1)
		switch {
		case err != nil:
			x.Err(err)
		case found:
			x.Propagate(res.PopCommand(max)...)
			writeZPopFlat(x.W, res)
		case x.InExec:
			x.W.NullArray()
		default:
			w := x.DB.ZPopWaiter(keys, max, 1)
			x.Block(w, timeout, func(rw *resp.Writer, r any) {
				writeZPopFlat(rw, r.(broker.ZPopResult))
			}, (*resp.Writer).NullArray)
		}
	}
}

// writeZPopFlat writes BZPOPMIN's [key, member, score].
func writeZPopFlat(w *resp.Writer, r broker.ZPopResult) {
	w.Array(3)
	w.BulkString(r.Key)
	w.BulkString(r.Members[0].Member)
	w.Double(r.Members[0].Score)
}

// writeZPopNested writes ZMPOP's [key, [[member, score], ...]].
func writeZPopNested(w *resp.Writer, r broker.ZPopResult) {
	w.Array(2)
	w.BulkString(r.Key)
	w.Array(len(r.Members))
	for _, m := range r.Members {
		w.Array(2)
		w.BulkString(m.Member)
		w.Double(m.Score)
	}
}

// cmdZMPop is ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] and,
// blocking, BZMPOP timeout numkeys ...: [key, [[member, score], ...]] from
// the first existing sorted set, or a null array. BZMPOP checks its timeout
// after the other arguments, as Redis does.
func cmdZMPop(blocking bool) func(*Ctx) {
	return func(x *Ctx) {
		nk := 1
		if blocking {
			nk = 2
		}
		numkeys, ok := broker.ParseInt(x.Args[nk])
		if !ok || numkeys < 1 {
			x.W.Error(errNumkeys)
			return
		}
		if numkeys >= int64(len(x.Args)-nk-1) {
			x.SyntaxErr()
			return
		}
		whereIdx := nk + 1 + int(numkeys)
		var max bool
		switch {
		case strings.EqualFold(x.Arg(whereIdx), "min"):
		case strings.EqualFold(x.Arg(whereIdx), "max"):
			max = true
		default:
			x.SyntaxErr()
			return
		}
		count := int64(-1)
		for j := whereIdx + 1; j < len(x.Args); j++ {
			if count == -1 && strings.EqualFold(x.Arg(j), "count") && j+1 < len(x.Args) {
				j++
				n, ok := broker.ParseInt(x.Args[j])
				if !ok || n < 1 {
					x.W.Error(errMPopCount)
					return
				}
				count = n
				continue
			}
			x.SyntaxErr()
			return
		}
		n := 1
		if count != -1 {
			n = int(min(count, math.MaxInt))
		}
		var timeout time.Duration
		if blocking {
			d, ok := parseBlockTimeout(x, x.Args[1])
			if !ok {
				return
			}
			timeout = d
		}
		keys := argStrings(x.Args[nk+1 : whereIdx])
		res, found, err := x.DB.ZPop(keys, max, n)
		switch {
		case err != nil:
			x.Err(err)
		case found:
			x.Propagate(res.PopCommand(max)...)
			writeZPopNested(x.W, res)
		case !blocking || x.InExec:
			x.W.NullArray()
		default:
			w := x.DB.ZPopWaiter(keys, max, n)
			x.Block(w, timeout, func(rw *resp.Writer, r any) {
				writeZPopNested(rw, r.(broker.ZPopResult))
			}, (*resp.Writer).NullArray)
		}
	}
}

// zsetOpKeys parses numkeys at Args[nk] and returns the keys, writing
// Redis's error on failure: numkeys must be an integer, at least 1, and
// not more than the arguments left.
func zsetOpKeys(x *Ctx, nk int) ([]string, bool) {
	setnum, ok := broker.ParseInt(x.Args[nk])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return nil, false
	}
	if setnum < 1 {
		x.W.Error(fmt.Sprintf("ERR at least 1 input key is needed for '%s' command", x.Cmd.Name))
		return nil, false
	}
	if setnum > int64(len(x.Args)-nk-1) {
		x.SyntaxErr()
		return nil, false
	}
	keys := argStrings(x.Args[nk+1 : nk+1+int(setnum)])
	// Redis looks the keys up before it parses the options.
	if err := x.DB.ZSetOpCheck(keys); err != nil {
		x.Err(err)
		return nil, false
	}
	return keys, true
}

// cmdZSetOp is ZUNION/ZINTER/ZDIFF numkeys key [key ...] [WEIGHTS w ...]
// [AGGREGATE SUM|MIN|MAX] [WITHSCORES] (ZDIFF takes only WITHSCORES) and,
// with store, ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE dst numkeys ... (no
// WITHSCORES): the resulting members, or the size of the stored result.
// Sets are accepted as inputs, each member with score 1.
func cmdZSetOp(op broker.ZSetOpKind, store bool) func(*Ctx) {
	return func(x *Ctx) {
		nk := 1
		if store {
			nk = 2
		}
		keys, ok := zsetOpKeys(x, nk)
		if !ok {
			return
		}
		spec := broker.ZSetOpSpec{Op: op, Keys: keys}
		withScores := false
		for j := nk + 1 + len(keys); j < len(x.Args); {
			remaining := len(x.Args) - j
			a := x.Arg(j)
			switch {
			case op != broker.ZDiff && remaining >= len(keys)+1 && strings.EqualFold(a, "weights"):
				j++
				spec.Weights = make([]float64, len(keys))
				for i := range keys {
					w, ok := broker.ParseScore(x.Args[j])
					if !ok {
						x.W.Error(errZWeight)
						return
					}
					spec.Weights[i] = w
					j++
				}
			case op != broker.ZDiff && remaining >= 2 && strings.EqualFold(a, "aggregate"):
				switch agg := x.Arg(j + 1); {
				case strings.EqualFold(agg, "sum"):
					spec.Aggregate = broker.ZAggSum
				case strings.EqualFold(agg, "min"):
					spec.Aggregate = broker.ZAggMin
				case strings.EqualFold(agg, "max"):
					spec.Aggregate = broker.ZAggMax
				default:
					x.SyntaxErr()
					return
				}
				j += 2
			case !store && strings.EqualFold(a, "withscores"):
				withScores = true
				j++
			default:
				x.SyntaxErr()
				return
			}
		}
		if store {
			n, err := x.DB.ZSetOpStore(x.Arg(1), spec)
			if err != nil {
				x.Err(err)
				return
			}
			x.W.Int(int64(n))
			return
		}
		items, err := x.DB.ZSetOp(spec)
		if err != nil {
			x.Err(err)
			return
		}
		writeZMembers(x.W, items, withScores)
	}
}

// cmdZInterCard is ZINTERCARD numkeys key [key ...] [LIMIT limit].
func cmdZInterCard(x *Ctx) {
	keys, ok := zsetOpKeys(x, 1)
	if !ok {
		return
	}
	limit := int64(0)
	for j := 2 + len(keys); j < len(x.Args); j += 2 {
		if len(x.Args)-j < 2 || !strings.EqualFold(x.Arg(j), "limit") {
			x.SyntaxErr()
			return
		}
		n, ok := broker.ParseInt(x.Args[j+1])
		if !ok || n < 0 {
			x.W.Error(errZLimitNeg)
			return
		}
		limit = n
	}
	n, err := x.DB.ZInterCard(keys, int(min(limit, math.MaxInt)))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

// cmdZRandMember is ZRANDMEMBER key [count [WITHSCORES]]. Without count: a
// random member or null. With a positive count: up to count distinct
// members; negative: -count members that may repeat. The count is checked
// before the key.
func cmdZRandMember(x *Ctx) {
	key := x.Arg(1)
	if len(x.Args) < 3 {
		z, err := x.DB.ZSetRead(key)
		switch {
		case err != nil:
			x.Err(err)
		case z == nil:
			x.W.Null()
		default:
			x.W.BulkString(z.Random().Member)
		}
		return
	}
	l, ok := broker.ParseInt(x.Args[2])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return
	}
	if l == math.MinInt64 {
		x.W.Error(errZRandRange)
		return
	}
	if len(x.Args) > 4 || (len(x.Args) == 4 && !strings.EqualFold(x.Arg(3), "withscores")) {
		x.SyntaxErr()
		return
	}
	withScores := len(x.Args) == 4
	if withScores && (l < -math.MaxInt64/2 || l > math.MaxInt64/2) {
		x.W.Error(errZRandScores)
		return
	}
	if l >= 0 {
		items, _, err := x.DB.ZRandMember(key, int(min(l, math.MaxInt)))
		if err != nil {
			x.Err(err)
			return
		}
		writeZMembers(x.W, items, withScores)
		return
	}
	// A negative count: draw with repetitions, streaming the reply.
	z, err := x.DB.ZSetRead(key)
	if err != nil {
		x.Err(err)
		return
	}
	if z == nil {
		x.W.Array(0)
		return
	}
	n := int(-l)
	nested := withScores && x.W.Proto >= 3
	if withScores && !nested {
		x.W.Array(2 * n)
	} else {
		x.W.Array(n)
	}
	for range n {
		m := z.Random()
		if nested {
			x.W.Array(2)
		}
		x.W.BulkString(m.Member)
		if withScores {
			x.W.Double(m.Score)
		}
	}
}

// cmdZScan is ZSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor,
// [member, score, ...]] with scores as bulk strings in both protocols. As in
// Redis, a missing key answers an empty scan before the options are read.
func cmdZScan(x *Ctx) {
	cursor, ok := zscanCursor(x.Arg(2))
	if !ok {
		x.W.Error(errZCursor)
		return
	}
	z, err := x.DB.ZSetRead(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	if z == nil {
		x.W.Array(2)
		x.W.BulkString("0")
		x.W.Array(0)
		return
	}
	count := int64(10)
	var match func(string) bool
	for j := 3; j < len(x.Args); j += 2 {
		if len(x.Args)-j < 2 {
			x.SyntaxErr()
			return
		}
		switch a := x.Arg(j); {
		case strings.EqualFold(a, "count"):
			n, ok := broker.ParseInt(x.Args[j+1])
			if !ok {
				x.Err(broker.ErrNotInteger)
				return
			}
			if n < 1 {
				x.SyntaxErr()
				return
			}
			count = n
		case strings.EqualFold(a, "match"):
			if pat := x.Arg(j + 1); pat != "*" {
				match = func(s string) bool { return glob.Match(pat, s) }
			} else {
				match = nil
			}
		default:
			x.SyntaxErr()
			return
		}
	}
	next, items := z.Scan(cursor, int(min(count, math.MaxInt)), match)
	x.W.Array(2)
	x.W.BulkString(strconv.FormatUint(next, 10))
	x.W.Array(2 * len(items))
	var buf [32]byte
	for _, m := range items {
		x.W.BulkString(m.Member)
		x.W.Bulk(resp.AppendFloat(buf[:0], m.Score))
	}
}

// zscanCursor parses a SCAN cursor as Redis's parseScanCursorOrReply does
// with strtoul: no leading space, an optional sign ('-' negates modulo
// 2^64), decimal digits, nothing after them, no overflow; the empty string
// is 0.
func zscanCursor(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
