// Package server assembles a Switchyard process from its settings: the
// engine, the messaging model and the fronts. cmd/switchyard and the tests
// that need a whole server use it.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchyard/switchyard/amqpbridge"
	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/config"
	"github.com/switchyard/switchyard/natsbridge"
	"github.com/switchyard/switchyard/queue"
	"github.com/switchyard/switchyard/respfront"
)

// Server is a running Switchyard. Stop it with Shutdown.
type Server struct {
	Config *config.Config
	Engine *broker.Engine
	Queues *queue.Broker
	RESP   *respfront.Server
	AMQP   *amqpbridge.Server // nil when amqp-port is 0
	NATS   *natsbridge.Server // nil when nats-port is 0
	// NATSLinks are the nats-link directives' links, running.
	NATSLinks []*natsbridge.Link

	log           *slog.Logger
	listeners     []net.Listener
	amqpListeners []net.Listener
	natsListeners []net.Listener
	wg            sync.WaitGroup
	stopOnce      sync.Once
	stopped       chan struct{}
	persist       *persistence
}

// Start builds the server from cfg and starts listening. Port 0 in cfg picks
// a free port (see RESPAddr).
func Start(cfg *config.Config, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{Config: cfg, log: log, stopped: make(chan struct{})}
	hz := cfg.Int("hz")
	if hz <= 0 {
		hz = 10
	}
	s.Engine = broker.New(broker.Options{ActiveExpireEvery: time.Second / time.Duration(hz)})
	s.Queues = queue.New(s.Engine)
	ropts := respfront.Options{
		MaxClients:        cfg.Int("maxclients"),
		PubSubOutputLimit: int(cfg.Bytes("client-output-buffer-limit-pubsub")),
		QueryBufferLimit:  int(cfg.Bytes("client-query-buffer-limit")),
		ProtoMaxBulkLen:   int(cfg.Bytes("proto-max-bulk-len")),
		RequirePass:       cfg.Str("requirepass"),
		Logger:            log,
		Config:            cfg,
		OnShutdown:        func() { go s.Shutdown(context.Background()) },
	}
	s.RESP = respfront.New(s.Engine, s.Queues, ropts)
	if err := s.openPersistence(); err != nil {
		s.Engine.Close()
		return nil, err
	}
	for _, addr := range strings.Fields(cfg.Str("bind")) {
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(cfg.Int("port"))))
		if err != nil {
			s.closeListeners()
			s.persist.close(false)
			s.Engine.Close()
			return nil, fmt.Errorf("listen: %w", err)
		}
		s.listeners = append(s.listeners, ln)
		log.Info("RESP listening", "addr", ln.Addr().String())
	}
	if port := cfg.Int("amqp-port"); port != 0 {
		aopts := amqpbridge.Options{Logger: log}
		if s.persist.aof != nil {
			aopts.Durability = s.persist.aof // not a nil *AOF in the interface
		}
		s.AMQP = amqpbridge.New(s.Engine, s.Queues, aopts)
		for _, addr := range strings.Fields(cfg.Str("bind")) {
			ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
			if err != nil {
				s.closeListeners()
				s.persist.close(false)
				s.Engine.Close()
				return nil, fmt.Errorf("listen: %w", err)
			}
			s.amqpListeners = append(s.amqpListeners, ln)
			log.Info("AMQP listening", "addr", ln.Addr().String())
		}
	}
	if port := cfg.Int("nats-port"); port != 0 {
		if err := s.startNATS(cfg, port); err != nil {
			s.closeListeners()
			if s.persist != nil {
				s.persist.close(false)
			}
			s.Engine.Close()
			return nil, err
		}
	}
	for _, ln := range s.listeners {
		s.wg.Add(1)
		go func(ln net.Listener) {
			defer s.wg.Done()
			if err := s.RESP.Serve(ln); err != nil && !errors.Is(err, respfront.ErrServerClosed) {
				log.Error("RESP serve", "err", err)
			}
		}(ln)
	}
	for _, ln := range s.amqpListeners {
		s.wg.Add(1)
		go func(ln net.Listener) {
			defer s.wg.Done()
			if err := s.AMQP.Serve(ln); err != nil && !errors.Is(err, amqpbridge.ErrServerClosed) {
				log.Error("AMQP serve", "err", err)
			}
		}(ln)
	}
	for _, ln := range s.natsListeners {
		s.wg.Add(1)
		go func(ln net.Listener) {
			defer s.wg.Done()
			if err := s.NATS.Serve(ln); err != nil && !errors.Is(err, natsbridge.ErrServerClosed) {
				log.Error("NATS serve", "err", err)
			}
		}(ln)
	}
	if err := s.startLinks(cfg); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		return nil, err
	}
	return s, nil
}

