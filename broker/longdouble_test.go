package broker

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The expected texts below are what redis-server 7.0.15 on x86-64 replies to
// INCRBYFLOAT on a missing key (a single parse and format).
func TestParseFormatLongDouble(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0.1", "0.1"},
		{"5.0e3", "5000"},
		{"3e-2", "0.03"},
		{"-0.0", "0"},
		{"1e-30", "0"},
		{"-1e-30", "0"},
		{"0x1p3", "8"},
		{"0x.8", "0.5"},
		{"0X1P-2", "0.25"},
		{"1e+5", "100000"},
		{"1E5", "100000"},
		{"1e-5", "0.00001"},
		{"-.5e-1", "-0.05"},
		{"00012.5", "12.5"},
		{"+.5", "0.5"},
		{"5.", "5"},
		{"1e-17", "0.00000000000000001"},
		{"5e-18", "0"},
		{"6e-18", "0.00000000000000001"},
		{"0.000000000000000015", "0.00000000000000002"},
		{"0.000000000000000025", "0.00000000000000002"},
		{"0.000003814697265625", "0.00000381469726562"}, // an exact tie: to even
		{"1.5e-17", "0.00000000000000002"},
		{"123456789012345678901234567890", "123456789012345678899921813504"},
		{"0.1234567890123456789", "0.12345678901234568"},
		{"-5", "-5"},
		{"1e-4940", "0"},
		{"2e-4951", "0"},
		{"1.9e-4951", "0"},
		{"0e999999999999", "0"},
		{"1e300", "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144"},
		{"1.7976931348623157e308", "179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384"},
	} {
		x, ok := ParseLongDouble([]byte(tc.in))
		require.True(t, ok, tc.in)
		require.Equal(t, tc.want, x.String(), tc.in)
	}
}

func TestParseLongDoubleHuge(t *testing.T) {
	x, ok := ParseLongDouble([]byte("1e4932"))
	require.True(t, ok)
	s := x.String()
	require.Len(t, s, 4933)
	require.True(t, strings.HasPrefix(s, "1000000000000000000006018949387963891323837774254533114773785041352533019486608722407533327779433142"), s[:100])
	require.True(t, strings.HasSuffix(s, "8418113791886622720"))

	x, ok = ParseLongDouble([]byte("1.18e4932"))
	require.True(t, ok)
	require.True(t, strings.HasPrefix(x.String(), "1180000000000000000000652812918093699202690437140160471729831240061836527728446996012081496266122792"))
	require.True(t, strings.HasSuffix(x.String(), "240787898515981799475248091913789298771782383555351070887222606896512585853888628785152"))
	_, ok = x.Add(x)
	require.False(t, ok, "1.18e4932*2 overflows")
	y, _ := ParseLongDouble([]byte("1e4932"))
	_, ok = x.Add(y)
	require.False(t, ok)

	// LDBL_MAX itself is finite; just past the rounding boundary is not.
	_, ok = ParseLongDouble([]byte("0xffffffffffffffffp16320"))
	require.True(t, ok)
	_, ok = ParseLongDouble([]byte("0x1p16384"))
	require.False(t, ok)
	_, ok = ParseLongDouble([]byte("0x1p-16445")) // smallest subnormal
	require.True(t, ok)
	_, ok = ParseLongDouble([]byte("0x1p-16446")) // half of it: a tie to zero
	require.False(t, ok)
	_, ok = ParseLongDouble([]byte("0x1.8p-16446"))
	require.True(t, ok)
}

func TestParseLongDoubleRejects(t *testing.T) {
	for _, in := range []string{
		"", " 1", "1 ", "\t1", "nan", "NaN", "nan(123)", "-nan", "abc", "1_0", ".", "1e", "1e+", "e5",
		"0x", "0x.", "0xg", "0x1p", "0x1p+", "0b1", "0o7", "1e5000", "1e-5000", "1e-4951", "infx",
		"infin", "--1", "+-1", "1..2", "1e5.5", "\x00", "2\x00ab", "1,5", strings.Repeat("1", 5120),
	} {
		_, ok := ParseLongDouble([]byte(in))
		require.False(t, ok, "%q", in)
	}
	x, ok := ParseLongDouble([]byte(strings.Repeat("0", 5118) + "1"))
	require.True(t, ok, "5119 bytes is still a float")
	require.Equal(t, "1", x.String())
}

func TestLongDoubleInfinity(t *testing.T) {
	for _, in := range []string{"inf", "INF", "-Infinity", "+infinity", "iNf"} {
		x, ok := ParseLongDouble([]byte(in))
		require.True(t, ok, in)
		require.True(t, x.IsInf())
		_, ok = LongDouble{}.Add(x)
		require.False(t, ok, "adding %s must fail", in)
	}
	x, _ := ParseLongDouble([]byte("-inf"))
	require.Equal(t, "-inf", x.String())
}

func TestLongDoubleAdd(t *testing.T) {
	// INCRBYFLOAT f 0.1, 10.5, 5.0e3, 3e-2 on redis-server 7.0.15.
	steps := []struct{ incr, want string }{
		{"0.1", "0.1"}, {"10.5", "10.6"}, {"5.0e3", "5010.60000000000000009"}, {"3e-2", "5010.62999999999999989"},
	}
	cur := []byte(nil)
	for _, s := range steps {
		v := LongDouble{}
		if cur != nil {
			var ok bool
			v, ok = ParseLongDouble(cur)
			require.True(t, ok)
		}
		d, ok := ParseLongDouble([]byte(s.incr))
		require.True(t, ok)
		sum, ok := v.Add(d)
		require.True(t, ok)
		cur = sum.AppendFormat(nil)
		require.Equal(t, s.want, string(cur))
	}
}

// For numbers a float64 holds exactly, the long double agrees with Go's
// own formatting.
func TestLongDoubleMatchesFloat64(t *testing.T) {
	seed := rand.Int63()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	for i := 0; i < 2000; i++ {
		f := float64(rng.Int63n(1<<40)-1<<39) / float64(int64(1)<<rng.Intn(40))
		in := strconv.FormatFloat(f, 'x', -1, 64) // exact
		x, ok := ParseLongDouble([]byte(in))
		require.True(t, ok, in)
		want := strconv.FormatFloat(f, 'f', 17, 64)
		want = strings.TrimRight(want, "0")
		want = strings.TrimSuffix(want, ".")
		if want == "-0" {
			want = "0"
		}
		require.Equal(t, want, x.String(), in)
	}
}

func FuzzParseLongDouble(f *testing.F) {
	for _, s := range []string{"0.1", "1e5", "0x1p3", "inf", "-0", " 1", "1e-4951", "nan"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, ok := ParseLongDouble(b)
		if !ok {
			return
		}
		if x.IsInf() {
			return
		}
		// What we print we must read back to the same text.
		s := x.AppendFormat(nil)
		y, ok := ParseLongDouble(s)
		if !ok {
			t.Fatalf("%q formatted as %q, which does not parse", b, s)
		}
		if got := y.String(); got != string(s) {
			t.Fatalf("%q: %q reparsed as %q", b, s, got)
		}
	})
}

func BenchmarkLongDoubleIncr(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		v, _ := ParseLongDouble([]byte("5010.62999999999999989"))
		d, _ := ParseLongDouble([]byte("0.1"))
		s, _ := v.Add(d)
		_ = s.AppendFormat(nil)
	}
}
