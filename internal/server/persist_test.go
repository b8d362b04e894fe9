package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

var ctx = context.Background()

func shutdown(t *testing.T, s interface{ Shutdown(context.Context) error }) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, s.Shutdown(c))
}

// TestAOFRestart writes every kind of value (strings, lists, hashes, sets,
// sorted sets, bitmaps, HyperLogLogs) and a durable queue with a persistent
// message under each fsync policy,
// restarts the server on the same directory and finds the same data.
func TestAOFRestart(t *testing.T) {
	for _, policy := range []string{"always", "everysec", "no"} {
		t.Run(policy, func(t *testing.T) {
			dir := t.TempDir()
			s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", policy})
			c := testutil.Client(t, s.RESPAddr(), 2)
			require.NoError(t, c.Set(ctx, "s", "v", 0).Err())
			require.NoError(t, c.Set(ctx, "ttl", "x", time.Hour).Err())
			require.NoError(t, c.Incr(ctx, "n").Err())
			require.NoError(t, c.IncrByFloat(ctx, "f", 0.1).Err())
			require.NoError(t, c.RPush(ctx, "l", "a", "b", "c").Err())
			require.NoError(t, c.LPop(ctx, "l").Err())
			require.NoError(t, c.Do(ctx, "SELECT", "3").Err())
			require.NoError(t, c.Set(ctx, "db3", "yes", 0).Err())
			require.NoError(t, c.Do(ctx, "SELECT", "0").Err())
			pipe := c.TxPipeline()
			pipe.Set(ctx, "tx1", "1", 0)
			pipe.Set(ctx, "tx2", "2", 0)
			_, err := pipe.Exec(ctx)
			require.NoError(t, err)
			require.NoError(t, c.Set(ctx, "gone", "x", 0).Err())
			require.NoError(t, c.Del(ctx, "gone").Err())
			require.NoError(t, c.HSet(ctx, "h", "f1", "v1", "f2", "v2").Err())
			require.NoError(t, c.HIncrByFloat(ctx, "h", "n", 1.5).Err())
			require.NoError(t, c.SAdd(ctx, "set", "a", "b", "c").Err())
			require.NoError(t, c.SRem(ctx, "set", "b").Err())
			require.NoError(t, c.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "one"}, redis.Z{Score: 2.5, Member: "two"}).Err())
			require.NoError(t, c.ZIncrBy(ctx, "z", 1, "one").Err())
			require.NoError(t, c.SetBit(ctx, "bits", 7, 1).Err())
			require.NoError(t, c.PFAdd(ctx, "hll", "x", "y", "z").Err())
			require.NoError(t, c.Do(ctx, "QUEUE.DECLARE", "dq", "DURABLE").Err())
			require.NoError(t, c.Do(ctx, "QUEUE.PUBLISH", "dq", "persisted", "PERSISTENT").Err())
			ttlBefore := c.PTTL(ctx, "ttl").Val()
			c.Close()
			shutdown(t, s)

			s2 := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", policy})
			c2 := testutil.Client(t, s2.RESPAddr(), 2)
			require.Equal(t, "v", c2.Get(ctx, "s").Val())
			require.Equal(t, "1", c2.Get(ctx, "n").Val())
			require.Equal(t, "0.1", c2.Get(ctx, "f").Val())
			require.Equal(t, []string{"b", "c"}, c2.LRange(ctx, "l", 0, -1).Val())
			require.Equal(t, int64(0), c2.Exists(ctx, "gone").Val())
			require.Equal(t, "1", c2.Get(ctx, "tx1").Val())
			require.Equal(t, "2", c2.Get(ctx, "tx2").Val())
			ttl := c2.PTTL(ctx, "ttl").Val()
			require.Greater(t, ttl, time.Duration(0))
			require.LessOrEqual(t, ttl, ttlBefore)
			require.Equal(t, map[string]string{"f1": "v1", "f2": "v2", "n": "1.5"}, c2.HGetAll(ctx, "h").Val())
			require.ElementsMatch(t, []string{"a", "c"}, c2.SMembers(ctx, "set").Val())
			require.Equal(t, []redis.Z{{Score: 2, Member: "one"}, {Score: 2.5, Member: "two"}}, c2.ZRangeWithScores(ctx, "z", 0, -1).Val())
			require.Equal(t, int64(1), c2.GetBit(ctx, "bits", 7).Val())
			require.Equal(t, int64(3), c2.PFCount(ctx, "hll").Val())
			body, _, _, ok := getBody(t, c2, "dq")
			require.True(t, ok)
			require.Equal(t, "persisted", body)
			require.NoError(t, c2.Do(ctx, "SELECT", "3").Err())
			require.Equal(t, "yes", c2.Get(ctx, "db3").Val())
		})
	}
}

