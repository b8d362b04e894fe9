package respfront

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/resp"
)

// Ctx is what a handler gets: the arguments, the selected database and the
// reply writer. DB and Tx are nil for NoLock commands.
type Ctx struct {
	Conn *Conn
	Cmd  *Command
	Args [][]byte // Args[0] is the command name as sent
	Tx   *broker.Tx
	DB   *broker.DB
	W    *resp.Writer
	// InExec is true while EXEC runs the command: blocking commands then
	// behave as if their timeout expired, as in Redis.
	InExec bool

	block      *blockReq
	propagated bool // the handler chose what to log (Propagate)
}

// blockReq is set by a handler that needs to wait (ctx.Block).
type blockReq struct {
	w       *broker.Waiter
	timeout time.Duration // 0: forever
	reply   func(w *resp.Writer, result any)
	expired func(w *resp.Writer)
}

// Block makes the client wait for w to be served, up to timeout (0 waits
// forever). When w is served, reply writes the answer from w.Result; on
// timeout, expired writes it. Inside EXEC the handler must not call Block.
func (x *Ctx) Block(w *broker.Waiter, timeout time.Duration, reply func(w *resp.Writer, result any), expired func(w *resp.Writer)) {
	x.BlockOn(x.DB, w, timeout, reply, expired)
}

// BlockOn is Block on the keys of database db (the broker namespace for
// QUEUE.CONSUME).
func (x *Ctx) BlockOn(db *broker.DB, w *broker.Waiter, timeout time.Duration, reply func(w *resp.Writer, result any), expired func(w *resp.Writer)) {
	x.Tx.Block(db, w)
	x.block = &blockReq{w: w, timeout: timeout, reply: reply, expired: expired}
}

// Err writes err as an error reply, mapping engine sentinels to Redis's
// texts (errors.go).
func (x *Ctx) Err(err error) { x.W.Error(errorText(err)) }

// SyntaxErr writes "ERR syntax error".
func (x *Ctx) SyntaxErr() { x.W.Error("ERR syntax error") }

// Arg returns argument i as a string.
func (x *Ctx) Arg(i int) string { return string(x.Args[i]) }

// prepare runs the dispatcher's checks for one command: lookup, arity, a
// container's subcommand and its arity, auth, RESP2 subscribed mode and
// MULTI queueing. It returns the command to execute (a subcommand's row for
// a container), or nil when it already answered (an error or +QUEUED).
func (c *Conn) prepare(args [][]byte) *Command {
	if len(args) == 0 {
		return nil
	}
	cmd := c.srv.table.lookup(args[0])
	if cmd == nil || cmd.Flags&Internal != 0 {
		c.reject("", unknownCommand(args))
		return nil
	}
	name := cmd.Name // "container|sub" for a subcommand
	if !arityOK(cmd.Arity, len(args)) {
		c.reject(name, fmt.Sprintf("ERR wrong number of arguments for '%s' command", name))
		return nil
	}
	if len(cmd.Subcommands) > 0 && len(args) > 1 {
		sub := cmd.subcommand(args[1])
		if sub == nil {
			c.reject(name, fmt.Sprintf("ERR unknown subcommand '%.128s'. Try %s HELP.", sanitize(args[1]), strings.ToUpper(cmd.Name)))
			return nil
		}
		name = cmd.Name + "|" + sub.Name
		if !arityOK(sub.Arity, len(args)) {
			c.reject(name, fmt.Sprintf("ERR wrong number of arguments for '%s' command", name))
			return nil
		}
		if sub.Handler != nil {
			cmd = sub
		}
	}
	if !c.authed && name != "auth" && name != "hello" && name != "quit" && name != "reset" {
		c.reject(name, "NOAUTH Authentication required.")
		return nil
	}
	if c.w.Proto == 2 && c.ps.count() > 0 && cmd.Flags&Subscribed == 0 {
		c.reject(name, fmt.Sprintf("ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", name))
		return nil
	}
	c.noteCommand(name)
	if c.tx.active && !txControl(name) {
		if cmd.Flags&NoMulti != 0 {
			c.reject(name, "ERR Command not allowed inside a transaction")
			return nil
		}
		c.tx.queue(cmd, args)
		c.w.Simple("QUEUED")
		return nil
	}
	return cmd
}

