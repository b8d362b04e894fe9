// Code in this file was generated once from the AMQP 0-9-1 method table
// (amqp0-9-1.extended.xml, with RabbitMQ's extensions) and is maintained by
// hand. Each method is a struct with the spec's fields; reserved fields are
// read and written as zero values.

package amqpbridge

// ConnectionStart is connection.start (class 10, method 10): it starts
// connection negotiation: the server's version, properties, SASL mechanisms
// and locales (server to client).
type ConnectionStart struct {
	VersionMajor     uint8
	VersionMinor     uint8
	ServerProperties Table
	Mechanisms       string
	Locales          string
}

func (*ConnectionStart) id() methodID { return methodID{10, 10} }

func (m *ConnectionStart) read(d *decoder) {
	m.VersionMajor = d.octet()
	m.VersionMinor = d.octet()
	m.ServerProperties = d.table()
	m.Mechanisms = d.longstr()
	m.Locales = d.longstr()
}

func (m *ConnectionStart) write(e *encoder) {
	e.octet(m.VersionMajor)
	e.octet(m.VersionMinor)
	e.table(m.ServerProperties)
	e.longstr(m.Mechanisms)
	e.longstr(m.Locales)
}

// ConnectionStartOk is connection.start-ok (class 10, method 11): it selects a
// SASL mechanism and locale and carries the client's response (client to
// server).
type ConnectionStartOk struct {
	ClientProperties Table
	Mechanism        string
	Response         string
	Locale           string
}

func (*ConnectionStartOk) id() methodID { return methodID{10, 11} }

func (m *ConnectionStartOk) read(d *decoder) {
	m.ClientProperties = d.table()
	m.Mechanism = d.shortstr()
	m.Response = d.longstr()
	m.Locale = d.shortstr()
}

func (m *ConnectionStartOk) write(e *encoder) {
	e.table(m.ClientProperties)
	e.shortstr(m.Mechanism)
	e.longstr(m.Response)
	e.shortstr(m.Locale)
}

// ConnectionSecure is connection.secure (class 10, method 20): it is a SASL
// challenge (server to client).
type ConnectionSecure struct {
	Challenge string
}

func (*ConnectionSecure) id() methodID { return methodID{10, 20} }

func (m *ConnectionSecure) read(d *decoder) {
	m.Challenge = d.longstr()
}

func (m *ConnectionSecure) write(e *encoder) {
	e.longstr(m.Challenge)
}

// ConnectionSecureOk is connection.secure-ok (class 10, method 21): it is a
// SASL response (client to server).
type ConnectionSecureOk struct {
	Response string
}

func (*ConnectionSecureOk) id() methodID { return methodID{10, 21} }

func (m *ConnectionSecureOk) read(d *decoder) {
	m.Response = d.longstr()
}

func (m *ConnectionSecureOk) write(e *encoder) {
	e.longstr(m.Response)
}

// ConnectionTune is connection.tune (class 10, method 30): it proposes
// connection limits: channel-max, frame-max in octets and the heartbeat
// interval in seconds (server to client).
type ConnectionTune struct {
	ChannelMax uint16
	FrameMax   uint32
	Heartbeat  uint16
}

func (*ConnectionTune) id() methodID { return methodID{10, 30} }

func (m *ConnectionTune) read(d *decoder) {
	m.ChannelMax = d.short()
	m.FrameMax = d.long()
	m.Heartbeat = d.short()
}

func (m *ConnectionTune) write(e *encoder) {
	e.short(m.ChannelMax)
	e.long(m.FrameMax)
	e.short(m.Heartbeat)
}

// ConnectionTuneOk is connection.tune-ok (class 10, method 31): it accepts the
// connection limits the client will use (client to server).
type ConnectionTuneOk struct {
	ChannelMax uint16
	FrameMax   uint32
	Heartbeat  uint16
}

func (*ConnectionTuneOk) id() methodID { return methodID{10, 31} }

func (m *ConnectionTuneOk) read(d *decoder) {
	m.ChannelMax = d.short()
	m.FrameMax = d.long()
	m.Heartbeat = d.short()
}

