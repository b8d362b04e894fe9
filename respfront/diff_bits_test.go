package respfront_test

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// The differential test of the bitmap, LCS and HyperLogLog commands: the
// same commands go to a real redis-server and to Switchyard, and every
// reply must be byte-identical, in RESP2 and RESP3. After each write the
// raw values are compared too (GET), which proves that HLL strings have
// Redis's exact representation. SWITCHYARD_DIFF_SEED fixes the seed of the
// random part and SWITCHYARD_DIFF_BITS_N its length (default 6000).

// diffPair is one connection to each server, in the same protocol.
type diffPair struct {
	redis, ours *testutil.Raw
	proto       int
}

func newDiffPair(t *testing.T, redisAddr, oursAddr string, proto int) *diffPair {
	p := &diffPair{redis: testutil.DialRaw(t, redisAddr), ours: testutil.DialRaw(t, oursAddr), proto: proto}
	if proto == 3 {
		p.redis.Do("HELLO", "3")
		p.ours.Do("HELLO", "3")
	}
	return p
}

// diffRig holds a RESP2 and a RESP3 pair on the same two servers and the
// recent history for failure messages.
type diffRig struct {
	t       *testing.T
	pairs   [2]*diffPair
	history []string
	seed    int64
}

func newDiffRig(t *testing.T) *diffRig {
	redisAddr := testutil.StartRedis(t)
	oursAddr := start(t)
	r := &diffRig{t: t}
	r.pairs[0] = newDiffPair(t, redisAddr, oursAddr, 2)
	r.pairs[1] = newDiffPair(t, redisAddr, oursAddr, 3)
	r.pairs[0].redis.Do("FLUSHALL")
	r.pairs[0].ours.Do("FLUSHALL")
	return r
}

// do sends args on the pair for proto and requires identical replies.
func (r *diffRig) do(proto int, args ...string) string {
	r.t.Helper()
	p := r.pairs[0]
	if proto == 3 {
		p = r.pairs[1]
	}
	want := p.redis.Do(args...)
	got := p.ours.Do(args...)
	r.history = append(r.history, fmt.Sprintf("RESP%d %q", proto, args))
	if len(r.history) > 30 {
		r.history = r.history[1:]
	}
	if want != got {
		r.t.Fatalf("mismatch (seed %d) on RESP%d %q\nredis: %q\nours:  %q\nlast commands:\n%s",
			r.seed, proto, args, clip(want), clip(got), strings.Join(r.history, "\n"))
	}
	return want
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return s
}

