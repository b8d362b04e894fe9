package respfront

// redis70Commands lists every top-level command of Redis 7.0.15 (`COMMAND LIST`)
// by its COMMAND DOCS group, so docs/commands.md can name the ones Switchyard
// does not serve. TestRedis70CommandList checks it against a real redis-server.
var redis70Commands = map[string][]string{
	"bitmap":       {"bitcount", "bitfield", "bitfield_ro", "bitop", "bitpos", "getbit", "setbit"},
	"cluster":      {"asking", "cluster", "readonly", "readwrite"},
	"connection":   {"auth", "client", "echo", "hello", "ping", "quit", "reset", "select"},
	"generic":      {"copy", "del", "dump", "exists", "expire", "expireat", "expiretime", "keys", "migrate", "move", "object", "persist", "pexpire", "pexpireat", "pexpiretime", "pttl", "randomkey", "rename", "renamenx", "restore", "scan", "sort", "sort_ro", "touch", "ttl", "type", "unlink", "wait"},
	"geo":          {"geoadd", "geodist", "geohash", "geopos", "georadius", "georadius_ro", "georadiusbymember", "georadiusbymember_ro", "geosearch", "geosearchstore"},
	"hash":         {"hdel", "hexists", "hget", "hgetall", "hincrby", "hincrbyfloat", "hkeys", "hlen", "hmget", "hmset", "hrandfield", "hscan", "hset", "hsetnx", "hstrlen", "hvals"},
	"hyperloglog":  {"pfadd", "pfcount", "pfdebug", "pfmerge", "pfselftest"},
	"list":         {"blmove", "blmpop", "blpop", "brpop", "brpoplpush", "lindex", "linsert", "llen", "lmove", "lmpop", "lpop", "lpos", "lpush", "lpushx", "lrange", "lrem", "lset", "ltrim", "rpop", "rpoplpush", "rpush", "rpushx"},
	"pubsub":       {"psubscribe", "publish", "pubsub", "punsubscribe", "spublish", "ssubscribe", "subscribe", "sunsubscribe", "unsubscribe"},
	"scripting":    {"eval", "eval_ro", "evalsha", "evalsha_ro", "fcall", "fcall_ro", "function", "script"},
	"server":       {"acl", "bgrewriteaof", "bgsave", "command", "config", "dbsize", "debug", "failover", "flushall", "flushdb", "info", "lastsave", "latency", "lolwut", "memory", "module", "monitor", "psync", "replconf", "replicaof", "restore-asking", "role", "save", "shutdown", "slaveof", "slowlog", "swapdb", "sync", "time"},
	"set":          {"sadd", "scard", "sdiff", "sdiffstore", "sinter", "sintercard", "sinterstore", "sismember", "smembers", "smismember", "smove", "spop", "srandmember", "srem", "sscan", "sunion", "sunionstore"},
	"sorted-set":   {"bzmpop", "bzpopmax", "bzpopmin", "zadd", "zcard", "zcount", "zdiff", "zdiffstore", "zincrby", "zinter", "zintercard", "zinterstore", "zlexcount", "zmpop", "zmscore", "zpopmax", "zpopmin", "zrandmember", "zrange", "zrangebylex", "zrangebyscore", "zrangestore", "zrank", "zrem", "zremrangebylex", "zremrangebyrank", "zremrangebyscore", "zrevrange", "zrevrangebylex", "zrevrangebyscore", "zrevrank", "zscan", "zscore", "zunion", "zunionstore"},
	"stream":       {"xack", "xadd", "xautoclaim", "xclaim", "xdel", "xgroup", "xinfo", "xlen", "xpending", "xrange", "xread", "xreadgroup", "xrevrange", "xsetid", "xtrim"},
	"string":       {"append", "decr", "decrby", "get", "getdel", "getex", "getrange", "getset", "incr", "incrby", "incrbyfloat", "lcs", "mget", "mset", "msetnx", "psetex", "set", "setex", "setnx", "setrange", "strlen", "substr"},
	"transactions": {"discard", "exec", "multi", "unwatch", "watch"},
}
