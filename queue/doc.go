// Package queue is the messaging model on top of the engine, as AMQP 0-9-1
// defines it (spec section 3, "Functional specification") with RabbitMQ's
// extensions: queues and their messages, channels with delivery tags and
// prefetch, consumers, ack/nack/reject, redelivery, per-message and
// per-queue TTL, exclusive and auto-delete lifetimes, direct reply-to, and
// RabbitMQ 3.10's queue arguments (args.go): x-expires, x-max-length and
// x-max-length-bytes with x-overflow, dead-letter exchanges with the x-death
// header (deadletter.go), x-max-priority and x-single-active-consumer.
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
//
// The Broker owns one goroutine, started by New and stopped by Close: every
// Options.CheckEvery it runs Tick inside Engine.Exec (queues past their
// x-expires are deleted, expired messages at the head of queues with a
// dead-letter exchange are dead-lettered). Tick reads the engine clock
// only, so tests inject time and call Tick themselves.
package queue
