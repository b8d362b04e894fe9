package broker_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

// clock is an injected engine clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newEngine returns an engine on a fake clock with the active expiry loop
// off, and the clock.
func newEngine(t *testing.T) (*broker.Engine, *clock) {
	t.Helper()
	clk := &clock{t: time.UnixMilli(1_700_000_000_000)}
	e := broker.New(broker.Options{Now: clk.Now, ActiveExpireEvery: -1})
	t.Cleanup(e.Close)
	return e, clk
}

// in runs fn on database 0 under the engine lock.
func in(e *broker.Engine, fn func(tx *broker.Tx, db *broker.DB)) {
	e.Exec(func(tx *broker.Tx) { fn(tx, tx.DB(0)) })
}

func setStr(db *broker.DB, key, val string) *broker.Object {
	o := broker.NewString([]byte(val))
	db.Set(key, o, false)
	return o
}

func setList(db *broker.DB, key string, elems ...string) *broker.Object {
	o := broker.NewListObject()
	for _, v := range elems {
		o.List.PushRight([]byte(v))
	}
	db.Set(key, o, false)
	return o
}

func listElems(o *broker.Object) []string {
	var out []string
	o.List.Range(0, o.List.Len()-1, func(v []byte) bool { out = append(out, string(v)); return true })
	return out
}

func TestDelExistsType(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(tx *broker.Tx, db *broker.DB) {
		setStr(db, "a", "1")
		setStr(db, "b", "2")
		setList(db, "l", "x")
		require.Equal(t, 3, db.CountExisting("a", "a", "l", "missing"))
		require.Equal(t, broker.KindString, db.Type("a"))
		require.Equal(t, broker.KindList, db.Type("l"))
		require.Equal(t, "none", db.Type("missing").String())
		require.Equal(t, 2, db.Del("a", "a", "b", "missing"))
		require.Equal(t, 0, db.CountExisting("a", "b"))
		require.Equal(t, 1, db.Len())
	})
	require.Equal(t, int64(5), e.Stats.KeyspaceHits.Load()) // a, a, l, then TYPE a, l
	require.Equal(t, int64(4), e.Stats.KeyspaceMiss.Load()) // missing, TYPE missing, a, b
	require.Equal(t, int64(0), e.Stats.ExpiredKeys.Load())
}

func TestLazyExpiry(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	in(e, func(tx *broker.Tx, db *broker.DB) {
		setStr(db, "k", "v")
		setStr(db, "other", "v")
		require.True(t, db.Expire("k", now+1000, 0))
		require.Equal(t, 1, db.ExpiresLen())
	})
	clk.Advance(999 * time.Millisecond)
	in(e, func(tx *broker.Tx, db *broker.DB) {
		require.Equal(t, int64(1), db.PTTL("k"))
	})
	clk.Advance(time.Millisecond)
	in(e, func(tx *broker.Tx, db *broker.DB) {
		// Not yet read: still stored, and DBSIZE counts it, as in Redis.
		require.Equal(t, 2, db.Len())
		// KEYS skips it without deleting it.
		require.Equal(t, []string{"other"}, db.Keys("*"))
		require.Equal(t, 2, db.Len())
		require.Zero(t, e.Stats.ExpiredKeys.Load())
		// A read deletes it and counts it.
		require.Nil(t, db.LookupRead("k"))
		require.Equal(t, 1, db.Len())
		require.Equal(t, 0, db.ExpiresLen())
	})
	require.Equal(t, int64(1), e.Stats.ExpiredKeys.Load())
	require.Equal(t, int64(1), e.Stats.KeyspaceMiss.Load())

	// Every read path expires lazily: EXISTS, TYPE, TTL, write lookups.
	for name, read := range map[string]func(db *broker.DB){
		"exists":  func(db *broker.DB) { require.Zero(t, db.CountExisting("k")) },
		"type":    func(db *broker.DB) { require.Zero(t, db.Type("k")) },
		"pttl":    func(db *broker.DB) { require.Equal(t, int64(-2), db.PTTL("k")) },
		"persist": func(db *broker.DB) { require.False(t, db.Persist("k")) },
		"expire":  func(db *broker.DB) { require.False(t, db.Expire("k", now+1e9, 0)) },
		"rename": func(db *broker.DB) {
			_, err := db.Rename("k", "z", false)
			require.ErrorIs(t, err, broker.ErrNoSuchKey)
		},
	} {
		before := e.Stats.ExpiredKeys.Load()
		at := clk.Now().UnixMilli()
		in(e, func(tx *broker.Tx, db *broker.DB) {
			setStr(db, "k", "v")
			require.True(t, db.Expire("k", at+10, 0))
		})
		clk.Advance(10 * time.Millisecond)
		in(e, func(tx *broker.Tx, db *broker.DB) {
			read(db)
			require.Equal(t, 1, db.Len(), name)
		})
		require.Equal(t, before+1, e.Stats.ExpiredKeys.Load(), name)
	}
}

