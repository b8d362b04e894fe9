package respfront_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// delivery is a decoded RESP2 delivery reply.
type delivery struct {
	Tag          int64
	Redelivered  bool
	Exchange     string
	RoutingKey   string
	Queue        string
	MessageCount int64
	Props        map[string]any
	Body         string
}

func decodeDelivery(t *testing.T, v any) delivery {
	t.Helper()
	d, err := parseDelivery(v)
	require.NoError(t, err)
	return d
}

// parseDelivery decodes a RESP2 delivery reply (safe in any goroutine).
func parseDelivery(v any) (delivery, error) {
	arr, ok := v.([]any)
	if !ok || len(arr)%2 != 0 {
		return delivery{}, fmt.Errorf("delivery is %T %v", v, v)
	}
	var d delivery
	d.MessageCount = -1
	for i := 0; i < len(arr); i += 2 {
		k := arr[i].(string)
		switch k {
		case "delivery-tag":
			d.Tag = arr[i+1].(int64)
		case "redelivered":
			d.Redelivered = arr[i+1].(int64) == 1
		case "exchange":
			d.Exchange = arr[i+1].(string)
		case "routing-key":
			d.RoutingKey = arr[i+1].(string)
		case "queue":
			d.Queue = arr[i+1].(string)
		case "message-count":
			d.MessageCount = arr[i+1].(int64)
		case "properties":
			p := arr[i+1].([]any)
			d.Props = map[string]any{}
			for j := 0; j < len(p); j += 2 {
				d.Props[p[j].(string)] = p[j+1]
			}
		case "body":
			d.Body = arr[i+1].(string)
		default:
			return d, fmt.Errorf("unexpected delivery field %q", k)
		}
	}
	return d, nil
}

func get(t *testing.T, c *redis.Client, args ...any) delivery {
	t.Helper()
	v, err := c.Do(ctx, args...).Result()
	require.NoError(t, err, "%v", args)
	return decodeDelivery(t, v)
}

func TestQueueDeclarePublishGetAck(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"hello", int64(0), int64(0)}, "QUEUE.DECLARE", "hello")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "hello", "Hello World!", "CONTENT-TYPE", "text/plain",
		"CORRELATION-ID", "c1", "REPLY-TO", "r", "MESSAGE-ID", "m1", "TIMESTAMP", "1700000000",
		"EXPIRATION", "60000", "PERSISTENT", "PRIORITY", "3", "TYPE", "t", "APP-ID", "a", "USER-ID", "guest",
		"CONTENT-ENCODING", "utf-8", "HEADER", "h1", "v1")
	mustDo(t, c, []any{"hello", int64(1), int64(0)}, "QUEUE.DECLARE", "hello")
	d := get(t, c, "QUEUE.GET", "hello")
	require.Equal(t, int64(1), d.Tag)
	require.False(t, d.Redelivered)
	require.Equal(t, "", d.Exchange)
	require.Equal(t, "hello", d.RoutingKey)
	require.Equal(t, int64(0), d.MessageCount)
	require.Equal(t, "Hello World!", d.Body)
	require.Equal(t, map[string]any{
		"content-type": "text/plain", "content-encoding": "utf-8", "correlation-id": "c1",
		"reply-to": "r", "expiration": "60000", "message-id": "m1", "type": "t", "user-id": "guest",
		"app-id": "a", "delivery-mode": int64(2), "priority": int64(3), "timestamp": int64(1700000000),
		"headers": []any{"h1", "v1"},
	}, d.Props)
	mustNil(t, c, "QUEUE.GET", "hello")
	mustDo(t, c, int64(1), "QUEUE.ACK", "1")
	mustErr(t, c, "PRECONDITION_FAILED - unknown delivery tag 1", "QUEUE.ACK", "1")
	mustDo(t, c, []any{"hello", int64(0), int64(0)}, "QUEUE.DECLARE", "hello", "PASSIVE")
}

