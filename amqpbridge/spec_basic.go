// Code in this file was generated once from the AMQP 0-9-1 method table
// (amqp0-9-1.extended.xml, with RabbitMQ's extensions) and is maintained by
// hand. Each method is a struct with the spec's fields; reserved fields are
// read and written as zero values.

package amqpbridge

// BasicQos is basic.qos (class 60, method 10): it sets the prefetch window:
// per consumer when Global is false, per channel when true (RabbitMQ's
// reinterpretation).
type BasicQos struct {
	PrefetchSize  uint32
	PrefetchCount uint16
	Global        bool
}

func (*BasicQos) id() methodID { return methodID{60, 10} }

func (m *BasicQos) read(d *decoder) {
	m.PrefetchSize = d.long()
	m.PrefetchCount = d.short()
	m.Global = d.bit()
}

func (m *BasicQos) write(e *encoder) {
	e.long(m.PrefetchSize)
	e.short(m.PrefetchCount)
	e.bit(m.Global)
}

// BasicQosOk is basic.qos-ok (class 60, method 11): it confirms basic.qos.
type BasicQosOk struct{}

func (*BasicQosOk) id() methodID { return methodID{60, 11} }

func (_ *BasicQosOk) read(d *decoder) {
}

func (_ *BasicQosOk) write(e *encoder) {
}

// BasicConsume is basic.consume (class 60, method 20): it starts a consumer on
// a queue.
type BasicConsume struct {
	Queue       string
	ConsumerTag string
	NoLocal     bool
	NoAck       bool
	Exclusive   bool
	NoWait      bool
	Arguments   Table
}

func (*BasicConsume) id() methodID { return methodID{60, 20} }

func (m *BasicConsume) read(d *decoder) {
	_ = d.short()
	m.Queue = d.shortstr()
	m.ConsumerTag = d.shortstr()
	m.NoLocal = d.bit()
	m.NoAck = d.bit()
	m.Exclusive = d.bit()
	m.NoWait = d.bit()
	m.Arguments = d.table()
}

func (m *BasicConsume) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Queue)
	e.shortstr(m.ConsumerTag)
	e.bit(m.NoLocal)
	e.bit(m.NoAck)
	e.bit(m.Exclusive)
	e.bit(m.NoWait)
	e.table(m.Arguments)
}

// BasicConsumeOk is basic.consume-ok (class 60, method 21): it confirms
// basic.consume with the consumer tag.
type BasicConsumeOk struct {
	ConsumerTag string
}

func (*BasicConsumeOk) id() methodID { return methodID{60, 21} }

func (m *BasicConsumeOk) read(d *decoder) {
	m.ConsumerTag = d.shortstr()
}

func (m *BasicConsumeOk) write(e *encoder) {
	e.shortstr(m.ConsumerTag)
}

// BasicCancel is basic.cancel (class 60, method 30): it ends a consumer; the
// server sends it too when the queue is deleted (RabbitMQ's consumer cancel
// notification).
type BasicCancel struct {
	ConsumerTag string
	NoWait      bool
}

func (*BasicCancel) id() methodID { return methodID{60, 30} }

func (m *BasicCancel) read(d *decoder) {
	m.ConsumerTag = d.shortstr()
	m.NoWait = d.bit()
}

func (m *BasicCancel) write(e *encoder) {
	e.shortstr(m.ConsumerTag)
	e.bit(m.NoWait)
}

// BasicCancelOk is basic.cancel-ok (class 60, method 31): it confirms
// basic.cancel.
type BasicCancelOk struct {
	ConsumerTag string
}

func (*BasicCancelOk) id() methodID { return methodID{60, 31} }

func (m *BasicCancelOk) read(d *decoder) {
	m.ConsumerTag = d.shortstr()
}

func (m *BasicCancelOk) write(e *encoder) {
	e.shortstr(m.ConsumerTag)
}

// BasicPublish is basic.publish (class 60, method 40): it publishes a message.
// Content (a header frame and body frames) follows it.
type BasicPublish struct {
	Exchange   string
	RoutingKey string
	Mandatory  bool
	Immediate  bool
}

func (*BasicPublish) id() methodID { return methodID{60, 40} }

func (m *BasicPublish) read(d *decoder) {
	_ = d.short()
	m.Exchange = d.shortstr()
	m.RoutingKey = d.shortstr()
	m.Mandatory = d.bit()
	m.Immediate = d.bit()
}

func (m *BasicPublish) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Exchange)
	e.shortstr(m.RoutingKey)
	e.bit(m.Mandatory)
	e.bit(m.Immediate)
}

// BasicReturn is basic.return (class 60, method 50): it returns an unroutable
// mandatory message. Content (a header frame and body frames) follows it.
type BasicReturn struct {
	ReplyCode  uint16
	ReplyText  string
	Exchange   string
	RoutingKey string
}

func (*BasicReturn) id() methodID { return methodID{60, 50} }

func (m *BasicReturn) read(d *decoder) {
	m.ReplyCode = d.short()
	m.ReplyText = d.shortstr()
	m.Exchange = d.shortstr()
	m.RoutingKey = d.shortstr()
}

func (m *BasicReturn) write(e *encoder) {
	e.short(m.ReplyCode)
	e.shortstr(m.ReplyText)
	e.shortstr(m.Exchange)
	e.shortstr(m.RoutingKey)
}

// BasicDeliver is basic.deliver (class 60, method 60): it delivers a message
// to a consumer. Content (a header frame and body frames) follows it.
type BasicDeliver struct {
	ConsumerTag string
	DeliveryTag uint64
	Redelivered bool
	Exchange    string
	RoutingKey  string
}

