package natsbridge

import (
	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/natsbridge/sublist"
	"github.com/switchyard/switchyard/queue"
)

// NATS meets the messaging model through the topic exchange amq.topic
// (docs/nats.md):
//
//   - Every NATS publish to a valid subject is also published to amq.topic
//     with the subject as routing key, the reply subject as reply-to, the
//     headers as the headers table and the Amqp-* headers as properties.
//     The publishes of one read from a client go in one engine lock
//     acquisition, at the end of the read or before a PONG.
//   - Every publish to amq.topic from another front (RESP EXCHANGE.PUBLISH,
//     AMQP basic.publish) reaches the NATS subscriptions whose subject
//     matches the routing key, through queue.Broker.OnTopicPublish, which
//     runs under the engine lock and only enqueues.
//   - A NATS publish is delivered to NATS subscribers once, directly: the
//     hook skips the message this front is itself publishing (Server.self).

// topicExchange is the exchange NATS subjects meet.
const topicExchange = "amq.topic"

// topicBatch holds a read's publishes until they go into amq.topic. Their
// bytes are copied into one arena, reused from read to read.
type topicBatch struct {
	arena []byte
	recs  []topicRec
}

type topicRec struct {
	subj, reply, hdr, body span
	hasReply               bool
	noResp                 bool // answer 503 if no queue gets it either
}

type span struct{ start, end int }

func (b *topicBatch) put(p []byte) span {
	s := span{len(b.arena), len(b.arena) + len(p)}
	b.arena = append(b.arena, p...)
	return s
}

func (b *topicBatch) get(s span) []byte { return b.arena[s.start:s.end:s.end] }

func (b *topicBatch) add(subject, reply, hdr, body []byte, noResp bool) {
	b.recs = append(b.recs, topicRec{
		subj: b.put(subject), reply: b.put(reply), hdr: b.put(hdr), body: b.put(body),
		hasReply: len(reply) > 0, noResp: noResp,
	})
}

// maxKeptArena bounds the arena a connection keeps between reads.
const maxKeptArena = 1 << 20

// flushTopic publishes the batch into amq.topic under one engine lock,
// answers the requests nobody received with no-responders, and, under
// appendfsync always, waits until persistent messages are on disk.
func (c *conn) flushTopic() {
	b := &c.topic
	if len(b.recs) == 0 {
		return
	}
	s := c.srv
	var persisted bool
	var nobody []int // records to answer with no-responders
	s.eng.Exec(func(tx *broker.Tx) {
		if !s.qb.Exchanges(tx).HasBindings(topicExchange) {
			// Nothing is bound to amq.topic: every publish would reach no
			// queue, and the hook skips this front's own messages.
			for i := range b.recs {
				if b.recs[i].noResp {
					nobody = append(nobody, i)
				}
			}
			return
		}
		for i := range b.recs {
			r := &b.recs[i]
			m := &queue.Message{Exchange: topicExchange, RoutingKey: string(b.get(r.subj)), Body: b.get(r.body)}
			if r.hasReply {
				m.Props.ReplyTo = string(b.get(r.reply))
			}
			if r.hdr.end > r.hdr.start {
				applyHeaders(m, b.get(r.hdr))
			}
			s.self = m
			n, err := s.qb.Publish(tx, nil, m, false)
			s.self = nil
			if err != nil {
				s.log.Debug("NATS publish to amq.topic", "subject", m.RoutingKey, "err", err)
			}
			if n > 0 && m.Persistent() {
				persisted = true
			}
			if r.noResp && n == 0 {
				nobody = append(nobody, i)
			}
		}
	})
	for _, i := range nobody {
		c.noResponders(b.get(b.recs[i].reply))
	}
	b.recs = b.recs[:0]
	if cap(b.arena) > maxKeptArena {
		b.arena = nil
	} else {
		b.arena = b.arena[:0]
	}
	if d := s.opts.Durability; persisted && d != nil && d.Always() {
		if err := d.WaitSynced(d.Offset()); err != nil {
			s.log.Error("closing NATS client: publish not durable", "cid", c.id, "err", err)
			c.shutdown()
		}
	}
}

// onTopicPublish is queue.Broker.OnTopicPublish: a message published to
// amq.topic by another front reaches the NATS subscriptions matching its
// routing key. It runs under the engine lock and only enqueues.
func (s *Server) onTopicPublish(_ *broker.Tx, m *queue.Message) {
	if m == s.self {
		return // published by this front, already delivered to NATS
	}
	r := s.subs.Match(m.RoutingKey)
	if r.Empty() {
		return
	}
	var reply []byte
	if m.Props.ReplyTo != "" && sublist.ValidLiteral(m.Props.ReplyTo) {
		reply = []byte(m.Props.ReplyTo)
	}
	s.deliver(nil, r, []byte(m.RoutingKey), reply, headerBlock(m), m.Body)
}