func (m *ConnectionTuneOk) write(e *encoder) {
	e.short(m.ChannelMax)
	e.long(m.FrameMax)
	e.short(m.Heartbeat)
}

// ConnectionOpen is connection.open (class 10, method 40): it opens a
// connection to a virtual host (client to server).
type ConnectionOpen struct {
	VirtualHost string
}

func (*ConnectionOpen) id() methodID { return methodID{10, 40} }

func (m *ConnectionOpen) read(d *decoder) {
	m.VirtualHost = d.shortstr()
	_ = d.shortstr()
	_ = d.bit()
}

func (m *ConnectionOpen) write(e *encoder) {
	e.shortstr(m.VirtualHost)
	e.shortstr("")
	e.bit(false)
}

// ConnectionOpenOk is connection.open-ok (class 10, method 41): it signals
// that the connection is ready (server to client).
type ConnectionOpenOk struct{}

func (*ConnectionOpenOk) id() methodID { return methodID{10, 41} }

func (_ *ConnectionOpenOk) read(d *decoder) {
	_ = d.shortstr()
}

func (_ *ConnectionOpenOk) write(e *encoder) {
	e.shortstr("")
}

// ConnectionClose is connection.close (class 10, method 50): it requests a
// connection close, with the reply code and text of the exception and the
// method that caused it (either peer).
type ConnectionClose struct {
	ReplyCode uint16
	ReplyText string
	ClassID   uint16
	MethodID  uint16
}

func (*ConnectionClose) id() methodID { return methodID{10, 50} }

func (m *ConnectionClose) read(d *decoder) {
	m.ReplyCode = d.short()
	m.ReplyText = d.shortstr()
	m.ClassID = d.short()
	m.MethodID = d.short()
}

func (m *ConnectionClose) write(e *encoder) {
	e.short(m.ReplyCode)
	e.shortstr(m.ReplyText)
	e.short(m.ClassID)
	e.short(m.MethodID)
}

// ConnectionCloseOk is connection.close-ok (class 10, method 51): it confirms
// a connection close (either peer).
type ConnectionCloseOk struct{}

func (*ConnectionCloseOk) id() methodID { return methodID{10, 51} }

func (_ *ConnectionCloseOk) read(d *decoder) {
}

func (_ *ConnectionCloseOk) write(e *encoder) {
}

// ConnectionBlocked is connection.blocked (class 10, method 60): it tells the
// client the server blocks publishing (RabbitMQ extension, server to client).
type ConnectionBlocked struct {
	Reason string
}

func (*ConnectionBlocked) id() methodID { return methodID{10, 60} }

func (m *ConnectionBlocked) read(d *decoder) {
	m.Reason = d.shortstr()
}

func (m *ConnectionBlocked) write(e *encoder) {
	e.shortstr(m.Reason)
}

// ConnectionUnblocked is connection.unblocked (class 10, method 61): it tells
// the client publishing may resume (RabbitMQ extension, server to client).
type ConnectionUnblocked struct{}

func (*ConnectionUnblocked) id() methodID { return methodID{10, 61} }

func (_ *ConnectionUnblocked) read(d *decoder) {
}

func (_ *ConnectionUnblocked) write(e *encoder) {
}

// ConnectionUpdateSecret is connection.update-secret (class 10, method 70): it
// replaces the credentials of the connection (RabbitMQ extension, client to
// server).
type ConnectionUpdateSecret struct {
	NewSecret string
	Reason    string
}

func (*ConnectionUpdateSecret) id() methodID { return methodID{10, 70} }

func (m *ConnectionUpdateSecret) read(d *decoder) {
	m.NewSecret = d.longstr()
	m.Reason = d.shortstr()
}

func (m *ConnectionUpdateSecret) write(e *encoder) {
	e.longstr(m.NewSecret)
	e.shortstr(m.Reason)
}

// ConnectionUpdateSecretOk is connection.update-secret-ok (class 10, method
// 71): it confirms update-secret (server to client).
type ConnectionUpdateSecretOk struct{}

