package amqpbridge_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	. "github.com/switchyard/switchyard/amqpbridge"
)

func publish(t *testing.T, ch *amqp.Channel, exchange, key string, msg amqp.Publishing) {
	t.Helper()
	require.NoError(t, ch.PublishWithContext(context.Background(), exchange, key, false, false, msg))
}

func body(s string) amqp.Publishing { return amqp.Publishing{Body: []byte(s)} }

// ready returns the number of ready messages of a queue (queue.declare
// passive on a fresh channel, synchronous with everything sent before on
// the connection's channels that were synchronous).
func ready(t *testing.T, conn *amqp.Connection, name string) int {
	t.Helper()
	ch, err := conn.Channel()
	require.NoError(t, err)
	defer ch.Close()
	q, err := ch.QueueDeclarePassive(name, false, false, false, false, nil)
	require.NoError(t, err)
	return q.Messages
}

// sync makes a round trip on ch so that everything sent before on it has
// been handled.
func sync(t *testing.T, ch *amqp.Channel) {
	t.Helper()
	require.NoError(t, ch.ExchangeDeclarePassive("amq.direct", "direct", true, false, false, false, nil))
}

func TestPublishAllPropertiesRoundTrip(t *testing.T) {
	ch, _, _ := channel(t)
	_, err := ch.QueueDeclare("props", false, true, false, false, nil)
	require.NoError(t, err)
	ts := time.Unix(1700000000, 0)
	pub := amqp.Publishing{
		ContentType: "application/json", ContentEncoding: "gzip", DeliveryMode: amqp.Persistent,
		Priority: 5, CorrelationId: "corr", ReplyTo: "replies", Expiration: "60000",
		MessageId: "id-1", Timestamp: ts, Type: "kind", UserId: "guest", AppId: "app",
		Headers: amqp.Table{
			"str": "v", "int": int32(-7), "long": int64(1 << 40), "bool": true, "float": 1.5,
			"dec": amqp.Decimal{Scale: 2, Value: 314}, "ts": ts, "bytes": []byte{0, 1},
			"nested": amqp.Table{"a": "b"}, "array": []any{"x", int32(1)}, "void": nil,
		},
		Body: []byte(`{"k":1}`),
	}
	publish(t, ch, "", "props", pub)
	d, ok, err := ch.Get("props", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, pub.ContentType, d.ContentType)
	require.Equal(t, pub.ContentEncoding, d.ContentEncoding)
	require.Equal(t, pub.DeliveryMode, d.DeliveryMode)
	require.Equal(t, pub.Priority, d.Priority)
	require.Equal(t, pub.CorrelationId, d.CorrelationId)
	require.Equal(t, pub.ReplyTo, d.ReplyTo)
	require.Equal(t, pub.Expiration, d.Expiration)
	require.Equal(t, pub.MessageId, d.MessageId)
	require.True(t, ts.Equal(d.Timestamp))
	require.Equal(t, pub.Type, d.Type)
	require.Equal(t, pub.UserId, d.UserId)
	require.Equal(t, pub.AppId, d.AppId)
	require.Equal(t, pub.Body, d.Body)
	require.Equal(t, "v", d.Headers["str"])
	require.Equal(t, int32(-7), d.Headers["int"])
	require.Equal(t, int64(1<<40), d.Headers["long"])
	require.Equal(t, true, d.Headers["bool"])
	require.Equal(t, 1.5, d.Headers["float"])
	require.Equal(t, amqp.Decimal{Scale: 2, Value: 314}, d.Headers["dec"])
	require.True(t, ts.Equal(d.Headers["ts"].(time.Time)))
	require.Equal(t, []byte{0, 1}, d.Headers["bytes"])
	require.Equal(t, amqp.Table{"a": "b"}, d.Headers["nested"])
	require.Equal(t, []any{"x", int32(1)}, d.Headers["array"])
	require.Contains(t, d.Headers, "void")
	require.Equal(t, "", d.Exchange)
	require.Equal(t, "props", d.RoutingKey)
}

