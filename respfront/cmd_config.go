package respfront

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// ConfigSetter is implemented by a ConfigSource that CONFIG SET may change
// (internal/config.Config does). Set validates and stores one setting and
// returns an error prefixed by the setting's name ("maxclients: ...").
type ConfigSetter interface {
	Set(name string, args []string) error
}

// adminState is the Server's state for the server and connection commands.
type adminState struct {
	// cfgMu serializes CONFIG GET and SET on Options.Config, which is not
	// safe for concurrent use. A leaf lock.
	cfgMu sync.Mutex
	// pass is requirepass as CONFIG SET changed it; nil means
	// Options.RequirePass.
	pass    atomic.Pointer[string]
	peakMem atomic.Uint64 // INFO used_memory_peak, in bytes
	runOnce sync.Once
	runID   string // INFO run_id, 40 random hex digits
}

// requirePass returns the password AUTH requires ("" for none). Safe from
// any goroutine.
func (s *Server) requirePass() string {
	if p := s.admin.pass.Load(); p != nil {
		return *p
	}
	return s.opts.RequirePass
}

// runtimeSetting is a setting CONFIG SET may change while running, with
// Redis's integer bounds (when max > min) and what applies it to this front
// (nil: the new value is recorded, CONFIG GET shows it, and the parts that
// read the configuration use it).
type runtimeSetting struct {
	min, max int64
	apply    func(s *Server, val string)
}

// runtimeSettings are the settings CONFIG SET accepts. The other settings
// of Options.Config are refused as immutable (dir as protected), as Redis
// refuses its own.
var runtimeSettings = map[string]runtimeSetting{
	"requirepass": {apply: func(s *Server, v string) { s.admin.pass.Store(&v) }},
	"maxclients": {min: 1, max: 4294967295, apply: func(s *Server, v string) {
		n, _ := strconv.Atoi(v)
		s.mu.Lock()
		s.opts.MaxClients = n
		s.mu.Unlock()
	}},
	"timeout":                           {min: 0, max: 2147483647},
	"tcp-keepalive":                     {min: 0, max: 2147483647},
	"hz":                                {min: 0, max: 2147483647},
	"loglevel":                          {},
	"maxmemory":                         {},
	"proto-max-bulk-len":                {},
	"client-query-buffer-limit":         {},
	"client-output-buffer-limit-pubsub": {},
	"save":                              {apply: configurePersistence("save")},
	"rdbcompression":                    {apply: configurePersistence("rdbcompression")},
	"rdb-key-save-delay":                {min: -2147483648, max: 2147483647, apply: configurePersistence("rdb-key-save-delay")},
}

// configurePersistence applies a persistence setting to the manager.
func configurePersistence(name string) func(s *Server, val string) {
	return func(s *Server, val string) {
		if p := s.opts.Persistence; p != nil {
			p.Configure(name, val)
		}
	}
}

func configSubcommands() []*Command {
	return []*Command{
		{Name: "get", Handler: cmdConfigGet, Arity: -3, Flags: NoLock | Admin, Since: "2.0.0", Summary: "Returns the effective values of configuration parameters."},
		{Name: "set", Handler: cmdConfigSet, Arity: -4, Flags: NoLock | Admin, Since: "2.0.0", Summary: "Sets configuration parameters in-flight."},
		{Name: "resetstat", Handler: cmdConfigResetStat, Arity: 2, Flags: NoLock | Admin, Since: "2.0.0", Summary: "Resets the server's statistics."},
		{Name: "rewrite", Handler: cmdConfigRewrite, Arity: 2, Flags: NoLock | Admin, Since: "2.8.0", Summary: "Persists the effective configuration to file."},
		{Name: "help", Handler: cmdConfigHelp, Arity: 2, Flags: NoLock, Since: "5.0.0", Summary: "Returns helpful text about the different subcommands."},
	}
}

// configGet returns the settings matching pattern, under cfgMu.
func (s *Server) configGet(pattern string) [][2]string {
	if s.opts.Config == nil {
		return nil
	}
	s.admin.cfgMu.Lock()
	defer s.admin.cfgMu.Unlock()
	return s.opts.Config.Get(pattern)
}

// cmdConfigGet implements CONFIG GET pattern [pattern ...]: a map (RESP2: a
// flat array) of every matching setting, each once. A name given without
// glob characters is echoed as typed, as Redis does.
func cmdConfigGet(x *Ctx) {
	var out [][2]string
	seen := map[string]bool{}
	for _, a := range x.Args[2:] {
		pat := string(a)
		exact := !strings.ContainsAny(pat, "*?[")
		for _, kv := range x.Conn.srv.configGet(pat) {
			if seen[kv[0]] {
				continue
			}
			seen[kv[0]] = true
			if exact {
				kv[0] = pat
			}
			out = append(out, kv)
		}
	}
	x.W.Map(len(out))
	for _, kv := range out {
		x.W.BulkString(kv[0])
		x.W.BulkString(kv[1])
	}
}

