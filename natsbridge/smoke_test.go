package natsbridge_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/natsbridge"
)

func TestSmoke(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	nc := connect(t, f.url)
	sub, err := nc.SubscribeSync("foo.*")
	require.NoError(t, err)
	require.NoError(t, nc.Publish("foo.bar", []byte("hello")))
	m, err := sub.NextMsg(2 * time.Second)
	require.NoError(t, err)
	require.Equal(t, "hello", string(m.Data))
	require.Equal(t, "foo.bar", m.Subject)
}
