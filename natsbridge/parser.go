package natsbridge

import (
	"errors"
	"fmt"
)

// The client side of the NATS protocol
// (https://docs.nats.io/reference/reference-protocols/nats-protocol), parsed
// as nats-server's server/parser.go does it: byte by byte, as an explicit
// state machine that can stop at any byte and resume with the next read.
//
//	op          = CONNECT | PUB | HPUB | SUB | UNSUB | PING | PONG | INFO | +OK | -ERR
//	              (case-insensitive)
//	control     = op [SP|TAB]+ args CR LF      (a bare LF also ends the line)
//	PUB         = "PUB" subject [reply] size CR LF payload CR LF
//	HPUB        = "HPUB" subject [reply] hdr-size total-size CR LF headers payload CR LF
//	SUB         = "SUB" subject [queue] sid
//	UNSUB       = "UNSUB" sid [max]
//
// "Multiple whitespace characters will be treated as a single field
// delimiter." PING, PONG and +OK ignore whatever follows them up to the line
// feed, as nats-server does. MSG and HMSG are server-only operations and
// are an unknown operation here.
//
// Hard limits: the arguments of a control line (without the op and CR LF)
// at most maxControlLine bytes, a payload at most maxPayload bytes. Slices
// handed to the handler point into the read buffer (or into the parser's
// own buffers when a message spans reads) and are valid only during the
// call.

// Parser errors; a *ParseError carries one of them with the state and the
// offset where it happened.
var (
	// ErrUnknownOp: bytes that start no client operation, or a payload not
	// followed by CR LF ("-ERR 'Unknown Protocol Operation'").
	ErrUnknownOp = errors.New("unknown protocol operation")
	// ErrMaxControlLine: control line arguments over the limit.
	ErrMaxControlLine = errors.New("maximum control line exceeded")
	// ErrMaxPayload: a PUB or HPUB size over max_payload.
	ErrMaxPayload = errors.New("maximum payload violation")
	// ErrBadArgs: a PUB, HPUB, SUB or UNSUB with the wrong number of
	// arguments or a bad size; nats-server closes without an -ERR.
	ErrBadArgs = errors.New("malformed protocol arguments")
	// ErrHeadersNotSupported: HPUB from a client that did not send
	// "headers": true in CONNECT.
	ErrHeadersNotSupported = errors.New("message headers not supported")
	// ErrAuthRequired: an operation other than CONNECT first on a
	// connection that must authenticate ("-ERR 'Authorization Violation'").
	ErrAuthRequired = errors.New("authorization required before any other operation")
	// ErrClientErr: the client sent -ERR; the connection closes.
	ErrClientErr = errors.New("-ERR received from client")
)

// ParseError is a protocol violation found by the parser.
type ParseError struct {
	Err    error  // one of the Err* variables above
	State  string // parser state at the offending byte
	Offset int64  // offset of that byte in the connection's input
}

// Error returns the violation with its state and offset.
func (e *ParseError) Error() string {
	return fmt.Sprintf("natsbridge: %v (state %s, offset %d)", e.Err, e.State, e.Offset)
}

// Unwrap returns the Err* variable, for errors.Is.
func (e *ParseError) Unwrap() error { return e.Err }

// parseState is where the parser is between two bytes.
type parseState uint8

const (
	stStart     parseState = iota // expecting the first byte of an op
	stOpName                      // inside an op name
	stOpSep                       // after PUB, HPUB, SUB, UNSUB, -ERR: a space or tab must follow
	stOpSpace                     // skipping whitespace before the arguments
	stArg                         // collecting the arguments up to LF
	stSkipLine                    // after PING, PONG, +OK: ignoring bytes up to LF
	stPayload                     // reading a PUB/HPUB payload
	stPayloadCR                   // expecting the CR after the payload
	stPayloadLF                   // expecting the LF after the payload
)

var stateNames = [...]string{"START", "OP_NAME", "OP_SEP", "OP_SPACE", "ARG", "SKIP_LINE", "PAYLOAD", "PAYLOAD_CR", "PAYLOAD_LF"}