func (*ConnectionUpdateSecretOk) id() methodID { return methodID{10, 71} }

func (_ *ConnectionUpdateSecretOk) read(d *decoder) {
}

func (_ *ConnectionUpdateSecretOk) write(e *encoder) {
}

// ChannelOpen is channel.open (class 20, method 10): it opens a channel
// (client to server).
type ChannelOpen struct{}

func (*ChannelOpen) id() methodID { return methodID{20, 10} }

func (_ *ChannelOpen) read(d *decoder) {
	_ = d.shortstr()
}

func (_ *ChannelOpen) write(e *encoder) {
	e.shortstr("")
}

// ChannelOpenOk is channel.open-ok (class 20, method 11): it signals that the
// channel is ready (server to client).
type ChannelOpenOk struct{}

func (*ChannelOpenOk) id() methodID { return methodID{20, 11} }

func (_ *ChannelOpenOk) read(d *decoder) {
	_ = d.longstr()
}

func (_ *ChannelOpenOk) write(e *encoder) {
	e.longstr("")
}

// ChannelFlow is channel.flow (class 20, method 20): it asks the peer to pause
// or restart sending content (either peer).
type ChannelFlow struct {
	Active bool
}

func (*ChannelFlow) id() methodID { return methodID{20, 20} }

func (m *ChannelFlow) read(d *decoder) {
	m.Active = d.bit()
}

func (m *ChannelFlow) write(e *encoder) {
	e.bit(m.Active)
}

// ChannelFlowOk is channel.flow-ok (class 20, method 21): it confirms a flow
// method (either peer).
type ChannelFlowOk struct {
	Active bool
}

func (*ChannelFlowOk) id() methodID { return methodID{20, 21} }

func (m *ChannelFlowOk) read(d *decoder) {
	m.Active = d.bit()
}

func (m *ChannelFlowOk) write(e *encoder) {
	e.bit(m.Active)
}

// ChannelClose is channel.close (class 20, method 40): it requests a channel
// close, with the reply code and text of the exception and the method that
// caused it (either peer).
type ChannelClose struct {
	ReplyCode uint16
	ReplyText string
	ClassID   uint16
	MethodID  uint16
}

func (*ChannelClose) id() methodID { return methodID{20, 40} }

func (m *ChannelClose) read(d *decoder) {
	m.ReplyCode = d.short()
	m.ReplyText = d.shortstr()
	m.ClassID = d.short()
	m.MethodID = d.short()
}

func (m *ChannelClose) write(e *encoder) {
	e.short(m.ReplyCode)
	e.shortstr(m.ReplyText)
	e.short(m.ClassID)
	e.short(m.MethodID)
}

// ChannelCloseOk is channel.close-ok (class 20, method 41): it confirms a
// channel close (either peer).
type ChannelCloseOk struct{}

func (*ChannelCloseOk) id() methodID { return methodID{20, 41} }

func (_ *ChannelCloseOk) read(d *decoder) {
}

func (_ *ChannelCloseOk) write(e *encoder) {
}

// ExchangeDeclare is exchange.declare (class 40, method 10): it creates an
// exchange or checks an existing one.
type ExchangeDeclare struct {
	Exchange   string
	Type       string
	Passive    bool
	Durable    bool
	AutoDelete bool
	Internal   bool
	NoWait     bool
	Arguments  Table
}

func (*ExchangeDeclare) id() methodID { return methodID{40, 10} }

func (m *ExchangeDeclare) read(d *decoder) {
	_ = d.short()
	m.Exchange = d.shortstr()
	m.Type = d.shortstr()
	m.Passive = d.bit()
	m.Durable = d.bit()
	m.AutoDelete = d.bit()
	m.Internal = d.bit()
	m.NoWait = d.bit()
	m.Arguments = d.table()
}

func (m *ExchangeDeclare) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Exchange)
	e.shortstr(m.Type)
	e.bit(m.Passive)
	e.bit(m.Durable)
	e.bit(m.AutoDelete)
	e.bit(m.Internal)
	e.bit(m.NoWait)
	e.table(m.Arguments)
}

