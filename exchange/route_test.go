package exchange

import (
	"slices"
	"testing"
)

func wantRoute(t *testing.T, r *Registry, x, key string, headers Table, want ...string) {
	t.Helper()
	got, err := r.Route(x, key, headers)
	if err != nil {
		t.Fatalf("Route(%q, %q): %v", x, key, err)
	}
	if len(want) == 0 {
		want = nil
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Route(%q, %q) = %q, want %q", x, key, got, want)
	}
}

func bind(t *testing.T, r *Registry, src, dst, key string) {
	t.Helper()
	mustNil(t, r.Bind(Binding{Source: src, Destination: dst, RoutingKey: key}))
}

func bindX(t *testing.T, r *Registry, src, dst, key string) {
	t.Helper()
	mustNil(t, r.Bind(Binding{Source: src, Destination: dst, ToExchange: true, RoutingKey: key}))
}

func TestRouteMissingExchange(t *testing.T) {
	r := NewRegistry()
	_, err := r.Route("nox", "k", nil)
	wantErr(t, err, ErrNotFound, "NOT_FOUND - no exchange 'nox' in vhost '/'")
}

func TestRouteDefaultExchange(t *testing.T) {
	r := NewRegistry()
	wantRoute(t, r, "", "orders", nil, "orders")
	wantRoute(t, r, "", "", nil, "")
	wantRoute(t, r, "", "amq.rabbitmq.reply-to.abc", nil, "amq.rabbitmq.reply-to.abc")
}

func TestRouteDirect(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "d", Direct, nil)
	bind(t, r, "d", "q1", "k1")
	bind(t, r, "d", "q2", "k1")
	bind(t, r, "d", "q2", "k2")
	bind(t, r, "d", "q3", "")
	mustNil(t, r.Bind(Binding{Source: "d", Destination: "q1", RoutingKey: "k1", Args: Table{"x": "y"}}))
	for _, tc := range []struct {
		key  string
		want []string
	}{
		{"k1", []string{"q1", "q2"}}, // q1 twice (two bindings), once in the result
		{"k2", []string{"q2"}},
		{"", []string{"q3"}},
		{"K1", nil},
		{"k1.x", nil},
		{"*", nil},
	} {
		wantRoute(t, r, "d", tc.key, nil, tc.want...)
	}
	mustNil(t, r.Unbind(Binding{Source: "d", Destination: "q2", RoutingKey: "k1"}))
	wantRoute(t, r, "d", "k1", nil, "q1")
	mustNil(t, r.Unbind(Binding{Source: "d", Destination: "q1", RoutingKey: "k1"}))
	wantRoute(t, r, "d", "k1", nil, "q1") // the binding with arguments remains
	mustNil(t, r.Unbind(Binding{Source: "d", Destination: "q1", RoutingKey: "k1", Args: Table{"x": "y"}}))
	wantRoute(t, r, "d", "k1", nil)
	wantRoute(t, r, "d", "k2", nil, "q2")
}

func TestRouteFanout(t *testing.T) {
	r := NewRegistry()
	for _, q := range []string{"q3", "q1", "q2"} {
		bind(t, r, "amq.fanout", q, q)
	}
	wantRoute(t, r, "amq.fanout", "anything", Table{"h": 1}, "q1", "q2", "q3")
	wantRoute(t, r, "amq.fanout", "", nil, "q1", "q2", "q3")
	r.RemoveDestination("q1")
	wantRoute(t, r, "amq.fanout", "", nil, "q2", "q3")
	mustNil(t, r.Unbind(Binding{Source: "amq.fanout", Destination: "q3", RoutingKey: "q3"}))
	wantRoute(t, r, "amq.fanout", "", nil, "q2")
}

func TestRouteTopic(t *testing.T) {
	r := NewRegistry()
	bind(t, r, "amq.topic", "all", "#")
	bind(t, r, "amq.topic", "usa", "usa.#")
	bind(t, r, "amq.topic", "news", "*.news")
	bind(t, r, "amq.topic", "weather", "#.weather")
	bind(t, r, "amq.topic", "empty", "")
	wantRoute(t, r, "amq.topic", "usa.news", nil, "all", "news", "usa")
	wantRoute(t, r, "amq.topic", "usa.weather", nil, "all", "usa", "weather")
	wantRoute(t, r, "amq.topic", "europe.news", nil, "all", "news")
	wantRoute(t, r, "amq.topic", "europe.weather.today", nil, "all")
	wantRoute(t, r, "amq.topic", "", nil, "all", "empty")
	wantRoute(t, r, "amq.topic", "usa", nil, "all", "usa")
	r.RemoveDestination("all")
	wantRoute(t, r, "amq.topic", "europe.weather.today", nil)
	wantRoute(t, r, "amq.topic", "usa.news", nil, "news", "usa") // cache invalidated
}

