// Package testutil starts real servers for tests: Switchyard in-process on a
// free port, and the reference servers (redis-server, nats-server) as child
// processes. Tests that need a reference server call Need, which skips with
// a clear message when the program is missing and fails instead when
// SWITCHYARD_REQUIRE_INTEGRATION=1 (as .ci/run sets).
package testutil

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
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

	"github.com/switchyard/switchyard/internal/config"
	"github.com/switchyard/switchyard/internal/server"
)

// RequireIntegration reports whether SWITCHYARD_REQUIRE_INTEGRATION=1.
func RequireIntegration() bool { return os.Getenv("SWITCHYARD_REQUIRE_INTEGRATION") == "1" }

// Need returns the path of program, or skips the test (fails it when
// integration is required) if it is not installed.
func Need(t testing.TB, program string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		if RequireIntegration() {
			t.Fatalf("%s is required (SWITCHYARD_REQUIRE_INTEGRATION=1) but not installed: %v", program, err)
		}
		t.Skipf("skipping: %s not installed (install it, e.g. apt-get install -y %s)", program, program)
	}
	return p
}

// StartSwitchyard starts a whole server in-process on 127.0.0.1 with a free
// port, with the given extra directives (name, values...), and stops it at
// the end of the test. It returns the server. The AMQP and NATS fronts are
// off (never the defaults 5672, where CI runs RabbitMQ, and 4222) unless a
// directive sets amqp-port or nats-port; StartSwitchyardAMQP and
// StartSwitchyardNATS do that with a free port.
func StartSwitchyard(t testing.TB, directives ...[]string) *server.Server {
	t.Helper()
	cfg := config.New()
	require.NoError(t, cfg.Set("port", []string{"0"}))
	require.NoError(t, cfg.Set("amqp-port", []string{"0"}))
	require.NoError(t, cfg.Set("nats-port", []string{"0"}))
	require.NoError(t, cfg.Set("dir", []string{t.TempDir()}))
	for _, d := range directives {
		require.NoError(t, cfg.Set(d[0], d[1:]))
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("SWITCHYARD_TEST_LOG") == "1" {
		log = slog.Default()
	}
	s, err := server.Start(cfg, log)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return s
}

// StartSwitchyardAMQP starts a whole server as StartSwitchyard does, with
// the AMQP front on a free port, and returns it with its AMQP URL
// (amqp://guest:guest@127.0.0.1:PORT/).
func StartSwitchyardAMQP(t testing.TB, directives ...[]string) (*server.Server, string) {
	t.Helper()
	port := strconv.Itoa(FreePort(t))
	s := StartSwitchyard(t, append([][]string{{"amqp-port", port}}, directives...)...)
	return s, "amqp://guest:guest@" + s.AMQPAddr() + "/"
}

// StartSwitchyardNATS starts a whole server as StartSwitchyard does, with
// the NATS front on a free port, and returns it with its NATS URL
// (nats://127.0.0.1:PORT).
func StartSwitchyardNATS(t testing.TB, directives ...[]string) (*server.Server, string) {
	t.Helper()
	port := strconv.Itoa(FreePort(t))
	s := StartSwitchyard(t, append([][]string{{"nats-port", port}}, directives...)...)
	return s, "nats://" + s.NATSAddr()
}

// StartNATSServer starts a real nats-server on a free port with the given
// extra arguments and returns its URL; it is stopped by PID at the end of
// the test. It skips (or fails under SWITCHYARD_REQUIRE_INTEGRATION=1)
// when nats-server is not installed.
func StartNATSServer(t testing.TB, args ...string) string {
	t.Helper()
	bin := Need(t, "nats-server")
	port := FreePort(t)
	cmd := exec.Command(bin, append([]string{"-a", "127.0.0.1", "-p", strconv.Itoa(port)}, args...)...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		closed := false
		for sc.Scan() {
			if !closed && strings.Contains(sc.Text(), "Server is ready") {
				close(ready)
				closed = true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatalf("nats-server on port %d did not become ready", port)
	}
	return fmt.Sprintf("nats://127.0.0.1:%d", port)
}

// Client returns a go-redis client for addr with one connection, closed at
// the end of the test. proto is 2 or 3.
func Client(t testing.TB, addr string, proto int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr: addr, Protocol: proto, PoolSize: 1, MaxRetries: -1,
		DisableIdentity: true, ReadTimeout: 10 * time.Second,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// StartRedis starts a real redis-server (no persistence) on a free port and
// returns its address; it is stopped by PID at the end of the test.
func StartRedis(t testing.TB) string {
	t.Helper()
	return StartRedisDir(t, t.TempDir(), "--save", "", "--appendonly", "no")
}

// StartRedisDir starts a real redis-server on a free port with dir as its
// working directory (where it loads and saves dump.rdb) and the extra
// command-line directives, and returns its address. It is stopped by PID at
// the end of the test (a test may stop it earlier with SHUTDOWN).
func StartRedisDir(t testing.TB, dir string, extra ...string) string {
	t.Helper()
	bin := Need(t, "redis-server")
	port := FreePort(t)
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--daemonize", "no"}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan struct{})
	exited := make(chan struct{}) // its output ended: it exited
	var logMu sync.Mutex
	var logLines []string
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stdout)
		closed := false
		for sc.Scan() {
			logMu.Lock()
			logLines = append(logLines, sc.Text())
			logMu.Unlock()
			if !closed && containsReady(sc.Text()) {
				close(ready)
				closed = true
			}
		}
	}()
	select {
	case <-ready:
	case <-exited:
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("redis-server on port %d exited before becoming ready:\n%s", port, strings.Join(logLines, "\n"))
	case <-time.After(20 * time.Second):
		t.Fatalf("redis-server on port %d did not become ready", port)
	}
	return fmt.Sprintf("127.0.0.1:%d", port)
}

func containsReady(line string) bool {
	return strings.Contains(line, "Ready to accept connections")
}

// RepoRoot returns the repository root (the folder holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}
