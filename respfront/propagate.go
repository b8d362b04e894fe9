package respfront

import (
	"strconv"

	"github.com/switchyard/switchyard/broker"
)

// Propagation: after a write command that changed the dataset, the
// dispatcher hands the command to the AOF (Tx.Propagate), in the form that
// reproduces the change on replay (Redis's propagate() after call()).
// Commands whose effect depends on the time or on chance are rewritten to a
// deterministic form by the rules below; a handler can also call
// Ctx.Propagate itself to choose the form (then nothing else is logged).

// Propagate records args as the command that reproduces what the handler
// changed, instead of the command as sent. It may be called several times.
func (x *Ctx) Propagate(args ...[]byte) {
	x.propagated = true
	x.Tx.Propagate(x.Conn.db, args...)
}

// propagateAfter logs the command x just ran if it changed the dataset.
func (x *Ctx) propagateAfter(dirtyBefore int64) {
	if x.propagated || x.Cmd.Flags&Write == 0 || x.Cmd.Flags&SelfPropagate != 0 ||
		x.Tx.Dirty() == dirtyBefore || !x.Tx.Propagating() {
		return
	}
	if rule, ok := propagationRules[x.Cmd.Name]; ok {
		rule(x)
		return
	}
	x.Tx.Propagate(x.Conn.db, x.Args...)
}

// propagationRules rewrite commands whose replay would not reproduce their
// effect: relative expiry times become absolute (PEXPIREAT, SET ... PXAT),
// floating point increments become the resulting value.
var propagationRules = map[string]func(x *Ctx){
	"expire":      propagateExpiry,
	"pexpire":     propagateExpiry,
	"expireat":    propagateExpiry,
	"pexpireat":   propagateExpiry,
	"getex":       propagateExpiry,
	"set":         propagateStringValue,
	"setex":       propagateStringValue,
	"psetex":      propagateStringValue,
	"incrbyfloat": propagateStringValue,
}

// propagateExpiry logs the key's resulting TTL: PEXPIREAT key ms, PERSIST
// key, or DEL key when the command deleted it.
func propagateExpiry(x *Ctx) {
	key := x.Args[1]
	o := x.DB.Lookup(string(key))
	switch {
	case o == nil:
		x.Tx.Propagate(x.Conn.db, []byte("DEL"), key)
	case o.ExpireAt() != 0:
		x.Tx.Propagate(x.Conn.db, []byte("PEXPIREAT"), key, []byte(strconv.FormatInt(o.ExpireAt(), 10)))
	default:
		x.Tx.Propagate(x.Conn.db, []byte("PERSIST"), key)
	}
}

// propagateStringValue logs the key's resulting string value and absolute
// expiry: SET key value [PXAT ms], or DEL key.
func propagateStringValue(x *Ctx) {
	key := x.Args[1]
	o := x.DB.Lookup(string(key))
	if o == nil || o.Kind != broker.KindString {
		x.Tx.Propagate(x.Conn.db, []byte("DEL"), key)
		return
	}
	if at := o.ExpireAt(); at != 0 {
		x.Tx.Propagate(x.Conn.db, []byte("SET"), key, o.Str, []byte("PXAT"), []byte(strconv.FormatInt(at, 10)))
		return
	}
	x.Tx.Propagate(x.Conn.db, []byte("SET"), key, o.Str)
}
