// Command sybench runs redis-benchmark against redis-server and Switchyard
// side by side on this machine and prints a markdown table: requests per
// second for each, their ratio, and the server CPU time each spent per
// 100k requests (read from /proc/<pid>/stat), which stays meaningful on a
// shared, noisy machine where throughput alone swings.
//
// Usage:
//
//	sybench [-n 200000] [-c 50] [-P 1,16] [-t set,get,incr,lpush,rpush,lpop,rpop] [-reps 3] [-switchyard path]
//
// It starts both servers itself on free loopback ports, without
// persistence (redis-server --save "" --appendonly no; switchyard
// --appendonly no), runs the tests in alternation (Switchyard, then Redis,
// per pipeline depth and repetition) and stops both by PID.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

type server struct {
	name string
	cmd  *exec.Cmd
	port int
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func start(name string, args func(port int) []string, bin string) (*server, error) {
	port := freePort()
	cmd := exec.Command(bin, args(port)...)
	cmd.Dir = os.TempDir()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return &server{name: name, cmd: cmd, port: port}, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	return nil, fmt.Errorf("%s did not start", name)
}

// cpuTicks returns utime+stime of pid in clock ticks.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	s = s[strings.LastIndexByte(s, ')')+2:]
	f := strings.Fields(s)
	u, _ := strconv.ParseInt(f[11], 10, 64)
	sy, _ := strconv.ParseInt(f[12], 10, 64)
	return u + sy
}

var rpsRe = regexp.MustCompile(`^([A-Z_0-9 ()]+): ([0-9.]+) requests per second`)

// run runs one redis-benchmark invocation and returns rps per test and the
// server CPU seconds it used.
func run(s *server, n, c, p int, tests string) (map[string]float64, float64, error) {
	before := cpuTicks(s.cmd.Process.Pid)
	out, err := exec.Command("redis-benchmark", "-p", strconv.Itoa(s.port), "-q", "-n", strconv.Itoa(n),
		"-c", strconv.Itoa(c), "-P", strconv.Itoa(p), "-t", tests).CombinedOutput()
	if err != nil {
		return nil, 0, fmt.Errorf("redis-benchmark: %v: %s", err, out)
	}
	after := cpuTicks(s.cmd.Process.Pid)
	res := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(strings.ReplaceAll(string(out), "\r", "\n")))
	for sc.Scan() {
		if m := rpsRe.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			res[strings.TrimSpace(m[1])] = v
		}
	}
	return res, float64(after-before) / 100, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func main() {
	n := flag.Int("n", 200000, "requests per test (redis-benchmark -n)")
	c := flag.Int("c", 50, "clients (redis-benchmark -c)")
	pipes := flag.String("P", "1,16", "pipeline depths, comma separated")
	tests := flag.String("t", "set,get,incr,lpush,rpush,lpop,rpop", "tests (redis-benchmark -t)")
	reps := flag.Int("reps", 3, "repetitions (median reported)")
	sy := flag.String("switchyard", "", "switchyard binary (default: build ./cmd/switchyard)")
	flag.Parse()

	bin := *sy
	if bin == "" {
		bin = filepath.Join(os.TempDir(), "sybench-switchyard")
		b := exec.Command("go", "build", "-o", bin, "./cmd/switchyard")
		b.Stderr = os.Stderr
		if err := b.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build:", err)
			os.Exit(1)
		}
	}
	redis, err := start("redis-server", func(p int) []string {
		return []string{"--port", strconv.Itoa(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}
	}, "redis-server")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer func() { redis.cmd.Process.Kill(); redis.cmd.Wait() }()
	swy, err := start("switchyard", func(p int) []string {
		return []string{"--port", strconv.Itoa(p), "--bind", "127.0.0.1", "--appendonly", "no", "--amqp-port", "0"}
	}, bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer func() { swy.cmd.Process.Kill(); swy.cmd.Wait() }()

	type key struct {
		p    int
		test string
	}
	rps := map[string]map[key][]float64{"redis": {}, "switchyard": {}}
	cpu := map[string]map[int][]float64{"redis": {}, "switchyard": {}}
	var order []key
	seen := map[key]bool{}
	for _, ps := range strings.Split(*pipes, ",") {
		p, _ := strconv.Atoi(ps)
		for r := 0; r < *reps; r++ {
			for _, s := range []*server{swy, redis} {
				res, cpuSec, err := run(s, *n, *c, p, *tests)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				name := "redis"
				if s == swy {
					name = "switchyard"
				}
				for t, v := range res {
					k := key{p, t}
					rps[name][k] = append(rps[name][k], v)
					if !seen[k] {
						seen[k] = true
						order = append(order, k)
					}
				}
				cpu[name][p] = append(cpu[name][p], cpuSec/float64(*n*len(res))*100000)
			}
		}
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("redis-benchmark -n %d -c %d -t %s, median of %d alternating runs; load average at end: %s\n\n", *n, *c, *tests, *reps, strings.Fields(string(load))[0])
	fmt.Println("| test | -P | redis-server req/s | Switchyard req/s | ratio |")
	fmt.Println("|---|---|---|---|---|")
	for _, k := range order {
		r, s := median(rps["redis"][k]), median(rps["switchyard"][k])
		fmt.Printf("| %s | %d | %.0f | %.0f | %.2fx |\n", k.test, k.p, r, s, s/r)
	}
	fmt.Println()
	fmt.Println("| -P | redis-server CPU s per 100k req | Switchyard CPU s per 100k req |")
	fmt.Println("|---|---|---|")
	for _, ps := range strings.Split(*pipes, ",") {
		p, _ := strconv.Atoi(ps)
		fmt.Printf("| %d | %.3f | %.3f |\n", p, median(cpu["redis"][p]), median(cpu["switchyard"][p]))
	}
}
