package respfront

import (
	"bytes"
	"math"

	"github.com/tidwall/redcon"
)

// Request framing limits, as in Redis's networking.c.
const (
	// inlineMax caps an inline command line and a multibulk or bulk
	// header line (PROTO_INLINE_MAX_SIZE).
	inlineMax = 64 << 10
	// unauthMaxArgs and unauthMaxBulk cap the requests of a client that
	// has not authenticated yet.
	unauthMaxArgs = 10
	unauthMaxBulk = 16384
)

// protoError is a malformed request. Its text follows Redis ("Protocol
// error: invalid bulk length"); the connection answers it with ERR and
// closes.
type protoError struct{ msg string }

func (e *protoError) Error() string { return "Protocol error: " + e.msg }

// framer states.
const (
	frStart   = iota // at the start of a request
	frInline         // inside an inline command line
	frCount          // collecting a "*<count>\r\n" header
	frBulkHdr        // collecting a "$<len>\r\n" header
	frBody           // passing a bulk's bytes and its CRLF
)

// framer is a resumable state machine over the raw request stream. It
// validates the framing that redcon's reader trusts, before redcon sees a
// byte: multibulk counts up to math.MaxInt32, bulk lengths from 0 to
// maxBulk (larger values overflow redcon's index arithmetic and crash the
// process), header and inline lines up to inlineMax, and the stricter
// limits of unauthenticated clients. It splits inline commands itself,
// exactly as Redis does, and passes them on as multibulk. Like Redis it
// drops empty multibulk requests ("*0\r\n", "*-1\r\n") and takes the two
// bytes after a bulk as its CRLF whatever they are, where redcon would
// fail.
//
// It also shapes what it releases so that redcon never spins: redcon walks
// every declared element of an unfinished multibulk on each read, so the
// released stream never ends between two elements of one request; the
// '\n' that ends the last complete header or bulk is held back until more
// of the request follows.
type framer struct {
	maxBulk int
	unauth  func() bool // reports whether the client must still authenticate

	state int
	line  []byte // inline or header line being collected, not yet released
	n     int    // frBody: bytes of the bulk left, its CRLF included
	left  int    // elements of the current multibulk not yet complete
	held  bool   // a '\n' is held back (see above)
	end   int    // after feed: bytes of its output up to the end of the last complete request (0: none)
}

// feed appends to out the bytes of raw that may be released to redcon, and
// returns a *protoError at the first malformed header. Bytes before that
// header are released. Afterwards f.end tells where in out the last
// complete request ends.
func (f *framer) feed(out, raw []byte) ([]byte, error) {
	f.end = 0
	if f.held {
		out = append(out, '\n')
		f.held = false
	}
	out, err := f.scan(out, raw)
	if err == nil && f.state == frBulkHdr && len(out) > 0 {
		// A completed header or bulk, ending with '\n', was released
		// last.
		out, f.held = out[:len(out)-1], true
	}
	return out, err
}

func (f *framer) scan(out, raw []byte) ([]byte, error) {
	for i := 0; i < len(raw); {
		switch f.state {
		case frStart:
			if raw[i] == '*' {
				f.state, f.line = frCount, f.line[:0]
			} else {
				f.state, f.line = frInline, f.line[:0]
			}
		case frInline, frCount, frBulkHdr:
			if f.state == frBulkHdr && len(f.line) == 0 && raw[i] != '$' {
				return out, &protoError{"expected '$', got '" + string(raw[i]) + "'"}
			}
			j := i
			for j < len(raw) && raw[j] != '\n' {
				j++
			}
			f.line = append(f.line, raw[i:min(j+1, len(raw))]...)
			i = min(j+1, len(raw))
			if len(f.line) > inlineMax {
				return out, &protoError{tooBig[f.state]}
			}
			if j == len(raw) {
				continue
			}
			var err error
			if f.state == frInline {
				out, err = f.inline(out)
			} else {
				out, err = f.header(out)
			}
			if err != nil {
				return out, err
			}
		case frBody:
			k := min(f.n, len(raw)-i)
			if f.n <= 2 {
				// Like Redis, take the two bytes after a bulk as its
				// CRLF whatever they are (redcon would fail).
				k = 1
				out = append(out, "\r\n"[2-f.n])
			} else {
				k = min(k, f.n-2)
				out = append(out, raw[i:i+k]...)
			}
			i += k
			if f.n -= k; f.n == 0 {
				if f.left--; f.left == 0 {
					f.state, f.end = frStart, len(out)
				} else {
					f.state, f.line = frBulkHdr, f.line[:0]
				}
			}
		}
	}
	return out, nil
}

