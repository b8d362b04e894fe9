package exchange

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Table is an AMQP 0-9-1 field table. Values are Go values of the AMQP field
// types, as amqp091-go decodes them:
//
//	string      longstr            []byte      binary (byte array)
//	bool        bool               nil         void
//	int8        byte               uint8       unsignedbyte
//	int16       short              uint16      unsignedshort
//	int32       signedint          uint32      unsignedint
//	int64, int  long               float32     float
//	float64     double             time.Time   timestamp (whole seconds)
//	Table       table              []any       array
//
// A map[string]any is accepted wherever a Table is. Tables handed to the
// Registry are copied; tables it hands out are copies.
type Table map[string]any

// typeName is the RabbitMQ name of the AMQP field type of v, as error texts
// print it ("the value 'ae' of type 'longstr'").
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "void"
	case string:
		return "longstr"
	case []byte:
		return "binary"
	case bool:
		return "bool"
	case int8:
		return "byte"
	case uint8:
		return "unsignedbyte"
	case int16:
		return "short"
	case uint16:
		return "unsignedshort"
	case int32:
		return "signedint"
	case uint32:
		return "unsignedint"
	case int64, int, uint64, uint:
		return "long"
	case float32:
		return "float"
	case float64:
		return "double"
	case time.Time:
		return "timestamp"
	case []any:
		return "array"
	}
	if _, ok := asTable(v); ok {
		return "table"
	}
	return fmt.Sprintf("%T", v)
}

// typeClass groups types as rabbit_misc:type_class/1 does: every integer
// type is "int", float and double are "float", the rest are themselves.
func typeClass(v any) string {
	switch v.(type) {
	case int8, uint8, int16, uint16, int32, uint32, int64, int, uint64, uint:
		return "int"
	case float32, float64:
		return "float"
	}
	return typeName(v)
}

var tableType = reflect.TypeFor[Table]()