func TestActiveExpiry(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	in(e, func(tx *broker.Tx, db *broker.DB) {
		for i := 0; i < 5; i++ {
			setStr(db, fmt.Sprint("small", i), "v")
			require.True(t, db.Expire(fmt.Sprint("small", i), now+100, 0))
		}
		setStr(db, "keep", "v")
	})
	clk.Advance(100 * time.Millisecond)
	// One cycle samples 20 keys with a TTL: all five go at once.
	e.ActiveExpireCycle()
	in(e, func(tx *broker.Tx, db *broker.DB) {
		require.Equal(t, 1, db.Len())
		require.Equal(t, 0, db.ExpiresLen())
	})
	require.Equal(t, int64(5), e.Stats.ExpiredKeys.Load())

	// Many keys, in two databases: repeated cycles reclaim every expired key
	// and nothing else, without a single read.
	now = clk.Now().UnixMilli()
	e.Exec(func(tx *broker.Tx) {
		for _, dbi := range []int{0, 7} {
			db := tx.DB(dbi)
			for i := 0; i < 500; i++ {
				k := fmt.Sprint("dead", i)
				setStr(db, k, "v")
				require.True(t, db.Expire(k, now+50, 0))
			}
			for i := 0; i < 30; i++ {
				k := fmt.Sprint("later", i)
				setStr(db, k, "v")
				require.True(t, db.Expire(k, now+time.Hour.Milliseconds(), 0))
			}
		}
	})
	clk.Advance(50 * time.Millisecond)
	reads := e.Stats.KeyspaceHits.Load() + e.Stats.KeyspaceMiss.Load()
	left := func() int {
		n := 0
		e.Exec(func(tx *broker.Tx) { n = tx.DB(0).ExpiresLen() + tx.DB(7).ExpiresLen() })
		return n
	}
	for i := 0; i < 100 && left() > 60; i++ {
		e.ActiveExpireCycle()
	}
	require.Equal(t, 60, left())
	e.Exec(func(tx *broker.Tx) {
		require.Equal(t, 1+30, tx.DB(0).Len())
		require.Equal(t, 30, tx.DB(7).Len())
	})
	require.Equal(t, int64(5+1000), e.Stats.ExpiredKeys.Load())
	require.Equal(t, reads, e.Stats.KeyspaceHits.Load()+e.Stats.KeyspaceMiss.Load(), "active expiry must not count reads")
}

func TestExpireConditions(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	const (
		nx = broker.ExpireNX
		xx = broker.ExpireXX
		gt = broker.ExpireGT
		lt = broker.ExpireLT
	)
	cases := []struct {
		name    string
		current int64 // 0: no TTL
		at      int64
		cond    broker.ExpireCond
		want    bool
		wantAt  int64 // PEXPIRETIME afterwards
	}{
		{"plain", 0, now + 100, 0, true, now + 100},
		{"plain replaces", now + 500, now + 100, 0, true, now + 100},
		{"nx without ttl", 0, now + 100, nx, true, now + 100},
		{"nx with ttl", now + 500, now + 100, nx, false, now + 500},
		{"xx without ttl", 0, now + 100, xx, false, -1},
		{"xx with ttl", now + 500, now + 100, xx, true, now + 100},
		{"gt without ttl", 0, now + 100, gt, false, -1},
		{"gt later", now + 500, now + 600, gt, true, now + 600},
		{"gt equal", now + 500, now + 500, gt, false, now + 500},
		{"gt earlier", now + 500, now + 100, gt, false, now + 500},
		{"lt without ttl", 0, now + 100, lt, true, now + 100},
		{"lt earlier", now + 500, now + 100, lt, true, now + 100},
		{"lt equal", now + 500, now + 500, lt, false, now + 500},
		{"xx gt", now + 500, now + 600, xx | gt, true, now + 600},
		{"xx lt without ttl", 0, now + 100, xx | lt, false, -1},
		{"past deletes", 0, now, 0, true, -2},
		{"past deletes with lt", now + 500, now - 5000, lt, true, -2},
		{"zero deletes", now + 500, 0, 0, true, -2},
		{"negative deletes", 0, -1000, 0, true, -2},
	}
	for _, c := range cases {
		in(e, func(tx *broker.Tx, db *broker.DB) {
			setStr(db, "k", "v")
			if c.current != 0 {
				require.True(t, db.Expire("k", c.current, 0))
			}
			require.Equal(t, c.want, db.Expire("k", c.at, c.cond), c.name)
			require.Equal(t, c.wantAt, db.ExpireTime("k"), c.name)
		})
	}
	in(e, func(tx *broker.Tx, db *broker.DB) {
		require.False(t, db.Expire("missing", now+100, 0))
	})
	// Deleting through EXPIRE is not an expiry.
	require.Zero(t, e.Stats.ExpiredKeys.Load())
}

