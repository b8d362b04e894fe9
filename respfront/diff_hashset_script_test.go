package respfront_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestDiffHashSetScript runs hashSetTranscript against both servers, in
// RESP2 and then RESP3. A line starting with "~" is compared
// order-insensitively, one starting with "@" as a full scan; "hello"
// lines switch the protocol and are not compared.
func TestDiffHashSetScript(t *testing.T) {
	p := newHSPair(t)
	long := strings.Repeat("L", 70)
	for n, line := range strings.Split(strings.TrimSpace(hashSetTranscript), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		mode := line[0]
		if mode == '~' || mode == '@' {
			line = strings.TrimSpace(line[1:])
		}
		args := splitTranscriptLine(line, long)
		p.failNote = fmt.Sprintf("transcript line %d", n+1)
		switch {
		case strings.EqualFold(args[0], "hello"):
			proto, _ := strconv.Atoi(args[1])
			p.hello(proto)
		case mode == '~':
			p.unordered(args...)
		case mode == '@':
			p.scan(args...)
		default:
			p.exact(args...)
		}
	}
	// A hash and a set past the packed limits, compared as wholes and by
	// full scans.
	for _, proto := range []int{2, 3} {
		p.hello(proto)
		sfx := strconv.Itoa(proto)
		bigh, bigs, bigi := "bigh"+sfx, "bigs"+sfx, "bigi"+sfx
		hargs := []string{"HSET", bigh}
		sargs := []string{"SADD", bigs}
		iargs := []string{"SADD", bigi}
		for i := range 600 {
			hargs = append(hargs, "f"+strconv.Itoa(i), strconv.Itoa(i*7))
			sargs = append(sargs, "m"+strconv.Itoa(i))
			iargs = append(iargs, strconv.Itoa(i*3-500))
		}
		p.exact(hargs...)
		p.exact(sargs...)
		p.exact(iargs...)
		p.unordered("HGETALL", bigh)
		p.unordered("HKEYS", bigh)
		p.unordered("SMEMBERS", bigs)
		p.unordered("SMEMBERS", bigi)
		p.unordered("SUNION", bigs, bigi)
		p.unordered("SINTER", bigi, bigi)
		for _, count := range []string{"1", "7", "100", "1000"} {
			p.scan("HSCAN", bigh, "0", "COUNT", count)
			p.scan("SSCAN", bigs, "0", "COUNT", count)
			p.scan("SSCAN", bigi, "0", "COUNT", count, "MATCH", "*1*")
			p.scan("HSCAN", bigh, "0", "MATCH", "f1?", "COUNT", count)
		}
		p.exact("HLEN", bigh)
		p.exact("SCARD", bigi)
		p.exact("SINTERCARD", "2", bigi, bigs)
		p.exact("SINTERCARD", "1", bigi, "LIMIT", "10")
		p.exact("SDIFFSTORE", "d"+sfx, bigi, bigs)
		p.exact("SREM", bigh)
	}
	t.Logf("%d commands compared", len(p.history))
}

// splitTranscriptLine splits a line on spaces; "" is the empty string,
// LONG a 70-byte string (past the packed limits) and SPACE1 is " 1".
func splitTranscriptLine(line, long string) []string {
	args := strings.Fields(line)
	for i, a := range args {
		switch a {
		case `""`:
			args[i] = ""
		case "LONG":
			args[i] = long
		case "SPACE1":
			args[i] = " 1"
		}
	}
	return args
}

