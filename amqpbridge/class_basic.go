package amqpbridge

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/queue"
)

func basicRows() []methodRow {
	return []methodRow{
		{&BasicQos{}, handles(basicQos)},
		{&BasicConsume{}, handles(basicConsume)},
		{&BasicCancel{}, handles(basicCancel)},
		{&BasicGet{}, handles(basicGet)},
		{&BasicAck{}, handles(basicAck)},
		{&BasicReject{}, handles(basicReject)},
		{&BasicNack{}, handles(basicNack)},
		{&BasicRecoverAsync{}, handles(basicRecoverAsync)},
		{&BasicRecover{}, handles(basicRecover)},
		// basic.publish is handled by the content assembly (content).
	}
}

var publishID = (&BasicPublish{}).id()

// consumer is the front's side of a queue.Consumer: it holds deliveries
// that arrive before consume-ok is sent, so a client never sees a
// basic.deliver for a tag it does not know yet. Guarded by the engine lock.
type consumer struct {
	tag     string
	ch      *channel
	qc      *queue.Consumer
	ready   bool
	pending []*queue.Delivery
}

// deliver is the queue.Consumer's Deliver callback: under the engine lock,
// it only encodes basic.deliver and the content into the outbound buffer.
func (cs *consumer) deliver(d *queue.Delivery) {
	if !cs.ready {
		cs.pending = append(cs.pending, d)
		return
	}
	cs.ch.c.sendDelivery(cs.ch.id, cs.tag, d)
}

// start marks consume-ok as sent and sends what was held back.
func (cs *consumer) start() {
	cs.ready = true
	for _, d := range cs.pending {
		cs.ch.c.sendDelivery(cs.ch.id, cs.tag, d)
	}
	cs.pending = nil
}

// cancelled is the queue.Consumer's OnCancel callback (its queue was
// deleted): RabbitMQ's consumer cancel notification, a basic.cancel from
// the server, for clients that announced consumer_cancel_notify.
func (cs *consumer) cancelled(*queue.Consumer) {
	ch := cs.ch
	if ch.reply == cs {
		ch.reply = nil
	} else {
		delete(ch.consumers, cs.tag)
	}
	if ch.state == chanOpen && ch.c.cancelNote {
		ch.c.send(ch.id, &BasicCancel{ConsumerTag: cs.tag, NoWait: true})
	}
}

// sendDelivery enqueues basic.deliver (spec 1.8.3.9) with its content.
func (c *conn) sendDelivery(channel uint16, tag string, d *queue.Delivery) {
	m := d.Msg
	c.enqueueMessage(channel, &BasicDeliver{
		ConsumerTag: tag, DeliveryTag: d.Tag, Redelivered: m.Redelivered,
		Exchange: m.Exchange, RoutingKey: m.RoutingKey,
	}, m)
}

// enqueueMessage enqueues a content-bearing method and its content split at
// the negotiated frame-max. Headers that cannot be encoded are dropped
// rather than losing the message.
func (c *conn) enqueueMessage(channel uint16, method Method, m *queue.Message) {
	frameMax := c.frameMax
	c.enqueue(func(b []byte) []byte {
		start := len(b)
		b, err := AppendMethodFrame(b, channel, method)
		if err != nil {
			c.srv.log.Error("encoding AMQP method", "method", MethodName(method), "err", err)
			return b[:start]
		}
		out, err := AppendContent(b, channel, &m.Props, m.Body, frameMax)
		if err != nil {
			p := m.Props
			p.Headers = nil
			out, _ = AppendContent(b, channel, &p, m.Body, frameMax)
		}
		return out
	})
}

// content handles a frame of the content that follows basic.publish (spec
// 4.2.6): one header frame, then body frames up to the body size. Anything
// else is 505 UNEXPECTED_FRAME, with RabbitMQ's texts.
func (ch *channel) content(tx *broker.Tx, f Frame) {
	c := ch.c
	if !ch.haveHeader {
		if f.Type != FrameHeader {
			c.connectionError(tx, newError(UnexpectedFrame,
				"expected content header for class %d, got non content header frame instead", ClassBasic).on(publishID))
			return
		}
		h, err := DecodeContentHeader(f.Payload)
		if err != nil {
			c.connectionError(tx, err.(*Error).on(publishID))
			return
		}
		if h.ClassID != ClassBasic {
			c.connectionError(tx, newError(UnexpectedFrame,
				"expected content header for class %d, got one for class %d instead", ClassBasic, h.ClassID).on(publishID))
			return
		}
		ch.haveHeader = true
		ch.props = h.Props
		ch.bodySize = h.BodySize
		if ch.body == nil || cap(ch.body) > 1<<20 {
			ch.body = make([]byte, 0, min(h.BodySize, 1<<20))
		}
		ch.body = ch.body[:0]
		if h.BodySize > ch.c.opts.MaxMessageSize {
			ch.publish = nil
			ch.fail(tx, newError(PreconditionFailed, "message size %d is larger than configured max size %d",
				h.BodySize, ch.c.opts.MaxMessageSize), publishID)
			return
		}
		if h.BodySize == 0 {
			ch.completePublish(tx)
		}
		return
	}
	if f.Type != FrameBody {
		c.connectionError(tx, newError(UnexpectedFrame, "expected content body, got non content body frame instead").on(publishID))
		return
	}
	if uint64(len(ch.body))+uint64(len(f.Payload)) > ch.bodySize {
		// RabbitMQ answers a body past the announced size so.
		c.connectionError(tx, newError(UnexpectedFrame, "expected content body, got non content body frame instead").on(publishID))
		return
	}
	ch.body = append(ch.body, f.Payload...)
	if uint64(len(ch.body)) == ch.bodySize {
		ch.completePublish(tx)
	}
}

