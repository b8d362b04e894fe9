package broker

import (
	"errors"
	"math"
	"math/bits"
)

// Bitmaps and bit fields on string values
// (https://redis.io/docs/latest/develop/data-types/bitmaps/,
// https://redis.io/docs/latest/develop/data-types/bitfields/), following
// Redis 7.0's bitops.c, and LCS from t_string.c.
//
// A string is a bit array whose bit 0 is the most significant bit of its
// first byte. Writes past the end pad the string with zero bytes; reads past
// the end see zeros. The read-only operations are pure functions over the
// value's bytes (the front looks the value up first, because Redis answers a
// missing key before it even parses the range arguments); the writes are
// methods on *DB.

// ErrLCSTooLarge: LCS would need a table larger than proto-max-bulk-len.
var ErrLCSTooLarge = errors.New("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")

// ParseBitOffset parses a bit offset argument as Redis's
// getBitOffsetFromArgument does: a Redis integer (ParseInt), or with hash
// set and bits > 0 also the form "#N", meaning N*bits (BITFIELD). ok is
// false when the argument is not an integer, is negative, or addresses a
// byte at or past MaxStringLen.
func ParseBitOffset(arg []byte, hash bool, bitWidth int) (offset uint64, ok bool) {
	useHash := hash && bitWidth > 0 && len(arg) > 0 && arg[0] == '#'
	if useHash {
		arg = arg[1:]
	}
	v, ok := ParseInt(arg)
	if !ok {
		return 0, false
	}
	if useHash {
		v *= int64(bitWidth) // wraps like Redis's long long product; caught below
	}
	if v < 0 || v>>3 >= MaxStringLen {
		return 0, false
	}
	return uint64(v), true
}

// growStringForBits returns the string at key padded with zero bytes so
// that bit maxBit exists, creating it if missing (Redis
// lookupStringForBitCommand). grown reports whether the key was created or
// lengthened. The TTL is kept. ErrWrongType if key holds another kind.
func (db *DB) growStringForBits(key string, maxBit uint64) (o *Object, grown bool, err error) {
	need := int(maxBit>>3) + 1
	o, err = db.lookupString(key)
	if err != nil {
		return nil, false, err
	}
	if o == nil {
		o = NewString(make([]byte, need))
		db.Add(key, o)
		return o, true, nil
	}
	if n := len(o.Str); need > n {
		if need <= cap(o.Str) {
			o.Str = o.Str[:need]
			clear(o.Str[n:])
		} else {
			buf := make([]byte, need, max(need, 2*n))
			copy(buf, o.Str)
			o.Str = buf
		}
		grown = true
	}
	return o, grown, nil
}

// SetBit sets or clears the bit at offset in the string at key, creating or
// padding it as needed, and returns the bit's old value (SETBIT). The TTL
// is kept. ErrWrongType if key holds another kind.
func (db *DB) SetBit(key string, offset uint64, on bool) (old int64, err error) {
	o, grown, err := db.growStringForBits(key, offset)
	if err != nil {
		return 0, err
	}
	i, mask := offset>>3, byte(1)<<(7-offset&7)
	wasOn := o.Str[i]&mask != 0
	if grown || wasOn != on {
		if on {
			o.Str[i] |= mask
		} else {
			o.Str[i] &^= mask
		}
		db.Touch(key)
	}
	if wasOn {
		return 1, nil
	}
	return 0, nil
}

// GetBit returns the bit at offset of the string at key, 0 past its end or
// for a missing key (GETBIT). ErrWrongType if key holds another kind.
func (db *DB) GetBit(key string, offset uint64) (int64, error) {
	v, _, err := db.GetString(key)
	if err != nil {
		return 0, err
	}
	return bitAt(v, offset), nil
}

func bitAt(v []byte, offset uint64) int64 {
	if i := offset >> 3; i < uint64(len(v)) {
		return int64(v[i]>>(7-offset&7)) & 1
	}
	return 0
}

