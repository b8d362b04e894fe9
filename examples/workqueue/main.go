// Command workqueue is scenario 2 of the RabbitMQ tutorials over RESP: a
// durable queue `task_queue`, persistent messages and several workers, each
// with QUEUE.QOS 1 (prefetch 1) and a manual QUEUE.ACK after its slow work,
// so that a busy worker is not handed a second task.
//
//	go run ./examples/workqueue -addr 127.0.0.1:6379
//
// One worker is killed mid-task: its connection closes while it holds an
// unacked delivery. The broker puts that task back at the head of the queue,
// flagged redelivered, and one of the surviving workers does it. The program
// checks that every task is done exactly once, that only the task of the
// killed worker comes back redelivered, and that every message is persistent.
// (That the queue and its messages survive a broker restart is not checked
// here: it needs a restart.)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	queueName = "task_queue"
	workers   = 3                     // surviving workers, besides the one that is killed
	perDot    = 20 * time.Millisecond // simulated work per '.' in a task
	stop      = "STOP"                // tells one worker to leave
)

var tasks = []string{
	"task 1 ...", "task 2 .", "task 3 ..", "task 4 .", "task 5 ....",
	"task 6 .", "task 7 ..", "task 8 .", "task 9 ...", "task 10 .",
}

// done is what a worker reports after it has acked a task.
type done struct {
	worker      string
	body        string
	redelivered bool
}

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Switchyard RESP address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("workqueue: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()

	producer := dial(*addr, *proto)
	defer producer.Close()
	declare(ctx, producer)
	if err := producer.Do(ctx, "QUEUE.PURGE", queueName).Err(); err != nil {
		log.Fatalf("QUEUE.PURGE: %v", err)
	}
	for _, t := range tasks {
		n, err := producer.Do(ctx, "EXCHANGE.PUBLISH", "", queueName, t, "PERSISTENT").Int()
		if err != nil || n != 1 {
			log.Fatalf("EXCHANGE.PUBLISH %q: reached %d queues, err %v", t, n, err)
		}
		fmt.Printf(" [x] Sent %q\n", t)
	}

	// The doomed worker takes the first task and then "crashes": we close
	// its connection while the task is still unacked.
	victim := dial(*addr, *proto)
	declare(ctx, victim)
	qos1(ctx, victim)
	d, err := consume(ctx, victim)
	if err != nil {
		log.Fatalf("worker K: %v", err)
	}
	if d.Redelivered {
		log.Fatalf("worker K: %q is flagged redelivered on its first delivery", d.Body)
	}
	held := d.Body
	fmt.Printf(" [K] Received %q, working... and crashing\n", held)
	if err := victim.Close(); err != nil {
		log.Fatalf("closing worker K: %v", err)
	}

	results := make(chan done)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for i := 1; i <= workers; i++ {
		name := fmt.Sprintf("W%d", i)
		c := dial(*addr, *proto)
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := work(ctx, name, c, results); err != nil {
				errc <- fmt.Errorf("worker %s: %w", name, err)
			}
		}()
	}

	count := map[string]int{}
	perWorker := map[string][]string{}
	for range tasks {
		select {
		case r := <-results:
			count[r.body]++
			perWorker[r.worker] = append(perWorker[r.worker], r.body)
			if r.redelivered != (r.body == held) {
				log.Fatalf("%q done by %s with redelivered=%v, want %v", r.body, r.worker, r.redelivered, r.body == held)
			}
		case err := <-errc:
			log.Fatal(err)
		}
	}
	// Every task is acked: nothing may be left ready or unacked.
	ready, unacked, err := queueCounts(ctx, producer)
	if err != nil {
		log.Fatalf("QUEUE.LIST: %v", err)
	}
	if ready != 0 || unacked != 0 {
		log.Fatalf("%s holds %d ready and %d unacked messages after every task was acked, want 0 and 0", queueName, ready, unacked)
	}
	// One STOP per worker: a worker that takes one leaves, so each gets one.
	for i := 0; i < workers; i++ {
		if err := producer.Do(ctx, "EXCHANGE.PUBLISH", "", queueName, stop).Err(); err != nil {
			log.Fatalf("EXCHANGE.PUBLISH %s: %v", stop, err)
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		log.Fatal(err)
	}

	for _, t := range tasks {
		if count[t] != 1 {
			log.Fatalf("%q was done %d times, want exactly once", t, count[t])
		}
	}
	names := make([]string, 0, len(perWorker))
	for w := range perWorker {
		names = append(names, w)
	}
	sort.Strings(names)
	for _, w := range names {
		fmt.Printf(" [%s] did %d: %s\n", w, len(perWorker[w]), strings.Join(perWorker[w], ", "))
	}
	fmt.Printf("workqueue: OK (%d tasks done once each; %q came back redelivered)\n", len(tasks), held)
}

