package glob_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/glob"
	"github.com/switchyard/switchyard/internal/testutil"
)

// Each row was checked against redis-server 7.0.15 (KEYS; TestMatchAgainstRedis
// repeats the comparison with random patterns).
var matchCases = []struct {
	pattern, s string
	want       bool
}{
	// Literals, ? and *.
	{"", "", true},
	{"", "a", false},
	{"abc", "abc", true},
	{"abc", "abd", false},
	{"abc", "ab", false},
	{"ab", "abc", false},
	{"a?c", "abc", true},
	{"a?c", "ac", false},
	{"???", "abc", true},
	{"?", "", false},
	{"*", "abc", true},
	{"*", "", false}, // Redis: an empty subject only matches ""
	{"**", "", false},
	{"a*", "a", true},
	{"a**", "a", true},
	{"a*?", "a", false},
	{"*c", "abc", true},
	{"*b", "abc", false},
	{"a*c", "abbbc", true},
	{"a*c", "abbbd", false},
	{"*a*b*", "xxaxxbxx", true},
	{"*a*b*", "xxbxxaxx", false},
	{"h*llo", "hllo", true},
	{"h?llo", "hllo", false},
	{"*?", "a", true},
	{"?*", "", false},

	// Escapes.
	{`\*`, "*", true},
	{`\*`, "a", false},
	{`a\?c`, "a?c", true},
	{`a\?c`, "abc", false},
	{`\a`, "a", true},
	{`a\`, `a\`, true}, // trailing lone backslash is literal
	{`a\`, "a", false},
	{`\\`, `\`, true},
	{`*\*`, "ab*", true},

	// Classes.
	{"h[ae]llo", "hello", true},
	{"h[ae]llo", "hallo", true},
	{"h[ae]llo", "hillo", false},
	{"h[^e]llo", "hallo", true},
	{"h[^e]llo", "hello", false},
	{"h[a-b]llo", "hbllo", true},
	{"h[a-b]llo", "hcllo", false},
	{"[b-a]", "a", true}, // reversed range is swapped
	{"[b-a]", "c", false},
	{"[a-]", "]", true}, // "a-]" is the range ']'..'a'; the class is unterminated
	{"[a-]", "^", true},
	{"[a-]", "-", false},
	{"[]", "]", false}, // "[]" is an empty class
	{"[]a]", "a", false},
	{"[]a]", "]a]", false},
	{"[]a]", "a]", false},
	{`[\]]`, "]", true},
	{`[\-]`, "-", true},
	{`[a\-z]`, "b", false},
	{`[\]`, "]", true}, // escaped ']' then unterminated
	{"[", "[", false},
	{"[", "", false},
	{"[ab", "a", true}, // unterminated class
	{"[ab", "c", false},
	{"[^", "x", true},
	{"[^a-c", "b", false},
	{"[^a-c", "d", true},
	{"[b-", "b", true},
	{"[b-", "-", true},
	{"[b-", "c", false},
	{"a[bc]*", "ac", true},
	{"*[", "a[", false},
	{"[*]", "*", true},
	{"[*]", "a", false},
	{"[?]", "?", true},
	{"[?]", "a", false},

	// Ranges compare as signed chars, as Redis does on x86-64.
	{"[a-\xff]", "b", false},
	{"[a-\xff]", "\xf0", false},
	{"[a-\xff]", "\xff", true},
	{"[a-\xff]", "a", true},
	{"[a-\xff]", "\x00", true},
	{"[\x80-a]", "B", true},
	{"[\x80-a]", "\xf0", true},
	{"[\x80-a]", "b", false},
	{"[\x80-\xfa]", "\xf0", true},
	{"[\x80-\xfa]", "\xfb", false},
	{"[\x80-\xfa]", "a", false},

	// Binary subjects and patterns.
	{"a\x00b", "a\x00b", true},
	{"a?b", "a\x00b", true},
	{"*\x00", "abc\x00", true},
}

func TestMatchTable(t *testing.T) {
	for _, c := range matchCases {
		require.Equal(t, c.want, glob.Match(c.pattern, c.s), "Match(%q, %q)", c.pattern, c.s)
	}
}

func TestMatchFold(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"ABC", "abc", true},
		{"abc", "ABC", true},
		{"a?C", "Abc", true},
		{"*LO", "hello", true},
		{"h[AE]llo", "hello", true},
		{"h[^E]llo", "hello", false},
		{"[A-C]", "b", true},
		{"[a-c]", "B", true},
		{"[a-c]", "D", false},
		// Reversed ends are swapped before folding (Redis): 'Z'..'a' folds
		// to 'z'..'a', an empty range.
		{"[Z-a]", "b", false},
		{"[Z-a]", "_", false},
		{"[Z-a]", "z", false},
		// An escaped byte in a class compares exactly.
		{`[\A]`, "a", false},
		{`[\A]`, "A", true},
		{`\A`, "a", true},
		{"", "", true},
		{"*", "", false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, glob.MatchFold(c.pattern, c.s), "MatchFold(%q, %q)", c.pattern, c.s)
	}
	// Without folding the same case rows differ.
	require.False(t, glob.Match("ABC", "abc"))
	// Case-sensitive [Z-a] is the range 'Z'..'a', '_' included.
	require.True(t, glob.Match("[Z-a]", "_"))
}

// TestMatchNesting checks Redis's cap of 1000 nested stars.
func TestMatchNesting(t *testing.T) {
	s := strings.Repeat("a", 3000)
	require.True(t, glob.Match(strings.Repeat("*a", 1000), s))
	require.True(t, glob.Match(strings.Repeat("*a", 1000)+"*", s))
	require.False(t, glob.Match(strings.Repeat("*a", 1001), s))
	// Consecutive stars collapse and do not nest.
	require.True(t, glob.Match(strings.Repeat("*", 5000)+"a", s))
}

// TestMatchPathological checks that a pattern that once took exponential
// time (CVE-2022-36021) returns at once.
func TestMatchPathological(t *testing.T) {
	p := strings.Repeat("*a", 30) + "b"
	s := strings.Repeat("a", 60)
	start := time.Now()
	require.False(t, glob.Match(p, s))
	require.Less(t, time.Since(start), time.Second)
}

// naiveMatch is a reference for patterns without classes: a textbook
// dynamic-programming glob over tokens, plus Redis's rule that an empty
// subject only matches the empty pattern.
func naiveMatch(pattern, s string, fold bool) bool {
	if s == "" {
		return pattern == ""
	}
	type tok struct {
		kind byte // '*', '?', or 'l' for a literal
		c    byte
	}
	var toks []tok
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '*':
			toks = append(toks, tok{kind: '*'})
		case c == '?':
			toks = append(toks, tok{kind: '?'})
		case c == '\\' && i+1 < len(pattern):
			i++
			toks = append(toks, tok{kind: 'l', c: pattern[i]})
		default:
			toks = append(toks, tok{kind: 'l', c: c})
		}
	}
	low := func(c byte) byte {
		if fold && c >= 'A' && c <= 'Z' {
			return c + 32
		}
		return c
	}
	// m[j] reports whether toks[:i] matches s[:j], for the current i.
	m := make([]bool, len(s)+1)
	m[0] = true
	for _, t := range toks {
		next := make([]bool, len(s)+1)
		for j := 0; j <= len(s); j++ {
			switch t.kind {
			case '*':
				next[j] = m[j] || (j > 0 && next[j-1])
			case '?':
				next[j] = j > 0 && m[j-1]
			default:
				next[j] = j > 0 && m[j-1] && low(s[j-1]) == low(t.c)
			}
		}
		m = next
	}
	return m[len(s)]
}

func FuzzMatchNoClasses(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.pattern, c.s)
	}
	f.Add("*a*b?c", "xxaYbZc")
	f.Add(`\\*\?`, `\abc?`)
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if strings.Contains(pattern, "[") || len(pattern) > 512 || len(s) > 512 {
			return
		}
		if got, want := glob.Match(pattern, s), naiveMatch(pattern, s, false); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference says %v", pattern, s, got, want)
		}
		if got, want := glob.MatchFold(pattern, s), naiveMatch(pattern, s, true); got != want {
			t.Fatalf("MatchFold(%q, %q) = %v, reference says %v", pattern, s, got, want)
		}
	})
}

// TestMatchAgainstRedis compares Match with real Redis's KEYS on random
// patterns (classes included) over a fixed set of keys.
func TestMatchAgainstRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	addr := testutil.StartRedis(t)
	c := testutil.Client(t, addr, 2)
	ctx := context.Background()

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	alphabet := []byte("abAB-]^\\\x00\xf0")
	var keys []string
	seen := map[string]bool{}
	for len(keys) < 200 {
		n := rng.IntN(5) // "" excluded below: KEYS cannot test it separately
		b := make([]byte, n+1)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if !seen[string(b)] {
			seen[string(b)] = true
			keys = append(keys, string(b))
		}
	}
	args := []any{}
	for _, k := range keys {
		args = append(args, k, "1")
	}
	require.NoError(t, c.MSet(ctx, args...).Err())

	// The table rows, one key at a time in a second database.
	c2 := testutil.Client(t, addr, 2)
	require.NoError(t, c2.Do(ctx, "SELECT", "1").Err())
	for _, mc := range matchCases {
		if mc.pattern == "*" {
			continue // KEYS answers a lone "*" without matching
		}
		require.NoError(t, c2.FlushDB(ctx).Err())
		require.NoError(t, c2.Set(ctx, mc.s, "1", 0).Err())
		got, err := c2.Keys(ctx, mc.pattern).Result()
		require.NoError(t, err)
		require.Equal(t, mc.want, len(got) == 1, "redis KEYS %q on key %q", mc.pattern, mc.s)
	}

	patAlphabet := []byte("abAB*?[]^-\\\xf0")
	for i := 0; i < 400; i++ {
		b := make([]byte, 1+rng.IntN(7))
		for j := range b {
			b[j] = patAlphabet[rng.IntN(len(patAlphabet))]
		}
		p := string(b)
		if p == "*" {
			continue // KEYS answers "*" without matching
		}
		got, err := c.Keys(ctx, p).Result()
		require.NoError(t, err)
		slices.Sort(got)
		var want []string
		for _, k := range keys {
			if glob.Match(p, k) {
				want = append(want, k)
			}
		}
		slices.Sort(want)
		if len(want) == 0 {
			want = []string{}
		}
		require.Equal(t, got, want, "pattern %q (seed %d)", p, seed)
	}
}
