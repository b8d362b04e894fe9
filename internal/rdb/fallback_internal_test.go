package rdb

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

// TestWriteFromCommands: a kind without a native case is written from the
// commands of its AOF rewriter (here a sorted set, which has a native case
// too, so both are compared), TTL included.
func TestWriteFromCommands(t *testing.T) {
	eng := broker.New(broker.Options{ActiveExpireEvery: -1})
	defer eng.Close()
	exp := time.Now().Add(time.Hour).UnixMilli()
	var o *broker.Object
	eng.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		var ms []broker.ZMember
		for i := 0; i < 150; i++ { // several ZADD chunks
			ms = append(ms, broker.ZMember{Member: string(rune('a'+i%26)) + string(rune('a'+i/26)), Score: float64(i) / 3})
		}
		ms = append(ms, broker.ZMember{Member: "inf", Score: math.Inf(1)}, broker.ZMember{Member: "-inf", Score: math.Inf(-1)})
		_, err := db.ZAdd("z", broker.ZAddFlags{}, ms)
		require.NoError(t, err)
		o = db.Lookup("z")
		db.SetExpire("z", o, exp)
	})
	read := func(write func(e *Encoder) error) *Key {
		var buf bytes.Buffer
		e := NewEncoder(&buf, Options{Checksum: true})
		require.NoError(t, e.Header())
		require.NoError(t, e.SelectDB(0, 1, 1))
		require.NoError(t, write(e))
		require.NoError(t, e.End())
		path := filepath.Join(t.TempDir(), "dump.rdb")
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		var got *Key
		_, err := DecodeFile(path, Visitor{Key: func(k *Key) error { got = k; return nil }})
		require.NoError(t, err)
		return got
	}
	viaCommands := read(func(e *Encoder) error { return writeFromCommands(e, "z", o) })
	native := read(func(e *Encoder) error { return writeObject(e, "z", o) })
	require.Equal(t, broker.KindZSet, viaCommands.Kind)
	require.Equal(t, exp, viaCommands.ExpireAt)
	require.Len(t, viaCommands.ZSet, 152)
	require.ElementsMatch(t, native.ZSet, viaCommands.ZSet)

	err := writeFromCommands(NewEncoder(&bytes.Buffer{}, Options{}), "s", broker.NewString([]byte("x")))
	require.Error(t, err, "SET is not a collection command")
}