func (*BasicDeliver) id() methodID { return methodID{60, 60} }

func (m *BasicDeliver) read(d *decoder) {
	m.ConsumerTag = d.shortstr()
	m.DeliveryTag = d.longlong()
	m.Redelivered = d.bit()
	m.Exchange = d.shortstr()
	m.RoutingKey = d.shortstr()
}

func (m *BasicDeliver) write(e *encoder) {
	e.shortstr(m.ConsumerTag)
	e.longlong(m.DeliveryTag)
	e.bit(m.Redelivered)
	e.shortstr(m.Exchange)
	e.shortstr(m.RoutingKey)
}

// BasicGet is basic.get (class 60, method 70): it fetches one message from a
// queue.
type BasicGet struct {
	Queue string
	NoAck bool
}

func (*BasicGet) id() methodID { return methodID{60, 70} }

func (m *BasicGet) read(d *decoder) {
	_ = d.short()
	m.Queue = d.shortstr()
	m.NoAck = d.bit()
}

func (m *BasicGet) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Queue)
	e.bit(m.NoAck)
}

// BasicGetOk is basic.get-ok (class 60, method 71): it answers basic.get with
// a message. Content (a header frame and body frames) follows it.
type BasicGetOk struct {
	DeliveryTag  uint64
	Redelivered  bool
	Exchange     string
	RoutingKey   string
	MessageCount uint32
}

func (*BasicGetOk) id() methodID { return methodID{60, 71} }

func (m *BasicGetOk) read(d *decoder) {
	m.DeliveryTag = d.longlong()
	m.Redelivered = d.bit()
	m.Exchange = d.shortstr()
	m.RoutingKey = d.shortstr()
	m.MessageCount = d.long()
}

func (m *BasicGetOk) write(e *encoder) {
	e.longlong(m.DeliveryTag)
	e.bit(m.Redelivered)
	e.shortstr(m.Exchange)
	e.shortstr(m.RoutingKey)
	e.long(m.MessageCount)
}

// BasicGetEmpty is basic.get-empty (class 60, method 72): it answers basic.get
// on an empty queue.
type BasicGetEmpty struct{}

func (*BasicGetEmpty) id() methodID { return methodID{60, 72} }

func (_ *BasicGetEmpty) read(d *decoder) {
	_ = d.shortstr()
}

func (_ *BasicGetEmpty) write(e *encoder) {
	e.shortstr("")
}

// BasicAck is basic.ack (class 60, method 80): it acknowledges deliveries
// (client to server) or confirms publishes (server to client).
type BasicAck struct {
	DeliveryTag uint64
	Multiple    bool
}

func (*BasicAck) id() methodID { return methodID{60, 80} }

func (m *BasicAck) read(d *decoder) {
	m.DeliveryTag = d.longlong()
	m.Multiple = d.bit()
}

func (m *BasicAck) write(e *encoder) {
	e.longlong(m.DeliveryTag)
	e.bit(m.Multiple)
}

// BasicReject is basic.reject (class 60, method 90): it rejects one delivery.
type BasicReject struct {
	DeliveryTag uint64
	Requeue     bool
}

func (*BasicReject) id() methodID { return methodID{60, 90} }

func (m *BasicReject) read(d *decoder) {
	m.DeliveryTag = d.longlong()
	m.Requeue = d.bit()
}

func (m *BasicReject) write(e *encoder) {
	e.longlong(m.DeliveryTag)
	e.bit(m.Requeue)
}

// BasicRecoverAsync is basic.recover-async (class 60, method 100): it asks for
// unacknowledged deliveries to be redelivered, without reply (deprecated).
type BasicRecoverAsync struct {
	Requeue bool
}

func (*BasicRecoverAsync) id() methodID { return methodID{60, 100} }

func (m *BasicRecoverAsync) read(d *decoder) {
	m.Requeue = d.bit()
}

func (m *BasicRecoverAsync) write(e *encoder) {
	e.bit(m.Requeue)
}

// BasicRecover is basic.recover (class 60, method 110): it asks for
// unacknowledged deliveries to be redelivered.
type BasicRecover struct {
	Requeue bool
}

func (*BasicRecover) id() methodID { return methodID{60, 110} }

func (m *BasicRecover) read(d *decoder) {
	m.Requeue = d.bit()
}

func (m *BasicRecover) write(e *encoder) {
	e.bit(m.Requeue)
}

// BasicRecoverOk is basic.recover-ok (class 60, method 111): it confirms
// basic.recover.
type BasicRecoverOk struct{}

func (*BasicRecoverOk) id() methodID { return methodID{60, 111} }

func (_ *BasicRecoverOk) read(d *decoder) {
}

func (_ *BasicRecoverOk) write(e *encoder) {
}

// BasicNack is basic.nack (class 60, method 120): it rejects deliveries
// (client to server, RabbitMQ extension) or refuses publishes in confirm mode
// (server to client).
type BasicNack struct {
	DeliveryTag uint64
	Multiple    bool
	Requeue     bool
}

func (*BasicNack) id() methodID { return methodID{60, 120} }

func (m *BasicNack) read(d *decoder) {
	m.DeliveryTag = d.longlong()
	m.Multiple = d.bit()
	m.Requeue = d.bit()
}

func (m *BasicNack) write(e *encoder) {
	e.longlong(m.DeliveryTag)
	e.bit(m.Multiple)
	e.bit(m.Requeue)
}
