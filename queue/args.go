package queue

import (
	"fmt"
	"strconv"
	"time"
)

// Queue arguments (RabbitMQ 3.10, https://www.rabbitmq.com/queues.html#optional-arguments)
// are validated at declaration as rabbit_amqqueue:declare_args/0 does, in
// its order, and refused with 406 PRECONDITION_FAILED and RabbitMQ's text:
//
//	invalid arg 'x-max-length' for queue 'q' in vhost '/': {value_negative,-1}

// overflow is the x-overflow policy of a queue at its max length.
type overflow uint8

const (
	overflowDropHead         overflow = iota // drop (dead-letter) the oldest ready message
	overflowRejectPublish                    // refuse the publish (confirm nack)
	overflowRejectPublishDLX                 // refuse and dead-letter the refused message
)

// maxExpiry is the largest x-expires and x-message-ttl RabbitMQ accepts
// (rabbit_misc:check_expiry, ten years in ms).
const maxExpiry = 315360000000

// maxPriority is the largest x-max-priority (RabbitMQ's
// ?MAX_SUPPORTED_PRIORITY).
const maxPriority = 255

// queueArgs are the parsed x-arguments a queue honours.
type queueArgs struct {
	messageTTL     int64 // x-message-ttl in ms; -1 when unset
	expires        int64 // x-expires in ms; -1 when unset
	maxLength      int64 // x-max-length in ready messages; -1 when unset
	maxLengthBytes int64 // x-max-length-bytes in ready body bytes; -1 when unset
	overflow       overflow
	dlx            string // x-dead-letter-exchange
	hasDLX         bool
	dlrk           string // x-dead-letter-routing-key
	hasDLRK        bool
	maxPriority    int  // x-max-priority; 0: not a priority queue
	singleActive   bool // x-single-active-consumer
}

// noArgs are the arguments of a queue declared without any.
var noArgs = queueArgs{messageTTL: -1, expires: -1, maxLength: -1, maxLengthBytes: -1}

// limited reports whether the queue has a max length in messages or bytes.
func (a *queueArgs) limited() bool { return a.maxLength >= 0 || a.maxLengthBytes >= 0 }

// amqpType names v's AMQP field type as RabbitMQ's errors do.
func amqpType(v any) string {
	switch v.(type) {
	case int8:
		return "byte"
	case uint8:
		return "unsignedbyte"
	case int16:
		return "short"
	case uint16:
		return "unsignedshort"
	case int32:
		return "signedint"
	case uint32:
		return "unsignedint"
	case int, int64, uint, uint64:
		return "long"
	case float32:
		return "float"
	case float64:
		return "double"
	case string:
		return "longstr"
	case []byte:
		return "binary"
	case bool:
		return "bool"
	case nil:
		return "void"
	case Table:
		return "table"
	case []any:
		return "array"
	case Decimal:
		return "decimal"
	case time.Time:
		return "timestamp"
	}
	return "void"
}

// intArg is rabbit_amqqueue:check_int_arg: an integer of any AMQP integer
// type, else the reason "expected integer, got <type>".
func intArg(v any) (int64, string) {
	switch v.(type) {
	case int8, uint8, int16, uint16, int32, uint32, int, int64, uint64:
		n, _ := toInt64(v)
		return n, ""
	}
	return 0, strconv.Quote("expected integer, got " + amqpType(v))
}

func nonNegIntArg(v any) (int64, string) {
	n, reason := intArg(v)
	if reason == "" && n < 0 {
		reason = fmt.Sprintf("{value_negative,%d}", n)
	}
	return n, reason
}

func expiryArg(v any) (int64, string) {
	n, reason := nonNegIntArg(v)
	if reason == "" && n > maxExpiry {
		reason = fmt.Sprintf("{value_too_large,%d}", n)
	}
	return n, reason
}

func strArg(v any) (string, string) {
	switch s := v.(type) {
	case string:
		return s, ""
	case []byte:
		return string(s), ""
	}
	return "", "{unacceptable_type," + amqpType(v) + "}"
}

// parseQueueArgs validates the x-arguments of a queue named name. Unknown
// arguments are kept (and compared on redeclaration) without effect, as in
// RabbitMQ.
func parseQueueArgs(name string, t Table) (queueArgs, error) {
	a := noArgs
	invalid := func(key, reason string) error {
		return newErr(ErrPrecondition, "invalid arg '%s' for queue '%s' in vhost '/': %s", key, name, reason)
	}
	if v, ok := t["x-expires"]; ok {
		n, reason := intArg(v)
		switch {
		case reason != "":
		case n == 0:
			reason = "{value_zero,0}"
		default:
			n, reason = expiryArg(v)
		}
		if reason != "" {
			return a, invalid("x-expires", reason)
		}
		a.expires = n
	}
	if v, ok := t["x-message-ttl"]; ok {
		n, reason := expiryArg(v)
		if reason != "" {
			return a, invalid("x-message-ttl", reason)
		}
		a.messageTTL = n
	}
	if v, ok := t["x-dead-letter-exchange"]; ok {
		s, reason := strArg(v)
		if reason != "" {
			return a, newErr(ErrPrecondition, "invalid type '%s' for arg 'x-dead-letter-exchange' in queue '%s' in vhost '/'", amqpType(v), name)
		}
		a.dlx, a.hasDLX = s, true
	}
	if v, ok := t["x-dead-letter-routing-key"]; ok {
		s, reason := strArg(v)
		if reason == "" && !a.hasDLX {
			reason = "routing_key_but_no_dlx_defined"
		}
		if reason != "" {
			return a, invalid("x-dead-letter-routing-key", reason)
		}
		a.dlrk, a.hasDLRK = s, true
	}
	for _, k := range []string{"x-max-length", "x-max-length-bytes"} {
		if v, ok := t[k]; ok {
			n, reason := nonNegIntArg(v)
			if reason != "" {
				return a, invalid(k, reason)
			}
			if k == "x-max-length" {
				a.maxLength = n
			} else {
				a.maxLengthBytes = n
			}
		}
	}
	if v, ok := t["x-max-priority"]; ok {
		n, reason := nonNegIntArg(v)
		if reason == "" && n > maxPriority {
			reason = fmt.Sprintf("{max_value_exceeded,%d}", n)
		}
		if reason != "" {
			return a, invalid("x-max-priority", reason)
		}
		a.maxPriority = int(n)
	}
	if v, ok := t["x-overflow"]; ok {
		s, reason := strArg(v)
		if reason == "" {
			switch s {
			case "drop-head":
				a.overflow = overflowDropHead
			case "reject-publish":
				a.overflow = overflowRejectPublish
			case "reject-publish-dlx":
				a.overflow = overflowRejectPublishDLX
			default:
				reason = "invalid_overflow"
			}
		}
		if reason != "" {
			return a, invalid("x-overflow", reason)
		}
	}
	if v, ok := t["x-single-active-consumer"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return a, invalid("x-single-active-consumer", "{unacceptable_type,"+amqpType(v)+"}")
		}
		a.singleActive = b
	}
	return a, nil
}