func TestPTTLExpireTimePersist(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	in(e, func(tx *broker.Tx, db *broker.DB) {
		require.Equal(t, int64(-2), db.PTTL("k"))
		require.Equal(t, int64(-2), db.ExpireTime("k"))
		setStr(db, "k", "v")
		require.Equal(t, int64(-1), db.PTTL("k"))
		require.Equal(t, int64(-1), db.ExpireTime("k"))
		require.False(t, db.Persist("k"))
		require.True(t, db.Expire("k", now+2500, 0))
		require.Equal(t, int64(2500), db.PTTL("k"))
		require.Equal(t, now+2500, db.ExpireTime("k"))
		require.True(t, db.Persist("k"))
		require.Equal(t, int64(-1), db.PTTL("k"))
		require.Equal(t, 0, db.ExpiresLen())
		require.False(t, db.Persist("missing"))
		// Set without keepTTL drops the TTL; with keepTTL keeps it.
		require.True(t, db.Expire("k", now+100, 0))
		db.Set("k", broker.NewString([]byte("w")), true)
		require.Equal(t, int64(100), db.PTTL("k"))
		setStr(db, "k", "x")
		require.Equal(t, int64(-1), db.PTTL("k"))
		require.Equal(t, 0, db.ExpiresLen())
	})
}

func TestRenameEngine(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	in(e, func(tx *broker.Tx, db *broker.DB) {
		_, err := db.Rename("missing", "x", false)
		require.ErrorIs(t, err, broker.ErrNoSuchKey)
		_, err = db.Rename("missing", "missing", true)
		require.ErrorIs(t, err, broker.ErrNoSuchKey)

		setStr(db, "a", "1")
		require.True(t, db.Expire("a", now+1000, 0))
		ok, err := db.Rename("a", "a", false)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, int64(1000), db.PTTL("a"))

		// The TTL moves with the value.
		ok, err = db.Rename("a", "b", false)
		require.NoError(t, err)
		require.True(t, ok)
		require.Nil(t, db.Lookup("a"))
		require.Equal(t, "1", string(db.Lookup("b").Str))
		require.Equal(t, int64(1000), db.PTTL("b"))
		require.Equal(t, 1, db.ExpiresLen())

		// Overwriting drops the destination's own TTL.
		setStr(db, "c", "3")
		require.True(t, db.Expire("b", now+5000, 0))
		setStr(db, "d", "4")
		ok, err = db.Rename("c", "b", false)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(-1), db.PTTL("b"))
		require.Equal(t, 0, db.ExpiresLen())

		// RENAMENX.
		ok, err = db.Rename("b", "d", true)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, "3", string(db.Lookup("b").Str))
		ok, err = db.Rename("b", "e", true)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, []string{"d", "e"}, sorted(db.Keys("*")))
	})
	// RENAMENX onto an expired key: the key counts as missing.
	in(e, func(tx *broker.Tx, db *broker.DB) {
		require.True(t, db.Expire("d", now+10, 0))
	})
	clk.Advance(10 * time.Millisecond)
	in(e, func(tx *broker.Tx, db *broker.DB) {
		ok, err := db.Rename("e", "d", true)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "3", string(db.Lookup("d").Str))
		require.Equal(t, int64(-1), db.PTTL("d"))
	})
	require.Equal(t, int64(1), e.Stats.ExpiredKeys.Load())
}

func sorted(s []string) []string { slices.Sort(s); return s }

