package respfront

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// familyNames names each command family, in the order of families, for
// docs/commands.md.
var familyNames = []string{
	"Server and connection", "Strings", "Lists", "Keys", "Pub/sub", "Transactions",
	"Broker (exchanges, queues)", "Hashes", "Sets", "Sorted sets", "Persistence",
	"Bitmaps and LCS", "HyperLogLog",
}

func flagNames(f Flags) string {
	var out []string
	for _, x := range []struct {
		f Flags
		n string
	}{{Write, "write"}, {ReadOnly, "readonly"}, {Fast, "fast"}, {Blocking, "blocking"}, {PubSub, "pubsub"}, {Admin, "admin"}} {
		if f&x.f != 0 {
			out = append(out, x.n)
		}
	}
	return strings.Join(out, ", ")
}

// renderCommandsDoc renders docs/commands.md from the command table.
func renderCommandsDoc() string {
	var b strings.Builder
	b.WriteString(`# Commands

Every command the RESP front serves, generated from the command table
(` + "`respfront/table.go`" + ` and the ` + "`cmd_*.go`" + ` families) by
` + "`SWITCHYARD_WRITE_DOCS=1 go test ./respfront -run TestCommandsDoc`" + `; a test fails when
this file and the table disagree.

Redis commands follow Redis 7.0: arguments, replies and error texts are Redis's
(https://redis.io/commands/<name>/), checked by the differential tests against a real
redis-server. Where Switchyard differs, the family's section says so. The broker
commands (EXCHANGE.*, QUEUE.*) are Switchyard's own: their arguments, replies and errors
are in [broker-commands.md](broker-commands.md).

Arity follows Redis: the number of arguments including the command name; -N means at
least N.

`)
	for i, f := range families {
		cmds := f()
		if len(cmds) == 0 {
			continue
		}
		sort.Slice(cmds, func(a, c int) bool { return cmds[a].Name < cmds[c].Name })
		name := fmt.Sprintf("Family %d", i)
		if i < len(familyNames) {
			name = familyNames[i]
		}
		fmt.Fprintf(&b, "## %s\n\n| command | arity | flags | status | summary |\n|---|---|---|---|---|\n", name)
		for _, c := range cmds {
			subs := ""
			if len(c.Subcommands) > 0 {
				var names []string
				for _, s := range c.Subcommands {
					names = append(names, strings.ToUpper(s.Name))
				}
				sort.Strings(names)
				subs = " (" + strings.Join(names, ", ") + ")"
			}
			fmt.Fprintf(&b, "| `%s`%s | %d | %s | implemented | %s |\n", strings.ToUpper(c.Name), subs, c.Arity, flagNames(c.Flags), strings.ReplaceAll(c.Summary, "|", "\\|"))
		}
		b.WriteString("\n")
	}
	writeNotServed(&b)
	return b.String()
}

// notServedWhy explains why a Redis command Switchyard does not serve is
// absent, by command name or, failing that, by its Redis command group.
var notServedWhy = map[string]string{
	"cluster":   "single node: no cluster mode",
	"scripting": "no Lua scripting yet",
	"stream":    "no stream type yet; queues (QUEUE.*, AMQP) cover the messaging uses",
	"psync":     "no replication", "replconf": "no replication", "replicaof": "no replication",
	"slaveof": "no replication", "sync": "no replication", "role": "no replication",
	"failover": "no replication", "restore-asking": "single node: no cluster mode",
	"migrate": "single node: no cluster mode", "module": "no modules",
}

// writeNotServed lists the Redis 7.0 commands (redis70Commands) that are not
// in the command table, by group, so the page gives every command's status.
func writeNotServed(b *strings.Builder) {
	served := map[string]bool{}
	for _, f := range families {
		for _, c := range f() {
			served[c.Name] = true
		}
	}
	var groups []string
	for g := range redis70Commands {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	b.WriteString("## Redis 7.0 commands not served\n\n" +
		"Every top-level command of redis-server 7.0.15 (`COMMAND LIST`) that is not in the tables\n" +
		"above; clients get `ERR unknown command`. `TestRedis70CommandList` keeps this list in step\n" +
		"with a real redis-server.\n\n" +
		"| group | command | status | why |\n|---|---|---|---|\n")
	n := 0
	for _, g := range groups {
		for _, name := range redis70Commands[g] {
			if served[name] {
				continue
			}
			n++
			why, ok := notServedWhy[name]
			if !ok {
				why = notServedWhy[g]
			}
			fmt.Fprintf(b, "| %s | `%s` | not implemented | %s |\n", g, strings.ToUpper(name), why)
		}
	}
	if n == 0 {
		b.WriteString("| | (none) | | |\n")
	}
	b.WriteString("\n")
}

func TestCommandsDoc(t *testing.T) {
	const path = "../docs/commands.md"
	want := renderCommandsDoc()
	if os.Getenv("SWITCHYARD_WRITE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (regenerate with SWITCHYARD_WRITE_DOCS=1 go test ./respfront -run TestCommandsDoc)", err)
	}
	if string(got) != want {
		t.Fatalf("docs/commands.md is out of date with the command table: regenerate with SWITCHYARD_WRITE_DOCS=1 go test ./respfront -run TestCommandsDoc")
	}
}
