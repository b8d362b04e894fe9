package amqpbridge_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	. "github.com/switchyard/switchyard/amqpbridge"
)

func TestPublisherConfirms(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.Confirm(false))
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 1000))
	const n = 500
	for i := range n {
		publish(t, ch, "", "q", body(fmt.Sprint(i)))
	}
	// amqp091-go expands multiple acks into one Confirmation per publish.
	for i := range n {
		select {
		case c := <-confirms:
			require.True(t, c.Ack)
			require.Equal(t, uint64(i+1), c.DeliveryTag)
		case <-time.After(5 * time.Second):
			t.Fatalf("confirm %d missing", i+1)
		}
	}
	require.Equal(t, n, ready(t, conn, "q"))

	dc, err := ch.PublishWithDeferredConfirmWithContext(context.Background(), "", "q", false, false, body("last"))
	require.NoError(t, err)
	ok, err := dc.WaitContext(context.Background())
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, uint64(n+1), dc.DeliveryTag)
}

func TestConfirmsAreCoalescedIntoMultipleAcks(t *testing.T) {
	_, url := start(t)
	r := dialRaw(t, url)
	r.handshake(DefaultFrameMax, 0)
	r.open(1)
	r.method(1, &ConfirmSelect{})
	expect[*ConfirmSelectOk](r)
	var batch []byte
	for range 50 {
		b, _ := AppendMethodFrame(nil, 1, &BasicPublish{RoutingKey: "nowhere"})
		b, _ = AppendContent(b, 1, &Properties{}, []byte("x"), DefaultFrameMax)
		batch = append(batch, b...)
	}
	r.write(batch) // one write: usually one read, one batch
	acks := 0
	for seen := uint64(0); seen < 50; {
		a := expect[*BasicAck](r)
		require.Greater(t, a.DeliveryTag, seen)
		require.Equal(t, a.DeliveryTag-seen > 1, a.Multiple)
		seen = a.DeliveryTag
		acks++
	}
	require.Less(t, acks, 50, "at least some acks cover several publishes")
}
