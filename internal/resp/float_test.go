package resp

import (
	"math"
	"testing"
)

// TestAppendFloat: scores and other doubles print as Redis 7.0's
// addReplyDouble prints them, with C's "%.17g" (expected strings produced
// by printf in C) and "inf"/"-inf": 1 is "1" (not "1.0"), 0.1 shows its 17
// significant digits, exponents have a sign and at least two digits.
func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{1, "1"},
		{0.1, "0.10000000000000001"},
		{1e20, "1e+20"},
		{1e16, "10000000000000000"},
		{1e17, "1e+17"},
		{123456789012345678, "1.2345678901234568e+17"},
		{1e-5, "1.0000000000000001e-05"},
		{0.0001, "0.0001"},
		{1.5, "1.5"},
		{100, "100"},
		{2.5e-300, "2.5e-300"},
		{1e300, "1.0000000000000001e+300"},
		{0.30000000000000004, "0.30000000000000004"},
		{1e21, "1e+21"},
		{-2.5, "-2.5"},
		{4.9406564584124654e-324, "4.9406564584124654e-324"},
		{1.7976931348623157e308, "1.7976931348623157e+308"},
		{123456789.123, "123456789.123"},
		{9007199254740993, "9007199254740992"},
		{-0.000001, "-9.9999999999999995e-07"},
		{3.14159, "3.1415899999999999"},
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
	} {
		if got := string(AppendFloat(nil, tc.f)); got != tc.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// TestDouble: RESP2 writes a bulk string, RESP3 a double.
func TestDouble(t *testing.T) {
	for _, tc := range []struct {
		proto int
		f     float64
		want  string
	}{
		{2, 1.5, "$3\r\n1.5\r\n"},
		{2, math.Inf(-1), "$4\r\n-inf\r\n"},
		{2, 0.1, "$19\r\n0.10000000000000001\r\n"},
		{3, 1, ",1\r\n"},
		{3, math.Inf(1), ",inf\r\n"},
		{3, 1e20, ",1e+20\r\n"},
	} {
		w := Writer{Proto: tc.proto}
		w.Double(tc.f)
		if string(w.Buf) != tc.want {
			t.Errorf("RESP%d Double(%v) = %q, want %q", tc.proto, tc.f, w.Buf, tc.want)
		}
	}
}
