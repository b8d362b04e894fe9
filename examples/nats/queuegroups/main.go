// Command queuegroups is scenario 16 with nats.go: three workers share the
// subject `tasks` in the queue group `workers`, so each task is done by
// exactly one of them; then request/reply through inboxes: nc.Request, and
// a hand-made inbox (nc.NewInbox, SubscribeSync, PublishRequest).
//
//	go run ./examples/nats/queuegroups -url nats://127.0.0.1:4222
package main

import (
	"flag"
	"fmt"
	"log"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

const tasks = 60

func main() {
	url := flag.String("url", nats.DefaultURL, "Switchyard NATS URL")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("queuegroups: timed out after %v", *timeout) })
	defer watchdog.Stop()

	var mu sync.Mutex
	doneBy := map[int][]int{} // task -> workers that did it
	perWorker := make([]int, 3)
	all := make(chan struct{})
	for w := range 3 {
		nc, err := nats.Connect(*url, nats.Name("worker "+strconv.Itoa(w)))
		if err != nil {
			log.Fatalf("connect: %v", err)
		}
		defer nc.Close()
		_, err = nc.QueueSubscribe("tasks", "workers", func(m *nats.Msg) {
			task, _ := strconv.Atoi(strings.TrimPrefix(string(m.Data), "task "))
			mu.Lock()
			defer mu.Unlock()
			doneBy[task] = append(doneBy[task], w)
			perWorker[w]++
			if len(doneBy) == tasks {
				select {
				case <-all:
				default:
					close(all)
				}
			}
		})
		if err != nil {
			log.Fatalf("subscribe: %v", err)
		}
		if err := nc.Flush(); err != nil {
			log.Fatalf("flush: %v", err)
		}
	}

	nc, err := nats.Connect(*url, nats.Name("producer"))
	if err != nil {
		log.Fatalf("connect: %v", err)
	}
	defer nc.Close()
	for i := range tasks {
		if err := nc.Publish("tasks", []byte("task "+strconv.Itoa(i))); err != nil {
			log.Fatalf("publish: %v", err)
		}
	}
	if err := nc.Flush(); err != nil {
		log.Fatalf("flush: %v", err)
	}
	<-all
	// Give a duplicate the time of a round trip through every worker.
	if err := nc.Flush(); err != nil {
		log.Fatalf("flush: %v", err)
	}
	mu.Lock()
	for task, ws := range doneBy {
		if len(ws) != 1 {
			log.Fatalf("task %d done by workers %v, want exactly one", task, ws)
		}
	}
	for w, n := range perWorker {
		fmt.Printf(" [worker %d] did %d tasks\n", w, n)
		if n == 0 {
			log.Fatalf("worker %d did nothing: the group does not share work", w)
		}
	}
	mu.Unlock()

	// Request/reply: a service answers on the request's reply subject.
	svc, err := nats.Connect(*url, nats.Name("greeter"))
	if err != nil {
		log.Fatalf("connect: %v", err)
	}
	defer svc.Close()
	if _, err := svc.Subscribe("greet.*", func(m *nats.Msg) {
		_ = m.Respond([]byte("hello, " + strings.TrimPrefix(m.Subject, "greet.")))
	}); err != nil {
		log.Fatalf("subscribe: %v", err)
	}
	if err := svc.Flush(); err != nil {
		log.Fatalf("flush: %v", err)
	}
	m, err := nc.Request("greet.joe", nil, 5*time.Second)
	if err != nil || string(m.Data) != "hello, joe" {
		log.Fatalf("Request greet.joe: %q, %v", msgData(m), err)
	}
	fmt.Printf(" [x] Request greet.joe -> %q\n", m.Data)

	inbox := nc.NewInbox()
	replies, err := nc.SubscribeSync(inbox)
	if err != nil {
		log.Fatalf("subscribe %s: %v", inbox, err)
	}
	for _, who := range []string{"ann", "bob"} {
		if err := nc.PublishRequest("greet."+who, inbox, nil); err != nil {
			log.Fatalf("publish: %v", err)
		}
	}
	for _, who := range []string{"ann", "bob"} {
		m, err := replies.NextMsg(5 * time.Second)
		if err != nil || string(m.Data) != "hello, "+who {
			log.Fatalf("reply on %s: %q, %v", inbox, msgData(m), err)
		}
		fmt.Printf(" [x] Reply on %s -> %q\n", inbox, m.Data)
	}
	if _, err := nc.Request("greet_nobody", nil, 5*time.Second); err != nats.ErrNoResponders {
		log.Fatalf("request to nobody: %v, want %v", err, nats.ErrNoResponders)
	}
	fmt.Println(" [x] Request to a subject nobody serves -> no responders")
	fmt.Printf("queuegroups: OK (%d tasks each done once by one of 3 workers; replies through inboxes)\n", tasks)
}

func msgData(m *nats.Msg) string {
	if m == nil {
		return ""
	}
	return string(m.Data)
}