func (s parseState) String() string { return stateNames[s] }

// opKind names a client operation.
type opKind uint8

const (
	opNone opKind = iota
	opConnect
	opPub
	opHPub
	opSub
	opUnsub
	opPing
	opPong
	opInfo
	opOK
	opErr
)

// keywords are the client operations by name (upper case). No name is a
// prefix of another, so a name is complete as soon as it matches.
var keywords = [...]struct {
	name string
	op   opKind
}{
	{"CONNECT", opConnect}, {"PUB", opPub}, {"HPUB", opHPub}, {"SUB", opSub},
	{"UNSUB", opUnsub}, {"PING", opPing}, {"PONG", opPong}, {"INFO", opInfo},
	{"+OK", opOK}, {"-ERR", opErr},
}

// pubArg is a PUB or HPUB control line.
type pubArg struct {
	subject []byte
	reply   []byte // nil when absent
	hdr     int    // header bytes at the start of the payload; -1 for PUB
	size    int    // total payload bytes (headers included)
}

// handler receives the parsed operations. A non-nil error stops parsing
// and is returned by parse as is.
type handler interface {
	onConnect(arg []byte) error
	onPing() error
	onPong() error
	onPub(pa *pubArg, payload []byte) error
	onSub(subject, queue, sid []byte) error
	onUnsub(sid []byte, max int) error
}

// parser is the resumable state machine. The zero value is not usable;
// set the limits (newParser).
type parser struct {
	maxControl int // arguments of one control line, bytes
	maxPayload int // one payload, bytes

	// headers allows HPUB (the client sent "headers": true).
	headers bool
	// requireConnect makes anything but CONNECT first an ErrAuthRequired;
	// the handler clears it once CONNECT authenticated.
	requireConnect bool

	state    parseState
	op       opKind
	wordLen  int    // bytes of the op name so far
	cands    uint16 // bit k: keywords[k] still matches the op name so far
	lineLen  int    // bytes of the current control line's arguments so far
	argBuf   []byte // arguments carried over from earlier reads
	argCarry bool   // argBuf holds the start of the current arguments
	pa       pubArg
	paBuf    []byte // holds pa.subject and pa.reply when paOwned
	paOwned  bool   // pa's slices are in paBuf, not in a caller's buffer
	msgBuf   []byte // the payload so far
	msgOwned bool   // msgBuf is the parser's own, not a slice of a read buffer
	ownBuf   []byte // reused backing array for owned payloads
	need     int    // payload bytes still missing
	offset   int64  // bytes consumed by earlier parse calls
}