// blockOn registers a waiter on key of db that pops the head of a list.
func blockOn(tx *broker.Tx, db *broker.DB, key string) *broker.Waiter {
	w := &broker.Waiter{Keys: []string{key}}
	w.Serve = func(tx *broker.Tx, k string) bool {
		o, err := db.LookupKind(k, broker.KindList)
		if err != nil || o == nil || o.List.Len() == 0 {
			return false
		}
		v, _ := o.List.PopLeft()
		if o.List.Len() == 0 {
			db.Delete(k)
		}
		w.Result = string(v)
		return true
	}
	tx.Block(db, w)
	return w
}

func served(t *testing.T, w *broker.Waiter) any {
	t.Helper()
	select {
	case <-w.Done:
		return w.Result
	default:
		t.Fatal("blocked waiter was not served")
		return nil
	}
}

// TestWakeBlocked checks that RENAME, MOVE and COPY serve clients blocked
// on the destination, as Redis's dbAdd does (signalKeyAsReady).
func TestWakeBlocked(t *testing.T) {
	e, _ := newEngine(t)
	var w1, w2, w3, wStr *broker.Waiter
	e.Exec(func(tx *broker.Tx) {
		db0, db1 := tx.DB(0), tx.DB(1)
		w1 = blockOn(tx, db0, "dst")
		w2 = blockOn(tx, db1, "l2")
		w3 = blockOn(tx, db1, "copy")
		wStr = blockOn(tx, db0, "s")
	})
	e.Exec(func(tx *broker.Tx) {
		setList(tx.DB(0), "src", "a", "b")
		ok, err := tx.DB(0).Rename("src", "dst", false)
		require.NoError(t, err)
		require.True(t, ok)
	})
	require.Equal(t, "a", served(t, w1))
	e.Exec(func(tx *broker.Tx) {
		require.Equal(t, []string{"b"}, listElems(tx.DB(0).Lookup("dst")))
		setList(tx.DB(0), "l2", "m")
		ok, err := tx.DB(0).Move("l2", tx.DB(1))
		require.NoError(t, err)
		require.True(t, ok)
	})
	require.Equal(t, "m", served(t, w2))
	e.Exec(func(tx *broker.Tx) {
		require.Nil(t, tx.DB(1).Lookup("l2"), "the served pop emptied and deleted the list")
		ok, err := tx.DB(0).Copy("dst", tx.DB(1), "copy", false)
		require.NoError(t, err)
		require.True(t, ok)
		// A string renamed onto a watched-by-BLPOP key serves nobody.
		setStr(tx.DB(0), "str", "x")
		ok, err = tx.DB(0).Rename("str", "s", false)
		require.NoError(t, err)
		require.True(t, ok)
	})
	require.Equal(t, "b", served(t, w3))
	e.Exec(func(tx *broker.Tx) {
		require.Equal(t, []string{"b"}, listElems(tx.DB(0).Lookup("dst")), "COPY's source is untouched")
	})
	select {
	case <-wStr.Done:
		t.Fatal("a string must not serve a list waiter")
	default:
	}
	require.True(t, e.Unblock(wStr))
}

func TestMoveEngine(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	e.Exec(func(tx *broker.Tx) {
		db0, db1 := tx.DB(0), tx.DB(1)
		_, err := db0.Move("k", db0)
		require.ErrorIs(t, err, broker.ErrSameObject)
		ok, err := db0.Move("missing", db1)
		require.NoError(t, err)
		require.False(t, ok)

		setStr(db0, "k", "v")
		require.True(t, db0.Expire("k", now+3000, 0))
		ok, err = db0.Move("k", db1)
		require.NoError(t, err)
		require.True(t, ok)
		require.Nil(t, db0.Lookup("k"))
		require.Equal(t, 0, db0.ExpiresLen())
		require.Equal(t, "v", string(db1.Lookup("k").Str))
		require.Equal(t, int64(3000), db1.PTTL("k"))
		require.Equal(t, 1, db1.ExpiresLen())

		// Already present in the target: nothing moves.
		setStr(db0, "k", "other")
		ok, err = db0.Move("k", db1)
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, "other", string(db0.Lookup("k").Str))
		require.Equal(t, "v", string(db1.Lookup("k").Str))
	})
}

