package broker

import "errors"

// Sentinel errors returned by engine operations. Their texts are Redis's
// error messages without the error code; fronts add the code (ERR,
// WRONGTYPE, ...) in one place.
var (
	// ErrWrongType: the key holds a value of another type (Redis: WRONGTYPE).
	ErrWrongType = errors.New("Operation against a key holding the wrong kind of value")
	// ErrNotInteger: a value or argument is not a 64-bit integer.
	ErrNotInteger = errors.New("value is not an integer or out of range")
	// ErrNotFloat: a value or argument is not a valid float.
	ErrNotFloat = errors.New("value is not a valid float")
	// ErrOverflow: INCR and friends would overflow int64.
	ErrOverflow = errors.New("increment or decrement would overflow")
	// ErrIncrNaNInf: INCRBYFLOAT would produce NaN or Infinity.
	ErrIncrNaNInf = errors.New("increment would produce NaN or Infinity")
	// ErrNoSuchKey: RENAME, LSET and friends on a missing key.
	ErrNoSuchKey = errors.New("no such key")
	// ErrIndexOutOfRange: LSET beyond the list.
	ErrIndexOutOfRange = errors.New("index out of range")
	// ErrSyntax: a malformed option list.
	ErrSyntax = errors.New("syntax error")
	// ErrStringTooLong: SETRANGE/APPEND beyond 512 MB (proto-max-bulk-len).
	ErrStringTooLong = errors.New("string exceeds maximum allowed size (proto-max-bulk-len)")
	// ErrSameObject: MOVE to the same database.
	ErrSameObject = errors.New("source and destination objects are the same")
	// ErrInvalidExpire: an expire time that is not positive or overflows
	// (SET, SETEX, PSETEX, GETEX, EXPIRE...). Fronts write it as Redis does,
	// naming the command: "invalid expire time in 'set' command".
	ErrInvalidExpire = errors.New("invalid expire time")
	// ErrOffsetOutOfRange: SETRANGE with a negative offset.
	ErrOffsetOutOfRange = errors.New("offset is out of range")
	// ErrDBIndex: a database index outside 0..15.
	ErrDBIndex = errors.New("DB index is out of range")
)
