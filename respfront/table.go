package respfront

import (
	"fmt"
	"strings"
)

// Flags drive the dispatcher, following Redis's command flags
// (src/commands/*.json).
type Flags uint32

const (
	// Write: the command may modify the keyspace.
	Write Flags = 1 << iota
	// ReadOnly: the command only reads the keyspace.
	ReadOnly
	// Fast: O(1) or O(log n) (COMMAND INFO "fast").
	Fast
	// Blocking: the command may block the client (BLPOP).
	Blocking
	// PubSub: a pub/sub command.
	PubSub
	// NoLock: the handler does not touch the keyspace and runs without the
	// engine lock (PING, ECHO, CLIENT, HELLO, SUBSCRIBE ...).
	NoLock
	// NoMulti: not allowed inside MULTI (WATCH, SUBSCRIBE...).
	NoMulti
	// Subscribed: allowed on a RESP2 connection in subscribed mode.
	Subscribed
	// Admin: an administrative command.
	Admin
	// SelfPropagate: the handler (or the package it calls) records its
	// changes for the AOF itself; the dispatcher does not log the command.
	SelfPropagate
	// Internal: an AOF record replayed by the Loader only; clients get
	// "unknown command".
	Internal
	// Loading, Stale, NoScript and the like are not needed yet.
)

// Command is one row of the command table.
type Command struct {
	Name    string // lower case, as COMMAND reports it
	Handler func(ctx *Ctx)
	// Arity follows Redis: the number of arguments including the command
	// name; negative -N means "at least N".
	Arity int
	Flags Flags
	// FirstKey, LastKey, Step give key positions as COMMAND INFO does
	// (LastKey -1: the last argument). Zero FirstKey: no keys.
	FirstKey, LastKey, Step int
	// Subcommands, for container commands such as CLIENT and CONFIG. The
	// dispatcher resolves args[1] among them, checks the subcommand's arity
	// and runs it with its own flags and Handler (a nil Handler falls back
	// to the container's).
	Subcommands []*Command
	// Summary is a one-line description for COMMAND DOCS.
	Summary string
	// Group is the COMMAND DOCS group (string, list, generic, connection,
	// server, transactions, pubsub...); empty takes the family's name
	// (familyGroup in cmd_command.go).
	Group string
	// Since is the Redis version that added the command (COMMAND DOCS);
	// empty reports "1.0.0".
	Since string
}

// noLock reports whether the command in args runs without the engine lock:
// its NoLock flag, or its subcommand's for a container. Unknown commands
// take the locked path, where the dispatcher refuses them.
func (t commandTable) noLock(args [][]byte) bool {
	if len(args) == 0 {
		return false
	}
	c := t.lookup(args[0])
	if c == nil {
		return false
	}
	if len(c.Subcommands) > 0 && len(args) > 1 {
		if s := c.subcommand(args[1]); s != nil && s.Handler != nil {
			return s.Flags&NoLock != 0
		}
	}
	return c.Flags&NoLock != 0
}

// subcommand returns the subcommand named by arg (any case), or nil.
func (c *Command) subcommand(arg []byte) *Command {
	for _, s := range c.Subcommands {
		if len(s.Name) == len(arg) && strings.EqualFold(s.Name, string(arg)) {
			return s
		}
	}
	return nil
}

// commandTable is the RESP front's command table, keyed by lower-case name.
type commandTable map[string]*Command

// families lists every command family. Each returns its rows; a name
// registered twice panics at start-up.
var families = []func() []*Command{
	serverCommands,
	stringCommands,
	listCommands,
	keyCommands,
	pubsubCommands,
	txCommands,
	queueCommands,
	hashCommands,
	setCommands,
	zsetCommands,
	persistCommands,
	bitmapCommands,
	hllCommands,
}

func buildTable() commandTable {
	t := commandTable{}
	for _, f := range families {
		for _, c := range f() {
			name := strings.ToLower(c.Name)
			if _, dup := t[name]; dup {
				panic(fmt.Sprintf("respfront: command %q registered twice", name))
			}
			c.Name = name
			if c.Group == "" {
				c.Group = familyGroup(f)
			}
			for _, s := range c.Subcommands {
				// Subcommands are named without their container: "list",
				// not "client|list" (COMMAND reports the full name).
				s.Name = strings.TrimPrefix(strings.ToLower(s.Name), name+"|")
				if s.Group == "" {
					s.Group = c.Group
				}
			}
			t[name] = c
		}
	}
	return t
}

// lookup finds the command named by arg (any case) without allocating for
// names already lower case.
func (t commandTable) lookup(arg []byte) *Command {
	if c, ok := t[string(arg)]; ok {
		return c
	}
	// Lower-case into a stack buffer: no allocation for names clients send
	// in upper case (redis-benchmark, redis-cli).
	var buf [32]byte
	if len(arg) > len(buf) {
		return t[strings.ToLower(string(arg))]
	}
	for i, c := range arg {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return t[string(buf[:len(arg)])]
}
