// Command topics is scenario 5 of the RabbitMQ tutorials over RESP: a
// `topic_logs` topic exchange with routing keys `<facility>.<severity>`
// (`kern.critical`, `cron.info`, ...) and bindings `*.critical`, `kern.#`
// and `#`. In a binding `*` is exactly one word and `#` zero or more.
//
//	go run ./examples/topics -addr 127.0.0.1:6379
//
// The program checks that each subscriber receives exactly the messages
// its patterns match, once each (even when several of its bindings match)
// and in order.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const exchangeName = "topic_logs"

// subscriber is a consumer with its own exclusive queue and its bindings.
type subscriber struct {
	name     string
	bindings []string // binding keys (patterns)
}

var subs = []subscriber{
	{"critical", []string{"*.critical"}},
	{"kern", []string{"kern.#"}},
	{"all", []string{"#"}},
	{"kern-or-critical", []string{"kern.*", "*.critical"}}, // overlapping bindings
}

// message is a log line, its routing key and the subscribers it must reach
// (spelled out, not computed, so that the table documents the matching).
type message struct {
	key, body string
	to        []string
}

var messages = []message{
	{"kern.critical", "A critical kernel error", []string{"critical", "kern", "all", "kern-or-critical"}},
	{"cron.info", "job finished", []string{"all"}},
	{"kern.info", "module loaded", []string{"kern", "all", "kern-or-critical"}},
	{"cron.critical", "job table corrupt", []string{"critical", "all", "kern-or-critical"}},
	{"kern", "bare facility", []string{"kern", "all"}},           // # matches zero words
	{"auth.critical.extra", "three words", []string{"all"}},      // * is exactly one word
	{"kern.disk.full", "no space left", []string{"kern", "all"}}, // # matches two words
	{"kern.critical", "second critical kernel error", []string{"critical", "kern", "all", "kern-or-critical"}},
}

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Switchyard RESP address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("topics: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	publisher := dial(*addr, *proto)
	defer publisher.Close()
	if err := publisher.Do(ctx, "EXCHANGE.DECLARE", exchangeName, "topic").Err(); err != nil {
		log.Fatalf("EXCHANGE.DECLARE %s topic: %v", exchangeName, err)
	}

	type bound struct{ sub, queue string }
	ready := make(chan bound, len(subs))
	published := make(chan struct{})
	errc := make(chan error, len(subs))
	var wg sync.WaitGroup
	for _, s := range subs {
		var want []message
		for _, m := range messages {
			if slices.Contains(m.to, s.name) {
				want = append(want, m)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, err := s.run(ctx, dial(*addr, *proto), want, func(q string) { ready <- bound{s.name, q} }, published)
			if err != nil {
				errc <- fmt.Errorf("subscriber %s (%s): %w", s.name, q, err)
			}
		}()
	}
	queueOf := map[string]string{}
	for len(queueOf) < len(subs) {
		select {
		case b := <-ready:
			queueOf[b.sub] = b.queue
		case err := <-errc:
			log.Fatal(err)
		}
	}
	if err := checkBindings(ctx, publisher, queueOf); err != nil {
		log.Fatal(err)
	}

	for _, m := range messages {
		n, err := publisher.Do(ctx, "EXCHANGE.PUBLISH", exchangeName, m.key, m.body).Int()
		if err != nil {
			log.Fatalf("EXCHANGE.PUBLISH %s %s: %v", exchangeName, m.key, err)
		}
		fmt.Printf(" [x] Sent %s: %q (reached %d queues)\n", m.key, m.body, n)
		if n != len(m.to) {
			log.Fatalf("EXCHANGE.PUBLISH %s %s reached %d queues, want %d (%v)", exchangeName, m.key, n, len(m.to), m.to)
		}
	}
	close(published)
	wg.Wait()
	close(errc)
	for err := range errc {
		log.Fatal(err)
	}
	fmt.Printf("topics: OK (%d subscribers each got exactly the keys their patterns match, once, in order)\n", len(subs))
}

// run declares an exclusive server-named queue on c, binds it once per
// binding key, reports its name through ready, then receives want in order and
// checks that nothing else is waiting once the publisher is done.
func (s subscriber) run(ctx context.Context, c *redis.Client, want []message, ready func(string), published <-chan struct{}) (string, error) {
	defer c.Close()
	if err := c.Do(ctx, "EXCHANGE.DECLARE", exchangeName, "topic").Err(); err != nil {
		return "", fmt.Errorf("EXCHANGE.DECLARE: %w", err)
	}
	v, err := c.Do(ctx, "QUEUE.DECLARE", "", "EXCLUSIVE").Slice()
	if err != nil {
		return "", fmt.Errorf("QUEUE.DECLARE \"\" EXCLUSIVE: %w", err)
	}
	q, _ := v[0].(string)
	for _, key := range s.bindings {
		if err := c.Do(ctx, "QUEUE.BIND", q, exchangeName, key).Err(); err != nil {
			return q, fmt.Errorf("QUEUE.BIND %s %s %s: %w", q, exchangeName, key, err)
		}
	}
	fmt.Printf(" [%s] Waiting for %s on %s\n", s.name, strings.Join(s.bindings, ", "), q)
	ready(q)

	for i, w := range want {
		v, err := c.Do(ctx, "QUEUE.CONSUME", q, "NOACK", "TIMEOUT", 5).Result()
		if errors.Is(err, redis.Nil) {
			return q, fmt.Errorf("got %d of %d messages, then nothing for 5 s", i, len(want))
		}
		if err != nil {
			return q, fmt.Errorf("QUEUE.CONSUME: %w", err)
		}
		d, err := parseDelivery(v)
		if err != nil {
			return q, err
		}
		fmt.Printf(" [%s] %s: %s\n", s.name, d.RoutingKey, d.Body)
		if d.RoutingKey != w.key || d.Body != w.body || d.Exchange != exchangeName {
			return q, fmt.Errorf("message %d is %s %s: %q, want %s %s: %q",
				i+1, d.Exchange, d.RoutingKey, d.Body, exchangeName, w.key, w.body)
		}
	}
	<-published
	if err := c.Do(ctx, "QUEUE.GET", q, "NOACK").Err(); !errors.Is(err, redis.Nil) {
		return q, fmt.Errorf("QUEUE.GET after the last message: want nothing, got err %v", err)
	}
	return q, nil
}

// checkBindings compares QUEUE.BINDINGS with the bindings each subscriber
// made.
func checkBindings(ctx context.Context, c *redis.Client, queueOf map[string]string) error {
	v, err := c.Do(ctx, "QUEUE.BINDINGS").Slice()
	if err != nil {
		return fmt.Errorf("QUEUE.BINDINGS: %w", err)
	}
	got := map[string][]string{}
	for _, e := range v {
		m, err := fields(e)
		if err != nil {
			return fmt.Errorf("QUEUE.BINDINGS: %w", err)
		}
		if m["source"] == exchangeName && m["destination-type"] == "queue" {
			dest, _ := m["destination"].(string)
			key, _ := m["routing-key"].(string)
			got[dest] = append(got[dest], key)
		}
	}
	for _, s := range subs {
		q := queueOf[s.name]
		keys := slices.Clone(got[q])
		sort.Strings(keys)
		want := slices.Clone(s.bindings)
		sort.Strings(want)
		if !slices.Equal(keys, want) {
			return fmt.Errorf("QUEUE.BINDINGS shows %s bound to %s with %q, want %q", q, exchangeName, keys, want)
		}
	}
	return nil
}