func TestLargeMessagesSplitAtFrameMax(t *testing.T) {
	ch, conn, _ := channel(t)
	require.Equal(t, 131072, conn.Config.FrameSize)
	_, err := ch.QueueDeclare("big", false, true, false, false, nil)
	require.NoError(t, err)
	for _, n := range []int{0, 1, 131064, 131065, 1 << 20, 5<<20 + 3} {
		b := bytes.Repeat([]byte{byte(n)}, n)
		publish(t, ch, "", "big", amqp.Publishing{Body: b})
		d, ok, err := ch.Get("big", true)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, len(b), len(d.Body), "size %d", n)
		require.True(t, bytes.Equal(b, d.Body))
	}
}

func TestConsumeNoAck(t *testing.T) {
	ch, _, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, true, false, false, nil)
	require.NoError(t, err)
	for i := range 3 {
		publish(t, ch, "", "q", body(fmt.Sprint(i)))
	}
	msgs, err := ch.Consume("q", "", true, false, false, false, nil)
	require.NoError(t, err)
	for i := range 3 {
		d := recv(t, msgs)
		require.Equal(t, fmt.Sprint(i), string(d.Body))
		require.NotEmpty(t, d.ConsumerTag)
		require.Equal(t, uint64(i+1), d.DeliveryTag)
		require.False(t, d.Redelivered)
	}
	publish(t, ch, "", "q", body("later"))
	require.Equal(t, "later", string(recv(t, msgs).Body))
}

func TestPrefetchPerConsumer(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("work", false, true, false, false, nil)
	require.NoError(t, err)
	for i := range 10 {
		publish(t, ch, "", "work", body(fmt.Sprint(i)))
	}
	require.NoError(t, ch.Qos(2, 0, false))
	a, err := ch.Consume("work", "a", false, false, false, false, nil)
	require.NoError(t, err)
	b, err := ch.Consume("work", "b", false, false, false, false, nil)
	require.NoError(t, err)
	// Each consumer gets exactly its prefetch of 2.
	da := []amqp.Delivery{recv(t, a), recv(t, a)}
	db := []amqp.Delivery{recv(t, b), recv(t, b)}
	none(t, a)
	none(t, b)
	require.Equal(t, 6, ready(t, conn, "work"))
	// An ack frees one slot for that consumer only.
	require.NoError(t, da[0].Ack(false))
	d := recv(t, a)
	none(t, b)
	require.NoError(t, d.Ack(false))
	require.NoError(t, da[1].Ack(false))
	recv(t, a)
	recv(t, a)
	for _, d := range db {
		require.NoError(t, d.Ack(false))
	}
	recv(t, b)
	recv(t, b)
	require.Equal(t, 1, ready(t, conn, "work"))
}

func TestPrefetchGlobalSharedByChannel(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("work", false, true, false, false, nil)
	require.NoError(t, err)
	for i := range 10 {
		publish(t, ch, "", "work", body(fmt.Sprint(i)))
	}
	require.NoError(t, ch.Qos(3, 0, true))
	a, err := ch.Consume("work", "a", false, false, false, false, nil)
	require.NoError(t, err)
	b, err := ch.Consume("work", "b", false, false, false, false, nil)
	require.NoError(t, err)
	got := 0
	for got < 3 {
		select {
		case <-a:
			got++
		case <-b:
			got++
		case <-time.After(5 * time.Second):
			t.Fatal("deliveries missing")
		}
	}
	none(t, a)
	none(t, b)
	require.Equal(t, 7, ready(t, conn, "work"))
	require.NoError(t, ch.Ack(3, true)) // all three
	sync(t, ch)
	require.Equal(t, 4, ready(t, conn, "work"))
}

func TestAckNackRejectMultipleRequeue(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, false, false, false, nil)
	require.NoError(t, err)
	for i := range 6 {
		publish(t, ch, "", "q", body(fmt.Sprint(i)))
	}
	msgs, err := ch.Consume("q", "c", false, false, false, false, nil)
	require.NoError(t, err)
	var ds []amqp.Delivery
	for range 6 {
		ds = append(ds, recv(t, msgs))
	}
	require.NoError(t, ds[1].Ack(true))        // acks 1 and 2
	require.NoError(t, ds[2].Reject(false))    // 3 dropped
	require.NoError(t, ds[4].Nack(true, true)) // 4 and 5 requeued
	d := recv(t, msgs)                         // redelivered, in order
	require.Equal(t, "3", string(d.Body))
	require.True(t, d.Redelivered)
	d2 := recv(t, msgs)
	require.Equal(t, "4", string(d2.Body))
	require.True(t, d2.Redelivered)
	require.NoError(t, ds[5].Reject(true)) // 6 requeued
	d3 := recv(t, msgs)
	require.Equal(t, "5", string(d3.Body))
	require.True(t, d3.Redelivered)
	require.NoError(t, ch.Nack(0, true, false)) // tag 0 multiple: every unacked, dropped
	sync(t, ch)
	require.NoError(t, ch.Cancel("c", false))
	require.Equal(t, 0, ready(t, conn, "q"))
}

