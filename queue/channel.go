package queue

import (
	"strconv"

	"github.com/switchyard/switchyard/broker"
)

// Delivery is one message handed to a channel (basic.deliver or get-ok).
type Delivery struct {
	Tag      uint64 // delivery tag, per channel, from 1
	Queue    string
	Msg      *Message // Msg.Redelivered is the redelivered flag
	Consumer *Consumer
	NoAck    bool
	q        *Queue
	env      []byte
	settled  bool
}

// Consumer is a subscription of a channel to a queue (basic.consume). A
// push consumer has Deliver set: it is called under the engine lock for
// each delivery and must only enqueue. A pull consumer (Deliver nil) stands
// for a RESP connection that fetches with QUEUE.CONSUME; it counts for
// consumer_count and auto-delete.
type Consumer struct {
	Tag      string
	NoAck    bool
	Prefetch int // per-consumer limit (basic.qos global=false); 0: none
	Deliver  func(d *Delivery)
	// OnCancel is called, under the engine lock, when the server cancels
	// the consumer because its queue was deleted.
	OnCancel func(c *Consumer)

	q         *Queue
	ch        *Channel
	unacked   int
	cancelled bool
	exclusive bool
}

// Queue returns the consumer's queue name.
func (c *Consumer) Queue() string { return c.q.name }

func (c *Consumer) hasCredit() bool {
	if c.NoAck {
		return true
	}
	if c.Prefetch > 0 && c.unacked >= c.Prefetch {
		return false
	}
	return c.ch.hasCredit()
}

// Channel is an AMQP channel or a RESP connection's messaging session:
// delivery tags, unacked deliveries, the prefetch window and consumers.
// All methods require the engine lock.
type Channel struct {
	b         *Broker
	owner     uint64 // connection id, for exclusive queues
	nextTag   uint64
	unacked   map[uint64]*Delivery
	order     []uint64 // tags in delivery order, lazily pruned
	Prefetch  int      // channel-wide limit (RESP QUEUE.QOS, AMQP global qos); 0: none
	consumers map[string]*Consumer
	replyName string // direct reply-to queue of this channel
	closed    bool
	ctag      uint64
}

// NewChannel returns a channel for connection owner.
func (b *Broker) NewChannel(owner uint64) *Channel {
	return &Channel{b: b, owner: owner, unacked: map[uint64]*Delivery{}, consumers: map[string]*Consumer{}}
}

// Unacked returns the number of unacknowledged deliveries.
func (ch *Channel) Unacked() int { return len(ch.unacked) }

func (ch *Channel) hasCredit() bool {
	return ch.Prefetch <= 0 || len(ch.unacked) < ch.Prefetch
}

// Credit returns how many more deliveries the prefetch window allows
// (-1: unlimited).
func (ch *Channel) Credit() int {
	if ch.Prefetch <= 0 {
		return -1
	}
	return max(0, ch.Prefetch-len(ch.unacked))
}

func (ch *Channel) track(d *Delivery) {
	ch.nextTag++
	d.Tag = ch.nextTag
	if d.NoAck {
		d.settled = true
		return
	}
	ch.unacked[d.Tag] = d
	ch.order = append(ch.order, d.Tag)
	d.q.unacked++
	if d.Consumer != nil {
		d.Consumer.unacked++
	}
}

func (ch *Channel) settle(d *Delivery) {
	delete(ch.unacked, d.Tag)
	if d.Msg.ID != 0 {
		delete(d.q.inflight, d.Msg.ID)
	}
	d.settled = true
	d.q.unacked--
	if d.Consumer != nil {
		d.Consumer.unacked--
	}
	if len(ch.unacked) == 0 {
		ch.order = ch.order[:0]
	}
}

// take removes and returns the deliveries an ack/nack of tag settles: tag
// alone, or with multiple every unacked tag up to it (tag 0 with multiple:
// all). An unknown tag is 406 PRECONDITION_FAILED.
func (ch *Channel) take(tag uint64, multiple bool) ([]*Delivery, error) {
	if !multiple {
		d, ok := ch.unacked[tag]
		if !ok {
			return nil, errUnknownTag(tag)
		}
		ch.settle(d)
		return []*Delivery{d}, nil
	}
	if tag != 0 && ch.unacked[tag] == nil {
		return nil, errUnknownTag(tag)
	}
	var out []*Delivery
	i := 0
	for ; i < len(ch.order); i++ {
		t := ch.order[i]
		if tag != 0 && t > tag {
			break
		}
		if d, ok := ch.unacked[t]; ok {
			out = append(out, d)
		}
	}
	ch.order = ch.order[i:]
	for _, d := range out {
		ch.settle(d)
	}
	return out, nil
}

