package amqpbridge_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/switchyard/switchyard/amqpbridge"
)

// rawClient speaks AMQP frame by frame, for what amqp091-go never sends:
// garbage, oversized frames, methods out of order. It works against
// Switchyard and RabbitMQ alike.
type rawClient struct {
	t  testing.TB
	nc net.Conn
	fr *FrameReader
}

// hostOf returns host:port of an amqp:// URL.
func hostOf(t testing.TB, amqpURL string) string {
	u, err := url.Parse(amqpURL)
	require.NoError(t, err)
	return u.Host
}

func dialRaw(t testing.TB, amqpURL string) *rawClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", hostOf(t, amqpURL), 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	return &rawClient{t: t, nc: nc, fr: NewFrameReader(0, false)}
}

func (r *rawClient) write(b []byte) {
	r.t.Helper()
	_, err := r.nc.Write(b)
	require.NoError(r.t, err)
}

func (r *rawClient) method(ch uint16, m Method) {
	r.t.Helper()
	b, err := AppendMethodFrame(nil, ch, m)
	require.NoError(r.t, err)
	r.write(b)
}

func (r *rawClient) content(ch uint16, p *Properties, body []byte) {
	r.t.Helper()
	b, err := AppendContent(nil, ch, p, body, DefaultFrameMax)
	require.NoError(r.t, err)
	r.write(b)
}

func (r *rawClient) publish(ch uint16, m *BasicPublish, p *Properties, body []byte) {
	r.t.Helper()
	r.method(ch, m)
	r.content(ch, p, body)
}

// frame returns the next frame (payload copied), or an error on EOF or
// after timeout.
func (r *rawClient) frame(timeout time.Duration) (Frame, error) {
	deadline := time.Now().Add(timeout)
	for {
		f, ok, err := r.fr.Next()
		if err != nil {
			return Frame{}, err
		}
		if ok {
			f.Payload = append([]byte{}, f.Payload...)
			return f, nil
		}
		_ = r.nc.SetReadDeadline(deadline)
		if _, err := r.fr.ReadOnce(r.nc); err != nil {
			return Frame{}, err
		}
	}
}

// next returns the next method, skipping heartbeats and content frames.
func (r *rawClient) next() Method {
	r.t.Helper()
	for {
		f, err := r.frame(5 * time.Second)
		require.NoError(r.t, err)
		if f.Type != FrameMethod {
			continue
		}
		m, err := DecodeMethod(f.Payload)
		require.NoError(r.t, err)
		return m
	}
}

// expect reads the next method and checks its type.
func expect[T Method](r *rawClient) T {
	r.t.Helper()
	m := r.next()
	v, ok := m.(T)
	require.True(r.t, ok, "got %s (%+v)", MethodName(m), m)
	return v
}

// handshake runs the connection handshake as a well-behaved client with
// the given tune-ok values.
func (r *rawClient) handshake(frameMax uint32, heartbeat uint16) *ConnectionStart {
	r.t.Helper()
	r.write(ProtocolHeader)
	start := expect[*ConnectionStart](r)
	r.method(0, &ConnectionStartOk{
		ClientProperties: Table{"product": "rawclient", "capabilities": Table{
			"authentication_failure_close": true, "consumer_cancel_notify": true}},
		Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US",
	})
	tune := expect[*ConnectionTune](r)
	r.method(0, &ConnectionTuneOk{ChannelMax: tune.ChannelMax, FrameMax: frameMax, Heartbeat: heartbeat})
	r.method(0, &ConnectionOpen{VirtualHost: "/"})
	expect[*ConnectionOpenOk](r)
	return start
}

func (r *rawClient) open(ch uint16) {
	r.t.Helper()
	r.method(ch, &ChannelOpen{})
	expect[*ChannelOpenOk](r)
}

// outcome is what an error case leads to: "channel" (channel.close),
// "connection" (connection.close), "eof" (socket closed without close),
// "header" (the protocol header came back) or "none" (the sync probe was
// answered), with the reply code and text.
type outcome struct {
	kind string
	code uint16
	text string
}

func (o outcome) String() string { return fmt.Sprintf("%s %d %q", o.kind, o.code, o.text) }

// outcome sends a sync probe (basic.qos on channel 1, answered in order
// with the case's methods) and reads until a close arrives or the socket
// ends; after the probe's answer it listens a little longer, since
// RabbitMQ runs channels concurrently and a close caused on another channel
// may come later. Replies to the case's own methods are skipped; closes
// are answered with close-ok.
func (r *rawClient) outcome() outcome {
	r.t.Helper()
	b, _ := AppendMethodFrame(nil, 1, &BasicQos{})
	_, _ = r.nc.Write(b) // may fail if the server closed already
	timeout := 5 * time.Second
	for {
		f, err := r.frame(timeout)
		if err != nil {
			var ne net.Error
			switch {
			case errors.As(err, &ne) && ne.Timeout():
				if timeout < time.Second {
					return outcome{kind: "none"}
				}
				return outcome{kind: "timeout"}
			case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err):
				return outcome{kind: "eof"}
			}
			return outcome{kind: "error", text: err.Error()}
		}
		if f.Type != FrameMethod {
			continue
		}
		m, err := DecodeMethod(f.Payload)
		if err != nil {
			return outcome{kind: "error", text: err.Error()}
		}
		switch m := m.(type) {
		case *BasicQosOk:
			if f.Channel == 1 {
				timeout = 300 * time.Millisecond
			}
		case *ChannelClose:
			b, _ := AppendMethodFrame(nil, f.Channel, &ChannelCloseOk{})
			_, _ = r.nc.Write(b)
			return outcome{kind: "channel", code: m.ReplyCode, text: m.ReplyText}
		case *ConnectionClose:
			b, _ := AppendMethodFrame(nil, 0, &ConnectionCloseOk{})
			_, _ = r.nc.Write(b)
			return outcome{kind: "connection", code: m.ReplyCode, text: m.ReplyText}
		}
	}
}

func isReset(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe)
}
