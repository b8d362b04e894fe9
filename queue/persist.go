package queue

import (
	"sort"
	"strconv"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/exchange"
)

// Persistence of the messaging model. Durable exchanges, durable queues,
// bindings between durable ends, and persistent messages (delivery mode 2)
// in durable queues are recorded through the engine's propagator (the AOF)
// in the broker namespace, as commands the RESP front replays at start-up:
//
//	EXCHANGE.DECLARE / EXCHANGE.DELETE / EXCHANGE.BIND / EXCHANGE.UNBIND
//	QUEUE.DECLARE / QUEUE.DELETE / QUEUE.PURGE / QUEUE.BIND / QUEUE.UNBIND
//	SY.MSGADD queue id envelope   a persistent message entered the queue
//	SY.MSGDLV queue id            it was delivered and not yet acked
//	SY.MSGDEL queue id            it left the queue (ack, drop, expiry)
//
// Transient state (non-durable queues and exchanges, transient messages,
// exclusive queues) is never recorded, so it does not survive a restart.
// After a restart, messages that had been delivered without an ack are
// back, flagged redelivered.

// brokerNS is the database index of the broker namespace in the AOF.
const brokerNS = broker.NumDBs

func (b *Broker) propagate(tx *broker.Tx, args ...string) {
	if !tx.Propagating() {
		return
	}
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	tx.Propagate(brokerNS, bs...)
}

func argWords(t Table) []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		var v string
		switch x := t[k].(type) {
		case string:
			v = x
		case bool:
			v = strconv.FormatBool(x)
		case []byte:
			v = string(x)
		default:
			if n, ok := toInt64(x); ok {
				v = strconv.FormatInt(n, 10)
			} else {
				continue // not representable over RESP; not recorded
			}
		}
		out = append(out, "ARG", k, v)
	}
	return out
}

func (b *Broker) exchangeDeclareArgs(x *exchange.Exchange) []string {
	args := []string{"EXCHANGE.DECLARE", x.Name, string(x.Kind), "DURABLE"}
	if x.AutoDelete {
		args = append(args, "AUTODELETE")
	}
	if x.Internal {
		args = append(args, "INTERNAL")
	}
	return append(args, argWords(x.Args)...)
}

// RecordExchangeDeclared logs a durable exchange after a declare that
// created it.
func (b *Broker) RecordExchangeDeclared(tx *broker.Tx, x *exchange.Exchange) {
	if x != nil && x.Durable {
		b.propagate(tx, b.exchangeDeclareArgs(x)...)
	}
}

// RecordExchangeDeleted logs the deletion of an exchange.
func (b *Broker) RecordExchangeDeleted(tx *broker.Tx, name string) {
	b.propagate(tx, "EXCHANGE.DELETE", name)
}

// durableEnd reports whether a binding end survives a restart.
func (b *Broker) durableEnd(name string, isExchange bool) bool {
	if isExchange {
		x, ok := b.ex.Get(name)
		return ok && x.Durable
	}
	q, ok := b.queues[name]
	return ok && q.durable && !q.exclusive
}

// RecordBinding logs a binding (bind or unbind) between durable ends.
func (b *Broker) RecordBinding(tx *broker.Tx, bd exchange.Binding, bind bool) {
	if !b.durableEnd(bd.Source, true) || !b.durableEnd(bd.Destination, bd.ToExchange) {
		return
	}
	verb := "QUEUE."
	args := []string{bd.Destination, bd.Source, bd.RoutingKey}
	if bd.ToExchange {
		verb = "EXCHANGE."
	}
	if bind {
		verb += "BIND"
	} else {
		verb += "UNBIND"
	}
	b.propagate(tx, append(append([]string{verb}, args...), argWords(bd.Args)...)...)
}

func (q *Queue) persisted() bool { return q.durable && !q.exclusive }

func (q *Queue) declareArgs() []string {
	args := []string{"QUEUE.DECLARE", q.name, "DURABLE"}
	if q.autoDelete {
		args = append(args, "AUTODELETE")
	}
	return append(args, argWords(q.rawArgs)...)
}

func (q *Queue) recordAdd(tx *broker.Tx, id uint64, env []byte) {
	if id != 0 && tx.Propagating() {
		tx.Propagate(brokerNS, []byte("SY.MSGADD"), []byte(q.name), []byte(strconv.FormatUint(id, 10)), env)
	}
}

