package queue

import (
	"crypto/rand"
	"encoding/base64"
	"sort"
	"strconv"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/exchange"
)

// DirectReplyTo is RabbitMQ's direct reply-to pseudo-queue name.
const DirectReplyTo = "amq.rabbitmq.reply-to"

// Broker holds the exchanges and the queues. Create it with New.
type Broker struct {
	eng    *broker.Engine
	ex     *exchange.Registry
	queues map[string]*Queue
	nextCh uint64
}

// New returns a Broker whose queues live in eng's broker namespace.
func New(eng *broker.Engine) *Broker {
	return &Broker{eng: eng, ex: exchange.NewRegistry(), queues: map[string]*Queue{}}
}

// Close releases the broker's resources. It has no goroutines today.
func (b *Broker) Close() {}

// Engine returns the engine the broker runs on.
func (b *Broker) Engine() *broker.Engine { return b.eng }

// Exchanges returns the exchange registry; use it only under the engine
// lock.
func (b *Broker) Exchanges(tx *broker.Tx) *exchange.Registry { return b.ex }

// QueueOptions are queue.declare's fields (AMQP 0-9-1 spec 1.7.2.1).
type QueueOptions struct {
	Name       string // "" asks for a server-named queue (amq.gen-...)
	Passive    bool
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	Args       Table // x-message-ttl, x-expires, x-max-length ...
}

// QueueInfo describes a queue, as queue.declare-ok and listings report it.
type QueueInfo struct {
	Name       string
	Messages   int // ready messages
	Unacked    int
	Consumers  int
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	Args       Table
}

func genName() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "amq.gen-" + base64.RawURLEncoding.EncodeToString(b[:])
}

// DeclareQueue declares a queue for channel ch (queue.declare). It returns
// the queue's info; errors: 404 for a passive declare of a missing queue,
// 405 for another connection's exclusive queue, 406 for inequivalent
// attributes, 403 for a reserved "amq." name.
func (b *Broker) DeclareQueue(tx *broker.Tx, ch *Channel, o QueueOptions) (QueueInfo, error) {
	name := o.Name
	if name == DirectReplyTo {
		return QueueInfo{Name: name}, nil
	}
	if q, ok := b.queues[name]; ok && name != "" {
		if err := q.checkAccess(ch.owner, o.Exclusive && !o.Passive); err != nil {
			return QueueInfo{}, err
		}
		if !o.Passive {
			switch {
			case q.durable != o.Durable:
				return QueueInfo{}, errInequivalent("durable", name, o.Durable, q.durable)
			case q.autoDelete != o.AutoDelete:
				return QueueInfo{}, errInequivalent("auto_delete", name, o.AutoDelete, q.autoDelete)
			}
			if err := equivalentArgs(name, o.Args, q.rawArgs); err != nil {
				return QueueInfo{}, err
			}
		}
		return q.info(), nil
	}
	if o.Passive {
		return QueueInfo{}, errNoQueue(name)
	}
	if name == "" {
		for name == "" || b.queues[name] != nil {
			name = genName()
		}
	} else if len(name) >= 4 && name[:4] == "amq." {
		return QueueInfo{}, newErr(ErrAccessRefused, "%s", "queue name '"+name+"' contains reserved prefix 'amq.*'")
	}
	args, err := parseQueueArgs(o.Args)
	if err != nil {
		return QueueInfo{}, err
	}
	q := newQueue(tx, b, name, o, args)
	if o.Exclusive {
		q.owner = ch.owner
		q.exclusive = true
	}
	b.queues[name] = q
	if q.persisted() {
		b.propagate(tx, q.declareArgs()...)
	}
	return q.info(), nil
}

// equivalentArgs compares the x- arguments RabbitMQ checks on redeclare.
func equivalentArgs(name string, got, cur Table) error {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range cur {
		keys[k] = true
	}
	for k := range keys {
		g, c := got[k], cur[k]
		if !sameValue(g, c) {
			if c == nil {
				return newErr(ErrPrecondition, "%s", "inequivalent arg '"+k+"' for queue '"+name+"' in vhost '/': received '"+argString(g)+"' but current is 'none'")
			}
			return newErr(ErrPrecondition, "%s", "inequivalent arg '"+k+"' for queue '"+name+"' in vhost '/': received '"+argString(g)+"' but current is '"+argString(c)+"'")
		}
	}
	return nil
}

