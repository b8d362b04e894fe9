package sublist

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

func TestValidSubject(t *testing.T) {
	for _, c := range []struct {
		s              string
		valid, literal bool
	}{
		{"foo", true, true},
		{"foo.bar", true, true},
		{"foo.*", true, false},
		{"*", true, false},
		{">", true, false},
		{"foo.>", true, false},
		{"*.>", true, false},
		{"a*", true, true}, // '*' is a wildcard only as a whole token
		{"a.>b", true, true},
		{"_INBOX.abc.def", true, true},
		{"", false, false},
		{".", false, false},
		{"a..b", false, false},
		{".a", false, false},
		{"a.", false, false},
		{"a.>.b", false, false},
		{">.a", false, false},
		{"a b", false, false},
		{"a\tb", false, false},
		{"a\r", false, false},
		{"a\nb", false, false},
	} {
		if got := ValidSubject(c.s); got != c.valid {
			t.Errorf("ValidSubject(%q) = %v, want %v", c.s, got, c.valid)
		}
		if got := ValidLiteral(c.s); got != c.literal {
			t.Errorf("ValidLiteral(%q) = %v, want %v", c.s, got, c.literal)
		}
	}
}

func TestMatchLiteral(t *testing.T) {
	for _, c := range []struct {
		lit, pat string
		want     bool
	}{
		{"foo", "foo", true},
		{"foo", "bar", false},
		{"foo", "*", true},
		{"foo", ">", true},
		{"foo.bar", ">", true},
		{"foo.bar", "foo.>", true},
		{"foo", "foo.>", false}, // '>' needs at least one token
		{"foo.bar.baz", "foo.>", true},
		{"foo.bar.baz", "foo.*", false},
		{"foo.bar.baz", "foo.*.baz", true},
		{"foo.bar", "*.*", true},
		{"foo.bar", "*.*.*", false},
		{"foo", "foo.bar", false},
		{"foo.bar", "foo", false},
		{"foo.*", "foo.*", true}, // a '*' published is a literal token
		{"foo.*", "foo.bar", false},
	} {
		if got := MatchLiteral(c.lit, c.pat); got != c.want {
			t.Errorf("MatchLiteral(%q, %q) = %v, want %v", c.lit, c.pat, got, c.want)
		}
	}
}

type sub struct {
	id      int
	subject string
	queue   string
}

func names(r *Result[*sub]) (plain []int, queues map[string][]int) {
	for _, s := range r.Plain {
		plain = append(plain, s.id)
	}
	sort.Ints(plain)
	queues = map[string][]int{}
	for i, q := range r.Queues {
		var ids []int
		for _, s := range q {
			ids = append(ids, s.id)
		}
		sort.Ints(ids)
		queues[r.QueueNames[i]] = ids
	}
	return plain, queues
}