func TestRouteExchangeToExchange(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "front", Topic, nil)
	declare(t, r, "mid", Direct, nil)
	declare(t, r, "back", Fanout, nil)
	bindX(t, r, "front", "mid", "orders.#")
	bindX(t, r, "mid", "back", "orders.eu")
	bind(t, r, "front", "audit", "#")
	bind(t, r, "mid", "eu-direct", "orders.eu")
	bind(t, r, "back", "sink", "")
	bind(t, r, "back", "audit", "") // reached twice, returned once
	// The routing key travels unchanged along the chain.
	wantRoute(t, r, "front", "orders.eu", nil, "audit", "eu-direct", "sink")
	wantRoute(t, r, "front", "orders.us", nil, "audit")
	wantRoute(t, r, "mid", "orders.eu", nil, "audit", "eu-direct", "sink")
	// A binding whose destination exchange was deleted goes with it.
	mustNil(t, r.Delete("back", false))
	wantRoute(t, r, "front", "orders.eu", nil, "audit", "eu-direct")
	if got := r.BindingsTo("back", true); len(got) != 0 {
		t.Fatalf("bindings to a deleted exchange: %+v", got)
	}
}

func TestRouteCycles(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "a", Fanout, nil)
	declare(t, r, "b", Fanout, nil)
	declare(t, r, "c", Topic, nil)
	bindX(t, r, "a", "b", "")
	bindX(t, r, "b", "c", "")
	bindX(t, r, "c", "a", "#")
	bindX(t, r, "a", "a", "") // self-loop
	bind(t, r, "a", "qa", "")
	bind(t, r, "b", "qb", "")
	bind(t, r, "c", "qc", "k")
	wantRoute(t, r, "a", "k", nil, "qa", "qb", "qc")
	wantRoute(t, r, "b", "k", nil, "qa", "qb", "qc")
	wantRoute(t, r, "c", "k", nil, "qa", "qb", "qc")
	wantRoute(t, r, "c", "other", nil, "qa", "qb")
	// Deleting a member of the cycle removes its bindings both ways.
	mustNil(t, r.Delete("b", false))
	wantRoute(t, r, "a", "k", nil, "qa")
	wantRoute(t, r, "c", "k", nil, "qa", "qc")
}

func TestRouteAlternateExchange(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "ae", Fanout, nil)
	declare(t, r, "main", Direct, Table{"alternate-exchange": "ae"})
	bind(t, r, "main", "q-main", "k")
	bind(t, r, "ae", "q-unrouted", "")
	wantRoute(t, r, "main", "k", nil, "q-main")
	wantRoute(t, r, "main", "other", nil, "q-unrouted")

	// A missing alternate exchange is skipped.
	declare(t, r, "orphan", Direct, Table{"alternate-exchange": "nope"})
	wantRoute(t, r, "orphan", "k", nil)

	// Alternate exchanges chain, and loops of them end.
	declare(t, r, "ae2", Direct, Table{"alternate-exchange": "ae3"})
	declare(t, r, "ae3", Direct, Table{"alternate-exchange": "ae2"})
	declare(t, r, "chained", Direct, Table{"alternate-exchange": "ae2"})
	wantRoute(t, r, "chained", "k", nil)
	bind(t, r, "ae3", "q3", "k")
	wantRoute(t, r, "chained", "k", nil, "q3")

	// An exchange's alternate is used only when its own bindings match
	// nothing: a match to an exchange that routes nowhere counts as a match.
	declare(t, r, "empty", Fanout, nil)
	declare(t, r, "front", Direct, Table{"alternate-exchange": "ae"})
	bindX(t, r, "front", "empty", "k")
	wantRoute(t, r, "front", "k", nil)
	wantRoute(t, r, "front", "x", nil, "q-unrouted")
	// ...but an exchange reached by a binding uses its own alternate.
	declare(t, r, "inner", Direct, Table{"alternate-exchange": "ae"})
	bindX(t, r, "front", "inner", "j")
	wantRoute(t, r, "front", "j", nil, "q-unrouted")

	// An alternate exchange already visited is not visited again.
	declare(t, r, "self", Direct, Table{"alternate-exchange": "self"})
	wantRoute(t, r, "self", "k", nil)

	// The default exchange as alternate routes by queue name.
	r.create(Exchange{Name: "to-default", Kind: Direct, Args: Table{"alternate-exchange": ""}})
	wantRoute(t, r, "to-default", "some-queue", nil, "some-queue")
}

