package amqpbridge_test

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/testutil"
)

// Queue arguments end to end with amqp091-go (RabbitMQ 3.10 semantics).

func declare(t *testing.T, ch *amqp.Channel, name string, args amqp.Table) {
	t.Helper()
	_, err := ch.QueueDeclare(name, false, false, false, false, args)
	require.NoError(t, err)
}

func publishTo(t *testing.T, ch *amqp.Channel, queue string, p amqp.Publishing) {
	t.Helper()
	require.NoError(t, ch.Publish("", queue, false, false, p))
}

func consume(t *testing.T, ch *amqp.Channel, queue, tag string, autoAck bool) <-chan amqp.Delivery {
	t.Helper()
	d, err := ch.Consume(queue, tag, autoAck, false, false, false, nil)
	require.NoError(t, err)
	return d
}

func xDeath(t *testing.T, d amqp.Delivery) amqp.Table {
	t.Helper()
	deaths, ok := d.Headers["x-death"].([]any)
	require.True(t, ok, "x-death: %#v", d.Headers)
	require.NotEmpty(t, deaths)
	e, ok := deaths[0].(amqp.Table)
	require.True(t, ok)
	return e
}

func TestQueueArgInvalid(t *testing.T) {
	_, url := start(t)
	conn := dial(t, url)
	for _, c := range []struct {
		args amqp.Table
		text string
	}{
		{amqp.Table{"x-max-length": -1}, "PRECONDITION_FAILED - invalid arg 'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}"},
		{amqp.Table{"x-expires": 0}, "PRECONDITION_FAILED - invalid arg 'x-expires' for queue 'q' in vhost '/': {value_zero,0}"},
		{amqp.Table{"x-overflow": "foo"}, "PRECONDITION_FAILED - invalid arg 'x-overflow' for queue 'q' in vhost '/': invalid_overflow"},
		{amqp.Table{"x-max-priority": 256}, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/': {max_value_exceeded,256}"},
		{amqp.Table{"x-single-active-consumer": "true"}, "PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue 'q' in vhost '/': {unacceptable_type,longstr}"},
		{amqp.Table{"x-message-ttl": "1"}, `PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue 'q' in vhost '/': "expected integer, got longstr"`},
		{amqp.Table{"x-dead-letter-routing-key": "k"}, "PRECONDITION_FAILED - invalid arg 'x-dead-letter-routing-key' for queue 'q' in vhost '/': routing_key_but_no_dlx_defined"},
		{amqp.Table{"x-dead-letter-exchange": 1}, "PRECONDITION_FAILED - invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue 'q' in vhost '/'"},
	} {
		ch, err := conn.Channel()
		require.NoError(t, err)
		_, err = ch.QueueDeclare("q", false, false, false, false, c.args)
		amqpErr(t, err, 406, c.text)
	}
	require.False(t, conn.IsClosed(), "a channel error")
}

func TestDLXRejectXDeath(t *testing.T) {
	ch, _, _ := channel(t)
	require.NoError(t, ch.ExchangeDeclare("dlx", "fanout", false, false, false, false, nil))
	declare(t, ch, "dead", nil)
	require.NoError(t, ch.QueueBind("dead", "", "dlx", false, nil))
	declare(t, ch, "work", amqp.Table{"x-dead-letter-exchange": "dlx"})
	publishTo(t, ch, "work", amqp.Publishing{Body: []byte("job"), Expiration: "60000", Headers: amqp.Table{"app": "x"}})
	m, ok, err := ch.Get("work", false)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, m.Reject(false))

	d := recv(t, consume(t, ch, "dead", "", true))
	require.Equal(t, "job", string(d.Body))
	require.Equal(t, "dlx", d.Exchange)
	require.Equal(t, "work", d.RoutingKey)
	require.Equal(t, "", d.Expiration)
	require.Equal(t, "x", d.Headers["app"])
	require.Equal(t, "rejected", d.Headers["x-first-death-reason"])
	require.Equal(t, "work", d.Headers["x-first-death-queue"])
	require.Equal(t, "", d.Headers["x-first-death-exchange"])
	e := xDeath(t, d)
	require.Equal(t, int64(1), e["count"])
	require.Equal(t, "rejected", e["reason"])
	require.Equal(t, "work", e["queue"])
	require.Equal(t, "", e["exchange"])
	require.Equal(t, []any{"work"}, e["routing-keys"])
	require.Equal(t, "60000", e["original-expiration"])
	require.IsType(t, time.Time{}, e["time"])
	require.WithinDuration(t, time.Now(), e["time"].(time.Time), time.Minute)

	// basic.nack requeue=false dead-letters too, with the routing key.
	declare(t, ch, "work2", amqp.Table{"x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dead2"})
	declare(t, ch, "dead2", nil)
	publishTo(t, ch, "work2", amqp.Publishing{Body: []byte("n")})
	m, ok, err = ch.Get("work2", false)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, m.Nack(false, false))
	d = recv(t, consume(t, ch, "dead2", "", true))
	require.Equal(t, "dead2", d.RoutingKey)
	require.Equal(t, []any{"work2"}, xDeath(t, d)["routing-keys"])
}

