package natsbridge_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// Cross-protocol tests with amqp091-go: the AMQP front publishes through
// the same queue.Broker.Publish, so amq.topic joins NATS and AMQP too.

func bridgeAMQP(t *testing.T) (*nats.Conn, *amqp.Channel) {
	t.Helper()
	s := testutil.StartSwitchyard(t,
		[]string{"nats-port", strconv.Itoa(testutil.FreePort(t))},
		[]string{"amqp-port", strconv.Itoa(testutil.FreePort(t))})
	ac, err := amqp.Dial("amqp://guest:guest@" + s.AMQPAddr() + "/")
	require.NoError(t, err)
	t.Cleanup(func() { ac.Close() })
	ch, err := ac.Channel()
	require.NoError(t, err)
	return connect(t, "nats://"+s.NATSAddr()), ch
}

func receive(t *testing.T, deliveries <-chan amqp.Delivery) amqp.Delivery {
	t.Helper()
	select {
	case d, ok := <-deliveries:
		require.True(t, ok, "consumer closed")
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no AMQP delivery within 5 s")
	}
	return amqp.Delivery{}
}

// TestNATSToAMQPConsumer is scenario 15's first part: a NATS publisher on
// logs.kern.critical reaches an AMQP consumer bound to topic_logs with a
// *.critical-style pattern, topic_logs being bound to amq.topic.
func TestNATSToAMQPConsumer(t *testing.T) {
	nc, ch := bridgeAMQP(t)
	require.NoError(t, ch.ExchangeDeclare("topic_logs", "topic", false, false, false, false, nil))
	require.NoError(t, ch.ExchangeBind("topic_logs", "logs.#", "amq.topic", false, nil))
	q, err := ch.QueueDeclare("", false, false, true, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind(q.Name, "logs.*.critical", "topic_logs", false, nil))
	deliveries, err := ch.Consume(q.Name, "", true, false, false, false, nil)
	require.NoError(t, err)

	m := nats.NewMsg("logs.kern.critical")
	m.Data = []byte("kernel panic")
	m.Header.Set("Host", "db1")
	m.Header.Set("Amqp-Content-Type", "text/plain")
	m.Header.Set("Amqp-Message-Id", "m-1")
	require.NoError(t, nc.PublishMsg(m))
	require.NoError(t, nc.Publish("logs.cron.info", []byte("not critical")))
	require.NoError(t, nc.Publish("logs.auth.critical", []byte("auth failure")))
	require.NoError(t, nc.Flush())

	d := receive(t, deliveries)
	require.Equal(t, "kernel panic", string(d.Body))
	require.Equal(t, "logs.kern.critical", d.RoutingKey)
	require.Equal(t, "text/plain", d.ContentType)
	require.Equal(t, "m-1", d.MessageId)
	require.Equal(t, "db1", d.Headers["Host"])
	d = receive(t, deliveries)
	require.Equal(t, "logs.auth.critical", d.RoutingKey)
	select {
	case d := <-deliveries:
		t.Fatalf("unexpected %s", d.RoutingKey)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestAMQPPublishToNATS: an AMQP publish to amq.topic reaches NATS
// subscribers, properties as Amqp-* headers.
func TestAMQPPublishToNATS(t *testing.T) {
	nc, ch := bridgeAMQP(t)
	sub, err := nc.SubscribeSync("orders.>")
	require.NoError(t, err)
	require.NoError(t, nc.Flush())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, ch.PublishWithContext(ctx, "amq.topic", "orders.eu.new", false, false, amqp.Publishing{
		Body: []byte(`{"id":1}`), ContentType: "application/json", CorrelationId: "c-9",
		ReplyTo: "orders.replies", Headers: amqp.Table{"tenant": "acme", "n": int32(3)},
	}))
	m := next(t, sub)
	require.Equal(t, "orders.eu.new", m.Subject)
	require.Equal(t, `{"id":1}`, string(m.Data))
	require.Equal(t, "orders.replies", m.Reply)
	require.Equal(t, "application/json", m.Header.Get("Amqp-Content-Type"))
	require.Equal(t, "c-9", m.Header.Get("Amqp-Correlation-Id"))
	require.Equal(t, "acme", m.Header.Get("tenant"))
	require.Equal(t, "3", m.Header.Get("n"))
}

// TestRequestAnsweredByAMQPServer is scenario 15's last part: a nats.go
// Request answered by an AMQP RPC server.
func TestRequestAnsweredByAMQPServer(t *testing.T) {
	nc, ch := bridgeAMQP(t)
	q, err := ch.QueueDeclare("rpc_queue", false, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind(q.Name, "rpc.fib", "amq.topic", false, nil))
	require.NoError(t, ch.Qos(1, 0, false))
	deliveries, err := ch.Consume(q.Name, "", false, false, false, false, nil)
	require.NoError(t, err)
	go func() {
		for d := range deliveries {
			n, _ := strconv.Atoi(string(d.Body))
			a, b := 0, 1
			for range n {
				a, b = b, a+b
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = ch.PublishWithContext(ctx, "amq.topic", d.ReplyTo, false, false, amqp.Publishing{
				Body: []byte(strconv.Itoa(a)), CorrelationId: d.CorrelationId,
			})
			cancel()
			_ = d.Ack(false)
		}
	}()
	for n, want := range []string{"0", "1", "1", "2", "3", "5", "8", "13"} {
		m, err := nc.Request("rpc.fib", []byte(strconv.Itoa(n)), 5*time.Second)
		require.NoError(t, err)
		require.Equal(t, want, string(m.Data), "fib(%d)", n)
	}
}
