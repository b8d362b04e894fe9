package queue

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/exchange"
)

// fixture is a Broker on an engine with an injected clock and no
// background goroutines: time moves only with advance, checks run only
// with tick.
type fixture struct {
	t    *testing.T
	eng  *broker.Engine
	b    *Broker
	ch   *Channel
	now  atomic.Int64 // engine clock, Unix ms
	prop *recorder
}

// recorder is a Propagator that keeps what the model records for the AOF.
type recorder struct{ cmds []string }

func (r *recorder) Propagate(db int, args [][]byte) {
	words := make([]string, 0, len(args))
	for i, a := range args {
		if i == 3 && string(args[0]) == "SY.MSGADD" {
			words = append(words, "<env>")
			continue
		}
		words = append(words, string(a))
	}
	r.cmds = append(r.cmds, strings.Join(words, " "))
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, prop: &recorder{}}
	f.now.Store(1_700_000_000_000)
	f.eng = broker.New(broker.Options{Now: func() time.Time { return time.UnixMilli(f.now.Load()) }, ActiveExpireEvery: -1})
	f.eng.SetPropagator(f.prop)
	f.b = NewWithOptions(f.eng, Options{CheckEvery: -1})
	t.Cleanup(func() { f.b.Close(); f.eng.Close() })
	f.exec(func(tx *broker.Tx) { f.ch = f.b.NewChannel(1) })
	return f
}

func (f *fixture) exec(fn func(tx *broker.Tx)) { f.eng.Exec(fn) }

func (f *fixture) advance(ms int64) { f.now.Add(ms) }

func (f *fixture) tick() (n int) {
	f.exec(func(tx *broker.Tx) { n = f.b.Tick(tx) })
	return n
}

func (f *fixture) declare(name string, args Table) error {
	var err error
	f.exec(func(tx *broker.Tx) { _, err = f.b.DeclareQueue(tx, f.ch, QueueOptions{Name: name, Args: args}) })
	return err
}

func (f *fixture) mustDeclare(name string, args Table) {
	f.t.Helper()
	require.NoError(f.t, f.declare(name, args))
}

func (f *fixture) exchange(name string, kind exchange.Kind, bindTo ...string) {
	f.t.Helper()
	f.exec(func(tx *broker.Tx) {
		_, err := f.b.DeclareExchange(tx, exchange.Exchange{Name: name, Kind: kind}, false)
		require.NoError(f.t, err)
		for _, q := range bindTo {
			require.NoError(f.t, f.b.BindQueue(tx, f.ch, q, name, q, nil))
		}
	})
}

func (f *fixture) publish(queue, body string, props Properties) (int, error) {
	var n int
	var err error
	f.exec(func(tx *broker.Tx) {
		n, err = f.b.Publish(tx, f.ch, &Message{RoutingKey: queue, Body: []byte(body), Props: props}, false)
	})
	return n, err
}

func (f *fixture) mustPublish(queue, body string, props Properties) {
	f.t.Helper()
	n, err := f.publish(queue, body, props)
	require.NoError(f.t, err)
	require.Equal(f.t, 1, n)
}

func (f *fixture) get(queue string) *Delivery {
	f.t.Helper()
	var d *Delivery
	f.exec(func(tx *broker.Tx) {
		var err error
		d, _, err = f.b.Get(tx, f.ch, queue, false)
		require.NoError(f.t, err)
	})
	return d
}

// bodies drains queue with basic.get no-ack and returns the bodies.
func (f *fixture) bodies(queue string) []string {
	f.t.Helper()
	var out []string
	f.exec(func(tx *broker.Tx) {
		for {
			d, _, err := f.b.Get(tx, f.ch, queue, true)
			require.NoError(f.t, err)
			if d == nil {
				return
			}
			out = append(out, string(d.Msg.Body))
		}
	})
	return out
}