// dispatch runs the commands of one read and reports whether the
// connection stays open. Runs of commands that need the engine lock share
// one lock acquisition (Engine.ExecMany), as Redis runs a whole read
// buffer in one event-loop turn; blocked waiters are still served after
// each command.
func (c *Conn) dispatch(cmds [][][]byte) bool {
	c.noteRead(time.Now())
	for i := 0; i < len(cmds); {
		if c.srv.table.noLock(cmds[i]) {
			// Commands that run without the engine lock.
			start := len(c.w.Buf)
			cmd := c.prepare(cmds[i])
			i++
			if cmd != nil {
				if cmd.Flags&PubSub != 0 {
					// Replies before a pub/sub command go out before its
					// confirmations, which it pushes under the hub lock.
					c.moveReplies()
				}
				ctx := Ctx{Conn: c, Cmd: cmd, Args: cmds[i-1], W: &c.w}
				cmd.Handler(&ctx)
				// Counted once run, as Redis's call() counts: not when
				// refused or queued.
				c.srv.stats.commands.Add(1)
			}
			c.replyDone(start)
			if c.isClosed() {
				return false
			}
			continue
		}
		var blocked *blockReq
		changed := false
		c.srv.eng.ExecMany(func(tx *broker.Tx) bool {
			start := len(c.w.Buf)
			cmd := c.prepare(cmds[i])
			args := cmds[i]
			i++
			if cmd != nil {
				// One Ctx per connection, reset for each command: handlers
				// must not keep it past their return (a blocked command's
				// reply functions receive the writer instead).
				ctx := &c.ctx
				*ctx = Ctx{Conn: c, Cmd: cmd, Args: args, W: &c.w, Tx: tx, DB: tx.DB(c.db)}
				dirty := tx.Dirty()
				cmd.Handler(ctx)
				ctx.propagateAfter(dirty)
				changed = changed || tx.Dirty() != dirty
				// Counted once run, as Redis's call() counts: not when
				// refused or queued.
				c.srv.stats.commands.Add(1)
				if ctx.block != nil {
					blocked = ctx.block
					return false
				}
			}
			c.replyDone(start)
			if i >= len(cmds) || c.closeAfterReply {
				return false
			}
			return !c.srv.table.noLock(cmds[i])
		})
		if changed && !c.waitDurable() {
			return false
		}
		if c.ps.holding {
			// SUBSCRIBE inside EXEC: messages held during the EXEC go
			// out after its reply.
			c.moveReplies()
			c.releaseHeldPubSub()
		}
		if blocked != nil {
			c.moveReplies()
			if !c.waitBlocked(blocked) {
				return false
			}
		}
		if c.isClosed() {
			return false
		}
	}
	return true
}

func firstArg(args [][]byte) []byte {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}

// isClosed reports whether the connection is closed or is to be closed
// once its replies are flushed (QUIT, CLIENT KILL of itself, SHUTDOWN).
func (c *Conn) isClosed() bool {
	if c.closeAfterReply {
		return true
	}
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

// reject answers a command refused before it ran (unknown, wrong arity,
// not authenticated...). Inside MULTI the refusal fails the transaction; a
// refused EXEC discards it and answers EXECABORT with the reason, as Redis's
// rejectCommand does. name is the command's full name ("client|kill"), ""
// for an unknown command.
//
// EXEC is never NoLock, so a refused EXEC is refused under the engine lock,
// which forgetting its WATCHed keys needs.
func (c *Conn) reject(name, msg string) {
	if name == "exec" {
		c.tx.reset()
		c.unwatchLocked()
		c.w.Error("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR "))
		return
	}
	c.tx.flagError()
	c.w.Error(msg)
}

func arityOK(arity, n int) bool {
	if arity >= 0 {
		return n == arity
	}
	return n >= -arity
}