// completePublish runs basic.publish (spec 1.8.3.7) once its content is
// complete: checks as RabbitMQ makes them, then routing, unless a
// transaction holds it until tx.commit.
func (ch *channel) completePublish(tx *broker.Tx) {
	p := ch.publish
	ch.publish = nil
	if p.Immediate {
		ch.fail(tx, newError(NotImplemented, "immediate=true"), publishID)
		return
	}
	if u := ch.props.UserID; u != "" && u != ch.c.user {
		ch.fail(tx, newError(PreconditionFailed, "user_id property set to '%s' but authenticated user was '%s'", u, ch.c.user), publishID)
		return
	}
	if exp := ch.props.Expiration; exp != "" {
		if reason := badExpiration(exp); reason != "" {
			ch.fail(tx, newError(PreconditionFailed, "invalid expiration '%s': %s", exp, reason), publishID)
			return
		}
	}
	if ch.props.ReplyTo == queue.DirectReplyTo && ch.reply == nil {
		ch.fail(tx, newError(PreconditionFailed, "fast reply consumer does not exist"), publishID)
		return
	}
	msg := &queue.Message{Exchange: p.Exchange, RoutingKey: p.RoutingKey, Props: ch.props, Body: ch.body}
	if ch.tx {
		msg.Body = append([]byte(nil), ch.body...)
		ch.txOps = append(ch.txOps, txOp{publish: msg, mandatory: p.Mandatory})
		return
	}
	if err := ch.route(tx, msg, p.Mandatory); err != nil {
		ch.fail(tx, err, publishID)
	}
}

// badExpiration checks the expiration property as rabbit_basic does and
// returns RabbitMQ's reason term, or "" when it is a valid TTL.
func badExpiration(s string) string {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i {
		return "no_integer"
	}
	if j < len(s) {
		return "{leftover_string," + strconv.Quote(s[j:]) + "}"
	}
	n, err := strconv.ParseInt(s[:j], 10, 64)
	if err != nil {
		return "no_integer"
	}
	if n < 0 {
		return "{value_negative," + strconv.FormatInt(n, 10) + "}"
	}
	return ""
}

// route publishes msg into the model. A mandatory message that reaches no
// queue comes back in basic.return (312 NO_ROUTE), before its confirm. A
// message a queue refused at its max length (x-overflow reject-publish) is
// nacked in confirm mode.
func (ch *channel) route(tx *broker.Tx, msg *queue.Message, mandatory bool) *Error {
	if ch.confirm {
		ch.publishSeq++
	}
	var err error
	if msg.Exchange == "" && msg.RoutingKey == queue.DirectReplyTo {
		// RabbitMQ routes a publish to the pseudo-queue itself nowhere.
		if mandatory {
			err = queue.ErrNoRoute
		}
	} else {
		_, err = ch.c.srv.queues.Publish(tx, ch.qch, msg, mandatory)
	}
	switch {
	case err == nil:
	case errors.Is(err, queue.ErrRejected):
		// A queue at its max length with x-overflow reject-publish
		// refused it: the confirm is a basic.nack, and no basic.return.
		if ch.confirm {
			ch.nackPublish()
		}
	case errors.Is(err, queue.ErrNoRoute):
		ch.c.enqueueMessage(ch.id, &BasicReturn{
			ReplyCode: NoRoute, ReplyText: "NO_ROUTE", Exchange: msg.Exchange, RoutingKey: msg.RoutingKey,
		}, msg)
	default:
		return fromModel(err, publishID)
	}
	if ch.reply != nil && ch.reply.qc == nil && ch.qch.DirectReplyQueue() != "" {
		ch.attachReply(tx)
	}
	if ch.confirm && !ch.dirty {
		ch.dirty = true
		ch.c.dirty = append(ch.c.dirty, ch)
	}
	return nil
}