func TestCopyEngine(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	e.Exec(func(tx *broker.Tx) {
		db0, db1 := tx.DB(0), tx.DB(1)
		_, err := db0.Copy("k", db0, "k", false)
		require.ErrorIs(t, err, broker.ErrSameObject)
		ok, err := db0.Copy("missing", db0, "x", false)
		require.NoError(t, err)
		require.False(t, ok)

		src := setList(db0, "l", "a", "b", "c")
		require.True(t, db0.Expire("l", now+7000, 0))
		ok, err = db0.Copy("l", db0, "l2", false)
		require.NoError(t, err)
		require.True(t, ok)
		cp := db0.Lookup("l2")
		require.Equal(t, int64(7000), db0.PTTL("l2"))
		require.Equal(t, 2, db0.ExpiresLen())

		// A deep copy: changing either side leaves the other alone.
		cp.List.PushRight([]byte("d"))
		cp.List.Index(0)[0] = 'z'
		src.List.PopLeft()
		require.Equal(t, []string{"b", "c"}, listElems(db0.Lookup("l")))
		require.Equal(t, []string{"z", "b", "c", "d"}, listElems(cp))

		// Strings too.
		s := setStr(db0, "s", "abc")
		ok, err = db0.Copy("s", db1, "s", false)
		require.NoError(t, err)
		require.True(t, ok)
		s.Str[0] = 'X'
		require.Equal(t, "abc", string(db1.Lookup("s").Str))
		require.Equal(t, int64(-1), db1.PTTL("s"))

		// Existing destination: only with replace.
		setStr(db1, "t", "old")
		require.True(t, db1.Expire("t", now+100, 0))
		ok, err = db0.Copy("s", db1, "t", false)
		require.NoError(t, err)
		require.False(t, ok)
		ok, err = db0.Copy("s", db1, "t", true)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "Xbc", string(db1.Lookup("t").Str))
		require.Equal(t, int64(-1), db1.PTTL("t"), "REPLACE drops the old destination's TTL")
		require.Equal(t, 0, db1.ExpiresLen())
	})
}

func TestWatchTouchedByKeyCommands(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	ops := map[string]func(tx *broker.Tx, db *broker.DB){
		"del":         func(tx *broker.Tx, db *broker.DB) { db.Del("w") },
		"expire":      func(tx *broker.Tx, db *broker.DB) { db.Expire("w", now+100, 0) },
		"expire past": func(tx *broker.Tx, db *broker.DB) { db.Expire("w", now-1, 0) },
		"persist": func(tx *broker.Tx, db *broker.DB) {
			db.Persist("w")
		},
		"rename from": func(tx *broker.Tx, db *broker.DB) { _, _ = db.Rename("w", "x", false) },
		"rename to":   func(tx *broker.Tx, db *broker.DB) { _, _ = db.Rename("x", "w", false) },
		"move":        func(tx *broker.Tx, db *broker.DB) { _, _ = db.Move("w", tx.DB(1)) },
		"copy to":     func(tx *broker.Tx, db *broker.DB) { _, _ = db.Copy("x", db, "w", true) },
		"flush":       func(tx *broker.Tx, db *broker.DB) { tx.FlushAll() },
	}
	for name, op := range ops {
		ws := broker.NewWatchSet()
		in(e, func(tx *broker.Tx, db *broker.DB) {
			tx.FlushAll()
			setStr(db, "w", "1")
			setStr(db, "x", "2")
			if name == "persist" {
				require.True(t, db.Expire("w", now+100, 0))
			}
			ws.Watch(db, "w")
			op(tx, db)
			require.True(t, ws.Dirty, name)
			ws.Clear()
		})
	}
	// Operations that change nothing leave the watch clean.
	ws := broker.NewWatchSet()
	in(e, func(tx *broker.Tx, db *broker.DB) {
		tx.FlushAll()
		setStr(db, "w", "1")
		ws.Watch(db, "w")
		require.False(t, db.Expire("w", now+100, broker.ExpireXX))
		require.False(t, db.Persist("w"))
		ok, _ := db.Rename("w", "w", true)
		require.False(t, ok)
		require.Equal(t, 1, db.CountExisting("w"))
		require.False(t, ws.Dirty)
		ws.Clear()
	})
}