// ExchangeDeclareOk is exchange.declare-ok (class 40, method 11): it confirms
// exchange.declare.
type ExchangeDeclareOk struct{}

func (*ExchangeDeclareOk) id() methodID { return methodID{40, 11} }

func (_ *ExchangeDeclareOk) read(d *decoder) {
}

func (_ *ExchangeDeclareOk) write(e *encoder) {
}

// ExchangeDelete is exchange.delete (class 40, method 20): it deletes an
// exchange.
type ExchangeDelete struct {
	Exchange string
	IfUnused bool
	NoWait   bool
}

func (*ExchangeDelete) id() methodID { return methodID{40, 20} }

func (m *ExchangeDelete) read(d *decoder) {
	_ = d.short()
	m.Exchange = d.shortstr()
	m.IfUnused = d.bit()
	m.NoWait = d.bit()
}

func (m *ExchangeDelete) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Exchange)
	e.bit(m.IfUnused)
	e.bit(m.NoWait)
}

// ExchangeDeleteOk is exchange.delete-ok (class 40, method 21): it confirms
// exchange.delete.
type ExchangeDeleteOk struct{}

func (*ExchangeDeleteOk) id() methodID { return methodID{40, 21} }

func (_ *ExchangeDeleteOk) read(d *decoder) {
}

func (_ *ExchangeDeleteOk) write(e *encoder) {
}

// ExchangeBind is exchange.bind (class 40, method 30): it binds an exchange to
// an exchange (RabbitMQ extension).
type ExchangeBind struct {
	Destination string
	Source      string
	RoutingKey  string
	NoWait      bool
	Arguments   Table
}

func (*ExchangeBind) id() methodID { return methodID{40, 30} }

func (m *ExchangeBind) read(d *decoder) {
	_ = d.short()
	m.Destination = d.shortstr()
	m.Source = d.shortstr()
	m.RoutingKey = d.shortstr()
	m.NoWait = d.bit()
	m.Arguments = d.table()
}

func (m *ExchangeBind) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Destination)
	e.shortstr(m.Source)
	e.shortstr(m.RoutingKey)
	e.bit(m.NoWait)
	e.table(m.Arguments)
}

// ExchangeBindOk is exchange.bind-ok (class 40, method 31): it confirms
// exchange.bind.
type ExchangeBindOk struct{}

func (*ExchangeBindOk) id() methodID { return methodID{40, 31} }

func (_ *ExchangeBindOk) read(d *decoder) {
}

func (_ *ExchangeBindOk) write(e *encoder) {
}

// ExchangeUnbind is exchange.unbind (class 40, method 40): it removes an
// exchange-to-exchange binding (RabbitMQ extension).
type ExchangeUnbind struct {
	Destination string
	Source      string
	RoutingKey  string
	NoWait      bool
	Arguments   Table
}

func (*ExchangeUnbind) id() methodID { return methodID{40, 40} }

func (m *ExchangeUnbind) read(d *decoder) {
	_ = d.short()
	m.Destination = d.shortstr()
	m.Source = d.shortstr()
	m.RoutingKey = d.shortstr()
	m.NoWait = d.bit()
	m.Arguments = d.table()
}

func (m *ExchangeUnbind) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Destination)
	e.shortstr(m.Source)
	e.shortstr(m.RoutingKey)
	e.bit(m.NoWait)
	e.table(m.Arguments)
}

// ExchangeUnbindOk is exchange.unbind-ok (class 40, method 51): it confirms
// exchange.unbind.
type ExchangeUnbindOk struct{}

func (*ExchangeUnbindOk) id() methodID { return methodID{40, 51} }

func (_ *ExchangeUnbindOk) read(d *decoder) {
}

func (_ *ExchangeUnbindOk) write(e *encoder) {
}

