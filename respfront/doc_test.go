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
	return b.String()
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
