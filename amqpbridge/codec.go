package amqpbridge

import (
	"encoding/binary"
	"fmt"
)

// decoder reads AMQP 0-9-1 data fields (spec 4.2.5) from a method or
// content header payload. The first failure is kept in err and every later
// read returns a zero value, so a method's read function checks err once.
// Consecutive bit fields share octets, least significant bit first (spec
// 4.2.5.2); any other field ends a run of bits.
type decoder struct {
	b     []byte
	off   int
	err   error
	bits  byte
	nbits int // bits left in the current bits octet; 0: none
}

// decodeError is a payload that does not parse: the field being read and
// its offset in the payload.
type decodeError struct {
	field string
	off   int
}

func (e *decodeError) Error() string {
	return fmt.Sprintf("cannot decode %s at offset %d", e.field, e.off)
}

func (d *decoder) fail(field string) {
	if d.err == nil {
		d.err = &decodeError{field: field, off: d.off}
	}
}

func (d *decoder) take(n int, field string) []byte {
	d.nbits = 0
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b)-d.off {
		d.fail(field)
		return nil
	}
	p := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return p
}

func (d *decoder) octet() uint8 {
	p := d.take(1, "octet")
	if p == nil {
		return 0
	}
	return p[0]
}

func (d *decoder) short() uint16 {
	p := d.take(2, "short")
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint16(p)
}

func (d *decoder) long() uint32 {
	p := d.take(4, "long")
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint32(p)
}

func (d *decoder) longlong() uint64 {
	p := d.take(8, "longlong")
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint64(p)
}

func (d *decoder) shortstr() string {
	n := d.octet()
	return string(d.take(int(n), "shortstr"))
}

func (d *decoder) longstrBytes() []byte {
	n := d.long()
	if uint64(n) > uint64(len(d.b)-d.off) {
		d.fail("longstr")
		return nil
	}
	return d.take(int(n), "longstr")
}

func (d *decoder) longstr() string { return string(d.longstrBytes()) }

func (d *decoder) bit() bool {
	if d.err != nil {
		return false
	}
	if d.nbits == 0 {
		if d.off >= len(d.b) {
			d.fail("bit")
			return false
		}
		d.bits = d.b[d.off]
		d.off++
		d.nbits = 8
	}
	v := d.bits&1 != 0
	d.bits >>= 1
	d.nbits--
	return v
}

// table reads a field table (spec 4.2.5.5, RabbitMQ's type codes).
func (d *decoder) table() Table {
	p := d.longstrBytes()
	if d.err != nil {
		return nil
	}
	t, err := decodeTable(p, 0)
	if err != nil {
		d.err = err
		return nil
	}
	return t
}

// finish reports an error if fields are missing or bytes are left over:
// RabbitMQ matches method payloads exactly.
func (d *decoder) finish() error {
	if d.err == nil && d.off != len(d.b) {
		d.fail("trailing bytes")
	}
	return d.err
}

// encoder appends AMQP 0-9-1 data fields to b, packing consecutive bits as
// decoder reads them.
type encoder struct {
	b      []byte
	bitPos int // index in b of the current bits octet
	nbits  int // bits used in it; 0: no open bits octet
	err    error
}

func (e *encoder) octet(v uint8) { e.nbits = 0; e.b = append(e.b, v) }

func (e *encoder) short(v uint16) { e.nbits = 0; e.b = binary.BigEndian.AppendUint16(e.b, v) }

func (e *encoder) long(v uint32) { e.nbits = 0; e.b = binary.BigEndian.AppendUint32(e.b, v) }

func (e *encoder) longlong(v uint64) { e.nbits = 0; e.b = binary.BigEndian.AppendUint64(e.b, v) }

// shortstr writes s, cut to 255 octets: the server never fails a frame
// for a long string that came from another protocol (RESP), it truncates.
func (e *encoder) shortstr(s string) {
	if len(s) > 255 {
		s = s[:255]
	}
	e.octet(uint8(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) longstr(s string) {
	e.long(uint32(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) bit(v bool) {
	if e.nbits == 0 || e.nbits == 8 {
		e.b = append(e.b, 0)
		e.bitPos = len(e.b) - 1
		e.nbits = 0
	}
	if v {
		e.b[e.bitPos] |= 1 << e.nbits
	}
	e.nbits++
}

func (e *encoder) table(t Table) {
	e.nbits = 0
	var err error
	e.b, err = appendTable(e.b, t)
	if err != nil && e.err == nil {
		e.err = err
	}
}
