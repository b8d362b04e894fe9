// Package config reads Switchyard's settings the way redis-server does
// (https://redis.io/docs/latest/operate/oss_and_stack/management/config/):
// an optional redis.conf-style file, then directives on the command line as
// `--name value ...`, later ones overriding earlier ones. Every setting is a
// row of the directive table; CONFIG GET reads the same table.
package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/switchyard/switchyard/internal/glob"
)

// Kind is the type of a directive's value.
type Kind int

// Directive value kinds.
const (
	String Kind = iota
	Int
	Bool  // yes|no
	Bytes // 100, 1k, 1kb, 1mb, 1gb (Redis memory units)
	Enum  // one of Directive.Enum
	// Multi is a list of save points that may repeat, as redis.conf's
	// save: the first occurrence read replaces the default, later ones add
	// to it, an empty value clears it; after Seal (CONFIG SET) a Set
	// replaces the whole value.
	Multi
)

// Directive is one row of the settings table.
type Directive struct {
	Name    string
	Kind    Kind
	Default string
	Enum    []string
	Help    string
}

// Directives is the settings table. Names are lower case, as in redis.conf.
var Directives = []Directive{
	{Name: "bind", Kind: String, Default: "127.0.0.1", Help: "address(es) to listen on, space separated"},
	{Name: "port", Kind: Int, Default: "6379", Help: "RESP port; 0 disables"},
	{Name: "requirepass", Kind: String, Default: "", Help: "password for AUTH"},
	{Name: "maxclients", Kind: Int, Default: "10000", Help: "maximum concurrent RESP clients"},
	{Name: "maxmemory", Kind: Bytes, Default: "0", Help: "memory limit in bytes (0: none)"},
	{Name: "databases", Kind: Int, Default: "16", Help: "number of databases (fixed at 16)"},
	{Name: "timeout", Kind: Int, Default: "0", Help: "idle client timeout in seconds (0: never)"},
	{Name: "tcp-keepalive", Kind: Int, Default: "300", Help: "TCP keepalive period in seconds"},
	{Name: "loglevel", Kind: Enum, Default: "notice", Enum: []string{"debug", "verbose", "notice", "warning"}, Help: "log level"},
	{Name: "logfile", Kind: String, Default: "", Help: "log file; empty logs to stderr"},
	{Name: "dir", Kind: String, Default: "./switchyard-data", Help: "working directory for data files"},
	{Name: "client-output-buffer-limit-pubsub", Kind: Bytes, Default: "32mb", Help: "hard output limit of a subscriber"},
	{Name: "client-query-buffer-limit", Kind: Bytes, Default: "1gb", Help: "maximum size of one unfinished command"},
	{Name: "proto-max-bulk-len", Kind: Bytes, Default: "512mb", Help: "maximum bulk string size"},
	{Name: "hz", Kind: Int, Default: "10", Help: "background task frequency (active expiry)"},
	{Name: "appendonly", Kind: Bool, Default: "yes", Help: "log every write to the append-only file"},
	{Name: "appendfsync", Kind: Enum, Default: "everysec", Enum: []string{"always", "everysec", "no"}, Help: "when the AOF is fsynced"},
	{Name: "appendfilename", Kind: String, Default: "appendonly.aof", Help: "base name of the AOF files"},
	{Name: "appenddirname", Kind: String, Default: "appendonlydir", Help: "directory of the AOF files, inside dir"},
	{Name: "aof-load-truncated", Kind: Bool, Default: "yes", Help: "load an AOF whose last command is torn, truncating it"},
	{Name: "auto-aof-rewrite-percentage", Kind: Int, Default: "100", Help: "rewrite the AOF when it grew by this percentage (0: never)"},
	{Name: "auto-aof-rewrite-min-size", Kind: Bytes, Default: "64mb", Help: "minimum AOF size for an automatic rewrite"},
	{Name: "save", Kind: Multi, Default: "3600 1 300 100 60 10000", Help: "snapshot save points: <seconds> <changes> pairs; \"\" disables"},
	{Name: "dbfilename", Kind: String, Default: "dump.rdb", Help: "file name of the RDB snapshot, inside dir"},
	{Name: "rdbcompression", Kind: Bool, Default: "yes", Help: "LZF-compress strings in the RDB snapshot"},
	{Name: "rdbchecksum", Kind: Bool, Default: "yes", Help: "write and verify the RDB snapshot's CRC64 checksum"},
	{Name: "rdb-key-save-delay", Kind: Int, Default: "0", Help: "microseconds to sleep after writing each key of a snapshot (testing aid, as Redis's)"},
	{Name: "amqp-port", Kind: Int, Default: "5672", Help: "AMQP 0-9-1 port; 0 disables"},
	{Name: "nats-port", Kind: Int, Default: "4222", Help: "NATS client port; 0 disables"},
	{Name: "nats-user", Kind: String, Default: "", Help: "NATS CONNECT user (with nats-pass); empty: no user/password authentication"},
	{Name: "nats-pass", Kind: String, Default: "", Help: "NATS CONNECT password"},
	{Name: "nats-token", Kind: String, Default: "", Help: "NATS CONNECT auth_token; empty: no token authentication"},
	{Name: "nats-max-payload", Kind: Bytes, Default: "1mb", Help: "largest NATS message payload (INFO max_payload)"},
	{Name: "nats-max-pending", Kind: Bytes, Default: "64mb", Help: "pending output of a NATS client past which it is disconnected as a slow consumer"},
	{Name: "nats-ping-interval", Kind: Int, Default: "120000", Help: "milliseconds between the server's PINGs to a NATS client"},
	{Name: "nats-max-pings-out", Kind: Int, Default: "2", Help: "unanswered PINGs after which a NATS client is closed as stale"},
	{Name: "nats-link", Kind: Multi, Default: "", Help: "a link to an external NATS server: name url from-queue=q to-subject=s [jetstream=yes] | name url from-subject=s to-exchange=x [routing-key=k] [durable=d] (docs/nats.md)"},
}

