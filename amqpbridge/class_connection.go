package amqpbridge

import (
	"bytes"
	"net"
	"slices"
	"time"

	"github.com/switchyard/switchyard/broker"
)

// Version is the server version announced in connection.start.
const Version = "0.1.0"

// serverCapabilities are the RabbitMQ extensions the server announces in
// connection.start's server-properties (RabbitMQ's list). connection.blocked
// is announced because clients expect it; Switchyard has no memory alarm
// yet, so it never blocks.
var serverCapabilities = []string{
	"publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
	"connection.blocked", "per_consumer_qos", "direct_reply_to", "authentication_failure_close",
}

func serverProperties() Table {
	caps := Table{}
	for _, c := range serverCapabilities {
		caps[c] = true
	}
	return Table{
		"product":      "Switchyard",
		"version":      Version,
		"platform":     "Go",
		"copyright":    "Switchyard authors",
		"information":  "AMQP 0-9-1 front of Switchyard",
		"cluster_name": "switchyard",
		"capabilities": caps,
	}
}

// sendStart answers the protocol header with connection.start (spec
// 1.4.2.1): version 0-9, the server properties, mechanisms PLAIN and
// AMQPLAIN, locale en_US.
func (c *conn) sendStart() {
	c.send(0, &ConnectionStart{
		VersionMajor: 0, VersionMinor: 9, ServerProperties: serverProperties(),
		Mechanisms: "PLAIN AMQPLAIN", Locales: "en_US",
	})
	c.state = connAwaitStartOk
}

// handleConnectionFrame handles a frame on channel 0: the handshake (spec
// 4.2.1: start, start-ok, tune, tune-ok, open, open-ok), connection.close
// in both directions, and update-secret.
func (c *conn) handleConnectionFrame(tx *broker.Tx, f Frame) {
	if f.Type != FrameMethod {
		c.connectionError(tx, newError(UnexpectedFrame, "type %d, %s", f.Type, snippet(f.Payload)))
		return
	}
	m, err := DecodeMethod(f.Payload)
	if err != nil {
		c.decodeFailed(tx, err)
		return
	}
	id := m.id()
	var aerr *Error
	switch m := m.(type) {
	case *ConnectionStartOk:
		if c.state != connAwaitStartOk {
			break
		}
		aerr = c.startOk(m)
		if aerr == nil && c.state == connAwaitStartOk {
			c.send(0, &ConnectionTune{ChannelMax: c.opts.ChannelMax, FrameMax: c.opts.FrameMax, Heartbeat: c.opts.Heartbeat})
			c.state = connAwaitTuneOk
		}
		c.reportError(tx, aerr, id)
		return
	case *ConnectionSecureOk:
		// Neither mechanism uses a challenge.
	case *ConnectionTuneOk:
		if c.state != connAwaitTuneOk {
			break
		}
		c.reportError(tx, c.tuneOk(m), id)
		return
	case *ConnectionOpen:
		if c.state != connAwaitOpen {
			break
		}
		if m.VirtualHost != "/" {
			c.reportError(tx, newError(NotAllowed, "vhost %s not found", m.VirtualHost), id)
			return
		}
		c.send(0, &ConnectionOpenOk{})
		c.state = connOpen
		return
	case *ConnectionClose:
		if c.state != connOpen {
			break
		}
		// Spec 1.4.2.9: the peer closes; reply close-ok and end.
		c.releaseChannels(tx)
		c.send(0, &ConnectionCloseOk{})
		c.state = connDone
		return
	case *ConnectionCloseOk:
		c.state = connDone
		return
	case *ConnectionUpdateSecret:
		if c.state != connOpen {
			break
		}
		c.send(0, &ConnectionUpdateSecretOk{})
		return
	case *ConnectionBlocked, *ConnectionUnblocked:
		if c.state == connOpen {
			return // a client's notice; nothing to do
		}
	}
	// rabbit_reader: any other method on channel 0.
	c.reportError(tx, newError(ChannelError, "unexpected method in connection state %s", c.stateName()), id)
}

func (c *conn) reportError(tx *broker.Tx, err *Error, id methodID) {
	if err == nil {
		return
	}
	if err.ClassID == 0 && err.MethodID == 0 {
		err.on(id)
	}
	if (c.state == connAwaitStartOk || c.state == connAwaitTuneOk) && err.Code != AccessRefused {
		// RabbitMQ closes the socket without connection.close for errors
		// while starting and tuning, except a refused login.
		c.abortWith(tx, err)
		return
	}
	c.connectionError(tx, err)
}

// decodeFailed handles a method frame that does not decode: 501
// FRAME_ERROR in connection.close; an unknown method ends the connection
// without a close, as RabbitMQ's reader does.
func (c *conn) decodeFailed(tx *broker.Tx, err error) {
	ae := err.(*Error)
	if ae.Code == NotImplemented {
		c.abortWith(tx, ae)
		return
	}
	c.connectionError(tx, ae)
}