func TestScanKeysEngine(t *testing.T) {
	e, clk := newEngine(t)
	now := clk.Now().UnixMilli()
	want := map[string]bool{}
	in(e, func(tx *broker.Tx, db *broker.DB) {
		for i := 0; i < 300; i++ {
			k := fmt.Sprint("key:", i)
			setStr(db, k, "v")
			want[k] = true
		}
		for i := 0; i < 20; i++ {
			setList(db, fmt.Sprint("list:", i), "x")
		}
	})
	scanAll := func(opt broker.ScanOptions, between func(step int)) map[string]int {
		seen := map[string]int{}
		var cursor uint64
		for step := 0; ; step++ {
			var keys []string
			in(e, func(tx *broker.Tx, db *broker.DB) { cursor, keys = db.ScanKeys(cursor, opt) })
			for _, k := range keys {
				seen[k]++
			}
			if cursor == 0 {
				return seen
			}
			require.Less(t, step, 10000, "scan does not terminate")
			if between != nil {
				between(step)
			}
		}
	}

	// MATCH and TYPE filter after collection.
	got := scanAll(broker.ScanOptions{HasMatch: true, Match: "key:1?", Count: 7}, nil)
	require.Len(t, got, 10)
	got = scanAll(broker.ScanOptions{Type: "LIST"}, nil)
	require.Len(t, got, 20)
	got = scanAll(broker.ScanOptions{Type: "hash"}, nil)
	require.Empty(t, got)

	// A large COUNT gathers everything in one call.
	in(e, func(tx *broker.Tx, db *broker.DB) {
		cursor, keys := db.ScanKeys(0, broker.ScanOptions{Count: 100000})
		require.Zero(t, cursor)
		require.Len(t, keys, 320)
	})

	// Redis's guarantee: a key present from start to end is reported, even
	// when the table grows and shrinks during the scan.
	got = scanAll(broker.ScanOptions{HasMatch: true, Match: "key:*", Count: 5}, func(step int) {
		in(e, func(tx *broker.Tx, db *broker.DB) {
			if step < 40 {
				for i := 0; i < 50; i++ {
					setStr(db, fmt.Sprint("grow:", step, ":", i), "v")
				}
			} else if step == 40 {
				for _, k := range db.Keys("grow:*") {
					db.Delete(k)
				}
			}
		})
	})
	for k := range want {
		require.GreaterOrEqual(t, got[k], 1, "key %s missed", k)
	}

	// Expired keys are deleted by SCAN and never reported.
	in(e, func(tx *broker.Tx, db *broker.DB) {
		for i := 0; i < 10; i++ {
			require.True(t, db.Expire(fmt.Sprint("key:", i), now+10, 0))
		}
	})
	clk.Advance(10 * time.Millisecond)
	got = scanAll(broker.ScanOptions{HasMatch: true, Match: "key:*"}, nil)
	require.Len(t, got, 290)
	require.Equal(t, int64(10), e.Stats.ExpiredKeys.Load())
	in(e, func(tx *broker.Tx, db *broker.DB) { require.Equal(t, 310, db.Len()) })

	// Redis 7.0 quirk: TYPE none reports keys that the type lookup expired.
	in(e, func(tx *broker.Tx, db *broker.DB) {
		require.True(t, db.Expire("key:10", clk.Now().UnixMilli()+10, 0))
	})
	clk.Advance(10 * time.Millisecond)
	got = scanAll(broker.ScanOptions{Type: "none"}, nil)
	require.Equal(t, map[string]int{"key:10": 1}, got)
	require.Equal(t, int64(11), e.Stats.ExpiredKeys.Load())
}

func TestKeysEngine(t *testing.T) {
	e, _ := newEngine(t)
	in(e, func(tx *broker.Tx, db *broker.DB) {
		require.Empty(t, db.Keys("*"))
		for _, k := range []string{"", "a", "ab", "abc", "b*"} {
			setStr(db, k, "v")
		}
		require.Equal(t, []string{"", "a", "ab", "abc", "b*"}, sorted(db.Keys("*")))
		require.Equal(t, []string{"a", "ab", "abc", "b*"}, sorted(db.Keys("**")))
		require.Equal(t, []string{"ab", "abc"}, sorted(db.Keys("a?*")))
		require.Equal(t, []string{"b*"}, db.Keys(`b\*`))
		require.Equal(t, []string{""}, db.Keys(""))
	})
}

func TestCloneIndependent(t *testing.T) {
	o := broker.NewListObject()
	for i := 0; i < 10; i++ {
		o.List.PushLeft([]byte{byte('0' + i)})
	}
	c := o.Clone()
	require.Equal(t, listElems(o), listElems(c))
	for i := 0; i < 10; i++ {
		c.List.PushRight([]byte("x"))
	}
	require.Equal(t, 10, o.List.Len())
	require.Equal(t, 20, c.List.Len())
	require.Zero(t, c.ExpireAt())

	empty := broker.NewListObject().Clone()
	empty.List.PushLeft([]byte("a"))
	require.Equal(t, 1, empty.List.Len())
}