// Ack acknowledges deliveries (basic.ack) and returns how many.
func (ch *Channel) Ack(tx *broker.Tx, tag uint64, multiple bool) (int, error) {
	ds, err := ch.take(tag, multiple)
	if err != nil {
		return 0, err
	}
	ch.recordRemoved(tx, ds)
	ch.afterSettle(tx, ds)
	return len(ds), nil
}

// recordRemoved logs that persistent deliveries left their queues.
func (ch *Channel) recordRemoved(tx *broker.Tx, ds []*Delivery) {
	for _, d := range ds {
		if !d.q.deleted {
			d.q.recordID(tx, "SY.MSGDEL", d.Msg.ID)
		}
	}
}

// Nack rejects deliveries (basic.nack); requeue puts them back at the head
// of their queues flagged redelivered, otherwise they are dropped, or
// dead-lettered (reason rejected) when their queue has
// x-dead-letter-exchange.
func (ch *Channel) Nack(tx *broker.Tx, tag uint64, multiple, requeue bool) (int, error) {
	ds, err := ch.take(tag, multiple)
	if err != nil {
		return 0, err
	}
	if requeue {
		ch.requeue(tx, ds)
	} else {
		ch.recordRemoved(tx, ds)
		for _, d := range ds {
			if !d.q.deleted {
				d.q.deadLetter(tx, d.Msg, reasonRejected)
			}
		}
	}
	ch.afterSettle(tx, ds)
	return len(ds), nil
}

// Reject is basic.reject: Nack of one delivery.
func (ch *Channel) Reject(tx *broker.Tx, tag uint64, requeue bool) error {
	_, err := ch.Nack(tx, tag, false, requeue)
	return err
}

// Recover requeues every unacked delivery (basic.recover requeue=true).
func (ch *Channel) Recover(tx *broker.Tx) int {
	ds, _ := ch.take(0, true)
	ch.requeue(tx, ds)
	ch.afterSettle(tx, ds)
	return len(ds)
}

func (ch *Channel) requeue(tx *broker.Tx, ds []*Delivery) {
	byQueue := map[*Queue][][]byte{}
	var order []*Queue
	for _, d := range ds {
		if _, ok := byQueue[d.q]; !ok {
			order = append(order, d.q)
		}
		byQueue[d.q] = append(byQueue[d.q], d.env)
	}
	for _, q := range order {
		q.requeue(tx, byQueue[q])
	}
}

// afterSettle redispatches the queues whose consumers gained credit.
func (ch *Channel) afterSettle(tx *broker.Tx, ds []*Delivery) {
	seen := map[*Queue]bool{}
	for _, d := range ds {
		if !seen[d.q] && !d.q.deleted {
			seen[d.q] = true
			d.q.dispatch(tx)
		}
	}
	if len(ds) > 0 {
		for _, c := range ch.consumers {
			if !seen[c.q] && !c.q.deleted {
				seen[c.q] = true
				c.q.dispatch(tx)
			}
		}
	}
}

// SetPrefetch sets the channel-wide prefetch count (0: unlimited) and
// dispatches to consumers that gained credit.
func (ch *Channel) SetPrefetch(tx *broker.Tx, n int) {
	ch.Prefetch = n
	for _, c := range ch.consumers {
		c.q.dispatch(tx)
	}
}

// ConsumeOptions are basic.consume's fields.
type ConsumeOptions struct {
	Tag       string // "" asks for a server-generated tag
	NoAck     bool
	Exclusive bool
	Prefetch  int
	Deliver   func(d *Delivery) // nil: a pull consumer (RESP)
	OnCancel  func(c *Consumer)
}

