package respfront

import (
	"reflect"
	"runtime"
	"sort"
	"strings"

	"github.com/switchyard/switchyard/internal/glob"
)

// commandSubcommands are COMMAND's subcommands
// (https://redis.io/docs/latest/commands/command/). Every reply is built
// from the command table: flags, ACL categories and key specs are derived
// from a row's Flags and key positions.
func commandSubcommands() []*Command {
	return []*Command{
		{Name: "count", Handler: cmdCommandCount, Arity: 2, Flags: NoLock, Since: "2.8.13", Summary: "Returns a count of commands."},
		{Name: "info", Handler: cmdCommandInfo, Arity: -2, Flags: NoLock, Since: "2.8.13", Summary: "Returns information about one, multiple or all commands."},
		{Name: "docs", Handler: cmdCommandDocs, Arity: -2, Flags: NoLock, Since: "7.0.0", Summary: "Returns documentary information about one, multiple or all commands."},
		{Name: "list", Handler: cmdCommandList, Arity: -2, Flags: NoLock, Since: "7.0.0", Summary: "Returns a list of command names."},
		{Name: "getkeys", Handler: cmdCommandGetKeys, Arity: -4, Flags: NoLock, Since: "2.8.13", Summary: "Extracts the key names from an arbitrary command."},
		{Name: "getkeysandflags", Handler: cmdCommandGetKeys, Arity: -4, Flags: NoLock, Since: "7.0.0", Summary: "Extracts the key names and access flags for an arbitrary command."},
		{Name: "help", Handler: cmdCommandHelp, Arity: 2, Flags: NoLock, Since: "5.0.0", Summary: "Returns helpful text about the different subcommands."},
	}
}

// familyGroup names the COMMAND DOCS group of the rows a family function
// returns, from the function's name: stringCommands gives "string",
// keyCommands "generic", txCommands "transactions".
func familyGroup(f func() []*Command) string {
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
	name = name[strings.LastIndexByte(name, '.')+1:]
	name = strings.TrimSuffix(name, "Commands")
	switch name {
	case "key":
		return "generic"
	case "tx":
		return "transactions"
	case "zset":
		return "sorted-set"
	}
	return name
}