func TestUnackedGoBackWhenChannelOrConnectionCloses(t *testing.T) {
	_, url := start(t)
	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("q", true, false, false, false, nil)
	require.NoError(t, err)
	for i := range 3 {
		publish(t, ch, "", "q", body(fmt.Sprint(i)))
	}
	msgs, err := ch.Consume("q", "", false, false, false, false, nil)
	require.NoError(t, err)
	for range 3 {
		recv(t, msgs)
	}
	require.Equal(t, 0, ready(t, conn, "q"))
	require.NoError(t, ch.Close())
	require.Equal(t, 3, ready(t, conn, "q"))

	// A second connection takes them and dies without acking.
	other := dial(t, url)
	och, err := other.Channel()
	require.NoError(t, err)
	omsgs, err := och.Consume("q", "", false, false, false, false, nil)
	require.NoError(t, err)
	for range 3 {
		require.True(t, recv(t, omsgs).Redelivered)
	}
	require.NoError(t, other.Close())
	require.Equal(t, 3, ready(t, conn, "q"))
}

func TestGetOkAndGetEmpty(t *testing.T) {
	ch, _, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, true, false, false, nil)
	require.NoError(t, err)
	_, ok, err := ch.Get("q", false)
	require.NoError(t, err)
	require.False(t, ok)
	publish(t, ch, "", "q", body("a"))
	publish(t, ch, "", "q", body("b"))
	d, ok, err := ch.Get("q", false)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "a", string(d.Body))
	require.Equal(t, uint32(1), d.MessageCount)
	require.Equal(t, uint64(1), d.DeliveryTag)
	require.NoError(t, d.Reject(true))
	d, ok, err = ch.Get("q", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "a", string(d.Body))
	require.True(t, d.Redelivered)
	require.Equal(t, uint64(2), d.DeliveryTag)
}

func TestRecoverRequeues(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, true, false, false, nil)
	require.NoError(t, err)
	publish(t, ch, "", "q", body("a"))
	_, ok, err := ch.Get("q", false)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, ch.Recover(true))
	require.Equal(t, 1, ready(t, conn, "q"))
}

func TestCancelAndServerCancelOnQueueDelete(t *testing.T) {
	ch, _, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, false, false, false, nil)
	require.NoError(t, err)
	cancels := ch.NotifyCancel(make(chan string, 1))
	msgs, err := ch.Consume("q", "tag1", true, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.Cancel("tag1", false))
	_, open := <-msgs
	require.False(t, open, "deliveries end after cancel")
	require.NoError(t, ch.Cancel("unknown", false), "cancel of an unknown tag is fine")

	_, err = ch.Consume("q", "tag2", true, false, false, false, nil)
	require.NoError(t, err)
	other, err := ch.QueueDelete("q", false, false, false)
	require.NoError(t, err)
	require.Equal(t, 0, other)
	select {
	case tag := <-cancels:
		require.Equal(t, "tag2", tag)
	case <-time.After(5 * time.Second):
		t.Fatal("no basic.cancel from the server")
	}
}

func TestExclusiveConsumer(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, true, false, false, nil)
	require.NoError(t, err)
	_, err = ch.Consume("q", "x", false, true, false, false, nil)
	require.NoError(t, err)
	ch2, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch2.Consume("q", "y", false, false, false, false, nil)
	amqpErr(t, err, 403, "ACCESS_REFUSED - queue 'q' in vhost '/' in exclusive use")
}

