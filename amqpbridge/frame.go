package amqpbridge

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Frame types and sizes (spec 4.2.3 "General Frame Format"; 4.2.7
// heartbeats). Every frame is a 7-octet header (type, channel, payload
// size), the payload, and the frame-end octet 0xCE.
const (
	FrameMethod    = 1
	FrameHeader    = 2 // content header
	FrameBody      = 3 // content body
	FrameHeartbeat = 8
	FrameEnd       = 0xCE

	frameHeaderSize = 7
	frameOverhead   = frameHeaderSize + 1

	// FrameMinSize is the spec's frame-min-size: the largest frame a peer
	// may send before connection.tune-ok fixes frame-max.
	FrameMinSize = 4096
	// DefaultFrameMax is the frame-max the server offers in
	// connection.tune (RabbitMQ's default).
	DefaultFrameMax = 131072
)

// ProtocolHeader is the AMQP 0-9-1 protocol header (spec 4.2.2). A client
// that opens with another header gets it back and the socket is closed.
var ProtocolHeader = []byte("AMQP\x00\x00\x09\x01")

// protocolHeader091Old is the 0-9 header "AMQP 1 1 0 9", which RabbitMQ
// accepts as 0-9-1.
var protocolHeader091Old = []byte("AMQP\x01\x01\x00\x09")

// ErrProtocolHeader is the cause of a ReadError for a connection that did
// not open with the AMQP 0-9-1 protocol header.
var ErrProtocolHeader = errors.New("amqpbridge: bad protocol header")

// Frame is one frame. Payload aliases the FrameReader's buffer and is valid
// until its next Feed or ReadOnce.
type Frame struct {
	Type    uint8
	Channel uint16
	Payload []byte
}

// readState is where a FrameReader is in the byte stream.
type readState uint8

const (
	stateProtocolHeader readState = iota // expecting the 8-octet protocol header
	stateFrameHeader                     // expecting a 7-octet frame header
	stateFramePayload                    // header read; expecting payload and frame-end
	stateFailed                          // a fatal error was returned; no more frames
)

func (s readState) String() string {
	switch s {
	case stateProtocolHeader:
		return "protocol-header"
	case stateFrameHeader:
		return "frame-header"
	case stateFramePayload:
		return "frame-payload"
	}
	return "failed"
}

// ReadError is a fatal error in the byte stream: the reader's state, the
// stream offset of the offending frame or header, and the cause:
// ErrProtocolHeader, or an *Error to send in connection.close (501
// FRAME_ERROR for an oversized frame, a bad frame-end octet or an unknown
// frame type, as rabbit_reader reports them).
type ReadError struct {
	State  string
	Offset int64
	Err    error
}

// Error describes the failure with its offset and state.
func (e *ReadError) Error() string {
	return fmt.Sprintf("amqpbridge: %s at offset %d (%s)", e.Err, e.Offset, e.State)
}

// Unwrap returns the cause.
func (e *ReadError) Unwrap() error { return e.Err }

// FrameReader splits a byte stream into frames: an explicit, resumable
// state machine over bytes. Bytes arrive through Feed or ReadOnce in
// pieces of any size; Next returns each frame once all its bytes are
// there. Its buffer never holds more than one frame past frame-max.
//
// A FrameReader is used by one goroutine.
type FrameReader struct {
	buf        []byte
	r, w       int // unread bytes are buf[r:w]
	state      readState
	typ        uint8
	channel    uint16
	size       uint32
	frameMax   uint32
	off        int64 // stream offset of buf[r]
	frameStart int64 // stream offset of the frame being read
	headerRead bool
}

// NewFrameReader returns a reader that first expects the protocol header
// (when header is true) and then frames no larger than frameMax.
func NewFrameReader(frameMax uint32, header bool) *FrameReader {
	fr := &FrameReader{frameMax: frameMax, buf: make([]byte, 0, 64<<10)}
	if !header {
		fr.state = stateFrameHeader
		fr.headerRead = true
	}
	return fr
}

// SetFrameMax changes the frame size limit (after connection.tune-ok).
// Following RabbitMQ (rabbit_reader), a frame is refused when its payload
// alone is larger than frameMax; 0 means no limit.
func (fr *FrameReader) SetFrameMax(n uint32) { fr.frameMax = n }

// HeaderDone reports whether the protocol header has been read.
func (fr *FrameReader) HeaderDone() bool { return fr.headerRead }

// Buffered returns the number of bytes received but not yet returned as
// frames.
func (fr *FrameReader) Buffered() int { return fr.w - fr.r }

// compact moves the unread bytes to the front of the buffer and makes room
// for at least need more bytes (bounded by the frame being read).
func (fr *FrameReader) compact(need int) {
	if fr.r > 0 {
		n := copy(fr.buf[:cap(fr.buf)], fr.buf[fr.r:fr.w])
		fr.r, fr.w = 0, n
	}
	fr.buf = fr.buf[:cap(fr.buf)]
	if len(fr.buf)-fr.w < need {
		nb := make([]byte, fr.w+need)
		copy(nb, fr.buf[:fr.w])
		fr.buf = nb
	}
}

// want returns how many more bytes the current state needs, at least 1.
func (fr *FrameReader) want() int {
	have := fr.w - fr.r
	var need int
	switch fr.state {
	case stateProtocolHeader:
		need = len(ProtocolHeader)
	case stateFramePayload:
		need = int(fr.size) + 1
	default:
		need = frameHeaderSize
	}
	return max(need-have, 1)
}

// Feed appends p to the stream. Frames returned earlier become invalid.
func (fr *FrameReader) Feed(p []byte) {
	fr.compact(len(p))
	fr.w += copy(fr.buf[fr.w:], p)
}

// ReadOnce performs one Read from rd into the buffer (at most 64 KiB, or
// what the current frame needs) and returns its result. Frames returned
// earlier become invalid.
func (fr *FrameReader) ReadOnce(rd io.Reader) (int, error) {
	fr.compact(max(fr.want(), 4096))
	end := min(len(fr.buf), fr.w+max(fr.want(), 64<<10))
	n, err := rd.Read(fr.buf[fr.w:end])
	fr.w += n
	return n, err
}

func (fr *FrameReader) fail(err error) error {
	st := fr.state
	fr.state = stateFailed
	return &ReadError{State: st.String(), Offset: fr.frameStart, Err: err}
}

// Next returns the next complete frame: ok is false when more bytes are
// needed. A returned error is fatal (a *ReadError); the reader then
// returns it again on every call.
func (fr *FrameReader) Next() (f Frame, ok bool, err error) {
	for {
		avail := fr.w - fr.r
		switch fr.state {
		case stateFailed:
			return Frame{}, false, &ReadError{State: "failed", Offset: fr.frameStart, Err: errors.New("reader failed earlier")}

		case stateProtocolHeader:
			// Check each octet as it arrives, so a client that sends
			// "GET / HTTP/1.1" is refused after the first one.
			n := min(avail, len(ProtocolHeader))
			hdr := fr.buf[fr.r : fr.r+n]
			if !headerPrefix(hdr) {
				return Frame{}, false, fr.fail(ErrProtocolHeader)
			}
			if n < len(ProtocolHeader) {
				return Frame{}, false, nil
			}
			fr.r += len(ProtocolHeader)
			fr.off += int64(len(ProtocolHeader))
			fr.state = stateFrameHeader
			fr.headerRead = true

		case stateFrameHeader:
			if avail < frameHeaderSize {
				return Frame{}, false, nil
			}
			h := fr.buf[fr.r:]
			fr.frameStart = fr.off
			fr.typ = h[0]
			fr.channel = binary.BigEndian.Uint16(h[1:3])
			fr.size = binary.BigEndian.Uint32(h[3:7])
			fr.r += frameHeaderSize
			fr.off += frameHeaderSize
			if fr.frameMax != 0 && fr.size > fr.frameMax {
				// rabbit_reader: {frame_too_large, Size, FrameMax - 8}.
				return Frame{}, false, fr.fail(newError(FrameError,
					"type %d, all octets = <<>>: {frame_too_large,%d,%d}", fr.typ, fr.size, int64(fr.frameMax)-frameOverhead))
			}
			fr.state = stateFramePayload

		case stateFramePayload:
			if avail < int(fr.size)+1 {
				return Frame{}, false, nil
			}
			p := fr.buf[fr.r : fr.r+int(fr.size) : fr.r+int(fr.size)]
			end := fr.buf[fr.r+int(fr.size)]
			fr.r += int(fr.size) + 1
			fr.off += int64(fr.size) + 1
			if end != FrameEnd {
				return Frame{}, false, fr.fail(newError(FrameError,
					"type %d, %s: {invalid_frame_end_marker,%d}", fr.typ, snippet(p), end))
			}
			switch fr.typ {
			case FrameMethod, FrameHeader, FrameBody, FrameHeartbeat:
			default:
				return Frame{}, false, fr.fail(newError(FrameError,
					"type %d, %s: unknown_frame", fr.typ, snippet(p)))
			}
			fr.state = stateFrameHeader
			return Frame{Type: fr.typ, Channel: fr.channel, Payload: p}, true, nil
		}
	}
}

// headerPrefix reports whether b is a prefix of a protocol header the
// server accepts.
func headerPrefix(b []byte) bool {
	return string(b) == string(ProtocolHeader[:len(b)]) || string(b) == string(protocolHeader091Old[:len(b)])
}

// snippet formats a payload as RabbitMQ's frame errors do.
func snippet(p []byte) string {
	if len(p) <= 16 {
		return "all octets = " + erlangBinary(p)
	}
	return "first 16 octets = " + erlangBinary(p[:16])
}

// appendFrameHeader starts a frame; finishFrame patches its size and adds
// the frame-end octet.
func appendFrameHeader(b []byte, typ uint8, channel uint16) ([]byte, int) {
	b = append(b, typ, byte(channel>>8), byte(channel), 0, 0, 0, 0)
	return b, len(b)
}

func finishFrame(b []byte, start int) []byte {
	binary.BigEndian.PutUint32(b[start-4:start], uint32(len(b)-start))
	return append(b, FrameEnd)
}

// AppendMethodFrame appends a method frame carrying m on channel (spec
// 4.2.4: class id, method id, arguments).
func AppendMethodFrame(b []byte, channel uint16, m Method) ([]byte, error) {
	b, start := appendFrameHeader(b, FrameMethod, channel)
	id := m.id()
	e := encoder{b: b}
	e.short(id.class)
	e.short(id.method)
	m.write(&e)
	if e.err != nil {
		return b[:start-frameHeaderSize], e.err
	}
	return finishFrame(e.b, start), nil
}

// AppendHeartbeat appends a heartbeat frame (spec 4.2.7).
func AppendHeartbeat(b []byte) []byte {
	return append(b, FrameHeartbeat, 0, 0, 0, 0, 0, 0, FrameEnd)
}

// AppendContent appends a content header frame for class basic and the
// body frames that carry body, each at most frameMax octets in all (spec
// 4.2.6). An empty body has no body frame.
func AppendContent(b []byte, channel uint16, p *Properties, body []byte, frameMax uint32) ([]byte, error) {
	b, start := appendFrameHeader(b, FrameHeader, channel)
	e := encoder{b: b}
	e.short(ClassBasic)
	e.short(0) // weight
	e.longlong(uint64(len(body)))
	writeProps(&e, p)
	if e.err != nil {
		return b[:start-frameHeaderSize], e.err
	}
	b = finishFrame(e.b, start)
	chunk := len(body)
	if frameMax > frameOverhead {
		chunk = int(frameMax) - frameOverhead
	}
	for len(body) > 0 {
		n := min(chunk, len(body))
		b, start = appendFrameHeader(b, FrameBody, channel)
		b = append(b, body[:n]...)
		b = finishFrame(b, start)
		body = body[n:]
	}
	return b, nil
}