// sorted returns the table's commands ordered by name.
func (t commandTable) sorted() []*Command {
	out := make([]*Command, 0, len(t))
	for _, c := range t {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// find looks up a command by name, "container|sub" naming a subcommand. It
// returns the command and its full name.
func (t commandTable) find(name string) (*Command, string) {
	name = strings.ToLower(name)
	parent, sub, isSub := strings.Cut(name, "|")
	c := t[parent]
	if c == nil || !isSub {
		return c, name
	}
	if s := c.subcommand([]byte(sub)); s != nil {
		return s, name
	}
	return nil, name
}

// commandFlags returns Redis's flag names for c, in Redis's order.
func commandFlags(c *Command) []string {
	var out []string
	add := func(f Flags, names ...string) {
		if c.Flags&f != 0 {
			out = append(out, names...)
		}
	}
	add(Write, "write")
	add(ReadOnly, "readonly")
	add(Admin, "admin")
	add(PubSub, "pubsub")
	if c.Flags&(Admin|Blocking) != 0 {
		out = append(out, "noscript")
	}
	add(Blocking, "blocking")
	add(Fast, "fast")
	add(NoMulti, "no_multi")
	return out
}

// aclCategories returns c's ACL categories, in Redis's order: the
// keyspace, read/write, the data type, then pubsub, admin, speed,
// blocking, dangerous, and the connection and transaction groups.
func aclCategories(c *Command) []string {
	var out []string
	if c.Group == "generic" {
		out = append(out, "@keyspace")
	}
	if c.Flags&ReadOnly != 0 {
		out = append(out, "@read")
	}
	if c.Flags&Write != 0 {
		out = append(out, "@write")
	}
	switch c.Group {
	case "set", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream":
		out = append(out, "@"+c.Group)
	case "sorted-set":
		out = append(out, "@sortedset")
	}
	if c.Flags&PubSub != 0 || c.Group == "pubsub" {
		out = append(out, "@pubsub")
	}
	if c.Flags&Admin != 0 {
		out = append(out, "@admin")
	}
	if c.Flags&Fast != 0 {
		out = append(out, "@fast")
	} else {
		out = append(out, "@slow")
	}
	if c.Flags&Blocking != 0 {
		out = append(out, "@blocking")
	}
	if c.Flags&Admin != 0 {
		out = append(out, "@dangerous")
	}
	switch c.Group {
	case "connection":
		out = append(out, "@connection")
	case "transactions":
		out = append(out, "@transaction")
	}
	return out
}

// keySpecFlags returns the key-spec flags of c's keys.
func keySpecFlags(c *Command) []string {
	switch {
	case c.Flags&Write != 0:
		return []string{"RW", "update"}
	case c.Flags&ReadOnly != 0:
		return []string{"RO", "access"}
	}
	return []string{"RO"}
}

func writeStatusSet(x *Ctx, items []string) {
	x.W.Set(len(items))
	for _, s := range items {
		x.W.Simple(s)
	}
}

// writeCommandInfo writes one COMMAND INFO entry: name, arity, flags, first
// key, last key, step, ACL categories, tips, key specs, subcommands.
func writeCommandInfo(x *Ctx, c *Command, full string) {
	x.W.Array(10)
	x.W.BulkString(full)
	x.W.Int(int64(c.Arity))
	writeStatusSet(x, commandFlags(c))
	x.W.Int(int64(c.FirstKey))
	x.W.Int(int64(c.LastKey))
	x.W.Int(int64(c.Step))
	writeStatusSet(x, aclCategories(c))
	x.W.Set(0) // tips
	if c.FirstKey > 0 {
		last := c.LastKey
		if last >= 0 {
			last -= c.FirstKey
		}
		x.W.Set(1)
		x.W.Map(3)
		x.W.BulkString("flags")
		writeStatusSet(x, keySpecFlags(c))
		x.W.BulkString("begin_search")
		x.W.Map(2)
		x.W.BulkString("type")
		x.W.BulkString("index")
		x.W.BulkString("spec")
		x.W.Map(1)
		x.W.BulkString("index")
		x.W.Int(int64(c.FirstKey))
		x.W.BulkString("find_keys")
		x.W.Map(2)
		x.W.BulkString("type")
		x.W.BulkString("range")
		x.W.BulkString("spec")
		x.W.Map(3)
		x.W.BulkString("lastkey")
		x.W.Int(int64(last))
		x.W.BulkString("keystep")
		x.W.Int(int64(c.Step))
		x.W.BulkString("limit")
		x.W.Int(0)
	} else {
		x.W.Set(0)
	}
	if len(c.Subcommands) == 0 {
		x.W.Set(0)
		return
	}
	x.W.Array(len(c.Subcommands))
	for _, s := range c.Subcommands {
		writeCommandInfo(x, s, full+"|"+s.Name)
	}
}

// writeCommandDocs writes one COMMAND DOCS entry: a map of summary, since,
// group and, for a container, its subcommands' docs. Arguments are not
// described.
func writeCommandDocs(x *Ctx, c *Command, full string) {
	since := c.Since
	if since == "" {
		since = "1.0.0"
	}
	n := 3
	if len(c.Subcommands) > 0 {
		n++
	}
	x.W.Map(n)
	x.W.BulkString("summary")
	x.W.BulkString(c.Summary)
	x.W.BulkString("since")
	x.W.BulkString(since)
	x.W.BulkString("group")
	x.W.BulkString(c.Group)
	if len(c.Subcommands) > 0 {
		x.W.BulkString("subcommands")
		x.W.Map(len(c.Subcommands))
		for _, s := range c.Subcommands {
			x.W.BulkString(full + "|" + s.Name)
			writeCommandDocs(x, s, full+"|"+s.Name)
		}
	}
}

// cmdCommand implements COMMAND: the COMMAND INFO entry of every command.
func cmdCommand(x *Ctx) {
	all := x.Conn.srv.table.sorted()
	x.W.Array(len(all))
	for _, c := range all {
		writeCommandInfo(x, c, c.Name)
	}
}

func cmdCommandCount(x *Ctx) { x.W.Int(int64(len(x.Conn.srv.table))) }

// cmdCommandInfo implements COMMAND INFO [name ...]: an entry per name, null
// for an unknown one; without names, every command.
func cmdCommandInfo(x *Ctx) {
	if len(x.Args) == 2 {
		cmdCommand(x)
		return
	}
	x.W.Array(len(x.Args) - 2)
	for _, a := range x.Args[2:] {
		c, full := x.Conn.srv.table.find(string(a))
		if c == nil {
			x.W.Null()
			continue
		}
		writeCommandInfo(x, c, full)
	}
}

// cmdCommandDocs implements COMMAND DOCS [name ...]: a map from name to
// docs, skipping unknown names; without names, every command.
func cmdCommandDocs(x *Ctx) {
	t := x.Conn.srv.table
	type entry struct {
		c    *Command
		full string
	}
	var out []entry
	if len(x.Args) == 2 {
		for _, c := range t.sorted() {
			out = append(out, entry{c, c.Name})
		}
	} else {
		for _, a := range x.Args[2:] {
			if c, full := t.find(string(a)); c != nil {
				out = append(out, entry{c, full})
			}
		}
	}
	x.W.Map(len(out))
	for _, e := range out {
		x.W.BulkString(e.full)
		writeCommandDocs(x, e.c, e.full)
	}
}

// cmdCommandList implements COMMAND LIST [FILTERBY MODULE name | ACLCAT
// category | PATTERN pattern]: command names, subcommands as
// "container|sub".
func cmdCommandList(x *Ctx) {
	var keep func(c *Command, full string) bool
	switch {
	case len(x.Args) == 2:
		keep = func(*Command, string) bool { return true }
	case len(x.Args) == 5 && strings.EqualFold(x.Arg(2), "filterby"):
		arg := x.Arg(4)
		switch strings.ToLower(x.Arg(3)) {
		case "module":
			keep = func(*Command, string) bool { return false }
		case "aclcat":
			cat := "@" + strings.ToLower(arg)
			keep = func(c *Command, _ string) bool {
				for _, a := range aclCategories(c) {
					if a == cat {
						return true
					}
				}
				return false
			}
		case "pattern":
			keep = func(_ *Command, full string) bool { return glob.MatchFold(arg, full) }
		}
	}
	if keep == nil {
		x.SyntaxErr()
		return
	}
	var names []string
	for _, c := range x.Conn.srv.table.sorted() {
		if keep(c, c.Name) {
			names = append(names, c.Name)
		}
		for _, s := range c.Subcommands {
			if full := c.Name + "|" + s.Name; keep(s, full) {
				names = append(names, full)
			}
		}
	}
	x.W.Array(len(names))
	for _, n := range names {
		x.W.BulkString(n)
	}
}

// cmdCommandGetKeys implements COMMAND GETKEYS and GETKEYSANDFLAGS command
// [arg ...]: the keys the command would access, from its key positions
// (GETKEYSANDFLAGS: each with its key-spec flags).
func cmdCommandGetKeys(x *Ctx) {
	withFlags := strings.EqualFold(x.Arg(1), "getkeysandflags")
	c, _ := x.Conn.srv.table.find(x.Arg(2))
	args := x.Args[2:]
	if c != nil && len(c.Subcommands) > 0 && len(args) > 1 {
		if s := c.subcommand(args[1]); s != nil {
			c = s
		}
	}
	switch {
	case c == nil:
		x.W.Error("ERR Invalid command specified")
		return
	case c.FirstKey <= 0:
		x.W.Error("ERR The command has no key arguments")
		return
	case !arityOK(c.Arity, len(args)):
		x.W.Error("ERR Invalid number of arguments specified for command")
		return
	}
	last := c.LastKey
	if last < 0 {
		last += len(args)
	}
	step := max(c.Step, 1)
	var keys [][]byte
	for i := c.FirstKey; i <= last && i < len(args); i += step {
		keys = append(keys, args[i])
	}
	if len(keys) == 0 {
		x.W.Error("ERR Invalid arguments specified for command")
		return
	}
	x.W.Array(len(keys))
	for _, k := range keys {
		if withFlags {
			x.W.Array(2)
			x.W.Bulk(k)
			writeStatusSet(x, keySpecFlags(c))
			continue
		}
		x.W.Bulk(k)
	}
}

func cmdCommandHelp(x *Ctx) {
	writeHelp(x, "COMMAND",
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.",
	)
}
