package exchange

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Kind is an exchange type.
type Kind string

// The exchange types of AMQP 0-9-1 that RabbitMQ ships.
const (
	Direct  Kind = "direct"  // routing key == binding key
	Fanout  Kind = "fanout"  // every binding
	Topic   Kind = "topic"   // binding key is a pattern of words, '*' and '#'
	Headers Kind = "headers" // binding arguments match message headers
)

// Valid reports whether k is one of the four exchange types.
func (k Kind) Valid() bool {
	switch k {
	case Direct, Fanout, Topic, Headers:
		return true
	}
	return false
}

// Exchange is an exchange's declaration. Args are kept as first declared;
// of them only "alternate-exchange" (a longstr: the exchange to which
// messages go when this one routes them nowhere) has a meaning here.
type Exchange struct {
	Name       string
	Kind       Kind
	Durable    bool
	AutoDelete bool // deleted when its last binding as source goes
	Internal   bool // clients cannot publish to it (see CheckPublish)
	Args       Table
}

// Binding routes messages from the Source exchange to a queue, or to another
// exchange when ToExchange is set. Two bindings are the same binding when all
// five fields are equal (Args compared with their types, in any key order).
type Binding struct {
	Source      string
	Destination string
	ToExchange  bool
	RoutingKey  string
	Args        Table
}

// AlternateExchangeArg is the exchange argument naming the alternate exchange.
const AlternateExchangeArg = "alternate-exchange"

// dest is where a binding leads: a queue or an exchange.
type dest struct {
	name     string
	exchange bool
}

// binding is a stored Binding with its identity and its place in the
// source's router.
type binding struct {
	Binding
	id   string
	slot int         // index in the router's slice that holds it
	node *topicNode  // topic: the trie node holding it
	hdr  *headerSpec // headers: the parsed pattern
}

func (b *binding) dest() dest { return dest{name: b.Destination, exchange: b.ToExchange} }

// bindingID identifies a binding within its source exchange.
func bindingID(b Binding) string {
	buf := make([]byte, 0, 16+len(b.Destination)+len(b.RoutingKey))
	if b.ToExchange {
		buf = append(buf, 'x')
	} else {
		buf = append(buf, 'q')
	}
	buf = appendStr(buf, b.Destination)
	buf = appendStr(buf, b.RoutingKey)
	buf = tableKey(buf, b.Args)
	return string(buf)
}

// exchange is a declared exchange with the bindings it is the source of.
type exchange struct {
	Exchange
	ae       string // alternate exchange, "" when none
	hasAE    bool
	bindings map[string]*binding // by bindingID
	router   router
}

func (e *exchange) copy() *Exchange {
	x := e.Exchange
	x.Args = cloneTable(x.Args)
	return &x
}

// Registry holds the exchanges and bindings of the vhost. It is not safe for
// concurrent use: see the package documentation.
type Registry struct {
	exchanges map[string]*exchange
	// byDest indexes every binding by destination, for deleting a queue or
	// an exchange that bindings lead to.
	byDest map[dest]map[*binding]struct{}

	// Scratch space for Route, reused between calls.
	dests []dest
	work  []*exchange
	seen  map[string]struct{}
}

// NewRegistry returns a Registry holding the exchanges every RabbitMQ vhost
// has: the default exchange "" (direct), amq.direct, amq.fanout, amq.topic,
// amq.headers, amq.match (headers) and amq.rabbitmq.trace (topic, internal),
// all durable.
func NewRegistry() *Registry {
	r := &Registry{
		exchanges: make(map[string]*exchange),
		byDest:    make(map[dest]map[*binding]struct{}),
		seen:      make(map[string]struct{}),
	}
	for _, x := range []Exchange{
		{Name: "", Kind: Direct},
		{Name: "amq.direct", Kind: Direct},
		{Name: "amq.fanout", Kind: Fanout},
		{Name: "amq.topic", Kind: Topic},
		{Name: "amq.headers", Kind: Headers},
		{Name: "amq.match", Kind: Headers},
		{Name: "amq.rabbitmq.trace", Kind: Topic, Internal: true},
	} {
		x.Durable = true
		r.create(x)
	}
	return r
}

func (r *Registry) create(x Exchange) *exchange {
	x.Args = cloneTable(x.Args)
	e := &exchange{
		Exchange: x,
		bindings: make(map[string]*binding),
		router:   newRouter(x.Name, x.Kind),
	}
	e.ae, e.hasAE = x.Args[AlternateExchangeArg].(string)
	r.exchanges[x.Name] = e
	return e
}

