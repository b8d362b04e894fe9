// Command confirms is tutorial 7 of shared/SCENARIOS.md with amqp091-go: a
// publisher in confirm mode learns when each message is safe, and a
// mandatory message that routes nowhere comes back (basic.return, before
// its confirm). It exits non-zero on failure.
//
//	go run ./examples/amqp/confirms -url amqp://guest:guest@localhost:5672/
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	url := flag.String("url", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker")
	n := flag.Int("messages", 1000, "messages to publish")
	flag.Parse()

	conn, err := amqp.Dial(*url)
	check(err, "connect")
	defer conn.Close()
	ch, err := conn.Channel()
	check(err, "open a channel")
	q, err := ch.QueueDeclare("confirmed", true, false, false, false, nil)
	check(err, "declare a queue")
	_, err = ch.QueuePurge(q.Name, false)
	check(err, "purge")
	check(ch.Confirm(false), "enter confirm mode")
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, *n+1))
	returns := ch.NotifyReturn(make(chan amqp.Return, 1))

	// Publish a batch, then wait for every confirm.
	start := time.Now()
	for i := range *n {
		err := ch.PublishWithContext(context.Background(), "", q.Name, true, false, amqp.Publishing{
			DeliveryMode: amqp.Persistent, Body: []byte(fmt.Sprintf("message %d", i)),
		})
		check(err, "publish")
	}
	for i := range *n {
		select {
		case c := <-confirms:
			if !c.Ack || c.DeliveryTag != uint64(i+1) {
				log.Fatalf("FAIL: confirm %+v, want ack of %d", c, i+1)
			}
		case <-time.After(10 * time.Second):
			log.Fatalf("FAIL: %d of %d confirms", i, *n)
		}
	}
	log.Printf(" [x] %d messages confirmed in %v", *n, time.Since(start).Round(time.Millisecond))

	// A mandatory message to nowhere comes back, and is then confirmed.
	dc, err := ch.PublishWithDeferredConfirmWithContext(context.Background(), "", "no-such-queue", true, false,
		amqp.Publishing{Body: []byte("lost"), MessageId: "m-lost"})
	check(err, "publish the unroutable message")
	select {
	case r := <-returns:
		if r.ReplyCode != amqp.NoRoute || r.MessageId != "m-lost" || string(r.Body) != "lost" {
			log.Fatalf("FAIL: return %+v", r)
		}
		log.Printf(" [x] returned: %d %s", r.ReplyCode, r.ReplyText)
	case <-time.After(10 * time.Second):
		log.Fatal("FAIL: the unroutable message did not come back")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ok, err := dc.WaitContext(ctx)
	if err != nil || !ok {
		log.Fatalf("FAIL: confirm of the returned message: %v %v", ok, err)
	}
	_, err = ch.QueueDelete(q.Name, false, false, false)
	check(err, "delete the queue")
	log.Print("OK")
}

func check(err error, what string) {
	if err != nil {
		log.Fatalf("FAIL: %s: %v", what, err)
	}
}