// cmdConfigSet implements CONFIG SET name value [name value ...]
// (https://redis.io/docs/latest/commands/config-set/): every setting is
// checked first (unknown, immutable, duplicate), then all are set, and a
// value that fails validation rolls back the ones already set.
func cmdConfigSet(x *Ctx) {
	args := x.Args[2:]
	if len(args)%2 != 0 {
		x.SyntaxErr()
		return
	}
	s := x.Conn.srv
	setter, _ := s.opts.Config.(ConfigSetter)
	fail := func(name, why string) {
		x.W.Error(fmt.Sprintf("ERR CONFIG SET failed (possibly related to argument '%s') - %s", name, why))
	}
	names := make([]string, 0, len(args)/2)
	var errName, errWhy string
	for i := 0; i < len(args); i += 2 {
		typed := string(args[i])
		name := strings.ToLower(typed)
		if len(s.configGetExact(name)) == 0 {
			if errWhy == "" {
				x.W.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + typed + "'")
				return
			}
			continue
		}
		if errWhy != "" {
			continue
		}
		if _, ok := runtimeSettings[name]; !ok || setter == nil {
			errName, errWhy = typed, "can't set immutable config"
			if name == "dir" || name == "dbfilename" {
				errWhy = "can't set protected config"
			}
			continue
		}
		for _, n := range names {
			if n == name {
				errName, errWhy = typed, "duplicate parameter"
			}
		}
		names = append(names, name)
	}
	if errWhy != "" {
		fail(errName, errWhy)
		return
	}
	for i, name := range names {
		rs := runtimeSettings[name]
		if rs.max > rs.min {
			n, err := strconv.ParseInt(string(args[2*i+1]), 10, 64)
			if err == nil && (n < rs.min || n > rs.max) {
				fail(string(args[2*i]), fmt.Sprintf("argument must be between %d and %d inclusive", rs.min, rs.max))
				return
			}
		}
	}
	s.admin.cfgMu.Lock()
	old := make([]string, len(names))
	for i, name := range names {
		old[i] = s.opts.Config.Get(name)[0][1]
	}
	for i, name := range names {
		if err := setter.Set(name, []string{string(args[2*i+1])}); err != nil {
			for j := 0; j < i; j++ {
				_ = setter.Set(names[j], []string{old[j]})
			}
			s.admin.cfgMu.Unlock()
			fail(string(args[2*i]), configErrText(name, err))
			return
		}
	}
	vals := make([]string, len(names))
	for i, name := range names {
		vals[i] = s.opts.Config.Get(name)[0][1]
	}
	s.admin.cfgMu.Unlock()
	for i, name := range names {
		if apply := runtimeSettings[name].apply; apply != nil {
			apply(s, vals[i])
		}
	}
	x.W.OK()
}

// configGetExact returns the setting named exactly name, if any.
func (s *Server) configGetExact(name string) [][2]string {
	var out [][2]string
	for _, kv := range s.configGet(name) {
		if kv[0] == name {
			out = append(out, kv)
		}
	}
	return out
}

// configErrText turns a ConfigSetter error ("name: why") into Redis's
// wording of why.
func configErrText(name string, err error) string {
	why := strings.TrimPrefix(err.Error(), name+": ")
	if rest, ok := strings.CutPrefix(why, "argument must be one of "); ok {
		why = "argument(s) must be one of the following: " + rest
	}
	return why
}

// cmdConfigResetStat implements CONFIG RESETSTAT: the counters INFO stats
// reports go back to zero.
func cmdConfigResetStat(x *Ctx) {
	s := x.Conn.srv
	s.stats.connsReceived.Store(0)
	s.stats.commands.Store(0)
	s.stats.rejected.Store(0)
	s.stats.netIn.Store(0)
	s.stats.netOut.Store(0)
	st := &s.eng.Stats
	st.ExpiredKeys.Store(0)
	st.EvictedKeys.Store(0)
	st.KeyspaceHits.Store(0)
	st.KeyspaceMiss.Store(0)
	s.admin.peakMem.Store(0)
	x.W.OK()
}

// cmdConfigRewrite implements CONFIG REWRITE. The front does not know the
// configuration file, so it answers as Redis does without one.
func cmdConfigRewrite(x *Ctx) {
	x.W.Error("ERR The server is running without a config file")
}

func cmdConfigHelp(x *Ctx) {
	writeHelp(x, "CONFIG",
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.",
	)
}

// writeHelp writes a container's HELP reply as Redis's addReplyHelp does:
// a header line, the given lines, then HELP itself, as simple strings.
func writeHelp(x *Ctx, name string, lines ...string) {
	x.W.Array(len(lines) + 3)
	x.W.Simple(name + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		x.W.Simple(l)
	}
	x.W.Simple("HELP")
	x.W.Simple("    Prints this help.")
}
