package respfront_test

// The random command generator of TestDiffRedisRandom (diff_redis_test.go):
// string, list and key commands over a handful of keys in two databases, so
// that types collide and WRONGTYPE paths are taken, with the arguments
// commands get wrong (negative and huge indexes, non-numeric numbers,
// floats, empty strings), arity errors, unknown commands and MULTI/EXEC
// blocks. Commands whose reply Redis leaves undefined (RANDOMKEY, SCAN
// cursors, TIME, INFO, CLIENT) are never drawn; KEYS is compared as a set.
//
// Expiry stays deterministic: relative TTLs are at least 1000 s, so nothing
// expires during a run, and GT/LT comparisons are only made against
// absolute times from a fixed set, which never equal a relative TTL.

import (
	"math/rand/v2"
	"strconv"
)

// genKeys are the keys drawn; "" is a valid key.
var genKeys = []string{"a", "b", "c", "d", "e", "f", "g", ""}

// gen draws commands from a seeded source.
type gen struct {
	r     *rand.Rand
	base  int64 // Unix seconds in the past: absolute expiry times are base+N
	lists bool  // list commands are drawn (BLPOP inside MULTI)
}

// genCmd is one kind of command.
type genCmd struct {
	family    string // "strings", "lists", "keys", "swapdb"; skipped while "gen-<family>" is a known gap
	weight    int
	tol       int64 // integer tolerance of the reply (TTL and the like)
	unordered bool  // the reply's elements compare as a set
	noMulti   bool  // not inside MULTI (its reply needs a tolerance)
	args      func(g *gen) []string
}

func (g *gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }
func (g *gen) chance(p float64) bool   { return g.r.Float64() < p }
func (g *gen) key() string             { return genKeys[g.r.IntN(len(genKeys))] }

func (g *gen) keys(min int) []string {
	out := []string{}
	for range min + g.r.IntN(3) {
		out = append(out, g.key())
	}
	return out
}

// val is a value: short strings that collide, numbers, floats, empties.
func (g *gen) val() string {
	switch g.r.IntN(6) {
	case 0:
		return g.pick("", " ", "x", "hello world", "a\r\nb", "\x00\xff")
	case 1:
		return g.num()
	case 2:
		return g.float()
	}
	return g.pick("v", "w", "x", "y", "z", "1", "2")
}

// num is an integer argument, often invalid or at the limits.
func (g *gen) num() string {
	if g.chance(0.15) {
		return g.pick("", "abc", "1.5", " 1", "01", "-0", "+1", "9223372036854775807",
			"-9223372036854775808", "9223372036854775808", "99999999999999999999")
	}
	return strconv.Itoa(g.r.IntN(41) - 20)
}

// float is an INCRBYFLOAT-style argument.
func (g *gen) float() string {
	if g.chance(0.2) {
		return g.pick("", "abc", "inf", "-inf", "nan", "1e308", "-1e308", "0x10", "1e", " 1", "5.0e3", "1e-7", "-0")
	}
	return strconv.FormatFloat((g.r.Float64()-0.5)*200, 'f', g.r.IntN(5), 64)
}

// idx is a list or string index.
func (g *gen) idx() string {
	if g.chance(0.1) {
		return g.pick("9223372036854775807", "-9223372036854775808", "abc", "", "1.5", "100", "-100")
	}
	return strconv.Itoa(g.r.IntN(13) - 6)
}

// count is a pop or LPOS count.
func (g *gen) count() string {
	if g.chance(0.1) {
		return g.pick("-1", "abc", "0", "9223372036854775807")
	}
	return strconv.Itoa(1 + g.r.IntN(4))
}

// relTTL is a relative TTL in seconds (ms with ms set): long, or
// deleting (<= 0), or invalid.
func (g *gen) relTTL(ms bool) string {
	switch g.r.IntN(10) {
	case 0:
		return g.pick("0", "-1", "abc", "", "9223372036854775807", "1.5")
	}
	n := int64(1000 + 1000*g.r.IntN(5))
	if ms {
		n *= 1000
	}
	return strconv.FormatInt(n, 10)
}

