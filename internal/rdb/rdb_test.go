package rdb_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/rdb"
)

// dataset is a reference model of a dump's keys: db -> key -> *rdb.Key.
type dataset map[int]map[string]*rdb.Key

func (d dataset) add(k *rdb.Key) {
	if d[k.DB] == nil {
		d[k.DB] = map[string]*rdb.Key{}
	}
	d[k.DB][string(k.Key)] = k
}

// sample returns keys of every kind and shape the writer must handle.
func sample() []*rdb.Key {
	s := func(v string) []byte { return []byte(v) }
	big := bytes.Repeat([]byte("compressible "), 3000)  // 39 KB, LZF-friendly
	rnd := []byte(strings.Repeat("\x00\xff\r\n", 5000)) // binary, 20 KB
	ints := []string{"0", "1", "-1", "127", "-128", "128", "-129", "32767", "-32768", "32768",
		"2147483647", "-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
		"007", "-0", "+1", " 1", "1 ", "1e3", "12345678901234567890"}
	var keys []*rdb.Key
	for i, v := range ints {
		keys = append(keys, &rdb.Key{DB: 0, Key: s(fmt.Sprintf("int:%d", i)), Kind: broker.KindString, Str: s(v)})
	}
	keys = append(keys,
		&rdb.Key{DB: 0, Key: s(""), Kind: broker.KindString, Str: s("empty key")},
		&rdb.Key{DB: 0, Key: s("empty"), Kind: broker.KindString, Str: []byte{}},
		&rdb.Key{DB: 0, Key: s("big"), Kind: broker.KindString, Str: big},
		&rdb.Key{DB: 0, Key: s("binary"), Kind: broker.KindString, Str: rnd},
		&rdb.Key{DB: 0, Key: big[:100], Kind: broker.KindString, Str: s("long key")},
		&rdb.Key{DB: 0, Key: s("ttl"), Kind: broker.KindString, Str: s("v"), ExpireAt: time.Now().Add(time.Hour).UnixMilli()},
		&rdb.Key{DB: 0, Key: s("list"), Kind: broker.KindList, Elems: [][]byte{s("a"), s("1"), s(""), big, s("-5"), rnd}},
		&rdb.Key{DB: 3, Key: s("list"), Kind: broker.KindList, Elems: [][]byte{s("other db")}, ExpireAt: time.Now().Add(time.Minute).UnixMilli()},
		&rdb.Key{DB: 15, Key: s("set"), Kind: broker.KindSet, Elems: [][]byte{s("100000"), s("1"), s("x"), big}},
		&rdb.Key{DB: 15, Key: s("intset"), Kind: broker.KindSet, Elems: [][]byte{s("100000"), s("1"), s("-7")}},
		&rdb.Key{DB: 15, Key: s("hash"), Kind: broker.KindHash, Pairs: [][2][]byte{{s("f"), s("v")}, {s("n"), s("12")}, {big, rnd}}},
		&rdb.Key{DB: 15, Key: s("zset"), Kind: broker.KindZSet, ZSet: []rdb.ZMember{
			{Member: s("a"), Score: 1.5}, {Member: s("b"), Score: math.Inf(1)}, {Member: s("c"), Score: math.Inf(-1)},
			{Member: s("d"), Score: 0.1}, {Member: big, Score: -1e300}}},
	)
	var many [][]byte
	for i := 0; i < 1000; i++ {
		many = append(many, s(fmt.Sprint(i)))
	}
	keys = append(keys, &rdb.Key{DB: 1, Key: s("longlist"), Kind: broker.KindList, Elems: many})
	return keys
}

