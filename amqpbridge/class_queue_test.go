package amqpbridge_test

import (
	"strings"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	. "github.com/switchyard/switchyard/amqpbridge"
)

func TestQueueDeclareServerNamedAndCounts(t *testing.T) {
	ch, _, _ := channel(t)
	q, err := ch.QueueDeclare("", false, false, true, false, nil)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(q.Name, "amq.gen-"), q.Name)
	publish(t, ch, "", q.Name, body("1"))
	publish(t, ch, "", q.Name, body("2"))
	_, err = ch.Consume(q.Name, "c", false, false, false, false, nil)
	require.NoError(t, err)
	p, err := ch.QueueDeclarePassive(q.Name, false, false, true, false, nil)
	require.NoError(t, err)
	require.Equal(t, 0, p.Messages, "both delivered to the consumer")
	require.Equal(t, 1, p.Consumers)
}

func TestExclusiveQueueLifetime(t *testing.T) {
	_, url := start(t)
	owner := dial(t, url)
	och, err := owner.Channel()
	require.NoError(t, err)
	_, err = och.QueueDeclare("mine", false, false, true, false, nil)
	require.NoError(t, err)

	other := dial(t, url)
	xch, err := other.Channel()
	require.NoError(t, err)
	_, err = xch.QueueDeclarePassive("mine", false, false, true, false, nil)
	amqpErr(t, err, 405, "")
	require.NoError(t, owner.Close())
	xch, err = other.Channel()
	require.NoError(t, err)
	_, err = xch.QueueDeclarePassive("mine", false, false, false, false, nil)
	amqpErr(t, err, 404, "NOT_FOUND - no queue 'mine' in vhost '/'")
}

func TestAutoDeleteQueue(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("ad", false, true, false, false, nil)
	require.NoError(t, err)
	_, err = ch.Consume("ad", "c", true, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.Cancel("c", false))
	ch, err = conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclarePassive("ad", false, true, false, false, nil)
	amqpErr(t, err, 404, "")
}

func TestQueueBindUnbindPurgeDelete(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, false, false, false, amqp.Table{"x-max-length": int32(10)})
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind("q", "k", "amq.direct", false, nil))
	publish(t, ch, "amq.direct", "k", body("1"))
	publish(t, ch, "amq.direct", "k", body("2"))
	require.NoError(t, ch.QueueUnbind("q", "k", "amq.direct", nil))
	publish(t, ch, "amq.direct", "k", body("3"))
	n, err := ch.QueuePurge("q", false)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	publish(t, ch, "", "q", body("4"))
	_, err = ch.QueueDelete("q", false, true, false)
	amqpErr(t, err, 406, "PRECONDITION_FAILED - queue 'q' in vhost '/' not empty")
	ch, err = conn.Channel()
	require.NoError(t, err)
	n, err = ch.QueueDelete("q", false, false, false)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	// Redeclaring with other arguments is refused, as RabbitMQ does.
	_, err = ch.QueueDeclare("args", false, true, false, false, amqp.Table{"x-max-length": int32(10)})
	require.NoError(t, err)
	_, err = ch.QueueDeclare("args", false, true, false, false, amqp.Table{"x-max-length": int32(11)})
	amqpErr(t, err, 406, "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'args' in vhost '/': received '11' but current is '10'")
}

func TestEmptyQueueNameMeansLastDeclared(t *testing.T) {
	_, url := start(t)
	r := dialRaw(t, url)
	r.handshake(131072, 0)
	r.open(1)
	r.method(1, &QueueDeclare{Queue: "", Exclusive: true})
	name := expect[*QueueDeclareOk](r).Queue
	r.method(1, &QueueBind{Queue: "", Exchange: "amq.direct"}) // key: the queue's name
	expect[*QueueBindOk](r)
	r.publish(1, &BasicPublish{Exchange: "amq.direct", RoutingKey: name}, &Properties{}, []byte("x"))
	r.method(1, &BasicGet{Queue: "", NoAck: true})
	ok := expect[*BasicGetOk](r)
	require.Equal(t, name, ok.RoutingKey)
	r.method(1, &BasicConsume{Queue: "", ConsumerTag: ""})
	tag := expect[*BasicConsumeOk](r).ConsumerTag
	require.True(t, strings.HasPrefix(tag, "amq.ctag-"), tag)
}
