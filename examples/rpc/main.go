// Command rpc is scenario 6 of the RabbitMQ tutorials over RESP: an RPC
// server consumes `rpc_queue` with prefetch 1 and answers fib(n); several
// clients at once each declare an exclusive, server-named reply queue, send
// requests with REPLY-TO and a fresh CORRELATION-ID, and match the replies
// by id. One more client uses direct reply-to (`amq.rabbitmq.reply-to`)
// instead of a reply queue.
//
//	go run ./examples/rpc -addr 127.0.0.1:6379
//
// Each client sends all its requests before reading any answer, so answers
// to different clients are in flight together. The program checks that
// every client gets exactly its own answers, each once and correct.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	rpcQueue      = "rpc_queue"
	directReplyTo = "amq.rabbitmq.reply-to"
	clients       = 4 // clients with a reply queue; one more uses direct reply-to
	perClient     = 3 // requests per client
	stop          = "STOP"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Switchyard RESP address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("rpc: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	admin := dial(*addr, *proto)
	defer admin.Close()
	if err := admin.Do(ctx, "QUEUE.DECLARE", rpcQueue).Err(); err != nil {
		log.Fatalf("QUEUE.DECLARE %s: %v", rpcQueue, err)
	}
	if err := admin.Do(ctx, "QUEUE.PURGE", rpcQueue).Err(); err != nil {
		log.Fatalf("QUEUE.PURGE %s: %v", rpcQueue, err)
	}

	serverErr := make(chan error, 1)
	go func() { serverErr <- serve(ctx, dial(*addr, *proto)) }()

	errc := make(chan error, clients+1)
	var wg sync.WaitGroup
	for i := 0; i <= clients; i++ {
		name := fmt.Sprintf("C%d", i+1)
		direct := i == clients
		if direct {
			name = "D"
		}
		// Distinct n per client, so a misrouted answer is also a wrong one.
		ns := make([]int, perClient)
		for j := range ns {
			ns[j] = 5 + i + j*(clients+1)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := call(ctx, name, dial(*addr, *proto), direct, ns); err != nil {
				errc <- fmt.Errorf("client %s: %w", name, err)
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		log.Fatal(err)
	}

	if err := admin.Do(ctx, "QUEUE.PUBLISH", rpcQueue, stop).Err(); err != nil {
		log.Fatalf("QUEUE.PUBLISH %s %s: %v", rpcQueue, stop, err)
	}
	if err := <-serverErr; err != nil {
		log.Fatalf("server: %v", err)
	}
	fmt.Printf("rpc: OK (%d clients with reply queues and 1 with direct reply-to each got exactly their %d answers)\n",
		clients, perClient)
}

// serve is the RPC server on its own connection c: prefetch 1, take a
// request, publish the answer to its reply-to with its correlation id, ack.
// It returns after acking a STOP request.
func serve(ctx context.Context, c *redis.Client) error {
	defer c.Close()
	if err := c.Do(ctx, "QUEUE.DECLARE", rpcQueue).Err(); err != nil {
		return fmt.Errorf("QUEUE.DECLARE: %w", err)
	}
	if err := c.Do(ctx, "QUEUE.QOS", 1).Err(); err != nil {
		return fmt.Errorf("QUEUE.QOS 1: %w", err)
	}
	fmt.Println(" [x] Awaiting RPC requests")
	for {
		v, err := c.Do(ctx, "QUEUE.CONSUME", rpcQueue, "TIMEOUT", 5).Result()
		if errors.Is(err, redis.Nil) {
			return errors.New("no request for 5 s")
		}
		if err != nil {
			return fmt.Errorf("QUEUE.CONSUME: %w", err)
		}
		d, err := parseDelivery(v)
		if err != nil {
			return err
		}
		if d.Body == stop {
			return c.Do(ctx, "QUEUE.ACK", d.Tag).Err()
		}
		replyTo, _ := d.Props["reply-to"].(string)
		corr, _ := d.Props["correlation-id"].(string)
		n, err := strconv.Atoi(d.Body)
		if err != nil || replyTo == "" || corr == "" {
			return fmt.Errorf("bad request %q (reply-to %q, correlation-id %q)", d.Body, replyTo, corr)
		}
		if replyTo == directReplyTo {
			// The broker rewrites it to the caller's private amq.rabbitmq.reply-to.<token>.
			return fmt.Errorf("request %q arrived with reply-to %q, not rewritten to a private name", d.Body, replyTo)
		}
		fmt.Printf(" [.] fib(%d) for %s\n", n, replyTo)
		if err := c.Do(ctx, "EXCHANGE.PUBLISH", "", replyTo, strconv.Itoa(fib(n)), "CORRELATION-ID", corr).Err(); err != nil {
			return fmt.Errorf("EXCHANGE.PUBLISH \"\" %s: %w", replyTo, err)
		}
		if err := c.Do(ctx, "QUEUE.ACK", d.Tag).Err(); err != nil {
			return fmt.Errorf("QUEUE.ACK %d: %w", d.Tag, err)
		}
	}
}

// call is one RPC client on its own connection c: it sends fib(n) for each
// n in ns with a fresh correlation id, then reads as many answers and
// matches them by id. With direct set it uses direct reply-to instead of an
// exclusive reply queue.
func call(ctx context.Context, name string, c *redis.Client, direct bool, ns []int) error {
	defer c.Close()
	replyTo, consumeFrom := directReplyTo, directReplyTo
	if !direct {
		v, err := c.Do(ctx, "QUEUE.DECLARE", "", "EXCLUSIVE").Slice()
		if err != nil {
			return fmt.Errorf("QUEUE.DECLARE \"\" EXCLUSIVE: %w", err)
		}
		replyTo, _ = v[0].(string)
		consumeFrom = replyTo
	}
	pending := map[string]int{} // correlation id -> n
	for _, n := range ns {
		corr := newID()
		pending[corr] = n
		fmt.Printf(" [%s] Requesting fib(%d), correlation id %s, reply to %s\n", name, n, corr, replyTo)
		err := c.Do(ctx, "EXCHANGE.PUBLISH", "", rpcQueue, strconv.Itoa(n),
			"REPLY-TO", replyTo, "CORRELATION-ID", corr).Err()
		if err != nil {
			return fmt.Errorf("EXCHANGE.PUBLISH \"\" %s: %w", rpcQueue, err)
		}
	}
	for len(pending) > 0 {
		v, err := c.Do(ctx, "QUEUE.CONSUME", consumeFrom, "NOACK", "TIMEOUT", 5).Result()
		if errors.Is(err, redis.Nil) {
			return fmt.Errorf("%d answers missing after 5 s", len(pending))
		}
		if err != nil {
			return fmt.Errorf("QUEUE.CONSUME %s: %w", consumeFrom, err)
		}
		d, err := parseDelivery(v)
		if err != nil {
			return err
		}
		corr, _ := d.Props["correlation-id"].(string)
		n, ok := pending[corr]
		if !ok {
			return fmt.Errorf("answer %q with correlation id %q is not one of mine (or came twice)", d.Body, corr)
		}
		delete(pending, corr)
		if want := strconv.Itoa(fib(n)); d.Body != want {
			return fmt.Errorf("fib(%d) answered %q, want %s", n, d.Body, want)
		}
		fmt.Printf(" [%s] Got fib(%d) = %s (correlation id %s)\n", name, n, d.Body, corr)
	}
	return nil
}

func fib(n int) int {
	a, b := 0, 1
	for range n {
		a, b = b, a+b
	}
	return a
}

// newID returns a fresh random correlation id.
func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		log.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}
