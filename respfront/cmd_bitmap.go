package respfront

import (
	"bytes"

	"github.com/switchyard/switchyard/broker"
)

// The bitmap commands and LCS
// (https://redis.io/docs/latest/commands/?group=bitmap), as Redis 7.0
// implements them in bitops.c and t_string.c. The engine side is
// broker/bitops.go. Arguments are checked in Redis's order, which differs
// per command: GETBIT and SETBIT parse before the lookup, BITCOUNT and
// BITPOS answer a missing key before parsing their range.

func bitmapCommands() []*Command {
	return []*Command{
		{Name: "setbit", Handler: cmdSetBit, Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", Since: "2.2.0"},
		{Name: "getbit", Handler: cmdGetBit, Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns a bit value by offset.", Since: "2.2.0"},
		{Name: "bitcount", Handler: cmdBitCount, Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Counts the number of set bits (population counting) in a string.", Since: "2.6.0"},
		{Name: "bitpos", Handler: cmdBitPos, Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Finds the first set (1) or clear (0) bit in a string.", Since: "2.8.7"},
		{Name: "bitop", Handler: cmdBitOp, Arity: -4, Flags: Write, FirstKey: 2, LastKey: -1, Step: 1, Summary: "Performs bitwise operations on multiple strings, and stores the result.", Since: "2.6.0"},
		{Name: "bitfield", Handler: cmdBitfield, Arity: -2, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Performs arbitrary bitfield integer operations on strings.", Since: "3.2.0"},
		{Name: "bitfield_ro", Handler: cmdBitfield, Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Performs arbitrary read-only bitfield integer operations on strings.", Since: "6.0.0"},
		{Name: "lcs", Handler: cmdLCS, Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Finds the longest common substring.", Group: "string", Since: "7.0.0"},
	}
}

// cEqualFold reports whether arg equals word ignoring case, comparing as C
// strings (strcasecmp): bytes from a NUL on are ignored.
func cEqualFold(arg []byte, word string) bool {
	return bytes.EqualFold(cString(arg), []byte(word))
}

// intArg parses argument i as a Redis integer, writing "ERR value is not
// an integer or out of range" if it is not one.
func intArg(x *Ctx, i int) (int64, bool) {
	v, ok := broker.ParseInt(x.Args[i])
	if !ok {
		x.Err(broker.ErrNotInteger)
	}
	return v, ok
}

const errBitOffset = "ERR bit offset is not an integer or out of range"

// SETBIT key offset value: the bit's old value.
func cmdSetBit(x *Ctx) {
	offset, ok := broker.ParseBitOffset(x.Args[2], false, 0)
	if !ok {
		x.W.Error(errBitOffset)
		return
	}
	on, ok := broker.ParseInt(x.Args[3])
	if !ok || on&^1 != 0 {
		x.W.Error("ERR bit is not an integer or out of range")
		return
	}
	old, err := x.DB.SetBit(x.Arg(1), offset, on == 1)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(old)
}

// GETBIT key offset: the bit, 0 past the end or for a missing key.
func cmdGetBit(x *Ctx) {
	offset, ok := broker.ParseBitOffset(x.Args[2], false, 0)
	if !ok {
		x.W.Error(errBitOffset)
		return
	}
	v, err := x.DB.GetBit(x.Arg(1), offset)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(v)
}

// parseBitUnit reads BYTE or BIT; ok false (a syntax error) otherwise.
func parseBitUnit(arg []byte) (isBit, ok bool) {
	switch {
	case cEqualFold(arg, "bit"):
		return true, true
	case cEqualFold(arg, "byte"):
		return false, true
	}
	return false, false
}

// BITCOUNT key [start end [BYTE | BIT]]: the number of set bits.
func cmdBitCount(x *Ctx) {
	v, found, err := x.DB.GetString(x.Arg(1))
	if err != nil || !found {
		if err != nil {
			x.Err(err)
		} else {
			x.W.Int(0)
		}
		return
	}
	switch len(x.Args) {
	case 2:
		x.W.Int(broker.PopCount(v))
	case 4, 5:
		start, ok := intArg(x, 2)
		if !ok {
			return
		}
		end, ok := intArg(x, 3)
		if !ok {
			return
		}
		if start < 0 && end < 0 && start > end {
			x.W.Int(0) // answered before the unit is even checked
			return
		}
		isBit := false
		if len(x.Args) == 5 {
			if isBit, ok = parseBitUnit(x.Args[4]); !ok {
				x.SyntaxErr()
				return
			}
		}
		x.W.Int(broker.BitCount(v, start, end, isBit))
	default:
		x.SyntaxErr()
	}
}

// BITPOS key bit [start [end [BYTE | BIT]]]: the position of the first bit
// equal to bit, or -1. A missing key is all zeros: 0 for bit 0, -1 for 1.
func cmdBitPos(x *Ctx) {
	bit, ok := intArg(x, 2)
	if !ok {
		return
	}
	if bit != 0 && bit != 1 {
		x.W.Error("ERR The bit argument must be 1 or 0.")
		return
	}
	v, found, err := x.DB.GetString(x.Arg(1))
	switch {
	case err != nil:
		x.Err(err)
		return
	case !found:
		x.W.Int(-bit)
		return
	}
	var r broker.BitPosRange
	switch len(x.Args) {
	case 3:
	case 4, 5, 6:
		if r.Start, ok = intArg(x, 3); !ok {
			return
		}
		r.HasStart = true
		if len(x.Args) == 6 {
			if r.Bit, ok = parseBitUnit(x.Args[5]); !ok {
				x.SyntaxErr()
				return
			}
		}
		if len(x.Args) >= 5 {
			if r.End, ok = intArg(x, 4); !ok {
				return
			}
			r.HasEnd = true
		}
	default:
		x.SyntaxErr()
		return
	}
	x.W.Int(broker.BitPos(v, int(bit), r))
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: the length of the string
// stored at destkey.
func cmdBitOp(x *Ctx) {
	var op broker.BitOpKind
	switch name := x.Args[1]; {
	case cEqualFold(name, "and"):
		op = broker.BitAnd
	case cEqualFold(name, "or"):
		op = broker.BitOr
	case cEqualFold(name, "xor"):
		op = broker.BitXor
	case cEqualFold(name, "not"):
		op = broker.BitNot
	default:
		x.SyntaxErr()
		return
	}
	if op == broker.BitNot && len(x.Args) != 4 {
		x.W.Error("ERR BITOP NOT must be called with a single source key.")
		return
	}
	n, err := x.DB.BitOp(op, x.Arg(2), keyArgs(x.Args[3:]))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(n)
}

// parseBitfieldType reads i1..i64 or u1..u63 (the digits are read as a C
// string, up to a NUL).
func parseBitfieldType(arg []byte) (signed bool, width int, ok bool) {
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		return false, 0, false
	}
	signed = arg[0] == 'i'
	n, ok := broker.ParseInt(cString(arg[1:]))
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, false
	}
	return signed, int(n), true
}

// BITFIELD key [GET encoding offset | [OVERFLOW WRAP|SAT|FAIL]
// SET encoding offset value | INCRBY encoding offset increment ...]
// BITFIELD_RO key [GET encoding offset ...]
//
// An array with one reply per GET, SET and INCRBY: the value, the old
// value, the new value, or null for a write that overflowed under OVERFLOW
// FAIL. Every argument is checked before anything runs.
func cmdBitfield(x *Ctx) {
	var ops []broker.BitfieldOp
	overflow := broker.OverflowWrap
	write := false
	for j := 2; j < len(x.Args); j++ {
		rem := len(x.Args) - j - 1
		sub := x.Args[j]
		var op broker.BitfieldOp
		switch {
		case cEqualFold(sub, "get") && rem >= 2:
			op.Kind = broker.BitfieldGet
		case cEqualFold(sub, "set") && rem >= 3:
			op.Kind = broker.BitfieldSet
		case cEqualFold(sub, "incrby") && rem >= 3:
			op.Kind = broker.BitfieldIncrBy
		case cEqualFold(sub, "overflow") && rem >= 1:
			j++
			switch t := x.Args[j]; {
			case cEqualFold(t, "wrap"):
				overflow = broker.OverflowWrap
			case cEqualFold(t, "sat"):
				overflow = broker.OverflowSat
			case cEqualFold(t, "fail"):
				overflow = broker.OverflowFail
			default:
				x.W.Error("ERR Invalid OVERFLOW type specified")
				return
			}
			continue
		default:
			x.SyntaxErr()
			return
		}
		var ok bool
		if op.Signed, op.Bits, ok = parseBitfieldType(x.Args[j+1]); !ok {
			x.W.Error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
			return
		}
		if op.Offset, ok = broker.ParseBitOffset(x.Args[j+2], true, op.Bits); !ok {
			x.W.Error(errBitOffset)
			return
		}
		if op.Kind != broker.BitfieldGet {
			write = true
			if op.Value, ok = intArg(x, j+3); !ok {
				return
			}
			j++
		}
		op.Overflow = overflow
		ops = append(ops, op)
		j += 2
	}
	if write && x.Cmd.Name == "bitfield_ro" {
		x.W.Error("ERR BITFIELD_RO only supports the GET subcommand")
		return
	}
	res, err := x.DB.Bitfield(x.Arg(1), ops)
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Array(len(res))
	for _, r := range res {
		if r.Null {
			x.W.Null()
		} else {
			x.W.Int(r.Value)
		}
	}
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
//
// The longest common subsequence as a bulk string; with LEN its length;
// with IDX a map (RESP2: a flat array) of "matches", the matching ranges
// [[start1 end1] [start2 end2] (len)] from the end backwards, and "len".
func cmdLCS(x *Ctx) {
	a, b, err := x.DB.LCSStrings(x.Arg(1), x.Arg(2))
	if err != nil {
		x.W.Error("ERR The specified keys must contain string values")
		return
	}
	var getLen, getIdx, withMatchLen bool
	var minLen int64
	for j := 3; j < len(x.Args); j++ {
		opt := x.Args[j]
		switch {
		case cEqualFold(opt, "idx"):
			getIdx = true
		case cEqualFold(opt, "len"):
			getLen = true
		case cEqualFold(opt, "withmatchlen"):
			withMatchLen = true
		case cEqualFold(opt, "minmatchlen") && j+1 < len(x.Args):
			var ok bool
			if minLen, ok = intArg(x, j+1); !ok {
				return
			}
			minLen = max(minLen, 0)
			j++
		default:
			x.SyntaxErr()
			return
		}
	}
	if getLen && getIdx {
		x.W.Error("ERR If you want both the length and indexes, please just use IDX.")
		return
	}
	res, err := broker.LCS(a, b, broker.LCSOptions{Str: !getLen && !getIdx, Matches: getIdx, MinMatchLen: minLen})
	if err != nil {
		x.Err(err)
		return
	}
	switch {
	case getIdx:
		x.W.Map(2)
		x.W.BulkString("matches")
		x.W.Array(len(res.Matches))
		for _, m := range res.Matches {
			if withMatchLen {
				x.W.Array(3)
			} else {
				x.W.Array(2)
			}
			x.W.Array(2)
			x.W.Int(m.A[0])
			x.W.Int(m.A[1])
			x.W.Array(2)
			x.W.Int(m.B[0])
			x.W.Int(m.B[1])
			if withMatchLen {
				x.W.Int(m.Len)
			}
		}
		x.W.BulkString("len")
		x.W.Int(res.Len)
	case getLen:
		x.W.Int(res.Len)
	default:
		x.W.Bulk(res.Str)
	}
}
