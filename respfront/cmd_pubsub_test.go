package respfront_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// push returns the RESP encoding of a pub/sub array of bulk strings: a
// RESP2 array or a RESP3 push. A trailing int argument is written as an
// integer, nil as a null.
func push(proto int, parts ...any) string {
	var b strings.Builder
	if proto == 3 {
		fmt.Fprintf(&b, ">%d\r\n", len(parts))
	} else {
		fmt.Fprintf(&b, "*%d\r\n", len(parts))
	}
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(v), v)
		case int:
			fmt.Fprintf(&b, ":%d\r\n", v)
		case nil:
			if proto == 3 {
				b.WriteString("_\r\n")
			} else {
				b.WriteString("$-1\r\n")
			}
		}
	}
	return b.String()
}

// dialProto opens a raw connection speaking proto (HELLO 3 for RESP3).
func dialProto(t *testing.T, addr string, proto int) *testutil.Raw {
	t.Helper()
	r := testutil.DialRaw(t, addr)
	if proto == 3 {
		require.Contains(t, r.Do("HELLO", "3"), "proto\r\n:3\r\n")
	}
	return r
}

// sendRead sends one command and reads n replies, concatenated.
func sendRead(r *testutil.Raw, n int, args ...string) string {
	r.Send(testutil.Encode(args...))
	var out string
	for i := 0; i < n; i++ {
		out += r.Read()
	}
	return out
}

func TestPubSubGoRedis(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			addr := start(t)
			subc := testutil.Client(t, addr, proto)
			pub := testutil.Client(t, addr, proto)

			ps := subc.Subscribe(ctx, "news", "sport")
			defer ps.Close()
			for i, ch := range []string{"news", "sport"} {
				msg, err := ps.ReceiveTimeout(ctx, 5*time.Second)
				require.NoError(t, err)
				require.Equal(t, &redis.Subscription{Kind: "subscribe", Channel: ch, Count: i + 1}, msg)
			}
			require.NoError(t, ps.PSubscribe(ctx, "n*"))
			msg, err := ps.ReceiveTimeout(ctx, 5*time.Second)
			require.NoError(t, err)
			require.Equal(t, &redis.Subscription{Kind: "psubscribe", Channel: "n*", Count: 3}, msg)

			require.Equal(t, int64(2), pub.Publish(ctx, "news", "hello").Val(), "channel + pattern")
			require.Equal(t, int64(1), pub.Publish(ctx, "sport", "goal").Val())
			require.Equal(t, int64(0), pub.Publish(ctx, "weather", "rain").Val())
			want := []any{
				&redis.Message{Channel: "news", Payload: "hello"},
				&redis.Message{Channel: "news", Pattern: "n*", Payload: "hello"},
				&redis.Message{Channel: "sport", Payload: "goal"},
			}
			for _, w := range want {
				msg, err := ps.ReceiveTimeout(ctx, 5*time.Second)
				require.NoError(t, err)
				require.Equal(t, w, msg)
			}

			require.Equal(t, map[string]int64{"news": 1, "sport": 1, "none": 0}, pub.PubSubNumSub(ctx, "news", "sport", "none").Val())
			require.Equal(t, []string{"news", "sport"}, pub.PubSubChannels(ctx, "*").Val())
			require.Equal(t, []string{"sport"}, pub.PubSubChannels(ctx, "s*").Val())
			require.Equal(t, int64(1), pub.PubSubNumPat(ctx).Val())

			require.NoError(t, ps.Ping(ctx, "hi"))
			msg, err = ps.ReceiveTimeout(ctx, 5*time.Second)
			require.NoError(t, err)
			require.Equal(t, &redis.Pong{Payload: "hi"}, msg)

			require.NoError(t, ps.Unsubscribe(ctx, "news"))
			msg, err = ps.ReceiveTimeout(ctx, 5*time.Second)
			require.NoError(t, err)
			require.Equal(t, &redis.Subscription{Kind: "unsubscribe", Channel: "news", Count: 2}, msg)
			require.Equal(t, int64(1), pub.Publish(ctx, "news", "again").Val(), "the pattern only")
			msg, err = ps.ReceiveTimeout(ctx, 5*time.Second)
			require.NoError(t, err)
			require.Equal(t, &redis.Message{Channel: "news", Pattern: "n*", Payload: "again"}, msg)

			_, err = ps.ReceiveTimeout(ctx, 50*time.Millisecond)
			var ne net.Error
			require.True(t, errors.As(err, &ne) && ne.Timeout(), "nothing else pending: %v", err)
		})
	}
}

