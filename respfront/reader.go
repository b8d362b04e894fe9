package respfront

import (
	"bytes"
	"io"
	"math"
)

// Request reading limits, as in Redis's networking.c.
const (
	// inlineMax caps an inline command line and a multibulk or bulk
	// header line (PROTO_INLINE_MAX_SIZE).
	inlineMax = 64 << 10
	// unauthMaxArgs and unauthMaxBulk cap the requests of a client that
	// has not authenticated yet.
	unauthMaxArgs = 10
	unauthMaxBulk = 16384
	// bigArg is the size from which a bulk is read into its own
	// allocation, straight from the socket, instead of through the
	// connection's buffer (PROTO_MBULK_BIG_ARG).
	bigArg = 32 << 10
	// readBufSize is the size of a connection's read buffer
	// (PROTO_IOBUF_LEN). It grows only for a request made of small
	// elements that does not fit, and shrinks back afterwards.
	readBufSize = 16 << 10
)

// protoError is a malformed request. Its text follows Redis ("Protocol
// error: invalid bulk length"); the connection answers it with ERR and
// closes.
type protoError struct{ msg string }

func (e *protoError) Error() string { return "Protocol error: " + e.msg }

// reader states.
const (
	rdStart   = iota // at the start of a request
	rdInline         // inside an inline command line
	rdCount          // inside a "*<count>\r\n" header
	rdBulkHdr        // inside a "$<len>\r\n" header
	rdBody           // inside a bulk held in buf, or the CRLF after any bulk
	rdBigBody        // inside a big bulk, read into its own allocation
)

// tooBig is the error for an over-long line, by state.
var tooBig = [...]string{
	rdInline:  "too big inline request",
	rdCount:   "too big mbulk count string",
	rdBulkHdr: "too big bulk count string",
}

// argRef locates one element of a request: n bytes at offset off from the
// request's first byte in buf, or, when own > 0, reader.owns[own-1] (a big
// bulk or an inline argument, already in an allocation of its own). It
// holds no pointer, so moving and clearing refs costs no write barriers.
type argRef struct{ off, n, own int }

// reqRef is a complete request not yet handed out: its first byte in buf
// and the end of its elements in reader.refs.
type reqRef struct{ start, end int }

// reader reads RESP requests from a connection: a resumable state machine
// over the bytes of the connection's buffer, which looks at every byte
// once, however the request is cut into reads.
//
// It validates what it reads as Redis's processMultibulkBuffer and
// processInlineBuffer do, with their error texts: multibulk counts up to
// math.MaxInt32, bulk lengths from 0 to maxBulk, header and inline lines up
// to inlineMax, and the stricter limits of clients that have not
// authenticated. Like Redis it drops empty requests ("*0\r\n", "*-1\r\n",
// empty inline lines), takes the two bytes after a bulk as its CRLF
// whatever they are, and splits inline commands with sdssplitargs's rules
// (splitArgs).
//
// Memory: the elements of each complete request are copied once, into one
// allocation per request, and the argument slices of all the requests of
// one read share one fresh header array. Nothing handed out aliases the
// buffer, which is reused: handlers may store an argument (clipped to its
// length) or keep Args. A bulk of bigArg bytes or more is read from the
// socket straight into an allocation of its exact size, so a huge value is
// read in linear time and held once. That allocation is made when its
// header arrives, as Redis preallocates a big argument; clients that have
// not authenticated cannot declare bulks over unauthMaxBulk.
//
// Bytes read from the socket while no request completed are limited to
// limit (the query buffer limit); bytes the client sent while it was
// blocked, read by waitBlocked's peek, wait in pending and are read first.
type reader struct {
	src     io.Reader
	pending []byte // bytes read while the client was blocked; read first
	n       int    // bytes read from src since the caller last reset it
	limit   int    // query buffer limit on n while no request completes
	maxBulk int    // proto-max-bulk-len
	unauth  func() bool

	buf   []byte // the connection's buffer; bytes in buf[:w]
	w     int    // bytes in buf
	pos   int    // bytes of buf already scanned
	start int    // the current request's first byte in buf
	line  int    // rdInline, rdCount, rdBulkHdr: the line's first byte in buf

	state int
	left  int    // elements of the current multibulk not yet complete
	bn    int    // rdBody: bytes left, CRLF included; rdBigBody: bytes of big left
	big   []byte // rdBigBody: the bulk being read

	refs []argRef // elements of the complete requests, then of the current one
	owns [][]byte // the elements with an allocation of their own (argRef.own)
	cur  int      // refs[cur:] belong to the current request
	done []reqRef // complete requests not yet handed out
	cmds [][][]byte
	err  error // a protocol error, returned once the requests before it are out
	rerr error // a read error, likewise
}

