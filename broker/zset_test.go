package broker

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// checkTree verifies the B+tree's invariants: sizes and maxes of children
// are exact, nodes are within capacity, no node is empty, leaves are in
// order, every leaf is at the same depth, and n is the element count.
func checkTree(t *testing.T, tr *ztree) {
	t.Helper()
	if tr.root == nil {
		if tr.n != 0 {
			t.Fatalf("empty tree with n=%d", tr.n)
		}
		return
	}
	var prev *ZMember
	var walk func(n *znode, depth int) (int, int)
	walk = func(n *znode, depth int) (size, height int) {
		if n.leaf() {
			if len(n.items) == 0 || len(n.items) > zLeafMax || cap(n.items) > zLeafMax {
				t.Fatalf("leaf at depth %d: len %d cap %d", depth, len(n.items), cap(n.items))
			}
			for i := range n.items {
				if prev != nil && !zless(*prev, n.items[i]) {
					t.Fatalf("order: %v then %v", *prev, n.items[i])
				}
				prev = &n.items[i]
			}
			return len(n.items), 1
		}
		if len(n.kids) == 0 || len(n.kids) > zNodeMax || len(n.maxs) != len(n.kids) || len(n.sizes) != len(n.kids) {
			t.Fatalf("node at depth %d: %d kids, %d maxs, %d sizes", depth, len(n.kids), len(n.maxs), len(n.sizes))
		}
		h := -1
		for i, k := range n.kids {
			s, kh := walk(k, depth+1)
			if s != n.sizes[i] || k.max() != n.maxs[i] {
				t.Fatalf("child %d at depth %d: size %d (recorded %d), max %v (recorded %v)", i, depth, s, n.sizes[i], k.max(), n.maxs[i])
			}
			if h >= 0 && h != kh {
				t.Fatalf("unbalanced at depth %d", depth)
			}
			h = kh
			size += s
		}
		return size, h + 1
	}
	size, _ := walk(tr.root, 0)
	if size != tr.n {
		t.Fatalf("n=%d, counted %d", tr.n, size)
	}
	if !tr.root.leaf() && len(tr.root.kids) < 2 {
		t.Fatalf("internal root with %d kids", len(tr.root.kids))
	}
}

// zmodel is the trivial reference: a sorted slice.
type zmodel []ZMember

func (m zmodel) find(member string) int {
	for i, x := range m {
		if x.Member == member {
			return i
		}
	}
	return -1
}

func (m *zmodel) insert(x ZMember) {
	i := sort.Search(len(*m), func(i int) bool { return !zless((*m)[i], x) })
	*m = slices.Insert(*m, i, x)
}

func seedFor(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("ZSET_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d (rerun with ZSET_SEED=%d)", seed, seed)
	return seed
}

