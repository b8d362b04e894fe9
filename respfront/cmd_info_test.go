package respfront_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// infoText returns INFO's reply for args.
func infoText(t *testing.T, c *redis.Client, args ...any) string {
	t.Helper()
	s, err := c.Do(ctx, append([]any{"INFO"}, args...)...).Text()
	require.NoError(t, err)
	return s
}

// infoFields returns the "field:value" lines of INFO sections.
func infoFields(t *testing.T, c *redis.Client, sections ...any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(infoText(t, c, sections...), "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

// infoHeaders returns the section titles of an INFO reply.
func infoHeaders(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\r\n") {
		if h, ok := strings.CutPrefix(line, "# "); ok {
			out = append(out, h)
		}
	}
	return out
}

func TestInfoSections(t *testing.T) {
	c := client(t)
	all := []string{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules", "Cluster", "Keyspace"}
	for _, args := range [][]any{{}, {"default"}, {"all"}, {"EVERYTHING"}, {"server", "all"}} {
		require.Equal(t, all, infoHeaders(infoText(t, c, args...)), "%v", args)
	}
	require.Equal(t, []string{"Server"}, infoHeaders(infoText(t, c, "server")))
	// Several sections, in INFO's order whatever the order asked.
	require.Equal(t, []string{"Clients", "Keyspace"}, infoHeaders(infoText(t, c, "keyspace", "CLIENTS", "nosuch")))
	require.Equal(t, "", infoText(t, c, "nosuch"))

	// The text layout: CRLF lines, a blank line between sections.
	s := infoText(t, c, "clients", "cluster")
	require.Regexp(t, `^# Clients\r\n(\w+:\S*\r\n)+\r\n# Cluster\r\ncluster_enabled:0\r\n$`, s)
}

func TestInfoRESP3Verbatim(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	require.Regexp(t, `^\$\d+\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n$`, r.Do("INFO", "cluster"))
	r.Do("HELLO", "3")
	require.Equal(t, "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n", r.Do("INFO", "cluster"))
	require.Equal(t, "=4\r\ntxt:\r\n", r.Do("INFO", "nosuch"))
}

func TestInfoServer(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	f := infoFields(t, c, "server")
	require.Equal(t, "7.0.15", f["redis_version"])
	require.Equal(t, "standalone", f["redis_mode"])
	require.Equal(t, strconv.Itoa(strconv.IntSize), f["arch_bits"])
	require.Equal(t, addr[strings.LastIndexByte(addr, ':')+1:], f["tcp_port"])
	require.Equal(t, "10", f["hz"])
	require.Regexp(t, `^[0-9a-f]{40}$`, f["run_id"])
	require.Equal(t, f["run_id"], infoFields(t, c, "server")["run_id"])
	require.Equal(t, "0", f["uptime_in_days"])
	up, err := strconv.Atoi(f["uptime_in_seconds"])
	require.NoError(t, err)
	require.GreaterOrEqual(t, up, 0)
	require.NotEmpty(t, f["process_id"])
	require.NotEmpty(t, f["os"])
	require.Contains(t, f, "executable")
	require.Contains(t, f, "config_file")

	// go-redis parses it.
	m, err := c.InfoMap(ctx, "server").Result()
	require.NoError(t, err)
	require.Equal(t, "7.0.15", m["Server"]["redis_version"])
}

func TestInfoClients(t *testing.T) {
	addr := start(t)
	c := testutil.Client(t, addr, 2)
	require.Equal(t, "1", infoFields(t, c, "clients")["connected_clients"])
	require.Equal(t, "10000", infoFields(t, c, "clients")["maxclients"])
	blocker := testutil.DialRaw(t, addr)
	blocker.Send(testutil.Encode("BLPOP", "q", "0"))
	require.Eventually(t, func() bool { return infoFields(t, c, "clients")["blocked_clients"] == "1" }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, "2", infoFields(t, c, "clients")["connected_clients"])
	mustDo(t, c, int64(1), "RPUSH", "q", "x")
	require.Equal(t, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n", blocker.Read())
	require.Equal(t, "0", infoFields(t, c, "clients")["blocked_clients"])
}

func TestInfoMemory(t *testing.T) {
	c := client(t)
	f := infoFields(t, c, "memory")
	used, err := strconv.ParseUint(f["used_memory"], 10, 64)
	require.NoError(t, err)
	require.Positive(t, used)
	human := regexp.MustCompile(`^\d+(B|\.\d\d[KMGTP])$`)
	for _, k := range []string{"used_memory_human", "used_memory_rss_human", "used_memory_peak_human", "maxmemory_human"} {
		require.Regexp(t, human, f[k], k)
	}
	peak, err := strconv.ParseUint(f["used_memory_peak"], 10, 64)
	require.NoError(t, err)
	require.GreaterOrEqual(t, peak, used)
	require.Equal(t, "0", f["maxmemory"])
	require.Equal(t, "0B", f["maxmemory_human"])
	require.Equal(t, "go", f["mem_allocator"])
	mustDo(t, c, "OK", "CONFIG", "SET", "maxmemory", "100mb")
	require.Equal(t, "104857600", infoFields(t, c, "memory")["maxmemory"])
	require.Equal(t, "100.00M", infoFields(t, c, "memory")["maxmemory_human"])
}

func TestInfoStats(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	require.Equal(t, "+OK\r\n", r.Do("SET", "k", "v"))
	require.Equal(t, "$1\r\nv\r\n", r.Do("GET", "k"))
	require.Equal(t, "$-1\r\n", r.Do("GET", "nope"))
	f := rawInfo(t, r, "stats")
	require.Equal(t, "1", f["keyspace_hits"])
	require.Equal(t, "1", f["keyspace_misses"])
	require.Equal(t, "1", f["total_connections_received"])
	require.Equal(t, "3", f["total_commands_processed"]) // SET, GET, GET; INFO counts once done
	// Every byte of the four commands was read; the replies before INFO's
	// were written.
	sent := len(testutil.Encode("SET", "k", "v")) + len(testutil.Encode("GET", "k")) +
		len(testutil.Encode("GET", "nope")) + len(testutil.Encode("INFO", "stats"))
	require.Equal(t, strconv.Itoa(sent), f["total_net_input_bytes"])
	require.Equal(t, strconv.Itoa(len("+OK\r\n$1\r\nv\r\n$-1\r\n")), f["total_net_output_bytes"])
	require.Equal(t, "0", f["rejected_connections"])
	require.Equal(t, "0", f["expired_keys"])

	// Pub/sub counts come from the hub.
	sub := testutil.DialRaw(t, addr)
	sub.Do("SUBSCRIBE", "a")
	sub.Do("SUBSCRIBE", "b")
	sub.Do("PSUBSCRIBE", "p*")
	f = rawInfo(t, r, "stats")
	require.Equal(t, "2", f["pubsub_channels"])
	require.Equal(t, "1", f["pubsub_patterns"])
	require.Equal(t, "2", f["total_connections_received"])

	// Commands inside EXEC count one by one, as in Redis.
	require.Equal(t, "+OK\r\n", r.Do("CONFIG", "RESETSTAT"))
	r.Do("MULTI")
	r.Do("GET", "k")
	r.Do("GET", "k")
	r.Do("EXEC")
	require.Equal(t, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n", r.Do("NOSUCH"))
	// RESETSTAT, MULTI, the 2 queued GETs when EXEC runs them, EXEC; not
	// the refused NOSUCH.
	require.Equal(t, "5", rawInfo(t, r, "stats")["total_commands_processed"])
}

// rawInfo runs INFO on a raw RESP2 connection and returns its fields.
func rawInfo(t *testing.T, r *testutil.Raw, sections ...string) map[string]string {
	t.Helper()
	s := r.Do(append([]string{"INFO"}, sections...)...)
	out := map[string]string{}
	for _, line := range strings.Split(s, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

func TestInfoKeyspace(t *testing.T) {
	c := client(t)
	require.Equal(t, "# Keyspace\r\n", infoText(t, c, "keyspace"))
	mustDo(t, c, "OK", "SET", "a", "1")
	mustDo(t, c, "OK", "SET", "b", "1", "EX", "100")
	mustDo(t, c, "OK", "SELECT", "5")
	mustDo(t, c, int64(2), "RPUSH", "l", "x", "y")
	require.Equal(t, "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n", infoText(t, c, "keyspace"))
}

func TestInfoPersistenceReplicationCPU(t *testing.T) {
	c := client(t)
	f := infoFields(t, c, "persistence", "replication", "cpu")
	require.Equal(t, "0", f["loading"])
	require.Equal(t, "master", f["role"])
	require.Equal(t, "0", f["connected_slaves"])
	require.Regexp(t, `^\d+\.\d{6}$`, f["used_cpu_user"])
	require.Regexp(t, `^\d+\.\d{6}$`, f["used_cpu_sys"])
}
