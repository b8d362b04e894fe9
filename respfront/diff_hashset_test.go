package respfront_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// Differential tests of the hash and set families against a real
// redis-server 7.0: the same commands go to both servers over raw
// connections and the replies are compared.
//
// Comparison rules:
//   - Exact, byte for byte, by default. Small hashes (listpack in Redis) and
//     integer sets (intset) are ordered exactly as Redis orders them, so
//     their HGETALL, SMEMBERS, HSCAN and SSCAN replies are compared exactly
//     in the script.
//   - Order-insensitive (elements, or field/value pairs, sorted) for the
//     replies whose order Redis leaves to its hash table: SMEMBERS, SINTER,
//     SUNION, SDIFF, HGETALL, HKEYS, HVALS, and SPOP, SRANDMEMBER and
//     HRANDFIELD when they return the whole set or hash.
//   - Random replies (SPOP, SRANDMEMBER, HRANDFIELD on part of a key) are
//     checked on each side against the key's content read from Redis just
//     before: reply type, length, distinctness for positive counts,
//     membership and field values. After an SPOP the two servers hold
//     different members; Switchyard is brought back in line with SADD and
//     SREM.
//   - HSCAN and SSCAN of a table-encoded key: the cursors depend on the hash
//     function, so when a reply is not identical both sides run a full
//     iteration with the same options and the sets of elements returned
//     are compared.

// hsPair is one redis-server and one Switchyard connection.
type hsPair struct {
	t        *testing.T
	want     *testutil.Raw // redis-server
	got      *testutil.Raw // Switchyard
	proto    int
	side     *testutil.Raw // a second RESP2 connection to redis-server
	history  []string
	failNote string
	tally    map[string]*[2]int // per command: replies that were not / were errors
}

func newHSPair(t *testing.T) *hsPair {
	t.Helper()
	redisAddr := testutil.StartRedis(t)
	sy := start(t)
	return &hsPair{t: t, want: testutil.DialRaw(t, redisAddr), got: testutil.DialRaw(t, sy),
		side: testutil.DialRaw(t, redisAddr), proto: 2}
}

func (p *hsPair) fail(format string, args ...any) {
	p.t.Helper()
	from := max(0, len(p.history)-25)
	p.t.Fatalf("%s\n%s\nlast commands:\n  %s", p.failNote, fmt.Sprintf(format, args...),
		strings.Join(p.history[from:], "\n  "))
}

// do sends args to both servers and returns both raw replies.
func (p *hsPair) do(args ...string) (want, got string) {
	p.t.Helper()
	p.history = append(p.history, quoteArgs(args))
	want, got = p.want.Do(args...), p.got.Do(args...)
	if p.tally != nil {
		name := strings.ToUpper(args[0])
		if p.tally[name] == nil {
			p.tally[name] = &[2]int{}
		}
		if strings.HasPrefix(want, "-") {
			p.tally[name][1]++
		} else {
			p.tally[name][0]++
		}
	}
	return want, got
}

