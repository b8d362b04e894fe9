package broker

import (
	"bytes"
	"math"
	"strconv"
)

// Sorted-set arguments are parsed exactly as Redis 7.0 parses them, with
// glibc's strtod: scores and weights through string2d (ParseScore), score
// range bounds through zslParseRange (ParseScoreRange), lexicographic bounds
// through zslParseLexRangeItem (ParseLexRange).

// cSpace reports whether c is white space for C's isspace in the C locale.
func cSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// strtod parses the longest prefix of s that glibc's strtod accepts in the
// C locale: leading white space, an optional sign, then "inf", "infinity",
// "nan", "nan(chars)" (any case), a hexadecimal float (0x, hex digits with
// an optional point, an optional p binary exponent) or a decimal one
// (digits with an optional point, an optional e exponent). It returns the
// value (correctly rounded to nearest), the number of bytes used (0 when no
// number was found; strtod then points at s itself) and whether the result
// overflowed to infinity or underflowed to zero (strtod's ERANGE).
func strtod(s []byte) (v float64, n int, erange bool) {
	i := 0
	for i < len(s) && cSpace(s[i]) {
		i++
	}
	start := i
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "inf"):
		n := i + 3
		if hasPrefixFold(rest, "infinity") {
			n = i + 8
		}
		if neg {
			return math.Inf(-1), n, false
		}
		return math.Inf(1), n, false
	case hasPrefixFold(rest, "nan"):
		n := i + 3
		if n < len(s) && s[n] == '(' {
			j := n + 1
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				n = j + 1
			}
		}
		return math.NaN(), n, false
	case len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x':
		if v, used, er, ok := strtodHex(rest[2:], neg); ok {
			return v, i + 2 + used, er
		}
		// "0x" without hex digits: strtod reads the "0".
		if neg {
			return math.Copysign(0, -1), i + 1, false
		}
		return 0, i + 1, false
	}
	j := i
	digits, nonzero := 0, false
	for j < len(s) && isDigit(s[j]) {
		nonzero = nonzero || s[j] != '0'
		j, digits = j+1, digits+1
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isDigit(s[j]) {
			nonzero = nonzero || s[j] != '0'
			j, digits = j+1, digits+1
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	mant := j
	if j < len(s) && s[j]|0x20 == 'e' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			j = k
		}
	}
	text := s[start:j]
	if j-mant > 12 {
		// strconv saturates huge exponents too, but keep the text short.
		text = clampExponent(s[start:mant], s[mant+1:j])
	}
	v, err := strconv.ParseFloat(string(text), 64)
	if err != nil && !math.IsInf(v, 0) {
		return 0, 0, false // not reached: the text is valid
	}
	return v, j, math.IsInf(v, 0) || (v == 0 && nonzero)
}

// strtodHex parses hex digits (after "0x") with an optional point and p
// exponent; ok is false when there is no hex digit.
func strtodHex(s []byte, neg bool) (v float64, used int, erange, ok bool) {
	j, digits, nonzero := 0, 0, false
	for j < len(s) && isHex(s[j]) {
		nonzero = nonzero || s[j] != '0'
		j, digits = j+1, digits+1
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isHex(s[j]) {
			nonzero = nonzero || s[j] != '0'
			j, digits = j+1, digits+1
		}
	}
	if digits == 0 {
		return 0, 0, false, false
	}
	mant := j
	exp := []byte("0")
	if j < len(s) && s[j]|0x20 == 'p' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			exp = s[j+1 : k]
			j = k
		}
	}
	var b []byte
	if neg {
		b = append(b, '-')
	}
	b = append(b, "0x"...)
	b = append(b, s[:mant]...)
	if s[mant-1] == '.' {
		b = append(b, '0') // strconv wants a digit after the point
	}
	b = append(b, 'p')
	b = append(b, clampDigits(exp)...)
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !math.IsInf(v, 0) {
		return 0, 0, false, false
	}
	return v, j, math.IsInf(v, 0) || (v == 0 && nonzero), true
}

// clampExponent rewrites mantissa+"e"+exp with the exponent bounded, which
// keeps the value's overflow or underflow.
func clampExponent(mant, exp []byte) []byte {
	out := append([]byte(nil), mant...)
	out = append(out, 'e')
	return append(out, clampDigits(exp)...)
}

