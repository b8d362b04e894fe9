// Command rpc is scenario 6 (RPC) with nats.go: two servers share the
// subject `rpc_queue` in the queue group `rpc_workers` (each request goes
// to one of them) and answer fib(n); four clients send requests at once
// with nc.Request, whose replies come back through the client's inbox,
// and each gets exactly its own answers. One more client uses the old
// request style (a fresh inbox per request).
//
//	go run ./examples/nats/rpc -url nats://127.0.0.1:4222
package main

import (
	"flag"
	"fmt"
	"log"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

func fib(n int) int {
	a, b := 0, 1
	for range n {
		a, b = b, a+b
	}
	return a
}

func main() {
	url := flag.String("url", nats.DefaultURL, "Switchyard NATS URL")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("rpc: timed out after %v", *timeout) })
	defer watchdog.Stop()

	var served [2]int
	var mu sync.Mutex
	for i := range 2 {
		nc, err := nats.Connect(*url, nats.Name("rpc_server "+strconv.Itoa(i)))
		if err != nil {
			log.Fatalf("connect: %v", err)
		}
		defer nc.Close()
		_, err = nc.QueueSubscribe("rpc_queue", "rpc_workers", func(m *nats.Msg) {
			n, err := strconv.Atoi(string(m.Data))
			if err != nil {
				_ = m.Respond([]byte("error: " + err.Error()))
				return
			}
			mu.Lock()
			served[i]++
			mu.Unlock()
			_ = m.Respond([]byte(strconv.Itoa(fib(n))))
		})
		if err != nil {
			log.Fatalf("subscribe: %v", err)
		}
		if err := nc.Flush(); err != nil {
			log.Fatalf("flush: %v", err)
		}
		fmt.Printf(" [server %d] Awaiting RPC requests\n", i)
	}

	call := func(name string, opts ...nats.Option) error {
		nc, err := nats.Connect(*url, append(opts, nats.Name(name))...)
		if err != nil {
			return err
		}
		defer nc.Close()
		for n := range 10 {
			m, err := nc.Request("rpc_queue", []byte(strconv.Itoa(n)), 5*time.Second)
			if err != nil {
				return fmt.Errorf("fib(%d): %w", n, err)
			}
			if string(m.Data) != strconv.Itoa(fib(n)) {
				return fmt.Errorf("fib(%d) = %s, want %d", n, m.Data, fib(n))
			}
		}
		fmt.Printf(" [%s] Got fib(0..9) right\n", name)
		return nil
	}
	var wg sync.WaitGroup
	errc := make(chan error, 5)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := call("client " + strconv.Itoa(i)); err != nil {
				errc <- fmt.Errorf("client %d: %w", i, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := call("old-style client", nats.UseOldRequestStyle()); err != nil {
			errc <- fmt.Errorf("old-style client: %w", err)
		}
	}()
	wg.Wait()
	close(errc)
	for err := range errc {
		log.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if served[0]+served[1] != 50 {
		log.Fatalf("servers answered %d requests, want 50", served[0]+served[1])
	}
	fmt.Printf("rpc: OK (50 requests from 5 clients, answered by the two servers: %d and %d)\n", served[0], served[1])
}
