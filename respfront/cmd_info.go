package respfront

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/config"
)

// infoSection is one section of INFO: its name, as INFO takes it, and what
// writes its "field:value" lines.
type infoSection struct {
	name, title string
	gen         func(x *Ctx, b *infoBuilder)
}

// infoSections are INFO's sections in Redis's order
// (https://redis.io/docs/latest/commands/info/). Every one is in "default",
// "all" and "everything": the server keeps no commandstats or latencystats.
var infoSections = []infoSection{
	{"server", "Server", infoServer},
	{"clients", "Clients", infoClients},
	{"memory", "Memory", infoMemory},
	{"persistence", "Persistence", infoPersistence},
	{"stats", "Stats", infoStats},
	{"replication", "Replication", infoReplication},
	{"cpu", "CPU", infoCPU},
	{"modules", "Modules", func(*Ctx, *infoBuilder) {}},
	{"cluster", "Cluster", func(_ *Ctx, b *infoBuilder) { b.field("cluster_enabled", "0") }},
	{"keyspace", "Keyspace", infoKeyspace},
}

// infoBuilder accumulates INFO's text: "# Title" headers and
// "field:value" lines, CRLF terminated, a blank line between sections.
type infoBuilder struct{ strings.Builder }

func (b *infoBuilder) field(name string, v any) {
	fmt.Fprintf(b, "%s:%v\r\n", name, v)
}

// cmdInfo implements INFO [section ...]: the sections asked for (none:
// "default"; "all" and "everything": every section), in Redis's order, as
// a bulk string (RESP3: a verbatim string). Unknown sections are ignored.
// It runs under the engine lock, which the keyspace section needs.
func cmdInfo(x *Ctx) {
	want := map[string]bool{}
	all := len(x.Args) == 1
	for _, a := range x.Args[1:] {
		switch s := strings.ToLower(string(a)); s {
		case "default", "all", "everything":
			all = true
		default:
			want[s] = true
		}
	}
	var b infoBuilder
	for _, s := range infoSections {
		if !all && !want[s.name] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + s.title + "\r\n")
		s.gen(x, &b)
	}
	x.W.Verbatim(b.String())
}

// runID returns the server's run id: 40 random hex digits, fixed for the
// server's life.
func (s *Server) runID() string {
	s.admin.runOnce.Do(func() {
		var r [20]byte
		_, _ = rand.Read(r[:])
		s.admin.runID = hex.EncodeToString(r[:])
	})
	return s.admin.runID
}

// configInt returns an integer setting of Options.Config, or def.
func (s *Server) configInt(name string, def int64) int64 {
	for _, kv := range s.configGetExact(name) {
		if n, err := strconv.ParseInt(kv[1], 10, 64); err == nil {
			return n
		}
	}
	return def
}

// configBytes returns a memory setting of Options.Config in bytes, or 0.
func (s *Server) configBytes(name string) int64 {
	for _, kv := range s.configGetExact(name) {
		if n, err := config.ParseBytes(kv[1]); err == nil {
			return n
		}
	}
	return 0
}

func infoServer(x *Ctx, b *infoBuilder) {
	s := x.Conn.srv
	now := time.Now()
	up := int64(now.Sub(s.start) / time.Second)
	port := 0
	if a, ok := x.Conn.nc.LocalAddr().(*net.TCPAddr); ok {
		port = a.Port
	}
	exe, _ := os.Executable()
	hz := s.configInt("hz", 10)
	b.field("redis_version", RedisVersion)
	b.field("redis_git_sha1", "00000000")
	b.field("redis_git_dirty", 0)
	b.field("redis_build_id", "0")
	b.field("redis_mode", "standalone")
	b.field("os", osName())
	b.field("arch_bits", strconv.IntSize)
	b.field("multiplexing_api", "go")
	b.field("process_id", os.Getpid())
	b.field("process_supervised", "no")
	b.field("run_id", s.runID())
	b.field("tcp_port", port)
	b.field("server_time_usec", now.UnixMicro())
	b.field("uptime_in_seconds", up)
	b.field("uptime_in_days", up/86400)
	b.field("hz", hz)
	b.field("configured_hz", hz)
	b.field("executable", exe)
	b.field("config_file", "")
	b.field("io_threads_active", 0)
}

// osName formats the OS as Redis's uname-based "Linux x86_64" (without the
// kernel release).
func osName() string {
	name := runtime.GOOS
	if name == "linux" {
		name = "Linux"
	} else if name == "darwin" {
		name = "Darwin"
	}
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	}
	return name + " " + arch
}

func infoClients(x *Ctx, b *infoBuilder) {
	s := x.Conn.srv
	s.mu.Lock()
	n, maxc := len(s.conns), s.opts.MaxClients
	s.mu.Unlock()
	b.field("connected_clients", n)
	b.field("cluster_connections", 0)
	b.field("maxclients", maxc)
	b.field("client_recent_max_input_buffer", 0)
	b.field("client_recent_max_output_buffer", 0)
	b.field("blocked_clients", s.eng.Stats.BlockedNow.Load())
	b.field("tracking_clients", 0)
	b.field("clients_in_timeout_table", 0)
}

// bytesToHuman formats n as Redis's bytesToHuman: 1023B, 1.50K, 2.00M...
func bytesToHuman(n uint64) string {
	if n < 1024 {
		return strconv.FormatUint(n, 10) + "B"
	}
	d := float64(n)
	for _, unit := range []string{"K", "M", "G", "T", "P"} {
		d /= 1024
		if d < 1024 || unit == "P" {
			return strconv.FormatFloat(d, 'f', 2, 64) + unit
		}
	}
	return ""
}

