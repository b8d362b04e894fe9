package amqpbridge

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/switchyard/switchyard/exchange"
	"github.com/switchyard/switchyard/queue"
)

// Table is an AMQP field table (spec 4.2.5.5), the same type as queue.Table
// and the headers of queue.Properties.
//
// Values use RabbitMQ's type codes, which differ from the 0-9-1 spec's
// (RabbitMQ's errata, "3 Field types"; rabbit_binary_parser), and decode to
// these Go types:
//
//	't' bool            'b' int8     'B' uint8     's' int16    'u' uint16
//	'I' int32           'i' uint32   'l' int64     'f' float32  'd' float64
//	'D' Decimal         'S' string   'x' []byte    'T' time.Time (seconds, UTC)
//	'A' []any           'F' Table    'V' nil
//
// The spec's 'U' (short), 'L' (long-long) and short-string 's' are not
// RabbitMQ's and are refused, as RabbitMQ refuses them. Encoding maps the
// same Go types back, plus int and int64 to 'l', uint64 and uint to 'l' when
// they fit, and exchange.Table or map[string]any to 'F'.
type Table = queue.Table

// Decimal is the 'D' field type (spec 4.2.5.5): Value / 10^Scale.
type Decimal = queue.Decimal

// maxTableDepth bounds the nesting of tables and arrays a peer may send.
const maxTableDepth = 128

// tableError is a field table that does not parse.
type tableError struct {
	what string
	off  int
}

func (e *tableError) Error() string {
	return fmt.Sprintf("cannot decode field table: %s at offset %d", e.what, e.off)
}

// decodeTable parses the content of a field table (without its length
// prefix). Strings and byte arrays are copied; the result does not alias p.
func decodeTable(p []byte, depth int) (Table, error) {
	if depth > maxTableDepth {
		return nil, &tableError{"nesting too deep", 0}
	}
	t := Table{}
	off := 0
	for off < len(p) {
		n := int(p[off])
		off++
		if n > len(p)-off {
			return nil, &tableError{"short key", off}
		}
		key := string(p[off : off+n])
		off += n
		v, m, err := decodeValue(p[off:], depth)
		if err != nil {
			if te, ok := err.(*tableError); ok {
				te.off += off
			}
			return nil, err
		}
		off += m
		t[key] = v
	}
	return t, nil
}

// decodeArray parses the content of a field array ('A').
func decodeArray(p []byte, depth int) ([]any, error) {
	if depth > maxTableDepth {
		return nil, &tableError{"nesting too deep", 0}
	}
	out := []any{}
	off := 0
	for off < len(p) {
		v, m, err := decodeValue(p[off:], depth)
		if err != nil {
			if te, ok := err.(*tableError); ok {
				te.off += off
			}
			return nil, err
		}
		off += m
		out = append(out, v)
	}
	return out, nil
}

// fixedSize is the payload size of the fixed-width type codes.
var fixedSize = [256]int8{
	't': 1, 'b': 1, 'B': 1, 's': 2, 'u': 2, 'I': 4, 'i': 4, 'l': 8,
	'f': 4, 'd': 8, 'D': 5, 'T': 8, 'V': 0,
}

// decodeValue parses one tagged value and returns it with the number of
// bytes it took.
func decodeValue(p []byte, depth int) (any, int, error) {
	if len(p) == 0 {
		return nil, 0, &tableError{"missing value type", 0}
	}
	code := p[0]
	body := p[1:]
	switch code {
	case 'S', 'x', 'A', 'F':
		if len(body) < 4 {
			return nil, 0, &tableError{"short length", 1}
		}
		n := binary.BigEndian.Uint32(body)
		if uint64(n) > uint64(len(body)-4) {
			return nil, 0, &tableError{"length past end", 1}
		}
		b := body[4 : 4+n]
		size := 5 + int(n)
		switch code {
		case 'S':
			return string(b), size, nil
		case 'x':
			return append([]byte{}, b...), size, nil
		case 'A':
			a, err := decodeArray(b, depth+1)
			if err != nil {
				shift(err, 5)
				return nil, 0, err
			}
			return a, size, nil
		default:
			t, err := decodeTable(b, depth+1)
			if err != nil {
				shift(err, 5)
				return nil, 0, err
			}
			return t, size, nil
		}
	}
	n := int(fixedSize[code])
	if n == 0 && code != 'V' {
		return nil, 0, &tableError{fmt.Sprintf("unknown field type %q", code), 0}
	}
	if len(body) < n {
		return nil, 0, &tableError{fmt.Sprintf("short %q value", code), 1}
	}
	var v any
	switch code {
	case 't':
		v = body[0] != 0
	case 'b':
		v = int8(body[0])
	case 'B':
		v = body[0]
	case 's':
		v = int16(binary.BigEndian.Uint16(body))
	case 'u':
		v = binary.BigEndian.Uint16(body)
	case 'I':
		v = int32(binary.BigEndian.Uint32(body))
	case 'i':
		v = binary.BigEndian.Uint32(body)
	case 'l':
		v = int64(binary.BigEndian.Uint64(body))
	case 'f':
		v = math.Float32frombits(binary.BigEndian.Uint32(body))
	case 'd':
		v = math.Float64frombits(binary.BigEndian.Uint64(body))
	case 'D':
		v = Decimal{Scale: body[0], Value: int32(binary.BigEndian.Uint32(body[1:]))}
	case 'T':
		v = time.Unix(int64(binary.BigEndian.Uint64(body)), 0).UTC()
	case 'V':
		v = nil
	}
	return v, 1 + n, nil
}

