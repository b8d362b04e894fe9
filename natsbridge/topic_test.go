package natsbridge_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// Cross-protocol tests: NATS meets the messaging model through amq.topic
// (docs/nats.md). The other side is RESP (go-redis) here; the AMQP front
// publishes through the same queue.Broker.Publish.

// bridge starts a whole Switchyard with the NATS front and returns a nats.go
// connection and a RESP3 client.
func bridge(t *testing.T) (*nats.Conn, *redis.Client, string) {
	t.Helper()
	s, url := testutil.StartSwitchyardNATS(t)
	return connect(t, url), testutil.Client(t, s.RESPAddr(), 3), url
}

func do(t *testing.T, rc *redis.Client, args ...any) any {
	t.Helper()
	v, err := rc.Do(context.Background(), args...).Result()
	require.NoError(t, err, "%v", args)
	return v
}

// asMap turns a RESP3 map reply into a map with string keys.
func asMap(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[any]any)
	require.True(t, ok, "not a map: %#v", v)
	out := map[string]any{}
	for k, val := range m {
		out[fmt.Sprint(k)] = val
	}
	return out
}

// get fetches one message from queue q over RESP (QUEUE.GET NOACK) and
// returns the delivery and its properties.
func get(t *testing.T, rc *redis.Client, q string) (d, props map[string]any) {
	t.Helper()
	v := do(t, rc, "QUEUE.GET", q, "NOACK")
	require.NotNil(t, v, "queue %s is empty", q)
	d = asMap(t, v)
	return d, asMap(t, d["properties"])
}

func empty(t *testing.T, rc *redis.Client, q string) {
	t.Helper()
	v, err := rc.Do(context.Background(), "QUEUE.GET", q, "NOACK").Result()
	require.ErrorIs(t, err, redis.Nil, "queue %s has %v", q, v)
}

func TestNATSPublishReachesQueues(t *testing.T) {
	nc, rc, _ := bridge(t)
	for _, q := range []string{"critical", "kern", "all", "logs"} {
		do(t, rc, "QUEUE.DECLARE", q)
	}
	do(t, rc, "QUEUE.BIND", "critical", "amq.topic", "logs.*.critical")
	do(t, rc, "QUEUE.BIND", "kern", "amq.topic", "logs.kern.#")
	do(t, rc, "QUEUE.BIND", "all", "amq.topic", "#")
	do(t, rc, "QUEUE.BIND", "logs", "amq.topic", "logs.#")

	m := nats.NewMsg("logs.kern.critical")
	m.Reply = "_INBOX.answers.1"
	m.Data = []byte("disk on fire")
	m.Header.Set("Trace-Id", "t-1")
	m.Header.Add("Hop", "a")
	m.Header.Add("Hop", "b")
	m.Header.Set("Amqp-Correlation-Id", "c-42")
	m.Header.Set("Amqp-Content-Type", "text/plain")
	m.Header.Set("Amqp-Priority", "5")
	require.NoError(t, nc.PublishMsg(m))
	require.NoError(t, nc.Publish("logs.cron.info", []byte("tick")))
	require.NoError(t, nc.Publish("logs", []byte("bare")))
	require.NoError(t, nc.Flush()) // PONG: the publishes are in the queues

	d, p := get(t, rc, "critical")
	require.Equal(t, "disk on fire", d["body"])
	require.Equal(t, "amq.topic", d["exchange"])
	require.Equal(t, "logs.kern.critical", d["routing-key"])
	require.Equal(t, "_INBOX.answers.1", p["reply-to"])
	require.Equal(t, "c-42", p["correlation-id"])
	require.Equal(t, "text/plain", p["content-type"])
	require.EqualValues(t, 5, p["priority"])
	h := asMap(t, p["headers"])
	require.Equal(t, "t-1", h["Trace-Id"])
	require.Equal(t, []any{"a", "b"}, h["Hop"])
	require.NotContains(t, h, "Amqp-Correlation-Id", "properties are not headers")
	empty(t, rc, "critical") // logs.cron.info is not critical

	d, _ = get(t, rc, "kern")
	require.Equal(t, "logs.kern.critical", d["routing-key"])
	empty(t, rc, "kern")

	for _, want := range []string{"logs.kern.critical", "logs.cron.info", "logs"} {
		d, _ = get(t, rc, "all")
		require.Equal(t, want, d["routing-key"])
	}
	empty(t, rc, "all")
	// "logs.#" matches "logs" (zero words), unlike NATS "logs.>".
	for _, want := range []string{"logs.kern.critical", "logs.cron.info", "logs"} {
		d, _ = get(t, rc, "logs")
		require.Equal(t, want, d["routing-key"])
	}
}