// TestPubSubRawBytes checks the exact replies, RESP2 and RESP3, against the
// transcript real Redis 7.0.15 produces.
func TestPubSubRawBytes(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			addr := start(t)
			r := dialProto(t, addr, proto)
			pub := testutil.DialRaw(t, addr)

			require.Equal(t, push(proto, "unsubscribe", nil, 0), sendRead(r, 1, "UNSUBSCRIBE"))
			require.Equal(t, push(proto, "punsubscribe", nil, 0), sendRead(r, 1, "PUNSUBSCRIBE"))
			require.Equal(t, push(proto, "unsubscribe", "a", 0)+push(proto, "unsubscribe", "b", 0),
				sendRead(r, 2, "UNSUBSCRIBE", "a", "b"), "not subscribed: one reply per channel anyway")
			require.Equal(t, push(proto, "subscribe", "a", 1)+push(proto, "subscribe", "b", 2)+push(proto, "subscribe", "a", 2),
				sendRead(r, 3, "SUBSCRIBE", "a", "b", "a"), "a repeated channel is confirmed again")
			require.Equal(t, push(proto, "psubscribe", "a*", 3)+push(proto, "psubscribe", "*", 4),
				sendRead(r, 2, "PSUBSCRIBE", "a*", "*"))

			require.Equal(t, ":3\r\n", pub.Do("PUBLISH", "a", "hello"))
			require.Equal(t, push(proto, "message", "a", "hello"), r.Read())
			require.Equal(t, push(proto, "pmessage", "a*", "a", "hello"), r.Read())
			require.Equal(t, push(proto, "pmessage", "*", "a", "hello"), r.Read())
			require.Equal(t, ":1\r\n", pub.Do("PUBLISH", "zz", ""))
			require.Equal(t, push(proto, "pmessage", "*", "zz", ""), r.Read())

			// Binary payloads and channel names pass through untouched.
			bin := "x\r\n\x00\xff"
			require.Equal(t, ":1\r\n", pub.Do("PUBLISH", bin, bin))
			require.Equal(t, push(proto, "pmessage", "*", bin, bin), r.Read(), "only * matches")

			require.Equal(t, "*6\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:1\r\n$1\r\nc\r\n:0\r\n", pub.Do("PUBSUB", "NUMSUB", "a", "b", "c"))
			require.Equal(t, "*0\r\n", pub.Do("PUBSUB", "NUMSUB"))
			require.Equal(t, "*1\r\n$1\r\na\r\n", pub.Do("PUBSUB", "CHANNELS", "a*"))
			require.Equal(t, ":2\r\n", pub.Do("PUBSUB", "NUMPAT"))

			// Without arguments: every subscription of the kind, in
			// subscription order for patterns (Redis keeps them in a list).
			require.Equal(t, push(proto, "unsubscribe", "a", 3)+push(proto, "unsubscribe", "b", 2), sendRead(r, 2, "UNSUBSCRIBE"))
			require.Equal(t, push(proto, "unsubscribe", nil, 2), sendRead(r, 1, "UNSUBSCRIBE"), "count includes patterns")
			require.Equal(t, push(proto, "punsubscribe", "a*", 1)+push(proto, "punsubscribe", "*", 0), sendRead(r, 2, "PUNSUBSCRIBE"))
			require.Equal(t, "+PONG\r\n", r.Do("PING"), "out of subscribed mode")
			require.Equal(t, ":0\r\n", pub.Do("PUBLISH", "a", "nobody"))
			require.Equal(t, ":0\r\n", pub.Do("PUBSUB", "NUMPAT"))
			require.Equal(t, "*0\r\n", pub.Do("PUBSUB", "CHANNELS"))
		})
	}
}

