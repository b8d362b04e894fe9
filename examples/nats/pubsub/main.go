// Command pubsub is scenario 3 (publish/subscribe) with nats.go: a log
// publisher sends lines to the subject `logs`; every subscriber gets every
// line, in order. A subscriber that goes away leaves nothing behind: the
// next lines reach only the others, and the server forgets its
// subscription.
//
//	go run ./examples/nats/pubsub -url nats://127.0.0.1:4222
//
// The program checks its own outcome and exits non-zero on failure.
package main

import (
	"flag"
	"fmt"
	"log"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	url := flag.String("url", nats.DefaultURL, "Switchyard NATS URL")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("pubsub: timed out after %v", *timeout) })
	defer watchdog.Stop()

	pub, err := nats.Connect(*url, nats.Name("emit_log"))
	if err != nil {
		log.Fatalf("connect: %v", err)
	}
	defer pub.Close()

	// Three subscribers, each on its own connection, as three
	// receive_logs processes would be.
	var conns []*nats.Conn
	var subs []*nats.Subscription
	for i := range 3 {
		nc, err := nats.Connect(*url, nats.Name("receive_logs "+strconv.Itoa(i)))
		if err != nil {
			log.Fatalf("connect: %v", err)
		}
		defer nc.Close()
		sub, err := nc.SubscribeSync("logs")
		if err != nil {
			log.Fatalf("subscribe: %v", err)
		}
		if err := nc.Flush(); err != nil { // the subscription is registered
			log.Fatalf("flush: %v", err)
		}
		conns = append(conns, nc)
		subs = append(subs, sub)
		fmt.Printf(" [%d] Waiting for logs\n", i)
	}

	send := func(from, to int) {
		for i := from; i < to; i++ {
			line := "log line " + strconv.Itoa(i)
			if err := pub.Publish("logs", []byte(line)); err != nil {
				log.Fatalf("publish: %v", err)
			}
			fmt.Printf(" [x] Sent %q\n", line)
		}
		if err := pub.Flush(); err != nil {
			log.Fatalf("flush: %v", err)
		}
	}
	expect := func(i int, from, to int) {
		for n := from; n < to; n++ {
			m, err := subs[i].NextMsg(5 * time.Second)
			if err != nil {
				log.Fatalf("subscriber %d waiting for line %d: %v", i, n, err)
			}
			if want := "log line " + strconv.Itoa(n); string(m.Data) != want {
				log.Fatalf("subscriber %d got %q, want %q", i, m.Data, want)
			}
			fmt.Printf(" [%d] %s\n", i, m.Data)
		}
	}

	send(0, 10)
	for i := range subs {
		expect(i, 0, 10)
	}

	// Subscriber 2 goes away; the others keep receiving.
	conns[2].Close()
	send(10, 15)
	for i := range 2 {
		expect(i, 10, 15)
	}
	for i := range 2 {
		if err := conns[i].Flush(); err != nil {
			log.Fatalf("flush: %v", err)
		}
		if n, _, _ := subs[i].Pending(); n != 0 {
			log.Fatalf("subscriber %d has %d unexpected messages", i, n)
		}
	}
	fmt.Println("pubsub: OK (every subscriber got every line in order; a closed subscriber left nothing behind)")
}
