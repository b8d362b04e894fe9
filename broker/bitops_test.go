package broker_test

import (
	"bytes"
	"math/big"
	"math/bits"
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

func TestParseBitOffset(t *testing.T) {
	for _, c := range []struct {
		arg   string
		hash  bool
		width int
		want  uint64
		ok    bool
	}{
		{"0", false, 0, 0, true},
		{"4294967295", false, 0, 4294967295, true}, // last bit of a 512 MB string
		{"4294967296", false, 0, 0, false},
		{"-1", false, 0, 0, false},
		{"01", false, 0, 0, false},
		{"+1", false, 0, 0, false},
		{"", false, 0, 0, false},
		{"#3", false, 8, 0, false}, // '#' only for BITFIELD
		{"#3", true, 8, 24, true},
		{"#3", true, 0, 0, false},
		{"#-1", true, 8, 0, false},
		{"#", true, 8, 0, false},
		{"#536870911", true, 8, 4294967288, true},
		{"#536870912", true, 8, 0, false},
		{"#9223372036854775807", true, 2, 0, false}, // the product wraps negative
		{"17", true, 8, 17, true},
	} {
		got, ok := broker.ParseBitOffset([]byte(c.arg), c.hash, c.width)
		require.Equal(t, c.ok, ok, "%q", c.arg)
		require.Equal(t, c.want, got, "%q", c.arg)
	}
}

func TestSetBitGetBit(t *testing.T) {
	e, clk := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		old, err := db.SetBit("b", 7, true)
		require.NoError(t, err)
		require.Zero(t, old)
		v, _, _ := db.GetString("b")
		require.Equal(t, []byte{0x01}, v)

		old, _ = db.SetBit("b", 7, true)
		require.EqualValues(t, 1, old)
		old, _ = db.SetBit("b", 23, true) // pads with a zero byte
		require.Zero(t, old)
		v, _, _ = db.GetString("b")
		require.Equal(t, []byte{0x01, 0x00, 0x01}, v)
		old, _ = db.SetBit("b", 7, false)
		require.EqualValues(t, 1, old)

		for off, want := range map[uint64]int64{0: 0, 7: 0, 23: 1, 24: 0, 1 << 30: 0} {
			got, err := db.GetBit("b", off)
			require.NoError(t, err)
			require.Equal(t, want, got, "offset %d", off)
		}
		got, err := db.GetBit("missing", 3)
		require.NoError(t, err)
		require.Zero(t, got)

		// The TTL is kept, and the string owns its bytes: a value stored
		// from a caller's slice is grown by copying.
		arg := []byte("ab-tail")
		_, err = db.SetString("s", arg[:2], broker.SetOptions{Expire: broker.Expire{Unit: broker.ExpireEX, Arg: []byte("100")}})
		require.NoError(t, err)
		_, err = db.SetBit("s", 30, true)
		require.NoError(t, err)
		require.Equal(t, []byte("ab-tail"), arg)
		v, _, _ = db.GetString("s")
		require.Equal(t, []byte{'a', 'b', 0, 2}, v)
		require.Equal(t, clk.Now().UnixMilli()+100_000, db.Lookup("s").ExpireAt())

		setList(db, "l", "x")
		_, err = db.SetBit("l", 1, true)
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.GetBit("l", 1)
		require.ErrorIs(t, err, broker.ErrWrongType)
	})
}

func TestBitCountCases(t *testing.T) {
	v := []byte("foobar")
	require.EqualValues(t, 26, broker.PopCount(v))
	for _, c := range []struct {
		start, end int64
		isBit      bool
		want       int64
	}{
		{0, 0, false, 4}, {1, 1, false, 6}, {1, -1, false, 22}, {-2, -1, false, 7},
		{-1, -2, false, 0}, {-100, 100, false, 26}, {5, 30, true, 17}, {1, 2, true, 2},
		{0, -1, true, 26}, {7, 7, true, 0}, {9, 8, true, 0}, {6, 1, false, 0},
	} {
		require.Equal(t, c.want, broker.BitCount(v, c.start, c.end, c.isBit), "%+v", c)
	}
	require.Zero(t, broker.BitCount(nil, 0, -1, false))
	require.Zero(t, broker.BitCount(nil, 0, -1, true))
}

// refBits returns v as bits, most significant bit of each byte first.
func refBits(v []byte) []int {
	out := make([]int, 0, len(v)*8)
	for _, c := range v {
		for i := 7; i >= 0; i-- {
			out = append(out, int(c>>i)&1)
		}
	}
	return out
}

// bitRefRange normalizes start and end as Redis does for BITCOUNT and BITPOS,
// in units of n, and returns the range in bits.
func bitRefRange(nbytes int, start, end int64, isBit bool) (lo, hi int64) {
	n := int64(nbytes)
	if isBit {
		n *= 8
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, n-1)
	if isBit {
		return start, end
	}
	return start * 8, end*8 + 7
}