// encode writes keys (grouped by db, in order) and aux fields with e.
func encode(t *testing.T, path string, keys []*rdb.Key, aux []rdb.AuxField, opts rdb.Options) {
	t.Helper()
	var buf bytes.Buffer
	e := rdb.NewEncoder(&buf, opts)
	require.NoError(t, e.Header())
	for _, a := range aux {
		require.NoError(t, e.Aux(a.Key, a.Value))
	}
	byDB := map[int][]*rdb.Key{}
	for _, k := range keys {
		byDB[k.DB] = append(byDB[k.DB], k)
	}
	for db := 0; db < broker.NumDBs; db++ {
		ks := byDB[db]
		if len(ks) == 0 {
			continue
		}
		exp := 0
		for _, k := range ks {
			if k.ExpireAt != 0 {
				exp++
			}
		}
		require.NoError(t, e.SelectDB(db, len(ks), exp))
		for _, k := range ks {
			var err error
			switch k.Kind {
			case broker.KindString:
				err = e.String(k.Key, k.Str, k.ExpireAt)
			case broker.KindList:
				err = e.List(k.Key, len(k.Elems), func(i int) []byte { return k.Elems[i] }, k.ExpireAt)
			case broker.KindSet:
				err = e.Set(k.Key, k.Elems, k.ExpireAt)
			case broker.KindHash:
				err = e.Hash(k.Key, k.Pairs, k.ExpireAt)
			case broker.KindZSet:
				err = e.ZSet(k.Key, k.ZSet, k.ExpireAt)
			}
			require.NoError(t, err)
		}
	}
	require.NoError(t, e.End())
	require.Equal(t, int64(buf.Len()), e.Written())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

func decode(t *testing.T, path string) (dataset, map[string]string) {
	t.Helper()
	got := dataset{}
	aux := map[string]string{}
	_, err := rdb.DecodeFile(path, rdb.Visitor{
		Aux: func(k, v string) error { aux[k] = v; return nil },
		Key: func(k *rdb.Key) error { got.add(k); return nil },
	})
	require.NoError(t, err)
	return got, aux
}

// requireSameKey compares a decoded key with the one written, sets and
// hashes as unordered collections.
func requireSameKey(t *testing.T, want, got *rdb.Key) {
	t.Helper()
	require.NotNil(t, got, "key %q missing", want.Key)
	require.Equal(t, want.Kind, got.Kind, "key %q", want.Key)
	require.Equal(t, want.ExpireAt, got.ExpireAt, "key %q", want.Key)
	switch want.Kind {
	case broker.KindString:
		require.Equal(t, string(want.Str), string(got.Str), "key %q", want.Key)
	case broker.KindList:
		require.Equal(t, strs(want.Elems), strs(got.Elems), "key %q", want.Key)
	case broker.KindSet:
		require.ElementsMatch(t, strs(want.Elems), strs(got.Elems), "key %q", want.Key)
	case broker.KindHash:
		require.ElementsMatch(t, pairs(want.Pairs), pairs(got.Pairs), "key %q", want.Key)
	case broker.KindZSet:
		require.ElementsMatch(t, zs(want.ZSet), zs(got.ZSet), "key %q", want.Key)
	}
}

func strs(b [][]byte) []string {
	out := make([]string, len(b))
	for i, v := range b {
		out[i] = string(v)
	}
	return out
}

func pairs(p [][2][]byte) []string {
	out := make([]string, len(p))
	for i, v := range p {
		out[i] = string(v[0]) + "=" + string(v[1])
	}
	return out
}

func zs(m []rdb.ZMember) []string {
	out := make([]string, len(m))
	for i, v := range m {
		out[i] = fmt.Sprintf("%s=%v", v.Member, v.Score)
	}
	return out
}

// TestRoundTrip writes every kind and shape under each combination of
// compression and checksum and reads back exactly what was written.
func TestRoundTrip(t *testing.T) {
	for _, opts := range []rdb.Options{{}, {Compress: true}, {Checksum: true}, {Compress: true, Checksum: true}} {
		t.Run(fmt.Sprintf("compress=%v,checksum=%v", opts.Compress, opts.Checksum), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "dump.rdb")
			keys := sample()
			cmds := [][][]byte{{[]byte("QUEUE.DECLARE"), []byte("q"), []byte("DURABLE")}, {[]byte("X"), {}}}
			aux := []rdb.AuxField{{Key: "redis-ver", Value: "7.0.15"}, {Key: rdb.AuxBroker, Value: string(rdb.EncodeCommands(cmds))}}
			encode(t, path, keys, aux, opts)
			got, gotAux := decode(t, path)
			for _, k := range keys {
				requireSameKey(t, k, got[k.DB][string(k.Key)])
			}
			require.Equal(t, "7.0.15", gotAux["redis-ver"])
			back, err := rdb.DecodeCommands([]byte(gotAux[rdb.AuxBroker]))
			require.NoError(t, err)
			require.Equal(t, cmds, back)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, "REDIS0010", string(data[:9]))
			if opts.Compress {
				require.NotContains(t, string(data), "compressible compressible", "long strings are LZF-compressed")
			} else {
				require.Contains(t, string(data), "compressible compressible")
			}
			if !opts.Checksum {
				require.Equal(t, make([]byte, 8), data[len(data)-8:], "no checksum: eight zero bytes")
			}
		})
	}
}