func (f *fixture) exists(queue string) bool {
	var ok bool
	f.exec(func(tx *broker.Tx) { _, ok = f.b.queues[queue] })
	return ok
}

func TestArgValidation(t *testing.T) {
	f := newFixture(t)
	pre := "PRECONDITION_FAILED - invalid arg "
	cases := []struct {
		args Table
		want string
	}{
		{Table{"x-max-length": int64(-1)}, pre + "'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}"},
		{Table{"x-max-length": "a"}, pre + `'x-max-length' for queue 'q' in vhost '/': "expected integer, got longstr"`},
		{Table{"x-max-length": 1.5}, pre + `'x-max-length' for queue 'q' in vhost '/': "expected integer, got double"`},
		{Table{"x-max-length": true}, pre + `'x-max-length' for queue 'q' in vhost '/': "expected integer, got bool"`},
		{Table{"x-max-length": nil}, pre + `'x-max-length' for queue 'q' in vhost '/': "expected integer, got void"`},
		{Table{"x-max-length": []byte("a")}, pre + `'x-max-length' for queue 'q' in vhost '/': "expected integer, got binary"`},
		{Table{"x-max-length-bytes": int32(-5)}, pre + "'x-max-length-bytes' for queue 'q' in vhost '/': {value_negative,-5}"},
		{Table{"x-expires": int64(0)}, pre + "'x-expires' for queue 'q' in vhost '/': {value_zero,0}"},
		{Table{"x-expires": int64(-1)}, pre + "'x-expires' for queue 'q' in vhost '/': {value_negative,-1}"},
		{Table{"x-expires": "x"}, pre + `'x-expires' for queue 'q' in vhost '/': "expected integer, got longstr"`},
		{Table{"x-expires": int64(315360000001)}, pre + "'x-expires' for queue 'q' in vhost '/': {value_too_large,315360000001}"},
		{Table{"x-message-ttl": int64(-1)}, pre + "'x-message-ttl' for queue 'q' in vhost '/': {value_negative,-1}"},
		{Table{"x-message-ttl": int64(315360000001)}, pre + "'x-message-ttl' for queue 'q' in vhost '/': {value_too_large,315360000001}"},
		{Table{"x-overflow": "foo"}, pre + "'x-overflow' for queue 'q' in vhost '/': invalid_overflow"},
		{Table{"x-overflow": int32(1)}, pre + "'x-overflow' for queue 'q' in vhost '/': {unacceptable_type,signedint}"},
		{Table{"x-dead-letter-exchange": int32(1)}, "PRECONDITION_FAILED - invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue 'q' in vhost '/'"},
		{Table{"x-dead-letter-routing-key": "k"}, pre + "'x-dead-letter-routing-key' for queue 'q' in vhost '/': routing_key_but_no_dlx_defined"},
		{Table{"x-dead-letter-routing-key": int32(1), "x-dead-letter-exchange": "x"}, pre + "'x-dead-letter-routing-key' for queue 'q' in vhost '/': {unacceptable_type,signedint}"},
		{Table{"x-max-priority": int64(256)}, pre + "'x-max-priority' for queue 'q' in vhost '/': {max_value_exceeded,256}"},
		{Table{"x-max-priority": int64(-1)}, pre + "'x-max-priority' for queue 'q' in vhost '/': {value_negative,-1}"},
		{Table{"x-single-active-consumer": "true"}, pre + "'x-single-active-consumer' for queue 'q' in vhost '/': {unacceptable_type,longstr}"},
		{Table{"x-single-active-consumer": int32(1)}, pre + "'x-single-active-consumer' for queue 'q' in vhost '/': {unacceptable_type,signedint}"},
		// RabbitMQ checks x-expires first.
		{Table{"x-max-length": int64(-1), "x-expires": int64(0), "x-max-priority": int64(-1)}, pre + "'x-expires' for queue 'q' in vhost '/': {value_zero,0}"},
	}
	for _, c := range cases {
		err := f.declare("q", c.args)
		require.Error(t, err, "%v", c.args)
		require.ErrorIs(t, err, ErrPrecondition)
		require.Equal(t, c.want, err.Error(), "%v", c.args)
		require.False(t, f.exists("q"))
	}
	for _, ok := range []Table{
		{"x-max-length": uint8(3)}, {"x-max-length": int64(0)}, {"x-expires": int64(315360000000)},
		{"x-max-priority": int64(0)}, {"x-max-priority": int64(255), "x-single-active-consumer": true},
		{"x-dead-letter-exchange": "nonexistent"}, {"x-overflow": "reject-publish-dlx"}, {"x-unknown": "kept"},
	} {
		require.NoError(t, f.declare("ok", ok), "%v", ok)
		f.exec(func(tx *broker.Tx) { _, _ = f.b.DeleteQueue(tx, f.ch, "ok", false, false) })
	}
}