func TestQueueErrors(t *testing.T) {
	c := client(t)
	mustErr(t, c, "NOT_FOUND - no queue 'nope' in vhost '/'", "QUEUE.DECLARE", "nope", "PASSIVE")
	mustErr(t, c, "NOT_FOUND - no queue 'nope' in vhost '/'", "QUEUE.GET", "nope")
	mustErr(t, c, "NOT_FOUND - no queue 'nope' in vhost '/'", "QUEUE.PURGE", "nope")
	mustDo(t, c, int64(0), "QUEUE.DELETE", "nope")
	mustDo(t, c, []any{"q", int64(0), int64(0)}, "QUEUE.DECLARE", "q", "DURABLE")
	mustErr(t, c, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': received 'false' but current is 'true'", "QUEUE.DECLARE", "q")
	mustErr(t, c, "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': received '5' but current is 'none'", "QUEUE.DECLARE", "q", "DURABLE", "ARG", "x-message-ttl", "5")
	mustErr(t, c, "ACCESS_REFUSED - queue name 'amq.x' contains reserved prefix 'amq.*'", "QUEUE.DECLARE", "amq.x")
	mustErr(t, c, "ERR syntax error", "QUEUE.DECLARE", "q", "BOGUS")
	mustErr(t, c, "ERR syntax error", "QUEUE.DECLARE", "q", "ARG", "k")
	mustErr(t, c, "NOT_FOUND - no exchange 'nox' in vhost '/'", "EXCHANGE.PUBLISH", "nox", "k", "body")
	mustErr(t, c, "NO_ROUTE - message could not be routed", "QUEUE.PUBLISH", "absent", "body", "MANDATORY")
	mustDo(t, c, int64(0), "QUEUE.PUBLISH", "absent", "body")
	mustErr(t, c, "ERR delivery tag is not an integer or out of range", "QUEUE.ACK", "x")
	mustErr(t, c, "ERR prefetch count must be an integer from 0 to 65535", "QUEUE.QOS", "-1")
	mustErr(t, c, "ERR timeout is negative", "QUEUE.CONSUME", "q", "TIMEOUT", "-1")
	mustErr(t, c, "ERR timeout is not a float or out of range", "QUEUE.CONSUME", "q", "TIMEOUT", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'queue.declare' command", "QUEUE.DECLARE")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "q", "x")
	mustErr(t, c, "PRECONDITION_FAILED - queue 'q' in vhost '/' not empty", "QUEUE.DELETE", "q", "IFEMPTY")
	mustDo(t, c, int64(1), "QUEUE.PURGE", "q")
	mustDo(t, c, int64(0), "QUEUE.DELETE", "q", "IFEMPTY")
}

func TestQueueServerNamedExclusive(t *testing.T) {
	addr := start(t)
	a := testutil.Client(t, addr, 2)
	b := testutil.Client(t, addr, 2)
	v, err := a.Do(ctx, "QUEUE.DECLARE", "", "EXCLUSIVE").Slice()
	require.NoError(t, err)
	name := v[0].(string)
	require.Regexp(t, `^amq\.gen-[A-Za-z0-9_-]{22}$`, name)
	locked := fmt.Sprintf("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.", name)
	mustErr(t, b, locked, "QUEUE.DECLARE", name, "EXCLUSIVE")
	mustErr(t, b, locked, "QUEUE.GET", name)
	mustErr(t, b, locked, "QUEUE.DECLARE", name, "PASSIVE")
	mustDo(t, a, int64(1), "QUEUE.PUBLISH", name, "x")
	// The queue dies with its connection.
	require.NoError(t, a.Close())
	require.Eventually(t, func() bool {
		_, err := b.Do(ctx, "QUEUE.DECLARE", name, "PASSIVE").Result()
		return err != nil && err.Error() == fmt.Sprintf("NOT_FOUND - no queue '%s' in vhost '/'", name)
	}, 5*time.Second, 5*time.Millisecond)
}

func TestQueueNackRejectRedelivery(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"q", int64(0), int64(0)}, "QUEUE.DECLARE", "q")
	for i := 1; i <= 3; i++ {
		mustDo(t, c, int64(1), "QUEUE.PUBLISH", "q", strconv.Itoa(i))
	}
	d1 := get(t, c, "QUEUE.GET", "q")
	d2 := get(t, c, "QUEUE.GET", "q")
	require.Equal(t, []string{"1", "2"}, []string{d1.Body, d2.Body})
	// Requeue both: they go back to the head, in order, flagged redelivered.
	mustDo(t, c, int64(2), "QUEUE.NACK", "2", "MULTIPLE")
	r1 := get(t, c, "QUEUE.GET", "q")
	require.Equal(t, "1", r1.Body)
	require.True(t, r1.Redelivered)
	require.Equal(t, int64(3), r1.Tag)
	require.Equal(t, int64(2), r1.MessageCount)
	mustDo(t, c, int64(1), "QUEUE.REJECT", "3", "DROP")
	r2 := get(t, c, "QUEUE.GET", "q")
	require.Equal(t, "2", r2.Body)
	require.True(t, r2.Redelivered)
	d3 := get(t, c, "QUEUE.GET", "q")
	require.Equal(t, "3", d3.Body)
	require.False(t, d3.Redelivered)
	mustDo(t, c, int64(2), "QUEUE.ACK", "0", "MULTIPLE")
	mustNil(t, c, "QUEUE.GET", "q")
	// NOACK deliveries are settled at once.
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "q", "4")
	d4 := get(t, c, "QUEUE.GET", "q", "NOACK")
	require.Equal(t, "4", d4.Body)
	mustErr(t, c, fmt.Sprintf("PRECONDITION_FAILED - unknown delivery tag %d", d4.Tag), "QUEUE.ACK", d4.Tag)
	// QUEUE.RECOVER requeues everything unacked.
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "q", "5")
	get(t, c, "QUEUE.GET", "q")
	mustDo(t, c, int64(1), "QUEUE.RECOVER")
	require.True(t, get(t, c, "QUEUE.GET", "q").Redelivered)
}