// TestAOFRewrite compacts the log while writes continue and loses none.
func TestAOFRewrite(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir})
	c := testutil.Client(t, s.RESPAddr(), 2)
	for i := 0; i < 200; i++ {
		require.NoError(t, c.Set(ctx, "k", fmt.Sprint(i), 0).Err())
		require.NoError(t, c.RPush(ctx, "l", fmt.Sprint(i)).Err())
	}
	require.Equal(t, "Background append only file rewriting started", c.Do(ctx, "BGREWRITEAOF").Val())
	for i := 200; i < 300; i++ {
		require.NoError(t, c.RPush(ctx, "l", fmt.Sprint(i)).Err())
	}
	require.Eventually(t, func() bool {
		m, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
		return err == nil && strings.Contains(string(m), "type b")
	}, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, c.RPush(ctx, "l", "300").Err())
	c.Close()
	shutdown(t, s)

	m, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	require.NoError(t, err)
	require.Equal(t, "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", string(m))
	_, err = os.Stat(filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
	require.True(t, os.IsNotExist(err), "old incremental file removed")

	s2 := testutil.StartSwitchyard(t, []string{"dir", dir})
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	require.Equal(t, "199", c2.Get(ctx, "k").Val())
	require.Equal(t, int64(301), c2.LLen(ctx, "l").Val())
	require.Equal(t, "300", c2.LIndex(ctx, "l", -1).Val())
}

// TestAOFTornTail: a torn last command is truncated with a warning under
// aof-load-truncated yes and refused with a clear error under no.
func TestAOFTornTail(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", "always"})
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.NoError(t, c.Set(ctx, "a", "1", 0).Err())
	require.NoError(t, c.Set(ctx, "b", "2", 0).Err())
	c.Close()
	shutdown(t, s)
	incr := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	f, err := os.OpenFile(incr, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$10\r\nabc")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	_, err = startErr(t, dir, []string{"aof-load-truncated", "no"})
	require.ErrorContains(t, err, "truncated")
	require.ErrorContains(t, err, incr)

	s2 := testutil.StartSwitchyard(t, []string{"dir", dir})
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	require.Equal(t, "2", c2.Get(ctx, "b").Val())
	require.Equal(t, int64(0), c2.Exists(ctx, "c").Val())
}

// TestAOFCorruptMiddle: damage before the end stops start-up, naming the
// file and offset.
func TestAOFCorruptMiddle(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir})
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.NoError(t, c.Set(ctx, "a", "1", 0).Err())
	require.NoError(t, c.Set(ctx, "b", "2", 0).Err())
	c.Close()
	shutdown(t, s)
	incr := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	data, err := os.ReadFile(incr)
	require.NoError(t, err)
	i := strings.Index(string(data), "$1\r\nb")
	require.Positive(t, i)
	data[i] = '!'
	require.NoError(t, os.WriteFile(incr, data, 0o644))
	_, err = startErr(t, dir)
	require.ErrorContains(t, err, incr)
	require.ErrorContains(t, err, "offset")
}

func getBody(t *testing.T, c interface {
	Do(context.Context, ...any) *redis.Cmd
}, queue string) (body string, tag int64, redelivered bool, ok bool) {
	t.Helper()
	v, err := c.Do(ctx, "QUEUE.GET", queue).Result()
	if err == redis.Nil {
		return "", 0, false, false
	}
	require.NoError(t, err)
	arr := v.([]any)
	for i := 0; i < len(arr); i += 2 {
		switch arr[i] {
		case "body":
			body = arr[i+1].(string)
		case "delivery-tag":
			tag = arr[i+1].(int64)
		case "redelivered":
			redelivered = arr[i+1].(int64) == 1
		}
	}
	return body, tag, redelivered, true
}

