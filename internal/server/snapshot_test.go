package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// infoField returns one field of INFO persistence.
func infoField(t *testing.T, c *redis.Client, name string) string {
	t.Helper()
	info, err := c.Info(ctx, "persistence").Result()
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO persistence has no %s:\n%s", name, info)
	return ""
}

// rdbOnly are the directives of a server persisting by snapshots only.
func rdbOnly(dir string, save string) [][]string {
	return [][]string{{"dir", dir}, {"appendonly", "no"}, {"save", save}}
}

// keyspace reads every key of databases 0..15 as "db:key" -> "type value
// [ttl]", for comparing two servers.
func keyspace(t *testing.T, c *redis.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	for db := 0; db < 16; db++ {
		require.NoError(t, c.Do(ctx, "SELECT", db).Err())
		for _, k := range c.Keys(ctx, "*").Val() {
			typ := c.Type(ctx, k).Val()
			var val string
			switch typ {
			case "string":
				val = c.Get(ctx, k).Val()
			case "list":
				val = strings.Join(c.LRange(ctx, k, 0, -1).Val(), ",")
			case "hash":
				m := c.HGetAll(ctx, k).Val()
				fields := make([]string, 0, len(m))
				for f := range m {
					fields = append(fields, f)
				}
				sort.Strings(fields)
				for _, f := range fields {
					val += f + "=" + m[f] + ","
				}
			case "set":
				ms := c.SMembers(ctx, k).Val()
				sort.Strings(ms)
				val = strings.Join(ms, ",")
			case "zset":
				for _, z := range c.ZRangeWithScores(ctx, k, 0, -1).Val() {
					val += fmt.Sprintf("%v=%v,", z.Member, z.Score)
				}
			default:
				t.Fatalf("key %q: type %s not compared", k, typ)
			}
			if c.PTTL(ctx, k).Val() > 0 {
				val += " [ttl]"
			}
			out[fmt.Sprintf("%d:%s", db, k)] = typ + " " + val
		}
	}
	require.NoError(t, c.Do(ctx, "SELECT", 0).Err())
	return out
}

// populate writes strings, lists, hashes, sets and sorted sets of every
// shape into several databases.
func populate(t *testing.T, c *redis.Client) {
	t.Helper()
	do := func(args ...any) { require.NoError(t, c.Do(ctx, args...).Err(), "%v", args) }
	do("SET", "s", "hello")
	do("SET", "n", "12345")
	do("SET", "neg", "-3")
	do("SET", "empty", "")
	do("SET", "big", strings.Repeat("compressible ", 1000))
	do("SET", "bin", "\x00\xff\r\n")
	do("SET", "ttl", "x", "EX", "3600")
	do("RPUSH", "l", "a", "1", "", "b")
	for i := 0; i < 300; i++ {
		do("RPUSH", "long", fmt.Sprintf("e%d", i))
	}
	do("RPUSH", "long", strings.Repeat("y", 20000))
	do("RPUSH", "lttl", "v")
	do("PEXPIRE", "lttl", "7200000")
	do("ZADD", "z", "1.5", "a", "-inf", "b", "inf", "c", "0.1", "d", "-0", "e")
	for i := 0; i < 200; i++ {
		do("ZADD", "zbig", float64(i)/7, fmt.Sprint("member-", i))
	}
	do("ZADD", "zttl", "1", "x")
	do("EXPIRE", "zttl", "600")
	do("HSET", "h", "f", "v", "n", "1", "big", strings.Repeat("h", 100))
	for i := 0; i < 200; i++ {
		do("HSET", "hbig", fmt.Sprint("f", i), i)
		do("SADD", "sbig", fmt.Sprint("m", i))
	}
	do("SADD", "intset", "1", "100000", "-5")
	do("SADD", "set", "a", "b", "1")
	do("SADD", "sttl", "a")
	do("EXPIRE", "sttl", "100")
	do("HSET", "httl", "a", "b")
	do("PEXPIRE", "httl", "100000")
	do("SELECT", "5")
	do("SET", "db5", "yes")
	do("RPUSH", "l5", "x", "y")
	do("SELECT", "15")
	do("SET", "db15", "last")
	do("SELECT", "0")
}

