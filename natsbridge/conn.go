package natsbridge

import (
	"errors"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Read buffer bounds: a connection starts small and doubles while reads
// fill the buffer, as nats-server does (startBufSize, maxBufSize).
const (
	minReadBuf = 512
	maxReadBuf = 64 << 10
)

// maxKeptOut bounds the spare outbound buffer a connection keeps between
// writes; a larger one is dropped once written.
const maxKeptOut = 1 << 20

// closeGrace bounds the last write to a client being disconnected (its
// -ERR, after a slow consumer's pending bytes were dropped).
const closeGrace = time.Second

// connectOpts are CONNECT's fields (the JSON the client sends).
type connectOpts struct {
	Verbose      bool   `json:"verbose"`
	Pedantic     bool   `json:"pedantic"`
	TLSRequired  bool   `json:"tls_required"`
	AuthToken    string `json:"auth_token,omitempty"`
	User         string `json:"user,omitempty"`
	Pass         string `json:"pass,omitempty"`
	Name         string `json:"name"`
	Lang         string `json:"lang"`
	Version      string `json:"version"`
	Protocol     int    `json:"protocol"`
	Echo         bool   `json:"echo"`
	Headers      bool   `json:"headers"`
	NoResponders bool   `json:"no_responders"`
}

// subscription is one SUB of one client.
type subscription struct {
	c       *conn
	subject string
	queue   string
	sid     string
	// max is UNSUB's message limit (0: none); delivered counts deliveries.
	max       atomic.Int64
	delivered atomic.Int64
	// closed is set once the subscription is removed; a publisher holding
	// a cached match result checks it before delivering.
	closed atomic.Bool
}

// take counts a delivery against the limit: ok is false when the limit
// was already reached, last is true for the delivery that reaches it.
func (s *subscription) take() (ok, last bool) {
	n := s.delivered.Add(1)
	max := s.max.Load()
	if max <= 0 {
		return true, false
	}
	return n <= max, n == max
}

// conn is one client connection.
//
// Its reader goroutine (readLoop) owns p, opts and the batch state (flush,
// topic): it parses, runs the operations, and delivers published messages
// by appending them to the subscribers' outbound buffers. Its writer
// goroutine (writeLoop) alone writes the socket, and sends the server's
// PINGs. Publishers of other connections, and the amq.topic hook under the
// engine lock, only append to out (under outMu) and signal wake.
type conn struct {
	srv *Server
	nc  net.Conn
	id  uint64

	p     *parser
	opts  connectOpts
	flush map[*conn]struct{} // subscribers to wake at the end of this read
	topic topicBatch         // publishes on their way to amq.topic

	authed   atomic.Bool  // CONNECT accepted (or no authentication needed)
	headers  atomic.Bool  // the client takes HMSG ("headers": true)
	pingsOut atomic.Int32 // PINGs sent without a PONG since

	subsMu sync.Mutex // guards subs
	subs   map[string]*subscription

	outMu    sync.Mutex // guards out, spare, inflight, closing
	out      []byte     // waiting to be written
	spare    []byte
	inflight int  // bytes the writer is writing now
	closing  bool // no more output is accepted; the writer closes once out is written
	wake     chan struct{}
}

func newConn(s *Server, nc net.Conn, id uint64) *conn {
	c := &conn{
		srv: s, nc: nc, id: id,
		p:     newParser(s.opts.MaxControlLine, s.opts.MaxPayload),
		opts:  connectOpts{Verbose: true, Pedantic: true, Echo: true}, // nats-server's defaults before CONNECT
		flush: map[*conn]struct{}{},
		subs:  map[string]*subscription{},
		wake:  make(chan struct{}, 1),
	}
	if s.authRequired() {
		c.p.requireConnect = true
	} else {
		c.authed.Store(true)
	}
	c.out = s.infoLine(id, nc.LocalAddr(), nc.RemoteAddr())
	c.signal()
	return c
}

// signal wakes the writer.
func (c *conn) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// push queues protocol bytes (INFO, PONG, +OK, -ERR, PING) for the
// client and wakes the writer.
func (c *conn) push(b []byte) {
	c.outMu.Lock()
	if !c.closing {
		c.out = append(c.out, b...)
	}
	c.outMu.Unlock()
	c.signal()
}

// closeWithErr queues -ERR 'text' as the last output and closes the
// connection once it is written.
func (c *conn) closeWithErr(text string) {
	c.outMu.Lock()
	if !c.closing {
		c.out = append(c.out, errLine(text)...)
		c.closing = true
	}
	c.outMu.Unlock()
	c.signal()
}

// shutdown closes the connection once what is queued is written.
func (c *conn) shutdown() {
	c.outMu.Lock()
	c.closing = true
	c.outMu.Unlock()
	c.signal()
}

// abort closes the connection at once (server shutdown).
func (c *conn) abort() {
	c.shutdown()
	c.nc.Close()
}

// enqueueMsg appends a MSG (or HMSG, when hdr is set and the client takes
// headers; otherwise the headers are dropped) for subscription sid to the
// outbound buffer. It does not wake the writer. It reports false when the
// connection is closing, or has just been cut off as a slow consumer.
func (c *conn) enqueueMsg(sid string, subject, reply, hdr, payload []byte) bool {
	withHdr := len(hdr) > 0 && c.headers.Load()
	c.outMu.Lock()
	if c.closing {
		c.outMu.Unlock()
		return false
	}
	b := c.out
	if withHdr {
		b = append(b, "HMSG "...)
	} else {
		b = append(b, "MSG "...)
	}
	b = append(b, subject...)
	b = append(b, ' ')
	b = append(b, sid...)
	b = append(b, ' ')
	if len(reply) > 0 {
		b = append(b, reply...)
		b = append(b, ' ')
	}
	if withHdr {
		b = strconv.AppendInt(b, int64(len(hdr)), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(len(hdr)+len(payload)), 10)
		b = append(b, "\r\n"...)
		b = append(b, hdr...)
	} else {
		b = strconv.AppendInt(b, int64(len(payload)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, payload...)
	b = append(b, "\r\n"...)
	c.out = b
	if int64(len(c.out)+c.inflight) > c.srv.opts.MaxPending {
		c.slowConsumerLocked()
		c.outMu.Unlock()
		c.signal()
		return false
	}
	c.outMu.Unlock()
	return true
}

// slowConsumerLocked cuts off a client whose pending output passed
// MaxPending: the pending messages are dropped, -ERR 'Slow Consumer' is
// the last thing queued, and a write still blocked on the client gets a
// short deadline. Called with outMu held.
func (c *conn) slowConsumerLocked() {
	c.out = errLine(errTextSlowConsumer)
	c.closing = true
	c.srv.stats.slow.Add(1)
	_ = c.nc.SetWriteDeadline(time.Now().Add(closeGrace))
	c.srv.log.Debug("NATS slow consumer disconnected", "cid", c.id, "max_pending", c.srv.opts.MaxPending)
}

// writeLoop is the writer goroutine: it writes what is queued, sends
// PINGs, enforces the authentication timeout, and closes the socket when
// the connection ends.
func (c *conn) writeLoop() {
	defer c.srv.wg.Done()
	defer c.nc.Close()
	ping := time.NewTicker(c.srv.opts.PingInterval)
	defer ping.Stop()
	var authC <-chan time.Time
	if !c.authed.Load() {
		t := time.NewTimer(c.srv.opts.AuthTimeout)
		defer t.Stop()
		authC = t.C
	}
	for {
		select {
		case <-c.wake:
		case <-ping.C:
			c.ping()
		case <-authC:
			if !c.authed.Load() {
				c.closeWithErr(errTextAuthTimeout)
			}
		}
		if !c.writeOut() {
			return
		}
	}
}

// ping sends the server's PING, or ends a connection that left
// MaxPingsOut PINGs unanswered (nats-server's processPingTimer).
func (c *conn) ping() {
	if int(c.pingsOut.Load())+1 > c.srv.opts.MaxPingsOut {
		c.srv.log.Debug("NATS stale connection", "cid", c.id)
		c.closeWithErr(errTextStale)
		return
	}
	c.pingsOut.Add(1)
	c.push([]byte("PING\r\n"))
}

// writeOut writes everything queued. It reports false when the connection
// is finished: closing with nothing left to write, or a write failed.
func (c *conn) writeOut() bool {
	for {
		c.outMu.Lock()
		if len(c.out) == 0 {
			closing := c.closing
			c.outMu.Unlock()
			return !closing
		}
		buf := c.out
		c.out, c.spare = c.spare[:0], nil
		c.inflight = len(buf)
		c.outMu.Unlock()

		_ = c.nc.SetWriteDeadline(time.Now().Add(c.srv.opts.WriteDeadline))
		_, err := c.nc.Write(buf)

		c.outMu.Lock()
		c.inflight = 0
		if cap(buf) <= maxKeptOut {
			c.spare = buf[:0]
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && !c.closing {
				c.srv.stats.slow.Add(1)
				c.srv.log.Debug("NATS slow consumer: write deadline exceeded", "cid", c.id)
			}
			c.closing = true
			c.out = nil
		}
		c.outMu.Unlock()
		if err != nil {
			return false
		}
	}
}

// readLoop is the reader goroutine: it reads, parses and runs the
// client's operations until the connection ends, then releases the
// connection's subscriptions.
func (c *conn) readLoop() {
	defer c.srv.wg.Done()
	defer c.cleanup()
	buf := make([]byte, minReadBuf)
	for {
		n, err := c.nc.Read(buf)
		if n > 0 {
			perr := c.p.parse(buf[:n], c)
			c.endBatch()
			if perr != nil {
				c.protocolError(perr)
				return
			}
			if n == len(buf) && len(buf) < maxReadBuf {
				buf = make([]byte, 2*len(buf))
			} else if n < len(buf)/4 && len(buf) > minReadBuf {
				buf = make([]byte, len(buf)/2)
			}
		}
		if err != nil {
			c.shutdown()
			return
		}
	}
}

// protocolError ends the connection after a parse or operation error,
// with the -ERR nats-server sends for it, if any.
func (c *conn) protocolError(err error) {
	if errors.Is(err, errClose) {
		c.shutdown()
		return
	}
	if text := wireError(err); text != "" {
		c.closeWithErr(text)
	} else {
		c.shutdown()
	}
	c.srv.log.Debug("NATS protocol error", "cid", c.id, "err", err)
}

// endBatch runs at the end of each read: it publishes the batch into
// amq.topic and wakes the writers of the subscribers that got messages.
func (c *conn) endBatch() {
	c.flushTopic()
	for t := range c.flush {
		t.signal()
		delete(c.flush, t)
	}
}

// cleanup releases the connection's state when its reader ends.
func (c *conn) cleanup() {
	c.shutdown()
	c.subsMu.Lock()
	subs := c.subs
	c.subs = map[string]*subscription{}
	c.subsMu.Unlock()
	for _, s := range subs {
		if !s.closed.Swap(true) {
			_ = c.srv.subs.Remove(s.subject, s.queue, s)
		}
	}
	c.srv.removeConn(c)
}

// removeSub removes one subscription (UNSUB, or its message limit
// reached). It is safe from any goroutine and idempotent.
func (c *conn) removeSub(s *subscription) {
	if s.closed.Swap(true) {
		return
	}
	c.subsMu.Lock()
	if c.subs[s.sid] == s {
		delete(c.subs, s.sid)
	}
	c.subsMu.Unlock()
	_ = c.srv.subs.Remove(s.subject, s.queue, s)
}
