package natsbridge

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/natsbridge/sublist"
	"github.com/switchyard/switchyard/queue"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("natsbridge: server closed")

// Version is the nats-server version Switchyard's NATS front behaves as,
// reported in INFO: clients gate features on it.
const Version = "2.9.10"

// Defaults, as nats-server's (server/const.go).
const (
	DefaultMaxPayload     = 1 << 20          // MAX_PAYLOAD_SIZE
	DefaultMaxControlLine = 4096             // MAX_CONTROL_LINE_SIZE
	DefaultMaxPending     = 64 << 20         // MAX_PENDING_SIZE
	DefaultPingInterval   = 2 * time.Minute  // DEFAULT_PING_INTERVAL
	DefaultMaxPingsOut    = 2                // DEFAULT_PING_MAX_OUT
	DefaultAuthTimeout    = 2 * time.Second  // AUTH_TIMEOUT
	DefaultWriteDeadline  = 10 * time.Second // DEFAULT_FLUSH_DEADLINE
	DefaultMaxConns       = 64 * 1024        // DEFAULT_MAX_CONNECTIONS
)

// Options configures a Server. Zero fields take the defaults above.
type Options struct {
	// ServerName is INFO's server_name; empty means the server id.
	ServerName string
	// User and Pass, when User is set, or Token, when set, make CONNECT
	// authenticate: "user"/"pass" or "auth_token" must match, or the
	// client gets -ERR 'Authorization Violation' and is closed.
	User, Pass, Token string
	// MaxPayload is INFO's max_payload, the largest PUB/HPUB payload in
	// bytes (headers included).
	MaxPayload int
	// MaxControlLine caps the arguments of one protocol line, in bytes.
	MaxControlLine int
	// MaxPending is how many bytes may wait in one client's outbound
	// buffer; past it the client is a slow consumer and is disconnected
	// with -ERR 'Slow Consumer'.
	MaxPending int64
	// PingInterval is how often the server PINGs each client; after
	// MaxPingsOut PINGs without a PONG the client gets -ERR 'Stale
	// Connection' and is closed.
	PingInterval time.Duration
	MaxPingsOut  int
	// AuthTimeout is how long a client that must authenticate has to send
	// CONNECT (-ERR 'Authentication Timeout').
	AuthTimeout time.Duration
	// WriteDeadline bounds one write to a client; a client that does not
	// read for that long is closed as a slow consumer.
	WriteDeadline time.Duration
	// MaxConns caps concurrent clients (-ERR 'maximum connections
	// exceeded').
	MaxConns int
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
	// Durability is the AOF when appendonly is on: under appendfsync
	// always, a verbose +OK for a persistent message waits for its fsync.
	Durability Durability
}

// Durability is what the front needs from the AOF (see respfront).
type Durability interface {
	// Always reports appendfsync always.
	Always() bool
	// Offset is the AOF offset after the last appended change.
	Offset() int64
	// WaitSynced blocks until every change up to off is fsynced.
	WaitSynced(off int64) error
}

// DefaultOptions returns nats-server's defaults.
func DefaultOptions() Options {
	return Options{
		MaxPayload:     DefaultMaxPayload,
		MaxControlLine: DefaultMaxControlLine,
		MaxPending:     DefaultMaxPending,
		PingInterval:   DefaultPingInterval,
		MaxPingsOut:    DefaultMaxPingsOut,
		AuthTimeout:    DefaultAuthTimeout,
		WriteDeadline:  DefaultWriteDeadline,
		MaxConns:       DefaultMaxConns,
	}
}

// Stats are the front's counters.
type Stats struct {
	Conns         int   // clients connected now
	TotalConns    int64 // clients accepted since start
	Subscriptions int   // subscriptions now
	InMsgs        int64 // messages published by clients
	InBytes       int64 // their payload bytes
	OutMsgs       int64 // messages delivered to clients
	OutBytes      int64 // their payload bytes
	SlowConsumers int64 // clients cut off for not reading
}

// Server serves the NATS client protocol on one or more listeners. Create
// it with New.
type Server struct {
	opts  Options
	eng   *broker.Engine
	qb    *queue.Broker // nil: no bridge to the messaging model
	subs  *sublist.Sublist[*subscription]
	id    string
	log   *slog.Logger
	start time.Time

	mu        sync.Mutex // guards listeners, conns, closed; a leaf lock
	listeners map[net.Listener]struct{}
	conns     map[uint64]*conn
	closed    bool
	wg        sync.WaitGroup // connection goroutines

	nextID atomic.Uint64
	stats  struct {
		totalConns, inMsgs, inBytes, outMsgs, outBytes, slow atomic.Int64
	}

	// self is the message this front is publishing into amq.topic at the
	// moment, so that onTopicPublish does not hand it back to NATS. Guarded
	// by the engine lock.
	self *queue.Message
}