// openPersistence builds the persistence manager, loads the data from
// disk (the AOF when appendonly is yes, else dump.rdb) and starts the
// manager's background work. The data directory is created when the AOF
// or save points are on.
func (s *Server) openPersistence() error {
	cfg := s.Config
	cfg.Seal() // from now on CONFIG SET save replaces the save points
	dir := dataDir(cfg.Str("dir"))
	p, err := newPersistence(s, dir)
	if err != nil {
		return err
	}
	aofOn := cfg.Bool("appendonly")
	if aofOn || len(p.points) > 0 {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
		s.log.Info("persistence on", "dir", dir, "appendonly", cfg.Str("appendonly"),
			"appendfsync", cfg.Str("appendfsync"), "save", cfg.Str("save"), "dbfilename", cfg.Str("dbfilename"))
	} else {
		s.log.Info("persistence off (appendonly no, no save points)", "dir", dir)
	}
	if err := p.load(s.RESP.NewLoader()); err != nil {
		return err
	}
	p.start()
	s.persist = p
	if p.aof != nil {
		s.RESP.SetPersistence(p.aof, p)
	} else {
		s.RESP.SetPersistence(nil, p)
	}
	return nil
}

// AMQPAddr returns the address of the first AMQP listener, or "" when the
// AMQP front is disabled.
func (s *Server) AMQPAddr() string {
	if len(s.amqpListeners) == 0 {
		return ""
	}
	return s.amqpListeners[0].Addr().String()
}

// startNATS creates the NATS front and its listeners (served by Start).
func (s *Server) startNATS(cfg *config.Config, port int) error {
	nopts := natsbridge.Options{
		User:         cfg.Str("nats-user"),
		Pass:         cfg.Str("nats-pass"),
		Token:        cfg.Str("nats-token"),
		MaxPayload:   int(cfg.Bytes("nats-max-payload")),
		MaxPending:   cfg.Bytes("nats-max-pending"),
		PingInterval: time.Duration(cfg.Int("nats-ping-interval")) * time.Millisecond,
		MaxPingsOut:  cfg.Int("nats-max-pings-out"),
		Logger:       s.log,
	}
	if s.persist != nil {
		nopts.Durability = s.persist.aof
	}
	s.NATS = natsbridge.New(s.Engine, s.Queues, nopts)
	for _, addr := range strings.Fields(cfg.Str("bind")) {
		ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err != nil {
			for _, l := range s.natsListeners {
				l.Close()
			}
			s.NATS.Close()
			return fmt.Errorf("NATS listen: %w", err)
		}
		s.natsListeners = append(s.natsListeners, ln)
		s.log.Info("NATS listening", "addr", ln.Addr().String())
	}
	return nil
}

// startLinks starts the links of the nats-link directives.
func (s *Server) startLinks(cfg *config.Config) error {
	for _, v := range cfg.Values("nats-link") {
		spec, err := natsbridge.ParseLinkSpec(strings.Fields(v))
		if err != nil {
			return err
		}
		lopts := natsbridge.LinkOptions{Logger: s.log}
		if s.persist != nil {
			lopts.Durability = s.persist.aof
		}
		l, err := natsbridge.StartLink(s.Engine, s.Queues, spec, lopts)
		if err != nil {
			return err
		}
		s.NATSLinks = append(s.NATSLinks, l)
		s.log.Info("NATS link started", "link", spec.Name, "url", spec.URL)
	}
	return nil
}

// NATSAddr returns the address of the first NATS listener, or "" when the
// NATS front is disabled.
func (s *Server) NATSAddr() string {
	if len(s.natsListeners) == 0 {
		return ""
	}
	return s.natsListeners[0].Addr().String()
}

// RESPAddr returns the address of the first RESP listener.
func (s *Server) RESPAddr() string { return s.listeners[0].Addr().String() }

func (s *Server) closeListeners() {
	for _, ln := range s.listeners {
		ln.Close()
	}
	for _, ln := range s.amqpListeners {
		ln.Close()
	}
}

// Done is closed when the server has stopped.
func (s *Server) Done() <-chan struct{} { return s.stopped }

// Shutdown stops accepting, closes every client (requeueing unacked
// deliveries), stops the engine and waits, or gives up when ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.stopOnce.Do(func() {
		s.log.Info("shutting down")
		for _, l := range s.NATSLinks {
			l.Close()
		}
		if s.AMQP != nil {
			err = s.AMQP.Shutdown(ctx)
		}
		if s.NATS != nil {
			if nerr := s.NATS.Shutdown(ctx); err == nil {
				err = nerr
			}
		}
		if rerr := s.RESP.Shutdown(ctx); err == nil {
			err = rerr
		}
		// The RESP front closed the listeners it serves; this closes any it
		// had not started serving yet. Closing them before RESP.Shutdown made
		// Serve report the close as an accept error.
		s.closeListeners()
		s.wg.Wait()
		s.Queues.Close()
		if perr := s.persist.close(true); perr != nil {
			s.log.Error("persistence close", "err", perr)
		}
		s.Engine.Close()
		close(s.stopped)
		s.log.Info("stopped")
	})
	<-s.stopped
	return err
}