// QueueDeclare is queue.declare (class 50, method 10): it creates a queue or
// checks an existing one; an empty name asks for a server-named queue.
type QueueDeclare struct {
	Queue      string
	Passive    bool
	Durable    bool
	Exclusive  bool
	AutoDelete bool
	NoWait     bool
	Arguments  Table
}

func (*QueueDeclare) id() methodID { return methodID{50, 10} }

func (m *QueueDeclare) read(d *decoder) {
	_ = d.short()
	m.Queue = d.shortstr()
	m.Passive = d.bit()
	m.Durable = d.bit()
	m.Exclusive = d.bit()
	m.AutoDelete = d.bit()
	m.NoWait = d.bit()
	m.Arguments = d.table()
}

func (m *QueueDeclare) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Queue)
	e.bit(m.Passive)
	e.bit(m.Durable)
	e.bit(m.Exclusive)
	e.bit(m.AutoDelete)
	e.bit(m.NoWait)
	e.table(m.Arguments)
}

// QueueDeclareOk is queue.declare-ok (class 50, method 11): it confirms
// queue.declare with the queue's name and counts.
type QueueDeclareOk struct {
	Queue         string
	MessageCount  uint32
	ConsumerCount uint32
}

func (*QueueDeclareOk) id() methodID { return methodID{50, 11} }

func (m *QueueDeclareOk) read(d *decoder) {
	m.Queue = d.shortstr()
	m.MessageCount = d.long()
	m.ConsumerCount = d.long()
}

func (m *QueueDeclareOk) write(e *encoder) {
	e.shortstr(m.Queue)
	e.long(m.MessageCount)
	e.long(m.ConsumerCount)
}

// QueueBind is queue.bind (class 50, method 20): it binds a queue to an
// exchange.
type QueueBind struct {
	Queue      string
	Exchange   string
	RoutingKey string
	NoWait     bool
	Arguments  Table
}

func (*QueueBind) id() methodID { return methodID{50, 20} }

func (m *QueueBind) read(d *decoder) {
	_ = d.short()
	m.Queue = d.shortstr()
	m.Exchange = d.shortstr()
	m.RoutingKey = d.shortstr()
	m.NoWait = d.bit()
	m.Arguments = d.table()
}

func (m *QueueBind) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Queue)
	e.shortstr(m.Exchange)
	e.shortstr(m.RoutingKey)
	e.bit(m.NoWait)
	e.table(m.Arguments)
}

// QueueBindOk is queue.bind-ok (class 50, method 21): it confirms queue.bind.
type QueueBindOk struct{}

func (*QueueBindOk) id() methodID { return methodID{50, 21} }

func (_ *QueueBindOk) read(d *decoder) {
}

func (_ *QueueBindOk) write(e *encoder) {
}

// QueuePurge is queue.purge (class 50, method 30): it removes every ready
// message of a queue.
type QueuePurge struct {
	Queue  string
	NoWait bool
}

func (*QueuePurge) id() methodID { return methodID{50, 30} }

func (m *QueuePurge) read(d *decoder) {
	_ = d.short()
	m.Queue = d.shortstr()
	m.NoWait = d.bit()
}

func (m *QueuePurge) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Queue)
	e.bit(m.NoWait)
}

// QueuePurgeOk is queue.purge-ok (class 50, method 31): it confirms
// queue.purge with the number of messages removed.
type QueuePurgeOk struct {
	MessageCount uint32
}

func (*QueuePurgeOk) id() methodID { return methodID{50, 31} }

func (m *QueuePurgeOk) read(d *decoder) {
	m.MessageCount = d.long()
}

func (m *QueuePurgeOk) write(e *encoder) {
	e.long(m.MessageCount)
}

// QueueDelete is queue.delete (class 50, method 40): it deletes a queue.
type QueueDelete struct {
	Queue    string
	IfUnused bool
	IfEmpty  bool
	NoWait   bool
}

func (*QueueDelete) id() methodID { return methodID{50, 40} }

func (m *QueueDelete) read(d *decoder) {
	_ = d.short()
	m.Queue = d.shortstr()
	m.IfUnused = d.bit()
	m.IfEmpty = d.bit()
	m.NoWait = d.bit()
}

