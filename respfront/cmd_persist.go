package respfront

import "strings"

// Persistence commands (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/).
// They run without the engine lock: the persistence manager takes it to
// copy the dataset and writes the copy without it. Inside EXEC (which holds
// the lock) BGSAVE and BGREWRITEAOF are scheduled, as Redis schedules them.

func persistCommands() []*Command {
	return []*Command{
		{Name: "bgrewriteaof", Handler: cmdBGRewriteAOF, Arity: 1, Flags: NoLock | Admin, Group: "server", Since: "1.0.0", Summary: "Asynchronously rewrites the append-only file to disk."},
		{Name: "save", Handler: cmdSave, Arity: 1, Flags: NoLock | Admin | NoMulti, Group: "server", Since: "1.0.0", Summary: "Synchronously saves the database(s) to disk."},
		{Name: "bgsave", Handler: cmdBGSave, Arity: -1, Flags: NoLock | Admin, Group: "server", Since: "1.0.0", Summary: "Asynchronously saves the database(s) to disk."},
		{Name: "lastsave", Handler: cmdLastSave, Arity: 1, Flags: NoLock | Fast | Admin, Group: "server", Since: "1.0.0", Summary: "Returns the Unix timestamp of the last successful save to disk."},
	}
}

// cmdBGRewriteAOF implements BGREWRITEAOF: started, or scheduled while a
// background save runs or inside EXEC.
func cmdBGRewriteAOF(x *Ctx) {
	p := x.Conn.srv.opts.Persistence
	if p == nil {
		x.W.Error("ERR Background append only file rewriting is not possible: appendonly is no")
		return
	}
	scheduled, err := p.BGRewriteAOF(x.InExec)
	switch {
	case err != nil:
		x.W.Error("ERR " + err.Error())
	case scheduled:
		x.W.Simple("Background append only file rewriting scheduled")
	default:
		x.W.Simple("Background append only file rewriting started")
	}
}

// cmdSave implements SAVE: OK once the snapshot is on disk; an error while
// a background save runs. Not allowed in MULTI (the dispatcher refuses it).
func cmdSave(x *Ctx) {
	p := x.Conn.srv.opts.Persistence
	if p == nil {
		x.W.Error("ERR snapshots are not available: the server has no persistence manager")
		return
	}
	if err := p.Save(); err != nil {
		x.W.Error("ERR " + err.Error())
		return
	}
	x.W.OK()
}

// cmdBGSave implements BGSAVE [SCHEDULE]
// (https://redis.io/docs/latest/commands/bgsave/).
func cmdBGSave(x *Ctx) {
	schedule := false
	if len(x.Args) > 1 {
		if len(x.Args) != 2 || !strings.EqualFold(string(x.Args[1]), "schedule") {
			x.SyntaxErr()
			return
		}
		schedule = true
	}
	p := x.Conn.srv.opts.Persistence
	if p == nil {
		x.W.Error("ERR snapshots are not available: the server has no persistence manager")
		return
	}
	scheduled, err := p.BGSave(schedule, x.InExec)
	switch {
	case err != nil:
		x.W.Error("ERR " + err.Error())
	case scheduled:
		x.W.Simple("Background saving scheduled")
	default:
		x.W.Simple("Background saving started")
	}
}

// cmdLastSave implements LASTSAVE: the Unix time of the last successful
// save (the start time before any).
func cmdLastSave(x *Ctx) {
	if p := x.Conn.srv.opts.Persistence; p != nil {
		x.W.Int(p.LastSave())
		return
	}
	x.W.Int(x.Conn.srv.start.Unix())
}