// readCommands returns the next complete requests, each as its arguments,
// reading as much as it needs to complete at least one. The returned outer
// slice is reused by the next call; the arguments are not. Its errors are
// a *protoError for a malformed request, errQueryBufferLimit, and the
// connection's read errors; an error comes once the requests read before
// it have been returned.
func (r *reader) readCommands() ([][][]byte, error) {
	for {
		if r.err == nil {
			r.err = r.parse()
		}
		if len(r.done) > 0 {
			return r.materialize(), nil
		}
		if r.err != nil {
			return nil, r.err
		}
		if r.rerr != nil {
			return nil, r.rerr
		}
		r.rerr = r.fill()
	}
}

// parse scans buf[pos:w], recording complete requests in done.
func (r *reader) parse() error {
	buf := r.buf[:r.w]
	for r.pos < len(buf) {
		switch r.state {
		case rdStart:
			r.start, r.line = r.pos, r.pos
			if buf[r.pos] == '*' {
				r.state = rdCount
			} else {
				r.state = rdInline
			}
		case rdInline, rdCount, rdBulkHdr:
			if r.state == rdBulkHdr && r.pos == r.line && buf[r.pos] != '$' {
				return &protoError{"expected '$', got '" + string(buf[r.pos]) + "'"}
			}
			j := bytes.IndexByte(buf[r.pos:], '\n')
			if j < 0 {
				r.pos = len(buf)
			} else {
				r.pos += j + 1
			}
			if r.pos-r.line > inlineMax {
				return &protoError{tooBig[r.state]}
			}
			if j < 0 {
				return nil
			}
			var err error
			if r.state == rdInline {
				err = r.inline(buf[r.line:r.pos])
			} else {
				err = r.header(buf[r.line:r.pos])
			}
			if err != nil {
				return err
			}
		case rdBody:
			k := min(r.bn, len(buf)-r.pos)
			r.pos += k
			if r.bn -= k; r.bn == 0 {
				r.elementDone()
			}
		case rdBigBody:
			k := copy(r.big[len(r.big)-r.bn:], buf[r.pos:])
			r.pos += k
			if r.bn -= k; r.bn == 0 {
				r.state, r.bn, r.big = rdBody, 2, nil
			}
		}
	}
	return nil
}

// elementDone ends a multibulk element, and the request after its last.
func (r *reader) elementDone() {
	if r.left--; r.left > 0 {
		r.state, r.line = rdBulkHdr, r.pos
		return
	}
	r.requestDone()
}

func (r *reader) requestDone() {
	r.done = append(r.done, reqRef{r.start, len(r.refs)})
	r.cur = len(r.refs)
	r.state = rdStart
}

// inline splits a complete inline line (with its '\n'). An empty line is
// dropped.
func (r *reader) inline(line []byte) error {
	line = line[:len(line)-1]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := splitArgs(line)
	if !ok {
		return &protoError{"unbalanced quotes in request"}
	}
	if len(args) == 0 {
		r.state = rdStart
		return nil
	}
	for _, a := range args {
		r.addOwn(a[:len(a):len(a)])
	}
	r.requestDone()
	return nil
}

// header checks a complete header line (with its '\n') and moves on.
func (r *reader) header(l []byte) error {
	v, ok := int64(0), len(l) >= 3 && l[len(l)-2] == '\r'
	if ok {
		v, ok = string2ll(l[1 : len(l)-2])
	}
	if r.state == rdCount {
		switch {
		case !ok || v > math.MaxInt32:
			return &protoError{"invalid multibulk length"}
		case v > unauthMaxArgs && r.unauth != nil && r.unauth():
			return &protoError{"unauthenticated multibulk length"}
		case v <= 0:
			// An empty request: Redis ignores it.
			r.state = rdStart
			return nil
		}
		r.state, r.left, r.line = rdBulkHdr, int(v), r.pos
		return nil
	}
	switch {
	case !ok || v < 0 || v > int64(r.maxBulk):
		return &protoError{"invalid bulk length"}
	case v > unauthMaxBulk && r.unauth != nil && r.unauth():
		return &protoError{"unauthenticated bulk length"}
	}
	if v >= bigArg {
		r.big = make([]byte, v)
		r.addOwn(r.big)
		r.state, r.bn = rdBigBody, int(v)
		return nil
	}
	r.refs = append(r.refs, argRef{off: r.pos - r.start, n: int(v)})
	r.state, r.bn = rdBody, int(v)+2
	return nil
}