func TestQueueCloseRequeues(t *testing.T) {
	addr := start(t)
	a := testutil.Client(t, addr, 2)
	b := testutil.Client(t, addr, 2)
	mustDo(t, b, []any{"q", int64(0), int64(0)}, "QUEUE.DECLARE", "q")
	mustDo(t, b, int64(1), "QUEUE.PUBLISH", "q", "task")
	d := get(t, a, "QUEUE.GET", "q")
	require.False(t, d.Redelivered)
	require.NoError(t, a.Close())
	var r delivery
	require.Eventually(t, func() bool {
		v, err := b.Do(ctx, "QUEUE.GET", "q").Result()
		if err != nil {
			return false
		}
		r = decodeDelivery(t, v)
		return true
	}, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, "task", r.Body)
	require.True(t, r.Redelivered)
}

func TestQueueConsumeBlocking(t *testing.T) {
	srv := testutil.StartSwitchyard(t)
	addr := srv.RESPAddr()
	cons := testutil.Client(t, addr, 2)
	prod := testutil.Client(t, addr, 2)
	mustDo(t, prod, []any{"q", int64(0), int64(0)}, "QUEUE.DECLARE", "q")
	// Timeout with nothing published.
	mustNil(t, cons, "QUEUE.CONSUME", "q", "TIMEOUT", "0.05")
	// The consumer counts in QUEUE.DECLARE's consumer count.
	mustDo(t, prod, []any{"q", int64(0), int64(1)}, "QUEUE.DECLARE", "q")
	got := make(chan delivery, 1)
	errc := make(chan error, 1)
	go func() {
		v, err := cons.Do(ctx, "QUEUE.CONSUME", "q", "TIMEOUT", "10").Result()
		if err != nil {
			errc <- err
			return
		}
		got <- decodeDelivery(t, v)
	}()
	require.Eventually(t, func() bool { return srv.Engine.Stats.BlockedNow.Load() == 1 },
		5*time.Second, time.Millisecond, "consumer never blocked")
	mustDo(t, prod, int64(1), "QUEUE.PUBLISH", "q", "m")
	select {
	case d := <-got:
		require.Equal(t, "m", d.Body)
		require.Equal(t, int64(1), d.Tag)
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
	}
	// Prefetch: with QOS 1 and one unacked delivery, CONSUME refuses to wait.
	mustDo(t, cons, "OK", "QUEUE.QOS", "1")
	mustErr(t, cons, "ERR prefetch window full: ack or nack outstanding deliveries first", "QUEUE.CONSUME", "q", "TIMEOUT", "1")
	mustDo(t, cons, int64(1), "QUEUE.ACK", "1")
	mustDo(t, cons, int64(1), "QUEUE.CANCEL", "q")
	mustDo(t, cons, int64(0), "QUEUE.CANCEL", "q")
	// Inside MULTI it does not block.
	pipe := cons.TxPipeline()
	pipe.Do(ctx, "QUEUE.CONSUME", "q", "TIMEOUT", "0")
	res, err := pipe.Exec(ctx)
	require.ErrorIs(t, err, redis.Nil)
	require.Len(t, res, 1)
}

