package respfront

// Persistence commands (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/).

func persistCommands() []*Command {
	return []*Command{
		{Name: "bgrewriteaof", Handler: cmdBGRewriteAOF, Arity: 1, Flags: NoLock | Admin, Summary: "Asynchronously rewrites the append-only file to disk."},
	}
}

func cmdBGRewriteAOF(x *Ctx) {
	p := x.Conn.srv.opts.Persistence
	if p == nil {
		// Redis rewrites even with appendonly no; we have no AOF to write.
		x.W.Error("ERR Background append only file rewriting is not possible: appendonly is no")
		return
	}
	if err := p.BGRewriteAOF(); err != nil {
		x.W.Error("ERR " + err.Error())
		return
	}
	x.W.Simple("Background append only file rewriting started")
}
