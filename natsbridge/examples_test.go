package natsbridge_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// TestExamples builds the programs under examples/nats once, starts
// Switchyard with its NATS front, and runs each against it (-url for NATS,
// and, to the cross-protocol one, -addr for RESP and -amqp for AMQP). A program checks its own outcome and exits non-zero on
// failure; the test also requires its final "<name>: OK" line.
func TestExamples(t *testing.T) {
	root := testutil.RepoRoot(t)
	dir := filepath.Join(root, "examples", "nats")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var programs []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "main.go")); e.IsDir() && err == nil {
			programs = append(programs, e.Name())
		}
	}
	require.Len(t, programs, 5, "scenarios 3, 5, 6, 15, 16")

	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./examples/nats/...")...)
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build ./examples/nats/...:\n%s", out)

	s := testutil.StartSwitchyard(t,
		[]string{"nats-port", strconv.Itoa(testutil.FreePort(t))},
		[]string{"amqp-port", strconv.Itoa(testutil.FreePort(t))})
	url := "nats://" + s.NATSAddr()
	for _, name := range programs {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			args := []string{"-url", url}
			if name == "crossproto" { // the one that also speaks RESP and AMQP
				args = append(args, "-addr", s.RESPAddr(), "-amqp", "amqp://guest:guest@"+s.AMQPAddr()+"/")
			}
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
			cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0 halt_on_error=1")
			out, err := cmd.CombinedOutput()
			require.NoError(t, ctx.Err(), "%s did not finish within 60 s; output:\n%s", name, out)
			require.NoError(t, err, "%s failed; output:\n%s", name, out)
			require.Contains(t, string(out), name+": OK", "%s exited 0 without its OK line; output:\n%s", name, out)
		})
	}
}
