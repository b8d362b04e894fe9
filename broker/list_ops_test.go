package broker_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

func newListEngine(t *testing.T) *broker.Engine {
	t.Helper()
	e := broker.New(broker.Options{ActiveExpireEvery: -1})
	t.Cleanup(e.Close)
	return e
}

func listBytes(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func listStrings(vals [][]byte) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// refRange is LRANGE on a plain slice, written the obvious way.
func refRange(l []string, start, stop int64) []string {
	n := int64(len(l))
	if start < 0 {
		start = max(n+start, 0)
	}
	if stop < 0 {
		stop = n + stop
	}
	stop = min(stop, n-1)
	if start > stop || start >= n {
		return []string{}
	}
	return slices.Clone(l[start : stop+1])
}

// TestListModel applies random list operations to the engine and to a
// plain slice and compares the results after each one. The seed is
// printed so a failure can be replayed.
func TestListModel(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	e := newListEngine(t)
	var ref []string
	val := func() string { return fmt.Sprint(rng.IntN(4)) }
	idx := func() int64 { return int64(rng.IntN(14) - 7) }
	for step := range 5000 {
		e.Exec(func(tx *broker.Tx) {
			db := tx.DB(0)
			what := ""
			switch op := rng.IntN(9); op {
			case 0, 1:
				v := val()
				what = "push " + v
				end := broker.End(rng.IntN(2))
				n, err := db.ListPush("k", end, listBytes(v), false)
				require.NoError(t, err)
				if end == broker.Left {
					ref = append([]string{v}, ref...)
				} else {
					ref = append(ref, v)
				}
				require.Equal(t, len(ref), n)
			case 2:
				count := rng.IntN(3)
				end := broker.End(rng.IntN(2))
				what = fmt.Sprint("pop ", end, count)
				got, exists, err := db.ListPop("k", end, count)
				require.NoError(t, err)
				require.Equal(t, len(ref) > 0, exists)
				var want []string
				for range min(count, len(ref)) {
					if end == broker.Left {
						want, ref = append(want, ref[0]), ref[1:]
					} else {
						want, ref = append(want, ref[len(ref)-1]), ref[:len(ref)-1]
					}
				}
				if exists {
					requireSameList(t, want, listStrings(got))
				}
			case 3:
				count, v := idx(), val()
				what = fmt.Sprint("lrem ", count, v)
				n, err := db.ListRem("k", count, []byte(v))
				require.NoError(t, err)
				want := refRem(ref, count, v)
				require.Equal(t, len(ref)-len(want), n)
				ref = want
			case 4:
				start, stop := idx(), idx()
				what = fmt.Sprint("ltrim ", start, stop)
				require.NoError(t, db.ListTrim("k", start, stop))
				if len(ref) > 0 {
					ref = refRange(ref, start, stop)
				}
			case 5:
				after, pivot, v := rng.IntN(2) == 1, val(), val()
				what = fmt.Sprint("linsert ", after, pivot, v)
				n, err := db.ListInsert("k", after, []byte(pivot), []byte(v))
				require.NoError(t, err)
				i := slices.Index(ref, pivot)
				switch {
				case len(ref) == 0:
					require.Equal(t, 0, n)
				case i < 0:
					require.Equal(t, -1, n)
				default:
					if after {
						i++
					}
					ref = slices.Insert(ref, i, v)
					require.Equal(t, len(ref), n)
				}
			case 6:
				rank := idx()
				if rank == 0 {
					rank = 1
				}
				limit, maxlen, v := int64(rng.IntN(3)), int64(rng.IntN(6)), val()
				what = fmt.Sprint("lpos ", v, rank, limit, maxlen)
				got, err := db.ListPos("k", []byte(v), rank, limit, maxlen)
				require.NoError(t, err)
				require.Equal(t, refPos(ref, v, rank, limit, maxlen), got)
			case 7:
				i, v := idx(), val()
				what = fmt.Sprint("lset ", i, v)
				err := db.ListSet("k", i, []byte(v))
				j := i
				if j < 0 {
					j += int64(len(ref))
				}
				switch {
				case len(ref) == 0:
					require.ErrorIs(t, err, broker.ErrNoSuchKey)
				case j < 0 || j >= int64(len(ref)):
					require.ErrorIs(t, err, broker.ErrIndexOutOfRange)
				default:
					require.NoError(t, err)
					ref[j] = v
				}
			case 8:
				from, to := broker.End(rng.IntN(2)), broker.End(rng.IntN(2))
				what = fmt.Sprint("lmove k k ", from, to)
				v, ok, err := db.ListMove("k", "k", from, to)
				require.NoError(t, err)
				require.Equal(t, len(ref) > 0, ok)
				if ok {
					var x string
					if from == broker.Left {
						x, ref = ref[0], ref[1:]
					} else {
						x, ref = ref[len(ref)-1], ref[:len(ref)-1]
					}
					require.Equal(t, x, string(v))
					if to == broker.Left {
						ref = append([]string{x}, ref...)
					} else {
						ref = append(ref, x)
					}
				}
			}
			got, err := db.ListRange("k", 0, -1)
			require.NoError(t, err)
			requireSameList(t, ref, listStrings(got), "step %d after %s", step, what)
			require.Equal(t, len(ref) > 0, db.Exists("k"), "step %d after %s: a list key never exists empty", step, what)
			for _, r := range [][2]int64{{0, -1}, {idx(), idx()}, {1, 2}} {
				got, err := db.ListRange("k", r[0], r[1])
				require.NoError(t, err)
				requireSameList(t, refRange(ref, r[0], r[1]), listStrings(got), "step %d: lrange %v", step, r)
			}
		})
	}
}

// requireSameList compares two string slices, treating nil and empty alike.
func requireSameList(t *testing.T, want, got []string, msgAndArgs ...any) {
	t.Helper()
	if !slices.Equal(want, got) {
		require.Equal(t, want, got, msgAndArgs...)
	}
}

func refRem(l []string, count int64, v string) []string {
	out := slices.Clone(l)
	switch {
	case count >= 0:
		removed := int64(0)
		out = slices.DeleteFunc(out, func(x string) bool {
			if x == v && (count == 0 || removed < count) {
				removed++
				return true
			}
			return false
		})
	default:
		for i, removed := len(out)-1, int64(0); i >= 0 && removed < -count; i-- {
			if out[i] == v {
				out = slices.Delete(out, i, i+1)
				removed++
			}
		}
	}
	return out
}

func refPos(l []string, v string, rank, limit, maxlen int64) []int64 {
	var idxs []int64
	for i, x := range l {
		if x == v {
			idxs = append(idxs, int64(i))
		}
	}
	var out []int64
	if rank > 0 {
		for _, i := range idxs {
			if maxlen != 0 && i >= maxlen {
				break
			}
			if rank > 1 {
				rank--
				continue
			}
			out = append(out, i)
		}
	} else {
		n := int64(len(l))
		for j := len(idxs) - 1; j >= 0; j-- {
			i := idxs[j]
			if maxlen != 0 && n-1-i >= maxlen {
				break
			}
			if rank < -1 {
				rank++
				continue
			}
			out = append(out, i)
		}
	}
	if limit != 0 && int64(len(out)) > limit {
		out = out[:limit]
	}
	return out
}

func TestListWrongTypeAndMissing(t *testing.T) {
	e := newListEngine(t)
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		db.Set("s", broker.NewString([]byte("v")), false)
		_, err := db.ListPush("s", broker.Left, listBytes("a"), false)
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, _, err = db.ListPop("s", broker.Left, 1)
		require.ErrorIs(t, err, broker.ErrWrongType)
		_, err = db.ListLen("s")
		require.ErrorIs(t, err, broker.ErrWrongType)
		require.ErrorIs(t, db.ListSet("s", 0, nil), broker.ErrWrongType)
		require.ErrorIs(t, db.ListSet("nokey", 0, nil), broker.ErrNoSuchKey)
		_, _, err = db.ListMove("nokey", "s", broker.Left, broker.Left)
		require.NoError(t, err, "a missing source does not look at the destination")

		n, err := db.ListPush("nokey", broker.Left, listBytes("a"), true)
		require.NoError(t, err)
		require.Zero(t, n)
		require.False(t, db.Exists("nokey"), "LPUSHX never creates a key")
		n, err = db.ListInsert("nokey", false, []byte("a"), []byte("b"))
		require.NoError(t, err)
		require.Zero(t, n)
		require.False(t, db.Exists("nokey"))
	})
}