func newParser(maxControl, maxPayload int) *parser {
	return &parser{maxControl: maxControl, maxPayload: maxPayload}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' }

func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

// parse consumes buf, calling h for every complete operation. It returns
// the first error; the parser is then unusable (the connection closes).
func (p *parser) parse(buf []byte, h handler) (err error) {
	argStart := -1 // start in buf of the arguments being collected
	fail := func(i int, e error) error {
		return &ParseError{Err: e, State: p.state.String(), Offset: p.offset + int64(i)}
	}
	defer func() { p.offset += int64(len(buf)) }()
	for i := 0; i < len(buf); i++ {
		b := buf[i]
		switch p.state {
		case stStart:
			if p.requireConnect && b != 'C' && b != 'c' {
				return fail(i, ErrAuthRequired)
			}
			p.wordLen, p.cands = 0, allKeywords
			p.state = stOpName
			i--
		case stOpName:
			op, complete := p.matchKeyword(upper(b))
			if op == opNone {
				return fail(i, ErrUnknownOp)
			}
			if !complete {
				continue
			}
			p.op, p.lineLen = op, 0
			switch op {
			case opPing, opPong, opOK:
				p.state = stSkipLine
			case opConnect, opInfo:
				p.state = stOpSpace // the arguments may follow at once
			default:
				p.state = stOpSep
			}
		case stOpSep:
			if !isSpace(b) {
				return fail(i, ErrUnknownOp)
			}
			p.state = stOpSpace
		case stOpSpace:
			if isSpace(b) {
				continue
			}
			p.state, argStart = stArg, i
			i-- // this byte is the first of the arguments (or the line end)
		case stArg:
			if b != '\n' {
				p.lineLen++
				if p.lineLen > p.maxControl+1 { // +1: the CR before LF
					return fail(i, ErrMaxControlLine)
				}
				continue
			}
			var arg []byte
			if p.argCarry {
				if argStart < 0 {
					argStart = 0
				}
				p.argBuf = append(p.argBuf, buf[argStart:i]...)
				arg = p.argBuf
			} else {
				arg = buf[argStart:i]
			}
			argStart = -1
			p.argCarry = false
			if n := len(arg); n > 0 && arg[n-1] == '\r' {
				arg = arg[:n-1]
			}
			if len(arg) > p.maxControl {
				return fail(i, ErrMaxControlLine)
			}
			if err := p.processArg(arg, h); err != nil {
				var pe *ParseError
				if errors.As(err, &pe) {
					pe.State, pe.Offset = p.state.String(), p.offset+int64(i)
				}
				return err
			}
			if p.state == stPayload {
				// Borrow the payload from buf when all of it is here.
				if len(buf)-(i+1) >= p.pa.size {
					p.msgBuf, p.msgOwned = buf[i+1:i+1+p.pa.size], false
					i += p.pa.size
					p.state = stPayloadCR
				} else {
					p.msgBuf, p.msgOwned = p.payloadBuf(), true
					p.need = p.pa.size
				}
			}
		case stSkipLine:
			if b == '\n' {
				p.state = stStart
				var err error
				switch p.op {
				case opPing:
					err = h.onPing()
				case opPong:
					err = h.onPong()
				}
				if err != nil {
					return err
				}
				continue
			}
			p.lineLen++
			if p.lineLen > p.maxControl+1 {
				return fail(i, ErrMaxControlLine)
			}
		case stPayload:
			n := min(p.need, len(buf)-i)
			p.msgBuf = append(p.msgBuf, buf[i:i+n]...)
			p.need -= n
			i += n - 1
			if p.need == 0 {
				p.state = stPayloadCR
			}
		case stPayloadCR:
			if b != '\r' {
				return fail(i, ErrUnknownOp)
			}
			p.state = stPayloadLF
		case stPayloadLF:
			if b != '\n' {
				return fail(i, ErrUnknownOp)
			}
			p.state = stStart
			payload := p.msgBuf
			p.msgBuf = nil
			if cap(p.ownBuf) > maxKeptPayloadBuf {
				p.ownBuf = nil // payload still holds it for the call below
			}
			if err := h.onPub(&p.pa, payload); err != nil {
				return err
			}
		}
	}
	// Out of input: keep what later bytes need, since the caller reuses buf.
	switch p.state {
	case stArg:
		// argStart < 0: the arguments began in an earlier read and all of
		// buf continues them.
		if !p.argCarry {
			p.argBuf = p.argBuf[:0]
		}
		p.argBuf = append(p.argBuf, buf[max(argStart, 0):]...)
		p.argCarry = true
	case stPayload, stPayloadCR, stPayloadLF:
		if !p.paOwned {
			p.paBuf = append(p.paBuf[:0], p.pa.subject...)
			p.paBuf = append(p.paBuf, p.pa.reply...)
			p.pa.subject = p.paBuf[:len(p.pa.subject)]
			if p.pa.reply != nil {
				p.pa.reply = p.paBuf[len(p.pa.subject):]
			}
			p.paOwned = true
		}
		if !p.msgOwned {
			p.msgBuf, p.msgOwned = append(p.payloadBuf(), p.msgBuf...), true
		}
	}
	return nil
}

// maxKeptPayloadBuf bounds the payload buffer a parser keeps between
// messages; a larger one is dropped after use.
const maxKeptPayloadBuf = 64 << 10

// payloadBuf returns an empty buffer for a payload of pa.size bytes,
// reusing the parser's own when it is large enough.
func (p *parser) payloadBuf() []byte {
	if cap(p.ownBuf) < p.pa.size {
		p.ownBuf = make([]byte, 0, p.pa.size)
	}
	return p.ownBuf[:0]
}

// allKeywords has a bit for every entry of keywords.
const allKeywords = 1<<len(keywords) - 1

// matchKeyword adds c to the op name and narrows the candidates: it
// returns the op still possible (opNone when none is) and whether its name
// is complete.
func (p *parser) matchKeyword(c byte) (opKind, bool) {
	pos := p.wordLen
	p.wordLen++
	op := opNone
	complete := false
	for k := range keywords {
		bit := uint16(1) << k
		if p.cands&bit == 0 {
			continue
		}
		name := keywords[k].name
		if pos >= len(name) || name[pos] != c {
			p.cands &^= bit
			continue
		}
		op, complete = keywords[k].op, pos == len(name)-1
	}
	return op, complete
}

// splitArgs splits a control line's arguments on spaces and tabs (and CR,
// LF, as nats-server's splitArg does) into out, at most len(out) of them;
// it returns the count, or len(out)+1 when there are more.
func splitArgs(arg []byte, out [][]byte) int {
	n, start := 0, -1
	for i, b := range arg {
		switch b {
		case ' ', '\t', '\r', '\n':
			if start >= 0 {
				if n == len(out) {
					return n + 1
				}
				out[n] = arg[start:i]
				n++
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		if n == len(out) {
			return n + 1
		}
		out[n] = arg[start:]
		n++
	}
	return n
}

// parseSize parses a decimal size as nats-server does: digits only, at
// most 9 of them; -1 otherwise.
func parseSize(d []byte) int {
	if len(d) == 0 || len(d) > 9 {
		return -1
	}
	n := 0
	for _, c := range d {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// processArg handles a complete control line of op p.op.
func (p *parser) processArg(arg []byte, h handler) error {
	var a [4][]byte
	switch p.op {
	case opConnect:
		p.state = stStart
		return h.onConnect(arg)
	case opInfo:
		p.state = stStart // a client's INFO is ignored
		return nil
	case opErr:
		return &ParseError{Err: ErrClientErr}
	case opPub, opHPub:
		n := splitArgs(arg, a[:])
		p.pa, p.paOwned = pubArg{hdr: -1}, false
		hdr := p.op == opHPub
		if hdr && !p.headers {
			return &ParseError{Err: ErrHeadersNotSupported}
		}
		base := 2
		if hdr {
			base = 3
		}
		switch n {
		case base:
			p.pa.subject = a[0]
		case base + 1:
			p.pa.subject, p.pa.reply = a[0], a[1]
		default:
			return &ParseError{Err: ErrBadArgs}
		}
		p.pa.size = parseSize(a[n-1])
		if p.pa.size < 0 {
			return &ParseError{Err: ErrBadArgs}
		}
		if hdr {
			p.pa.hdr = parseSize(a[n-2])
			if p.pa.hdr < 0 || p.pa.hdr > p.pa.size {
				return &ParseError{Err: ErrBadArgs}
			}
		}
		if p.pa.size > p.maxPayload {
			return &ParseError{Err: ErrMaxPayload}
		}
		p.state = stPayload
		return nil
	case opSub:
		p.state = stStart
		switch splitArgs(arg, a[:3]) {
		case 2:
			return h.onSub(a[0], nil, a[1])
		case 3:
			return h.onSub(a[0], a[1], a[2])
		}
		return &ParseError{Err: ErrBadArgs}
	case opUnsub:
		p.state = stStart
		switch splitArgs(arg, a[:2]) {
		case 1:
			return h.onUnsub(a[0], -1)
		case 2:
			return h.onUnsub(a[0], parseSize(a[1]))
		}
		return &ParseError{Err: ErrBadArgs}
	}
	return &ParseError{Err: ErrUnknownOp}
}
