package broker_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

// recorder is a Subscriber that keeps what it receives as "kind pattern
// channel payload" lines.
type recorder struct {
	mu   sync.Mutex
	got  []string
	full bool // Deliver reports false, as a disconnected client does
}

func (r *recorder) Deliver(m *broker.Message) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	kind := [...]string{"message", "pmessage", "smessage"}[m.Kind]
	r.got = append(r.got, fmt.Sprintf("%s %s %s %s", kind, m.Pattern, m.Channel, m.Payload))
	return !r.full
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

func sub(h *broker.Hub, kind broker.SubKind, s broker.Subscriber, names ...string) []bool {
	var out []bool
	h.Update(func(r *broker.Registry) {
		for _, n := range names {
			out = append(out, r.Subscribe(kind, s, n))
		}
	})
	return out
}

func unsub(h *broker.Hub, kind broker.SubKind, s broker.Subscriber, names ...string) []bool {
	var out []bool
	h.Update(func(r *broker.Registry) {
		for _, n := range names {
			out = append(out, r.Unsubscribe(kind, s, n))
		}
	})
	return out
}

func TestHubSubscribeReportsNew(t *testing.T) {
	h := broker.NewHub()
	a := &recorder{}
	require.Equal(t, []bool{true, true, false}, sub(h, broker.SubChannel, a, "x", "y", "x"))
	require.Equal(t, []bool{true, false}, sub(h, broker.SubPattern, a, "x*", "x*"))
	require.Equal(t, []bool{true}, sub(h, broker.SubShard, a, "x"), "shard channels are their own namespace")
	require.Equal(t, []bool{true, false, false}, unsub(h, broker.SubChannel, a, "x", "x", "nope"))
	require.Equal(t, []bool{false}, unsub(h, broker.SubPattern, &recorder{}, "x*"), "another subscriber")
}

func TestHubPublishChannelsThenPatterns(t *testing.T) {
	h := broker.NewHub()
	a, b := &recorder{}, &recorder{}
	sub(h, broker.SubChannel, a, "news")
	sub(h, broker.SubPattern, a, "n*", "*", "x*")
	sub(h, broker.SubChannel, b, "news", "other")
	sub(h, broker.SubPattern, b, "*")

	// a: channel + n* + *, b: channel + *: Redis counts each subscription.
	require.Equal(t, 5, h.Publish("news", []byte("hi")))
	require.Equal(t, []string{
		"message  news hi",
		"pmessage n* news hi",
		"pmessage * news hi",
	}, a.take(), "exact channel first, then patterns in creation order")
	require.Equal(t, []string{"message  news hi", "pmessage * news hi"}, b.take())

	require.Equal(t, 2, h.Publish("zzz", []byte("q")), "only the * patterns match")
	require.Equal(t, []string{"pmessage * zzz q"}, a.take())
	require.Equal(t, []string{"pmessage * zzz q"}, b.take())
	require.Equal(t, 0, h.PublishShard("news", []byte("s")), "patterns never match shard channels")
	require.Empty(t, a.take())
}

func TestHubPublishCountsRefusedDeliveries(t *testing.T) {
	h := broker.NewHub()
	full := &recorder{full: true}
	sub(h, broker.SubChannel, full, "c")
	require.Equal(t, 1, h.Publish("c", []byte("m")), "a receiver counts even when it drops the message")
}

func TestHubShard(t *testing.T) {
	h := broker.NewHub()
	a := &recorder{}
	sub(h, broker.SubShard, a, "s")
	require.Equal(t, 0, h.Publish("s", []byte("m")), "PUBLISH does not reach shard subscribers")
	require.Equal(t, 1, h.PublishShard("s", []byte("m")))
	require.Equal(t, []string{"smessage  s m"}, a.take())
	require.Equal(t, []string{"s"}, h.Channels(broker.SubShard, "*"))
	require.Empty(t, h.Channels(broker.SubChannel, "*"))
	require.Equal(t, []int{1, 0}, h.NumSub(broker.SubShard, []string{"s", "t"}))
}

