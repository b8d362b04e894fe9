package sublist

import "strings"

// NATS subjects (https://docs.nats.io/nats-concepts/subjects), as
// nats-server checks them (server/sublist.go IsValidSubject,
// IsValidLiteralSubject):
//
//   - A subject is one or more tokens separated by '.'; no token is empty
//     ("a..b", ".a" and "a." are invalid) and no character is a space, tab,
//     CR or LF.
//   - In a subscription '*' is a wildcard for exactly one token and '>' for
//     one or more trailing tokens; each is a wildcard only as a whole token
//     ("a*" and "a>b" are literal tokens), and '>' only as the last token
//     ("a.>.b" is invalid).
//   - A literal subject (what a message is published to) is a valid subject
//     with no wildcard token.

const (
	pwc = "*" // partial wildcard: one token
	fwc = ">" // full wildcard: one or more trailing tokens
)

// ValidSubject reports whether s is a valid subscription subject.
func ValidSubject(s string) bool {
	if s == "" {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch s[i] {
			case ' ', '\t', '\r', '\n':
				return false
			case '.':
			default:
				continue
			}
		}
		if i == start {
			return false // empty token
		}
		if s[start:i] == fwc && i != len(s) {
			return false // '>' not last
		}
		start = i + 1
	}
	return true
}

// ValidLiteral reports whether s is a valid subject with no wildcard token,
// which is what a message may be published to.
func ValidLiteral(s string) bool {
	if !ValidSubject(s) {
		return false
	}
	return !HasWildcard(s)
}

// HasWildcard reports whether s has a '*' or '>' token.
func HasWildcard(s string) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if t := s[start:i]; t == pwc || t == fwc {
				return true
			}
			start = i + 1
		}
	}
	return false
}

// MatchLiteral reports whether the published subject literal is matched by
// the subscription subject pattern, token by token, without a trie. It is
// the reference the trie is tested against, and what the match cache uses
// to find the entries a subscription change invalidates. A wildcard token
// in literal is compared as a literal token, as nats-server does.
func MatchLiteral(literal, pattern string) bool {
	for {
		var lt, pt string
		li := strings.IndexByte(literal, '.')
		pi := strings.IndexByte(pattern, '.')
		if pi < 0 {
			pt = pattern
		} else {
			pt = pattern[:pi]
		}
		if pt == fwc {
			return literal != ""
		}
		if li < 0 {
			lt = literal
		} else {
			lt = literal[:li]
		}
		if pt != pwc && pt != lt {
			return false
		}
		if li < 0 || pi < 0 {
			return li < 0 && pi < 0
		}
		literal, pattern = literal[li+1:], pattern[pi+1:]
	}
}
