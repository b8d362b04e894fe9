// Package broker is Switchyard's engine: a Redis-compatible in-memory data
// store with 16 numbered databases plus one hidden namespace for the
// messaging model (exchanges, queues and their messages), blocking list
// operations, WATCH, key expiry and a pub/sub hub.
//
// # Core types
//
//   - Engine owns every database and the one lock that guards them.
//   - Tx is the handle a caller gets inside Engine.Exec; only through it can
//     a DB be reached, so every read and write happens under the lock.
//   - DB is one keyspace: keys map to *Object values (string, list, ...),
//     with optional expiry times in Unix milliseconds.
//   - Waiter is a blocked client (BLPOP and friends): it is served under the
//     lock by the command that made one of its keys ready.
//   - Hub is the pub/sub registry; it has its own lock and never holds the
//     engine lock while delivering.
//
// # Concurrency contract
//
// Engine.Exec runs a function with the engine lock held: every command and
// every EXEC is atomic and isolated, as in Redis. Functions run by Exec must
// not block or do I/O. The engine never sees the wire: it returns Go values
// and the sentinel errors in errors.go; each front turns them into its
// protocol's text. Lock order is written down in LOCKS.md at the repo root.
package broker
