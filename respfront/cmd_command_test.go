package respfront_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

func TestCommandCountAndList(t *testing.T) {
	c := client(t)
	n, err := c.Do(ctx, "COMMAND", "COUNT").Int64()
	require.NoError(t, err)
	all, err := c.Do(ctx, "COMMAND").Slice()
	require.NoError(t, err)
	require.Len(t, all, int(n))
	require.Greater(t, n, int64(20))

	names, err := c.Do(ctx, "COMMAND", "LIST").StringSlice()
	require.NoError(t, err)
	require.Contains(t, names, "get")
	require.Contains(t, names, "client|list")
	require.Contains(t, names, "config|get")
	require.Contains(t, names, "pubsub|numsub")
	require.NotContains(t, names, "pubsub|pubsub|numsub")

	mustDo(t, c, []any{"client|setname", "client|getname"}, "COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT*NAME")
	mustDo(t, c, []any{"multi", "exec", "discard", "watch", "unwatch"}[0:0], "COMMAND", "LIST", "FILTERBY", "MODULE", "x")
	tx, err := c.Do(ctx, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "transaction").StringSlice()
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"multi", "exec", "discard", "watch", "unwatch"}, tx)
	str, err := c.Do(ctx, "COMMAND", "LIST", "FILTERBY", "aclcat", "STRING").StringSlice()
	require.NoError(t, err)
	require.Contains(t, str, "get")
	require.NotContains(t, str, "lpush")
	for _, args := range [][]any{{"foo"}, {"FILTERBY"}, {"FILTERBY", "PATTERN"}, {"FILTERBY", "x", "y"}, {"FILTERBY", "PATTERN", "a", "b"}} {
		mustErr(t, c, "ERR syntax error", append([]any{"COMMAND", "LIST"}, args...)...)
	}
	mustErr(t, c, "ERR wrong number of arguments for 'command|count' command", "COMMAND", "COUNT", "x")
	mustErr(t, c, "ERR unknown subcommand 'foo'. Try COMMAND HELP.", "COMMAND", "foo")
}

func TestCommandInfo(t *testing.T) {
	c := client(t)
	got, err := c.Do(ctx, "COMMAND", "INFO", "get", "nosuch", "CLIENT|list", "mset").Slice()
	require.NoError(t, err)
	require.Len(t, got, 4)
	require.Nil(t, got[1])

	list := got[2].([]any)
	require.Equal(t, "client|list", list[0])
	require.Equal(t, int64(-2), list[1])
	require.Equal(t, []any{"admin", "noscript"}, list[2])
	require.Equal(t, []any{"@admin", "@slow", "@dangerous", "@connection"}, list[6])
	require.Equal(t, []any{}, list[8]) // no key specs
	require.Equal(t, []any{}, list[9]) // no subcommands

	mset := got[3].([]any)
	require.Equal(t, []any{"mset", int64(-3), []any{"write"}, int64(1), int64(-1), int64(2)}, mset[:6])
	require.Equal(t, []any{"@write", "@string", "@slow"}, mset[6])
	spec := mset[8].([]any)[0].([]any)
	require.Equal(t, []any{"type", "range", "spec", []any{"lastkey", int64(-1), "keystep", int64(2), "limit", int64(0)}}, spec[5])

	// A container lists its subcommands.
	cl, err := c.Do(ctx, "COMMAND", "INFO", "client").Slice()
	require.NoError(t, err)
	subs := cl[0].([]any)[9].([]any)
	require.NotEmpty(t, subs)
	require.Equal(t, "client|id", subs[0].([]any)[0])

	// go-redis parses the full COMMAND reply.
	info, err := c.Command(ctx).Result()
	require.NoError(t, err)
	require.Equal(t, int8(2), info["get"].Arity)
	require.True(t, info["get"].ReadOnly)
	require.Equal(t, int8(1), info["get"].FirstKeyPos)
	require.Contains(t, info["blpop"].Flags, "blocking")
}