// TestZSetModel drives a ZSet and the sorted-slice model with the same
// random operations and compares every observable: order, ranks, scores,
// elements by rank, range bounds, and both iteration directions.
func TestZSetModel(t *testing.T) {
	seed := seedFor(t)
	for _, tc := range []struct {
		members, ops int
	}{{40, 3000}, {3000, 30000}, {30000, 120000}} {
		t.Run(fmt.Sprint(tc.members), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, uint64(tc.members)))
			scores := []float64{math.Inf(-1), -2.5, -1, 0, 1, 1.5, 2, 3, 100, math.Inf(1)}
			score := func() float64 {
				if rng.IntN(3) == 0 {
					return scores[rng.IntN(len(scores))]
				}
				return float64(rng.IntN(1000)) / 10
			}
			z := NewZSet(false)
			var m zmodel
			for op := 0; op < tc.ops; op++ {
				member := "m" + strconv.Itoa(rng.IntN(tc.members))
				i := m.find(member)
				switch r := rng.IntN(40); {
				case r < 26: // add or update
					s := score()
					out, got, err := z.add(member, s, ZAddFlags{})
					require.NoError(t, err)
					require.Equal(t, s, got)
					switch {
					case i < 0:
						require.Equal(t, zaddAdded, out)
						m.insert(ZMember{member, s})
					case m[i].Score == s:
						require.Equal(t, zaddSame, out)
					default:
						require.Equal(t, zaddUpdated, out)
						m = slices.Delete(m, i, i+1)
						m.insert(ZMember{member, s})
					}
				case r < 35:
					require.Equal(t, i >= 0, z.remove(member))
					if i >= 0 {
						m = slices.Delete(m, i, i+1)
					}
				case r < 39 && len(m) > 0: // pop the lowest or highest
					k := 0
					if rng.IntN(2) == 0 {
						k = len(m) - 1
					}
					require.Equal(t, m[k], z.At(k))
					require.True(t, z.remove(m[k].Member))
					m = slices.Delete(m, k, k+1)
				default: // remove a run of ranks
					if len(m) == 0 {
						continue
					}
					lo := rng.IntN(len(m))
					hi := min(len(m), lo+rng.IntN(200))
					for _, x := range slices.Clone(m[lo:hi]) {
						require.True(t, z.remove(x.Member))
					}
					m = slices.Delete(m, lo, hi)
				}
				if op%97 == 0 || op == tc.ops-1 {
					compareZSet(t, rng, z, m)
				}
			}
		})
	}
}

func compareZSet(t *testing.T, rng *rand.Rand, z *ZSet, m zmodel) {
	t.Helper()
	checkTree(t, &z.tree)
	require.Equal(t, len(m), z.Len())
	require.Equal(t, len(m), z.dict.Len())
	all := []ZMember{}
	z.Ascend(0, func(x ZMember) bool { all = append(all, x); return true })
	if !slices.Equal(m, all) {
		require.Equal(t, append([]ZMember{}, m...), all)
	}
	if len(m) == 0 {
		return
	}
	for range 20 {
		r := rng.IntN(len(m))
		require.Equal(t, m[r], z.At(r))
		got, ok := z.Rank(m[r].Member, false)
		require.True(t, ok)
		require.Equal(t, r, got)
		got, _ = z.Rank(m[r].Member, true)
		require.Equal(t, len(m)-1-r, got)
		s, ok := z.Score(m[r].Member)
		require.True(t, ok)
		require.Equal(t, m[r].Score, s)
		// Iterate a few elements from r both ways.
		var up, down []ZMember
		z.Ascend(r, func(x ZMember) bool { up = append(up, x); return len(up) < 70 })
		z.Descend(r, func(x ZMember) bool { down = append(down, x); return len(down) < 70 })
		require.Equal(t, []ZMember(m[r:min(len(m), r+70)]), up)
		want := slices.Clone([]ZMember(m[max(0, r-69) : r+1]))
		slices.Reverse(want)
		require.Equal(t, want, down)
		// Score range bounds.
		rg := ScoreRange{Min: m[rng.IntN(len(m))].Score, Max: m[rng.IntN(len(m))].Score, MinEx: rng.IntN(2) == 0, MaxEx: rng.IntN(2) == 0}
		lo, hi := z.scoreBounds(rg)
		wlo, whi := 0, 0
		for _, x := range m {
			if !rg.gteMin(x.Score) {
				wlo++
			}
			if rg.lteMax(x.Score) {
				whi++
			}
		}
		require.Equal(t, wlo, lo, "%+v", rg)
		require.Equal(t, max(wlo, whi), hi, "%+v", rg)
	}
	_, ok := z.Rank("absent", false)
	require.False(t, ok)
}

