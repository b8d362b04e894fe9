package examples_test

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

// TestExamples builds every program under examples/ once, starts
// Switchyard in-process, and runs each program against it over RESP3 and
// RESP2. A program checks its own outcome and exits non-zero on failure;
// the test also requires its final "<name>: OK" line.
func TestExamples(t *testing.T) {
	root := testutil.RepoRoot(t)
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./examples/...")...)
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build ./examples/...:\n%s", out)

	programs := examplePrograms(t, filepath.Join(root, "examples"))
	require.NotEmpty(t, programs)

	addr := testutil.StartSwitchyard(t).RESPAddr()
	for _, name := range programs {
		for _, proto := range []int{3, 2} {
			t.Run(name+"/resp"+strconv.Itoa(proto), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, filepath.Join(bin, name),
					"-addr", addr, "-proto", strconv.Itoa(proto))
				// A -race binary otherwise sleeps 1 s at exit.
				cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0 halt_on_error=1")
				out, err := cmd.CombinedOutput()
				require.NoError(t, ctx.Err(), "%s did not finish within 60 s; output:\n%s", name, out)
				require.NoError(t, err, "%s failed; output:\n%s", name, out)
				require.Contains(t, string(out), name+": OK", "%s exited 0 without its OK line; output:\n%s", name, out)
			})
		}
	}
}

// examplePrograms lists the folders of dir that hold a main.go.
func examplePrograms(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "main.go")); err == nil {
			names = append(names, e.Name())
		}
	}
	return names
}