func TestDLXExpired(t *testing.T) {
	ch, _, _ := channel(t)
	declare(t, ch, "dead", nil)
	dead := consume(t, ch, "dead", "", true)
	declare(t, ch, "delay", amqp.Table{"x-message-ttl": 20, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dead"})
	// Nobody consumes "delay": the broker's periodic check dead-letters.
	publishTo(t, ch, "delay", amqp.Publishing{Body: []byte("later")})
	d := recv(t, dead)
	require.Equal(t, "later", string(d.Body))
	e := xDeath(t, d)
	require.Equal(t, "expired", e["reason"])
	require.Equal(t, "delay", e["queue"])
	require.Equal(t, "expired", d.Headers["x-first-death-reason"])
}

func TestDLXMaxLen(t *testing.T) {
	ch, _, _ := channel(t)
	declare(t, ch, "dead", nil)
	declare(t, ch, "small", amqp.Table{"x-max-length": 2, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dead"})
	for _, b := range []string{"1", "2", "3"} {
		publishTo(t, ch, "small", amqp.Publishing{Body: []byte(b)})
	}
	dead := consume(t, ch, "dead", "", true)
	d := recv(t, dead)
	require.Equal(t, "1", string(d.Body), "drop-head drops the oldest")
	require.Equal(t, "maxlen", xDeath(t, d)["reason"])
	q, err := ch.QueueDeclarePassive("small", false, false, false, false, nil)
	require.NoError(t, err)
	require.Equal(t, 2, q.Messages)

	// x-max-length-bytes counts body bytes.
	declare(t, ch, "bytes", amqp.Table{"x-max-length-bytes": 4})
	publishTo(t, ch, "bytes", amqp.Publishing{Body: []byte("abc")})
	publishTo(t, ch, "bytes", amqp.Publishing{Body: []byte("de")})
	m, ok, err := ch.Get("bytes", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "de", string(m.Body))
}

func TestMaxLenRejectPublishNacks(t *testing.T) {
	ch, _, _ := channel(t)
	declare(t, ch, "full", amqp.Table{"x-max-length": 1, "x-overflow": "reject-publish"})
	require.NoError(t, ch.Confirm(false))
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 4))
	returns := ch.NotifyReturn(make(chan amqp.Return, 4))
	for _, b := range []string{"1", "2", "3"} {
		require.NoError(t, ch.Publish("", "full", true, false, amqp.Publishing{Body: []byte(b)}))
	}
	for i, want := range []bool{true, false, false} {
		select {
		case c := <-confirms:
			require.Equal(t, uint64(i+1), c.DeliveryTag)
			require.Equal(t, want, c.Ack, "confirm %d", i+1)
		case <-time.After(5 * time.Second):
			t.Fatal("no confirm")
		}
	}
	select {
	case r := <-returns:
		t.Fatalf("unexpected basic.return %d", r.ReplyCode)
	case <-time.After(100 * time.Millisecond):
	}
	m, ok, err := ch.Get("full", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "1", string(m.Body))
	// Room again: acked.
	require.NoError(t, ch.Publish("", "full", false, false, amqp.Publishing{Body: []byte("4")}))
	c := <-confirms
	require.Equal(t, uint64(4), c.DeliveryTag)
	require.True(t, c.Ack)
}

func TestPriorityQueueOrder(t *testing.T) {
	ch, _, _ := channel(t)
	declare(t, ch, "prio", amqp.Table{"x-max-priority": 10})
	for _, p := range []struct {
		body string
		prio uint8
	}{{"low", 1}, {"none", 0}, {"high", 9}, {"mid", 5}, {"high2", 9}, {"over", 200}} {
		publishTo(t, ch, "prio", amqp.Publishing{Body: []byte(p.body), Priority: p.prio})
	}
	d := consume(t, ch, "prio", "", true)
	var got []string
	for range 6 {
		got = append(got, string(recv(t, d).Body))
	}
	require.Equal(t, []string{"over", "high", "high2", "mid", "low", "none"}, got)
}

func TestSingleActiveConsumerFailover(t *testing.T) {
	_, url := start(t)
	conn := dial(t, url)
	pub, err := conn.Channel()
	require.NoError(t, err)
	declare(t, pub, "sac", amqp.Table{"x-single-active-consumer": true})
	ch1, err := conn.Channel()
	require.NoError(t, err)
	ch2, err := conn.Channel()
	require.NoError(t, err)
	d1 := consume(t, ch1, "sac", "first", false)
	d2 := consume(t, ch2, "sac", "second", false)
	for _, b := range []string{"1", "2"} {
		publishTo(t, pub, "sac", amqp.Publishing{Body: []byte(b)})
	}
	require.Equal(t, "1", string(recv(t, d1).Body))
	m := recv(t, d1)
	require.Equal(t, "2", string(m.Body))
	require.NoError(t, m.Ack(false))
	none(t, d2)

	// The active consumer cancels: the second takes over.
	require.NoError(t, ch1.Cancel("first", false))
	publishTo(t, pub, "sac", amqp.Publishing{Body: []byte("3")})
	require.Equal(t, "3", string(recv(t, d2).Body))
	// Closing the first channel requeues its unacked "1" to the new
	// active consumer.
	require.NoError(t, ch1.Close())
	m = recv(t, d2)
	require.Equal(t, "1", string(m.Body))
	require.True(t, m.Redelivered)
}

func TestQueueExpiresDeletes(t *testing.T) {
	s, url := start(t)
	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	declare(t, ch, "ephemeral", amqp.Table{"x-expires": 30})
	declare(t, ch, "kept", amqp.Table{"x-expires": 30})
	d := consume(t, ch, "kept", "", true)
	// Watch the broker's queue list: a passive declare would renew the
	// lease, as in RabbitMQ.
	exists := func(name string) bool {
		found := false
		s.Engine.Exec(func(tx *broker.Tx) {
			for _, q := range s.Queues.Queues(tx) {
				found = found || q.Name == name
			}
		})
		return found
	}
	require.Eventually(t, func() bool { return !exists("ephemeral") }, 5*time.Second, 5*time.Millisecond)
	other, err := conn.Channel()
	require.NoError(t, err)
	_, err = other.QueueDeclarePassive("ephemeral", false, false, false, false, nil)
	amqpErr(t, err, 404, "NOT_FOUND - no queue 'ephemeral' in vhost '/'")
	// A queue with a consumer is in use and stays.
	_, err = ch.QueueDeclarePassive("kept", false, false, false, false, nil)
	require.NoError(t, err)
	publishTo(t, ch, "kept", amqp.Publishing{Body: []byte("still here")})
	require.Equal(t, "still here", string(recv(t, d).Body))
}

// TestDLXPersistentSurvivesRestart: a persistent message dead-lettered into
// a durable queue is recorded like a publish and is back, with its x-death,
// after a restart.
func TestDLXPersistentSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s, url := testutil.StartSwitchyardAMQP(t, []string{"dir", dir}, []string{"appendfsync", "always"})
	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("dead", true, false, false, false, nil)
	require.NoError(t, err)
	_, err = ch.QueueDeclare("work", true, false, false, false, amqp.Table{"x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dead"})
	require.NoError(t, err)
	publishTo(t, ch, "work", amqp.Publishing{DeliveryMode: amqp.Persistent, Body: []byte("durable")})
	publishTo(t, ch, "work", amqp.Publishing{DeliveryMode: amqp.Transient, Body: []byte("transient")})
	for range 2 {
		m, ok, err := ch.Get("work", false)
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, m.Reject(false))
	}
	q, err := ch.QueueDeclarePassive("dead", true, false, false, false, nil)
	require.NoError(t, err)
	require.Equal(t, 2, q.Messages)
	require.NoError(t, conn.Close())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.Shutdown(ctx))

	_, url2 := testutil.StartSwitchyardAMQP(t, []string{"dir", dir}, []string{"appendfsync", "always"})
	ch2, err := dial(t, url2).Channel()
	require.NoError(t, err)
	m, ok, err := ch2.Get("dead", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "durable", string(m.Body))
	e := xDeath(t, m)
	require.Equal(t, "rejected", e["reason"])
	require.Equal(t, "work", e["queue"])
	_, ok, err = ch2.Get("dead", true)
	require.NoError(t, err)
	require.False(t, ok, "the transient dead letter is gone")
	_, ok, err = ch2.Get("work", true)
	require.NoError(t, err)
	require.False(t, ok, "the source queue recorded its removal")
}
