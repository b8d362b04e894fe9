package amqpbridge

import (
	"errors"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/queue"
)

func queueRows() []methodRow {
	return []methodRow{
		{&QueueDeclare{}, handles(queueDeclare)},
		{&QueueBind{}, handles(queueBind)},
		{&QueueUnbind{}, handles(queueUnbind)},
		{&QueuePurge{}, handles(queuePurge)},
		{&QueueDelete{}, handles(queueDelete)},
	}
}

// queueDeclare is queue.declare (spec 1.7.2.1) over queue.Broker.DeclareQueue:
// an empty name gets a server-named queue (amq.gen-...); 404 passive and
// missing, 405 another connection's exclusive queue, 406 inequivalent, 403
// reserved "amq." names, 406 invalid x-arguments (package queue implements
// RabbitMQ 3.10's: x-message-ttl, x-expires, x-max-length,
// x-max-length-bytes, x-overflow, x-dead-letter-exchange,
// x-dead-letter-routing-key, x-max-priority, x-single-active-consumer).
func queueDeclare(ch *channel, tx *broker.Tx, m *QueueDeclare) *Error {
	name := m.Queue
	if name == "" && m.Passive {
		n, err := ch.queueName("")
		if err != nil {
			return err
		}
		name = n
	}
	info, err := ch.c.srv.queues.DeclareQueue(tx, ch.qch, queue.QueueOptions{
		// As rabbit_channel: an exclusive queue is never durable.
		Name: name, Passive: m.Passive, Durable: m.Durable && !m.Exclusive, Exclusive: m.Exclusive,
		AutoDelete: m.AutoDelete, Args: m.Arguments,
	})
	if err != nil {
		return fromModel(err, m.id())
	}
	ch.lastQueue = info.Name
	if !m.NoWait {
		ch.c.send(ch.id, &QueueDeclareOk{Queue: info.Name, MessageCount: uint32(info.Messages), ConsumerCount: uint32(info.Consumers)})
	}
	return nil
}

// queueBind is queue.bind (spec 1.7.2.3). As RabbitMQ: an empty queue name
// means the channel's last declared queue, and with it an empty routing key
// means that queue's name; a missing exchange is reported before a missing
// queue.
func queueBind(ch *channel, tx *broker.Tx, m *QueueBind) *Error {
	name, aerr := ch.queueName(m.Queue)
	if aerr != nil {
		return aerr
	}
	key := m.RoutingKey
	if m.Queue == "" && key == "" {
		key = name
	}
	reg := ch.c.srv.queues.Exchanges(tx)
	if _, ok := reg.Get(m.Exchange); !ok && m.Exchange != "" {
		return newError(NotFound, "no exchange '%s' in vhost '/'", m.Exchange)
	}
	if err := ch.c.srv.queues.BindQueue(tx, ch.qch, name, m.Exchange, key, m.Arguments); err != nil {
		return fromModel(err, m.id())
	}
	if !m.NoWait {
		ch.c.send(ch.id, &QueueBindOk{})
	}
	return nil
}

// queueUnbind is queue.unbind (spec 1.7.2.5). As in RabbitMQ 3.x,
// unbinding a missing queue, exchange or binding succeeds.
func queueUnbind(ch *channel, tx *broker.Tx, m *QueueUnbind) *Error {
	name, aerr := ch.queueName(m.Queue)
	if aerr != nil {
		return aerr
	}
	err := ch.c.srv.queues.UnbindQueue(tx, ch.qch, name, m.Exchange, m.RoutingKey, m.Arguments)
	if err != nil && !errors.Is(err, queue.ErrNotFound) {
		return fromModel(err, m.id())
	}
	ch.c.send(ch.id, &QueueUnbindOk{})
	return nil
}

// queuePurge is queue.purge (spec 1.7.2.7): purge-ok with the number of
// ready messages removed; unacked deliveries stay.
func queuePurge(ch *channel, tx *broker.Tx, m *QueuePurge) *Error {
	name, aerr := ch.queueName(m.Queue)
	if aerr != nil {
		return aerr
	}
	n, err := ch.c.srv.queues.PurgeQueue(tx, ch.qch, name)
	if err != nil {
		return fromModel(err, m.id())
	}
	if !m.NoWait {
		ch.c.send(ch.id, &QueuePurgeOk{MessageCount: uint32(n)})
	}
	return nil
}

// queueDelete is queue.delete (spec 1.7.2.9): delete-ok with the number of
// ready messages deleted; its consumers get basic.cancel. if-unused and
// if-empty refuse with 406.
func queueDelete(ch *channel, tx *broker.Tx, m *QueueDelete) *Error {
	name, aerr := ch.queueName(m.Queue)
	if aerr != nil {
		return aerr
	}
	n, err := ch.c.srv.queues.DeleteQueue(tx, ch.qch, name, m.IfUnused, m.IfEmpty)
	if err != nil {
		return fromModel(err, m.id())
	}
	if !m.NoWait {
		ch.c.send(ch.id, &QueueDeleteOk{MessageCount: uint32(n)})
	}
	return nil
}