// addOwn adds an element that has an allocation of its own.
func (r *reader) addOwn(b []byte) {
	r.owns = append(r.owns, b)
	r.refs = append(r.refs, argRef{own: len(r.owns)})
}

// materialize copies the complete requests out of buf and returns them.
func (r *reader) materialize() [][][]byte {
	hdr := make([][]byte, r.cur)
	cmds := r.cmds[:0]
	k, owned := 0, 0
	for _, d := range r.done {
		size := 0
		for _, a := range r.refs[k:d.end] {
			size += a.n
		}
		b := make([]byte, size)
		p := 0
		req := r.buf[d.start:r.w]
		for i, a := range r.refs[k:d.end] {
			if a.own > 0 {
				hdr[k+i] = r.owns[a.own-1]
				owned++
				continue
			}
			copy(b[p:], req[a.off:a.off+a.n])
			hdr[k+i] = b[p : p+a.n : p+a.n]
			p += a.n
		}
		cmds = append(cmds, hdr[k:d.end:d.end])
		k = d.end
	}
	if len(r.cmds) > len(cmds) {
		clear(r.cmds[len(cmds):]) // the previous read's requests past this one's
	}
	// Keep the current request's elements, dropping references to
	// handed-out allocations.
	if owned > 0 {
		r.dropOwns(owned)
	}
	n := copy(r.refs, r.refs[r.cur:])
	if r.refs = r.refs[:n]; cap(r.refs) > 4096 && n < 1024 {
		r.refs = append([]argRef(nil), r.refs...)
	}
	r.cur, r.done, r.cmds = 0, r.done[:0], cmds
	return cmds
}

// dropOwns drops the first k own elements, those of the handed-out
// requests, renumbering those of the current request.
func (r *reader) dropOwns(k int) {
	for i := r.cur; i < len(r.refs); i++ {
		if r.refs[i].own > 0 {
			r.refs[i].own -= k
		}
	}
	n := copy(r.owns, r.owns[k:])
	clear(r.owns[n:])
	r.owns = r.owns[:n]
}

// fill reads more of the request: into the big bulk being read, or into
// buf after making room.
func (r *reader) fill() error {
	if r.state == rdBigBody {
		m, err := r.read(r.big[len(r.big)-r.bn:])
		if r.bn -= m; r.bn == 0 {
			r.state, r.bn, r.big = rdBody, 2, nil
		}
		return err
	}
	r.makeRoom()
	m, err := r.read(r.buf[r.w:])
	r.w += m
	return err
}

// read reads into p from pending, or else from src within the limit.
func (r *reader) read(p []byte) (int, error) {
	if len(r.pending) > 0 {
		k := copy(p, r.pending)
		if r.pending = r.pending[k:]; len(r.pending) == 0 {
			r.pending = nil
		}
		return k, nil
	}
	if r.n > r.limit {
		return 0, errQueryBufferLimit
	}
	m, err := r.src.Read(p)
	r.n += m
	return m, err
}

// makeRoom drops the scanned bytes no request needs any more and makes
// sure buf has room to read into. It runs only with every complete request
// handed out, when parse has scanned all of buf.
func (r *reader) makeRoom() {
	keep := r.pos // the first byte still needed
	if r.state != rdStart {
		keep = r.start
	}
	switch {
	case r.buf == nil || (keep == r.w && len(r.buf) > readBufSize):
		r.buf = make([]byte, readBufSize)
		fallthrough
	case keep == r.w:
		r.w, r.pos, r.start, r.line = 0, 0, 0, 0
		return
	}
	free := len(r.buf) - r.w
	if free >= len(r.buf)/4 {
		return
	}
	if keep > 0 {
		// Slide the current request to the front: its elements are
		// located relative to its start, its lines by their offsets.
		n := copy(r.buf, r.buf[keep:r.w])
		r.w, r.pos, r.start, r.line = n, r.pos-keep, r.start-keep, r.line-keep
		if free += keep; free >= len(r.buf)/4 {
			return
		}
	}
	nb := make([]byte, 2*len(r.buf))
	copy(nb, r.buf[:r.w])
	r.buf = nb
}
