package exchange

import (
	"math"
	"testing"
	"time"
)

// The expected texts were printed by RabbitMQ 3.10.8 in "Invalid x-match
// field type double (value ...)" and "Invalid x-match field value ..." replies.
func TestErlangTerm(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{1.0, "1.0"},
		{-2.5, "-2.5"},
		{10.0, "10.0"},
		{100.0, "100.0"},
		{120.0, "120.0"},
		{1000.0, "1.0e3"},
		{1500.0, "1.5e3"},
		{10000.0, "1.0e4"},
		{12345.0, "12345.0"},
		{100000.0, "1.0e5"},
		{123456789.0, "123456789.0"},
		{1e15, "1.0e15"},
		{1e16, "1.0e16"},
		{1e20, "1.0e20"},
		{0.5, "0.5"},
		{0.01, "0.01"},
		{0.001, "0.001"},
		{0.002, "0.002"},
		{0.0001, "0.0001"},
		{1.25e-5, "1.25e-5"},
		{1e-10, "1.0e-10"},
		{5e-324, "5.0e-324"},
		{math.MaxFloat64, "1.7976931348623157e308"},
		{float32(0.1), "0.10000000149011612"},
		{0.0, "0.0"},
		{int64(-5), "-5"},
		{uint32(7), "7"},
		{int64(math.MinInt64), "-9223372036854775808"},
		{uint64(math.MaxUint64), "18446744073709551615"},
		{true, "true"},
		{nil, "undefined"},
		{"foo", `<<"foo">>`},
		{"", "<<>>"},
		{[]byte{}, "<<>>"},
		{"a\"b\\c\n", `<<"a\"b\\c\n">>`},
		{"\x1b\t", `<<"\e\t">>`},
		{"é", "<<\"é\">>"},
		{[]byte{0xe9}, "<<\"\xe9\">>"},
		{"é\x01", "<<195,169,1>>"},
		{"\x7f", "<<127>>"},
		{"\x00", "<<0>>"},
		{[]any{"a", int32(1)}, `[{longstr,<<"a">>},{signedint,1}]`},
		{Table{"k": "v", "a": int8(1)}, `[{<<"a">>,byte,1},{<<"k">>,longstr,<<"v">>}]`},
	} {
		if got := erlangTerm(tc.v); got != tc.want {
			t.Errorf("erlangTerm(%#v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

func TestTypeNames(t *testing.T) {
	type otherTable map[string]any
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"s", "longstr"}, {[]byte("b"), "binary"}, {true, "bool"}, {nil, "void"},
		{int8(1), "byte"}, {uint8(1), "unsignedbyte"}, {int16(1), "short"}, {uint16(1), "unsignedshort"},
		{int32(1), "signedint"}, {uint32(1), "unsignedint"}, {int64(1), "long"}, {1, "long"},
		{float32(1), "float"}, {1.0, "double"}, {time.Unix(0, 0), "timestamp"},
		{Table{}, "table"}, {map[string]any{}, "table"}, {otherTable{}, "table"}, {[]any{}, "array"},
	} {
		if got := typeName(tc.v); got != tc.want {
			t.Errorf("typeName(%T) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

func TestTableKeyIdentity(t *testing.T) {
	same := [][2]Table{
		{nil, {}},
		{{"a": "1", "b": int32(2)}, {"b": int32(2), "a": "1"}},
		{{"n": Table{"x": []any{"y"}}}, {"n": map[string]any{"x": []any{"y"}}}},
		{{"t": time.Unix(5, 0)}, {"t": time.Unix(5, 999)}}, // AMQP timestamps are seconds
	}
	for _, p := range same {
		if string(tableKey(nil, p[0])) != string(tableKey(nil, p[1])) {
			t.Errorf("%v and %v should be the same table", p[0], p[1])
		}
	}
	different := [][2]Table{
		{{"a": "1"}, {"a": []byte("1")}},
		{{"a": int32(1)}, {"a": int64(1)}},
		{{"a": int64(-1)}, {"a": int64(1)}},
		{{"a": 1.0}, {"a": int64(1)}},
		{{"a": "1"}, {"b": "1"}},
		{{"ab": ""}, {"a": "b"}},
		{{"a": []any{"x", "y"}}, {"a": []any{"y", "x"}}},
		{{"a": nil}, {}},
		{{"a": time.Unix(5, 0)}, {"a": int64(5)}},
	}
	for _, p := range different {
		if string(tableKey(nil, p[0])) == string(tableKey(nil, p[1])) {
			t.Errorf("%v and %v should be different tables", p[0], p[1])
		}
	}
}

func TestCloneTableDeep(t *testing.T) {
	orig := Table{"b": []byte("x"), "t": Table{"a": []any{[]byte("y")}}, "m": map[string]any{"k": "v"}}
	c := cloneTable(orig)
	c["b"].([]byte)[0] = 'X'
	c["t"].(Table)["a"].([]any)[0].([]byte)[0] = 'Y'
	c["m"].(Table)["k"] = "changed"
	if string(orig["b"].([]byte)) != "x" || string(orig["t"].(Table)["a"].([]any)[0].([]byte)) != "y" ||
		orig["m"].(map[string]any)["k"] != "v" {
		t.Fatalf("clone shares memory with the original: %v", orig)
	}
	if cloneTable(nil) != nil {
		t.Fatal("clone of nil")
	}
}
