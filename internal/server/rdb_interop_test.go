package server_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, data, 0o644))
}

// TestRDBInteropRedisLoadsOurs: a dump saved by Switchyard, messaging
// state included, copied into a fresh redis-server's directory, loads
// there with the same keys, values and TTLs (Redis skips the
// switchyard-broker aux field).
func TestRDBInteropRedisLoadsOurs(t *testing.T) {
	testutil.Need(t, "redis-server")
	dir := t.TempDir()
	s := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c := testutil.Client(t, s.RESPAddr(), 2)
	populate(t, c)
	require.NoError(t, c.Do(ctx, "QUEUE.DECLARE", "jobs", "DURABLE").Err())
	require.NoError(t, c.Do(ctx, "QUEUE.PUBLISH", "jobs", "m1", "PERSISTENT").Err())
	want := keyspace(t, c)
	require.Equal(t, "OK", c.Save(ctx).Val())

	rdir := t.TempDir()
	copyFile(t, filepath.Join(dir, "dump.rdb"), filepath.Join(rdir, "dump.rdb"))
	r := testutil.Client(t, testutil.StartRedisDir(t, rdir, "--save", "", "--appendonly", "no"), 2)
	require.Equal(t, want, keyspace(t, r))
	require.Equal(t, "hello", r.Get(ctx, "s").Val())
	require.Equal(t, "int", r.ObjectEncoding(ctx, "n").Val(), "an integer string loads integer-encoded")

	// And back: Redis saves what it loaded; Switchyard loads that.
	require.Equal(t, "OK", r.Save(ctx).Val())
	back := t.TempDir()
	copyFile(t, filepath.Join(rdir, "dump.rdb"), filepath.Join(back, "dump.rdb"))
	s2 := testutil.StartSwitchyard(t, rdbOnly(back, "")...)
	require.Equal(t, want, keyspace(t, testutil.Client(t, s2.RESPAddr(), 2)))
}

// TestRDBInteropWeLoadRedis: a dump redis-server 7.0 writes (listpack and
// quicklist lists, LZF-compressed nodes, listpack and hashtable hashes,
// intset and hashtable sets, listpack and skiplist sorted sets, integer and
// compressed strings, TTLs, several databases) loads into Switchyard with
// the same data.
func TestRDBInteropWeLoadRedis(t *testing.T) {
	testutil.Need(t, "redis-server")
	rdir := t.TempDir()
	r := testutil.Client(t, testutil.StartRedisDir(t, rdir, "--save", "", "--appendonly", "no", "--list-compress-depth", "1"), 2)
	populate(t, r)
	want := keyspace(t, r)
	require.Equal(t, "quicklist", r.ObjectEncoding(ctx, "long").Val())
	require.Equal(t, "listpack", r.ObjectEncoding(ctx, "z").Val())
	require.Equal(t, "skiplist", r.ObjectEncoding(ctx, "zbig").Val())
	require.Equal(t, "listpack", r.ObjectEncoding(ctx, "httl").Val())
	require.Equal(t, "hashtable", r.ObjectEncoding(ctx, "h").Val())
	require.Equal(t, "intset", r.ObjectEncoding(ctx, "intset").Val())
	require.Equal(t, "hashtable", r.ObjectEncoding(ctx, "set").Val())
	require.Equal(t, "OK", r.Save(ctx).Val())

	dir := t.TempDir()
	copyFile(t, filepath.Join(rdir, "dump.rdb"), filepath.Join(dir, "dump.rdb"))
	s := testutil.StartSwitchyard(t, rdbOnly(dir, "")...)
	c := testutil.Client(t, s.RESPAddr(), 2)
	require.Equal(t, want, keyspace(t, c))
	require.Equal(t, "0", infoField(t, c, "rdb_last_load_keys_expired"))
}
