package broker_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/broker"
)

// TestPFAddMatchesRedis compares whole values with redis-server 7.0.15's:
// "e0".."e<n-1>" added in PFADDs of 500 elements, then PFCOUNT (which
// stores the cached cardinality), then the SHA-1 of the value.
func TestPFAddMatchesRedis(t *testing.T) {
	for _, c := range []struct {
		n        int
		encoding string
		size     int
		count    int64
		sha1     string
	}{
		{1, "sparse", 21, 1, "51035499f1dbfe14dcf6698e0c2a96cf70259a4f"},
		{3, "sparse", 27, 3, "8afe2d9c9c5c61413e649b5c99da83a60e56032c"},
		{10, "sparse", 48, 10, "6a449b9f8f4f73ea34153157833b9e4e3ccf50d6"},
		{100, "sparse", 285, 100, "10284d924957df904fe939f436df8ee09605b6ef"},
		{1000, "sparse", 1906, 1008, "5b90d5bb9790139af3f5b0b6e8ffc2ab1fcc86da"},
		{2000, "dense", 12304, 2000, "683f7fda3b42d2dbc42371094fe33dfcca528e46"},
		{5000, "dense", 12304, 4968, "96a367e68466cf15738f8f4dbb54a5c87e55a814"},
		{20000, "dense", 12304, 19901, "ffcb2f620f6f5388057b499b27d936438b668ab0"},
		{100000, "dense", 12304, 100853, "963e6cee79a81da7857234caac0f76085c89dd79"},
	} {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			e, _ := newEngine(t)
			in(e, func(_ *broker.Tx, db *broker.DB) {
				var batch [][]byte
				flush := func() {
					_, err := db.PFAdd("h", batch)
					require.NoError(t, err)
					batch = batch[:0]
				}
				for i := 0; i < c.n; i++ {
					batch = append(batch, []byte(fmt.Sprintf("e%d", i)))
					if len(batch) == 500 {
						flush()
					}
				}
				if len(batch) > 0 {
					flush()
				}
				d, err := db.HLLDebug("h")
				require.NoError(t, err)
				require.Equal(t, c.encoding, d.Encoding())
				n, err := db.PFCount([]string{"h"})
				require.NoError(t, err)
				require.Equal(t, c.count, n)
				v, _, _ := db.GetString("h")
				require.Len(t, v, c.size)
				sum := sha1.Sum(v)
				require.Equal(t, c.sha1, hex.EncodeToString(sum[:]))
			})
		})
	}
}