func (m *QueueDelete) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Queue)
	e.bit(m.IfUnused)
	e.bit(m.IfEmpty)
	e.bit(m.NoWait)
}

// QueueDeleteOk is queue.delete-ok (class 50, method 41): it confirms
// queue.delete with the number of messages deleted.
type QueueDeleteOk struct {
	MessageCount uint32
}

func (*QueueDeleteOk) id() methodID { return methodID{50, 41} }

func (m *QueueDeleteOk) read(d *decoder) {
	m.MessageCount = d.long()
}

func (m *QueueDeleteOk) write(e *encoder) {
	e.long(m.MessageCount)
}

// QueueUnbind is queue.unbind (class 50, method 50): it removes a queue
// binding.
type QueueUnbind struct {
	Queue      string
	Exchange   string
	RoutingKey string
	Arguments  Table
}

func (*QueueUnbind) id() methodID { return methodID{50, 50} }

func (m *QueueUnbind) read(d *decoder) {
	_ = d.short()
	m.Queue = d.shortstr()
	m.Exchange = d.shortstr()
	m.RoutingKey = d.shortstr()
	m.Arguments = d.table()
}

func (m *QueueUnbind) write(e *encoder) {
	e.short(0)
	e.shortstr(m.Queue)
	e.shortstr(m.Exchange)
	e.shortstr(m.RoutingKey)
	e.table(m.Arguments)
}

// QueueUnbindOk is queue.unbind-ok (class 50, method 51): it confirms
// queue.unbind.
type QueueUnbindOk struct{}

func (*QueueUnbindOk) id() methodID { return methodID{50, 51} }

func (_ *QueueUnbindOk) read(d *decoder) {
}

func (_ *QueueUnbindOk) write(e *encoder) {
}

// ConfirmSelect is confirm.select (class 85, method 10): it puts the channel
// in confirm mode (RabbitMQ extension).
type ConfirmSelect struct {
	NoWait bool
}

func (*ConfirmSelect) id() methodID { return methodID{85, 10} }

func (m *ConfirmSelect) read(d *decoder) {
	m.NoWait = d.bit()
}

func (m *ConfirmSelect) write(e *encoder) {
	e.bit(m.NoWait)
}

// ConfirmSelectOk is confirm.select-ok (class 85, method 11): it confirms
// confirm.select.
type ConfirmSelectOk struct{}

func (*ConfirmSelectOk) id() methodID { return methodID{85, 11} }

func (_ *ConfirmSelectOk) read(d *decoder) {
}

func (_ *ConfirmSelectOk) write(e *encoder) {
}

// TxSelect is tx.select (class 90, method 10): it puts the channel in
// transaction mode.
type TxSelect struct{}

func (*TxSelect) id() methodID { return methodID{90, 10} }

func (_ *TxSelect) read(d *decoder) {
}

func (_ *TxSelect) write(e *encoder) {
}

// TxSelectOk is tx.select-ok (class 90, method 11): it confirms tx.select.
type TxSelectOk struct{}

func (*TxSelectOk) id() methodID { return methodID{90, 11} }

func (_ *TxSelectOk) read(d *decoder) {
}

func (_ *TxSelectOk) write(e *encoder) {
}

// TxCommit is tx.commit (class 90, method 20): it commits the current
// transaction.
type TxCommit struct{}

func (*TxCommit) id() methodID { return methodID{90, 20} }

func (_ *TxCommit) read(d *decoder) {
}

func (_ *TxCommit) write(e *encoder) {
}

// TxCommitOk is tx.commit-ok (class 90, method 21): it confirms tx.commit.
type TxCommitOk struct{}

func (*TxCommitOk) id() methodID { return methodID{90, 21} }

func (_ *TxCommitOk) read(d *decoder) {
}

func (_ *TxCommitOk) write(e *encoder) {
}

// TxRollback is tx.rollback (class 90, method 30): it abandons the current
// transaction.
type TxRollback struct{}