func TestQueueDirectReplyTo(t *testing.T) {
	addr := start(t)
	cl := testutil.Client(t, addr, 2)
	srv := testutil.Client(t, addr, 2)
	mustDo(t, srv, []any{"rpc_queue", int64(0), int64(0)}, "QUEUE.DECLARE", "rpc_queue")
	mustErr(t, cl, "NOT_FOUND - no reply-to queue: publish with REPLY-TO amq.rabbitmq.reply-to first", "QUEUE.CONSUME", "amq.rabbitmq.reply-to", "TIMEOUT", "0.01")
	mustDo(t, cl, int64(1), "QUEUE.PUBLISH", "rpc_queue", "30", "REPLY-TO", "amq.rabbitmq.reply-to", "CORRELATION-ID", "id1")
	req := get(t, srv, "QUEUE.GET", "rpc_queue")
	replyTo := req.Props["reply-to"].(string)
	require.Regexp(t, `^amq\.rabbitmq\.reply-to\.`, replyTo)
	mustDo(t, srv, int64(1), "QUEUE.PUBLISH", replyTo, "832040", "CORRELATION-ID", "id1")
	mustDo(t, srv, int64(1), "QUEUE.ACK", req.Tag)
	rep := get(t, cl, "QUEUE.CONSUME", "amq.rabbitmq.reply-to", "TIMEOUT", "5")
	require.Equal(t, "832040", rep.Body)
	require.Equal(t, "id1", rep.Props["correlation-id"])
	// The private reply queue is invisible to others.
	_, err := srv.Do(ctx, "QUEUE.GET", replyTo).Result()
	require.Error(t, err)
}

func TestQueueMessageTTL(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"ttl", int64(0), int64(0)}, "QUEUE.DECLARE", "ttl", "ARG", "x-message-ttl", "1")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "ttl", "old")
	mustDo(t, c, []any{"q2", int64(0), int64(0)}, "QUEUE.DECLARE", "q2")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "q2", "old", "EXPIRATION", "1")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "q2", "fresh")
	// Expiry is checked against the server clock: wait until it has passed
	// by polling, never by a fixed sleep.
	require.Eventually(t, func() bool {
		v, err := c.Do(ctx, "QUEUE.GET", "ttl").Result()
		return err == redis.Nil && v == nil
	}, 5*time.Second, 2*time.Millisecond)
	d := get(t, c, "QUEUE.GET", "q2")
	require.Equal(t, "fresh", d.Body)
}

