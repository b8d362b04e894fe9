package respfront_test

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// TestPersistDifferential compares the replies of the snapshot commands
// and settings with redis-server's, byte for byte, in RESP2 and RESP3.
func TestPersistDifferential(t *testing.T) {
	testutil.Need(t, "redis-server")
	script := [][]string{
		{"CONFIG", "GET", "save"}, {"CONFIG", "SET", "save", "60 1 30 5"}, {"CONFIG", "GET", "save"},
		{"CONFIG", "SET", "save", "60"}, {"CONFIG", "SET", "save", "0 1"}, {"CONFIG", "SET", "save", "1 -1"},
		{"CONFIG", "SET", "save", "a b"}, {"CONFIG", "GET", "save"}, {"CONFIG", "SET", "save", ""},
		{"CONFIG", "GET", "save"}, {"CONFIG", "SET", "save", "3600 1 300 100 60 10000"},
		{"CONFIG", "GET", "dbfilename"}, {"CONFIG", "GET", "rdbcompression"}, {"CONFIG", "GET", "rdbchecksum"},
		{"CONFIG", "SET", "rdbcompression", "maybe"}, {"CONFIG", "SET", "dbfilename", "x.rdb"},
		{"CONFIG", "SET", "rdbchecksum", "no"}, {"CONFIG", "GET", "rdbchecksum"}, {"CONFIG", "SET", "rdbcompression", "no"}, {"CONFIG", "GET", "rdbcompression"},
		{"CONFIG", "SET", "rdbcompression", "yes"},
		{"CONFIG", "SET", "rdb-key-save-delay", "0"},
		{"SET", "a", "1"}, {"SAVE"}, {"SAVE", "x"}, {"LASTSAVE", "x"}, {"BGSAVE", "foo"}, {"BGSAVE", "schedule", "x"},
		{"MULTI"}, {"SAVE"}, {"SET", "a", "2"}, {"EXEC"}, {"GET", "a"},
		{"MULTI"}, {"LASTSAVE", "x"}, {"DISCARD"},
		{"MULTI"}, {"BGSAVE"}, {"BGSAVE", "SCHEDULE"}, {"EXEC"},
	}
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			ours := testutil.DialRaw(t, start(t))
			ref := testutil.DialRaw(t, testutil.StartRedisDir(t, t.TempDir(), "--appendonly", "no"))
			ours.Do("HELLO", proto)
			ref.Do("HELLO", proto)
			for _, cmd := range script {
				want := ref.Do(cmd...)
				got := ours.Do(cmd...)
				require.Equal(t, want, got, "RESP%s %q", proto, cmd)
			}
		})
	}
}

// TestSaveCommands: SAVE, BGSAVE and LASTSAVE with their effects visible
// in INFO persistence.
func TestSaveCommands(t *testing.T) {
	c := client(t)
	start := time.Now().Unix()
	last := c.LastSave(ctx).Val()
	require.InDelta(t, start, last, 5, "LASTSAVE is the start time before any save")
	mustDo(t, c, "OK", "SET", "k", "v")
	info := c.Info(ctx, "persistence").Val()
	require.Contains(t, info, "rdb_changes_since_last_save:1\r\n")
	require.Contains(t, info, "rdb_bgsave_in_progress:0\r\n")
	require.Contains(t, info, "rdb_last_bgsave_status:ok\r\n")
	require.Contains(t, info, "rdb_last_bgsave_time_sec:-1\r\n")
	mustDo(t, c, "OK", "SAVE")
	require.GreaterOrEqual(t, c.LastSave(ctx).Val(), last)
	require.Contains(t, c.Info(ctx, "persistence").Val(), "rdb_changes_since_last_save:0\r\n")
	mustDo(t, c, "Background saving started", "BGSAVE")
	require.Eventually(t, func() bool {
		return contains(c.Info(ctx, "persistence").Val(), "rdb_bgsave_in_progress:0\r\n", "rdb_saves:2\r\n")
	}, 10*time.Second, 5*time.Millisecond)
	mustErr(t, c, "ERR wrong number of arguments for 'save' command", "SAVE", "now")
	mustErr(t, c, "ERR syntax error", "BGSAVE", "later")
	pipe := c.TxPipeline()
	pipe.Do(ctx, "SAVE")
	_, err := pipe.Exec(ctx)
	require.Error(t, err)
	require.Contains(t, err.Error(), "EXECABORT")
	mustErr(t, c, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters", "CONFIG", "SET", "save", "1")
	mustDo(t, c, []any{"save", "3600 1 300 100 60 10000"}, "CONFIG", "GET", "save")
}

// TestBGRewriteAOFInExec: inside EXEC the rewrite is scheduled (the lock
// is held), then runs.
func TestBGRewriteAOFInExec(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "k", "v")
	cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.BgRewriteAOF(ctx)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, "Background append only file rewriting scheduled", cmds[0].(*redis.StatusCmd).Val())
	require.Eventually(t, func() bool {
		return contains(c.Info(ctx, "persistence").Val(), "aof_rewrite_scheduled:0\r\n", "aof_rewrite_in_progress:0\r\n", "aof_base_size:")
	}, 10*time.Second, 5*time.Millisecond)
	require.NotContains(t, c.Info(ctx, "persistence").Val(), "aof_base_size:0\r\n", "the rewrite wrote a base file")
}

// contains reports whether s contains every one of subs.
func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
