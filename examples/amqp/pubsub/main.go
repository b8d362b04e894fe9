// Command pubsub is tutorial 3 of shared/SCENARIOS.md with amqp091-go: a
// "logs" fanout exchange; each subscriber declares an exclusive,
// server-named queue, binds it and gets every message. Subscribers that go
// away leave no queue. It checks both and exits non-zero on failure.
//
//	go run ./examples/amqp/pubsub -url amqp://guest:guest@localhost:5672/
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	url := flag.String("url", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker")
	subscribers := flag.Int("subscribers", 3, "number of subscribers")
	flag.Parse()

	type sub struct {
		conn  *amqp.Connection
		queue string
		msgs  <-chan amqp.Delivery
	}
	var subs []sub
	for range *subscribers {
		conn, err := amqp.Dial(*url)
		check(err, "connect a subscriber")
		ch, err := conn.Channel()
		check(err, "open a channel")
		check(ch.ExchangeDeclare("logs", "fanout", true, false, false, false, nil), "declare the exchange")
		q, err := ch.QueueDeclare("", false, false, true, false, nil)
		check(err, "declare a queue")
		check(ch.QueueBind(q.Name, "", "logs", false, nil), "bind")
		msgs, err := ch.Consume(q.Name, "", true, false, false, false, nil)
		check(err, "consume")
		subs = append(subs, sub{conn, q.Name, msgs})
	}

	conn, err := amqp.Dial(*url)
	check(err, "connect the publisher")
	defer conn.Close()
	ch, err := conn.Channel()
	check(err, "open a channel")
	const n = 5
	for i := range n {
		err := ch.PublishWithContext(context.Background(), "logs", "", false, false,
			amqp.Publishing{ContentType: "text/plain", Body: []byte(fmt.Sprintf("log %d", i))})
		check(err, "publish")
	}
	log.Printf(" [x] Sent %d logs", n)

	for i, s := range subs {
		for j := range n {
			select {
			case d := <-s.msgs:
				if want := fmt.Sprintf("log %d", j); string(d.Body) != want {
					log.Fatalf("FAIL: subscriber %d got %q, want %q", i, d.Body, want)
				}
			case <-time.After(10 * time.Second):
				log.Fatalf("FAIL: subscriber %d got %d of %d logs", i, j, n)
			}
		}
		log.Printf(" [x] subscriber %d got all %d logs", i, n)
	}

	// Subscribers go away: their queues go with them.
	for _, s := range subs {
		s.conn.Close()
	}
	for _, s := range subs {
		pch, err := conn.Channel()
		check(err, "open a channel")
		_, err = pch.QueueDeclarePassive(s.queue, false, false, true, false, nil)
		var ae *amqp.Error
		if !errors.As(err, &ae) || ae.Code != amqp.NotFound {
			log.Fatalf("FAIL: queue %s still there after its subscriber left (%v)", s.queue, err)
		}
	}
	check(ch.ExchangeDelete("logs", false, false), "delete the exchange")
	log.Print("OK")
}

func check(err error, what string) {
	if err != nil {
		log.Fatalf("FAIL: %s: %v", what, err)
	}
}
