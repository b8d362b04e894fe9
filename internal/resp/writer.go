// Package resp encodes RESP2 and RESP3 replies (Redis serialization protocol,
// https://redis.io/docs/latest/develop/reference/protocol-spec/). RESP2 parts
// are written with redcon's Append functions; the RESP3 types redcon lacks
// (map, set, double, null, boolean, push, verbatim string) are written here.
//
// A Writer appends to a byte slice and never touches a socket; the connection
// that owns it decides when to flush. It is not safe for concurrent use.
package resp

import (
	"math"
	"strconv"

	"github.com/tidwall/redcon"
)

// Writer appends encoded replies to Buf in protocol version Proto (2 or 3).
type Writer struct {
	Buf   []byte
	Proto int
}

// Len returns the number of buffered bytes.
func (w *Writer) Len() int { return len(w.Buf) }

// Bulk writes a bulk string.
func (w *Writer) Bulk(b []byte) { w.Buf = redcon.AppendBulk(w.Buf, b) }

// BulkString writes a bulk string.
func (w *Writer) BulkString(s string) { w.Buf = redcon.AppendBulkString(w.Buf, s) }

// Simple writes a simple string such as OK or PONG; s must not contain CR or LF.
func (w *Writer) Simple(s string) {
	w.Buf = append(w.Buf, '+')
	w.Buf = append(w.Buf, s...)
	w.Buf = append(w.Buf, '\r', '\n')
}

// OK writes +OK.
func (w *Writer) OK() { w.Buf = append(w.Buf, "+OK\r\n"...) }

// Int writes an integer reply.
func (w *Writer) Int(n int64) { w.Buf = redcon.AppendInt(w.Buf, n) }

// Error writes an error reply. msg is written as given and must start with
// its error code (ERR, WRONGTYPE, ...); CR and LF are replaced by spaces.
func (w *Writer) Error(msg string) {
	w.Buf = append(w.Buf, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		w.Buf = append(w.Buf, c)
	}
	w.Buf = append(w.Buf, '\r', '\n')
}

// Null writes the null bulk string ($-1 in RESP2, _ in RESP3).
func (w *Writer) Null() {
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, "_\r\n"...)
		return
	}
	w.Buf = append(w.Buf, "$-1\r\n"...)
}

// NullArray writes the null array (*-1 in RESP2, _ in RESP3).
func (w *Writer) NullArray() {
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, "_\r\n"...)
		return
	}
	w.Buf = append(w.Buf, "*-1\r\n"...)
}

// Array writes the header of an array of n elements.
func (w *Writer) Array(n int) { w.Buf = redcon.AppendArray(w.Buf, n) }

// Map writes the header of a map of n key/value pairs (RESP2: array of 2n).
func (w *Writer) Map(n int) {
	if w.Proto >= 3 {
		w.header('%', n)
		return
	}
	w.Array(2 * n)
}

// Set writes the header of a set of n elements (RESP2: array).
func (w *Writer) Set(n int) {
	if w.Proto >= 3 {
		w.header('~', n)
		return
	}
	w.Array(n)
}

// Push writes the header of an out-of-band push of n elements (RESP2: array).
func (w *Writer) Push(n int) {
	if w.Proto >= 3 {
		w.header('>', n)
		return
	}
	w.Array(n)
}

// Double writes a floating point reply: a RESP3 double, or in RESP2 a bulk
// string formatted as Redis does (%.17g, inf, -inf).
func (w *Writer) Double(f float64) {
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, ',')
		w.Buf = AppendFloat(w.Buf, f)
		w.Buf = append(w.Buf, '\r', '\n')
		return
	}
	var tmp [32]byte
	w.Bulk(AppendFloat(tmp[:0], f))
}

// Bool writes a boolean (RESP2: integer 1 or 0).
func (w *Writer) Bool(b bool) {
	if w.Proto >= 3 {
		if b {
			w.Buf = append(w.Buf, "#t\r\n"...)
		} else {
			w.Buf = append(w.Buf, "#f\r\n"...)
		}
		return
	}
	if b {
		w.Int(1)
	} else {
		w.Int(0)
	}
}

// Verbatim writes a verbatim string of format "txt" (RESP2: bulk string).
func (w *Writer) Verbatim(s string) {
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, '=')
		w.Buf = strconv.AppendInt(w.Buf, int64(len(s)+4), 10)
		w.Buf = append(w.Buf, "\r\ntxt:"...)
		w.Buf = append(w.Buf, s...)
		w.Buf = append(w.Buf, '\r', '\n')
		return
	}
	w.BulkString(s)
}

// Raw appends already encoded bytes.
func (w *Writer) Raw(b []byte) { w.Buf = append(w.Buf, b...) }

func (w *Writer) header(c byte, n int) {
	w.Buf = append(w.Buf, c)
	w.Buf = strconv.AppendInt(w.Buf, int64(n), 10)
	w.Buf = append(w.Buf, '\r', '\n')
}

// AppendFloat formats f as Redis 7.0's addReplyDouble does: "inf" and
// "-inf", otherwise C's %.17g (1 is "1", 0.1 is "0.10000000000000001",
// 1e20 is "1e+20", -0 is "-0"); NaN, which Redis never replies, is "nan".
func AppendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}
