// Command botwatcher is the bot watcher of scenario 10: a web tier LPUSHes
// the IP address of every request to a list; a watcher BLPOPs them, counts
// hits per address per minute with INCRBY + EXPIRE, and flags an address
// once it goes past a threshold within a minute.
//
//	go run ./examples/botwatcher -addr 127.0.0.1:6379
//
// The counter of an address for a minute is the key
// botwatcher:hits:<ip>:<unix minute>, which expires 60 s after its last hit;
// a flag is botwatcher:flagged:<ip>, set once (SET NX EX) with the count
// that tripped it. The program checks that exactly the bots are flagged
// and that the counters add up to the hits sent. It runs unchanged against
// Redis.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	visits    = "botwatcher:visits"
	hitsKey   = "botwatcher:hits:"    // + ip + ":" + unix minute
	flagKey   = "botwatcher:flagged:" // + ip
	threshold = 5                     // more hits than this in a minute flags an address
	window    = time.Minute
)

// traffic is how many requests each address makes. Bots make far more than
// twice the threshold, and the others at most the threshold, so the outcome
// is the same even when the run straddles a minute boundary.
var traffic = map[string]int{
	"10.0.0.1":    20, // bot
	"10.0.0.2":    3,
	"10.0.0.3":    25,        // bot
	"10.0.0.4":    threshold, // at the threshold, not past it
	"192.168.1.9": 1,
}

func isBot(ip string) bool { return traffic[ip] > 2*threshold }

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Redis or Switchyard address")
	proto := flag.Int("proto", 3, "RESP protocol version (2 or 3)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up after this long")
	flag.Parse()
	log.SetFlags(0)
	watchdog := time.AfterFunc(*timeout, func() { log.Fatalf("botwatcher: timed out after %v", *timeout) })
	defer watchdog.Stop()
	ctx := context.Background()
	dial := func() *redis.Client { return redis.NewClient(&redis.Options{Addr: *addr, Protocol: *proto}) }

	ips := make([]string, 0, len(traffic))
	total := 0
	for ip, n := range traffic {
		ips = append(ips, ip)
		total += n
	}
	sort.Strings(ips)

	web, watcher, checker := dial(), dial(), dial()
	defer web.Close()
	defer watcher.Close()
	defer checker.Close()

	// Start clean: no leftover visits, flags or counters of an earlier run.
	stale := []string{visits}
	minute := time.Now().Unix() / 60
	for _, ip := range ips {
		stale = append(stale, flagKey+ip, counterKey(ip, minute), counterKey(ip, minute-1))
	}
	if err := checker.Del(ctx, stale...).Err(); err != nil {
		log.Fatalf("DEL: %v", err)
	}

	var wg sync.WaitGroup
	webErr := make(chan error, 1)
	wg.Add(1)
	go func() { // the web tier: one LPUSH per request, addresses interleaved
		defer wg.Done()
		left := map[string]int{}
		for ip, n := range traffic {
			left[ip] = n
		}
		for sent := 0; sent < total; {
			for _, ip := range ips {
				if left[ip] > 0 {
					left[ip]--
					sent++
					if err := web.LPush(ctx, visits, ip).Err(); err != nil {
						webErr <- fmt.Errorf("web: LPUSH %s: %w", visits, err)
						return
					}
				}
			}
		}
		fmt.Printf(" [web] LPUSHed %d requests from %d addresses\n", total, len(ips))
		webErr <- nil
	}()

	// The watcher; a real one runs forever, this one stops after every
	// request has been counted.
	counters, err := watch(ctx, watcher, total)
	if err != nil {
		log.Fatalf("watcher: %v", err)
	}
	wg.Wait()
	if err := <-webErr; err != nil {
		log.Fatal(err)
	}

	// Check: the counters add up per address, expire within a minute, and
	// exactly the bots are flagged.
	for _, ip := range ips {
		sum := 0
		for _, key := range counters[ip] {
			n, err := checker.Get(ctx, key).Int()
			if err != nil {
				log.Fatalf("GET %s: %v", key, err)
			}
			sum += n
			ttl, err := checker.TTL(ctx, key).Result()
			if err != nil {
				log.Fatalf("TTL %s: %v", key, err)
			}
			if ttl <= 0 || ttl > window {
				log.Fatalf("TTL %s = %v, want within (0, %v]", key, ttl, window)
			}
		}
		if sum != traffic[ip] {
			log.Fatalf("counters of %s add up to %d, want %d", ip, sum, traffic[ip])
		}
		flagged, err := checker.Get(ctx, flagKey+ip).Result()
		switch {
		case errors.Is(err, redis.Nil):
			if isBot(ip) {
				log.Fatalf("%s made %d requests but was not flagged", ip, traffic[ip])
			}
		case err != nil:
			log.Fatalf("GET %s%s: %v", flagKey, ip, err)
		case !isBot(ip):
			log.Fatalf("%s made only %d requests but was flagged (%s)", ip, traffic[ip], flagged)
		}
		verdict := "ok"
		if isBot(ip) {
			verdict = "BOT (flagged at " + flagged + " hits in a minute)"
		}
		fmt.Printf(" %-12s %3d hits  %s\n", ip, sum, verdict)
	}
	if n, err := checker.LLen(ctx, visits).Result(); err != nil || n != 0 {
		log.Fatalf("LLEN %s = %d (err %v), want 0", visits, n, err)
	}

	// Tidy up so that a rerun within the minute starts from zero.
	var keys []string
	for _, ip := range ips {
		keys = append(keys, flagKey+ip)
		keys = append(keys, counters[ip]...)
	}
	if err := checker.Del(ctx, keys...).Err(); err != nil {
		log.Fatalf("DEL: %v", err)
	}
	fmt.Println("botwatcher: OK (bots flagged, counters add up, everything expires)")
}

func counterKey(ip string, minute int64) string { return fmt.Sprintf("%s%s:%d", hitsKey, ip, minute) }

// watch BLPOPs n addresses, counts each in its minute's counter and flags
// an address the first time a counter passes the threshold. It returns the
// counter keys it used, per address.
func watch(ctx context.Context, c *redis.Client, n int) (map[string][]string, error) {
	counters := map[string][]string{}
	for i := 0; i < n; i++ {
		kv, err := c.BLPop(ctx, 5*time.Second, visits).Result()
		if errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("no request for 5 s after %d of %d", i, n)
		}
		if err != nil {
			return nil, fmt.Errorf("BLPOP: %w", err)
		}
		ip := kv[1]
		key := counterKey(ip, time.Now().Unix()/60)
		if l := counters[ip]; len(l) == 0 || l[len(l)-1] != key {
			counters[ip] = append(counters[ip], key)
		}
		// INCRBY and EXPIRE in one MULTI/EXEC, so a counter never lives
		// without its expiry.
		var incr *redis.IntCmd
		if _, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			incr = p.IncrBy(ctx, key, 1)
			p.Expire(ctx, key, window)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("MULTI INCRBY %s 1 EXPIRE %s 60 EXEC: %w", key, key, err)
		}
		if hits := incr.Val(); hits > threshold {
			set, err := c.SetNX(ctx, flagKey+ip, hits, 10*window).Result()
			if err != nil {
				return nil, fmt.Errorf("SET %s%s NX EX: %w", flagKey, ip, err)
			}
			if set {
				fmt.Printf(" [watcher] %s made %d requests this minute: flagged\n", ip, hits)
			}
		}
	}
	return counters, nil
}
