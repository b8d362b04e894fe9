package broker

import (
	"math"
	"strconv"
)

// String values (https://redis.io/docs/latest/develop/data-types/strings/),
// following Redis 7.0's t_string.c.
//
// Ownership: a string Object owns its Str. APPEND, SETRANGE and INCR write
// into it in place, so code that puts one value under two keys (COPY) must
// copy the bytes. Values handed in by callers are stored without copying but
// clipped to their length (v[:len(v):len(v)]): the RESP front passes argument
// slices that its request reader cuts out of one per-command allocation, and an append to an
// unclipped slice would overwrite the bytes that follow it (another key's
// value set by the same MSET). Callers must not modify a slice after storing
// it.

// MaxStringLen is the largest string value in bytes that APPEND and SETRANGE
// may build (Redis proto-max-bulk-len, 512 MB by default).
const MaxStringLen = 512 << 20

// clipValue limits b's capacity to its length, so that appending to it copies.
func clipValue(b []byte) []byte { return b[:len(b):len(b)] }

// ExpireUnit says how an expire argument of SET or GETEX is read.
type ExpireUnit uint8

// Expire units, named after the SET/GETEX options.
const (
	ExpireNone ExpireUnit = iota // no expire option
	ExpireEX                     // seconds from now
	ExpirePX                     // milliseconds from now
	ExpireEXAT                   // absolute Unix time in seconds
	ExpirePXAT                   // absolute Unix time in milliseconds
)

// Expire is an expire option as given to SET and GETEX: the unit and the
// argument as sent, not yet parsed, because Redis validates it at a precise
// point of each command (SET: before anything else; GETEX: after the lookup).
type Expire struct {
	Unit ExpireUnit
	Arg  []byte
}

// Deadline returns the absolute expiry in Unix milliseconds, as Redis's
// getExpireMillisecondsOrReply computes it. Errors: ErrNotInteger when Arg is
// not an integer; ErrInvalidExpire when it is not positive, or when the
// conversion to milliseconds or the addition of nowMs overflows.
func (e Expire) Deadline(nowMs int64) (int64, error) {
	n, ok := ParseInt(e.Arg)
	if !ok {
		return 0, ErrNotInteger
	}
	seconds := e.Unit == ExpireEX || e.Unit == ExpireEXAT
	if n <= 0 || (seconds && n > math.MaxInt64/1000) {
		return 0, ErrInvalidExpire
	}
	if seconds {
		n *= 1000
	}
	if e.Unit == ExpireEX || e.Unit == ExpirePX {
		n += nowMs // wraps on overflow, caught below as in Redis
	}
	if n <= 0 {
		return 0, ErrInvalidExpire
	}
	return n, nil
}

// lookupString returns the live string at key without counting a keyspace
// hit or miss (Redis lookupKeyWrite), nil if missing, ErrWrongType if the key
// holds another kind.
func (db *DB) lookupString(key string) (*Object, error) {
	o := db.Lookup(key)
	if o != nil && o.Kind != KindString {
		return nil, ErrWrongType
	}
	return o, nil
}

// GetString returns the string at key (GET). ok is false when the key is
// missing; ErrWrongType when it holds another kind. Counts a keyspace hit or
// miss.
func (db *DB) GetString(key string) (val []byte, ok bool, err error) {
	o, err := db.LookupKind(key, KindString)
	if err != nil || o == nil {
		return nil, false, err
	}
	return o.Str, true, nil
}

// MGet calls fn for each key in order with its string value (MGET); ok is
// false for a missing key and for a key of another kind.
func (db *DB) MGet(keys [][]byte, fn func(val []byte, ok bool)) {
	for _, k := range keys {
		o := db.LookupRead(string(k))
		if o == nil || o.Kind != KindString {
			fn(nil, false)
			continue
		}
		fn(o.Str, true)
	}
}

// SetOptions are the options of SET.
type SetOptions struct {
	NX, XX  bool   // set only if the key does not / does already exist
	Get     bool   // return the old value; a non-string key is ErrWrongType
	KeepTTL bool   // keep the key's TTL (default: drop it)
	Expire  Expire // an expire option, or Unit ExpireNone
}

// SetResult is the outcome of SetString.
type SetResult struct {
	// Written is false when NX or XX prevented the write.
	Written bool
	// Old and OldFound give the previous value when SetOptions.Get is set.
	Old      []byte
	OldFound bool
}

