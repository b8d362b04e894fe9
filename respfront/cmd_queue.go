package respfront

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/exchange"
	"github.com/switchyard/switchyard/internal/resp"
	"github.com/switchyard/switchyard/queue"
)

// queueState is a connection's session in the messaging model: one
// queue.Channel (delivery tags, unacked deliveries, prefetch, consumers),
// created on first use. A RESP connection that closes releases its unacked
// deliveries exactly as an AMQP channel does.
type queueState struct {
	ch *queue.Channel
}

// channel returns the connection's channel, creating it; engine lock held.
func (x *Ctx) channel() *queue.Channel {
	qs := &x.Conn.qs
	if qs.ch == nil {
		qs.ch = x.Conn.srv.queues.NewChannel(uint64(x.Conn.id))
	}
	return qs.ch
}

func (c *Conn) releaseQueues() {
	c.srv.eng.Exec(func(tx *broker.Tx) {
		if c.qs.ch != nil {
			c.qs.ch.Close(tx)
		}
		c.srv.queues.ConnectionClosed(tx, uint64(c.id))
	})
}

func queueCommands() []*Command {
	return []*Command{
		{Name: "exchange.declare", Handler: cmdExchangeDeclare, Arity: -3, Flags: Write | SelfPropagate, Summary: "Declares an exchange: name type [PASSIVE] [DURABLE] [AUTODELETE] [INTERNAL] [ARG key value]..."},
		{Name: "exchange.delete", Handler: cmdExchangeDelete, Arity: -2, Flags: Write | SelfPropagate, Summary: "Deletes an exchange: name [IFUNUSED]."},
		{Name: "exchange.bind", Handler: cmdExchangeBind, Arity: -4, Flags: Write | SelfPropagate, Summary: "Binds an exchange to an exchange: destination source routing-key [ARG key value]..."},
		{Name: "exchange.unbind", Handler: cmdExchangeUnbind, Arity: -4, Flags: Write | SelfPropagate, Summary: "Removes an exchange-to-exchange binding."},
		{Name: "exchange.list", Handler: cmdExchangeList, Arity: 1, Flags: ReadOnly, Summary: "Lists exchanges."},
		{Name: "exchange.publish", Handler: cmdExchangePublish, Arity: -4, Flags: Write | Fast | SelfPropagate, Summary: "Publishes a message: exchange routing-key body [MANDATORY] [properties]..."},
		{Name: "queue.declare", Handler: cmdQueueDeclare, Arity: -2, Flags: Write | SelfPropagate, Summary: "Declares a queue: name|\"\" [PASSIVE] [DURABLE] [EXCLUSIVE] [AUTODELETE] [ARG key value]..."},
		{Name: "queue.delete", Handler: cmdQueueDelete, Arity: -2, Flags: Write | SelfPropagate, Summary: "Deletes a queue: name [IFUNUSED] [IFEMPTY]."},
		{Name: "queue.purge", Handler: cmdQueuePurge, Arity: 2, Flags: Write | SelfPropagate, Summary: "Removes every ready message of a queue."},
		{Name: "queue.bind", Handler: cmdQueueBind, Arity: -4, Flags: Write | SelfPropagate, Summary: "Binds a queue: queue exchange routing-key [ARG key value]..."},
		{Name: "queue.unbind", Handler: cmdQueueUnbind, Arity: -4, Flags: Write | SelfPropagate, Summary: "Removes a queue binding."},
		{Name: "queue.list", Handler: cmdQueueList, Arity: 1, Flags: ReadOnly, Summary: "Lists queues with their counts."},
		{Name: "queue.bindings", Handler: cmdQueueBindings, Arity: 1, Flags: ReadOnly, Summary: "Lists bindings."},
		{Name: "queue.publish", Handler: cmdQueuePublish, Arity: -3, Flags: Write | Fast | SelfPropagate, Summary: "Publishes to a queue through the default exchange: queue body [properties]..."},
		{Name: "queue.get", Handler: cmdQueueGet, Arity: -2, Flags: Write | Fast | SelfPropagate, Summary: "Fetches one message: queue [NOACK]."},
		{Name: "queue.consume", Handler: cmdQueueConsume, Arity: -2, Flags: Write | Blocking | SelfPropagate, Summary: "Waits for one message as a consumer: queue [NOACK] [TIMEOUT seconds]."},
		{Name: "queue.cancel", Handler: cmdQueueCancel, Arity: 2, Flags: Write | SelfPropagate, Summary: "Stops consuming from a queue."},
		{Name: "queue.ack", Handler: cmdQueueAck, Arity: -2, Flags: Write | Fast | SelfPropagate, Summary: "Acknowledges deliveries: delivery-tag [MULTIPLE]."},
		{Name: "queue.nack", Handler: cmdQueueNack, Arity: -2, Flags: Write | Fast | SelfPropagate, Summary: "Rejects deliveries: delivery-tag [MULTIPLE] [REQUEUE|DROP]."},
		{Name: "queue.reject", Handler: cmdQueueReject, Arity: -2, Flags: Write | Fast | SelfPropagate, Summary: "Rejects one delivery: delivery-tag [REQUEUE|DROP]."},
		{Name: "queue.recover", Handler: cmdQueueRecover, Arity: 1, Flags: Write | SelfPropagate, Summary: "Requeues every unacked delivery of the connection."},
		{Name: "sy.msgadd", Handler: cmdSyMsgAdd, Arity: 4, Flags: Write | Internal | SelfPropagate, Summary: "AOF record: a persistent message entered a durable queue (replayed at start-up only)."},
		{Name: "sy.msgdlv", Handler: cmdSyMsgDlv, Arity: 3, Flags: Write | Internal | SelfPropagate, Summary: "AOF record: a persistent message was delivered (replayed at start-up only)."},
		{Name: "sy.msgdel", Handler: cmdSyMsgDel, Arity: 3, Flags: Write | Internal | SelfPropagate, Summary: "AOF record: a persistent message left its queue (replayed at start-up only)."},
		{Name: "queue.qos", Handler: cmdQueueQos, Arity: 2, Flags: Write | Fast | SelfPropagate, Summary: "Sets the connection's prefetch count (0: unlimited)."},
	}
}