// TestQueueConcurrentConsumers runs producers and consumers at once, with
// consumers that disconnect at random while holding unacked deliveries:
// every message is delivered until acked, none is lost, and none is held by
// two consumers at once.
func TestQueueConcurrentConsumers(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	addr := start(t)
	admin := testutil.Client(t, addr, 2)
	mustDo(t, admin, []any{"work", int64(0), int64(0)}, "QUEUE.DECLARE", "work")
	const producers, consumers, perProducer = 3, 4, 300
	total := producers * perProducer

	var mu sync.Mutex
	acked := map[string]int{}
	holder := map[string]int{} // message -> consumer currently holding it
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			c := testutil.Client(t, addr, 2)
			for i := 0; i < perProducer; i++ {
				if err := c.Do(cctx, "QUEUE.PUBLISH", "work", fmt.Sprintf("%d-%d", p, i)).Err(); err != nil {
					t.Errorf("publish: %v", err)
					return
				}
			}
		}(p)
	}
	done := make(chan struct{})
	for w := 0; w < consumers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for gen := 0; ; gen++ {
				id := w*1000 + gen
				// A generous read timeout: under -race on a loaded machine a reply can
				// take seconds, and a client-side timeout would close the
				// connection and requeue a delivery the test already counted.
				c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, PoolSize: 1, MaxRetries: -1, DisableIdentity: true, ReadTimeout: time.Minute})
				_ = c.Do(cctx, "QUEUE.QOS", "1").Err()
				for {
					select {
					case <-done:
						c.Close()
						return
					default:
					}
					v, err := c.Do(cctx, "QUEUE.CONSUME", "work", "TIMEOUT", "0.05").Result()
					if err == redis.Nil {
						continue
					}
					if err != nil {
						if cctx.Err() == nil {
							t.Errorf("consume: %v", err)
						}
						c.Close()
						return
					}
					d, derr := parseDelivery(v)
					if derr != nil {
						t.Errorf("%v", derr)
						c.Close()
						return
					}
					mu.Lock()
					if h, ok := holder[d.Body]; ok {
						t.Errorf("%s delivered to consumer %d while consumer %d holds it", d.Body, id, h)
					}
					holder[d.Body] = id
					mu.Unlock()
					if r.IntN(10) == 0 {
						// Disconnect while holding the delivery: it must
						// come back, flagged redelivered.
						mu.Lock()
						delete(holder, d.Body)
						mu.Unlock()
						c.Close()
						break
					}
					mu.Lock()
					delete(holder, d.Body)
					acked[d.Body]++
					n := len(acked)
					mu.Unlock()
					if err := c.Do(cctx, "QUEUE.ACK", d.Tag).Err(); err != nil {
						t.Errorf("ack: %v", err)
					}
					if n == total {
						select {
						case <-done:
						default:
							close(done)
						}
					}
				}
			}
		}(w)
	}
	select {
	case <-done:
	case <-cctx.Done():
		mu.Lock()
		t.Errorf("only %d of %d messages acked", len(acked), total)
		mu.Unlock()
	}
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, acked, total)
	for m, n := range acked {
		require.Equal(t, 1, n, "message %s acked %d times", m, n)
	}
}

func declare(t *testing.T, c *redis.Client, name string, opts ...any) string {
	t.Helper()
	v, err := c.Do(ctx, append([]any{"QUEUE.DECLARE", name}, opts...)...).Slice()
	require.NoError(t, err)
	return v[0].(string)
}

func bodies(t *testing.T, c *redis.Client, queue string) []string {
	t.Helper()
	var out []string
	for {
		v, err := c.Do(ctx, "QUEUE.GET", queue, "NOACK").Result()
		if err == redis.Nil {
			return out
		}
		require.NoError(t, err)
		out = append(out, decodeDelivery(t, v).Body)
	}
}

