package respfront

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/resp"
)

// The list family (https://redis.io/docs/latest/commands/?group=list), with
// Redis 7.0.15's replies and error texts. The engine side is
// broker/list_ops.go; blocking commands register a broker.Waiter and are
// served, first blocked first served, by the command that pushed.

func listCommands() []*Command {
	return []*Command{
		{Name: "lpush", Handler: cmdPush(broker.Left, false), Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Prepend one or multiple elements to a list"},
		{Name: "rpush", Handler: cmdPush(broker.Right, false), Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Append one or multiple elements to a list"},
		{Name: "lpushx", Handler: cmdPush(broker.Left, true), Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Prepend an element to a list, only if the list exists"},
		{Name: "rpushx", Handler: cmdPush(broker.Right, true), Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Append an element to a list, only if the list exists"},
		{Name: "lpop", Handler: cmdPop(broker.Left), Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Remove and get the first elements in a list"},
		{Name: "rpop", Handler: cmdPop(broker.Right), Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Remove and get the last elements in a list"},
		{Name: "llen", Handler: cmdLLen, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Get the length of a list"},
		{Name: "lrange", Handler: cmdLRange, Arity: 4, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Get a range of elements from a list"},
		{Name: "lindex", Handler: cmdLIndex, Arity: 3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Get an element from a list by its index"},
		{Name: "lset", Handler: cmdLSet, Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Set the value of an element in a list by its index"},
		{Name: "linsert", Handler: cmdLInsert, Arity: 5, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Insert an element before or after another element in a list"},
		{Name: "lrem", Handler: cmdLRem, Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Remove elements from a list"},
		{Name: "ltrim", Handler: cmdLTrim, Arity: 4, Flags: Write, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Trim a list to the specified range"},
		{Name: "lpos", Handler: cmdLPos, Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Return the index of matching elements on a list"},
		{Name: "rpoplpush", Handler: cmdRPopLPush, Arity: 3, Flags: Write, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Remove the last element in a list, prepend it to another list and return it"},
		{Name: "lmove", Handler: cmdLMove, Arity: 5, Flags: Write, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Pop an element from a list, push it to another list and return it"},
		{Name: "lmpop", Handler: cmdLMPop(false), Arity: -4, Flags: Write, Summary: "Pop elements from a list"},
		{Name: "blpop", Handler: cmdBPop(broker.Left), Arity: -3, Flags: Write | Blocking, FirstKey: 1, LastKey: -2, Step: 1, Summary: "Remove and get the first element in a list, or block until one is available"},
		{Name: "brpop", Handler: cmdBPop(broker.Right), Arity: -3, Flags: Write | Blocking, FirstKey: 1, LastKey: -2, Step: 1, Summary: "Remove and get the last element in a list, or block until one is available"},
		{Name: "brpoplpush", Handler: cmdBRPopLPush, Arity: 4, Flags: Write | Blocking, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Pop an element from a list, push it to another list and return it; or block until one is available"},
		{Name: "blmove", Handler: cmdBLMove, Arity: 6, Flags: Write | Blocking, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Pop an element from a list, push it to another list and return it; or block until one is available"},
		{Name: "blmpop", Handler: cmdLMPop(true), Arity: -5, Flags: Write | Blocking, Summary: "Pop elements from a list, or block until one is available"},
	}
}

// Error texts of the list family that no other family shares.
const (
	errListPositive = "ERR value is out of range, must be positive"
	errLPosRankZero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	errLPosCount    = "ERR COUNT can't be negative"
	errLPosMaxlen   = "ERR MAXLEN can't be negative"
	errNumkeys      = "ERR numkeys should be greater than 0"
	errMPopCount    = "ERR count should be greater than 0"
	errTimeoutFloat = "ERR timeout is not a float or out of range"
	errTimeoutNeg   = "ERR timeout is negative"
)

// cmdPush is LPUSH/RPUSH and, with onlyIfExists, LPUSHX/RPUSHX: the new
// length, 0 for the X forms on a missing key.
func cmdPush(e broker.End, onlyIfExists bool) func(*Ctx) {
	return func(x *Ctx) {
		n, err := x.DB.ListPush(x.Arg(1), e, x.Args[2:], onlyIfExists)
		if err != nil {
			x.Err(err)
			return
		}
		x.W.Int(int64(n))
	}
}

// cmdPop is LPOP/RPOP key [count]. Without count: the element or a null
// bulk. With count: an array (empty for count 0), or a null array for a
// missing key (RESP3: null for both).
func cmdPop(e broker.End) func(*Ctx) {
	return func(x *Ctx) {
		if len(x.Args) > 3 {
			x.W.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", x.Cmd.Name))
			return
		}
		count, withCount := int64(1), len(x.Args) == 3
		if withCount {
			n, ok := broker.ParseInt(x.Args[2])
			if !ok || n < 0 {
				x.W.Error(errListPositive)
				return
			}
			count = n
		}
		vals, exists, err := x.DB.ListPop(x.Arg(1), e, int(min(count, math.MaxInt)))
		switch {
		case err != nil:
			x.Err(err)
		case !exists && withCount:
			x.W.NullArray()
		case !exists:
			x.W.Null()
		case withCount:
			writeBulks(x.W, vals)
		default:
			x.W.Bulk(vals[0])
		}
	}
}

func cmdLLen(x *Ctx) {
	n, err := x.DB.ListLen(x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

// parseStartStop parses the two indexes of LRANGE and LTRIM; on failure it
// writes the error and returns ok false.
func parseStartStop(x *Ctx) (start, stop int64, ok bool) {
	start, ok1 := broker.ParseInt(x.Args[2])
	stop, ok2 := broker.ParseInt(x.Args[3])
	if !ok1 || !ok2 {
		x.Err(broker.ErrNotInteger)
		return 0, 0, false
	}
	return start, stop, true
}

func cmdLRange(x *Ctx) {
	start, stop, ok := parseStartStop(x)
	if !ok {
		return
	}
	vals, err := x.DB.ListRange(x.Arg(1), start, stop)
	if err != nil {
		x.Err(err)
		return
	}
	writeBulks(x.W, vals)
}

// cmdLIndex: Redis looks the key up before parsing the index, so a missing
// key answers null and a wrong type WRONGTYPE whatever the index.
func cmdLIndex(x *Ctx) {
	i, ok := broker.ParseInt(x.Args[2])
	if !ok {
		if n, err := x.DB.ListLen(x.Arg(1)); err != nil {
			x.Err(err)
		} else if n == 0 {
			x.W.Null()
		} else {
			x.Err(broker.ErrNotInteger)
		}
		return
	}
	v, found, err := x.DB.ListIndex(x.Arg(1), i)
	switch {
	case err != nil:
		x.Err(err)
	case !found:
		x.W.Null()
	default:
		x.W.Bulk(v)
	}
}

// cmdLSet: like LINDEX, the key is checked before the index is parsed.
func cmdLSet(x *Ctx) {
	i, ok := broker.ParseInt(x.Args[2])
	if !ok {
		if _, err := x.DB.ListSetCheck(x.Arg(1)); err != nil {
			x.Err(err)
		} else {
			x.Err(broker.ErrNotInteger)
		}
		return
	}
	if err := x.DB.ListSet(x.Arg(1), i, x.Args[3]); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

func cmdLInsert(x *Ctx) {
	var after bool
	switch strings.ToLower(x.Arg(2)) {
	case "after":
		after = true
	case "before":
	default:
		x.SyntaxErr()
		return
	}
	n, err := x.DB.ListInsert(x.Arg(1), after, x.Args[3], x.Args[4])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdLRem(x *Ctx) {
	count, ok := broker.ParseInt(x.Args[2])
	if !ok {
		x.Err(broker.ErrNotInteger)
		return
	}
	n, err := x.DB.ListRem(x.Arg(1), count, x.Args[3])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdLTrim(x *Ctx) {
	start, stop, ok := parseStartStop(x)
	if !ok {
		return
	}
	if err := x.DB.ListTrim(x.Arg(1), start, stop); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

// cmdLPos is LPOS key element [RANK rank] [COUNT num] [MAXLEN len]: an
// index or null, or with COUNT an array (possibly empty). Options are
// validated before the key is looked up.
func cmdLPos(x *Ctx) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for j := 3; j < len(x.Args); j++ {
		opt := strings.ToLower(x.Arg(j))
		more := j+1 < len(x.Args)
		switch {
		case opt == "rank" && more:
			j++
			n, ok := broker.ParseInt(x.Args[j])
			if !ok {
				x.Err(broker.ErrNotInteger)
				return
			}
			if n == 0 {
				x.W.Error(errLPosRankZero)
				return
			}
			rank = n
		case opt == "count" && more:
			j++
			n, ok := broker.ParseInt(x.Args[j])
			if !ok || n < 0 {
				x.W.Error(errLPosCount)
				return
			}
			count = n
		case opt == "maxlen" && more:
			j++
			n, ok := broker.ParseInt(x.Args[j])
			if !ok || n < 0 {
				x.W.Error(errLPosMaxlen)
				return
			}
			maxlen = n
		default:
			x.SyntaxErr()
			return
		}
	}
	limit := count
	if count == -1 {
		limit = 1
	}
	pos, err := x.DB.ListPos(x.Arg(1), x.Args[2], rank, limit, maxlen)
	switch {
	case err != nil:
		x.Err(err)
	case count != -1:
		x.W.Array(len(pos))
		for _, p := range pos {
			x.W.Int(p)
		}
	case len(pos) == 0:
		x.W.Null()
	default:
		x.W.Int(pos[0])
	}
}

// parseEnd parses LEFT or RIGHT (any case).
func parseEnd(b []byte) (broker.End, bool) {
	switch strings.ToLower(string(b)) {
	case "left":
		return broker.Left, true
	case "right":
		return broker.Right, true
	}
	return 0, false
}

// parseEnds parses LMOVE's and BLMOVE's wherefrom and whereto at Args[3]
// and Args[4], writing a syntax error on failure.
func parseEnds(x *Ctx) (from, to broker.End, ok bool) {
	from, ok1 := parseEnd(x.Args[3])
	to, ok2 := parseEnd(x.Args[4])
	if !ok1 || !ok2 {
		x.SyntaxErr()
		return 0, 0, false
	}
	return from, to, true
}

func cmdRPopLPush(x *Ctx) { listMove(x, broker.Right, broker.Left) }

func cmdLMove(x *Ctx) {
	if from, to, ok := parseEnds(x); ok {
		listMove(x, from, to)
	}
}

// listMove runs LMOVE Args[1] Args[2]: the element moved, or null when the
// source is missing.
func listMove(x *Ctx, from, to broker.End) {
	v, ok, err := x.DB.ListMove(x.Arg(1), x.Arg(2), from, to)
	switch {
	case err != nil:
		x.Err(err)
	case !ok:
		x.W.Null()
	default:
		x.W.Bulk(v)
	}
}

// cmdLMPop is LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] and,
// blocking, BLMPOP timeout numkeys ...: [key, [elements]] from the first
// non-empty list, or a null array.
func cmdLMPop(blocking bool) func(*Ctx) {
	return func(x *Ctx) {
		nk := 1 // index of numkeys
		if blocking {
			nk = 2
		}
		numkeys, ok := broker.ParseInt(x.Args[nk])
		if !ok || numkeys < 1 {
			x.W.Error(errNumkeys)
			return
		}
		if numkeys >= int64(len(x.Args)-nk-1) {
			x.SyntaxErr()
			return
		}
		whereIdx := nk + 1 + int(numkeys)
		e, ok := parseEnd(x.Args[whereIdx])
		if !ok {
			x.SyntaxErr()
			return
		}
		count := int64(-1)
		for j := whereIdx + 1; j < len(x.Args); j++ {
			if count == -1 && strings.EqualFold(x.Arg(j), "count") && j+1 < len(x.Args) {
				j++
				n, ok := broker.ParseInt(x.Args[j])
				if !ok || n < 1 {
					x.W.Error(errMPopCount)
					return
				}
				count = n
				continue
			}
			x.SyntaxErr()
			return
		}
		if count == -1 {
			count = 1
		}
		var timeout time.Duration
		if blocking {
			if timeout, ok = parseBlockTimeout(x, x.Args[1]); !ok {
				return
			}
		}
		keys := x.Args[nk+1 : whereIdx]
		n := int(min(count, math.MaxInt))
		for _, k := range keys {
			vals, exists, err := x.DB.ListPop(string(k), e, n)
			if err != nil {
				x.Err(err)
				return
			}
			if exists {
				writeKeyBulks(x.W, string(k), vals)
				return
			}
		}
		if !blocking || x.InExec {
			x.W.NullArray()
			return
		}
		w := x.DB.ListPopWaiter(argStrings(keys), e, n)
		x.Block(w, timeout, func(rw *resp.Writer, res any) {
			r := res.(broker.ListPopResult)
			writeKeyBulks(rw, r.Key, r.Values)
		}, (*resp.Writer).NullArray)
	}
}

// cmdBPop is BLPOP/BRPOP key [key ...] timeout: [key, element] from the
// first non-empty list in argument order; otherwise the client blocks until
// a push serves it, answering a null array on timeout (and at once inside
// MULTI/EXEC).
func cmdBPop(e broker.End) func(*Ctx) {
	return func(x *Ctx) {
		timeout, ok := parseBlockTimeout(x, x.Args[len(x.Args)-1])
		if !ok {
			return
		}
		keys := x.Args[1 : len(x.Args)-1]
		for _, k := range keys {
			vals, exists, err := x.DB.ListPop(string(k), e, 1)
			if err != nil {
				x.Err(err)
				return
			}
			if exists {
				x.W.Array(2)
				x.W.Bulk(k)
				x.W.Bulk(vals[0])
				return
			}
		}
		if x.InExec {
			x.W.NullArray()
			return
		}
		w := x.DB.ListPopWaiter(argStrings(keys), e, 1)
		x.Block(w, timeout, func(rw *resp.Writer, res any) {
			r := res.(broker.ListPopResult)
			rw.Array(2)
			rw.BulkString(r.Key)
			rw.Bulk(r.Values[0])
		}, (*resp.Writer).NullArray)
	}
}

func cmdBRPopLPush(x *Ctx) { blockingMove(x, broker.Right, broker.Left) }

func cmdBLMove(x *Ctx) {
	if from, to, ok := parseEnds(x); ok {
		blockingMove(x, from, to)
	}
}

// blockingMove runs BLMOVE Args[1] Args[2] with the timeout in the last
// argument. A missing source blocks whatever the destination holds; when
// the client is served and the destination then holds another type, it
// gets WRONGTYPE and nothing moves. On timeout the reply is a null array
// (RESP2 *-1), as Redis 7.0 answers every timed-out list command; inside
// MULTI/EXEC it is a null bulk string.
func blockingMove(x *Ctx, from, to broker.End) {
	timeout, ok := parseBlockTimeout(x, x.Args[len(x.Args)-1])
	if !ok {
		return
	}
	src, dst := x.Arg(1), x.Arg(2)
	v, moved, err := x.DB.ListMove(src, dst, from, to)
	switch {
	case err != nil:
		x.Err(err)
	case moved:
		x.W.Bulk(v)
	case x.InExec:
		x.W.Null()
	default:
		w := x.DB.ListMoveWaiter(src, dst, from, to)
		x.Block(w, timeout, func(rw *resp.Writer, res any) {
			if err, isErr := res.(error); isErr {
				rw.Error(errorText(err))
				return
			}
			rw.Bulk(res.([]byte))
		}, (*resp.Writer).NullArray)
	}
}

func writeBulks(w *resp.Writer, vals [][]byte) {
	w.Array(len(vals))
	for _, v := range vals {
		w.Bulk(v)
	}
}

// writeKeyBulks writes LMPOP's [key, [elements]].
func writeKeyBulks(w *resp.Writer, key string, vals [][]byte) {
	w.Array(2)
	w.BulkString(key)
	writeBulks(w, vals)
}

func argStrings(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

// parseBlockTimeout parses the timeout of a blocking command from arg:
// seconds as a C long double (decimals, exponents, hex floats and
// "inf" accepted as strtold accepts them), converted to milliseconds and
// rounded up, exactly as Redis 7.0's getTimeoutFromObjectOrReply. 0 means
// wait forever; values too large to ever expire also wait forever. On a bad
// value it writes the error and returns ok false.
func parseBlockTimeout(x *Ctx, arg []byte) (d time.Duration, ok bool) {
	ms, errText := timeoutMillis(arg)
	if errText != "" {
		x.W.Error(errText)
		return 0, false
	}
	const forever = int64(100 * 365 * 24 * time.Hour / time.Millisecond)
	if ms > forever {
		return 0, true
	}
	return time.Duration(ms) * time.Millisecond, true
}

// timeoutMillis converts a timeout in seconds to milliseconds, returning
// the Redis error text for an invalid or negative value.
func timeoutMillis(b []byte) (int64, string) {
	ld, ok := broker.ParseLongDouble(b)
	if !ok {
		return 0, errTimeoutFloat
	}
	if ld.IsInf() {
		// (long long) of ±inf is LLONG_MIN on x86-64: "negative".
		return 0, errTimeoutNeg
	}
	f := ld.Big()
	ms := new(big.Float).SetPrec(64).Mul(f, big.NewFloat(1000))
	// ceill, then (long long): out of range converts to LLONG_MIN.
	i, acc := ms.Int(nil)
	if acc == big.Below { // ms was above its truncation: round up
		i.Add(i, big.NewInt(1))
	}
	if !i.IsInt64() || i.Sign() < 0 {
		return 0, errTimeoutNeg
	}
	return i.Int64(), ""
}

// validFloatSyntax checks the unsigned strtold grammar: digits with an
// optional point (at least one digit) and an optional exponent (e for
// decimal, p for hex, which starts with 0x).
func validFloatSyntax(s string, hex bool) bool {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	if hex {
		s = s[2:]
		isDigit = func(c byte) bool {
			return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		}
	}
	i, digits := 0, 0
	for i < len(s) && isDigit(s[i]) {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i == len(s) {
		return true
	}
	if c := s[i] | 0x20; (hex && c != 'p') || (!hex && c != 'e') {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
