package amqpbridge

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/queue"
)

// startInternal serves AMQP with test options (a short heartbeat unit) and
// returns the server and its address.
func startInternal(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	eng := broker.New(broker.Options{ActiveExpireEvery: -1})
	qb := queue.New(eng)
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s := New(eng, qb, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		require.NoError(t, s.Shutdown(ctx))
		require.ErrorIs(t, <-done, ErrServerClosed)
		qb.Close()
		eng.Close()
	})
	return s, ln.Addr().String()
}

// miniClient is the least client the internal tests need.
type miniClient struct {
	t  *testing.T
	nc net.Conn
	fr *FrameReader
}

func (m *miniClient) send(ch uint16, meth Method) {
	b, err := AppendMethodFrame(nil, ch, meth)
	require.NoError(m.t, err)
	_, err = m.nc.Write(b)
	require.NoError(m.t, err)
}

// frame returns the next frame or the read error.
func (m *miniClient) frame(timeout time.Duration) (Frame, error) {
	_ = m.nc.SetReadDeadline(time.Now().Add(timeout))
	for {
		f, ok, err := m.fr.Next()
		if err != nil || ok {
			return f, err
		}
		if _, err := m.fr.ReadOnce(m.nc); err != nil {
			return Frame{}, err
		}
	}
}

func (m *miniClient) method(timeout time.Duration) Method {
	for {
		f, err := m.frame(timeout)
		require.NoError(m.t, err)
		if f.Type == FrameMethod {
			meth, err := DecodeMethod(f.Payload)
			require.NoError(m.t, err)
			return meth
		}
	}
}

