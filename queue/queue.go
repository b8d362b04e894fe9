package queue

import (
	"sort"

	"github.com/switchyard/switchyard/broker"
)

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

	readyBytes int64 // body bytes of the ready messages (counted with x-max-length-bytes)
	lastUsed   int64 // engine ms of the last declare, get, consume or cancel (x-expires)

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
		args: args, rawArgs: o.Args, lastUsed: tx.NowMs(),
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

// enqueue adds an envelope whose body is size bytes and dispatches.
// immediate messages (TTL 0) expire unless a consumer takes them at once;
// then a queue over its max length drops (dead-letters) from the head
// (x-overflow drop-head).
func (q *Queue) enqueue(tx *broker.Tx, env []byte, size int, immediate bool) {
	q.pushReady(env, size, false)
	q.dispatch(tx)
	if immediate && q.removeEnv(env) {
		q.recordID(tx, "SY.MSGDEL", envID(env))
		q.deadLetterEnv(tx, env, reasonExpired)
	}
	q.dropOverflow(tx)
	q.signal(tx)
}

// requeue puts envelopes back at the head (of their priority), in order,
// flagged redelivered.
func (q *Queue) requeue(tx *broker.Tx, envs [][]byte) {
	if q.deleted {
		return
	}
	for i := len(envs) - 1; i >= 0; i-- {
		env := envs[i]
		env[1] |= flagRedelivered
		q.pushReady(env, -1, true)
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
// messages only when they reach the head of a queue, and dead-letters them
// (reason expired). It reports whether it removed any.
func (q *Queue) dropExpiredHead(tx *broker.Tx, now int64) bool {
	dropped := false
	for q.ready.Len() > 0 && !q.deleted {
		exp := envExpiresAt(q.ready.Index(0))
		if exp == 0 || exp >= now {
			break
		}
		env := q.popReady()
		q.recordID(tx, "SY.MSGDEL", envID(env))
		q.deadLetterEnv(tx, env, reasonExpired)
		dropped = true
	}
	return dropped
}

// pop takes the next live message for ch (and consumer c, nil for a get or
// pull) and records the delivery. It returns nil when nothing is ready.
func (q *Queue) pop(tx *broker.Tx, ch *Channel, c *Consumer, noAck bool) *Delivery {
	for {
		q.dropExpiredHead(tx, tx.NowMs())
		if q.ready.Len() == 0 {
			return nil
		}
		env := q.popReady()
		m, err := decode(env)
		if err != nil {
			// A corrupt envelope cannot be delivered; drop it rather than
			// wedge the queue.
			continue
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
}

// dispatch hands ready messages to push consumers with credit, round robin
// (fair by prefetch, as RabbitMQ does), or to the single active consumer.
func (q *Queue) dispatch(tx *broker.Tx) {
	if len(q.consumers) == 0 {
		return
	}
	for q.ready.Len() > 0 && !q.deleted {
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
	if n == 0 {
		return nil
	}
	if q.args.singleActive {
		// x-single-active-consumer: only the oldest consumer receives.
		if c := q.consumers[0]; c.Deliver != nil && c.hasCredit() {
			return c
		}
		return nil
	}
	for i := 0; i < n; i++ {
		c := q.consumers[(q.next+i)%n]
		if c.Deliver != nil && c.hasCredit() {
			q.next = (q.next + i + 1) % n
			return c
		}
	}
	return nil
}

// active reports whether c may receive from q: with
// x-single-active-consumer only the oldest consumer does.
func (q *Queue) active(c *Consumer) bool {
	return !q.args.singleActive || len(q.consumers) > 0 && q.consumers[0] == c
}

func (q *Queue) removeConsumer(tx *broker.Tx, c *Consumer) {
	wasActive := q.active(c)
	for i, x := range q.consumers {
		if x == c {
			q.consumers = append(q.consumers[:i], q.consumers[i+1:]...)
			break
		}
	}
	if q.next >= len(q.consumers) {
		q.next = 0
	}
	if len(q.consumers) == 0 {
		q.lastUsed = tx.NowMs()
	}
	if q.autoDelete && q.hadConsumer && len(q.consumers) == 0 && !q.deleted {
		q.b.deleteQueue(tx, q)
		return
	}
	if q.args.singleActive && wasActive && !q.deleted {
		// The next consumer becomes the active one.
		q.dispatch(tx)
		q.signal(tx)
	}
}

// pushReady adds env to the ready messages: at the tail, or with front at
// the head; in a priority queue (x-max-priority) at the tail or head of its
// priority, so higher priorities come first and each is FIFO. size is the
// body length, -1 when unknown.
func (q *Queue) pushReady(env []byte, size int, front bool) {
	if q.args.maxLengthBytes >= 0 {
		if size < 0 {
			size = envBodyLen(env)
		}
		q.readyBytes += int64(size)
	}
	if q.args.maxPriority == 0 {
		if front {
			q.ready.PushLeft(env)
		} else {
			q.ready.PushRight(env)
		}
		return
	}
	p := q.priorityOf(env)
	n := q.ready.Len()
	if front {
		i := 0
		for i < n && q.priorityOf(q.ready.Index(i)) > p {
			i++
		}
		q.ready.Insert(i, env)
		return
	}
	i := n
	for i > 0 && q.priorityOf(q.ready.Index(i-1)) < p {
		i--
	}
	q.ready.Insert(i, env)
}

// popReady removes and returns the head; the queue must not be empty.
func (q *Queue) popReady() []byte {
	env, _ := q.ready.PopLeft()
	if q.args.maxLengthBytes >= 0 {
		q.readyBytes -= int64(envBodyLen(env))
	}
	return env
}

// removeEnv removes the ready envelope env (the same slice), searching
// from the tail; it reports whether it was still there.
func (q *Queue) removeEnv(env []byte) bool {
	for i := q.ready.Len() - 1; i >= 0; i-- {
		if x := q.ready.Index(i); len(x) > 0 && &x[0] == &env[0] {
			q.ready.RemoveAt(i)
			if q.args.maxLengthBytes >= 0 {
				q.readyBytes -= int64(envBodyLen(env))
			}
			return true
		}
	}
	return false
}

// clearReady empties the ready messages (purge).
func (q *Queue) clearReady() {
	q.ready.Filter(func(int, []byte) bool { return false })
	q.readyBytes = 0
}

// priorityOf is the effective priority of a message in a priority queue:
// its priority property capped at x-max-priority.
func (q *Queue) priorityOf(env []byte) int {
	return min(int(envPriority(env)), q.args.maxPriority)
}

// overLimit reports whether the ready messages exceed x-max-length or
// x-max-length-bytes.
func (q *Queue) overLimit() bool {
	a := &q.args
	return a.maxLength >= 0 && int64(q.ready.Len()) > a.maxLength ||
		a.maxLengthBytes >= 0 && q.readyBytes > a.maxLengthBytes
}

// wouldOverflow is rabbit_amqqueue_process:will_overflow: whether one more
// message of size bytes would take the ready messages past the limits.
func (q *Queue) wouldOverflow(size int) bool {
	a := &q.args
	return a.maxLength >= 0 && int64(q.ready.Len())+1 > a.maxLength ||
		a.maxLengthBytes >= 0 && q.readyBytes+int64(size) > a.maxLengthBytes
}

// dropOverflow applies x-overflow drop-head: while the queue is over its
// limits, the head is removed and dead-lettered (reason maxlen).
func (q *Queue) dropOverflow(tx *broker.Tx) {
	if q.args.overflow != overflowDropHead || !q.args.limited() {
		return
	}
	for q.ready.Len() > 0 && q.overLimit() && !q.deleted {
		env := q.popReady()
		q.recordID(tx, "SY.MSGDEL", envID(env))
		q.deadLetterEnv(tx, env, reasonMaxLen)
	}
}