func TestInsertMatchRemove(t *testing.T) {
	sl := New[*sub](0)
	subs := []*sub{
		{1, "foo", ""}, {2, "foo.bar", ""}, {3, "foo.*", ""}, {4, "foo.>", ""},
		{5, ">", ""}, {6, "*.bar", ""}, {7, "foo.bar", "q"}, {8, "foo.*", "q"},
		{9, "foo.bar", "r"}, {10, "*", ""},
	}
	for _, s := range subs {
		if err := sl.Insert(s.subject, s.queue, s); err != nil {
			t.Fatal(err)
		}
	}
	if sl.Count() != len(subs) {
		t.Fatalf("Count = %d", sl.Count())
	}
	plain, queues := names(sl.Match("foo.bar"))
	if !slices.Equal(plain, []int{2, 3, 4, 5, 6}) {
		t.Fatalf("plain = %v", plain)
	}
	if !slices.Equal(queues["q"], []int{7, 8}) || !slices.Equal(queues["r"], []int{9}) || len(queues) != 2 {
		t.Fatalf("queues = %v", queues)
	}
	p2, q2 := names(sl.MatchBytes([]byte("foo.bar")))
	if !slices.Equal(p2, plain) || !equalResult(p2, q2, plain, queues) {
		t.Fatalf("MatchBytes differs: %v %v", p2, q2)
	}
	plain, _ = names(sl.Match("foo"))
	if !slices.Equal(plain, []int{1, 5, 10}) {
		t.Fatalf("foo: plain = %v", plain)
	}
	plain, _ = names(sl.Match("foo.bar.baz"))
	if !slices.Equal(plain, []int{4, 5}) {
		t.Fatalf("foo.bar.baz: plain = %v", plain)
	}
	// Cached, then invalidated by a change it matches.
	sl.Match("foo.bar")
	if err := sl.Remove("foo.*", "", subs[2]); err != nil {
		t.Fatal(err)
	}
	plain, _ = names(sl.Match("foo.bar"))
	if !slices.Equal(plain, []int{2, 4, 5, 6}) {
		t.Fatalf("after remove: plain = %v", plain)
	}
	if err := sl.Remove("foo.*", "", subs[2]); err != ErrNotFound {
		t.Fatalf("second remove: %v", err)
	}
	if err := sl.Remove("nope.x", "", subs[0]); err != ErrNotFound {
		t.Fatalf("remove missing: %v", err)
	}
	if err := sl.Remove("foo.bar", "zzz", subs[6]); err != ErrNotFound {
		t.Fatalf("remove from missing group: %v", err)
	}
	if err := sl.Insert("a..b", "", subs[0]); err != ErrInvalidSubject {
		t.Fatalf("invalid insert: %v", err)
	}
	for _, s := range subs {
		if s.id == 3 {
			continue
		}
		if err := sl.Remove(s.subject, s.queue, s); err != nil {
			t.Fatalf("remove %v: %v", s, err)
		}
	}
	if sl.Count() != 0 || !sl.root.empty() {
		t.Fatalf("not empty after removing all: count %d", sl.Count())
	}
	if !sl.Match("foo.bar").Empty() {
		t.Fatal("match after removing all")
	}
}

func TestMatchInvalidSubjects(t *testing.T) {
	sl := New[*sub](0)
	_ = sl.Insert(">", "", &sub{id: 1})
	for _, s := range []string{"", "a..b", ".a", "a.", "a b"} {
		if r := sl.Match(s); !r.Empty() {
			t.Errorf("Match(%q) = %v", s, r)
		}
	}
}

func TestCacheBounded(t *testing.T) {
	sl := New[*sub](16)
	_ = sl.Insert(">", "", &sub{id: 1})
	for i := range 1000 {
		if r := sl.Match(fmt.Sprintf("s.%d", i)); r.Len() != 1 {
			t.Fatalf("match %d: %d", i, r.Len())
		}
	}
	_, _, n := sl.CacheStats()
	if n > 16 {
		t.Fatalf("cache has %d entries, bound 16", n)
	}
	sl.Match("s.999")
	hits, _, _ := sl.CacheStats()
	if hits == 0 {
		t.Fatal("no cache hit")
	}
}

// naive is the reference: a flat list matched with MatchLiteral.
type naive struct{ subs []*sub }

func (n *naive) match(subject string) (plain []int, queues map[string][]int) {
	queues = map[string][]int{}
	if !ValidSubject(subject) {
		return nil, queues
	}
	for _, s := range n.subs {
		if !MatchLiteral(subject, s.subject) {
			continue
		}
		if s.queue == "" {
			plain = append(plain, s.id)
		} else {
			queues[s.queue] = append(queues[s.queue], s.id)
		}
	}
	sort.Ints(plain)
	for _, q := range queues {
		sort.Ints(q)
	}
	return plain, queues
}

func equalResult(p1 []int, q1 map[string][]int, p2 []int, q2 map[string][]int) bool {
	if !slices.Equal(p1, p2) || len(q1) != len(q2) {
		return false
	}
	for k, v := range q1 {
		if !slices.Equal(v, q2[k]) {
			return false
		}
	}
	return true
}

