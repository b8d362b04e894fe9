package natsbridge_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
	"github.com/switchyard/switchyard/natsbridge"
)

// End-to-end tests with nats.go, unchanged, over real sockets.

// next returns the next message of a synchronous subscription, failing the
// test after 5 s.
func next(t *testing.T, sub *nats.Subscription) *nats.Msg {
	t.Helper()
	m, err := sub.NextMsg(5 * time.Second)
	require.NoError(t, err)
	return m
}

// none requires that sub has nothing pending once the server answered a
// Flush of the publisher and one of the subscriber.
func none(t *testing.T, sub *nats.Subscription, conns ...*nats.Conn) {
	t.Helper()
	for _, nc := range conns {
		require.NoError(t, nc.Flush())
	}
	n, _, err := sub.Pending()
	require.NoError(t, err)
	require.Zero(t, n, "unexpected messages on %s", sub.Subject)
}

func TestPubSub(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	pub := connect(t, f.url)
	subc := connect(t, f.url)
	sub, err := subc.SubscribeSync("greet")
	require.NoError(t, err)
	require.NoError(t, subc.Flush())

	for i := range 100 {
		require.NoError(t, pub.Publish("greet", []byte("hello "+strconv.Itoa(i))))
	}
	for i := range 100 {
		m := next(t, sub)
		require.Equal(t, "greet", m.Subject)
		require.Equal(t, "hello "+strconv.Itoa(i), string(m.Data), "in order")
		require.Empty(t, m.Reply)
	}
	require.NoError(t, pub.PublishRequest("greet", "my.reply", []byte("r")))
	m := next(t, sub)
	require.Equal(t, "my.reply", m.Reply)

	// Empty and large payloads.
	require.NoError(t, pub.Publish("greet", nil))
	require.Empty(t, next(t, sub).Data)
	big := make([]byte, 1<<20) // exactly max_payload
	for i := range big {
		big[i] = byte(i)
	}
	require.NoError(t, pub.Publish("greet", big))
	require.Equal(t, big, next(t, sub).Data)
	require.ErrorIs(t, pub.Publish("greet", make([]byte, 1<<20+1)), nats.ErrMaxPayload)

	// An async subscriber gets the same stream.
	got := make(chan string, 10)
	_, err = subc.Subscribe("async.>", func(m *nats.Msg) { got <- m.Subject + "=" + string(m.Data) })
	require.NoError(t, err)
	require.NoError(t, subc.Flush())
	require.NoError(t, pub.Publish("async.x", []byte("1")))
	require.Equal(t, "async.x=1", <-got)

	st := f.Stats()
	require.EqualValues(t, 2, st.Conns)
	require.EqualValues(t, 104, st.InMsgs)
	require.EqualValues(t, 104, st.OutMsgs)
}

func TestWildcards(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	nc := connect(t, f.url)
	subjects := []string{"a.b", "a.*", "a.>", ">", "*.b", "*", "a.b.c", "a.*.c", "*.*.*"}
	subs := map[string]*nats.Subscription{}
	for _, s := range subjects {
		sub, err := nc.SubscribeSync(s)
		require.NoError(t, err)
		subs[s] = sub
	}
	for _, c := range []struct {
		subject string
		match   []string
	}{
		{"a.b", []string{"a.b", "a.*", "a.>", ">", "*.b"}},
		{"a", []string{">", "*"}}, // "a.>" needs at least one more token
		{"a.b.c", []string{"a.>", ">", "a.b.c", "a.*.c", "*.*.*"}},
		{"x.b", []string{">", "*.b"}},
		{"a.x.c", []string{"a.>", ">", "a.*.c", "*.*.*"}},
		{"a.b.c.d", []string{"a.>", ">"}},
	} {
		require.NoError(t, nc.Publish(c.subject, []byte(c.subject)))
		require.NoError(t, nc.Flush())
		want := map[string]bool{}
		for _, s := range c.match {
			want[s] = true
			m := next(t, subs[s])
			require.Equal(t, c.subject, m.Subject, "subscription %s", s)
		}
		for _, s := range subjects {
			if !want[s] {
				none(t, subs[s])
			}
		}
	}
}

