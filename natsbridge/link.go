package natsbridge

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/queue"
)

// Links move messages between Switchyard and an external NATS server,
// with nats.go as the client (docs/nats.md, "Links"):
//
//   - out: a local queue to a subject on the external server. A message is
//     acked in its queue only after the external server confirmed it: a
//     PONG after the publishes (core NATS: the server has it), or, with
//     JetStream, the stream's publish acknowledgement (it is stored).
//     Until then it stays unacked, and goes back to the queue (flagged
//     redelivered) if the link stops: at least once.
//   - in: a subject on the external server to a local exchange. With a
//     JetStream durable consumer the message is acked on the external
//     server only after it is in the local queues (and fsynced under
//     appendfsync always): at least once. Without one it is a core NATS
//     subscription, at most once, as core NATS itself.
//
// nats.go reconnects with capped exponential backoff. A header,
// Switchyard-Via, lists the links a message came through; a link does not
// forward a message that already went through it, so two links in
// opposite directions move a message once each way, not forever.

// ViaHeader lists, comma separated, the links a message came through. It is
// a NATS header on the external side and an entry of the headers table
// locally.
const ViaHeader = "Switchyard-Via"

// LinkSpec describes one link. Set FromQueue and ToSubject for an out
// link, FromSubject and ToExchange for an in link.
type LinkSpec struct {
	Name string // unique; recorded in ViaHeader
	URL  string // the external NATS server, e.g. nats://host:4222

	FromQueue string // out: the local queue consumed
	ToSubject string // out: the external subject published to
	JetStream bool   // out: publish through JetStream and wait for its acks
	Prefetch  int    // out: deliveries in flight at most (default 256)

	FromSubject string // in: the external subject (wildcards allowed)
	ToExchange  string // in: the local exchange published to
	RoutingKey  string // in: routing key; "" keeps the NATS subject
	Durable     string // in: JetStream durable consumer; "" for core NATS
}

// Out reports whether the spec is an out link.
func (s LinkSpec) Out() bool { return s.FromQueue != "" }

// Validate checks that the spec names one complete direction.
func (s LinkSpec) Validate() error {
	switch {
	case s.Name == "" || strings.ContainsAny(s.Name, ", \t\r\n"):
		return fmt.Errorf("link name %q: must be non-empty, without commas or spaces", s.Name)
	case s.URL == "":
		return fmt.Errorf("link %s: no url", s.Name)
	case s.FromQueue != "" && s.FromSubject != "":
		return fmt.Errorf("link %s: both from-queue and from-subject", s.Name)
	case s.FromQueue != "" && s.ToSubject == "":
		return fmt.Errorf("link %s: from-queue needs to-subject", s.Name)
	case s.FromSubject != "" && s.ToExchange == "" && s.RoutingKey == "":
		return fmt.Errorf("link %s: from-subject needs to-exchange (or a routing-key for the default exchange)", s.Name)
	case s.FromQueue == "" && s.FromSubject == "":
		return fmt.Errorf("link %s: needs from-queue or from-subject", s.Name)
	}
	return nil
}

// ParseLinkSpec parses the nats-link directive's value:
//
//	name url from-queue=q to-subject=s [jetstream=yes] [prefetch=n]
//	name url from-subject=s to-exchange=x [routing-key=k] [durable=d]
func ParseLinkSpec(words []string) (LinkSpec, error) {
	if len(words) < 4 {
		return LinkSpec{}, errors.New("nats-link: name url key=value...")
	}
	s := LinkSpec{Name: words[0], URL: words[1]}
	for _, w := range words[2:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return s, fmt.Errorf("nats-link %s: %q is not key=value", s.Name, w)
		}
		switch strings.ToLower(k) {
		case "from-queue":
			s.FromQueue = v
		case "to-subject":
			s.ToSubject = v
		case "jetstream":
			s.JetStream = v == "yes"
		case "prefetch":
			if _, err := fmt.Sscan(v, &s.Prefetch); err != nil || s.Prefetch < 1 {
				return s, fmt.Errorf("nats-link %s: prefetch %q", s.Name, v)
			}
		case "from-subject":
			s.FromSubject = v
		case "to-exchange":
			s.ToExchange = v
		case "routing-key":
			s.RoutingKey = v
		case "durable":
			s.Durable = v
		default:
			return s, fmt.Errorf("nats-link %s: unknown key %q", s.Name, k)
		}
	}
	return s, s.Validate()
}

