// Command redispubsub is Redis pub/sub (scenario 12): subscribers listen on
// channels and patterns, a publisher sends ten messages and then END, and
// everything arrives in order.
//
//	go run ./examples/redispubsub -addr 127.0.0.1:6379
//
// Three subscribers, each on its own connection:
//   - "channels" subscribes to news.sports and news.weather (SUBSCRIBE);
//   - "patterns" subscribes to news.* (PSUBSCRIBE);
//   - "both" subscribes to news.sports and to news.* on one connection, so
//     it gets each news.sports message twice: first as a message, then as a
//     pmessage, as Redis sends them.
//
// The program checks each subscriber's exact sequence, PUBLISH's receiver
// counts, and that nothing more arrives after END (a PING's reply comes
// next). It runs unchanged against Redis.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const end = "END"

// subscriber is one subscribing connection.
type subscriber struct {
	name     string
	channels []string // SUBSCRIBE
	patterns []string // PSUBSCRIBE
}

var subs = []subscriber{
	{name: "channels", channels: []string{"news.sports", "news.weather"}},
	{name: "patterns", patterns: []string{"news.*"}},
	{name: "both", channels: []string{"news.sports"}, patterns: []string{"news.*"}},
}

// publication is one PUBLISH.
type publication struct{ channel, payload string }

// received is one message as a subscriber sees it; pattern is empty for a
// plain message and set for a pmessage.
type received struct{ pattern, channel, payload string }

func (r received) String() string {
	if r.pattern != "" {
		return fmt.Sprintf("pmessage %s %s %q", r.pattern, r.channel, r.payload)
	}
	return fmt.Sprintf("message %s %q", r.channel, r.payload)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Redis or Switchyard address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("redispubsub: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	// Ten messages alternating between the two channels, then END.
	var pubs []publication
	for i := 1; i <= 10; i++ {
		ch := "news.sports"
		if i%2 == 0 {
			ch = "news.weather"
		}
		pubs = append(pubs, publication{ch, fmt.Sprintf("message %d", i)})
	}
	pubs = append(pubs, publication{"news.sports", end})

	ready := make(chan struct{}, len(subs))
	errc := make(chan error, len(subs))
	var wg sync.WaitGroup
	for _, s := range subs {
		c := redis.NewClient(&redis.Options{Addr: *addr, Protocol: *proto})
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.run(ctx, c, s.expect(pubs), ready); err != nil {
				errc <- fmt.Errorf("subscriber %s: %w", s.name, err)
			}
		}()
	}
	for range subs {
		select {
		case <-ready:
		case err := <-errc:
			log.Fatal(err)
		}
	}

	publisher := redis.NewClient(&redis.Options{Addr: *addr, Protocol: *proto})
	defer publisher.Close()
	for _, p := range pubs {
		n, err := publisher.Publish(ctx, p.channel, p.payload).Result()
		if err != nil {
			log.Fatalf("PUBLISH %s %q: %v", p.channel, p.payload, err)
		}
		// PUBLISH counts one receiver per matching subscription.
		want := 0
		for _, s := range subs {
			want += len(s.matches(p.channel))
		}
		fmt.Printf(" [x] PUBLISH %s %q -> %d receivers\n", p.channel, p.payload, n)
		if n != int64(want) {
			log.Fatalf("PUBLISH %s returned %d, want %d", p.channel, n, want)
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		log.Fatal(err)
	}
	fmt.Printf("redispubsub: OK (%d subscribers got every message in order, then END)\n", len(subs))
}

// matches returns what the subscriber receives for one publication to
// channel, in Redis's order: the channel subscription first, then each
// matching pattern ("" stands for the channel subscription).
func (s subscriber) matches(channel string) []string {
	var out []string
	if slices.Contains(s.channels, channel) {
		out = append(out, "")
	}
	for _, p := range s.patterns {
		if ok, _ := path.Match(p, channel); ok { // same as Redis's glob for these patterns
			out = append(out, p)
		}
	}
	return out
}

// expect returns the exact sequence the subscriber must receive.
func (s subscriber) expect(pubs []publication) []received {
	var want []received
	for _, p := range pubs {
		for _, pat := range s.matches(p.channel) {
			want = append(want, received{pat, p.channel, p.payload})
		}
	}
	return want
}

// run subscribes on c, signals ready once every subscription is confirmed,
// then reads exactly want and checks that nothing follows.
func (s subscriber) run(ctx context.Context, c *redis.Client, want []received, ready chan<- struct{}) error {
	ps := c.Subscribe(ctx) // no channels yet: a dedicated connection
	defer ps.Close()
	if len(s.channels) > 0 {
		if err := ps.Subscribe(ctx, s.channels...); err != nil {
			return fmt.Errorf("SUBSCRIBE: %w", err)
		}
	}
	if len(s.patterns) > 0 {
		if err := ps.PSubscribe(ctx, s.patterns...); err != nil {
			return fmt.Errorf("PSUBSCRIBE: %w", err)
		}
	}
	for i := 0; i < len(s.channels)+len(s.patterns); i++ {
		v, err := ps.ReceiveTimeout(ctx, 5*time.Second)
		if err != nil {
			return fmt.Errorf("waiting for subscription confirmations: %w", err)
		}
		sub, ok := v.(*redis.Subscription)
		if !ok {
			return fmt.Errorf("got %v, want a subscription confirmation", v)
		}
		if sub.Count != i+1 {
			return fmt.Errorf("%s %s confirmed with count %d, want %d", sub.Kind, sub.Channel, sub.Count, i+1)
		}
	}
	fmt.Printf(" [%s] subscribed to %v, patterns %v\n", s.name, s.channels, s.patterns)
	ready <- struct{}{}

	var got []received
	for len(got) < len(want) {
		v, err := ps.ReceiveTimeout(ctx, 5*time.Second)
		if err != nil {
			return fmt.Errorf("after %d of %d messages: %w", len(got), len(want), err)
		}
		m, ok := v.(*redis.Message)
		if !ok {
			return fmt.Errorf("got %v, want a message", v)
		}
		r := received{m.Pattern, m.Channel, m.Payload}
		fmt.Printf(" [%s] %v\n", s.name, r)
		got = append(got, r)
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("got\n%v\nwant\n%v", got, want)
	}
	// Anything still queued for us would arrive before PING's reply.
	if err := ps.Ping(ctx); err != nil {
		return fmt.Errorf("PING: %w", err)
	}
	v, err := ps.ReceiveTimeout(ctx, 5*time.Second)
	if err != nil {
		return fmt.Errorf("waiting for PING's reply: %w", err)
	}
	if _, ok := v.(*redis.Pong); !ok {
		return fmt.Errorf("after END got %v, want nothing more", v)
	}
	return nil
}
