// Command rpc is tutorial 6 of shared/SCENARIOS.md with amqp091-go: a
// server consumes "rpc_queue" with prefetch 1 and answers fib(n); clients
// send requests with reply_to and a fresh correlation_id and match replies
// by id. Several clients run at once, some with an exclusive reply queue,
// one with direct reply-to; each must get exactly its own answers. It exits
// non-zero on failure.
//
//	go run ./examples/amqp/rpc -url amqp://guest:guest@localhost:5672/
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"strconv"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func fib(n int) int {
	a, b := 0, 1
	for range n {
		a, b = b, a+b
	}
	return a
}

func main() {
	url := flag.String("url", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker")
	clients := flag.Int("clients", 3, "concurrent clients")
	calls := flag.Int("calls", 10, "calls per client")
	flag.Parse()

	// rpc_server
	sconn, err := amqp.Dial(*url)
	check(err, "connect the server")
	defer sconn.Close()
	sch, err := sconn.Channel()
	check(err, "open a channel")
	q, err := sch.QueueDeclare("rpc_queue", false, false, false, false, nil)
	check(err, "declare rpc_queue")
	_, err = sch.QueuePurge(q.Name, false)
	check(err, "purge")
	check(sch.Qos(1, 0, false), "set prefetch")
	reqs, err := sch.Consume(q.Name, "", false, false, false, false, nil)
	check(err, "consume")
	go func() {
		for d := range reqs {
			n, _ := strconv.Atoi(string(d.Body))
			err := sch.PublishWithContext(context.Background(), "", d.ReplyTo, false, false, amqp.Publishing{
				ContentType: "text/plain", CorrelationId: d.CorrelationId, Body: []byte(strconv.Itoa(fib(n))),
			})
			if err != nil {
				log.Printf("server: publish: %v", err)
			}
			_ = d.Ack(false)
		}
	}()
	log.Print(" [x] Awaiting RPC requests")

	var wg sync.WaitGroup
	errs := make(chan error, *clients)
	for c := range *clients {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			errs <- client(*url, c, *calls, c == 0)
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			log.Fatalf("FAIL: %v", err)
		}
	}
	_, err = sch.QueueDelete(q.Name, false, false, false)
	check(err, "delete rpc_queue")
	log.Print("OK")
}

// client makes calls one after another and checks each answer; direct
// uses amq.rabbitmq.reply-to instead of an exclusive reply queue.
func client(url string, id, calls int, direct bool) error {
	conn, err := amqp.Dial(url)
	if err != nil {
		return err
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return err
	}
	replyTo := "amq.rabbitmq.reply-to"
	if !direct {
		q, err := ch.QueueDeclare("", false, false, true, false, nil)
		if err != nil {
			return err
		}
		replyTo = q.Name
	}
	replies, err := ch.Consume(replyTo, "", true, false, false, false, nil)
	if err != nil {
		return err
	}
	for i := range calls {
		n := (id*7 + i) % 30
		corr := fmt.Sprintf("client%d-call%d", id, i)
		err := ch.PublishWithContext(context.Background(), "", "rpc_queue", false, false, amqp.Publishing{
			ContentType: "text/plain", CorrelationId: corr, ReplyTo: replyTo, Body: []byte(strconv.Itoa(n)),
		})
		if err != nil {
			return err
		}
		select {
		case d := <-replies:
			if d.CorrelationId != corr {
				return fmt.Errorf("client %d: reply for %q, want %q", id, d.CorrelationId, corr)
			}
			if got, _ := strconv.Atoi(string(d.Body)); got != fib(n) {
				return fmt.Errorf("client %d: fib(%d) = %d, want %d", id, n, got, fib(n))
			}
		case <-time.After(10 * time.Second):
			return fmt.Errorf("client %d: no reply to %s", id, corr)
		}
	}
	log.Printf(" [.] client %d (direct reply-to: %v) got its %d answers", id, direct, calls)
	return nil
}

func check(err error, what string) {
	if err != nil {
		log.Fatalf("FAIL: %s: %v", what, err)
	}
}
