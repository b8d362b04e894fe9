package respfront

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/switchyard/switchyard/broker"
)

// The string commands (https://redis.io/docs/latest/commands/?group=string),
// as Redis 7.0 implements them in t_string.c. The engine side is
// broker/string.go.
//
// Values are stored straight from x.Args, without copying: the request
// reader (reader.go) gives every command its own allocation and never reuses
// it, and the engine clips each stored slice to its length so that a later
// APPEND cannot run into the bytes that follow it in that allocation.

func stringCommands() []*Command {
	return []*Command{
		{Name: "get", Handler: cmdGet, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the string value of a key."},
		{Name: "set", Handler: cmdSet, Arity: -3, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist."},
		{Name: "setnx", Handler: cmdSetNX, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Set the string value of a key only when the key doesn't exist."},
		{Name: "setex", Handler: cmdSetEX, Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist."},
		{Name: "psetex", Handler: cmdSetEX, Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist."},
		{Name: "mget", Handler: cmdMGet, Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Atomically returns the string values of one or more keys."},
		{Name: "mset", Handler: cmdMSet, Arity: -3, Flags: Write, FirstKey: 1, LastKey: -1, Step: 2, Summary: "Atomically creates or modifies the string values of one or more keys."},
		{Name: "msetnx", Handler: cmdMSet, Arity: -3, Flags: Write, FirstKey: 1, LastKey: -1, Step: 2, Summary: "Atomically modifies the string values of one or more keys only when all keys don't exist."},
		{Name: "getset", Handler: cmdGetSet, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the previous string value of a key after setting it to a new value."},
		{Name: "getdel", Handler: cmdGetDel, Arity: 2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the string value of a key after deleting the key."},
		{Name: "getex", Handler: cmdGetEx, Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the string value of a key after setting its expiration time."},
		{Name: "incr", Handler: cmdIncr, Arity: 2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."},
		{Name: "decr", Handler: cmdIncr, Arity: 2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist."},
		{Name: "incrby", Handler: cmdIncrBy, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist."},
		{Name: "decrby", Handler: cmdIncrBy, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist."},
		{Name: "incrbyfloat", Handler: cmdIncrByFloat, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist."},
		{Name: "append", Handler: cmdAppend, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Appends a string to the value of a key. Creates the key if it doesn't exist."},
		{Name: "strlen", Handler: cmdStrLen, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the length of a string value."},
		{Name: "getrange", Handler: cmdGetRange, Arity: 4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns a substring of the string stored at a key."},
		{Name: "substr", Handler: cmdGetRange, Arity: 4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns a substring from a string value."},
		{Name: "setrange", Handler: cmdSetRange, Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist."},
	}
}

// stringErr writes err; the expire time error names the command, as Redis's
// addReplyErrorExpireTime does.
func stringErr(x *Ctx, err error) {
	if errors.Is(err, broker.ErrInvalidExpire) {
		x.W.Error(fmt.Sprintf("ERR invalid expire time in '%s' command", x.Cmd.Name))
		return
	}
	x.Err(err)
}

// bulkOrNull writes v, or the null bulk string when !ok.
func bulkOrNull(x *Ctx, v []byte, ok bool) {
	if !ok {
		x.W.Null()
		return
	}
	x.W.Bulk(v)
}

// Option bits of SET and GETEX.
const (
	optNX = 1 << iota
	optXX
	optGet
	optKeepTTL
	optPersist
	optEX
	optPX
	optEXAT
	optPXAT

	optExpire = optEX | optPX | optEXAT | optPXAT
)

// parseStringOptions parses the options of SET (forSet) or GETEX exactly as
// Redis's parseExtendedStringArgumentsOrReply does, quirks included: NX, XX,
// GET, KEEPTTL and PERSIST may repeat, and so may one expire option (the
// last value wins); NX with XX, two different expire options, an expire
// option with KEEPTTL or PERSIST, an option of the other command, a missing
// expire value or an unknown word are a syntax error (ok false). Options
// are compared as C strings: bytes after a NUL are ignored.
func parseStringOptions(args [][]byte, forSet bool) (flags int, exp broker.Expire, ok bool) {
	for j := 0; j < len(args); j++ {
		opt := args[j]
		if i := bytes.IndexByte(opt, 0); i >= 0 {
			opt = opt[:i]
		}
		hasNext := j+1 < len(args)
		var bit int
		var unit broker.ExpireUnit
		switch {
		case bytes.EqualFold(opt, []byte("nx")) && forSet && flags&optXX == 0:
			flags |= optNX
		case bytes.EqualFold(opt, []byte("xx")) && forSet && flags&optNX == 0:
			flags |= optXX
		case bytes.EqualFold(opt, []byte("get")) && forSet:
			flags |= optGet
		case bytes.EqualFold(opt, []byte("keepttl")) && forSet && flags&(optPersist|optExpire) == 0:
			flags |= optKeepTTL
		case bytes.EqualFold(opt, []byte("persist")) && !forSet && flags&(optKeepTTL|optExpire) == 0:
			flags |= optPersist
		case bytes.EqualFold(opt, []byte("ex")):
			bit, unit = optEX, broker.ExpireEX
		case bytes.EqualFold(opt, []byte("px")):
			bit, unit = optPX, broker.ExpirePX
		case bytes.EqualFold(opt, []byte("exat")):
			bit, unit = optEXAT, broker.ExpireEXAT
		case bytes.EqualFold(opt, []byte("pxat")):
			bit, unit = optPXAT, broker.ExpirePXAT
		default:
			return 0, exp, false
		}
		if bit == 0 {
			continue
		}
		if !hasNext || flags&(optKeepTTL|optPersist|optExpire&^bit) != 0 {
			return 0, exp, false
		}
		flags |= bit
		j++
		exp = broker.Expire{Unit: unit, Arg: args[j]}
	}
	return flags, exp, true
}

// GET key
func cmdGet(x *Ctx) {
	v, ok, err := x.DB.GetString(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	bulkOrNull(x, v, ok)
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
// EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
//
// Replies OK, or with GET the old value (null if none); null when NX or XX
// prevented the write.
func cmdSet(x *Ctx) {
	flags, exp, ok := parseStringOptions(x.Args[3:], true)
	if !ok {
		x.SyntaxErr()
		return
	}
	res, err := x.DB.SetString(x.Arg(1), x.Args[2], broker.SetOptions{
		NX:      flags&optNX != 0,
		XX:      flags&optXX != 0,
		Get:     flags&optGet != 0,
		KeepTTL: flags&optKeepTTL != 0,
		Expire:  exp,
	})
	switch {
	case err != nil:
		stringErr(x, err)
	case flags&optGet != 0:
		bulkOrNull(x, res.Old, res.OldFound)
	case res.Written:
		x.W.OK()
	default:
		x.W.Null()
	}
}

// SETNX key value: 1 if set, 0 if the key existed.
func cmdSetNX(x *Ctx) {
	res, err := x.DB.SetString(x.Arg(1), x.Args[2], broker.SetOptions{NX: true})
	switch {
	case err != nil:
		x.Err(err)
	case res.Written:
		x.W.Int(1)
	default:
		x.W.Int(0)
	}
}

// SETEX key seconds value, PSETEX key milliseconds value
func cmdSetEX(x *Ctx) {
	unit := broker.ExpireEX
	if x.Cmd.Name == "psetex" {
		unit = broker.ExpirePX
	}
	_, err := x.DB.SetString(x.Arg(1), x.Args[3], broker.SetOptions{
		Expire: broker.Expire{Unit: unit, Arg: x.Args[2]},
	})
	if err != nil {
		stringErr(x, err)
		return
	}
	x.W.OK()
}

// MGET key [key ...]: an array with null for missing and non-string keys.
func cmdMGet(x *Ctx) {
	x.W.Array(len(x.Args) - 1)
	x.DB.MGet(x.Args[1:], func(v []byte, ok bool) { bulkOrNull(x, v, ok) })
}

// MSET key value [key value ...]: OK.
// MSETNX key value [key value ...]: 1 if all were set, 0 if any key existed.
func cmdMSet(x *Ctx) {
	if len(x.Args)%2 == 0 {
		x.W.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", x.Cmd.Name))
		return
	}
	nx := x.Cmd.Name == "msetnx"
	done := x.DB.MSet(x.Args[1:], nx)
	switch {
	case !nx:
		x.W.OK()
	case done:
		x.W.Int(1)
	default:
		x.W.Int(0)
	}
}

// GETSET key value: the old value or null.
func cmdGetSet(x *Ctx) {
	old, ok, err := x.DB.GetSet(x.Arg(1), x.Args[2])
	if err != nil {
		x.Err(err)
		return
	}
	bulkOrNull(x, old, ok)
}

// GETDEL key: the value or null.
func cmdGetDel(x *Ctx) {
	v, ok, err := x.DB.GetDel(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	bulkOrNull(x, v, ok)
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
// PXAT unix-time-milliseconds | PERSIST]: the value or null.
func cmdGetEx(x *Ctx) {
	flags, exp, ok := parseStringOptions(x.Args[2:], false)
	if !ok {
		x.SyntaxErr()
		return
	}
	v, found, err := x.DB.GetEx(x.Arg(1), broker.GetExOptions{Expire: exp, Persist: flags&optPersist != 0})
	if err != nil {
		stringErr(x, err)
		return
	}
	bulkOrNull(x, v, found)
}

// INCR key, DECR key: the new value.
func cmdIncr(x *Ctx) {
	delta := int64(1)
	if x.Cmd.Name == "decr" {
		delta = -1
	}
	incrReply(x, delta)
}

// INCRBY key increment, DECRBY key decrement: the new value. The argument
// is checked before the key, as in Redis.
func cmdIncrBy(x *Ctx) {
	delta, ok := broker.ParseInt(x.Args[2])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return
	}
	if x.Cmd.Name == "decrby" {
		if delta == -1<<63 {
			x.W.Error("ERR decrement would overflow")
			return
		}
		delta = -delta
	}
	incrReply(x, delta)
}

func incrReply(x *Ctx, delta int64) {
	v, err := x.DB.IncrBy(x.Arg(1), delta)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(v)
}

// INCRBYFLOAT key increment: the new value as a bulk string (also in RESP3).
func cmdIncrByFloat(x *Ctx) {
	v, err := x.DB.IncrByFloat(x.Arg(1), x.Args[2])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Bulk(v)
}

// APPEND key value: the new length.
func cmdAppend(x *Ctx) {
	n, err := x.DB.Append(x.Arg(1), x.Args[2])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

// STRLEN key: the length, 0 for a missing key.
func cmdStrLen(x *Ctx) {
	n, err := x.DB.StrLen(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

// GETRANGE key start end, SUBSTR key start end: the substring (empty for a
// missing key). The indexes are checked before the key.
func cmdGetRange(x *Ctx) {
	start, ok1 := broker.ParseInt(x.Args[2])
	end, ok2 := broker.ParseInt(x.Args[3])
	if !ok1 || !ok2 {
		x.Err(broker.ErrNotInteger)
		return
	}
	v, err := x.DB.GetRange(x.Arg(1), start, end)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Bulk(v)
}

// SETRANGE key offset value: the new length.
func cmdSetRange(x *Ctx) {
	offset, ok := broker.ParseInt(x.Args[2])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return
	}
	n, err := x.DB.SetRange(x.Arg(1), offset, x.Args[3])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}
