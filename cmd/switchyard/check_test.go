package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/server"
	"github.com/switchyard/switchyard/internal/testutil"
)

var ctx = context.Background()

// runTool runs a subcommand and returns its exit status and output.
func runTool(args ...string) (int, string) {
	var out, errOut strings.Builder
	code := subcommands[args[0]](args[1:], &out, &errOut)
	return code, out.String() + errOut.String()
}

func stop(t *testing.T, s *server.Server) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, s.Shutdown(c))
}

// writeAOF runs a server on dir with appendonly yes, writes to it
// (rewriting the AOF first when rewrite is set, so there is a base file)
// and stops it. It returns the AOF directory.
func writeAOF(t *testing.T, dir string, rewrite bool) string {
	t.Helper()
	s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"save", ""}, []string{"appendfsync", "always"})
	c := testutil.Client(t, s.RESPAddr(), 2)
	for i := 0; i < 20; i++ {
		require.NoError(t, c.Set(ctx, fmt.Sprint("k", i), i, 0).Err())
	}
	if rewrite {
		require.NoError(t, c.BgRewriteAOF(ctx).Err())
		require.Eventually(t, func() bool {
			m, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
			return err == nil && strings.Contains(string(m), "type b")
		}, 10*time.Second, 5*time.Millisecond)
		require.NoError(t, c.RPush(ctx, "after", "x").Err())
	}
	require.NoError(t, c.Do(ctx, "MULTI").Err())
	require.NoError(t, c.Do(ctx, "SET", "tx", "1").Err())
	require.NoError(t, c.Do(ctx, "EXEC").Err())
	c.Close()
	stop(t, s)
	return filepath.Join(dir, "appendonlydir")
}

var analyzed = regexp.MustCompile(`AOF analyzed: filename=(\S+), size=(\d+), ok_up_to=(\d+), ok_up_to_line=\d+, diff=(\d+)`)

// verdicts extracts "filename size ok_up_to diff" of each analyzed file.
func verdicts(out string) []string {
	var v []string
	for _, m := range analyzed.FindAllStringSubmatch(out, -1) {
		v = append(v, strings.Join(m[1:], " "))
	}
	return v
}

// TestCheckAOF: a sound AOF, with and without a base file, passes
// check-aof given the manifest or the directory, and redis-check-aof
// accepts the same manifest with the same analysis.
func TestCheckAOF(t *testing.T) {
	for _, rewrite := range []bool{false, true} {
		t.Run(fmt.Sprintf("rewrite=%v", rewrite), func(t *testing.T) {
			aofDir := writeAOF(t, t.TempDir(), rewrite)
			manifest := filepath.Join(aofDir, "appendonly.aof.manifest")
			code, out := runTool("check-aof", manifest)
			require.Equal(t, 0, code, out)
			require.Contains(t, out, "Start checking Multi Part AOF\n")
			require.Contains(t, out, "All AOF files and manifest are valid\n")
			if rewrite {
				require.Contains(t, out, "Start to check BASE AOF (RESP format).\n")
			}
			code, dirOut := runTool("check-aof", aofDir)
			require.Equal(t, 0, code, dirOut)
			require.Equal(t, out, dirOut)

			bin := testutil.Need(t, "redis-check-aof")
			ref, err := exec.Command(bin, manifest).CombinedOutput()
			require.NoError(t, err, "%s", ref)
			require.Contains(t, string(ref), "All AOF files and manifest are valid")
			require.Equal(t, verdicts(string(ref)), verdicts(out))
		})
	}
}

// TestCheckAOFTornTail: a torn last command is reported with the offset
// of the last sound command, as redis-check-aof reports it; --fix
// truncates it there without asking, and the AOF then loads.
func TestCheckAOFTornTail(t *testing.T) {
	dir := t.TempDir()
	aofDir := writeAOF(t, dir, true)
	incr := filepath.Join(aofDir, "appendonly.aof.2.incr.aof")
	st, err := os.Stat(incr)
	require.NoError(t, err)
	good := st.Size()
	f, err := os.OpenFile(incr, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$10\r\nabc")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	manifest := filepath.Join(aofDir, "appendonly.aof.manifest")

	code, out := runTool("check-aof", manifest)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "AOF appendonly.aof.2.incr.aof is not valid. Use the --fix option to try fixing it.\n")
	require.Contains(t, out, fmt.Sprintf("ok_up_to=%d,", good))
	if bin, err := exec.LookPath("redis-check-aof"); err == nil {
		ref, err := exec.Command(bin, manifest).CombinedOutput()
		require.Error(t, err)
		require.Equal(t, verdicts(string(ref)), verdicts(out), "same analysis as redis-check-aof:\n%s", ref)
	}

	code, out = runTool("check-aof", "--fix", manifest)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "Successfully truncated AOF appendonly.aof.2.incr.aof\n")
	st, err = os.Stat(incr)
	require.NoError(t, err)
	require.Equal(t, good, st.Size())
	code, out = runTool("check-aof", manifest)
	require.Equal(t, 0, code, out)

	s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"save", ""}, []string{"aof-load-truncated", "no"})
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.Equal(t, "19", c.Get(ctx, "k19").Val())
	require.Equal(t, "1", c.Get(ctx, "tx").Val())
	require.Equal(t, int64(0), c.Exists(ctx, "torn").Val())
}