func TestSubscribedModeRESP2(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	require.Equal(t, push(2, "subscribe", "c", 1), r.Do("SUBSCRIBE", "c"))
	for _, cmd := range [][]string{{"GET", "x"}, {"PUBLISH", "c", "m"}, {"ECHO", "e"}, {"MULTI"}} {
		require.Equal(t, fmt.Sprintf("-ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", strings.ToLower(cmd[0])),
			r.Do(cmd...))
	}
	require.Equal(t, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", r.Do("PING"))
	require.Equal(t, "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", r.Do("PING", "hi"))
	require.Equal(t, "-ERR wrong number of arguments for 'subscribe' command\r\n", r.Do("SUBSCRIBE"))
	require.Equal(t, push(2, "psubscribe", "p", 2), r.Do("PSUBSCRIBE", "p"))
	require.Equal(t, push(2, "ssubscribe", "s", 1), r.Do("SSUBSCRIBE", "s"), "shard channels are counted apart")
	require.Equal(t, push(2, "unsubscribe", "c", 1), r.Do("UNSUBSCRIBE"))
	require.Equal(t, push(2, "punsubscribe", "p", 0), r.Do("PUNSUBSCRIBE"))
	require.Contains(t, r.Do("GET", "x"), "-ERR Can't execute 'get'", "still subscribed to a shard channel")
	require.Equal(t, push(2, "sunsubscribe", "s", 0), r.Do("SUNSUBSCRIBE"))
	require.Equal(t, "$-1\r\n", r.Do("GET", "x"))
	require.Equal(t, push(2, "subscribe", "c", 1), r.Do("SUBSCRIBE", "c"))
	require.Equal(t, "+OK\r\n", r.Do("QUIT"))
	_, err := r.ReadTimeout(5 * time.Second)
	require.ErrorIs(t, err, io.EOF)
}

func TestSubscribedRESP3RunsAnyCommand(t *testing.T) {
	addr := start(t)
	r := dialProto(t, addr, 3)
	require.Equal(t, push(3, "subscribe", "c", 1), r.Do("SUBSCRIBE", "c"))
	require.Equal(t, "+PONG\r\n", r.Do("PING"))
	require.Equal(t, "$2\r\nhi\r\n", r.Do("PING", "hi"))
	require.Equal(t, "$1\r\ne\r\n", r.Do("ECHO", "e"))
	require.Equal(t, "_\r\n", r.Do("GET", "k"))
	require.Equal(t, "*2\r\n$1\r\nc\r\n:1\r\n", r.Do("PUBSUB", "NUMSUB", "c"))
	// Publishing to itself: the message is pushed before PUBLISH's reply,
	// as in Redis.
	r.Send(testutil.Encode("PUBLISH", "c", "me"))
	require.Equal(t, push(3, "message", "c", "me"), r.Read())
	require.Equal(t, ":1\r\n", r.Read())
}

// TestPubSubScenario12 is SCENARIOS.md 12: a subscriber listens on channels
// and patterns; a publisher sends ten messages then END; everything arrives
// in order.
func TestPubSubScenario12(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			addr := start(t)
			subc := testutil.Client(t, addr, proto)
			pub := testutil.Client(t, addr, proto)
			ps := subc.Subscribe(ctx, "orders")
			defer ps.Close()
			require.NoError(t, ps.PSubscribe(ctx, "logs.*"))
			for i := 0; i < 2; i++ {
				_, err := ps.ReceiveTimeout(ctx, 5*time.Second)
				require.NoError(t, err)
			}

			var want []string
			for i := 0; i < 10; i++ {
				ch := "orders"
				if i%2 == 1 {
					ch = "logs.app"
				}
				payload := fmt.Sprintf("msg-%d", i)
				require.Equal(t, int64(1), pub.Publish(ctx, ch, payload).Val())
				want = append(want, ch+" "+payload)
			}
			require.Equal(t, int64(1), pub.Publish(ctx, "orders", "END").Val())
			want = append(want, "orders END")

			var got []string
			for {
				m, err := ps.ReceiveMessage(ctx)
				require.NoError(t, err)
				got = append(got, m.Channel+" "+m.Payload)
				if m.Payload == "END" {
					break
				}
				if m.Channel == "logs.app" {
					require.Equal(t, "logs.*", m.Pattern)
				}
			}
			require.Equal(t, want, got)
		})
	}
}