func TestCommandDocs(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"get", []any{"summary", "Returns the string value of a key.", "since", "1.0.0", "group", "string"}},
		"COMMAND", "DOCS", "get", "nosuch")
	c3 := testutil.Client(t, start(t), 3)
	docs, err := c3.Do(ctx, "COMMAND", "DOCS", "client", "command|count", "lpush", "watch").Result()
	require.NoError(t, err)
	m := docs.(map[any]any)
	client := m["client"].(map[any]any)
	require.Equal(t, "connection", client["group"])
	require.Equal(t, "2.4.0", client["since"])
	subs := client["subcommands"].(map[any]any)
	require.Equal(t, "6.2.0", subs["client|info"].(map[any]any)["since"])
	require.Equal(t, "connection", subs["client|info"].(map[any]any)["group"])
	require.Equal(t, "server", m["command|count"].(map[any]any)["group"])
	require.Equal(t, "list", m["lpush"].(map[any]any)["group"])
	require.Equal(t, "transactions", m["watch"].(map[any]any)["group"])
	all, err := c3.Do(ctx, "COMMAND", "DOCS").Result()
	require.NoError(t, err)
	n, err := c3.Do(ctx, "COMMAND", "COUNT").Int64()
	require.NoError(t, err)
	require.Len(t, all, int(n))

	// RESP3: maps.
	r := testutil.DialRaw(t, start(t))
	r.Do("HELLO", "3")
	require.Equal(t, "%1\r\n$4\r\nping\r\n%3\r\n$7\r\nsummary\r\n$41\r\nReturns the server's liveliness response.\r\n"+
		"$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n", r.Do("COMMAND", "DOCS", "ping"))
}

func TestCommandGetKeys(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{"a"}, "COMMAND", "GETKEYS", "SET", "a", "b")
	mustDo(t, c, []any{"a", "c"}, "COMMAND", "GETKEYS", "mset", "a", "b", "c", "d")
	mustDo(t, c, []any{"a", "b"}, "COMMAND", "GETKEYS", "blpop", "a", "b", "0")
	mustDo(t, c, []any{"a", "b"}, "COMMAND", "GETKEYS", "watch", "a", "b")
	mustDo(t, c, []any{[]any{"a", []any{"RO", "access"}}}, "COMMAND", "GETKEYSANDFLAGS", "get", "a")
	mustErr(t, c, "ERR Invalid command specified", "COMMAND", "GETKEYS", "nosuch", "a")
	mustErr(t, c, "ERR The command has no key arguments", "COMMAND", "GETKEYS", "ping", "x")
	mustErr(t, c, "ERR The command has no key arguments", "COMMAND", "GETKEYS", "client", "list")
	mustErr(t, c, "ERR Invalid number of arguments specified for command", "COMMAND", "GETKEYS", "get", "a", "b")
	mustErr(t, c, "ERR Invalid number of arguments specified for command", "COMMAND", "GETKEYS", "set", "a")
	mustErr(t, c, "ERR wrong number of arguments for 'command|getkeys' command", "COMMAND", "GETKEYS", "get")
}

func TestCommandHelp(t *testing.T) {
	c := client(t)
	help, err := c.Do(ctx, "COMMAND", "HELP").StringSlice()
	require.NoError(t, err)
	require.Equal(t, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0])
	require.Equal(t, "    Prints this help.", help[len(help)-1])
}

// TestCommandDifferential compares COMMAND replies with redis-server's where
// the table carries everything Redis reports, in RESP2 and RESP3.
func TestCommandDifferential(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	script := [][]string{
		{"COMMAND", "INFO", "get"}, {"COMMAND", "INFO", "nosuch", "GET"}, {"COMMAND", "DOCS", "nosuch"},
		{"COMMAND", "foo"}, {"COMMAND", "COUNT", "x"}, {"COMMAND", "LIST", "foo"}, {"COMMAND", "LIST", "FILTERBY"},
		{"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}, {"COMMAND", "GETKEYS"}, {"COMMAND", "GETKEYS", "get"},
		{"COMMAND", "GETKEYS", "get", "a"}, {"COMMAND", "GETKEYS", "get", "a", "b"},
		{"COMMAND", "GETKEYS", "nosuch", "a"}, {"COMMAND", "GETKEYS", "ping", "x"},
		{"COMMAND", "GETKEYS", "client", "list"}, {"COMMAND", "GETKEYS", "mset", "a", "b", "c", "d"},
		{"COMMAND", "GETKEYS", "set", "a"}, {"COMMAND", "GETKEYS", "blpop", "a", "b", "0"},
		{"COMMAND", "GETKEYSANDFLAGS", "get", "k"}, {"COMMAND", "HELP"},
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
