// Package exchange is the routing half of Switchyard's RabbitMQ model:
// exchanges, bindings, and Route, which turns (exchange, routing key,
// headers) into the queues a message reaches. It follows AMQP 0-9-1 as
// RabbitMQ 3.x implements it: the direct, fanout, topic and headers types,
// the default exchange, the pre-declared amq.* exchanges,
// exchange-to-exchange bindings, alternate exchanges, auto-delete, and
// RabbitMQ's reply codes and texts (see Error).
//
// Core types: Registry (all exchanges and bindings of the vhost), Exchange,
// Binding, Table (AMQP field tables), Error (an AMQP exception with its reply
// code).
//
// The package is pure: no I/O, no goroutines, no clock, no locks.
//
// Concurrency contract: a Registry is NOT safe for concurrent use, not even
// for concurrent calls to Route, which updates the topic match caches and
// reuses scratch space. The caller serializes every call; in Switchyard that
// is package queue, which calls the Registry only while holding the engine
// lock (broker.Engine.mu, see LOCKS.md). Values the Registry returns
// (Exchange copies, Binding copies, Route's slice) belong to the caller.
//
// Files: registry.go (declare, delete, bind, listings), route.go (Route),
// router.go (direct, fanout, default), topic.go (the topic trie and its match
// cache), headers.go (headers matching), table.go (field values: equality,
// type names, RabbitMQ's formatting), errors.go (reply codes and texts).
package exchange