// hello switches both connections to protocol proto.
func (p *hsPair) hello(proto int) {
	p.t.Helper()
	w, g := p.do("HELLO", strconv.Itoa(proto))
	require.True(p.t, strings.HasPrefix(w, "%") || strings.HasPrefix(w, "*"), w)
	require.True(p.t, strings.HasPrefix(g, "%") || strings.HasPrefix(g, "*"), g)
	p.proto = proto
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"") || len(a) > 40 {
			if len(a) > 40 {
				a = a[:20] + "..." + strconv.Itoa(len(a))
			}
			a = strconv.Quote(a)
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// exact requires identical replies.
func (p *hsPair) exact(args ...string) {
	p.t.Helper()
	w, g := p.do(args...)
	if w != g {
		p.fail("%s:\nredis:      %q\nswitchyard: %q", quoteArgs(args), w, g)
	}
}

// unordered requires the same replies once the elements of the top-level
// aggregate (pairs for HGETALL and WITHVALUES) are sorted.
func (p *hsPair) unordered(args ...string) {
	p.t.Helper()
	w, g := p.do(args...)
	if w == g {
		return
	}
	pairs := pairedReply(args)
	if canonUnordered(w, pairs) != canonUnordered(g, pairs) {
		p.fail("%s (order-insensitive):\nredis:      %q\nswitchyard: %q", quoteArgs(args), w, g)
	}
}

// pairedReply reports whether a command's flat reply is field/value pairs.
func pairedReply(args []string) bool {
	switch strings.ToLower(args[0]) {
	case "hgetall":
		return true
	case "hrandfield":
		return len(args) == 4
	}
	return false
}

// rv is a parsed RESP reply: its type byte, its text (for scalars) and its
// elements (for aggregates; a map's keys and values alternate).
type rv struct {
	kind  byte
	text  string
	elems []rv
	raw   string
}

func hsParseReply(t testing.TB, raw string) rv {
	t.Helper()
	v, rest, err := parseRV(raw)
	require.NoError(t, err, "%q", raw)
	require.Empty(t, rest, "%q", raw)
	return v
}

func parseRV(s string) (rv, string, error) {
	i := strings.Index(s, "\r\n")
	if i < 1 {
		return rv{}, s, fmt.Errorf("malformed reply %q", s)
	}
	v := rv{kind: s[0], text: s[1:i]}
	rest := s[i+2:]
	switch v.kind {
	case '$', '=', '!':
		n, err := strconv.Atoi(v.text)
		if err != nil {
			return v, rest, err
		}
		if n >= 0 {
			v.text = rest[:n]
			rest = rest[n+2:]
		}
	case '*', '~', '%', '>':
		n, err := strconv.Atoi(v.text)
		if err != nil {
			return v, rest, err
		}
		if v.kind == '%' {
			n *= 2
		}
		for j := 0; j < n; j++ {
			var e rv
			if e, rest, err = parseRV(rest); err != nil {
				return v, rest, err
			}
			v.elems = append(v.elems, e)
		}
	}
	v.raw = s[:len(s)-len(rest)]
	return v, rest, nil
}

// canonUnordered returns raw with the top-level elements sorted (in pairs
// for a map or when pairs is set).
func canonUnordered(raw string, pairs bool) string {
	v, rest, err := parseRV(raw)
	if err != nil || rest != "" || v.elems == nil {
		return raw
	}
	step := 1
	if pairs || v.kind == '%' {
		step = 2
	}
	var items []string
	for i := 0; i+step <= len(v.elems); i += step {
		var b strings.Builder
		for _, e := range v.elems[i : i+step] {
			b.WriteString(e.raw)
		}
		items = append(items, b.String())
	}
	slices.Sort(items)
	return raw[:strings.Index(raw, "\r\n")+2] + strings.Join(items, "")
}

// hsScanAll runs a full SCAN-family iteration on one server: args is the
// command with its cursor at index 2, which is replaced on each call. It
// returns the sorted elements (field+value strings for HSCAN) or the raw
// error reply.
func hsScanAll(t testing.TB, r *testutil.Raw, args []string, first string) ([]string, string) {
	t.Helper()
	args = slices.Clone(args)
	reply := first
	pairs := strings.EqualFold(args[0], "hscan")
	var out []string
	for calls := 0; ; calls++ {
		require.Less(t, calls, 100000, "scan does not terminate")
		if strings.HasPrefix(reply, "-") {
			return nil, reply
		}
		v := hsParseReply(t, reply)
		require.Len(t, v.elems, 2, "%q", reply)
		elems := v.elems[1].elems
		for i := 0; i < len(elems); i++ {
			if pairs {
				out = append(out, elems[i].text+"\x00"+elems[i+1].text)
				i++
			} else {
				out = append(out, elems[i].text)
			}
		}
		if v.elems[0].text == "0" {
			break
		}
		args[2] = v.elems[0].text
		reply = r.Do(args...)
	}
	slices.Sort(out)
	return slices.Compact(out), ""
}

// scan compares a SCAN-family command: identical replies pass; otherwise
// both sides iterate fully from cursor 0 with the same options and must
// return the same elements.
func (p *hsPair) scan(args ...string) {
	p.t.Helper()
	w, g := p.do(args...)
	if w == g {
		return
	}
	if strings.HasPrefix(w, "-") || strings.HasPrefix(g, "-") {
		p.fail("%s:\nredis:      %q\nswitchyard: %q", quoteArgs(args), w, g)
	}
	if args[2] != "0" {
		// What a cursor other than 0 designates depends on the hash
		// function: iterate from the start instead.
		args = slices.Clone(args)
		args[2] = "0"
		w, g = p.want.Do(args...), p.got.Do(args...)
	}
	we, werr := hsScanAll(p.t, p.want, args, w)
	ge, gerr := hsScanAll(p.t, p.got, args, g)
	if werr != gerr || !slices.Equal(we, ge) {
		p.fail("%s (full iteration):\nredis:      %q %q\nswitchyard: %q %q", quoteArgs(args), werr, we, gerr, ge)
	}
}

// diffSeed returns the seed for the random test: SWITCHYARD_DIFF_SEED or
// the clock.
func diffSeed(t *testing.T) uint64 {
	if s := os.Getenv("SWITCHYARD_DIFF_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
		return v
	}
	return uint64(time.Now().UnixNano())
}

// diffCount returns the number of random commands: SWITCHYARD_DIFF_N or
// 6000 (half RESP2, half RESP3).
func diffCount(t *testing.T) int {
	if s := os.Getenv("SWITCHYARD_DIFF_N"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		return n
	}
	return 6000
}

// TestDiffHashSetRandom sends a seeded random sequence of hash, set, string
// and list commands over a few keys, so types collide and WRONGTYPE paths
// run, to both servers. Rerun a failure with SWITCHYARD_DIFF_SEED=<seed>.
func TestDiffHashSetRandom(t *testing.T) {
	seed := diffSeed(t)
	n := diffCount(t)
	t.Logf("seed %d, %d commands (SWITCHYARD_DIFF_SEED=%d to replay)", seed, n, seed)
	p := newHSPair(t)
	p.tally = map[string]*[2]int{}
	g := &hsGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for i := range n {
		if i == n/2 {
			p.hello(3)
		}
		args, kind := g.next()
		p.failNote = fmt.Sprintf("seed %d, command %d", seed, i)
		switch kind {
		case cmpExact:
			p.exact(args...)
		case cmpUnordered:
			p.unordered(args...)
		case cmpScan:
			p.scan(args...)
		case cmpRandom:
			p.random(args...)
		}
	}
	t.Logf("%d commands compared", len(p.history))
	names := slices.Sorted(maps.Keys(p.tally))
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, " %s %d/%d", name, p.tally[name][0], p.tally[name][1])
	}
	t.Logf("replies (non-error/error):%s", b.String())
}

