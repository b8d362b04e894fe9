// Command tasklists is task queues over Redis lists (scenario 13), the way
// Celery, RQ and Sidekiq use Redis.
//
//	go run ./examples/tasklists -addr 127.0.0.1:6379
//
// Part 1, simple: a producer LPUSHes jobs and several workers BRPOP them
// (first in, first out). A job popped by a worker that then dies is lost.
//
// Part 2, reliable: each worker BLMOVEs a job from the queue into its own
// processing list, does it, and LREMs it from there to acknowledge it. One
// worker takes a job and dies before acknowledging; a recovery step moves
// the jobs left in its processing list back to the queue, and a surviving
// worker does them.
//
// The program checks that every job is done exactly once, that each worker
// sees jobs in the order they were pushed, and that the queue and the
// processing lists end empty. It runs unchanged against Redis.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	simpleQueue   = "tasklists:simple"
	reliableQueue = "tasklists:reliable"
	processing    = "tasklists:processing:" // + worker name
	workers       = 3
	jobs          = 12
	stop          = "STOP"
	work          = 10 * time.Millisecond // simulated work per job
	wait          = 5 * time.Second       // longest a worker blocks
)

// result is a job a worker has done.
type result struct{ worker, job string }

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Redis or Switchyard address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("tasklists: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()
	dial := func() *redis.Client { return redis.NewClient(&redis.Options{Addr: *addr, Protocol: *proto}) }

	producer := dial()
	defer producer.Close()
	keys := []string{simpleQueue, reliableQueue, processing + "K"}
	for i := 1; i <= workers; i++ {
		keys = append(keys, processing+fmt.Sprintf("W%d", i))
	}
	if err := producer.Del(ctx, keys...).Err(); err != nil {
		log.Fatalf("DEL: %v", err)
	}

	fmt.Println("== simple: LPUSH + BRPOP")
	simple(ctx, producer, dial)
	fmt.Println("== reliable: BLMOVE into a processing list, LREM to ack")
	reliable(ctx, producer, dial)
	fmt.Println("tasklists: OK (every job done exactly once, in push order per worker, lists empty)")
}

func jobName(i int) string { return fmt.Sprintf("job-%02d", i) }

// push LPUSHes the jobs one by one, as a web tier would.
func push(ctx context.Context, c *redis.Client, key string) {
	for i := 1; i <= jobs; i++ {
		if err := c.LPush(ctx, key, jobName(i)).Err(); err != nil {
			log.Fatalf("LPUSH %s: %v", key, err)
		}
	}
	fmt.Printf(" [x] LPUSHed %d jobs to %s\n", jobs, key)
}

// simple runs part 1.
func simple(ctx context.Context, producer *redis.Client, dial func() *redis.Client) {
	push(ctx, producer, simpleQueue)
	results := make(chan result)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for i := 1; i <= workers; i++ {
		name := fmt.Sprintf("W%d", i)
		c := dial()
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- simpleWorker(ctx, name, c, results)
		}()
	}
	collect(ctx, producer, simpleQueue, results, errc, &wg)
}

func simpleWorker(ctx context.Context, name string, c *redis.Client, results chan<- result) error {
	for {
		kv, err := c.BRPop(ctx, wait, simpleQueue).Result()
		if errors.Is(err, redis.Nil) {
			return fmt.Errorf("worker %s: no job for %v", name, wait)
		}
		if err != nil {
			return fmt.Errorf("worker %s: BRPOP: %w", name, err)
		}
		if kv[0] != simpleQueue {
			return fmt.Errorf("worker %s: BRPOP returned key %q, want %q", name, kv[0], simpleQueue)
		}
		if kv[1] == stop {
			return nil
		}
		time.Sleep(work)
		results <- result{name, kv[1]}
	}
}

