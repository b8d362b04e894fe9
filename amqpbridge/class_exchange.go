package amqpbridge

import (
	"errors"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/exchange"
)

func exchangeRows() []methodRow {
	return []methodRow{
		{&ExchangeDeclare{}, handles(exchangeDeclare)},
		{&ExchangeDelete{}, handles(exchangeDelete)},
		{&ExchangeBind{}, handles(exchangeBind)},
		{&ExchangeUnbind{}, handles(exchangeUnbind)},
	}
}

// exchangeDeclare is exchange.declare (spec 1.6.2.1) over
// queue.Broker.DeclareExchange (which logs durable exchanges to the AOF): 404 passive and missing, 406 inequivalent,
// 403 reserved "amq." names and the default exchange, 503 (a connection
// exception) an unknown type.
func exchangeDeclare(ch *channel, tx *broker.Tx, m *ExchangeDeclare) *Error {
	_, err := ch.c.srv.queues.DeclareExchange(tx, exchange.Exchange{
		Name: m.Exchange, Kind: exchange.Kind(m.Type), Durable: m.Durable,
		AutoDelete: m.AutoDelete, Internal: m.Internal, Args: exchange.Table(m.Arguments),
	}, m.Passive)
	if err != nil {
		return fromModel(err, m.id())
	}
	if !m.NoWait {
		ch.c.send(ch.id, &ExchangeDeclareOk{})
	}
	return nil
}

// exchangeDelete is exchange.delete (spec 1.6.2.3). Deleting a missing
// exchange succeeds, as in RabbitMQ 3.x; if-unused refuses (406) an
// exchange that is a binding's source.
func exchangeDelete(ch *channel, tx *broker.Tx, m *ExchangeDelete) *Error {
	err := ch.c.srv.queues.DeleteExchange(tx, m.Exchange, m.IfUnused)
	if err != nil && !errors.Is(err, exchange.ErrNotFound) {
		return fromModel(err, m.id())
	}
	if !m.NoWait {
		ch.c.send(ch.id, &ExchangeDeleteOk{})
	}
	return nil
}

// exchangeBind is exchange.bind (RabbitMQ's exchange-to-exchange
// bindings): 404 when either exchange is missing, 403 for the default
// exchange.
func exchangeBind(ch *channel, tx *broker.Tx, m *ExchangeBind) *Error {
	err := ch.c.srv.queues.BindExchange(tx, exchange.Binding{
		Source: m.Source, Destination: m.Destination, ToExchange: true,
		RoutingKey: m.RoutingKey, Args: exchange.Table(m.Arguments),
	})
	if err != nil {
		return fromModel(err, m.id())
	}
	if !m.NoWait {
		ch.c.send(ch.id, &ExchangeBindOk{})
	}
	return nil
}

// exchangeUnbind is exchange.unbind: removing a binding that does not
// exist succeeds.
func exchangeUnbind(ch *channel, tx *broker.Tx, m *ExchangeUnbind) *Error {
	err := ch.c.srv.queues.UnbindExchange(tx, exchange.Binding{
		Source: m.Source, Destination: m.Destination, ToExchange: true,
		RoutingKey: m.RoutingKey, Args: exchange.Table(m.Arguments),
	})
	if err != nil {
		return fromModel(err, m.id())
	}
	if !m.NoWait {
		ch.c.send(ch.id, &ExchangeUnbindOk{})
	}
	return nil
}