// TestDurableQueuesSurviveRestart: durable exchanges, queues and bindings
// and persistent messages come back; transient ones do not; unacked
// messages come back flagged redelivered. Checked both from the log as
// written and after a rewrite.
func TestDurableQueuesSurviveRestart(t *testing.T) {
	for _, rewrite := range []bool{false, true} {
		t.Run(fmt.Sprintf("rewrite=%v", rewrite), func(t *testing.T) {
			dir := t.TempDir()
			s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", "always"})
			c := testutil.Client(t, s.RESPAddr(), 2)
			do := func(args ...any) { require.NoError(t, c.Do(ctx, args...).Err(), "%v", args) }
			do("EXCHANGE.DECLARE", "logs", "fanout", "DURABLE")
			do("EXCHANGE.DECLARE", "tx", "fanout")
			do("QUEUE.DECLARE", "task_queue", "DURABLE", "ARG", "x-message-ttl", "3600000")
			do("QUEUE.DECLARE", "transient")
			do("QUEUE.DECLARE", "excl", "DURABLE", "EXCLUSIVE")
			do("QUEUE.BIND", "task_queue", "logs", "")
			do("QUEUE.BIND", "transient", "logs", "")
			for _, m := range []string{"m1", "m2", "m3"} {
				do("QUEUE.PUBLISH", "task_queue", m, "PERSISTENT")
			}
			do("QUEUE.PUBLISH", "task_queue", "transient-msg")
			do("EXCHANGE.PUBLISH", "logs", "", "via-logs", "PERSISTENT")
			b, tag, _, ok := getBody(t, c, "task_queue")
			require.True(t, ok)
			require.Equal(t, "m1", b)
			do("QUEUE.ACK", tag)
			b, _, _, _ = getBody(t, c, "task_queue")
			require.Equal(t, "m2", b) // left unacked
			if rewrite {
				require.Equal(t, "Background append only file rewriting started", c.Do(ctx, "BGREWRITEAOF").Val())
				require.Eventually(t, func() bool {
					m, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
					return err == nil && strings.Contains(string(m), "type b")
				}, 10*time.Second, 5*time.Millisecond)
			}
			c.Close()
			shutdown(t, s)

			s2 := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"appendfsync", "always"})
			c2 := testutil.Client(t, s2.RESPAddr(), 2)
			var got []string
			redelivered := map[string]bool{}
			for {
				b, _, r, ok := getBody(t, c2, "task_queue")
				if !ok {
					break
				}
				got = append(got, b)
				redelivered[b] = r
			}
			require.Equal(t, []string{"m2", "m3", "via-logs"}, got)
			require.True(t, redelivered["m2"], "unacked message flagged redelivered")
			require.False(t, redelivered["m3"])
			require.Error(t, c2.Do(ctx, "QUEUE.DECLARE", "transient", "PASSIVE").Err())
			require.Error(t, c2.Do(ctx, "QUEUE.DECLARE", "excl", "PASSIVE").Err())
			require.Error(t, c2.Do(ctx, "EXCHANGE.DECLARE", "tx", "fanout", "PASSIVE").Err())
			// The durable binding is back; the queue's arguments too.
			require.Equal(t, int64(1), c2.Do(ctx, "EXCHANGE.PUBLISH", "logs", "", "again").Val())
			require.NoError(t, c2.Do(ctx, "QUEUE.DECLARE", "task_queue", "DURABLE", "ARG", "x-message-ttl", "3600000").Err())
		})
	}
}

func TestInfoPersistence(t *testing.T) {
	s := testutil.StartSwitchyard(t)
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.NoError(t, c.Set(ctx, "a", "1", 0).Err())
	info := c.Info(ctx, "persistence").Val()
	for _, want := range []string{"aof_enabled:1", "aof_last_write_status:ok", "aof_rewrite_in_progress:0", "rdb_changes_since_last_save:1"} {
		require.Contains(t, info, want+"\r\n")
	}
	off := testutil.StartSwitchyard(t, []string{"appendonly", "no"})
	c2 := testutil.Client(t, off.RESPAddr(), 2)
	require.Contains(t, c2.Info(ctx, "persistence").Val(), "aof_enabled:0\r\n")
	require.Equal(t, "ERR Background append only file rewriting is not possible: appendonly is no", c2.Do(ctx, "BGREWRITEAOF").Err().Error())
}
