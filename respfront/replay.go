package respfront

import (
	"fmt"
	"strings"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/resp"
)

// Loader replays logged commands (the AOF at start-up) through the command
// table, as Redis's fake AOF client does: no socket, no blocking (blocking
// commands behave as inside EXEC), replies discarded, nothing propagated.
// Use it before serving clients.
type Loader struct {
	c *Conn
}

// NewLoader returns a Loader for s.
func (s *Server) NewLoader() *Loader {
	c := &Conn{srv: s, id: 0, w: resp.Writer{Proto: 2}, authed: true, closed: make(chan struct{})}
	return &Loader{c: c}
}

// Exec runs one command in database db. It fails only for a command that
// does not exist or has the wrong number of arguments (a damaged or foreign
// file); error replies of the command itself are ignored, as Redis does.
func (l *Loader) Exec(db int, args [][]byte) error {
	c := l.c
	cmd := c.srv.table.lookup(args[0])
	if cmd == nil {
		return fmt.Errorf("unknown command '%s' reading the append only file", strings.ToLower(string(args[0])))
	}
	if !arityOK(cmd.Arity, len(args)) {
		return fmt.Errorf("wrong number of arguments for '%s' reading the append only file", cmd.Name)
	}
	if db < 0 || db > broker.NumDBs {
		return fmt.Errorf("invalid database %d in the append only file", db)
	}
	c.db = db
	c.srv.eng.Exec(func(tx *broker.Tx) {
		tx.SetLoading(true)
		defer tx.SetLoading(false)
		x := Ctx{Conn: c, Cmd: cmd, Args: args, W: &c.w, Tx: tx, DB: tx.DB(db), InExec: true}
		cmd.Handler(&x)
	})
	c.w.Buf = c.w.Buf[:0]
	return nil
}

// Close releases what the loader holds (its channel in the messaging
// model keeps nothing unacked: replayed gets are not deliveries).
func (l *Loader) Close() {}
