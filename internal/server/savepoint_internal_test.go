package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/config"
)

// TestDueSavePoint: a save point is reached with at least its changes and
// strictly more than its seconds, as in Redis's serverCron.
func TestDueSavePoint(t *testing.T) {
	points, err := config.ParseSavePoints("3600 1 300 100 60 10000")
	require.NoError(t, err)
	for _, c := range []struct {
		changes int64
		since   time.Duration
		want    int64 // seconds of the point reached, 0 for none
	}{
		{0, 10 * time.Hour, 0},
		{1, time.Hour, 0},
		{1, time.Hour + time.Millisecond, 3600},
		{99, 301 * time.Second, 0},
		{100, 301 * time.Second, 300},
		{100, 300 * time.Second, 0},
		{10000, 61 * time.Second, 60},
		{1 << 40, 60 * time.Second, 0},
	} {
		sp, ok := dueSavePoint(points, c.changes, c.since)
		require.Equal(t, c.want != 0, ok, "%+v", c)
		require.Equal(t, c.want, sp.Seconds, "%+v", c)
	}
	sp, ok := dueSavePoint([]config.SavePoint{{Seconds: 1, Changes: 0}}, 0, 2*time.Second)
	require.True(t, ok, "save 1 0 saves even without changes, as in Redis")
	require.Equal(t, int64(1), sp.Seconds)
	_, ok = dueSavePoint(nil, 1<<40, 1<<40)
	require.False(t, ok)
}
