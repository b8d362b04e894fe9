package queue

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// Table is an AMQP field table (headers, arguments): values are string,
// []byte, bool, int8..int64, uint8..uint32, float32, float64, Decimal,
// time.Time, Table, []any or nil. It is the same shape as exchange.Table.
type Table = map[string]any

// Decimal is the AMQP field type 'D' (spec 4.2.5.5): Value / 10^Scale.
type Decimal struct {
	Scale uint8
	Value int32
}

// Properties are a message's AMQP 0-9-1 basic properties (spec 1.8.2,
// class basic). Zero values mean "not set".
type Properties struct {
	ContentType     string
	ContentEncoding string
	Headers         Table
	DeliveryMode    uint8 // 1 transient, 2 persistent
	Priority        uint8 // 0..9
	CorrelationID   string
	ReplyTo         string
	Expiration      string // per-message TTL in ms, as a decimal string
	MessageID       string
	Timestamp       int64 // seconds since the Unix epoch
	Type            string
	UserID          string
	AppID           string
}

// Message is a published message as stored in a queue.
type Message struct {
	Exchange    string
	RoutingKey  string
	Props       Properties
	Body        []byte
	Redelivered bool
	// ExpiresAt is the absolute expiry in Unix ms (0: never), from the
	// expiration property or the queue's x-message-ttl.
	ExpiresAt int64
	// ID identifies a persistent message in a durable queue in the AOF
	// (per queue, from 1); 0 for messages that are not persisted.
	ID uint64
}

// Persistent reports delivery mode 2.
func (m *Message) Persistent() bool { return m.Props.DeliveryMode == 2 }

// The envelope is how a message lives in an engine list: a compact binary
// record. Byte 0 is the format version, byte 1 the flags (bit 0 redelivered,
// bit 1 persistent), so a requeue flips the redelivered bit in place; then
// the expiry (uvarint ms), the message id (uvarint) and the fields as uvarint-length-prefixed bytes.
const (
	envVersion      = 1
	flagRedelivered = 1 << 0
	flagPersistent  = 1 << 1
)

// presence bits for optional properties
const (
	pContentType = 1 << iota
	pContentEncoding
	pHeaders
	pDeliveryMode
	pPriority
	pCorrelationID
	pReplyTo
	pExpiration
	pMessageID
	pTimestamp
	pType
	pUserID
	pAppID
)

// errBadEnvelope reports a corrupt stored message.
var errBadEnvelope = errors.New("queue: corrupt message envelope")

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// encode returns m's envelope.
func encode(m *Message) []byte {
	p := &m.Props
	b := make([]byte, 0, 32+len(m.Exchange)+len(m.RoutingKey)+len(m.Body))
	var flags byte
	if m.Redelivered {
		flags |= flagRedelivered
	}
	if m.Persistent() {
		flags |= flagPersistent
	}
	b = append(b, envVersion, flags)
	b = binary.AppendUvarint(b, uint64(m.ExpiresAt))
	b = binary.AppendUvarint(b, m.ID)
	b = appendStr(b, m.Exchange)
	b = appendStr(b, m.RoutingKey)
	var pres uint64
	set := func(bit uint64, ok bool) {
		if ok {
			pres |= bit
		}
	}
	set(pContentType, p.ContentType != "")
	set(pContentEncoding, p.ContentEncoding != "")
	set(pHeaders, len(p.Headers) > 0)
	set(pDeliveryMode, p.DeliveryMode != 0)
	set(pPriority, p.Priority != 0)
	set(pCorrelationID, p.CorrelationID != "")
	set(pReplyTo, p.ReplyTo != "")
	set(pExpiration, p.Expiration != "")
	set(pMessageID, p.MessageID != "")
	set(pTimestamp, p.Timestamp != 0)
	set(pType, p.Type != "")
	set(pUserID, p.UserID != "")
	set(pAppID, p.AppID != "")
	b = binary.AppendUvarint(b, pres)
	if pres&pContentType != 0 {
		b = appendStr(b, p.ContentType)
	}
	if pres&pContentEncoding != 0 {
		b = appendStr(b, p.ContentEncoding)
	}
	if pres&pHeaders != 0 {
		b = appendTable(b, p.Headers)
	}
	if pres&pDeliveryMode != 0 {
		b = append(b, p.DeliveryMode)
	}
	if pres&pPriority != 0 {
		b = append(b, p.Priority)
	}
	for _, f := range []struct {
		bit uint64
		s   string
	}{{pCorrelationID, p.CorrelationID}, {pReplyTo, p.ReplyTo}, {pExpiration, p.Expiration}, {pMessageID, p.MessageID}} {
		if pres&f.bit != 0 {
			b = appendStr(b, f.s)
		}
	}
	if pres&pTimestamp != 0 {
		b = binary.AppendVarint(b, p.Timestamp)
	}
	for _, f := range []struct {
		bit uint64
		s   string
	}{{pType, p.Type}, {pUserID, p.UserID}, {pAppID, p.AppID}} {
		if pres&f.bit != 0 {
			b = appendStr(b, f.s)
		}
	}
	return append(b, m.Body...)
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadEnvelope
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadEnvelope
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errBadEnvelope
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) str() string { return string(r.bytes()) }

