// Package respfront serves the engine and the messaging model over RESP2 and
// RESP3 (https://redis.io/docs/latest/develop/reference/protocol-spec/), so
// redis-cli, redis-py and go-redis work unchanged.
//
// # Core types
//
//   - Server accepts connections and follows the net/http contract: Serve
//     returns ErrServerClosed after Shutdown or Close; Shutdown is graceful,
//     Close is abrupt.
//   - Conn is one client. Its goroutine reads commands with the request
//     reader (reader.go, a resumable state machine over the connection's
//     buffer), runs them through the dispatcher and writes replies; a second
//     goroutine, the writer, flushes pushes (pub/sub messages) that other
//     goroutines enqueued into the connection's bounded outbound buffer.
//   - Command is one row of the command table (table.go): name, handler,
//     arity, flags, key positions. The dispatcher alone checks arity, queues
//     inside MULTI, takes the engine lock and counts stats.
//
// # Files
//
// One file per command family, with its test beside it: cmd_string.go,
// cmd_list.go, cmd_keys.go, cmd_pubsub.go, cmd_tx.go, cmd_server.go (split
// into cmd_client.go, cmd_command.go, cmd_config.go, cmd_info.go),
// cmd_queue.go (the broker commands: EXCHANGE.*, QUEUE.*). A container
// command (CLIENT, CONFIG, COMMAND, PUBSUB) lists its subcommands as rows;
// the dispatcher resolves and checks them like commands.
//
// # Concurrency contract
//
// Handlers run with the engine lock held (unless flagged NoLock) and only
// append to the connection's private reply buffer; nothing writes a socket
// while holding an engine, hub or queue lock.
package respfront
