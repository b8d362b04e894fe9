package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSave follows Redis 7.0's setConfigSaveOption: the default until the
// first save directive read, which replaces it; later ones add; "" clears;
// after Seal (CONFIG SET) every Set replaces.
func TestSave(t *testing.T) {
	c := New()
	require.Equal(t, "3600 1 300 100 60 10000", c.Str("save"))
	require.Equal(t, [][2]string{{"save", "3600 1 300 100 60 10000"}}, c.Get("save"))

	require.NoError(t, c.Read(strings.NewReader("save 900 1\nsave 300 10 60 10000\n"), "test.conf"))
	require.Equal(t, "900 1 300 10 60 10000", c.Str("save"))
	points, err := ParseSavePoints(c.Str("save"))
	require.NoError(t, err)
	require.Equal(t, []SavePoint{{900, 1}, {300, 10}, {60, 10000}}, points)

	c = New()
	require.NoError(t, c.ParseArgs([]string{"--save", "60", "1", "--save", "30", "5"}))
	require.Equal(t, "60 1 30 5", c.Str("save"))
	require.NoError(t, c.ParseArgs([]string{"--save", ""}))
	require.Equal(t, "", c.Str("save"))
	require.NoError(t, c.ParseArgs([]string{"--save", "10", "2"}))
	require.Equal(t, "10 2", c.Str("save"), "points after a clear add up again")

	c = New()
	require.NoError(t, c.Read(strings.NewReader("save \"\"\n"), "test.conf"))
	require.Equal(t, "", c.Str("save"))

	c = New()
	c.Seal()
	require.NoError(t, c.Set("save", []string{"60 1 30 5"}))
	require.Equal(t, "60 1 30 5", c.Str("save"))
	require.NoError(t, c.Set("save", []string{"120 3"}))
	require.Equal(t, "120 3", c.Str("save"), "CONFIG SET replaces")

	for _, bad := range []string{"60", "0 1", "1 -1", "a b", "1 2 3", "1.5 2"} {
		err := New().Set("save", strings.Fields(bad))
		require.EqualError(t, err, "save: Invalid save parameters", bad)
	}
}

func TestRDBDirectives(t *testing.T) {
	c := New()
	require.Equal(t, "dump.rdb", c.Str("dbfilename"))
	require.True(t, c.Bool("rdbcompression"))
	require.True(t, c.Bool("rdbchecksum"))
	require.Equal(t, 0, c.Int("rdb-key-save-delay"))
	require.NoError(t, c.ParseArgs([]string{"--dbfilename", "snap.rdb", "--rdbcompression", "no", "--rdbchecksum", "NO"}))
	require.Equal(t, "snap.rdb", c.Str("dbfilename"))
	require.False(t, c.Bool("rdbcompression"))
	require.False(t, c.Bool("rdbchecksum"))
	require.Error(t, c.Set("rdbchecksum", []string{"maybe"}))
	require.EqualError(t, c.Set("dbfilename", []string{"dir/dump.rdb"}), "dbfilename: dbfilename can't be a path, just a filename")
}