// TestRDBRestart: strings, lists, TTLs, several databases and the durable
// messaging state survive SAVE and a restart from dump.rdb; what was
// written after the SAVE does not (no save point); transient state does
// not either; the unacked message comes back redelivered.
func TestRDBRestart(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c := testutil.Client(t, s.RESPAddr(), 2)
	populate(t, c)
	want := keyspace(t, c)
	do := func(args ...any) { require.NoError(t, c.Do(ctx, args...).Err(), "%v", args) }
	do("EXCHANGE.DECLARE", "logs", "fanout", "DURABLE")
	do("QUEUE.DECLARE", "jobs", "DURABLE")
	do("QUEUE.DECLARE", "tmp")
	do("QUEUE.BIND", "jobs", "logs", "")
	for _, m := range []string{"m1", "m2", "m3"} {
		do("QUEUE.PUBLISH", "jobs", m, "PERSISTENT")
	}
	do("QUEUE.PUBLISH", "jobs", "transient-msg")
	do("QUEUE.PUBLISH", "tmp", "gone", "PERSISTENT")
	b, _, _, ok := getBody(t, c, "jobs")
	require.True(t, ok)
	require.Equal(t, "m1", b) // left unacked
	ttlBefore := c.PTTL(ctx, "ttl").Val()
	require.Equal(t, "0", infoField(t, c, "rdb_saves"))
	require.Equal(t, "OK", c.Save(ctx).Val())
	require.Equal(t, "1", infoField(t, c, "rdb_saves"))
	require.Equal(t, "0", infoField(t, c, "rdb_changes_since_last_save"))
	do("SET", "after-save", "1")
	require.Equal(t, "1", infoField(t, c, "rdb_changes_since_last_save"))
	c.Close()
	shutdown(t, s)
	require.NoFileExists(t, filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"), "appendonly no writes no AOF")

	s2 := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	require.Equal(t, want, keyspace(t, c2))
	require.Equal(t, int64(0), c2.Exists(ctx, "after-save").Val())
	ttl := c2.PTTL(ctx, "ttl").Val()
	require.Greater(t, ttl, time.Duration(0))
	require.LessOrEqual(t, ttl, ttlBefore)
	require.Equal(t, strconv.Itoa(len(want)), infoField(t, c2, "rdb_last_load_keys_loaded"))
	require.Equal(t, "0", infoField(t, c2, "rdb_changes_since_last_save"))
	var got []string
	redelivered := map[string]bool{}
	for {
		b, _, r, ok := getBody(t, c2, "jobs")
		if !ok {
			break
		}
		got = append(got, b)
		redelivered[b] = r
	}
	require.Equal(t, []string{"m1", "m2", "m3"}, got)
	require.True(t, redelivered["m1"], "unacked at the save: redelivered")
	require.False(t, redelivered["m2"])
	require.Error(t, c2.Do(ctx, "QUEUE.DECLARE", "tmp", "PASSIVE").Err(), "transient queue gone")
	require.Equal(t, int64(1), c2.Do(ctx, "EXCHANGE.PUBLISH", "logs", "", "again").Val(), "durable binding back")
}

// TestRDBShutdownSave: the snapshot at shutdown is written when save
// points are set or SHUTDOWN SAVE asks, and not with SHUTDOWN NOSAVE or
// without save points.
func TestRDBShutdownSave(t *testing.T) {
	cases := []struct {
		name     string
		save     string
		shutdown []any // nil: Server.Shutdown (as on SIGTERM)
		written  bool
	}{
		{"save points", "3600 1", nil, true},
		{"no save points", "", nil, false},
		{"SHUTDOWN NOSAVE", "3600 1", []any{"SHUTDOWN", "NOSAVE"}, false},
		{"SHUTDOWN SAVE", "", []any{"SHUTDOWN", "SAVE"}, true},
		{"SHUTDOWN", "3600 1", []any{"SHUTDOWN"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := testutil.StartSwitchyard(t, rdbOnly(dir, tc.save)...)
			c := testutil.Client(t, s.RESPAddr(), 2)
			populate(t, c)
			want := keyspace(t, c)
			if tc.shutdown != nil {
				_ = c.Do(ctx, tc.shutdown...).Err() // the connection closes without a reply
				select {
				case <-s.Done():
				case <-time.After(10 * time.Second):
					t.Fatal("SHUTDOWN did not stop the server")
				}
			} else {
				shutdown(t, s)
			}
			path := filepath.Join(dir, "dump.rdb")
			if !tc.written {
				require.NoFileExists(t, path)
				return
			}
			require.FileExists(t, path)
			s2 := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
			c2 := testutil.Client(t, s2.RESPAddr(), 2)
			require.Equal(t, want, keyspace(t, c2))
		})
	}
}

// TestBGSaveWhileWriting: clients are served while BGSAVE writes (made to
// last with rdb-key-save-delay); the dump holds the data as it was when
// BGSAVE started; the writes made meanwhile count as unsaved changes.
func TestBGSaveWhileWriting(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, append(rdbOnly(dir, ""), []string{"rdb-key-save-delay", "4000"})...)
	c := testutil.Client(t, s.RESPAddr(), 2)
	pipe := c.Pipeline()
	for i := 0; i < 500; i++ {
		pipe.Set(ctx, fmt.Sprintf("k%d", i), i, 0)
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	before := c.LastSave(ctx).Val()
	require.Equal(t, "Background saving started", c.BgSave(ctx).Val())
	require.Equal(t, "1", infoField(t, c, "rdb_bgsave_in_progress"))

	// Writers keep going while the save runs, each reply promptly.
	var wg sync.WaitGroup
	const writers, writes = 4, 50
	slowest := make([]time.Duration, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			cw := testutil.Client(t, s.RESPAddr(), 2)
			for i := 0; i < writes; i++ {
				start := time.Now()
				if err := cw.Incr(ctx, fmt.Sprintf("counter%d", w)).Err(); err != nil {
					t.Error(err)
					return
				}
				slowest[w] = max(slowest[w], time.Since(start))
			}
		}(w)
	}
	wg.Wait()
	require.Equal(t, "1", infoField(t, c, "rdb_bgsave_in_progress"), "the save still runs: the writes did not wait for it")
	for w, d := range slowest {
		require.Less(t, d, 300*time.Millisecond, "writer %d was held up", w)
	}
	require.EqualError(t, c.BgSave(ctx).Err(), "ERR Background save already in progress")
	require.EqualError(t, c.Save(ctx).Err(), "ERR Background save already in progress")

	require.Eventually(t, func() bool { return infoField(t, c, "rdb_bgsave_in_progress") == "0" }, 20*time.Second, 10*time.Millisecond)
	require.Equal(t, "ok", infoField(t, c, "rdb_last_bgsave_status"))
	require.Equal(t, "1", infoField(t, c, "rdb_saves"))
	require.Equal(t, strconv.Itoa(writers*writes), infoField(t, c, "rdb_changes_since_last_save"))
	require.GreaterOrEqual(t, c.LastSave(ctx).Val(), before)
	secs, err := strconv.Atoi(infoField(t, c, "rdb_last_bgsave_time_sec"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, secs, 0)
	c.Close()
	shutdown(t, s)

	s2 := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	require.Equal(t, int64(500), c2.DBSize(ctx).Val(), "the counters came after the snapshot")
	require.Equal(t, "499", c2.Get(ctx, "k499").Val())
}

// TestSavePoints: with "save 1 1" a change is saved by a background save
// once a second has passed.
func TestSavePoints(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, rdbOnly(dir, "1 1")...)
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.Equal(t, "0", infoField(t, c, "rdb_saves"))
	require.NoError(t, c.Set(ctx, "a", "1", 0).Err())
	require.Eventually(t, func() bool { return infoField(t, c, "rdb_saves") == "1" }, 10*time.Second, 20*time.Millisecond)
	require.FileExists(t, filepath.Join(dir, "dump.rdb"))
	require.Equal(t, "0", infoField(t, c, "rdb_changes_since_last_save"))
	require.Equal(t, "ok", infoField(t, c, "rdb_last_bgsave_status"))
	// CONFIG SET save "" turns them off; "1 1" on again.
	require.NoError(t, c.ConfigSet(ctx, "save", "").Err())
	require.Equal(t, map[string]string{"save": ""}, c.ConfigGet(ctx, "save").Val())
	require.NoError(t, c.ConfigSet(ctx, "save", "1 1").Err())
	require.NoError(t, c.Set(ctx, "b", "2", 0).Err())
	require.Eventually(t, func() bool { return infoField(t, c, "rdb_saves") == "2" }, 10*time.Second, 20*time.Millisecond)
}

