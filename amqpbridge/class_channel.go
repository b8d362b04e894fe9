package amqpbridge

import (
	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/queue"
)

// chanState is where a channel is in its life (spec 4.5 "Channel Closing").
type chanState uint8

const (
	chanOpen    chanState = iota
	chanClosing           // channel.close sent, awaiting close-ok
)

// channel is one AMQP channel of a connection: the front's state around a
// queue.Channel (delivery tags, unacked deliveries, prefetch, consumers).
// Guarded by the engine lock: the reader touches it only inside
// Engine.Exec, and Deliver/OnCancel callbacks run under that lock.
type channel struct {
	c     *conn
	id    uint16
	state chanState
	qch   *queue.Channel

	// Content assembly (spec 4.2.6): a basic.publish waits for its header
	// and body frames.
	publish    *BasicPublish
	haveHeader bool
	props      Properties
	bodySize   uint64
	body       []byte

	lastQueue        string // most recently declared queue (empty-name shortcut)
	consumerPrefetch int    // basic.qos global=false: limit of new consumers
	consumers        map[string]*consumer
	reply            *consumer // the direct reply-to consumer, if any

	confirm    bool   // confirm.select seen
	publishSeq uint64 // sequence number of the last publish in confirm mode
	confirmed  uint64 // highest sequence number acked to the client
	dirty      bool   // in conn.dirty

	tx    bool // tx.select seen
	txOps []txOp
}

// channelHandler handles one method on an open channel; the error it
// returns closes the channel (channel exceptions) or the connection.
type channelHandler func(ch *channel, tx *broker.Tx, m Method) *Error

// handles adapts a typed handler to the method table.
func handles[T Method](fn func(ch *channel, tx *broker.Tx, m T) *Error) channelHandler {
	return func(ch *channel, tx *broker.Tx, m Method) *Error { return fn(ch, tx, m.(T)) }
}

// methodRow is one row of the method table: the method (a zero value
// naming it) and its handler.
type methodRow struct {
	method  Method
	handler channelHandler
}

// channelMethods is the method table of open channels, built from each
// class file's rows. A method twice is a programming error.
var channelMethods = func() map[methodID]channelHandler {
	t := map[methodID]channelHandler{}
	for _, rows := range [][]methodRow{channelRows(), exchangeRows(), queueRows(), basicRows(), confirmRows(), txRows()} {
		for _, r := range rows {
			id := r.method.id()
			if _, dup := t[id]; dup {
				panic("amqpbridge: method registered twice: " + id.String())
			}
			t[id] = r.handler
		}
	}
	return t
}()

func channelRows() []methodRow {
	return []methodRow{
		{&ChannelFlow{}, handles(channelFlow)},
		{&ChannelClose{}, handles(channelClose)},
	}
}

// handleChannelFrame handles a frame on a channel other than 0; engine
// lock held.
func (c *conn) handleChannelFrame(tx *broker.Tx, f Frame) {
	ch := c.channels[f.Channel]
	if ch == nil {
		c.openChannel(tx, f)
		return
	}
	if ch.state == chanClosing {
		// Spec 4.5: after channel.close only close and close-ok count.
		if f.Type != FrameMethod {
			return
		}
		m, err := DecodeMethod(f.Payload)
		if err != nil {
			return
		}
		switch m.(type) {
		case *ChannelCloseOk:
			delete(c.channels, ch.id)
		case *ChannelClose:
			c.send(ch.id, &ChannelCloseOk{})
		}
		return
	}
	if ch.publish != nil {
		ch.content(tx, f)
		return
	}
	if f.Type != FrameMethod {
		c.connectionError(tx, newError(UnexpectedFrame, "expected method frame, got non method frame instead"))
		return
	}
	m, err := DecodeMethod(f.Payload)
	if err != nil {
		c.decodeFailed(tx, err)
		return
	}
	id := m.id()
	if p, ok := m.(*BasicPublish); ok {
		// Spec 4.2.6: the content follows; the publish runs when it is
		// complete.
		ch.publish = p
		ch.haveHeader = false
		return
	}
	h, ok := channelMethods[id]
	if !ok {
		if id.class == ClassChannel && id.method == 10 {
			c.connectionError(tx, newError(ChannelError, "second 'channel.open' seen").on(id))
			return
		}
		// rabbit_channel: any other method (connection class, replies
		// the server never asked for) is "unimplemented method".
		c.connectionError(tx, newError(CommandInvalid, "unimplemented method").on(id))
		return
	}
	if aerr := h(ch, tx, m); aerr != nil {
		ch.fail(tx, aerr, id)
	}
}

// openChannel handles the first frame on an unused channel number: it must
// be channel.open (else 504 CHANNEL_ERROR "expected 'channel.open'"), and
// the connection may not hold more than channel-max channels (530).
func (c *conn) openChannel(tx *broker.Tx, f Frame) {
	if f.Type != FrameMethod {
		c.connectionError(tx, newError(ChannelError, "expected 'channel.open'"))
		return
	}
	m, err := DecodeMethod(f.Payload)
	if err != nil {
		c.decodeFailed(tx, err)
		return
	}
	if _, ok := m.(*ChannelOpen); !ok {
		c.connectionError(tx, newError(ChannelError, "expected 'channel.open'").on(m.id()))
		return
	}
	if c.channelMax != 0 && len(c.channels) >= int(c.channelMax) {
		c.connectionError(tx, newError(NotAllowed, "number of channels opened (%d) has reached the negotiated channel_max (%d)",
			len(c.channels), c.channelMax).on(m.id()))
		return
	}
	c.channels[f.Channel] = &channel{
		c: c, id: f.Channel, qch: c.srv.queues.NewChannel(c.id),
		consumers: map[string]*consumer{},
	}
	c.send(f.Channel, &ChannelOpenOk{})
}

// fail handles an exception raised by a method on ch: a channel exception
// closes the channel (spec 1.5.2.5), a connection exception the connection.
func (ch *channel) fail(tx *broker.Tx, err *Error, id methodID) {
	if err.ClassID == 0 && err.MethodID == 0 {
		err.on(id)
	}
	if err.ConnectionLevel() {
		ch.c.connectionError(tx, err)
		return
	}
	ch.sendConfirms()
	ch.c.send(ch.id, &ChannelClose{ReplyCode: err.Code, ReplyText: err.Text, ClassID: err.ClassID, MethodID: err.MethodID})
	ch.release(tx)
	ch.state = chanClosing
}

// release ends the channel in the model: its consumers are cancelled and
// its unacked deliveries go back to their queues flagged redelivered.
func (ch *channel) release(tx *broker.Tx) {
	ch.qch.Close(tx)
	ch.consumers = map[string]*consumer{}
	ch.reply = nil
	ch.publish = nil
	ch.body = nil
	ch.txOps = nil
}

// channelFlow is channel.flow (spec 1.5.2.3). RabbitMQ 3.x accepts
// active=true and answers active=false with 540 NOT_IMPLEMENTED.
func channelFlow(ch *channel, _ *broker.Tx, m *ChannelFlow) *Error {
	if !m.Active {
		return newError(NotImplemented, "active=false")
	}
	ch.c.send(ch.id, &ChannelFlowOk{Active: true})
	return nil
}

// channelClose is channel.close from the client (spec 1.5.2.5): the channel
// is released and close-ok sent.
func channelClose(ch *channel, tx *broker.Tx, _ *ChannelClose) *Error {
	ch.sendConfirms()
	ch.release(tx)
	delete(ch.c.channels, ch.id)
	ch.c.send(ch.id, &ChannelCloseOk{})
	return nil
}
