package broker

import (
	"math/big"
)

// LongDouble is a number with the range and precision of the C long double
// on x86-64 Linux (x87 80-bit extended: a 64-bit significand, binary
// exponents up to 16383), which Redis uses for INCRBYFLOAT and HINCRBYFLOAT.
// Redis's replies depend on that precision: INCRBYFLOAT of 0.1 on a missing
// key gives "0.1", where a float64 would print 0.10000000000000001, and
// 10.6 + 5000 gives "5010.60000000000000009".
//
// It is emulated with math/big at 64 bits of precision, rounding to nearest
// even as the x87 does. The emulation does not model subnormal precision
// (below 3.4e-4932); such values print as "0" either way. The zero value is
// 0.
type LongDouble struct {
	f   *big.Float // nil means 0; otherwise finite with precision 64
	inf int8       // +1 or -1 for an infinity ("inf" is a valid float)
}

const (
	ldPrec = 64
	// ldMaxExp is the largest big.Float exponent (mantissa in [0.5, 1)) of a
	// finite long double: LDBL_MAX = (1-2^-64) * 2^16384.
	ldMaxExp = 16384
	// ldHalfMinSubExp: values at or below 2^ldHalfMinSubExp, half the
	// smallest subnormal 2^-16445, round to zero.
	ldHalfMinSubExp = -16446
	// ldMaxChars is Redis's MAX_LONG_DOUBLE_CHARS: longer strings are not
	// floats.
	ldMaxChars = 5 * 1024
	// ldExpClamp bounds parsed exponents; anything past it is out of range
	// whatever the mantissa.
	ldExpClamp = 1 << 30
)

// ParseLongDouble parses b as Redis's string2ld does with glibc's strtold
// in the C locale, and reports whether b is a valid float. Accepted: an
// optional sign, then a decimal number (digits with an optional '.', at
// least one digit, an optional e exponent), a hexadecimal one (0x, hex
// digits with an optional '.', an optional p binary exponent), or "inf" /
// "infinity" in any case. Rejected: the empty string, 5120 bytes or more,
// leading white space, anything left unparsed (trailing spaces, a NUL),
// NaN, and values that overflow to infinity or underflow to zero (ERANGE).
// The result is correctly rounded to 64 significant bits.
func ParseLongDouble(b []byte) (LongDouble, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars || ldSpace(b[0]) {
		return LongDouble{}, false
	}
	s := b
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	var x LongDouble
	var ok bool
	switch {
	case ldHasPrefixFold(s, "inf"):
		if len(s) != 3 && !(len(s) == 8 && ldHasPrefixFold(s, "infinity")) {
			return LongDouble{}, false
		}
		x, ok = LongDouble{inf: 1}, true
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		// Without hex digits strtold reads just "0" and stops at the x.
		x, ok = parseHexLD(s[2:])
	default:
		x, ok = parseDecLD(s)
	}
	if !ok {
		return LongDouble{}, false
	}
	if neg {
		x = x.neg()
	}
	return x, true
}

func (x LongDouble) neg() LongDouble {
	if x.inf != 0 {
		return LongDouble{inf: -x.inf}
	}
	if x.f == nil {
		return LongDouble{f: new(big.Float).Neg(new(big.Float))} // -0
	}
	return LongDouble{f: new(big.Float).Neg(x.f)}
}

// parseDecLD parses digits [. digits] [e [sign] digits], the whole of s.
func parseDecLD(s []byte) (LongDouble, bool) {
	i := 0
	for i < len(s) && ldDigit(s[i]) {
		i++
	}
	intPart := s[:i]
	var fracPart []byte
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && ldDigit(s[i]) {
			i++
		}
		fracPart = s[j:i]
	}
	if len(intPart)+len(fracPart) == 0 {
		return LongDouble{}, false
	}
	exp, i, ok := parseExponent(s, i, 'e')
	if !ok || i != len(s) {
		return LongDouble{}, false
	}
	digits := make([]byte, 0, len(intPart)+len(fracPart))
	digits = append(append(digits, intPart...), fracPart...)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return LongDouble{}, true
	}
	e10 := exp - int64(len(fracPart))
	eff := e10 + int64(len(digits)) - 1 // the value is in [10^eff, 10^(eff+1))
	if eff > 4933 || eff < -4952 {      // LDBL_MAX ~ 1.19e4932, 2^-16446 ~ 1.8e-4951
		return LongDouble{}, false
	}
	m, _ := new(big.Int).SetString(string(digits), 10)
	f := new(big.Float).SetPrec(ldPrec)
	if e10 >= 0 {
		m.Mul(m, ldPow10(e10))
		f.SetInt(m)
	} else {
		den := ldPow10(-e10)
		if eff < -4940 && new(big.Int).Lsh(m, -ldHalfMinSubExp).Cmp(den) <= 0 {
			return LongDouble{}, false // m/den <= 2^-16446 rounds to zero
		}
		f.Quo(new(big.Float).SetInt(m), new(big.Float).SetInt(den))
	}
	return finiteLD(f)
}

