package amqpbridge_test

import (
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"
)

func TestExchangeDeclareAndRouting(t *testing.T) {
	ch, _, _ := channel(t)
	require.NoError(t, ch.ExchangeDeclare("logs", "fanout", false, false, false, false, nil))
	require.NoError(t, ch.ExchangeDeclare("logs", "fanout", false, false, false, false, nil), "equivalent redeclare")
	require.NoError(t, ch.ExchangeDeclarePassive("logs", "fanout", false, false, false, false, nil))
	require.NoError(t, ch.ExchangeDeclare("topics", "topic", true, false, false, false, nil))
	for _, q := range []string{"a", "b"} {
		_, err := ch.QueueDeclare(q, false, true, false, false, nil)
		require.NoError(t, err)
		require.NoError(t, ch.QueueBind(q, "", "logs", false, nil))
	}
	require.NoError(t, ch.QueueBind("a", "kern.*", "topics", false, nil))
	publish(t, ch, "logs", "", body("both"))
	publish(t, ch, "topics", "kern.crit", body("a only"))
	publish(t, ch, "topics", "cron.info", body("nobody"))
	for q, want := range map[string][]string{"a": {"both", "a only"}, "b": {"both"}} {
		for _, w := range want {
			d, ok, err := ch.Get(q, true)
			require.NoError(t, err)
			require.True(t, ok, q)
			require.Equal(t, w, string(d.Body))
		}
		_, ok, err := ch.Get(q, true)
		require.NoError(t, err)
		require.False(t, ok, q)
	}
}

func TestExchangeToExchangeBindings(t *testing.T) {
	ch, _, _ := channel(t)
	require.NoError(t, ch.ExchangeDeclare("src", "direct", false, false, false, false, nil))
	require.NoError(t, ch.ExchangeDeclare("dst", "fanout", false, true, false, false, nil))
	require.NoError(t, ch.ExchangeBind("dst", "k", "src", false, nil))
	_, err := ch.QueueDeclare("q", false, true, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind("q", "", "dst", false, nil))
	publish(t, ch, "src", "k", body("via e2e"))
	d, ok, err := ch.Get("q", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "via e2e", string(d.Body))
	require.Equal(t, "src", d.Exchange)
	require.NoError(t, ch.ExchangeUnbind("dst", "k", "src", false, nil))
	publish(t, ch, "src", "k", body("dropped"))
	_, ok, err = ch.Get("q", true)
	require.NoError(t, err)
	require.False(t, ok)
}

func TestAlternateExchangeAndInternal(t *testing.T) {
	ch, _, _ := channel(t)
	require.NoError(t, ch.ExchangeDeclare("ae", "fanout", false, false, true, false, nil))
	require.NoError(t, ch.ExchangeDeclare("main", "direct", false, false, false, false, amqp.Table{"alternate-exchange": "ae"}))
	_, err := ch.QueueDeclare("unrouted", false, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind("unrouted", "", "ae", false, nil))
	publish(t, ch, "main", "nokey", body("to ae"))
	d, ok, err := ch.Get("unrouted", true)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "to ae", string(d.Body))
	// Publishing to an internal exchange closes the channel with 403. The
	// close is asynchronous to the client: wait for it on NotifyClose
	// rather than racing a later method against it.
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	publish(t, ch, "ae", "", body("x"))
	select {
	case e := <-closed:
		amqpErr(t, e, 403, "ACCESS_REFUSED - cannot publish to internal exchange 'ae' in vhost '/'")
	case <-time.After(10 * time.Second):
		t.Fatal("channel not closed after publishing to an internal exchange")
	}
}

func TestExchangeDelete(t *testing.T) {
	ch, conn, _ := channel(t)
	require.NoError(t, ch.ExchangeDeclare("x", "direct", false, false, false, false, nil))
	_, err := ch.QueueDeclare("q", false, true, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind("q", "k", "x", false, nil))
	err = ch.ExchangeDelete("x", true, false)
	amqpErr(t, err, 406, "PRECONDITION_FAILED - exchange 'x' in vhost '/' in use")
	ch, err = conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch.ExchangeDelete("x", false, false))
	err = ch.ExchangeDeclarePassive("x", "direct", false, false, false, false, nil)
	amqpErr(t, err, 404, "NOT_FOUND - no exchange 'x' in vhost '/'")
}

func TestAutoDeleteExchange(t *testing.T) {
	ch, _, _ := channel(t)
	require.NoError(t, ch.ExchangeDeclare("ad", "fanout", false, true, false, false, nil))
	_, err := ch.QueueDeclare("q", false, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.QueueBind("q", "", "ad", false, nil))
	require.NoError(t, ch.QueueUnbind("q", "", "ad", nil))
	err = ch.ExchangeDeclarePassive("ad", "fanout", false, true, false, false, nil)
	amqpErr(t, err, 404, "")
}