func TestAutoDelete(t *testing.T) {
	r := NewRegistry()
	ad := func(name string, k Kind) {
		_, err := r.Declare(Exchange{Name: name, Kind: k, AutoDelete: true}, false)
		mustNil(t, err)
	}
	exists := func(name string) bool { _, ok := r.Get(name); return ok }

	// Declared without bindings: stays.
	ad("x", Direct)
	if !exists("x") {
		t.Fatal("auto-delete exchange deleted before it had a binding")
	}
	// Last binding unbound: goes.
	bind(t, r, "x", "q1", "a")
	bind(t, r, "x", "q2", "b")
	mustNil(t, r.Unbind(Binding{Source: "x", Destination: "q1", RoutingKey: "a"}))
	if !exists("x") {
		t.Fatal("deleted while a binding remains")
	}
	mustNil(t, r.Unbind(Binding{Source: "x", Destination: "q2", RoutingKey: "b"}))
	if exists("x") {
		t.Fatal("auto-delete exchange survived its last unbind")
	}

	// Last queue deleted: goes.
	ad("y", Fanout)
	bind(t, r, "y", "q1", "")
	bind(t, r, "y", "q1", "other")
	r.RemoveDestination("q1")
	if exists("y") {
		t.Fatal("auto-delete exchange survived the deletion of its only queue")
	}

	// Being a destination does not keep an exchange alive, and losing a
	// binding as destination does not delete it.
	ad("src", Fanout)
	ad("dst", Fanout)
	bindX(t, r, "src", "dst", "")
	bind(t, r, "dst", "q", "")
	mustNil(t, r.Unbind(Binding{Source: "dst", Destination: "q"}))
	if exists("dst") || exists("src") {
		// dst lost its last binding as source and went; src then lost its
		// binding to dst and went too (cascade).
		t.Fatalf("cascade: dst %v src %v", exists("dst"), exists("src"))
	}

	// Cascade through a chain when a queue goes.
	ad("a", Topic)
	ad("b", Topic)
	declare(t, r, "keep", Topic, nil) // not auto-delete
	bindX(t, r, "a", "b", "#")
	bindX(t, r, "keep", "b", "#")
	bind(t, r, "b", "qq", "#")
	r.RemoveDestination("qq")
	if exists("a") || exists("b") || !exists("keep") {
		t.Fatalf("cascade on queue delete: a %v b %v keep %v", exists("a"), exists("b"), exists("keep"))
	}
	if n := len(r.Bindings()); n != 0 {
		t.Fatalf("%d bindings left: %+v", n, r.Bindings())
	}

	// Explicit delete of a destination cascades to auto-delete sources.
	ad("c", Direct)
	declare(t, r, "d", Direct, nil)
	bindX(t, r, "c", "d", "k")
	mustNil(t, r.Delete("d", false))
	if exists("c") {
		t.Fatal("auto-delete source survived the deletion of its only destination")
	}

	// Self-bound auto-delete exchange: unbinding deletes it cleanly.
	ad("s", Fanout)
	bindX(t, r, "s", "s", "")
	mustNil(t, r.Unbind(Binding{Source: "s", Destination: "s", ToExchange: true}))
	if exists("s") || len(r.byDest) != 0 {
		t.Fatalf("self-bound: exists %v, index %v", exists("s"), r.byDest)
	}
	// ...and deleting it while self-bound too.
	ad("s", Fanout)
	bindX(t, r, "s", "s", "")
	mustNil(t, r.Delete("s", false))
	if exists("s") || len(r.byDest) != 0 {
		t.Fatalf("self-bound delete: exists %v, index %v", exists("s"), r.byDest)
	}
}

func TestRemoveDestinationOnlyQueues(t *testing.T) {
	r := NewRegistry()
	declare(t, r, "q", Fanout, nil) // an exchange named like the queue
	bind(t, r, "amq.fanout", "q", "")
	bindX(t, r, "amq.fanout", "q", "")
	r.RemoveDestination("q")
	got := r.Bindings()
	if len(got) != 1 || !got[0].ToExchange {
		t.Fatalf("bindings = %+v", got)
	}
	r.RemoveDestination("never-bound") // no-op
}

func TestRouteResultIsCallers(t *testing.T) {
	r := NewRegistry()
	bind(t, r, "amq.topic", "q1", "a.*")
	bind(t, r, "amq.topic", "q2", "a.#")
	got, err := r.Route("amq.topic", "a.b", nil)
	mustNil(t, err)
	got[0] = "mutated"
	wantRoute(t, r, "amq.topic", "a.b", nil, "q1", "q2")
}

func TestRegistryIndexConsistent(t *testing.T) {
	// Bindings and unbindings through the registry keep the reverse index
	// and the routers consistent.
	r := NewRegistry()
	declare(t, r, "t", Topic, nil)
	declare(t, r, "d", Direct, nil)
	keys := []string{"a", "a.b", "a.*", "#", "b.#", ""}
	for i, k := range keys {
		for _, q := range []string{"q1", "q2", "q3"} {
			bind(t, r, "t", q, k)
			if i%2 == 0 {
				bind(t, r, "d", q, k)
			}
		}
	}
	for _, k := range keys {
		mustNil(t, r.Unbind(Binding{Source: "t", Destination: "q2", RoutingKey: k}))
	}
	r.RemoveDestination("q3")
	wantRoute(t, r, "t", "a.b", nil, "q1")
	wantRoute(t, r, "d", "a.*", nil, "q1", "q2")
	total := 0
	for d, set := range r.byDest {
		for b := range set {
			total++
			src := r.exchanges[b.Source]
			if src == nil || src.bindings[b.id] != b || b.dest() != d {
				t.Fatalf("index entry %+v is stale", b.Binding)
			}
		}
	}
	if total != len(r.Bindings()) {
		t.Fatalf("index has %d bindings, registry %d", total, len(r.Bindings()))
	}
}
