package queue

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

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

	// timed are the queues the periodic check visits: those with
	// x-expires or a dead-letter exchange (so expired messages are
	// dead-lettered without a consumer). Guarded by the engine lock;
	// nTimed mirrors its size for the ticker to skip idle rounds.
	timed  map[*Queue]struct{}
	nTimed atomic.Int64

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Options configure a Broker.
type Options struct {
	// CheckEvery is the period of the check that deletes queues unused for
	// their x-expires and dead-letters expired messages at queue heads;
	// 0 means 50ms, negative disables the goroutine (tests call Tick).
	CheckEvery time.Duration
}

// New returns a Broker whose queues live in eng's broker namespace, with
// default Options. Close stops its goroutine.
func New(eng *broker.Engine) *Broker { return NewWithOptions(eng, Options{}) }

// NewWithOptions returns a Broker configured by o. Unless o.CheckEvery is
// negative it starts one goroutine, the periodic check, until Close.
func NewWithOptions(eng *broker.Engine, o Options) *Broker {
	b := &Broker{
		eng: eng, ex: exchange.NewRegistry(), queues: map[string]*Queue{},
		timed: map[*Queue]struct{}{}, stop: make(chan struct{}), done: make(chan struct{}),
	}
	every := o.CheckEvery
	if every == 0 {
		every = 50 * time.Millisecond
	}
	if every < 0 {
		close(b.done)
		return b
	}
	go b.checkLoop(every)
	return b
}

func (b *Broker) checkLoop(every time.Duration) {
	defer close(b.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			if b.nTimed.Load() > 0 {
				b.eng.Exec(func(tx *broker.Tx) { b.Tick(tx) })
			}
		}
	}
}

// Close stops the broker's periodic check and waits for it. It is safe to
// call more than once.
func (b *Broker) Close() {
	b.closeOnce.Do(func() { close(b.stop) })
	<-b.done
}

// Tick runs the periodic check once, at the engine clock: queues unused
// (no consumers, no basic.get, no redeclare, passive or not) for their x-expires are
// deleted, and expired messages at the head of queues with a dead-letter
// exchange are dead-lettered. It returns the number of queues deleted.
func (b *Broker) Tick(tx *broker.Tx) int {
	now := tx.NowMs()
	var expired []*Queue
	for q := range b.timed {
		if q.deleted {
			continue
		}
		if q.args.expires > 0 && len(q.consumers) == 0 && now-q.lastUsed >= q.args.expires {
			expired = append(expired, q)
			continue
		}
		if q.args.hasDLX && q.dropExpiredHead(tx, now) {
			q.signal(tx)
		}
	}
	sort.Slice(expired, func(i, j int) bool { return expired[i].name < expired[j].name })
	n := 0
	for _, q := range expired {
		if !q.deleted {
			b.deleteQueue(tx, q)
			n++
		}
	}
	return n
}

// ErrRejected is returned (wrapped in a *RejectedError) by Publish when a
// queue the message was routed to refused it at its max length
// (x-overflow reject-publish or reject-publish-dlx): AMQP nacks the
// publisher confirm and sends no basic.return.
var ErrRejected = errors.New("queue: message rejected at max length")

// RejectedError names the queues that refused a publish; it matches
// ErrRejected with errors.Is. The other queues the message was routed to
// have it.
type RejectedError struct {
	Queues []string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("message rejected: queue '%s' in vhost '/' is at its max length", e.Queues[0])
}

// Is matches ErrRejected.
func (e *RejectedError) Is(target error) bool { return target == ErrRejected }

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
		q.lastUsed = tx.NowMs() // a redeclare, passive too, renews x-expires (as RabbitMQ)
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
	args, err := parseQueueArgs(name, o.Args)
	if err != nil {
		return QueueInfo{}, err
	}
	q := newQueue(tx, b, name, o, args)
	if o.Exclusive {
		q.owner = ch.owner
		q.exclusive = true
	}
	b.queues[name] = q
	b.trackTimed(q)
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
	if _, ok := b.timed[q]; ok {
		delete(b.timed, q)
		b.nTimed.Add(-1)
	}
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
	q.clearReady()
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
	perMsgTTL := int64(-1)
	if m.Props.Expiration != "" {
		if v, err := strconv.ParseInt(m.Props.Expiration, 10, 64); err == nil && v >= 0 {
			perMsgTTL = v
		}
	}
	n, refused := b.deliverTo(tx, m, targets, perMsgTTL)
	if len(refused) > 0 {
		return n, &RejectedError{Queues: refused}
	}
	return n, nil
}

// deliverTo enqueues m on every queue of targets (a publish or a dead
// letter); perMsgTTL is the expiration property in ms, -1 when none. It
// returns how many queues took the message and the names of those that
// refused it at their max length (x-overflow reject-publish*).
func (b *Broker) deliverTo(tx *broker.Tx, m *Message, targets []*Queue, perMsgTTL int64) (int, []string) {
	now := tx.NowMs()
	var env []byte
	var refused []string
	n := 0
	for _, q := range targets {
		if q.deleted {
			continue
		}
		if q.args.overflow != overflowDropHead && q.args.limited() && q.wouldOverflow(len(m.Body)) {
			refused = append(refused, q.name)
			if q.args.overflow == overflowRejectPublishDLX {
				q.deadLetter(tx, m, reasonMaxLen)
			}
			continue
		}
		ttl := perMsgTTL
		if q.args.messageTTL >= 0 && (ttl < 0 || q.args.messageTTL < ttl) {
			ttl = q.args.messageTTL
		}
		exp := int64(0)
		if ttl >= 0 {
			exp = now + ttl
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
		q.enqueue(tx, env, len(m.Body), ttl == 0)
		n++
	}
	return n, refused
}

// Get fetches one message from queue for ch (basic.get). It returns nil
// when the queue is empty, and the number of ready messages left.
func (b *Broker) Get(tx *broker.Tx, ch *Channel, queue string, noAck bool) (*Delivery, int, error) {
	q, err := b.lookup(ch, queue)
	if err != nil {
		return nil, 0, err
	}
	q.lastUsed = tx.NowMs() // basic.get renews x-expires
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

// trackTimed adds q to the queues the periodic check visits, if it needs
// it.
func (b *Broker) trackTimed(q *Queue) {
	if q.args.expires > 0 || q.args.hasDLX {
		b.timed[q] = struct{}{}
		b.nTimed.Add(1)
	}
}