// New returns a Server. When qb is not nil, NATS meets the messaging
// model through amq.topic (see docs/nats.md): New installs
// qb.OnTopicPublish, so create at most one bridged Server per Broker, before
// any client is served.
func New(eng *broker.Engine, qb *queue.Broker, opts Options) *Server {
	def := DefaultOptions()
	if opts.MaxPayload <= 0 {
		opts.MaxPayload = def.MaxPayload
	}
	if opts.MaxControlLine <= 0 {
		opts.MaxControlLine = def.MaxControlLine
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = def.MaxPending
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = def.PingInterval
	}
	if opts.MaxPingsOut <= 0 {
		opts.MaxPingsOut = def.MaxPingsOut
	}
	if opts.AuthTimeout <= 0 {
		opts.AuthTimeout = def.AuthTimeout
	}
	if opts.WriteDeadline <= 0 {
		opts.WriteDeadline = def.WriteDeadline
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = def.MaxConns
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{
		opts: opts, eng: eng, qb: qb, id: newServerID(), log: opts.Logger, start: time.Now(),
		subs:      sublist.New[*subscription](0),
		listeners: map[net.Listener]struct{}{},
		conns:     map[uint64]*conn{},
	}
	if s.opts.ServerName == "" {
		s.opts.ServerName = s.id
	}
	if qb != nil && eng != nil {
		eng.Exec(func(*broker.Tx) { qb.OnTopicPublish = s.onTopicPublish })
	}
	return s
}

// newServerID returns a server id shaped like nats-server's (an nkey:
// 'N' and 55 base32 characters).
func newServerID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b [55]byte
	_, _ = rand.Read(b[:])
	id := make([]byte, 56)
	id[0] = 'N'
	for i, c := range b {
		id[i+1] = alphabet[c%32]
	}
	return string(id)
}

// ID returns the server id sent in INFO.
func (s *Server) ID() string { return s.id }

func (s *Server) authRequired() bool { return s.opts.User != "" || s.opts.Token != "" }

// checkAuth reports whether CONNECT's credentials match the configuration.
func (s *Server) checkAuth(o *connectOpts) bool {
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if s.opts.Token != "" && eq(o.AuthToken, s.opts.Token) {
		return true
	}
	return s.opts.User != "" && eq(o.User, s.opts.User) && eq(o.Pass, s.opts.Pass)
}

// serverInfo is the INFO message, fields in nats-server's order.
type serverInfo struct {
	ID           string `json:"server_id"`
	Name         string `json:"server_name"`
	Version      string `json:"version"`
	Proto        int    `json:"proto"`
	Go           string `json:"go"`
	Host         string `json:"host"`
	Port         int    `json:"port"`
	Headers      bool   `json:"headers"`
	AuthRequired bool   `json:"auth_required,omitempty"`
	MaxPayload   int    `json:"max_payload"`
	ClientID     uint64 `json:"client_id"`
	ClientIP     string `json:"client_ip,omitempty"`
}

// infoLine returns the INFO line for a client of listener address local
// and remote address remote.
func (s *Server) infoLine(id uint64, local, remote net.Addr) []byte {
	info := serverInfo{
		ID: s.id, Name: s.opts.ServerName, Version: Version, Proto: 1, Go: runtime.Version(),
		Headers: true, AuthRequired: s.authRequired(), MaxPayload: s.opts.MaxPayload, ClientID: id,
	}
	if a, ok := local.(*net.TCPAddr); ok {
		info.Host, info.Port = a.IP.String(), a.Port
	}
	if a, ok := remote.(*net.TCPAddr); ok {
		info.ClientIP = a.IP.String()
	}
	js, _ := json.Marshal(info)
	line := append([]byte("INFO "), js...)
	return append(line, " \r\n"...) // nats-server ends INFO with a space
}

// Serve accepts connections on ln until Shutdown or Close, and then
// returns ErrServerClosed (closing ln, also when the server was already
// closed). Any other accept error is returned as is.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
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
	s.stats.totalConns.Add(1)
	c := newConn(s, nc, s.nextID.Add(1))
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	if len(s.conns) >= s.opts.MaxConns {
		s.mu.Unlock()
		_ = nc.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = nc.Write(append(s.infoLine(c.id, nc.LocalAddr(), nc.RemoteAddr()), errLine(errTextMaxConns)...))
		nc.Close()
		return
	}
	s.conns[c.id] = c
	s.wg.Add(2)
	s.mu.Unlock()
	go c.writeLoop()
	go c.readLoop()
}

func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c.id)
	s.mu.Unlock()
}

// Addrs returns the addresses of the listeners being served.
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []net.Addr
	for ln := range s.listeners {
		out = append(out, ln.Addr())
	}
	return out
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	n := len(s.conns)
	s.mu.Unlock()
	return Stats{
		Conns: n, TotalConns: s.stats.totalConns.Load(), Subscriptions: s.subs.Count(),
		InMsgs: s.stats.inMsgs.Load(), InBytes: s.stats.inBytes.Load(),
		OutMsgs: s.stats.outMsgs.Load(), OutBytes: s.stats.outBytes.Load(),
		SlowConsumers: s.stats.slow.Load(),
	}
}

// Shutdown stops accepting, closes every client and waits for their
// goroutines, or until ctx is done. It detaches the front from amq.topic.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Close()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting and closes every client at once, without waiting.
func (s *Server) Close() error {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	for ln := range s.listeners {
		ln.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	if !already && s.qb != nil && s.eng != nil {
		s.eng.Exec(func(*broker.Tx) { s.qb.OnTopicPublish = nil })
	}
	for _, c := range conns {
		c.abort()
	}
	return nil
}
