package respfront

import (
	"strconv"
	"strings"
)

// RedisVersion is the Redis version whose behaviour the RESP front follows;
// INFO and HELLO report it so clients enable the matching features.
const RedisVersion = "7.0.15"

func serverCommands() []*Command {
	return []*Command{
		{Name: "ping", Handler: cmdPing, Arity: -1, Flags: NoLock | Fast | Subscribed, Summary: "Returns the server's liveliness response."},
		{Name: "echo", Handler: cmdEcho, Arity: 2, Flags: NoLock | Fast, Summary: "Returns the given string."},
		{Name: "quit", Handler: cmdQuit, Arity: -1, Flags: NoLock | Fast | Subscribed, Summary: "Closes the connection."},
		{Name: "select", Handler: cmdSelect, Arity: 2, Flags: NoLock | Fast, Summary: "Changes the selected database."},
		{Name: "hello", Handler: cmdHello, Arity: -1, Flags: NoLock | Fast, Summary: "Handshakes with the server."},
		{Name: "auth", Handler: cmdAuth, Arity: -2, Flags: NoLock | Fast, Summary: "Authenticates the connection."},
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
	x.Conn.flush()
	x.Conn.Close()
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
	x.Conn.db = n
	x.W.OK()
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
	if x.Conn.srv.opts.RequirePass == "" && len(x.Args) == 2 {
		x.W.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		return
	}
	if user != "default" || pass != x.Conn.srv.opts.RequirePass {
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
			if user != "default" || (c.srv.opts.RequirePass != "" && pass != c.srv.opts.RequirePass) {
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
		c.name = *name
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
