// Package sublist is the NATS subject index: a trie of subscription
// subjects with '*' and '>' wildcards and queue groups, and a bounded cache
// of match results, modelled on nats-server's server/sublist.go.
//
// # Core types
//
//   - Sublist[T] holds subscriptions of any comparable type T (the NATS front
//     uses *subscription), each under a subject and an optional queue group.
//   - Result[T] is what a published subject matches: the plain
//     subscriptions, and the members of each queue group (groups of the same
//     name under different subjects are one group, as in nats-server).
//
// # Concurrency contract
//
// A Sublist is safe for concurrent use. mu (a RWMutex) guards the trie:
// Insert and Remove take it for writing, Match for reading. cacheMu guards
// the match cache and is taken inside mu, never the other way round; a
// change drops exactly the cached entries its subject matches, while it
// holds mu for writing, so no stale result is ever cached. A Result
// returned by Match is shared and immutable: callers must not modify it,
// and may still see a subscription removed after Match returned (the NATS
// front checks a closed flag before delivering).
package sublist

import (
	"errors"
	"strings"
	"sync"
)

// Errors returned by Insert and Remove.
var (
	// ErrInvalidSubject: the subject is not a valid subscription subject.
	ErrInvalidSubject = errors.New("sublist: invalid subject")
	// ErrNotFound: Remove of a subscription that is not in the list.
	ErrNotFound = errors.New("sublist: not found")
)

// DefaultCacheSize is the default bound on cached match results.
const DefaultCacheSize = 1024

// Result is the set of subscriptions a literal subject matches.
type Result[T comparable] struct {
	// Plain are the subscriptions without a queue group.
	Plain []T
	// Queues holds one slice per queue group, named by QueueNames at the
	// same index; a message goes to one member of each.
	Queues     [][]T
	QueueNames []string
}

// Empty reports whether the result has no subscription at all.
func (r *Result[T]) Empty() bool { return len(r.Plain) == 0 && len(r.Queues) == 0 }

// Len returns the number of subscriptions in the result.
func (r *Result[T]) Len() int {
	n := len(r.Plain)
	for _, q := range r.Queues {
		n += len(q)
	}
	return n
}

type node[T comparable] struct {
	next   *level[T]
	plain  []T
	queues map[string][]T
}

func (n *node[T]) empty() bool {
	return len(n.plain) == 0 && len(n.queues) == 0 && (n.next == nil || n.next.empty())
}

type level[T comparable] struct {
	nodes    map[string]*node[T]
	pwc, fwc *node[T]
}

func (l *level[T]) empty() bool { return len(l.nodes) == 0 && l.pwc == nil && l.fwc == nil }

// Sublist is the subject trie. Create it with New.
type Sublist[T comparable] struct {
	mu    sync.RWMutex // guards root, count
	root  *level[T]
	count int

	cacheMu   sync.Mutex // guards cache; taken inside mu
	cache     map[string]*Result[T]
	cacheSize int
	hits      uint64
	misses    uint64
}

// New returns an empty Sublist whose cache holds at most cacheSize results
// (0 means DefaultCacheSize, negative disables the cache).
func New[T comparable](cacheSize int) *Sublist[T] {
	if cacheSize == 0 {
		cacheSize = DefaultCacheSize
	}
	s := &Sublist[T]{root: &level[T]{nodes: map[string]*node[T]{}}, cacheSize: cacheSize}
	if cacheSize > 0 {
		s.cache = make(map[string]*Result[T], cacheSize)
	}
	return s
}

// Count returns the number of subscriptions.
func (s *Sublist[T]) Count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.count
}

// CacheStats returns the cache's hits and misses so far and its size.
func (s *Sublist[T]) CacheStats() (hits, misses uint64, entries int) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	return s.hits, s.misses, len(s.cache)
}

