package amqpbridge

import "github.com/switchyard/switchyard/broker"

func confirmRows() []methodRow {
	return []methodRow{{&ConfirmSelect{}, handles(confirmSelect)}}
}

// confirmSelect is confirm.select (RabbitMQ's publisher confirms): every
// later publish on the channel is numbered from 1 and acked with
// basic.ack (multiple when it covers several) once it has been routed.
// A transactional channel cannot (406).
func confirmSelect(ch *channel, _ *broker.Tx, m *ConfirmSelect) *Error {
	if ch.tx {
		return newError(PreconditionFailed, "cannot switch from tx to confirm mode")
	}
	ch.confirm = true
	if !m.NoWait {
		ch.c.send(ch.id, &ConfirmSelectOk{})
	}
	return nil
}