// bodyRun returns how many bytes of the current bulk may bypass feed: the
// bulk's bytes, but not its CRLF, which feed must see to end the element.
// The caller subtracts what it passed from f.n.
func (f *framer) bodyRun() int {
	if f.state != frBody || f.held {
		return 0
	}
	return max(f.n-2, 0)
}

// tooBig is the error for an over-long line, by state.
var tooBig = map[int]string{
	frInline:  "too big inline request",
	frCount:   "too big mbulk count string",
	frBulkHdr: "too big bulk count string",
}

// inline turns a complete inline line into a multibulk request, split as
// Redis splits it (sdssplitargs: "double quotes" with \n \r \t \b \a \xHH
// escapes, 'single quotes' with \'), so redcon only ever reads multibulk.
// An empty line is dropped.
func (f *framer) inline(out []byte) ([]byte, error) {
	line := f.line[:len(f.line)-1]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := splitArgs(line)
	if !ok {
		return out, &protoError{"unbalanced quotes in request"}
	}
	f.state = frStart
	if len(args) == 0 {
		return out, nil
	}
	out = redcon.AppendArray(out, len(args))
	for _, a := range args {
		out = redcon.AppendBulk(out, a)
	}
	f.end = len(out)
	return out, nil
}

// splitArgs is Redis's sdssplitargs (sds.c); ok is false for unbalanced
// quotes. As in C, a NUL byte ends the line.
func splitArgs(line []byte) (args [][]byte, ok bool) {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	at := func(i int) byte { // the C string's byte at i, 0 past the end
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	isSpace := func(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return args, true
		}
		cur := []byte{}
		inq, insq := false, false
		for done := false; !done; p++ {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					cur = append(cur, unhex(at(p+2))<<4|unhex(at(p+3)))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					cur = append(cur, unescape(at(p)))
				case c == '"':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					cur = append(cur, '\'')
				case c == '\'':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					cur = append(cur, c)
				}
			}
			if c == 0 {
				p-- // C does not step past the terminator
			}
		}
		args = append(args, cur)
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

// header checks a complete header line (with its "\r\n") and moves on.
func (f *framer) header(out []byte) ([]byte, error) {
	l := f.line
	v, ok := int64(0), len(l) >= 3 && l[len(l)-2] == '\r'
	if ok {
		v, ok = string2ll(l[1 : len(l)-2])
	}
	if f.state == frCount {
		switch {
		case !ok || v > math.MaxInt32:
			return out, &protoError{"invalid multibulk length"}
		case v > unauthMaxArgs && f.unauth != nil && f.unauth():
			return out, &protoError{"unauthenticated multibulk length"}
		case v <= 0:
			// An empty request: Redis ignores it.
			f.state = frStart
			return out, nil
		}
		f.state, f.left, f.line = frBulkHdr, int(v), f.line[:0]
		return append(out, l...), nil
	}
	switch {
	case !ok || v < 0 || v > int64(f.maxBulk):
		return out, &protoError{"invalid bulk length"}
	case v > unauthMaxBulk && f.unauth != nil && f.unauth():
		return out, &protoError{"unauthenticated bulk length"}
	}
	f.state, f.n = frBody, int(v)+2
	return append(out, l...), nil
}

// string2ll parses a decimal int64 exactly as Redis's string2ll: an
// optional '-', no '+', no leading zeros, no spaces, no overflow.
func string2ll(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}