func argString(v any) string {
	if v == nil {
		return "none"
	}
	if s, ok := v.(string); ok {
		return s
	}
	if n, ok := toInt64(v); ok {
		return strconv.FormatInt(n, 10)
	}
	return "?"
}

func sameValue(a, b any) bool {
	if ai, ok := toInt64(a); ok {
		bi, ok := toInt64(b)
		return ok && ai == bi
	}
	switch av := a.(type) {
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case nil:
		return b == nil
	}
	return false
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		return int64(n), true
	}
	return 0, false
}

// lookup returns a queue visible to ch: 404 when missing, 405 when another
// connection's exclusive queue.
func (b *Broker) lookup(ch *Channel, name string) (*Queue, error) {
	q, ok := b.queues[name]
	if !ok {
		return nil, errNoQueue(name)
	}
	if err := q.checkAccess(ch.owner, false); err != nil {
		return nil, err
	}
	return q, nil
}

// DeleteQueue deletes a queue (queue.delete) and returns the number of
// ready messages it held. ifUnused refuses (406) while it has consumers,
// ifEmpty while it has ready messages. Deleting a missing queue is not an
// error (RabbitMQ 3.x answers delete-ok with 0).
func (b *Broker) DeleteQueue(tx *broker.Tx, ch *Channel, name string, ifUnused, ifEmpty bool) (int, error) {
	q, ok := b.queues[name]
	if !ok {
		return 0, nil
	}
	if err := q.checkAccess(ch.owner, false); err != nil {
		return 0, err
	}
	if ifUnused && len(q.consumers) > 0 {
		return 0, newErr(ErrPrecondition, "%s", "queue '"+name+"' in vhost '/' in use")
	}
	if ifEmpty && q.ready.Len() > 0 {
		return 0, newErr(ErrPrecondition, "%s", "queue '"+name+"' in vhost '/' not empty")
	}
	return b.deleteQueue(tx, q), nil
}

func (b *Broker) deleteQueue(tx *broker.Tx, q *Queue) int {
	n := q.ready.Len()
	if q.persisted() {
		b.propagate(tx, "QUEUE.DELETE", q.name)
	}
	delete(b.queues, q.name)
	b.ex.RemoveDestination(q.name)
	q.deleted = true
	tx.BrokerDB().Delete(q.key)
	for _, c := range q.consumers {
		c.cancelled = true
		delete(c.ch.consumers, c.Tag)
		if c.OnCancel != nil {
			c.OnCancel(c)
		}
	}
	q.consumers = nil
	q.signal(tx) // wake pull waiters so they see the queue is gone
	return n
}

// PurgeQueue removes every ready message (queue.purge) and returns how many.
func (b *Broker) PurgeQueue(tx *broker.Tx, ch *Channel, name string) (int, error) {
	q, err := b.lookup(ch, name)
	if err != nil {
		return 0, err
	}
	n := q.ready.Len()
	q.ready.Filter(func(int, []byte) bool { return false })
	if q.persisted() {
		b.propagate(tx, "QUEUE.PURGE", q.name)
	}
	tx.BrokerDB().Touch(q.key)
	return n, nil
}

// BindQueue binds queue to exchange with routingKey and args (queue.bind).
func (b *Broker) BindQueue(tx *broker.Tx, ch *Channel, queue, exch, routingKey string, args Table) error {
	if _, err := b.lookup(ch, queue); err != nil {
		return err
	}
	bd := exchange.Binding{Source: exch, Destination: queue, RoutingKey: routingKey, Args: args}
	if err := b.ex.Bind(bd); err != nil {
		return err
	}
	b.RecordBinding(tx, bd, true)
	return nil
}

// UnbindQueue removes a binding (queue.unbind).
func (b *Broker) UnbindQueue(tx *broker.Tx, ch *Channel, queue, exch, routingKey string, args Table) error {
	if _, err := b.lookup(ch, queue); err != nil {
		return err
	}
	bd := exchange.Binding{Source: exch, Destination: queue, RoutingKey: routingKey, Args: args}
	b.RecordBinding(tx, bd, false)
	return b.ex.Unbind(bd)
}