func TestTopicPublishReachesNATS(t *testing.T) {
	nc, rc, _ := bridge(t)
	subs := map[string]*nats.Subscription{}
	for _, s := range []string{"a.*", "a.>", ">", "a"} {
		sub, err := nc.SubscribeSync(s)
		require.NoError(t, err)
		subs[s] = sub
	}
	q1, err := nc.QueueSubscribeSync("a.b", "g")
	require.NoError(t, err)
	q2, err := nc.QueueSubscribeSync("a.b", "g")
	require.NoError(t, err)
	require.NoError(t, nc.Flush())

	// No queue is bound: the RESP reply counts queues, NATS still gets it.
	require.EqualValues(t, 0, do(t, rc, "EXCHANGE.PUBLISH", "amq.topic", "a.b", "hello",
		"HEADER", "k", "v", "CORRELATION-ID", "c1", "REPLY-TO", "reply.here", "MESSAGE-ID", "m1", "TIMESTAMP", "1700000000"))
	for _, s := range []string{"a.*", "a.>", ">"} {
		m := next(t, subs[s])
		require.Equal(t, "a.b", m.Subject)
		require.Equal(t, "hello", string(m.Data))
		require.Equal(t, "reply.here", m.Reply)
		require.Equal(t, "v", m.Header.Get("k"))
		require.Equal(t, "c1", m.Header.Get("Amqp-Correlation-Id"))
		require.Equal(t, "m1", m.Header.Get("Amqp-Message-Id"))
		require.Equal(t, "1700000000", m.Header.Get("Amqp-Timestamp"))
	}
	none(t, subs["a"], nc)
	// One member of the queue group.
	n1, _, _ := q1.Pending()
	n2, _, _ := q2.Pending()
	require.Equal(t, 1, n1+n2)

	// "a" reaches ">" and "a", not "a.>" nor "a.*".
	do(t, rc, "EXCHANGE.PUBLISH", "amq.topic", "a", "bare")
	require.Equal(t, "bare", string(next(t, subs["a"]).Data))
	require.Equal(t, "bare", string(next(t, subs[">"]).Data))
	none(t, subs["a.>"], nc)
	none(t, subs["a.*"], nc)

	// Routing keys that are no NATS subject reach no NATS subscriber.
	for _, key := range []string{"", "a..b", "a.", "with space"} {
		do(t, rc, "EXCHANGE.PUBLISH", "amq.topic", key, "x")
	}
	none(t, subs[">"], nc)

	// Other exchanges do not reach NATS.
	do(t, rc, "EXCHANGE.PUBLISH", "amq.direct", "a.b", "x")
	do(t, rc, "QUEUE.PUBLISH", "a.b", "x")
	none(t, subs[">"], nc)

	// Without headers or properties, nats.go sees no header block.
	do(t, rc, "EXCHANGE.PUBLISH", "amq.topic", "a.plain", "p")
	m := next(t, subs["a.*"])
	require.Empty(t, m.Header)
}

// TestNATSPublishDeliveredOnce: a NATS publish reaches NATS subscribers
// directly and amq.topic's queues, and is not handed back to NATS by the
// amq.topic hook.
func TestNATSPublishDeliveredOnce(t *testing.T) {
	nc, rc, url := bridge(t)
	do(t, rc, "QUEUE.DECLARE", "tap")
	do(t, rc, "QUEUE.BIND", "tap", "amq.topic", "#")
	other := connect(t, url)
	sub, err := other.SubscribeSync("once.>")
	require.NoError(t, err)
	require.NoError(t, other.Flush())
	for i := range 10 {
		require.NoError(t, nc.Publish("once."+strconv.Itoa(i), []byte(strconv.Itoa(i))))
	}
	require.NoError(t, nc.Flush())
	for i := range 10 {
		require.Equal(t, strconv.Itoa(i), string(next(t, sub).Data))
	}
	none(t, sub, nc, other)
	for i := range 10 {
		d, _ := get(t, rc, "tap")
		require.Equal(t, strconv.Itoa(i), d["body"])
	}
	empty(t, rc, "tap")
}