// How the random test compares a command's replies.
const (
	cmpExact = iota
	cmpUnordered
	cmpScan
	cmpRandom
)

// hsGen generates random commands over a small key space.
type hsGen struct{ r *rand.Rand }

var (
	hsKeys    = []string{"h1", "h2", "s1", "s2", "s3", "x"}
	hsFields  = []string{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "", "num", "flt"}
	hsValues  = []string{"0", "1", "-3", "17", "100", "9223372036854775807", "-9223372036854775808", "1.5", "-0.25", "1e3", "abc", "", " 1", "007", "-0", "3.0e-2", "0x10", "inf"}
	hsMembers = []string{"0", "1", "2", "3", "5", "8", "13", "-1", "007", "a", "b", "c", "abc", "", "9223372036854775807", "9223372036854775808", "-0"}
	hsIncrs   = []string{"1", "-1", "5", "100", "-100", "9223372036854775807", "-9223372036854775808", "x", "1.5", "01", ""}
	hsFloats  = []string{"1", "0.1", "-0.5", "2.5e2", "1e-3", "x", "inf", "-inf", "nan", "3", "0x1p3", "1e400", "10.6", " 1"}
	hsLong    = strings.Repeat("z", 65)
)

func (g *hsGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// key mostly picks a key named for the family (h* for hashes, s* for sets)
// and sometimes any key, so that types collide.
func (g *hsGen) key(prefix string) string {
	if g.r.IntN(100) < 93 {
		var own []string
		for _, k := range hsKeys {
			if strings.HasPrefix(k, prefix) {
				own = append(own, k)
			}
		}
		return g.pick(own)
	}
	return g.pick(hsKeys)
}

// otherKey is the key for a string or list write: mostly x, sometimes any.
func (g *hsGen) otherKey() string {
	if g.r.IntN(100) < 70 {
		return "x"
	}
	return g.pick(hsKeys)
}

func (g *hsGen) field() string {
	if g.r.IntN(200) == 0 {
		return hsLong
	}
	return g.pick(hsFields)
}

func (g *hsGen) value() string {
	if g.r.IntN(100) == 0 {
		return hsLong
	}
	return g.pick(hsValues)
}

func (g *hsGen) member() string {
	if g.r.IntN(150) == 0 {
		return hsLong
	}
	return g.pick(hsMembers)
}

func (g *hsGen) count() string {
	return g.pick([]string{"0", "1", "2", "3", "5", "20", "-1", "-3", "-10", "x"})
}

func (g *hsGen) fields(min, max int, each func() []string) []string {
	var out []string
	for range min + g.r.IntN(max-min+1) {
		out = append(out, each()...)
	}
	return out
}

func (g *hsGen) keys(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.key(prefix)
	}
	return out
}

