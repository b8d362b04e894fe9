package respfront

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
var ErrServerClosed = errors.New("respfront: server closed")

// Options configures a Server. Zero fields take the defaults in
// DefaultOptions.
type Options struct {
	// MaxClients caps concurrent connections (Redis maxclients, default
	// 10000); one more gets "ERR max number of clients reached".
	MaxClients int
	// PubSubOutputLimit is the hard limit, in bytes, of a subscriber's
	// pending output (Redis client-output-buffer-limit pubsub, 32 MB); a
	// subscriber over it is disconnected.
	PubSubOutputLimit int
	// QueryBufferLimit caps the bytes of one unfinished command (Redis
	// client-query-buffer-limit, 1 GB).
	QueryBufferLimit int
	// ProtoMaxBulkLen caps one bulk string of a request (Redis
	// proto-max-bulk-len, 512 MB); a longer declared length is a protocol
	// error.
	ProtoMaxBulkLen int
	// RequirePass, when set, makes AUTH mandatory (Redis requirepass).
	RequirePass string
	// Logger receives connection-level events; nil means slog.Default().
	Logger *slog.Logger
	// Config answers CONFIG GET; nil means no settings.
	Config ConfigSource
	// OnShutdown is called by the SHUTDOWN command; nil makes SHUTDOWN
	// only close this front.
	OnShutdown func()
	// Durability is the AOF, when appendonly is on: under appendfsync
	// always, replies to writes wait for its fsync.
	Durability Durability
	// Persistence serves BGREWRITEAOF, SAVE, BGSAVE, LASTSAVE, the SAVE and
	// NOSAVE of SHUTDOWN and INFO persistence. internal/server always sets
	// it; nil (a front built on its own) makes the snapshot commands fail.
	Persistence Persistence
}

// Durability is what the dispatcher needs from the AOF.
type Durability interface {
	// Always reports appendfsync always.
	Always() bool
	// Offset is the AOF offset after the last appended change.
	Offset() int64
	// WaitSynced blocks until every change up to off is fsynced.
	WaitSynced(off int64) error
}

// Persistence is the server's persistence manager, as the RESP commands
// that drive it see it (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/).
// Error texts are Redis's, without the "ERR " prefix.
type Persistence interface {
	// BGRewriteAOF starts an AOF rewrite in the background, or schedules
	// it (scheduled true) while a background save runs or when called
	// inside EXEC.
	BGRewriteAOF(inExec bool) (scheduled bool, err error)
	// Save writes an RDB snapshot and returns once it is on disk.
	Save() error
	// BGSave starts writing an RDB snapshot in the background. While an
	// AOF rewrite runs it fails, or with schedule (BGSAVE SCHEDULE) is
	// scheduled; inside EXEC it is always scheduled.
	BGSave(schedule, inExec bool) (scheduled bool, err error)
	// LastSave returns the Unix time of the last successful save.
	LastSave() int64
	// Info returns the INFO persistence section's fields, in order; it is
	// called with the engine lock held.
	Info(tx *broker.Tx) [][2]string
	// Configure applies CONFIG SET of save, rdbcompression or
	// rdb-key-save-delay.
	Configure(name, value string)
	// SetShutdownSave records SHUTDOWN SAVE or NOSAVE before OnShutdown.
	SetShutdownSave(save, nosave bool)
}

// ConfigSource is what CONFIG GET reads: the server's settings by name.
type ConfigSource interface {
	// Get returns name/value pairs of settings whose names match the glob
	// pattern (lower case names, Redis's CONFIG GET).
	Get(pattern string) [][2]string
}

// DefaultOptions returns the defaults, matching redis-server's.
func DefaultOptions() Options {
	return Options{
		MaxClients:        10000,
		PubSubOutputLimit: 32 << 20,
		QueryBufferLimit:  1 << 30,
		ProtoMaxBulkLen:   512 << 20,
	}
}

// Server serves RESP on one or more listeners. Create it with New.
type Server struct {
	opts   Options
	eng    *broker.Engine
	queues *queue.Broker
	table  commandTable
	log    *slog.Logger
	start  time.Time

	mu        sync.Mutex // guards listeners, conns, closed, opts.MaxClients (CONFIG SET)
	listeners map[net.Listener]struct{}
	conns     map[int64]*Conn
	closed    bool
	wg        sync.WaitGroup // connection goroutines

	nextID atomic.Int64
	stats  serverStats
	admin  adminState // CONFIG SET overrides, INFO state (cmd_config.go)
}

type serverStats struct {
	connsReceived atomic.Int64
	commands      atomic.Int64
	rejected      atomic.Int64
	netIn, netOut atomic.Int64
}

// New returns a Server over the engine eng and the messaging model qb.
func New(eng *broker.Engine, qb *queue.Broker, opts Options) *Server {
	def := DefaultOptions()
	if opts.MaxClients == 0 {
		opts.MaxClients = def.MaxClients
	}
	if opts.PubSubOutputLimit == 0 {
		opts.PubSubOutputLimit = def.PubSubOutputLimit
	}
	if opts.QueryBufferLimit == 0 {
		opts.QueryBufferLimit = def.QueryBufferLimit
	}
	if opts.ProtoMaxBulkLen == 0 {
		opts.ProtoMaxBulkLen = def.ProtoMaxBulkLen
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Server{
		opts: opts, eng: eng, queues: qb, table: buildTable(), log: opts.Logger,
		start:     time.Now(),
		listeners: map[net.Listener]struct{}{},
		conns:     map[int64]*Conn{},
	}
}

// Serve accepts connections on ln until Shutdown or Close, and then returns
// ErrServerClosed. Any other accept error is returned as is.
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
	s.stats.connsReceived.Add(1)
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	c := newConn(s, nc)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	if len(s.conns) >= s.opts.MaxClients {
		s.mu.Unlock()
		s.stats.rejected.Add(1)
		_, _ = nc.Write([]byte("-ERR max number of clients reached\r\n"))
		nc.Close()
		return
	}
	s.conns[c.id] = c
	s.wg.Add(2)
	s.mu.Unlock()
	go c.writeLoop()
	go c.serve()
}

func (s *Server) removeConn(c *Conn) {
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

// Shutdown stops accepting, closes every connection after its current
// command (which releases its unacked deliveries back to their queues) and
// waits for the connection goroutines, or until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	s.closeConns()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting and closes every connection at once, without
// waiting.
func (s *Server) Close() error {
	s.closeListeners()
	s.closeConns()
	return nil
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	s.closed = true
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
}

func (s *Server) closeConns() {
	s.mu.Lock()
	conns := make([]*Conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// clients returns a snapshot of the connections, ordered by id.
func (s *Server) clients() []*Conn {
	s.mu.Lock()
	out := make([]*Conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	s.mu.Unlock()
	sortConns(out)
	return out
}

// SetPersistence installs the AOF and the persistence manager; call it
// before Serve.
func (s *Server) SetPersistence(d Durability, p Persistence) {
	s.opts.Durability = d
	s.opts.Persistence = p
}
