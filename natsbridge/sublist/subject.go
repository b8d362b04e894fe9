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
func ValidSubject(s string) bool { return validSubject(s) }

// ValidSubjectBytes is ValidSubject for a subject in a byte slice.
func ValidSubjectBytes(s []byte) bool { return validSubject(s) }

// ValidLiteral reports whether s is a valid subject with no wildcard token,
// which is what a message may be published to.
func ValidLiteral(s string) bool { return validSubject(s) && !hasWildcard(s) }

// ValidLiteralBytes is ValidLiteral for a subject in a byte slice.
func ValidLiteralBytes(s []byte) bool { return validSubject(s) && !hasWildcard(s) }

// HasWildcard reports whether s has a '*' or '>' token.
func HasWildcard(s string) bool { return hasWildcard(s) }

func validSubject[S ~string | ~[]byte](s S) bool {
	if len(s) == 0 {
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
		if i-start == 1 && s[start] == '>' && i != len(s) {
			return false // '>' not last
		}
		start = i + 1
	}
	return true
}

func hasWildcard[S ~string | ~[]byte](s S) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if i-start == 1 && (s[start] == '*' || s[start] == '>') {
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