// TestSubscribeConfirmationOrder subscribes and unsubscribes while a
// publisher floods the channel: a subscribe confirmation always comes
// before the first message, and no message follows an unsubscribe
// confirmation.
func TestSubscribeConfirmationOrder(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			addr := start(t)
			r := dialProto(t, addr, proto)
			pub := testutil.Client(t, addr, 2)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if err := pub.Publish(ctx, "c", strconv.Itoa(i)).Err(); err != nil {
						t.Errorf("publish: %v", err)
						return
					}
				}
			}()
			defer func() { close(stop); wg.Wait() }()

			msgPrefix := push(proto, "message", "c", "")
			msgPrefix = msgPrefix[:strings.Index(msgPrefix, "$1\r\nc\r\n")+len("$1\r\nc\r\n")]
			sawMessages := 0
			for round := 0; round < 30; round++ {
				require.Equal(t, push(proto, "subscribe", "c", 1), sendRead(r, 1, "SUBSCRIBE", "c"), "round %d", round)
				// Wait for at least one message, so the unsubscribe races
				// with deliveries.
				require.True(t, strings.HasPrefix(r.Read(), msgPrefix))
				sawMessages++
				r.Send(testutil.Encode("UNSUBSCRIBE", "c"))
				for {
					got := r.Read()
					if got == push(proto, "unsubscribe", "c", 0) {
						break
					}
					require.True(t, strings.HasPrefix(got, msgPrefix), "got %q", got)
				}
				require.Equal(t, "+PONG\r\n", r.Do("PING"), "no message after the unsubscribe confirmation")
			}
			require.Equal(t, 30, sawMessages)
		})
	}
}