func (*TxRollback) id() methodID { return methodID{90, 30} }

func (_ *TxRollback) read(d *decoder) {
}

func (_ *TxRollback) write(e *encoder) {
}

// TxRollbackOk is tx.rollback-ok (class 90, method 31): it confirms
// tx.rollback.
type TxRollbackOk struct{}

func (*TxRollbackOk) id() methodID { return methodID{90, 31} }

func (_ *TxRollbackOk) read(d *decoder) {
}

func (_ *TxRollbackOk) write(e *encoder) {
}

// newMethod returns an empty method value for a class and method id, or nil.
func newMethod(id methodID) Method {
	switch id {
	case methodID{10, 10}:
		return &ConnectionStart{}
	case methodID{10, 11}:
		return &ConnectionStartOk{}
	case methodID{10, 20}:
		return &ConnectionSecure{}
	case methodID{10, 21}:
		return &ConnectionSecureOk{}
	case methodID{10, 30}:
		return &ConnectionTune{}
	case methodID{10, 31}:
		return &ConnectionTuneOk{}
	case methodID{10, 40}:
		return &ConnectionOpen{}
	case methodID{10, 41}:
		return &ConnectionOpenOk{}
	case methodID{10, 50}:
		return &ConnectionClose{}
	case methodID{10, 51}:
		return &ConnectionCloseOk{}
	case methodID{10, 60}:
		return &ConnectionBlocked{}
	case methodID{10, 61}:
		return &ConnectionUnblocked{}
	case methodID{10, 70}:
		return &ConnectionUpdateSecret{}
	case methodID{10, 71}:
		return &ConnectionUpdateSecretOk{}
	case methodID{20, 10}:
		return &ChannelOpen{}
	case methodID{20, 11}:
		return &ChannelOpenOk{}
	case methodID{20, 20}:
		return &ChannelFlow{}
	case methodID{20, 21}:
		return &ChannelFlowOk{}
	case methodID{20, 40}:
		return &ChannelClose{}
	case methodID{20, 41}:
		return &ChannelCloseOk{}
	case methodID{40, 10}:
		return &ExchangeDeclare{}
	case methodID{40, 11}:
		return &ExchangeDeclareOk{}
	case methodID{40, 20}:
		return &ExchangeDelete{}
	case methodID{40, 21}:
		return &ExchangeDeleteOk{}
	case methodID{40, 30}:
		return &ExchangeBind{}
	case methodID{40, 31}:
		return &ExchangeBindOk{}
	case methodID{40, 40}:
		return &ExchangeUnbind{}
	case methodID{40, 51}:
		return &ExchangeUnbindOk{}
	case methodID{50, 10}:
		return &QueueDeclare{}
	case methodID{50, 11}:
		return &QueueDeclareOk{}
	case methodID{50, 20}:
		return &QueueBind{}
	case methodID{50, 21}:
		return &QueueBindOk{}
	case methodID{50, 30}:
		return &QueuePurge{}
	case methodID{50, 31}:
		return &QueuePurgeOk{}
	case methodID{50, 40}:
		return &QueueDelete{}
	case methodID{50, 41}:
		return &QueueDeleteOk{}
	case methodID{50, 50}:
		return &QueueUnbind{}
	case methodID{50, 51}:
		return &QueueUnbindOk{}
	case methodID{60, 10}:
		return &BasicQos{}
	case methodID{60, 11}:
		return &BasicQosOk{}
	case methodID{60, 20}:
		return &BasicConsume{}
	case methodID{60, 21}:
		return &BasicConsumeOk{}
	case methodID{60, 30}:
		return &BasicCancel{}
	case methodID{60, 31}:
		return &BasicCancelOk{}
	case methodID{60, 40}:
		return &BasicPublish{}
	case methodID{60, 50}:
		return &BasicReturn{}
	case methodID{60, 60}:
		return &BasicDeliver{}
	case methodID{60, 70}:
		return &BasicGet{}
	case methodID{60, 71}:
		return &BasicGetOk{}
	case methodID{60, 72}:
		return &BasicGetEmpty{}
	case methodID{60, 80}:
		return &BasicAck{}
	case methodID{60, 90}:
		return &BasicReject{}
	case methodID{60, 100}:
		return &BasicRecoverAsync{}
	case methodID{60, 110}:
		return &BasicRecover{}
	case methodID{60, 111}:
		return &BasicRecoverOk{}
	case methodID{60, 120}:
		return &BasicNack{}
	case methodID{85, 10}:
		return &ConfirmSelect{}
	case methodID{85, 11}:
		return &ConfirmSelectOk{}
	case methodID{90, 10}:
		return &TxSelect{}
	case methodID{90, 11}:
		return &TxSelectOk{}
	case methodID{90, 20}:
		return &TxCommit{}
	case methodID{90, 21}:
		return &TxCommitOk{}
	case methodID{90, 30}:
		return &TxRollback{}
	case methodID{90, 31}:
		return &TxRollbackOk{}
	}
	return nil
}

