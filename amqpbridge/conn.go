package amqpbridge

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/switchyard/switchyard/broker"
)

// connState is where a connection is in its life (spec 4.2.1 grammar:
// connection = open-connection *use-connection close-connection).
type connState uint8

const (
	connAwaitHeader  connState = iota // protocol header not yet read
	connAwaitStartOk                  // connection.start sent
	connAwaitTuneOk                   // connection.tune sent
	connAwaitOpen                     // tune-ok received
	connOpen                          // connection.open-ok sent
	connClosing                       // connection.close sent, awaiting close-ok
	connDone                          // the reader stops after this batch
)

// conn is one AMQP connection.
//
// The reader goroutine (serve) owns every field not marked otherwise; it
// handles frames inside Engine.Exec, so channel state is also consistent
// for Deliver callbacks, which run under the engine lock. The writer
// goroutine (writeLoop) owns the socket's write side.
type conn struct {
	srv  *Server
	nc   net.Conn
	id   uint64 // owner id of the queue.Channels (exclusive queues)
	fr   *FrameReader
	opts *Options

	state      connState
	user       string
	clientCaps Table
	cancelNote bool   // client takes server-sent basic.cancel
	channelMax uint16 // negotiated
	frameMax   uint32 // negotiated; read by Deliver under the engine lock
	heartbeat  time.Duration
	closeDue   time.Time // deadline for close-ok once connClosing
	channels   map[uint16]*channel
	batch      []Frame
	dirty      []*channel // channels with confirms to send after the batch

	outMu       sync.Mutex // guards out, held, holding, spare, dead, flushClose
	out         []byte     // frames waiting for the writer
	held        []byte     // frames waiting for an fsync (holding)
	holding     bool       // appendfsync always: output is held during a batch
	spare       []byte
	dead        bool // output is discarded: the connection is going away
	flushClose  bool // the writer closes the socket once out is written
	wake        chan struct{}
	drained     chan struct{}      // the writer wrote a buffer
	hbSet       chan time.Duration // heartbeat interval for the writer
	closed      chan struct{}      // closed by abort
	writerDone  chan struct{}
	closeOnce   sync.Once
	cleanupOnce sync.Once
}

func newConn(s *Server, nc net.Conn, id uint64) *conn {
	return &conn{
		srv: s, nc: nc, id: id, opts: &s.opts,
		fr:         NewFrameReader(FrameMinSize, true),
		frameMax:   FrameMinSize,
		channels:   map[uint16]*channel{},
		wake:       make(chan struct{}, 1),
		drained:    make(chan struct{}, 1),
		hbSet:      make(chan time.Duration, 1),
		closed:     make(chan struct{}),
		writerDone: make(chan struct{}),
	}
}

// abort closes the socket at once; both goroutines then stop and the
// reader releases the connection's state. Safe from any goroutine.
func (c *conn) abort() {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.nc.Close()
	})
}

// forceClose sends connection.close with err and closes the socket once it
// is written, without waiting for close-ok (server shutdown). Safe from any
// goroutine.
func (c *conn) forceClose(err *Error) {
	b, _ := AppendMethodFrame(nil, 0, &ConnectionClose{ReplyCode: err.Code, ReplyText: err.Text})
	c.outMu.Lock()
	if !c.dead {
		c.out = append(c.out, b...)
		c.dead = true
	}
	c.flushClose = true
	c.outMu.Unlock()
	c.wakeWriter()
}

func (c *conn) wakeWriter() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// enqueue appends encoded frames to the outbound buffer. Over
// MaxOutbound the connection is cut off as a slow consumer. Safe from any
// goroutine; never blocks.
func (c *conn) enqueue(enc func(b []byte) []byte) {
	c.outMu.Lock()
	if c.dead {
		c.outMu.Unlock()
		return
	}
	if c.holding {
		c.held = enc(c.held)
	} else {
		c.out = enc(c.out)
	}
	over := len(c.out)+len(c.held) > c.opts.MaxOutbound
	if over {
		c.dead = true
		c.out, c.held = nil, nil
	}
	c.outMu.Unlock()
	if over {
		c.srv.log.Warn("closing AMQP connection over the outbound limit (slow consumer)",
			"addr", c.nc.RemoteAddr().String(), "limit", c.opts.MaxOutbound)
		c.abort()
		return
	}
	c.wakeWriter()
}

// send enqueues one method frame.
func (c *conn) send(channel uint16, m Method) {
	c.enqueue(func(b []byte) []byte {
		out, err := AppendMethodFrame(b, channel, m)
		if err != nil {
			c.srv.log.Error("encoding AMQP method", "method", MethodName(m), "err", err)
			return b
		}
		return out
	})
}