func shift(err error, by int) {
	if te, ok := err.(*tableError); ok {
		te.off += by
	}
}

// appendTable appends t as a field table with its length prefix.
func appendTable(b []byte, t Table) ([]byte, error) {
	start := len(b)
	b = append(b, 0, 0, 0, 0)
	for k, v := range t {
		if len(k) > 255 {
			return b[:start], fmt.Errorf("amqpbridge: table key longer than 255 octets")
		}
		b = append(b, uint8(len(k)))
		b = append(b, k...)
		var err error
		if b, err = appendValue(b, v, 0); err != nil {
			return b[:start], err
		}
	}
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b, nil
}

func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxTableDepth {
		return b, fmt.Errorf("amqpbridge: field table nested too deep")
	}
	switch v := v.(type) {
	case nil:
		return append(b, 'V'), nil
	case bool:
		if v {
			return append(b, 't', 1), nil
		}
		return append(b, 't', 0), nil
	case int8:
		return append(b, 'b', byte(v)), nil
	case uint8:
		return append(b, 'B', v), nil
	case int16:
		return binary.BigEndian.AppendUint16(append(b, 's'), uint16(v)), nil
	case uint16:
		return binary.BigEndian.AppendUint16(append(b, 'u'), v), nil
	case int32:
		return binary.BigEndian.AppendUint32(append(b, 'I'), uint32(v)), nil
	case uint32:
		return binary.BigEndian.AppendUint32(append(b, 'i'), v), nil
	case int64:
		return binary.BigEndian.AppendUint64(append(b, 'l'), uint64(v)), nil
	case int:
		return binary.BigEndian.AppendUint64(append(b, 'l'), uint64(v)), nil
	case uint64:
		if v > math.MaxInt64 {
			return b, fmt.Errorf("amqpbridge: field value %d out of range", v)
		}
		return binary.BigEndian.AppendUint64(append(b, 'l'), v), nil
	case uint:
		if uint64(v) > math.MaxInt64 {
			return b, fmt.Errorf("amqpbridge: field value %d out of range", v)
		}
		return binary.BigEndian.AppendUint64(append(b, 'l'), uint64(v)), nil
	case float32:
		return binary.BigEndian.AppendUint32(append(b, 'f'), math.Float32bits(v)), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 'd'), math.Float64bits(v)), nil
	case Decimal:
		return binary.BigEndian.AppendUint32(append(b, 'D', v.Scale), uint32(v.Value)), nil
	case string:
		b = binary.BigEndian.AppendUint32(append(b, 'S'), uint32(len(v)))
		return append(b, v...), nil
	case []byte:
		b = binary.BigEndian.AppendUint32(append(b, 'x'), uint32(len(v)))
		return append(b, v...), nil
	case time.Time:
		return binary.BigEndian.AppendUint64(append(b, 'T'), uint64(v.Unix())), nil
	case []any:
		b = append(b, 'A')
		start := len(b)
		b = append(b, 0, 0, 0, 0)
		for _, e := range v {
			var err error
			if b, err = appendValue(b, e, depth+1); err != nil {
				return b, err
			}
		}
		binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
		return b, nil
	case Table:
		return appendNested(b, v, depth)
	case exchange.Table:
		return appendNested(b, Table(v), depth)
	}
	return b, fmt.Errorf("amqpbridge: unsupported field value type %T", v)
}

func appendNested(b []byte, t Table, depth int) ([]byte, error) {
	b = append(b, 'F')
	start := len(b)
	b = append(b, 0, 0, 0, 0)
	for k, v := range t {
		if len(k) > 255 {
			return b, fmt.Errorf("amqpbridge: table key longer than 255 octets")
		}
		b = append(b, uint8(len(k)))
		b = append(b, k...)
		var err error
		if b, err = appendValue(b, v, depth+1); err != nil {
			return b, err
		}
	}
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b, nil
}
