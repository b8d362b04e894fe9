package amqpbridge_test

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// Cross-protocol: the RESP front and the AMQP front share exchanges, queues,
// messages, acks and redelivery.

func TestRESPPublishAMQPConsume(t *testing.T) {
	srv, url := start(t)
	rc := testutil.Client(t, srv.RESPAddr(), 3)
	ctx := context.Background()
	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch.ExchangeDeclare("logs", "fanout", false, false, false, false, nil))
	q, err := ch.QueueDeclare("", false, false, true, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind(q.Name, "", "logs", false, nil))
	msgs, err := ch.Consume(q.Name, "", false, false, false, false, nil)
	require.NoError(t, err)

	n, err := rc.Do(ctx, "EXCHANGE.PUBLISH", "logs", "kern.crit", "from resp",
		"CONTENT-TYPE", "text/plain", "CONTENT-ENCODING", "utf-8", "HEADER", "k", "v",
		"PERSISTENT", "PRIORITY", "3", "CORRELATION-ID", "c1", "REPLY-TO", "back",
		"EXPIRATION", "60000", "MESSAGE-ID", "m1", "TIMESTAMP", "1700000000",
		"TYPE", "t", "APP-ID", "a").Int64()
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	d := recv(t, msgs)
	require.Equal(t, "from resp", string(d.Body))
	require.Equal(t, "logs", d.Exchange)
	require.Equal(t, "kern.crit", d.RoutingKey)
	require.Equal(t, "text/plain", d.ContentType)
	require.Equal(t, "utf-8", d.ContentEncoding)
	require.Equal(t, amqp.Table{"k": "v"}, d.Headers)
	require.Equal(t, uint8(2), d.DeliveryMode)
	require.Equal(t, uint8(3), d.Priority)
	require.Equal(t, "c1", d.CorrelationId)
	require.Equal(t, "back", d.ReplyTo)
	require.Equal(t, "60000", d.Expiration)
	require.Equal(t, "m1", d.MessageId)
	require.Equal(t, int64(1700000000), d.Timestamp.Unix())
	require.Equal(t, "t", d.Type)
	require.Equal(t, "a", d.AppId)
	require.NoError(t, d.Ack(false))
}

func TestAMQPPublishRESPGet(t *testing.T) {
	srv, url := start(t)
	rc := testutil.Client(t, srv.RESPAddr(), 3)
	ctx := context.Background()
	ch, err := dial(t, url).Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("jobs", true, false, false, false, nil)
	require.NoError(t, err)
	publish(t, ch, "", "jobs", amqp.Publishing{
		Body: []byte("from amqp"), ContentType: "application/json", CorrelationId: "c2",
		DeliveryMode: amqp.Persistent, Headers: amqp.Table{"n": int32(5), "s": "x"},
		Timestamp: time.Unix(1700000001, 0),
	})
	v, err := rc.Do(ctx, "QUEUE.GET", "jobs").Result()
	require.NoError(t, err)
	m := v.(map[any]any)
	require.Equal(t, "from amqp", m["body"])
	require.Equal(t, "jobs", m["routing-key"])
	require.Equal(t, false, m["redelivered"])
	props := m["properties"].(map[any]any)
	require.Equal(t, "application/json", props["content-type"])
	require.Equal(t, "c2", props["correlation-id"])
	require.Equal(t, int64(2), props["delivery-mode"])
	require.Equal(t, int64(1700000001), props["timestamp"])
	require.Equal(t, map[any]any{"n": int64(5), "s": "x"}, props["headers"])
	_, err = rc.Do(ctx, "QUEUE.ACK", m["delivery-tag"]).Result()
	require.NoError(t, err)
}

func TestRedeliveryIsSharedAcrossFronts(t *testing.T) {
	srv, url := start(t)
	ctx := context.Background()
	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("shared", true, false, false, false, nil)
	require.NoError(t, err)
	publish(t, ch, "", "shared", body("one"))

	// AMQP takes it and closes its channel without acking...
	d, ok, err := ch.Get("shared", false)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, d.Redelivered)
	require.NoError(t, ch.Close())

	// ...RESP gets it redelivered, and disconnects without acking...
	rc := testutil.Client(t, srv.RESPAddr(), 3)
	v, err := rc.Do(ctx, "QUEUE.GET", "shared").Result()
	require.NoError(t, err)
	require.Equal(t, true, v.(map[any]any)["redelivered"])
	require.NoError(t, rc.Close())

	// ...and AMQP gets it again, still redelivered, and acks it for good.
	ch, err = conn.Channel()
	require.NoError(t, err)
	msgs, err := ch.Consume("shared", "", false, false, false, false, nil)
	require.NoError(t, err)
	d = recv(t, msgs)
	require.Equal(t, "one", string(d.Body))
	require.True(t, d.Redelivered)
	require.NoError(t, d.Ack(false))
	rc2 := testutil.Client(t, srv.RESPAddr(), 3)
	require.Eventually(t, func() bool {
		v, err := rc2.Do(ctx, "QUEUE.LIST").Result()
		if err != nil {
			return false
		}
		for _, q := range v.([]any) {
			m := q.(map[any]any)
			if m["name"] == "shared" {
				return m["messages"] == int64(0) && m["unacked"] == int64(0)
			}
		}
		return false
	}, 5*time.Second, 5*time.Millisecond)
}

func TestRESPConsumerAndAMQPConsumerShareAQueue(t *testing.T) {
	srv, url := start(t)
	ctx := context.Background()
	rc := testutil.Client(t, srv.RESPAddr(), 3)
	ch, err := dial(t, url).Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("work", false, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.Qos(1, 0, false))
	msgs, err := ch.Consume("work", "", false, false, false, false, nil)
	require.NoError(t, err)
	for _, b := range []string{"a", "b"} {
		_, err := rc.Do(ctx, "QUEUE.PUBLISH", "work", b).Result()
		require.NoError(t, err)
	}
	// The AMQP consumer has prefetch 1: it holds "a"; "b" waits for RESP.
	d := recv(t, msgs)
	require.Equal(t, "a", string(d.Body))
	v, err := rc.Do(ctx, "QUEUE.GET", "work").Result()
	require.NoError(t, err)
	require.Equal(t, "b", v.(map[any]any)["body"])
}
