package natsbridge

import (
	"encoding/json"
	"math/rand/v2"

	"github.com/switchyard/switchyard/natsbridge/sublist"
)

// The client operations, as nats-server's client.go runs them
// (processConnect, processPub, processSub, processUnsub, processPing,
// processPong). They run on the connection's reader goroutine.

var (
	okLine   = []byte("+OK\r\n")
	pongLine = []byte("PONG\r\n")
)

// onConnect applies CONNECT. The JSON is merged into the current options,
// as nats-server unmarshals it over its defaults (verbose, pedantic and
// echo are true until a client says otherwise).
func (c *conn) onConnect(arg []byte) error {
	if err := json.Unmarshal(arg, &c.opts); err != nil {
		return errClose // nats-server closes without an -ERR
	}
	if c.opts.Protocol < 0 || c.opts.Protocol > 1 {
		c.closeWithErr(errTextBadProtocol)
		return errClose
	}
	if c.opts.NoResponders && !c.opts.Headers {
		c.closeWithErr(errTextNoRespNeedsHdrs)
		return errClose
	}
	if c.srv.authRequired() && !c.srv.checkAuth(&c.opts) {
		c.closeWithErr(errTextAuthViolation)
		return errClose
	}
	c.opts.Pass, c.opts.AuthToken = "", ""
	c.authed.Store(true)
	c.p.requireConnect = false
	c.p.headers = c.opts.Headers
	c.headers.Store(c.opts.Headers)
	if c.opts.Verbose {
		c.push(okLine)
	}
	return nil
}

// onPing answers PONG once the publishes before it are in amq.topic, so a
// client's Flush means "the server has taken everything I sent".
func (c *conn) onPing() error {
	c.flushTopic()
	c.push(pongLine)
	return nil
}

func (c *conn) onPong() error {
	c.pingsOut.Store(0)
	return nil
}

// onSub registers a subscription. An invalid subject gets -ERR 'Invalid
// Subject' and the connection stays; a sid already in use is ignored.
func (c *conn) onSub(subject, queue, sid []byte) error {
	if !sublist.ValidSubjectBytes(subject) {
		c.push(errLine(errTextInvalidSubject))
		return nil
	}
	key := string(sid)
	c.subsMu.Lock()
	if _, dup := c.subs[key]; !dup {
		s := &subscription{c: c, subject: string(subject), queue: string(queue), sid: key}
		c.subs[key] = s
		c.subsMu.Unlock()
		if err := c.srv.subs.Insert(s.subject, s.queue, s); err != nil {
			c.removeSub(s)
			c.push(errLine(errTextInvalidSubject))
			return nil
		}
	} else {
		c.subsMu.Unlock()
	}
	if c.opts.Verbose {
		c.push(okLine)
	}
	return nil
}

// onUnsub removes a subscription now, or after max messages in all
// (max <= 0, or not more than already delivered: now). An unknown sid is
// not an error.
func (c *conn) onUnsub(sid []byte, max int) error {
	c.subsMu.Lock()
	s := c.subs[string(sid)]
	c.subsMu.Unlock()
	if s != nil {
		if max > 0 && int64(max) > s.delivered.Load() {
			s.max.Store(int64(max))
		} else {
			c.removeSub(s)
		}
	}
	if c.opts.Verbose {
		c.push(okLine)
	}
	return nil
}

// onPub delivers a PUB or HPUB to the matching subscriptions and queues it
// for amq.topic.
func (c *conn) onPub(pa *pubArg, payload []byte) error {
	c.srv.stats.inMsgs.Add(1)
	c.srv.stats.inBytes.Add(int64(len(payload)))
	// nats-server 2.9 answers a pedantic client's invalid subject with an
	// -ERR when it reads the PUB line, then processes the message anyway.
	if c.opts.Pedantic && !sublist.ValidLiteralBytes(pa.subject) {
		c.push(errLine(errTextInvalidPubSubj))
	}
	// Under appendfsync always a verbose +OK waits until the message is
	// in amq.topic's queues and fsynced (DESIGN.md: +OK for a persistent
	// message only after the fsync).
	d := c.srv.opts.Durability
	syncOK := c.opts.Verbose && c.srv.qb != nil && d != nil && d.Always()
	if c.opts.Verbose && !syncOK {
		c.push(okLine)
	}
	var hdr, body []byte = nil, payload
	if pa.hdr > 0 {
		hdr, body = payload[:pa.hdr], payload[pa.hdr:]
	}
	r := c.srv.subs.MatchBytes(pa.subject)
	n := 0
	if !r.Empty() {
		n = c.srv.deliver(c, r, pa.subject, pa.reply, hdr, body)
	}
	noResp := n == 0 && len(pa.reply) > 0 && c.opts.NoResponders
	if c.srv.qb != nil && sublist.ValidSubjectBytes(pa.subject) {
		c.topic.add(pa.subject, pa.reply, hdr, body, noResp)
	} else if noResp {
		c.noResponders(pa.reply)
	}
	if syncOK {
		c.flushTopic()
		c.push(okLine)
	}
	return nil
}

// noResponders answers a request nobody received with the status message
// "NATS/1.0 503", delivered to the requester's own subscription on the
// reply subject (nats-server's subForReply), if it has one.
func (c *conn) noResponders(reply []byte) {
	r := c.srv.subs.MatchBytes(reply)
	for _, s := range r.Plain {
		if s.c != c || s.closed.Load() {
			continue
		}
		if c.enqueueMsg(s.sid, reply, nil, []byte(noRespondersHdr), nil) {
			c.flush[c] = struct{}{}
		}
		return
	}
}

// deliver hands a message to every plain subscription of r and to one
// member of each queue group, and returns how many got it. pub is the
// publishing client (its echo option applies), or nil for a message from
// the messaging model. Subscribers are woken by pub at the end of its
// read, or at once when pub is nil.
func (s *Server) deliver(pub *conn, r *sublist.Result[*subscription], subject, reply, hdr, body []byte) int {
	n := 0
	noEcho := pub != nil && !pub.opts.Echo
	for _, sub := range r.Plain {
		if noEcho && sub.c == pub {
			continue
		}
		if s.deliverTo(pub, sub, subject, reply, hdr, body) {
			n++
		}
	}
	for _, group := range r.Queues {
		start := rand.IntN(len(group))
		for k := range group {
			sub := group[(start+k)%len(group)]
			if noEcho && sub.c == pub {
				continue
			}
			if s.deliverTo(pub, sub, subject, reply, hdr, body) {
				n++
				break
			}
		}
	}
	return n
}

func (s *Server) deliverTo(pub *conn, sub *subscription, subject, reply, hdr, body []byte) bool {
	if sub.closed.Load() {
		return false
	}
	ok, last := sub.take()
	if !ok {
		return false
	}
	if !sub.c.enqueueMsg(sub.sid, subject, reply, hdr, body) {
		return false
	}
	s.stats.outMsgs.Add(1)
	s.stats.outBytes.Add(int64(len(hdr) + len(body)))
	if pub != nil {
		pub.flush[sub.c] = struct{}{}
	} else {
		sub.c.signal()
	}
	if last {
		sub.c.removeSub(sub)
	}
	return true
}
