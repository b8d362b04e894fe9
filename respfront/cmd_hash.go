package respfront

import (
	"bytes"
	"fmt"
	"math"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/resp"
)

// The hash family (https://redis.io/docs/latest/commands/?group=hash), with
// Redis 7.0.15's replies and error texts. The engine side is broker/hash.go
// and broker/hash_ops.go. Handlers read through DB.LookupHash and write
// replies while the engine lock is held, so the byte slices the hash hands
// out are copied into the reply before anything can modify it.

func hashCommands() []*Command {
	return []*Command{
		{Name: "hset", Handler: cmdHSet, Arity: -4, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Set the string value of a hash field"},
		{Name: "hmset", Handler: cmdHSet, Arity: -4, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Set multiple hash fields to multiple values"},
		{Name: "hsetnx", Handler: cmdHSetNX, Arity: 4, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Set the value of a hash field, only if the field does not exist"},
		{Name: "hget", Handler: cmdHGet, Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Get the value of a hash field"},
		{Name: "hmget", Handler: cmdHMGet, Arity: -3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Get the values of all the given hash fields"},
		{Name: "hgetall", Handler: cmdHGetAll, Arity: 2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Get all the fields and values in a hash"},
		{Name: "hkeys", Handler: cmdHKeysVals(true), Arity: 2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Get all the fields in a hash"},
		{Name: "hvals", Handler: cmdHKeysVals(false), Arity: 2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Get all the values in a hash"},
		{Name: "hdel", Handler: cmdHDel, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Delete one or more hash fields"},
		{Name: "hlen", Handler: cmdHLen, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Get the number of fields in a hash"},
		{Name: "hstrlen", Handler: cmdHStrLen, Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "3.2.0", Summary: "Get the length of the value of a hash field"},
		{Name: "hexists", Handler: cmdHExists, Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Determine if a hash field exists"},
		{Name: "hincrby", Handler: cmdHIncrBy, Arity: 4, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.0.0", Summary: "Increment the integer value of a hash field by the given number"},
		{Name: "hincrbyfloat", Handler: cmdHIncrByFloat, Arity: 4, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.6.0", Summary: "Increment the float value of a hash field by the given amount"},
		{Name: "hrandfield", Handler: cmdHRandField, Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "6.2.0", Summary: "Get one or multiple random fields from a hash"},
		{Name: "hscan", Handler: cmdHScan, Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Since: "2.8.0", Summary: "Incrementally iterate hash fields and associated values"},
	}
}

// Error texts shared by HRANDFIELD and SRANDMEMBER (Redis's
// getRangeLongFromObjectOrReply between -LONG_MAX and LONG_MAX).
const (
	errCountRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
	errOutOfRange = "ERR value is out of range"
)

// cmdHSet is HSET (the number of new fields) and HMSET (OK). An odd number
// of field/value arguments is an arity error naming the command.
func cmdHSet(x *Ctx) {
	if len(x.Args)%2 != 0 {
		x.W.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", x.Cmd.Name))
		return
	}
	n, err := x.DB.HSet(x.Arg(1), x.Args[2:])
	switch {
	case err != nil:
		x.Err(err)
	case x.Cmd.Name == "hmset":
		x.W.OK()
	default:
		x.W.Int(int64(n))
	}
}

func cmdHSetNX(x *Ctx) {
	ok, err := x.DB.HSetNX(x.Arg(1), x.Args[2], x.Args[3])
	if err != nil {
		x.Err(err)
		return
	}
	writeBool01(x.W, ok)
}

// writeBool01 writes 1 or 0 as an integer (Redis's shared.cone/czero, an
// integer in RESP3 too).
func writeBool01(w *resp.Writer, b bool) {
	if b {
		w.Int(1)
	} else {
		w.Int(0)
	}
}

func cmdHGet(x *Ctx) {
	v, ok, err := x.DB.HGet(x.Arg(1), x.Args[2])
	if err != nil {
		x.Err(err)
		return
	}
	bulkOrNull(x, v, ok)
}

// cmdHMGet: one entry per field, null for a missing field or key.
func cmdHMGet(x *Ctx) {
	h, err := x.DB.LookupHash(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	fields := x.Args[2:]
	x.W.Array(len(fields))
	for _, f := range fields {
		if h == nil {
			x.W.Null()
			continue
		}
		v, ok := h.Get(f)
		bulkOrNull(x, v, ok)
	}
}

// cmdHGetAll: a map (RESP2: a flat array of field, value, ...).
func cmdHGetAll(x *Ctx) {
	h, err := x.DB.LookupHash(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	if h == nil {
		x.W.Map(0)
		return
	}
	x.W.Map(h.Len())
	h.Range(func(f, v []byte) bool {
		x.W.Bulk(f)
		x.W.Bulk(v)
		return true
	})
}

// cmdHKeysVals is HKEYS (keys) or HVALS: an array.
func cmdHKeysVals(keys bool) func(*Ctx) {
	return func(x *Ctx) {
		h, err := x.DB.LookupHash(x.Arg(1))
		if err != nil {
			x.Err(err)
			return
		}
		if h == nil {
			x.W.Array(0)
			return
		}
		x.W.Array(h.Len())
		h.Range(func(f, v []byte) bool {
			if keys {
				x.W.Bulk(f)
			} else {
				x.W.Bulk(v)
			}
			return true
		})
	}
}

func cmdHDel(x *Ctx) {
	n, err := x.DB.HDel(x.Arg(1), x.Args[2:])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdHLen(x *Ctx) {
	n, err := x.DB.HLen(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdHStrLen(x *Ctx) {
	v, _, err := x.DB.HGet(x.Arg(1), x.Args[2])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(len(v)))
}

func cmdHExists(x *Ctx) {
	_, ok, err := x.DB.HGet(x.Arg(1), x.Args[2])
	if err != nil {
		x.Err(err)
		return
	}
	writeBool01(x.W, ok)
}

// cmdHIncrBy: the increment is parsed before the key is looked up.
func cmdHIncrBy(x *Ctx) {
	delta, ok := broker.ParseInt(x.Args[3])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return
	}
	v, err := x.DB.HIncrBy(x.Arg(1), x.Args[2], delta)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(v)
}

// cmdHIncrByFloat replies with the new value as a bulk string (RESP3 too).
// As in Redis, the AOF gets HSET of the resulting value, so that replay
// does not depend on floating point arithmetic.
func cmdHIncrByFloat(x *Ctx) {
	v, err := x.DB.HIncrByFloat(x.Arg(1), x.Args[2], x.Args[3])
	if err != nil {
		x.Err(err)
		return
	}
	if x.Tx.Propagating() {
		x.Propagate([]byte("HSET"), x.Args[1], x.Args[2], v)
	}
	x.W.Bulk(v)
}

// parseRandCount parses the count of HRANDFIELD and SRANDMEMBER: an
// integer in [-LONG_MAX, LONG_MAX]. On failure it writes the error.
func parseRandCount(x *Ctx) (int64, bool) {
	n, ok := broker.ParseInt(x.Args[2])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return 0, false
	}
	if n == math.MinInt64 {
		x.W.Error(errCountRange)
		return 0, false
	}
	return n, true
}

// cmdHRandField is HRANDFIELD key [count [WITHVALUES]]. Without a count: a
// random field or null. With a count: an array (empty for a missing key or
// count 0) of distinct fields for a positive count (the whole hash when
// count >= size), of count fields drawn with repetition for a negative one.
// WITHVALUES interleaves the values in RESP2 and nests [field, value]
// pairs in RESP3, as Redis 7.0 does.
func cmdHRandField(x *Ctx) {
	if len(x.Args) == 2 {
		h, err := x.DB.LookupHash(x.Arg(1))
		switch {
		case err != nil:
			x.Err(err)
		case h == nil:
			x.W.Null()
		default:
			f, _ := h.Random()
			x.W.Bulk(f)
		}
		return
	}
	count, ok := parseRandCount(x)
	if !ok {
		return
	}
	withValues := false
	if len(x.Args) > 4 || (len(x.Args) == 4 && !bytes.EqualFold(x.Args[3], []byte("withvalues"))) {
		x.SyntaxErr()
		return
	} else if len(x.Args) == 4 {
		withValues = true
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			x.W.Error(errOutOfRange)
			return
		}
	}
	h, err := x.DB.LookupHash(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	if h == nil || count == 0 {
		x.W.Array(0)
		return
	}
	write := func(f, v []byte) {
		if !withValues {
			x.W.Bulk(f)
			return
		}
		if x.W.Proto >= 3 {
			x.W.Array(2)
		}
		x.W.Bulk(f)
		x.W.Bulk(v)
	}
	header := func(n int) {
		if withValues && x.W.Proto < 3 {
			n *= 2
		}
		x.W.Array(n)
	}
	switch size := int64(h.Len()); {
	case count < 0:
		header(int(-count))
		for range -count {
			write(h.Random())
		}
	case count >= size:
		header(int(size))
		h.Range(func(f, v []byte) bool { write(f, v); return true })
	default:
		header(int(count))
		h.RandomDistinct(int(count), write)
	}
}

// cmdHScan is HSCAN key cursor [MATCH pattern] [COUNT count]. The cursor is
// parsed first; a missing key answers an empty scan without looking at the
// options; a packed hash is returned whole with cursor 0.
func cmdHScan(x *Ctx) {
	cursor, ok := parseScanCursor(x.Arg(2))
	if !ok {
		x.W.Error(errInvalidCursor)
		return
	}
	h, err := x.DB.LookupHash(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	if h == nil {
		writeEmptyScan(x.W)
		return
	}
	opt, ok := parseScanOptions(x, 3)
	if !ok {
		return
	}
	var elems [][]byte
	next := h.Scan(cursor, opt.count, func(f, v []byte) {
		if opt.match(f) {
			elems = append(elems, f, v)
		}
	})
	writeScanReply(x.W, next, elems)
}