// unknownCommand formats Redis's unknown command error (server.c): the
// name cut at 128 bytes, then quoted arguments while the list is under 128
// bytes, each cut to what is left of them. Like Redis's %s, a NUL byte
// ends a name or an argument.
func unknownCommand(args [][]byte) string {
	var b strings.Builder
	for _, a := range args[1:] {
		if b.Len() >= 128 {
			break
		}
		a = cString(a)
		fmt.Fprintf(&b, "'%s' ", sanitize(a[:min(len(a), 128-b.Len())]))
	}
	name := cString(args[0])
	return fmt.Sprintf("ERR unknown command '%s', with args beginning with: %s", sanitize(name[:min(len(name), 128)]), b.String())
}

// cString cuts b at its first NUL byte, as C's %s reads it.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

func sanitize(b []byte) []byte {
	if bytes.ContainsAny(b, "\r\n") {
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r"), []byte(" ")), []byte("\n"), []byte(" "))
	}
	return b
}

// waitBlocked waits for a blocked command to be served, to time out or for
// the client to go away, then writes its reply. While waiting, a helper
// goroutine reads from the socket to notice a disconnect; whatever it reads
// (the client's next, pipelined commands) is kept for the reader.
func (c *Conn) waitBlocked(b *blockReq) bool {
	if !c.flush() {
		c.srv.eng.Unblock(b.w)
		return false
	}
	gone := make(chan struct{})
	peekDone := make(chan struct{})
	go func() {
		defer close(peekDone)
		buf := make([]byte, 4096)
		// Keep reading: a client may pipeline more commands and then
		// disconnect, and the disconnect must still be noticed.
		for {
			n, err := c.nc.Read(buf)
			if n > 0 {
				c.rd.pending = append(c.rd.pending, buf[:n]...)
			}
			if err != nil {
				if !isTimeout(err) {
					close(gone)
				}
				return
			}
			if len(c.rd.pending) > c.srv.opts.QueryBufferLimit {
				close(gone) // as Redis closes a client over its query buffer limit
				return
			}
		}
	}()
	var timer <-chan time.Time
	if b.timeout > 0 {
		t := time.NewTimer(b.timeout)
		defer t.Stop()
		timer = t.C
	}
	alive := true
	start := len(c.w.Buf)
	defer c.replyDone(start)
	select {
	case <-b.w.Done:
		b.reply(&c.w, b.w.Result)
	case <-timer:
		if c.srv.eng.Unblock(b.w) {
			b.expired(&c.w)
		} else {
			b.reply(&c.w, b.w.Result)
		}
	case <-gone:
		c.srv.eng.Unblock(b.w)
		alive = false
	case <-c.closed:
		c.srv.eng.Unblock(b.w)
		alive = false
	}
	// Stop the peek: a deadline in the past wakes the Read.
	_ = c.nc.SetReadDeadline(time.Unix(1, 0))
	<-peekDone
	_ = c.nc.SetReadDeadline(time.Time{})
	select {
	case <-gone:
		alive = false
	default:
	}
	c.moveReplies()
	return alive
}

func isTimeout(err error) bool {
	type timeout interface{ Timeout() bool }
	t, ok := err.(timeout)
	return ok && t.Timeout()
}

// waitDurable holds the replies of a batch that changed the dataset until
// the AOF has fsynced it, under appendfsync always (group commit: every
// client waiting on the same fsync is released by it). It reports false,
// closing the connection, when the AOF cannot write: the client then sees
// no reply rather than an acknowledgement that is not on disk.
func (c *Conn) waitDurable() bool {
	d := c.srv.opts.Durability
	if d == nil || !d.Always() {
		return true
	}
	if err := d.WaitSynced(d.Offset()); err != nil {
		c.srv.log.Error("closing client: write not durable", "id", c.id, "err", err)
		c.Close()
		return false
	}
	return true
}

// replyDone applies CLIENT REPLY OFF|SKIP to the reply a command wrote
// from offset start of the private buffer.
func (c *Conn) replyDone(start int) {
	if c.replyOff || c.replySkip {
		c.w.Buf = c.w.Buf[:start]
	}
	c.replySkip = c.replySkipNext
	c.replySkipNext = false
}
