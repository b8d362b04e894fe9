// Command crossproto is scenario 15 with nats.go on one side and go-redis
// (RESP) on the other, meeting in the messaging model through amq.topic
// (docs/nats.md):
//
//  1. A NATS publisher on `logs.kern.critical` reaches a consumer of a
//     queue bound to the `topic_logs` exchange with the pattern
//     `logs.*.critical`: topic_logs is bound to amq.topic with `logs.#`,
//     and every NATS publish goes to amq.topic with its subject as the
//     routing key.
//
//  2. A RESP client publishes to amq.topic and a nats.go subscriber whose
//     subject matches the routing key receives it, headers and properties
//     included.
//
//  3. A nats.go Request is answered by an RPC server that consumes a queue
//     over RESP and publishes its answer to amq.topic with the request's
//     reply-to (the NATS inbox) as routing key.
//
//     go run ./examples/nats/crossproto -url nats://127.0.0.1:4222 -addr 127.0.0.1:6379
//
// The AMQP front publishes through the same exchange, so the RESP side
// stands for an AMQP consumer too.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/redis/go-redis/v9"
)

func main() {
	url := flag.String("url", nats.DefaultURL, "Switchyard NATS URL")
	addr := flag.String("addr", "127.0.0.1:6379", "Switchyard RESP address")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("crossproto: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	nc, err := nats.Connect(*url, nats.Name("crossproto"))
	if err != nil {
		log.Fatalf("connect: %v", err)
	}
	defer nc.Close()
	dial := func() *redis.Client {
		return redis.NewClient(&redis.Options{Addr: *addr, Protocol: 3, PoolSize: 1, DisableIdentity: true})
	}
	rc := dial()
	defer rc.Close()
	must := func(args ...any) any {
		v, err := rc.Do(ctx, args...).Result()
		if err != nil {
			log.Fatalf("%v: %v", args, err)
		}
		return v
	}

	// 1. NATS -> topic_logs -> a queue consumed over RESP.
	must("EXCHANGE.DECLARE", "topic_logs", "topic")
	must("EXCHANGE.BIND", "topic_logs", "amq.topic", "logs.#")
	q := must("QUEUE.DECLARE", "", "EXCLUSIVE").([]any)[0].(string)
	must("QUEUE.BIND", q, "topic_logs", "logs.*.critical")
	for _, subj := range []string{"logs.kern.critical", "logs.cron.info", "logs.auth.critical"} {
		if err := nc.Publish(subj, []byte("event on "+subj)); err != nil {
			log.Fatalf("publish: %v", err)
		}
		fmt.Printf(" [nats] Sent %s\n", subj)
	}
	if err := nc.Flush(); err != nil { // PONG: the publishes are in the queues
		log.Fatalf("flush: %v", err)
	}
	for _, want := range []string{"logs.kern.critical", "logs.auth.critical"} {
		v, err := rc.Do(ctx, "QUEUE.CONSUME", q, "NOACK", "TIMEOUT", 5).Result()
		if err != nil {
			log.Fatalf("QUEUE.CONSUME %s: %v", q, err)
		}
		d := v.(map[any]any)
		if d["routing-key"] != want || d["body"] != "event on "+want {
			log.Fatalf("got %v %v, want %s", d["routing-key"], d["body"], want)
		}
		fmt.Printf(" [resp] %s from exchange %s: %s\n", d["routing-key"], d["exchange"], d["body"])
	}
	if err := rc.Do(ctx, "QUEUE.GET", q, "NOACK").Err(); !errors.Is(err, redis.Nil) {
		log.Fatalf("logs.cron.info reached the critical queue (%v)", err)
	}

	// 2. RESP -> amq.topic -> a NATS subscriber.
	sub, err := nc.SubscribeSync("alerts.>")
	if err != nil {
		log.Fatalf("subscribe: %v", err)
	}
	if err := nc.Flush(); err != nil {
		log.Fatalf("flush: %v", err)
	}
	must("EXCHANGE.PUBLISH", "amq.topic", "alerts.db.disk", "disk 91% full",
		"HEADER", "host", "db1", "CONTENT-TYPE", "text/plain")
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		log.Fatalf("NATS subscriber: %v", err)
	}
	if m.Subject != "alerts.db.disk" || string(m.Data) != "disk 91% full" ||
		m.Header.Get("host") != "db1" || m.Header.Get("Amqp-Content-Type") != "text/plain" {
		log.Fatalf("NATS subscriber got %s %q %v", m.Subject, m.Data, m.Header)
	}
	fmt.Printf(" [nats] %s: %s (host=%s, content-type=%s)\n", m.Subject, m.Data, m.Header.Get("host"), m.Header.Get("Amqp-Content-Type"))

	// 3. A nats.go Request answered by an RPC server over RESP.
	srv := dial()
	defer srv.Close()
	must("QUEUE.DECLARE", "rpc_queue")
	must("QUEUE.BIND", "rpc_queue", "amq.topic", "rpc.upper")
	errc := make(chan error, 1)
	go func() {
		v, err := srv.Do(ctx, "QUEUE.CONSUME", "rpc_queue", "TIMEOUT", 5).Result()
		if err != nil {
			errc <- fmt.Errorf("QUEUE.CONSUME rpc_queue: %w", err)
			return
		}
		d := v.(map[any]any)
		props := d["properties"].(map[any]any)
		reply := fmt.Sprint(props["reply-to"])
		fmt.Printf(" [resp rpc] request %q, reply-to %s\n", d["body"], reply)
		if err := srv.Do(ctx, "EXCHANGE.PUBLISH", "amq.topic", reply, "ANSWER TO "+fmt.Sprint(d["body"])).Err(); err != nil {
			errc <- err
			return
		}
		errc <- srv.Do(ctx, "QUEUE.ACK", d["delivery-tag"]).Err()
	}()
	resp, err := nc.Request("rpc.upper", []byte("what time is it"), 5*time.Second)
	if err != nil {
		log.Fatalf("Request rpc.upper: %v", err)
	}
	if err := <-errc; err != nil {
		log.Fatal(err)
	}
	if string(resp.Data) != "ANSWER TO what time is it" {
		log.Fatalf("Request answered %q", resp.Data)
	}
	fmt.Printf(" [nats] Request rpc.upper -> %q\n", resp.Data)
	must("QUEUE.DELETE", "rpc_queue")
	must("EXCHANGE.DELETE", "topic_logs")
	fmt.Println("crossproto: OK (NATS -> topic_logs -> RESP consumer; RESP -> amq.topic -> NATS; NATS request answered over RESP)")
}
