package amqpbridge_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTxCommitAndRollbackPublishes(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.Tx())
	publish(t, ch, "", "q", body("1"))
	publish(t, ch, "", "q", body("2"))
	require.Equal(t, 0, ready(t, conn, "q"), "nothing before commit")
	require.NoError(t, ch.TxCommit())
	require.Equal(t, 2, ready(t, conn, "q"))
	publish(t, ch, "", "q", body("3"))
	require.NoError(t, ch.TxRollback())
	require.NoError(t, ch.TxCommit())
	require.Equal(t, 2, ready(t, conn, "q"), "the rolled back publish is gone")
}

func TestTxAcks(t *testing.T) {
	ch, conn, _ := channel(t)
	_, err := ch.QueueDeclare("q", false, false, false, false, nil)
	require.NoError(t, err)
	publish(t, ch, "", "q", body("1"))
	publish(t, ch, "", "q", body("2"))
	require.NoError(t, ch.Tx())
	d1, ok, err := ch.Get("q", false)
	require.NoError(t, err)
	require.True(t, ok)
	d2, ok, err := ch.Get("q", false)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, d1.Ack(false))
	require.NoError(t, d2.Reject(true))
	require.NoError(t, ch.TxRollback())
	// Rolled back: both still unacked; a recover puts them back.
	require.NoError(t, ch.Recover(true))
	require.Equal(t, 2, ready(t, conn, "q"))
	d1, _, err = ch.Get("q", false)
	require.NoError(t, err)
	require.True(t, d1.Redelivered)
	require.NoError(t, d1.Ack(false))
	require.Equal(t, 1, ready(t, conn, "q"), "acks wait for the commit")
	require.NoError(t, ch.TxCommit())
	require.NoError(t, ch.Recover(true))
	require.Equal(t, 1, ready(t, conn, "q"), "the committed ack stays")
}
