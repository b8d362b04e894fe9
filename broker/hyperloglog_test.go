package broker_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

// TestPFAddMatchesRedis compares whole values with redis-server 7.0.15's:
// "e0".."e<n-1>" added in PFADDs of 500 elements, then PFCOUNT (which
// stores the cached cardinality), then the SHA-1 of the value.
func TestPFAddMatchesRedis(t *testing.T) {
	for _, c := range []struct {
		n        int
		encoding string
		size     int
		count    int64
		sha1     string
	}{
		{1, "sparse", 21, 1, "51035499f1dbfe14dcf6698e0c2a96cf70259a4f"},
		{3, "sparse", 27, 3, "8afe2d9c9c5c61413e649b5c99da83a60e56032c"},
		{10, "sparse", 48, 10, "6a449b9f8f4f73ea34153157833b9e4e3ccf50d6"},
		{100, "sparse", 285, 100, "10284d924957df904fe939f436df8ee09605b6ef"},
		{1000, "sparse", 1906, 1008, "5b90d5bb9790139af3f5b0b6e8ffc2ab1fcc86da"},
		{2000, "dense", 12304, 2000, "683f7fda3b42d2dbc42371094fe33dfcca528e46"},
		{5000, "dense", 12304, 4968, "96a367e68466cf15738f8f4dbb54a5c87e55a814"},
		{20000, "dense", 12304, 19901, "ffcb2f620f6f5388057b499b27d936438b668ab0"},
		{100000, "dense", 12304, 100853, "963e6cee79a81da7857234caac0f76085c89dd79"},
	} {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			e, _ := newEngine(t)
			in(e, func(_ *broker.Tx, db *broker.DB) {
				var batch [][]byte
				flush := func() {
					_, err := db.PFAdd("h", batch)
					require.NoError(t, err)
					batch = batch[:0]
				}
				for i := 0; i < c.n; i++ {
					batch = append(batch, []byte(fmt.Sprintf("e%d", i)))
					if len(batch) == 500 {
						flush()
					}
				}
				if len(batch) > 0 {
					flush()
				}
				d, err := db.HLLDebug("h")
				require.NoError(t, err)
				require.Equal(t, c.encoding, d.Encoding())
				n, err := db.PFCount([]string{"h"})
				require.NoError(t, err)
				require.Equal(t, c.count, n)
				v, _, _ := db.GetString("h")
				require.Len(t, v, c.size)
				sum := sha1.Sum(v)
				require.Equal(t, c.sha1, hex.EncodeToString(sum[:]))
			})
		})
	}
}

