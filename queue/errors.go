package queue

import "fmt"

// Error is a messaging-model error with its AMQP 0-9-1 reply code (spec
// 1.2 "Constants"; texts as RabbitMQ 3.x writes them). Error() is the full
// RabbitMQ text, for example "NOT_FOUND - no queue 'x' in vhost '/'".
type Error struct {
	Code int    // AMQP reply code: 404, 405, 406, 403, 312 ...
	Text string // e.g. "NOT_FOUND - no queue 'x' in vhost '/'"
}

func (e *Error) Error() string { return e.Text }

// AMQPCode returns the reply code.
func (e *Error) AMQPCode() int { return e.Code }

// Is matches errors of the same code, so errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Text == "" && t.Code == e.Code
}

// Sentinels for errors.Is; the errors returned carry full texts.
var (
	ErrNotFound       = &Error{Code: 404}
	ErrResourceLocked = &Error{Code: 405}
	ErrPrecondition   = &Error{Code: 406}
	ErrAccessRefused  = &Error{Code: 403}
	ErrNoRoute        = &Error{Code: 312}
)

func errNoQueue(name string) error {
	return &Error{404, fmt.Sprintf("NOT_FOUND - no queue '%s' in vhost '/'", name)}
}

func errLocked(name string) error {
	return &Error{405, fmt.Sprintf("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '%s' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.", name)}
}

func errInequivalent(arg, name string, got, cur any) error {
	return &Error{406, fmt.Sprintf("PRECONDITION_FAILED - inequivalent arg '%s' for queue '%s' in vhost '/': received '%v' but current is '%v'", arg, name, got, cur)}
}

func errUnknownTag(tag uint64) error {
	return &Error{406, fmt.Sprintf("PRECONDITION_FAILED - unknown delivery tag %d", tag)}
}