// TestZTreeAscendingAndBuild covers the append-heavy path (ascending
// scores), draining from both ends, and bulk loading.
func TestZTreeAscendingAndBuild(t *testing.T) {
	var tr ztree
	var all []ZMember
	for i := range 20000 {
		x := ZMember{fmt.Sprintf("%06d", i), float64(i)}
		tr.insert(x)
		all = append(all, x)
	}
	checkTree(t, &tr)
	require.Equal(t, all[12345], tr.at(12345))
	for i := 0; i < 10000; i++ {
		require.True(t, tr.delete(all[i]))
		require.True(t, tr.delete(all[len(all)-1-i]))
		if i%1000 == 0 {
			checkTree(t, &tr)
		}
	}
	checkTree(t, &tr)
	require.Nil(t, tr.root)
	require.False(t, tr.delete(all[0]))

	for _, n := range []int{0, 1, 47, 48, 49, 1000, 2305, 100000} {
		b := buildTree(all[:min(n, len(all))])
		checkTree(t, &b)
		require.Equal(t, min(n, len(all)), b.n)
		if b.n > 0 {
			mid := b.n / 2
			require.Equal(t, all[mid], b.at(mid))
			b.insert(ZMember{"x", -1})
			require.True(t, b.delete(all[mid]))
			checkTree(t, &b)
		}
	}
}

// TestZSetCompact: a compact set stores -0 as 0 and stops being compact
// past 128 members or with a member over 64 bytes, as Redis's listpack.
func TestZSetCompact(t *testing.T) {
	negZero := math.Copysign(0, -1)
	z := NewZSet(true)
	z.insert("a", negZero)
	s, _ := z.Score("a")
	require.False(t, math.Signbit(s))
	require.Equal(t, "listpack", z.Encoding())
	for i := range 127 {
		z.insert(strconv.Itoa(i), float64(i))
	}
	require.Equal(t, "listpack", z.Encoding())
	z.insert("x", negZero)
	require.Equal(t, "skiplist", z.Encoding())
	s, _ = z.Score("x")
	require.True(t, math.Signbit(s))
	z.remove("x")
	require.Equal(t, "skiplist", z.Encoding(), "never converted back")

	z = NewZSet(true)
	z.insert(string(make([]byte, 65)), 1)
	require.Equal(t, "skiplist", z.Encoding())

	c := z.Clone()
	require.Equal(t, z.Encoding(), c.Encoding())
	require.Equal(t, 1, c.Len())
}

func TestZSetAddFlags(t *testing.T) {
	z := NewZSet(true)
	out, s, err := z.add("a", 1, ZAddFlags{XX: true})
	require.NoError(t, err)
	require.Equal(t, zaddNop, out)
	out, s, _ = z.add("a", 1, ZAddFlags{NX: true})
	require.Equal(t, zaddAdded, out)
	require.Equal(t, 1.0, s)
	out, _, _ = z.add("a", 5, ZAddFlags{NX: true})
	require.Equal(t, zaddNop, out)
	out, s, _ = z.add("a", 2, ZAddFlags{Incr: true})
	require.Equal(t, zaddUpdated, out)
	require.Equal(t, 3.0, s)
	out, _, _ = z.add("a", 2, ZAddFlags{GT: true})
	require.Equal(t, zaddNop, out)
	out, _, _ = z.add("a", 4, ZAddFlags{LT: true})
	require.Equal(t, zaddNop, out)
	out, _, _ = z.add("a", 3, ZAddFlags{})
	require.Equal(t, zaddSame, out)
	_, _, err = z.add("a", math.NaN(), ZAddFlags{})
	require.ErrorIs(t, err, ErrNaNScore)
	_, _, _ = z.add("a", math.Inf(1), ZAddFlags{})
	_, _, err = z.add("a", math.Inf(-1), ZAddFlags{Incr: true})
	require.ErrorIs(t, err, ErrNaNScore)
}