// TestBitCountBitPosModel checks BitCount and BitPos, which work a byte at
// a time with masks for partial bytes, against a bit-by-bit model.
func TestBitCountBitPosModel(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewSource(seed))
	for i := 0; i < 20000; i++ {
		v := make([]byte, rnd.Intn(6))
		for j := range v {
			switch rnd.Intn(3) {
			case 0:
				v[j] = 0
			case 1:
				v[j] = 0xff
			default:
				v[j] = byte(rnd.Intn(256))
			}
		}
		b := refBits(v)
		isBit := rnd.Intn(2) == 0
		span := int64(len(v) + 2)
		if isBit {
			span *= 8
		}
		start, end := rnd.Int63n(2*span)-span, rnd.Int63n(2*span)-span

		lo, hi := bitRefRange(len(v), start, end, isBit)
		var want int64
		if !(start < 0 && end < 0 && start > end) {
			for j := lo; j <= hi; j++ {
				want += int64(b[j])
			}
		}
		require.Equal(t, want, broker.BitCount(v, start, end, isBit), "seed %d: %x %d %d bit=%v", seed, v, start, end, isBit)

		bit := rnd.Intn(2)
		r := broker.BitPosRange{Start: start, End: end, HasStart: rnd.Intn(4) != 0, Bit: isBit}
		r.HasEnd = r.HasStart && (isBit || rnd.Intn(2) == 0)
		if !r.HasStart {
			lo, hi = 0, int64(len(v))*8-1
		} else {
			e := int64(len(v)) - 1
			if r.HasEnd {
				e = end
			}
			lo, hi = bitRefRange(len(v), start, e, isBit)
		}
		wantPos := int64(-1)
		if lo <= hi {
			for j := lo; j <= hi; j++ {
				if b[j] == bit {
					wantPos = j
					break
				}
			}
			if wantPos == -1 && bit == 0 && !r.HasEnd {
				wantPos = hi + 1 // the string counts as padded with zeros
			}
		}
		require.Equal(t, wantPos, broker.BitPos(v, bit, r), "seed %d: %x bit %d %+v", seed, v, bit, r)
	}
}

func TestBitOp(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		setStr(db, "a", "abc")
		setStr(db, "c", "\xf0")
		run := func(op broker.BitOpKind, srcs ...string) string {
			n, err := db.BitOp(op, "d", srcs)
			require.NoError(t, err)
			v, ok, _ := db.GetString("d")
			require.Equal(t, int(n), len(v))
			require.Equal(t, n > 0, ok)
			return string(v)
		}
		require.Equal(t, "\x60\x00\x00", run(broker.BitAnd, "a", "c"))
		require.Equal(t, "\xf1bc", run(broker.BitOr, "a", "c", "missing"))
		require.Equal(t, "\x91bc", run(broker.BitXor, "a", "c"))
		require.Equal(t, "\x9e\x9d\x9c", run(broker.BitNot, "a"))
		require.Equal(t, "\x00\x00\x00", run(broker.BitAnd, "a", "missing"))
		require.Equal(t, "", run(broker.BitAnd, "missing")) // deletes d
		require.False(t, db.Exists("d"))
		setStr(db, "e", "")
		require.Equal(t, "", run(broker.BitOr, "e", "missing"))

		setList(db, "l", "x")
		setStr(db, "d", "keep")
		_, err := db.BitOp(broker.BitOr, "d", []string{"a", "l"})
		require.ErrorIs(t, err, broker.ErrWrongType)
		v, _, _ := db.GetString("d")
		require.Equal(t, "keep", string(v))
		// The destination may hold any kind: it is replaced.
		require.Equal(t, "abc", func() string {
			_, err := db.BitOp(broker.BitOr, "l", []string{"a"})
			require.NoError(t, err)
			v, _, _ := db.GetString("l")
			return string(v)
		}())
	})
}