// death returns the x-death entry at i of a dead-lettered delivery.
func death(t *testing.T, d *Delivery, i int) Table {
	t.Helper()
	deaths, ok := d.Msg.Props.Headers["x-death"].([]any)
	require.True(t, ok, "x-death missing: %v", d.Msg.Props.Headers)
	require.Greater(t, len(deaths), i)
	return deaths[i].(Table)
}

func TestDeadLetterRejected(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("dl", nil)
	f.exchange("dlx", exchange.Fanout, "dl")
	f.mustDeclare("src", Table{"x-dead-letter-exchange": "dlx"})
	f.mustPublish("src", "a", Properties{Priority: 3, Headers: Table{"h": "v"}})
	d := f.get("src")
	f.exec(func(tx *broker.Tx) {
		_, err := f.ch.Nack(tx, d.Tag, false, false)
		require.NoError(t, err)
	})
	dd := f.get("dl")
	require.NotNil(t, dd)
	require.Equal(t, "a", string(dd.Msg.Body))
	require.Equal(t, "dlx", dd.Msg.Exchange)
	require.Equal(t, "src", dd.Msg.RoutingKey)
	require.False(t, dd.Msg.Redelivered)
	require.Equal(t, uint8(3), dd.Msg.Props.Priority)
	h := dd.Msg.Props.Headers
	require.Equal(t, "v", h["h"])
	require.Equal(t, "rejected", h["x-first-death-reason"])
	require.Equal(t, "src", h["x-first-death-queue"])
	require.Equal(t, "", h["x-first-death-exchange"])
	e := death(t, dd, 0)
	require.Equal(t, int64(1), e["count"])
	require.Equal(t, "rejected", e["reason"])
	require.Equal(t, "src", e["queue"])
	require.Equal(t, "", e["exchange"])
	require.Equal(t, []any{"src"}, e["routing-keys"])
	require.Equal(t, time.UnixMilli(f.now.Load()).Truncate(time.Second).UTC(), e["time"])
	require.NotContains(t, e, "original-expiration")

	// Requeue=true does not dead-letter; a queue without a DLX drops.
	f.mustDeclare("plain", nil)
	f.mustPublish("plain", "p", Properties{})
	d = f.get("plain")
	f.exec(func(tx *broker.Tx) { require.NoError(t, f.ch.Reject(tx, d.Tag, false)) })
	require.Empty(t, f.bodies("dl"))
}

