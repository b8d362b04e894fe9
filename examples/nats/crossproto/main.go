// Command crossproto is scenario 15 with nats.go, amqp091-go and go-redis
// (RESP) against one Switchyard, meeting in the messaging model through
// amq.topic (docs/nats.md):
//
//  1. A NATS publisher on `logs.kern.critical` reaches an AMQP consumer of
//     a queue bound to the `topic_logs` exchange with `logs.*.critical`:
//     topic_logs is bound to amq.topic with `logs.#`, and every NATS
//     publish goes to amq.topic with its subject as the routing key.
//
//  2. A RESP client publishes to topic_logs and the AMQP consumer gets it.
//
//  3. A RESP client publishes to amq.topic and a nats.go subscriber whose
//     subject matches the routing key receives it, headers included.
//
//  4. A nats.go Request is answered by an AMQP RPC server that consumes a
//     queue bound to amq.topic and publishes its answer to amq.topic with
//     the request's reply-to (the NATS inbox) as routing key.
//
//     go run ./examples/nats/crossproto -url nats://127.0.0.1:4222 \
//     -addr 127.0.0.1:6379 -amqp amqp://guest:guest@127.0.0.1:5672/
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/redis/go-redis/v9"
)

func main() {
	url := flag.String("url", nats.DefaultURL, "Switchyard NATS URL")
	addr := flag.String("addr", "127.0.0.1:6379", "Switchyard RESP address")
	amqpURL := flag.String("amqp", "amqp://guest:guest@127.0.0.1:5672/", "Switchyard AMQP URL")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("crossproto: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	nc, err := nats.Connect(*url, nats.Name("crossproto"))
	if err != nil {
		log.Fatalf("NATS connect: %v", err)
	}
	defer nc.Close()
	rc := redis.NewClient(&redis.Options{Addr: *addr, Protocol: 3, PoolSize: 1, DisableIdentity: true})
	defer rc.Close()
	ac, err := amqp.Dial(*amqpURL)
	if err != nil {
		log.Fatalf("AMQP dial: %v", err)
	}
	defer ac.Close()
	ch, err := ac.Channel()
	if err != nil {
		log.Fatalf("AMQP channel: %v", err)
	}
	check := func(what string, err error) {
		if err != nil {
			log.Fatalf("%s: %v", what, err)
		}
	}
	receive := func(deliveries <-chan amqp.Delivery) amqp.Delivery {
		select {
		case d := <-deliveries:
			return d
		case <-time.After(5 * time.Second):
			log.Fatal("no AMQP delivery within 5 s")
		}
		return amqp.Delivery{}
	}

	// 1. NATS -> amq.topic -> topic_logs -> AMQP consumer.
	check("exchange.declare", ch.ExchangeDeclare("topic_logs", "topic", false, true, false, false, nil))
	check("exchange.bind", ch.ExchangeBind("topic_logs", "logs.#", "amq.topic", false, nil))
	q, err := ch.QueueDeclare("", false, false, true, false, nil)
	check("queue.declare", err)
	check("queue.bind", ch.QueueBind(q.Name, "logs.*.critical", "topic_logs", false, nil))
	logs, err := ch.Consume(q.Name, "", true, false, false, false, nil)
	check("basic.consume", err)
	for _, subj := range []string{"logs.kern.critical", "logs.cron.info", "logs.auth.critical"} {
		check("NATS publish", nc.Publish(subj, []byte("event on "+subj)))
		fmt.Printf(" [nats] Sent %s\n", subj)
	}
	check("NATS flush", nc.Flush()) // PONG: the publishes are in the queues
	for _, want := range []string{"logs.kern.critical", "logs.auth.critical"} {
		d := receive(logs)
		if d.RoutingKey != want || string(d.Body) != "event on "+want {
			log.Fatalf("AMQP consumer got %s %q, want %s", d.RoutingKey, d.Body, want)
		}
		fmt.Printf(" [amqp] %s: %s\n", d.RoutingKey, d.Body)
	}

	// 2. RESP -> topic_logs -> the same AMQP consumer.
	n, err := rc.Do(ctx, "EXCHANGE.PUBLISH", "topic_logs", "logs.disk.critical", "disk full").Int()
	check("EXCHANGE.PUBLISH topic_logs", err)
	if n != 1 {
		log.Fatalf("EXCHANGE.PUBLISH reached %d queues, want 1", n)
	}
	d := receive(logs)
	if d.RoutingKey != "logs.disk.critical" || string(d.Body) != "disk full" {
		log.Fatalf("AMQP consumer got %s %q", d.RoutingKey, d.Body)
	}
	fmt.Printf(" [amqp] %s: %s (published over RESP)\n", d.RoutingKey, d.Body)
	select {
	case d := <-logs:
		log.Fatalf("logs.*.critical queue got %s", d.RoutingKey)
	default:
	}

	// 3. RESP -> amq.topic -> a NATS subscriber.
	sub, err := nc.SubscribeSync("alerts.>")
	check("NATS subscribe", err)
	check("NATS flush", nc.Flush())
	check("EXCHANGE.PUBLISH amq.topic", rc.Do(ctx, "EXCHANGE.PUBLISH", "amq.topic", "alerts.db.disk", "disk 91% full",
		"HEADER", "host", "db1", "CONTENT-TYPE", "text/plain").Err())
	m, err := sub.NextMsg(5 * time.Second)
	check("NATS subscriber", err)
	if m.Subject != "alerts.db.disk" || string(m.Data) != "disk 91% full" ||
		m.Header.Get("host") != "db1" || m.Header.Get("Amqp-Content-Type") != "text/plain" {
		log.Fatalf("NATS subscriber got %s %q %v", m.Subject, m.Data, m.Header)
	}
	fmt.Printf(" [nats] %s: %s (host=%s, content-type=%s)\n", m.Subject, m.Data, m.Header.Get("host"), m.Header.Get("Amqp-Content-Type"))

	// 4. A nats.go Request answered by an AMQP RPC server.
	srv, err := ac.Channel()
	check("AMQP channel", err)
	rq, err := srv.QueueDeclare("rpc_queue", false, true, false, false, nil)
	check("queue.declare", err)
	check("queue.bind", srv.QueueBind(rq.Name, "rpc.fib", "amq.topic", false, nil))
	check("basic.qos", srv.Qos(1, 0, false))
	requests, err := srv.Consume(rq.Name, "", false, false, false, false, nil)
	check("basic.consume", err)
	go func() {
		for d := range requests {
			n, _ := strconv.Atoi(string(d.Body))
			a, b := 0, 1
			for range n {
				a, b = b, a+b
			}
			fmt.Printf(" [amqp rpc] fib(%d) for %s\n", n, d.ReplyTo)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := srv.PublishWithContext(ctx, "amq.topic", d.ReplyTo, false, false,
				amqp.Publishing{Body: []byte(strconv.Itoa(a)), CorrelationId: d.CorrelationId})
			cancel()
			if err != nil {
				log.Fatalf("AMQP reply: %v", err)
			}
			_ = d.Ack(false)
		}
	}()
	for n, want := range []int{0, 1, 1, 2, 3, 5, 8, 13, 21, 34} {
		m, err := nc.Request("rpc.fib", []byte(strconv.Itoa(n)), 5*time.Second)
		check("NATS request rpc.fib", err)
		if string(m.Data) != strconv.Itoa(want) {
			log.Fatalf("fib(%d) = %s, want %d", n, m.Data, want)
		}
	}
	fmt.Println(" [nats] Request rpc.fib answered by the AMQP server 10 times")
	fmt.Println("crossproto: OK (NATS -> topic_logs -> AMQP consumer; RESP -> AMQP; RESP -> amq.topic -> NATS; NATS request answered over AMQP)")
}
