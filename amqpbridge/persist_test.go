package amqpbridge_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// TestDurableStateSurvivesRestart: what an AMQP client declares durable
// and publishes persistent is back after a restart; transient state is not.
func TestDurableStateSurvivesRestart(t *testing.T) {
	for _, policy := range []string{"always", "everysec"} {
		t.Run(policy, func(t *testing.T) {
			dir := t.TempDir()
			s, url := testutil.StartSwitchyardAMQP(t, []string{"dir", dir}, []string{"appendfsync", policy})
			conn := dial(t, url)
			ch, err := conn.Channel()
			require.NoError(t, err)
			require.NoError(t, ch.ExchangeDeclare("dx", "direct", true, false, false, false, nil))
			require.NoError(t, ch.ExchangeDeclare("tx", "direct", false, false, false, false, nil))
			_, err = ch.QueueDeclare("dq", true, false, false, false, nil)
			require.NoError(t, err)
			_, err = ch.QueueDeclare("tq", false, false, false, false, nil)
			require.NoError(t, err)
			require.NoError(t, ch.QueueBind("dq", "k", "dx", false, nil))
			require.NoError(t, ch.Confirm(false))
			confirms := ch.NotifyPublish(make(chan amqp.Confirmation, 10))
			for i := range 3 {
				publish(t, ch, "dx", "k", amqp.Publishing{DeliveryMode: amqp.Persistent, Body: []byte(fmt.Sprint("p", i)),
					Headers: amqp.Table{"n": int32(i)}, CorrelationId: "c"})
			}
			publish(t, ch, "dx", "k", amqp.Publishing{DeliveryMode: amqp.Transient, Body: []byte("transient")})
			publish(t, ch, "", "tq", amqp.Publishing{DeliveryMode: amqp.Persistent, Body: []byte("in a transient queue")})
			for range 5 {
				select {
				case c := <-confirms:
					require.True(t, c.Ack)
				case <-time.After(5 * time.Second):
					t.Fatal("confirm missing")
				}
			}
			d, ok, err := ch.Get("dq", false)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, "p0", string(d.Body))
			require.NoError(t, d.Ack(false))
			require.NoError(t, conn.Close())
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, s.Shutdown(ctx))

			_, url2 := testutil.StartSwitchyardAMQP(t, []string{"dir", dir}, []string{"appendfsync", policy})
			ch2, err := dial(t, url2).Channel()
			require.NoError(t, err)
			require.NoError(t, ch2.ExchangeDeclarePassive("dx", "direct", true, false, false, false, nil))
			for _, want := range []string{"p1", "p2"} {
				d, ok, err := ch2.Get("dq", true)
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, want, string(d.Body))
				require.Equal(t, "c", d.CorrelationId)
				require.Equal(t, uint8(2), d.DeliveryMode)
			}
			_, ok, err = ch2.Get("dq", true)
			require.NoError(t, err)
			require.False(t, ok, "the transient message is gone")
			publish(t, ch2, "dx", "k", body("bound"))
			d, ok, err = ch2.Get("dq", true)
			require.NoError(t, err)
			require.True(t, ok, "the binding is back")
			require.Equal(t, "bound", string(d.Body))
			_, err = ch2.QueueDeclarePassive("tq", false, false, false, false, nil)
			amqpErr(t, err, 404, "")
		})
	}
}
