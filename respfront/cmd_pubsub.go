package respfront

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/resp"
)

// Pub/sub as Redis 7.0 implements it
// (https://redis.io/docs/latest/develop/interactions/pubsub/): channels,
// patterns and shard channels live in the engine's Hub; a connection keeps
// its own subscription sets here, and receives messages through Deliver,
// which only appends to the connection's bounded outbound buffer (push).
//
// Ordering: (un)subscribe confirmations are pushed while the hub lock is
// held (Hub.Update), after the replies of earlier pipelined commands, so a
// message published right after a registration never overtakes its
// confirmation. Inside EXEC the confirmations belong to the EXEC reply,
// which is sent only after EXEC returns: deliveries to the connection are
// then held (pubsubState.holding) until the dispatcher has moved that reply
// out (releaseHeldPubSub).

// pubsubState is a connection's subscriptions. The maps and holding are
// written only by the connection's serve goroutine and only inside
// Hub.Update, so that goroutine reads them freely and publishers read them
// under the hub's shared lock.
//
// Each set maps a name to its subscription sequence number: UNSUBSCRIBE
// without arguments drops them in subscription order (Redis 7.0 keeps a
// client's patterns in a list; its channel order is a hash order, which no
// client can rely on).
type pubsubState struct {
	channels map[string]uint64
	patterns map[string]uint64
	shards   map[string]uint64
	seq      uint64

	// holding is set by a SUBSCRIBE family command run inside EXEC: Deliver
	// then keeps messages in held instead of pushing them, until the EXEC
	// reply is out.
	holding bool
	heldMu  sync.Mutex // guards held (several publishers deliver at once)
	held    []broker.Message
}

// count returns the number of subscriptions of every kind; a RESP2
// connection with any is in subscribed mode.
func (p *pubsubState) count() int { return len(p.channels) + len(p.patterns) + len(p.shards) }

// countFor returns the count a confirmation of kind reports: Redis counts
// channels and patterns together, and shard channels apart.
func (p *pubsubState) countFor(kind broker.SubKind) int {
	if kind == broker.SubShard {
		return len(p.shards)
	}
	return len(p.channels) + len(p.patterns)
}

// set returns the subscription set of kind, creating it if create is true.
func (p *pubsubState) set(kind broker.SubKind, create bool) map[string]uint64 {
	m := &p.channels
	switch kind {
	case broker.SubPattern:
		m = &p.patterns
	case broker.SubShard:
		m = &p.shards
	}
	if *m == nil && create {
		*m = map[string]uint64{}
	}
	return *m
}

// add records a new subscription of kind.
func (p *pubsubState) add(kind broker.SubKind, name string) {
	p.seq++
	p.set(kind, true)[name] = p.seq
}

// names returns the subscriptions of kind in subscription order.
func (p *pubsubState) names(kind broker.SubKind) []string {
	m := p.set(kind, false)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return m[out[i]] < m[out[j]] })
	return out
}

// has reports whether the connection still subscribes to what delivered m.
func (p *pubsubState) has(m *broker.Message) bool {
	name := m.Channel
	if m.Kind == broker.SubPattern {
		name = m.Pattern
	}
	_, ok := p.set(m.Kind, false)[name]
	return ok
}

// subVerbs are the confirmation kinds of SUBSCRIBE and UNSUBSCRIBE per
// namespace, as the first element of the confirmation array.
var (
	subVerbs   = [...]string{broker.SubChannel: "subscribe", broker.SubPattern: "psubscribe", broker.SubShard: "ssubscribe"}
	unsubVerbs = [...]string{broker.SubChannel: "unsubscribe", broker.SubPattern: "punsubscribe", broker.SubShard: "sunsubscribe"}
)

