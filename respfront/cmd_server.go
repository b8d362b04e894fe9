package respfront

import (
	"strconv"
	"strings"
)

// RedisVersion is the Redis version whose behaviour the RESP front follows;
// INFO and HELLO report it so clients enable the matching features.
const RedisVersion = "7.0.15"

// serverCommands are the connection and server families
// (https://redis.io/docs/latest/commands/?group=connection and
// ?group=server): this file, cmd_client.go (CLIENT), cmd_command.go
// (COMMAND), cmd_info.go (INFO) and cmd_config.go (CONFIG).
func serverCommands() []*Command {
	return []*Command{
		{Name: "ping", Handler: cmdPing, Arity: -1, Flags: NoLock | Fast | Subscribed, Group: "connection", Since: "1.0.0", Summary: "Returns the server's liveliness response."},
		{Name: "echo", Handler: cmdEcho, Arity: 2, Flags: NoLock | Fast, Group: "connection", Since: "1.0.0", Summary: "Returns the given string."},
		{Name: "quit", Handler: cmdQuit, Arity: -1, Flags: NoLock | Fast | Subscribed, Group: "connection", Since: "1.0.0", Summary: "Closes the connection."},
		{Name: "select", Handler: cmdSelect, Arity: 2, Flags: NoLock | Fast, Group: "connection", Since: "1.0.0", Summary: "Changes the selected database."},
		{Name: "hello", Handler: cmdHello, Arity: -1, Flags: NoLock | Fast, Group: "connection", Since: "6.0.0", Summary: "Handshakes with the server."},
		{Name: "auth", Handler: cmdAuth, Arity: -2, Flags: NoLock | Fast, Group: "connection", Since: "1.0.0", Summary: "Authenticates the connection."},
		{Name: "reset", Handler: cmdReset, Arity: 1, Flags: Fast | Subscribed, Group: "connection", Since: "6.2.0", Summary: "Resets the connection."},
		{Name: "client", Arity: -2, Flags: NoLock, Group: "connection", Since: "2.4.0", Summary: "A container for client connection commands.", Subcommands: clientSubcommands()},
		{Name: "time", Handler: cmdTime, Arity: 1, Flags: NoLock | Fast, Group: "server", Since: "2.6.0", Summary: "Returns the server time."},
		{Name: "shutdown", Handler: cmdShutdown, Arity: -1, Flags: NoLock | Admin | NoMulti, Group: "server", Since: "1.0.0", Summary: "Shuts down the server."},
		{Name: "info", Handler: cmdInfo, Arity: -1, Group: "server", Since: "1.0.0", Summary: "Returns information and statistics about the server."},
		{Name: "config", Arity: -2, Flags: NoLock, Group: "server", Since: "2.0.0", Summary: "A container for server configuration commands.", Subcommands: configSubcommands()},
		{Name: "command", Handler: cmdCommand, Arity: -1, Flags: NoLock, Group: "server", Since: "2.8.13", Summary: "Returns detailed information about all commands.", Subcommands: commandSubcommands()},
	}
}

func cmdPing(x *Ctx) {
	if len(x.Args) > 2 {
		x.W.Error("ERR wrong number of arguments for 'ping' command")
		return
	}
	if x.Conn.w.Proto == 2 && x.Conn.ps.count() > 0 {
		// RESP2 subscribed mode answers PING with a pong array.
		x.W.Array(2)
		x.W.BulkString("pong")
		if len(x.Args) == 2 {
			x.W.Bulk(x.Args[1])
		} else {
			x.W.BulkString("")
		}
		return
	}
	if len(x.Args) == 2 {
		x.W.Bulk(x.Args[1])
		return
	}
	x.W.Simple("PONG")
}

func cmdEcho(x *Ctx) { x.W.Bulk(x.Args[1]) }

func cmdQuit(x *Ctx) {
	// Release exclusive queues, unacked deliveries and subscriptions before
	// answering, so a client that has the +OK knows they are gone (as
	// RabbitMQ cleans up before connection.close-ok).
	x.Conn.releaseState()
	x.W.OK()
	x.Conn.closeAfterReply = true
}

func cmdSelect(x *Ctx) {
	n, err := strconv.Atoi(x.Arg(1))
	if err != nil {
		x.W.Error("ERR value is not an integer or out of range")
		return
	}
	if n < 0 || n >= 16 {
		x.W.Error("ERR DB index is out of range")
		return
	}
	x.Conn.setDB(n)
	x.W.OK()
}

// cmdTime implements TIME: the engine clock as two bulk strings, Unix
// seconds and microseconds (https://redis.io/docs/latest/commands/time/).
func cmdTime(x *Ctx) {
	now := x.Conn.srv.eng.Now()
	x.W.Array(2)
	x.W.BulkString(strconv.FormatInt(now.Unix(), 10))
	x.W.BulkString(strconv.FormatInt(int64(now.Nanosecond()/1000), 10))
}

