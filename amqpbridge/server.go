package amqpbridge

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/queue"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("amqpbridge: server closed")

// Options configures a Server. Zero fields take DefaultOptions' values.
type Options struct {
	// ChannelMax is offered in connection.tune (RabbitMQ: 2047).
	ChannelMax uint16
	// FrameMax is offered in connection.tune, in octets (131072).
	FrameMax uint32
	// Heartbeat is offered in connection.tune, in seconds (60); the
	// client's tune-ok decides, 0 disabling heartbeats. A peer silent for
	// two intervals is disconnected, as RabbitMQ does.
	Heartbeat uint16
	// Users maps user names to passwords for PLAIN and AMQPLAIN; nil means
	// guest/guest only.
	Users map[string]string
	// LoopbackUsers may log in only from a loopback address (RabbitMQ's
	// loopback_users); nil means ["guest"].
	LoopbackUsers []string
	// MaxOutbound is the most octets a connection may have waiting to be
	// written (64 MiB); a client that reads slower than it is sent
	// deliveries is disconnected past it, its unacked messages requeued.
	MaxOutbound int
	// HandshakeTimeout bounds the time from accept to connection.open-ok
	// (RabbitMQ's handshake_timeout, 10 s).
	HandshakeTimeout time.Duration
	// MaxMessageSize is the largest body accepted (RabbitMQ's
	// max_message_size, 128 MiB); larger is 406 PRECONDITION_FAILED.
	MaxMessageSize uint64
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
	// Durability is the AOF when persistence is on (nil: off). Under
	// appendfsync always every reply to a batch of frames that changed
	// the dataset (publisher confirms, tx.commit-ok, declare-ok...) is
	// held until the AOF has fsynced it.
	Durability Durability

	// heartbeatUnit is the length of one heartbeat "second"; tests
	// shorten it. Zero means time.Second.
	heartbeatUnit time.Duration
}

// Durability is what the AMQP front needs from the AOF (the same contract
// as respfront.Durability).
type Durability interface {
	// Always reports appendfsync always.
	Always() bool
	// Offset is the AOF offset after the last appended change.
	Offset() int64
	// WaitSynced blocks until every change up to off is fsynced.
	WaitSynced(off int64) error
}

// DefaultOptions returns RabbitMQ's defaults.
func DefaultOptions() Options {
	return Options{
		ChannelMax:       2047,
		FrameMax:         DefaultFrameMax,
		Heartbeat:        60,
		Users:            map[string]string{"guest": "guest"},
		LoopbackUsers:    []string{"guest"},
		MaxOutbound:      64 << 20,
		HandshakeTimeout: 10 * time.Second,
		MaxMessageSize:   128 << 20,
		heartbeatUnit:    time.Second,
	}
}

// Server serves AMQP 0-9-1 on listeners. Create it with New; it follows
// the net/http contract: Serve returns ErrServerClosed after Shutdown or
// Close, Shutdown is graceful, Close is abrupt.
type Server struct {
	opts   Options
	eng    *broker.Engine
	queues *queue.Broker
	log    *slog.Logger

	mu        sync.Mutex // guards listeners, conns, closed; a leaf lock
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	closed    bool

	wg     sync.WaitGroup // connection goroutines
	nextID atomic.Uint64
}

// ownerBase keeps AMQP connection ids (queue.Channel owners, for exclusive
// queues) apart from RESP client ids, which count from 1.
const ownerBase = 1 << 62

// New returns a Server over the engine eng and the messaging model qb,
// which it shares with the other fronts.
func New(eng *broker.Engine, qb *queue.Broker, opts Options) *Server {
	def := DefaultOptions()
	if opts.ChannelMax == 0 {
		opts.ChannelMax = def.ChannelMax
	}
	if opts.FrameMax == 0 {
		opts.FrameMax = def.FrameMax
	}
	if opts.FrameMax < FrameMinSize {
		opts.FrameMax = FrameMinSize
	}
	if opts.Users == nil {
		opts.Users = def.Users
	}
	if opts.LoopbackUsers == nil {
		opts.LoopbackUsers = def.LoopbackUsers
	}
	if opts.MaxOutbound == 0 {
		opts.MaxOutbound = def.MaxOutbound
	}
	if opts.HandshakeTimeout == 0 {
		opts.HandshakeTimeout = def.HandshakeTimeout
	}
	if opts.MaxMessageSize == 0 {
		opts.MaxMessageSize = def.MaxMessageSize
	}
	if opts.heartbeatUnit == 0 {
		opts.heartbeatUnit = def.heartbeatUnit
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Server{
		opts: opts, eng: eng, queues: qb, log: opts.Logger,
		listeners: map[net.Listener]struct{}{},
		conns:     map[*conn]struct{}{},
	}
}

// Serve accepts connections on ln until Shutdown or Close, then returns
// ErrServerClosed. Other accept errors are returned as they are.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.accept(nc)
	}
}

func (s *Server) accept(nc net.Conn) {
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	c := newConn(s, nc, ownerBase+s.nextID.Add(1))
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(2)
	s.mu.Unlock()
	go c.writeLoop()
	go c.serve()
}

func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// Addrs returns the addresses being served.
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []net.Addr
	for ln := range s.listeners {
		out = append(out, ln.Addr())
	}
	return out
}

// Shutdown stops accepting, sends every connection connection.close 320
// CONNECTION_FORCED (as RabbitMQ does when it stops), closes them, which
// requeues their unacked deliveries, and waits for their goroutines or for
// ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	for _, c := range s.stopAccepting() {
		c.forceClose(newError(ConnectionForced, "broker forced connection closure with reason 'shutdown'"))
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, c := range s.snapshot() {
			c.abort()
		}
		return ctx.Err()
	}
}

// Close stops accepting and closes every connection at once.
func (s *Server) Close() error {
	for _, c := range s.stopAccepting() {
		c.abort()
	}
	return nil
}

func (s *Server) stopAccepting() []*conn {
	s.mu.Lock()
	s.closed = true
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
	return s.snapshot()
}

func (s *Server) snapshot() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

// ConnectionCount returns the number of open connections.
func (s *Server) ConnectionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}