func TestMandatoryReturn(t *testing.T) {
	ch, _, _ := channel(t)
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))
	require.NoError(t, ch.PublishWithContext(context.Background(), "amq.direct", "nowhere", true, false,
		amqp.Publishing{Body: []byte("lost"), CorrelationId: "c1"}))
	select {
	case r := <-returns:
		require.Equal(t, uint16(312), r.ReplyCode)
		require.Equal(t, "NO_ROUTE", r.ReplyText)
		require.Equal(t, "amq.direct", r.Exchange)
		require.Equal(t, "nowhere", r.RoutingKey)
		require.Equal(t, "lost", string(r.Body))
		require.Equal(t, "c1", r.CorrelationId)
	case <-time.After(5 * time.Second):
		t.Fatal("no return")
	}
}

// The order of frames is checked with the raw client: amqp091-go hands
// returns and confirms to different Go channels.
func TestReturnIsSentBeforeConfirm(t *testing.T) {
	_, url := start(t)
	r := dialRaw(t, url)
	r.handshake(DefaultFrameMax, 0)
	r.open(1)
	r.method(1, &ConfirmSelect{})
	expect[*ConfirmSelectOk](r)
	r.publish(1, &BasicPublish{Exchange: "amq.direct", RoutingKey: "nowhere", Mandatory: true}, &Properties{}, []byte("x"))
	r.publish(1, &BasicPublish{Exchange: "amq.direct", RoutingKey: "nowhere"}, &Properties{}, []byte("y"))
	ret := expect[*BasicReturn](r)
	require.Equal(t, uint16(312), ret.ReplyCode)
	// Then the confirms of both, one multiple ack or two acks.
	ack := expect[*BasicAck](r)
	if ack.DeliveryTag == 1 {
		require.False(t, ack.Multiple)
		ack = expect[*BasicAck](r)
		require.False(t, ack.Multiple)
	} else {
		require.True(t, ack.Multiple)
	}
	require.Equal(t, uint64(2), ack.DeliveryTag)
}

func TestDirectReplyTo(t *testing.T) {
	_, url := start(t)
	server := dial(t, url)
	sch, err := server.Channel()
	require.NoError(t, err)
	_, err = sch.QueueDeclare("rpc", false, true, false, false, nil)
	require.NoError(t, err)
	reqs, err := sch.Consume("rpc", "", false, false, false, false, nil)
	require.NoError(t, err)
	go func() {
		for d := range reqs {
			_ = sch.PublishWithContext(context.Background(), "", d.ReplyTo, false, false, amqp.Publishing{
				CorrelationId: d.CorrelationId, Body: append([]byte("re:"), d.Body...)})
			_ = d.Ack(false)
		}
	}()

	client := dial(t, url)
	cch, err := client.Channel()
	require.NoError(t, err)
	replies, err := cch.Consume("amq.rabbitmq.reply-to", "", true, false, false, false, nil)
	require.NoError(t, err)
	for i := range 3 {
		publish(t, cch, "", "rpc", amqp.Publishing{
			ReplyTo: "amq.rabbitmq.reply-to", CorrelationId: fmt.Sprint(i), Body: []byte(fmt.Sprint(i))})
		r := recv(t, replies)
		require.Equal(t, fmt.Sprint(i), r.CorrelationId)
		require.Equal(t, "re:"+fmt.Sprint(i), string(r.Body))
		require.True(t, strings.HasPrefix(r.RoutingKey, "amq.rabbitmq.reply-to."), r.RoutingKey)
	}
}

func TestQueueTTLAndPerMessageExpiration(t *testing.T) {
	ch, _, _ := channel(t)
	_, err := ch.QueueDeclare("ttl", false, true, false, false, amqp.Table{"x-message-ttl": int32(0)})
	require.NoError(t, err)
	publish(t, ch, "", "ttl", body("gone"))
	_, ok, err := ch.Get("ttl", true)
	require.NoError(t, err)
	require.False(t, ok, "TTL 0 without a consumer drops the message")

	_, err = ch.QueueDeclare("exp", false, true, false, false, nil)
	require.NoError(t, err)
	publish(t, ch, "", "exp", amqp.Publishing{Body: []byte("x"), Expiration: "0"})
	publish(t, ch, "", "exp", amqp.Publishing{Body: []byte("y"), Expiration: "60000"})
	d, ok, err := ch.Get("exp", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "y", string(d.Body))
}
