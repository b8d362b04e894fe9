package queue

import (
	"sort"
	"strconv"

	"github.com/switchyard/switchyard/broker"
)

// queueArgs are the parsed x-arguments a queue honours.
type queueArgs struct {
	messageTTL int64 // x-message-ttl in ms; -1 when unset
}

func parseQueueArgs(t Table) (queueArgs, error) {
	a := queueArgs{messageTTL: -1}
	if v, ok := t["x-message-ttl"]; ok {
		n, ok := toInt64(v)
		if !ok {
			if s, isStr := v.(string); isStr {
				var err error
				n, err = strconv.ParseInt(s, 10, 64)
				ok = err == nil
			}
		}
		if !ok || n < 0 {
			return a, newErr(ErrPrecondition, "%s", "invalid arg 'x-message-ttl' for queue in vhost '/'")
		}
		a.messageTTL = n
	}
	return a, nil
}

// Queue is one queue. Its ready messages are envelopes in an engine list in
// the broker namespace; all fields are guarded by the engine lock.
type Queue struct {
	b          *Broker
	name       string
	key        string // engine key of the ready list
	ready      *broker.List
	durable    bool
	exclusive  bool
	autoDelete bool
	owner      uint64 // connection that owns an exclusive queue
	args       queueArgs
	rawArgs    Table
	deleted    bool

	consumers   []*Consumer // push and pull consumers, in subscription order
	next        int         // round-robin position among push consumers
	unacked     int
	hadConsumer bool

	nextID     uint64               // last persistent message id (persisted queues)
	inflight   map[uint64]*Delivery // unacked persistent deliveries by id
	recovering *recovering          // messages being replayed from the AOF
}

// unackedDeliveries returns the unacked persistent deliveries, by id.
func (q *Queue) unackedDeliveries() []*Delivery {
	ids := make([]uint64, 0, len(q.inflight))
	for id := range q.inflight {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]*Delivery, len(ids))
	for i, id := range ids {
		out[i] = q.inflight[id]
	}
	return out
}

func newQueue(tx *broker.Tx, b *Broker, name string, o QueueOptions, args queueArgs) *Queue {
	q := &Queue{
		b: b, name: name, key: "queue:" + name,
		durable: o.Durable, autoDelete: o.AutoDelete,
		args: args, rawArgs: o.Args,
	}
	obj := broker.NewListObject()
	q.ready = obj.List
	tx.BrokerDB().Set(q.key, obj, false)
	return q
}

// Name returns the queue name.
func (q *Queue) Name() string { return q.name }

func (q *Queue) checkAccess(owner uint64, strict bool) error {
	if q.exclusive {
		if q.owner != owner {
			return errLocked(q.name)
		}
		return nil
	}
	if strict {
		return errLocked(q.name)
	}
	return nil
}

func (q *Queue) info() QueueInfo {
	return QueueInfo{
		Name: q.name, Messages: q.ready.Len(), Unacked: q.unacked, Consumers: len(q.consumers),
		Durable: q.durable, Exclusive: q.exclusive, AutoDelete: q.autoDelete, Args: q.rawArgs,
	}
}

// enqueue appends an envelope and dispatches. immediate messages (TTL 0)
// are dropped unless a consumer takes them at once.
func (q *Queue) enqueue(tx *broker.Tx, env []byte, immediate bool) {
	q.ready.PushRight(env)
	q.dispatch(tx)
	if immediate && q.ready.Len() > 0 {
		// Still queued: only this message can be at the tail unconsumed.
		dropped, _ := q.ready.PopRight()
		q.recordID(tx, "SY.MSGDEL", envID(dropped))
	}
	q.signal(tx)
}

// requeue puts envelopes back at the head, in order, flagged redelivered.
func (q *Queue) requeue(tx *broker.Tx, envs [][]byte) {
	if q.deleted {
		return
	}
	for i := len(envs) - 1; i >= 0; i-- {
		env := envs[i]
		env[1] |= flagRedelivered
		q.ready.PushLeft(env)
	}
	q.dispatch(tx)
	q.signal(tx)
}

// signal wakes RESP clients blocked in QUEUE.CONSUME on this queue.
func (q *Queue) signal(tx *broker.Tx) {
	db := tx.BrokerDB()
	db.Touch(q.key)
	db.SignalReady(q.key)
}

// dropExpiredHead removes expired messages at the head, as RabbitMQ expires
// messages only when they reach the head of a queue.
func (q *Queue) dropExpiredHead(tx *broker.Tx, now int64) {
	for q.ready.Len() > 0 {
		exp := envExpiresAt(q.ready.Index(0))
		if exp == 0 || exp >= now {
			return
		}
		env, _ := q.ready.PopLeft()
		q.recordID(tx, "SY.MSGDEL", envID(env))
	}
}

// pop takes the next live message for ch (and consumer c, nil for a get or
// pull) and records the delivery. It returns nil when nothing is ready.
func (q *Queue) pop(tx *broker.Tx, ch *Channel, c *Consumer, noAck bool) *Delivery {
	q.dropExpiredHead(tx, tx.NowMs())
	env, ok := q.ready.PopLeft()
	if !ok {
		return nil
	}
	m, err := decode(env)
	if err != nil {
		// A corrupt envelope cannot be delivered; drop it rather than
		// wedge the queue.
		return q.pop(tx, ch, c, noAck)
	}
	d := &Delivery{Queue: q.name, Msg: m, q: q, env: env, Consumer: c, NoAck: noAck}
	ch.track(d)
	if m.ID != 0 {
		if noAck {
			q.recordID(tx, "SY.MSGDEL", m.ID)
		} else {
			q.recordID(tx, "SY.MSGDLV", m.ID)
			if q.inflight == nil {
				q.inflight = map[uint64]*Delivery{}
			}
			q.inflight[m.ID] = d
		}
	}
	return d
}

// dispatch hands ready messages to push consumers with credit, round robin
// (fair by prefetch, as RabbitMQ does).
func (q *Queue) dispatch(tx *broker.Tx) {
	if len(q.consumers) == 0 {
		return
	}
	for q.ready.Len() > 0 {
		c := q.nextConsumer()
		if c == nil {
			return
		}
		d := q.pop(tx, c.ch, c, c.NoAck)
		if d == nil {
			return
		}
		c.Deliver(d)
	}
}

func (q *Queue) nextConsumer() *Consumer {
	n := len(q.consumers)
	for i := 0; i < n; i++ {
		c := q.consumers[(q.next+i)%n]
		if c.Deliver != nil && c.hasCredit() {
			q.next = (q.next + i + 1) % n
			return c
		}
	}
	return nil
}

func (q *Queue) removeConsumer(tx *broker.Tx, c *Consumer) {
	for i, x := range q.consumers {
		if x == c {
			q.consumers = append(q.consumers[:i], q.consumers[i+1:]...)
			break
		}
	}
	if q.next >= len(q.consumers) {
		q.next = 0
	}
	if q.autoDelete && q.hadConsumer && len(q.consumers) == 0 && !q.deleted {
		q.b.deleteQueue(tx, q)
	}
}
