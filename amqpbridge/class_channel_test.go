package amqpbridge_test

import (
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"
)

func TestChannelErrorClosesOnlyTheChannel(t *testing.T) {
	ch, conn, _ := channel(t)
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	other, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclarePassive("missing", false, false, false, false, nil)
	amqpErr(t, err, 404, "NOT_FOUND - no queue 'missing' in vhost '/'")
	e := <-closed
	require.Equal(t, 404, e.Code)
	require.True(t, e.Server)
	require.False(t, conn.IsClosed())
	_, err = other.QueueDeclare("fine", false, true, false, false, nil)
	require.NoError(t, err)
	// The channel number can be used again.
	again, err := conn.Channel()
	require.NoError(t, err)
	_, err = again.QueueDeclare("fine2", false, true, false, false, nil)
	require.NoError(t, err)
}

func TestConnectionErrorClosesTheConnection(t *testing.T) {
	ch, conn, _ := channel(t)
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	err := ch.ExchangeDeclare("x", "nosuchtype", false, false, false, false, nil)
	amqpErr(t, err, 503, "COMMAND_INVALID - unknown exchange type 'nosuchtype'")
	select {
	case e := <-closed:
		require.Equal(t, 503, e.Code)
	case <-time.After(5 * time.Second):
		t.Fatal("connection not closed")
	}
	require.True(t, conn.IsClosed())
}

func TestChannelCloseBothWaysAndFlow(t *testing.T) {
	ch, conn, _ := channel(t)
	require.NoError(t, ch.Flow(true))
	require.NoError(t, ch.Close())
	// Server-initiated close is covered by the channel error tests; a
	// flow(false) is a connection error in RabbitMQ 3.x.
	ch2, err := conn.Channel()
	require.NoError(t, err)
	err = ch2.Flow(false)
	amqpErr(t, err, 540, "NOT_IMPLEMENTED - active=false")
}

func TestManyChannels(t *testing.T) {
	_, conn, _ := channel(t)
	var chans []*amqp.Channel
	for range 100 {
		ch, err := conn.Channel()
		require.NoError(t, err)
		chans = append(chans, ch)
	}
	for i, ch := range chans {
		_, err := ch.QueueDeclare("", false, true, true, false, nil)
		require.NoError(t, err, "channel %d", i)
		require.NoError(t, ch.Close())
	}
}