// reliable runs part 2.
func reliable(ctx context.Context, producer *redis.Client, dial func() *redis.Client) {
	push(ctx, producer, reliableQueue)

	// Worker K takes the oldest job into its processing list and dies.
	k := dial()
	job, err := k.BLMove(ctx, reliableQueue, processing+"K", "RIGHT", "LEFT", wait).Result()
	if err != nil {
		log.Fatalf("worker K: BLMOVE: %v", err)
	}
	fmt.Printf(" [K] took %s and crashed before acknowledging it\n", job)
	k.Close()

	results := make(chan result)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for i := 1; i <= workers; i++ {
		name := fmt.Sprintf("W%d", i)
		c := dial()
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- reliableWorker(ctx, name, c, results)
		}()
	}

	// Recovery: K is known dead, so whatever sits in its processing list
	// goes back to the end of the queue that workers pop next.
	left, err := producer.LRange(ctx, processing+"K", 0, -1).Result()
	if err != nil {
		log.Fatalf("LRANGE %sK: %v", processing, err)
	}
	if len(left) != 1 || left[0] != job {
		log.Fatalf("K's processing list holds %q, want [%s]", left, job)
	}
	for {
		j, err := producer.LMove(ctx, processing+"K", reliableQueue, "RIGHT", "RIGHT").Result()
		if errors.Is(err, redis.Nil) {
			break
		}
		if err != nil {
			log.Fatalf("LMOVE %sK %s: %v", processing, reliableQueue, err)
		}
		fmt.Printf(" [recovery] moved %s back to %s\n", j, reliableQueue)
	}
	collect(ctx, producer, reliableQueue, results, errc, &wg)
	for i := 1; i <= workers; i++ {
		key := processing + fmt.Sprintf("W%d", i)
		if n, err := producer.LLen(ctx, key).Result(); err != nil || n != 0 {
			log.Fatalf("LLEN %s = %d (err %v), want 0: a job was not acknowledged", key, n, err)
		}
	}
}

func reliableWorker(ctx context.Context, name string, c *redis.Client, results chan<- result) error {
	mine := processing + name
	for {
		job, err := c.BLMove(ctx, reliableQueue, mine, "RIGHT", "LEFT", wait).Result()
		if errors.Is(err, redis.Nil) {
			return fmt.Errorf("worker %s: no job for %v", name, wait)
		}
		if err != nil {
			return fmt.Errorf("worker %s: BLMOVE: %w", name, err)
		}
		if job != stop {
			time.Sleep(work)
		}
		// Acknowledge: the job leaves the processing list only when done.
		n, err := c.LRem(ctx, mine, 1, job).Result()
		if err != nil {
			return fmt.Errorf("worker %s: LREM %s: %w", name, mine, err)
		}
		if n != 1 {
			return fmt.Errorf("worker %s: LREM %s 1 %s removed %d, want 1", name, mine, job, n)
		}
		if job == stop {
			return nil
		}
		results <- result{name, job}
	}
}

// collect waits for every job, checks exactly-once and per-worker order,
// then pushes one STOP per worker (a worker that pops one leaves) and waits
// for the workers.
func collect(ctx context.Context, producer *redis.Client, queue string, results <-chan result, errc <-chan error, wg *sync.WaitGroup) {
	done := map[string]int{}
	perWorker := map[string][]string{}
	for range jobs {
		select {
		case r := <-results:
			done[r.job]++
			perWorker[r.worker] = append(perWorker[r.worker], r.job)
		case err := <-errc:
			log.Fatal(err) // a worker returned before STOP: always an error here
		}
	}
	for i := 0; i < workers; i++ {
		if err := producer.LPush(ctx, queue, stop).Err(); err != nil {
			log.Fatalf("LPUSH %s %s: %v", queue, stop, err)
		}
	}
	wg.Wait()
	for range workers {
		if err := <-errc; err != nil {
			log.Fatal(err)
		}
	}
	for i := 1; i <= jobs; i++ {
		if done[jobName(i)] != 1 {
			log.Fatalf("%s was done %d times, want exactly once", jobName(i), done[jobName(i)])
		}
	}
	names := make([]string, 0, len(perWorker))
	for w := range perWorker {
		names = append(names, w)
	}
	sort.Strings(names)
	for _, w := range names {
		fmt.Printf(" [%s] did %s\n", w, strings.Join(perWorker[w], " "))
	}
	for _, w := range names {
		if err := inPushOrder(perWorker[w], queue == reliableQueue); err != nil {
			log.Fatalf("worker %s: %v", w, err)
		}
	}
	if n, err := producer.LLen(ctx, queue).Result(); err != nil || n != 0 {
		log.Fatalf("LLEN %s = %d (err %v), want 0", queue, n, err)
	}
}

// inPushOrder checks that a worker's jobs are increasing; with recovered
// set, one job (the recovered one, pushed back later) may be out of order.
func inPushOrder(js []string, recovered bool) error {
	last := 0
	for _, j := range js {
		n, _ := strconv.Atoi(strings.TrimPrefix(j, "job-"))
		if n < last {
			if recovered {
				recovered = false
				continue
			}
			return fmt.Errorf("did %s after job-%02d: not in push order (%v)", j, last, js)
		}
		last = n
	}
	return nil
}
