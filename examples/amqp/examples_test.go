// Package examples_test runs the tutorial programs of shared/SCENARIOS.md
// (1-7), written with amqp091-go (examples/amqp/<name>) and with pika
// (examples/python/<name>.py), against an in-process Switchyard, and, when
// AMQP_URL is set, against that RabbitMQ too, which shows the programs are
// faithful to RabbitMQ's behaviour.
package examples_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

var tutorials = []string{"hello", "workqueues", "pubsub", "routing", "topics", "rpc", "confirms"}

// run runs a program with a deadline and fails the test with its output
// unless it exits 0 and its last line is OK.
func run(t *testing.T, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.True(t, strings.HasSuffix(lines[len(lines)-1], "OK"), "%s:\n%s", name, out)
}

// buildGo builds the Go tutorials once into a temporary directory.
func buildGo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./examples/amqp/...")
	cmd.Dir = testutil.RepoRoot(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return dir
}

// python returns Debian's python3 when it has pika, or skips (fails under
// SWITCHYARD_REQUIRE_INTEGRATION=1).
func python(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import pika").Run(); err != nil {
		if testutil.RequireIntegration() {
			t.Fatalf("%s with pika is required (SWITCHYARD_REQUIRE_INTEGRATION=1): %v", py, err)
		}
		t.Skipf("skipping: %s cannot import pika (apt-get install -y python3-pika): %v", py, err)
	}
	return py
}

func runAll(t *testing.T, url string) {
	bin := buildGo(t)
	for _, name := range tutorials {
		t.Run("go/"+name, func(t *testing.T) { run(t, filepath.Join(bin, name), "-url", url) })
	}
	t.Run("pika", func(t *testing.T) {
		py := python(t)
		dir := filepath.Join(testutil.RepoRoot(t), "examples", "python")
		pikaURL := strings.TrimSuffix(url, "/") + "/%2F"
		for _, name := range tutorials {
			t.Run(name, func(t *testing.T) { run(t, py, filepath.Join(dir, name+".py"), "--url", pikaURL) })
		}
	})
}

func TestTutorialsAgainstSwitchyard(t *testing.T) {
	_, url := testutil.StartSwitchyardAMQP(t)
	runAll(t, url)
}

func TestTutorialsAgainstRabbitMQ(t *testing.T) {
	url := os.Getenv("AMQP_URL")
	if url == "" {
		if testutil.RequireIntegration() {
			t.Fatal("AMQP_URL not set but SWITCHYARD_REQUIRE_INTEGRATION=1: RabbitMQ is required")
		}
		t.Skip("skipping: AMQP_URL not set: no RabbitMQ to run the tutorials against")
	}
	runAll(t, url)
}