func TestQueueGroups(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	pub := connect(t, f.url)
	const n = 300
	var counts [3]atomic.Int64
	var total atomic.Int64
	for i := range counts {
		nc := connect(t, f.url)
		_, err := nc.QueueSubscribe("jobs.*", "workers", func(*nats.Msg) {
			counts[i].Add(1)
			total.Add(1)
		})
		require.NoError(t, err)
		require.NoError(t, nc.Flush())
	}
	// A second group and a plain subscriber each see every message.
	other := connect(t, f.url)
	var audit, plain atomic.Int64
	_, err := other.QueueSubscribe("jobs.>", "audit", func(*nats.Msg) { audit.Add(1) })
	require.NoError(t, err)
	_, err = other.Subscribe("jobs.*", func(*nats.Msg) { plain.Add(1) })
	require.NoError(t, err)
	require.NoError(t, other.Flush())

	for i := range n {
		require.NoError(t, pub.Publish("jobs."+strconv.Itoa(i%7), []byte("job")))
	}
	require.NoError(t, pub.Flush())
	require.Eventually(t, func() bool {
		return total.Load() == n && audit.Load() == n && plain.Load() == n
	}, 10*time.Second, 5*time.Millisecond, "group %d audit %d plain %d", total.Load(), audit.Load(), plain.Load())
	for i := range counts {
		require.Positive(t, counts[i].Load(), "member %d got nothing: %d %d %d", i, counts[0].Load(), counts[1].Load(), counts[2].Load())
	}
	// Exactly once: nothing more arrives after a round trip.
	require.NoError(t, pub.Flush())
	require.EqualValues(t, n, total.Load())
}

func TestQueueGroupMemberLeaves(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	pub := connect(t, f.url)
	a := connect(t, f.url)
	b := connect(t, f.url)
	sa, err := a.QueueSubscribeSync("work", "g")
	require.NoError(t, err)
	sb, err := b.QueueSubscribeSync("work", "g")
	require.NoError(t, err)
	require.NoError(t, a.Flush())
	require.NoError(t, b.Flush())
	b.Close() // its member leaves the group
	require.Eventually(t, func() bool { return f.Stats().Subscriptions == 1 }, 5*time.Second, time.Millisecond)
	for range 20 {
		require.NoError(t, pub.Publish("work", []byte("x")))
	}
	for range 20 {
		next(t, sa)
	}
	_ = sb
}

func TestRequestReply(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	srv := connect(t, f.url)
	_, err := srv.QueueSubscribe("math.double", "svc", func(m *nats.Msg) {
		n, _ := strconv.Atoi(string(m.Data))
		_ = m.Respond([]byte(strconv.Itoa(2 * n)))
	})
	require.NoError(t, err)
	require.NoError(t, srv.Flush())

	for _, style := range []string{"new", "old"} {
		t.Run(style, func(t *testing.T) {
			var opts []nats.Option
			if style == "old" {
				opts = append(opts, nats.UseOldRequestStyle())
			}
			cli := connect(t, f.url, opts...)
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m, err := cli.Request("math.double", []byte(strconv.Itoa(i)), 5*time.Second)
					if !assertNoErr(t, err) {
						return
					}
					if string(m.Data) != strconv.Itoa(2*i) {
						t.Errorf("request %d: got %q", i, m.Data)
					}
				}()
			}
			wg.Wait()
		})
	}

	// A hand-made inbox.
	cli := connect(t, f.url)
	inbox := cli.NewRespInbox()
	sub, err := cli.SubscribeSync(inbox)
	require.NoError(t, err)
	require.NoError(t, cli.PublishRequest("math.double", inbox, []byte("21")))
	require.Equal(t, "42", string(next(t, sub).Data))
}