// Declare declares an exchange (exchange.declare) and returns a copy of the
// exchange as it now exists.
//
// Passive: only checks that the exchange exists (ErrNotFound, "no exchange
// 'x' in vhost '/'"); x's other fields are ignored.
//
// Otherwise, in RabbitMQ's order:
//   - an unknown Kind is ErrCommandInvalid, a connection exception
//     ("unknown exchange type 'foo'"; an empty Kind is "invalid exchange
//     type" instead, as in RabbitMQ);
//   - the default exchange "" is ErrAccessRefused ("operation not permitted
//     on the default exchange"), passive or not;
//   - an existing exchange must be equivalent: same kind, durable,
//     auto-delete, internal and alternate-exchange argument, or
//     ErrPrecondition ("inequivalent arg 'type' for exchange 'x' in vhost
//     '/': received 'fanout' but current is 'direct'"); other arguments are
//     not compared and the first declaration's are kept;
//   - a new exchange may not be named "amq.*" (ErrAccessRefused, "exchange
//     name 'amq.foo' contains reserved prefix 'amq.*'"), and its
//     alternate-exchange argument must be a string (ErrPrecondition,
//     "invalid type 'long' for arg 'alternate-exchange' in exchange 'x' in
//     vhost '/'").
func (r *Registry) Declare(x Exchange, passive bool) (*Exchange, error) {
	if passive {
		if x.Name == "" {
			return nil, errDefaultExchange()
		}
		e := r.exchanges[x.Name]
		if e == nil {
			return nil, errNoExchange(x.Name)
		}
		return e.copy(), nil
	}
	if !x.Kind.Valid() {
		if x.Kind == "" {
			// '' is an existing atom in RabbitMQ, so it is "invalid", not
			// "unknown".
			return nil, newErr(ErrCommandInvalid, "invalid exchange type ''")
		}
		return nil, newErr(ErrCommandInvalid, "unknown exchange type '%s'", x.Kind)
	}
	if x.Name == "" {
		return nil, errDefaultExchange()
	}
	if e := r.exchanges[x.Name]; e != nil {
		if err := e.assertEquivalent(x); err != nil {
			return nil, err
		}
		return e.copy(), nil
	}
	if strings.HasPrefix(x.Name, "amq.") {
		return nil, newErr(ErrAccessRefused, "exchange name '%s' contains reserved prefix 'amq.*'", x.Name)
	}
	if v, ok := x.Args[AlternateExchangeArg]; ok {
		if _, isStr := v.(string); !isStr {
			return nil, newErr(ErrPrecondition, "invalid type '%s' for arg '%s' in %s",
				typeName(v), AlternateExchangeArg, rs(x.Name))
		}
	}
	return r.create(x).copy(), nil
}

// assertEquivalent follows rabbit_exchange:assert_equivalence/6.
func (e *exchange) assertEquivalent(x Exchange) error {
	q := func(s string) string { return "'" + s + "'" }
	b := func(v bool) string { return q(strconv.FormatBool(v)) }
	switch {
	case x.Kind != e.Kind:
		return e.inequivalent("type", q(string(x.Kind)), q(string(e.Kind)))
	case x.Durable != e.Durable:
		return e.inequivalent("durable", b(x.Durable), b(e.Durable))
	case x.AutoDelete != e.AutoDelete:
		return e.inequivalent("auto_delete", b(x.AutoDelete), b(e.AutoDelete))
	case x.Internal != e.Internal:
		return e.inequivalent("internal", b(x.Internal), b(e.Internal))
	}
	// rabbit_misc:assert_args_equivalence/4 over [alternate-exchange]: equal
	// when the type classes match and the values are ==, or when the bare
	// values are identical (=:=, so "ae" as longstr equals "ae" as binary
	// but 5 does not equal 5.0).
	ov, oOK := e.Args[AlternateExchangeArg]
	nv, nOK := x.Args[AlternateExchangeArg]
	switch {
	case !oOK && !nOK:
		return nil
	case oOK && nOK:
		if looseEqual(ov, nv) && (typeClass(ov) == typeClass(nv) || (typeClass(ov) != "float" && typeClass(nv) != "float")) {
			return nil
		}
		return e.inequivalent(AlternateExchangeArg, bareVal(nv), bareVal(ov))
	}
	return e.inequivalent(AlternateExchangeArg, erlangVal(nv, nOK), erlangVal(ov, oOK))
}

func (e *exchange) inequivalent(field, received, current string) error {
	return newErr(ErrPrecondition, "inequivalent arg '%s' for %s: received %s but current is %s",
		field, rs(e.Name), received, current)
}

