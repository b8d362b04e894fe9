// Command pubsub is scenario 3 of the RabbitMQ tutorials over RESP: a
// `logs` fanout exchange; each subscriber declares an exclusive,
// server-named queue, binds it to `logs` and gets every message.
//
//	go run ./examples/pubsub -addr 127.0.0.1:6379
//
// The program checks that each subscriber receives every log line exactly
// once and in order, and that once the subscribers have disconnected their
// queues are gone (QUEUE.LIST no longer shows them).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	exchangeName = "logs"
	subscribers  = 3
)

var lines = []string{
	"info: service started",
	"warning: disk 80% full",
	"error: cannot reach db",
	"info: request served",
	"info: service stopping",
}

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Switchyard RESP address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("pubsub: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	publisher := dial(*addr, *proto)
	defer publisher.Close()
	if err := publisher.Do(ctx, "EXCHANGE.DECLARE", exchangeName, "fanout").Err(); err != nil {
		log.Fatalf("EXCHANGE.DECLARE %s fanout: %v", exchangeName, err)
	}

	ready := make(chan string, subscribers) // queue names, once bound
	published := make(chan struct{})        // closed after the last publish
	errc := make(chan error, subscribers)
	var wg sync.WaitGroup
	for i := 1; i <= subscribers; i++ {
		name := fmt.Sprintf("S%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := subscribe(ctx, name, dial(*addr, *proto), ready, published); err != nil {
				errc <- fmt.Errorf("subscriber %s: %w", name, err)
			}
		}()
	}
	var queues []string
	for len(queues) < subscribers {
		select {
		case q := <-ready:
			queues = append(queues, q)
		case err := <-errc:
			log.Fatal(err)
		}
	}

	for _, l := range lines {
		n, err := publisher.Do(ctx, "EXCHANGE.PUBLISH", exchangeName, "", l).Int()
		if err != nil {
			log.Fatalf("EXCHANGE.PUBLISH %s: %v", exchangeName, err)
		}
		fmt.Printf(" [x] Sent %q (reached %d queues)\n", l, n)
		if n != subscribers {
			log.Fatalf("EXCHANGE.PUBLISH %s %q reached %d queues, want %d", exchangeName, l, n, subscribers)
		}
	}
	close(published)
	wg.Wait()
	close(errc)
	for err := range errc {
		log.Fatal(err)
	}

	// The subscribers have closed their connections, so their exclusive
	// queues must go. The server drops them just after the socket closes,
	// and nothing signals that moment to another client: wait for it with
	// a deadline, looking at QUEUE.LIST.
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		left, err := leftover(ctx, publisher, queues)
		if err != nil {
			log.Fatalf("QUEUE.LIST: %v", err)
		}
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			log.Fatalf("queues %v still listed 5 s after their subscribers left", left)
		}
		<-tick.C
	}
	fmt.Printf("pubsub: OK (%d subscribers got all %d lines in order; their queues %s are gone)\n",
		subscribers, len(lines), strings.Join(queues, ", "))
}

// subscribe is one subscriber on its own connection c: an exclusive,
// server-named queue bound to logs; it reads every line, checks that no
// extra copy is waiting once the publisher is done, then disconnects.
func subscribe(ctx context.Context, name string, c *redis.Client, ready chan<- string, published <-chan struct{}) error {
	defer c.Close()
	if err := c.Do(ctx, "EXCHANGE.DECLARE", exchangeName, "fanout").Err(); err != nil {
		return fmt.Errorf("EXCHANGE.DECLARE: %w", err)
	}
	v, err := c.Do(ctx, "QUEUE.DECLARE", "", "EXCLUSIVE").Slice()
	if err != nil {
		return fmt.Errorf("QUEUE.DECLARE \"\" EXCLUSIVE: %w", err)
	}
	q, _ := v[0].(string)
	if !strings.HasPrefix(q, "amq.gen-") {
		return fmt.Errorf("server-named queue is %q, want an amq.gen-... name", q)
	}
	if err := c.Do(ctx, "QUEUE.BIND", q, exchangeName, "").Err(); err != nil {
		return fmt.Errorf("QUEUE.BIND %s %s: %w", q, exchangeName, err)
	}
	fmt.Printf(" [%s] Waiting for logs on %s\n", name, q)
	ready <- q

	var got []string
	for len(got) < len(lines) {
		v, err := c.Do(ctx, "QUEUE.CONSUME", q, "NOACK", "TIMEOUT", 5).Result()
		if errors.Is(err, redis.Nil) {
			return fmt.Errorf("got %d of %d lines, then nothing for 5 s", len(got), len(lines))
		}
		if err != nil {
			return fmt.Errorf("QUEUE.CONSUME: %w", err)
		}
		d, err := parseDelivery(v)
		if err != nil {
			return err
		}
		if d.Exchange != exchangeName {
			return fmt.Errorf("%q came through exchange %q, want %q", d.Body, d.Exchange, exchangeName)
		}
		fmt.Printf(" [%s] %s\n", name, d.Body)
		got = append(got, d.Body)
	}
	if !slices.Equal(got, lines) {
		return fmt.Errorf("got %q, want %q", got, lines)
	}
	<-published
	if err := c.Do(ctx, "QUEUE.GET", q, "NOACK").Err(); !errors.Is(err, redis.Nil) {
		return fmt.Errorf("QUEUE.GET after the last line: want nothing, got err %v", err)
	}
	return nil
}

// leftover returns the names of queues that QUEUE.LIST still shows.
func leftover(ctx context.Context, c *redis.Client, queues []string) ([]string, error) {
	v, err := c.Do(ctx, "QUEUE.LIST").Slice()
	if err != nil {
		return nil, err
	}
	var left []string
	for _, e := range v {
		m, err := fields(e)
		if err != nil {
			return nil, err
		}
		if name, _ := m["name"].(string); slices.Contains(queues, name) {
			left = append(left, name)
		}
	}
	return left, nil
}