// asTable returns v as a Table when it is one: a Table, a map[string]any, or
// another named map type with that shape (amqp091-go's amqp.Table).
func asTable(v any) (Table, bool) {
	switch t := v.(type) {
	case Table:
		return t, true
	case map[string]any:
		return Table(t), true
	case nil, string, []byte, bool, []any:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Map && rv.Type().ConvertibleTo(tableType) {
		return rv.Convert(tableType).Interface().(Table), true
	}
	return nil, false
}

// cloneTable deep-copies t (nil stays nil).
func cloneTable(t Table) Table {
	if t == nil {
		return nil
	}
	out := make(Table, len(t))
	for k, v := range t {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return bytes.Clone(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	if t, ok := asTable(v); ok {
		return cloneTable(t)
	}
	return v
}

// number is a numeric field value in a comparable form: an integer (exact,
// over the whole int64 and uint64 ranges) or a float.
type number struct {
	isFloat bool
	neg     bool    // integer: negative
	mag     uint64  // integer: magnitude
	f       float64 // float
}

// numberOf reports the numeric value of v. Timestamps count as their Unix
// seconds, as RabbitMQ stores them as plain integers.
func numberOf(v any) (number, bool) {
	i := func(x int64) number {
		if x < 0 {
			return number{neg: true, mag: uint64(-(x + 1)) + 1}
		}
		return number{mag: uint64(x)}
	}
	switch x := v.(type) {
	case int8:
		return i(int64(x)), true
	case int16:
		return i(int64(x)), true
	case int32:
		return i(int64(x)), true
	case int64:
		return i(x), true
	case int:
		return i(int64(x)), true
	case uint8:
		return number{mag: uint64(x)}, true
	case uint16:
		return number{mag: uint64(x)}, true
	case uint32:
		return number{mag: uint64(x)}, true
	case uint64:
		return number{mag: x}, true
	case uint:
		return number{mag: uint64(x)}, true
	case float32:
		return number{isFloat: true, f: float64(x)}, true
	case float64:
		return number{isFloat: true, f: x}, true
	case time.Time:
		return i(x.Unix()), true
	}
	return number{}, false
}

func (n number) float() float64 {
	if n.isFloat {
		return n.f
	}
	if n.neg {
		return -float64(n.mag)
	}
	return float64(n.mag)
}

// equal compares by value as Erlang's == does: 1 == 1.0.
func (n number) equal(m number) bool {
	if n.isFloat || m.isFloat {
		return n.float() == m.float()
	}
	return n.neg == m.neg && n.mag == m.mag
}

// looseEqual compares two field values as Erlang's == compares the values of
// two table entries, types aside: numbers by value across widths and between
// integers and floats (timestamps are integers), longstr and binary by their
// bytes, booleans by value. Nested tables and arrays compare entry by entry
// with their types (typedEqual), as Erlang compares the nested
// {Name, Type, Value} tuples. nil (void) equals only nil.
func looseEqual(a, b any) bool {
	if na, ok := numberOf(a); ok {
		nb, ok := numberOf(b)
		return ok && na.equal(nb)
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case []byte:
			return x == string(y)
		}
		return false
	case []byte:
		switch y := b.(type) {
		case string:
			return string(x) == y
		case []byte:
			return bytes.Equal(x, y)
		}
		return false
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !typedEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	if ta, ok := asTable(a); ok {
		tb, ok := asTable(b)
		if !ok || len(ta) != len(tb) {
			return false
		}
		for k, va := range ta {
			vb, ok := tb[k]
			if !ok || !typedEqual(va, vb) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// typedEqual: same AMQP field type and equal values.
func typedEqual(a, b any) bool {
	return typeName(a) == typeName(b) && looseEqual(a, b)
}

// tableKey appends an injective encoding of t (type-strict, keys sorted) to
// buf. Two tables get the same encoding exactly when RabbitMQ would see the
// same sorted field table; it identifies bindings.
func tableKey(buf []byte, t Table) []byte {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	for _, k := range keys {
		buf = appendStr(buf, k)
		buf = valueKey(buf, t[k])
	}
	return buf
}

func appendStr(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func valueKey(buf []byte, v any) []byte {
	buf = appendStr(buf, typeName(v))
	switch x := v.(type) {
	case nil:
	case string:
		buf = appendStr(buf, x)
	case []byte:
		buf = appendStr(buf, string(x))
	case bool:
		if x {
			buf = append(buf, 1)
		} else {
			buf = append(buf, 0)
		}
	case float32:
		buf = binary.BigEndian.AppendUint64(buf, math.Float64bits(float64(x)))
	case float64:
		buf = binary.BigEndian.AppendUint64(buf, math.Float64bits(x))
	case []any:
		buf = binary.AppendUvarint(buf, uint64(len(x)))
		for _, e := range x {
			buf = valueKey(buf, e)
		}
	default:
		if n, ok := numberOf(v); ok {
			if n.neg {
				buf = append(buf, 1)
			} else {
				buf = append(buf, 0)
			}
			buf = binary.AppendUvarint(buf, n.mag)
		} else if t, ok := asTable(v); ok {
			buf = tableKey(buf, t)
		} else {
			buf = appendStr(buf, fmt.Sprintf("%#v", v))
		}
	}
	return buf
}

// erlangTerm formats a field value as Erlang's ~tp prints RabbitMQ's
// representation of it: binaries as <<"...">>, integers in decimal, void as
// undefined, tables as lists of {Name,Type,Value} tuples.
func erlangTerm(v any) string {
	var b strings.Builder
	writeTerm(&b, v)
	return b.String()
}

func writeTerm(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("undefined")
	case string:
		b.WriteString(erlangBinary(x))
	case []byte:
		b.WriteString(erlangBinary(string(x)))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float32:
		b.WriteString(erlangFloat(float64(x)))
	case float64:
		b.WriteString(erlangFloat(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("{" + typeName(e) + ",")
			writeTerm(b, e)
			b.WriteByte('}')
		}
		b.WriteByte(']')
	default:
		if n, ok := numberOf(v); ok {
			if n.neg {
				b.WriteByte('-')
			}
			b.WriteString(strconv.FormatUint(n.mag, 10))
			return
		}
		if t, ok := asTable(v); ok {
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			b.WriteByte('[')
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("{" + erlangBinary(k) + "," + typeName(t[k]) + ",")
				writeTerm(b, t[k])
				b.WriteByte('}')
			}
			b.WriteByte(']')
			return
		}
		fmt.Fprintf(b, "%v", v)
	}
}

// erlangFloat prints a float the way Erlang's ~p does (OTP 25+): the
// shortest digits that read back exactly, in plain or scientific notation,
// whichever is shorter, plain on a tie: 1.0, 100.0, 1.0e3, 123456789.0,
// 0.0001, 1.25e-5.
func erlangFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	sign := ""
	if math.Signbit(f) {
		sign, f = "-", -f
	}
	if f == 0 {
		return sign + "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	sci := digits[:1] + "." + cmp.Or(digits[1:], "0") + "e" + strconv.Itoa(exp)
	var plain string
	switch {
	case exp < 0:
		plain = "0." + strings.Repeat("0", -exp-1) + digits
	case len(digits) <= exp+1:
		plain = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	default:
		plain = digits[:exp+1] + "." + digits[exp+1:]
	}
	if len(sci) < len(plain) {
		return sign + sci
	}
	return sign + plain
}

// erlangEscapes are the characters Erlang escapes inside a printed string.
var erlangEscapes = map[byte]string{'"': `\"`, '\\': `\\`, '\n': `\n`, '\r': `\r`, '\t': `\t`,
	'\v': `\v`, '\b': `\b`, '\f': `\f`, 0x1b: `\e`}

// erlangBinary prints a binary the way Erlang's ~tp does: <<"text">> when
// every byte is printable Latin-1 (escaping quotes, backslashes and the
// control characters Erlang names), else the bytes in decimal: <<0,127>>.
func erlangBinary(s string) string {
	if s == "" {
		return "<<>>"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 32 || c > 126) && c < 160 && erlangEscapes[c] == "" {
			parts := make([]string, len(s))
			for j := 0; j < len(s); j++ {
				parts[j] = strconv.Itoa(int(s[j]))
			}
			return "<<" + strings.Join(parts, ",") + ">>"
		}
	}
	var b strings.Builder
	b.WriteString(`<<"`)
	for i := 0; i < len(s); i++ {
		if e := erlangEscapes[s[i]]; e != "" {
			b.WriteString(e)
		} else {
			b.WriteByte(s[i])
		}
	}
	b.WriteString(`">>`)
	return b.String()
}

// erlangVal formats a value as rabbit_misc's val/1 does in "inequivalent
// arg" texts: "the value 'x' of type 'longstr'", or "none" when absent.
func erlangVal(v any, present bool) string {
	if !present {
		return "none"
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		s = erlangTerm(v)
	}
	return "the value '" + s + "' of type '" + typeName(v) + "'"
}
