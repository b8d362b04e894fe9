// Package rdb reads and writes Redis's RDB snapshot format
// (https://rdb.fnordig.de/file_format.html, Redis's src/rdb.c), so a dump
// written by Switchyard loads in redis-server 7.0 and a dump written by
// redis-server loads in Switchyard.
//
// # Writing
//
// Encoder writes RDB version 10, the version redis-server 7.0 writes and
// the newest it reads. Values use the plain encodings every RDB reader
// since Redis 2.x understands, which Redis converts to its compact
// in-memory encodings as it loads them: strings (integer-encoded when
// canonical and 32-bit, LZF-compressed above 20 bytes when compression is
// on), lists as RDB_TYPE_LIST, sets as RDB_TYPE_SET, hashes as
// RDB_TYPE_HASH, sorted sets as RDB_TYPE_ZSET_2 (binary double scores).
// The file ends with the CRC64 (Jones) of everything before it, or zero
// when checksums are off, as Redis writes it.
//
// The encoder of github.com/hdt3213/rdb v1.3.0 is not used for writing:
// it writes RDB version 11, which redis-server 7.0 refuses ("Can't handle
// RDB format version 11"), its ziplists store the 32-bit length of an
// element of 16 KiB or more little-endian, which Redis rejects ("Ziplist
// integrity check failed"), and its intsets can be too narrow for their
// values ({100000, 1} loads as {1, -31072}). Its parser, LZF codec and
// CRC64 are used.
//
// # Reading
//
// DecodeFile parses a dump with github.com/hdt3213/rdb's parser, which
// reads every encoding Redis has written up to RDB version 12 (listpacks,
// quicklists, ziplists, intsets, zipmaps), and hands each key to the
// caller as a Key; Key.Commands turns it into the commands that rebuild it
// (SET, RPUSH, HSET, SADD, ZADD, PEXPIREAT), so loading goes through the
// same command table as the AOF. The checksum is verified before parsing.
//
// # Switchyard's own state
//
// The durable messaging state (exchanges, queues, bindings, persistent
// messages), which lives outside the 16 databases, is stored in the aux
// field "switchyard-broker" (AuxBroker) as the RESP commands that rebuild
// it. Redis ignores aux fields it does not know, so it loads such a dump
// and finds the databases only.
//
// # Concurrency
//
// An Encoder or a decoding belongs to one goroutine. Nothing here touches
// the engine: the caller hands over a broker.Snapshot taken under the
// engine lock, and runs the decoded commands itself.
package rdb
