package rdb_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/rdb"
	"github.com/switchyard/switchyard/internal/testutil"
)

var ctx = context.Background()

// readKey reads key from a live server into an rdb.Key, by its TYPE.
func readKey(t *testing.T, c *redis.Client, db int, key string) *rdb.Key {
	t.Helper()
	typ, err := c.Type(ctx, key).Result()
	require.NoError(t, err)
	k := &rdb.Key{DB: db, Key: []byte(key)}
	switch typ {
	case "string":
		k.Kind = broker.KindString
		k.Str = []byte(c.Get(ctx, key).Val())
	case "list":
		k.Kind = broker.KindList
		k.Elems = bs(c.LRange(ctx, key, 0, -1).Val())
	case "set":
		k.Kind = broker.KindSet
		k.Elems = bs(c.SMembers(ctx, key).Val())
	case "hash":
		k.Kind = broker.KindHash
		for f, v := range c.HGetAll(ctx, key).Val() {
			k.Pairs = append(k.Pairs, [2][]byte{[]byte(f), []byte(v)})
		}
	case "zset":
		k.Kind = broker.KindZSet
		for _, z := range c.ZRangeWithScores(ctx, key, 0, -1).Val() {
			k.ZSet = append(k.ZSet, rdb.ZMember{Member: []byte(z.Member.(string)), Score: z.Score})
		}
	default:
		t.Fatalf("key %q: type %q", key, typ)
	}
	exp, err := c.Do(ctx, "PEXPIRETIME", key).Int64()
	require.NoError(t, err)
	if exp > 0 {
		k.ExpireAt = exp
	}
	return k
}

func bs(v []string) [][]byte {
	out := make([][]byte, len(v))
	for i, s := range v {
		out[i] = []byte(s)
	}
	return out
}

// TestRedisLoadsOurDump: redis-server 7.0 loads a dump written by the
// Encoder, with and without compression and checksum, and finds every key
// of every kind with its value and TTL; redis-check-rdb accepts it.
func TestRedisLoadsOurDump(t *testing.T) {
	testutil.Need(t, "redis-server")
	for _, opts := range []rdb.Options{{Compress: true, Checksum: true}, {}} {
		t.Run(fmt.Sprintf("compress=%v,checksum=%v", opts.Compress, opts.Checksum), func(t *testing.T) {
			dir := t.TempDir()
			keys := sample()
			aux := []rdb.AuxField{{Key: "redis-ver", Value: "7.0.15"}, {Key: "redis-bits", Value: "64"},
				{Key: rdb.AuxBroker, Value: string(rdb.EncodeCommands([][][]byte{{[]byte("QUEUE.DECLARE"), []byte("q")}}))}}
			encode(t, filepath.Join(dir, "dump.rdb"), keys, aux, opts)
			if check, err := exec.LookPath("redis-check-rdb"); err == nil {
				out, err := exec.Command(check, filepath.Join(dir, "dump.rdb")).CombinedOutput()
				require.NoError(t, err, "%s", out)
				require.Contains(t, string(out), "RDB looks OK")
			}
			addr := testutil.StartRedisDir(t, dir, "--save", "", "--appendonly", "no")
			c := testutil.Client(t, addr, 2)
			total := 0
			for db := 0; db < broker.NumDBs; db++ {
				require.NoError(t, c.Do(ctx, "SELECT", db).Err())
				total += int(c.DBSize(ctx).Val())
			}
			require.Equal(t, len(keys), total)
			for _, k := range keys {
				require.NoError(t, c.Do(ctx, "SELECT", k.DB).Err())
				requireSameKey(t, k, readKey(t, c, k.DB, string(k.Key)))
			}
		})
	}
}

// TestWeLoadRedisDump: the parser reads what redis-server 7.0 writes, in
// each of its encodings (listpack and quicklist lists, LZF-compressed
// quicklist nodes, intset and hashtable sets, listpack and hashtable
// hashes, listpack and skiplist sorted sets, LZF strings, TTLs, several
// databases).
func TestWeLoadRedisDump(t *testing.T) {
	testutil.Need(t, "redis-server")
	dir := t.TempDir()
	addr := testutil.StartRedisDir(t, dir, "--save", "", "--appendonly", "no", "--list-compress-depth", "1")
	c := testutil.Client(t, addr, 2)
	do := func(args ...any) {
		t.Helper()
		require.NoError(t, c.Do(ctx, args...).Err(), "%v", args)
	}
	long := strings.Repeat("redis dump ", 500)
	do("SET", "s", "hello")
	do("SET", "int", "12345")
	do("SET", "neg", "-70000")
	do("SET", "bigint", "9223372036854775807")
	do("SET", "long", long)
	do("SET", "ttl", "v", "PX", "3600000")
	do("RPUSH", "small", "a", "1", "", "b")
	for i := 0; i < 2000; i++ {
		do("RPUSH", "quick", fmt.Sprintf("element-%d-%s", i, strings.Repeat("x", i%70)))
	}
	do("RPUSH", "quick", long)
	do("SADD", "intset", "1", "100000", "-5", "7000000000")
	do("SADD", "set", "a", "b", "1")
	for i := 0; i < 300; i++ {
		do("SADD", "bigset", i)
	}
	do("HSET", "hsmall", "f", "v", "n", "1")
	do("HSET", "hbig", "f", long)
	for i := 0; i < 200; i++ {
		do("HSET", "hmany", fmt.Sprint("f", i), i)
	}
	do("ZADD", "zsmall", "1.5", "a", "-inf", "b", "inf", "c", "0.1", "d")
	for i := 0; i < 200; i++ {
		do("ZADD", "zbig", float64(i)/3, fmt.Sprint("m", i))
	}
	do("EXPIRE", "zbig", "7200")
	do("SELECT", "7")
	do("RPUSH", "l7", "x", "y")
	do("SELECT", "0")
	for _, k := range []struct{ key, enc string }{{"small", "quicklist"}, {"intset", "intset"}, {"set", "hashtable"},
		{"hsmall", "listpack"}, {"hbig", "hashtable"}, {"zsmall", "listpack"}, {"zbig", "skiplist"}, {"long", "raw"}} {
		require.Equal(t, k.enc, c.ObjectEncoding(ctx, k.key).Val(), k.key)
	}
	// Read everything back from the server as the reference.
	want := dataset{}
	for _, db := range []int{0, 7} {
		do("SELECT", db)
		for _, key := range c.Keys(ctx, "*").Val() {
			want.add(readKey(t, c, db, key))
		}
	}
	do("SELECT", "0")
	require.Equal(t, "OK", c.Save(ctx).Val())

	got, aux := decode(t, filepath.Join(dir, "dump.rdb"))
	require.Equal(t, "7.0.15", aux["redis-ver"])
	n := 0
	for db, keys := range want {
		for key, k := range keys {
			requireSameKey(t, k, got[db][key])
			n++
		}
	}
	require.Equal(t, 17, n)
	require.Len(t, got[0], 16)
	require.Len(t, got[7], 1)
	var out strings.Builder
	require.True(t, rdb.Check(filepath.Join(dir, "dump.rdb"), &out, time.Now()), out.String())
	require.Contains(t, out.String(), "Checksum OK")
}
