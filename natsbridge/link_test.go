package natsbridge_test

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
	"github.com/switchyard/switchyard/natsbridge"
)

// Links against a real nats-server (Debian's, with JetStream): gated like
// every differential test (skipped without nats-server, failing under
// SWITCHYARD_REQUIRE_INTEGRATION=1).

// extNATS is an external nats-server with JetStream that a test can stop
// and start again on the same port and store.
type extNATS struct {
	t    *testing.T
	bin  string
	port int
	dir  string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

func startExtNATS(t *testing.T) *extNATS {
	t.Helper()
	e := &extNATS{t: t, bin: testutil.Need(t, "nats-server"), port: testutil.FreePort(t), dir: t.TempDir()}
	e.start()
	t.Cleanup(e.stop)
	return e
}

func (e *extNATS) url() string { return "nats://127.0.0.1:" + strconv.Itoa(e.port) }

func (e *extNATS) start() {
	e.t.Helper()
	cmd := exec.Command(e.bin, "-a", "127.0.0.1", "-p", strconv.Itoa(e.port), "-js", "-sd", e.dir)
	stderr, err := cmd.StderrPipe()
	require.NoError(e.t, err)
	require.NoError(e.t, cmd.Start())
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		closed := false
		for sc.Scan() {
			if !closed && strings.Contains(sc.Text(), "Server is ready") {
				close(ready)
				closed = true
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		e.t.Fatalf("nats-server on port %d did not become ready", e.port)
	}
	e.mu.Lock()
	e.cmd = cmd
	e.mu.Unlock()
}

func (e *extNATS) stop() {
	e.mu.Lock()
	cmd := e.cmd
	e.cmd = nil
	e.mu.Unlock()
	if cmd != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

func jsContext(t *testing.T, url string) (*nats.Conn, nats.JetStreamContext) {
	t.Helper()
	nc := connect(t, url)
	js, err := nc.JetStream()
	require.NoError(t, err)
	return nc, js
}

func TestParseLinkSpec(t *testing.T) {
	s, err := natsbridge.ParseLinkSpec(strings.Fields("out nats://h:4222 from-queue=q to-subject=a.b jetstream=yes prefetch=10"))
	require.NoError(t, err)
	require.Equal(t, natsbridge.LinkSpec{Name: "out", URL: "nats://h:4222", FromQueue: "q", ToSubject: "a.b", JetStream: true, Prefetch: 10}, s)
	require.True(t, s.Out())
	s, err = natsbridge.ParseLinkSpec(strings.Fields("in nats://h:4222 from-subject=a.> to-exchange=amq.topic routing-key=k durable=d"))
	require.NoError(t, err)
	require.Equal(t, natsbridge.LinkSpec{Name: "in", URL: "nats://h:4222", FromSubject: "a.>", ToExchange: "amq.topic", RoutingKey: "k", Durable: "d"}, s)
	for _, bad := range []string{
		"x nats://h", "x nats://h from-queue=q", "x nats://h to-subject=s", "x nats://h from-queue=q from-subject=s to-subject=t",
		"x nats://h from-subject=s", "x nats://h from-queue=q to-subject=s bogus=1", "a,b nats://h from-queue=q to-subject=s",
		"x nats://h from-queue=q to-subject=s prefetch=0", "x nats://h from-queue=q to-subject=s nokey",
	} {
		_, err := natsbridge.ParseLinkSpec(strings.Fields(bad))
		require.Error(t, err, bad)
	}
}

// TestLinkOutCore: a local queue drains to a core NATS subject (a link
// from the configuration); a message is acked locally once the external
// server answered the PONG after it.
func TestLinkOutCore(t *testing.T) {
	ext := startExtNATS(t)
	obs := connect(t, ext.url())
	sub, err := obs.SubscribeSync("ext.orders")
	require.NoError(t, err)
	require.NoError(t, obs.Flush())

	s := testutil.StartSwitchyard(t, []string{"nats-link", "orders-out", ext.url(), "from-queue=orders", "to-subject=ext.orders"})
	require.Len(t, s.NATSLinks, 1)
	link := s.NATSLinks[0]
	rc := testutil.Client(t, s.RESPAddr(), 3)
	for i := range 100 {
		do(t, rc, "QUEUE.PUBLISH", "orders", "order "+strconv.Itoa(i), "HEADER", "shop", "eu", "CORRELATION-ID", "c"+strconv.Itoa(i))
	}
	for i := range 100 {
		m := next(t, sub)
		require.Equal(t, "order "+strconv.Itoa(i), string(m.Data))
		require.Equal(t, "eu", m.Header.Get("shop"))
		require.Equal(t, "c"+strconv.Itoa(i), m.Header.Get("Amqp-Correlation-Id"))
		require.Equal(t, "orders-out", m.Header.Get(natsbridge.ViaHeader))
	}
	require.Eventually(t, func() bool { return link.Status().Moved == 100 }, 10*time.Second, time.Millisecond)
	st := link.Status()
	require.Equal(t, "out", st.Direction)
	require.True(t, st.Connected)
	require.Empty(t, st.LastError)
	// Acked: nothing ready, nothing unacked.
	require.Eventually(t, func() bool { return queueCounts(t, rc, "orders") == [2]int64{0, 0} }, 5*time.Second, time.Millisecond)
}

// queueCounts returns a queue's ready and unacked counts from QUEUE.LIST.
func queueCounts(t *testing.T, rc *redis.Client, name string) [2]int64 {
	t.Helper()
	for _, e := range do(t, rc, "QUEUE.LIST").([]any) {
		m := asMap(t, e)
		if m["name"] == name {
			return [2]int64{m["messages"].(int64), m["unacked"].(int64)}
		}
	}
	t.Fatalf("queue %s not listed", name)
	return [2]int64{}
}

// TestLinkOutJetStreamRestart moves 10,000 messages from a local queue into
// a JetStream stream on the external server, which is restarted in the
// middle of the transfer: every message arrives (a batch whose acks were
// lost is sent again, so duplicates are allowed), and the local queue
// ends empty.
func TestLinkOutJetStreamRestart(t *testing.T) {
	ext := startExtNATS(t)
	_, js := jsContext(t, ext.url())
	_, err := js.AddStream(&nats.StreamConfig{Name: "BIG", Subjects: []string{"ext.big"}, Storage: nats.FileStorage})
	require.NoError(t, err)

	s := testutil.StartSwitchyard(t)
	rc := testutil.Client(t, s.RESPAddr(), 3)
	do(t, rc, "QUEUE.DECLARE", "big", "DURABLE")
	const n = 10000
	pipe := rc.Pipeline()
	for i := range n {
		pipe.Do(context.Background(), "QUEUE.PUBLISH", "big", "m"+strconv.Itoa(i))
	}
	_, err = pipe.Exec(context.Background())
	require.NoError(t, err)

	link, err := natsbridge.StartLink(s.Engine, s.Queues, natsbridge.LinkSpec{
		Name: "big-out", URL: ext.url(), FromQueue: "big", ToSubject: "ext.big", JetStream: true,
	}, natsbridge.LinkOptions{Logger: testLogger(), MaxReconnectWait: 200 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(link.Close)

	require.Eventually(t, func() bool { return link.Status().Moved >= 2000 }, 20*time.Second, time.Millisecond)
	ext.stop()
	require.Eventually(t, func() bool { return !link.Status().Connected }, 10*time.Second, time.Millisecond)
	stalled := link.Status().Moved
	require.Less(t, stalled, int64(n), "the transfer finished before the restart")
	ext.start()
	require.Eventually(t, func() bool { return link.Status().Moved == n }, 60*time.Second, 5*time.Millisecond,
		"moved %d of %d; last error %q", link.Status().Moved, n, link.Status().LastError)
	require.Eventually(t, func() bool { return queueCounts(t, rc, "big") == [2]int64{0, 0} }, 5*time.Second, time.Millisecond)

	// Every message is in the stream.
	_, js = jsContext(t, ext.url())
	info, err := js.StreamInfo("BIG")
	require.NoError(t, err)
	require.GreaterOrEqual(t, info.State.Msgs, uint64(n))
	reader, err := js.SubscribeSync("ext.big", nats.OrderedConsumer())
	require.NoError(t, err)
	seen := make([]bool, n)
	for range info.State.Msgs {
		m, err := reader.NextMsg(5 * time.Second)
		require.NoError(t, err)
		i, err := strconv.Atoi(strings.TrimPrefix(string(m.Data), "m"))
		require.NoError(t, err)
		seen[i] = true
	}
	for i, ok := range seen {
		require.True(t, ok, "message m%d lost", i)
	}
	t.Logf("stalled at %d, stream holds %d for %d messages (%d duplicates)", stalled, info.State.Msgs, n, info.State.Msgs-n)
}

// TestLinkInDurable moves a JetStream stream's messages into a local
// exchange through a durable consumer, acking each on the external server
// once it is in the local queue.
func TestLinkInDurable(t *testing.T) {
	ext := startExtNATS(t)
	_, js := jsContext(t, ext.url())
	_, err := js.AddStream(&nats.StreamConfig{Name: "EV", Subjects: []string{"ev.>"}, Storage: nats.FileStorage})
	require.NoError(t, err)
	const n = 500
	for i := range n {
		m := nats.NewMsg("ev." + []string{"a", "b"}[i%2])
		m.Data = []byte("e" + strconv.Itoa(i))
		m.Header.Set("Amqp-Message-Id", "id"+strconv.Itoa(i))
		_, err := js.PublishMsg(m)
		require.NoError(t, err)
	}

	s := testutil.StartSwitchyard(t, []string{"appendfsync", "always"})
	rc := testutil.Client(t, s.RESPAddr(), 3)
	do(t, rc, "QUEUE.DECLARE", "events", "DURABLE")
	do(t, rc, "QUEUE.BIND", "events", "amq.topic", "ev.#")
	link, err := natsbridge.StartLink(s.Engine, s.Queues, natsbridge.LinkSpec{
		Name: "ev-in", URL: ext.url(), FromSubject: "ev.>", ToExchange: "amq.topic", Durable: "switchyard",
	}, natsbridge.LinkOptions{Logger: testLogger(), Durability: nil})
	require.NoError(t, err)
	t.Cleanup(link.Close)
	require.Eventually(t, func() bool { return link.Status().Moved == n }, 20*time.Second, time.Millisecond)
	for i := range n {
		d, p := get(t, rc, "events")
		require.Equal(t, "e"+strconv.Itoa(i), d["body"])
		require.Equal(t, "ev."+[]string{"a", "b"}[i%2], d["routing-key"])
		require.Equal(t, "id"+strconv.Itoa(i), p["message-id"])
		require.EqualValues(t, 2, p["delivery-mode"], "stored by JetStream, persistent here")
		require.Equal(t, "ev-in", asMap(t, p["headers"])[natsbridge.ViaHeader])
	}
	// Every message was acknowledged on the external server.
	require.Eventually(t, func() bool {
		ci, err := js.ConsumerInfo("EV", "switchyard")
		return err == nil && ci.NumAckPending == 0 && ci.NumPending == 0 && ci.AckFloor.Stream == n
	}, 10*time.Second, 5*time.Millisecond)
}

// TestLinkNoLoop: an out link and an in link in opposite directions move a
// message once each way, not forever.
func TestLinkNoLoop(t *testing.T) {
	ext := startExtNATS(t)
	obs := connect(t, ext.url())
	sub, err := obs.SubscribeSync("loop.s")
	require.NoError(t, err)
	require.NoError(t, obs.Flush())

	s := testutil.StartSwitchyard(t)
	rc := testutil.Client(t, s.RESPAddr(), 3)
	opts := natsbridge.LinkOptions{Logger: testLogger()}
	out, err := natsbridge.StartLink(s.Engine, s.Queues, natsbridge.LinkSpec{
		Name: "a", URL: ext.url(), FromQueue: "loopq", ToSubject: "loop.s"}, opts)
	require.NoError(t, err)
	t.Cleanup(out.Close)
	in, err := natsbridge.StartLink(s.Engine, s.Queues, natsbridge.LinkSpec{
		Name: "b", URL: ext.url(), FromSubject: "loop.s", RoutingKey: "loopq"}, opts)
	require.NoError(t, err)
	t.Cleanup(in.Close)
	require.Eventually(t, func() bool { return in.Status().Connected }, 5*time.Second, time.Millisecond)
	require.NoError(t, in.Flush())

	do(t, rc, "QUEUE.PUBLISH", "loopq", "ping-pong")
	m := next(t, sub)
	require.Equal(t, "a", m.Header.Get(natsbridge.ViaHeader))
	require.Eventually(t, func() bool {
		return out.Status().Moved == 1 && out.Status().Looped == 1 && in.Status().Moved == 1
	}, 10*time.Second, time.Millisecond, "out %+v in %+v", out.Status(), in.Status())
	require.Eventually(t, func() bool { return queueCounts(t, rc, "loopq") == [2]int64{0, 0} }, 5*time.Second, time.Millisecond)
	none(t, sub, obs)
	require.EqualValues(t, 1, in.Status().Moved)
}

// TestLinkInSurvivesLocalRestart: Switchyard (appendfsync always) is shut
// down in the middle of moving 5,000 messages from a JetStream stream
// through a configured in link, and started again on the same data: the
// link resumes from its durable consumer and every message ends up in the
// durable local queue; duplicates only for messages whose ack was lost.
func TestLinkInSurvivesLocalRestart(t *testing.T) {
	ext := startExtNATS(t)
	_, js := jsContext(t, ext.url())
	_, err := js.AddStream(&nats.StreamConfig{Name: "RS", Subjects: []string{"rs.>"}, Storage: nats.FileStorage})
	require.NoError(t, err)
	const n = 5000
	for i := range n {
		_, err := js.PublishAsync("rs.x", []byte(strconv.Itoa(i)))
		require.NoError(t, err)
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(20 * time.Second):
		t.Fatal("stream publishes not acknowledged")
	}

	dir := t.TempDir()
	base := [][]string{{"dir", dir}, {"appendfsync", "always"}}
	s0 := testutil.StartSwitchyard(t, base...)
	rc := testutil.Client(t, s0.RESPAddr(), 3)
	do(t, rc, "QUEUE.DECLARE", "rsq", "DURABLE")
	do(t, rc, "QUEUE.BIND", "rsq", "amq.topic", "rs.#")
	shutdown := func(s interface{ Shutdown(context.Context) error }) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, s.Shutdown(ctx))
	}
	shutdown(s0)

	withLink := append(base, []string{"nats-link", "rs-in", ext.url(), "from-subject=rs.>", "to-exchange=amq.topic", "durable=sy"})
	s1 := testutil.StartSwitchyard(t, withLink...)
	require.Eventually(t, func() bool { return s1.NATSLinks[0].Status().Moved >= 500 }, 20*time.Second, time.Millisecond)
	shutdown(s1)
	before := s1.NATSLinks[0].Status().Moved
	require.Less(t, before, int64(n), "the transfer finished before the restart")

	s2 := testutil.StartSwitchyard(t, withLink...)
	rc = testutil.Client(t, s2.RESPAddr(), 3)
	require.Eventually(t, func() bool {
		ci, err := js.ConsumerInfo("RS", "sy")
		return err == nil && ci.NumAckPending == 0 && ci.NumPending == 0
	}, 30*time.Second, 5*time.Millisecond)
	seen := make([]int, n)
	total := 0
	for {
		v, err := rc.Do(context.Background(), "QUEUE.GET", "rsq", "NOACK").Result()
		if err == redis.Nil {
			break
		}
		require.NoError(t, err)
		i, err := strconv.Atoi(asMap(t, v)["body"].(string))
		require.NoError(t, err)
		seen[i]++
		total++
	}
	for i, c := range seen {
		require.Positive(t, c, "message %d lost", i)
	}
	t.Logf("moved %d before the restart; %d in the queue for %d messages (%d duplicates)", before, total, n, total-n)
}

// TestLinkInSurvivesExternalRestart: the external server is killed and
// started again while an in link drains its stream; the durable consumer
// resumes and every message arrives.
func TestLinkInSurvivesExternalRestart(t *testing.T) {
	ext := startExtNATS(t)
	_, js := jsContext(t, ext.url())
	_, err := js.AddStream(&nats.StreamConfig{Name: "XR", Subjects: []string{"xr.>"}, Storage: nats.FileStorage})
	require.NoError(t, err)
	const n = 3000
	publish := func(js nats.JetStreamContext, from, to int) {
		for i := from; i < to; i++ {
			_, err := js.PublishAsync("xr.x", []byte(strconv.Itoa(i)))
			require.NoError(t, err)
		}
		select {
		case <-js.PublishAsyncComplete():
		case <-time.After(20 * time.Second):
			t.Fatal("stream publishes not acknowledged")
		}
	}
	publish(js, 0, n/2)

	s := testutil.StartSwitchyard(t)
	rc := testutil.Client(t, s.RESPAddr(), 3)
	do(t, rc, "QUEUE.DECLARE", "xrq", "DURABLE")
	do(t, rc, "QUEUE.BIND", "xrq", "amq.topic", "xr.#")
	link, err := natsbridge.StartLink(s.Engine, s.Queues, natsbridge.LinkSpec{
		Name: "xr-in", URL: ext.url(), FromSubject: "xr.>", ToExchange: "amq.topic", Durable: "sy",
	}, natsbridge.LinkOptions{Logger: testLogger(), MaxReconnectWait: 200 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(link.Close)
	require.Eventually(t, func() bool { return link.Status().Moved >= 100 }, 20*time.Second, time.Millisecond)
	ext.stop()
	require.Eventually(t, func() bool { return !link.Status().Connected }, 10*time.Second, time.Millisecond)
	ext.start()
	_, js = jsContext(t, ext.url())
	publish(js, n/2, n)
	require.Eventually(t, func() bool {
		ci, err := js.ConsumerInfo("XR", "sy")
		return err == nil && ci.NumAckPending == 0 && ci.NumPending == 0
	}, 30*time.Second, 5*time.Millisecond)
	seen := make([]bool, n)
	for {
		v, err := rc.Do(context.Background(), "QUEUE.GET", "xrq", "NOACK").Result()
		if err == redis.Nil {
			break
		}
		require.NoError(t, err)
		i, err := strconv.Atoi(asMap(t, v)["body"].(string))
		require.NoError(t, err)
		seen[i] = true
	}
	for i, ok := range seen {
		require.True(t, ok, "message %d lost", i)
	}
	require.True(t, link.Status().Connected)
}