// LinkStatus is a link's state, for listings.
type LinkStatus struct {
	Name      string
	Direction string // "out" or "in"
	Connected bool
	Moved     int64  // messages moved and confirmed
	Looped    int64  // messages not forwarded: they had come through this link
	LastError string // "" when none
}

// LinkOptions are what a link needs from the server.
type LinkOptions struct {
	Logger     *slog.Logger
	Durability Durability // under appendfsync always, in links ack after the fsync
	// MaxReconnectWait caps the exponential reconnect backoff (default 5 s).
	MaxReconnectWait time.Duration
}

// Link is a running link. Start it with StartLink, stop it with Close.
type Link struct {
	spec LinkSpec
	eng  *broker.Engine
	qb   *queue.Broker
	opts LinkOptions
	nc   *nats.Conn
	js   nats.JetStreamContext
	sub  *nats.Subscription

	moved, looped atomic.Int64
	errMu         sync.Mutex // guards lastErr
	lastErr       string

	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	// handlerMu makes Close wait for an in link's message handler (run by
	// nats.go's goroutine) and keeps later ones out: handlers hold it for
	// reading, Close takes it for writing and sets closed.
	handlerMu sync.RWMutex
	closed    bool

	// out links: deliveries from the local queue, appended under the
	// engine lock by the consumer's Deliver callback (pendingMu is a leaf
	// taken inside the engine lock), taken by the pump goroutine.
	ch        *queue.Channel
	pendingMu sync.Mutex
	pending   []*queue.Delivery
	wake      chan struct{}

	// in links with a durable consumer under appendfsync always: messages
	// published locally, waiting for the fsync before their ack (the acker
	// goroutine waits once for many: group commit).
	acks chan *nats.Msg
}

// linkAckWait is the AckWait of an in link's durable consumer: a message
// the link took but never acked (it stopped, or crashed) comes again after
// this long.
const linkAckWait = 5 * time.Second

// linkOwner is the connection id of links' channels (exclusive queues of
// clients are not theirs to consume).
const linkOwner = ^uint64(0) - 1

