package amqpbridge

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchyard/switchyard/exchange"
)

// Reply codes of AMQP 0-9-1 (spec section 1.2 "Constants", with RabbitMQ's
// use of them). Codes from 300 up are exceptions: channel exceptions close
// the channel (channel.close), connection exceptions close the connection
// (connection.close). See Error.ConnectionLevel.
const (
	ReplySuccess       = 200 // connection.close / channel.close without error
	ContentTooLarge    = 311 // channel
	NoRoute            = 312 // basic.return of a mandatory message routed nowhere
	NoConsumers        = 313 // basic.return of an immediate message
	ConnectionForced   = 320 // connection: the operator or a shutdown closed it
	InvalidPath        = 402 // connection: bad virtual host
	AccessRefused      = 403 // channel (403 on connection.start-ok is a connection error)
	NotFound           = 404 // channel
	ResourceLocked     = 405 // channel
	PreconditionFailed = 406 // channel
	FrameError         = 501 // connection: malformed frame
	SyntaxError        = 502 // connection: bad field values
	CommandInvalid     = 503 // connection: method not allowed now
	ChannelError       = 504 // connection: bad channel number or state
	UnexpectedFrame    = 505 // connection: frame not expected in this state
	ResourceError      = 506 // connection: server out of resources
	NotAllowed         = 530 // connection: forbidden by configuration or state
	NotImplemented     = 540 // connection: functionality not implemented
	InternalError      = 541 // connection: server bug
)

var replyNames = map[uint16]string{
	ReplySuccess: "OK", ContentTooLarge: "CONTENT_TOO_LARGE", NoRoute: "NO_ROUTE",
	NoConsumers: "NO_CONSUMERS", ConnectionForced: "CONNECTION_FORCED", InvalidPath: "INVALID_PATH",
	AccessRefused: "ACCESS_REFUSED", NotFound: "NOT_FOUND", ResourceLocked: "RESOURCE_LOCKED",
	PreconditionFailed: "PRECONDITION_FAILED", FrameError: "FRAME_ERROR", SyntaxError: "SYNTAX_ERROR",
	CommandInvalid: "COMMAND_INVALID", ChannelError: "CHANNEL_ERROR", UnexpectedFrame: "UNEXPECTED_FRAME",
	ResourceError: "RESOURCE_ERROR", NotAllowed: "NOT_ALLOWED", NotImplemented: "NOT_IMPLEMENTED",
	InternalError: "INTERNAL_ERROR",
}

// ReplyName returns the spec's name of a reply code ("NOT_FOUND"), or the
// number when the code is unknown.
func ReplyName(code uint16) string {
	if n, ok := replyNames[code]; ok {
		return n
	}
	return strconv.Itoa(int(code))
}

// Error is an AMQP 0-9-1 exception (spec 4.8 "Error handling"): the reply
// code, the reply text exactly as it goes on the wire in channel.close or
// connection.close (RabbitMQ's form "NOT_FOUND - no queue 'x' in vhost
// '/'"), and the class and method that caused it (0, 0 when none did).
type Error struct {
	Code     uint16
	Text     string
	ClassID  uint16
	MethodID uint16
	cause    error // the parser's reason (field and offset), if any
}

// Error returns the reply text.
func (e *Error) Error() string { return e.Text }

// Unwrap returns the underlying cause, e.g. which field of a method's
// arguments did not decode and at what offset.
func (e *Error) Unwrap() error { return e.cause }

// ConnectionLevel reports whether the spec makes e a connection exception
// (connection.close) rather than a channel exception (channel.close).
func (e *Error) ConnectionLevel() bool {
	switch e.Code {
	case ConnectionForced, InvalidPath, FrameError, SyntaxError, CommandInvalid, ChannelError,
		UnexpectedFrame, ResourceError, NotAllowed, NotImplemented, InternalError:
		return true
	}
	return false
}

// newError builds an exception whose text is "NAME - " followed by the
// formatted explanation, as RabbitMQ writes reply texts.
func newError(code uint16, format string, args ...any) *Error {
	return &Error{Code: code, Text: ReplyName(code) + " - " + fmt.Sprintf(format, args...)}
}

// on returns e attributed to method id.
func (e *Error) on(id methodID) *Error {
	e.ClassID, e.MethodID = id.class, id.method
	return e
}

// fromModel turns an error of package exchange or queue into the AMQP
// exception for method id. This is the one place where model errors get
// their reply codes; anything else is 541 INTERNAL_ERROR.
func fromModel(err error, id methodID) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var me *exchange.Error
	if errors.As(err, &me) {
		return (&Error{Code: uint16(me.Code), Text: me.Error()}).on(id)
	}
	return newError(InternalError, "%s", err.Error()).on(id)
}

// erlangBytes formats b as Erlang's ~w does: <<1,2,3>>.
func erlangBytes(b []byte) string {
	var s strings.Builder
	s.WriteString("<<")
	for i, c := range b {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteString(strconv.Itoa(int(c)))
	}
	s.WriteString(">>")
	return s.String()
}

// erlangBinary formats b as Erlang prints a binary with ~p, the way
// RabbitMQ's frame error texts show payload snippets: <<"text">> when
// printable, <<1,2,3>> otherwise.
func erlangBinary(b []byte) string {
	printable := true
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			printable = false
			break
		}
	}
	var s strings.Builder
	s.WriteString("<<")
	if printable && len(b) > 0 {
		s.WriteByte('"')
		for _, c := range b {
			if c == '"' || c == '\\' {
				s.WriteByte('\\')
			}
			s.WriteByte(c)
		}
		s.WriteByte('"')
	} else {
		for i, c := range b {
			if i > 0 {
				s.WriteByte(',')
			}
			s.WriteString(strconv.Itoa(int(c)))
		}
	}
	s.WriteString(">>")
	return s.String()
}
