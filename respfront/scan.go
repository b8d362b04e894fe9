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
// scanGenericCommand in db.c. The cursor is parsed by parseScanCursor
// (cmd_keys.go), shared with SCAN.

const errInvalidCursor = "ERR invalid cursor"

// scanOptions are the MATCH and COUNT options of a key-scoped SCAN.
type scanOptions struct {
	pattern  string
	hasMatch bool // false, or a pattern of "*": no filtering
	count    int
}

// match reports whether an element passes the MATCH filter. As in Redis,
// MATCH "" matches only the empty string.
func (o *scanOptions) match(b []byte) bool {
	if !o.hasMatch || o.pattern == "*" {
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
			opt.count = int(n)
		case "match":
			opt.pattern, opt.hasMatch = x.Arg(i+1), true
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
