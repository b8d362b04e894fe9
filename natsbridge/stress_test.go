package natsbridge_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// TestConcurrentTraffic runs NATS publishers, RESP publishers to
// amq.topic, subscribers (one in a queue group) and subscription churn at
// once, under the race detector: every message is counted exactly where
// NATS rules say, and nothing deadlocks.
func TestConcurrentTraffic(t *testing.T) {
	s, url := testutil.StartSwitchyardNATS(t)
	const (
		natsPubs = 3
		perPub   = 400
		respPubs = 2
		perResp  = 100
	)
	total := natsPubs*perPub + respPubs*perResp

	var plain, group atomic.Int64
	sub := connect(t, url)
	_, err := sub.Subscribe("load.>", func(*nats.Msg) { plain.Add(1) })
	require.NoError(t, err)
	for range 3 {
		nc := connect(t, url)
		_, err := nc.QueueSubscribe("load.*", "g", func(*nats.Msg) { group.Add(1) })
		require.NoError(t, err)
		require.NoError(t, nc.Flush())
	}
	require.NoError(t, sub.Flush())

	// A queue bound to amq.topic sees the NATS publishes too.
	rc := testutil.Client(t, s.RESPAddr(), 3)
	do(t, rc, "QUEUE.DECLARE", "tapq")
	do(t, rc, "QUEUE.BIND", "tapq", "amq.topic", "load.#")

	stop := make(chan struct{})
	var churn sync.WaitGroup
	churn.Add(1)
	go func() { // subscriptions come and go on unrelated and related subjects
		defer churn.Done()
		nc, err := nats.Connect(url)
		if err != nil {
			t.Error(err)
			return
		}
		defer nc.Close()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s1, err := nc.SubscribeSync("load." + strconv.Itoa(i%5))
			if err != nil {
				t.Error(err)
				return
			}
			s2, _ := nc.SubscribeSync("other.>")
			_ = s1.Unsubscribe()
			_ = s2.Unsubscribe()
		}
	}()

	var wg sync.WaitGroup
	for p := range natsPubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc, err := nats.Connect(url)
			if err != nil {
				t.Error(err)
				return
			}
			defer nc.Close()
			for i := range perPub {
				if err := nc.Publish("load."+strconv.Itoa(p), []byte(strconv.Itoa(i))); err != nil {
					t.Error(err)
					return
				}
			}
			if err := nc.Flush(); err != nil {
				t.Error(err)
			}
		}()
	}
	for p := range respPubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := testutil.Client(t, s.RESPAddr(), 3)
			for i := range perResp {
				if err := c.Do(context.Background(), "EXCHANGE.PUBLISH", "amq.topic", "load.r"+strconv.Itoa(p), strconv.Itoa(i)).Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	churn.Wait()
	require.Eventually(t, func() bool { return plain.Load() == int64(total) && group.Load() == int64(total) },
		15*time.Second, 5*time.Millisecond, "plain %d group %d of %d", plain.Load(), group.Load(), total)
	require.NoError(t, sub.Flush())
	require.EqualValues(t, total, plain.Load(), "exactly once")
	require.EqualValues(t, total, group.Load(), "exactly once per group")
	// The queue got every message: NATS publishes through the batch, RESP
	// ones directly.
	require.EqualValues(t, int64(total), queueCounts(t, rc, "tapq")[0])
}
