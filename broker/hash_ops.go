package broker

import (
	"errors"
	"math"
	"strconv"
)

// Hash operations (https://redis.io/docs/latest/commands/?group=hash), as
// Redis 7.0 implements them in t_hash.c. Reads go through LookupHash and the
// Hash's read methods; every write is a DB method so that an emptied hash is
// deleted and every change is signalled for WATCH.

// Errors of the hash family (texts without the ERR code).
var (
	// ErrHashNotInteger: HINCRBY on a field whose value is not an integer.
	ErrHashNotInteger = errors.New("hash value is not an integer")
	// ErrHashNotFloat: HINCRBYFLOAT on a field whose value is not a float.
	ErrHashNotFloat = errors.New("hash value is not a float")
	// ErrNaNOrInfinity: HINCRBYFLOAT with an infinite increment.
	ErrNaNOrInfinity = errors.New("value is NaN or Infinity")
)

// NewHashObject returns an empty hash object.
func NewHashObject() *Object { return &Object{Kind: KindHash, Hash: NewHash()} }

// LookupHash returns the hash at key for reading, nil when the key is
// missing, ErrWrongType when it holds another kind. It counts a keyspace
// hit or miss (Redis lookupKeyRead).
func (db *DB) LookupHash(key string) (*Hash, error) {
	o, err := db.LookupKind(key, KindHash)
	if err != nil || o == nil {
		return nil, err
	}
	return o.Hash, nil
}

// hashWrite returns the hash object at key for a write command without
// counting hits (Redis lookupKeyWrite): nil when missing, ErrWrongType when
// the key holds another kind.
func (db *DB) hashWrite(key string) (*Object, error) {
	o := db.Lookup(key)
	if o != nil && o.Kind != KindHash {
		return nil, ErrWrongType
	}
	return o, nil
}

// hashWriteOrNew is hashWrite that returns a new, not yet stored, hash
// object for a missing key; created tells the caller to store it.
func (db *DB) hashWriteOrNew(key string) (o *Object, created bool, err error) {
	o, err = db.hashWrite(key)
	if err != nil || o != nil {
		return o, false, err
	}
	return NewHashObject(), true, nil
}

// hashStore finishes a write: a new object is stored, an existing one is
// signalled as modified.
func (db *DB) hashStore(key string, o *Object, created bool) {
	if created {
		db.Add(key, o)
	} else {
		db.Touch(key)
	}
}

// HSet stores pairs (field, value, field, value...; an even count is the
// caller's check) in the hash at key, creating it if missing, and returns
// how many fields are new (HSET, HMSET). Later pairs win. Fields and values
// are copied. Errors: ErrWrongType.
func (db *DB) HSet(key string, pairs [][]byte) (int, error) {
	o, created, err := db.hashWriteOrNew(key)
	if err != nil {
		return 0, err
	}
	o.Hash.tryConvert(pairs)
	added := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		if o.Hash.set(pairs[i], pairs[i+1]) {
			added++
		}
	}
	db.hashStore(key, o, created)
	return added, nil
}

// HSetNX stores value under field only if the field does not exist yet,
// creating the hash if missing, and reports whether it did (HSETNX).
// Errors: ErrWrongType.
func (db *DB) HSetNX(key string, field, value []byte) (bool, error) {
	o, created, err := db.hashWriteOrNew(key)
	if err != nil {
		return false, err
	}
	o.Hash.tryConvert([][]byte{field, value})
	if _, ok := o.Hash.Get(field); ok {
		return false, nil
	}
	o.Hash.set(field, value)
	db.hashStore(key, o, created)
	return true, nil
}

// HGet returns the value of field in the hash at key (HGET); ok is false
// when the key or the field is missing. The value is valid until the hash
// is next modified. Errors: ErrWrongType.
func (db *DB) HGet(key string, field []byte) (val []byte, ok bool, err error) {
	h, err := db.LookupHash(key)
	if err != nil || h == nil {
		return nil, false, err
	}
	val, ok = h.Get(field)
	return val, ok, nil
}

// HLen returns the number of fields of the hash at key, 0 when missing
// (HLEN). Errors: ErrWrongType.
func (db *DB) HLen(key string) (int, error) {
	h, err := db.LookupHash(key)
	if err != nil || h == nil {
		return 0, err
	}
	return h.Len(), nil
}

// HDel removes fields from the hash at key and returns how many existed
// (HDEL). An emptied hash is deleted. Errors: ErrWrongType.
func (db *DB) HDel(key string, fields [][]byte) (int, error) {
	o, err := db.hashWrite(key)
	if err != nil || o == nil {
		return 0, err
	}
	n := 0
	for _, f := range fields {
		if o.Hash.del(f) {
			n++
		}
	}
	if n > 0 {
		if o.Hash.Len() == 0 {
			db.Delete(key)
		} else {
			db.Touch(key)
		}
	}
	return n, nil
}

// HIncrBy adds delta to the integer in field of the hash at key, a missing
// key or field counting as 0, and returns the new value (HINCRBY).
// Errors: ErrWrongType; ErrHashNotInteger when the value is not an
// integer in ParseInt's strict form; ErrOverflow.
func (db *DB) HIncrBy(key string, field []byte, delta int64) (int64, error) {
	o, created, err := db.hashWriteOrNew(key)
	if err != nil {
		return 0, err
	}
	var v int64
	if cur, ok := o.Hash.Get(field); ok {
		if v, ok = ParseInt(cur); !ok {
			return 0, ErrHashNotInteger
		}
	}
	if (delta < 0 && v < 0 && delta < math.MinInt64-v) ||
		(delta > 0 && v > 0 && delta > math.MaxInt64-v) {
		return 0, ErrOverflow
	}
	v += delta
	var buf [20]byte
	o.Hash.set(field, strconv.AppendInt(buf[:0], v, 10))
	db.hashStore(key, o, created)
	return v, nil
}

// HIncrByFloat adds incr to the number in field of the hash at key, a
// missing key or field counting as 0, and returns the new value as stored
// (HINCRBYFLOAT). Like INCRBYFLOAT it works in long double precision and
// formats the result as Redis does (see ParseLongDouble, AppendFormat).
// Errors, in Redis's order: ErrNotFloat when incr is not a float,
// ErrNaNOrInfinity when it is infinite, ErrWrongType, ErrHashNotFloat when
// the stored value is not a float, ErrIncrNaNInf when the sum is infinite.
func (db *DB) HIncrByFloat(key string, field, incr []byte) ([]byte, error) {
	d, ok := ParseLongDouble(incr)
	if !ok {
		return nil, ErrNotFloat
	}
	if d.IsInf() {
		return nil, ErrNaNOrInfinity
	}
	o, created, err := db.hashWriteOrNew(key)
	if err != nil {
		return nil, err
	}
	v := LongDouble{}
	if cur, found := o.Hash.Get(field); found {
		if v, ok = ParseLongDouble(cur); !ok {
			return nil, ErrHashNotFloat
		}
	}
	sum, ok := v.Add(d)
	if !ok {
		return nil, ErrIncrNaNInf
	}
	s := sum.AppendFormat(nil)
	o.Hash.set(field, s)
	db.hashStore(key, o, created)
	return s, nil
}
