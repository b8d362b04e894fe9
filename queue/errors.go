package queue

import (
	"fmt"

	"github.com/switchyard/switchyard/exchange"
)

// Error is the messaging model's error: an AMQP 0-9-1 reply code, its name
// and RabbitMQ's text (spec 1.2 "Constants"). It is exchange.Error, so a
// front handles errors from both packages in one place; Error() is the full
// RabbitMQ text, e.g. "NOT_FOUND - no queue 'x' in vhost '/'".
type Error = exchange.Error

// Sentinels for errors.Is (matched by reply code).
var (
	ErrNotFound       = exchange.ErrNotFound
	ErrAccessRefused  = exchange.ErrAccessRefused
	ErrPrecondition   = exchange.ErrPrecondition
	ErrResourceLocked = &Error{Code: 405, Name: "RESOURCE_LOCKED"}
	ErrNoRoute        = &Error{Code: 312, Name: "NO_ROUTE"}
	ErrNotAllowed     = &Error{Code: 530, Name: "NOT_ALLOWED"}
)

func newErr(kind *Error, format string, args ...any) error {
	return &Error{Code: kind.Code, Name: kind.Name, Text: fmt.Sprintf(format, args...)}
}

func errNoQueue(name string) error {
	return newErr(ErrNotFound, "no queue '%s' in vhost '/'", name)
}

func errLocked(name string) error {
	return newErr(ErrResourceLocked, "cannot obtain exclusive access to locked queue '%s' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.", name)
}

func errInequivalent(arg, name string, got, cur any) error {
	return newErr(ErrPrecondition, "inequivalent arg '%s' for queue '%s' in vhost '/': received '%v' but current is '%v'", arg, name, got, cur)
}

func errUnknownTag(tag uint64) error {
	return newErr(ErrPrecondition, "unknown delivery tag %d", tag)
}