func TestParseScore(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true}, {"-1.5", -1.5, true}, {"+5", 5, true}, {".5", 0.5, true}, {"5.", 5, true},
		{"1e3", 1000, true}, {"1E-2", 0.01, true}, {"inf", math.Inf(1), true}, {"-INF", math.Inf(-1), true},
		{"+Infinity", math.Inf(1), true}, {"0x10", 16, true}, {"0x1p3", 8, true}, {"0X1.8P1", 3, true},
		{"0x.8", 0.5, true}, {"1e-310", 1e-310, true},
		{"", 0, false}, {" 1", 0, false}, {"1 ", 0, false}, {"nan", 0, false}, {"NaN(123)", 0, false},
		{"1e400", 0, false}, {"1e-400", 0, false}, {"0x", 0, false}, {"1e", 0, false}, {"e1", 0, false},
		{"1\x00", 0, false}, {"abc", 0, false}, {"-", 0, false}, {".", 0, false}, {"infinit", 0, false},
		{"0x1p99999", 0, false}, {"1_0", 0, false},
	} {
		got, ok := ParseScore([]byte(tc.in))
		require.Equal(t, tc.ok, ok, "%q", tc.in)
		if ok {
			require.Equal(t, tc.want, got, "%q", tc.in)
		}
	}
	v, ok := ParseScore([]byte("-0"))
	require.True(t, ok)
	require.True(t, math.Signbit(v))
}

func TestParseScoreRange(t *testing.T) {
	for _, tc := range []struct {
		min, max string
		want     ScoreRange
		ok       bool
	}{
		{"1", "2", ScoreRange{Min: 1, Max: 2}, true},
		{"(1", "(2", ScoreRange{Min: 1, Max: 2, MinEx: true, MaxEx: true}, true},
		{"-inf", "+inf", ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}, true},
		{"", "(", ScoreRange{MaxEx: true}, true},
		{" 1", "1e400", ScoreRange{Min: 1, Max: math.Inf(1)}, true},
		{"1\x00junk", "2", ScoreRange{Min: 1, Max: 2}, true},
		{"1e-400", "0x10", ScoreRange{Max: 16}, true},
		{"nan", "1", ScoreRange{}, false},
		{"( 1", "1", ScoreRange{Min: 1, MinEx: true, Max: 1}, true},
		{"1 ", "1", ScoreRange{}, false},
		{"x", "1", ScoreRange{}, false},
		{"((1", "1", ScoreRange{}, false},
	} {
		got, ok := ParseScoreRange([]byte(tc.min), []byte(tc.max))
		require.Equal(t, tc.ok, ok, "%q %q", tc.min, tc.max)
		if ok {
			require.Equal(t, tc.want, got, "%q %q", tc.min, tc.max)
		}
	}
}

func TestParseLexRange(t *testing.T) {
	r, ok := ParseLexRange([]byte("-"), []byte("+"))
	require.True(t, ok)
	require.Equal(t, LexRange{Min: LexBound{Inf: -1, Ex: true}, Max: LexBound{Inf: 1, Ex: true}}, r)
	r, ok = ParseLexRange([]byte("[a"), []byte("(b\x00c"))
	require.True(t, ok)
	require.Equal(t, LexRange{Min: LexBound{S: "a"}, Max: LexBound{S: "b\x00c", Ex: true}}, r)
	_, ok = ParseLexRange([]byte("+\x00x"), []byte("["))
	require.True(t, ok)
	for _, bad := range [][2]string{{"a", "+"}, {"-", ""}, {"+x", "+"}, {"--", "+"}, {"-", "1"}} {
		_, ok := ParseLexRange([]byte(bad[0]), []byte(bad[1]))
		require.False(t, ok, "%q", bad)
	}
	require.True(t, LexRange{Min: LexBound{Inf: 1}, Max: LexBound{Inf: -1}}.empty())
	require.True(t, LexRange{Min: LexBound{S: "a", Ex: true}, Max: LexBound{S: "a"}}.empty())
	require.False(t, LexRange{Min: LexBound{S: "a"}, Max: LexBound{S: "a"}}.empty())
	require.True(t, LexRange{Min: LexBound{Inf: 1, Ex: true}, Max: LexBound{Inf: 1, Ex: true}}.empty())
}

