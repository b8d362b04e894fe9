package broker

import (
	"slices"
	"sort"
	"sync"

	"github.com/switchyard/switchyard/internal/glob"
)

// SubKind names one of the three pub/sub namespaces of Redis 7.0
// (https://redis.io/docs/latest/develop/interactions/pubsub/).
type SubKind uint8

const (
	// SubChannel: SUBSCRIBE / UNSUBSCRIBE / PUBLISH, exact channel names.
	SubChannel SubKind = iota
	// SubPattern: PSUBSCRIBE / PUNSUBSCRIBE, glob patterns (internal/glob)
	// matched against the channel of every PUBLISH.
	SubPattern
	// SubShard: SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH, shard channels. Without a
	// cluster they are a namespace of their own that patterns never match.
	SubShard

	numKinds = 3
)

// Message is one publication as handed to a Subscriber.
//
// Kind is SubChannel for a subscriber of the exact channel (Redis
// "message"), SubPattern for a subscriber of a matching pattern ("pmessage",
// with Pattern set) and SubShard for a shard channel subscriber
// ("smessage").
type Message struct {
	Kind    SubKind
	Pattern string // the matching pattern when Kind is SubPattern, else ""
	Channel string
	Payload []byte
}

// Subscriber receives published messages.
//
// Deliver is called with the hub lock held (shared), possibly by several
// publishers at once, and also while the engine lock is held (PUBLISH
// inside EXEC). It must only enqueue the message into the subscriber's
// bounded outbound buffer: never block, write a socket or call the Hub or
// the Engine. m and its fields are valid only during the call. Deliver
// reports whether the message was accepted; PUBLISH counts the receiver
// either way, as Redis does.
//
// Implementations are compared as map keys: use pointers to distinct,
// non-zero-size values (pointers to zero-size values may be equal).
type Subscriber interface {
	Deliver(m *Message) bool
}

// subscribers is one channel's, pattern's or shard channel's subscriber set.
type subscribers struct {
	name string
	set  map[Subscriber]struct{}
}

// Hub is the pub/sub registry (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, PUBLISH,
// SPUBLISH, PUBSUB). It has its own lock, independent of the engine lock,
// and never takes the engine lock. Publishers deliver under the shared lock
// by handing each message to the subscriber's Deliver method, which only
// enqueues; subscription changes take the lock exclusively (Update), so a
// subscriber that enqueues its confirmation inside Update sees it precede
// every message delivered under the new subscription.
//
// The zero value is not usable; create a Hub with NewHub.
type Hub struct {
	mu sync.RWMutex // guards names and patterns
	// names maps, per SubKind, a channel (or pattern, or shard channel) to its
	// subscribers; an entry exists only while it has at least one.
	names [numKinds]map[string]*subscribers
	// patterns holds the SubPattern entries in creation order: PUBLISH matches
	// them in this order, so a client subscribed to several matching
	// patterns gets its pmessages in a stable order.
	patterns []*subscribers
}

// NewHub returns an empty Hub.
func NewHub() *Hub {
	h := &Hub{}
	for i := range h.names {
		h.names[i] = map[string]*subscribers{}
	}
	return h
}

// Registry is the Hub's write handle, valid only inside the Update call
// that passed it (the hub lock is then held exclusively).
type Registry struct {
	h *Hub
}

// Update runs fn with the hub lock held exclusively. While fn runs no
// message is delivered, so whatever fn enqueues to a subscriber (for
// example a subscribe confirmation) precedes every message published under
// the registrations fn made. fn must not block, do I/O or call the Hub.
func (h *Hub) Update(fn func(r *Registry)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn(&Registry{h: h})
}

// Subscribe adds s to the subscribers of name in namespace kind and reports
// whether it was added (false: s was already subscribed).
func (r *Registry) Subscribe(kind SubKind, s Subscriber, name string) bool {
	h := r.h
	e := h.names[kind][name]
	if e == nil {
		e = &subscribers{name: name, set: map[Subscriber]struct{}{}}
		h.names[kind][name] = e
		if kind == SubPattern {
			h.patterns = append(h.patterns, e)
		}
	}
	if _, ok := e.set[s]; ok {
		return false
	}
	e.set[s] = struct{}{}
	return true
}

// Unsubscribe removes s from the subscribers of name in namespace kind and
// reports whether it was subscribed. A name left without subscribers is
// forgotten (PUBSUB CHANNELS and NUMPAT no longer count it).
func (r *Registry) Unsubscribe(kind SubKind, s Subscriber, name string) bool {
	h := r.h
	e := h.names[kind][name]
	if e == nil {
		return false
	}
	if _, ok := e.set[s]; !ok {
		return false
	}
	delete(e.set, s)
	if len(e.set) == 0 {
		delete(h.names[kind], name)
		if kind == SubPattern {
			for i, p := range h.patterns {
				if p == e {
					h.patterns = slices.Delete(h.patterns, i, i+1) // zeroes the tail
					break
				}
			}
		}
	}
	return true
}

// Publish delivers payload to the subscribers of channel, then to the
// subscribers of every pattern matching it (patterns in creation order),
// and returns the number of receivers as Redis PUBLISH does: a client is
// counted once per matching subscription, so a client subscribed to the
// channel and to two matching patterns counts three times and gets three
// messages.
func (h *Hub) Publish(channel string, payload []byte) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	m := Message{Kind: SubChannel, Channel: channel, Payload: payload}
	n := 0
	if e := h.names[SubChannel][channel]; e != nil {
		n += deliver(e, &m)
	}
	m.Kind = SubPattern
	for _, e := range h.patterns {
		if glob.Match(e.name, channel) {
			m.Pattern = e.name
			n += deliver(e, &m)
		}
	}
	return n
}

// PublishShard delivers payload to the subscribers of the shard channel
// (SPUBLISH) and returns their number. Patterns never match shard channels.
func (h *Hub) PublishShard(channel string, payload []byte) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	m := Message{Kind: SubShard, Channel: channel, Payload: payload}
	if e := h.names[SubShard][channel]; e != nil {
		return deliver(e, &m)
	}
	return 0
}

func deliver(e *subscribers, m *Message) int {
	for s := range e.set {
		s.Deliver(m)
	}
	return len(e.set)
}

// Channels returns, sorted, the names in namespace kind that have at least
// one subscriber and match the glob pattern (PUBSUB CHANNELS and
// SHARDCHANNELS; Redis's default pattern is "*").
func (h *Hub) Channels(kind SubKind, pattern string) []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []string
	for name := range h.names[kind] {
		if pattern == "*" || glob.Match(pattern, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// NumSub returns the number of subscribers of each name in namespace kind,
// in the order given (PUBSUB NUMSUB and SHARDNUMSUB; pattern subscriptions
// are not counted).
func (h *Hub) NumSub(kind SubKind, names []string) []int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]int, len(names))
	for i, name := range names {
		if e := h.names[kind][name]; e != nil {
			out[i] = len(e.set)
		}
	}
	return out
}

// Len returns the number of distinct names with subscribers in namespace
// kind. Len(SubPattern) is PUBSUB NUMPAT: Redis 7.0 counts distinct patterns,
// not pattern subscriptions. Len(SubChannel) and Len(SubPattern) are also INFO's
// pubsub_channels and pubsub_patterns.
func (h *Hub) Len(kind SubKind) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.names[kind])
}