// PopCount returns the number of bits set in b.
func PopCount(b []byte) int64 {
	var n int
	for len(b) >= 8 {
		n += bits.OnesCount64(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
		b = b[8:]
	}
	for _, c := range b {
		n += bits.OnesCount8(c)
	}
	return int64(n)
}

// bitRange turns BITCOUNT/BITPOS start and end (inclusive, negative from
// the end, in bytes or with isBit in bits) into a byte range of v and masks
// of the bits outside the range in its first and last byte, as Redis does.
// start > end means an empty range.
func bitRange(n int, start, end int64, isBit bool) (s, e int64, firstMask, lastMask byte) {
	total := int64(n)
	if isBit {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	if isBit && start <= end {
		firstMask = ^byte(1<<(8-start&7) - 1)
		lastMask = byte(1<<(7-end&7) - 1)
		start >>= 3
		end >>= 3
	}
	return start, end, firstMask, lastMask
}

// BitCount counts the bits set in v between start and end inclusive
// (BITCOUNT key start end [BYTE|BIT]): byte indexes, or bit indexes with
// isBit; negative indexes count from the end; the range is clipped to v.
// Both indexes negative with start > end count 0.
func BitCount(v []byte, start, end int64, isBit bool) int64 {
	if start < 0 && end < 0 && start > end {
		return 0
	}
	s, e, firstMask, lastMask := bitRange(len(v), start, end, isBit)
	if s > e {
		return 0
	}
	n := PopCount(v[s : e+1])
	n -= int64(bits.OnesCount8(v[s]&firstMask) + bits.OnesCount8(v[e]&lastMask))
	return n
}

// BitPosRange is the optional range of BITPOS: Start (HasStart), End
// (HasEnd) and the unit (Bit: bit indexes; default bytes). End without
// Start and Bit without End are not expressible in Redis's syntax.
type BitPosRange struct {
	Start, End       int64
	HasStart, HasEnd bool
	Bit              bool
}

// BitPos returns the position of the first bit equal to bit (0 or 1) in v
// within r, as BITPOS does for an existing string: -1 when there is none,
// except that when looking for 0 without an explicit end the string counts
// as padded with zeros, so the first bit past it is returned. An empty
// range (including an empty string) gives -1.
func BitPos(v []byte, bit int, r BitPosRange) int64 {
	var start, end int64
	var firstMask, lastMask byte
	if r.HasStart {
		end = int64(len(v)) - 1
		if r.HasEnd {
			end = r.End
		}
		start, end, firstMask, lastMask = bitRange(len(v), r.Start, end, r.Bit)
	} else {
		start, end = 0, int64(len(v))-1
	}
	if start > end {
		return -1
	}
	// The search runs in up to three parts, as in Redis: the first byte
	// with the bits before the range masked, the whole bytes, the last byte
	// with the bits after the range masked.
	bytes := end - start + 1
	var pos int64
	mask := func(c, m byte) byte {
		if bit == 1 {
			return c &^ m
		}
		return c | m
	}
	done := false
	if firstMask != 0 {
		c := mask(v[start], firstMask)
		if lastMask != 0 && bytes == 1 {
			c = mask(c, lastMask)
		}
		pos = firstBit([]byte{c}, bit)
		if bytes == 1 || (pos != -1 && pos != 8) {
			done = true
		} else {
			start++
			bytes--
		}
	}
	if !done {
		cur := bytes
		if lastMask != 0 {
			cur--
		}
		if cur > 0 {
			pos = firstBit(v[start:start+cur], bit)
			if bytes == cur || (pos != -1 && pos != cur<<3) {
				done = true
			} else {
				start += cur
				bytes -= cur
			}
		}
		if !done {
			pos = firstBit([]byte{mask(v[end], lastMask)}, bit)
		}
	}
	// With an explicit end, a 0 found only in the padding past the range
	// does not count.
	if r.HasEnd && bit == 0 && pos == bytes<<3 {
		return -1
	}
	if pos != -1 {
		pos += start << 3
	}
	return pos
}

// firstBit is Redis's redisBitpos: the position of the first bit equal to
// bit in b; if none, -1 when looking for 1 and len(b)*8 when looking for 0.
func firstBit(b []byte, bit int) int64 {
	skip := byte(0)
	if bit == 0 {
		skip = 0xff
	}
	for i, c := range b {
		if c != skip {
			if bit == 0 {
				c = ^c
			}
			return int64(i)*8 + int64(bits.LeadingZeros8(c))
		}
	}
	if bit == 1 {
		return -1
	}
	return int64(len(b)) * 8
}

// BitOpKind is the operation of BITOP.
type BitOpKind uint8

// The BITOP operations.
const (
	BitAnd BitOpKind = iota
	BitOr
	BitXor
	BitNot
)

// BitOp combines the strings at srcs byte by byte with op, shorter and
// missing strings counting as padded with zero bytes, stores the result at
// dest (dropping its TTL) and returns its length (BITOP). When every source
// is empty or missing the result is empty: dest is deleted. BitNot takes
// one source (the caller checks). ErrWrongType, with nothing written, if a
// source is not a string.
func (db *DB) BitOp(op BitOpKind, dest string, srcs []string) (int64, error) {
	vals := make([][]byte, len(srcs))
	maxLen := 0
	for i, k := range srcs {
		o := db.LookupRead(k)
		if o == nil {
			continue
		}
		if o.Kind != KindString {
			return 0, ErrWrongType
		}
		vals[i] = o.Str
		maxLen = max(maxLen, len(o.Str))
	}
	if maxLen == 0 {
		db.Delete(dest)
		return 0, nil
	}
	res := make([]byte, maxLen)
	copy(res, vals[0])
	if op == BitNot {
		for j := range res {
			res[j] = ^res[j]
		}
	}
	for _, v := range vals[1:] {
		switch op {
		case BitAnd:
			for j := range res {
				if j < len(v) {
					res[j] &= v[j]
				} else {
					res[j] = 0
				}
			}
		case BitOr:
			for j, c := range v {
				res[j] |= c
			}
		case BitXor:
			for j, c := range v {
				res[j] ^= c
			}
		}
	}
	db.Set(dest, NewString(res), false)
	return int64(maxLen), nil
}

// BitfieldOpKind is a BITFIELD subcommand.
type BitfieldOpKind uint8

// The BITFIELD subcommands that read or write a field.
const (
	BitfieldGet BitfieldOpKind = iota
	BitfieldSet
	BitfieldIncrBy
)

// Overflow is BITFIELD's OVERFLOW behaviour for SET and INCRBY.
type Overflow uint8

// Overflow behaviours: WRAP (modular arithmetic; the default), SAT
// (saturate at the type's minimum or maximum) and FAIL (do nothing and
// reply null).
const (
	OverflowWrap Overflow = iota
	OverflowSat
	OverflowFail
)

// BitfieldOp is one GET, SET or INCRBY of BITFIELD: a field of Bits bits
// (signed 1..64, unsigned 1..63) at bit Offset; Value is SET's value or
// INCRBY's increment; Overflow is the behaviour in force for the op.
type BitfieldOp struct {
	Kind     BitfieldOpKind
	Offset   uint64
	Bits     int
	Signed   bool
	Value    int64
	Overflow Overflow
}

// BitfieldResult is one reply of BITFIELD: Value, or Null for a SET or
// INCRBY that overflowed under OVERFLOW FAIL.
type BitfieldResult struct {
	Value int64
	Null  bool
}

// Bitfield runs ops on the string at key in order (BITFIELD, BITFIELD_RO)
// and returns one result per op: GET the field's value, SET the old value,
// INCRBY the new value. Unsigned values are returned as int64 (at most 63
// bits). If any op writes, the string is first created or padded with
// zeros up to the farthest bit written (even when every write then fails
// with OVERFLOW FAIL); the TTL is kept. ErrWrongType if key holds another
// kind.
func (db *DB) Bitfield(key string, ops []BitfieldOp) ([]BitfieldResult, error) {
	var highest uint64
	write := false
	for _, op := range ops {
		if op.Kind != BitfieldGet {
			write = true
			highest = max(highest, op.Offset+uint64(op.Bits)-1)
		}
	}
	var v []byte
	var o *Object
	grown := false
	if write {
		var err error
		if o, grown, err = db.growStringForBits(key, highest); err != nil {
			return nil, err
		}
	} else {
		var err error
		if v, _, err = db.GetString(key); err != nil {
			return nil, err
		}
	}
	res := make([]BitfieldResult, len(ops))
	changed := false
	for i, op := range ops {
		if o != nil {
			v = o.Str
		}
		if op.Kind == BitfieldGet {
			res[i].Value = int64(getField(v, op.Offset, op.Bits, op.Signed))
			continue
		}
		old := getField(v, op.Offset, op.Bits, op.Signed)
		var nv, ret uint64
		var over bool
		if op.Kind == BitfieldIncrBy {
			nv, over = fieldAdd(old, op.Value, op)
			ret = nv
		} else {
			nv, over = fieldAdd(uint64(op.Value), 0, op)
			ret = old
		}
		if over && op.Overflow == OverflowFail {
			res[i].Null = true
			continue
		}
		res[i].Value = int64(ret)
		setField(v, op.Offset, op.Bits, nv)
		if grown || old != nv {
			changed = true
		}
	}
	if changed {
		db.Touch(key)
	}
	return res, nil
}

// getField reads the field of width bits at offset, zero past the end of v;
// a signed field is sign-extended to 64 bits.
func getField(v []byte, offset uint64, width int, signed bool) uint64 {
	var x uint64
	for j := 0; j < width; j++ {
		x = x<<1 | uint64(bitAt(v, offset+uint64(j)))
	}
	if signed && width < 64 && x&(1<<(width-1)) != 0 {
		x |= math.MaxUint64 << width
	}
	return x
}

// setField writes the low width bits of x at offset; v must be long enough.
func setField(v []byte, offset uint64, width int, x uint64) {
	for j := 0; j < width; j++ {
		i, sh := offset>>3, 7-offset&7
		v[i] = v[i]&^(1<<sh) | byte(x>>(width-1-j)&1)<<sh
		offset++
	}
}

// fieldAdd adds incr to value (already read as a field of op's type, or
// SET's value with incr 0) and reports an overflow of the type, returning
// the result to store under op.Overflow: the exact sum, the wrapped sum or
// the saturated limit. This is Redis's checkSignedBitfieldOverflow and
// checkUnsignedBitfieldOverflow, including their treatment of SET values
// out of the type's range (a negative SET value on an unsigned type counts
// as too large).
func fieldAdd(value uint64, incr int64, op BitfieldOp) (uint64, bool) {
	w := op.Bits
	if op.Signed {
		v := int64(value)
		maxV := int64(math.MaxInt64)
		if w < 64 {
			maxV = 1<<(w-1) - 1
		}
		minV := -maxV - 1
		maxIncr := int64(uint64(maxV) - value)
		minIncr := minV - v
		wrap := func() uint64 {
			c := value + uint64(incr)
			if w < 64 {
				if c&(1<<(w-1)) != 0 {
					c |= math.MaxUint64 << w
				} else {
					c &^= math.MaxUint64 << w
				}
			}
			return c
		}
		switch {
		case v > maxV || (w != 64 && incr > maxIncr) || (v >= 0 && incr > 0 && incr > maxIncr):
			if op.Overflow == OverflowSat {
				return uint64(maxV), true
			}
			return wrap(), true
		case v < minV || (w != 64 && incr < minIncr) || (v < 0 && incr < 0 && incr < minIncr):
			if op.Overflow == OverflowSat {
				return uint64(minV), true
			}
			return wrap(), true
		}
		return value + uint64(incr), false
	}
	maxV := uint64(1)<<w - 1
	maxIncr := int64(maxV - value)
	minIncr := -int64(value)
	wrap := func() uint64 { return (value + uint64(incr)) &^ (math.MaxUint64 << w) }
	switch {
	case value > maxV || (incr > 0 && incr > maxIncr):
		if op.Overflow == OverflowSat {
			return maxV, true
		}
		return wrap(), true
	case incr < 0 && incr < minIncr:
		if op.Overflow == OverflowSat {
			return 0, true
		}
		return wrap(), true
	}
	return value + uint64(incr), false
}

// LCSOptions say what LCS computes besides the length: Str, the common
// subsequence itself; Matches, the matching ranges (IDX), keeping only those
// at least MinMatchLen long.
type LCSOptions struct {
	Str         bool
	Matches     bool
	MinMatchLen int64
}

// LCSMatch is one range of LCS IDX: bytes A[0]..A[1] of the first string
// match bytes B[0]..B[1] of the second; Len is the range's length.
type LCSMatch struct {
	A, B [2]int64
	Len  int64
}

// LCSResult is the outcome of LCS.
type LCSResult struct {
	Len     int64
	Str     []byte
	Matches []LCSMatch
}

// LCS computes the longest common subsequence of a and b with Redis's
// dynamic programming table, so that among several subsequences of the
// same length it picks the one Redis picks, and reports the matching
// ranges from the end of the strings backwards, as LCS IDX does.
// ErrLCSTooLarge when the table of (len(a)+1)*(len(b)+1) 32-bit cells would
// exceed MaxStringLen bytes, whatever the options.
func LCS(a, b []byte, opt LCSOptions) (LCSResult, error) {
	alen, blen := len(a), len(b)
	if uint64(alen+1)*uint64(blen+1)*4 > MaxStringLen {
		return LCSResult{}, ErrLCSTooLarge
	}
	if !opt.Str && !opt.Matches {
		return LCSResult{Len: lcsLen(a, b)}, nil
	}
	w := blen + 1
	t := make([]uint32, (alen+1)*w)
	for i := 1; i <= alen; i++ {
		for j := 1; j <= blen; j++ {
			if a[i-1] == b[j-1] {
				t[i*w+j] = t[(i-1)*w+j-1] + 1
			} else {
				t[i*w+j] = max(t[(i-1)*w+j], t[i*w+j-1])
			}
		}
	}
	n := t[alen*w+blen]
	res := LCSResult{Len: int64(n), Str: make([]byte, n)}
	// Walk back from the end, as Redis does: a range grows backwards while
	// the matches are contiguous in both strings and is emitted when the
	// walk leaves it.
	idx := n
	const unset = ^uint32(0)
	aStart, aEnd, bStart, bEnd := unset, uint32(0), uint32(0), uint32(0)
	i, j := uint32(alen), uint32(blen)
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			res.Str[idx-1] = a[i-1]
			if aStart == unset {
				aStart, aEnd, bStart, bEnd = i-1, i-1, j-1, j-1
			} else if aStart == i && bStart == j {
				aStart--
				bStart--
			} else {
				emit = true
			}
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if t[int(i-1)*w+int(j)] > t[int(i)*w+int(j-1)] {
				i--
			} else {
				j--
			}
			if aStart != unset {
				emit = true
			}
		}
		if emit {
			l := int64(aEnd - aStart + 1)
			if opt.Matches && (opt.MinMatchLen == 0 || l >= opt.MinMatchLen) {
				res.Matches = append(res.Matches, LCSMatch{
					A: [2]int64{int64(aStart), int64(aEnd)}, B: [2]int64{int64(bStart), int64(bEnd)}, Len: l,
				})
			}
			aStart = unset
		}
	}
	if !opt.Str {
		res.Str = nil
	}
	return res, nil
}

// lcsLen is the length of the longest common subsequence, with two rows of
// the table.
func lcsLen(a, b []byte) int64 {
	prev := make([]uint32, len(b)+1)
	cur := make([]uint32, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return int64(prev[len(b)])
}

// LCSStrings returns the strings at key1 and key2 for LCS, empty for
// missing keys. ErrWrongType if either holds another kind (Redis then
// answers "The specified keys must contain string values").
func (db *DB) LCSStrings(key1, key2 string) (a, b []byte, err error) {
	o1, o2 := db.LookupRead(key1), db.LookupRead(key2)
	if (o1 != nil && o1.Kind != KindString) || (o2 != nil && o2.Kind != KindString) {
		return nil, nil, ErrWrongType
	}
	if o1 != nil {
		a = o1.Str
	}
	if o2 != nil {
		b = o2.Str
	}
	return a, b, nil
}