// work is one worker: prefetch 1, then take a task, do it, ack it, until
// it receives STOP.
func work(ctx context.Context, name string, c *redis.Client, results chan<- done) error {
	declare(ctx, c)
	qos1(ctx, c)
	for {
		d, err := consume(ctx, c)
		if err != nil {
			return err
		}
		if d.Body == stop {
			_, err := c.Do(ctx, "QUEUE.ACK", d.Tag).Result()
			return err
		}
		if mode, _ := d.Props["delivery-mode"].(int64); mode != 2 {
			return fmt.Errorf("%q has delivery-mode %v, want 2 (persistent)", d.Body, d.Props["delivery-mode"])
		}
		flag := ""
		if d.Redelivered {
			flag = " (redelivered)"
		}
		fmt.Printf(" [%s] Received %q%s\n", name, d.Body, flag)
		time.Sleep(time.Duration(strings.Count(d.Body, ".")) * perDot) // the slow work
		n, err := c.Do(ctx, "QUEUE.ACK", d.Tag).Int()
		if err != nil {
			return fmt.Errorf("QUEUE.ACK %d: %w", d.Tag, err)
		}
		if n != 1 {
			return fmt.Errorf("QUEUE.ACK %d acked %d deliveries, want 1", d.Tag, n)
		}
		results <- done{worker: name, body: d.Body, redelivered: d.Redelivered}
	}
}

func declare(ctx context.Context, c *redis.Client) {
	if err := c.Do(ctx, "QUEUE.DECLARE", queueName, "DURABLE").Err(); err != nil {
		log.Fatalf("QUEUE.DECLARE %s DURABLE: %v", queueName, err)
	}
}

func qos1(ctx context.Context, c *redis.Client) {
	if err := c.Do(ctx, "QUEUE.QOS", 1).Err(); err != nil {
		log.Fatalf("QUEUE.QOS 1: %v", err)
	}
}

// consume waits up to 5 s for the next task.
func consume(ctx context.Context, c *redis.Client) (delivery, error) {
	v, err := c.Do(ctx, "QUEUE.CONSUME", queueName, "TIMEOUT", 5).Result()
	if errors.Is(err, redis.Nil) {
		return delivery{}, errors.New("no task within 5 s")
	}
	if err != nil {
		return delivery{}, fmt.Errorf("QUEUE.CONSUME: %w", err)
	}
	return parseDelivery(v)
}

// queueCounts returns the ready and unacked counts of task_queue.
func queueCounts(ctx context.Context, c *redis.Client) (ready, unacked int64, err error) {
	v, err := c.Do(ctx, "QUEUE.LIST").Slice()
	if err != nil {
		return 0, 0, err
	}
	for _, e := range v {
		m, err := fields(e)
		if err != nil {
			return 0, 0, err
		}
		if m["name"] == queueName {
			r, _ := m["messages"].(int64)
			u, _ := m["unacked"].(int64)
			return r, u, nil
		}
	}
	return 0, 0, fmt.Errorf("no queue %q in QUEUE.LIST", queueName)
}