// methodNames are the spec's names of the methods, for error texts.
var methodNames = map[methodID]string{
	{10, 10}:  "connection.start",
	{10, 11}:  "connection.start_ok",
	{10, 20}:  "connection.secure",
	{10, 21}:  "connection.secure_ok",
	{10, 30}:  "connection.tune",
	{10, 31}:  "connection.tune_ok",
	{10, 40}:  "connection.open",
	{10, 41}:  "connection.open_ok",
	{10, 50}:  "connection.close",
	{10, 51}:  "connection.close_ok",
	{10, 60}:  "connection.blocked",
	{10, 61}:  "connection.unblocked",
	{10, 70}:  "connection.update_secret",
	{10, 71}:  "connection.update_secret_ok",
	{20, 10}:  "channel.open",
	{20, 11}:  "channel.open_ok",
	{20, 20}:  "channel.flow",
	{20, 21}:  "channel.flow_ok",
	{20, 40}:  "channel.close",
	{20, 41}:  "channel.close_ok",
	{40, 10}:  "exchange.declare",
	{40, 11}:  "exchange.declare_ok",
	{40, 20}:  "exchange.delete",
	{40, 21}:  "exchange.delete_ok",
	{40, 30}:  "exchange.bind",
	{40, 31}:  "exchange.bind_ok",
	{40, 40}:  "exchange.unbind",
	{40, 51}:  "exchange.unbind_ok",
	{50, 10}:  "queue.declare",
	{50, 11}:  "queue.declare_ok",
	{50, 20}:  "queue.bind",
	{50, 21}:  "queue.bind_ok",
	{50, 30}:  "queue.purge",
	{50, 31}:  "queue.purge_ok",
	{50, 40}:  "queue.delete",
	{50, 41}:  "queue.delete_ok",
	{50, 50}:  "queue.unbind",
	{50, 51}:  "queue.unbind_ok",
	{60, 10}:  "basic.qos",
	{60, 11}:  "basic.qos_ok",
	{60, 20}:  "basic.consume",
	{60, 21}:  "basic.consume_ok",
	{60, 30}:  "basic.cancel",
	{60, 31}:  "basic.cancel_ok",
	{60, 40}:  "basic.publish",
	{60, 50}:  "basic.return",
	{60, 60}:  "basic.deliver",
	{60, 70}:  "basic.get",
	{60, 71}:  "basic.get_ok",
	{60, 72}:  "basic.get_empty",
	{60, 80}:  "basic.ack",
	{60, 90}:  "basic.reject",
	{60, 100}: "basic.recover_async",
	{60, 110}: "basic.recover",
	{60, 111}: "basic.recover_ok",
	{60, 120}: "basic.nack",
	{85, 10}:  "confirm.select",
	{85, 11}:  "confirm.select_ok",
	{90, 10}:  "tx.select",
	{90, 11}:  "tx.select_ok",
	{90, 20}:  "tx.commit",
	{90, 21}:  "tx.commit_ok",
	{90, 30}:  "tx.rollback",
	{90, 31}:  "tx.rollback_ok",
}
