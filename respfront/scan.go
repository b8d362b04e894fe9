package respfront

import (
	"strconv"
	"strings"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/glob"
	"github.com/switchyard/switchyard/internal/resp"
)

// Argument parsing and replies shared by the key-scoped SCAN commands
// (HSCAN, SSCAN, and ZSCAN to come), following Redis 7.0's
// parseScanCursorOrReply and scanGenericCommand in db.c.

const errInvalidCursor = "ERR invalid cursor"

// scanCountCap bounds COUNT so that the engine's count*10 bucket budget
// cannot overflow; no table is that large.
const scanCountCap = 1 << 40

// parseScanCursor parses a cursor as Redis does with strtoul in base 10:
// no leading white space, an optional sign (a negative value wraps, so -1
// is 2^64-1), leading zeros allowed, nothing after the digits, and no
// overflow past 2^64-1. The empty string is cursor 0, as in Redis.
func parseScanCursor(b []byte) (uint64, bool) {
	s := string(b)
	if s == "" {
		return 0, true
	}
	neg := false
	switch s[0] {
	case '+', '-':
		neg = s[0] == '-'
		s = s[1:]
		if s == "" {
			return 0, false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// scanOptions are the MATCH and COUNT options of a key-scoped SCAN.
type scanOptions struct {
	pattern string // "" or "*": no filtering
	count   int
}

// match reports whether an element passes the MATCH filter.
func (o *scanOptions) match(b []byte) bool {
	if o.pattern == "" || o.pattern == "*" {
		return true
	}
	return glob.Match(o.pattern, string(b))
}

// parseScanOptions parses [MATCH pattern] [COUNT count] from args[from:],
// in any order, later options winning. On failure it writes Redis's error
// (a COUNT that is not an integer, or below 1: syntax error; TYPE is only
// for SCAN) and returns false.
func parseScanOptions(x *Ctx, from int) (scanOptions, bool) {
	opt := scanOptions{count: 10}
	for i := from; i < len(x.Args); i += 2 {
		if i+1 >= len(x.Args) {
			x.SyntaxErr()
			return opt, false
		}
		switch strings.ToLower(x.Arg(i)) {
		case "count":
			n, ok := broker.ParseInt(x.Args[i+1])
			if !ok {
				x.Err(broker.ErrNotInteger)
				return opt, false
			}
			if n < 1 {
				x.SyntaxErr()
				return opt, false
			}
			opt.count = int(min(n, scanCountCap))
		case "match":
			opt.pattern = x.Arg(i + 1)
		default:
			x.SyntaxErr()
			return opt, false
		}
	}
	return opt, true
}

// writeScanReply writes [cursor, [elements...]], the cursor as a bulk
// string (an array in RESP3 too, as in Redis).
func writeScanReply(w *resp.Writer, cursor uint64, elems [][]byte) {
	w.Array(2)
	var buf [20]byte
	w.Bulk(strconv.AppendUint(buf[:0], cursor, 10))
	writeBulks(w, elems)
}

// writeEmptyScan writes the reply to a scan of a missing key.
func writeEmptyScan(w *resp.Writer) { writeScanReply(w, 0, nil) }