// TestZTreeClustered inserts and deletes in dense clusters of a large tree,
// so internal nodes underflow next to crowded neighbours and take children
// from them in both directions, and compares with the model.
func TestZTreeClustered(t *testing.T) {
	seed := seedFor(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	var m zmodel
	for i := range 25000 {
		m = append(m, ZMember{fmt.Sprintf("%08d", i), float64(i * 100)})
	}
	tr := buildTree(m)
	in := map[float64]bool{}
	for _, x := range m {
		in[x.Score] = true
	}
	for round := range 50 {
		// Crowd one region...
		base := rng.IntN(25000*100 - 5000)
		for k := 0; k < 1000; k++ {
			s := float64(base + rng.IntN(5000))
			if in[s] {
				continue
			}
			in[s] = true
			x := ZMember{fmt.Sprintf("c%d", int(s)), s}
			tr.insert(x)
			m = append(m, x)
		}
		sortZMembers(m)
		// ...and empty a neighbouring one.
		lo := tr.lowerBound(func(x ZMember) bool { return x.Score >= float64(base+5000*(1+rng.IntN(3))) })
		hi := min(len(m), lo+700+rng.IntN(600))
		if round%2 == 1 {
			hi = tr.lowerBound(func(x ZMember) bool { return x.Score >= float64(base) })
			lo = max(0, hi-700-rng.IntN(600))
		}
		for _, x := range slices.Clone(m[lo:hi]) {
			require.True(t, tr.delete(x))
			delete(in, x.Score)
		}
		m = slices.Delete(m, lo, hi)
		checkTree(t, &tr)
		require.Equal(t, len(m), tr.n)
	}
	// Crowd the region below the top and drain the top: the last child of
	// each level underflows and borrows from its left neighbour.
	for range 15 {
		top := m[len(m)-1].Score
		for k := 0; k < 1500; k++ {
			s := top - 6000 - float64(rng.IntN(6000)) + 0.5
			if in[s] {
				continue
			}
			in[s] = true
			x := ZMember{fmt.Sprintf("t%v", s), s}
			tr.insert(x)
			m = append(m, x)
		}
		sortZMembers(m)
		lo := max(0, len(m)-1200)
		for _, x := range slices.Clone(m[lo:]) {
			require.True(t, tr.delete(x))
			delete(in, x.Score)
		}
		m = m[:lo]
		checkTree(t, &tr)
	}
	all := []ZMember{}
	tr.ascend(0, func(x ZMember) bool { all = append(all, x); return true })
	require.Equal(t, append([]ZMember{}, m...), all)
}

// TestZTreeBorrowLeft builds the case where the last child of the root
// underflows next to a crowded left sibling, which must hand it children.
func TestZTreeBorrowLeft(t *testing.T) {
	per := zBuildFill * (zNodeMax * 3 / 4) // elements under one bulk-built node
	var m zmodel
	for i := range per * 5 {
		m = append(m, ZMember{fmt.Sprintf("%08d", i), float64(i * 100)})
	}
	tr := buildTree(m)
	require.Len(t, tr.root.kids, 5)
	// Crowd the fourth child: 17 more elements in each of its first leaves
	// split them, adding children without splitting the node.
	for leaf := range 12 {
		base := (3*per + leaf*zBuildFill) * 100
		for k := 1; k <= 17; k++ {
			x := ZMember{fmt.Sprintf("x%d", base+k), float64(base + k)}
			tr.insert(x)
			m.insert(x)
		}
	}
	require.Greater(t, len(tr.root.kids[3].kids), zNodeMax-zNodeMin)
	// Drain the last child from the top.
	for len(m) > 4*per+12*17+50 {
		require.True(t, tr.delete(m[len(m)-1]))
		m = m[:len(m)-1]
	}
	checkTree(t, &tr)
	all := []ZMember{}
	tr.ascend(0, func(x ZMember) bool { all = append(all, x); return true })
	require.Equal(t, append([]ZMember{}, m...), all)
}