// Config is a set of settings. The zero value is not usable; call New.
type Config struct {
	vals   map[string][]string
	read   map[string]bool // Multi directives given at least once while reading
	sealed bool            // set by Seal: a Multi Set replaces the value
}

// New returns a Config holding every default.
func New() *Config {
	c := &Config{vals: map[string][]string{}, read: map[string]bool{}}
	for _, d := range Directives {
		if d.Kind == Multi {
			c.vals[d.Name] = nil
			if d.Default != "" {
				c.vals[d.Name] = []string{d.Default}
			}
			continue
		}
		c.vals[d.Name] = []string{d.Default}
	}
	return c
}

func lookup(name string) (*Directive, bool) {
	for i := range Directives {
		if Directives[i].Name == name {
			return &Directives[i], true
		}
	}
	return nil, false
}

// ErrUnknown is returned for a directive that is not in the table.
var ErrUnknown = errors.New("Bad directive or wrong number of arguments")

// Set applies one directive with its arguments, validating the value.
// It returns an error naming the problem, as redis-server reports it.
func (c *Config) Set(name string, args []string) error {
	name = strings.ToLower(name)
	d, ok := lookup(name)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknown, name)
	}
	val := strings.Join(args, " ")
	if name == "dbfilename" && strings.ContainsAny(val, "/\\") {
		return fmt.Errorf("%s: dbfilename can't be a path, just a filename", name)
	}
	switch d.Kind {
	case Int:
		if len(args) != 1 {
			return fmt.Errorf("%s: wrong number of arguments", name)
		}
		if _, err := strconv.Atoi(val); err != nil {
			return fmt.Errorf("%s: argument couldn't be parsed into an integer", name)
		}
	case Bool:
		v := strings.ToLower(val)
		if v != "yes" && v != "no" {
			return fmt.Errorf("%s: argument must be 'yes' or 'no'", name)
		}
		val = v
	case Bytes:
		if _, err := ParseBytes(val); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
	case Enum:
		v := strings.ToLower(val)
		found := false
		for _, e := range d.Enum {
			found = found || e == v
		}
		if !found {
			return fmt.Errorf("%s: argument must be one of %s", name, strings.Join(d.Enum, ", "))
		}
		val = v
	case Multi:
		if name != "save" {
			// Other repeatable directives (nats-link) accumulate, one
			// value per occurrence.
			if val != "" {
				c.vals[name] = append(c.vals[name], val)
			}
			return nil
		}
		fields := strings.Fields(val)
		if _, err := ParseSavePoints(strings.Join(fields, " ")); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		// Redis's setConfigSaveOption: "" clears; the first occurrence in
		// the files replaces the default; at run time every Set replaces.
		if c.sealed || !c.read[name] || len(fields) == 0 {
			c.vals[name] = nil
			c.read[name] = true
		}
		if len(fields) > 0 {
			c.vals[name] = append(c.vals[name], strings.Join(fields, " "))
		}
		return nil
	}
	c.vals[name] = []string{val}
	return nil
}

// Seal ends the reading of files and command line: from now on a Set of a
// Multi directive replaces its whole value, as CONFIG SET save does.
func (c *Config) Seal() { c.sealed = true }

// SavePoint is one "save <seconds> <changes>" rule: snapshot when at least
// Changes changes happened and more than Seconds seconds passed since the
// last snapshot.
type SavePoint struct {
	Seconds int64
	Changes int64
}