// TestIntegerEncoding: canonical 32-bit integers take 2, 3 or 5 bytes;
// other numeric-looking strings stay strings (checked by the round trip).
func TestIntegerEncoding(t *testing.T) {
	size := func(v string) int64 {
		var buf bytes.Buffer
		e := rdb.NewEncoder(&buf, rdb.Options{})
		require.NoError(t, e.Header())
		require.NoError(t, e.SelectDB(0, 1, 0))
		before := e.Written()
		require.NoError(t, e.String([]byte("k"), []byte(v), 0))
		return e.Written() - before - 3 // type byte, key length, key
	}
	require.Equal(t, int64(2), size("-128"))
	require.Equal(t, int64(3), size("32767"))
	require.Equal(t, int64(5), size("-2147483648"))
	require.Equal(t, int64(1+10), size("2147483648"), "outside int32: a plain string")
	require.Equal(t, int64(1+3), size("007"))
}

func TestEncoderOrder(t *testing.T) {
	var buf bytes.Buffer
	e := rdb.NewEncoder(&buf, rdb.Options{})
	require.ErrorIs(t, e.String([]byte("k"), []byte("v"), 0), rdb.ErrState, "a key before the header")
	e = rdb.NewEncoder(&buf, rdb.Options{})
	require.NoError(t, e.Header())
	require.ErrorIs(t, e.String([]byte("k"), []byte("v"), 0), rdb.ErrState, "a key before SelectDB")
	e = rdb.NewEncoder(&buf, rdb.Options{})
	require.NoError(t, e.Header())
	require.NoError(t, e.SelectDB(0, 0, 0))
	require.ErrorIs(t, e.Aux("a", "b"), rdb.ErrState, "aux after a database")
}