// SetString stores val at key as SET does (t_string.c setGenericCommand): it
// validates the expire option first (ErrNotInteger, ErrInvalidExpire), then
// with Get reads the old value (ErrWrongType if it is not a string), then
// applies NX/XX, replaces any value of any kind, drops the TTL unless
// KeepTTL, and sets the new expiry. An absolute expiry already in the past
// deletes the key at once.
func (db *DB) SetString(key string, val []byte, opt SetOptions) (SetResult, error) {
	var res SetResult
	var at int64
	if opt.Expire.Unit != ExpireNone {
		var err error
		if at, err = opt.Expire.Deadline(db.nowMs()); err != nil {
			return res, err
		}
	}
	if opt.Get {
		old, ok, err := db.GetString(key)
		if err != nil {
			return res, err
		}
		res.Old, res.OldFound = old, ok
	}
	found := db.Lookup(key) != nil
	if (opt.NX && found) || (opt.XX && !found) {
		return res, nil
	}
	o := NewString(clipValue(val))
	db.Set(key, o, opt.KeepTTL)
	if at != 0 {
		db.SetExpire(key, o, at)
	}
	res.Written = true
	return res, nil
}

// MSet stores pairs of key and value (kv alternates key, value; an even
// length is the caller's job) as MSET does, dropping their TTLs; later pairs
// win. With nx (MSETNX) nothing is written if any key exists, and the result
// is false.
func (db *DB) MSet(kv [][]byte, nx bool) bool {
	if nx {
		for i := 0; i < len(kv); i += 2 {
			if db.Lookup(string(kv[i])) != nil {
				return false
			}
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		db.Set(string(kv[i]), NewString(clipValue(kv[i+1])), false)
	}
	return true
}

// GetSet stores val at key, dropping its TTL, and returns the old value
// (GETSET). ErrWrongType, with nothing written, when key holds another kind.
func (db *DB) GetSet(key string, val []byte) (old []byte, found bool, err error) {
	old, found, err = db.GetString(key)
	if err != nil {
		return nil, false, err
	}
	db.Set(key, NewString(clipValue(val)), false)
	return old, found, nil
}

// GetDel returns the string at key and deletes the key (GETDEL).
// ErrWrongType, with nothing deleted, when key holds another kind.
func (db *DB) GetDel(key string) (val []byte, found bool, err error) {
	val, found, err = db.GetString(key)
	if err != nil || !found {
		return nil, false, err
	}
	db.Delete(key)
	return val, true, nil
}

// GetExOptions are the options of GETEX: at most one of an expire option
// and Persist.
type GetExOptions struct {
	Expire  Expire
	Persist bool
}

// GetEx returns the string at key and changes its TTL as GETEX does: a
// missing key is (nil, false, nil) before the expire option is even parsed;
// then ErrWrongType; then ErrNotInteger or ErrInvalidExpire for a bad
// expire option. An EXAT/PXAT time already past deletes the key (the value
// is still returned). Persist removes the TTL. Without options nothing is
// modified.
func (db *DB) GetEx(key string, opt GetExOptions) (val []byte, found bool, err error) {
	o, err := db.LookupKind(key, KindString)
	if err != nil || o == nil {
		return nil, false, err
	}
	switch {
	case opt.Expire.Unit != ExpireNone:
		at, err := opt.Expire.Deadline(db.nowMs())
		if err != nil {
			return nil, false, err
		}
		db.SetExpire(key, o, at) // a time in the past deletes the key
	case opt.Persist && o.expireAt != 0:
		db.SetExpire(key, o, 0)
	}
	return o.Str, true, nil
}

// IncrBy adds delta to the integer stored at key (INCR, DECR, INCRBY,
// DECRBY), a missing key counting as 0, and returns the new value. The TTL
// is kept. Errors: ErrWrongType; ErrNotInteger when the value is not a
// 64-bit integer in Redis's strict form (ParseInt); ErrOverflow.
func (db *DB) IncrBy(key string, delta int64) (int64, error) {
	o, err := db.lookupString(key)
	if err != nil {
		return 0, err
	}
	var v int64
	if o != nil {
		var ok bool
		if v, ok = ParseInt(o.Str); !ok {
			return 0, ErrNotInteger
		}
	}
	if (delta < 0 && v < 0 && delta < math.MinInt64-v) ||
		(delta > 0 && v > 0 && delta > math.MaxInt64-v) {
		return 0, ErrOverflow
	}
	v += delta
	if o == nil {
		db.Add(key, NewString(strconv.AppendInt(make([]byte, 0, 20), v, 10)))
		return v, nil
	}
	// The object owns Str: reuse its buffer when it is large enough.
	buf := o.Str[:0]
	if cap(buf) < 20 {
		buf = make([]byte, 0, 20)
	}
	o.Str = strconv.AppendInt(buf, v, 10)
	db.Touch(key)
	return v, nil
}

// IncrByFloat adds the float incr to the number stored at key
// (INCRBYFLOAT), a missing key counting as 0, and returns the new value as
// stored. Both are read and added as an x86-64 long double and the result
// is written as Redis does, "%.17Lf" without trailing zeros (see
// ParseLongDouble and FormatLongDouble). The TTL is kept. Errors:
// ErrWrongType; ErrNotFloat when the value or incr is not a float;
// ErrIncrNaNInf when the sum is infinite.
func (db *DB) IncrByFloat(key string, incr []byte) ([]byte, error) {
	o, err := db.lookupString(key)
	if err != nil {
		return nil, err
	}
	v := LongDouble{}
	if o != nil {
		var ok bool
		if v, ok = ParseLongDouble(o.Str); !ok {
			return nil, ErrNotFloat
		}
	}
	d, ok := ParseLongDouble(incr)
	if !ok {
		return nil, ErrNotFloat
	}
	sum, ok := v.Add(d)
	if !ok {
		return nil, ErrIncrNaNInf
	}
	s := sum.AppendFormat(nil)
	if o == nil {
		db.Add(key, NewString(s))
	} else {
		o.Str = s
		db.Touch(key)
	}
	return s, nil
}

// Append appends val to the string at key, creating it if missing, and
// returns the new length (APPEND). The TTL is kept. Errors: ErrWrongType;
// ErrStringTooLong past MaxStringLen.
func (db *DB) Append(key string, val []byte) (int, error) {
	o, err := db.lookupString(key)
	if err != nil {
		return 0, err
	}
	if o == nil {
		db.Add(key, NewString(clipValue(val)))
		return len(val), nil
	}
	if len(o.Str)+len(val) > MaxStringLen {
		return 0, ErrStringTooLong
	}
	o.Str = append(o.Str, val...)
	db.Touch(key)
	return len(o.Str), nil
}

// StrLen returns the length of the string at key, 0 when missing (STRLEN).
// ErrWrongType when key holds another kind.
func (db *DB) StrLen(key string) (int, error) {
	v, _, err := db.GetString(key)
	return len(v), err
}

// GetRange returns the bytes of the string at key from start to end
// inclusive (GETRANGE, SUBSTR). Negative indexes count from the end; the
// range is clipped to the string, and a missing key or an empty range gives
// an empty slice. ErrWrongType when key holds another kind.
func (db *DB) GetRange(key string, start, end int64) ([]byte, error) {
	v, _, err := db.GetString(key)
	if err != nil {
		return nil, err
	}
	n := int64(len(v))
	if start < 0 && end < 0 && start > end {
		return nil, nil
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	end = max(end, 0)
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		return nil, nil
	}
	return v[start : end+1], nil
}

// SetRange overwrites the string at key from offset with val, padding with
// zero bytes, and returns the new length (SETRANGE). A missing key is
// created unless val is empty (then the result is 0 and nothing is
// written). The TTL is kept. Errors: ErrOffsetOutOfRange for a negative
// offset, ErrWrongType, ErrStringTooLong when offset+len(val) passes
// MaxStringLen.
func (db *DB) SetRange(key string, offset int64, val []byte) (int, error) {
	if offset < 0 {
		return 0, ErrOffsetOutOfRange
	}
	o, err := db.lookupString(key)
	if err != nil {
		return 0, err
	}
	if len(val) == 0 {
		if o == nil {
			return 0, nil
		}
		return len(o.Str), nil
	}
	if offset > MaxStringLen-int64(len(val)) {
		return 0, ErrStringTooLong
	}
	end := int(offset) + len(val)
	if o == nil {
		buf := make([]byte, end)
		copy(buf[offset:], val)
		db.Add(key, NewString(buf))
		return end, nil
	}
	if end > len(o.Str) {
		if end > cap(o.Str) {
			buf := make([]byte, end, max(end, 2*len(o.Str)))
			copy(buf, o.Str)
			o.Str = buf
		} else {
			old := len(o.Str)
			o.Str = o.Str[:end]
			clear(o.Str[old:])
		}
	}
	copy(o.Str[offset:], val)
	db.Touch(key)
	return len(o.Str), nil
}

// ParseInt parses b as a 64-bit integer with Redis's string2ll rules, which
// every integer argument and INCR's stored value follow: an optional '-',
// then digits with no leading zero (only "0" itself), no '+', no spaces, at
// most 20 bytes, within int64. "-0" is rejected.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) >= 21 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1)/10 || v*10 > 1<<64-1-d {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true // -(1<<63) wraps to itself, which is right
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}
