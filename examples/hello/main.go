// Command hello is scenario 1 of the RabbitMQ tutorials over RESP: a producer
// sends "Hello World!" to the queue `hello` through the default exchange and
// a consumer, on its own connection, receives and prints it.
//
//	go run ./examples/hello -addr 127.0.0.1:6379
//
// The consumer blocks in QUEUE.CONSUME before the message is published, so
// the message is handed straight to a waiting consumer, as in AMQP.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/redis/go-redis/v9"
)

const queueName = "hello"

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Switchyard RESP address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("hello: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	producer := dial(*addr, *proto)
	defer producer.Close()
	consumer := dial(*addr, *proto)
	defer consumer.Close()

	// Both sides declare the queue: declaring is idempotent, and whichever
	// starts first creates it. Purge leftovers from an earlier run.
	for _, c := range []*redis.Client{producer, consumer} {
		if err := c.Do(ctx, "QUEUE.DECLARE", queueName).Err(); err != nil {
			log.Fatalf("QUEUE.DECLARE %s: %v", queueName, err)
		}
	}
	if err := producer.Do(ctx, "QUEUE.PURGE", queueName).Err(); err != nil {
		log.Fatalf("QUEUE.PURGE: %v", err)
	}

	type result struct {
		d   delivery
		err error
	}
	got := make(chan result, 1)
	go func() {
		v, err := consumer.Do(ctx, "QUEUE.CONSUME", queueName, "NOACK", "TIMEOUT", 5).Result()
		if err != nil {
			if errors.Is(err, redis.Nil) {
				err = errors.New("no message within 5 s")
			}
			got <- result{err: err}
			return
		}
		d, err := parseDelivery(v)
		got <- result{d, err}
	}()

	n, err := producer.Do(ctx, "EXCHANGE.PUBLISH", "", queueName, "Hello World!").Int()
	if err != nil {
		log.Fatalf("EXCHANGE.PUBLISH: %v", err)
	}
	if n != 1 {
		log.Fatalf("EXCHANGE.PUBLISH reached %d queues, want 1", n)
	}
	fmt.Println(" [x] Sent 'Hello World!'")

	r := <-got
	if r.err != nil {
		log.Fatalf("consumer: %v", r.err)
	}
	fmt.Printf(" [x] Received %q (exchange %q, routing key %q)\n", r.d.Body, r.d.Exchange, r.d.RoutingKey)
	switch {
	case r.d.Body != "Hello World!":
		log.Fatalf("received body %q, want %q", r.d.Body, "Hello World!")
	case r.d.Exchange != "" || r.d.RoutingKey != queueName || r.d.Queue != queueName:
		log.Fatalf("delivery came through exchange %q with key %q from queue %q, want \"\", %q, %q",
			r.d.Exchange, r.d.RoutingKey, r.d.Queue, queueName, queueName)
	case r.d.Redelivered:
		log.Fatalf("first delivery is flagged redelivered")
	}
	fmt.Println("hello: OK")
}