func (c *conn) outLen() int {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	return len(c.out)
}

// writeLoop is the only writer of the socket: it drains the outbound
// buffer and sends heartbeats when the connection has been quiet for half
// the heartbeat interval.
func (c *conn) writeLoop() {
	defer c.srv.wg.Done()
	defer close(c.writerDone)
	var tick <-chan time.Time
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	var interval time.Duration
	last := time.Now()
	for {
		select {
		case <-c.closed:
			return
		case <-c.wake:
		case interval = <-c.hbSet:
			if interval > 0 && ticker == nil {
				ticker = time.NewTicker(interval / 2)
				tick = ticker.C
			}
		case now := <-tick:
			if now.Sub(last) >= interval/2 {
				c.outMu.Lock()
				if !c.dead {
					c.out = AppendHeartbeat(c.out)
				}
				c.outMu.Unlock()
			}
		}
		for {
			c.outMu.Lock()
			buf, closeAfter := c.out, c.flushClose
			if len(buf) == 0 {
				c.outMu.Unlock()
				if closeAfter {
					c.abort()
					return
				}
				break
			}
			c.out = c.spare[:0]
			c.outMu.Unlock()
			_, err := c.nc.Write(buf)
			last = time.Now()
			c.outMu.Lock()
			if cap(buf) <= 256<<10 {
				c.spare = buf[:0]
			}
			c.outMu.Unlock()
			select {
			case c.drained <- struct{}{}:
			default:
			}
			if err != nil {
				c.abort()
				return
			}
		}
	}
}

// serve is the reader goroutine.
func (c *conn) serve() {
	defer c.srv.wg.Done()
	defer c.cleanup()
	handshakeEnd := time.Now().Add(c.opts.HandshakeTimeout)
	for {
		switch {
		case c.state < connOpen:
			_ = c.nc.SetReadDeadline(handshakeEnd)
		case c.state == connClosing:
			_ = c.nc.SetReadDeadline(c.closeDue)
		case c.heartbeat > 0:
			_ = c.nc.SetReadDeadline(time.Now().Add(2 * c.heartbeat))
		default:
			_ = c.nc.SetReadDeadline(time.Time{})
		}
		n, err := c.fr.ReadOnce(c.nc)
		if n > 0 && !c.process() {
			return
		}
		if err != nil {
			c.readFailed(err)
			return
		}
		// Back-pressure: stop reading while the client does not take what
		// it is sent.
		for c.outLen() > c.opts.MaxOutbound/4 {
			select {
			case <-c.drained:
			case <-c.closed:
				return
			}
		}
	}
}

func (c *conn) readFailed(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	case errors.As(err, &ne) && ne.Timeout():
		switch {
		case c.state < connOpen:
			c.srv.log.Info("AMQP handshake timeout", "addr", c.nc.RemoteAddr().String())
		case c.state == connOpen:
			c.srv.log.Warn("missed heartbeats from client", "addr", c.nc.RemoteAddr().String(),
				"timeout", c.heartbeat)
		}
	default:
		c.srv.log.Debug("AMQP read", "addr", c.nc.RemoteAddr().String(), "err", err)
	}
}

// process handles every complete frame read so far, all under one engine
// lock acquisition, and reports whether the reader should go on.
func (c *conn) process() bool {
	frames := c.batch[:0]
	var rerr error
	for {
		f, ok, err := c.fr.Next()
		if err != nil {
			rerr = err
			break
		}
		if !ok {
			break
		}
		frames = append(frames, f)
	}
	c.batch = frames[:0]
	if errors.Is(rerr, ErrProtocolHeader) {
		// Spec 4.2.2: answer with the header we support and close.
		c.enqueue(func(b []byte) []byte { return append(b, ProtocolHeader...) })
		c.closeAfterFlush()
		return false
	}
	if c.state == connAwaitHeader && c.fr.HeaderDone() {
		c.sendStart()
	}
	if len(frames) == 0 && rerr == nil {
		return true
	}
	durable := c.opts.Durability != nil && c.opts.Durability.Always()
	if durable {
		// Everything sent to this connection from now until the batch's
		// changes are on disk waits, in order.
		c.outMu.Lock()
		c.holding = true
		c.outMu.Unlock()
	}
	c.srv.eng.Exec(func(tx *broker.Tx) {
		for _, f := range frames {
			if c.state == connDone {
				break
			}
			c.handleFrame(tx, f)
		}
		if rerr != nil && c.state != connDone {
			var ae *Error
			if !errors.As(rerr, &ae) {
				ae = newError(FrameError, "%s", rerr.Error())
			}
			// A broken stream cannot carry close-ok: close at once.
			c.connectionError(tx, ae)
			c.state = connDone
		}
		c.flushConfirms()
	})
	if durable && !c.release() {
		return false
	}
	if c.state == connDone {
		c.closeAfterFlush()
		return false
	}
	return true
}

