package natsbridge

import "errors"

// The -ERR texts, exactly as nats-server 2.9 sends them (checked against
// /usr/sbin/nats-server by TestDifferential). Clients match on them:
// nats.go lower-cases the text and compares it with its own constants
// ("stale connection", "authorization violation", ...).
const (
	errTextUnknownOp       = "Unknown Protocol Operation"
	errTextMaxPayload      = "Maximum Payload Violation"
	errTextMaxControlLine  = "maximum control line exceeded"
	errTextAuthViolation   = "Authorization Violation"
	errTextAuthTimeout     = "Authentication Timeout"
	errTextInvalidSubject  = "Invalid Subject"
	errTextInvalidPubSubj  = "Invalid Publish Subject"
	errTextSlowConsumer    = "Slow Consumer"
	errTextStale           = "Stale Connection"
	errTextNoRespNeedsHdrs = "no responders requires headers support"
	errTextBadProtocol     = "invalid client protocol"
	errTextMaxConns        = "maximum connections exceeded"
)

// errLine returns the protocol line of an -ERR.
func errLine(text string) []byte { return []byte("-ERR '" + text + "'\r\n") }

// errClose is returned by a handler to close the connection after what it
// queued (an -ERR, or nothing) is written.
var errClose = errors.New("natsbridge: closing connection")

// wireError returns the -ERR text a parser error is answered with, or ""
// for the violations nats-server answers by closing silently (malformed
// arguments, HPUB without headers, a client's own -ERR).
func wireError(err error) string {
	switch {
	case errors.Is(err, ErrUnknownOp):
		return errTextUnknownOp
	case errors.Is(err, ErrMaxPayload):
		return errTextMaxPayload
	case errors.Is(err, ErrMaxControlLine):
		return errTextMaxControlLine
	case errors.Is(err, ErrAuthRequired):
		return errTextAuthViolation
	}
	return ""
}