func handshake(t *testing.T, addr string, heartbeat uint16) *miniClient {
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	m := &miniClient{t: t, nc: nc, fr: NewFrameReader(0, false)}
	_, err = nc.Write(ProtocolHeader)
	require.NoError(t, err)
	require.IsType(t, &ConnectionStart{}, m.method(time.Second))
	m.send(0, &ConnectionStartOk{Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US"})
	tune := m.method(time.Second).(*ConnectionTune)
	m.send(0, &ConnectionTuneOk{ChannelMax: tune.ChannelMax, FrameMax: tune.FrameMax, Heartbeat: heartbeat})
	m.send(0, &ConnectionOpen{VirtualHost: "/"})
	require.IsType(t, &ConnectionOpenOk{}, m.method(time.Second))
	return m
}

func TestHeartbeatsAreSent(t *testing.T) {
	_, addr := startInternal(t, Options{heartbeatUnit: 20 * time.Millisecond})
	m := handshake(t, addr, 1) // one "second" is 20 ms here
	// The client keeps talking (its own heartbeats); the server, which has
	// nothing to say, sends heartbeats.
	stop := time.Now().Add(5 * time.Second)
	beats := 0
	for beats < 3 && time.Now().Before(stop) {
		_, _ = m.nc.Write(AppendHeartbeat(nil))
		f, err := m.frame(15 * time.Millisecond)
		if err == nil && f.Type == FrameHeartbeat {
			beats++
		}
	}
	require.GreaterOrEqual(t, beats, 3)
}

func TestMissedHeartbeats(t *testing.T) {
	s, addr := startInternal(t, Options{heartbeatUnit: 20 * time.Millisecond})
	m := handshake(t, addr, 1)
	// Silence: the server gives up after two intervals and closes the
	// socket without connection.close, as RabbitMQ does.
	began := time.Now()
	for {
		f, err := m.frame(5 * time.Second)
		if err != nil {
			require.ErrorIs(t, err, io.EOF)
			break
		}
		require.Equal(t, uint8(FrameHeartbeat), f.Type, "only heartbeats before the close")
	}
	require.Less(t, time.Since(began), 2*time.Second)
	require.Eventually(t, func() bool { return s.ConnectionCount() == 0 }, 5*time.Second, 5*time.Millisecond)
}

func TestHeartbeatZeroDisables(t *testing.T) {
	_, addr := startInternal(t, Options{heartbeatUnit: 5 * time.Millisecond})
	m := handshake(t, addr, 0)
	_, err := m.frame(200 * time.Millisecond)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	require.True(t, ne.Timeout(), "no heartbeat and no close: %v", err)
}

func TestHandshakeTimeout(t *testing.T) {
	s, addr := startInternal(t, Options{HandshakeTimeout: 100 * time.Millisecond})
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	_, err = nc.Write(ProtocolHeader[:4]) // and then nothing
	require.NoError(t, err)
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(nc)
	require.NoError(t, err, "closed by the server, not by our deadline")
	require.Eventually(t, func() bool { return s.ConnectionCount() == 0 }, 5*time.Second, 5*time.Millisecond)
}

func TestSlowConsumerIsCutOff(t *testing.T) {
	s, addr := startInternal(t, Options{MaxOutbound: 64 << 10})
	reader := handshake(t, addr, 0)
	reader.send(1, &ChannelOpen{})
	require.IsType(t, &ChannelOpenOk{}, reader.method(time.Second))
	reader.send(1, &QueueDeclare{Queue: "flood"})
	require.IsType(t, &QueueDeclareOk{}, reader.method(time.Second))
	reader.send(1, &BasicConsume{Queue: "flood", ConsumerTag: "c", NoAck: true})
	require.IsType(t, &BasicConsumeOk{}, reader.method(time.Second))
	// The consumer stops reading; a publisher floods it.
	pub := handshake(t, addr, 0)
	pub.send(1, &ChannelOpen{})
	require.IsType(t, &ChannelOpenOk{}, pub.method(time.Second))
	payload := make([]byte, 64<<10)
	for range 200 {
		b, _ := AppendMethodFrame(nil, 1, &BasicPublish{RoutingKey: "flood"})
		b, _ = AppendContent(b, 1, &Properties{}, payload, DefaultFrameMax)
		if _, err := pub.nc.Write(b); err != nil {
			break
		}
	}
	require.Eventually(t, func() bool { return s.ConnectionCount() == 1 }, 10*time.Second, 10*time.Millisecond,
		"the slow consumer is disconnected, the publisher stays")
}

// gate is a Durability whose fsyncs complete only while it is open.
type gate struct {
	mu     sync.Mutex
	cond   *sync.Cond
	open   bool
	waiter chan struct{} // a WaitSynced started while closed
}

func newGate() *gate {
	g := &gate{open: true, waiter: make(chan struct{}, 100)}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *gate) Always() bool  { return true }
func (g *gate) Offset() int64 { return 1 }
func (g *gate) WaitSynced(int64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.open {
		g.waiter <- struct{}{}
	}
	for !g.open {
		g.cond.Wait()
	}
	return nil
}

func (g *gate) set(open bool) {
	g.mu.Lock()
	g.open = open
	g.mu.Unlock()
	g.cond.Broadcast()
}

func TestConfirmWaitsForFsync(t *testing.T) {
	g := newGate()
	_, addr := startInternal(t, Options{Durability: g})
	m := handshake(t, addr, 0)
	m.send(1, &ChannelOpen{})
	require.IsType(t, &ChannelOpenOk{}, m.method(time.Second))
	m.send(1, &ConfirmSelect{})
	require.IsType(t, &ConfirmSelectOk{}, m.method(time.Second))

	g.set(false)
	b, _ := AppendMethodFrame(nil, 1, &BasicPublish{RoutingKey: "nowhere"})
	b, _ = AppendContent(b, 1, &Properties{DeliveryMode: 2}, []byte("x"), DefaultFrameMax)
	_, err := m.nc.Write(b)
	require.NoError(t, err)
	<-g.waiter // the publish's batch waits for the fsync...
	_, err = m.frame(100 * time.Millisecond)
	var ne net.Error
	require.ErrorAs(t, err, &ne, "...and no confirm goes out before it")
	require.True(t, ne.Timeout())
	g.set(true)
	ack, ok := m.method(time.Second).(*BasicAck)
	require.True(t, ok)
	require.Equal(t, uint64(1), ack.DeliveryTag)
}