func (r *reader) byte1() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errBadEnvelope
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// decode parses an envelope. The returned body aliases env.
func decode(env []byte) (*Message, error) {
	if len(env) < 2 || env[0] != envVersion {
		return nil, errBadEnvelope
	}
	m := &Message{Redelivered: env[1]&flagRedelivered != 0}
	r := &reader{b: env[2:]}
	m.ExpiresAt = int64(r.uvarint())
	m.ID = r.uvarint()
	m.Exchange = r.str()
	m.RoutingKey = r.str()
	pres := r.uvarint()
	p := &m.Props
	if pres&pContentType != 0 {
		p.ContentType = r.str()
	}
	if pres&pContentEncoding != 0 {
		p.ContentEncoding = r.str()
	}
	if pres&pHeaders != 0 {
		p.Headers = r.table(0)
	}
	if pres&pDeliveryMode != 0 {
		p.DeliveryMode = r.byte1()
	}
	if pres&pPriority != 0 {
		p.Priority = r.byte1()
	}
	if pres&pCorrelationID != 0 {
		p.CorrelationID = r.str()
	}
	if pres&pReplyTo != 0 {
		p.ReplyTo = r.str()
	}
	if pres&pExpiration != 0 {
		p.Expiration = r.str()
	}
	if pres&pMessageID != 0 {
		p.MessageID = r.str()
	}
	if pres&pTimestamp != 0 {
		p.Timestamp = r.varint()
	}
	if pres&pType != 0 {
		p.Type = r.str()
	}
	if pres&pUserID != 0 {
		p.UserID = r.str()
	}
	if pres&pAppID != 0 {
		p.AppID = r.str()
	}
	if r.err != nil {
		return nil, r.err
	}
	m.Body = r.b
	return m, nil
}

// envID reads only the message id of an envelope.
func envID(env []byte) uint64 {
	if len(env) < 3 {
		return 0
	}
	_, n := binary.Uvarint(env[2:])
	if n <= 0 {
		return 0
	}
	id, m := binary.Uvarint(env[2+n:])
	if m <= 0 {
		return 0
	}
	return id
}

// envExpiresAt reads only the expiry of an envelope (for TTL checks at the
// head of a queue without a full decode).
func envExpiresAt(env []byte) int64 {
	if len(env) < 3 {
		return 0
	}
	v, n := binary.Uvarint(env[2:])
	if n <= 0 {
		return 0
	}
	return int64(v)
}

// Table values are tagged with one byte.
const (
	tNil byte = iota
	tString
	tBytes
	tBool
	tInt
	tUint
	tFloat32
	tFloat64
	tTime
	tTable
	tArray
	tInt8
	tInt16
	tInt32
	tUint8
	tUint16
	tUint32
	tDecimal
)

