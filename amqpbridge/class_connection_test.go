package amqpbridge_test

import (
	"context"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	. "github.com/switchyard/switchyard/amqpbridge"
)

func TestConnectionStartAndTune(t *testing.T) {
	_, url := start(t)
	conn := dial(t, url)
	require.Equal(t, 0, conn.Major)
	require.Equal(t, 9, conn.Minor)
	require.Equal(t, "Switchyard", conn.Properties["product"])
	caps, ok := conn.Properties["capabilities"].(amqp.Table)
	require.True(t, ok)
	for _, c := range []string{"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
		"consumer_cancel_notify", "connection.blocked", "per_consumer_qos", "direct_reply_to",
		"authentication_failure_close"} {
		require.Equal(t, true, caps[c], c)
	}
	require.Equal(t, uint16(2047), conn.Config.ChannelMax)
	require.Equal(t, 131072, conn.Config.FrameSize)
	require.Equal(t, 10*time.Second, conn.Config.Heartbeat, "amqp091-go asks for 10 s, below the 60 s offered")

	r := dialRaw(t, url)
	start := r.handshake(DefaultFrameMax, 60)
	require.Equal(t, "PLAIN AMQPLAIN", start.Mechanisms)
	require.Equal(t, "en_US", start.Locales)
}

func TestAuthMechanisms(t *testing.T) {
	_, url := start(t)
	conn, err := amqp.DialConfig(url, amqp.Config{SASL: []amqp.Authentication{&amqp.AMQPlainAuth{Username: "guest", Password: "guest"}}})
	require.NoError(t, err)
	require.NoError(t, conn.Close())

	_, err = amqp.Dial(strings.Replace(url, "guest:guest", "guest:wrong", 1))
	// amqp091-go turns the 403 connection.close into its own error text.
	require.ErrorIs(t, err, amqp.ErrCredentials)
	_, err = amqp.Dial(strings.Replace(url, "guest:guest", "nobody:guest", 1))
	require.ErrorIs(t, err, amqp.ErrCredentials)
}

func TestVirtualHost(t *testing.T) {
	_, url := start(t)
	_, err := amqp.Dial(url + "other")
	amqpErr(t, err, 530, "NOT_ALLOWED - vhost other not found")
	conn, err := amqp.Dial(strings.TrimSuffix(url, "/") + "/%2f")
	require.NoError(t, err)
	conn.Close()
}

func TestConnectionCloseFromClient(t *testing.T) {
	srv, url := start(t)
	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("", false, false, true, false, nil)
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	require.Eventually(t, func() bool { return srv.AMQP.ConnectionCount() == 0 }, 5*time.Second, 5*time.Millisecond)
}

func TestConnectionCloseFromServer(t *testing.T) {
	srv, url := start(t)
	conn := dial(t, url)
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.AMQP.Shutdown(ctx))
	select {
	case e := <-closed:
		require.NotNil(t, e)
		require.Equal(t, 320, e.Code)
		require.Equal(t, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", e.Reason)
	case <-time.After(5 * time.Second):
		t.Fatal("connection not closed")
	}
}

func TestChannelMaxCountsOpenChannels(t *testing.T) {
	_, url := start(t)
	r := dialRaw(t, url)
	r.write(ProtocolHeader)
	expect[*ConnectionStart](r)
	r.method(0, &ConnectionStartOk{Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US"})
	expect[*ConnectionTune](r)
	r.method(0, &ConnectionTuneOk{ChannelMax: 2, FrameMax: DefaultFrameMax})
	r.method(0, &ConnectionOpen{VirtualHost: "/"})
	expect[*ConnectionOpenOk](r)
	r.open(7)
	r.open(9000) // numbers are not limited, counts are (as RabbitMQ)
	r.method(3, &ChannelOpen{})
	c := expect[*ConnectionClose](r)
	require.Equal(t, uint16(530), c.ReplyCode)
	require.Equal(t, "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)", c.ReplyText)
}

func TestGarbageGetsHeaderBackAndServerStaysUp(t *testing.T) {
	_, url := start(t)
	for _, junk := range []string{"GET / HTTP/1.1\r\n\r\n", "AMQP\x00\x00\x0a\x00", "\x00\x00\x00\x00\x00\x00\x00\x00"} {
		r := dialRaw(t, url)
		r.write([]byte(junk))
		got := make([]byte, 16)
		_ = r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := r.nc.Read(got)
		require.Equal(t, string(ProtocolHeader), string(got[:n]))
	}
	// Frames past frame-max and random bytes after the handshake close
	// only that connection.
	r := dialRaw(t, url)
	r.handshake(DefaultFrameMax, 0)
	r.write([]byte{FrameBody, 0, 1, 0xff, 0xff, 0xff, 0xff})
	c := expect[*ConnectionClose](r)
	require.Equal(t, uint16(501), c.ReplyCode)
	require.Equal(t, "FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,4294967295,131064}", c.ReplyText)

	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("still-up", false, true, false, false, nil)
	require.NoError(t, err)
}
