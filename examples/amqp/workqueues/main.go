// Command workqueues is tutorial 2 of shared/SCENARIOS.md with amqp091-go:
// a durable task queue, persistent messages, several workers with prefetch
// 1 that ack after the work. A worker killed mid-task loses nothing: its
// task is redelivered, flagged redelivered, to another worker. It checks
// that every task is done exactly once and exits non-zero on failure.
// (Surviving a broker restart needs persistence, which is checked
// elsewhere.)
//
//	go run ./examples/amqp/workqueues -url amqp://guest:guest@localhost:5672/
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

const queueName = "task_queue"

func main() {
	url := flag.String("url", "amqp://guest:guest@localhost:5672/", "AMQP URL of the broker")
	tasks := flag.Int("tasks", 20, "number of tasks")
	flag.Parse()

	conn, err := amqp.Dial(*url)
	check(err, "connect")
	defer conn.Close()
	ch, err := conn.Channel()
	check(err, "open a channel")
	_, err = ch.QueueDeclare(queueName, true, false, false, false, nil)
	check(err, "declare the task queue")
	_, err = ch.QueuePurge(queueName, false)
	check(err, "purge")

	// new_task: persistent messages.
	for i := range *tasks {
		err = ch.PublishWithContext(context.Background(), "", queueName, false, false, amqp.Publishing{
			DeliveryMode: amqp.Persistent,
			ContentType:  "text/plain",
			Body:         []byte(fmt.Sprintf("task %d", i)),
		})
		check(err, "publish a task")
	}
	log.Printf(" [x] Sent %d tasks", *tasks)

	// A worker that takes one task and dies without acking it.
	doomed, err := amqp.Dial(*url)
	check(err, "connect the doomed worker")
	dch, err := doomed.Channel()
	check(err, "open a channel")
	check(dch.Qos(1, 0, false), "set prefetch")
	dmsgs, err := dch.Consume(queueName, "", false, false, false, false, nil)
	check(err, "consume")
	var lost amqp.Delivery
	select {
	case lost = <-dmsgs:
	case <-time.After(10 * time.Second):
		log.Fatal("FAIL: the doomed worker got no task")
	}
	log.Printf(" [!] worker 0 dies while doing %q", lost.Body)
	doomed.Close()

	// Two workers, prefetch 1, manual acks.
	var mu sync.Mutex
	done := map[string]int{}
	redelivered := map[string]bool{}
	var wg sync.WaitGroup
	finished := make(chan struct{})
	var finish sync.Once
	for w := 1; w <= 2; w++ {
		wconn, err := amqp.Dial(*url)
		check(err, "connect a worker")
		defer wconn.Close()
		wch, err := wconn.Channel()
		check(err, "open a channel")
		check(wch.Qos(1, 0, false), "set prefetch")
		msgs, err := wch.Consume(queueName, "", false, false, false, false, nil)
		check(err, "consume")
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				select {
				case d := <-msgs:
					time.Sleep(time.Millisecond) // the work
					mu.Lock()
					done[string(d.Body)]++
					if d.Redelivered {
						redelivered[string(d.Body)] = true
					}
					n := len(done)
					mu.Unlock()
					if err := d.Ack(false); err != nil {
						log.Printf("FAIL: ack: %v", err)
					}
					if n == *tasks {
						finish.Do(func() { close(finished) })
					}
				case <-finished:
					return
				}
			}
		}(w)
	}
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		log.Fatalf("FAIL: only %d of %d tasks done", len(done), *tasks)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for i := range *tasks {
		name := fmt.Sprintf("task %d", i)
		if done[name] != 1 {
			log.Fatalf("FAIL: %s done %d times", name, done[name])
		}
	}
	if !redelivered[string(lost.Body)] {
		log.Fatalf("FAIL: %q was not flagged redelivered", lost.Body)
	}
	log.Printf(" [x] all %d tasks done once; %q was redelivered", *tasks, lost.Body)
	_, err = ch.QueueDelete(queueName, false, false, false)
	check(err, "delete the queue")
	log.Print("OK")
}

func check(err error, what string) {
	if err != nil {
		log.Fatalf("FAIL: %s: %v", what, err)
	}
}
