package dict

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSetGetDelete(t *testing.T) {
	d := New[int]()
	for i := 0; i < 1000; i++ {
		require.True(t, d.Set(fmt.Sprint(i), i))
	}
	require.False(t, d.Set("5", 50))
	v, ok := d.Get("5")
	require.True(t, ok)
	require.Equal(t, 50, v)
	require.Equal(t, 1000, d.Len())
	for i := 0; i < 1000; i += 2 {
		_, ok := d.Delete(fmt.Sprint(i))
		require.True(t, ok)
	}
	_, ok = d.Delete("0")
	require.False(t, ok)
	require.Equal(t, 500, d.Len())
	_, ok = d.Get("2")
	require.False(t, ok)
	_, ok = d.Get("3")
	require.True(t, ok)
}

// TestScanGuarantee checks Redis's SCAN promise: every key present for the
// whole iteration is returned, while other keys are added and removed and the
// table grows and shrinks between calls.
func TestScanGuarantee(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	for round := 0; round < 50; round++ {
		d := New[struct{}]()
		stable := map[string]bool{}
		for i := 0; i < r.IntN(300); i++ {
			k := fmt.Sprintf("s%d", i)
			d.Set(k, struct{}{})
			stable[k] = false
		}
		churn := 0
		cursor := uint64(0)
		for {
			cursor = d.Scan(cursor, func(k string, _ struct{}) {
				if _, ok := stable[k]; ok {
					stable[k] = true
				}
			})
			// Grow or shrink the table with keys that are not stable.
			if r.IntN(2) == 0 {
				for i := 0; i < r.IntN(200); i++ {
					d.Set(fmt.Sprintf("c%d", churn), struct{}{})
					churn++
				}
			} else {
				for i := 0; i < churn; i++ {
					d.Delete(fmt.Sprintf("c%d", i))
				}
			}
			if cursor == 0 {
				break
			}
		}
		for k, seen := range stable {
			require.True(t, seen, "key %s missed (seed %d)", k, seed)
		}
	}
}

func TestRandom(t *testing.T) {
	d := New[int]()
	_, _, ok := d.Random()
	require.False(t, ok)
	d.Set("a", 1)
	d.Set("b", 2)
	seen := map[string]bool{}
	for i := 0; i < 200 && len(seen) < 2; i++ {
		k, _, ok := d.Random()
		require.True(t, ok)
		seen[k] = true
	}
	require.Len(t, seen, 2)
}

func BenchmarkSetGet(b *testing.B) {
	d := New[int]()
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("key:%d", i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i&(len(keys)-1)]
		d.Set(k, i)
		d.Get(k)
	}
}
