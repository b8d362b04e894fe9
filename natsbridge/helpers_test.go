package natsbridge_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/natsbridge"
	"github.com/switchyard/switchyard/queue"
)

// front is a NATS front on its own engine, for tests that need options the
// configuration does not offer.
type front struct {
	*natsbridge.Server
	eng  *broker.Engine
	qb   *queue.Broker
	addr string
	url  string
}

func testLogger() *slog.Logger {
	if os.Getenv("SWITCHYARD_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startFront starts a NATS front with opts on 127.0.0.1 and a free port,
// and stops it at the end of the test.
func startFront(t testing.TB, opts natsbridge.Options) *front {
	t.Helper()
	eng := broker.New(broker.Options{})
	qb := queue.New(eng)
	if opts.Logger == nil {
		opts.Logger = testLogger()
	}
	s := natsbridge.New(eng, qb, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, s.Shutdown(ctx))
		require.ErrorIs(t, <-served, natsbridge.ErrServerClosed)
		qb.Close()
		eng.Close()
	})
	addr := ln.Addr().String()
	return &front{Server: s, eng: eng, qb: qb, addr: addr, url: "nats://" + addr}
}

// connect returns a nats.go connection to url, closed at the end of the
// test.
func connect(t testing.TB, url string, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, append([]nats.Option{nats.Timeout(5 * time.Second)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	return nc
}

// raw is a plain TCP client for exact protocol bytes.
type raw struct {
	t  testing.TB
	nc net.Conn
	r  *bufio.Reader
}

// dialRaw connects to addr and reads the INFO line, which it returns.
func dialRaw(t testing.TB, addr string) (*raw, string) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	c := &raw{t: t, nc: nc, r: bufio.NewReader(nc)}
	info := c.line()
	require.True(t, strings.HasPrefix(info, "INFO {"), "first line %q", info)
	return c, info
}

func (c *raw) send(s string) {
	c.t.Helper()
	_, err := c.nc.Write([]byte(s))
	require.NoError(c.t, err)
}

// line reads one line (with its CR LF) within 5 s.
func (c *raw) line() string {
	c.t.Helper()
	_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	s, err := c.r.ReadString('\n')
	require.NoError(c.t, err, "reading a line; got %q so far", s)
	return s
}

// expect reads len(want) bytes and requires them to equal want.
func (c *raw) expect(want string) {
	c.t.Helper()
	_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, len(want))
	n, err := io.ReadFull(c.r, got)
	require.NoError(c.t, err, "reading %q; got %q", want, got[:n])
	require.Equal(c.t, want, string(got))
}

// rest reads until the server closes the connection (within 5 s) and
// returns what came.
func (c *raw) rest() string {
	c.t.Helper()
	_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c.r)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		c.t.Fatalf("connection still open after 5 s; got %q", b)
	}
	return string(b)
}

// transcript sends in, then a PING, and returns everything up to the
// PONG, or up to the close.
func (c *raw) transcript(in string) string {
	c.t.Helper()
	c.send(in + "PING\r\n")
	var b strings.Builder
	_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		s, err := c.r.ReadString('\n')
		b.WriteString(s)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				c.t.Fatalf("no PONG nor close within 5 s; got %q", b.String())
			}
			return b.String() + "<closed>"
		}
		if s == "PONG\r\n" {
			return b.String()
		}
	}
}
