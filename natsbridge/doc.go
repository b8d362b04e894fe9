// Package natsbridge is Switchyard's NATS front: the NATS client protocol
// (https://docs.nats.io/reference/reference-protocols/nats-protocol), as
// nats-server 2.9 speaks it, so that nats.go and the other NATS clients
// work unchanged; and the meeting point of NATS subjects with the
// messaging model through the topic exchange amq.topic (docs/nats.md).
//
// # Core types
//
//   - Server accepts clients (Serve, Shutdown, Close: the net/http
//     contract) and owns the subject index (package sublist).
//   - conn is one client: its parser (parser.go, an explicit resumable
//     state machine over bytes with hard limits), its CONNECT options, its
//     subscriptions and its outbound buffer.
//   - subscription is one SUB: subject, optional queue group, sid, and the
//     UNSUB message limit.
//
// # Concurrency contract
//
// Each connection has one reader goroutine, which parses and runs the
// client's operations, and one writer goroutine, which alone writes the
// socket and sends PINGs. A publish is delivered on the publisher's reader
// goroutine by appending MSG/HMSG lines to each subscriber's outbound
// buffer (conn.outMu) and waking its writer at the end of the read; a
// subscriber whose pending output passes Options.MaxPending is cut off
// with -ERR 'Slow Consumer'. Nothing writes a socket while holding a lock.
//
// Messages published to amq.topic by the other fronts arrive through
// queue.Broker.OnTopicPublish, under the engine lock, and are delivered the
// same way (enqueue only). A client's publishes go into amq.topic in one
// Engine.Exec per read. Lock order (LOCKS.md): engine lock, then the
// sublist's locks, then a connection's subsMu or outMu; Server.mu is a
// leaf.
//
// Files: server.go (Server, options, INFO, accept), conn.go (connection
// goroutines, outbound buffer, PING/PONG, slow consumers), parser.go (the
// protocol parser), client.go (CONNECT, PUB, SUB, UNSUB, delivery,
// no-responders), topic.go (amq.topic both ways), headers.go (NATS headers
// and AMQP properties), errors.go (the -ERR texts).
package natsbridge