// hllHeader returns the 16-byte header of a value.
func hllHeader(encoding, cacheFlag byte) []byte {
	h := []byte("HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	h[4], h[15] = encoding, cacheFlag
	return h
}

func TestPFAddCreatesAndCaches(t *testing.T) {
	e, clk := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		// An empty PFADD creates an empty sparse HLL (one XZERO of 16384)
		// whose cache is marked invalid.
		updated, err := db.PFAdd("h", nil)
		require.NoError(t, err)
		require.True(t, updated)
		v, _, _ := db.GetString("h")
		require.Equal(t, append(hllHeader(1, 0x80), 0x7f, 0xff), v)
		updated, _ = db.PFAdd("h", nil)
		require.False(t, updated)

		n, err := db.PFCount([]string{"h"})
		require.NoError(t, err)
		require.Zero(t, n)
		v, _, _ = db.GetString("h")
		require.Equal(t, append(hllHeader(1, 0), 0x7f, 0xff), v) // the cache is stored

		updated, _ = db.PFAdd("h", [][]byte{[]byte("a"), []byte("b"), []byte("c")})
		require.True(t, updated)
		updated, _ = db.PFAdd("h", [][]byte{[]byte("a")})
		require.False(t, updated)
		n, _ = db.PFCount([]string{"h"})
		require.EqualValues(t, 3, n)

		// A valid cache is trusted: PFCOUNT returns it as stored.
		v, _, _ = db.GetString("h")
		v[8], v[15] = 42, 0
		n, _ = db.PFCount([]string{"h"})
		require.EqualValues(t, 42, n)

		// PFADD keeps the TTL.
		db.SetExpire("h", db.Lookup("h"), clk.Now().UnixMilli()+5000)
		_, _ = db.PFAdd("h", [][]byte{[]byte("zzz")})
		require.Equal(t, clk.Now().UnixMilli()+5000, db.Lookup("h").ExpireAt())

		n, err = db.PFCount([]string{"missing"})
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

func TestHLLInvalidValues(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		setList(db, "l", "x")
		_, err := db.PFAdd("l", nil)
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.PFCount([]string{"l"})
		require.ErrorIs(t, err, broker.ErrWrongType)
		require.ErrorIs(t, db.PFMerge("d", []string{"l"}), broker.ErrWrongType)
		_, err = db.HLLDebug("l")
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.HLLDebug("missing")
		require.ErrorIs(t, err, broker.ErrHLLNoKey)

		for name, val := range map[string][]byte{
			"short":          []byte("HYLL"),
			"foreign":        []byte("not an hll at all"),
			"bad encoding":   append(hllHeader(2, 0x80), 0x7f, 0xff),
			"dense too long": append(hllHeader(0, 0x80), make([]byte, 12289)...),
			"dense short":    append(hllHeader(0, 0x80), 0x7f, 0xff),
		} {
			db.Set("x", broker.NewString(val), false)
			_, err := db.PFAdd("x", nil)
			require.ErrorIs(t, err, broker.ErrNotHLL, name)
			_, err = db.PFCount([]string{"x", "missing"})
			require.ErrorIs(t, err, broker.ErrNotHLL, name)
			require.ErrorIs(t, db.PFMerge("x", nil), broker.ErrNotHLL, name)
		}
		require.Equal(t, "WRONGTYPE", broker.ErrNotHLL.(interface{ Code() string }).Code())
		require.Equal(t, "INVALIDOBJ", broker.ErrHLLCorrupt.(interface{ Code() string }).Code())

		// Sparse opcodes covering 16383 or 16385 registers are corrupt; a
		// valid cache hides it from a one-key PFCOUNT, as in Redis.
		for _, ops := range [][]byte{{0x7f, 0xfe}, {0x7f, 0xff, 0x80}, {0x7f, 0xff, 0x00}} {
			db.Set("c", broker.NewString(append(hllHeader(1, 0x80), ops...)), false)
			_, err := db.PFCount([]string{"c"})
			require.ErrorIs(t, err, broker.ErrHLLCorrupt, "%x", ops)
			_, err = db.PFCount([]string{"c", "missing"})
			require.ErrorIs(t, err, broker.ErrHLLCorrupt, "%x", ops)
			require.ErrorIs(t, db.PFMerge("d", []string{"c"}), broker.ErrHLLCorrupt, "%x", ops)
			require.False(t, db.Exists("d"))
			d, err := db.HLLDebug("c")
			require.NoError(t, err)
			_, err = d.ToDense()
			require.ErrorIs(t, err, broker.ErrHLLCorrupt)
			db.Set("c", broker.NewString(append(hllHeader(1, 0), ops...)), false)
			n, err := db.PFCount([]string{"c"})
			require.NoError(t, err)
			require.Zero(t, n)
		}
	})
}

// TestHLLSparseDenseAgree adds the same elements to many HLLs one at a
// time and checks at each step that the sparse value, its dense conversion
// and the registers agree on the estimate; the error stays within the
// standard error 1.04/sqrt(16384) times four.
func TestHLLSparseDenseAgree(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		checkpoint := 1
		for i := 1; i <= 50000; i++ {
			_, err := db.PFAdd("s", [][]byte{[]byte(fmt.Sprintf("member:%d", i))})
			require.NoError(t, err)
			if i != checkpoint && i%7919 != 0 {
				continue
			}
			checkpoint *= 3
			v, _, _ := db.GetString("s")
			require.LessOrEqual(t, len(v), max(broker.HLLSparseMaxBytes, 12304))
			db.Set("d", broker.NewString(append([]byte(nil), v...)), false)
			d, _ := db.HLLDebug("d")
			_, err = d.ToDense()
			require.NoError(t, err)
			sparse, _ := db.PFCount([]string{"s"})
			dense, _ := db.PFCount([]string{"d"})
			union, _ := db.PFCount([]string{"s", "d", "missing"})
			require.Equal(t, sparse, dense, "at %d", i)
			require.Equal(t, sparse, union, "at %d", i)
			if i >= 100 {
				require.InDelta(t, float64(i), float64(sparse), float64(i)*4*1.04/128, "at %d", i)
			}
		}
		d, _ := db.HLLDebug("s")
		require.Equal(t, "dense", d.Encoding())
	})
}