// absTTL is an absolute expiry time: base+N with N from a fixed set, in
// the past with past set (EXPIREAT then deletes the key).
func (g *gen) absTTL(ms, past bool) string {
	n := g.base + int64(g.pick2(1500, 3000, 7000))
	if past && g.chance(0.25) {
		n = g.base - 5000
	}
	if ms {
		n *= 1000
	}
	return strconv.FormatInt(n, 10)
}

func (g *gen) pick2(v ...int) int { return v[g.r.IntN(len(v))] }

func (g *gen) dir() string { return g.pick("LEFT", "RIGHT", "left", "UP") }

// setOpts returns random SET options, sometimes conflicting.
func (g *gen) setOpts() []string {
	var o []string
	if g.chance(0.3) {
		o = append(o, g.pick("NX", "XX"))
	}
	if g.chance(0.2) {
		o = append(o, "GET")
	}
	switch g.r.IntN(8) {
	case 0:
		o = append(o, "EX", g.relTTL(false))
	case 1:
		o = append(o, "PX", g.relTTL(true))
	case 2:
		// Not in the past: Redis 7.0 then leaves an expired key that
		// DBSIZE counts until active expiry happens to remove it.
		o = append(o, "EXAT", g.absTTL(false, false))
	case 3:
		o = append(o, "KEEPTTL")
	}
	if g.chance(0.03) {
		o = append(o, g.pick("NX", "FOO", "EX"))
	}
	g.r.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
	return o
}

func args(a ...string) []string { return a }

func cat(a []string, b ...string) []string { return append(a, b...) }