func TestDeadLetterRoutingKeyAndCount(t *testing.T) {
	f := newFixture(t)
	// A queue that dead-letters to itself through the default exchange:
	// "rejected" deaths are not a cycle, the entry's count grows.
	f.mustDeclare("retry", Table{"x-dead-letter-exchange": "", "x-dead-letter-routing-key": "retry"})
	f.mustPublish("retry", "m", Properties{})
	for i := 1; i <= 3; i++ {
		d := f.get("retry")
		require.NotNil(t, d, "round %d", i)
		if i > 1 {
			require.Equal(t, int64(i-1), deathCount(d.Msg.Props.Headers, "retry", "rejected"))
			require.Len(t, d.Msg.Props.Headers["x-death"], 1)
		}
		f.exec(func(tx *broker.Tx) { require.NoError(t, f.ch.Reject(tx, d.Tag, false)) })
	}
	d := f.get("retry")
	require.Equal(t, int64(3), deathCount(d.Msg.Props.Headers, "retry", "rejected"))
	require.Equal(t, "", d.Msg.Exchange)
	require.Equal(t, "retry", d.Msg.RoutingKey)
}

func TestDeadLetterExpired(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("dl", nil)
	f.exchange("dlx", exchange.Direct, "dl")
	f.mustDeclare("delay", Table{"x-message-ttl": int64(1000), "x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "dl"})
	f.mustPublish("delay", "a", Properties{Expiration: "500"})
	f.mustPublish("delay", "b", Properties{})
	f.advance(500)
	f.tick()
	require.Empty(t, f.bodies("dl"), "not expired at exactly its TTL")
	f.advance(1)
	f.tick() // no consumer: the periodic check dead-letters
	var got []*Delivery
	f.exec(func(tx *broker.Tx) {
		d, _, _ := f.b.Get(tx, f.ch, "dl", true)
		got = append(got, d)
	})
	require.NotNil(t, got[0])
	require.Equal(t, "a", string(got[0].Msg.Body))
	require.Equal(t, "", got[0].Msg.Props.Expiration, "expiration removed")
	e := death(t, got[0], 0)
	require.Equal(t, "expired", e["reason"])
	require.Equal(t, "500", e["original-expiration"])
	require.Equal(t, "delay", e["queue"])
	require.Equal(t, []any{"delay"}, e["routing-keys"])

	f.advance(500)
	// Expiry at the head on a get dead-letters too.
	require.Nil(t, f.get("delay"))
	require.Equal(t, []string{"b"}, f.bodies("dl"))
}

func TestDeadLetterExpiredCycleDropped(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("loop", Table{"x-message-ttl": int64(10), "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "loop"})
	f.mustPublish("loop", "x", Properties{})
	f.advance(11)
	f.tick()
	require.Empty(t, f.bodies("loop"), "an automatic cycle drops the message")
}

func TestDeadLetterTTLZero(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("dl", nil)
	f.mustDeclare("now", Table{"x-message-ttl": int64(0), "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dl"})
	f.mustPublish("now", "x", Properties{})
	require.Empty(t, f.bodies("now"))
	require.Equal(t, []string{"x"}, f.bodies("dl"))
}

func TestMaxLenDropHead(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("dl", nil)
	f.mustDeclare("q", Table{"x-max-length": int64(2), "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dl"})
	for _, b := range []string{"1", "2", "3", "4"} {
		f.mustPublish("q", b, Properties{})
	}
	var dls []*Delivery
	f.exec(func(tx *broker.Tx) {
		for {
			d, _, _ := f.b.Get(tx, f.ch, "dl", true)
			if d == nil {
				break
			}
			dls = append(dls, d)
		}
	})
	require.Len(t, dls, 2)
	require.Equal(t, "1", string(dls[0].Msg.Body))
	require.Equal(t, "2", string(dls[1].Msg.Body))
	require.Equal(t, "maxlen", death(t, dls[0], 0)["reason"])
	require.Equal(t, "maxlen", dls[0].Msg.Props.Headers["x-first-death-reason"])
	require.Equal(t, []string{"3", "4"}, f.bodies("q"))
}

func TestMaxLenZeroDeliversToConsumer(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("q", Table{"x-max-length": int64(0)})
	var got []string
	f.exec(func(tx *broker.Tx) {
		_, err := f.ch.Consume(tx, "q", ConsumeOptions{NoAck: true, Deliver: func(d *Delivery) { got = append(got, string(d.Msg.Body)) }})
		require.NoError(t, err)
	})
	f.mustPublish("q", "x", Properties{})
	require.Equal(t, []string{"x"}, got)
}

func TestMaxLenBytes(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("q", Table{"x-max-length-bytes": int64(5)})
	for _, b := range []string{"abc", "de", "f"} {
		f.mustPublish("q", b, Properties{})
	}
	require.Equal(t, []string{"de", "f"}, f.bodies("q"))
	// Bytes are counted again after gets and requeues.
	f.mustPublish("q", "12345", Properties{})
	d := f.get("q")
	f.exec(func(tx *broker.Tx) { _, err := f.ch.Nack(tx, d.Tag, false, true); require.NoError(t, err) })
	f.mustPublish("q", "6", Properties{})
	require.Equal(t, []string{"6"}, f.bodies("q"))
}

func TestMaxLenRejectPublish(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("other", nil)
	f.mustDeclare("q", Table{"x-max-length": int64(1), "x-overflow": "reject-publish"})
	f.exchange("fan", exchange.Fanout, "q", "other")
	f.mustPublish("q", "1", Properties{})
	n, err := f.publish("q", "2", Properties{})
	require.ErrorIs(t, err, ErrRejected)
	var rej *RejectedError
	require.True(t, errors.As(err, &rej))
	require.Equal(t, []string{"q"}, rej.Queues)
	require.Equal(t, "message rejected: queue 'q' in vhost '/' is at its max length", err.Error())
	require.Equal(t, 0, n)
	// Routed to two queues: the other one keeps it, the publish is still
	// reported rejected.
	f.exec(func(tx *broker.Tx) {
		n, err = f.b.Publish(tx, f.ch, &Message{Exchange: "fan", Body: []byte("3")}, true)
	})
	require.ErrorIs(t, err, ErrRejected)
	require.Equal(t, 1, n)
	require.Equal(t, []string{"1"}, f.bodies("q"))
	require.Equal(t, []string{"3"}, f.bodies("other"))
	// Unacked messages do not count: the queue takes one more.
	f.mustPublish("q", "4", Properties{})
	require.NotNil(t, f.get("q"))
	f.mustPublish("q", "5", Properties{})
}

func TestMaxLenRejectPublishDLX(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("dl", nil)
	f.mustDeclare("q", Table{"x-max-length": int64(1), "x-overflow": "reject-publish-dlx", "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dl"})
	f.mustPublish("q", "1", Properties{})
	_, err := f.publish("q", "2", Properties{})
	require.ErrorIs(t, err, ErrRejected)
	var d *Delivery
	f.exec(func(tx *broker.Tx) { d, _, _ = f.b.Get(tx, f.ch, "dl", true) })
	require.NotNil(t, d)
	require.Equal(t, "2", string(d.Msg.Body))
	require.Equal(t, "maxlen", death(t, d, 0)["reason"])
	require.Equal(t, []string{"1"}, f.bodies("q"))
}

func TestPriorityOrder(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("p", Table{"x-max-priority": int64(5)})
	for _, m := range []struct {
		body string
		prio uint8
	}{{"a1", 1}, {"b9", 9}, {"c3", 3}, {"d5", 5}, {"e0", 0}, {"f3", 3}, {"g1", 1}} {
		f.mustPublish("p", m.body, Properties{Priority: m.prio})
	}
	// 9 is capped at 5, so b9 and d5 are one priority, FIFO.
	d := f.get("p")
	require.Equal(t, "b9", string(d.Msg.Body))
	require.Equal(t, uint8(9), d.Msg.Props.Priority, "the property is kept")
	d2 := f.get("p")
	require.Equal(t, "d5", string(d2.Msg.Body))
	// Requeued messages go back to the head of their priority.
	f.exec(func(tx *broker.Tx) { _, err := f.ch.Nack(tx, 0, true, true); require.NoError(t, err) })
	require.Equal(t, []string{"b9", "d5", "c3", "f3", "a1", "g1", "e0"}, f.bodies("p"))

	// Without x-max-priority, priorities are ignored.
	f.mustDeclare("fifo", nil)
	f.mustPublish("fifo", "low", Properties{Priority: 1})
	f.mustPublish("fifo", "high", Properties{Priority: 9})
	require.Equal(t, []string{"low", "high"}, f.bodies("fifo"))
}

func TestSingleActiveConsumer(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("sac", Table{"x-single-active-consumer": true})
	got := map[string][]string{}
	consume := func(tag string, prefetch int) {
		f.exec(func(tx *broker.Tx) {
			_, err := f.ch.Consume(tx, "sac", ConsumeOptions{Tag: tag, Prefetch: prefetch, Deliver: func(d *Delivery) {
				got[tag] = append(got[tag], string(d.Msg.Body))
			}})
			require.NoError(t, err)
		})
	}
	consume("one", 1)
	consume("two", 0)
	for _, b := range []string{"1", "2", "3"} {
		f.mustPublish("sac", b, Properties{})
	}
	require.Equal(t, map[string][]string{"one": {"1"}}, got, "only the active consumer receives, even without credit")
	f.exec(func(tx *broker.Tx) { require.True(t, f.ch.Cancel(tx, "one")) })
	require.Equal(t, []string{"2", "3"}, got["two"], "the next consumer takes over")
	f.mustPublish("sac", "4", Properties{})
	require.Equal(t, []string{"2", "3", "4"}, got["two"])
	require.Equal(t, []string{"1"}, got["one"])
}

func TestSingleActivePull(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("sac", Table{"x-single-active-consumer": true})
	var first, second *Consumer
	var ch2 *Channel
	f.exec(func(tx *broker.Tx) {
		ch2 = f.b.NewChannel(2)
		first, _ = f.ch.Consume(tx, "sac", ConsumeOptions{Tag: "a"})
		second, _ = ch2.Consume(tx, "sac", ConsumeOptions{Tag: "b"})
	})
	f.mustPublish("sac", "x", Properties{})
	f.exec(func(tx *broker.Tx) {
		d, err := ch2.Pull(tx, second)
		require.NoError(t, err)
		require.Nil(t, d, "not the active consumer")
		f.ch.Cancel(tx, "a")
		d, err = ch2.Pull(tx, second)
		require.NoError(t, err)
		require.NotNil(t, d)
		require.Equal(t, "x", string(d.Msg.Body))
	})
	_ = first
}

func TestQueueExpires(t *testing.T) {
	f := newFixture(t)
	f.mustDeclare("tmp", Table{"x-expires": int64(1000)})
	f.advance(999)
	require.Equal(t, 0, f.tick())
	require.True(t, f.exists("tmp"))
	// basic.get renews the lease.
	require.Nil(t, f.get("tmp"))
	f.advance(999)
	require.Equal(t, 0, f.tick())
	// So does a redeclare, passive or not.
	f.mustDeclare("tmp", Table{"x-expires": int64(1000)})
	f.advance(999)
	f.tick()
	require.True(t, f.exists("tmp"))
	f.exec(func(tx *broker.Tx) {
		_, err := f.b.DeclareQueue(tx, f.ch, QueueOptions{Name: "tmp", Passive: true})
		require.NoError(t, err)
	})
	f.advance(999)
	f.tick()
	require.True(t, f.exists("tmp"))
	// A consumer keeps it; the lease starts again when it leaves.
	f.exec(func(tx *broker.Tx) {
		_, err := f.ch.Consume(tx, "tmp", ConsumeOptions{Tag: "c", Deliver: func(*Delivery) {}})
		require.NoError(t, err)
	})
	f.advance(5000)
	require.Equal(t, 0, f.tick())
	f.exec(func(tx *broker.Tx) { f.ch.Cancel(tx, "c") })
	f.advance(999)
	require.Equal(t, 0, f.tick())
	f.advance(1)
	require.Equal(t, 1, f.tick())
	require.False(t, f.exists("tmp"))
	require.Equal(t, 0, f.tick())
}

func TestQueueExpiresTicker(t *testing.T) {
	// The broker's own goroutine runs the check on the engine clock.
	eng := broker.New(broker.Options{ActiveExpireEvery: -1})
	b := NewWithOptions(eng, Options{CheckEvery: time.Millisecond})
	t.Cleanup(func() { b.Close(); eng.Close() })
	eng.Exec(func(tx *broker.Tx) {
		_, err := b.DeclareQueue(tx, b.NewChannel(1), QueueOptions{Name: "e", Args: Table{"x-expires": int64(1)}})
		require.NoError(t, err)
	})
	require.Eventually(t, func() bool {
		var ok bool
		eng.Exec(func(tx *broker.Tx) { _, ok = b.queues["e"] })
		return !ok
	}, 5*time.Second, time.Millisecond)
	b.Close()
	b.Close() // idempotent
}

func TestDeadLetterPersistence(t *testing.T) {
	f := newFixture(t)
	f.exec(func(tx *broker.Tx) {
		_, err := f.b.DeclareQueue(tx, f.ch, QueueOptions{Name: "dl", Durable: true})
		require.NoError(t, err)
		_, err = f.b.DeclareQueue(tx, f.ch, QueueOptions{Name: "src", Durable: true, Args: Table{"x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dl"}})
		require.NoError(t, err)
	})
	f.mustPublish("src", "p", Properties{DeliveryMode: 2})
	f.mustPublish("src", "t", Properties{DeliveryMode: 1})
	f.prop.cmds = nil
	f.exec(func(tx *broker.Tx) {
		d1, _, _ := f.b.Get(tx, f.ch, "src", false)
		d2, _, _ := f.b.Get(tx, f.ch, "src", false)
		require.NoError(t, f.ch.Reject(tx, d1.Tag, false))
		require.NoError(t, f.ch.Reject(tx, d2.Tag, false))
	})
	require.Equal(t, []string{
		"SY.MSGDLV src 1",
		"SY.MSGDEL src 1",
		"SY.MSGADD dl 1 <env>",
	}, f.prop.cmds, "the persistent dead letter is recorded like a publish, the transient one not at all")

	// The snapshot and a replay bring it back with its x-death.
	var snap [][][]byte
	f.exec(func(tx *broker.Tx) { snap = f.b.SnapshotCommands(tx) })
	var env []byte
	for _, c := range snap {
		if string(c[0]) == "SY.MSGADD" && string(c[1]) == "dl" {
			env = c[3]
		}
	}
	m, err := decode(env)
	require.NoError(t, err)
	require.Equal(t, "p", string(m.Body))
	require.Equal(t, int64(1), deathCount(m.Props.Headers, "src", "rejected"))
}

func TestPersistedArgsRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.exec(func(tx *broker.Tx) {
		_, err := f.b.DeclareQueue(tx, f.ch, QueueOptions{Name: "d", Durable: true, Args: Table{
			"x-single-active-consumer": true, "x-max-priority": int64(3), "x-overflow": "reject-publish",
		}})
		require.NoError(t, err)
	})
	require.Contains(t, f.prop.cmds, "QUEUE.DECLARE d DURABLE ARG x-max-priority 3 ARG x-overflow reject-publish ARG x-single-active-consumer true")
}

// deathCount returns the count of the x-death entry for queue and reason,
// 0 when absent.
func deathCount(h Table, queue, reason string) int64 {
	deaths, _ := h["x-death"].([]any)
	for _, e := range deaths {
		if t, ok := e.(Table); ok && str(t["queue"]) == queue && str(t["reason"]) == reason {
			n, _ := toInt64(t["count"])
			return n
		}
	}
	return 0
}
