package exchange

import (
	"strconv"
	"testing"
)

// Route benchmarks: one publish's routing, per exchange type, with the
// bindings a busy vhost might hold.

func BenchmarkRouteDefault(b *testing.B) {
	r := NewRegistry()
	b.ReportAllocs()
	for range b.N {
		r.Route("", "orders", nil)
	}
}

func BenchmarkRouteDirect(b *testing.B) {
	r := NewRegistry()
	for i := range 10000 {
		r.Bind(Binding{Source: "amq.direct", Destination: "q" + strconv.Itoa(i), RoutingKey: "k" + strconv.Itoa(i%5000)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if got, _ := r.Route("amq.direct", "k"+strconv.Itoa(i%5000), nil); len(got) != 2 {
			b.Fatal(got)
		}
	}
}

func BenchmarkRouteFanout100(b *testing.B) {
	r := NewRegistry()
	for i := range 100 {
		r.Bind(Binding{Source: "amq.fanout", Destination: "q" + strconv.Itoa(i)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if got, _ := r.Route("amq.fanout", "", nil); len(got) != 100 {
			b.Fatal(len(got))
		}
	}
}

func BenchmarkRouteTopic(b *testing.B) {
	r := NewRegistry()
	tr, keys := benchTopicTrie(10000)
	// Same bindings as BenchmarkTopicMatch, through the registry.
	var walk func(n *topicNode)
	walk = func(n *topicNode) {
		for _, bd := range n.leaf {
			r.Bind(Binding{Source: "amq.topic", Destination: bd.Destination, RoutingKey: bd.RoutingKey})
		}
		for _, c := range n.children {
			walk(c)
		}
		if n.star != nil {
			walk(n.star)
		}
		if n.hash != nil {
			walk(n.hash)
		}
	}
	walk(&tr.root)
	keys = keys[:1000] // a working set that fits the cache
	for _, k := range keys {
		r.Route("amq.topic", k, nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if got, _ := r.Route("amq.topic", keys[i%len(keys)], nil); len(got) < 2 {
			b.Fatal(got)
		}
	}
}

func BenchmarkRouteHeaders(b *testing.B) {
	r := NewRegistry()
	for i := range 200 {
		args := Table{"region": "r" + strconv.Itoa(i%20), "level": int32(i % 5)}
		if i%2 == 0 {
			args["x-match"] = "any"
		}
		r.Bind(Binding{Source: "amq.headers", Destination: "q" + strconv.Itoa(i), Args: args})
	}
	h := Table{"region": "r3", "level": int64(3), "trace": "abc"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if got, _ := r.Route("amq.headers", "", h); len(got) == 0 {
			b.Fatal("no route")
		}
	}
}

func BenchmarkRouteChainWithAE(b *testing.B) {
	r := NewRegistry()
	r.Declare(Exchange{Name: "ae", Kind: Fanout}, false)
	r.Declare(Exchange{Name: "front", Kind: Topic, Args: Table{AlternateExchangeArg: "ae"}}, false)
	r.Declare(Exchange{Name: "mid", Kind: Direct}, false)
	r.Bind(Binding{Source: "front", Destination: "mid", ToExchange: true, RoutingKey: "orders.*"})
	r.Bind(Binding{Source: "mid", Destination: "q-eu", RoutingKey: "orders.eu"})
	r.Bind(Binding{Source: "ae", Destination: "q-unrouted"})
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		key := "orders.eu"
		if i%2 == 1 {
			key = "misc"
		}
		if got, _ := r.Route("front", key, nil); len(got) != 1 {
			b.Fatal(got)
		}
	}
}