// parseArgs reads "ARG key value" pairs from args; numeric values become
// int64 so x-message-ttl and friends keep their AMQP type, and
// x-single-active-consumer's true/false a bool.
func parseArgs(args [][]byte) (queue.Table, [][]byte, bool) {
	var t queue.Table
	var rest [][]byte
	for i := 0; i < len(args); i++ {
		if strings.EqualFold(string(args[i]), "arg") {
			if i+2 >= len(args) {
				return nil, nil, false
			}
			if t == nil {
				t = queue.Table{}
			}
			k, v := string(args[i+1]), string(args[i+2])
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				t[k] = n
			} else if b, err := strconv.ParseBool(v); err == nil && k == "x-single-active-consumer" {
				t[k] = b
			} else {
				t[k] = v
			}
			i += 2
			continue
		}
		rest = append(rest, args[i])
	}
	return t, rest, true
}

// flagSet parses keyword flags; it reports false on an unknown word.
func flagSet(words [][]byte, allowed ...string) (map[string]bool, bool) {
	set := map[string]bool{}
	for _, w := range words {
		u := strings.ToLower(string(w))
		ok := false
		for _, a := range allowed {
			if a == u {
				ok = true
			}
		}
		if !ok {
			return nil, false
		}
		set[u] = true
	}
	return set, true
}

