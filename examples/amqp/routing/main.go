// Command routing is tutorial 4 of shared/SCENARIOS.md with amqp091-go: a
// "direct_logs" exchange; subscribers bind by severity (info, warning,
// error), one queue with several bindings. It checks who gets what and
// exits non-zero on failure.
//
//	go run ./examples/amqp/routing -url amqp://guest:guest@localhost:5672/
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
	check(ch.ExchangeDeclare("direct_logs", "direct", true, false, false, false, nil), "declare the exchange")

	// receive_logs_direct error         → errors only
	// receive_logs_direct info warning error → everything, one queue
	subscribe := func(severities ...string) <-chan amqp.Delivery {
		q, err := ch.QueueDeclare("", false, false, true, false, nil)
		check(err, "declare a queue")
		for _, s := range severities {
			check(ch.QueueBind(q.Name, s, "direct_logs", false, nil), "bind "+s)
		}
		msgs, err := ch.Consume(q.Name, "", true, false, false, false, nil)
		check(err, "consume")
		return msgs
	}
	errorsOnly := subscribe("error")
	all := subscribe("info", "warning", "error")

	for _, s := range []string{"info", "warning", "error", "debug"} {
		err := ch.PublishWithContext(context.Background(), "direct_logs", s, false, false,
			amqp.Publishing{ContentType: "text/plain", Body: []byte(s + ": something happened")})
		check(err, "publish")
	}

	expect("errors-only", errorsOnly, "error")
	expect("all", all, "info", "warning", "error")
	check(ch.ExchangeDelete("direct_logs", false, false), "delete the exchange")
	log.Print("OK")
}

// expect checks that msgs brings exactly the given routing keys, in order.
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