func appendTable(b []byte, t Table) []byte {
	b = binary.AppendUvarint(b, uint64(len(t)))
	for k, v := range t {
		b = appendStr(b, k)
		b = appendValue(b, v)
	}
	return b
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, tNil)
	case string:
		return appendStr(append(b, tString), v)
	case []byte:
		return appendStr(append(b, tBytes), string(v))
	case bool:
		if v {
			return append(b, tBool, 1)
		}
		return append(b, tBool, 0)
	case int:
		return binary.AppendVarint(append(b, tInt), int64(v))
	case int64:
		return binary.AppendVarint(append(b, tInt), v)
	case int8:
		return binary.AppendVarint(append(b, tInt8), int64(v))
	case int16:
		return binary.AppendVarint(append(b, tInt16), int64(v))
	case int32:
		return binary.AppendVarint(append(b, tInt32), int64(v))
	case uint8:
		return binary.AppendUvarint(append(b, tUint8), uint64(v))
	case uint16:
		return binary.AppendUvarint(append(b, tUint16), uint64(v))
	case uint32:
		return binary.AppendUvarint(append(b, tUint32), uint64(v))
	case uint64:
		return binary.AppendUvarint(append(b, tUint), v)
	case float32:
		return binary.LittleEndian.AppendUint32(append(b, tFloat32), math.Float32bits(v))
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tFloat64), math.Float64bits(v))
	case time.Time:
		return binary.AppendVarint(append(b, tTime), v.Unix())
	case Decimal:
		return binary.AppendVarint(append(b, tDecimal, v.Scale), int64(v.Value))
	case Table:
		return appendTable(append(b, tTable), v)
	case []any:
		b = binary.AppendUvarint(append(b, tArray), uint64(len(v)))
		for _, x := range v {
			b = appendValue(b, x)
		}
		return b
	}
	// Unknown types are stored as nil rather than failing a publish.
	return append(b, tNil)
}

const maxTableDepth = 64

func (r *reader) table(depth int) Table {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) || depth > maxTableDepth {
		r.err = errBadEnvelope
		return nil
	}
	t := make(Table, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		k := r.str()
		t[k] = r.value(depth)
	}
	return t
}

func (r *reader) value(depth int) any {
	switch r.byte1() {
	case tNil:
		return nil
	case tString:
		return r.str()
	case tBytes:
		return append([]byte(nil), r.bytes()...)
	case tBool:
		return r.byte1() != 0
	case tInt:
		return r.varint()
	case tInt8:
		return int8(r.varint())
	case tInt16:
		return int16(r.varint())
	case tInt32:
		return int32(r.varint())
	case tUint8:
		return uint8(r.uvarint())
	case tUint16:
		return uint16(r.uvarint())
	case tUint32:
		return uint32(r.uvarint())
	case tUint:
		return r.uvarint()
	case tFloat32:
		if len(r.b) < 4 {
			r.err = errBadEnvelope
			return nil
		}
		v := math.Float32frombits(binary.LittleEndian.Uint32(r.b))
		r.b = r.b[4:]
		return v
	case tFloat64:
		if len(r.b) < 8 {
			r.err = errBadEnvelope
			return nil
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
		r.b = r.b[8:]
		return v
	case tTime:
		return time.Unix(r.varint(), 0).UTC()
	case tDecimal:
		scale := r.byte1()
		return Decimal{Scale: scale, Value: int32(r.varint())}
	case tTable:
		return r.table(depth + 1)
	case tArray:
		n := r.uvarint()
		if r.err != nil || n > uint64(len(r.b)) || depth > maxTableDepth {
			r.err = errBadEnvelope
			return nil
		}
		out := make([]any, 0, n)
		for i := uint64(0); i < n && r.err == nil; i++ {
			out = append(out, r.value(depth+1))
		}
		return out
	}
	r.err = errBadEnvelope
	return nil
}

// envBodyLen returns the body length of an envelope (0 when corrupt), for
// x-max-length-bytes.
func envBodyLen(env []byte) int {
	m, err := decode(env)
	if err != nil {
		return 0
	}
	return len(m.Body)
}

// envPriority returns the priority property of an envelope (0 when unset
// or corrupt), for priority queues.
func envPriority(env []byte) uint8 {
	m, err := decode(env)
	if err != nil {
		return 0
	}
	return m.Props.Priority
}