// TestCheckAOFDamage: an unfinished MULTI at the end is cut before the
// MULTI; damage in the base file is reported and cannot be fixed by
// truncation; a single old-style file is checked on its own.
func TestCheckAOFDamage(t *testing.T) {
	aofDir := writeAOF(t, t.TempDir(), true)
	manifest := filepath.Join(aofDir, "appendonly.aof.manifest")
	incr := filepath.Join(aofDir, "appendonly.aof.2.incr.aof")
	data, err := os.ReadFile(incr)
	require.NoError(t, err)
	open := append(append([]byte(nil), data...), "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1\r\n1\r\n"...)
	require.NoError(t, os.WriteFile(incr, open, 0o644))
	code, out := runTool("check-aof", manifest)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "Reached EOF before reading EXEC for MULTI\n")
	require.Contains(t, out, fmt.Sprintf("ok_up_to=%d,", len(data)))
	code, out = runTool("check-aof", "--fix", manifest)
	require.Equal(t, 0, code, out)
	got, err := os.ReadFile(incr)
	require.NoError(t, err)
	require.Equal(t, data, got)

	base := filepath.Join(aofDir, "appendonly.aof.2.base.aof")
	bdata, err := os.ReadFile(base)
	require.NoError(t, err)
	i := strings.Index(string(bdata), "$3\r\nk10")
	require.Positive(t, i)
	bdata[i] = '!'
	require.NoError(t, os.WriteFile(base, bdata, 0o644))
	code, out = runTool("check-aof", manifest)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "expected '$'")
	code, out = runTool("check-aof", "--fix", manifest)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "Failed to truncate AOF appendonly.aof.2.base.aof because it is not the last file\n")

	code, out = runTool("check-aof", incr)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "Start checking Old-Style AOF\n")
	require.Contains(t, out, "AOF appendonly.aof.2.incr.aof is valid\n")

	code, out = runTool("check-aof")
	require.Equal(t, 2, code, out)
	code, out = runTool("check-aof", filepath.Join(aofDir, "nope"))
	require.Equal(t, 1, code, out)
}

// TestCheckRDB: a dump saved by Switchyard passes check-rdb and
// redis-check-rdb; a cut one fails both, with the offset reported.
func TestCheckRDB(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendonly", "no"}, []string{"save", ""})
	c := testutil.Client(t, s.RESPAddr(), 2)
	for i := 0; i < 50; i++ {
		require.NoError(t, c.RPush(ctx, fmt.Sprint("l", i%5), strings.Repeat("v", i)).Err())
	}
	require.NoError(t, c.Set(ctx, "ttl", "x", time.Hour).Err())
	require.NoError(t, c.Do(ctx, "QUEUE.DECLARE", "q", "DURABLE").Err())
	require.NoError(t, c.Do(ctx, "QUEUE.PUBLISH", "q", "m", "PERSISTENT").Err())
	require.Equal(t, "OK", c.Save(ctx).Val())
	c.Close()
	stop(t, s)
	path := filepath.Join(dir, "dump.rdb")

	code, out := runTool("check-rdb", path)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "[offset 0] Checking RDB file "+path+"\n")
	require.Contains(t, out, "AUX FIELD redis-ver = '7.0.15'\n")
	require.Contains(t, out, "AUX FIELD switchyard-broker = (2 commands, ")
	require.Contains(t, out, "Checksum OK\n")
	require.Contains(t, out, "\\o/ RDB looks OK! \\o/\n")
	require.Contains(t, out, "[info] 6 keys read\n")
	require.Contains(t, out, "[info] 1 expires\n")
	if bin, err := exec.LookPath("redis-check-rdb"); err == nil {
		ref, err := exec.Command(bin, path).CombinedOutput()
		require.NoError(t, err, "%s", ref)
		require.Contains(t, string(ref), "RDB looks OK")
		require.Contains(t, string(ref), "[info] 6 keys read")
	}

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	cut := filepath.Join(dir, "cut.rdb")
	require.NoError(t, os.WriteFile(cut, data[:len(data)-30], 0o644))
	code, out = runTool("check-rdb", cut)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "--- RDB ERROR DETECTED ---\n")
	require.Regexp(t, `\[offset \d+\] unexpected EOF reading RDB file`, out)
	if bin, err := exec.LookPath("redis-check-rdb"); err == nil {
		ref, err := exec.Command(bin, cut).CombinedOutput()
		require.Error(t, err, "%s", ref)
		require.Contains(t, string(ref), "RDB ERROR DETECTED")
	}
	code, out = runTool("check-rdb")
	require.Equal(t, 2, code, out)
	code, out = runTool("check-rdb", filepath.Join(dir, "missing.rdb"))
	require.Equal(t, 1, code, out)
}