func TestBitfield(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		op := func(kind broker.BitfieldOpKind, typ string, off uint64, v int64, ov broker.Overflow) broker.BitfieldOp {
			return broker.BitfieldOp{Kind: kind, Signed: typ[0] == 'i', Bits: int(typ[1] - '0'), Offset: off, Value: v, Overflow: ov}
		}
		res, err := db.Bitfield("k", []broker.BitfieldOp{
			{Kind: broker.BitfieldSet, Bits: 5, Offset: 7, Value: 23},
			{Kind: broker.BitfieldGet, Bits: 5, Offset: 7},
			{Kind: broker.BitfieldGet, Signed: true, Bits: 5, Offset: 7},
		})
		require.NoError(t, err)
		require.Equal(t, []broker.BitfieldResult{{Value: 0}, {Value: 23}, {Value: -9}}, res)
		v, _, _ := db.GetString("k")
		require.Equal(t, []byte{0x01, 0x70}, v) // the example of bitops.c

		res, _ = db.Bitfield("k", []broker.BitfieldOp{
			op(broker.BitfieldIncrBy, "u2", 100, 1, broker.OverflowWrap),
			op(broker.BitfieldIncrBy, "u2", 100, 3, broker.OverflowWrap),
			op(broker.BitfieldIncrBy, "u2", 100, 3, broker.OverflowSat),
			op(broker.BitfieldIncrBy, "u2", 100, 1, broker.OverflowFail),
			op(broker.BitfieldIncrBy, "i8", 0, -200, broker.OverflowSat),
		})
		require.Equal(t, []broker.BitfieldResult{{Value: 1}, {Value: 0}, {Value: 3}, {Null: true}, {Value: -128}}, res)
		v, _, _ = db.GetString("k")
		require.Len(t, v, 13) // padded up to bit 101

		// A failed write still creates the key, padded, as in Redis.
		res, _ = db.Bitfield("f", []broker.BitfieldOp{op(broker.BitfieldIncrBy, "u8", 16, 300, broker.OverflowFail)})
		require.Equal(t, []broker.BitfieldResult{{Null: true}}, res)
		v, _, _ = db.GetString("f")
		require.Equal(t, []byte{0, 0, 0}, v)

		// Only GETs: a missing key reads as zeros and is not created.
		res, err = db.Bitfield("none", []broker.BitfieldOp{op(broker.BitfieldGet, "u8", 0, 0, 0)})
		require.NoError(t, err)
		require.Equal(t, []broker.BitfieldResult{{Value: 0}}, res)
		require.False(t, db.Exists("none"))

		setList(db, "l", "x")
		_, err = db.Bitfield("l", nil)
		require.ErrorIs(t, err, broker.ErrWrongType)
	})
}

// TestBitfieldOverflowModel checks SET and INCRBY on every width against
// exact arithmetic: overflow when the result leaves the type's range, then
// WRAP reduces it modulo 2^bits, SAT clamps it, FAIL leaves the field
// alone and replies null. For unsigned fields a SET value is read as the
// unsigned 64-bit integer it is in two's complement, as in Redis (so a
// negative one is too large).
func TestBitfieldOverflowModel(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewSource(seed))
	e, _ := newEngine(t)
	randInt := func() int64 {
		switch rnd.Intn(4) {
		case 0:
			return int64(rnd.Intn(600) - 300)
		case 1:
			return []int64{0, 1, -1, 1<<63 - 1, -1 << 63, 1 << 62, -1<<62 - 1}[rnd.Intn(7)]
		}
		return int64(rnd.Uint64()) >> rnd.Intn(64)
	}
	in(e, func(_ *broker.Tx, db *broker.DB) {
		for i := 0; i < 20000; i++ {
			signed := rnd.Intn(2) == 0
			width := 1 + rnd.Intn(63)
			if signed {
				width = 1 + rnd.Intn(64)
			}
			lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(width))
			if signed {
				lo.Neg(new(big.Int).Lsh(big.NewInt(1), uint(width-1)))
				hi.Add(hi, lo)
			}
			hi.Sub(hi, big.NewInt(1))
			mod := new(big.Int).Lsh(big.NewInt(1), uint(width))
			ov := broker.Overflow(rnd.Intn(3))
			off := uint64(rnd.Intn(16))
			// Start from a valid field value.
			db.Delete("k")
			init := new(big.Int).Rand(rnd, mod)
			init.Add(init, lo)
			_, err := db.Bitfield("k", []broker.BitfieldOp{{Kind: broker.BitfieldSet, Signed: signed, Bits: width, Offset: off, Value: init.Int64()}})
			require.NoError(t, err)

			kind := broker.BitfieldSet
			if rnd.Intn(2) == 0 {
				kind = broker.BitfieldIncrBy
			}
			val := randInt()
			var exact *big.Int
			if kind == broker.BitfieldSet {
				exact = big.NewInt(val)
				if !signed {
					exact = new(big.Int).SetUint64(uint64(val))
				}
			} else {
				exact = new(big.Int).Add(init, big.NewInt(val))
			}
			want := new(big.Int).Set(exact)
			over := exact.Cmp(lo) < 0 || exact.Cmp(hi) > 0
			if over {
				switch ov {
				case broker.OverflowSat:
					// Redis quirk (checkSignedBitfieldOverflow): for a signed
					// SET below 64 bits, max-value is computed in int64 and
					// wraps for values far below the minimum, which then
					// saturate to the maximum.
					gap := new(big.Int).Sub(hi, exact)
					quirk := kind == broker.BitfieldSet && signed && width < 64 && gap.Cmp(big.NewInt(1<<63-1)) > 0
					if exact.Cmp(lo) < 0 && !quirk {
						want.Set(lo)
					} else {
						want.Set(hi)
					}
				case broker.OverflowWrap:
					want.Sub(want, lo).Mod(want, mod).Add(want, lo)
				}
			}
			res, err := db.Bitfield("k", []broker.BitfieldOp{
				{Kind: kind, Signed: signed, Bits: width, Offset: off, Value: val, Overflow: ov},
				{Kind: broker.BitfieldGet, Signed: signed, Bits: width, Offset: off},
			})
			require.NoError(t, err)
			msg := []any{"seed %d: %v i%v/%d %v from %v by %d", seed, kind, signed, width, ov, init, val}
			stored := res[1].Value
			if over && ov == broker.OverflowFail {
				require.True(t, res[0].Null, msg...)
				require.Equal(t, init.Int64(), stored, msg...)
				continue
			}
			require.False(t, res[0].Null, msg...)
			require.Equal(t, want.Int64(), stored, msg...)
			if kind == broker.BitfieldSet {
				require.Equal(t, init.Int64(), res[0].Value, msg...)
			} else {
				require.Equal(t, want.Int64(), res[0].Value, msg...)
			}
		}
	})
}

