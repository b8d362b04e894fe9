package respfront

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/switchyard/switchyard/broker"
)

// clientSubcommands are CLIENT's subcommands
// (https://redis.io/docs/latest/commands/client/). SETINFO and NO-TOUCH come
// from Redis 7.2: go-redis v9 sends CLIENT SETINFO on every new connection.
func clientSubcommands() []*Command {
	return []*Command{
		{Name: "id", Handler: cmdClientID, Arity: 2, Flags: NoLock, Since: "5.0.0", Summary: "Returns the unique client ID of the connection."},
		{Name: "setname", Handler: cmdClientSetName, Arity: 3, Flags: NoLock, Since: "2.6.9", Summary: "Sets the connection name."},
		{Name: "getname", Handler: cmdClientGetName, Arity: 2, Flags: NoLock, Since: "2.6.9", Summary: "Returns the name of the connection."},
		{Name: "list", Handler: cmdClientList, Arity: -2, Flags: NoLock | Admin, Since: "2.4.0", Summary: "Lists open connections."},
		{Name: "info", Handler: cmdClientInfo, Arity: 2, Flags: NoLock, Since: "6.2.0", Summary: "Returns information about the connection."},
		{Name: "kill", Handler: cmdClientKill, Arity: -3, Flags: NoLock | Admin, Since: "2.4.0", Summary: "Terminates open connections."},
		{Name: "reply", Handler: cmdClientReply, Arity: 3, Flags: NoLock, Since: "3.2.0", Summary: "Instructs the server whether to reply to commands."},
		{Name: "setinfo", Handler: cmdClientSetInfo, Arity: 4, Flags: NoLock, Since: "7.2.0", Summary: "Sets information specific to the client or connection."},
		{Name: "no-evict", Handler: cmdClientOnOff, Arity: 3, Flags: NoLock | Admin, Since: "7.0.0", Summary: "Sets the client eviction mode of the connection."},
		{Name: "no-touch", Handler: cmdClientOnOff, Arity: 3, Flags: NoLock, Since: "7.2.0", Summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys."},
		{Name: "help", Handler: cmdClientHelp, Arity: 2, Flags: NoLock, Since: "5.0.0", Summary: "Returns helpful text about the different subcommands."},
	}
}

// setName sets the connection name (CLIENT SETNAME, HELLO SETNAME).
func (c *Conn) setName(s string) {
	c.infoMu.Lock()
	c.name = s
	c.infoMu.Unlock()
}

// setDB selects database i (SELECT, RESET).
func (c *Conn) setDB(i int) {
	c.infoMu.Lock()
	c.db = i
	c.infoMu.Unlock()
}

// noteCommand records the command being run, for CLIENT LIST cmd=.
func (c *Conn) noteCommand(name string) {
	c.infoMu.Lock()
	c.lastCmd = name
	c.infoMu.Unlock()
}

// noteRead records when the client last sent commands (CLIENT LIST idle=).
func (c *Conn) noteRead(now time.Time) {
	c.infoMu.Lock()
	c.lastAt = now
	c.infoMu.Unlock()
}

func cmdClientID(x *Ctx) { x.W.Int(x.Conn.id) }

// cmdClientSetName implements CLIENT SETNAME name: printable ASCII without
// spaces; an empty name removes the name.
func cmdClientSetName(x *Ctx) {
	name := x.Arg(2)
	if !validClientName(name) {
		x.W.Error("ERR Client names cannot contain spaces, newlines or special characters.")
		return
	}
	x.Conn.setName(name)
	x.W.OK()
}

// cmdClientGetName implements CLIENT GETNAME: the name, or null when unset.
func cmdClientGetName(x *Ctx) {
	if x.Conn.name == "" {
		x.W.Null()
		return
	}
	x.W.BulkString(x.Conn.name)
}

// cmdClientSetInfo implements CLIENT SETINFO LIB-NAME|LIB-VER value (Redis
// 7.2): the value shows in CLIENT LIST and CLIENT INFO.
func cmdClientSetInfo(x *Ctx) {
	attr, val := x.Arg(2), x.Arg(3)
	c := x.Conn
	var dst *string
	switch strings.ToLower(attr) {
	case "lib-name":
		dst = &c.libName
	case "lib-ver":
		dst = &c.libVer
	default:
		x.W.Error("ERR Unrecognized option '" + attr + "'")
		return
	}
	if !validClientName(val) {
		x.W.Error("ERR " + attr + " cannot contain spaces, newlines or special characters.")
		return
	}
	c.infoMu.Lock()
	*dst = val
	c.infoMu.Unlock()
	x.W.OK()
}

// cmdClientOnOff implements CLIENT NO-EVICT and CLIENT NO-TOUCH ON|OFF. The
// server evicts no clients and tracks no LRU, so the flags are only shown
// (flags=e, flags=T).
func cmdClientOnOff(x *Ctx) {
	var on bool
	switch strings.ToLower(x.Arg(2)) {
	case "on":
		on = true
	case "off":
	default:
		x.SyntaxErr()
		return
	}
	c := x.Conn
	c.infoMu.Lock()
	if strings.EqualFold(x.Arg(1), "no-evict") {
		c.noEvict = on
	} else {
		c.noTouch = on
	}
	c.infoMu.Unlock()
	x.W.OK()
}

// cmdClientInfo implements CLIENT INFO: this connection's CLIENT LIST line
// (RESP3: a verbatim string).
func cmdClientInfo(x *Ctx) {
	c := x.Conn
	x.W.Verbatim(c.clientLine(time.Now(), c.srv.subCounts([]*Conn{c})[0]) + "\n")
}

// clientType parses a CLIENT LIST / CLIENT KILL TYPE argument.
func clientType(s string) (string, bool) {
	switch t := strings.ToLower(s); t {
	case "normal", "pubsub", "master":
		return t, true
	case "replica", "slave":
		return "replica", true
	}
	return "", false
}

// live returns the connections not yet closed, by id: a killed connection
// stays registered until its goroutine has cleaned up.
func (s *Server) live() []*Conn {
	all := s.clients()
	out := all[:0]
	for _, c := range all {
		if !c.isGone() {
			out = append(out, c)
		}
	}
	return out
}

// isGone reports whether c was closed. Safe from any goroutine.
func (c *Conn) isGone() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

// subCounts returns each connection's channel, pattern and shard channel
// subscription counts, read in one go under the hub lock, which guards
// them.
func (s *Server) subCounts(conns []*Conn) [][3]int {
	out := make([][3]int, len(conns))
	s.eng.Hub.Update(func(*broker.Registry) {
		for i, c := range conns {
			out[i] = [3]int{len(c.ps.channels), len(c.ps.patterns), len(c.ps.shards)}
		}
	})
	return out
}

// isType reports whether a connection with the subscription counts subs is
// of the CLIENT type t. There are no replication links, so master and
// replica match nobody.
func isType(subs [3]int, t string) bool {
	pubsub := subs[0]+subs[1]+subs[2] > 0
	switch t {
	case "normal":
		return !pubsub
	case "pubsub":
		return pubsub
	}
	return false
}

// cmdClientList implements CLIENT LIST [TYPE type | ID id [id ...]]: one
// line per client, by id (ID: in the order given), each ending in "\n".
func cmdClientList(x *Ctx) {
	s := x.Conn.srv
	var conns []*Conn
	switch {
	case len(x.Args) == 2:
		conns = s.live()
	case len(x.Args) == 4 && strings.EqualFold(x.Arg(2), "type"):
		t, ok := clientType(x.Arg(3))
		if !ok {
			x.W.Error("ERR Unknown client type '" + x.Arg(3) + "'")
			return
		}
		all := s.live()
		for i, subs := range s.subCounts(all) {
			if isType(subs, t) {
				conns = append(conns, all[i])
			}
		}
	case len(x.Args) > 3 && strings.EqualFold(x.Arg(2), "id"):
		ids := make([]int64, 0, len(x.Args)-3)
		for _, a := range x.Args[3:] {
			id, err := strconv.ParseInt(string(a), 10, 64)
			if err != nil {
				x.W.Error("ERR Invalid client ID")
				return
			}
			ids = append(ids, id)
		}
		s.mu.Lock()
		for _, id := range ids {
			if c := s.conns[id]; c != nil && !c.isGone() {
				conns = append(conns, c)
			}
		}
		s.mu.Unlock()
	default:
		x.SyntaxErr()
		return
	}
	now := time.Now()
	var b strings.Builder
	for i, subs := range s.subCounts(conns) {
		b.WriteString(conns[i].clientLine(now, subs))
		b.WriteByte('\n')
	}
	x.W.Verbatim(b.String())
}

// clientLine formats c, whose subscription counts are subs, as a CLIENT
// LIST line (Redis 7.0's fields, then 7.2's lib-name and lib-ver). Fields
// without a meaning here (query buffer, argv-mem...) are 0. Safe from any
// goroutine.
func (c *Conn) clientLine(now time.Time, subs [3]int) string {
	c.infoMu.Lock()
	db, name, cmd, lastAt := c.db, c.name, c.lastCmd, c.lastAt
	libName, libVer, noEvict, noTouch := c.libName, c.libVer, c.noEvict, c.noTouch
	c.infoMu.Unlock()
	c.outMu.Lock()
	omem := len(c.out)
	c.outMu.Unlock()
	proto := c.proto.Load()
	if cmd == "" {
		cmd = "NULL"
	}
	multi := c.tx.queuedLen()
	flags := ""
	if subs[0]+subs[1]+subs[2] > 0 {
		flags += "P"
	}
	if multi >= 0 {
		flags += "x"
	}
	if noEvict {
		flags += "e"
	}
	if noTouch {
		flags += "T"
	}
	if flags == "" {
		flags = "N"
	}
	return fmt.Sprintf("id=%d addr=%s laddr=%s fd=%d name=%s age=%d idle=%d flags=%s db=%d sub=%d psub=%d ssub=%d multi=%d qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=%d tot-mem=%d events=r cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s",
		c.id, c.nc.RemoteAddr(), c.nc.LocalAddr(), connFD(c.nc), name,
		int64(now.Sub(c.createdAt)/time.Second), int64(now.Sub(lastAt)/time.Second),
		flags, db, subs[0], subs[1], subs[2], multi, omem, omem, cmd, proto, libName, libVer)
}

// connFD returns the socket's file descriptor, or -1.
func connFD(nc net.Conn) int {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return -1
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	if rc.Control(func(f uintptr) { fd = int(f) }) != nil {
		return -1
	}
	return fd
}

// cmdClientKill implements both forms of CLIENT KILL
// (https://redis.io/docs/latest/commands/client-kill/): the old
// "CLIENT KILL ip:port" answers +OK or "ERR No such client" and may kill the
// caller; the new "CLIENT KILL filter value ..." (ID, ADDR, LADDR, TYPE,
// USER, SKIPME) answers the number of clients killed. A killed caller gets
// its reply before the connection closes.
func cmdClientKill(x *Ctx) {
	me := x.Conn
	var (
		id                int64
		addr, laddr, kind string
		skipMe            = true
	)
	old := len(x.Args) == 3
	if old {
		addr, skipMe = x.Arg(2), false
	} else {
		args := x.Args[2:]
		for i := 0; i < len(args); i += 2 {
			if i+1 >= len(args) {
				x.SyntaxErr()
				return
			}
			val := string(args[i+1])
			switch strings.ToLower(string(args[i])) {
			case "id":
				n, err := strconv.ParseInt(val, 10, 64)
				if err != nil || n < 1 {
					x.W.Error("ERR client-id should be greater than 0")
					return
				}
				id = n
			case "type":
				t, ok := clientType(val)
				if !ok {
					x.W.Error("ERR Unknown client type '" + val + "'")
					return
				}
				kind = t
			case "addr":
				addr = val
			case "laddr":
				laddr = val
			case "user":
				if val != "default" {
					x.W.Error("ERR No such user '" + val + "'")
					return
				}
			case "skipme":
				switch strings.ToLower(val) {
				case "yes":
					skipMe = true
				case "no":
					skipMe = false
				default:
					x.SyntaxErr()
					return
				}
			default:
				x.SyntaxErr()
				return
			}
		}
	}
	killed := 0
	all := me.srv.live()
	var subs [][3]int
	if kind != "" {
		subs = me.srv.subCounts(all)
	}
	for i, c := range all {
		if (id != 0 && c.id != id) ||
			(addr != "" && c.nc.RemoteAddr().String() != addr) ||
			(laddr != "" && c.nc.LocalAddr().String() != laddr) ||
			(kind != "" && !isType(subs[i], kind)) ||
			(c == me && skipMe) {
			continue
		}
		killed++
		if c == me {
			me.closeAfterReply = true
		} else {
			c.Close()
		}
	}
	switch {
	case !old:
		x.W.Int(int64(killed))
	case killed == 0:
		x.W.Error("ERR No such client")
	default:
		x.W.OK()
	}
}

func cmdClientHelp(x *Ctx) {
	writeHelp(x, "CLIENT",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.",
		"SETINFO <option> <value>",
		"    Set client meta attr. Options are:",
		"    * LIB-NAME: the client lib name.",
		"    * LIB-VER: the client lib version.",
		"NO-EVICT (ON|OFF)",
		"    Protect current client connection from eviction.",
		"NO-TOUCH (ON|OFF)",
		"    Will not touch LRU/LFU stats when this mode is on.",
	)
}

// cmdClientReply implements CLIENT REPLY ON|OFF|SKIP
// (https://redis.io/commands/client-reply/): OFF and SKIP are not answered.
func cmdClientReply(x *Ctx) {
	c := x.Conn
	switch strings.ToLower(x.Arg(2)) {
	case "on":
		c.replyOff, c.replySkipNext = false, false
		x.W.OK()
	case "off":
		c.replyOff = true
	case "skip":
		if !c.replyOff {
			c.replySkipNext = true
		}
	default:
		x.SyntaxErr()
	}
}
