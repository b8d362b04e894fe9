package respfront_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

func TestConfigGet(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"maxclients", "10000"}, "CONFIG", "GET", "maxclients")
	// A name without glob characters is echoed as typed.
	mustDo(t, c, []any{"MAXCLIENTS", "10000"}, "CONFIG", "GET", "MAXCLIENTS")
	mustDo(t, c, []any{"maxclients", "10000", "maxmemory", "0"}, "CONFIG", "GET", "max*")
	// Several patterns; a setting matched twice is reported once.
	mustDo(t, c, []any{"maxclients", "10000", "hz", "10"}, "CONFIG", "GET", "maxclients", "hz", "maxclient?")
	mustDo(t, c, []any{}, "CONFIG", "GET", "nosuch*")
	mustErr(t, c, "ERR wrong number of arguments for 'config|get' command", "CONFIG", "GET")

	// RESP3: a map.
	r := testutil.DialRaw(t, start(t))
	r.Do("HELLO", "3")
	require.Equal(t, "%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", r.Do("CONFIG", "GET", "maxclients"))
	require.Equal(t, "%0\r\n", r.Do("CONFIG", "GET", "nosuch"))
}

func TestConfigSet(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "CONFIG", "SET", "maxclients", "100", "TIMEOUT", "5")
	mustDo(t, c, []any{"timeout", "5", "maxclients", "100"}, "CONFIG", "GET", "timeout", "maxclients")
	mustDo(t, c, "OK", "CONFIG", "SET", "loglevel", "WARNING")
	mustDo(t, c, []any{"loglevel", "warning"}, "CONFIG", "GET", "loglevel")

	for _, tc := range []struct {
		text string
		args []any
	}{
		{"ERR Unknown option or number of arguments for CONFIG SET - 'foo'", []any{"foo", "1"}},
		{"ERR Unknown option or number of arguments for CONFIG SET - 'foo'", []any{"foo", "1", "databases", "1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config", []any{"databases", "1", "foo", "1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config", []any{"dir", "/tmp"}},
		{"ERR CONFIG SET failed (possibly related to argument 'MAXCLIENTS') - duplicate parameter", []any{"maxclients", "1", "MAXCLIENTS", "2"}},
		{"ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer", []any{"maxclients", "x"}},
		{"ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive", []any{"maxclients", "0"}},
		{"ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive", []any{"timeout", "-1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning", []any{"loglevel", "loud"}},
		{"ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value", []any{"maxmemory", "1x"}},
		{"ERR syntax error", []any{"maxclients", "1", "timeout"}},
	} {
		mustErr(t, c, tc.text, append([]any{"CONFIG", "SET"}, tc.args...)...)
	}
	mustErr(t, c, "ERR wrong number of arguments for 'config|set' command", "CONFIG", "SET", "maxclients")
	// A failing value rolls back the settings set before it.
	mustErr(t, c, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value", "CONFIG", "SET", "timeout", "7", "maxmemory", "1x")
	mustDo(t, c, []any{"timeout", "5"}, "CONFIG", "GET", "timeout")
}

func TestConfigSetMaxClientsApplies(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	mustDo(t, c, "OK", "CONFIG", "SET", "maxclients", "1")
	r := testutil.DialRaw(t, addr)
	require.Equal(t, "-ERR max number of clients reached\r\n", r.Read())
	mustDo(t, c, "OK", "CONFIG", "SET", "maxclients", "10")
	r = testutil.DialRaw(t, addr)
	require.Equal(t, "+PONG\r\n", r.Do("PING"))
}

func TestConfigSetRequirePassApplies(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	mustDo(t, c, "OK", "CONFIG", "SET", "requirepass", "s3cret")
	mustDo(t, c, "PONG", "PING") // already authenticated
	r := testutil.DialRaw(t, addr)
	require.Equal(t, "-NOAUTH Authentication required.\r\n", r.Do("GET", "k"))
	require.Equal(t, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", r.Do("AUTH", "nope"))
	require.Equal(t, "+OK\r\n", r.Do("AUTH", "s3cret"))
	require.Equal(t, "$-1\r\n", r.Do("GET", "k"))
	mustDo(t, c, "OK", "CONFIG", "SET", "requirepass", "")
	r = testutil.DialRaw(t, addr)
	require.Equal(t, "$-1\r\n", r.Do("GET", "k"))
}

func TestConfigResetStat(t *testing.T) {
	c := client(t)
	for i := 0; i < 5; i++ {
		mustNil(t, c, "GET", "missing")
	}
	require.Equal(t, "5", infoFields(t, c, "stats")["keyspace_misses"])
	mustDo(t, c, "OK", "CONFIG", "RESETSTAT")
	f := infoFields(t, c, "stats")
	require.Equal(t, "0", f["keyspace_misses"])
	require.Equal(t, "1", f["total_commands_processed"]) // RESETSTAT
	require.Equal(t, "0", f["total_connections_received"])
	mustErr(t, c, "ERR wrong number of arguments for 'config|resetstat' command", "CONFIG", "RESETSTAT", "x")
}

func TestConfigRewriteHelpAndErrors(t *testing.T) {
	c := client(t)
	mustErr(t, c, "ERR The server is running without a config file", "CONFIG", "REWRITE")
	help, err := c.Do(ctx, "CONFIG", "HELP").StringSlice()
	require.NoError(t, err)
	require.Equal(t, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0])
	require.Equal(t, "HELP", help[len(help)-2])
	mustErr(t, c, "ERR unknown subcommand 'foo'. Try CONFIG HELP.", "CONFIG", "foo")
	mustErr(t, c, "ERR wrong number of arguments for 'config' command", "CONFIG")
}

// TestConfigDifferential compares CONFIG's replies for settings both
// servers know with redis-server's, in RESP2 and RESP3.
func TestConfigDifferential(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	script := [][]string{
		{"CONFIG"}, {"CONFIG", "foo"}, {"CONFIG", "GET"}, {"CONFIG", "GET", "maxclients"},
		{"CONFIG", "GET", "MAXCLIENTS"}, {"CONFIG", "GET", "nosuch"}, {"CONFIG", "SET", "maxclients"},
		{"CONFIG", "SET", "maxclients", "100", "timeout"}, {"CONFIG", "SET", "nosuch", "1"},
		{"CONFIG", "SET", "maxclients", "x"}, {"CONFIG", "SET", "maxclients", "0"},
		{"CONFIG", "SET", "timeout", "-1"}, {"CONFIG", "SET", "maxclients", "1", "maxclients", "2"},
		{"CONFIG", "SET", "databases", "2"}, {"CONFIG", "SET", "databases", "2", "nosuch", "1"},
		{"CONFIG", "SET", "nosuch", "1", "databases", "2"}, {"CONFIG", "SET", "dir", "/"},
		{"CONFIG", "SET", "loglevel", "loud"}, {"CONFIG", "SET", "maxmemory", "1x"},
		{"CONFIG", "SET", "maxclients", "500", "timeout", "9"}, {"CONFIG", "GET", "maxclients"},
		{"CONFIG", "GET", "timeout"}, {"CONFIG", "SET", "maxclients", "10000", "timeout", "0"},
		{"CONFIG", "REWRITE"}, {"CONFIG", "RESETSTAT"}, {"CONFIG", "HELP"},
	}
	for _, proto := range []string{"2", "3"} {
		ours := testutil.DialRaw(t, start(t))
		ref := testutil.DialRaw(t, redisAddr)
		ours.Do("HELLO", proto)
		ref.Do("HELLO", proto)
		for _, cmd := range script {
			want := ref.Do(cmd...)
			got := ours.Do(cmd...)
			require.Equal(t, want, got, "RESP%s %q", proto, cmd)
		}
	}
}