// bareVal formats a value as val/1 does for a bare value: 'ae', '5'.
func bareVal(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + x + "'"
	case []byte:
		return "'" + string(x) + "'"
	}
	return "'" + erlangTerm(v) + "'"
}

// Get returns a copy of the named exchange.
func (r *Registry) Get(name string) (*Exchange, bool) {
	e := r.exchanges[name]
	if e == nil {
		return nil, false
	}
	return e.copy(), true
}

// HasBindings reports whether exchange name is the source of at least one
// binding (false for a missing exchange), in constant time. The NATS front
// uses it to skip routing its publishes into amq.topic while nothing is
// bound there.
func (r *Registry) HasBindings(name string) bool {
	e, ok := r.exchanges[name]
	return ok && len(e.bindings) > 0
}

// CheckPublish checks that a client may publish to the named exchange
// (basic.publish): ErrNotFound ("no exchange 'x' in vhost '/'") when it does
// not exist, ErrAccessRefused ("cannot publish to internal exchange 'x' in
// vhost '/'") when it is internal. Route itself does not check Internal:
// exchange-to-exchange bindings, alternate exchanges and dead lettering do
// reach internal exchanges.
func (r *Registry) CheckPublish(name string) error {
	e := r.exchanges[name]
	if e == nil {
		return errNoExchange(name)
	}
	if e.Internal {
		return newErr(ErrAccessRefused, "cannot publish to internal %s", rs(name))
	}
	return nil
}

// Delete deletes an exchange (exchange.delete) with the bindings it is the
// source or the destination of; auto-delete exchanges that thereby lose their
// last binding go too.
//
// Errors, in RabbitMQ's order: the default exchange is ErrAccessRefused
// ("operation not permitted on the default exchange"); any "amq.*" name is
// ErrAccessRefused ("deletion of system exchange 'amq.direct' in vhost '/'
// not allowed"); a missing exchange is ErrNotFound ("no exchange 'x' in vhost
// '/'"); with ifUnused, an exchange that is the source of a binding is
// ErrPrecondition ("exchange 'x' in vhost '/' in use").
//
// RabbitMQ 3.x answers exchange.delete-ok for a missing exchange: an AMQP
// front should treat ErrNotFound from Delete as success.
func (r *Registry) Delete(name string, ifUnused bool) error {
	if name == "" {
		return errDefaultExchange()
	}
	if strings.HasPrefix(name, "amq.") {
		return newErr(ErrAccessRefused, "deletion of system %s not allowed", rs(name))
	}
	e := r.exchanges[name]
	if e == nil {
		return errNoExchange(name)
	}
	if ifUnused && len(e.bindings) > 0 {
		return newErr(ErrPrecondition, "%s in use", rs(name))
	}
	r.deleteExchange(e)
	return nil
}

// deleteExchange removes e, its bindings as source and as destination, and
// then the auto-delete exchanges left without bindings (cascading).
func (r *Registry) deleteExchange(e *exchange) {
	delete(r.exchanges, e.Name)
	for _, b := range e.bindings {
		r.unindex(b)
	}
	e.bindings = nil
	r.removeDest(dest{name: e.Name, exchange: true})
}

// removeDest removes every binding leading to d, then auto-deletes the
// sources left without bindings.
func (r *Registry) removeDest(d dest) {
	set := r.byDest[d]
	if len(set) == 0 {
		return
	}
	delete(r.byDest, d)
	var sources []*exchange
	for b := range set {
		src := r.exchanges[b.Source]
		delete(src.bindings, b.id)
		src.router.remove(b)
		if src.AutoDelete && !slices.Contains(sources, src) {
			sources = append(sources, src)
		}
	}
	for _, src := range sources {
		r.maybeAutoDelete(src)
	}
}

func (r *Registry) maybeAutoDelete(e *exchange) {
	if e.AutoDelete && len(e.bindings) == 0 && r.exchanges[e.Name] == e {
		r.deleteExchange(e)
	}
}

func (r *Registry) index(b *binding) {
	d := b.dest()
	set := r.byDest[d]
	if set == nil {
		set = make(map[*binding]struct{})
		r.byDest[d] = set
	}
	set[b] = struct{}{}
}

func (r *Registry) unindex(b *binding) {
	d := b.dest()
	set := r.byDest[d]
	delete(set, b)
	if len(set) == 0 {
		delete(r.byDest, d)
	}
}

