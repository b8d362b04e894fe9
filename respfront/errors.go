package respfront

import (
	"errors"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/exchange"
)

// errorText turns an error from the engine, the exchanges or the queues
// into the RESP error text clients match on. This is the one place where
// error codes are chosen.
func errorText(err error) string {
	switch {
	case errors.Is(err, broker.ErrWrongType):
		return "WRONGTYPE " + broker.ErrWrongType.Error()
	}
	var ae *exchange.Error
	if errors.As(err, &ae) {
		// The messaging model's errors carry RabbitMQ's text, which starts
		// with the reply name (NOT_FOUND, RESOURCE_LOCKED, ...): that name
		// is the RESP error code.
		return ae.Error()
	}
	if ce, ok := err.(codedError); ok {
		return ce.Code() + " " + err.Error()
	}
	return "ERR " + err.Error()
}

// codedError is an error that names its own RESP error code (for example
// the broker's NOT_FOUND or RESOURCE_LOCKED).
type codedError interface {
	error
	Code() string
}
