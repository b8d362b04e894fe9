package exchange

// A router holds the bindings of one exchange (as source) in the structure
// its kind routes with, and appends the destinations a message reaches.
type router interface {
	add(b *binding)
	remove(b *binding)
	// appendRoutes appends the destinations of the bindings that match
	// (duplicates allowed) to out.
	appendRoutes(out []dest, routingKey string, headers Table) []dest
}

func newRouter(name string, k Kind) router {
	if name == "" {
		return defaultRouter{}
	}
	switch k {
	case Direct:
		return &directRouter{byKey: make(map[string][]*binding)}
	case Fanout:
		return &fanoutRouter{}
	case Topic:
		return newTopicTrie()
	case Headers:
		return &headersRouter{}
	}
	panic("exchange: no router for kind " + string(k))
}

// defaultRouter is the default exchange "": every queue is implicitly bound
// to it with its own name as binding key, so a message goes to the queue
// named by its routing key (whether or not it exists: the caller checks).
// It holds no explicit bindings.
type defaultRouter struct{}

func (defaultRouter) add(*binding)    { panic("exchange: binding on the default exchange") }
func (defaultRouter) remove(*binding) { panic("exchange: binding on the default exchange") }
func (defaultRouter) appendRoutes(out []dest, routingKey string, _ Table) []dest {
	return append(out, dest{name: routingKey})
}

// directRouter: routing key equals binding key.
type directRouter struct {
	byKey map[string][]*binding
}

func (r *directRouter) add(b *binding) {
	s := r.byKey[b.RoutingKey]
	b.slot = len(s)
	r.byKey[b.RoutingKey] = append(s, b)
}

func (r *directRouter) remove(b *binding) {
	s := r.byKey[b.RoutingKey]
	if len(s) == 1 {
		delete(r.byKey, b.RoutingKey)
		return
	}
	r.byKey[b.RoutingKey] = removeSlot(s, b)
}

func (r *directRouter) appendRoutes(out []dest, routingKey string, _ Table) []dest {
	for _, b := range r.byKey[routingKey] {
		out = append(out, b.dest())
	}
	return out
}

// fanoutRouter: every binding, key and arguments ignored.
type fanoutRouter struct {
	all []*binding
}

func (r *fanoutRouter) add(b *binding) {
	b.slot = len(r.all)
	r.all = append(r.all, b)
}

func (r *fanoutRouter) remove(b *binding) { r.all = removeSlot(r.all, b) }

func (r *fanoutRouter) appendRoutes(out []dest, _ string, _ Table) []dest {
	for _, b := range r.all {
		out = append(out, b.dest())
	}
	return out
}

// appendRoutes makes the topic trie a router.
func (t *topicTrie) appendRoutes(out []dest, routingKey string, _ Table) []dest {
	return append(out, t.match(routingKey)...)
}

// removeSlot swap-removes b from s using b.slot, in O(1).
func removeSlot(s []*binding, b *binding) []*binding {
	last := len(s) - 1
	moved := s[last]
	s[b.slot] = moved
	moved.slot = b.slot
	s[last] = nil
	return s[:last]
}
