package respfront

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/switchyard/switchyard/broker"
)

// keyCommands are Redis's generic keyspace commands
// (https://redis.io/commands/?group=generic), with Redis 7.0.15's arity,
// flags, key positions, replies and error texts.
func keyCommands() []*Command {
	return []*Command{
		{Name: "del", Handler: cmdDel, Arity: -2, Flags: Write, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Deletes one or more keys."},
		{Name: "unlink", Handler: cmdDel, Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Asynchronously deletes one or more keys."},
		{Name: "exists", Handler: cmdExists, Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Determines whether one or more keys exist."},
		{Name: "touch", Handler: cmdExists, Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed."},
		{Name: "type", Handler: cmdType, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Determines the type of value stored at a key."},
		{Name: "keys", Handler: cmdKeys, Arity: 2, Flags: ReadOnly, Summary: "Returns all key names that match a pattern."},
		{Name: "scan", Handler: cmdScan, Arity: -2, Flags: ReadOnly, Summary: "Iterates over the key names in the database."},
		{Name: "expire", Handler: cmdExpire, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets the expiration time of a key in seconds."},
		{Name: "pexpire", Handler: cmdExpire, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets the expiration time of a key in milliseconds."},
		{Name: "expireat", Handler: cmdExpire, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets the expiration time of a key to a Unix timestamp."},
		{Name: "pexpireat", Handler: cmdExpire, Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Sets the expiration time of a key to a Unix milliseconds timestamp."},
		{Name: "ttl", Handler: cmdTTL, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the expiration time in seconds of a key."},
		{Name: "pttl", Handler: cmdTTL, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the expiration time in milliseconds of a key."},
		{Name: "expiretime", Handler: cmdTTL, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the expiration time of a key as a Unix timestamp."},
		{Name: "pexpiretime", Handler: cmdTTL, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the expiration time of a key as a Unix milliseconds timestamp."},
		{Name: "persist", Handler: cmdPersist, Arity: 2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Removes the expiration time of a key."},
		{Name: "rename", Handler: cmdRename, Arity: 3, Flags: Write, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Renames a key and overwrites the destination."},
		{Name: "renamenx", Handler: cmdRename, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Renames a key only when the target key name doesn't exist."},
		{Name: "randomkey", Handler: cmdRandomKey, Arity: 1, Flags: ReadOnly, Summary: "Returns a random key name from the database."},
		{Name: "move", Handler: cmdMove, Arity: 3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Moves a key to another database."},
		{Name: "copy", Handler: cmdCopy, Arity: -3, Flags: Write, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Copies the value of a key to a new key."},
		{Name: "swapdb", Handler: cmdSwapDB, Arity: 3, Flags: Write | Fast, Summary: "Swaps two Redis databases."},
		{Name: "dbsize", Handler: cmdDBSize, Arity: 1, Flags: ReadOnly | Fast, Summary: "Returns the number of keys in the database."},
		{Name: "flushdb", Handler: cmdFlush, Arity: -1, Flags: Write, Summary: "Removes all keys from the current database."},
		{Name: "flushall", Handler: cmdFlush, Arity: -1, Flags: Write, Summary: "Removes all keys from all databases."},
	}
}

// keysDBIndex parses a database index as MOVE and COPY do (Redis's
// getIntFromObjectOrReply then selectDb), writing the error reply and
// returning false when it is not a valid index.
func keysDBIndex(x *Ctx, b []byte) (int, bool) {
	n, ok := broker.ParseInt(b)
	switch {
	case !ok:
		x.Err(broker.ErrNotInteger)
	case n < math.MinInt32 || n > math.MaxInt32:
		x.W.Error("ERR value is out of range, value must between -2147483648 and 2147483647")
	case n < 0 || n >= broker.NumDBs:
		x.Err(broker.ErrDBIndex)
	default:
		return int(n), true
	}
	return 0, false
}

func keyArgs(args [][]byte) []string {
	keys := make([]string, len(args))
	for i, a := range args {
		keys[i] = string(a)
	}
	return keys
}

// cmdDel implements DEL and UNLINK key [key ...]: the number of keys removed.
func cmdDel(x *Ctx) { x.W.Int(int64(x.DB.Del(keyArgs(x.Args[1:])...))) }

// cmdExists implements EXISTS and TOUCH key [key ...]: the number of live
// keys, a key named twice counted twice.
func cmdExists(x *Ctx) { x.W.Int(int64(x.DB.CountExisting(keyArgs(x.Args[1:])...))) }

// cmdType implements TYPE key: a status reply, "none" for a missing key.
func cmdType(x *Ctx) { x.W.Simple(x.DB.Type(x.Arg(1)).String()) }

// cmdKeys implements KEYS pattern.
func cmdKeys(x *Ctx) {
	keys := x.DB.Keys(x.Arg(1))
	x.W.Array(len(keys))
	for _, k := range keys {
		x.W.BulkString(k)
	}
}

// parseScanCursor parses SCAN's cursor as Redis's parseScanCursorOrReply
// does with strtoul: no leading space, an optional sign ('-' negates modulo
// 2^64), decimal digits, no trailing bytes, no overflow. The empty string is
// cursor 0, as strtoul makes it.
func parseScanCursor(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	neg := false
	switch s[0] {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return 0, false
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// cmdScan implements SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]:
// a two-element array of the next cursor (a bulk string) and the keys.
func cmdScan(x *Ctx) {
	cursor, ok := parseScanCursor(x.Arg(1))
	if !ok {
		x.W.Error("ERR invalid cursor")
		return
	}
	var opt broker.ScanOptions
	for i := 2; i < len(x.Args); i += 2 {
		if i+1 >= len(x.Args) {
			x.SyntaxErr()
			return
		}
		switch strings.ToLower(x.Arg(i)) {
		case "count":
			n, ok := broker.ParseInt(x.Args[i+1])
			if !ok {
				x.Err(broker.ErrNotInteger)
				return
			}
			if n < 1 {
				x.SyntaxErr()
				return
			}
			opt.Count = n
		case "match":
			opt.Match, opt.HasMatch = x.Arg(i+1), true
		case "type":
			opt.Type = x.Arg(i + 1)
		default:
			x.SyntaxErr()
			return
		}
	}
	next, keys := x.DB.ScanKeys(cursor, opt)
	x.W.Array(2)
	x.W.BulkString(strconv.FormatUint(next, 10))
	x.W.Array(len(keys))
	for _, k := range keys {
		x.W.BulkString(k)
	}
}

// cmdExpire implements EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT key time
// [NX | XX | GT | LT]: 1 when the expiry was set (or the key deleted, for a
// time already past), 0 otherwise. As in Redis, options are checked before
// the time, and the time before the key.
func cmdExpire(x *Ctx) {
	name := x.Cmd.Name
	var cond broker.ExpireCond
	for _, a := range x.Args[3:] {
		switch strings.ToLower(string(a)) {
		case "nx":
			cond |= broker.ExpireNX
		case "xx":
			cond |= broker.ExpireXX
		case "gt":
			cond |= broker.ExpireGT
		case "lt":
			cond |= broker.ExpireLT
		default:
			x.W.Error("ERR Unsupported option " + string(a))
			return
		}
	}
	if cond&broker.ExpireNX != 0 && cond&(broker.ExpireXX|broker.ExpireGT|broker.ExpireLT) != 0 {
		x.W.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
		return
	}
	if cond&broker.ExpireGT != 0 && cond&broker.ExpireLT != 0 {
		x.W.Error("ERR GT and LT options at the same time are not compatible")
		return
	}
	when, ok := broker.ParseInt(x.Args[2])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return
	}
	invalid := fmt.Sprintf("ERR invalid expire time in '%s' command", name)
	if name == "expire" || name == "expireat" {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			x.W.Error(invalid)
			return
		}
		when *= 1000
	}
	var base int64
	if name == "expire" || name == "pexpire" {
		base = x.Tx.NowMs()
	}
	if when > math.MaxInt64-base {
		x.W.Error(invalid)
		return
	}
	if x.DB.Expire(x.Arg(1), when+base, cond) {
		x.W.Int(1)
	} else {
		x.W.Int(0)
	}
}

// cmdTTL implements TTL, PTTL, EXPIRETIME and PEXPIRETIME key: -2 for a
// missing key, -1 for a key without expiry, else the time left (TTL, PTTL)
// or the Unix time of expiry (EXPIRETIME, PEXPIRETIME). Seconds are rounded
// to the nearest, as Redis does.
func cmdTTL(x *Ctx) {
	var v int64
	name := x.Cmd.Name
	if name == "ttl" || name == "pttl" {
		v = x.DB.PTTL(x.Arg(1))
	} else {
		v = x.DB.ExpireTime(x.Arg(1))
	}
	if v >= 0 && (name == "ttl" || name == "expiretime") {
		v = (v + 500) / 1000
	}
	x.W.Int(v)
}

// cmdPersist implements PERSIST key: 1 when an expiry was removed.
func cmdPersist(x *Ctx) {
	if x.DB.Persist(x.Arg(1)) {
		x.W.Int(1)
	} else {
		x.W.Int(0)
	}
}

// cmdRename implements RENAME key newkey (OK) and RENAMENX key newkey (1
// when renamed, 0 when newkey exists or is key).
func cmdRename(x *Ctx) {
	nx := x.Cmd.Name == "renamenx"
	done, err := x.DB.Rename(x.Arg(1), x.Arg(2), nx)
	switch {
	case err != nil:
		x.Err(err)
	case !nx:
		x.W.OK()
	case done:
		x.W.Int(1)
	default:
		x.W.Int(0)
	}
}

// cmdRandomKey implements RANDOMKEY: a key, or null for an empty database.
func cmdRandomKey(x *Ctx) {
	k, ok := x.DB.RandomKey()
	if !ok {
		x.W.Null()
		return
	}
	x.W.BulkString(k)
}

// cmdMove implements MOVE key db: 1 when moved, 0 when key is missing or db
// already holds it.
func cmdMove(x *Ctx) {
	n, ok := keysDBIndex(x, x.Args[2])
	if !ok {
		return
	}
	moved, err := x.DB.Move(x.Arg(1), x.Tx.DB(n))
	switch {
	case err != nil:
		x.Err(err)
	case moved:
		x.W.Int(1)
	default:
		x.W.Int(0)
	}
}

// cmdCopy implements COPY source destination [DB destination-db] [REPLACE]:
// 1 when copied, 0 when source is missing or destination exists without
// REPLACE.
func cmdCopy(x *Ctx) {
	dst := x.DB
	replace := false
	for i := 3; i < len(x.Args); i++ {
		switch strings.ToLower(x.Arg(i)) {
		case "replace":
			replace = true
		case "db":
			if i+1 >= len(x.Args) {
				x.SyntaxErr()
				return
			}
			n, ok := keysDBIndex(x, x.Args[i+1])
			if !ok {
				return
			}
			dst = x.Tx.DB(n)
			i++
		default:
			x.SyntaxErr()
			return
		}
	}
	copied, err := x.DB.Copy(x.Arg(1), dst, x.Arg(2), replace)
	switch {
	case err != nil:
		x.Err(err)
	case copied:
		x.W.Int(1)
	default:
		x.W.Int(0)
	}
}

// cmdDBSize implements DBSIZE: the number of keys, expired ones not yet
// reclaimed included, as in Redis.
func cmdDBSize(x *Ctx) { x.W.Int(int64(x.DB.Len())) }

// cmdFlush implements FLUSHDB and FLUSHALL [ASYNC | SYNC]. Both modes free
// memory at once; ASYNC is accepted for compatibility.
func cmdFlush(x *Ctx) {
	if len(x.Args) > 2 {
		x.SyntaxErr()
		return
	}
	if len(x.Args) == 2 {
		if m := strings.ToLower(x.Arg(1)); m != "sync" && m != "async" {
			x.SyntaxErr()
			return
		}
	}
	if x.Cmd.Name == "flushall" {
		x.Tx.FlushAll()
	} else {
		x.DB.Flush()
	}
	x.W.OK()
}

// cmdSwapDB implements SWAPDB index1 index2 (https://redis.io/commands/swapdb/).
func cmdSwapDB(x *Ctx) {
	a, err := strconv.Atoi(x.Arg(1))
	if err != nil {
		x.W.Error("ERR invalid first DB index")
		return
	}
	b, err := strconv.Atoi(x.Arg(2))
	if err != nil {
		x.W.Error("ERR invalid second DB index")
		return
	}
	if a < 0 || a >= broker.NumDBs || b < 0 || b >= broker.NumDBs {
		x.W.Error("ERR DB index is out of range")
		return
	}
	x.Tx.SwapDB(a, b)
	x.W.OK()
}