// Consume subscribes ch to queue (basic.consume). Errors: 404 missing
// queue, 405 exclusive queue of another connection, 403 ACCESS_REFUSED when
// an exclusive consumer holds the queue or o.Exclusive is asked while it
// has consumers ("queue 'q' in vhost '/' in exclusive use"), 530
// NOT_ALLOWED for a duplicate tag (a connection error in AMQP).
func (ch *Channel) Consume(tx *broker.Tx, queue string, o ConsumeOptions) (*Consumer, error) {
	q, err := ch.b.lookup(ch, queue)
	if err != nil {
		return nil, err
	}
	tag := o.Tag
	if tag == "" {
		ch.ctag++
		tag = "amq.ctag-" + strconv.FormatUint(ch.owner, 10) + "-" + strconv.FormatUint(ch.ctag, 10)
	}
	if _, dup := ch.consumers[tag]; dup {
		return nil, newErr(ErrNotAllowed, "%s", "attempt to reuse consumer tag '"+tag+"'")
	}
	if o.Exclusive && len(q.consumers) > 0 || len(q.consumers) > 0 && q.consumers[0].exclusive {
		return nil, newErr(ErrAccessRefused, "queue '%s' in vhost '/' in exclusive use", q.name)
	}
	c := &Consumer{Tag: tag, NoAck: o.NoAck, Prefetch: o.Prefetch, Deliver: o.Deliver, OnCancel: o.OnCancel, q: q, ch: ch, exclusive: o.Exclusive}
	ch.consumers[tag] = c
	q.consumers = append(q.consumers, c)
	q.hadConsumer = true
	q.lastUsed = tx.NowMs()
	q.dispatch(tx)
	return c, nil
}

// Cancel ends a consumer (basic.cancel). Its unacked deliveries stay
// unacked on the channel. An auto-delete queue that loses its last consumer
// is deleted.
func (ch *Channel) Cancel(tx *broker.Tx, tag string) bool {
	c, ok := ch.consumers[tag]
	if !ok {
		return false
	}
	delete(ch.consumers, tag)
	c.cancelled = true
	c.q.removeConsumer(tx, c)
	return true
}

// ConsumerOf returns ch's first consumer of queue, or nil.
func (ch *Channel) ConsumerOf(queue string) *Consumer {
	for _, c := range ch.consumers {
		if c.q.name == queue {
			return c
		}
	}
	return nil
}

// Pull fetches one message from queue for a pull consumer c (RESP
// QUEUE.CONSUME), honouring the prefetch window; nil when none is ready,
// or when c is not the single active consumer of its queue
// (x-single-active-consumer).
func (ch *Channel) Pull(tx *broker.Tx, c *Consumer) (*Delivery, error) {
	if c.cancelled || c.q.deleted {
		return nil, errNoQueue(c.q.name)
	}
	if !c.hasCredit() || !c.q.active(c) {
		return nil, nil
	}
	return c.q.pop(tx, ch, c, c.NoAck), nil
}

// ReadyKey returns the engine key (in the broker namespace) that is
// signalled when queue may have messages for blocked pull consumers.
func (c *Consumer) ReadyKey() string { return c.q.key }

// Close closes the channel: consumers are cancelled and every unacked
// delivery goes back to its queue flagged redelivered (AMQP 0-9-1 spec
// 1.8.3.x: unacked messages are requeued when the channel closes).
func (ch *Channel) Close(tx *broker.Tx) {
	if ch.closed {
		return
	}
	ch.closed = true
	for tag := range ch.consumers {
		ch.Cancel(tx, tag)
	}
	ch.Recover(tx)
	if ch.replyName != "" {
		if q, ok := ch.b.queues[ch.replyName]; ok {
			ch.b.deleteQueue(tx, q)
		}
	}
}

// directReplyName returns (creating on first use) the channel's direct
// reply-to queue: an exclusive, server-named queue that replies published
// to the default exchange with its name reach.
func (ch *Channel) directReplyName(tx *broker.Tx) string {
	if ch.replyName != "" {
		if _, ok := ch.b.queues[ch.replyName]; ok {
			return ch.replyName
		}
	}
	name := DirectReplyTo + "." + genName()[len("amq.gen-"):]
	q := newQueue(tx, ch.b, name, QueueOptions{Exclusive: true, AutoDelete: false}, noArgs)
	q.exclusive, q.owner = true, ch.owner
	ch.b.queues[name] = q
	ch.replyName = name
	return name
}

// DirectReplyQueue returns the channel's direct reply-to queue name, or ""
// if the channel has not published with reply-to amq.rabbitmq.reply-to.
func (ch *Channel) DirectReplyQueue() string { return ch.replyName }