func assertNoErr(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

func TestHeaders(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	nc := connect(t, f.url)
	require.True(t, nc.HeadersSupported())
	sub, err := nc.SubscribeSync("h")
	require.NoError(t, err)
	msg := nats.NewMsg("h")
	msg.Header.Set("Trace-Id", "abc")
	msg.Header.Add("Multi", "1")
	msg.Header.Add("Multi", "2")
	msg.Data = []byte("body")
	require.NoError(t, nc.PublishMsg(msg))
	m := next(t, sub)
	require.Equal(t, "body", string(m.Data))
	require.Equal(t, "abc", m.Header.Get("Trace-Id"))
	require.Equal(t, []string{"1", "2"}, m.Header.Values("Multi"))

	// Request with headers, answered with headers.
	_, err = nc.Subscribe("hreq", func(m *nats.Msg) {
		r := nats.NewMsg(m.Reply)
		r.Header.Set("Echo", m.Header.Get("Ask"))
		r.Data = []byte("ok")
		_ = m.RespondMsg(r)
	})
	require.NoError(t, err)
	req := nats.NewMsg("hreq")
	req.Header.Set("Ask", "why")
	resp, err := nc.RequestMsg(req, 5*time.Second)
	require.NoError(t, err)
	require.Equal(t, "why", resp.Header.Get("Echo"))
}

func TestNoResponders(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	nc := connect(t, f.url)
	start := time.Now()
	_, err := nc.Request("nobody.home", []byte("?"), 10*time.Second)
	require.ErrorIs(t, err, nats.ErrNoResponders)
	require.Less(t, time.Since(start), 5*time.Second, "no-responders must answer at once, not time out")

	// Old-style requests get it too.
	old := connect(t, f.url, nats.UseOldRequestStyle())
	_, err = old.Request("nobody.home", []byte("?"), 10*time.Second)
	require.ErrorIs(t, err, nats.ErrNoResponders)

	// With a responder there is an answer.
	_, err = nc.Subscribe("somebody.home", func(m *nats.Msg) { _ = m.Respond([]byte("yes")) })
	require.NoError(t, err)
	m, err := nc.Request("somebody.home", nil, 5*time.Second)
	require.NoError(t, err)
	require.Equal(t, "yes", string(m.Data))
}

func TestDrain(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	pub := connect(t, f.url)
	closed := make(chan struct{})
	nc := connect(t, f.url, nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	var got atomic.Int64
	sub, err := nc.Subscribe("d", func(*nats.Msg) {
		time.Sleep(time.Millisecond) // a slow handler: messages pile up client-side
		got.Add(1)
	})
	require.NoError(t, err)
	require.NoError(t, nc.Flush())
	const n = 200
	for range n {
		require.NoError(t, pub.Publish("d", []byte("x")))
	}
	require.NoError(t, pub.Flush())
	// Wait until the server has handed every message to the subscriber.
	require.Eventually(t, func() bool { return f.Stats().OutMsgs >= n }, 5*time.Second, time.Millisecond)
	require.NoError(t, sub.Drain())
	require.NoError(t, nc.Drain())
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("drain did not close the connection")
	}
	require.EqualValues(t, n, got.Load(), "drain delivers what was received")
	require.Eventually(t, func() bool { return f.Stats().Subscriptions == 0 }, 5*time.Second, time.Millisecond)
}

func TestFlush(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	nc := connect(t, f.url)
	before := f.Stats().InMsgs
	for range 1000 {
		require.NoError(t, nc.Publish("f", []byte("x")))
	}
	require.NoError(t, nc.FlushTimeout(5*time.Second))
	// The PONG comes after the server parsed every PUB before the PING.
	require.EqualValues(t, 1000, f.Stats().InMsgs-before)
	rtt, err := nc.RTT()
	require.NoError(t, err)
	require.Less(t, rtt, 5*time.Second)
}

func TestVerbose(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	opts := nats.GetDefaultOptions()
	opts.Url = f.url
	opts.Verbose = true
	nc, err := opts.Connect()
	require.NoError(t, err)
	defer nc.Close()
	sub, err := nc.SubscribeSync("v")
	require.NoError(t, err)
	require.NoError(t, nc.Publish("v", []byte("1")))
	require.Equal(t, "1", string(next(t, sub).Data))
	require.NoError(t, sub.Unsubscribe())
	require.NoError(t, nc.Flush())
}

func TestAutoUnsubscribe(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	nc := connect(t, f.url)
	sub, err := nc.SubscribeSync("au")
	require.NoError(t, err)
	require.NoError(t, sub.AutoUnsubscribe(3))
	require.NoError(t, nc.Flush())
	for i := range 10 {
		require.NoError(t, nc.Publish("au", []byte(strconv.Itoa(i))))
	}
	for i := range 3 {
		require.Equal(t, strconv.Itoa(i), string(next(t, sub).Data))
	}
	require.NoError(t, nc.Flush())
	_, err = sub.NextMsg(50 * time.Millisecond)
	require.Error(t, err, "a fourth message arrived")
	require.Eventually(t, func() bool { return f.Stats().Subscriptions == 0 }, 5*time.Second, time.Millisecond)
}

func TestNoEcho(t *testing.T) {
	f := startFront(t, natsbridge.Options{})
	quiet := connect(t, f.url, nats.NoEcho())
	loud := connect(t, f.url)
	qs, err := quiet.SubscribeSync("e")
	require.NoError(t, err)
	ls, err := loud.SubscribeSync("e")
	require.NoError(t, err)
	require.NoError(t, quiet.Flush())
	require.NoError(t, loud.Flush())
	require.NoError(t, quiet.Publish("e", []byte("from quiet")))
	require.Equal(t, "from quiet", string(next(t, ls).Data))
	none(t, qs, quiet)
	require.NoError(t, loud.Publish("e", []byte("from loud")))
	require.Equal(t, "from loud", string(next(t, qs).Data))
	require.Equal(t, "from loud", string(next(t, ls).Data))
}

func TestAuth(t *testing.T) {
	t.Run("user", func(t *testing.T) {
		f := startFront(t, natsbridge.Options{User: "alice", Pass: "s3cret"})
		nc := connect(t, f.url, nats.UserInfo("alice", "s3cret"))
		require.True(t, nc.AuthRequired())
		require.NoError(t, nc.Flush())
		_, err := nats.Connect(f.url, nats.UserInfo("alice", "wrong"))
		require.ErrorIs(t, err, nats.ErrAuthorization)
		_, err = nats.Connect(f.url)
		require.ErrorIs(t, err, nats.ErrAuthorization)
		nc2 := connect(t, "nats://alice:s3cret@"+f.addr)
		require.NoError(t, nc2.Flush())
	})
	t.Run("token", func(t *testing.T) {
		f := startFront(t, natsbridge.Options{Token: "t0k"})
		nc := connect(t, f.url, nats.Token("t0k"))
		require.NoError(t, nc.Flush())
		_, err := nats.Connect(f.url, nats.Token("nope"))
		require.ErrorIs(t, err, nats.ErrAuthorization)
	})
	t.Run("configuration", func(t *testing.T) {
		_, url := testutil.StartSwitchyardNATS(t, []string{"nats-user", "u"}, []string{"nats-pass", "p"})
		_, err := nats.Connect(url)
		require.ErrorIs(t, err, nats.ErrAuthorization)
		nc := connect(t, url, nats.UserInfo("u", "p"))
		require.NoError(t, nc.Flush())
		_, url = testutil.StartSwitchyardNATS(t, []string{"nats-token", "tt"})
		nc = connect(t, url, nats.Token("tt"))
		require.NoError(t, nc.Flush())
	})
}

func TestServerPingsKeepClientAlive(t *testing.T) {
	f := startFront(t, natsbridge.Options{PingInterval: 20 * time.Millisecond, MaxPingsOut: 2})
	nc := connect(t, f.url)
	sub, err := nc.SubscribeSync("alive")
	require.NoError(t, err)
	// nats.go answers the server's PINGs; stale detection leaves it alone
	// across many intervals.
	raw, _ := dialRaw(t, f.addr)
	raw.send("CONNECT {\"verbose\":false}\r\n")
	require.Equal(t, "PING\r\n", raw.line())
	require.Equal(t, "PING\r\n", raw.line())
	require.Equal(t, "-ERR 'Stale Connection'\r\n", raw.line())
	require.Empty(t, raw.rest())
	require.True(t, nc.IsConnected())
	require.NoError(t, nc.Publish("alive", []byte("yes")))
	require.Equal(t, "yes", string(next(t, sub).Data))
}

func TestStaleConnection(t *testing.T) {
	// The server closes a client after MaxPingsOut unanswered PINGs, one
	// interval apart; a client that answers keeps its connection.
	f := startFront(t, natsbridge.Options{PingInterval: 30 * time.Millisecond, MaxPingsOut: 3})
	raw, _ := dialRaw(t, f.addr)
	start := time.Now()
	for range 3 {
		require.Equal(t, "PING\r\n", raw.line())
	}
	require.Equal(t, "-ERR 'Stale Connection'\r\n", raw.line())
	require.Empty(t, raw.rest())
	require.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond)
	raw2, _ := dialRaw(t, f.addr)
	for range 5 {
		require.Equal(t, "PING\r\n", raw2.line())
		raw2.send("PONG\r\n")
	}
}