// TestListWaiters checks blocking at the engine level: waiters are served
// first blocked first served after the pushing Exec, and a BLMOVE waiter
// whose destination has the wrong type is served with ErrWrongType.
func TestListWaiters(t *testing.T) {
	e := newListEngine(t)
	var w1, w2, w3 *broker.Waiter
	e.Exec(func(tx *broker.Tx) {
		db := tx.DB(0)
		db.Set("str", broker.NewString([]byte("v")), false)
		w1 = db.ListMoveWaiter("q", "str", broker.Left, broker.Right)
		w2 = db.ListPopWaiter([]string{"other", "q", "q"}, broker.Left, 1)
		w3 = db.ListPopWaiter([]string{"q"}, broker.Right, 5)
		tx.Block(db, w1)
		tx.Block(db, w2)
		tx.Block(db, w3)
	})
	require.EqualValues(t, 3, e.Stats.BlockedNow.Load())
	e.Exec(func(tx *broker.Tx) {
		_, err := tx.DB(0).ListPush("q", broker.Right, listBytes("a", "b", "c"), false)
		require.NoError(t, err)
		select {
		case <-w1.Done:
			t.Fatal("served before the pushing Exec completed")
		default:
		}
	})
	for _, w := range []*broker.Waiter{w1, w2, w3} {
		select {
		case <-w.Done:
		default:
			t.Fatal("waiter not served")
		}
	}
	require.ErrorIs(t, w1.Result.(error), broker.ErrWrongType)
	require.Equal(t, broker.ListPopResult{Key: "q", Values: listBytes("a")}, w2.Result)
	require.Equal(t, broker.ListPopResult{Key: "q", Values: listBytes("c", "b")}, w3.Result)
	require.EqualValues(t, 0, e.Stats.BlockedNow.Load())
	require.False(t, e.Unblock(w2), "already served")
	e.Exec(func(tx *broker.Tx) { require.False(t, tx.DB(0).Exists("q")) })

	// An unblocked waiter is not served any more.
	var w4 *broker.Waiter
	e.Exec(func(tx *broker.Tx) {
		w4 = tx.DB(0).ListPopWaiter([]string{"z"}, broker.Left, 1)
		tx.Block(tx.DB(0), w4)
	})
	require.True(t, e.Unblock(w4))
	e.Exec(func(tx *broker.Tx) {
		_, err := tx.DB(0).ListPush("z", broker.Left, listBytes("x"), false)
		require.NoError(t, err)
	})
	e.Exec(func(tx *broker.Tx) {
		n, err := tx.DB(0).ListLen("z")
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
	require.Nil(t, w4.Result)
}
