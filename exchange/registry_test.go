package exchange

import (
	"errors"
	"slices"
	"testing"
)

// wantErr checks that err is an *Error of kind with exactly the reply text
// RabbitMQ 3.10 sends (the texts below were read from a real broker).
func wantErr(t *testing.T, err error, kind *Error, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", text)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %q is not %s", err, kind.Name)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != kind.Code {
		t.Fatalf("error %#v: want code %d", err, kind.Code)
	}
	if err.Error() != text {
		t.Fatalf("error text\n got %q\nwant %q", err.Error(), text)
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func declare(t *testing.T, r *Registry, name string, k Kind, args Table) {
	t.Helper()
	if _, err := r.Declare(Exchange{Name: name, Kind: k, Args: args}, false); err != nil {
		t.Fatal(err)
	}
}

func TestErrorIs(t *testing.T) {
	err := error(errNoExchange("x"))
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrPrecondition) {
		t.Fatal("errors.Is by code")
	}
	if !errors.Is(err, errNoExchange("x")) || errors.Is(err, errNoExchange("y")) {
		t.Fatal("errors.Is between full errors compares texts")
	}
	wrapped := errors.Join(errors.New("context"), err)
	if !errors.Is(wrapped, ErrNotFound) {
		t.Fatal("errors.Is through wrapping")
	}
	if ErrNotFound.Error() != "NOT_FOUND" {
		t.Fatalf("sentinel text %q", ErrNotFound.Error())
	}
	if ErrCommandInvalid.ConnectionLevel() != true || ErrNotFound.ConnectionLevel() {
		t.Fatal("ConnectionLevel")
	}
}

func TestPredeclared(t *testing.T) {
	r := NewRegistry()
	want := map[string]Kind{
		"": Direct, "amq.direct": Direct, "amq.fanout": Fanout, "amq.topic": Topic,
		"amq.headers": Headers, "amq.match": Headers, "amq.rabbitmq.trace": Topic,
	}
	xs := r.Exchanges()
	if len(xs) != len(want) {
		t.Fatalf("%d exchanges, want %d", len(xs), len(want))
	}
	for i, x := range xs {
		if i > 0 && xs[i-1].Name >= x.Name {
			t.Fatal("Exchanges not sorted")
		}
		if want[x.Name] != x.Kind || !x.Durable || x.AutoDelete {
			t.Errorf("%+v", x)
		}
		if x.Internal != (x.Name == "amq.rabbitmq.trace") {
			t.Errorf("%q internal = %v", x.Name, x.Internal)
		}
	}
	if len(r.Bindings()) != 0 {
		t.Fatal("bindings on a new registry")
	}
}

