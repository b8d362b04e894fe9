// Package glob matches Redis glob-style patterns (KEYS, SCAN MATCH,
// PSUBSCRIBE, CONFIG GET), following stringmatchlen in Redis 7.0.15's
// util.c: `*` any run, `?` one byte, `[abc]`, `[^abc]`, `[a-z]` classes and
// `\x` escapes. Matching is on bytes.
//
// Redis's quirks are kept on purpose, because clients see them:
//   - An empty subject matches no pattern except the empty pattern ("*"
//     does not match ""; KEYS and SCAN special-case a lone "*" themselves).
//   - A class that is not closed runs to the end of the pattern ("[ab"
//     is "[ab]"); a lone "[" matches nothing.
//   - Range ends compare as signed chars, as Redis does on x86-64 and
//     arm64-linux with GCC's default signed char: "[a-\xff]" is the range
//     -1..97, so it matches bytes 0x00..0x61 and 0xff, not 0x80..0xfe.
//   - Range ends are swapped when reversed, before case folding.
//   - An escaped byte inside a class compares exactly, even when folding.
//   - A trailing lone backslash is a literal backslash.
//   - Past 1000 nested `*` the match fails, Redis's guard against abusive
//     patterns.
package glob

// maxNesting is Redis's cap on `*` recursion depth (util.c).
const maxNesting = 1000

// Match reports whether s matches pattern.
func Match(pattern, s string) bool {
	skip := false
	return match(pattern, s, false, &skip, 0)
}

// MatchFold is Match ignoring ASCII case (Redis's nocase flag).
func MatchFold(pattern, s string) bool {
	skip := false
	return match(pattern, s, true, &skip, 0)
}

func lower(c int, fold bool) int {
	if fold && c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

// signed returns b as C's (signed) char would hold it.
func signed(b byte) int { return int(int8(b)) }

// match is a port of stringmatchlen_impl. skipLonger is Redis's
// skipLongerMatches: once the rest of a pattern after a `*` fails at every
// position of the subject, no earlier `*` can make it match by consuming
// more, so every pending `*` gives up (this keeps matching polynomial).
func match(p, s string, fold bool, skipLonger *bool, nesting int) bool {
	if nesting > maxNesting {
		return false
	}
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if match(p[1:], s, fold, skipLonger, nesting+1) {
					return true
				}
				if *skipLonger {
					return false
				}
				s = s[1:]
			}
			*skipLonger = true
			return false
		case '?':
			s = s[1:]
		case '[':
			p = p[1:]
			not := len(p) > 0 && p[0] == '^'
			if not {
				p = p[1:]
			}
			matched := false
			for {
				if len(p) >= 2 && p[0] == '\\' {
					p = p[1:]
					if p[0] == s[0] {
						matched = true
					}
				} else if len(p) > 0 && p[0] == ']' {
					break
				} else if len(p) == 0 {
					// Unterminated class: it ends with the pattern. The
					// outer step below consumes this placeholder.
					p = "]"
					break
				} else if len(p) >= 3 && p[1] == '-' {
					start, end := signed(p[0]), signed(p[2])
					if start > end {
						start, end = end, start
					}
					start, end = lower(start, fold), lower(end, fold)
					c := lower(signed(s[0]), fold)
					p = p[2:]
					if c >= start && c <= end {
						matched = true
					}
				} else if lower(int(p[0]), fold) == lower(int(s[0]), fold) {
					matched = true
				}
				p = p[1:]
			}
			if not {
				matched = !matched
			}
			if !matched {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if lower(int(p[0]), fold) != lower(int(s[0]), fold) {
				return false
			}
			s = s[1:]
		}
		p = p[1:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}
