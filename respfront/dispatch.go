package respfront

import (
	"bytes"
	"fmt"
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
		c.tx.flagError()
		c.w.Error(unknownCommand(args))
		return true
	}
	if !arityOK(cmd.Arity, len(args)) {
		c.tx.flagError()
		c.w.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", cmd.Name))
		return true
	}
	if !c.authed && cmd.Name != "auth" && cmd.Name != "hello" && cmd.Name != "quit" {
		c.tx.flagError()
		c.w.Error("NOAUTH Authentication required.")
		return true
	}
	if c.w.Proto == 2 && c.ps.count() > 0 && cmd.Flags&Subscribed == 0 {
		c.w.Error(fmt.Sprintf("ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", cmd.Name))
		return true
	}
	c.lastCmd, c.lastAt = cmd.Name, time.Now()
	if c.tx.active && !txControl(cmd.Name) {
		if cmd.Flags&NoMulti != 0 {
			c.tx.flagError()
			c.w.Error(fmt.Sprintf("ERR Command not allowed inside a transaction"))
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
	select {
	case <-c.closed:
		return false
	default:
		return true
	}
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
// ends a name or an argument; Writer.Error turns CR and LF into spaces.
func unknownCommand(args [][]byte) string {
	var list []byte
	for _, a := range args[1:] {
		if len(list) >= 128 {
			break
		}
		a = cString(a)
		a = a[:min(len(a), 128-len(list))]
		list = append(append(append(list, '\''), a...), "' "...)
	}
	name := cString(args[0])
	return fmt.Sprintf("ERR unknown command '%s', with args beginning with: %s", name[:min(len(name), 128)], list)
}

// cString cuts b at its first NUL byte, as C's %s reads it.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
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
