// Command hello is tutorial 1 of shared/SCENARIOS.md with amqp091-go: a
// producer sends "Hello World!" to the queue "hello" through the default
// exchange and a consumer receives and prints it. It checks what it
// receives and exits non-zero on failure.
//
//	go run ./examples/amqp/hello -url amqp://guest:guest@localhost:5672/
package main

import (
	"context"
	"flag"
	"log"
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

	q, err := ch.QueueDeclare("hello", false, false, false, false, nil)
	check(err, "declare a queue")

	// Producer.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = ch.PublishWithContext(ctx, "", q.Name, false, false, amqp.Publishing{
		ContentType: "text/plain",
		Body:        []byte("Hello World!"),
	})
	check(err, "publish")
	log.Printf(" [x] Sent Hello World!")

	// Consumer.
	msgs, err := ch.Consume(q.Name, "", true, false, false, false, nil)
	check(err, "consume")
	select {
	case d := <-msgs:
		log.Printf(" [x] Received %s", d.Body)
		if string(d.Body) != "Hello World!" || d.ContentType != "text/plain" {
			log.Fatalf("FAIL: got %q (%s)", d.Body, d.ContentType)
		}
	case <-time.After(10 * time.Second):
		log.Fatal("FAIL: nothing received")
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