// next returns a command and how to compare its replies.
func (g *hsGen) next() ([]string, int) {
	one := func(f func() string) func() []string { return func() []string { return []string{f()} } }
	pair := func() []string { return []string{g.field(), g.value()} }
	h, s := g.key("h"), g.key("s")
	cmd := func(name string, rest ...string) []string { return append([]string{name}, rest...) }
	switch g.r.IntN(48) {
	case 0, 1, 2:
		return append(cmd("HSET", h), g.fields(1, 4, pair)...), cmpExact
	case 3:
		return append(cmd("HMSET", h), g.fields(1, 3, pair)...), cmpExact
	case 4:
		return cmd("HSETNX", h, g.field(), g.value()), cmpExact
	case 5, 6:
		return cmd("HGET", h, g.field()), cmpExact
	case 7:
		return append(cmd("HMGET", h), g.fields(1, 4, one(g.field))...), cmpExact
	case 8:
		return cmd("HGETALL", h), cmpUnordered
	case 9:
		return append(cmd("HDEL", h), g.fields(1, 3, one(g.field))...), cmpExact
	case 10:
		return cmd("HLEN", h), cmpExact
	case 11:
		return cmd("HSTRLEN", h, g.field()), cmpExact
	case 12:
		return cmd("HEXISTS", h, g.field()), cmpExact
	case 13:
		return cmd(g.pick([]string{"HKEYS", "HVALS"}), h), cmpUnordered
	case 14, 15:
		return cmd("HINCRBY", h, g.field(), g.pick(hsIncrs)), cmpExact
	case 16, 17:
		return cmd("HINCRBYFLOAT", h, g.field(), g.pick(hsFloats)), cmpExact
	case 18:
		switch g.r.IntN(4) {
		case 0:
			return cmd("HRANDFIELD", h), cmpRandom
		case 1:
			return cmd("HRANDFIELD", h, g.count()), cmpRandom
		case 2:
			return cmd("HRANDFIELD", h, g.count(), "WITHVALUES"), cmpRandom
		default:
			return cmd("HRANDFIELD", h, g.count(), g.pick([]string{"withvalues", "foo", "WITHVALUES x"})), cmpRandom
		}
	case 19:
		return g.scanCmd("HSCAN", h), cmpScan
	case 20, 21, 22:
		return append(cmd("SADD", s), g.fields(1, 4, one(g.member))...), cmpExact
	case 23, 24:
		return append(cmd("SREM", s), g.fields(1, 3, one(g.member))...), cmpExact
	case 25:
		return cmd("SCARD", s), cmpExact
	case 26:
		return cmd("SISMEMBER", s, g.member()), cmpExact
	case 27:
		return append(cmd("SMISMEMBER", s), g.fields(1, 4, one(g.member))...), cmpExact
	case 28:
		return cmd("SMEMBERS", s), cmpUnordered
	case 29:
		if g.r.IntN(3) == 0 {
			return cmd("SPOP", s), cmpRandom
		}
		return cmd("SPOP", s, g.count()), cmpRandom
	case 30:
		if g.r.IntN(3) == 0 {
			return cmd("SRANDMEMBER", s), cmpRandom
		}
		return cmd("SRANDMEMBER", s, g.count()), cmpRandom
	case 31:
		return cmd("SMOVE", s, g.key("s"), g.member()), cmpExact
	case 32, 33:
		return append(cmd(g.pick([]string{"SINTER", "SUNION", "SDIFF"})), g.keys(1+g.r.IntN(3), "s")...), cmpUnordered
	case 34, 35:
		name := g.pick([]string{"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"})
		return append(cmd(name, g.key("s")), g.keys(1+g.r.IntN(3), "s")...), cmpExact
	case 36:
		n := 1 + g.r.IntN(3)
		args := append(cmd("SINTERCARD", strconv.Itoa(n)), g.keys(n, "s")...)
		switch g.r.IntN(5) {
		case 0:
			args = append(args, "LIMIT", g.pick([]string{"0", "1", "2", "-1", "x"}))
		case 1:
			args[1] = g.pick([]string{"0", "-1", "x", "9"})
		}
		return args, cmpExact
	case 37:
		return g.scanCmd("SSCAN", s), cmpScan
	case 38:
		return cmd("SET", g.otherKey(), g.value()), cmpExact
	case 39:
		return cmd("RPUSH", g.otherKey(), g.value()), cmpExact
	case 40, 45:
		return cmd("GETDEL", g.pick(hsKeys)), cmpExact
	case 41, 46:
		return cmd("LPOP", g.pick(hsKeys), "10"), cmpExact
	case 42:
		return cmd("HDEL", h, "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "", "num", "flt", hsLong), cmpExact
	case 43:
		// Arity and syntax errors.
		bad := [][]string{
			{"HSET", h, "f"}, {"HSET", h, "f", "v", "g"}, {"HMSET", h, "f"}, {"HGET", h},
			{"SPOP", s, "1", "2"}, {"SRANDMEMBER", s, "1", "2"}, {"SINTERCARD", "1"},
			{"SMOVE", s, s}, {"HINCRBY", h, "f"}, {"SADD", s}, {"HSCAN", h}, {"SSCAN", s},
		}
		return bad[g.r.IntN(len(bad))], cmpExact
	case 44:
		return cmd("SMISMEMBER", s, g.member()), cmpExact
	default:
		return cmd("HLEN", g.pick(hsKeys)), cmpExact
	}
}

// scanCmd builds HSCAN or SSCAN with a random cursor and options.
func (g *hsGen) scanCmd(name, key string) []string {
	args := []string{name, key, g.pick([]string{"0", "0", "0", "x", "-1", "3"})}
	for range g.r.IntN(3) {
		switch g.r.IntN(4) {
		case 0:
			args = append(args, "COUNT", g.pick([]string{"1", "2", "10", "0", "-1", "x"}))
		case 1:
			args = append(args, "MATCH", g.pick([]string{"*", "f*", "?", "a*", "1*", "*[0-5]"}))
		case 2:
			args = append(args, g.pick([]string{"TYPE", "foo", "MATCH"}))
		default:
			args = append(args, "COUNT", "3")
		}
	}
	return args
}

// content is a key's value as read from redis-server: its type, and its
// members or field -> value map.
type content struct {
	typ     string
	members map[string]bool
	fields  map[string]string
}

// readContent reads key's content from redis-server. It uses a second
// RESP2 connection so the main connection's protocol does not matter.
func (p *hsPair) readContent(r *testutil.Raw, key string) content {
	p.t.Helper()
	tv := hsParseReply(p.t, r.Do("TYPE", key))
	c := content{typ: tv.text, members: map[string]bool{}, fields: map[string]string{}}
	switch c.typ {
	case "set":
		for _, e := range hsParseReply(p.t, r.Do("SMEMBERS", key)).elems {
			c.members[e.text] = true
		}
	case "hash":
		es := hsParseReply(p.t, r.Do("HGETALL", key)).elems
		for i := 0; i+1 < len(es); i += 2 {
			c.fields[es[i].text] = es[i+1].text
		}
	}
	return c
}

// random compares SPOP, SRANDMEMBER and HRANDFIELD: errors and shapes
// exactly, the elements against the key's content read from Redis first.
// After SPOP, Switchyard's set is made equal to Redis's again.
func (p *hsPair) random(args ...string) {
	p.t.Helper()
	key := args[1]
	before := p.readContent(p.side, key)
	w, g := p.do(args...)
	if w == g {
		return
	}
	if strings.HasPrefix(w, "-") || strings.HasPrefix(g, "-") || w[0] != g[0] {
		p.fail("%s:\nredis:      %q\nswitchyard: %q", quoteArgs(args), w, g)
	}
	wv, gv := hsParseReply(p.t, w), hsParseReply(p.t, g)
	name := strings.ToLower(args[0])
	var count int64
	hasCount := len(args) >= 3
	if hasCount {
		count, _ = strconv.ParseInt(args[2], 10, 64)
	}
	withValues := len(args) == 4
	check := func(side string, v rv) []string {
		var picked []string
		if !hasCount {
			picked = []string{v.text}
		} else {
			n := int64(len(before.members) + len(before.fields))
			wantLen := min(count, n)
			if count < 0 {
				wantLen = -count
			}
			elems := v.elems
			if withValues && p.proto == 2 {
				var nested []rv
				for i := 0; i+1 < len(elems); i += 2 {
					nested = append(nested, rv{kind: '*', elems: elems[i : i+2]})
				}
				elems = nested
			}
			if int64(len(elems)) != wantLen {
				p.fail("%s: %s returned %d elements, want %d: %q", quoteArgs(args), side, len(elems), wantLen, v.raw)
			}
			for _, e := range elems {
				if withValues {
					if len(e.elems) != 2 {
						p.fail("%s: %s: malformed pair %q", quoteArgs(args), side, v.raw)
					}
					if before.fields[e.elems[0].text] != e.elems[1].text {
						p.fail("%s: %s: wrong value in %q", quoteArgs(args), side, v.raw)
					}
					picked = append(picked, e.elems[0].text)
				} else {
					picked = append(picked, e.text)
				}
			}
			if count > 0 {
				sorted := slices.Clone(picked)
				slices.Sort(sorted)
				if len(slices.Compact(sorted)) != len(picked) {
					p.fail("%s: %s returned duplicates: %q", quoteArgs(args), side, v.raw)
				}
			}
		}
		for _, m := range picked {
			_, isField := before.fields[m]
			if !before.members[m] && !isField {
				p.fail("%s: %s returned %q, not in the key (%v %v): %q", quoteArgs(args), side, m, before.members, before.fields, v.raw)
			}
		}
		return picked
	}
	wp, gp := check("redis", wv), check("switchyard", gv)
	if name != "spop" {
		return
	}
	// Make Switchyard's set equal to Redis's: put back what it popped,
	// remove what Redis popped.
	if len(gp) > 0 && p.readContent(p.side, key).typ == "set" {
		r := p.got.Do(append([]string{"SADD", key}, gp...)...)
		require.True(p.t, strings.HasPrefix(r, ":"), r)
		r = p.got.Do(append([]string{"SREM", key}, wp...)...)
		require.True(p.t, strings.HasPrefix(r, ":"), r)
	}
}

// The hash and set families of TestDiffRedisRandom's generator
// (diff_gen_test.go), so that hashes and sets also meet the key commands
// there (COPY, RENAME, MOVE, SWAPDB, EXPIRE, TYPE...) over the shared keys.
// Only commands with a deterministic reply are drawn: that generator may
// cut a command short, which would turn SPOP key count into a random SPOP,
// so SPOP, SRANDMEMBER and HRANDFIELD are left to TestDiffHashSetRandom.
func init() {
	genCmds = append(genCmds, hashGenCmds...)
	genCmds = append(genCmds, setGenCmds...)
}

func (g *gen) hfield() string {
	if g.chance(0.01) {
		return strings.Repeat("F", 65)
	}
	return g.pick("f1", "f2", "f3", "f4", "", "n")
}

func (g *gen) hvalue() string {
	switch {
	case g.chance(0.01):
		return strings.Repeat("V", 65)
	case g.chance(0.3):
		return g.num()
	}
	return g.val()
}

func (g *gen) member() string {
	if g.chance(0.2) {
		return g.val()
	}
	return g.pick("a", "b", "c", "1", "2", "3", "-1", "007", "")
}

func (g *gen) members(min int) []string {
	var out []string
	for range min + g.r.IntN(3) {
		out = append(out, g.member())
	}
	return out
}

func (g *gen) pairs() []string {
	var out []string
	for range 1 + g.r.IntN(3) {
		out = append(out, g.hfield(), g.hvalue())
	}
	return out
}

var hashGenCmds = []genCmd{
	{family: "hashes", weight: 8, args: func(g *gen) []string { return cat(args("HSET", g.key()), g.pairs()...) }},
	{family: "hashes", weight: 2, args: func(g *gen) []string { return cat(args("HMSET", g.key()), g.pairs()...) }},
	{family: "hashes", weight: 2, args: func(g *gen) []string { return args("HSETNX", g.key(), g.hfield(), g.hvalue()) }},
	{family: "hashes", weight: 4, args: func(g *gen) []string { return args("HGET", g.key(), g.hfield()) }},
	{family: "hashes", weight: 2, args: func(g *gen) []string { return args("HMGET", g.key(), g.hfield(), g.hfield()) }},
	{family: "hashes", weight: 3, args: func(g *gen) []string { return args("HDEL", g.key(), g.hfield(), g.hfield()) }},
	{family: "hashes", weight: 2, args: func(g *gen) []string { return args("HLEN", g.key()) }},
	{family: "hashes", weight: 2, args: func(g *gen) []string { return args(g.pick("HSTRLEN", "HEXISTS"), g.key(), g.hfield()) }},
	{family: "hashes", weight: 2, unordered: true, noMulti: true, args: func(g *gen) []string {
		return args(g.pick("HGETALL", "HKEYS", "HVALS"), g.key())
	}},
	{family: "hashes", weight: 3, args: func(g *gen) []string { return args("HINCRBY", g.key(), g.hfield(), g.num()) }},
	{family: "hashes", weight: 3, args: func(g *gen) []string { return args("HINCRBYFLOAT", g.key(), g.hfield(), g.float()) }},
}

var setGenCmds = []genCmd{
	{family: "sets", weight: 8, args: func(g *gen) []string { return cat(args("SADD", g.key()), g.members(1)...) }},
	{family: "sets", weight: 4, args: func(g *gen) []string { return cat(args("SREM", g.key()), g.members(1)...) }},
	{family: "sets", weight: 2, args: func(g *gen) []string { return args("SCARD", g.key()) }},
	{family: "sets", weight: 3, args: func(g *gen) []string { return args("SISMEMBER", g.key(), g.member()) }},
	{family: "sets", weight: 2, args: func(g *gen) []string { return cat(args("SMISMEMBER", g.key()), g.members(1)...) }},
	{family: "sets", weight: 2, args: func(g *gen) []string { return args("SMOVE", g.key(), g.key(), g.member()) }},
	{family: "sets", weight: 3, unordered: true, noMulti: true, args: func(g *gen) []string {
		return cat(args(g.pick("SMEMBERS", "SINTER", "SUNION", "SDIFF")), g.keys(1)...)
	}},
	{family: "sets", weight: 3, args: func(g *gen) []string {
		return cat(args(g.pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), g.key()), g.keys(1)...)
	}},
	{family: "sets", weight: 2, args: func(g *gen) []string {
		keys := g.keys(1)
		a := cat(args("SINTERCARD", strconv.Itoa(len(keys))), keys...)
		if g.chance(0.3) {
			a = append(a, "LIMIT", g.pick("0", "1", "2", "-1", "abc"))
		}
		return a
	}},
}