// rssBytes returns the resident set size from /proc (Linux), or Go's
// memory obtained from the OS elsewhere.
func rssBytes(m *runtime.MemStats) uint64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				return pages * uint64(os.Getpagesize())
			}
		}
	}
	return m.Sys - m.HeapReleased
}

func infoMemory(x *Ctx, b *infoBuilder) {
	s := x.Conn.srv
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	used := m.HeapAlloc
	peak := s.admin.peakMem.Load()
	for used > peak && !s.admin.peakMem.CompareAndSwap(peak, used) {
		peak = s.admin.peakMem.Load()
	}
	peak = max(peak, used)
	rss := rssBytes(&m)
	maxmem := uint64(s.configBytes("maxmemory"))
	b.field("used_memory", used)
	b.field("used_memory_human", bytesToHuman(used))
	b.field("used_memory_rss", rss)
	b.field("used_memory_rss_human", bytesToHuman(rss))
	b.field("used_memory_peak", peak)
	b.field("used_memory_peak_human", bytesToHuman(peak))
	b.field("used_memory_peak_perc", fmt.Sprintf("%.2f%%", 100*float64(used)/float64(peak)))
	b.field("maxmemory", maxmem)
	b.field("maxmemory_human", bytesToHuman(maxmem))
	b.field("maxmemory_policy", "noeviction")
	b.field("mem_fragmentation_ratio", fmt.Sprintf("%.2f", float64(rss)/float64(max(used, 1))))
	b.field("mem_allocator", "go")
}

func infoPersistence(x *Ctx, b *infoBuilder) {
	if p := x.Conn.srv.opts.Persistence; p != nil {
		for _, kv := range p.Info(x.Tx) {
			b.field(kv[0], kv[1])
		}
		return
	}
	b.field("loading", 0)
	b.field("async_loading", 0)
	b.field("rdb_changes_since_last_save", x.Tx.ChangesSinceSave())
	b.field("rdb_bgsave_in_progress", 0)
	b.field("rdb_last_save_time", x.Conn.srv.start.Unix())
	b.field("rdb_last_bgsave_status", "ok")
	b.field("rdb_last_bgsave_time_sec", -1)
	b.field("rdb_current_bgsave_time_sec", -1)
	b.field("aof_enabled", 0)
	b.field("aof_rewrite_in_progress", 0)
	b.field("aof_rewrite_scheduled", 0)
	b.field("aof_last_bgrewrite_status", "ok")
	b.field("aof_last_write_status", "ok")
}

func infoStats(x *Ctx, b *infoBuilder) {
	s := x.Conn.srv
	st := &s.eng.Stats
	b.field("total_connections_received", s.stats.connsReceived.Load())
	b.field("total_commands_processed", s.stats.commands.Load())
	b.field("instantaneous_ops_per_sec", 0)
	b.field("total_net_input_bytes", s.stats.netIn.Load())
	b.field("total_net_output_bytes", s.stats.netOut.Load())
	b.field("instantaneous_input_kbps", "0.00")
	b.field("instantaneous_output_kbps", "0.00")
	b.field("rejected_connections", s.stats.rejected.Load())
	b.field("expired_keys", st.ExpiredKeys.Load())
	b.field("evicted_keys", st.EvictedKeys.Load())
	b.field("keyspace_hits", st.KeyspaceHits.Load())
	b.field("keyspace_misses", st.KeyspaceMiss.Load())
	b.field("pubsub_channels", s.eng.Hub.Len(broker.SubChannel))
	b.field("pubsub_patterns", s.eng.Hub.Len(broker.SubPattern))
	b.field("pubsubshard_channels", s.eng.Hub.Len(broker.SubShard))
}

func infoReplication(x *Ctx, b *infoBuilder) {
	b.field("role", "master")
	b.field("connected_slaves", 0)
	b.field("master_failover_state", "no-failover")
	b.field("master_replid", x.Conn.srv.runID())
	b.field("master_replid2", strings.Repeat("0", 40))
	b.field("master_repl_offset", 0)
	b.field("second_repl_offset", -1)
	b.field("repl_backlog_active", 0)
	b.field("repl_backlog_size", 1048576)
	b.field("repl_backlog_first_byte_offset", 0)
	b.field("repl_backlog_histlen", 0)
}

// cpuSeconds returns the process's system and user CPU time from /proc
// (Linux; elsewhere 0), in seconds.
func cpuSeconds() (sys, user float64) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, 0
	}
	// Fields after the command name, which is in parentheses: state is
	// field 3, utime 14 and stime 15, in clock ticks (USER_HZ, 100).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return st / 100, ut / 100
}

func infoCPU(_ *Ctx, b *infoBuilder) {
	sys, user := cpuSeconds()
	b.field("used_cpu_sys", fmt.Sprintf("%.6f", sys))
	b.field("used_cpu_user", fmt.Sprintf("%.6f", user))
	b.field("used_cpu_sys_children", "0.000000")
	b.field("used_cpu_user_children", "0.000000")
}

// infoKeyspace writes "dbN:keys=K,expires=E,avg_ttl=0" for every non-empty
// database. Keys not yet reclaimed after expiring are counted, as Redis
// counts them.
func infoKeyspace(x *Ctx, b *infoBuilder) {
	for i := 0; i < broker.NumDBs; i++ {
		db := x.Tx.DB(i)
		if n := db.Len(); n > 0 {
			b.field("db"+strconv.Itoa(i), fmt.Sprintf("keys=%d,expires=%d,avg_ttl=0", n, db.ExpiresLen()))
		}
	}
}
