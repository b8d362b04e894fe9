package amqpbridge_test

import (
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"
)

func TestSmokeHelloWorld(t *testing.T) {
	ch, _, _ := channel(t)
	q, err := ch.QueueDeclare("hello", false, false, false, false, nil)
	require.NoError(t, err)
	require.Equal(t, "hello", q.Name)
	require.NoError(t, ch.Publish("", "hello", false, false, amqp.Publishing{ContentType: "text/plain", Body: []byte("Hello World!")}))
	msgs, err := ch.Consume("hello", "", true, false, false, false, nil)
	require.NoError(t, err)
	m := recv(t, msgs)
	require.Equal(t, "Hello World!", string(m.Body))
	require.Equal(t, "text/plain", m.ContentType)
}
