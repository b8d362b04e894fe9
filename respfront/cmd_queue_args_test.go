package respfront_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// Queue arguments over RESP (ARG key value), implemented by package queue.

func TestQueueArgErrors(t *testing.T) {
	c := client(t)
	mustErr(t, c, "PRECONDITION_FAILED - invalid arg 'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}",
		"QUEUE.DECLARE", "q", "ARG", "x-max-length", "-1")
	mustErr(t, c, `PRECONDITION_FAILED - invalid arg 'x-expires' for queue 'q' in vhost '/': "expected integer, got longstr"`,
		"QUEUE.DECLARE", "q", "ARG", "x-expires", "soon")
	mustErr(t, c, "PRECONDITION_FAILED - invalid arg 'x-overflow' for queue 'q' in vhost '/': invalid_overflow",
		"QUEUE.DECLARE", "q", "ARG", "x-overflow", "drop-tail")
	mustErr(t, c, "PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue 'q' in vhost '/': {unacceptable_type,longstr}",
		"QUEUE.DECLARE", "q", "ARG", "x-single-active-consumer", "yes")
	mustDo(t, c, []any{"q", int64(0), int64(0)}, "QUEUE.DECLARE", "q", "ARG", "x-max-length", "0")
}

func TestQueueArgMaxLenRejectPublish(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"full", int64(0), int64(0)}, "QUEUE.DECLARE", "full", "ARG", "x-max-length", "1", "ARG", "x-overflow", "reject-publish")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "full", "a")
	mustErr(t, c, "REJECTED - message rejected: queue 'full' in vhost '/' is at its max length", "QUEUE.PUBLISH", "full", "b")
	mustDo(t, c, []any{"drop", int64(0), int64(0)}, "QUEUE.DECLARE", "drop", "ARG", "x-max-length", "1")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "drop", "a")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "drop", "b")
	require.Equal(t, "b", get(t, c, "QUEUE.GET", "drop", "NOACK").Body)
	mustNil(t, c, "QUEUE.GET", "drop")
}

func TestQueueArgDeadLetter(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"dead", int64(0), int64(0)}, "QUEUE.DECLARE", "dead")
	mustDo(t, c, []any{"work", int64(0), int64(0)}, "QUEUE.DECLARE", "work",
		"ARG", "x-dead-letter-exchange", "", "ARG", "x-dead-letter-routing-key", "dead")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "work", "job")
	d := get(t, c, "QUEUE.GET", "work")
	mustDo(t, c, int64(1), "QUEUE.NACK", d.Tag, "DROP")
	dl := get(t, c, "QUEUE.GET", "dead", "NOACK")
	require.Equal(t, "job", dl.Body)
	require.Equal(t, "dead", dl.RoutingKey)
	headers := map[string]any{}
	h := dl.Props["headers"].([]any)
	for i := 0; i < len(h); i += 2 {
		headers[h[i].(string)] = h[i+1]
	}
	require.Equal(t, "rejected", headers["x-first-death-reason"])
	require.Equal(t, "work", headers["x-first-death-queue"])
	deaths := headers["x-death"].([]any)
	require.Len(t, deaths, 1)
	entry := map[string]any{}
	e := deaths[0].([]any)
	for i := 0; i < len(e); i += 2 {
		entry[e[i].(string)] = e[i+1]
	}
	require.Equal(t, int64(1), entry["count"])
	require.Equal(t, "rejected", entry["reason"])
	require.Equal(t, []any{"work"}, entry["routing-keys"])
}

func TestQueueArgPriorityAndSingleActive(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	mustDo(t, c, []any{"p", int64(0), int64(0)}, "QUEUE.DECLARE", "p", "ARG", "x-max-priority", "5")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "p", "low", "PRIORITY", "1")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "p", "high", "PRIORITY", "5")
	require.Equal(t, "high", get(t, c, "QUEUE.GET", "p", "NOACK").Body)
	require.Equal(t, "low", get(t, c, "QUEUE.GET", "p", "NOACK").Body)

	mustDo(t, c, []any{"sac", int64(0), int64(0)}, "QUEUE.DECLARE", "sac", "ARG", "x-single-active-consumer", "true")
	// Redeclaring with the same bool is equivalent.
	mustDo(t, c, []any{"sac", int64(0), int64(0)}, "QUEUE.DECLARE", "sac", "ARG", "x-single-active-consumer", "true")
	// Only the oldest consumer receives; the next takes over on cancel.
	other := testutil.Client(t, addr, 2)
	mustNil(t, c, "QUEUE.CONSUME", "sac", "TIMEOUT", "0.01")
	mustNil(t, other, "QUEUE.CONSUME", "sac", "TIMEOUT", "0.01")
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "sac", "m")
	mustNil(t, other, "QUEUE.CONSUME", "sac", "TIMEOUT", "0.01")
	require.Equal(t, "m", get(t, c, "QUEUE.CONSUME", "sac", "TIMEOUT", "1").Body)
	mustDo(t, c, int64(1), "QUEUE.PUBLISH", "sac", "n")
	mustDo(t, c, int64(1), "QUEUE.CANCEL", "sac")
	require.Equal(t, "n", get(t, other, "QUEUE.CONSUME", "sac", "TIMEOUT", "1").Body)
}
