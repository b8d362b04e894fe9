package respfront

import (
	"errors"
	"io"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/resp"
)

// errQueryBufferLimit closes a client whose unfinished command passed
// Options.QueryBufferLimit (Redis: client-query-buffer-limit).
var errQueryBufferLimit = errors.New("query buffer limit reached")

// Conn is one RESP client connection.
//
// Its serve goroutine owns every field not marked otherwise: it reads
// commands, runs them and appends replies to w (private), then moves them to
// the shared outbound buffer and flushes. Other goroutines (publishers) only
// append to the shared buffer through push.
type Conn struct {
	srv *Server
	nc  net.Conn
	id  int64
	rd  *reader     // request reader (reader.go)
	w   resp.Writer // private reply buffer; w.Proto is the protocol version

	// infoMu guards the writes of the fields CLIENT LIST reads from other
	// goroutines: db, name, libName, libVer, lastCmd, lastAt, noEvict,
	// noTouch. The serve goroutine, their only writer, reads them without it.
	infoMu    sync.Mutex
	db        int
	name      string
	libName   string
	libVer    string
	lastCmd   string
	lastAt    time.Time
	noEvict   bool
	noTouch   bool
	authed    bool
	createdAt time.Time
	// closeAfterReply makes the dispatcher close the connection once the
	// current reply is flushed (CLIENT KILL of oneself, SHUTDOWN).
	closeAfterReply bool

	// CLIENT REPLY: OFF drops every reply; SKIP drops the next one.
	replyOff, replySkip, replySkipNext bool

	tx  tx  // MULTI/EXEC state (cmd_tx.go)
	ctx Ctx // reused for every locked command

	ps pubsubState // subscriptions (cmd_pubsub.go); guarded by the Hub lock
	qs queueState  // consumer state of the broker commands (cmd_queue.go)

	outMu    sync.Mutex // guards out, outLimit, dead
	out      []byte     // shared outbound buffer, written by the writer
	spare    []byte
	dead     bool
	proto    atomic.Int32 // c.w.Proto for pushers; written by setProto
	writeMu  sync.Mutex   // held while writing to the socket
	wake     chan struct{}
	closed   chan struct{}
	closeErr error
	once     sync.Once
}

func newConn(s *Server, nc net.Conn) *Conn {
	c := &Conn{
		srv: s, nc: nc, id: s.nextID.Add(1),
		w:         resp.Writer{Proto: 2},
		authed:    s.requirePass() == "",
		createdAt: time.Now(),
		wake:      make(chan struct{}, 1),
		closed:    make(chan struct{}),
	}
	c.lastAt = c.createdAt
	c.proto.Store(2)
	c.rd = &reader{src: nc, limit: s.opts.QueryBufferLimit, maxBulk: s.opts.ProtoMaxBulkLen, unauth: func() bool { return !c.authed }}
	return c
}

// setProto switches the connection's protocol version (HELLO, RESET).
func (c *Conn) setProto(p int) {
	c.w.Proto = p
	c.proto.Store(int32(p))
}

// ID returns the client id (CLIENT ID).
func (c *Conn) ID() int64 { return c.id }

// Close closes the connection; its goroutines then release its state.
func (c *Conn) Close() {
	c.once.Do(func() {
		close(c.closed)
		c.nc.Close()
	})
}

func (c *Conn) serve() {
	defer c.srv.wg.Done()
	defer c.cleanup()
	for {
		cmds, err := c.rd.readCommands()
		c.srv.stats.netIn.Add(int64(c.rd.n))
		c.rd.n = 0
		if err != nil {
			c.protocolError(err)
			return
		}
		if !c.dispatch(cmds) {
			c.flush()
			return
		}
		if !c.flush() {
			return
		}
	}
}

// protocolError answers a malformed request with Redis's error text before
// closing, as Redis does; I/O errors close silently.
func (c *Conn) protocolError(err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return
	}
	msg := err.Error()
	if errors.Is(err, errQueryBufferLimit) {
		c.srv.log.Warn("closing client over query buffer limit", "id", c.id, "addr", c.nc.RemoteAddr())
		return
	}
	c.w.Error("ERR " + msg)
	c.flush()
}

// moveReplies appends the private reply buffer to the shared one.
func (c *Conn) moveReplies() {
	if len(c.w.Buf) == 0 {
		return
	}
	c.outMu.Lock()
	if len(c.out) == 0 {
		c.out, c.w.Buf = c.w.Buf, c.out[:0]
	} else {
		c.out = append(c.out, c.w.Buf...)
		c.w.Buf = c.w.Buf[:0]
	}
	c.outMu.Unlock()
}

// flush moves pending replies to the shared buffer and writes it to the
// socket. It reports false when the connection is broken.
func (c *Conn) flush() bool {
	c.moveReplies()
	return c.writeOut()
}

func (c *Conn) writeOut() bool {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	for {
		c.outMu.Lock()
		if len(c.out) == 0 || c.dead {
			dead := c.dead
			c.outMu.Unlock()
			return !dead
		}
		buf := c.out
		c.out = c.spare[:0]
		c.outMu.Unlock()
		n, err := c.nc.Write(buf)
		c.srv.stats.netOut.Add(int64(n))
		c.outMu.Lock()
		if cap(buf) <= 64<<10 {
			c.spare = buf[:0]
		} else {
			c.spare = nil
		}
		if err != nil {
			c.dead = true
		}
		c.outMu.Unlock()
		if err != nil {
			c.Close()
			return false
		}
	}
}

// push appends an out-of-band message (pub/sub) encoded by enc to the shared
// buffer and wakes the writer. A subscriber whose pending output passes the
// pub/sub limit is disconnected, as Redis's client-output-buffer-limit does.
// It reports whether the message was accepted. Safe from any goroutine.
func (c *Conn) push(enc func(w *resp.Writer)) bool {
	c.outMu.Lock()
	if c.dead {
		c.outMu.Unlock()
		return false
	}
	w := resp.Writer{Buf: c.out, Proto: int(c.proto.Load())}
	enc(&w)
	c.out = w.Buf
	over := len(c.out) > c.srv.opts.PubSubOutputLimit
	if over {
		c.dead = true
		c.out = nil
	}
	c.outMu.Unlock()
	if over {
		c.srv.log.Warn("closing subscriber over output buffer limit", "id", c.id, "limit", c.srv.opts.PubSubOutputLimit)
		c.Close()
		return false
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

func (c *Conn) writeLoop() {
	defer c.srv.wg.Done()
	for {
		select {
		case <-c.closed:
			return
		case <-c.wake:
			if !c.writeOut() {
				return
			}
		}
	}
}

func (c *Conn) cleanup() {
	c.Close()
	c.srv.removeConn(c)
	c.releaseState()
}

// releaseState drops everything the connection holds in the engine, the hub
// and the queues: WATCHes, subscriptions, consumers and unacked deliveries.
func (c *Conn) releaseState() {
	if c.tx.watch != nil && c.tx.watch.Len() > 0 {
		c.srv.eng.Exec(func(*broker.Tx) { c.tx.watch.Clear() })
	}
	c.releasePubSub()
	c.releaseQueues()
}

func sortConns(cs []*Conn) { sort.Slice(cs, func(i, j int) bool { return cs[i].id < cs[j].id }) }