// cmdReset implements RESET (https://redis.io/docs/latest/commands/reset/):
// it discards MULTI, unwatches, unsubscribes, selects db 0, goes back to
// RESP2, clears the name and the CLIENT flags, and de-authenticates when a
// password is required. It replies +RESET.
func cmdReset(x *Ctx) {
	c := x.Conn
	c.tx.reset()
	c.unwatchLocked()
	c.releasePubSub()
	c.setDB(0)
	c.setName("")
	c.infoMu.Lock()
	c.noEvict, c.noTouch = false, false
	c.infoMu.Unlock()
	c.setProto(2)
	c.authed = c.srv.requirePass() == ""
	x.W.Simple("RESET")
}

// cmdShutdown implements SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
// (https://redis.io/docs/latest/commands/shutdown/). It calls
// Options.OnShutdown (without it, it closes this front) and closes the
// connection without a reply, as Redis does. Nothing is saved here: SAVE
// and NOSAVE are passed to the persistence manager, which writes the final
// snapshot once the clients are gone.
func cmdShutdown(x *Ctx) {
	var save, nosave, abort, other bool
	for _, a := range x.Args[1:] {
		switch strings.ToLower(string(a)) {
		case "nosave":
			nosave = true
		case "save":
			save = true
		case "now", "force":
			other = true
		case "abort":
			abort = true
		default:
			x.SyntaxErr()
			return
		}
	}
	if (save && nosave) || (abort && (save || nosave || other)) {
		x.SyntaxErr()
		return
	}
	if abort {
		x.W.Error("ERR No shutdown in progress.")
		return
	}
	s := x.Conn.srv
	s.log.Warn("SHUTDOWN requested by a client", "id", x.Conn.id, "addr", x.Conn.nc.RemoteAddr().String())
	x.Conn.closeAfterReply = true
	if p := s.opts.Persistence; p != nil {
		p.SetShutdownSave(save, nosave)
	}
	if s.opts.OnShutdown != nil {
		s.opts.OnShutdown()
		return
	}
	_ = s.Close() // stops accepting and closes every connection, this one too
}

func cmdAuth(x *Ctx) {
	if len(x.Args) > 3 {
		x.SyntaxErr()
		return
	}
	pass := x.Arg(len(x.Args) - 1)
	user := "default"
	if len(x.Args) == 3 {
		user = x.Arg(1)
	}
	if x.Conn.srv.requirePass() == "" && len(x.Args) == 2 {
		x.W.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		return
	}
	if user != "default" || pass != x.Conn.srv.requirePass() {
		x.W.Error("WRONGPASS invalid username-password pair or user is disabled.")
		return
	}
	x.Conn.authed = true
	x.W.OK()
}

// cmdHello implements HELLO [protover [AUTH username password] [SETNAME clientname]].
func cmdHello(x *Ctx) {
	c := x.Conn
	proto := c.w.Proto
	args := x.Args[1:]
	if len(args) > 0 {
		v, err := strconv.Atoi(string(args[0]))
		if err != nil {
			x.W.Error("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			x.W.Error("NOPROTO unsupported protocol version")
			return
		}
		proto = v
		args = args[1:]
	}
	var name *string
	for len(args) > 0 {
		switch strings.ToLower(string(args[0])) {
		case "auth":
			if len(args) < 3 {
				x.W.Error("ERR Syntax error in HELLO option 'auth'")
				return
			}
			user, pass := string(args[1]), string(args[2])
			if user != "default" || (c.srv.requirePass() != "" && pass != c.srv.requirePass()) {
				x.W.Error("WRONGPASS invalid username-password pair or user is disabled.")
				return
			}
			c.authed = true
			args = args[3:]
		case "setname":
			if len(args) < 2 {
				x.W.Error("ERR Syntax error in HELLO option 'setname'")
				return
			}
			s := string(args[1])
			if !validClientName(s) {
				x.W.Error("ERR Client names cannot contain spaces, newlines or special characters.")
				return
			}
			name = &s
			args = args[2:]
		default:
			x.W.Error("ERR Syntax error in HELLO option '" + string(args[0]) + "'")
			return
		}
	}
	if !c.authed {
		x.W.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if name != nil {
		c.setName(*name)
	}
	c.setProto(proto)
	x.W.Map(7)
	x.W.BulkString("server")
	x.W.BulkString("redis")
	x.W.BulkString("version")
	x.W.BulkString(RedisVersion)
	x.W.BulkString("proto")
	x.W.Int(int64(proto))
	x.W.BulkString("id")
	x.W.Int(c.id)
	x.W.BulkString("mode")
	x.W.BulkString("standalone")
	x.W.BulkString("role")
	x.W.BulkString("master")
	x.W.BulkString("modules")
	x.W.Array(0)
}

// validClientName follows Redis: printable ASCII without spaces.
func validClientName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '!' || s[i] > '~' {
			return false
		}
	}
	return true
}