func TestExchangeRouting(t *testing.T) {
	c := client(t)
	// fanout
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "logs", "fanout")
	a, b := declare(t, c, "", "EXCLUSIVE"), declare(t, c, "", "EXCLUSIVE")
	mustDo(t, c, "OK", "QUEUE.BIND", a, "logs", "")
	mustDo(t, c, "OK", "QUEUE.BIND", b, "logs", "ignored")
	mustDo(t, c, int64(2), "EXCHANGE.PUBLISH", "logs", "any", "m1")
	require.Equal(t, []string{"m1"}, bodies(t, c, a))
	require.Equal(t, []string{"m1"}, bodies(t, c, b))
	// direct, one queue with several bindings gets one copy
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "direct_logs", "direct")
	q := declare(t, c, "sev")
	mustDo(t, c, "OK", "QUEUE.BIND", q, "direct_logs", "error")
	mustDo(t, c, "OK", "QUEUE.BIND", q, "direct_logs", "warning")
	mustDo(t, c, int64(1), "EXCHANGE.PUBLISH", "direct_logs", "error", "e")
	mustDo(t, c, int64(1), "EXCHANGE.PUBLISH", "direct_logs", "warning", "w")
	mustDo(t, c, int64(0), "EXCHANGE.PUBLISH", "direct_logs", "info", "i")
	mustErr(t, c, "NO_ROUTE - message could not be routed", "EXCHANGE.PUBLISH", "direct_logs", "info", "i", "MANDATORY")
	require.Equal(t, []string{"e", "w"}, bodies(t, c, q))
	mustDo(t, c, "OK", "QUEUE.UNBIND", q, "direct_logs", "warning")
	mustDo(t, c, int64(0), "EXCHANGE.PUBLISH", "direct_logs", "warning", "w")
	// topic
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "topic_logs", "topic")
	crit, kern, all := declare(t, c, "crit"), declare(t, c, "kern"), declare(t, c, "all")
	mustDo(t, c, "OK", "QUEUE.BIND", crit, "topic_logs", "*.critical")
	mustDo(t, c, "OK", "QUEUE.BIND", kern, "topic_logs", "kern.#")
	mustDo(t, c, "OK", "QUEUE.BIND", all, "topic_logs", "#")
	mustDo(t, c, int64(3), "EXCHANGE.PUBLISH", "topic_logs", "kern.critical", "k1")
	mustDo(t, c, int64(1), "EXCHANGE.PUBLISH", "topic_logs", "cron.info", "c1")
	mustDo(t, c, int64(2), "EXCHANGE.PUBLISH", "topic_logs", "kern", "k2")
	require.Equal(t, []string{"k1"}, bodies(t, c, crit))
	require.Equal(t, []string{"k1", "k2"}, bodies(t, c, kern))
	require.Equal(t, []string{"k1", "c1", "k2"}, bodies(t, c, all))
	// headers
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "hx", "headers")
	hq := declare(t, c, "hq")
	mustDo(t, c, "OK", "QUEUE.BIND", hq, "hx", "", "ARG", "x-match", "any", "ARG", "format", "pdf", "ARG", "type", "report")
	mustDo(t, c, int64(1), "EXCHANGE.PUBLISH", "hx", "", "h1", "HEADER", "format", "pdf")
	mustDo(t, c, int64(0), "EXCHANGE.PUBLISH", "hx", "", "h2", "HEADER", "format", "zip")
	require.Equal(t, []string{"h1"}, bodies(t, c, hq))
	// exchange-to-exchange and alternate exchange
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "upstream", "direct", "ARG", "alternate-exchange", "logs")
	mustDo(t, c, "OK", "EXCHANGE.BIND", "topic_logs", "upstream", "kern.critical")
	mustDo(t, c, int64(3), "EXCHANGE.PUBLISH", "upstream", "kern.critical", "via-e2e")
	mustDo(t, c, int64(2), "EXCHANGE.PUBLISH", "upstream", "unbound", "via-ae")
	require.Equal(t, []string{"via-e2e"}, bodies(t, c, crit))
	require.Equal(t, []string{"via-ae"}, bodies(t, c, a))
	mustDo(t, c, "OK", "EXCHANGE.UNBIND", "topic_logs", "upstream", "kern.critical")
}