// genCmds is the weighted table of command kinds.
var genCmds = []genCmd{
	// strings
	{family: "strings", weight: 10, args: func(g *gen) []string { return args("GET", g.key()) }},
	{family: "strings", weight: 10, args: func(g *gen) []string { return cat(args("SET", g.key(), g.val()), g.setOpts()...) }},
	{family: "strings", weight: 2, args: func(g *gen) []string { return args("SETNX", g.key(), g.val()) }},
	{family: "strings", weight: 2, args: func(g *gen) []string { return args("GETSET", g.key(), g.val()) }},
	{family: "strings", weight: 2, args: func(g *gen) []string { return args("GETDEL", g.key()) }},
	{family: "strings", weight: 2, args: func(g *gen) []string {
		return cat(args("GETEX", g.key()), [][]string{nil, {"PERSIST"}, {"EX", g.relTTL(false)}, {"PXAT", g.absTTL(true, true)}, {"FOO"}}[g.r.IntN(5)]...)
	}},
	{family: "strings", weight: 2, args: func(g *gen) []string { return cat(args("MGET"), g.keys(1)...) }},
	{family: "strings", weight: 2, args: func(g *gen) []string {
		a := args(g.pick("MSET", "MSETNX"))
		for range 1 + g.r.IntN(3) {
			a = append(a, g.key(), g.val())
		}
		return a
	}},
	{family: "strings", weight: 3, args: func(g *gen) []string { return args("APPEND", g.key(), g.val()) }},
	{family: "strings", weight: 2, args: func(g *gen) []string { return args("STRLEN", g.key()) }},
	{family: "strings", weight: 4, args: func(g *gen) []string { return args(g.pick("INCR", "DECR"), g.key()) }},
	{family: "strings", weight: 4, args: func(g *gen) []string { return args(g.pick("INCRBY", "DECRBY"), g.key(), g.num()) }},
	{family: "strings", weight: 4, args: func(g *gen) []string { return args("INCRBYFLOAT", g.key(), g.float()) }},
	{family: "strings", weight: 3, args: func(g *gen) []string {
		off := strconv.Itoa(g.r.IntN(12))
		if g.chance(0.1) {
			off = g.pick("-1", "abc", "")
		}
		return args("SETRANGE", g.key(), off, g.val())
	}},
	{family: "strings", weight: 3, args: func(g *gen) []string { return args(g.pick("GETRANGE", "SUBSTR"), g.key(), g.idx(), g.idx()) }},
	{family: "strings", weight: 1, args: func(g *gen) []string { return args("SETEX", g.key(), g.relTTL(false), g.val()) }},
	{family: "strings", weight: 1, args: func(g *gen) []string { return args("PSETEX", g.key(), g.relTTL(true), g.val()) }},

	// lists
	{family: "lists", weight: 10, args: func(g *gen) []string {
		a := args(g.pick("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"), g.key())
		for range 1 + g.r.IntN(3) {
			a = append(a, g.val())
		}
		return a
	}},
	{family: "lists", weight: 6, args: func(g *gen) []string {
		a := args(g.pick("LPOP", "RPOP"), g.key())
		if g.chance(0.3) {
			a = append(a, g.count())
		}
		return a
	}},
	{family: "lists", weight: 3, args: func(g *gen) []string { return args("LLEN", g.key()) }},
	{family: "lists", weight: 3, args: func(g *gen) []string { return args("LINDEX", g.key(), g.idx()) }},
	{family: "lists", weight: 6, args: func(g *gen) []string { return args("LRANGE", g.key(), g.idx(), g.idx()) }},
	{family: "lists", weight: 2, args: func(g *gen) []string { return args("LSET", g.key(), g.idx(), g.val()) }},
	{family: "lists", weight: 2, args: func(g *gen) []string {
		return args("LINSERT", g.key(), g.pick("BEFORE", "AFTER", "after", "MIDDLE"), g.val(), g.val())
	}},
	{family: "lists", weight: 2, args: func(g *gen) []string { return args("LREM", g.key(), g.idx(), g.val()) }},
	{family: "lists", weight: 2, args: func(g *gen) []string { return args("LTRIM", g.key(), g.idx(), g.idx()) }},
	{family: "lists", weight: 3, args: func(g *gen) []string {
		a := args("LPOS", g.key(), g.val())
		for range g.r.IntN(3) {
			switch g.r.IntN(4) {
			case 0:
				a = append(a, "RANK", g.pick("1", "2", "-1", "-2", "0", "abc"))
			case 1:
				a = append(a, "COUNT", g.pick("0", "1", "2", "-1"))
			case 2:
				a = append(a, "MAXLEN", g.pick("0", "1", "3", "-1"))
			default:
				a = append(a, g.pick("FOO", "RANK"))
			}
		}
		return a
	}},
	{family: "lists", weight: 3, args: func(g *gen) []string { return args("LMOVE", g.key(), g.key(), g.dir(), g.dir()) }},
	{family: "lists", weight: 1, args: func(g *gen) []string { return args("RPOPLPUSH", g.key(), g.key()) }},
	{family: "lists", weight: 2, args: func(g *gen) []string {
		ks := g.keys(1)
		a := cat(args("LMPOP", strconv.Itoa(len(ks))), ks...)
		a = append(a, g.dir())
		if g.chance(0.5) {
			a = append(a, "COUNT", g.count())
		}
		if g.chance(0.05) {
			a[1] = g.pick("0", "-1", "abc", "9")
		}
		return a
	}},

	// keys
	{family: "keys", weight: 4, args: func(g *gen) []string { return cat(args(g.pick("DEL", "UNLINK", "EXISTS", "TOUCH")), g.keys(1)...) }},
	{family: "keys", weight: 3, args: func(g *gen) []string { return args("TYPE", g.key()) }},
	{family: "keys", weight: 3, args: func(g *gen) []string {
		a := args(g.pick("EXPIRE", "PEXPIRE"), g.key())
		a = append(a, g.relTTL(a[0] == "PEXPIRE"))
		if g.chance(0.3) {
			a = append(a, g.pick("NX", "XX", "FOO"))
		}
		return a
	}},
	{family: "keys", weight: 3, args: func(g *gen) []string {
		a := args(g.pick("EXPIREAT", "PEXPIREAT"), g.key())
		a = append(a, g.absTTL(a[0] == "PEXPIREAT", true))
		if g.chance(0.5) {
			a = append(a, g.pick("NX", "XX", "GT", "LT", "gt"))
		}
		if g.chance(0.05) {
			a = append(a, g.pick("NX", "LT"))
		}
		return a
	}},
	{family: "keys", weight: 2, args: func(g *gen) []string { return args("PERSIST", g.key()) }},
	{family: "keys", weight: 3, tol: 1, noMulti: true, args: func(g *gen) []string { return args(g.pick("TTL", "EXPIRETIME"), g.key()) }},
	{family: "keys", weight: 2, tol: 2000, noMulti: true, args: func(g *gen) []string { return args(g.pick("PTTL", "PEXPIRETIME"), g.key()) }},
	{family: "keys", weight: 2, args: func(g *gen) []string { return args(g.pick("RENAME", "RENAMENX"), g.key(), g.key()) }},
	{family: "keys", weight: 2, args: func(g *gen) []string {
		a := args("COPY", g.key(), g.key())
		if g.chance(0.4) {
			a = append(a, "DB", g.pick("0", "1", "16", "x"))
		}
		if g.chance(0.4) {
			a = append(a, "REPLACE")
		}
		return a
	}},
	{family: "keys", weight: 2, args: func(g *gen) []string { return args("MOVE", g.key(), g.pick("0", "1", "1", "16", "x")) }},
	{family: "keys", weight: 1, args: func(g *gen) []string { return args("DBSIZE") }},
	{family: "keys", weight: 1, unordered: true, noMulti: true, args: func(g *gen) []string { return args("KEYS", g.pick("*", "[a-c]", "?", "*b*", "")) }},
	{family: "keys", weight: 2, args: func(g *gen) []string { return args("SELECT", g.pick("0", "1", "1", "0", "16")) }},
	{family: "keys", weight: 1, args: func(g *gen) []string { return args(g.pick("PING", "PING", "PING", "FLUSHDB")) }},
	{family: "swapdb", weight: 1, args: func(g *gen) []string { return args("SWAPDB", g.pick("0", "1"), g.pick("1", "0", "16")) }},
}