// sendConfirms acks the publishes confirmed since the last call: one
// basic.ack, multiple when it covers more than one (RabbitMQ's publisher
// confirms).
func (ch *channel) sendConfirms() {
	ch.dirty = false
	if ch.publishSeq == ch.confirmed {
		return
	}
	ch.c.send(ch.id, &BasicAck{DeliveryTag: ch.publishSeq, Multiple: ch.publishSeq-ch.confirmed > 1})
	ch.confirmed = ch.publishSeq
}

// nackPublish sends basic.nack for the current publish, after acking the
// confirms pending before it, so confirms stay in order.
func (ch *channel) nackPublish() {
	if ch.publishSeq-1 > ch.confirmed {
		ch.c.send(ch.id, &BasicAck{DeliveryTag: ch.publishSeq - 1, Multiple: ch.publishSeq-1-ch.confirmed > 1})
	}
	ch.c.send(ch.id, &BasicNack{DeliveryTag: ch.publishSeq})
	ch.confirmed = ch.publishSeq
}

// queueName expands the empty queue name to the channel's most recently
// declared queue (spec 1.7.2.3 and RabbitMQ), or 404.
func (ch *channel) queueName(name string) (string, *Error) {
	if name != "" {
		return name, nil
	}
	if ch.lastQueue == "" {
		return "", newError(NotFound, "no previously declared queue")
	}
	return ch.lastQueue, nil
}

// basicQos is basic.qos (spec 1.8.3.1) as RabbitMQ reinterprets global:
// false sets the limit of consumers created afterwards on this channel,
// true the limit shared by the channel. prefetch-size is not implemented
// (540), as in RabbitMQ.
func basicQos(ch *channel, tx *broker.Tx, m *BasicQos) *Error {
	if m.PrefetchSize != 0 {
		return newError(NotImplemented, "prefetch_size!=0 (%d)", m.PrefetchSize)
	}
	if m.Global {
		ch.qch.SetPrefetch(tx, int(m.PrefetchCount))
	} else {
		ch.consumerPrefetch = int(m.PrefetchCount)
	}
	ch.c.send(ch.id, &BasicQosOk{})
	return nil
}

// genTag returns a server-generated consumer tag, RabbitMQ's shape.
func genTag() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "amq.ctag-" + base64.RawURLEncoding.EncodeToString(b[:])
}

// basicConsume is basic.consume (spec 1.8.3.3). Errors: 404 missing queue,
// 405 another connection's exclusive queue, 403 a queue in exclusive use,
// 530 (connection) a consumer tag already used on the channel. Consuming
// from amq.rabbitmq.reply-to sets up direct reply-to.
func basicConsume(ch *channel, tx *broker.Tx, m *BasicConsume) *Error {
	name, aerr := ch.queueName(m.Queue)
	if aerr != nil {
		return aerr
	}
	tag := m.ConsumerTag
	if tag == "" {
		tag = genTag()
	}
	if _, dup := ch.consumers[tag]; dup || (ch.reply != nil && ch.reply.tag == tag) {
		return newError(NotAllowed, "attempt to reuse consumer tag '%s'", tag)
	}
	if name == queue.DirectReplyTo {
		return ch.consumeReply(tx, m, tag)
	}
	cs := &consumer{tag: tag, ch: ch}
	qc, err := ch.qch.Consume(tx, name, queue.ConsumeOptions{
		Tag: tag, NoAck: m.NoAck, Exclusive: m.Exclusive, Prefetch: ch.consumerPrefetch,
		Deliver: cs.deliver, OnCancel: cs.cancelled,
	})
	if err != nil {
		return fromModel(err, m.id())
	}
	cs.qc = qc
	ch.consumers[tag] = cs
	if !m.NoWait {
		ch.c.send(ch.id, &BasicConsumeOk{ConsumerTag: tag})
	}
	cs.start()
	return nil
}

// consumeReply starts the channel's direct reply-to consumer (RabbitMQ's
// direct reply-to): it must be no-ack, one per channel. It consumes the
// channel's reply queue once a publish with reply-to
// amq.rabbitmq.reply-to has created it (attachReply).
func (ch *channel) consumeReply(tx *broker.Tx, m *BasicConsume, tag string) *Error {
	if !m.NoAck {
		return newError(PreconditionFailed, "reply consumer cannot acknowledge")
	}
	if ch.reply != nil {
		return newError(PreconditionFailed, "reply consumer already set")
	}
	ch.reply = &consumer{tag: tag, ch: ch}
	if !m.NoWait {
		ch.c.send(ch.id, &BasicConsumeOk{ConsumerTag: tag})
	}
	ch.reply.ready = true
	if ch.qch.DirectReplyQueue() != "" {
		ch.attachReply(tx)
	}
	return nil
}