func cmdExchangeDeclare(x *Ctx) {
	args, rest, ok := parseArgs(x.Args[3:])
	if !ok {
		x.SyntaxErr()
		return
	}
	f, ok := flagSet(rest, "passive", "durable", "autodelete", "internal")
	if !ok {
		x.SyntaxErr()
		return
	}
	_, err := x.Conn.srv.queues.DeclareExchange(x.Tx, exchange.Exchange{
		Name: x.Arg(1), Kind: exchange.Kind(strings.ToLower(x.Arg(2))),
		Durable: f["durable"], AutoDelete: f["autodelete"], Internal: f["internal"], Args: args,
	}, f["passive"])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

func cmdExchangeDelete(x *Ctx) {
	f, ok := flagSet(x.Args[2:], "ifunused")
	if !ok {
		x.SyntaxErr()
		return
	}
	if err := x.Conn.srv.queues.DeleteExchange(x.Tx, x.Arg(1), f["ifunused"]); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

func exchangeBinding(x *Ctx) (exchange.Binding, bool) {
	args, rest, ok := parseArgs(x.Args[4:])
	if !ok || len(rest) > 0 {
		return exchange.Binding{}, false
	}
	return exchange.Binding{Destination: x.Arg(1), Source: x.Arg(2), RoutingKey: x.Arg(3), ToExchange: true, Args: args}, true
}

func cmdExchangeBind(x *Ctx) {
	b, ok := exchangeBinding(x)
	if !ok {
		x.SyntaxErr()
		return
	}
	if err := x.Conn.srv.queues.BindExchange(x.Tx, b); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

func cmdExchangeUnbind(x *Ctx) {
	b, ok := exchangeBinding(x)
	if !ok {
		x.SyntaxErr()
		return
	}
	if err := x.Conn.srv.queues.UnbindExchange(x.Tx, b); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

func cmdExchangeList(x *Ctx) {
	xs := x.Conn.srv.queues.Exchanges(x.Tx).Exchanges()
	x.W.Array(len(xs))
	for _, e := range xs {
		x.W.Map(5)
		x.W.BulkString("name")
		x.W.BulkString(e.Name)
		x.W.BulkString("type")
		x.W.BulkString(string(e.Kind))
		x.W.BulkString("durable")
		x.W.Bool(e.Durable)
		x.W.BulkString("auto-delete")
		x.W.Bool(e.AutoDelete)
		x.W.BulkString("internal")
		x.W.Bool(e.Internal)
	}
}

// parsePublish reads the message options after the body.
func parsePublish(m *queue.Message, opts [][]byte) (mandatory bool, errText string) {
	p := &m.Props
	for i := 0; i < len(opts); i++ {
		word := strings.ToLower(string(opts[i]))
		switch word {
		case "mandatory":
			mandatory = true
			continue
		case "persistent":
			p.DeliveryMode = 2
			continue
		}
		if i+1 >= len(opts) {
			return false, "ERR syntax error"
		}
		val := string(opts[i+1])
		i++
		switch word {
		case "content-type":
			p.ContentType = val
		case "content-encoding":
			p.ContentEncoding = val
		case "correlation-id":
			p.CorrelationID = val
		case "reply-to":
			p.ReplyTo = val
		case "message-id":
			p.MessageID = val
		case "type":
			p.Type = val
		case "user-id":
			p.UserID = val
		case "app-id":
			p.AppID = val
		case "expiration":
			if n, err := strconv.ParseInt(val, 10, 64); err != nil || n < 0 {
				return false, "ERR expiration must be a non-negative integer of milliseconds"
			}
			p.Expiration = val
		case "timestamp":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return false, "ERR timestamp must be an integer of seconds"
			}
			p.Timestamp = n
		case "delivery-mode":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 2 {
				return false, "ERR delivery-mode must be 1 or 2"
			}
			p.DeliveryMode = uint8(n)
		case "priority":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > 255 {
				return false, "ERR priority must be an integer from 0 to 255"
			}
			p.Priority = uint8(n)
		case "header":
			if i+1 >= len(opts) {
				return false, "ERR syntax error"
			}
			if p.Headers == nil {
				p.Headers = queue.Table{}
			}
			p.Headers[val] = string(opts[i+1])
			i++
		default:
			return false, "ERR syntax error"
		}
	}
	return mandatory, ""
}

func publish(x *Ctx, exch, key string, body []byte, opts [][]byte) {
	m := &queue.Message{Exchange: exch, RoutingKey: key, Body: body}
	mandatory, errText := parsePublish(m, opts)
	if errText != "" {
		x.W.Error(errText)
		return
	}
	n, err := x.Conn.srv.queues.Publish(x.Tx, x.channel(), m, mandatory)
	var rej *queue.RejectedError
	if errors.As(err, &rej) {
		// A queue at its max length with x-overflow reject-publish refused
		// it (AMQP would nack the confirm); other queues may have it.
		x.W.Error("REJECTED - " + rej.Error())
		return
	}
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdExchangePublish(x *Ctx) { publish(x, x.Arg(1), x.Arg(2), x.Args[3], x.Args[4:]) }

func cmdQueuePublish(x *Ctx) { publish(x, "", x.Arg(1), x.Args[2], x.Args[3:]) }

func cmdQueueDeclare(x *Ctx) {
	args, rest, ok := parseArgs(x.Args[2:])
	if !ok {
		x.SyntaxErr()
		return
	}
	f, ok := flagSet(rest, "passive", "durable", "exclusive", "autodelete")
	if !ok {
		x.SyntaxErr()
		return
	}
	info, err := x.Conn.srv.queues.DeclareQueue(x.Tx, x.channel(), queue.QueueOptions{
		Name: x.Arg(1), Passive: f["passive"], Durable: f["durable"],
		Exclusive: f["exclusive"], AutoDelete: f["autodelete"], Args: args,
	})
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Array(3)
	x.W.BulkString(info.Name)
	x.W.Int(int64(info.Messages))
	x.W.Int(int64(info.Consumers))
}

func cmdQueueDelete(x *Ctx) {
	f, ok := flagSet(x.Args[2:], "ifunused", "ifempty")
	if !ok {
		x.SyntaxErr()
		return
	}
	n, err := x.Conn.srv.queues.DeleteQueue(x.Tx, x.channel(), x.Arg(1), f["ifunused"], f["ifempty"])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdQueuePurge(x *Ctx) {
	n, err := x.Conn.srv.queues.PurgeQueue(x.Tx, x.channel(), x.Arg(1))
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func queueBinding(x *Ctx) (queue.Table, bool) {
	args, rest, ok := parseArgs(x.Args[4:])
	return args, ok && len(rest) == 0
}

func cmdQueueBind(x *Ctx) {
	args, ok := queueBinding(x)
	if !ok {
		x.SyntaxErr()
		return
	}
	if err := x.Conn.srv.queues.BindQueue(x.Tx, x.channel(), x.Arg(1), x.Arg(2), x.Arg(3), args); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

func cmdQueueUnbind(x *Ctx) {
	args, ok := queueBinding(x)
	if !ok {
		x.SyntaxErr()
		return
	}
	if err := x.Conn.srv.queues.UnbindQueue(x.Tx, x.channel(), x.Arg(1), x.Arg(2), x.Arg(3), args); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

func cmdQueueList(x *Ctx) {
	qs := x.Conn.srv.queues.Queues(x.Tx)
	x.W.Array(len(qs))
	for _, q := range qs {
		x.W.Map(7)
		x.W.BulkString("name")
		x.W.BulkString(q.Name)
		x.W.BulkString("messages")
		x.W.Int(int64(q.Messages))
		x.W.BulkString("unacked")
		x.W.Int(int64(q.Unacked))
		x.W.BulkString("consumers")
		x.W.Int(int64(q.Consumers))
		x.W.BulkString("durable")
		x.W.Bool(q.Durable)
		x.W.BulkString("exclusive")
		x.W.Bool(q.Exclusive)
		x.W.BulkString("auto-delete")
		x.W.Bool(q.AutoDelete)
	}
}

func cmdQueueBindings(x *Ctx) {
	bs := x.Conn.srv.queues.Exchanges(x.Tx).Bindings()
	x.W.Array(len(bs))
	for _, b := range bs {
		x.W.Map(4)
		x.W.BulkString("source")
		x.W.BulkString(b.Source)
		x.W.BulkString("destination")
		x.W.BulkString(b.Destination)
		x.W.BulkString("destination-type")
		if b.ToExchange {
			x.W.BulkString("exchange")
		} else {
			x.W.BulkString("queue")
		}
		x.W.BulkString("routing-key")
		x.W.BulkString(b.RoutingKey)
	}
}

// writeDelivery writes a delivery as a map (RESP2: flat array of field,
// value pairs): delivery-tag, redelivered, exchange, routing-key, queue,
// properties (a map of the properties that are set) and body;
// messageCount >= 0 adds message-count (QUEUE.GET, as basic.get-ok).
func writeDelivery(w *resp.Writer, d *queue.Delivery, messageCount int) {
	n := 7
	if messageCount >= 0 {
		n++
	}
	w.Map(n)
	w.BulkString("delivery-tag")
	w.Int(int64(d.Tag))
	w.BulkString("redelivered")
	w.Bool(d.Msg.Redelivered)
	w.BulkString("exchange")
	w.BulkString(d.Msg.Exchange)
	w.BulkString("routing-key")
	w.BulkString(d.Msg.RoutingKey)
	w.BulkString("queue")
	w.BulkString(d.Queue)
	if messageCount >= 0 {
		w.BulkString("message-count")
		w.Int(int64(messageCount))
	}
	w.BulkString("properties")
	writeProperties(w, &d.Msg.Props)
	w.BulkString("body")
	w.Bulk(d.Msg.Body)
}

func writeProperties(w *resp.Writer, p *queue.Properties) {
	type kv struct {
		k string
		s string
	}
	var strs []kv
	for _, f := range []kv{
		{"content-type", p.ContentType}, {"content-encoding", p.ContentEncoding},
		{"correlation-id", p.CorrelationID}, {"reply-to", p.ReplyTo},
		{"expiration", p.Expiration}, {"message-id", p.MessageID},
		{"type", p.Type}, {"user-id", p.UserID}, {"app-id", p.AppID},
	} {
		if f.s != "" {
			strs = append(strs, f)
		}
	}
	n := len(strs)
	if p.DeliveryMode != 0 {
		n++
	}
	if p.Priority != 0 {
		n++
	}
	if p.Timestamp != 0 {
		n++
	}
	if len(p.Headers) > 0 {
		n++
	}
	w.Map(n)
	for _, f := range strs {
		w.BulkString(f.k)
		w.BulkString(f.s)
	}
	if p.DeliveryMode != 0 {
		w.BulkString("delivery-mode")
		w.Int(int64(p.DeliveryMode))
	}
	if p.Priority != 0 {
		w.BulkString("priority")
		w.Int(int64(p.Priority))
	}
	if p.Timestamp != 0 {
		w.BulkString("timestamp")
		w.Int(p.Timestamp)
	}
	if len(p.Headers) > 0 {
		w.BulkString("headers")
		writeTable(w, p.Headers)
	}
}

func writeTable(w *resp.Writer, t queue.Table) {
	w.Map(len(t))
	for k, v := range t {
		w.BulkString(k)
		writeValue(w, v)
	}
}

func writeValue(w *resp.Writer, v any) {
	switch v := v.(type) {
	case nil:
		w.Null()
	case string:
		w.BulkString(v)
	case []byte:
		w.Bulk(v)
	case bool:
		w.Bool(v)
	case float32:
		w.Double(float64(v))
	case float64:
		w.Double(v)
	case time.Time:
		w.Int(v.Unix())
	case queue.Table:
		writeTable(w, v)
	case []any:
		w.Array(len(v))
		for _, e := range v {
			writeValue(w, e)
		}
	default:
		if n, ok := intValue(v); ok {
			w.Int(n)
			return
		}
		w.Null()
	}
}

func intValue(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		return int64(n), true
	}
	return 0, false
}

func cmdQueueGet(x *Ctx) {
	f, ok := flagSet(x.Args[2:], "noack")
	if !ok {
		x.SyntaxErr()
		return
	}
	d, left, err := x.Conn.srv.queues.Get(x.Tx, x.channel(), x.Arg(1), f["noack"])
	if err != nil {
		x.Err(err)
		return
	}
	if d == nil {
		x.W.Null()
		return
	}
	writeDelivery(x.W, d, left)
}

// cmdQueueConsume implements QUEUE.CONSUME queue [NOACK] [TIMEOUT seconds]:
// the connection becomes a consumer of queue (until QUEUE.CANCEL or it
// closes) and waits for one delivery, honouring its prefetch window. The
// timeout is in seconds with decimals, 0 waits forever, as BLPOP's.
func cmdQueueConsume(x *Ctx) {
	noAck := false
	timeout := time.Duration(0)
	for i := 2; i < len(x.Args); i++ {
		switch strings.ToLower(x.Arg(i)) {
		case "noack":
			noAck = true
		case "timeout":
			if i+1 >= len(x.Args) {
				x.SyntaxErr()
				return
			}
			d, ok := parseBlockTimeout(x, x.Args[i+1])
			if !ok {
				return
			}
			timeout = d
			i++
		default:
			x.SyntaxErr()
			return
		}
	}
	ch := x.channel()
	name := x.Arg(1)
	if name == queue.DirectReplyTo {
		name = ch.DirectReplyQueue()
		noAck = true
		if name == "" {
			x.W.Error("NOT_FOUND - no reply-to queue: publish with REPLY-TO amq.rabbitmq.reply-to first")
			return
		}
	}
	c := ch.ConsumerOf(name)
	if c == nil {
		var err error
		c, err = ch.Consume(x.Tx, name, queue.ConsumeOptions{NoAck: noAck})
		if err != nil {
			x.Err(err)
			return
		}
	}
	c.NoAck = noAck
	d, err := ch.Pull(x.Tx, c)
	if err != nil {
		x.Err(err)
		return
	}
	if d != nil {
		writeDelivery(x.W, d, -1)
		return
	}
	if ch.Credit() == 0 && !noAck {
		x.W.Error("ERR prefetch window full: ack or nack outstanding deliveries first")
		return
	}
	if x.InExec {
		x.W.Null()
		return
	}
	w := &broker.Waiter{Keys: []string{c.ReadyKey()}}
	w.Serve = func(tx *broker.Tx, _ string) bool {
		d, err := ch.Pull(tx, c)
		if err != nil {
			w.Result = err
			return true
		}
		if d == nil {
			return false
		}
		w.Result = d
		return true
	}
	x.BlockOn(x.Tx.BrokerDB(), w, timeout, func(wr *resp.Writer, r any) {
		switch v := r.(type) {
		case error:
			wr.Error(errorText(v))
		case *queue.Delivery:
			writeDelivery(wr, v, -1)
		}
	}, func(wr *resp.Writer) { wr.Null() })
}

func cmdQueueCancel(x *Ctx) {
	ch := x.channel()
	c := ch.ConsumerOf(x.Arg(1))
	if c == nil {
		x.W.Int(0)
		return
	}
	ch.Cancel(x.Tx, c.Tag)
	x.W.Int(1)
}

func parseTag(x *Ctx) (uint64, bool) {
	n, err := strconv.ParseUint(x.Arg(1), 10, 64)
	if err != nil {
		x.W.Error("ERR delivery tag is not an integer or out of range")
		return 0, false
	}
	return n, true
}

func cmdQueueAck(x *Ctx) {
	tag, ok := parseTag(x)
	if !ok {
		return
	}
	f, ok := flagSet(x.Args[2:], "multiple")
	if !ok {
		x.SyntaxErr()
		return
	}
	n, err := x.channel().Ack(x.Tx, tag, f["multiple"])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdQueueNack(x *Ctx) {
	tag, ok := parseTag(x)
	if !ok {
		return
	}
	f, ok := flagSet(x.Args[2:], "multiple", "requeue", "drop")
	if !ok || (f["requeue"] && f["drop"]) {
		x.SyntaxErr()
		return
	}
	n, err := x.channel().Nack(x.Tx, tag, f["multiple"], !f["drop"])
	if err != nil {
		x.Err(err)
		return
	}
	x.W.Int(int64(n))
}

func cmdQueueReject(x *Ctx) {
	tag, ok := parseTag(x)
	if !ok {
		return
	}
	f, ok := flagSet(x.Args[2:], "requeue", "drop")
	if !ok || (f["requeue"] && f["drop"]) {
		x.SyntaxErr()
		return
	}
	if err := x.channel().Reject(x.Tx, tag, !f["drop"]); err != nil {
		x.Err(err)
		return
	}
	x.W.Int(1)
}

func cmdQueueRecover(x *Ctx) { x.W.Int(int64(x.channel().Recover(x.Tx))) }

func cmdQueueQos(x *Ctx) {
	n, err := strconv.Atoi(x.Arg(1))
	if err != nil || n < 0 || n > 65535 {
		x.W.Error("ERR prefetch count must be an integer from 0 to 65535")
		return
	}
	x.channel().SetPrefetch(x.Tx, n)
	x.W.OK()
}

func syID(x *Ctx) (uint64, bool) {
	id, err := strconv.ParseUint(x.Arg(2), 10, 64)
	return id, err == nil
}

// cmdSyMsgAdd replays SY.MSGADD queue id envelope from the AOF.
func cmdSyMsgAdd(x *Ctx) {
	if id, ok := syID(x); ok {
		x.Conn.srv.queues.RecoverAdd(x.Tx, x.Arg(1), id, x.Args[3])
	}
	x.W.OK()
}

// cmdSyMsgDlv replays SY.MSGDLV queue id.
func cmdSyMsgDlv(x *Ctx) {
	if id, ok := syID(x); ok {
		x.Conn.srv.queues.RecoverDelivered(x.Tx, x.Arg(1), id)
	}
	x.W.OK()
}

// cmdSyMsgDel replays SY.MSGDEL queue id.
func cmdSyMsgDel(x *Ctx) {
	if id, ok := syID(x); ok {
		x.Conn.srv.queues.RecoverDel(x.Tx, x.Arg(1), id)
	}
	x.W.OK()
}