func TestPFMerge(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		add := func(key string, from, to int) {
			var el [][]byte
			for i := from; i < to; i++ {
				el = append(el, []byte(fmt.Sprint(i)))
			}
			_, err := db.PFAdd(key, el)
			require.NoError(t, err)
		}
		add("a", 0, 100)
		add("b", 50, 150)
		add("big", 0, 5000)
		union, _ := db.PFCount([]string{"a", "b"})
		require.NoError(t, db.PFMerge("m", []string{"a", "b", "missing"}))
		n, _ := db.PFCount([]string{"m"})
		require.Equal(t, union, n)
		d, _ := db.HLLDebug("m")
		require.Equal(t, "sparse", d.Encoding())

		// The destination is an input too, and becomes dense with a dense
		// input.
		require.NoError(t, db.PFMerge("m", []string{"big"}))
		d, _ = db.HLLDebug("m")
		require.Equal(t, "dense", d.Encoding())
		union, _ = db.PFCount([]string{"a", "b", "big"})
		n, _ = db.PFCount([]string{"m"})
		require.Equal(t, union, n)

		require.NoError(t, db.PFMerge("empty", nil))
		v, _, _ := db.GetString("empty")
		require.Equal(t, append(hllHeader(1, 0x80), 0x7f, 0xff), v)
	})
}

func TestHLLDebug(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(_ *broker.Tx, db *broker.DB) {
		_, _ = db.PFAdd("h", [][]byte{[]byte("a"), []byte("b"), []byte("c")})
		d, err := db.HLLDebug("h")
		require.NoError(t, err)
		require.Equal(t, "sparse", d.Encoding())
		dec, err := d.Decode()
		require.NoError(t, err)
		require.Regexp(t, `^(Z:\d+|z:\d+|v:\d+,\d) (.* )?(Z:\d+|z:\d+|v:\d+,\d)$`, dec)
		regs, err := d.Registers() // converts to dense
		require.NoError(t, err)
		require.Len(t, regs, 16384)
		nonzero := 0
		for _, r := range regs {
			if r != 0 {
				nonzero++
			}
		}
		require.Equal(t, 3, nonzero)
		require.Equal(t, "dense", d.Encoding())
		_, err = d.Decode()
		require.ErrorIs(t, err, broker.ErrHLLNotSparse)
		conv, err := d.ToDense()
		require.NoError(t, err)
		require.False(t, conv)
	})
}

// argRecorder is a Propagator that keeps what it is given.
type argRecorder struct{ got [][][]byte }

func (r *argRecorder) Propagate(_ int, args [][]byte) { r.got = append(r.got, args) }

// TestCaptureCopiesArgs: a string keeps its SET argument as its bytes, and
// SETBIT, BITFIELD and PFADD change a value in place; inside a transaction
// the captured SET must keep the bytes it had when it ran.
func TestCaptureCopiesArgs(t *testing.T) {
	e, _ := newEngine(t)
	rec := &argRecorder{}
	e.SetPropagator(rec)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		val := []byte{0x00}
		changes := tx.Capture(func() {
			_, err := db.SetString("k", val, broker.SetOptions{})
			require.NoError(t, err)
			tx.Propagate(0, []byte("SET"), []byte("k"), val)
			_, err = db.SetBit("k", 7, true)
			require.NoError(t, err)
		})
		require.Len(t, changes, 1)
		require.Equal(t, []byte{0x00}, changes[0].Args[2])
		v, _, _ := db.GetString("k")
		require.Equal(t, []byte{0x01}, v)
	})
}
