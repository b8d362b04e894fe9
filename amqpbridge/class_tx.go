package amqpbridge

import (
	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/queue"
)

func txRows() []methodRow {
	return []methodRow{
		{&TxSelect{}, handles(txSelect)},
		{&TxCommit{}, handles(txCommit)},
		{&TxRollback{}, handles(txRollback)},
	}
}

// opKind is what a transaction records.
type opKind uint8

const (
	opPublish opKind = iota
	opAck
	opNack
	opReject
)

// txOp is a publish or a settlement held by a transaction until tx.commit.
type txOp struct {
	kind      opKind
	publish   *queue.Message // opPublish: the message, body copied
	mandatory bool
	tag       uint64
	multiple  bool
	requeue   bool
	method    methodID
}

// txSelect is tx.select (spec 1.9.2.1): from now on the channel's publishes
// and acks wait for tx.commit. A confirm-mode channel cannot (406).
func txSelect(ch *channel, _ *broker.Tx, _ *TxSelect) *Error {
	if ch.confirm {
		return newError(PreconditionFailed, "cannot switch from confirm to tx mode")
	}
	ch.tx = true
	ch.c.send(ch.id, &TxSelectOk{})
	return nil
}

// txCommit is tx.commit (spec 1.9.2.3): the recorded publishes and
// settlements are applied in order, inside the engine lock the batch holds,
// so other clients see all of them or none. An unknown delivery tag fails
// the commit with 406, closing the channel.
func txCommit(ch *channel, tx *broker.Tx, _ *TxCommit) *Error {
	if !ch.tx {
		return newError(PreconditionFailed, "channel is not transactional")
	}
	ops := ch.txOps
	ch.txOps = nil
	for _, op := range ops {
		var err *Error
		if op.kind == opPublish {
			err = ch.route(tx, op.publish, op.mandatory)
		} else {
			err = ch.applySettle(tx, op)
		}
		if err != nil {
			return err
		}
	}
	ch.c.send(ch.id, &TxCommitOk{})
	return nil
}

// txRollback is tx.rollback (spec 1.9.2.5): the recorded operations are
// dropped; deliveries whose acks are dropped stay unacked.
func txRollback(ch *channel, _ *broker.Tx, _ *TxRollback) *Error {
	if !ch.tx {
		return newError(PreconditionFailed, "channel is not transactional")
	}
	ch.txOps = nil
	ch.c.send(ch.id, &TxRollbackOk{})
	return nil
}
