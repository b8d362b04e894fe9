package server_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// buildServer builds cmd/switchyard once for the crash tests.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "switchyard")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/switchyard")
	cmd.Dir = testutil.RepoRoot(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// proc is a running switchyard process.
type proc struct {
	cmd  *exec.Cmd
	addr string
}

func startProc(t *testing.T, bin, dir, fsync string) *proc {
	t.Helper()
	port := testutil.FreePort(t)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--amqp-port", "0", "--nats-port", "0", "--dir", dir, "--appendonly", "yes", "--appendfsync", fsync)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := false
		for sc.Scan() {
			if !once && strings.Contains(sc.Text(), "RESP listening") {
				close(ready)
				once = true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("switchyard did not start")
	}
	p := &proc{cmd: cmd, addr: fmt.Sprintf("127.0.0.1:%d", port)}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	return p
}

func (p *proc) kill9() {
	_ = p.cmd.Process.Kill() // SIGKILL
	_ = p.cmd.Wait()
}

func newClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, PoolSize: 1, MaxRetries: -1,
		DisableIdentity: true, ReadTimeout: 10 * time.Second})
}

// TestCrashKill9 drives concurrent writers and persistent publishers
// against a real process, kills it with SIGKILL at random moments and
// restarts it on the same files. Under appendfsync always every write and
// publish that got its reply must be there; under everysec each writer's
// list must still be an unbroken prefix, holding at least everything that
// was acknowledged 1.5 s before the kill.
func TestCrashKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping crash test in -short mode")
	}
	bin := buildServer(t)
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	rounds := []string{}
	for i := 0; i < 16; i++ {
		rounds = append(rounds, "always")
	}
	for i := 0; i < 4; i++ {
		rounds = append(rounds, "everysec")
	}
	deadline := time.Now().Add(3 * time.Minute)
	for round, fsync := range rounds {
		if time.Now().After(deadline) {
			t.Fatalf("crash rounds did not finish in time (round %d)", round)
		}
		dir := t.TempDir()
		p := startProc(t, bin, dir, fsync)
		admin := newClient(p.addr)
		require.NoError(t, admin.Do(ctx, "QUEUE.DECLARE", "jobs", "DURABLE").Err())
		admin.Close()

		const writers = 4
		acked := make([]int, writers+1) // last acked sequence per writer; index writers = publisher
		for i := range acked {
			acked[i] = -1
		}
		var mu sync.Mutex
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w <= writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				c := newClient(p.addr)
				defer c.Close()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					var err error
					if w == writers {
						err = c.Do(ctx, "QUEUE.PUBLISH", "jobs", strconv.Itoa(n), "PERSISTENT").Err()
					} else {
						err = c.Do(ctx, "RPUSH", fmt.Sprintf("w%d", w), strconv.Itoa(n)).Err()
					}
					if err != nil {
						return // the server died
					}
					mu.Lock()
					acked[w] = n
					mu.Unlock()
				}
			}(w)
		}
		// Kill at a random moment once some writes are acknowledged. Under
		// everysec the writers run for 2.5-3 s, and what was acknowledged
		// 1.5 s before the kill is recorded: only the last second (plus
		// the flusher's tick) may be lost.
		wait := time.Duration(20+r.IntN(200)) * time.Millisecond
		const window = 1500 * time.Millisecond
		if fsync == "everysec" {
			wait = 2500*time.Millisecond + time.Duration(r.IntN(500))*time.Millisecond
		}
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return acked[0] >= 0 && acked[writers] >= 0
		}, 20*time.Second, time.Millisecond)
		var old []int
		if fsync == "everysec" {
			// The load runs for a chosen time; the timers pick the moments.
			t1 := time.NewTimer(wait - window)
			<-t1.C
			mu.Lock()
			old = append([]int(nil), acked...)
			mu.Unlock()
			wait = window
		}
		timer := time.NewTimer(wait)
		<-timer.C
		p.kill9()
		close(stop)
		wg.Wait()
		mu.Lock()
		final := append([]int(nil), acked...)
		mu.Unlock()

		p2 := startProc(t, bin, dir, fsync)
		c := newClient(p2.addr)
		for w := 0; w < writers; w++ {
			vals, err := c.LRange(ctx, fmt.Sprintf("w%d", w), 0, -1).Result()
			require.NoError(t, err)
			for i, v := range vals {
				require.Equal(t, strconv.Itoa(i), v, "round %d (%s) writer %d: list is not a prefix (seed %d)", round, fsync, w, seed)
			}
			if fsync == "always" {
				require.GreaterOrEqual(t, len(vals)-1, final[w], "round %d writer %d lost an acknowledged write (seed %d)", round, w, seed)
			} else {
				require.GreaterOrEqual(t, len(vals)-1, old[w], "round %d writer %d lost a write acknowledged more than %v before the kill (seed %d)", round, w, window, seed)
			}
		}
		var got []int
		for {
			v, err := c.Do(ctx, "QUEUE.GET", "jobs", "NOACK").Result()
			if err == redis.Nil {
				break
			}
			require.NoError(t, err)
			arr := v.([]any)
			for i := 0; i < len(arr); i += 2 {
				if arr[i] == "body" {
					n, _ := strconv.Atoi(arr[i+1].(string))
					got = append(got, n)
				}
			}
		}
		for i, n := range got {
			require.Equal(t, i, n, "round %d (%s): published messages out of order or missing (seed %d)", round, fsync, seed)
		}
		if fsync == "always" {
			require.GreaterOrEqual(t, len(got)-1, final[writers], "round %d lost an acknowledged publish (seed %d)", round, seed)
		} else {
			require.GreaterOrEqual(t, len(got)-1, old[writers], "round %d lost a publish acknowledged more than %v before the kill (seed %d)", round, window, seed)
		}
		c.Close()
		p2.kill9()
	}
	_ = os.Getpid
	_ = context.Background
}
