package exchange

// Topic matching, as RabbitMQ's topic exchange does it (rabbit_exchange_type_topic,
// rabbit_db_topic_exchange):
//
//   - A routing key and a binding key are lists of words separated by '.'.
//     The empty string is zero words; otherwise every '.' separates two
//     words, which may be empty: "a..b" is ["a" "" "b"], "a." is ["a" ""].
//   - In a binding key '*' matches exactly one word and '#' zero or more
//     words. '*' and '#' are wildcards only as whole words ("a*" is literal).
//   - So "#" matches every key, "" included; "*" does not match "" (zero
//     words); "a.#" matches "a" but not "".
//
// The bindings live in a trie of words (one per topic exchange). Matching
// runs the trie as an NFA over the key's words, one set of live nodes per
// word, so patterns full of '#' cost O(words x nodes) instead of the
// exponential backtracking of a recursive matcher. Results are memoised per
// routing key in a bounded cache that any bind or unbind clears.

// Bounds of the match cache of one topic exchange: entries, and
// destinations held by all entries together (24 bytes each), so that a
// "#" bound by thousands of queues cannot make each entry huge. A result
// larger than topicCacheMaxDests/16 is not cached: listing that many
// destinations costs more than matching them.
const (
	topicCacheMax      = 4096
	topicCacheMaxDests = 1 << 16
)

type topicNode struct {
	parent *topicNode
	word   string // edge label from parent: a literal word, "*" or "#"
	isHash bool   // reached through a '#' edge: consumes any word, staying here

	children map[string]*topicNode // literal words
	star     *topicNode
	hash     *topicNode
	leaf     []*binding // bindings whose key ends here

	mark uint64 // == topicTrie.stamp when already in the current live set
}

func (n *topicNode) empty() bool {
	return len(n.leaf) == 0 && len(n.children) == 0 && n.star == nil && n.hash == nil
}

// topicTrie holds the bindings of one topic exchange. Not safe for
// concurrent use; match mutates scratch state and the cache.
type topicTrie struct {
	root  topicNode
	count int

	cache      map[string][]dest
	cacheMax   int // entries
	cacheDests int // destinations held by the entries

	stamp     uint64
	cur, next []*topicNode
}

func newTopicTrie() *topicTrie {
	return &topicTrie{cache: make(map[string][]dest), cacheMax: topicCacheMax}
}

// forEachWord calls fn with each word of key, RabbitMQ style: none for "".
func forEachWord(key string, fn func(w string)) {
	if key == "" {
		return
	}
	start := 0
	for i := 0; i < len(key); i++ {
		if key[i] == '.' {
			fn(key[start:i])
			start = i + 1
		}
	}
	fn(key[start:])
}

func (t *topicTrie) add(b *binding) {
	n := &t.root
	forEachWord(b.RoutingKey, func(w string) {
		var c *topicNode
		switch w {
		case "*":
			if n.star == nil {
				n.star = &topicNode{parent: n, word: w}
			}
			c = n.star
		case "#":
			if n.hash == nil {
				n.hash = &topicNode{parent: n, word: w, isHash: true}
			}
			c = n.hash
		default:
			c = n.children[w]
			if c == nil {
				if n.children == nil {
					n.children = make(map[string]*topicNode)
				}
				c = &topicNode{parent: n, word: w}
				n.children[w] = c
			}
		}
		n = c
	})
	b.slot = len(n.leaf)
	b.node = n
	n.leaf = append(n.leaf, b)
	t.count++
	t.invalidate()
}

func (t *topicTrie) remove(b *binding) {
	n := b.node
	n.leaf = removeSlot(n.leaf, b)
	b.node = nil
	t.count--
	// Prune nodes left with nothing below them.
	for n != &t.root && n.empty() {
		p := n.parent
		switch {
		case p.star == n:
			p.star = nil
		case p.hash == n:
			p.hash = nil
		default:
			delete(p.children, n.word)
		}
		n = p
	}
	t.invalidate()
}

func (t *topicTrie) invalidate() {
	if len(t.cache) > 0 {
		clear(t.cache)
	}
	t.cacheDests = 0
}

// addLive puts n and everything reachable from it through '#' edges (a '#'
// may match zero words) into the next live set, once.
func (t *topicTrie) addLive(n *topicNode) {
	for ; n != nil; n = n.hash {
		if n.mark == t.stamp {
			return
		}
		n.mark = t.stamp
		t.next = append(t.next, n)
	}
}

// match returns the destinations of the bindings whose key matches
// routingKey, in no particular order; a destination appears once per
// matching binding (Route removes the duplicates). The slice belongs to the
// trie (it may be a cache entry): read it, do not keep or modify it.
func (t *topicTrie) match(routingKey string) []dest {
	if r, ok := t.cache[routingKey]; ok {
		return r
	}
	r := t.matchNoCache(routingKey)
	if len(r) > topicCacheMaxDests/16 {
		return r
	}
	if len(t.cache) >= t.cacheMax || t.cacheDests+len(r) > topicCacheMaxDests {
		// Evict about half, at random (map order), as nats' sublist does.
		n := len(t.cache) / 2
		for k, v := range t.cache {
			if n == 0 {
				break
			}
			delete(t.cache, k)
			t.cacheDests -= len(v)
			n--
		}
	}
	t.cache[routingKey] = r
	t.cacheDests += len(r)
	return r
}

// matchNoCache runs the trie against routingKey and returns a fresh slice.
func (t *topicTrie) matchNoCache(routingKey string) []dest {
	if t.count == 0 {
		return nil
	}
	t.stamp++
	t.next = t.next[:0]
	t.addLive(&t.root)
	forEachWord(routingKey, func(w string) {
		if len(t.next) == 0 {
			return
		}
		t.cur, t.next = t.next, t.cur[:0]
		t.stamp++
		for _, n := range t.cur {
			if n.isHash {
				// '#' swallows this word and stays.
				t.addLive(n)
			}
			if c := n.children[w]; c != nil {
				t.addLive(c)
			}
			if n.star != nil {
				t.addLive(n.star)
			}
		}
	})
	n := 0
	for _, node := range t.next {
		n += len(node.leaf)
	}
	if n == 0 {
		return nil
	}
	out := make([]dest, 0, n)
	for _, node := range t.next {
		for _, b := range node.leaf {
			out = append(out, b.dest())
		}
	}
	return out
}
