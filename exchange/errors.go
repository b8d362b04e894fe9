package exchange

import "fmt"

// VHost is the one virtual host Switchyard serves. Error texts name it the
// way RabbitMQ does ("exchange 'x' in vhost '/'").
const VHost = "/"

// Error is an AMQP 0-9-1 channel or connection exception: a reply code, its
// reply-code name and RabbitMQ's explanation. Error() returns the reply text
// exactly as RabbitMQ puts it in channel.close, e.g.
// "NOT_FOUND - no exchange 'x' in vhost '/'".
//
// Every *Error matches, under errors.Is, the sentinel with the same Code
// (ErrNotFound, ErrAccessRefused, ErrPrecondition, ErrCommandInvalid), so
// callers test the kind with errors.Is and read Code and Text with errors.As.
type Error struct {
	Code int    // AMQP reply code: 403, 404, 406, 503
	Name string // reply-code name: "ACCESS_REFUSED", "NOT_FOUND", ...
	Text string // RabbitMQ's explanation, without the name prefix
}

// Error returns the AMQP reply text: "NAME - explanation", or just the name
// for a sentinel.
func (e *Error) Error() string {
	if e.Text == "" {
		return e.Name
	}
	return e.Name + " - " + e.Text
}

// Is reports whether target is the sentinel for e's reply code (a sentinel
// has no Text), or an Error equal to e.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t.Code != e.Code {
		return false
	}
	return t.Text == "" || t.Text == e.Text
}

// ConnectionLevel reports whether the AMQP spec makes this code a connection
// exception (connection.close) rather than a channel exception
// (channel.close). Of the codes this package returns only 503
// COMMAND_INVALID is one.
func (e *Error) ConnectionLevel() bool {
	switch e.Code {
	case 320, 402, 501, 502, 503, 504, 530, 540, 541:
		return true
	}
	return false
}

// Sentinels, one per AMQP reply code this package returns. Match them with
// errors.Is; the errors actually returned are *Error values carrying
// RabbitMQ's text.
var (
	// ErrAccessRefused (403): reserved "amq." names, the default exchange,
	// deleting a system exchange, publishing to an internal exchange.
	ErrAccessRefused = &Error{Code: 403, Name: "ACCESS_REFUSED"}
	// ErrNotFound (404): no such exchange.
	ErrNotFound = &Error{Code: 404, Name: "NOT_FOUND"}
	// ErrPrecondition (406): inequivalent redeclaration, exchange in use,
	// invalid arguments (x-match, alternate-exchange type).
	ErrPrecondition = &Error{Code: 406, Name: "PRECONDITION_FAILED"}
	// ErrCommandInvalid (503, a connection exception): unknown exchange type.
	ErrCommandInvalid = &Error{Code: 503, Name: "COMMAND_INVALID"}
)

func newErr(kind *Error, format string, args ...any) *Error {
	return &Error{Code: kind.Code, Name: kind.Name, Text: fmt.Sprintf(format, args...)}
}

// rs formats a resource as rabbit_misc:rs/1 does: "exchange 'x' in vhost '/'".
func rs(name string) string {
	return "exchange '" + name + "' in vhost '" + VHost + "'"
}

func errNoExchange(name string) *Error {
	return newErr(ErrNotFound, "no %s", rs(name))
}

func errDefaultExchange() *Error {
	return newErr(ErrAccessRefused, "operation not permitted on the default exchange")
}