// model runs random inserts, removes and matches against the trie and the
// naive reference; tokens come from a tiny alphabet so wildcards overlap.
func model(t *testing.T, rng *rand.Rand, steps int, cacheSize int) {
	t.Helper()
	sl := New[*sub](cacheSize)
	ref := &naive{}
	toks := []string{"a", "b", "c", "*", ">"}
	subject := func(wild bool) string {
		n := 1 + rng.IntN(4)
		parts := make([]string, n)
		for i := range parts {
			k := len(toks)
			if !wild {
				k = 3
			}
			parts[i] = toks[rng.IntN(k)]
			if parts[i] == ">" && i != n-1 {
				parts[i] = "*"
			}
		}
		return strings.Join(parts, ".")
	}
	id := 0
	for range steps {
		switch op := rng.IntN(10); {
		case op < 4:
			id++
			q := ""
			if rng.IntN(3) == 0 {
				q = []string{"q1", "q2"}[rng.IntN(2)]
			}
			s := &sub{id: id, subject: subject(true), queue: q}
			if err := sl.Insert(s.subject, s.queue, s); err != nil {
				t.Fatalf("insert %q: %v", s.subject, err)
			}
			ref.subs = append(ref.subs, s)
		case op < 6 && len(ref.subs) > 0:
			i := rng.IntN(len(ref.subs))
			s := ref.subs[i]
			if err := sl.Remove(s.subject, s.queue, s); err != nil {
				t.Fatalf("remove %q: %v", s.subject, err)
			}
			ref.subs = append(ref.subs[:i], ref.subs[i+1:]...)
		default:
			lit := subject(false)
			p1, q1 := names(sl.Match(lit))
			p2, q2 := ref.match(lit)
			if !equalResult(p1, q1, p2, q2) {
				t.Fatalf("Match(%q): trie %v %v, reference %v %v", lit, p1, q1, p2, q2)
			}
		}
	}
	if sl.Count() != len(ref.subs) {
		t.Fatalf("Count %d, reference %d", sl.Count(), len(ref.subs))
	}
}

func TestModel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	for i, size := range []int{-1, 0, 4} {
		model(t, rand.New(rand.NewPCG(seed, uint64(i))), 4000, size)
	}
}

// FuzzMatch checks the trie against MatchLiteral for one subscription
// subject and one published subject, with other subscriptions around.
func FuzzMatch(f *testing.F) {
	for _, c := range [][2]string{
		{"foo.>", "foo"}, {"foo.*", "foo.bar"}, {">", "a.b.c"}, {"*.b", "a.b"},
		{"a.*.c", "a.b.c"}, {"a..b", "a.b"}, {"a*", "a*"}, {"foo.*", "foo.*"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pattern, literal string) {
		sl := New[*sub](8)
		others := []*sub{{1, "x.>", ""}, {2, "*", ""}, {3, "x.y", "q"}}
		for _, o := range others {
			_ = sl.Insert(o.subject, o.queue, o)
		}
		s := &sub{id: 99, subject: pattern}
		err := sl.Insert(pattern, "", s)
		if (err == nil) != ValidSubject(pattern) {
			t.Fatalf("Insert(%q) = %v, ValidSubject %v", pattern, err, ValidSubject(pattern))
		}
		ref := &naive{subs: others}
		if err == nil {
			ref.subs = append(ref.subs, s)
		}
		for range 2 { // the second match is served from the cache
			p1, q1 := names(sl.Match(literal))
			p2, q2 := ref.match(literal)
			if !equalResult(p1, q1, p2, q2) {
				t.Fatalf("Match(%q) with %q: trie %v %v, reference %v %v", literal, pattern, p1, q1, p2, q2)
			}
		}
		if err == nil {
			if err := sl.Remove(pattern, "", s); err != nil {
				t.Fatalf("Remove(%q): %v", pattern, err)
			}
			p1, q1 := names(sl.Match(literal))
			p2, q2 := (&naive{subs: others}).match(literal)
			if !equalResult(p1, q1, p2, q2) {
				t.Fatalf("after Remove, Match(%q): trie %v %v, reference %v %v", literal, p1, q1, p2, q2)
			}
		}
	})
}

func TestConcurrent(t *testing.T) {
	sl := New[*sub](64)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				s := &sub{id: w*10000 + i, subject: fmt.Sprintf("w%d.%d.>", w, i%10)}
				if err := sl.Insert(s.subject, "", s); err != nil {
					t.Error(err)
					return
				}
				if r := sl.Match(fmt.Sprintf("w%d.%d.x", w, i%10)); r.Empty() {
					t.Error("own subscription not matched")
					return
				}
				if err := sl.Remove(s.subject, "", s); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if sl.Count() != 0 {
		t.Fatalf("Count = %d", sl.Count())
	}
}