// StartLink connects to the external server (in the background: a server
// that is down is retried with backoff) and starts moving messages. An out
// link declares its source queue, durable, when it does not exist. It
// fails at once for an invalid spec or a source queue it cannot consume.
func StartLink(eng *broker.Engine, qb *queue.Broker, spec LinkSpec, opts LinkOptions) (*Link, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxReconnectWait <= 0 {
		opts.MaxReconnectWait = 5 * time.Second
	}
	if spec.Prefetch <= 0 {
		spec.Prefetch = 256
	}
	l := &Link{spec: spec, eng: eng, qb: qb, opts: opts, stop: make(chan struct{}), wake: make(chan struct{}, 1)}
	maxWait := opts.MaxReconnectWait
	nc, err := nats.Connect(spec.URL,
		nats.Name("switchyard-link "+spec.Name),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectBufSize(-1), // publishing while disconnected fails: the link retries
		nats.CustomReconnectDelay(func(attempts int) time.Duration {
			return min(50*time.Millisecond<<min(attempts, 10), maxWait)
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				l.setErr(err)
			}
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { l.setErr(err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("link %s: %w", spec.Name, err)
	}
	l.nc = nc
	if spec.JetStream || spec.Durable != "" {
		if l.js, err = nc.JetStream(); err != nil {
			nc.Close()
			return nil, fmt.Errorf("link %s: %w", spec.Name, err)
		}
	}
	if spec.Out() {
		err = l.startOut()
	} else {
		err = l.startIn()
	}
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("link %s: %w", spec.Name, err)
	}
	return l, nil
}

func (l *Link) setErr(err error) {
	l.errMu.Lock()
	l.lastErr = err.Error()
	l.errMu.Unlock()
	l.opts.Logger.Debug("NATS link", "link", l.spec.Name, "err", err)
}

// Status returns the link's state.
func (l *Link) Status() LinkStatus {
	l.errMu.Lock()
	defer l.errMu.Unlock()
	dir := "in"
	if l.spec.Out() {
		dir = "out"
	}
	return LinkStatus{
		Name: l.spec.Name, Direction: dir, Connected: l.nc.IsConnected(),
		Moved: l.moved.Load(), Looped: l.looped.Load(), LastError: l.lastErr,
	}
}

// Flush waits (up to 5 s) until the external server has processed
// everything the link sent it, its subscription included.
func (l *Link) Flush() error { return l.nc.FlushTimeout(5 * time.Second) }

// Spec returns the link's description.
func (l *Link) Spec() LinkSpec { return l.spec }

// Close stops the link and waits for it. An out link's unconfirmed
// deliveries go back to their queue, flagged redelivered.
func (l *Link) Close() {
	l.once.Do(func() {
		// No Unsubscribe: for a JetStream durable it would delete the
		// consumer, and with it the position the link resumes from.
		l.handlerMu.Lock()
		l.closed = true
		l.handlerMu.Unlock()
		close(l.stop) // the acker acks what is already on disk, then ends
		l.wg.Wait()
		l.nc.Close()
		if l.ch != nil {
			l.eng.Exec(func(tx *broker.Tx) { l.ch.Close(tx) })
		}
	})
}

// cameThrough reports whether the Via list holds this link.
func (l *Link) cameThrough(via string) bool {
	for name := range strings.SplitSeq(via, ",") {
		if strings.TrimSpace(name) == l.spec.Name {
			return true
		}
	}
	return false
}

func addVia(via, name string) string {
	if via == "" {
		return name
	}
	return via + "," + name
}

// --- out: local queue -> external subject ---

func (l *Link) startOut() error {
	var err error
	l.eng.Exec(func(tx *broker.Tx) {
		l.ch = l.qb.NewChannel(linkOwner)
		// As a RabbitMQ shovel does, declare a missing source queue
		// (durable); an existing one is used as it is.
		if _, err = l.qb.DeclareQueue(tx, l.ch, queue.QueueOptions{Name: l.spec.FromQueue, Passive: true}); err != nil {
			if _, err = l.qb.DeclareQueue(tx, l.ch, queue.QueueOptions{Name: l.spec.FromQueue, Durable: true}); err != nil {
				return
			}
		}
		_, err = l.ch.Consume(tx, l.spec.FromQueue, queue.ConsumeOptions{
			Tag:      "switchyard-link-" + l.spec.Name,
			Prefetch: l.spec.Prefetch,
			Deliver: func(d *queue.Delivery) {
				l.pendingMu.Lock()
				l.pending = append(l.pending, d)
				l.pendingMu.Unlock()
				select {
				case l.wake <- struct{}{}:
				default:
				}
			},
			OnCancel: func(*queue.Consumer) {
				l.setErr(fmt.Errorf("queue %s was deleted", l.spec.FromQueue))
			},
		})
	})
	if err != nil {
		l.eng.Exec(func(tx *broker.Tx) { l.ch.Close(tx) })
		l.ch = nil
		return err
	}
	l.wg.Add(1)
	go l.pumpOut()
	return nil
}

// pumpOut forwards deliveries in batches: publish all, confirm all, then
// ack all. A batch that cannot be confirmed is sent again once the
// connection is back (the external side may see it twice).
func (l *Link) pumpOut() {
	defer l.wg.Done()
	backoff := 50 * time.Millisecond
	for {
		select {
		case <-l.stop:
			return
		case <-l.wake:
		}
		l.pendingMu.Lock()
		batch := l.pending
		l.pending = nil
		l.pendingMu.Unlock()
		for len(batch) > 0 {
			looped, err := l.forward(batch)
			if err == nil {
				l.eng.Exec(func(tx *broker.Tx) {
					for _, d := range batch {
						_, _ = l.ch.Ack(tx, d.Tag, false)
					}
				})
				l.moved.Add(int64(len(batch) - looped))
				l.looped.Add(int64(looped))
				backoff = 50 * time.Millisecond
				break
			}
			l.setErr(err)
			select {
			case <-l.stop:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, l.opts.MaxReconnectWait)
		}
	}
}

// forward publishes a batch to the external subject and waits for the
// external server's confirmation. It returns how many it skipped as
// looped.
func (l *Link) forward(batch []*queue.Delivery) (looped int, err error) {
	if !l.nc.IsConnected() {
		return 0, nats.ErrConnectionClosed
	}
	var futures []nats.PubAckFuture
	for _, d := range batch {
		via, _ := d.Msg.Props.Headers[ViaHeader].(string)
		if l.cameThrough(via) {
			looped++
			continue
		}
		m := &nats.Msg{Subject: l.spec.ToSubject, Data: d.Msg.Body, Header: natsHeader(d.Msg)}
		m.Header.Set(ViaHeader, addVia(via, l.spec.Name))
		if l.spec.JetStream {
			f, err := l.js.PublishMsgAsync(m)
			if err != nil {
				return 0, err
			}
			futures = append(futures, f)
			continue
		}
		if err := l.nc.PublishMsg(m); err != nil {
			return 0, err
		}
	}
	if !l.spec.JetStream {
		return looped, l.nc.FlushTimeout(5 * time.Second)
	}
	timeout := time.After(10 * time.Second)
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return 0, err
		case <-timeout:
			return 0, nats.ErrTimeout
		case <-l.stop:
			return 0, nats.ErrConnectionClosed
		}
	}
	return looped, nil
}