// parseHexLD parses hexdigits [. hexdigits] [p [sign] digits], the whole
// of s (after the 0x).
func parseHexLD(s []byte) (LongDouble, bool) {
	i := 0
	for i < len(s) && ldHexDigit(s[i]) {
		i++
	}
	intPart := s[:i]
	var fracPart []byte
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && ldHexDigit(s[i]) {
			i++
		}
		fracPart = s[j:i]
	}
	if len(intPart)+len(fracPart) == 0 {
		return LongDouble{}, false
	}
	exp, i, ok := parseExponent(s, i, 'p')
	if !ok || i != len(s) {
		return LongDouble{}, false
	}
	m, _ := new(big.Int).SetString(string(intPart)+string(fracPart), 16)
	if m.Sign() == 0 {
		return LongDouble{}, true
	}
	e2 := exp - 4*int64(len(fracPart))
	top := int64(m.BitLen()) + e2 // the value is in [2^(top-1), 2^top)
	if top > ldMaxExp+1 || top < ldHalfMinSubExp+1 {
		return LongDouble{}, false
	}
	if top == ldHalfMinSubExp+1 {
		// In [2^-16446, 2^-16445): exactly 2^-16446 ties to zero.
		if new(big.Int).Lsh(big.NewInt(1), uint(m.BitLen()-1)).Cmp(m) == 0 {
			return LongDouble{}, false
		}
	}
	f := new(big.Float).SetPrec(ldPrec).SetInt(m)
	f.SetMantExp(f, int(e2))
	return finiteLD(f)
}

// parseExponent reads an optional exponent marker (e or p, any case), sign
// and digits at s[i:]. A marker not followed by digits is not part of the
// number, as with strtold; the caller then sees it as trailing garbage.
func parseExponent(s []byte, i int, marker byte) (exp int64, next int, ok bool) {
	if i >= len(s) || s[i]|0x20 != marker {
		return 0, i, true
	}
	j := i + 1
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	start := j
	for j < len(s) && ldDigit(s[j]) {
		if exp < ldExpClamp {
			exp = exp*10 + int64(s[j]-'0')
		}
		j++
	}
	if j == start {
		return 0, i, true
	}
	exp = min(exp, ldExpClamp)
	if neg {
		exp = -exp
	}
	return exp, j, true
}

// finiteLD wraps f, rejecting a value that overflows the long double range.
func finiteLD(f *big.Float) (LongDouble, bool) {
	if f.MantExp(nil) > ldMaxExp {
		return LongDouble{}, false
	}
	return LongDouble{f: f}, true
}

func (x LongDouble) big() *big.Float {
	if x.f == nil {
		return new(big.Float)
	}
	return x.f
}

// Add returns x+y rounded to long double precision. ok is false when the
// sum is NaN or infinite (Redis: "increment would produce NaN or
// Infinity"), including when either operand is infinite.
func (x LongDouble) Add(y LongDouble) (sum LongDouble, ok bool) {
	if x.inf != 0 || y.inf != 0 {
		return LongDouble{}, false
	}
	z := new(big.Float).SetPrec(ldPrec).Add(x.big(), y.big())
	return finiteLD(z)
}

// IsInf reports whether x is an infinity.
// Big returns x as a big.Float with 64 bits of precision (x must be
// finite).
func (x LongDouble) Big() *big.Float { return x.big() }

// IsInf reports whether x is an infinity.
func (x LongDouble) IsInf() bool { return x.inf != 0 }

// AppendFormat appends x as Redis's ld2string in LD_STR_HUMAN mode writes
// it: printf "%.17Lf" (exact digits, ties to even), then trailing zeros
// after the point and the point itself removed, and "-0" written as "0".
// Infinities are "inf" and "-inf".
func (x LongDouble) AppendFormat(dst []byte) []byte {
	switch {
	case x.inf > 0:
		return append(dst, "inf"...)
	case x.inf < 0:
		return append(dst, "-inf"...)
	}
	if x.f == nil || x.f.MantExp(nil) < -60 {
		// |x| < 2^-61 < 5e-18 prints as 0 (or -0, written 0); skip the
		// exact expansion, which for tiny values runs to thousands of digits.
		return append(dst, '0')
	}
	start := len(dst)
	dst = x.f.Append(dst, 'f', 17)
	end := len(dst)
	for dst[end-1] == '0' {
		end--
	}
	if dst[end-1] == '.' {
		end--
	}
	dst = dst[:end]
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}

// String returns AppendFormat's text.
func (x LongDouble) String() string { return string(x.AppendFormat(nil)) }

func ldPow10(n int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

func ldDigit(c byte) bool { return c >= '0' && c <= '9' }

func ldHexDigit(c byte) bool {
	return ldDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// ldSpace is C's isspace in the C locale.
func ldSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// ldHasPrefixFold reports whether s starts with the lower-case ASCII prefix,
// ignoring case.
func ldHasPrefixFold(s []byte, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}
