package respfront

import (
	"sync/atomic"

	"github.com/switchyard/switchyard/broker"
)

// tx is a connection's MULTI/EXEC state (https://redis.io/docs/latest/develop/interactions/transactions/).
// The serve goroutine owns it; only multi is read by other goroutines.
type tx struct {
	active bool
	failed bool // a command failed to queue: EXEC answers EXECABORT
	queued []queuedCmd
	watch  *broker.WatchSet
	// multi is 0 outside MULTI, else 1 + the number of queued commands
	// (CLIENT LIST multi= and flags=x, read by other goroutines).
	multi atomic.Int64
}

type queuedCmd struct {
	cmd  *Command
	args [][]byte
}

func (t *tx) begin() {
	t.active = true
	t.multi.Store(1)
}

func (t *tx) flagError() {
	if t.active {
		t.failed = true
	}
}

func (t *tx) queue(cmd *Command, args [][]byte) {
	// args shares its header array with the other requests of its read
	// (reader.go): a copy keeps only this command's bytes alive.
	t.queued = append(t.queued, queuedCmd{cmd, append([][]byte(nil), args...)})
	t.multi.Store(int64(len(t.queued)) + 1)
}

func (t *tx) reset() {
	t.active, t.failed, t.queued = false, false, nil
	t.multi.Store(0)
}

// queuedLen returns the number of queued commands, -1 outside MULTI (CLIENT
// LIST multi=). Safe from any goroutine.
func (t *tx) queuedLen() int64 { return t.multi.Load() - 1 }

// txControl names the commands that run immediately inside MULTI.
func txControl(name string) bool {
	switch name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

func txCommands() []*Command {
	return []*Command{
		{Name: "multi", Handler: cmdMulti, Arity: 1, Flags: NoLock | Fast, Since: "1.2.0", Summary: "Starts a transaction."},
		{Name: "exec", Handler: cmdExec, Arity: 1, Flags: SelfPropagate, Since: "1.2.0", Summary: "Executes all commands in a transaction."},
		{Name: "discard", Handler: cmdDiscard, Arity: 1, Flags: Fast, Since: "2.0.0", Summary: "Discards a transaction."},
		{Name: "watch", Handler: cmdWatch, Arity: -2, Flags: Fast, FirstKey: 1, LastKey: -1, Step: 1, Since: "2.2.0", Summary: "Monitors changes to keys to determine the execution of a transaction."},
		{Name: "unwatch", Handler: cmdUnwatch, Arity: 1, Flags: Fast, Since: "2.2.0", Summary: "Forgets about watched keys of a transaction."},
	}
}

func cmdMulti(x *Ctx) {
	c := x.Conn
	if c.tx.active {
		x.W.Error("ERR MULTI calls can not be nested")
		return
	}
	c.tx.begin()
	x.W.OK()
}

// unwatchLocked forgets every WATCHed key. The engine lock must be held.
func (c *Conn) unwatchLocked() {
	if c.tx.watch != nil {
		c.tx.watch.Clear()
	}
}

func cmdDiscard(x *Ctx) {
	c := x.Conn
	if !c.tx.active {
		x.W.Error("ERR DISCARD without MULTI")
		return
	}
	c.tx.reset()
	c.unwatchLocked()
	x.W.OK()
}

func cmdWatch(x *Ctx) {
	c := x.Conn
	if c.tx.active {
		x.W.Error("ERR WATCH inside MULTI is not allowed")
		return
	}
	if c.tx.watch == nil {
		c.tx.watch = broker.NewWatchSet()
	}
	for _, k := range x.Args[1:] {
		c.tx.watch.Watch(x.DB, string(k))
	}
	x.W.OK()
}

func cmdUnwatch(x *Ctx) {
	x.Conn.unwatchLocked()
	x.W.OK()
}

// cmdExec runs the queued commands under the one engine lock the dispatcher
// took for EXEC, so the transaction is atomic. A queue-time error answers
// EXECABORT; a modified (or expired) WATCHed key answers the null array; a
// run-time error fails only its own command.
func cmdExec(x *Ctx) {
	c := x.Conn
	if !c.tx.active {
		x.W.Error("ERR EXEC without MULTI")
		return
	}
	queued, failed := c.tx.queued, c.tx.failed
	c.tx.reset()
	if failed {
		c.unwatchLocked()
		x.W.Error("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	if c.tx.watch != nil && (c.tx.watch.Dirty || c.tx.watch.Expired()) {
		c.unwatchLocked()
		x.W.NullArray()
		return
	}
	c.unwatchLocked()
	c.srv.stats.commands.Add(int64(len(queued)))
	x.W.Array(len(queued))
	changes := x.Tx.Capture(func() {
		for _, q := range queued {
			sub := Ctx{Conn: c, Cmd: q.cmd, Args: q.args, Tx: x.Tx, DB: x.Tx.DB(c.db), W: x.W, InExec: true}
			dirty := x.Tx.Dirty()
			q.cmd.Handler(&sub)
			sub.propagateAfter(dirty)
		}
	})
	// A transaction's changes are logged between MULTI and EXEC, so a
	// torn transaction at the end of the AOF is discarded as a whole.
	if len(changes) > 1 {
		x.Tx.Propagate(changes[0].DB, []byte("MULTI"))
	}
	for _, p := range changes {
		x.Tx.Propagate(p.DB, p.Args...)
	}
	if len(changes) > 1 {
		x.Tx.Propagate(changes[len(changes)-1].DB, []byte("EXEC"))
	}
}