// ParseSavePoints parses save's value, "<seconds> <changes>" pairs
// separated by spaces ("" is none), with Redis's rules: seconds >= 1,
// changes >= 0. The error reads as Redis's ("Invalid save parameters").
func ParseSavePoints(s string) ([]SavePoint, error) {
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return nil, errors.New("Invalid save parameters")
	}
	out := make([]SavePoint, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		sec, err1 := strconv.ParseInt(f[i], 10, 64)
		ch, err2 := strconv.ParseInt(f[i+1], 10, 64)
		if err1 != nil || err2 != nil || sec < 1 || ch < 0 {
			return nil, errors.New("Invalid save parameters")
		}
		out = append(out, SavePoint{Seconds: sec, Changes: ch})
	}
	return out, nil
}

// Str returns a setting's value (Multi: all occurrences joined by spaces).
func (c *Config) Str(name string) string { return strings.Join(c.vals[name], " ") }

// Values returns every occurrence of a Multi setting, in order.
func (c *Config) Values(name string) []string { return append([]string(nil), c.vals[name]...) }

// Int returns an Int setting.
func (c *Config) Int(name string) int { n, _ := strconv.Atoi(c.Str(name)); return n }

// Bool returns a Bool setting.
func (c *Config) Bool(name string) bool { return c.Str(name) == "yes" }

// Bytes returns a Bytes setting in bytes.
func (c *Config) Bytes(name string) int64 { n, _ := ParseBytes(c.Str(name)); return n }

// Get returns name/value pairs of settings matching the glob pattern, sorted
// by name, for CONFIG GET.
func (c *Config) Get(pattern string) [][2]string {
	var out [][2]string
	for name := range c.vals {
		if glob.MatchFold(strings.ToLower(pattern), name) {
			out = append(out, [2]string{name, c.Str(name)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// ParseBytes parses Redis memory units: 1k = 1000, 1kb = 1024, m/mb, g/gb.
func ParseBytes(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mul := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"kb", 1024}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"k", 1000}, {"m", 1000 * 1000}, {"g", 1000 * 1000 * 1000}, {"b", 1}} {
		if strings.HasSuffix(s, u.suf) {
			s, mul = strings.TrimSuffix(s, u.suf), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("argument must be a memory value")
	}
	return n * mul, nil
}

// Load reads settings from a redis.conf-style file: one directive per line,
// arguments separated by spaces, double or single quotes for values with
// spaces, # comments.
func (c *Config) Load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return c.Read(f, path)
}

// Read is Load from a reader; name is used in error messages.
func (c *Config) Read(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		words, err := SplitArgs(text)
		if err != nil {
			return fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if len(words) == 0 {
			continue
		}
		if err := c.Set(words[0], words[1:]); err != nil {
			return fmt.Errorf("%s:%d: %v", name, line, err)
		}
	}
	return sc.Err()
}

// ParseArgs applies a redis-server command line: an optional config file
// path first, then `--name value ...` directives (a directive's values run
// until the next argument starting with --).
func (c *Config) ParseArgs(args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "--") {
		if err := c.Load(args[0]); err != nil {
			return err
		}
		args = args[1:]
	}
	for len(args) > 0 {
		if !strings.HasPrefix(args[0], "--") || len(args[0]) == 2 {
			return fmt.Errorf("unexpected argument %q: directives are --name value", args[0])
		}
		name := args[0][2:]
		args = args[1:]
		var vals []string
		for len(args) > 0 && !strings.HasPrefix(args[0], "--") {
			vals = append(vals, args[0])
			args = args[1:]
		}
		if len(vals) == 0 {
			vals = []string{""}
		}
		if err := c.Set(name, vals); err != nil {
			return err
		}
	}
	return nil
}

// SplitArgs splits a config line into words as Redis's sdssplitargs does:
// spaces separate, "double quotes" allow \n \t \xHH escapes, 'single quotes'
// are literal.
func SplitArgs(line string) ([]string, error) {
	var out []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			return out, nil
		}
		var b strings.Builder
		switch line[i] {
		case '"':
			i++
			for {
				if i >= len(line) {
					return nil, errors.New("unbalanced quotes")
				}
				ch := line[i]
				if ch == '\\' && i+1 < len(line) {
					i++
					switch line[i] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					case 'r':
						b.WriteByte('\r')
					case 'x':
						if i+2 < len(line) {
							if v, err := strconv.ParseUint(line[i+1:i+3], 16, 8); err == nil {
								b.WriteByte(byte(v))
								i += 2
								break
							}
						}
						b.WriteByte('x')
					default:
						b.WriteByte(line[i])
					}
					i++
					continue
				}
				if ch == '"' {
					i++
					break
				}
				b.WriteByte(ch)
				i++
			}
		case '\'':
			i++
			for {
				if i >= len(line) {
					return nil, errors.New("unbalanced quotes")
				}
				if line[i] == '\'' {
					i++
					break
				}
				b.WriteByte(line[i])
				i++
			}
		default:
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				b.WriteByte(line[i])
				i++
			}
		}
		out = append(out, b.String())
	}
}