// release waits for the AOF to fsync the batch's changes, then lets the
// held output go. When the AOF cannot write, the connection is closed: the
// client sees no confirm rather than one that is not on disk.
func (c *conn) release() bool {
	d := c.opts.Durability
	err := d.WaitSynced(d.Offset())
	c.outMu.Lock()
	c.holding = false
	if err == nil {
		c.out = append(c.out, c.held...)
	}
	c.held = c.held[:0]
	c.outMu.Unlock()
	if err != nil {
		c.srv.log.Error("closing AMQP connection: changes not durable", "addr", c.nc.RemoteAddr().String(), "err", err)
		c.abort()
		return false
	}
	c.wakeWriter()
	return true
}

// closeAfterFlush makes the writer close the socket once everything queued
// is written.
func (c *conn) closeAfterFlush() {
	c.outMu.Lock()
	c.flushClose = true
	c.outMu.Unlock()
	c.wakeWriter()
}

// cleanup runs when the reader stops: every channel is closed (consumers
// cancelled, unacked deliveries requeued), the connection's exclusive
// queues are deleted, the writer gets a moment to flush a pending close,
// and the socket is closed.
func (c *conn) cleanup() {
	c.cleanupOnce.Do(func() {
		c.srv.eng.Exec(c.releaseChannels)
		c.closeAfterFlush()
		select {
		case <-c.writerDone:
		case <-time.After(time.Second):
		}
		c.abort()
		<-c.writerDone
		c.srv.removeConn(c)
	})
}

// releaseChannels releases every channel (consumers cancelled, unacked
// deliveries requeued) and deletes the connection's exclusive queues: what
// a connection holds in the model ends as soon as it starts closing.
func (c *conn) releaseChannels(tx *broker.Tx) {
	for id, ch := range c.channels {
		ch.release(tx)
		delete(c.channels, id)
	}
	c.srv.queues.ConnectionClosed(tx, c.id)
}

// handleFrame routes one frame; engine lock held.
func (c *conn) handleFrame(tx *broker.Tx, f Frame) {
	if c.state == connClosing {
		// Spec 4.8 / RabbitMQ: after connection.close only close and
		// close-ok matter.
		if f.Type == FrameMethod && f.Channel == 0 {
			m, err := DecodeMethod(f.Payload)
			if err != nil {
				return
			}
			switch m.(type) {
			case *ConnectionCloseOk:
				c.state = connDone
			case *ConnectionClose:
				c.send(0, &ConnectionCloseOk{})
				c.state = connDone
			}
		}
		return
	}
	if f.Type == FrameHeartbeat {
		if f.Channel != 0 {
			c.connectionError(tx, newError(UnexpectedFrame, "type %d, %s", f.Type, snippet(f.Payload)))
		}
		return
	}
	if f.Channel == 0 {
		c.handleConnectionFrame(tx, f)
		return
	}
	if c.state != connOpen {
		c.connectionError(tx, newError(CommandInvalid, "channel %d used before connection.open", f.Channel))
		return
	}
	c.handleChannelFrame(tx, f)
}

// connectionError closes the connection with a connection exception (spec
// 4.8): connection.close is sent, every channel is released at once, and
// only close-ok or close are accepted until the connection ends.
func (c *conn) connectionError(tx *broker.Tx, err *Error) {
	c.srv.log.Info("AMQP connection error", "addr", c.nc.RemoteAddr().String(), "code", err.Code, "text", err.Text)
	c.flushConfirms()
	c.send(0, &ConnectionClose{ReplyCode: err.Code, ReplyText: err.Text, ClassID: err.ClassID, MethodID: err.MethodID})
	c.releaseChannels(tx)
	if c.state < connOpen {
		// During the handshake RabbitMQ closes without waiting.
		c.state = connDone
		return
	}
	c.state = connClosing
	c.closeDue = time.Now().Add(3 * time.Second)
}

// flushConfirms sends the publisher confirms of the batch: per channel one
// basic.ack, multiple when it covers several publishes.
func (c *conn) flushConfirms() {
	for _, ch := range c.dirty {
		ch.sendConfirms()
	}
	c.dirty = c.dirty[:0]
}