func TestHubQueries(t *testing.T) {
	h := broker.NewHub()
	a, b := &recorder{}, &recorder{}
	sub(h, broker.SubChannel, a, "b.1", "a.1", "c")
	sub(h, broker.SubChannel, b, "a.1")
	sub(h, broker.SubPattern, a, "p*", "q*")
	sub(h, broker.SubPattern, b, "p*")

	require.Equal(t, []string{"a.1", "b.1", "c"}, h.Channels(broker.SubChannel, "*"), "sorted")
	require.Equal(t, []string{"a.1", "b.1"}, h.Channels(broker.SubChannel, "?.1"))
	require.Empty(t, h.Channels(broker.SubChannel, "zz*"))
	require.Equal(t, []int{2, 1, 0, 0}, h.NumSub(broker.SubChannel, []string{"a.1", "b.1", "zz", "p*"}), "patterns are not counted")
	require.Equal(t, 2, h.Len(broker.SubPattern), "NUMPAT counts distinct patterns")
	require.Equal(t, 3, h.Len(broker.SubChannel))

	unsub(h, broker.SubChannel, a, "a.1", "b.1", "c")
	require.Equal(t, []string{"a.1"}, h.Channels(broker.SubChannel, "*"), "empty channels are forgotten")
	unsub(h, broker.SubPattern, a, "p*", "q*")
	require.Equal(t, 1, h.Len(broker.SubPattern))
	unsub(h, broker.SubPattern, b, "p*")
	require.Equal(t, 0, h.Len(broker.SubPattern))
	require.Equal(t, 0, h.Publish("pq", nil), "a forgotten pattern no longer matches")
}

func TestHubPatternOrderAfterRemoval(t *testing.T) {
	h := broker.NewHub()
	a := &recorder{}
	sub(h, broker.SubPattern, a, "1*", "*2*", "*3*", "*4")
	unsub(h, broker.SubPattern, a, "*2*")
	sub(h, broker.SubPattern, a, "*2*")
	require.Equal(t, 4, h.Publish("1234", []byte("m")))
	require.Equal(t, []string{
		"pmessage 1* 1234 m",
		"pmessage *3* 1234 m",
		"pmessage *4 1234 m",
		"pmessage *2* 1234 m",
	}, a.take())
}

func TestHubGlobPatterns(t *testing.T) {
	h := broker.NewHub()
	a := &recorder{}
	sub(h, broker.SubPattern, a, "h?llo", "h[ae]llo", `h\*llo`, "h[^e]llo")
	require.Equal(t, 2, h.Publish("hello", nil))
	require.Equal(t, 3, h.Publish("hallo", nil))
	require.Equal(t, 3, h.Publish("h*llo", nil), `h?llo, h\*llo and h[^e]llo`)
	require.Equal(t, 0, h.Publish("hllo", nil))
}

// TestHubConcurrent runs publishers against subscribe/unsubscribe churn
// under -race: every delivery must reach a subscriber that was registered,
// and the registry must end empty.
func TestHubConcurrent(t *testing.T) {
	h := broker.NewHub()
	stable := &recorder{}
	sub(h, broker.SubChannel, stable, "c")
	const pubs, msgs = 4, 500
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var churners sync.WaitGroup
	for i := 0; i < 4; i++ {
		churners.Add(1)
		go func() {
			defer churners.Done()
			r := &recorder{}
			for {
				select {
				case <-stop:
					return
				default:
				}
				sub(h, broker.SubChannel, r, "c")
				sub(h, broker.SubPattern, r, "c*")
				unsub(h, broker.SubChannel, r, "c")
				unsub(h, broker.SubPattern, r, "c*")
			}
		}()
	}
	for p := 0; p < pubs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < msgs; i++ {
				if n := h.Publish("c", []byte(fmt.Sprint(p, i))); n < 1 {
					t.Errorf("publish reached %d receivers, want >= 1", n)
					return
				}
			}
		}(p)
	}
	wg.Wait()
	close(stop)
	churners.Wait()
	require.Len(t, stable.take(), pubs*msgs)
	unsub(h, broker.SubChannel, stable, "c")
	require.Equal(t, 0, h.Len(broker.SubChannel))
	require.Equal(t, 0, h.Len(broker.SubPattern))
}

type discard struct{ _ byte } // not zero-size: distinct pointers

func (*discard) Deliver(*broker.Message) bool { return true }

// BenchmarkHubPublish publishes to a channel with 100 subscribers while 20
// patterns (one matching) are registered.
func BenchmarkHubPublish(b *testing.B) {
	h := broker.NewHub()
	for i := 0; i < 100; i++ {
		sub(h, broker.SubChannel, &discard{}, "news")
	}
	for i := 0; i < 20; i++ {
		sub(h, broker.SubPattern, &discard{}, fmt.Sprintf("p%d.*", i))
	}
	sub(h, broker.SubPattern, &discard{}, "n*")
	payload := []byte("hello")
	b.ReportAllocs()
	for b.Loop() {
		if h.Publish("news", payload) != 101 {
			b.Fatal("wrong receiver count")
		}
	}
}