func TestLCS(t *testing.T) {
	res, err := broker.LCS([]byte("ohmytext"), []byte("mynewtext"), broker.LCSOptions{Str: true, Matches: true})
	require.NoError(t, err)
	require.Equal(t, "mytext", string(res.Str))
	require.EqualValues(t, 6, res.Len)
	require.Equal(t, []broker.LCSMatch{
		{A: [2]int64{4, 7}, B: [2]int64{5, 8}, Len: 4},
		{A: [2]int64{2, 3}, B: [2]int64{0, 1}, Len: 2},
	}, res.Matches)

	res, _ = broker.LCS([]byte("ohmytext"), []byte("mynewtext"), broker.LCSOptions{Matches: true, MinMatchLen: 3})
	require.Nil(t, res.Str)
	require.Equal(t, []broker.LCSMatch{{A: [2]int64{4, 7}, B: [2]int64{5, 8}, Len: 4}}, res.Matches)

	res, _ = broker.LCS(nil, []byte("abc"), broker.LCSOptions{Str: true, Matches: true})
	require.Equal(t, broker.LCSResult{Str: []byte{}}, res)

	_, err = broker.LCS(make([]byte, 12000), make([]byte, 12000), broker.LCSOptions{})
	require.ErrorIs(t, err, broker.ErrLCSTooLarge)

	// The length alone (two rows of the table) agrees with the full table,
	// and the subsequence is common to both strings.
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewSource(seed))
	for i := 0; i < 2000; i++ {
		a, b := make([]byte, rnd.Intn(12)), make([]byte, rnd.Intn(12))
		for j := range a {
			a[j] = "abc"[rnd.Intn(3)]
		}
		for j := range b {
			b[j] = "abc"[rnd.Intn(3)]
		}
		full, _ := broker.LCS(a, b, broker.LCSOptions{Str: true, Matches: true})
		short, _ := broker.LCS(a, b, broker.LCSOptions{})
		require.Equal(t, full.Len, short.Len, "%q %q", a, b)
		require.Len(t, full.Str, int(full.Len))
		require.True(t, isSubsequence(full.Str, a) && isSubsequence(full.Str, b), "%q %q -> %q", a, b, full.Str)
		var covered int64
		for _, m := range full.Matches {
			require.Equal(t, a[m.A[0]:m.A[1]+1], b[m.B[0]:m.B[1]+1])
			covered += m.Len
		}
		require.Equal(t, full.Len, covered, "%q %q", a, b)
	}
}

func isSubsequence(s, of []byte) bool {
	for _, c := range of {
		if len(s) > 0 && s[0] == c {
			s = s[1:]
		}
	}
	return len(s) == 0
}

func TestLCSStrings(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		setStr(db, "a", "x")
		a, b, err := db.LCSStrings("a", "missing")
		require.NoError(t, err)
		require.Equal(t, "x", string(a))
		require.Empty(t, b)
		setList(db, "l", "x")
		_, _, err = db.LCSStrings("a", "l")
		require.ErrorIs(t, err, broker.ErrWrongType)
	})
}

func TestPopCount(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for n := 0; n < 40; n++ {
		v := make([]byte, n)
		rnd.Read(v)
		want := 0
		for _, c := range v {
			want += bits.OnesCount8(c)
		}
		require.EqualValues(t, want, broker.PopCount(v))
	}
	require.EqualValues(t, 8*1000, broker.PopCount(bytes.Repeat([]byte{0xff}, 1000)))
}