// genStep is one drawn command with how its reply compares.
type genStep struct {
	args      []string
	tol       int64
	unordered bool
	skip      bool // the reply is not compared (HELLO: it holds the client id)
}

// next draws the next steps: usually one command, sometimes a MULTI/EXEC
// block (with an optional WATCH before it).
func (g *gen) next(table []genCmd, total int) []genStep {
	switch {
	case g.chance(0.01):
		return g.multi(table, total)
	case g.chance(0.002):
		return []genStep{{args: args("HELLO", g.pick("2", "3")), skip: true}}
	}
	return []genStep{g.step(g.draw(table, total, false))}
}

func (g *gen) draw(table []genCmd, total int, inMulti bool) genCmd {
	for {
		n := g.r.IntN(total)
		for _, c := range table {
			if n < c.weight {
				if inMulti && c.noMulti {
					break
				}
				return c
			}
			n -= c.weight
		}
	}
}

func (g *gen) step(c genCmd) genStep {
	a := c.args(g)
	switch {
	case g.chance(0.01):
		// An arity error: a command cut short or given one more argument.
		if g.chance(0.5) {
			a = a[:g.r.IntN(len(a))+1]
		} else {
			a = append(a, "extra")
		}
	case g.chance(0.002):
		a = args("NOSUCH", g.key())
	}
	return genStep{args: a, tol: c.tol, unordered: c.unordered}
}

func (g *gen) multi(table []genCmd, total int) []genStep {
	var out []genStep
	if g.chance(0.3) {
		// WATCH, and maybe touch the key before EXEC.
		out = append(out, genStep{args: args("WATCH", g.key())})
		for range g.r.IntN(3) {
			out = append(out, g.step(g.draw(table, total, false)))
		}
	}
	out = append(out, genStep{args: args("MULTI")})
	for range g.r.IntN(6) {
		if g.lists && g.chance(0.1) {
			out = append(out, genStep{args: args(g.pick("BLPOP", "BRPOP"), g.key(), "0")})
			continue
		}
		out = append(out, g.step(g.draw(table, total, true)))
	}
	out = append(out, genStep{args: args(g.pick("EXEC", "EXEC", "EXEC", "DISCARD"))})
	return out
}
