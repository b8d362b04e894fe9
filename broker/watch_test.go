package broker

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// setWithTTL stores a string at key that expires ttl after the engine's now.
func setWithTTL(db *DB, key string, ttl time.Duration) {
	o := NewString([]byte("v"))
	db.Set(key, o, false)
	db.SetExpire(key, o, db.nowMs()+ttl.Milliseconds())
}

func TestWatchExpiredSinceWatch(t *testing.T) {
	e, advance := testEngine(t)
	w := NewWatchSet()
	in(e, func(db *DB) {
		setWithTTL(db, "k", time.Second)
		w.Watch(db, "k")
	})
	advance(2 * time.Second)
	// Expired but not yet reclaimed: EXEC aborts.
	in(e, func(*DB) {
		require.False(t, w.Dirty)
		require.True(t, w.Expired())
	})
	// Reclaimed lazily by a read, which signals nothing: still aborts.
	in(e, func(db *DB) {
		require.Nil(t, db.Lookup("k"))
		require.False(t, w.Dirty)
		require.True(t, w.Expired())
	})
	in(e, func(*DB) { w.Clear() })
	require.Zero(t, e.Stats.WatchingNow.Load())
}

func TestWatchAlreadyExpiredIsNoChange(t *testing.T) {
	e, advance := testEngine(t)
	w := NewWatchSet()
	in(e, func(db *DB) { setWithTTL(db, "k", time.Second) })
	advance(2 * time.Second)
	in(e, func(db *DB) {
		w.Watch(db, "k") // expires the key lazily: not a modification
		require.False(t, w.Dirty)
		require.False(t, w.Expired())
	})
	// Creating it afterwards is.
	in(e, func(db *DB) {
		db.Set("k", NewString([]byte("x")), false)
		require.True(t, w.Dirty)
	})
}

func TestWatchLiveKeyWithTTL(t *testing.T) {
	e, advance := testEngine(t)
	w := NewWatchSet()
	in(e, func(db *DB) {
		setWithTTL(db, "k", time.Hour)
		w.Watch(db, "k")
		w.Watch(db, "k") // once only
		require.Equal(t, 1, w.Len())
	})
	advance(time.Minute)
	in(e, func(*DB) {
		require.False(t, w.Dirty)
		require.False(t, w.Expired())
	})
}
