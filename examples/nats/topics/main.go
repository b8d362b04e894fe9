// Command topics is scenario 5 (topics) with nats.go: log lines on
// subjects `<facility>.<severity>` (`kern.critical`, `cron.info`, ...) and
// subscriptions `*.critical`, `kern.>` and `>`. In a NATS subscription `*`
// is exactly one token and `>` one or more trailing tokens: unlike AMQP's
// `kern.#`, `kern.>` does not match the bare `kern` (see docs/nats.md).
//
//	go run ./examples/nats/topics -url nats://127.0.0.1:4222
//
// The program checks that each subscriber receives exactly the subjects
// its subscriptions match, in order; a client with two overlapping
// subscriptions gets a message once per matching subscription, as NATS
// defines it.
package main

import (
	"flag"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
)

type subscriber struct {
	name     string
	subjects []string
}

var subscribers = []subscriber{
	{"critical", []string{"*.critical"}},
	{"kern", []string{"kern.>"}},
	{"all", []string{">"}},
	{"kern-or-critical", []string{"kern.*", "*.critical"}}, // overlapping
}

type message struct {
	subject, body string
	to            []string // a name twice: two of its subscriptions match
}

var messages = []message{
	{"kern.critical", "A critical kernel error", []string{"critical", "kern", "all", "kern-or-critical", "kern-or-critical"}},
	{"cron.info", "job finished", []string{"all"}},
	{"kern.info", "module loaded", []string{"kern", "all", "kern-or-critical"}},
	{"cron.critical", "job table corrupt", []string{"critical", "all", "kern-or-critical"}},
	{"kern", "bare facility", []string{"all"}},                   // kern.> needs one more token
	{"auth.critical.extra", "three tokens", []string{"all"}},     // * is exactly one token
	{"kern.disk.full", "no space left", []string{"kern", "all"}}, // > matches two tokens
}

func main() {
	url := flag.String("url", nats.DefaultURL, "Switchyard NATS URL")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("topics: timed out after %v", *timeout) })
	defer watchdog.Stop()

	type recv struct {
		nc   *nats.Conn
		msgs chan *nats.Msg
	}
	recvs := map[string]recv{}
	for _, s := range subscribers {
		nc, err := nats.Connect(*url, nats.Name(s.name))
		if err != nil {
			log.Fatalf("connect: %v", err)
		}
		defer nc.Close()
		ch := make(chan *nats.Msg, 64)
		for _, subj := range s.subjects {
			if _, err := nc.ChanSubscribe(subj, ch); err != nil {
				log.Fatalf("subscribe %s: %v", subj, err)
			}
		}
		if err := nc.Flush(); err != nil {
			log.Fatalf("flush: %v", err)
		}
		recvs[s.name] = recv{nc, ch}
		fmt.Printf(" [%s] Waiting for %v\n", s.name, s.subjects)
	}

	pub, err := nats.Connect(*url, nats.Name("emit_log_topic"))
	if err != nil {
		log.Fatalf("connect: %v", err)
	}
	defer pub.Close()
	for _, m := range messages {
		if err := pub.Publish(m.subject, []byte(m.body)); err != nil {
			log.Fatalf("publish: %v", err)
		}
		fmt.Printf(" [x] Sent %s: %q\n", m.subject, m.body)
	}
	if err := pub.Flush(); err != nil {
		log.Fatalf("flush: %v", err)
	}

	for _, s := range subscribers {
		var want []string
		for _, m := range messages {
			for range countOf(m.to, s.name) {
				want = append(want, m.subject)
			}
		}
		r := recvs[s.name]
		var got []string
		for range want {
			select {
			case m := <-r.msgs:
				got = append(got, m.Subject)
				fmt.Printf(" [%s] %s: %s\n", s.name, m.Subject, m.Data)
			case <-time.After(5 * time.Second):
				log.Fatalf("%s: got %v, then nothing for 5 s; want %v", s.name, got, want)
			}
		}
		if err := r.nc.Flush(); err != nil { // anything else would be here by now
			log.Fatalf("flush: %v", err)
		}
		select {
		case m := <-r.msgs:
			log.Fatalf("%s: unexpected %s", s.name, m.Subject)
		default:
		}
		if !sameOrder(got, want, len(s.subjects) > 1) {
			log.Fatalf("%s: got %v, want %v", s.name, got, want)
		}
	}
	fmt.Printf("topics: OK (%d subscribers each got exactly the subjects their subscriptions match)\n", len(subscribers))
}

func countOf(names []string, name string) int {
	n := 0
	for _, x := range names {
		if x == name {
			n++
		}
	}
	return n
}

// sameOrder compares got with want; with several subscriptions on one
// channel only the multiset is defined (each subscription is in order).
func sameOrder(got, want []string, several bool) bool {
	if !several {
		return slices.Equal(got, want)
	}
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
