package amqpbridge_test

import (
	"strings"

	. "github.com/switchyard/switchyard/amqpbridge"
)

// errorCase is one error path: steps run by a raw client after the
// handshake and channel.open on channel 1, and the outcome RabbitMQ 3.x
// gives. Names are prefixed with p so runs against a shared RabbitMQ do not
// collide; "{p}" in want.text stands for the prefix.
type errorCase struct {
	name string
	// handshake false: the case drives the connection from the start.
	raw  bool
	run  func(r *rawClient, p string)
	want outcome
}

func (c errorCase) wantText(p string) string { return strings.ReplaceAll(c.want.text, "{p}", p) }

func declareQ(r *rawClient, name string, exclusive bool) {
	r.method(1, &QueueDeclare{Queue: name, Exclusive: exclusive, AutoDelete: !exclusive})
	expect[*QueueDeclareOk](r)
}

// errorCases are shared by the Switchyard tests (exact texts) and the
// differential test against RabbitMQ (kind and code).
var errorCases = []errorCase{
	{name: "publish to a missing exchange", run: func(r *rawClient, p string) {
		r.publish(1, &BasicPublish{Exchange: p + "nox", RoutingKey: "k"}, &Properties{}, []byte("x"))
	}, want: outcome{"channel", 404, "NOT_FOUND - no exchange '{p}nox' in vhost '/'"}},
	{name: "ack of an unknown delivery tag", run: func(r *rawClient, p string) {
		r.method(1, &BasicAck{DeliveryTag: 7})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - unknown delivery tag 7"}},
	{name: "ack twice", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.publish(1, &BasicPublish{RoutingKey: p + "q"}, &Properties{}, []byte("x"))
		r.method(1, &BasicGet{Queue: p + "q"})
		expect[*BasicGetOk](r)
		r.method(1, &BasicAck{DeliveryTag: 1})
		r.method(1, &BasicAck{DeliveryTag: 1})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - unknown delivery tag 1"}},
	{name: "nack of an unknown delivery tag", run: func(r *rawClient, p string) {
		r.method(1, &BasicNack{DeliveryTag: 3, Multiple: true})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - unknown delivery tag 3"}},
	{name: "reject of an unknown delivery tag", run: func(r *rawClient, p string) {
		r.method(1, &BasicReject{DeliveryTag: 2})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - unknown delivery tag 2"}},
	{name: "consume from a missing queue", run: func(r *rawClient, p string) {
		r.method(1, &BasicConsume{Queue: p + "noq"})
	}, want: outcome{"channel", 404, "NOT_FOUND - no queue '{p}noq' in vhost '/'"}},
	{name: "get from a missing queue", run: func(r *rawClient, p string) {
		r.method(1, &BasicGet{Queue: p + "noq"})
	}, want: outcome{"channel", 404, "NOT_FOUND - no queue '{p}noq' in vhost '/'"}},
	{name: "purge a missing queue", run: func(r *rawClient, p string) {
		r.method(1, &QueuePurge{Queue: p + "noq"})
	}, want: outcome{"channel", 404, "NOT_FOUND - no queue '{p}noq' in vhost '/'"}},
	{name: "passive declare of a missing queue", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "noq", Passive: true})
	}, want: outcome{"channel", 404, "NOT_FOUND - no queue '{p}noq' in vhost '/'"}},
	{name: "passive declare of a missing exchange", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDeclare{Exchange: p + "nox", Type: "direct", Passive: true})
	}, want: outcome{"channel", 404, "NOT_FOUND - no exchange '{p}nox' in vhost '/'"}},
	{name: "unknown exchange type", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDeclare{Exchange: p + "x", Type: "nosuch"})
	}, want: outcome{"connection", 503, "COMMAND_INVALID - unknown exchange type 'nosuch'"}},
	{name: "exchange redeclared with another type", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDeclare{Exchange: p + "x", Type: "direct", AutoDelete: true})
		expect[*ExchangeDeclareOk](r)
		r.method(1, &ExchangeDeclare{Exchange: p + "x", Type: "fanout", AutoDelete: true})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange '{p}x' in vhost '/': received 'fanout' but current is 'direct'"}},
	{name: "queue redeclared with another durability", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", false)
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Durable: true})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '{p}q' in vhost '/': received 'true' but current is 'false'"}},
	{name: "x-max-length negative", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-max-length": int32(-1)}})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid arg 'x-max-length' for queue '{p}q' in vhost '/': {value_negative,-1}"}},
	{name: "x-expires zero", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-expires": int32(0)}})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid arg 'x-expires' for queue '{p}q' in vhost '/': {value_zero,0}"}},
	{name: "x-message-ttl a string", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-message-ttl": "10"}})
	}, want: outcome{"channel", 406, `PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '{p}q' in vhost '/': "expected integer, got longstr"`}},
	{name: "x-overflow unknown", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-overflow": "drop-tail"}})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid arg 'x-overflow' for queue '{p}q' in vhost '/': invalid_overflow"}},
	{name: "x-max-priority too large", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-max-priority": int32(256)}})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue '{p}q' in vhost '/': {max_value_exceeded,256}"}},
	{name: "x-single-active-consumer not a bool", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-single-active-consumer": "true"}})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue '{p}q' in vhost '/': {unacceptable_type,longstr}"}},
	{name: "x-dead-letter-routing-key without an exchange", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-dead-letter-routing-key": "k"}})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid arg 'x-dead-letter-routing-key' for queue '{p}q' in vhost '/': routing_key_but_no_dlx_defined"}},
	{name: "x-dead-letter-exchange not a string", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: p + "q", AutoDelete: true, Arguments: Table{"x-dead-letter-exchange": int32(1)}})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue '{p}q' in vhost '/'"}},
	{name: "queue named amq.", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: "amq." + p})
	}, want: outcome{"channel", 403, "ACCESS_REFUSED - queue name 'amq.{p}' contains reserved prefix 'amq.*'"}},
	{name: "exchange named amq.", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDeclare{Exchange: "amq." + p, Type: "direct"})
	}, want: outcome{"channel", 403, "ACCESS_REFUSED - exchange name 'amq.{p}' contains reserved prefix 'amq.*'"}},
	{name: "delete amq.direct", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDelete{Exchange: "amq.direct"})
	}, want: outcome{"channel", 403, "ACCESS_REFUSED - deletion of system exchange 'amq.direct' in vhost '/' not allowed"}},
	{name: "bind to a missing exchange", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.method(1, &QueueBind{Queue: p + "q", Exchange: p + "nox", RoutingKey: "k"})
	}, want: outcome{"channel", 404, "NOT_FOUND - no exchange '{p}nox' in vhost '/'"}},
	{name: "bind a missing queue", run: func(r *rawClient, p string) {
		r.method(1, &QueueBind{Queue: p + "noq", Exchange: "amq.direct", RoutingKey: "k"})
	}, want: outcome{"channel", 404, "NOT_FOUND - no queue '{p}noq' in vhost '/'"}},
	{name: "bind to the default exchange", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.method(1, &QueueBind{Queue: p + "q", Exchange: "", RoutingKey: "k"})
	}, want: outcome{"channel", 403, "ACCESS_REFUSED - operation not permitted on the default exchange"}},
	{name: "exchange bind to a missing source", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeBind{Destination: "amq.fanout", Source: p + "nox"})
	}, want: outcome{"channel", 404, "NOT_FOUND - no exchange '{p}nox' in vhost '/'"}},
	{name: "publish to an internal exchange", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDeclare{Exchange: p + "ix", Type: "fanout", AutoDelete: true, Internal: true})
		expect[*ExchangeDeclareOk](r)
		r.publish(1, &BasicPublish{Exchange: p + "ix"}, &Properties{}, []byte("x"))
	}, want: outcome{"channel", 403, "ACCESS_REFUSED - cannot publish to internal exchange '{p}ix' in vhost '/'"}},
	{name: "exclusive queue of another connection", run: func(r *rawClient, p string) {
		// The queue is declared exclusive on a second connection.
		other := dialRaw(r.t, "amqp://"+r.nc.RemoteAddr().String()+"/")
		other.handshake(DefaultFrameMax, 0)
		other.open(1)
		declareQ(other, p+"exq", true)
		r.method(1, &QueueDeclare{Queue: p + "exq", Passive: true})
	}, want: outcome{"channel", 405, "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{p}exq' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."}},
	{name: "exclusive consume of a queue with consumers", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.method(1, &BasicConsume{Queue: p + "q", ConsumerTag: "a"})
		expect[*BasicConsumeOk](r)
		r.method(1, &BasicConsume{Queue: p + "q", ConsumerTag: "b", Exclusive: true})
	}, want: outcome{"channel", 403, "ACCESS_REFUSED - queue '{p}q' in vhost '/' in exclusive use"}},
	{name: "consume next to an exclusive consumer", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.method(1, &BasicConsume{Queue: p + "q", ConsumerTag: "a", Exclusive: true})
		expect[*BasicConsumeOk](r)
		r.method(1, &BasicConsume{Queue: p + "q", ConsumerTag: "b"})
	}, want: outcome{"channel", 403, "ACCESS_REFUSED - queue '{p}q' in vhost '/' in exclusive use"}},
	{name: "consumer tag reused", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.method(1, &BasicConsume{Queue: p + "q", ConsumerTag: "same"})
		expect[*BasicConsumeOk](r)
		r.method(1, &BasicConsume{Queue: p + "q", ConsumerTag: "same"})
	}, want: outcome{"connection", 530, "NOT_ALLOWED - attempt to reuse consumer tag 'same'"}},
	{name: "delete a non-empty queue if-empty", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.publish(1, &BasicPublish{RoutingKey: p + "q"}, &Properties{}, []byte("x"))
		r.method(1, &QueueDelete{Queue: p + "q", IfEmpty: true})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - queue '{p}q' in vhost '/' not empty"}},
	{name: "delete a used queue if-unused", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.method(1, &BasicConsume{Queue: p + "q", ConsumerTag: "a"})
		expect[*BasicConsumeOk](r)
		r.method(1, &QueueDelete{Queue: p + "q", IfUnused: true})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - queue '{p}q' in vhost '/' in use"}},
	{name: "delete a used exchange if-unused", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDeclare{Exchange: p + "x", Type: "fanout", AutoDelete: true})
		expect[*ExchangeDeclareOk](r)
		declareQ(r, p+"q", true)
		r.method(1, &QueueBind{Queue: p + "q", Exchange: p + "x"})
		expect[*QueueBindOk](r)
		r.method(1, &ExchangeDelete{Exchange: p + "x", IfUnused: true})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - exchange '{p}x' in vhost '/' in use"}},
	{name: "delete a missing queue", run: func(r *rawClient, p string) {
		r.method(1, &QueueDelete{Queue: p + "noq"})
		expect[*QueueDeleteOk](r)
	}, want: outcome{"none", 0, ""}},
	{name: "delete a missing exchange", run: func(r *rawClient, p string) {
		r.method(1, &ExchangeDelete{Exchange: p + "nox"})
		expect[*ExchangeDeleteOk](r)
	}, want: outcome{"none", 0, ""}},
	{name: "tx.commit without tx.select", run: func(r *rawClient, p string) {
		r.method(1, &TxCommit{})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - channel is not transactional"}},
	{name: "tx.rollback without tx.select", run: func(r *rawClient, p string) {
		r.method(1, &TxRollback{})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - channel is not transactional"}},
	{name: "tx.select in confirm mode", run: func(r *rawClient, p string) {
		r.method(1, &ConfirmSelect{})
		expect[*ConfirmSelectOk](r)
		r.method(1, &TxSelect{})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - cannot switch from confirm to tx mode"}},
	{name: "confirm.select in tx mode", run: func(r *rawClient, p string) {
		r.method(1, &TxSelect{})
		expect[*TxSelectOk](r)
		r.method(1, &ConfirmSelect{})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - cannot switch from tx to confirm mode"}},
	{name: "recover without requeue", run: func(r *rawClient, p string) {
		r.method(1, &BasicRecover{Requeue: false})
	}, want: outcome{"connection", 540, "NOT_IMPLEMENTED - requeue=false"}},
	{name: "qos with prefetch-size", run: func(r *rawClient, p string) {
		r.method(1, &BasicQos{PrefetchSize: 1000})
	}, want: outcome{"connection", 540, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)"}},
	{name: "channel.flow active=false", run: func(r *rawClient, p string) {
		r.method(1, &ChannelFlow{Active: false})
	}, want: outcome{"connection", 540, "NOT_IMPLEMENTED - active=false"}},
	{name: "publish immediate", run: func(r *rawClient, p string) {
		r.publish(1, &BasicPublish{RoutingKey: "k", Immediate: true}, &Properties{}, []byte("x"))
	}, want: outcome{"connection", 540, "NOT_IMPLEMENTED - immediate=true"}},
	{name: "user-id of another user", run: func(r *rawClient, p string) {
		r.publish(1, &BasicPublish{RoutingKey: "k"}, &Properties{UserID: "bob"}, []byte("x"))
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest'"}},
	{name: "expiration not a number", run: func(r *rawClient, p string) {
		r.publish(1, &BasicPublish{RoutingKey: "k"}, &Properties{Expiration: "soon"}, []byte("x"))
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid expiration 'soon': no_integer"}},
	{name: "expiration negative", run: func(r *rawClient, p string) {
		r.publish(1, &BasicPublish{RoutingKey: "k"}, &Properties{Expiration: "-5"}, []byte("x"))
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - invalid expiration '-5': {value_negative,-5}"}},
	{name: "reply-to without a reply consumer", run: func(r *rawClient, p string) {
		r.publish(1, &BasicPublish{RoutingKey: "k"}, &Properties{ReplyTo: "amq.rabbitmq.reply-to"}, []byte("x"))
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - fast reply consumer does not exist"}},
	{name: "reply consumer with acks", run: func(r *rawClient, p string) {
		r.method(1, &BasicConsume{Queue: "amq.rabbitmq.reply-to"})
	}, want: outcome{"channel", 406, "PRECONDITION_FAILED - reply consumer cannot acknowledge"}},
	{name: "second channel.open", run: func(r *rawClient, p string) {
		r.method(1, &ChannelOpen{})
	}, want: outcome{"connection", 504, "CHANNEL_ERROR - second 'channel.open' seen"}},
	{name: "method on a channel not opened", run: func(r *rawClient, p string) {
		r.method(5, &BasicQos{PrefetchCount: 1})
	}, want: outcome{"connection", 504, "CHANNEL_ERROR - expected 'channel.open'"}},
	{name: "content header without publish", run: func(r *rawClient, p string) {
		r.content(1, &Properties{}, []byte("x"))
	}, want: outcome{"connection", 505, "UNEXPECTED_FRAME - expected method frame, got non method frame instead"}},
	{name: "method instead of content header", run: func(r *rawClient, p string) {
		r.method(1, &BasicPublish{RoutingKey: "k"})
		r.method(1, &BasicQos{})
	}, want: outcome{"connection", 505, "UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead"}},
	{name: "method instead of content body", run: func(r *rawClient, p string) {
		r.method(1, &BasicPublish{RoutingKey: "k"})
		b, _ := AppendContent(nil, 1, &Properties{}, []byte("xyz"), DefaultFrameMax)
		r.write(b[:len(b)-11]) // the header frame only
		r.method(1, &BasicQos{})
	}, want: outcome{"connection", 505, "UNEXPECTED_FRAME - expected content body, got non content body frame instead"}},
	{name: "method on channel 0", run: func(r *rawClient, p string) {
		r.method(0, &BasicQos{})
	}, want: outcome{"connection", 504, "CHANNEL_ERROR - unexpected method in connection state running"}},
	{name: "frame larger than frame-max", run: func(r *rawClient, p string) {
		// The header of a body frame of 196608 octets, past the
		// negotiated 131072: refused before its payload is read.
		r.write([]byte{FrameBody, 0, 1, 0, 3, 0, 0})
	}, want: outcome{"connection", 501, ""}},
	{name: "bad frame-end octet", run: func(r *rawClient, p string) {
		b, _ := AppendMethodFrame(nil, 1, &BasicQos{})
		b[len(b)-1] = 0
		r.write(b)
	}, want: outcome{"connection", 501, ""}},
	{name: "unknown frame type", run: func(r *rawClient, p string) {
		r.write([]byte{4, 0, 1, 0, 0, 0, 0, FrameEnd})
	}, want: outcome{"connection", 501, "FRAME_ERROR - type 4, all octets = <<>>: unknown_frame"}},
	{name: "unknown method", run: func(r *rawClient, p string) {
		r.write([]byte{FrameMethod, 0, 1, 0, 0, 0, 4, 0, 60, 0, 99, FrameEnd})
	}, want: outcome{"eof", 0, ""}},
	{name: "undecodable method", run: func(r *rawClient, p string) {
		r.write([]byte{FrameMethod, 0, 1, 0, 0, 0, 5, 0, 60, 0, 80, 1, FrameEnd})
	}, want: outcome{"connection", 501, ""}},
	{name: "bad protocol header", raw: true, run: func(r *rawClient, p string) {
		r.write([]byte("AMQP\x00\x00\x0a\x00"))
	}, want: outcome{"header", 0, ""}},
	{name: "wrong password", raw: true, run: func(r *rawClient, p string) {
		r.write(ProtocolHeader)
		expect[*ConnectionStart](r)
		r.method(0, &ConnectionStartOk{ClientProperties: Table{"capabilities": Table{"authentication_failure_close": true}},
			Mechanism: "PLAIN", Response: "\x00guest\x00wrong", Locale: "en_US"})
	}, want: outcome{"connection", 403, "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."}},
	{name: "unknown mechanism", raw: true, run: func(r *rawClient, p string) {
		r.write(ProtocolHeader)
		expect[*ConnectionStart](r)
		r.method(0, &ConnectionStartOk{Mechanism: "NOPE", Response: "x", Locale: "en_US"})
	}, want: outcome{"eof", 0, ""}},
	{name: "AMQPLAIN login", raw: true, run: func(r *rawClient, p string) {
		r.write(ProtocolHeader)
		expect[*ConnectionStart](r)
		resp := []byte{5, 'L', 'O', 'G', 'I', 'N', 'S', 0, 0, 0, 5, 'g', 'u', 'e', 's', 't',
			8, 'P', 'A', 'S', 'S', 'W', 'O', 'R', 'D', 'S', 0, 0, 0, 5, 'g', 'u', 'e', 's', 't'}
		r.method(0, &ConnectionStartOk{Mechanism: "AMQPLAIN", Response: string(resp), Locale: "en_US"})
		tune := expect[*ConnectionTune](r)
		r.method(0, &ConnectionTuneOk{ChannelMax: tune.ChannelMax, FrameMax: tune.FrameMax})
		r.method(0, &ConnectionOpen{VirtualHost: "/"})
		expect[*ConnectionOpenOk](r)
		r.open(1)
	}, want: outcome{"none", 0, ""}},
	{name: "frame-max below the minimum", raw: true, run: func(r *rawClient, p string) {
		r.write(ProtocolHeader)
		expect[*ConnectionStart](r)
		r.method(0, &ConnectionStartOk{Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US"})
		tune := expect[*ConnectionTune](r)
		r.method(0, &ConnectionTuneOk{ChannelMax: tune.ChannelMax, FrameMax: 1024})
	}, want: outcome{"eof", 0, ""}},
	{name: "frame-max above the server's", raw: true, run: func(r *rawClient, p string) {
		r.write(ProtocolHeader)
		expect[*ConnectionStart](r)
		r.method(0, &ConnectionStartOk{Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US"})
		tune := expect[*ConnectionTune](r)
		r.method(0, &ConnectionTuneOk{ChannelMax: tune.ChannelMax, FrameMax: tune.FrameMax + 1})
	}, want: outcome{"eof", 0, ""}},
	{name: "unknown virtual host", raw: true, run: func(r *rawClient, p string) {
		r.write(ProtocolHeader)
		expect[*ConnectionStart](r)
		r.method(0, &ConnectionStartOk{Mechanism: "PLAIN", Response: "\x00guest\x00guest", Locale: "en_US"})
		tune := expect[*ConnectionTune](r)
		r.method(0, &ConnectionTuneOk{ChannelMax: tune.ChannelMax, FrameMax: tune.FrameMax})
		r.method(0, &ConnectionOpen{VirtualHost: "nosuch"})
	}, want: outcome{"connection", 530, "NOT_ALLOWED - vhost nosuch not found"}},
	{name: "heartbeat on a channel", run: func(r *rawClient, p string) {
		r.write([]byte{FrameHeartbeat, 0, 1, 0, 0, 0, 0, FrameEnd})
	}, want: outcome{"connection", 505, "UNEXPECTED_FRAME - type 8, all octets = <<>>"}},
	{name: "content header on channel 0", run: func(r *rawClient, p string) {
		r.content(0, &Properties{}, nil)
	}, want: outcome{"connection", 505, "UNEXPECTED_FRAME - type 2, all octets = <<0,60,0,0,0,0,0,0,0,0,0,0,0,0>>"}},
	{name: "connection method on a channel", run: func(r *rawClient, p string) {
		r.method(1, &ConnectionUpdateSecretOk{})
	}, want: outcome{"connection", 503, "COMMAND_INVALID - unimplemented method"}},
	{name: "channel.close-ok without close", run: func(r *rawClient, p string) {
		r.method(1, &ChannelCloseOk{})
	}, want: outcome{"connection", 503, "COMMAND_INVALID - unimplemented method"}},
	{name: "body larger than announced", run: func(r *rawClient, p string) {
		r.method(1, &BasicPublish{RoutingKey: "k"})
		b, _ := AppendContent(nil, 1, &Properties{}, []byte("abc"), DefaultFrameMax)
		r.write(b[:len(b)-11]) // the header frame, 3 octets announced
		r.write([]byte{FrameBody, 0, 1, 0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e', FrameEnd})
	}, want: outcome{"connection", 505, "UNEXPECTED_FRAME - expected content body, got non content body frame instead"}},
	{name: "content header of another class", run: func(r *rawClient, p string) {
		r.method(1, &BasicPublish{RoutingKey: "k"})
		r.write([]byte{FrameHeader, 0, 1, 0, 0, 0, 14, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, FrameEnd})
	}, want: outcome{"connection", 505, "UNEXPECTED_FRAME - expected content header for class 60, got one for class 50 instead"}},
	{name: "publish to amq.rabbitmq.reply-to", run: func(r *rawClient, p string) {
		r.publish(1, &BasicPublish{RoutingKey: "amq.rabbitmq.reply-to"}, &Properties{}, []byte("x"))
	}, want: outcome{"none", 0, ""}},
	{name: "unbind a missing queue", run: func(r *rawClient, p string) {
		r.method(1, &QueueUnbind{Queue: p + "noq", Exchange: "amq.direct", RoutingKey: "k"})
		expect[*QueueUnbindOk](r)
	}, want: outcome{"none", 0, ""}},
	{name: "consume from another connection's exclusive queue", run: func(r *rawClient, p string) {
		other := dialRaw(r.t, "amqp://"+r.nc.RemoteAddr().String()+"/")
		other.handshake(DefaultFrameMax, 0)
		other.open(1)
		declareQ(other, p+"exq", true)
		r.method(1, &BasicConsume{Queue: p + "exq"})
	}, want: outcome{"channel", 405, "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{p}exq' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."}},
	{name: "bind with an empty queue name and none declared", run: func(r *rawClient, p string) {
		r.method(1, &QueueBind{Queue: "", Exchange: "amq.direct", RoutingKey: "k"})
	}, want: outcome{"channel", 404, "NOT_FOUND - no previously declared queue"}},
	{name: "queue.declare amq.rabbitmq.reply-to passive", run: func(r *rawClient, p string) {
		r.method(1, &QueueDeclare{Queue: "amq.rabbitmq.reply-to", Passive: true})
		expect[*QueueDeclareOk](r)
	}, want: outcome{"none", 0, ""}},
	{name: "redeclare exclusive queue as durable", run: func(r *rawClient, p string) {
		declareQ(r, p+"q", true)
		r.method(1, &QueueDeclare{Queue: p + "q", Exclusive: true, Durable: true})
		expect[*QueueDeclareOk](r)
	}, want: outcome{"none", 0, ""}},
}