// TestRDBScheduled: BGREWRITEAOF during a background save, and BGSAVE and
// BGREWRITEAOF inside EXEC, are scheduled and then run.
func TestRDBScheduled(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"save", ""}, []string{"rdb-key-save-delay", "3000"})
	c := testutil.Client(t, s.RESPAddr(), 2)
	for i := 0; i < 300; i++ {
		require.NoError(t, c.Set(ctx, fmt.Sprint("k", i), i, 0).Err())
	}
	require.Equal(t, "Background saving started", c.BgSave(ctx).Val())
	require.Equal(t, "Background append only file rewriting scheduled", c.BgRewriteAOF(ctx).Val())
	require.Equal(t, "1", infoField(t, c, "aof_rewrite_scheduled"))
	manifest := filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")
	require.Eventually(t, func() bool {
		m, err := os.ReadFile(manifest)
		return err == nil && strings.Contains(string(m), "type b") && infoField(t, c, "aof_rewrite_in_progress") == "0"
	}, 20*time.Second, 10*time.Millisecond)
	require.Equal(t, "0", infoField(t, c, "aof_rewrite_scheduled"))
	require.Equal(t, "1", infoField(t, c, "rdb_saves"))

	require.NoError(t, c.ConfigSet(ctx, "rdb-key-save-delay", "0").Err())
	cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.BgSave(ctx)
		p.BgRewriteAOF(ctx)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, "Background saving scheduled", cmds[0].(*redis.StatusCmd).Val())
	require.Equal(t, "Background append only file rewriting scheduled", cmds[1].(*redis.StatusCmd).Val())
	require.Eventually(t, func() bool {
		m, err := os.ReadFile(manifest)
		return err == nil && strings.Contains(string(m), "type b") && !strings.Contains(string(m), ".2.base") &&
			infoField(t, c, "rdb_saves") == "2" && infoField(t, c, "aof_rewrite_scheduled") == "0" &&
			infoField(t, c, "aof_rewrite_in_progress") == "0" && infoField(t, c, "rdb_bgsave_in_progress") == "0"
	}, 20*time.Second, 10*time.Millisecond)
	require.Equal(t, "Background saving started", c.Do(ctx, "BGSAVE", "SCHEDULE").Val(), "nothing runs: started at once")
	require.Eventually(t, func() bool { return infoField(t, c, "rdb_saves") == "3" }, 20*time.Second, 10*time.Millisecond)
}

