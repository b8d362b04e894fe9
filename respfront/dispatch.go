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

	block *blockReq
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
	x.Tx.Block(x.DB, w)
	x.block = &blockReq{w: w, timeout: timeout, reply: reply, expired: expired}
}

// Err writes err as an error reply, mapping engine sentinels to Redis's
// texts (errors.go).
func (x *Ctx) Err(err error) { x.W.Error(errorText(err)) }

// SyntaxErr writes "ERR syntax error".
func (x *Ctx) SyntaxErr() { x.W.Error("ERR syntax error") }

// Arg returns argument i as a string.
func (x *Ctx) Arg(i int) string { return string(x.Args[i]) }

// dispatch runs one command and reports whether the connection stays open.
func (c *Conn) dispatch(args [][]byte) bool {
	if len(args) == 0 {
		return true
	}
	c.srv.stats.commands.Add(1)
	cmd := c.srv.table.lookup(args[0])
	if cmd == nil {
		c.reject(nil, unknownCommand(args))
		return true
	}
	if !arityOK(cmd.Arity, len(args)) {
		c.reject(cmd, fmt.Sprintf("ERR wrong number of arguments for '%s' command", cmd.Name))
		return true
	}
	name := cmd.Name
	if len(cmd.Subcommands) > 0 && len(args) > 1 {
		sub := cmd.subcommand(args[1])
		if sub == nil {
			c.reject(cmd, fmt.Sprintf("ERR unknown subcommand '%.128s'. Try %s HELP.", sanitize(args[1]), strings.ToUpper(cmd.Name)))
			return true
		}
		name = cmd.Name + "|" + sub.Name
		if !arityOK(sub.Arity, len(args)) {
			c.reject(cmd, fmt.Sprintf("ERR wrong number of arguments for '%s' command", name))
			return true
		}
		if sub.Handler != nil {
			cmd = sub
		}
	}
	if !c.authed && name != "auth" && name != "hello" && name != "quit" && name != "reset" {
		c.reject(cmd, "NOAUTH Authentication required.")
		return true
	}
	if c.w.Proto == 2 && c.ps.count() > 0 && cmd.Flags&Subscribed == 0 {
		c.reject(cmd, fmt.Sprintf("ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", name))
		return true
	}
	c.noteCommand(name)
	if c.tx.active && !txControl(cmd.Name) {
		if cmd.Flags&NoMulti != 0 {
			c.reject(cmd, "ERR Command not allowed inside a transaction")
			return true
		}
		c.tx.queue(cmd, args)
		c.w.Simple("QUEUED")
		return true
	}
	ctx := Ctx{Conn: c, Cmd: cmd, Args: args, W: &c.w}
	if cmd.Flags&NoLock != 0 {
		cmd.Handler(&ctx)
	} else {
		c.srv.eng.Exec(func(tx *broker.Tx) {
			ctx.Tx, ctx.DB = tx, tx.DB(c.db)
			cmd.Handler(&ctx)
		})
	}
	c.moveReplies()
	if ctx.block != nil {
		return c.waitBlocked(ctx.block)
	}
	if c.closeAfterReply {
		return false
	}
	select {
	case <-c.closed:
		return false
	default:
		return true
	}
}

// reject answers a command refused before it ran (unknown, wrong arity,
// not authenticated...). Inside MULTI the refusal fails the transaction; a
// refused EXEC discards it and answers EXECABORT with the reason, as Redis's
// rejectCommand does.
func (c *Conn) reject(cmd *Command, msg string) {
	if cmd != nil && cmd.Name == "exec" {
		c.discardTx()
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

// unknownCommand formats Redis's unknown command error.
func unknownCommand(args [][]byte) string {
	var b strings.Builder
	name := args[0]
	if len(name) > 128 {
		name = name[:128]
	}
	fmt.Fprintf(&b, "ERR unknown command '%s', with args beginning with: ", sanitize(name))
	for _, a := range args[1:] {
		if b.Len() >= 128+60 {
			break
		}
		room := 128 - (b.Len() - 60)
		if room < 0 {
			room = 0
		}
		if len(a) > room {
			a = a[:room]
		}
		fmt.Fprintf(&b, "'%s' ", sanitize(a))
	}
	return b.String()
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
		n, err := c.nc.Read(buf)
		if n > 0 {
			c.lr.pending = append(c.lr.pending, buf[:n]...)
		}
		if err != nil && !isTimeout(err) {
			close(gone)
		}
	}()
	var timer <-chan time.Time
	if b.timeout > 0 {
		t := time.NewTimer(b.timeout)
		defer t.Stop()
		timer = t.C
	}
	alive := true
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
