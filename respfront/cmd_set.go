package respfront

import (
	"strings"

	"github.com/switchyard/switchyard/broker"
)

// The set family (https://redis.io/docs/latest/commands/?group=set), with
// Redis 7.0.15's replies and error texts. The engine side is broker/set.go
// and broker/set_ops.go. SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a
// count reply with a RESP3 set; SRANDMEMBER with a count with an array, as
// in Redis 7.0.

func setCommands() []*Command {
	return []*Command{
		{Name: "sadd", Handler: cmdSAdd, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "1.0.0", Summary: "Add one or more members to a set"},
		{Name: "srem", Handler: cmdSRem, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "1.0.0", Summary: "Remove one or more members from a set"},
		{Name: "scard", Handler: cmdSCard, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "1.0.0", Summary: "Get the number of members in a set"},
		{Name: "sismember", Handler: cmdSIsMember, Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "1.0.0", Summary: "Determine if a given value is a member of a set"},
		{Name: "smismember", Handler: cmdSMIsMember, Arity: -3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "6.2.0", Summary: "Returns the membership associated with the given elements for a set"},
		{Name: "smembers", Handler: cmdSCombine(broker.SetInter), Arity: 2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "1.0.0", Summary: "Get all the members in a set"},
		{Name: "spop", Handler: cmdSPop, Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "1.0.0", Summary: "Remove and return one or multiple random members from a set"},
		{Name: "srandmember", Handler: cmdSRandMember, Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "1.0.0", Summary: "Get one or multiple random members from a set"},
		{Name: "smove", Handler: cmdSMove, Arity: 4, Flags: Write | Fast, FirstKey: 1, LastKey: 2, Step: 1, Since: "1.0.0", Summary: "Move a member from one set to another"},
		{Name: "sinter", Handler: cmdSCombine(broker.SetInter), Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: -1, Step: 1, Since: "1.0.0", Summary: "Intersect multiple sets"},
		{Name: "sunion", Handler: cmdSCombine(broker.SetUnion), Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: -1, Step: 1, Since: "1.0.0", Summary: "Add multiple sets"},
		{Name: "sdiff", Handler: cmdSCombine(broker.SetDiff), Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: -1, Step: 1, Since: "1.0.0", Summary: "Subtract multiple sets"},
		{Name: "sinterstore", Handler: cmdSCombineStore(broker.SetInter), Arity: -3, Flags: Write, FirstKey: 1, LastKey: -1, Step: 1, Since: "1.0.0", Summary: "Intersect multiple sets and store the resulting set in a key"},
		{Name: "sunionstore", Handler: cmdSCombineStore(broker.SetUnion), Arity: -3, Flags: Write, FirstKey: 1, LastKey: -1, Step: 1, Since: "1.0.0", Summary: "Add multiple sets and store the resulting set in a key"},
		{Name: "sdiffstore", Handler: cmdSCombineStore(broker.SetDiff), Arity: -3, Flags: Write, FirstKey: 1, LastKey: -1, Step: 1, Since: "1.0.0", Summary: "Subtract multiple sets and store the resulting set in a key"},
		{Name: "sintercard", Handler: cmdSInterCard, Arity: -3, Flags: ReadOnly, Since: "7.0.0", Summary: "Intersect multiple sets and return the cardinality of the result"},
		{Name: "sscan", Handler: cmdSScan, Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.8.0", Summary: "Incrementally iterate Set elements"},
	}
}

// Error texts of the set family that no other family shares.
const (
	errSInterCardKeys  = "ERR Number of keys can't be greater than number of args"
	errSInterCardLimit = "ERR LIMIT can't be negative"
)

func cmdSAdd(x *Ctx) {
	n, err := x.DB.SAdd(x.Arg(1), x.Args[2:])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdSRem(x *Ctx) {
	n, err := x.DB.SRem(x.Arg(1), x.Args[2:])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdSCard(x *Ctx) {
	n, err := x.DB.SCard(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdSIsMember(x *Ctx) {
	ok, err := x.DB.SIsMember(x.Arg(1), x.Args[2])
	if err != nil {
		x.Err(err)
		return
	}
	writeBool01(x.W, ok)
}

// cmdSMIsMember: an array of 1/0, all 0 for a missing key.
func cmdSMIsMember(x *Ctx) {
	s, err := x.DB.LookupSet(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Array(len(x.Args) - 2)
	for _, m := range x.Args[2:] {
		writeBool01(x.W, s != nil && s.Has(m))
	}
}

// cmdSCombine is SINTER, SUNION, SDIFF and SMEMBERS (SINTER of one key):
// a set reply.
func cmdSCombine(op broker.SetOp) func(*Ctx) {
	return func(x *Ctx) {
		keys := make([]string, len(x.Args)-1)
		for i := range keys {
			keys[i] = x.Arg(i + 1)
		}
		members, err := x.DB.SetCombine(op, keys)
		if err != nil {
			x.Err(err)
			return
		}
		x.W.Set(len(members))
		for _, m := range members {
			x.W.Bulk(m)
		}
	}
}

// cmdSCombineStore is SINTERSTORE, SUNIONSTORE and SDIFFSTORE: the size of
// the stored set.
func cmdSCombineStore(op broker.SetOp) func(*Ctx) {
	return func(x *Ctx) {
		keys := make([]string, len(x.Args)-2)
		for i := range keys {
			keys[i] = x.Arg(i + 2)
		}
		n, err := x.DB.SetCombineStore(op, x.Arg(1), keys)
		if err != nil {
			x.Err(err)
			return
		}
		x.W.Int(int64(n))
	}
}

// cmdSPop is SPOP key [count]. Without a count: a member or null. With a
// count (a non-negative integer, parsed before the key is looked up): a set
// reply, empty for a missing key. The AOF gets SREM (or DEL) of what was
// popped, never the random SPOP itself.
func cmdSPop(x *Ctx) {
	switch len(x.Args) {
	case 2:
		m, ok, err := x.DB.SPop(x.Arg(1))
		if err != nil {
			x.Err(err)
			return
		}
		if ok && x.Tx.Propagating() {
			x.Propagate([]byte("SREM"), x.Args[1], m)
		}
		bulkOrNull(x, m, ok)
		return
	case 3:
	default:
		x.SyntaxErr()
		return
	}
	count, ok := broker.ParseInt(x.Args[2])
	if !ok || count < 0 {
		x.W.Error(errListPositive)
		return
	}
	members, _, err := x.DB.SPopCount(x.Arg(1), int(count))
	if err != nil {
		x.Err(err)
		return
	}
	propagateSPop(x, members)
	x.W.Set(len(members))
	for _, m := range members {
		x.W.Bulk(m)
	}
}

// propagateSPop logs what SPOP with a count removed, chosen at random, in
// a form that replays exactly: DEL when the whole set went (as Redis), SREM
// of the popped members otherwise.
func propagateSPop(x *Ctx, members [][]byte) {
	if len(members) == 0 || !x.Tx.Propagating() {
		return
	}
	if x.DB.Lookup(x.Arg(1)) == nil {
		x.Propagate([]byte("DEL"), x.Args[1])
		return
	}
	x.Propagate(append([][]byte{[]byte("SREM"), x.Args[1]}, members...)...)
}

// cmdSRandMember is SRANDMEMBER key [count]. Without a count: a member or
// null. With a count: an array (empty for a missing key or count 0) of
// distinct members for a positive count (the whole set when count >=
// size), of count members drawn with repetition for a negative one.
func cmdSRandMember(x *Ctx) {
	switch len(x.Args) {
	case 2:
		s, err := x.DB.LookupSet(x.Arg(1))
		switch {
		case err != nil:
			x.Err(err)
		case s == nil:
			x.W.Null()
		default:
			x.W.Bulk(s.Random())
		}
		return
	case 3:
	default:
		x.SyntaxErr()
		return
	}
	count, ok := parseRandCount(x)
	if !ok {
		return
	}
	s, err := x.DB.LookupSet(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	if s == nil || count == 0 {
		x.W.Array(0)
		return
	}
	switch size := int64(s.Len()); {
	case count < 0:
		x.W.Array(int(-count))
		for range -count {
			x.W.Bulk(s.Random())
		}
	case count >= size:
		x.W.Array(int(size))
		s.Range(func(m []byte) bool { x.W.Bulk(m); return true })
	default:
		x.W.Array(int(count))
		s.RandomDistinct(int(count), func(m []byte) { x.W.Bulk(m) })
	}
}

func cmdSMove(x *Ctx) {
	ok, err := x.DB.SMove(x.Arg(1), x.Arg(2), x.Args[3])
	if err != nil {
		x.Err(err)
		return
	}
	writeBool01(x.W, ok)
}

// cmdSInterCard is SINTERCARD numkeys key [key ...] [LIMIT limit]. The
// arguments are all checked before any key is looked up.
func cmdSInterCard(x *Ctx) {
	numkeys, ok := broker.ParseInt(x.Args[1])
	if !ok || numkeys <= 0 {
		x.W.Error(errNumkeys)
		return
	}
	if numkeys > int64(len(x.Args)-2) {
		x.W.Error(errSInterCardKeys)
		return
	}
	keys := make([]string, numkeys)
	for i := range keys {
		keys[i] = x.Arg(i + 2)
	}
	limit := int64(0)
	for j := 2 + int(numkeys); j < len(x.Args); j += 2 {
		if j+1 >= len(x.Args) || !strings.EqualFold(x.Arg(j), "limit") {
			x.SyntaxErr()
			return
		}
		n, ok := broker.ParseInt(x.Args[j+1])
		if !ok || n < 0 {
			x.W.Error(errSInterCardLimit)
			return
		}
		limit = n
	}
	n, err := x.DB.SInterCard(keys, int(min(limit, int64(^uint(0)>>1))))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

// cmdSScan is SSCAN key cursor [MATCH pattern] [COUNT count], as HSCAN.
func cmdSScan(x *Ctx) {
	cursor, ok := parseScanCursor(x.Arg(2))
	if !ok {
		x.W.Error(errInvalidCursor)
		return
	}
	s, err := x.DB.LookupSet(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	if s == nil {
		writeEmptyScan(x.W)
		return
	}
	opt, ok := parseScanOptions(x, 3)
	if !ok {
		return
	}
	var elems [][]byte
	next := s.Scan(cursor, opt.count, func(m []byte) {
		if opt.match(m) {
			elems = append(elems, m)
		}
	})
	writeScanReply(x.W, next, elems)
}
