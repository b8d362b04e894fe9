package amqpbridge_test

import (
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/server"
	"github.com/switchyard/switchyard/internal/testutil"
)

// start starts a Switchyard with the AMQP front on a free port and returns
// the server and its AMQP URL.
func start(t *testing.T) (*server.Server, string) {
	t.Helper()
	return testutil.StartSwitchyardAMQP(t)
}

// dial connects amqp091-go to url; the connection is closed at the end of
// the test.
func dial(t *testing.T, url string) *amqp.Connection {
	t.Helper()
	conn, err := amqp.DialConfig(url, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

// channel opens a channel on a fresh connection to a fresh server.
func channel(t *testing.T) (*amqp.Channel, *amqp.Connection, string) {
	t.Helper()
	_, url := start(t)
	conn := dial(t, url)
	ch, err := conn.Channel()
	require.NoError(t, err)
	return ch, conn, url
}

// recv waits for one delivery.
func recv(t *testing.T, d <-chan amqp.Delivery) amqp.Delivery {
	t.Helper()
	select {
	case m, ok := <-d:
		require.True(t, ok, "delivery channel closed")
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery within 5s")
	}
	return amqp.Delivery{}
}

// none checks that no delivery arrives for a short while.
func none(t *testing.T, d <-chan amqp.Delivery) {
	t.Helper()
	select {
	case m, ok := <-d:
		if ok {
			t.Fatalf("unexpected delivery %q", m.Body)
		}
	case <-time.After(100 * time.Millisecond):
	}
}

// amqpErr asserts err is an *amqp.Error with code and reply text.
func amqpErr(t *testing.T, err error, code int, text string) {
	t.Helper()
	var ae *amqp.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, code, ae.Code, ae.Reason)
	if text != "" {
		require.Equal(t, text, ae.Reason)
	}
}
