// Package amqpbridge is Switchyard's AMQP 0-9-1 front: pika, amqp091-go
// and other RabbitMQ clients connect to it unchanged and work on the same
// exchanges, queues and messages as the RESP front (packages exchange and
// queue). It follows the AMQP 0-9-1 specification with RabbitMQ's errata
// and extensions (publisher confirms, basic.nack, exchange-to-exchange
// bindings, consumer cancel notifications, per-consumer prefetch, direct
// reply-to) and RabbitMQ's reply codes and texts.
//
// # Layers
//
//   - frame.go: FrameReader, an explicit resumable state machine that
//     splits the byte stream into frames with hard limits (protocol header,
//     frame-max, frame-end octet), and the frame encoders.
//   - codec.go, table.go: data fields and field tables with RabbitMQ's type
//     codes. spec.go, spec_methods.go, spec_basic.go: the methods of every
//     class as structs, DecodeMethod, content headers.
//   - server.go, conn.go: the listener, one connection's reader and writer,
//     heartbeats, the bounded outbound buffer.
//   - class_*.go: one file per class with the handlers.
//
// # Concurrency contract
//
// A connection has two goroutines. The reader owns the socket's read side
// and every per-connection and per-channel field: it reads a batch of
// frames, handles them all inside one Engine.Exec (so they are atomic with
// respect to every other front), and appends the replies to the
// connection's outbound buffer. The writer alone writes the socket: it
// drains the outbound buffer and sends heartbeats.
//
// Deliveries are pushed by package queue through Consumer.Deliver, which
// runs under the engine lock on whatever goroutine caused the delivery (a
// publisher on another connection, an ack, a RESP client). Deliver only
// encodes frames into the outbound buffer (under the connection's outMu)
// and wakes the writer; it never blocks and never touches the socket. A
// connection whose outbound buffer passes Options.MaxOutbound is cut off as
// a slow consumer; its unacked deliveries go back to their queues.
//
// Lock order (LOCKS.md): the engine lock, then a connection's outMu; the
// writer holds writeMu only while writing, never with the engine lock.
package amqpbridge
