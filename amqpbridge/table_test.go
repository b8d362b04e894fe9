package amqpbridge

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/exchange"
)

func encodeTable(t *testing.T, tab Table) []byte {
	t.Helper()
	b, err := appendTable(nil, tab)
	require.NoError(t, err)
	return b
}

func TestTableRoundTrip(t *testing.T) {
	ts := time.Unix(1700000000, 0).UTC()
	tab := Table{
		"bool": true, "false": false, "i8": int8(-8), "u8": uint8(200), "i16": int16(-300),
		"u16": uint16(60000), "i32": int32(-70000), "u32": uint32(4000000000), "i64": int64(-1 << 40),
		"f32": float32(1.5), "f64": 2.25, "dec": Decimal{Scale: 2, Value: -12345}, "str": "héllo",
		"bytes": []byte{0, 1, 2}, "ts": ts, "void": nil, "empty": "",
		"nested": Table{"deep": Table{"x": int64(1)}}, "array": []any{"a", int32(2), []any{}, Table{"y": false}},
		"emptytab": Table{}, "emptyarr": []any{},
	}
	b := encodeTable(t, tab)
	d := decoder{b: b}
	got := d.table()
	require.NoError(t, d.finish())
	require.Equal(t, tab, got)
}

func TestTableEncodingsAreRabbitMQs(t *testing.T) {
	cases := []struct {
		v    any
		want []byte
	}{
		{true, []byte{'t', 1}},
		{int8(-1), []byte{'b', 0xff}},
		{uint8(1), []byte{'B', 1}},
		{int16(-2), []byte{'s', 0xff, 0xfe}}, // the spec would say 'U'
		{uint16(2), []byte{'u', 0, 2}},
		{int32(3), []byte{'I', 0, 0, 0, 3}},
		{uint32(3), []byte{'i', 0, 0, 0, 3}},
		{int64(4), []byte{'l', 0, 0, 0, 0, 0, 0, 0, 4}}, // the spec would say 'L'
		{4, []byte{'l', 0, 0, 0, 0, 0, 0, 0, 4}},
		{float32(1), []byte{'f', 0x3f, 0x80, 0, 0}},
		{1.0, []byte{'d', 0x3f, 0xf0, 0, 0, 0, 0, 0, 0}},
		{Decimal{Scale: 1, Value: 5}, []byte{'D', 1, 0, 0, 0, 5}},
		{"ab", []byte{'S', 0, 0, 0, 2, 'a', 'b'}},
		{[]byte("ab"), []byte{'x', 0, 0, 0, 2, 'a', 'b'}},
		{time.Unix(5, 0), []byte{'T', 0, 0, 0, 0, 0, 0, 0, 5}},
		{nil, []byte{'V'}},
		{[]any{true}, []byte{'A', 0, 0, 0, 2, 't', 1}},
		{Table{"k": false}, []byte{'F', 0, 0, 0, 4, 1, 'k', 't', 0}},
		{exchange.Table{"k": false}, []byte{'F', 0, 0, 0, 4, 1, 'k', 't', 0}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%T", c.v), func(t *testing.T) {
			b, err := appendValue(nil, c.v, 0)
			require.NoError(t, err)
			require.Equal(t, c.want, b)
			v, n, err := decodeValue(b, 0)
			require.NoError(t, err)
			require.Equal(t, len(b), n)
			switch c.v.(type) {
			case int:
				require.Equal(t, int64(4), v)
			case time.Time:
				require.Equal(t, time.Unix(5, 0).UTC(), v)
			case exchange.Table:
				require.Equal(t, Table{"k": false}, v)
			default:
				require.Equal(t, c.v, v)
			}
		})
	}
}

func TestTableEncodeRefuses(t *testing.T) {
	for _, v := range []any{uint64(math.MaxUint64), struct{}{}, make(chan int), Table{"x": complex(1, 2)}} {
		_, err := appendValue(nil, v, 0)
		require.Error(t, err, "%T", v)
	}
	long := string(make([]byte, 256))
	_, err := appendTable(nil, Table{long: 1})
	require.Error(t, err)
}

func TestTableDecodeMustFail(t *testing.T) {
	var deep []byte // maxTableDepth+2 nested tables, lengths correct
	for range maxTableDepth + 2 {
		out := binary.BigEndian.AppendUint32([]byte{1, 'k', 'F'}, uint32(len(deep)))
		deep = append(out, deep...)
	}
	cases := map[string][]byte{
		"spec short-string 's' is RabbitMQ's int16, too short": {1, 'k', 's', 0},
		"spec 'U' unknown to RabbitMQ":                         {1, 'k', 'U', 0, 1},
		"spec 'L' unknown to RabbitMQ":                         {1, 'k', 'L', 0, 0, 0, 0, 0, 0, 0, 1},
		"unknown type":                                         {1, 'k', 'Z'},
		"missing type":                                         {1, 'k'},
		"key past end":                                         {5, 'k'},
		"string length past end":                               {1, 'k', 'S', 0, 0, 0, 9, 'a'},
		"short int":                                            {1, 'k', 'I', 0, 0},
		"nested bad":                                           {1, 'k', 'F', 0, 0, 0, 2, 1, 'x'},
		"array bad":                                            {1, 'k', 'A', 0, 0, 0, 1, 'Q'},
		"too deep":                                             deep,
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeTable(p, 0)
			var te *tableError
			require.ErrorAs(t, err, &te)
		})
	}
}

// FuzzFieldTable decodes arbitrary table bytes; what decodes must encode
// and decode again to the same values, and nothing panics.
func FuzzFieldTable(f *testing.F) {
	seed, _ := appendTable(nil, Table{"a": int32(1), "b": []any{"x", Table{"c": Decimal{Scale: 1, Value: 2}}}, "d": []byte{1}, "e": nil, "f": 1.5})
	f.Add(seed[4:])
	f.Add([]byte{1, 'k', 's', 0, 1})
	f.Add([]byte{1, 'k', 'F', 0, 0, 0, 3, 1, 'x', 'V'})
	f.Fuzz(func(t *testing.T, p []byte) {
		tab, err := decodeTable(p, 0)
		if err != nil {
			return
		}
		b, err := appendTable(nil, tab)
		require.NoError(t, err)
		again, err := decodeTable(b[4:], 0)
		require.NoError(t, err)
		// fmt prints maps sorted and NaN as NaN, so this compares values.
		require.Equal(t, fmt.Sprint(tab), fmt.Sprint(again))
	})
}