func TestDeclareErrors(t *testing.T) {
	r := NewRegistry()
	_, err := r.Declare(Exchange{Name: "px1", Kind: "bogus"}, false)
	wantErr(t, err, ErrCommandInvalid, "COMMAND_INVALID - unknown exchange type 'bogus'")
	_, err = r.Declare(Exchange{Name: "px1", Kind: ""}, false)
	wantErr(t, err, ErrCommandInvalid, "COMMAND_INVALID - invalid exchange type ''")
	if !err.(*Error).ConnectionLevel() {
		t.Fatal("503 is a connection exception")
	}
	_, err = r.Declare(Exchange{Name: "", Kind: Direct, Durable: true}, false)
	wantErr(t, err, ErrAccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange")
	_, err = r.Declare(Exchange{Name: ""}, true)
	wantErr(t, err, ErrAccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange")
	_, err = r.Declare(Exchange{Name: "amq.foo", Kind: Direct, Durable: true}, false)
	wantErr(t, err, ErrAccessRefused, "ACCESS_REFUSED - exchange name 'amq.foo' contains reserved prefix 'amq.*'")
	_, err = r.Declare(Exchange{Name: "amq.foo"}, true)
	wantErr(t, err, ErrNotFound, "NOT_FOUND - no exchange 'amq.foo' in vhost '/'")
	// The type is checked before anything else.
	_, err = r.Declare(Exchange{Name: "", Kind: "bogus"}, false)
	wantErr(t, err, ErrCommandInvalid, "COMMAND_INVALID - unknown exchange type 'bogus'")

	// Existing amq.* exchanges may be redeclared equivalently.
	x, err := r.Declare(Exchange{Name: "amq.direct", Kind: Direct, Durable: true}, false)
	mustNil(t, err)
	if x.Name != "amq.direct" || x.Kind != Direct {
		t.Fatalf("%+v", x)
	}
	_, err = r.Declare(Exchange{Name: "amq.direct", Kind: Fanout, Durable: true}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'amq.direct' in vhost '/': received 'fanout' but current is 'direct'")
	_, err = r.Declare(Exchange{Name: "amq.direct", Kind: Direct}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq.direct' in vhost '/': received 'false' but current is 'true'")

	declare(t, r, "x1", Direct, nil)
	_, err = r.Declare(Exchange{Name: "x1", Kind: Direct, AutoDelete: true}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for exchange 'x1' in vhost '/': received 'true' but current is 'false'")
	_, err = r.Declare(Exchange{Name: "x1", Kind: Direct, Internal: true}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'internal' for exchange 'x1' in vhost '/': received 'true' but current is 'false'")
	_, err = r.Declare(Exchange{Name: "x1", Kind: Direct, Args: Table{"alternate-exchange": "ae"}}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'x1' in vhost '/': received the value 'ae' of type 'longstr' but current is none")
	// Other arguments are not compared.
	_, err = r.Declare(Exchange{Name: "x1", Kind: Direct, Args: Table{"foo": "bar"}}, false)
	mustNil(t, err)

	declare(t, r, "x2", Direct, Table{"alternate-exchange": "ae"})
	_, err = r.Declare(Exchange{Name: "x2", Kind: Direct}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'x2' in vhost '/': received none but current is the value 'ae' of type 'longstr'")
	_, err = r.Declare(Exchange{Name: "x2", Kind: Direct, Args: Table{"alternate-exchange": "ae2"}}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'x2' in vhost '/': received 'ae2' but current is 'ae'")
	_, err = r.Declare(Exchange{Name: "x2", Kind: Direct, Args: Table{"alternate-exchange": []byte("ae")}}, false)
	mustNil(t, err) // binary 'ae' =:= longstr 'ae'
	_, err = r.Declare(Exchange{Name: "x2", Kind: Direct, Args: Table{"alternate-exchange": int32(5)}}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'x2' in vhost '/': received '5' but current is 'ae'")

	_, err = r.Declare(Exchange{Name: "x3", Kind: Direct, Args: Table{"alternate-exchange": int32(5)}}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - invalid type 'signedint' for arg 'alternate-exchange' in exchange 'x3' in vhost '/'")
	_, err = r.Declare(Exchange{Name: "x4", Kind: Direct, Args: Table{"alternate-exchange": int64(5)}}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - invalid type 'long' for arg 'alternate-exchange' in exchange 'x4' in vhost '/'")
	_, err = r.Declare(Exchange{Name: "x5", Kind: Direct, Args: Table{"alternate-exchange": 1.5}}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - invalid type 'double' for arg 'alternate-exchange' in exchange 'x5' in vhost '/'")
	if _, ok := r.Get("x3"); ok {
		t.Fatal("x3 was created")
	}
}

func TestAlternateExchangeEquivalenceNumbers(t *testing.T) {
	// Only reachable by redeclaring with a number an exchange whose AE is a
	// number, which a fresh declare refuses; build it directly.
	r := NewRegistry()
	r.create(Exchange{Name: "n", Kind: Direct, Args: Table{"alternate-exchange": int64(5)}})
	for _, tc := range []struct {
		v  any
		ok bool
	}{
		{int8(5), true}, {uint32(5), true}, {int64(5), true},
		{5.0, false}, {int64(6), false}, {"5", false},
	} {
		_, err := r.Declare(Exchange{Name: "n", Kind: Direct, Args: Table{"alternate-exchange": tc.v}}, false)
		if (err == nil) != tc.ok {
			t.Errorf("AE %T(%v): err %v, want ok=%v", tc.v, tc.v, err, tc.ok)
		}
	}
	_, err := r.Declare(Exchange{Name: "n", Kind: Direct, Args: Table{"alternate-exchange": 5.0}}, false)
	wantErr(t, err, ErrPrecondition, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'n' in vhost '/': received '5.0' but current is '5'")
}

func TestDeclarePassiveAndCopies(t *testing.T) {
	r := NewRegistry()
	args := Table{"alternate-exchange": "ae", "nested": Table{"k": []byte("v")}}
	x, err := r.Declare(Exchange{Name: "t", Kind: Topic, Durable: true, AutoDelete: true, Args: args}, false)
	mustNil(t, err)
	// The registry keeps its own copy of the arguments...
	args["alternate-exchange"] = "changed"
	args["nested"].(Table)["k"].([]byte)[0] = 'X'
	// ...and hands out copies.
	x.Args["alternate-exchange"] = "changed too"
	got, err := r.Declare(Exchange{Name: "t"}, true) // passive ignores the other fields
	mustNil(t, err)
	if got.Kind != Topic || !got.Durable || !got.AutoDelete || got.Args["alternate-exchange"] != "ae" ||
		string(got.Args["nested"].(Table)["k"].([]byte)) != "v" {
		t.Fatalf("passive declare = %+v", got)
	}
	g, ok := r.Get("t")
	if !ok || g.Args["alternate-exchange"] != "ae" {
		t.Fatalf("Get = %+v, %v", g, ok)
	}
	if _, ok := r.Get("nope"); ok {
		t.Fatal("Get of a missing exchange")
	}
	_, err = r.Declare(Exchange{Name: "nope", Kind: Direct}, true)
	wantErr(t, err, ErrNotFound, "NOT_FOUND - no exchange 'nope' in vhost '/'")
}

func TestDeleteErrors(t *testing.T) {
	r := NewRegistry()
	wantErr(t, r.Delete("nope", false), ErrNotFound, "NOT_FOUND - no exchange 'nope' in vhost '/'")
	wantErr(t, r.Delete("", false), ErrAccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange")
	wantErr(t, r.Delete("amq.direct", false), ErrAccessRefused, "ACCESS_REFUSED - deletion of system exchange 'amq.direct' in vhost '/' not allowed")
	wantErr(t, r.Delete("amq.nope", false), ErrAccessRefused, "ACCESS_REFUSED - deletion of system exchange 'amq.nope' in vhost '/' not allowed")

	declare(t, r, "x1", Direct, nil)
	mustNil(t, r.Bind(Binding{Source: "x1", Destination: "q1", RoutingKey: "k"}))
	wantErr(t, r.Delete("x1", true), ErrPrecondition, "PRECONDITION_FAILED - exchange 'x1' in vhost '/' in use")
	// Being a destination does not count as in use.
	declare(t, r, "x2", Fanout, nil)
	mustNil(t, r.Bind(Binding{Source: "x1", Destination: "x2", ToExchange: true}))
	mustNil(t, r.Delete("x2", true))
	if got := r.Bindings(); len(got) != 1 || got[0].Destination != "q1" {
		t.Fatalf("bindings to x2 left behind: %+v", got)
	}
	mustNil(t, r.Delete("x1", false))
	if _, ok := r.Get("x1"); ok || len(r.Bindings()) != 0 {
		t.Fatal("x1 or its bindings survived")
	}
	if _, err := r.Route("x1", "k", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("route to deleted exchange: %v", err)
	}
}

func TestBindErrors(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "x1", Direct, nil)
	declare(t, r, "h1", Headers, nil)
	def := "ACCESS_REFUSED - operation not permitted on the default exchange"
	wantErr(t, r.Bind(Binding{Source: "", Destination: "q1", RoutingKey: "k"}), ErrAccessRefused, def)
	wantErr(t, r.Unbind(Binding{Source: "", Destination: "q1", RoutingKey: "k"}), ErrAccessRefused, def)
	wantErr(t, r.Bind(Binding{Source: "x1", Destination: "", ToExchange: true}), ErrAccessRefused, def)
	wantErr(t, r.Unbind(Binding{Source: "x1", Destination: "", ToExchange: true}), ErrAccessRefused, def)
	wantErr(t, r.Bind(Binding{Source: "nox", Destination: "q1"}), ErrNotFound, "NOT_FOUND - no exchange 'nox' in vhost '/'")
	wantErr(t, r.Bind(Binding{Source: "x1", Destination: "nox", ToExchange: true}), ErrNotFound, "NOT_FOUND - no exchange 'nox' in vhost '/'")
	wantErr(t, r.Bind(Binding{Source: "noa", Destination: "nob", ToExchange: true}), ErrNotFound, "NOT_FOUND - no exchange 'noa' in vhost '/'")
	// A queue named "" is not the default exchange.
	mustNil(t, r.CheckBinding(Binding{Source: "x1", Destination: ""}))

	for _, tc := range []struct {
		v    any
		text string
	}{
		{"foo", `PRECONDITION_FAILED - Invalid x-match field value <<"foo">>; expected all, any, all-with-x, or any-with-x`},
		{int32(1), "PRECONDITION_FAILED - Invalid x-match field type signedint (value 1); expected longstr"},
		{[]byte("any"), `PRECONDITION_FAILED - Invalid x-match field type binary (value <<"any">>); expected longstr`},
		{true, "PRECONDITION_FAILED - Invalid x-match field type bool (value true); expected longstr"},
		{2.5, "PRECONDITION_FAILED - Invalid x-match field type double (value 2.5); expected longstr"},
		{1000.0, "PRECONDITION_FAILED - Invalid x-match field type double (value 1.0e3); expected longstr"},
		{nil, "PRECONDITION_FAILED - Invalid x-match field type void (value undefined); expected longstr"},
		{"", "PRECONDITION_FAILED - Invalid x-match field value <<>>; expected all, any, all-with-x, or any-with-x"},
		{"\x7f", "PRECONDITION_FAILED - Invalid x-match field value <<127>>; expected all, any, all-with-x, or any-with-x"},
	} {
		b := Binding{Source: "h1", Destination: "q1", Args: Table{"x-match": tc.v}}
		wantErr(t, r.CheckBinding(b), ErrPrecondition, tc.text)
		wantErr(t, r.Bind(b), ErrPrecondition, tc.text)
	}
	// x-match is only checked on headers exchanges.
	mustNil(t, r.Bind(Binding{Source: "x1", Destination: "q1", Args: Table{"x-match": "foo"}}))
	for _, m := range []string{"all", "any", "all-with-x", "any-with-x"} {
		mustNil(t, r.Bind(Binding{Source: "h1", Destination: "q1", Args: Table{"x-match": m}}))
	}
	if len(r.Bindings()) != 5 {
		t.Fatalf("bindings: %+v", r.Bindings())
	}

	// Unbinding what does not exist succeeds, as in RabbitMQ.
	mustNil(t, r.Unbind(Binding{Source: "nox", Destination: "q1", RoutingKey: "k"}))
	mustNil(t, r.Unbind(Binding{Source: "x1", Destination: "noq", RoutingKey: "k"}))
	mustNil(t, r.Unbind(Binding{Source: "x1", Destination: "nox", ToExchange: true}))
	mustNil(t, r.Unbind(Binding{Source: "x1", Destination: "q1", RoutingKey: "zzz"}))
}

func TestBindIdempotentAndIdentity(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "x", Direct, nil)
	b := Binding{Source: "x", Destination: "q", RoutingKey: "k", Args: Table{"a": int32(1), "b": "s"}}
	mustNil(t, r.Bind(b))
	mustNil(t, r.Bind(Binding{Source: "x", Destination: "q", RoutingKey: "k", Args: Table{"b": "s", "a": int32(1)}}))
	if n := len(r.Bindings()); n != 1 {
		t.Fatalf("%d bindings after binding twice", n)
	}
	// Any difference, including an argument's type, is another binding.
	for _, other := range []Binding{
		{Source: "x", Destination: "q", RoutingKey: "k"},
		{Source: "x", Destination: "q", RoutingKey: "k2", Args: b.Args},
		{Source: "x", Destination: "q2", RoutingKey: "k", Args: b.Args},
		{Source: "x", Destination: "q", RoutingKey: "k", Args: Table{"a": int64(1), "b": "s"}},
		{Source: "x", Destination: "q", RoutingKey: "k", Args: Table{"a": int32(1), "b": []byte("s")}},
	} {
		mustNil(t, r.Bind(other))
	}
	declare(t, r, "q", Fanout, nil) // an exchange named like the queue
	mustNil(t, r.Bind(Binding{Source: "x", Destination: "q", ToExchange: true, RoutingKey: "k", Args: b.Args}))
	if n := len(r.Bindings()); n != 7 {
		t.Fatalf("%d bindings, want 7", n)
	}
	// The caller's table is copied in and out.
	b.Args["a"] = int32(2)
	got := r.BindingsTo("q", false)
	if len(got) != 5 {
		t.Fatalf("BindingsTo(q) = %+v", got)
	}
	last := got[len(got)-1]
	if last.RoutingKey != "k2" || last.Args["a"] != int32(1) {
		t.Fatalf("stored args changed with the caller's table: %+v", last)
	}
	last.Args["zz"] = 1
	if got := r.BindingsTo("q", false); got[len(got)-1].Args["zz"] != nil {
		t.Fatal("listing handed out the stored table")
	}
	mustNil(t, r.Unbind(Binding{Source: "x", Destination: "q", RoutingKey: "k", Args: Table{"a": int32(1), "b": "s"}}))
	if n := len(r.Bindings()); n != 6 {
		t.Fatalf("%d bindings after unbind, want 6", n)
	}
	if got := r.BindingsTo("q", true); len(got) != 1 || !got[0].ToExchange {
		t.Fatalf("BindingsTo(q, exchange) = %+v", got)
	}
}

func TestBindingsSorted(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "b", Direct, nil)
	declare(t, r, "a", Direct, nil)
	for _, b := range []Binding{
		{Source: "b", Destination: "q2", RoutingKey: "k"},
		{Source: "a", Destination: "q2", RoutingKey: "k2"},
		{Source: "a", Destination: "q2", RoutingKey: "k1"},
		{Source: "a", Destination: "b", ToExchange: true},
		{Source: "a", Destination: "b"},
		{Source: "a", Destination: "a", ToExchange: true},
	} {
		mustNil(t, r.Bind(b))
	}
	var got []string
	for _, b := range r.Bindings() {
		kind := "q"
		if b.ToExchange {
			kind = "x"
		}
		got = append(got, b.Source+">"+kind+":"+b.Destination+"/"+b.RoutingKey)
	}
	want := []string{"a>x:a/", "a>q:b/", "a>x:b/", "a>q:q2/k1", "a>q:q2/k2", "b>q:q2/k"}
	if !slices.Equal(got, want) {
		t.Fatalf("Bindings order\n got %v\nwant %v", got, want)
	}
}

func TestCheckPublish(t *testing.T) {
	r := NewRegistry()
	_, err := r.Declare(Exchange{Name: "xi", Kind: Fanout, Internal: true}, false)
	mustNil(t, err)
	wantErr(t, r.CheckPublish("xi"), ErrAccessRefused, "ACCESS_REFUSED - cannot publish to internal exchange 'xi' in vhost '/'")
	wantErr(t, r.CheckPublish("nox"), ErrNotFound, "NOT_FOUND - no exchange 'nox' in vhost '/'")
	mustNil(t, r.CheckPublish(""))
	mustNil(t, r.CheckPublish("amq.topic"))
	// Route does not refuse internal exchanges: bindings and AEs reach them.
	mustNil(t, r.Bind(Binding{Source: "xi", Destination: "q"}))
	if got, err := r.Route("xi", "", nil); err != nil || !slices.Equal(got, []string{"q"}) {
		t.Fatalf("Route(internal) = %v, %v", got, err)
	}
}

func TestHasBindings(t *testing.T) {
	r := NewRegistry()
	if r.HasBindings("amq.topic") || r.HasBindings("missing") {
		t.Fatal("fresh registry has bindings")
	}
	b := Binding{Source: "amq.topic", Destination: "q", RoutingKey: "a.#"}
	if err := r.Bind(b); err != nil {
		t.Fatal(err)
	}
	if !r.HasBindings("amq.topic") || r.HasBindings("amq.direct") {
		t.Fatal("HasBindings after Bind")
	}
	if err := r.Unbind(b); err != nil {
		t.Fatal(err)
	}
	if r.HasBindings("amq.topic") {
		t.Fatal("HasBindings after Unbind")
	}
}
