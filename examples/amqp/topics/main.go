// Command topics is tutorial 5 of shared/SCENARIOS.md with amqp091-go: a
// "topic_logs" exchange with routing keys like kern.critical and cron.info
// and bindings "*.critical", "kern.#" and "#". It checks who gets what and
// exits non-zero on failure.
//
//	go run ./examples/amqp/topics -url amqp://guest:guest@localhost:5672/
package main

import (
	"context"
	"flag"
	"log"
	"slices"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	url := flag.String("url", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker")
	flag.Parse()

	conn, err := amqp.Dial(*url)
	check(err, "connect")
	defer conn.Close()
	ch, err := conn.Channel()
	check(err, "open a channel")
	check(ch.ExchangeDeclare("topic_logs", "topic", true, false, false, false, nil), "declare the exchange")

	subscribe := func(patterns ...string) <-chan amqp.Delivery {
		q, err := ch.QueueDeclare("", false, false, true, false, nil)
		check(err, "declare a queue")
		for _, p := range patterns {
			check(ch.QueueBind(q.Name, p, "topic_logs", false, nil), "bind "+p)
		}
		msgs, err := ch.Consume(q.Name, "", true, false, false, false, nil)
		check(err, "consume")
		return msgs
	}
	critical := subscribe("*.critical")
	kern := subscribe("kern.#")
	everything := subscribe("#")
	both := subscribe("kern.*", "*.critical") // a message matching both comes once

	keys := []string{"kern.critical", "cron.info", "kern.info", "app.critical", "kern", "kern.disk.full"}
	for _, k := range keys {
		err := ch.PublishWithContext(context.Background(), "topic_logs", k, false, false,
			amqp.Publishing{ContentType: "text/plain", Body: []byte(k)})
		check(err, "publish")
	}

	expect("*.critical", critical, "kern.critical", "app.critical")
	expect("kern.#", kern, "kern.critical", "kern.info", "kern", "kern.disk.full")
	expect("#", everything, keys...)
	expect("kern.* and *.critical", both, "kern.critical", "kern.info", "app.critical")
	check(ch.ExchangeDelete("topic_logs", false, false), "delete the exchange")
	log.Print("OK")
}

func expect(who string, msgs <-chan amqp.Delivery, keys ...string) {
	var got []string
	for range keys {
		select {
		case d := <-msgs:
			got = append(got, d.RoutingKey)
		case <-time.After(10 * time.Second):
			log.Fatalf("FAIL: %s got %v, want %v", who, got, keys)
		}
	}
	select {
	case d := <-msgs:
		got = append(got, d.RoutingKey)
	case <-time.After(200 * time.Millisecond):
	}
	if !slices.Equal(got, keys) {
		log.Fatalf("FAIL: %s got %v, want %v", who, got, keys)
	}
	log.Printf(" [x] %s got %v", who, got)
}

func check(err error, what string) {
	if err != nil {
		log.Fatalf("FAIL: %s: %v", what, err)
	}
}