// natsHeader returns the NATS headers of a local message (as the NATS
// front maps them, docs/nats.md).
func natsHeader(m *queue.Message) nats.Header {
	h := nats.Header{}
	parseHeaderBlock(headerBlock(m), func(k, v string) { h[k] = append(h[k], v) })
	return h
}

// --- in: external subject -> local exchange ---

func (l *Link) startIn() error {
	handler := func(m *nats.Msg) {
		l.handlerMu.RLock()
		defer l.handlerMu.RUnlock()
		if l.closed {
			return // not acked: the external server delivers it again
		}
		persisted, err := l.publishLocal(m)
		if l.spec.Durable == "" {
			return // core NATS: nothing to acknowledge
		}
		if err != nil {
			l.setErr(err)
			_ = m.Nak()
			return
		}
		if persisted && l.acks != nil {
			l.acks <- m // acked once fsynced
			return
		}
		_ = m.Ack()
	}
	if d := l.opts.Durability; d != nil && d.Always() && l.spec.Durable != "" {
		l.acks = make(chan *nats.Msg, 1024)
		l.wg.Add(1)
		go l.ackSynced(d)
	}
	var err error
	if l.spec.Durable != "" {
		l.sub, err = l.js.Subscribe(l.spec.FromSubject, handler,
			nats.Durable(l.spec.Durable), nats.ManualAck(), nats.AckExplicit(), nats.DeliverAll(),
			nats.AckWait(linkAckWait))
	} else {
		l.sub, err = l.nc.Subscribe(l.spec.FromSubject, handler)
	}
	return err
}

// ackSynced acks in links' messages once the AOF has fsynced them: it
// takes every message waiting, waits for one fsync covering all, and acks
// them (group commit).
func (l *Link) ackSynced(d Durability) {
	defer l.wg.Done()
	var batch []*nats.Msg
	for {
		stopping := false
		select {
		case <-l.stop:
			stopping = true
		case m := <-l.acks:
			batch = append(batch[:0], m)
		}
		if stopping {
			// Handlers have stopped: ack what they published, once on disk.
			batch = batch[:0]
			for len(l.acks) > 0 {
				batch = append(batch, <-l.acks)
			}
			if len(batch) > 0 && d.WaitSynced(d.Offset()) == nil {
				for _, m := range batch {
					_ = m.Ack()
				}
			}
			return
		}
	more:
		for len(batch) < cap(l.acks) {
			select {
			case m := <-l.acks:
				batch = append(batch, m)
			default:
				break more
			}
		}
		if err := d.WaitSynced(d.Offset()); err != nil {
			l.setErr(err)
			continue // not acked: redelivered by the external server
		}
		for _, m := range batch {
			_ = m.Ack()
		}
	}
}

// publishLocal publishes one external message to the local exchange. It
// reports whether the message went to the AOF (persistent), for the ack to
// wait for the fsync under appendfsync always.
func (l *Link) publishLocal(nm *nats.Msg) (persisted bool, err error) {
	via := nm.Header.Get(ViaHeader)
	if l.cameThrough(via) {
		l.looped.Add(1)
		return false, nil
	}
	key := l.spec.RoutingKey
	if key == "" {
		key = nm.Subject
	}
	m := &queue.Message{Exchange: l.spec.ToExchange, RoutingKey: key, Body: nm.Data}
	m.Props.ReplyTo = nm.Reply
	for k, vs := range nm.Header {
		if strings.EqualFold(k, ViaHeader) {
			continue
		}
		for _, v := range vs {
			applyHeader(&m.Props, k, v)
		}
	}
	if m.Props.Headers == nil {
		m.Props.Headers = queue.Table{}
	}
	m.Props.Headers[ViaHeader] = addVia(via, l.spec.Name)
	if l.spec.Durable != "" && m.Props.DeliveryMode == 0 {
		// Stored by JetStream, acked there only once here: keep it durable
		// here too (it persists in durable queues).
		m.Props.DeliveryMode = 2
	}
	n := 0
	l.eng.Exec(func(tx *broker.Tx) { n, err = l.qb.Publish(tx, nil, m, false) })
	if err != nil {
		return false, err
	}
	l.moved.Add(1)
	return n > 0 && m.Persistent(), nil
}