// TestWriteSnapshot writes an engine's snapshot and reads the same keys.
func TestWriteSnapshot(t *testing.T) {
	eng := broker.New(broker.Options{ActiveExpireEvery: -1})
	defer eng.Close()
	exp := time.Now().Add(time.Hour).UnixMilli()
	var snap *broker.Snapshot
	eng.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		db.Set("s", broker.NewString([]byte("hello")), false)
		db.Set("n", broker.NewString([]byte("42")), false)
		l := broker.NewListObject()
		for _, v := range []string{"a", "b", "c"} {
			l.List.PushRight([]byte(v))
		}
		db.Set("l", l, false)
		o := broker.NewString([]byte("x"))
		db.Set("ttl", o, false)
		db.SetExpire("ttl", o, exp)
		tx.DB(9).Set("nine", broker.NewString([]byte("9")), false)
		_, err := tx.DB(9).ZAdd("z", broker.ZAddFlags{}, []broker.ZMember{{Member: "a", Score: 1.5}, {Member: "b", Score: math.Inf(-1)}})
		require.NoError(t, err)
		_, err = tx.DB(9).HSet("h", [][]byte{[]byte("f"), []byte("v"), []byte("n"), []byte("1")})
		require.NoError(t, err)
		_, err = tx.DB(9).SAdd("set", [][]byte{[]byte("100000"), []byte("1"), []byte("x")})
		require.NoError(t, err)
		_, err = tx.DB(9).SAdd("ints", [][]byte{[]byte("100000"), []byte("-5"), []byte("1")}) // an intset
		require.NoError(t, err)
		snap = tx.Snapshot()
	})
	path := filepath.Join(t.TempDir(), "dump.rdb")
	f, err := os.Create(path)
	require.NoError(t, err)
	n, err := rdb.WriteSnapshot(f, snap, []rdb.AuxField{{Key: "redis-bits", Value: "64"}}, rdb.Options{Compress: true, Checksum: true})
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Equal(t, 9, n)
	got, aux := decode(t, path)
	require.Equal(t, "64", aux["redis-bits"])
	require.Equal(t, "hello", string(got[0]["s"].Str))
	require.Equal(t, "42", string(got[0]["n"].Str))
	require.Equal(t, []string{"a", "b", "c"}, strs(got[0]["l"].Elems))
	require.Equal(t, exp, got[0]["ttl"].ExpireAt)
	require.Equal(t, "9", string(got[9]["nine"].Str))
	require.Equal(t, []string{"b=-Inf", "a=1.5"}, zs(got[9]["z"].ZSet))
	require.ElementsMatch(t, []string{"f=v", "n=1"}, pairs(got[9]["h"].Pairs))
	require.ElementsMatch(t, []string{"100000", "1", "x"}, strs(got[9]["set"].Elems))
	require.ElementsMatch(t, []string{"100000", "1", "-5"}, strs(got[9]["ints"].Elems))
}

// TestKeyCommands: a decoded key becomes the commands that rebuild it.
func TestKeyCommands(t *testing.T) {
	var got []string
	emit := func(args ...[]byte) error {
		got = append(got, string(bytes.Join(args, []byte(" "))))
		return nil
	}
	k := &rdb.Key{Key: []byte("z"), Kind: broker.KindZSet, ZSet: []rdb.ZMember{{Member: []byte("a"), Score: 0.1}, {Member: []byte("b"), Score: math.Inf(-1)}}, ExpireAt: 1700000000000}
	require.NoError(t, k.Commands(emit))
	require.Equal(t, []string{"ZADD z 0.10000000000000001 a -inf b", "PEXPIREAT z 1700000000000"}, got)
	got = nil
	var elems [][]byte
	for i := 0; i < 130; i++ {
		elems = append(elems, []byte("e"))
	}
	require.NoError(t, (&rdb.Key{Key: []byte("l"), Kind: broker.KindList, Elems: elems}).Commands(emit))
	require.Len(t, got, 3, "chunks of 64")
	got = nil
	require.NoError(t, (&rdb.Key{Key: []byte("h"), Kind: broker.KindHash, Pairs: [][2][]byte{{[]byte("f"), []byte("v")}}}).Commands(emit))
	require.Equal(t, []string{"HSET h f v"}, got)
}

// TestDecodeDamaged: a dump cut at any point, or with any byte changed, is
// refused with a *CorruptError; nothing panics.
func TestDecodeDamaged(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.rdb")
	var keys []*rdb.Key // the small ones: every cut of the file is tried
	for _, k := range sample() {
		size := len(k.Key) + len(k.Str)
		for _, e := range k.Elems {
			size += len(e)
		}
		for _, p := range k.Pairs {
			size += len(p[0]) + len(p[1])
		}
		for _, m := range k.ZSet {
			size += len(m.Member)
		}
		if size < 100 && len(k.Elems) < 100 {
			keys = append(keys, k)
		}
	}
	require.Greater(t, len(keys), 25)
	for _, checksum := range []bool{true, false} {
		encode(t, good, keys, []rdb.AuxField{{Key: "a", Value: "b"}}, rdb.Options{Compress: true, Checksum: checksum})
		data, err := os.ReadFile(good)
		require.NoError(t, err)
		bad := filepath.Join(dir, "bad.rdb")
		for cut := 0; cut < len(data); cut++ {
			require.NoError(t, os.WriteFile(bad, data[:cut], 0o644))
			_, err := rdb.DecodeFile(bad, rdb.Visitor{})
			var ce *rdb.CorruptError
			require.True(t, errors.As(err, &ce), "checksum=%v cut at %d: %v", checksum, cut, err)
			require.Equal(t, bad, ce.File)
		}
		if !checksum {
			continue
		}
		for i := 0; i < len(data); i += 7 {
			d := append([]byte(nil), data...)
			d[i] ^= 0x20
			require.NoError(t, os.WriteFile(bad, d, 0o644))
			_, err := rdb.DecodeFile(bad, rdb.Visitor{})
			require.Error(t, err, "byte %d flipped", i)
		}
	}
}

func TestDecodeRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"not rdb":     "*1\r\n$4\r\nPING\r\n",
		"version 13":  "REDIS0013\xff\x00\x00\x00\x00\x00\x00\x00\x00",
		"empty":       "",
		"db too high": "REDIS0010\xfe\x10\xfb\x01\x00\x00\x01k\x01v\xff\x00\x00\x00\x00\x00\x00\x00\x00",
	} {
		path := filepath.Join(dir, "f.rdb")
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		_, err := rdb.DecodeFile(path, rdb.Visitor{})
		var ce *rdb.CorruptError
		require.True(t, errors.As(err, &ce), "%s: %v", name, err)
	}
	_, err := rdb.DecodeFile(filepath.Join(dir, "missing.rdb"), rdb.Visitor{})
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestCheck reports like redis-check-rdb on a good file and on damaged
// ones.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb")
	keys := sample()
	keys = append(keys, &rdb.Key{DB: 2, Key: []byte("old"), Kind: broker.KindString, Str: []byte("x"), ExpireAt: 1000})
	cmds := rdb.EncodeCommands([][][]byte{{[]byte("QUEUE.DECLARE"), []byte("q")}})
	encode(t, path, keys, []rdb.AuxField{{Key: "redis-ver", Value: "7.0.15"}, {Key: rdb.AuxBroker, Value: string(cmds)}}, rdb.Options{Compress: true, Checksum: true})
	var out strings.Builder
	require.True(t, rdb.Check(path, &out, time.Now()), out.String())
	report := out.String()
	require.Contains(t, report, "[offset 0] Checking RDB file "+path+"\n")
	require.Contains(t, report, "AUX FIELD redis-ver = '7.0.15'\n")
	require.Contains(t, report, "AUX FIELD switchyard-broker = (1 commands, ")
	require.Contains(t, report, "Selecting DB ID 15\n")
	require.Contains(t, report, "] Checksum OK\n")
	require.Contains(t, report, "] \\o/ RDB looks OK! \\o/\n")
	require.Contains(t, report, fmt.Sprintf("[info] %d keys read\n", len(keys)))
	require.Contains(t, report, "[info] 1 already expired\n")

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	torn := filepath.Join(dir, "torn.rdb")
	require.NoError(t, os.WriteFile(torn, data[:len(data)/2], 0o644))
	out.Reset()
	require.False(t, rdb.Check(torn, &out, time.Now()))
	require.Contains(t, out.String(), "--- RDB ERROR DETECTED ---\n")
	require.Regexp(t, `\[offset \d+\] unexpected EOF reading RDB file`, out.String())

	flipped := append([]byte(nil), data...)
	i := bytes.Index(flipped, []byte("other db"))
	require.Positive(t, i)
	flipped[i] = 'O'
	require.NoError(t, os.WriteFile(torn, flipped, 0o644))
	out.Reset()
	require.False(t, rdb.Check(torn, &out, time.Now()))
	require.Contains(t, out.String(), "RDB CRC error")

	encode(t, torn, keys[:3], nil, rdb.Options{})
	out.Reset()
	require.True(t, rdb.Check(torn, &out, time.Now()), out.String())
	require.Contains(t, out.String(), "RDB file was saved with checksum disabled: no check performed.")
}
