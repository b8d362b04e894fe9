// Package glob matches Redis glob-style patterns (KEYS, SCAN MATCH,
// PSUBSCRIBE, CONFIG GET), following Redis's stringmatchlen in util.c:
// `*` any run, `?` one byte, `[abc]`, `[^abc]`, `[a-z]` classes and `\x`
// escapes. Matching is on bytes.
package glob

// Match reports whether s matches pattern.
func Match(pattern, s string) bool { return match(pattern, s, false, 0) }

// MatchFold is Match ignoring ASCII case.
func MatchFold(pattern, s string) bool { return match(pattern, s, true, 0) }

func lower(c byte, fold bool) byte {
	if fold && c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

// match is a direct port of the algorithm's structure, with a nesting cap
// against pathological patterns (Redis caps recursion the same way).
func match(p, s string, fold bool, depth int) bool {
	if depth > 1000 {
		return false
	}
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if match(p[1:], s, fold, depth+1) {
					return true
				}
				s = s[1:]
			}
			return false
		case '?':
			if len(s) == 0 {
				return false
			}
			s = s[1:]
		case '[':
			if len(s) == 0 {
				return false
			}
			p = p[1:]
			not := len(p) > 0 && p[0] == '^'
			if not {
				p = p[1:]
			}
			matched := false
			for {
				if len(p) == 0 {
					break
				}
				if p[0] == '\\' && len(p) >= 2 {
					p = p[1:]
					if p[0] == s[0] {
						matched = true
					}
				} else if p[0] == ']' {
					break
				} else if len(p) >= 3 && p[1] == '-' {
					start, end := lower(p[0], fold), lower(p[2], fold)
					if start > end {
						start, end = end, start
					}
					c := lower(s[0], fold)
					p = p[2:]
					if c >= start && c <= end {
						matched = true
					}
				} else if lower(p[0], fold) == lower(s[0], fold) {
					matched = true
				}
				p = p[1:]
			}
			if len(p) == 0 {
				// Unterminated class: Redis treats the end as the class end.
				p = " "
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
			if len(s) == 0 || lower(p[0], fold) != lower(s[0], fold) {
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