// abortWith ends the connection without connection.close, logging why.
func (c *conn) abortWith(tx *broker.Tx, err *Error) {
	c.srv.log.Info("closing AMQP connection", "addr", c.nc.RemoteAddr().String(), "code", err.Code, "text", err.Text)
	c.releaseChannels(tx)
	c.state = connDone
}

func (c *conn) stateName() string {
	switch c.state {
	case connAwaitStartOk:
		return "starting"
	case connAwaitTuneOk:
		return "tuning"
	case connAwaitOpen:
		return "opening"
	case connOpen:
		return "running"
	}
	return "closing"
}

// startOk authenticates (spec 1.4.2.2 and RabbitMQ's PLAIN and AMQPLAIN).
// A refused login is 403 ACCESS_REFUSED; the text the client sees is
// RabbitMQ's safe one.
func (c *conn) startOk(m *ConnectionStartOk) *Error {
	if caps, ok := m.ClientProperties["capabilities"].(Table); ok {
		c.clientCaps = caps
		c.cancelNote, _ = caps["consumer_cancel_notify"].(bool)
	}
	var user, pass string
	switch m.Mechanism {
	case "PLAIN":
		// RFC 4616: authzid NUL authcid NUL passwd.
		parts := bytes.Split([]byte(m.Response), []byte{0})
		if len(parts) != 3 {
			return newError(SyntaxError, "response %s invalid", erlangBinary([]byte(m.Response)))
		}
		user, pass = string(parts[1]), string(parts[2])
	case "AMQPLAIN":
		// A field table without its length: LOGIN and PASSWORD.
		t, err := decodeTable([]byte(m.Response), 0)
		if err != nil {
			return newError(SyntaxError, "AMQPLAIN auth info %s is missing LOGIN or PASSWORD field", erlangBinary([]byte(m.Response)))
		}
		u, ok1 := t["LOGIN"].(string)
		p, ok2 := t["PASSWORD"].(string)
		if !ok1 || !ok2 {
			return newError(SyntaxError, "AMQPLAIN auth info %s is missing LOGIN or PASSWORD field", erlangBinary([]byte(m.Response)))
		}
		user, pass = u, p
	default:
		return newError(CommandInvalid, "unknown authentication mechanism '%s'", m.Mechanism)
	}
	want, ok := c.opts.Users[user]
	refused := !ok || want != pass
	if !refused && slices.Contains(c.opts.LoopbackUsers, user) && !isLoopback(c.nc.RemoteAddr()) {
		refused = true
		c.srv.log.Warn("AMQP login refused: user can only connect via localhost", "user", user, "addr", c.nc.RemoteAddr().String())
	}
	if refused {
		if b, _ := c.clientCaps["authentication_failure_close"].(bool); !b {
			// Without the capability RabbitMQ just closes the socket.
			c.state = connDone
			return nil
		}
		return newError(AccessRefused, "Login was refused using authentication mechanism %s. For details see the broker logfile.", m.Mechanism)
	}
	c.user = user
	return nil
}

// isLoopback reports whether addr is a loopback address; addresses that
// are not TCP (pipes in tests) count as local.
func isLoopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return !ok || ta.IP.IsLoopback()
}

// tuneOk applies the client's limits (spec 1.4.2.6), validated as
// rabbit_reader does: frame-max at least 4096 and at most the server's,
// channel-max at least 1 and at most the server's (0 means "no limit",
// which is above the server's), else 530 NOT_ALLOWED.
func (c *conn) tuneOk(m *ConnectionTuneOk) *Error {
	if err := negotiate("frame_max", FrameMinSize, uint32(c.opts.FrameMax), m.FrameMax); err != nil {
		return err
	}
	if err := negotiate("channel_max", 1, uint32(c.opts.ChannelMax), uint32(m.ChannelMax)); err != nil {
		return err
	}
	c.frameMax = m.FrameMax
	c.channelMax = m.ChannelMax
	c.fr.SetFrameMax(m.FrameMax)
	c.heartbeat = time.Duration(m.Heartbeat) * c.opts.heartbeatUnit
	c.hbSet <- c.heartbeat
	c.state = connAwaitOpen
	return nil
}

func negotiate(field string, lo, server, client uint32) *Error {
	detail := ""
	if client == 0 {
		detail = " (no limit)"
	}
	switch {
	case client != 0 && client < lo:
		return newError(NotAllowed, "negotiated %s = %d%s is lower than the minimum allowed value (%d)", field, client, detail, lo)
	case server != 0 && (client == 0 || client > server):
		return newError(NotAllowed, "negotiated %s = %d%s is higher than the maximum allowed value (%d)", field, client, detail, server)
	}
	return nil
}