func (ch *channel) attachReply(tx *broker.Tx) {
	cs := ch.reply
	qc, err := ch.qch.Consume(tx, ch.qch.DirectReplyQueue(), queue.ConsumeOptions{
		Tag: cs.tag, NoAck: true, Deliver: cs.deliver, OnCancel: cs.cancelled,
	})
	if err != nil {
		ch.c.srv.log.Error("direct reply-to consumer", "err", err)
		return
	}
	cs.qc = qc
}

// basicCancel is basic.cancel (spec 1.8.3.5). An unknown tag is not an
// error: cancel-ok is sent all the same, as RabbitMQ does.
func basicCancel(ch *channel, tx *broker.Tx, m *BasicCancel) *Error {
	tag := m.ConsumerTag
	switch {
	case ch.reply != nil && ch.reply.tag == tag:
		if ch.reply.qc != nil {
			ch.qch.Cancel(tx, tag)
		}
		ch.reply = nil
	case ch.consumers[tag] != nil:
		delete(ch.consumers, tag)
		ch.qch.Cancel(tx, tag)
	}
	if !m.NoWait {
		ch.c.send(ch.id, &BasicCancelOk{ConsumerTag: tag})
	}
	return nil
}

// basicGet is basic.get (spec 1.8.3.10): get-ok with the message and the
// number of ready messages left, or get-empty.
func basicGet(ch *channel, tx *broker.Tx, m *BasicGet) *Error {
	name, aerr := ch.queueName(m.Queue)
	if aerr != nil {
		return aerr
	}
	d, left, err := ch.c.srv.queues.Get(tx, ch.qch, name, m.NoAck)
	if err != nil {
		return fromModel(err, m.id())
	}
	if d == nil {
		ch.c.send(ch.id, &BasicGetEmpty{})
		return nil
	}
	ch.c.enqueueMessage(ch.id, &BasicGetOk{
		DeliveryTag: d.Tag, Redelivered: d.Msg.Redelivered, Exchange: d.Msg.Exchange,
		RoutingKey: d.Msg.RoutingKey, MessageCount: uint32(left),
	}, d.Msg)
	return nil
}

// settle applies an ack, nack or reject now, or records it in the
// transaction. Unknown delivery tags are 406 PRECONDITION_FAILED ("unknown
// delivery tag 5").
func (ch *channel) settle(tx *broker.Tx, op txOp) *Error {
	if ch.tx {
		ch.txOps = append(ch.txOps, op)
		return nil
	}
	return ch.applySettle(tx, op)
}

func (ch *channel) applySettle(tx *broker.Tx, op txOp) *Error {
	var err error
	switch op.kind {
	case opAck:
		_, err = ch.qch.Ack(tx, op.tag, op.multiple)
	case opNack:
		_, err = ch.qch.Nack(tx, op.tag, op.multiple, op.requeue)
	case opReject:
		err = ch.qch.Reject(tx, op.tag, op.requeue)
	}
	if err != nil {
		return fromModel(err, op.method)
	}
	return nil
}

// basicAck is basic.ack from the client (spec 1.8.3.13).
func basicAck(ch *channel, tx *broker.Tx, m *BasicAck) *Error {
	return ch.settle(tx, txOp{kind: opAck, tag: m.DeliveryTag, multiple: m.Multiple, method: m.id()})
}

// basicNack is basic.nack from the client (RabbitMQ extension).
func basicNack(ch *channel, tx *broker.Tx, m *BasicNack) *Error {
	return ch.settle(tx, txOp{kind: opNack, tag: m.DeliveryTag, multiple: m.Multiple, requeue: m.Requeue, method: m.id()})
}

// basicReject is basic.reject (spec 1.8.3.14).
func basicReject(ch *channel, tx *broker.Tx, m *BasicReject) *Error {
	return ch.settle(tx, txOp{kind: opReject, tag: m.DeliveryTag, requeue: m.Requeue, method: m.id()})
}

// recover requeues every unacked delivery of the channel; requeue=false is
// 540 NOT_IMPLEMENTED, as in RabbitMQ 3.x.
func (ch *channel) recover(tx *broker.Tx, requeue bool) *Error {
	if !requeue {
		return newError(NotImplemented, "requeue=false")
	}
	ch.qch.Recover(tx)
	return nil
}

// basicRecoverAsync is basic.recover-async (spec 1.8.3.15, deprecated).
func basicRecoverAsync(ch *channel, tx *broker.Tx, m *BasicRecoverAsync) *Error {
	return ch.recover(tx, m.Requeue)
}

// basicRecover is basic.recover (spec 1.8.3.16).
func basicRecover(ch *channel, tx *broker.Tx, m *BasicRecover) *Error {
	if err := ch.recover(tx, m.Requeue); err != nil {
		return err
	}
	ch.c.send(ch.id, &BasicRecoverOk{})
	return nil
}