func TestReconnectAfterRestart(t *testing.T) {
	port := strconv.Itoa(testutil.FreePort(t))
	s1, url := testutil.StartSwitchyardNATS(t, []string{"nats-port", port})
	disconnected := make(chan struct{}, 1)
	reconnected := make(chan struct{}, 1)
	nc := connect(t, url,
		nats.MaxReconnects(-1),
		nats.ReconnectWait(20*time.Millisecond),
		nats.ReconnectJitter(0, 0),
		nats.DisconnectErrHandler(func(*nats.Conn, error) {
			select {
			case disconnected <- struct{}{}:
			default:
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { reconnected <- struct{}{} }),
	)
	sub, err := nc.SubscribeSync("restart.>")
	require.NoError(t, err)
	require.NoError(t, nc.Publish("restart.before", []byte("1")))
	require.Equal(t, "1", string(next(t, sub).Data))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s1.Shutdown(ctx))
	select {
	case <-disconnected:
	case <-time.After(10 * time.Second):
		t.Fatal("nats.go did not see the server go")
	}
	// Published while disconnected: nats.go buffers it and sends it after
	// reconnecting.
	require.NoError(t, nc.Publish("restart.during", []byte("2")))

	testutil.StartSwitchyard(t, []string{"nats-port", port})
	select {
	case <-reconnected:
	case <-time.After(15 * time.Second):
		t.Fatal("nats.go did not reconnect")
	}
	require.Equal(t, "2", string(next(t, sub).Data), "subscription restored and buffered publish sent")
	require.NoError(t, nc.Publish("restart.after", []byte("3")))
	require.Equal(t, "3", string(next(t, sub).Data))
	require.EqualValues(t, 1, nc.Stats().Reconnects)
}

func TestConnectionsAndSubscriptionsReleased(t *testing.T) {
	base := runtime.NumGoroutine()
	f := startFront(t, natsbridge.Options{})
	var conns []*nats.Conn
	for i := range 5 {
		nc, err := nats.Connect(f.url)
		require.NoError(t, err)
		_, err = nc.SubscribeSync(fmt.Sprintf("leak.%d", i))
		require.NoError(t, err)
		_, err = nc.QueueSubscribeSync("leak.*", "q")
		require.NoError(t, err)
		require.NoError(t, nc.Flush())
		conns = append(conns, nc)
	}
	require.Equal(t, 10, f.Stats().Subscriptions)
	for _, nc := range conns {
		nc.Close()
	}
	require.Eventually(t, func() bool {
		st := f.Stats()
		return st.Conns == 0 && st.Subscriptions == 0
	}, 5*time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, f.Shutdown(ctx))
	f.qb.Close()
	f.eng.Close()
	// Every goroutine of the front and of the clients ends.
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= base+2 }, 5*time.Second, 5*time.Millisecond,
		"goroutines: %d, before: %d", runtime.NumGoroutine(), base)
}

func TestMaxConnections(t *testing.T) {
	f := startFront(t, natsbridge.Options{MaxConns: 1})
	first, _ := dialRaw(t, f.addr)
	require.Equal(t, "PONG\r\n", first.transcript("CONNECT {\"verbose\":false}\r\n"))
	second, _ := dialRaw(t, f.addr)
	require.Equal(t, "-ERR 'maximum connections exceeded'\r\n", second.line())
	require.Empty(t, second.rest())
	// As against nats-server, nats.go fails (usually writing its CONNECT
	// to the socket the server already closed).
	_, err := nats.Connect(f.url)
	require.Error(t, err)
}
