package amqpbridge

import (
	"encoding/binary"
	"strconv"

	"github.com/switchyard/switchyard/queue"
)

// Class ids of AMQP 0-9-1 (spec 1.3-1.9) and RabbitMQ's confirm class.
const (
	ClassConnection = 10
	ClassChannel    = 20
	ClassExchange   = 40
	ClassQueue      = 50
	ClassBasic      = 60
	ClassConfirm    = 85
	ClassTx         = 90
)

// methodID is a (class id, method id) pair.
type methodID struct{ class, method uint16 }

func (id methodID) String() string {
	if n, ok := methodNames[id]; ok {
		return n
	}
	return "{" + strconv.Itoa(int(id.class)) + "," + strconv.Itoa(int(id.method)) + "}"
}

// Method is one AMQP 0-9-1 method with its arguments (spec 4.2.4 "Method
// Payloads"): the structs of spec_methods.go and spec_basic.go.
type Method interface {
	id() methodID
	read(d *decoder)
	write(e *encoder)
}

// MethodIDs returns m's class id and method id.
func MethodIDs(m Method) (class, method uint16) {
	id := m.id()
	return id.class, id.method
}

// MethodName returns the spec's name of m, e.g. "basic.publish".
func MethodName(m Method) string { return m.id().String() }

// hasContent reports whether the method is followed by content (spec
// 4.2.6): basic.publish, basic.return, basic.deliver, basic.get-ok.
func hasContent(id methodID) bool {
	if id.class != ClassBasic {
		return false
	}
	switch id.method {
	case 40, 50, 60, 71:
		return true
	}
	return false
}

// DecodeMethod parses a method frame's payload. An unknown class or method
// is 540 NOT_IMPLEMENTED; a payload that does not match the method's
// fields exactly is 501 FRAME_ERROR ("cannot decode"), as RabbitMQ answers.
// The result does not alias payload.
func DecodeMethod(payload []byte) (Method, error) {
	if len(payload) < 4 {
		return nil, newError(FrameError, "cannot decode %s", erlangBinary(payload))
	}
	id := methodID{binary.BigEndian.Uint16(payload), binary.BigEndian.Uint16(payload[2:])}
	m := newMethod(id)
	if m == nil {
		return nil, newError(NotImplemented, "unknown method {%d,%d}", id.class, id.method).on(id)
	}
	d := decoder{b: payload[4:]}
	m.read(&d)
	if err := d.finish(); err != nil {
		// rabbit_framing: "cannot decode ~w" of the argument octets.
		e := newError(FrameError, "cannot decode %s", erlangBytes(payload[4:])).on(id)
		e.cause = err
		return nil, e
	}
	return m, nil
}

// Properties are the basic class's content properties (spec 1.8.1, the
// content header's property list), the same struct as queue.Properties.
type Properties = queue.Properties

// Property flag bits of the basic content header, most significant first
// (spec 4.2.6.1); bit 0 would announce another flags word.
const (
	flagContentType     = 1 << 15
	flagContentEncoding = 1 << 14
	flagHeaders         = 1 << 13
	flagDeliveryMode    = 1 << 12
	flagPriority        = 1 << 11
	flagCorrelationID   = 1 << 10
	flagReplyTo         = 1 << 9
	flagExpiration      = 1 << 8
	flagMessageID       = 1 << 7
	flagTimestamp       = 1 << 6
	flagType            = 1 << 5
	flagUserID          = 1 << 4
	flagAppID           = 1 << 3
	flagClusterID       = 1 << 2
)

// ContentHeader is a content header frame's payload (spec 4.2.6.1): class
// id, weight (always 0), body size, and the class's properties.
type ContentHeader struct {
	ClassID  uint16
	BodySize uint64
	Props    Properties
}

