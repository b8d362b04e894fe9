package exchange

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// refWords splits a key as RabbitMQ's split_topic_key/1 does: "" is no words.
func refWords(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

// refMatch is the naive reference: RabbitMQ's match_words/2, backtracking.
func refMatch(pattern, key []string) bool {
	if len(pattern) == 0 {
		return len(key) == 0
	}
	switch pattern[0] {
	case "#":
		for i := 0; i <= len(key); i++ {
			if refMatch(pattern[1:], key[i:]) {
				return true
			}
		}
		return false
	case "*":
		return len(key) > 0 && refMatch(pattern[1:], key[1:])
	}
	return len(key) > 0 && key[0] == pattern[0] && refMatch(pattern[1:], key[1:])
}

// trieMatchOne reports whether the single pattern matches key through a trie.
func trieMatchOne(pattern, key string) bool {
	t := newTopicTrie()
	t.add(&binding{Binding: Binding{Destination: "q", RoutingKey: pattern}})
	return len(t.match(key)) == 1
}

func TestForEachWord(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a.b.c", []string{"a", "b", "c"}},
		{".", []string{"", ""}},
		{"a.", []string{"a", ""}},
		{".a", []string{"", "a"}},
		{"a..b", []string{"a", "", "b"}},
		{"..", []string{"", "", ""}},
	} {
		var got []string
		forEachWord(tc.key, func(w string) { got = append(got, w) })
		if !slices.Equal(got, tc.want) {
			t.Errorf("words(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
}

func TestTopicMatchTable(t *testing.T) {
	for _, tc := range []struct {
		pattern, key string
		want         bool
	}{
		// Literal words.
		{"a.b.c", "a.b.c", true},
		{"a.b.c", "a.b", false},
		{"a.b", "a.b.c", false},
		{"a.b.c", "a.b.d", false},
		{"a*.b", "ax.b", false}, // '*' inside a word is literal
		{"a*.b", "a*.b", true},
		{"a#", "a#", true},
		{"a#", "abc", false},
		// '*' is exactly one word.
		{"*", "a", true},
		{"*", "", false}, // "" is zero words
		{"*", ".", false},
		{"*", "a.b", false},
		{"*.*", ".", true}, // two empty words
		{"a.*", "a.", true},
		{"a.*", "a", false},
		{"*.b.*", "a.b.c", true},
		{"*.b.*", "a.b", false},
		// '#' is zero or more words.
		{"#", "", true},
		{"#", "a", true},
		{"#", "a.b.c", true},
		{"#", ".", true},
		{"a.#", "a", true},
		{"a.#", "a.b.c", true},
		{"a.#", "", false},
		{"a.#", "b.a", false},
		{"#.a", "a", true},
		{"#.a", "x.y.a", true},
		{"#.a", "a.x", false},
		{"a.#.b", "a.b", true},
		{"a.#.b", "a.x.y.b", true},
		{"a.#.b", "a.x.y.c", false},
		{"#.#", "", true},
		{"#.#", "a.b", true},
		{"#.*", "", false},
		{"#.*", "a", true},
		{"*.#", "a", true},
		{"*.#", "", false},
		{"#.*.#", "a.b.c", true},
		{"a.#.#.b.#", "a.b", true},
		{"a.#.*.#.c", "a.c", false},
		{"a.#.*.#.c", "a.b.c", true},
		// Empty words and the empty key.
		{"", "", true},
		{"", ".", false},
		{"", "a", false},
		{".", ".", true},
		{".", "", false},
		{"a..b", "a..b", true},
		{"a.*.b", "a..b", true},
		{"a.#.b", "a..b", true},
		{"a.", "a.", true},
		{"a.", "a", false},
		// A routing key that contains wildcard characters is literal.
		{"*", "#", true},
		{"#", "*", true},
		{"a.b", "a.*", false},
		{"a.*", "a.*", true},
	} {
		if got := trieMatchOne(tc.pattern, tc.key); got != tc.want {
			t.Errorf("trie: %q matches %q = %v, want %v", tc.pattern, tc.key, got, tc.want)
		}
		if got := refMatch(refWords(tc.pattern), refWords(tc.key)); got != tc.want {
			t.Errorf("reference: %q matches %q = %v, want %v", tc.pattern, tc.key, got, tc.want)
		}
	}
}

func TestTopicTriePrunesAndInvalidates(t *testing.T) {
	tr := newTopicTrie()
	b1 := &binding{Binding: Binding{Destination: "q1", RoutingKey: "a.*.c"}}
	b2 := &binding{Binding: Binding{Destination: "q2", RoutingKey: "a.#"}}
	b3 := &binding{Binding: Binding{Destination: "q1", RoutingKey: "a.b.c"}}
	tr.add(b1)
	if got := tr.match("a.b.c"); !slices.Equal(got, []dest{{name: "q1"}}) {
		t.Fatalf("match = %v", got)
	}
	tr.add(b2) // must invalidate the cached "a.b.c"
	tr.add(b3)
	if got := sortedDests(tr.match("a.b.c")); !slices.Equal(got, []dest{{name: "q1"}, {name: "q1"}, {name: "q2"}}) {
		t.Fatalf("after add: match = %v, want q1 (two bindings) and q2", got)
	}
	tr.remove(b2)
	if got := tr.match("a.b.c"); !slices.Equal(got, []dest{{name: "q1"}, {name: "q1"}}) {
		t.Fatalf("after remove: match = %v", got)
	}
	tr.remove(b1)
	tr.remove(b3)
	if got := tr.match("a.b.c"); got != nil {
		t.Fatalf("empty trie: match = %v", got)
	}
	if !tr.root.empty() || tr.count != 0 {
		t.Fatalf("trie not pruned: root %+v, count %d", tr.root, tr.count)
	}
}

func TestTopicCacheBounded(t *testing.T) {
	tr := newTopicTrie()
	tr.add(&binding{Binding: Binding{Destination: "q", RoutingKey: "k.*"}})
	for i := range 3 * topicCacheMax {
		key := "k." + strconv.Itoa(i)
		if got := tr.match(key); len(got) != 1 {
			t.Fatalf("match(%q) = %v", key, got)
		}
		if len(tr.cache) > topicCacheMax {
			t.Fatalf("cache has %d entries, max %d", len(tr.cache), topicCacheMax)
		}
	}
	if len(tr.cache) == 0 {
		t.Fatal("cache unused")
	}
}

func TestTopicCacheBoundedByDestinations(t *testing.T) {
	tr := newTopicTrie()
	const fanout = topicCacheMaxDests / 16 // the largest result still cached
	for i := range fanout {
		tr.add(&binding{Binding: Binding{Destination: "q" + strconv.Itoa(i), RoutingKey: "k.*"}})
	}
	for i := range 100 {
		if got := tr.match("k." + strconv.Itoa(i)); len(got) != fanout {
			t.Fatalf("match: %d destinations", len(got))
		}
		if tr.cacheDests > topicCacheMaxDests {
			t.Fatalf("cache holds %d destinations, max %d", tr.cacheDests, topicCacheMaxDests)
		}
	}
	sum := 0
	for _, v := range tr.cache {
		sum += len(v)
	}
	if sum != tr.cacheDests || sum == 0 {
		t.Fatalf("cacheDests %d, entries hold %d", tr.cacheDests, sum)
	}
	// One more binding: results too large to cache are still right.
	tr.add(&binding{Binding: Binding{Destination: "extra", RoutingKey: "#"}})
	if got := tr.match("k.1"); len(got) != fanout+1 || len(tr.cache) != 0 {
		t.Fatalf("uncached match: %d destinations, %d cache entries", len(got), len(tr.cache))
	}
}

func sortedDests(ds []dest) []dest {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b dest) int { return strings.Compare(a.name, b.name) })
	return out
}

// checkTrie compares the trie with the reference matcher for one key: the
// destinations are the indexes of the live patterns that match.
func checkTrie(t *testing.T, tr *topicTrie, patterns []string, live []bool, key string) {
	t.Helper()
	var want []string
	for i, p := range patterns {
		if live[i] && refMatch(refWords(p), refWords(key)) {
			want = append(want, strconv.Itoa(i))
		}
	}
	var got []string
	for _, d := range tr.match(key) {
		got = append(got, d.name)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("key %q, patterns %q (live %v): trie %v, reference %v", key, patterns, live, got, want)
	}
}

// runTopicModel binds patterns, matches keys, unbinds every other pattern
// and matches again (exercising cache invalidation and pruning).
func runTopicModel(t *testing.T, patterns, keys []string) {
	tr := newTopicTrie()
	bs := make([]*binding, len(patterns))
	live := make([]bool, len(patterns))
	for i, p := range patterns {
		bs[i] = &binding{Binding: Binding{Destination: strconv.Itoa(i), RoutingKey: p}}
		tr.add(bs[i])
		live[i] = true
	}
	for _, k := range keys {
		checkTrie(t, tr, patterns, live, k)
		checkTrie(t, tr, patterns, live, k) // cached
	}
	for i := 0; i < len(bs); i += 2 {
		tr.remove(bs[i])
		live[i] = false
	}
	for _, k := range keys {
		checkTrie(t, tr, patterns, live, k)
	}
	for i := 1; i < len(bs); i += 2 {
		tr.remove(bs[i])
	}
	if !tr.root.empty() || tr.count != 0 {
		t.Fatalf("trie not empty after removing everything")
	}
}

// randomTopic builds a pattern or key of up to 6 words over a tiny alphabet,
// so that matches are frequent.
func randomTopic(r *rand.Rand, wildcards bool) string {
	words := []string{"a", "b", "", "ab"}
	if wildcards {
		words = append(words, "*", "#", "#", "*")
	}
	n := r.IntN(7)
	if n == 0 {
		return ""
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = words[r.IntN(len(words))]
	}
	return strings.Join(parts, ".")
}

func TestTopicRandomAgainstReference(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	for range 300 {
		patterns := make([]string, 1+r.IntN(20))
		for i := range patterns {
			patterns[i] = randomTopic(r, true)
		}
		keys := make([]string, 20)
		for i := range keys {
			keys[i] = randomTopic(r, r.IntN(4) == 0)
		}
		runTopicModel(t, patterns, keys)
	}
}

// FuzzTopic checks the trie against the reference matcher. patterns holds
// binding keys separated by newlines; keys holds routing keys separated by
// newlines.
func FuzzTopic(f *testing.F) {
	f.Add("a.*.c\na.#\n#\n*\n\n#.b", "a.b.c\n\na\n.\na..b")
	f.Add("#.#.#\n*.#.*", "a.b.c.d\nx")
	f.Add("a.#.b.#.c\n#.*.#", "a.b.c\na.x.b.y.c\n")
	f.Add("..\n*.*.*\n#.", "..\n.\n")
	f.Fuzz(func(t *testing.T, patterns, keys string) {
		ps := strings.Split(patterns, "\n")
		ks := strings.Split(keys, "\n")
		if len(ps) > 64 || len(ks) > 64 {
			return
		}
		for _, s := range append(slices.Clone(ps), ks...) {
			if strings.Count(s, ".") > 24 {
				return // keep the backtracking reference fast
			}
		}
		runTopicModel(t, ps, ks)
	})
}

// benchTopicTrie builds a trie of n bindings shaped like a market-data feed:
// "stock.<exchange>.<symbol>" exact keys, "stock.<exchange>.*",
// "stock.#.<symbol>" and a few "#" catch-alls.
func benchTopicTrie(n int) (*topicTrie, []string) {
	tr := newTopicTrie()
	var keys []string
	for i := range n {
		var p string
		switch i % 4 {
		case 0, 1:
			p = fmt.Sprintf("stock.x%d.s%d", i%10, i)
			keys = append(keys, p)
		case 2:
			p = fmt.Sprintf("stock.x%d.*", i%50)
		case 3:
			p = fmt.Sprintf("stock.#.s%d", i-3)
		}
		tr.add(&binding{Binding: Binding{Destination: "q" + strconv.Itoa(i), RoutingKey: p}})
	}
	tr.add(&binding{Binding: Binding{Destination: "audit", RoutingKey: "#"}})
	return tr, keys
}

func BenchmarkTopicMatch(b *testing.B) {
	tr, keys := benchTopicTrie(10000)
	keys = keys[:1000] // a working set that fits the cache
	for _, k := range keys {
		tr.match(k)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if len(tr.match(keys[i%len(keys)])) == 0 {
			b.Fatal("no match")
		}
	}
}

func BenchmarkTopicMatchNoCache(b *testing.B) {
	tr, keys := benchTopicTrie(10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if len(tr.matchNoCache(keys[i%len(keys)])) == 0 {
			b.Fatal("no match")
		}
	}
}

func BenchmarkTopicMatchHashHeavy(b *testing.B) {
	tr := newTopicTrie()
	for i := range 1000 {
		tr.add(&binding{Binding: Binding{Destination: "q" + strconv.Itoa(i),
			RoutingKey: fmt.Sprintf("#.%d.#.*.#", i%20)}})
	}
	key := "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19"
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr.matchNoCache(key)
	}
}

func BenchmarkTopicBindUnbind(b *testing.B) {
	tr, _ := benchTopicTrie(10000)
	nb := &binding{Binding: Binding{Destination: "x", RoutingKey: "stock.x1.*.z"}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr.add(nb)
		tr.remove(nb)
	}
}