// Queues returns information on every queue, sorted by name.
func (b *Broker) Queues(tx *broker.Tx) []QueueInfo {
	out := make([]QueueInfo, 0, len(b.queues))
	for _, q := range b.queues {
		out = append(out, q.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Publish routes m through exchange m.Exchange by m.RoutingKey and enqueues
// a copy on every queue it reaches (basic.publish). It returns the number of
// queues. A mandatory message that reaches no queue is not enqueued and the
// error is ErrNoRoute (312 NO_ROUTE), for the front to return it.
func (b *Broker) Publish(tx *broker.Tx, ch *Channel, m *Message, mandatory bool) (int, error) {
	if m.Exchange == "" && m.RoutingKey == DirectReplyTo {
		return 0, newErr(ErrPrecondition, "%s", "fast reply consumer does not exist")
	}
	if m.Props.ReplyTo == DirectReplyTo && ch != nil {
		m.Props.ReplyTo = ch.directReplyName(tx)
	}
	if err := b.ex.CheckPublish(m.Exchange); err != nil {
		return 0, err
	}
	dests, err := b.ex.Route(m.Exchange, m.RoutingKey, m.Props.Headers)
	if err != nil {
		return 0, err
	}
	var targets []*Queue
	for _, d := range dests {
		if q, ok := b.queues[d]; ok {
			targets = append(targets, q)
		}
	}
	if len(targets) == 0 {
		if mandatory {
			return 0, newErr(ErrNoRoute, "%s", "message could not be routed")
		}
		return 0, nil
	}
	now := tx.NowMs()
	perMsgTTL := int64(-1)
	if m.Props.Expiration != "" {
		if v, err := strconv.ParseInt(m.Props.Expiration, 10, 64); err == nil && v >= 0 {
			perMsgTTL = v
		}
	}
	var env []byte
	for _, q := range targets {
		ttl := perMsgTTL
		if q.args.messageTTL >= 0 && (ttl < 0 || q.args.messageTTL < ttl) {
			ttl = q.args.messageTTL
		}
		exp := int64(0)
		if ttl >= 0 {
			exp = now + ttl
			if ttl == 0 {
				exp = now // expires unless delivered at once
			}
		}
		id := uint64(0)
		if q.persisted() && m.Persistent() {
			q.nextID++
			id = q.nextID
		}
		if env == nil || exp != m.ExpiresAt || id != m.ID {
			m.ExpiresAt, m.ID = exp, id
			env = encode(m)
		}
		q.recordAdd(tx, id, env)
		q.enqueue(tx, env, ttl == 0)
	}
	return len(targets), nil
}

// Get fetches one message from queue for ch (basic.get). It returns nil
// when the queue is empty, and the number of ready messages left.
func (b *Broker) Get(tx *broker.Tx, ch *Channel, queue string, noAck bool) (*Delivery, int, error) {
	q, err := b.lookup(ch, queue)
	if err != nil {
		return nil, 0, err
	}
	d := q.pop(tx, ch, nil, noAck)
	return d, q.ready.Len(), nil
}

// ConnectionClosed deletes the exclusive queues owned by connection owner,
// as AMQP requires when their declaring connection closes.
func (b *Broker) ConnectionClosed(tx *broker.Tx, owner uint64) {
	for _, q := range b.queues {
		if q.exclusive && q.owner == owner {
			b.deleteQueue(tx, q)
		}
	}
}

// DeclareExchange declares an exchange (exchange.declare) and records a
// newly created durable one.
func (b *Broker) DeclareExchange(tx *broker.Tx, x exchange.Exchange, passive bool) (*exchange.Exchange, error) {
	_, existed := b.ex.Get(x.Name)
	got, err := b.ex.Declare(x, passive)
	if err == nil && !existed && !passive {
		b.RecordExchangeDeclared(tx, got)
	}
	return got, err
}

// DeleteExchange deletes an exchange (exchange.delete) and records it.
func (b *Broker) DeleteExchange(tx *broker.Tx, name string, ifUnused bool) error {
	x, ok := b.ex.Get(name)
	if err := b.ex.Delete(name, ifUnused); err != nil {
		return err
	}
	if ok && x.Durable {
		b.RecordExchangeDeleted(tx, name)
	}
	return nil
}

// BindExchange adds an exchange-to-exchange binding (exchange.bind) and
// records it when both ends are durable.
func (b *Broker) BindExchange(tx *broker.Tx, bd exchange.Binding) error {
	bd.ToExchange = true
	if err := b.ex.Bind(bd); err != nil {
		return err
	}
	b.RecordBinding(tx, bd, true)
	return nil
}

// UnbindExchange removes an exchange-to-exchange binding (exchange.unbind).
func (b *Broker) UnbindExchange(tx *broker.Tx, bd exchange.Binding) error {
	bd.ToExchange = true
	b.RecordBinding(tx, bd, false)
	return b.ex.Unbind(bd)
}