// TestRequestAnsweredOverRESP: a nats.go Request is answered by a RESP
// consumer of a queue bound to amq.topic, which publishes its answer to
// amq.topic with the request's reply-to as routing key.
func TestRequestAnsweredOverRESP(t *testing.T) {
	nc, rc, _ := bridge(t)
	do(t, rc, "QUEUE.DECLARE", "rpc")
	do(t, rc, "QUEUE.BIND", "rpc", "amq.topic", "svc.upper")
	const n = 5
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range n {
			v, err := rc.Do(context.Background(), "QUEUE.CONSUME", "rpc", "TIMEOUT", "10").Result()
			if err != nil {
				t.Errorf("consume: %v", err)
				return
			}
			d := v.(map[any]any)
			props := d["properties"].(map[any]any)
			body := d["body"].(string)
			args := []any{"EXCHANGE.PUBLISH", "amq.topic", props["reply-to"], "UPPER:" + body}
			if cid, ok := props["correlation-id"]; ok {
				args = append(args, "CORRELATION-ID", cid)
			}
			if err := rc.Do(context.Background(), args...).Err(); err != nil {
				t.Errorf("reply: %v", err)
				return
			}
			if err := rc.Do(context.Background(), "QUEUE.ACK", d["delivery-tag"]).Err(); err != nil {
				t.Errorf("ack: %v", err)
				return
			}
		}
	}()
	for i := range n {
		m := nats.NewMsg("svc.upper")
		m.Data = []byte("req" + strconv.Itoa(i))
		m.Header.Set("Amqp-Correlation-Id", "id"+strconv.Itoa(i))
		resp, err := nc.RequestMsg(m, 10*time.Second)
		require.NoError(t, err)
		require.Equal(t, "UPPER:req"+strconv.Itoa(i), string(resp.Data))
		require.Equal(t, "id"+strconv.Itoa(i), resp.Header.Get("Amqp-Correlation-Id"))
	}
	// Old-style requests (a fresh inbox per request) work the same way.
	wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, err := rc.Do(context.Background(), "QUEUE.CONSUME", "rpc", "NOACK", "TIMEOUT", "10").Result()
		if err != nil {
			t.Errorf("consume: %v", err)
			return
		}
		d := v.(map[any]any)
		props := d["properties"].(map[any]any)
		if err := rc.Do(context.Background(), "EXCHANGE.PUBLISH", "amq.topic", props["reply-to"], "old").Err(); err != nil {
			t.Errorf("reply: %v", err)
		}
	}()
	old := connect(t, nc.ConnectedUrl(), nats.UseOldRequestStyle())
	resp, err := old.Request("svc.upper", []byte("x"), 10*time.Second)
	require.NoError(t, err)
	require.Equal(t, "old", string(resp.Data))
	wg.Wait()

	// A request that reaches a queue is not answered with no-responders,
	// one that reaches nothing is.
	_, err = nc.Request("svc.nobody", nil, 5*time.Second)
	require.ErrorIs(t, err, nats.ErrNoResponders)
}

// TestPersistentNATSMessage: the Amqp-Delivery-Mode header makes a NATS
// publish persistent in a durable queue, so it survives a restart.
func TestPersistentNATSMessage(t *testing.T) {
	dir := t.TempDir()
	port := strconv.Itoa(testutil.FreePort(t))
	args := [][]string{{"dir", dir}, {"appendfsync", "always"}, {"nats-port", port}}
	s := testutil.StartSwitchyard(t, args...)
	rc := testutil.Client(t, s.RESPAddr(), 3)
	do(t, rc, "QUEUE.DECLARE", "durable", "DURABLE")
	do(t, rc, "QUEUE.BIND", "durable", "amq.topic", "keep.#")
	opts := nats.GetDefaultOptions()
	opts.Url = "nats://" + s.NATSAddr()
	opts.Verbose = true // +OK waits for the fsync under appendfsync always
	nc, err := opts.Connect()
	require.NoError(t, err)
	m := nats.NewMsg("keep.this")
	m.Data = []byte("precious")
	m.Header.Set("Amqp-Delivery-Mode", "2")
	require.NoError(t, nc.PublishMsg(m))
	require.NoError(t, nc.Publish("keep.that", []byte("transient")))
	require.NoError(t, nc.Flush())
	nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.Shutdown(ctx))

	s = testutil.StartSwitchyard(t, args...)
	rc = testutil.Client(t, s.RESPAddr(), 3)
	d, p := get(t, rc, "durable")
	require.Equal(t, "precious", d["body"])
	require.EqualValues(t, 2, p["delivery-mode"])
	empty(t, rc, "durable")
}
