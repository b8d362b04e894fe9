package queue

import (
	"time"

	"github.com/switchyard/switchyard/broker"
)

// Dead lettering (https://www.rabbitmq.com/dlx.html, RabbitMQ 3.10). A
// message leaves a queue with x-dead-letter-exchange when it is rejected or
// nacked with requeue=false (reason "rejected"), when its TTL expires
// ("expired"), or when the queue drops it at its max length ("maxlen":
// drop-head, or the refused publish with reject-publish-dlx). It is then
// republished to the dead-letter exchange with x-dead-letter-routing-key,
// or its own routing key, and an x-death header as rabbit_dead_letter
// writes it:
//
//	x-death: array of tables, newest first, one per (queue, reason):
//	  count (long), reason, queue, time (timestamp), exchange,
//	  routing-keys (array), original-expiration (if it had one)
//	x-first-death-reason, x-first-death-queue, x-first-death-exchange
//
// A message dead-lettered again from the same queue for the same reason
// has that entry's count incremented and moved to the front. The
// expiration property is removed (kept as original-expiration). A queue
// the message would reach again without a "rejected" death in between is a
// cycle, and the message is not delivered there. A missing dead-letter
// exchange drops the message.

// Dead-letter reasons, as x-death writes them.
const (
	reasonRejected = "rejected"
	reasonExpired  = "expired"
	reasonMaxLen   = "maxlen"
)

// deadLetterEnv dead-letters the message of env, which has left q.
func (q *Queue) deadLetterEnv(tx *broker.Tx, env []byte, reason string) {
	if !q.args.hasDLX {
		return
	}
	m, err := decode(env)
	if err != nil {
		return
	}
	q.deadLetter(tx, m, reason)
}

// deadLetter republishes a copy of m, which has left (or was refused by) q
// for reason, to q's dead-letter exchange.
func (q *Queue) deadLetter(tx *broker.Tx, m *Message, reason string) {
	if !q.args.hasDLX {
		return
	}
	b := q.b
	dm := &Message{Exchange: q.args.dlx, RoutingKey: m.RoutingKey, Props: m.Props, Body: append([]byte(nil), m.Body...)}
	if q.args.hasDLRK {
		dm.RoutingKey = q.args.dlrk
	}
	dm.Props.Headers = xDeathHeaders(m, q.name, reason, tx.NowMs())
	dm.Props.Expiration = ""
	if _, ok := b.ex.Get(dm.Exchange); !ok {
		return
	}
	dests, err := b.ex.Route(dm.Exchange, dm.RoutingKey, dm.Props.Headers)
	if err != nil {
		return
	}
	deaths, _ := dm.Props.Headers["x-death"].([]any)
	var targets []*Queue
	for _, d := range dests {
		t, ok := b.queues[d]
		if !ok || (reason != reasonRejected && isCycle(d, deaths)) {
			continue
		}
		targets = append(targets, t)
	}
	b.deliverTo(tx, dm, targets, -1)
}

// xDeathHeaders returns a copy of m's headers with the death recorded
// (rabbit_dead_letter:make_msg and update_x_death_header).
func xDeathHeaders(m *Message, queue, reason string, nowMs int64) Table {
	h := make(Table, len(m.Props.Headers)+4)
	for k, v := range m.Props.Headers {
		h[k] = v
	}
	old, _ := h["x-death"].([]any)
	deaths := make([]any, 0, len(old)+1)
	var entry Table
	for _, e := range old {
		t, ok := e.(Table)
		if ok && entry == nil && str(t["queue"]) == queue && str(t["reason"]) == reason {
			entry = make(Table, len(t))
			for k, v := range t {
				entry[k] = v
			}
			n, _ := toInt64(t["count"])
			entry["count"] = n + 1
			continue
		}
		deaths = append(deaths, e)
	}
	if entry == nil {
		entry = Table{
			"count": int64(1), "reason": reason, "queue": queue,
			"time": time.UnixMilli(nowMs).Truncate(time.Second).UTC(), "exchange": m.Exchange,
			"routing-keys": []any{m.RoutingKey},
		}
		if m.Props.Expiration != "" {
			entry["original-expiration"] = m.Props.Expiration
		}
	}
	h["x-death"] = append([]any{entry}, deaths...)
	if _, ok := h["x-first-death-reason"]; !ok {
		h["x-first-death-reason"] = reason
		h["x-first-death-queue"] = queue
		h["x-first-death-exchange"] = m.Exchange
	}
	return h
}

// isCycle is rabbit_dead_letter's cycle test: queue appears in deaths
// (newest first) with no "rejected" death up to and including it.
func isCycle(queue string, deaths []any) bool {
	for _, e := range deaths {
		t, _ := e.(Table)
		if str(t["reason"]) == reasonRejected {
			return false
		}
		if str(t["queue"]) == queue {
			return true
		}
	}
	return false
}

// str reads a header string (longstr or byte array).
func str(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	}
	return ""
}