// CheckBinding validates b for Bind without changing anything, in RabbitMQ's
// order: the default exchange as source or destination is ErrAccessRefused
// ("operation not permitted on the default exchange"); a missing source, then
// a missing destination exchange, is ErrNotFound ("no exchange 'x' in vhost
// '/'"); on a headers exchange a bad x-match is ErrPrecondition ("Invalid
// x-match field value <<\"foo\">>; expected all, any, all-with-x, or
// any-with-x").
//
// The Registry does not know queues. RabbitMQ reports a missing source
// exchange before a missing queue and both before a bad x-match: a caller
// that wants the same order checks the source first (Get), then the queue,
// then calls Bind.
func (r *Registry) CheckBinding(b Binding) error {
	_, err := r.checkBinding(b)
	return err
}

func (r *Registry) checkBinding(b Binding) (*exchange, error) {
	if b.Source == "" || (b.ToExchange && b.Destination == "") {
		return nil, errDefaultExchange()
	}
	src := r.exchanges[b.Source]
	if src == nil {
		return nil, errNoExchange(b.Source)
	}
	if b.ToExchange && r.exchanges[b.Destination] == nil {
		return nil, errNoExchange(b.Destination)
	}
	if src.Kind == Headers {
		if err := validateHeadersBinding(b.Args); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// Bind adds a binding (queue.bind, exchange.bind) after CheckBinding's
// checks. Binding twice is a no-op. The caller checks that a queue
// destination exists.
func (r *Registry) Bind(b Binding) error {
	src, err := r.checkBinding(b)
	if err != nil {
		return err
	}
	id := bindingID(b)
	if _, dup := src.bindings[id]; dup {
		return nil
	}
	b.Args = cloneTable(b.Args)
	nb := &binding{Binding: b, id: id}
	src.bindings[id] = nb
	src.router.add(nb)
	r.index(nb)
	return nil
}

// Unbind removes a binding (queue.unbind, exchange.unbind). As in RabbitMQ,
// unbinding what does not exist (binding, source or destination) succeeds;
// only the default exchange is refused (ErrAccessRefused). An auto-delete
// source left without bindings is deleted.
func (r *Registry) Unbind(b Binding) error {
	if b.Source == "" || (b.ToExchange && b.Destination == "") {
		return errDefaultExchange()
	}
	src := r.exchanges[b.Source]
	if src == nil {
		return nil
	}
	nb := src.bindings[bindingID(b)]
	if nb == nil {
		return nil
	}
	delete(src.bindings, nb.id)
	src.router.remove(nb)
	r.unindex(nb)
	r.maybeAutoDelete(src)
	return nil
}

// RemoveDestination drops the bindings leading to a queue that was deleted,
// and the auto-delete exchanges that thereby lose their last binding.
func (r *Registry) RemoveDestination(queue string) {
	r.removeDest(dest{name: queue})
}

// Exchanges returns copies of all exchanges, sorted by name.
func (r *Registry) Exchanges() []*Exchange {
	out := make([]*Exchange, 0, len(r.exchanges))
	for _, e := range r.exchanges {
		out = append(out, e.copy())
	}
	slices.SortFunc(out, func(a, b *Exchange) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Bindings returns copies of all explicit bindings, sorted by source, then
// destination (queues before exchanges of the same name), routing key and
// arguments. The default exchange's implicit bindings are not listed.
func (r *Registry) Bindings() []Binding {
	var bs []*binding
	for _, e := range r.exchanges {
		for _, b := range e.bindings {
			bs = append(bs, b)
		}
	}
	return sortedCopies(bs)
}

// BindingsTo returns copies of the bindings leading to the named queue (or
// exchange, with toExchange), sorted as Bindings sorts them.
func (r *Registry) BindingsTo(name string, toExchange bool) []Binding {
	set := r.byDest[dest{name: name, exchange: toExchange}]
	bs := make([]*binding, 0, len(set))
	for b := range set {
		bs = append(bs, b)
	}
	return sortedCopies(bs)
}

func sortedCopies(bs []*binding) []Binding {
	slices.SortFunc(bs, func(a, b *binding) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if c := strings.Compare(a.Destination, b.Destination); c != 0 {
			return c
		}
		if a.ToExchange != b.ToExchange {
			if a.ToExchange {
				return 1
			}
			return -1
		}
		return cmp.Or(strings.Compare(a.RoutingKey, b.RoutingKey), strings.Compare(a.id, b.id))
	})
	out := make([]Binding, len(bs))
	for i, b := range bs {
		out[i] = b.Binding
		out[i].Args = cloneTable(b.Args)
	}
	return out
}