func (q *Queue) recordID(tx *broker.Tx, verb string, id uint64) {
	if id != 0 {
		q.b.propagate(tx, verb, q.name, strconv.FormatUint(id, 10))
	}
}

// Recovery state while the AOF is replayed: persistent messages by id.
type recovering struct {
	envs map[uint64][]byte
}

// RecoverAdd replays SY.MSGADD: message id with envelope env enters queue.
func (b *Broker) RecoverAdd(tx *broker.Tx, queue string, id uint64, env []byte) {
	q, ok := b.queues[queue]
	if !ok {
		return
	}
	if q.recovering == nil {
		q.recovering = &recovering{envs: map[uint64][]byte{}}
	}
	q.recovering.envs[id] = append([]byte(nil), env...)
	if id >= q.nextID {
		q.nextID = id
	}
}

// RecoverDelivered replays SY.MSGDLV: the message will come back flagged
// redelivered.
func (b *Broker) RecoverDelivered(tx *broker.Tx, queue string, id uint64) {
	if q, ok := b.queues[queue]; ok && q.recovering != nil {
		if env, ok := q.recovering.envs[id]; ok && len(env) > 1 {
			env[1] |= flagRedelivered
		}
	}
}

// RecoverDel replays SY.MSGDEL.
func (b *Broker) RecoverDel(tx *broker.Tx, queue string, id uint64) {
	if q, ok := b.queues[queue]; ok && q.recovering != nil {
		delete(q.recovering.envs, id)
	}
}

// FinishRecovery puts every recovered message into its queue, in id order,
// once the AOF has been replayed.
func (b *Broker) FinishRecovery(tx *broker.Tx) (messages int) {
	for _, q := range b.queues {
		if q.recovering == nil {
			continue
		}
		ids := make([]uint64, 0, len(q.recovering.envs))
		for id := range q.recovering.envs {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			q.pushReady(q.recovering.envs[id], -1, false)
		}
		messages += len(ids)
		q.recovering = nil
	}
	return messages
}

// SnapshotCommands returns the commands that rebuild the durable part of
// the messaging model (AOF rewrite): durable exchanges, durable queues,
// bindings between durable ends, and every persistent message of a durable
// queue, ready or unacked (unacked ones flagged delivered). Envelopes are
// copied, so the result can be written without the lock.
func (b *Broker) SnapshotCommands(tx *broker.Tx) [][][]byte {
	var out [][][]byte
	add := func(args ...string) {
		bs := make([][]byte, len(args))
		for i, a := range args {
			bs[i] = []byte(a)
		}
		out = append(out, bs)
	}
	xs := b.ex.Exchanges()
	for _, x := range xs {
		if x.Durable && !isPredeclared(x.Name) {
			add(b.exchangeDeclareArgs(x)...)
		}
	}
	names := make([]string, 0, len(b.queues))
	for n := range b.queues {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if q := b.queues[n]; q.persisted() {
			add(q.declareArgs()...)
		}
	}
	for _, bd := range b.ex.Bindings() {
		if !b.durableEnd(bd.Source, true) || !b.durableEnd(bd.Destination, bd.ToExchange) {
			continue
		}
		verb := "QUEUE.BIND"
		if bd.ToExchange {
			verb = "EXCHANGE.BIND"
		}
		add(append([]string{verb, bd.Destination, bd.Source, bd.RoutingKey}, argWords(bd.Args)...)...)
	}
	for _, n := range names {
		q := b.queues[n]
		if !q.persisted() {
			continue
		}
		for i := 0; i < q.ready.Len(); i++ {
			env := q.ready.Index(i)
			if id := envID(env); id != 0 {
				out = append(out, [][]byte{[]byte("SY.MSGADD"), []byte(n), []byte(strconv.FormatUint(id, 10)), append([]byte(nil), env...)})
			}
		}
		for _, d := range q.unackedDeliveries() {
			if id := envID(d.env); id != 0 {
				out = append(out, [][]byte{[]byte("SY.MSGADD"), []byte(n), []byte(strconv.FormatUint(id, 10)), append([]byte(nil), d.env...)})
				add("SY.MSGDLV", n, strconv.FormatUint(id, 10))
			}
		}
	}
	return out
}

func isPredeclared(name string) bool {
	switch name {
	case "", "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match", "amq.rabbitmq.trace":
		return true
	}
	return false
}