// TestRDBNotLoadedWithAOF: with appendonly yes the AOF is loaded and
// dump.rdb is not (Redis's rule); with appendonly no the dump is.
func TestRDBNotLoadedWithAOF(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.NoError(t, c.Set(ctx, "from-rdb", "1", 0).Err())
	require.Equal(t, "OK", c.Save(ctx).Val())
	c.Close()
	shutdown(t, s)

	s2 := testutil.StartSwitchyard(t, []string{"dir", dir}, []string{"save", ""})
	c2 := testutil.Client(t, s2.RESPAddr(), 2)
	require.Equal(t, int64(0), c2.Exists(ctx, "from-rdb").Val())
	c2.Close()
	shutdown(t, s2)

	s3 := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c3 := testutil.Client(t, s3.RESPAddr(), 2)
	require.Equal(t, "1", c3.Get(ctx, "from-rdb").Val())
}

// TestRDBDamagedAtStart: a damaged dump stops start-up with an error
// naming the file; nothing is half-loaded.
func TestRDBDamagedAtStart(t *testing.T) {
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c := testutil.Client(t, s.RESPAddr(), 2)
	populate(t, c)
	require.Equal(t, "OK", c.Save(ctx).Val())
	c.Close()
	shutdown(t, s)
	path := filepath.Join(dir, "dump.rdb")
	good, err := os.ReadFile(path)
	require.NoError(t, err)

	bad := append([]byte(nil), good...)
	bad[len(bad)/2] ^= 0x40
	require.NoError(t, os.WriteFile(path, bad, 0o644))
	_, err = startErr(t, dir, []string{"appendonly", "no"}, []string{"save", ""})
	require.ErrorContains(t, err, path)
	require.ErrorContains(t, err, "checksum")

	require.NoError(t, os.WriteFile(path, good[:len(good)-20], 0o644))
	_, err = startErr(t, dir, []string{"appendonly", "no"}, []string{"save", ""})
	require.ErrorContains(t, err, path)

	require.NoError(t, os.WriteFile(path, good, 0o644))
	_, err = startErr(t, dir, []string{"appendonly", "no"}, []string{"save", ""})
	require.NoError(t, err)
}

// TestBGSaveFailure: a save that cannot write its file fails visibly:
// SAVE answers an error, a failed BGSAVE shows in rdb_last_bgsave_status,
// LASTSAVE does not move, and the changes stay unsaved.
func TestBGSaveFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // not created: no save point
	s := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	require.NoError(t, os.WriteFile(dir, []byte("a file where dir should be"), 0o644))
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	last := c.LastSave(ctx).Val()
	err := c.Save(ctx).Err()
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "ERR "), err.Error())
	require.Equal(t, "Background saving started", c.BgSave(ctx).Val())
	require.Eventually(t, func() bool { return infoField(t, c, "rdb_bgsave_in_progress") == "0" }, 10*time.Second, 5*time.Millisecond)
	require.Equal(t, "err", infoField(t, c, "rdb_last_bgsave_status"))
	require.Equal(t, "0", infoField(t, c, "rdb_saves"))
	require.Equal(t, "1", infoField(t, c, "rdb_changes_since_last_save"))
	require.Equal(t, last, c.LastSave(ctx).Val())
}