// TestSubscribeAfterPipelinedError: replies the dispatcher wrote before a
// SUBSCRIBE in the same pipeline come before its confirmation.
func TestSubscribeAfterPipelinedError(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	r.Send(append(append(append(testutil.Encode("NOSUCH"), testutil.Encode("GET")...),
		testutil.Encode("PING")...), testutil.Encode("SUBSCRIBE", "c")...))
	require.Equal(t, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n", r.Read())
	require.Equal(t, "-ERR wrong number of arguments for 'get' command\r\n", r.Read())
	require.Equal(t, "+PONG\r\n", r.Read())
	require.Equal(t, push(2, "subscribe", "c", 1), r.Read())
	r.Send(append(testutil.Encode("GET", "x"), testutil.Encode("UNSUBSCRIBE")...))
	require.Contains(t, r.Read(), "-ERR Can't execute 'get'")
	require.Equal(t, push(2, "unsubscribe", "c", 0), r.Read())
}

// TestSubscribeInMulti: SUBSCRIBE is allowed inside MULTI in Redis 7.0; its
// confirmation is part of the EXEC reply. Messages published to the client
// while EXEC runs are sent after the EXEC reply (Redis would splice them
// into it), and only if the subscription still holds when EXEC ends.
func TestSubscribeInMulti(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	pub := testutil.DialRaw(t, addr)
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	require.Equal(t, "+QUEUED\r\n", r.Do("SUBSCRIBE", "x"))
	require.Equal(t, "*1\r\n"+push(2, "subscribe", "x", 1), r.Do("EXEC"), "as Redis 7.0.15")
	require.Equal(t, ":1\r\n", pub.Do("PUBLISH", "x", "after"))
	require.Equal(t, push(2, "message", "x", "after"), r.Read())
	require.Equal(t, push(2, "unsubscribe", "x", 0), r.Do("UNSUBSCRIBE"))

	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	require.Equal(t, "+QUEUED\r\n", r.Do("SUBSCRIBE", "y"))
	require.Equal(t, "+QUEUED\r\n", r.Do("PUBLISH", "y", "inside"))
	require.Equal(t, "+QUEUED\r\n", r.Do("PING"))
	require.Equal(t, "*3\r\n"+push(2, "subscribe", "y", 1)+":1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n", r.Do("EXEC"))
	require.Equal(t, push(2, "message", "y", "inside"), r.Read(), "held until the EXEC reply was out")

	require.Equal(t, push(2, "unsubscribe", "y", 0), r.Do("UNSUBSCRIBE"))
	require.Equal(t, "+OK\r\n", r.Do("MULTI"))
	require.Equal(t, "+QUEUED\r\n", r.Do("SUBSCRIBE", "z"))
	require.Equal(t, "+QUEUED\r\n", r.Do("PUBLISH", "z", "dropped"))
	require.Equal(t, "+QUEUED\r\n", r.Do("UNSUBSCRIBE", "z"))
	require.Equal(t, "*3\r\n"+push(2, "subscribe", "z", 1)+":1\r\n"+push(2, "unsubscribe", "z", 0), r.Do("EXEC"))
	require.Equal(t, "+PONG\r\n", r.Do("PING"), "a message of a subscription the EXEC dropped is not sent")
}

func TestPubSubCommandErrors(t *testing.T) {
	c := client(t)
	mustErr(t, c, "ERR wrong number of arguments for 'pubsub' command", "PUBSUB")
	mustErr(t, c, "ERR wrong number of arguments for 'publish' command", "PUBLISH", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'publish' command", "PUBLISH", "x", "y", "z")
	mustErr(t, c, "ERR wrong number of arguments for 'spublish' command", "SPUBLISH", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'psubscribe' command", "PSUBSCRIBE")
	mustErr(t, c, "ERR unknown subcommand 'foo'. Try PUBSUB HELP.", "PubSub", "foo")
	mustErr(t, c, "ERR unknown subcommand '"+strings.Repeat("x", 128)+"'. Try PUBSUB HELP.", "PUBSUB", strings.Repeat("x", 140))
	mustErr(t, c, "ERR wrong number of arguments for 'pubsub|numpat' command", "PUBSUB", "NUMPAT", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'pubsub|help' command", "PUBSUB", "help", "x")
	mustErr(t, c, "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.", "PUBSUB", "CHANNELS", "a", "b")
	mustErr(t, c, "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.", "PUBSUB", "shardchannels", "a", "b")
	mustDo(t, c, []any{}, "PUBSUB", "CHANNELS", "[")
	mustDo(t, c, []any{}, "PUBSUB", "SHARDCHANNELS")
	mustDo(t, c, []any{}, "PUBSUB", "SHARDNUMSUB")
	mustDo(t, c, int64(0), "PUBSUB", "NUMPAT")
	mustDo(t, c, int64(0), "PUBLISH", "", "")

	help, err := c.Do(ctx, "PUBSUB", "HELP").StringSlice()
	require.NoError(t, err)
	require.Len(t, help, 14)
	require.Equal(t, "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0])
	require.Equal(t, "    Prints this help.", help[13])
}

func TestPubSubShard(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			addr := start(t)
			r := dialProto(t, addr, proto)
			pub := testutil.DialRaw(t, addr)
			require.Equal(t, push(proto, "sunsubscribe", nil, 0), r.Do("SUNSUBSCRIBE"))
			require.Equal(t, push(proto, "ssubscribe", "a", 1)+push(proto, "ssubscribe", "b", 2), sendRead(r, 2, "SSUBSCRIBE", "a", "b"))
			require.Equal(t, push(proto, "subscribe", "a", 1), r.Do("SUBSCRIBE", "a"), "channel count excludes shard channels")
			require.Equal(t, push(proto, "psubscribe", "*", 2), r.Do("PSUBSCRIBE", "*"))

			require.Equal(t, ":1\r\n", pub.Do("SPUBLISH", "a", "s"))
			require.Equal(t, push(proto, "smessage", "a", "s"), r.Read())
			require.Equal(t, ":2\r\n", pub.Do("PUBLISH", "a", "p"))
			require.Equal(t, push(proto, "message", "a", "p"), r.Read())
			require.Equal(t, push(proto, "pmessage", "*", "a", "p"), r.Read())

			require.Equal(t, "*4\r\n$1\r\na\r\n:1\r\n$1\r\nz\r\n:0\r\n", pub.Do("PUBSUB", "SHARDNUMSUB", "a", "z"))
			require.Equal(t, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", pub.Do("PUBSUB", "SHARDCHANNELS"))
			require.Equal(t, "*1\r\n$1\r\na\r\n", pub.Do("PUBSUB", "CHANNELS"))
			require.Equal(t, push(proto, "sunsubscribe", "a", 1)+push(proto, "sunsubscribe", "b", 0), sendRead(r, 2, "SUNSUBSCRIBE"))
			require.Equal(t, ":0\r\n", pub.Do("SPUBLISH", "a", "s"))
		})
	}
}

// TestPubSubReleasedOnClose: a closed subscriber leaves no subscription.
func TestPubSubReleasedOnClose(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	r := testutil.DialRaw(t, addr)
	require.Equal(t, push(2, "subscribe", "a", 1)+push(2, "subscribe", "b", 2), sendRead(r, 2, "SUBSCRIBE", "a", "b"))
	require.Equal(t, push(2, "psubscribe", "p*", 3), r.Do("PSUBSCRIBE", "p*"))
	require.Equal(t, push(2, "ssubscribe", "s", 1), r.Do("SSUBSCRIBE", "s"))
	mustDo(t, c, int64(1), "PUBSUB", "NUMPAT")
	r.Conn().Close()
	require.Eventually(t, func() bool {
		n, err := c.Do(ctx, "PUBSUB", "NUMPAT").Int64()
		return err == nil && n == 0
	}, 10*time.Second, 5*time.Millisecond)
	mustDo(t, c, []any{}, "PUBSUB", "CHANNELS")
	mustDo(t, c, []any{}, "PUBSUB", "SHARDCHANNELS")
	mustDo(t, c, int64(0), "PUBLISH", "a", "m")
}

// TestPubSubSlowSubscriberDisconnected: with client-output-buffer-limit-pubsub
// at 1mb, a subscriber that never reads is disconnected once its pending
// output passes the limit; the publisher never blocks and a subscriber that
// reads gets every message, in order.
func TestPubSubSlowSubscriberDisconnected(t *testing.T) {
	addr := testutil.StartSwitchyard(t, []string{"client-output-buffer-limit-pubsub", "1mb"}).RESPAddr()
	pub := testutil.Client(t, addr, 2)

	slow := testutil.DialRaw(t, addr)
	require.Equal(t, push(2, "subscribe", "c", 1), slow.Do("SUBSCRIBE", "c"))

	fastc := testutil.Client(t, addr, 2)
	fast := fastc.Subscribe(ctx, "c")
	defer fast.Close()
	_, err := fast.ReceiveTimeout(ctx, 5*time.Second)
	require.NoError(t, err)

	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n := 0
		for {
			m, err := fast.ReceiveTimeout(ctx, 20*time.Second)
			if err != nil {
				done <- result{n, err}
				return
			}
			msg := m.(*redis.Message)
			if msg.Payload == "END" {
				done <- result{n, nil}
				return
			}
			if want := strconv.Itoa(n) + ":"; !strings.HasPrefix(msg.Payload, want) {
				done <- result{n, fmt.Errorf("message %d: got prefix %q", n, msg.Payload[:min(len(msg.Payload), 10)])}
				return
			}
			n++
		}
	}()

	body := strings.Repeat("x", 64<<10)
	sent, after := 0, -1
	const maxMessages = 4000 // 256 MB: far past any kernel buffering
	for ; sent < maxMessages && (after < 0 || sent < after+100); sent++ {
		t0 := time.Now()
		n, err := pub.Publish(ctx, "c", strconv.Itoa(sent)+":"+body).Result()
		require.NoError(t, err)
		require.Less(t, time.Since(t0), 5*time.Second, "PUBLISH must never wait for a subscriber")
		if n == 1 && after < 0 {
			after = sent // the slow subscriber is gone; keep publishing
		}
	}
	require.GreaterOrEqual(t, after, 0, "the slow subscriber was never disconnected")
	t.Logf("slow subscriber dropped after %d messages of 64 KB", after)
	require.Equal(t, int64(1), pub.Publish(ctx, "c", "END").Val())
	res := <-done
	require.NoError(t, res.err)
	require.Equal(t, sent, res.n, "the reading subscriber got every message")

	// The slow client reads what the kernel still held, then the close.
	_ = slow.Conn().SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.Copy(io.Discard, slow.Conn())
	if err != nil {
		require.True(t, errors.Is(err, syscall.ECONNRESET), "want EOF or reset, got %v", err)
	}
}

// TestPubSubMatchesRedis runs one transcript, a subscriber and a publisher,
// against a real redis-server and against Switchyard, in RESP2 and RESP3,
// and requires byte-identical replies.
func TestPubSubMatchesRedis(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	type step struct {
		pub     bool // run on the publisher connection
		replies int  // replies to read on the subscriber after the step
		args    []string
	}
	s := func(n int, args ...string) step { return step{replies: n, args: args} }
	p := func(n int, args ...string) step { return step{pub: true, replies: n, args: args} }
	script := []step{
		s(1, "UNSUBSCRIBE"), s(1, "PUNSUBSCRIBE"), s(1, "SUNSUBSCRIBE"),
		s(2, "UNSUBSCRIBE", "a", "b"),
		s(3, "SUBSCRIBE", "a", "b", "a"),
		s(1, "PING"), s(1, "PING", "hi"), s(1, "GET", "x"),
		s(2, "PSUBSCRIBE", "p*", "a"),
		p(0, "PUBSUB", "NUMSUB", "a", "b", "zz"), p(0, "PUBSUB", "NUMPAT"), p(0, "PUBSUB", "CHANNELS", "b*"),
		p(1, "PUBLISH", "b", "one"),
		p(1, "PUBLISH", "pq", "two"),
		p(2, "PUBLISH", "a", "three"),
		p(0, "PUBLISH", "zz", "none"),
		s(1, "UNSUBSCRIBE", "b"),
		s(2, "PUNSUBSCRIBE"),
		s(1, "UNSUBSCRIBE"),
		s(1, "UNSUBSCRIBE"),
		s(2, "SSUBSCRIBE", "a", "b"),
		s(1, "SUBSCRIBE", "a"),
		p(1, "SPUBLISH", "a", "shard"),
		p(1, "PUBLISH", "a", "plain"),
		p(0, "PUBSUB", "SHARDNUMSUB", "a", "c"), p(0, "PUBSUB", "SHARDCHANNELS", "b"),
		// Without arguments Redis drops channels in hash order (its
		// seed is random): leave one to drop.
		s(1, "SUNSUBSCRIBE", "a"), s(1, "SUNSUBSCRIBE"), s(1, "UNSUBSCRIBE"),
		s(1, "MULTI"), s(1, "SUBSCRIBE", "m"), s(1, "EXEC"), s(1, "UNSUBSCRIBE"),
		p(0, "PUBSUB", "HELP"), p(0, "PUBSUB", "NOPE"), p(0, "PUBSUB", "NUMPAT", "x"),
		p(0, "PUBSUB", "CHANNELS", "a", "b"), p(0, "PUBLISH", "x"), s(1, "SUBSCRIBE"),
	}
	run := func(addr string, proto int) []string {
		sub := dialProto(t, addr, proto)
		pub := testutil.DialRaw(t, addr)
		var out []string
		for _, st := range script {
			if st.pub {
				out = append(out, "pub: "+pub.Do(st.args...))
			} else {
				sub.Send(testutil.Encode(st.args...))
			}
			for i := 0; i < st.replies; i++ {
				out = append(out, "sub: "+sub.Read())
			}
		}
		return out
	}
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			want := run(redisAddr, proto)
			got := run(start(t), proto)
			require.Equal(t, want, got)
		})
	}
}
