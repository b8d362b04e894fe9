package exchange

// Differential tests: the same topology and messages against a real
// RabbitMQ (AMQP_URL, as .ci/run sets it) and against a Registry; the queues
// each message reaches must agree. Skipped without AMQP_URL.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// rig mirrors every operation on a RabbitMQ channel and on a Registry.
type rig struct {
	t      *testing.T
	conn   *amqp.Connection
	ch     *amqp.Channel
	prefix string // prepended to every RabbitMQ name
	reg    *Registry
	queues []string
}

func newRig(t *testing.T) *rig {
	// Gated as every integration test: skip without RabbitMQ, fail when
	// SWITCHYARD_REQUIRE_INTEGRATION=1 (as .ci/run sets).
	required := os.Getenv("SWITCHYARD_REQUIRE_INTEGRATION") == "1"
	url := os.Getenv("AMQP_URL")
	if url == "" {
		if required {
			t.Fatal("AMQP_URL not set but SWITCHYARD_REQUIRE_INTEGRATION=1: RabbitMQ is required")
		}
		t.Skip("skipping: AMQP_URL not set: no RabbitMQ to compare with (apt-get install -y rabbitmq-server; see .ci/run)")
	}
	conn, err := amqp.DialConfig(url, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	if err != nil {
		if required {
			t.Fatalf("RabbitMQ at AMQP_URL unreachable with SWITCHYARD_REQUIRE_INTEGRATION=1: %v", err)
		}
		t.Skipf("skipping: RabbitMQ at AMQP_URL unreachable: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	g := &rig{t: t, conn: conn, reg: NewRegistry(),
		prefix: fmt.Sprintf("sy-diff-%d-%d.", os.Getpid(), rand.Uint32())}
	g.ch = g.channel()
	mustNil(t, g.ch.Confirm(false))
	return g
}

func (g *rig) channel() *amqp.Channel {
	ch, err := g.conn.Channel()
	if err != nil {
		g.t.Fatal(err)
	}
	return ch
}

func (g *rig) name(n string) string {
	if n == "" || strings.HasPrefix(n, "amq.") {
		return n
	}
	return g.prefix + n
}

// toAMQP converts a Table for amqp091-go.
func toAMQP(v any) any {
	switch x := v.(type) {
	case Table:
		out := amqp.Table{}
		for k, e := range x {
			out[k] = toAMQP(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toAMQP(e)
		}
		return out
	}
	return v
}

func amqpTable(t Table) amqp.Table {
	if t == nil {
		return nil
	}
	return toAMQP(t).(amqp.Table)
}

func (g *rig) declare(name string, k Kind, autoDelete bool, args Table) {
	g.t.Helper()
	rargs := cloneTable(args)
	if ae, ok := rargs[AlternateExchangeArg].(string); ok {
		rargs[AlternateExchangeArg] = g.name(ae)
	}
	mustNil(g.t, g.ch.ExchangeDeclare(g.name(name), string(k), false, autoDelete, false, false, amqpTable(rargs)))
	g.t.Cleanup(func() {
		ch, err := g.conn.Channel()
		if err == nil {
			ch.ExchangeDelete(g.name(name), false, false)
			ch.Close()
		}
	})
	_, err := g.reg.Declare(Exchange{Name: name, Kind: k, AutoDelete: autoDelete, Args: args}, false)
	mustNil(g.t, err)
}

func (g *rig) queue(name string) {
	g.t.Helper()
	_, err := g.ch.QueueDeclare(g.name(name), false, true, true, false, nil)
	mustNil(g.t, err)
	g.queues = append(g.queues, name)
}

func (g *rig) bind(b Binding) {
	g.t.Helper()
	var err error
	if b.ToExchange {
		err = g.ch.ExchangeBind(g.name(b.Destination), b.RoutingKey, g.name(b.Source), false, amqpTable(b.Args))
	} else {
		err = g.ch.QueueBind(g.name(b.Destination), b.RoutingKey, g.name(b.Source), false, amqpTable(b.Args))
	}
	mustNil(g.t, err)
	mustNil(g.t, g.reg.Bind(b))
}

func (g *rig) unbind(b Binding) {
	g.t.Helper()
	var err error
	if b.ToExchange {
		err = g.ch.ExchangeUnbind(g.name(b.Destination), b.RoutingKey, g.name(b.Source), false, amqpTable(b.Args))
	} else {
		err = g.ch.QueueUnbind(g.name(b.Destination), b.RoutingKey, g.name(b.Source), amqpTable(b.Args))
	}
	mustNil(g.t, err)
	mustNil(g.t, g.reg.Unbind(b))
}

// exists asks RabbitMQ whether an exchange exists (a failed passive declare
// closes its channel, hence the fresh one).
func (g *rig) exists(name string) bool {
	ch := g.channel()
	defer ch.Close()
	err := ch.ExchangeDeclarePassive(g.name(name), "direct", false, false, false, false, nil)
	var ae *amqp.Error
	if errors.As(err, &ae) && ae.Code == 404 {
		return false
	}
	mustNil(g.t, err)
	return true
}

type message struct {
	exchange, key string
	headers       Table
}

// compare publishes every message to RabbitMQ (with confirms), drains the
// queues, and checks each message reached the queues Route names.
func (g *rig) compare(msgs []message) {
	g.t.Helper()
	ctx := context.Background()
	for i, m := range msgs {
		dc, err := g.ch.PublishWithDeferredConfirmWithContext(ctx, g.name(m.exchange), m.key, false, false,
			amqp.Publishing{Body: []byte(strconv.Itoa(i)), Headers: amqpTable(m.headers)})
		mustNil(g.t, err)
		if ok, err := dc.WaitContext(ctx); !ok || err != nil {
			g.t.Fatalf("publish %d not confirmed: %v", i, err)
		}
	}
	got := make([][]string, len(msgs))
	for _, q := range g.queues {
		for {
			d, ok, err := g.ch.Get(g.name(q), true)
			mustNil(g.t, err)
			if !ok {
				break
			}
			i, _ := strconv.Atoi(string(d.Body))
			got[i] = append(got[i], q)
		}
	}
	for i, m := range msgs {
		want, err := g.reg.Route(m.exchange, m.key, m.headers)
		mustNil(g.t, err)
		want = slices.DeleteFunc(want, func(q string) bool { return !slices.Contains(g.queues, q) })
		slices.Sort(got[i])
		if !slices.Equal(got[i], want) && (len(got[i]) > 0 || len(want) > 0) {
			g.t.Errorf("message %d to %q key %q headers %v:\nRabbitMQ %q\nRegistry %q",
				i, m.exchange, m.key, m.headers, got[i], want)
		}
	}
}

func diffSeed(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, 2))
}

func TestDifferentialTopic(t *testing.T) {
	g := newRig(t)
	r := diffSeed(t)
	g.declare("t", Topic, false, nil)
	patterns := []string{"", "#", "*", "a.#", "#.a", "*.*", "a..b", "a.*.b", "#.#", ".", "a.", "*.#.*"}
	for range 20 {
		patterns = append(patterns, randomTopic(r, true))
	}
	for i, p := range patterns {
		q := "q" + strconv.Itoa(i)
		g.queue(q)
		g.bind(Binding{Source: "t", Destination: q, RoutingKey: p})
	}
	keys := []string{"", ".", "a", "a.b", "a..b", "a.", ".a", "*", "#", "a.x.b", "b.a"}
	for range 60 {
		keys = append(keys, randomTopic(r, r.IntN(5) == 0))
	}
	var msgs []message
	for _, k := range keys {
		msgs = append(msgs, message{exchange: "t", key: k})
	}
	g.compare(msgs)
}

func TestDifferentialHeaders(t *testing.T) {
	g := newRig(t)
	r := diffSeed(t)
	g.declare("h", Headers, false, nil)
	values := []any{"1", []byte("1"), int32(1), int64(1), 1.0, float32(1), int8(2), "2", true, false,
		nil, Table{"k": "v"}, []any{"x", int32(1)}, time.Unix(1, 0), uint32(1), int16(-1)}
	names := []string{"a", "b", "x-c"}
	modes := []any{nil, "all", "any", "all-with-x", "any-with-x"}
	randTable := func(n int) Table {
		t := Table{}
		for range n {
			t[names[r.IntN(len(names))]] = values[r.IntN(len(values))]
		}
		return t
	}
	for i := range 40 {
		args := randTable(r.IntN(3))
		if m := modes[r.IntN(len(modes))]; m != nil {
			args["x-match"] = m
		}
		q := "q" + strconv.Itoa(i)
		g.queue(q)
		g.bind(Binding{Source: "h", Destination: q, Args: args})
	}
	var msgs []message
	for range 150 {
		msgs = append(msgs, message{exchange: "h", headers: randTable(r.IntN(4))})
	}
	msgs = append(msgs, message{exchange: "h"})
	g.compare(msgs)
}

func TestDifferentialGraph(t *testing.T) {
	g := newRig(t)
	r := diffSeed(t)
	kinds := []Kind{Direct, Fanout, Topic}
	keys := []string{"a", "b", "a.b", "#", "*"}
	const nx, nq = 6, 6
	xname := func(i int) string { return "x" + strconv.Itoa(i) }
	for i := range nx {
		var args Table
		switch r.IntN(3) {
		case 0:
			args = Table{AlternateExchangeArg: xname(r.IntN(nx))}
		case 1:
			args = Table{AlternateExchangeArg: "missing"}
		}
		g.declare(xname(i), kinds[r.IntN(len(kinds))], r.IntN(2) == 0, args)
	}
	for i := range nq {
		g.queue("q" + strconv.Itoa(i))
	}
	var bindings []Binding
	for range 14 {
		b := Binding{Source: xname(r.IntN(nx)), RoutingKey: keys[r.IntN(len(keys))]}
		if r.IntN(2) == 0 {
			b.Destination, b.ToExchange = xname(r.IntN(nx)), true
		} else {
			b.Destination = "q" + strconv.Itoa(r.IntN(nq))
		}
		g.bind(b)
		bindings = append(bindings, b)
	}
	var msgs []message
	publish := func() {
		msgs = msgs[:0]
		for i := range nx {
			if _, ok := g.reg.Get(xname(i)); !ok {
				continue
			}
			for _, k := range []string{"a", "b", "a.b", "c", ""} {
				msgs = append(msgs, message{exchange: xname(i), key: k})
			}
		}
		g.compare(msgs)
	}
	publish()
	// Unbind some (auto-delete exchanges may go, cascading), compare which
	// exchanges still exist and how messages route.
	r.Shuffle(len(bindings), func(i, j int) { bindings[i], bindings[j] = bindings[j], bindings[i] })
	for _, b := range bindings[:len(bindings)/2] {
		if _, ok := g.reg.Get(b.Source); ok {
			g.unbind(b)
		}
	}
	for i := range nx {
		_, inReg := g.reg.Get(xname(i))
		if inRabbit := g.exists(xname(i)); inRabbit != inReg {
			t.Errorf("%s: exists in RabbitMQ %v, in Registry %v", xname(i), inRabbit, inReg)
		}
	}
	publish()
}
