package exchange

import (
	"slices"
	"testing"
	"time"
)

func TestHeadersMatchTable(t *testing.T) {
	ts := time.Unix(1700000000, 0)
	for _, tc := range []struct {
		name    string
		args    Table
		headers Table
		want    bool
	}{
		{"no args matches all", nil, nil, true},
		{"no args, headers", nil, Table{"a": "1"}, true},
		{"x-match only (all)", Table{"x-match": "all"}, nil, true},
		{"x-match any, no keys", Table{"x-match": "any"}, Table{"a": "1"}, false},
		{"all: equal", Table{"a": "1", "b": "2"}, Table{"a": "1", "b": "2", "c": "3"}, true},
		{"all: one differs", Table{"a": "1", "b": "2"}, Table{"a": "1", "b": "3"}, false},
		{"all: one missing", Table{"a": "1", "b": "2"}, Table{"a": "1"}, false},
		{"all: no headers", Table{"a": "1"}, nil, false},
		{"explicit all", Table{"x-match": "all", "a": "1"}, Table{"a": "1"}, true},
		{"any: one of two", Table{"x-match": "any", "a": "1", "b": "2"}, Table{"b": "2"}, true},
		{"any: none", Table{"x-match": "any", "a": "1", "b": "2"}, Table{"a": "2", "b": "1"}, false},
		{"any: no headers", Table{"x-match": "any", "a": "1"}, nil, false},
		// Void pattern values match presence.
		{"void: present", Table{"a": nil}, Table{"a": "anything"}, true},
		{"void: present as void", Table{"a": nil}, Table{"a": nil}, true},
		{"void: absent", Table{"a": nil}, Table{"b": "1"}, false},
		{"void any", Table{"x-match": "any", "a": nil, "b": "2"}, Table{"a": int32(0)}, true},
		{"value vs void header", Table{"a": "1"}, Table{"a": nil}, false},
		// x- keys are ignored unless *-with-x.
		{"x- ignored under all", Table{"x-foo": "1"}, nil, true},
		{"x- ignored under all, rest must match", Table{"x-foo": "1", "a": "1"}, Table{"a": "1"}, true},
		{"x- ignored under any", Table{"x-match": "any", "x-foo": "1"}, Table{"x-foo": "1"}, false},
		{"all-with-x", Table{"x-match": "all-with-x", "x-foo": "1"}, Table{"x-foo": "1"}, true},
		{"all-with-x missing", Table{"x-match": "all-with-x", "x-foo": "1"}, nil, false},
		{"any-with-x", Table{"x-match": "any-with-x", "x-foo": "1", "a": "2"}, Table{"x-foo": "1"}, true},
		{"any-with-x: x-match itself never matches", Table{"x-match": "any-with-x"}, Table{"x-match": "any-with-x"}, false},
		{"header x-match is data", Table{"x-match": "any", "x-match2": "y", "k": "v"}, Table{"k": "v"}, true},
		// Values compare as Erlang's ==.
		{"int widths", Table{"a": int8(5)}, Table{"a": int64(5)}, true},
		{"unsigned vs signed", Table{"a": uint32(7)}, Table{"a": int16(7)}, true},
		{"negative", Table{"a": int64(-1)}, Table{"a": int8(-1)}, true},
		{"int vs float", Table{"a": int32(1)}, Table{"a": 1.0}, true},
		{"int vs float fraction", Table{"a": int32(1)}, Table{"a": 1.5}, false},
		{"float32 vs float64", Table{"a": float32(0.5)}, Table{"a": 0.5}, true},
		{"big uint64", Table{"a": uint64(1 << 63)}, Table{"a": int64(-1 << 63)}, false},
		{"number vs string", Table{"a": int32(1)}, Table{"a": "1"}, false},
		{"longstr vs binary", Table{"a": "x"}, Table{"a": []byte("x")}, true},
		{"binary vs binary", Table{"a": []byte("x")}, Table{"a": []byte("y")}, false},
		{"bool", Table{"a": true}, Table{"a": true}, true},
		{"bool differs", Table{"a": true}, Table{"a": false}, false},
		{"bool vs int", Table{"a": true}, Table{"a": int32(1)}, false},
		{"timestamp vs its seconds", Table{"a": ts}, Table{"a": int64(1700000000)}, true},
		{"timestamp vs timestamp", Table{"a": ts}, Table{"a": ts.Add(300 * time.Millisecond)}, true},
		{"nested table", Table{"a": Table{"k": "v"}}, Table{"a": map[string]any{"k": "v"}}, true},
		{"nested table typed", Table{"a": Table{"k": int32(1)}}, Table{"a": Table{"k": int64(1)}}, false},
		{"array", Table{"a": []any{"x", int32(1)}}, Table{"a": []any{"x", int32(1)}}, true},
		{"array order", Table{"a": []any{"x", "y"}}, Table{"a": []any{"y", "x"}}, false},
		{"array typed", Table{"a": []any{"x"}}, Table{"a": []any{[]byte("x")}}, false},
	} {
		if err := validateHeadersBinding(tc.args); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := parseHeaderSpec(tc.args).matches(tc.headers); got != tc.want {
			t.Errorf("%s: args %v headers %v: match = %v, want %v", tc.name, tc.args, tc.headers, got, tc.want)
		}
	}
}

func TestHeadersExchangeRoute(t *testing.T) {
	r := NewRegistry()
	for _, b := range []Binding{
		{Source: "amq.headers", Destination: "all-ab", RoutingKey: "ignored", Args: Table{"a": "1", "b": "2"}},
		{Source: "amq.headers", Destination: "any-ab", Args: Table{"x-match": "any", "a": "1", "b": "2"}},
		{Source: "amq.headers", Destination: "everything"},
		{Source: "amq.match", Destination: "other-exchange", Args: Table{"a": "1"}},
	} {
		mustNil(t, r.Bind(b))
	}
	for _, tc := range []struct {
		headers Table
		want    []string
	}{
		{nil, []string{"everything"}},
		{Table{"a": "1"}, []string{"any-ab", "everything"}},
		{Table{"a": "1", "b": "2"}, []string{"all-ab", "any-ab", "everything"}},
		{Table{"a": []byte("1"), "b": "2"}, []string{"all-ab", "any-ab", "everything"}},
	} {
		got, err := r.Route("amq.headers", "rk", tc.headers)
		mustNil(t, err)
		if !slices.Equal(got, tc.want) {
			t.Errorf("headers %v: routed to %v, want %v", tc.headers, got, tc.want)
		}
	}
}