// hashSetTranscript is compared line by line with redis-server by
// TestDiffHashSetScript.
const hashSetTranscript = `
hset h
hset h a
hset h a 1 b
hset h a 1 b 2
hset h a 3 c 4
hset h c 5 a 6 c 7
hgetall h
hsetnx h a 5
hsetnx h z 5
hmset h x 1 y
hmset h x 1 y 2
hget h a
hget h nope
hget nokey a
hmget h a nope b
hmget nokey a b
hgetall h
hgetall nokey
hkeys h
hvals h
hlen h
hlen nokey
hstrlen h a
hstrlen h nope
hstrlen nokey a
hexists h a
hexists h q
hexists nokey a
hdel h nope
hdel h a nope b a
hdel nokey a
hgetall h
hset h "" empty
hget h ""
hstrlen h ""
hincrby h c 5
hincrby h c x
hincrby h c 9223372036854775807
hincrby h x2 9223372036854775807
hincrby h x2 1
hincrby h x3 -9223372036854775808
hincrby h x3 -1
hset h s str
hincrby h s 1
hincrby h new -5
hincrby h c 01
hincrby h c ""
hincrby h c -0
hincrby nokey f x
hincrbyfloat h f 1.5
hincrbyfloat h f 0.1
hincrbyfloat h f x
hincrbyfloat h f inf
hincrbyfloat h f -inf
hincrbyfloat h f nan
hincrbyfloat h f ""
hincrbyfloat h s 1
hincrbyfloat h c 1.5
hincrbyfloat h c 10.6
hincrbyfloat h c 5000
hincrbyfloat h c -5016.7
hincrbyfloat h big 1e308
hincrbyfloat h big 1e308
hincrbyfloat h g 0x10
hincrbyfloat h g 1e400
hincrbyfloat nokey2 f 1.0e2
hset h sp SPACE1
hincrbyfloat h sp 1
hincrby h sp 1
hset h neg0 -0
hincrby h neg0 1
hincrbyfloat h neg0 1
hset h inf inf
hincrbyfloat h inf 1
~hgetall h
~hkeys h
@hscan h 0
@hscan h 0 count 3
@hscan h 0 match *x*
hset hs a 1 b 2 c 3 abc 4
hscan hs 0
hscan hs 0 match a*
hscan hs 0 count 1
hscan hs 0 count 0
hscan hs 0 count -1
hscan hs 0 count x
hscan hs x
hscan hs -1
hscan hs 18446744073709551615
hscan hs 18446744073709551616
hscan hs -18446744073709551615
hscan hs -18446744073709551616
hscan hs 01
hscan hs +1
hscan hs ""
hscan hs -
hscan hs 0x1
hscan hs 0 match
hscan hs 0 foo bar
hscan hs 0 MATCH * COUNT 5 MATCH b*
hscan hs 0 type string
hset hs "" empty
hscan hs 0 match ""
hscan hs 0 match "" match *
hscan hs 0 match *
hdel hs ""
hscan nokey 0
hscan nokey x
hscan nokey 0 foo bar
hscan nokey 0 count 0
hrandfield nokey
hrandfield nokey 2
hrandfield nokey 2 withvalues
hrandfield nokey -2 withvalues
hrandfield nokey x
hrandfield nokey 9223372036854775807 withvalues
hrandfield h x
hrandfield h x foo
hrandfield h 1 foo
hrandfield h 1 withvalues x
hrandfield h 0
hrandfield h 0 withvalues
~hrandfield h 100
~hrandfield h 100 withvalues
hrandfield h -9223372036854775808
hrandfield h -9223372036854775807 withvalues
hrandfield h 9223372036854775807 withvalues
hrandfield h -4611686018427387904 withvalues
hrandfield h 4611686018427387904 withvalues
hset small only 1
hrandfield small
hrandfield small -3
hrandfield small -3 withvalues
hrandfield small 1 withvalues
hdel small only
hlen small
hset lp a 1 b 2 c 3
hset lp b LONG
~hgetall lp
hdel lp b
~hgetall lp
hset lp2 a 1
hsetnx lp2 a LONG
hsetnx lp2 LONG x
~hgetall lp2
hset lp3 LONG 1
~hgetall lp3
hset lp4 a 1 b 2
hincrbyfloat lp4 a 1e100
~hgetall lp4
set str v
hset str f v
hset str f
hsetnx str f v
hmset str f v
hmset str f
hget str f
hmget str f
hgetall str
hkeys str
hvals str
hlen str
hstrlen str f
hexists str f
hdel str f
hincrby str f 1
hincrby str f x
hincrbyfloat str f 1
hincrbyfloat str f x
hincrbyfloat str f inf
hrandfield str
hrandfield str 0
hrandfield str x
hrandfield str 1 withvalues
hscan str 0
hscan str x
hscan str 0 count 0
get str
sadd s
sadd s 3 1 2 1
sadd s 10 -5
smembers s
sadd t a 2 b
~smembers t
sadd n 007 7 -0 +1
~smembers n
sadd big 9223372036854775807 -9223372036854775808 9223372036854775808
~smembers big
srem s 1 99 1
srem nokey 1
srem s
scard s
scard nokey
sismember s 2
sismember s 02
sismember s x
sismember nokey 2
smismember s 2 3 x
smismember nokey a b
smismember s
smembers nokey
sscan s 0
sscan s 0 match 1*
sscan s 0 count 1
sscan s 3
sscan s x
sscan nokey 0
sscan nokey x
sscan s 0 count 0
sscan s 0 foo bar
sscan s 0 match ""
sscan t 0 match ""
spop nokey
spop nokey 0
spop nokey 2
spop nokey x
spop nokey -1
spop s -1
spop s x
spop s 0
spop s 1 2
srandmember nokey
srandmember nokey 0
srandmember nokey 3
srandmember nokey -3
srandmember nokey x
srandmember s x
srandmember s 1 2
srandmember s 0
srandmember s 100
srandmember s -9223372036854775808
sadd one x
srandmember one
srandmember one -3
spop one
scard one
sadd one2 5
spop one2 1
scard one2
sadd p 1 2 3
spop p 3
scard p
sadd p2 a b c
~spop p2 10
scard p2
sadd a 1 2 3 4
sadd b 3 4 5
sadd c x y 3
sinter a b
sinter a b c
sinter a a
sinter a nokey
sinter nokey a
sunion a b
~sunion a b c
sunion a nokey
sdiff a b
sdiff a nokey b
sdiff nokey a
sdiff a a
~sdiff c a
sinterstore d a b
smembers d
sinterstore d a nokey
scard d
sunionstore d a b c
~smembers d
sdiffstore d a b
smembers d
sdiffstore d nokey a
scard d
sdiffstore d a a
scard d
sunionstore a a b
smembers a
set str v
sinter a str
sinter nokey str
sinter str nokey
sunion nokey str
sdiff nokey str
sdiff str nokey
sinterstore d nokey str
sunionstore d a str
sinterstore str a b
get str
set str v
sunionstore str nokey
get str
set str v
sdiffstore str a
get str
set str v
sintercard 1 a
sintercard 2 a b
sintercard 2 a b limit 1
sintercard 2 a b limit 0
sintercard 2 a b limit -1
sintercard 2 a b limit x
sintercard 0 a
sintercard -1 a
sintercard x a
sintercard 3 a b
sintercard 2 a b foo
sintercard 2 a b limit
sintercard 1 nokey
sintercard 2 nokey str
sintercard 2 str nokey
sintercard 9223372036854775807 a
sintercard 2 a b LIMIT 1 LIMIT 5
sintercard 2 a b LIMIT 5 LIMIT 1
sintercard 2 a a
smove a b 1
smove a b 1
smove nokey b 1
smove a nokey 2
smembers nokey
smove a str 3
smove str a 3
smove nokey str 3
smove nokey2 str 3
smove a a 4
smove a a 99
smove b a 5
smembers b
smembers a
smove b newdst x
sadd ns x
smove ns ints 5
sadd ints 1 2
smove ints ns2 1
~smembers ns2
sadd str a
srem str a
scard str
sismember str a
smismember str a
smembers str
spop str
spop str 0
spop str x
srandmember str
srandmember str 0
srandmember str x
sscan str 0
sscan str x
sadd conv 1 2 3
sadd conv x
~smembers conv
srem conv x
~smembers conv
sadd e 1
srem e 1
scard e
multi
sadd m 1
hset mh f v
smembers m
hgetall mh
exec
hello 3
hgetall h2
hset h2 a 1 b 2
hgetall h2
hgetall nokey
hmget nokey a
hget nokey a
hkeys nokey
hvals h2
hrandfield nokey
hrandfield nokey 2 withvalues
hrandfield h2 5 withvalues
~hrandfield h2 -1 withvalues
hrandfield h2 0 withvalues
hscan h2 0
hscan nokey 0
hincrbyfloat h2 a 1.5
hexists h2 a
hsetnx h2 a 1
smembers a
smembers nokey
sinter a b
sinter a nokey
sunion a b
sunion nokey
sdiff a b
sdiff nokey
smismember a 1 9
sismember a 3
spop a 0
spop nokey 0
spop nokey 2
spop nokey
srandmember a 0
srandmember a 10
srandmember nokey 2
srandmember nokey
sscan a 0
sscan nokey 0
sintercard 2 a b
sadd q 1
spop q 5
hello 2
`