// Insert adds v under subject, in queue group queue ("" for none). It
// returns ErrInvalidSubject for an invalid subject. Inserting the same v
// twice under the same subject and queue adds it twice.
func (s *Sublist[T]) Insert(subject, queue string, v T) error {
	if !ValidSubject(subject) {
		return ErrInvalidSubject
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.root
	var n *node[T]
	for tok := range strings.SplitSeq(subject, ".") {
		switch tok {
		case pwc:
			if l.pwc == nil {
				l.pwc = &node[T]{}
			}
			n = l.pwc
		case fwc:
			if l.fwc == nil {
				l.fwc = &node[T]{}
			}
			n = l.fwc
		default:
			n = l.nodes[tok]
			if n == nil {
				n = &node[T]{}
				l.nodes[tok] = n
			}
		}
		if n.next == nil {
			n.next = &level[T]{nodes: map[string]*node[T]{}}
		}
		l = n.next
	}
	if queue == "" {
		n.plain = append(n.plain, v)
	} else {
		if n.queues == nil {
			n.queues = map[string][]T{}
		}
		n.queues[queue] = append(n.queues[queue], v)
	}
	s.count++
	s.invalidateLocked(subject)
	return nil
}

// Remove deletes one occurrence of v under subject and queue. It returns
// ErrNotFound when there is none.
func (s *Sublist[T]) Remove(subject, queue string, v T) error {
	if !ValidSubject(subject) {
		return ErrInvalidSubject
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	type step struct {
		l   *level[T]
		n   *node[T]
		tok string
	}
	var path [16]step
	steps := path[:0]
	l := s.root
	var n *node[T]
	for tok := range strings.SplitSeq(subject, ".") {
		if l == nil {
			return ErrNotFound
		}
		switch tok {
		case pwc:
			n = l.pwc
		case fwc:
			n = l.fwc
		default:
			n = l.nodes[tok]
		}
		if n == nil {
			return ErrNotFound
		}
		steps = append(steps, step{l, n, tok})
		l = n.next
	}
	if !n.remove(queue, v) {
		return ErrNotFound
	}
	s.count--
	// Prune nodes left empty, deepest first.
	for i := len(steps) - 1; i >= 0; i-- {
		st := steps[i]
		if !st.n.empty() {
			break
		}
		switch st.tok {
		case pwc:
			st.l.pwc = nil
		case fwc:
			st.l.fwc = nil
		default:
			delete(st.l.nodes, st.tok)
		}
	}
	s.invalidateLocked(subject)
	return nil
}

func (n *node[T]) remove(queue string, v T) bool {
	if queue == "" {
		return removeFrom(&n.plain, v)
	}
	q := n.queues[queue]
	if !removeFrom(&q, v) {
		return false
	}
	if len(q) == 0 {
		delete(n.queues, queue)
	} else {
		n.queues[queue] = q
	}
	return true
}

// removeFrom deletes the first v from *list, keeping the order of the rest.
func removeFrom[T comparable](list *[]T, v T) bool {
	for i, x := range *list {
		if x == v {
			var zero T
			copy((*list)[i:], (*list)[i+1:])
			(*list)[len(*list)-1] = zero
			*list = (*list)[:len(*list)-1]
			return true
		}
	}
	return false
}

// invalidateLocked drops the cached results of the literal subjects that
// the changed subscription subject matches. Called with mu held for
// writing.
func (s *Sublist[T]) invalidateLocked(subject string) {
	if s.cache == nil {
		return
	}
	s.cacheMu.Lock()
	if !HasWildcard(subject) {
		delete(s.cache, subject)
	} else {
		for k := range s.cache {
			if MatchLiteral(k, subject) {
				delete(s.cache, k)
			}
		}
	}
	s.cacheMu.Unlock()
}

// Match returns the subscriptions matching the literal subject. An invalid
// subject (empty, empty token, whitespace) matches nothing. The result is
// shared: do not modify it.
func (s *Sublist[T]) Match(subject string) *Result[T] {
	if s.cache != nil {
		s.cacheMu.Lock()
		if r, ok := s.cache[subject]; ok {
			s.hits++
			s.cacheMu.Unlock()
			return r
		}
		s.misses++
		s.cacheMu.Unlock()
	}
	return s.match(subject)
}

// MatchBytes is Match for a subject in a byte slice; a cache hit does not
// allocate.
func (s *Sublist[T]) MatchBytes(subject []byte) *Result[T] {
	if s.cache != nil {
		s.cacheMu.Lock()
		if r, ok := s.cache[string(subject)]; ok {
			s.hits++
			s.cacheMu.Unlock()
			return r
		}
		s.misses++
		s.cacheMu.Unlock()
	}
	return s.match(string(subject))
}

func (s *Sublist[T]) match(subject string) *Result[T] {
	r := &Result[T]{}
	if !ValidSubject(subject) { // wildcard tokens are matched literally
		return r
	}
	var toks [32]string
	tokens := toks[:0]
	for tok := range strings.SplitSeq(subject, ".") {
		tokens = append(tokens, tok)
	}
	s.mu.RLock()
	matchLevel(s.root, tokens, r)
	if s.cache != nil {
		s.cacheMu.Lock()
		if len(s.cache) >= s.cacheSize {
			s.evictLocked()
		}
		s.cache[subject] = r
		s.cacheMu.Unlock()
	}
	s.mu.RUnlock()
	return r
}

// evictLocked drops about a quarter of the cache (map order is random, so
// the victims are too). Called with cacheMu held.
func (s *Sublist[T]) evictLocked() {
	drop := max(len(s.cache)/4, 1)
	for k := range s.cache {
		delete(s.cache, k)
		drop--
		if drop == 0 {
			return
		}
	}
}

func matchLevel[T comparable](l *level[T], toks []string, r *Result[T]) {
	for i, t := range toks {
		if l == nil {
			return
		}
		if l.fwc != nil {
			r.add(l.fwc)
		}
		if l.pwc != nil {
			if i == len(toks)-1 {
				r.add(l.pwc)
			} else {
				matchLevel(l.pwc.next, toks[i+1:], r)
			}
		}
		n := l.nodes[t]
		if n == nil {
			return
		}
		if i == len(toks)-1 {
			r.add(n)
			return
		}
		l = n.next
	}
}

func (r *Result[T]) add(n *node[T]) {
	r.Plain = append(r.Plain, n.plain...)
	for name, members := range n.queues {
		i := 0
		for i < len(r.QueueNames) && r.QueueNames[i] != name {
			i++
		}
		if i == len(r.QueueNames) {
			r.QueueNames = append(r.QueueNames, name)
			r.Queues = append(r.Queues, nil)
		}
		r.Queues[i] = append(r.Queues[i], members...)
	}
}