// clampDigits bounds a signed decimal exponent to +-99999999.
func clampDigits(exp []byte) []byte {
	sign := []byte(nil)
	if len(exp) > 0 && (exp[0] == '+' || exp[0] == '-') {
		sign, exp = exp[:1], exp[1:]
	}
	exp = bytes.TrimLeft(exp, "0")
	if len(exp) == 0 {
		exp = []byte("0")
	}
	if len(exp) > 8 {
		exp = []byte("99999999")
	}
	return append(append([]byte(nil), sign...), exp...)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isAlnum(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') }

func hasPrefixFold(s []byte, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if s[i]|0x20 != p[i] {
			return false
		}
	}
	return true
}

// ParseScore parses a score, increment or weight as Redis's string2d: the
// whole argument must be a strtod number ("inf", hex floats and exponents
// included), with no leading white space, not NaN, and neither overflowing
// nor underflowing to zero. Redis answers a failure with "ERR value is not
// a valid float" (ZADD, ZINCRBY) or "ERR weight value is not a float".
func ParseScore(b []byte) (float64, bool) {
	if len(b) == 0 || cSpace(b[0]) {
		return 0, false
	}
	v, n, erange := strtod(b)
	if n != len(b) || math.IsNaN(v) || (erange && (math.IsInf(v, 0) || v == 0)) {
		return 0, false
	}
	return v, true
}

// ScoreRange is a score interval of ZRANGEBYSCORE and friends: Min and Max
// with exclusive ends when MinEx / MaxEx ("(" prefix).
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r ScoreRange) gteMin(s float64) bool {
	if r.MinEx {
		return s > r.Min
	}
	return s >= r.Min
}

func (r ScoreRange) lteMax(s float64) bool {
	if r.MaxEx {
		return s < r.Max
	}
	return s <= r.Max
}

// ParseScoreRange parses min and max as Redis's zslParseRange: an optional
// "(" for an exclusive bound, then a strtod number that must reach the end
// of the C string (so the empty string is 0, leading white space is
// accepted, bytes after a NUL are ignored, overflow gives an infinity) and
// must not be NaN. Redis answers a failure with "ERR min or max is not a
// float".
func ParseScoreRange(min, max []byte) (ScoreRange, bool) {
	var r ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = parseScoreBound(min)
	r.Max, r.MaxEx, ok2 = parseScoreBound(max)
	return r, ok1 && ok2
}

func parseScoreBound(b []byte) (v float64, ex, ok bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) > 0 && b[0] == '(' {
		ex, b = true, b[1:]
	}
	v, n, _ := strtod(b)
	if n != len(b) || math.IsNaN(v) {
		return 0, false, false
	}
	return v, ex, true
}

// LexBound is one end of a lexicographic range: "-" (below every string),
// "+" (above every string), or "[s" / "(s" (inclusive / exclusive s).
type LexBound struct {
	S   string
	Inf int8 // -1 for "-", +1 for "+", 0 for a string
	Ex  bool
}

// LexRange is the interval of ZRANGEBYLEX and friends.
type LexRange struct{ Min, Max LexBound }

// ParseLexRange parses min and max as Redis's zslParseLexRange: each must
// be "-" or "+" (nothing after it but a NUL) or start with "(" or "[".
// Redis answers a failure with "ERR min or max not valid string range item".
func ParseLexRange(min, max []byte) (LexRange, bool) {
	a, ok1 := parseLexBound(min)
	b, ok2 := parseLexBound(max)
	return LexRange{a, b}, ok1 && ok2
}

func parseLexBound(b []byte) (LexBound, bool) {
	if len(b) == 0 {
		return LexBound{}, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) > 1 && b[1] != 0 {
			return LexBound{}, false
		}
		if b[0] == '+' {
			return LexBound{Inf: 1, Ex: true}, true
		}
		return LexBound{Inf: -1, Ex: true}, true
	case '(':
		return LexBound{S: string(b[1:]), Ex: true}, true
	case '[':
		return LexBound{S: string(b[1:])}, true
	}
	return LexBound{}, false
}

// cmpLexBounds compares two bounds as Redis's sdscmplex compares them.
func cmpLexBounds(a, b LexBound) int {
	if a.Inf != 0 && a.Inf == b.Inf {
		return 0
	}
	if a.Inf < 0 || b.Inf > 0 {
		return -1
	}
	if a.Inf > 0 || b.Inf < 0 {
		return 1
	}
	return compareStrings(a.S, b.S)
}

// cmpLex compares a member with a bound.
func cmpLex(m string, b LexBound) int {
	if b.Inf != 0 {
		return -int(b.Inf)
	}
	return compareStrings(m, b.S)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (r LexRange) gteMin(m string) bool {
	c := cmpLex(m, r.Min)
	if r.Min.Ex {
		return c > 0
	}
	return c >= 0
}

func (r LexRange) lteMax(m string) bool {
	c := cmpLex(m, r.Max)
	if r.Max.Ex {
		return c < 0
	}
	return c <= 0
}

// empty reports whether no string can be in r (zslIsInLexRange's first
// test).
func (r LexRange) empty() bool {
	c := cmpLexBounds(r.Min, r.Max)
	return c > 0 || (c == 0 && (r.Min.Ex || r.Max.Ex))
}