func TestExchangeErrors(t *testing.T) {
	c := client(t)
	mustErr(t, c, "ACCESS_REFUSED - exchange name 'amq.x' contains reserved prefix 'amq.*'", "EXCHANGE.DECLARE", "amq.x", "direct")
	mustErr(t, c, "COMMAND_INVALID - unknown exchange type 'bogus'", "EXCHANGE.DECLARE", "x", "bogus")
	mustErr(t, c, "NOT_FOUND - no exchange 'x' in vhost '/'", "EXCHANGE.DECLARE", "x", "direct", "PASSIVE")
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "x", "direct")
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "x", "direct")
	mustErr(t, c, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'x' in vhost '/': received 'fanout' but current is 'direct'", "EXCHANGE.DECLARE", "x", "fanout")
	mustErr(t, c, "NOT_FOUND - no exchange 'nope' in vhost '/'", "QUEUE.BIND", declare(t, c, "q"), "nope", "k")
	mustErr(t, c, "NOT_FOUND - no queue 'nq' in vhost '/'", "QUEUE.BIND", "nq", "x", "k")
	mustErr(t, c, "ERR syntax error", "EXCHANGE.DECLARE", "x", "direct", "WHAT")
	mustDo(t, c, "OK", "EXCHANGE.DECLARE", "internal", "fanout", "INTERNAL")
	mustErr(t, c, "ACCESS_REFUSED - cannot publish to internal exchange 'internal' in vhost '/'", "EXCHANGE.PUBLISH", "internal", "", "b")
	mustDo(t, c, "OK", "EXCHANGE.DELETE", "x")
	v, err := c.Do(ctx, "EXCHANGE.LIST").Slice()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, e := range v {
		names[e.([]any)[1].(string)] = true
	}
	for _, n := range []string{"", "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match", "internal"} {
		require.True(t, names[n], "exchange %q listed", n)
	}
	require.False(t, names["x"])
}

func TestQueueAutoDelete(t *testing.T) {
	addr := start(t)
	a := testutil.Client(t, addr, 2)
	admin := testutil.Client(t, addr, 2)
	declare(t, admin, "ad", "AUTODELETE")
	// No consumer yet: it stays.
	mustDo(t, admin, []any{"ad", int64(0), int64(0)}, "QUEUE.DECLARE", "ad", "AUTODELETE")
	mustNil(t, a, "QUEUE.CONSUME", "ad", "TIMEOUT", "0.01")
	mustDo(t, admin, []any{"ad", int64(0), int64(1)}, "QUEUE.DECLARE", "ad", "AUTODELETE")
	mustDo(t, a, int64(1), "QUEUE.CANCEL", "ad")
	mustErr(t, admin, "NOT_FOUND - no queue 'ad' in vhost '/'", "QUEUE.DECLARE", "ad", "PASSIVE")
}

func TestQueueListAndBindings(t *testing.T) {
	c := client(t)
	declare(t, c, "l1", "DURABLE")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "l1", "x")
	v, err := c.Do(ctx, "QUEUE.LIST").Slice()
	require.NoError(t, err)
	require.Equal(t, []any{[]any{"name", "l1", "messages", int64(1), "unacked", int64(0), "consumers", int64(0),
		"durable", int64(1), "exclusive", int64(0), "auto-delete", int64(0)}}, v)
	mustDo(t, c, "OK", "QUEUE.BIND", "l1", "amq.topic", "a.*")
	v, err = c.Do(ctx, "QUEUE.BINDINGS").Slice()
	require.NoError(t, err)
	require.Contains(t, v, []any{"source", "amq.topic", "destination", "l1", "destination-type", "queue", "routing-key", "a.*"})
}