func TestDiffBitsScripted(t *testing.T) {
	r := newDiffRig(t)
	big := strings.Repeat("x", 12000)
	script := [][]string{
		// SETBIT / GETBIT
		{"SETBIT", "b", "7", "1"}, {"GET", "b"}, {"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "0"},
		{"SETBIT", "b", "100", "1"}, {"GET", "b"}, {"GETBIT", "b", "100"}, {"GETBIT", "b", "101"},
		{"GETBIT", "b", "100000"}, {"GETBIT", "nokey", "3"},
		{"SETBIT", "b", "-1", "1"}, {"SETBIT", "b", "x", "1"}, {"SETBIT", "b", "1", "2"}, {"SETBIT", "b", "1", "-1"},
		{"SETBIT", "b", "1", "x"}, {"SETBIT", "b", "4294967296", "1"}, {"SETBIT", "b", "4294967295", "x"},
		{"GETBIT", "b", "4294967296"}, {"GETBIT", "b", "-1"}, {"GETBIT", "b", "01"}, {"GETBIT", "b", "+1"},
		{"SETBIT", "b", "1"}, {"GETBIT", "b"},
		{"LPUSH", "l", "a"}, {"SETBIT", "l", "1", "1"}, {"GETBIT", "l", "1"}, {"SETBIT", "l", "-1", "1"},
		// integer-looking strings
		{"SET", "n", "12345"}, {"GETBIT", "n", "2"}, {"SETBIT", "n", "2", "0"}, {"GET", "n"}, {"BITCOUNT", "n"},
		// BITCOUNT
		{"SET", "s", "foobar"}, {"BITCOUNT", "s"}, {"BITCOUNT", "s", "0", "0"}, {"BITCOUNT", "s", "1", "1"},
		{"BITCOUNT", "s", "1", "-1"}, {"BITCOUNT", "s", "-2", "-1"}, {"BITCOUNT", "s", "-1", "-2"},
		{"BITCOUNT", "s", "-100", "100"}, {"BITCOUNT", "s", "5", "30", "BIT"}, {"BITCOUNT", "s", "5", "30", "bYtE"},
		{"BITCOUNT", "s", "0", "-1", "bit"}, {"BITCOUNT", "s", "-3", "-1", "bit"}, {"BITCOUNT", "s", "1"},
		{"BITCOUNT", "s", "1", "2", "3"}, {"BITCOUNT", "s", "a", "1"}, {"BITCOUNT", "s", "1", "b"},
		{"BITCOUNT", "s", "-1", "-2", "foo"}, {"BITCOUNT", "s", "1", "2", "bit", "x"}, {"BITCOUNT", "nokey", "a"},
		{"BITCOUNT", "l"}, {"BITCOUNT", "s", "7", "7", "bit"}, {"BITCOUNT", "s", "9", "8", "bit"},
		{"SET", "e", ""}, {"BITCOUNT", "e"}, {"BITCOUNT", "e", "0", "-1"}, {"BITCOUNT", "e", "0", "-1", "bit"},
		// BITPOS
		{"BITPOS", "s", "0"}, {"BITPOS", "s", "1"}, {"BITPOS", "s", "1", "2"}, {"BITPOS", "s", "0", "2", "3"},
		{"BITPOS", "s", "1", "7", "15", "BIT"}, {"BITPOS", "s", "0", "1", "2", "bit"}, {"BITPOS", "s", "0", "-1", "-1", "byte"},
		{"BITPOS", "s", "1", "-1"}, {"BITPOS", "s", "0", "100"}, {"BITPOS", "s", "1", "0", "-1", "bit"},
		{"BITPOS", "s", "2"}, {"BITPOS", "s", "x"}, {"BITPOS", "nokey", "1", "x"}, {"BITPOS", "nokey", "0"},
		{"BITPOS", "s", "1", "x"}, {"BITPOS", "s", "1", "0", "x"}, {"BITPOS", "s", "1", "0", "x", "foo"},
		{"BITPOS", "s", "1", "0", "1", "2", "3"}, {"BITPOS", "l", "1"}, {"BITPOS", "l", "3"},
		{"BITPOS", "e", "0"}, {"BITPOS", "e", "1"}, {"BITPOS", "e", "0", "0"},
		{"SET", "ff", "\xff\xff\xff"}, {"BITPOS", "ff", "0"}, {"BITPOS", "ff", "0", "0"}, {"BITPOS", "ff", "0", "0", "-1"},
		{"BITPOS", "ff", "0", "0", "-1", "bit"}, {"BITPOS", "ff", "1", "3", "20", "bit"}, {"BITPOS", "ff", "0", "3", "20", "bit"},
		{"SET", "z", "\x00\x00\x00"}, {"BITPOS", "z", "1"}, {"BITPOS", "z", "0", "5", "5", "bit"},
		{"BITPOS", "z", "1", "2", "-1"}, {"SETBIT", "z", "23", "1"}, {"BITPOS", "z", "1", "9", "22", "bit"},
		{"BITPOS", "z", "1", "9", "23", "bit"}, {"BITPOS", "z", "1", "23", "23", "bit"},
		// BITOP
		{"SET", "a", "abc"}, {"SET", "c", "\xf0"}, {"BITOP", "AND", "d", "a", "c"}, {"GET", "d"},
		{"BITOP", "or", "d", "a", "c", "nokey"}, {"GET", "d"}, {"BITOP", "XOR", "d", "a", "c"}, {"GET", "d"},
		{"BITOP", "NOT", "d", "a"}, {"GET", "d"}, {"BITOP", "NOT", "d", "a", "c"}, {"BITOP", "nand", "d", "a"},
		{"BITOP", "AND", "d", "nokey"}, {"EXISTS", "d"}, {"BITOP", "AND", "d", "a", "l"}, {"BITOP", "AND", "l", "a"},
		{"TYPE", "l"}, {"BITOP", "AND", "d", "e"}, {"EXISTS", "d"}, {"BITOP", "and", "d", "a", "e"}, {"GET", "d"},
		{"SET", "d", "x", "EX", "100"}, {"BITOP", "OR", "d", "a"}, {"TTL", "d"}, {"BITOP", "NOT", "d"},
		// BITFIELD
		{"BITFIELD", "bf", "SET", "i8", "0", "-100", "GET", "i8", "0", "GET", "u8", "0"}, {"GET", "bf"},
		{"BITFIELD", "bf", "INCRBY", "i8", "0", "-100", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-100"},
		{"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-100", "INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "7"},
		{"BITFIELD", "bf", "SET", "u8", "#3", "255", "GET", "u4", "#6", "GET", "i4", "#6", "GET", "u8", "#3"}, {"GET", "bf"},
		{"BITFIELD", "bf", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1", "GET", "i64", "0"},
		{"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1", "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "9223372036854775807"},
		{"BITFIELD", "bf", "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "9223372036854775807", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "9223372036854775807"},
		{"BITFIELD", "bf", "SET", "u63", "1", "9223372036854775807", "GET", "u63", "1", "INCRBY", "u63", "1", "1", "OVERFLOW", "SAT", "INCRBY", "u63", "1", "-1", "INCRBY", "u63", "1", "-9223372036854775808"},
		{"BITFIELD", "bf", "SET", "u8", "0", "-1", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "SET", "u8", "0", "256", "OVERFLOW", "FAIL", "SET", "u8", "0", "256", "SET", "i8", "0", "128", "SET", "i8", "0", "-129"},
		{"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "128", "SET", "i8", "0", "-129", "SET", "i1", "0", "1", "SET", "i1", "0", "-1", "GET", "i1", "0"},
		{"BITFIELD", "bf", "OVERFLOW", "WRAP", "SET", "i8", "0", "128", "SET", "i8", "0", "-129", "SET", "i1", "5", "1", "INCRBY", "i1", "5", "1", "INCRBY", "u1", "5", "3"},
		{"BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i60", "0", "-9223372036854775808", "SET", "i60", "0", "-9223372036854775807", "SET", "i8", "0", "-9000000000000000000"},
		{"BITFIELD", "q", "OVERFLOW", "WRAP", "SET", "i60", "0", "-9223372036854775808", "SET", "u63", "0", "-9223372036854775808", "OVERFLOW", "SAT", "SET", "u63", "0", "-1"},
		{"BITFIELD", "bf", "GET", "u64", "0"}, {"BITFIELD", "bf", "GET", "i65", "0"}, {"BITFIELD", "bf", "GET", "i0", "0"},
		{"BITFIELD", "bf", "GET", "x8", "0"}, {"BITFIELD", "bf", "GET", "", "0"}, {"BITFIELD", "bf", "GET", "i08", "0"},
		{"BITFIELD", "bf", "GET", "i8", "-1"}, {"BITFIELD", "bf", "GET", "i8", "#-1"}, {"BITFIELD", "bf", "GET", "i8", "#x"},
		{"BITFIELD", "bf", "GET", "i8", "4294967296"}, {"BITFIELD", "bf", "GET", "i8", "#536870912"}, {"BITFIELD", "bf", "GET", "i8", "#536870911"},
		{"BITFIELD", "bf", "GET", "i8"}, {"BITFIELD", "bf", "SET", "i8", "0"}, {"BITFIELD", "bf", "FOO"}, {"BITFIELD", "bf", "OVERFLOW"},
		{"BITFIELD", "bf", "OVERFLOW", "foo", "GET", "i8", "0"}, {"BITFIELD", "bf", "GET", "i8", "0", "SET", "i8", "0", "x"},
		{"BITFIELD", "bf", "SET", "i8", "0", "1", "GET", "u64", "0"}, {"BITFIELD", "bf", "INCRBY", "i8", "0", "99999999999999999999"},
		{"BITFIELD", "bf"}, {"BITFIELD", "nokey"}, {"BITFIELD", "nokey", "GET", "u8", "100"}, {"EXISTS", "nokey"},
		{"BITFIELD", "l", "GET", "u8", "0"}, {"BITFIELD", "l"}, {"BITFIELD", "l", "SET", "u8", "0", "1"},
		{"BITFIELD", "nf", "OVERFLOW", "FAIL", "INCRBY", "u8", "16", "300"}, {"GET", "nf"},
		{"BITFIELD_RO", "bf", "GET", "u8", "0", "GET", "i3", "#2"}, {"BITFIELD_RO", "bf", "SET", "u8", "0", "1"},
		{"BITFIELD_RO", "bf", "INCRBY", "u8", "0", "1"}, {"BITFIELD_RO", "bf", "OVERFLOW", "SAT"}, {"BITFIELD_RO", "bf"},
		{"BITFIELD_RO", "l", "GET", "u8", "0"}, {"BITFIELD_RO", "bf", "GET", "i8", "x"},
		// LCS
		{"SET", "la", "ohmytext"}, {"SET", "lb", "mynewtext"}, {"LCS", "la", "lb"}, {"LCS", "la", "lb", "LEN"},
		{"LCS", "la", "lb", "IDX"}, {"LCS", "la", "lb", "IDX", "MINMATCHLEN", "4"}, {"LCS", "la", "lb", "IDX", "WITHMATCHLEN"},
		{"LCS", "la", "lb", "idx", "minmatchlen", "-4", "withmatchlen"}, {"LCS", "la", "lb", "LEN", "IDX"},
		{"LCS", "la", "lb", "MINMATCHLEN"}, {"LCS", "la", "lb", "MINMATCHLEN", "x"}, {"LCS", "la", "lb", "FOO"},
		{"LCS", "la", "nokey"}, {"LCS", "nokey", "nokey2", "IDX"}, {"LCS", "la", "l"}, {"LCS", "l", "la", "FOO"},
		{"LCS", "la", "la", "IDX", "WITHMATCHLEN"}, {"LCS", "la", "lb", "LEN", "LEN", "MINMATCHLEN", "2"},
		{"SET", "lc", "aaaabbbbcccc"}, {"SET", "ld", "bbbbaaaaccccbbbb"}, {"LCS", "lc", "ld", "IDX", "WITHMATCHLEN"},
		{"SET", "big", big}, {"LCS", "big", "big", "LEN"}, {"LCS", "big", "la"},
		// HyperLogLog
		{"PFADD", "h"}, {"GET", "h"}, {"PFADD", "h"}, {"PFCOUNT", "h"}, {"GET", "h"},
		{"PFADD", "h", "a", "b", "c"}, {"GET", "h"}, {"PFADD", "h", "a"}, {"PFCOUNT", "h"}, {"GET", "h"},
		{"PFADD", "h2", "c", "d", "e", "f"}, {"PFCOUNT", "h", "h2"}, {"PFCOUNT", "h", "nokey"}, {"PFCOUNT", "nokey"},
		{"PFMERGE", "h3", "h", "h2"}, {"GET", "h3"}, {"PFCOUNT", "h3"}, {"PFMERGE", "h3"}, {"GET", "h3"},
		{"PFMERGE", "h4"}, {"GET", "h4"}, {"PFMERGE", "h3", "l"}, {"PFMERGE", "l", "h"}, {"PFADD", "l", "a"},
		{"PFCOUNT", "l"}, {"PFCOUNT", "h", "l"}, {"PFADD", "s", "a"}, {"PFCOUNT", "s"}, {"PFMERGE", "h", "s"},
		{"PFDEBUG", "ENCODING", "h"}, {"PFDEBUG", "DECODE", "h"}, {"PFDEBUG", "FOO", "h"}, {"PFDEBUG", "DECODE", "nokey"},
		{"PFDEBUG", "ENCODING", "s"}, {"PFDEBUG", "ENCODING", "l"}, {"PFDEBUG", "GETREG"}, {"PFDEBUG", "GETREG", "h", "x"},
		{"PFDEBUG", "TODENSE", "h3"}, {"GET", "h3"}, {"PFDEBUG", "TODENSE", "h3"}, {"PFDEBUG", "DECODE", "h3"},
		{"PFCOUNT", "h3"}, {"PFADD", "h3", "zz"}, {"GET", "h3"}, {"PFMERGE", "h5", "h3", "h"}, {"GET", "h5"},
		{"PFDEBUG", "ENCODING", "h5"}, {"PFMERGE", "h", "h3"}, {"PFDEBUG", "ENCODING", "h"},
		// corrupt and foreign values
		{"SET", "x", "HYLL"}, {"PFADD", "x", "a"}, {"SET", "x", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"},
		{"PFCOUNT", "x"}, {"PFADD", "x", "a"}, {"GET", "x"}, {"PFCOUNT", "x", "h"}, {"PFMERGE", "y", "x"}, {"EXISTS", "y"},
		{"SET", "x", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xfe"}, {"PFCOUNT", "x"}, {"PFADD", "x", "zz"},
		{"SET", "x", "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"}, {"PFCOUNT", "x"},
		{"SET", "x", "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"}, {"PFCOUNT", "x"},
		{"SET", "x", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x80"}, {"PFCOUNT", "x"}, {"PFADD", "x", "q"},
		{"GET", "x"}, {"PFDEBUG", "GETREG", "x"}, {"PFDEBUG", "TODENSE", "x"},
		{"SET", "x", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f"}, {"PFCOUNT", "x"}, {"PFADD", "x", "q"}, {"GET", "x"},
		{"SET", "x", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x40\x00\x7f\xfe"}, {"PFADD", "x", "a", "b", "c", "d"}, {"GET", "x"},
		{"PFDEBUG", "DECODE", "x"},
		// promotion to dense through PFADD
		{"DEL", "p"},
	}
	for _, proto := range []int{2, 3} {
		r.do(proto, "FLUSHALL")
		for _, c := range script {
			r.do(proto, c...)
		}
		// Grow a sparse HLL one element at a time past hll-sparse-max-bytes.
		for i := 0; i < 1500; i++ {
			r.do(proto, "PFADD", "p", "elem:"+strconv.Itoa(i))
			if i%50 == 0 || (i > 900 && i < 1300) {
				r.do(proto, "GET", "p")
				r.do(proto, "PFCOUNT", "p")
			}
		}
		r.do(proto, "PFDEBUG", "ENCODING", "p")
		r.do(proto, "PFDEBUG", "GETREG", "p")
	}
}

func TestDiffBitsRandom(t *testing.T) {
	seed := time.Now().UnixNano()
	if s := os.Getenv("SWITCHYARD_DIFF_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseInt(s, 10, 64)
		require.NoError(t, err)
	}
	n := 6000
	if s := os.Getenv("SWITCHYARD_DIFF_BITS_N"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	t.Logf("seed %d (SWITCHYARD_DIFF_SEED=%d to repeat), %d commands", seed, seed, n)
	r := newDiffRig(t)
	r.seed = seed
	rnd := rand.New(rand.NewSource(seed))
	g := &bitsGen{intn: rnd.Intn, keys: bitsKeys}
	// Tally what the sequence reached, so that a generator that stops
	// producing dense or corrupt HLLs shows up in the log.
	stats := map[string]int{}
	for i := 0; i < n; i++ {
		proto := 2 + rnd.Intn(2)
		cmd, touched := g.next()
		reply := r.do(proto, cmd...)
		if strings.HasPrefix(reply, "-") {
			stats["errors"]++
			if strings.HasPrefix(reply, "-INVALIDOBJ") {
				stats["corrupt HLL errors"]++
			}
		}
		for _, k := range touched {
			v := r.do(proto, "GET", k)
			switch {
			case strings.HasPrefix(v, "$12304\r\nHYLL\x00"):
				stats["dense HLL values"]++
			case strings.Contains(v, "\r\nHYLL\x01"):
				stats["sparse HLL values"]++
			}
		}
	}
	if stats["dense HLL values"] == 0 {
		// Some seeds never grow an HLL past the sparse limit: promote one
		// explicitly, compared on both servers like every other command,
		// so that each run checks the dense encoding.
		args := []string{"PFADD", "hll:dense"}
		for i := 0; i < 4000; i++ {
			args = append(args, strconv.Itoa(i))
		}
		r.do(2, args...)
		if v := r.do(2, "GET", "hll:dense"); strings.HasPrefix(v, "$12304\r\nHYLL\x00") {
			stats["dense HLL values"]++
		}
		r.do(2, "PFCOUNT", "hll:dense")
	}
	t.Logf("reached: %v", stats)
	require.NotZero(t, stats["dense HLL values"])
	require.NotZero(t, stats["sparse HLL values"])
}

// bitsGen generates random commands over a few keys that also hold lists,
// so WRONGTYPE paths are exercised. It draws from intn, so that it serves
// both this file's test and the shared generator of TestDiffRedisRandom.
type bitsGen struct {
	intn func(n int) int
	keys []string
}

var bitsKeys = []string{"k1", "k2", "k3", "h1", "h2", "h3"}

func (g *bitsGen) key() string { return g.keys[g.intn(len(g.keys))] }

func (g *bitsGen) pick(s ...string) string { return s[g.intn(len(s))] }

// index returns a mostly small, sometimes negative or malformed index.
func (g *bitsGen) index(span int) string {
	switch g.intn(20) {
	case 0:
		return g.pick("x", "", "1.5", "-0", "+1", "01", "9223372036854775807", "-9223372036854775808", "99999999999999999999")
	case 1, 2, 3:
		return strconv.Itoa(-g.intn(span) - 1)
	}
	return strconv.Itoa(g.intn(span))
}

// bitOffset returns a mostly small bit offset, sometimes a large or bad one.
func (g *bitsGen) bitOffset() string {
	switch g.intn(40) {
	case 0:
		return g.pick("-1", "x", "4294967296", "-4294967296", "100000")
	case 1, 2:
		return strconv.Itoa(g.intn(5000))
	}
	return strconv.Itoa(g.intn(200))
}

func (g *bitsGen) randString() string {
	n := g.intn(12)
	b := make([]byte, n)
	for i := range b {
		if g.intn(3) == 0 {
			b[i] = byte(g.intn(256))
		} else {
			b[i] = "abcxyz"[g.intn(6)]
		}
	}
	return string(b)
}

func (g *bitsGen) element() string {
	if g.intn(4) == 0 {
		return g.randString()
	}
	return "el" + strconv.Itoa(g.intn(5000))
}

func (g *bitsGen) bfType() string {
	switch g.intn(30) {
	case 0:
		return g.pick("u64", "i65", "i0", "x8", "", "u", "i-1")
	}
	if g.intn(2) == 0 {
		return "i" + strconv.Itoa(1+g.intn(64))
	}
	return "u" + strconv.Itoa(1+g.intn(63))
}

func (g *bitsGen) bfValue() string {
	switch g.intn(6) {
	case 0:
		return g.pick("9223372036854775807", "-9223372036854775808", "x", "4611686018427387904", "-4611686018427387905")
	case 1:
		v := int64(g.intn(1<<30))<<33 | int64(g.intn(1<<30))<<3 | int64(g.intn(8))
		v >>= g.intn(63)
		if g.intn(2) == 0 {
			v = -v
		}
		return strconv.FormatInt(v, 10)
	}
	return strconv.Itoa(g.intn(600) - 300)
}

// next returns a command and the keys whose values to compare afterwards:
// a bitmap or LCS command, an HLL command, or a command that gives a key a
// new value or type.
func (g *bitsGen) next() ([]string, []string) {
	switch n := g.intn(32); {
	case n < 12:
		return g.bitCmd()
	case n < 20:
		return g.hllCmd()
	}
	k := g.key()
	switch g.intn(9) {
	case 0, 1:
		return []string{"SET", k, g.randString()}, []string{k}
	case 2:
		return []string{"APPEND", k, g.randString()}, []string{k}
	case 3:
		return []string{"SETRANGE", k, strconv.Itoa(g.intn(40)), string(rune('a' + g.intn(26)))}, []string{k}
	case 4:
		return []string{"DEL", k}, nil
	case 5:
		return []string{g.pick("LPUSH", "RPUSH"), k, "a"}, nil
	case 6:
		return []string{"STRLEN", k}, nil
	case 7:
		return []string{"TYPE", k}, nil
	default:
		return []string{"GETRANGE", k, "0", "20"}, nil
	}
}

// bitCmd draws SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
// BITFIELD_RO or LCS, and the key it may have written.
func (g *bitsGen) bitCmd() ([]string, []string) {
	k := g.key()
	switch g.intn(12) {
	case 0:
		return []string{"SETBIT", k, g.bitOffset(), g.pick("0", "1", "1", "0", "2", "x")}, []string{k}
	case 1:
		return []string{"GETBIT", k, g.bitOffset()}, nil
	case 2, 3:
		c := []string{"BITCOUNT", k}
		switch g.intn(4) {
		case 1:
			c = append(c, g.index(30), g.index(30))
		case 2:
			c = append(c, g.index(100), g.index(100), g.pick("BIT", "byte", "bit", "foo"))
		case 3:
			c = append(c, g.index(10))
		}
		return c, nil
	case 4, 5:
		c := []string{"BITPOS", k, g.pick("0", "1", "0", "1", "2")}
		switch g.intn(5) {
		case 1:
			c = append(c, g.index(20))
		case 2:
			c = append(c, g.index(20), g.index(20))
		case 3, 4:
			c = append(c, g.index(100), g.index(100), g.pick("BIT", "bit", "byte", "x"))
		}
		return c, nil
	case 6, 7:
		op := g.pick("AND", "OR", "XOR", "NOT", "and", "not", "nor")
		c := []string{"BITOP", op, k}
		n := 1 + g.intn(3)
		if op == "NOT" || op == "not" {
			n = 1 + g.intn(5)/4
		}
		for i := 0; i < n; i++ {
			c = append(c, g.key())
		}
		return c, []string{k}
	case 8, 9, 10:
		name := "BITFIELD"
		if g.intn(5) == 0 {
			name = "BITFIELD_RO"
		}
		c := []string{name, k}
		for n := g.intn(5); n > 0; n-- {
			off := strconv.Itoa(g.intn(100))
			if g.intn(4) == 0 {
				off = "#" + strconv.Itoa(g.intn(8))
			}
			if g.intn(50) == 0 {
				off = g.pick("-1", "#-1", "x", "#")
			}
			switch g.intn(6) {
			case 0, 1:
				c = append(c, "GET", g.bfType(), off)
			case 2:
				c = append(c, "SET", g.bfType(), off, g.bfValue())
			case 3, 4:
				c = append(c, "INCRBY", g.bfType(), off, g.bfValue())
			case 5:
				c = append(c, "OVERFLOW", g.pick("WRAP", "SAT", "FAIL", "sat", "fail", "bad"))
			}
		}
		if g.intn(40) == 0 {
			c = append(c, g.pick("GET", "SET", "FOO"))
		}
		return c, []string{k}
	default:
		c := []string{"LCS", k, g.key()}
		for n := g.intn(4); n > 0; n-- {
			switch g.intn(5) {
			case 0:
				c = append(c, "LEN")
			case 1, 2:
				c = append(c, "IDX")
			case 3:
				c = append(c, "WITHMATCHLEN")
			case 4:
				c = append(c, "MINMATCHLEN", g.pick("0", "1", "2", "3", "-1", "x"))
			}
		}
		return c, nil
	}
}

// hllCmd draws PFADD (sometimes with hundreds of elements, to reach the
// dense encoding), PFCOUNT, PFMERGE, PFDEBUG, or a SETRANGE that corrupts
// or reshapes an HLL value (encoding byte, cache flag, an opcode), and the
// key it may have written.
func (g *bitsGen) hllCmd() ([]string, []string) {
	k := g.key()
	switch g.intn(8) {
	case 0, 1, 2:
		c := []string{"PFADD", k}
		n := g.intn(4)
		if g.intn(8) == 0 {
			n = g.intn(1500)
		}
		for i := 0; i < n; i++ {
			c = append(c, g.element())
		}
		return c, []string{k}
	case 3:
		c := []string{"PFCOUNT", k}
		for n := g.intn(3); n > 0; n-- {
			c = append(c, g.key())
		}
		return c, []string{k}
	case 4:
		c := []string{"PFMERGE", k}
		for n := g.intn(3); n > 0; n-- {
			c = append(c, g.key())
		}
		return c, []string{k}
	case 5:
		return []string{"PFDEBUG", g.pick("ENCODING", "DECODE", "TODENSE", "GETREG", "FOO"), k}, []string{k}
	case 6:
		off := g.pick("4", "15", "8", strconv.Itoa(16+g.intn(40)))
		return []string{"SETRANGE", k, off, string([]byte{byte(g.intn(256))})}, []string{k}
	default:
		return []string{"PFADD", k, g.element()}, []string{k}
	}
}

// Register the bitmap and HLL commands in the shared generator of
// TestDiffRedisRandom, as families "bits" and "hll", so that they also run
// inside MULTI blocks, across databases and among string, list and key
// commands on the same keys.
func init() {
	bits := func(g *gen) *bitsGen { return &bitsGen{intn: g.r.IntN, keys: genKeys} }
	genCmds = append(genCmds,
		genCmd{family: "bits", weight: 12, args: func(g *gen) []string { c, _ := bits(g).bitCmd(); return c }},
		genCmd{family: "hll", weight: 8, args: func(g *gen) []string { c, _ := bits(g).hllCmd(); return c }},
		genCmd{family: "hll", weight: 2, args: func(g *gen) []string { return args("GET", g.key()) }},
	)
}
