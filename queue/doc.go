// Package queue is the messaging model on top of the engine, as AMQP 0-9-1
// defines it (spec section 3, "Functional specification") with RabbitMQ's
// extensions: queues and their messages, channels with delivery tags and
// prefetch, consumers, ack/nack/reject, redelivery, per-message and
// per-queue TTL, exclusive and auto-delete lifetimes, direct reply-to.
//
// # Core types
//
//   - Broker holds the exchanges (package exchange) and the queues.
//   - Queue keeps its ready messages in an engine list in the broker's
//     hidden namespace (key "queue:<name>"), each message an envelope
//     (envelope.go), so persistence and inspection come from the engine.
//   - Channel is an AMQP channel or a RESP connection: it numbers
//     deliveries (delivery tags), holds the unacked ones and the prefetch
//     window, and owns consumers.
//   - Consumer receives pushed deliveries (AMQP basic.consume) or stands
//     for a RESP connection that pulls with QUEUE.CONSUME.
//
// # Concurrency contract
//
// Every method that takes a *broker.Tx runs under the engine lock (inside
// Engine.Exec): queue state has exactly one guard, the engine lock, and
// publishes, acks and MULTI/EXEC are atomic with the keyspace. Deliver
// callbacks run under that lock and must only enqueue (into a connection's
// outbound buffer); they never block or write a socket.
package queue