func pubsubCommands() []*Command {
	const sub = NoLock | PubSub | Subscribed
	return []*Command{
		{Name: "subscribe", Handler: subscribeHandler(broker.SubChannel), Arity: -2, Flags: sub, Summary: "Listens for messages published to channels."},
		{Name: "unsubscribe", Handler: unsubscribeHandler(broker.SubChannel), Arity: -1, Flags: sub, Summary: "Stops listening to messages posted to channels."},
		{Name: "psubscribe", Handler: subscribeHandler(broker.SubPattern), Arity: -2, Flags: sub, Summary: "Listens for messages published to channels that match one or more patterns."},
		{Name: "punsubscribe", Handler: unsubscribeHandler(broker.SubPattern), Arity: -1, Flags: sub, Summary: "Stops listening to messages published to channels that match one or more patterns."},
		{Name: "ssubscribe", Handler: subscribeHandler(broker.SubShard), Arity: -2, Flags: sub, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Listens for messages published to shard channels."},
		{Name: "sunsubscribe", Handler: unsubscribeHandler(broker.SubShard), Arity: -1, Flags: sub, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Stops listening to messages posted to shard channels."},
		{Name: "publish", Handler: cmdPublish, Arity: 3, Flags: NoLock | PubSub | Fast, Summary: "Posts a message to a channel."},
		{Name: "spublish", Handler: cmdSPublish, Arity: 3, Flags: NoLock | PubSub | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Post a message to a shard channel."},
		{Name: "pubsub", Handler: cmdPubsub, Arity: -2, Flags: NoLock, Summary: "A container for Pub/Sub commands.", Subcommands: []*Command{
			{Name: "pubsub|channels", Handler: pubsubChannels(broker.SubChannel), Arity: -2, Flags: NoLock | PubSub, Summary: "Returns the active channels."},
			{Name: "pubsub|numsub", Handler: pubsubNumSub(broker.SubChannel), Arity: -2, Flags: NoLock | PubSub, Summary: "Returns a count of subscribers to channels."},
			{Name: "pubsub|numpat", Handler: pubsubNumPat, Arity: 2, Flags: NoLock | PubSub, Summary: "Returns a count of unique pattern subscriptions."},
			{Name: "pubsub|shardchannels", Handler: pubsubChannels(broker.SubShard), Arity: -2, Flags: NoLock | PubSub, Summary: "Returns the active shard channels."},
			{Name: "pubsub|shardnumsub", Handler: pubsubNumSub(broker.SubShard), Arity: -2, Flags: NoLock | PubSub, Summary: "Returns the count of subscribers of shard channels."},
			{Name: "pubsub|help", Handler: pubsubHelp, Arity: 2, Flags: NoLock, Summary: "Returns helpful text about the different subcommands."},
		}},
	}
}

// confirm writes one (un)subscribe confirmation: [verb, name, count], with
// a null name when there was nothing to unsubscribe from. It is a push in
// RESP3.
func confirm(w *resp.Writer, verb string, name *string, count int) {
	w.Push(3)
	w.BulkString(verb)
	if name == nil {
		w.Null()
	} else {
		w.BulkString(*name)
	}
	w.Int(int64(count))
}

// confirmer returns how a handler emits confirmations. Outside EXEC they
// are pushed to the shared outbound buffer (they must be enqueued under the
// hub lock, before any message of the new subscription), after the
// connection's pending replies. Inside EXEC they are written to the EXEC
// reply.
func (c *Conn) confirmer(x *Ctx) func(verb string, name *string, count int) {
	if x.InExec {
		return func(verb string, name *string, count int) { confirm(x.W, verb, name, count) }
	}
	// Replies written but not yet moved (such as an error of a previous
	// pipelined command, answered by the dispatcher) go first.
	c.moveReplies()
	return func(verb string, name *string, count int) {
		c.push(func(w *resp.Writer) { confirm(w, verb, name, count) })
	}
}

// subscribeHandler implements SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE: one
// confirmation per argument, in order, repeated names included, each with
// the count after it.
func subscribeHandler(kind broker.SubKind) func(x *Ctx) {
	verb := subVerbs[kind]
	return func(x *Ctx) {
		c := x.Conn
		emit := c.confirmer(x)
		c.srv.eng.Hub.Update(func(r *broker.Registry) {
			if x.InExec {
				c.ps.holding = true
			}
			for _, a := range x.Args[1:] {
				name := string(a)
				if r.Subscribe(kind, c, name) {
					c.ps.add(kind, name)
				}
				emit(verb, &name, c.ps.countFor(kind))
			}
		})
	}
}

// unsubscribeHandler implements UNSUBSCRIBE, PUNSUBSCRIBE and SUNSUBSCRIBE.
// Without arguments it drops every subscription of its kind (in
// subscription order), answering [verb, nil, count] when there is none.
func unsubscribeHandler(kind broker.SubKind) func(x *Ctx) {
	verb := unsubVerbs[kind]
	return func(x *Ctx) {
		c := x.Conn
		var names []string
		if len(x.Args) > 1 {
			names = make([]string, len(x.Args)-1)
			for i, a := range x.Args[1:] {
				names[i] = string(a)
			}
		} else {
			names = c.ps.names(kind)
		}
		emit := c.confirmer(x)
		c.srv.eng.Hub.Update(func(r *broker.Registry) {
			if len(names) == 0 {
				emit(verb, nil, c.ps.countFor(kind))
				return
			}
			for _, name := range names {
				if r.Unsubscribe(kind, c, name) {
					delete(c.ps.set(kind, false), name)
				}
				emit(verb, &name, c.ps.countFor(kind))
			}
		})
	}
}

// Deliver implements broker.Subscriber: it encodes m as Redis does (RESP2
// arrays, RESP3 pushes: ["message", channel, payload], ["pmessage",
// pattern, channel, payload], ["smessage", channel, payload]) onto the
// connection's shared outbound buffer. A connection whose pending output
// passes Options.PubSubOutputLimit is disconnected, and Deliver then
// reports false. It never blocks. The hub calls it with its lock held.
func (c *Conn) Deliver(m *broker.Message) bool {
	if c.ps.holding {
		held := *m
		held.Payload = append([]byte(nil), m.Payload...)
		c.ps.heldMu.Lock()
		c.ps.held = append(c.ps.held, held)
		c.ps.heldMu.Unlock()
		return true
	}
	return c.push(func(w *resp.Writer) { writeMessage(w, m) })
}

func writeMessage(w *resp.Writer, m *broker.Message) {
	switch m.Kind {
	case broker.SubPattern:
		w.Push(4)
		w.BulkString("pmessage")
		w.BulkString(m.Pattern)
	case broker.SubShard:
		w.Push(3)
		w.BulkString("smessage")
	default:
		w.Push(3)
		w.BulkString("message")
	}
	w.BulkString(m.Channel)
	w.Bulk(m.Payload)
}

// releaseHeldPubSub ends the holding started by a SUBSCRIBE family command
// inside EXEC; the dispatcher calls it after moving the command's reply to
// the outbound buffer. Held messages go out in order, except those whose
// subscription the EXEC dropped: they count as published after the EXEC.
func (c *Conn) releaseHeldPubSub() {
	if !c.ps.holding {
		return
	}
	c.srv.eng.Hub.Update(func(*broker.Registry) {
		c.ps.holding = false
		c.ps.heldMu.Lock()
		held := c.ps.held
		c.ps.held = nil
		c.ps.heldMu.Unlock()
		for i := range held {
			if m := &held[i]; c.ps.has(m) {
				c.push(func(w *resp.Writer) { writeMessage(w, m) })
			}
		}
	})
}

// releasePubSub drops every subscription of a closing connection (and, for
// RESET, of a live one) without confirmations.
func (c *Conn) releasePubSub() {
	if c.ps.count() == 0 && !c.ps.holding {
		return
	}
	c.srv.eng.Hub.Update(func(r *broker.Registry) {
		for kind := broker.SubChannel; kind <= broker.SubShard; kind++ {
			for name := range c.ps.set(kind, false) {
				r.Unsubscribe(kind, c, name)
			}
		}
		c.ps.channels, c.ps.patterns, c.ps.shards = nil, nil, nil
		c.ps.holding = false
		c.ps.heldMu.Lock()
		c.ps.held = nil
		c.ps.heldMu.Unlock()
	})
}

// cmdPublish implements PUBLISH channel message: the reply is the number of
// receivers (channel subscribers plus one per matching pattern
// subscription).
func cmdPublish(x *Ctx) {
	x.Conn.srv.eng.Stats.PubsubPublish.Add(1)
	x.W.Int(int64(x.Conn.srv.eng.Hub.Publish(x.Arg(1), x.Args[2])))
}

// cmdSPublish implements SPUBLISH shardchannel message.
func cmdSPublish(x *Ctx) {
	x.Conn.srv.eng.Stats.PubsubPublish.Add(1)
	x.W.Int(int64(x.Conn.srv.eng.Hub.PublishShard(x.Arg(1), x.Args[2])))
}

// cmdPubsub dispatches PUBSUB's subcommands, with Redis's errors for an
// unknown one and for a wrong number of arguments.
func cmdPubsub(x *Ctx) {
	name := "pubsub|" + strings.ToLower(x.Arg(1))
	for _, sub := range x.Cmd.Subcommands {
		if sub.Name != name {
			continue
		}
		if !arityOK(sub.Arity, len(x.Args)) {
			x.W.Error(fmt.Sprintf("ERR wrong number of arguments for '%s' command", sub.Name))
			return
		}
		sub.Handler(x)
		return
	}
	x.W.Error("ERR unknown subcommand '" + trunc128(x.Arg(1)) + "'. Try PUBSUB HELP.")
}

// trunc128 cuts s to 128 bytes, as Redis's "%.128s" does in these errors.
func trunc128(s string) string {
	if len(s) > 128 {
		return s[:128]
	}
	return s
}

// pubsubChannels implements PUBSUB CHANNELS [pattern] and SHARDCHANNELS:
// the active names matching pattern (default "*"), sorted.
func pubsubChannels(kind broker.SubKind) func(x *Ctx) {
	return func(x *Ctx) {
		if len(x.Args) > 3 {
			x.W.Error("ERR unknown subcommand or wrong number of arguments for '" + trunc128(x.Arg(1)) + "'. Try PUBSUB HELP.")
			return
		}
		pattern := "*"
		if len(x.Args) == 3 {
			pattern = x.Arg(2)
		}
		names := x.Conn.srv.eng.Hub.Channels(kind, pattern)
		x.W.Array(len(names))
		for _, n := range names {
			x.W.BulkString(n)
		}
	}
}

// pubsubNumSub implements PUBSUB NUMSUB [channel ...] and SHARDNUMSUB: a
// flat array of channel, count pairs (an array in RESP3 too, as in Redis
// 7.0).
func pubsubNumSub(kind broker.SubKind) func(x *Ctx) {
	return func(x *Ctx) {
		names := make([]string, len(x.Args)-2)
		for i, a := range x.Args[2:] {
			names[i] = string(a)
		}
		counts := x.Conn.srv.eng.Hub.NumSub(kind, names)
		x.W.Array(2 * len(names))
		for i, n := range names {
			x.W.BulkString(n)
			x.W.Int(int64(counts[i]))
		}
	}
}

// pubsubNumPat implements PUBSUB NUMPAT: the number of distinct patterns
// subscribed to by any client.
func pubsubNumPat(x *Ctx) { x.W.Int(int64(x.Conn.srv.eng.Hub.Len(broker.SubPattern))) }

var pubsubHelpLines = []string{
	"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
	"HELP",
	"    Prints this help.",
}

// pubsubHelp implements PUBSUB HELP with Redis 7.0's text.
func pubsubHelp(x *Ctx) {
	x.W.Array(len(pubsubHelpLines))
	for _, l := range pubsubHelpLines {
		x.W.Simple(l)
	}
}