// DecodeContentHeader parses a content header frame's payload. Errors are
// 501 FRAME_ERROR; the result does not alias payload.
func DecodeContentHeader(payload []byte) (ContentHeader, error) {
	d := decoder{b: payload}
	h := ContentHeader{ClassID: d.short()}
	_ = d.short() // weight
	h.BodySize = d.longlong()
	flags := d.short()
	if d.err == nil && flags&1 != 0 {
		return h, newError(FrameError, "cannot decode content header: property flags continuation")
	}
	readProps(&d, flags, &h.Props)
	if err := d.finish(); err != nil {
		return h, newError(FrameError, "cannot decode content header: %s", err.Error())
	}
	return h, nil
}

func readProps(d *decoder, flags uint16, p *Properties) {
	if flags&flagContentType != 0 {
		p.ContentType = d.shortstr()
	}
	if flags&flagContentEncoding != 0 {
		p.ContentEncoding = d.shortstr()
	}
	if flags&flagHeaders != 0 {
		p.Headers = d.table()
	}
	if flags&flagDeliveryMode != 0 {
		p.DeliveryMode = d.octet()
	}
	if flags&flagPriority != 0 {
		p.Priority = d.octet()
	}
	if flags&flagCorrelationID != 0 {
		p.CorrelationID = d.shortstr()
	}
	if flags&flagReplyTo != 0 {
		p.ReplyTo = d.shortstr()
	}
	if flags&flagExpiration != 0 {
		p.Expiration = d.shortstr()
	}
	if flags&flagMessageID != 0 {
		p.MessageID = d.shortstr()
	}
	if flags&flagTimestamp != 0 {
		p.Timestamp = int64(d.longlong())
	}
	if flags&flagType != 0 {
		p.Type = d.shortstr()
	}
	if flags&flagUserID != 0 {
		p.UserID = d.shortstr()
	}
	if flags&flagAppID != 0 {
		p.AppID = d.shortstr()
	}
	if flags&flagClusterID != 0 {
		_ = d.shortstr() // deprecated cluster-id, dropped as RabbitMQ does
	}
}

// writeProps appends the property flags and the properties that are set.
func writeProps(e *encoder, p *Properties) {
	var flags uint16
	set := func(bit uint16, ok bool) {
		if ok {
			flags |= bit
		}
	}
	set(flagContentType, p.ContentType != "")
	set(flagContentEncoding, p.ContentEncoding != "")
	set(flagHeaders, p.Headers != nil)
	set(flagDeliveryMode, p.DeliveryMode != 0)
	set(flagPriority, p.Priority != 0)
	set(flagCorrelationID, p.CorrelationID != "")
	set(flagReplyTo, p.ReplyTo != "")
	set(flagExpiration, p.Expiration != "")
	set(flagMessageID, p.MessageID != "")
	set(flagTimestamp, p.Timestamp != 0)
	set(flagType, p.Type != "")
	set(flagUserID, p.UserID != "")
	set(flagAppID, p.AppID != "")
	e.short(flags)
	if flags&flagContentType != 0 {
		e.shortstr(p.ContentType)
	}
	if flags&flagContentEncoding != 0 {
		e.shortstr(p.ContentEncoding)
	}
	if flags&flagHeaders != 0 {
		e.table(p.Headers)
	}
	if flags&flagDeliveryMode != 0 {
		e.octet(p.DeliveryMode)
	}
	if flags&flagPriority != 0 {
		e.octet(p.Priority)
	}
	if flags&flagCorrelationID != 0 {
		e.shortstr(p.CorrelationID)
	}
	if flags&flagReplyTo != 0 {
		e.shortstr(p.ReplyTo)
	}
	if flags&flagExpiration != 0 {
		e.shortstr(p.Expiration)
	}
	if flags&flagMessageID != 0 {
		e.shortstr(p.MessageID)
	}
	if flags&flagTimestamp != 0 {
		e.longlong(uint64(p.Timestamp))
	}
	if flags&flagType != 0 {
		e.shortstr(p.Type)
	}
	if flags&flagUserID != 0 {
		e.shortstr(p.UserID)
	}
	if flags&flagAppID != 0 {
		e.shortstr(p.AppID)
	}
}
