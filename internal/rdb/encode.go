package rdb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"hash"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/hdt3213/rdb/crc64jones"
	"github.com/hdt3213/rdb/lzf"
)

// Version is the RDB version Encoder writes: redis-server 7.0's
// (RDB_VERSION 10), the newest it loads.
const Version = 10

// AuxBroker is the aux field holding Switchyard's messaging state, as the
// RESP commands (one RESP array each) that rebuild it in the broker
// namespace. Redis skips aux fields it does not know.
const AuxBroker = "switchyard-broker"

// Opcodes and value types of the RDB format (Redis's src/rdb.h).
const (
	opAux          = 0xFA
	opResizeDB     = 0xFB
	opExpireTimeMs = 0xFC
	opSelectDB     = 0xFE
	opEOF          = 0xFF

	typeString = 0
	typeList   = 1
	typeSet    = 2
	typeHash   = 4
	typeZSet2  = 5

	encInt8  = 0xC0
	encInt16 = 0xC1
	encInt32 = 0xC2
	encLZF   = 0xC3
)

// Options configures an Encoder.
type Options struct {
	// Compress LZF-compresses strings longer than 20 bytes when that saves
	// at least 4 bytes (rdbcompression yes).
	Compress bool
	// Checksum writes the CRC64 of the file at its end; without it the
	// checksum is zero, which readers take as "not computed"
	// (rdbchecksum).
	Checksum bool
	// KeyDelay is slept after each key WriteSnapshot writes, to make a
	// save last in tests (Redis's rdb-key-save-delay).
	KeyDelay time.Duration
}

// ErrState is returned when Encoder calls come out of order (a value
// before SelectDB, anything after End).
var ErrState = errors.New("rdb: encoder call out of order")

// Encoder writes one RDB file: Header, then Aux fields, then for each
// database SelectDB followed by its keys, then End. It buffers; End
// flushes. The first write error is returned by every later call.
type Encoder struct {
	w     *bufio.Writer
	crc   hash.Hash64
	opts  Options
	err   error
	state int // 0 new, 1 header/aux written, 2 in a database, 3 ended
	n     int64
	tmp   [16]byte
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer, opts Options) *Encoder {
	return &Encoder{w: bufio.NewWriterSize(w, 1<<16), crc: crc64jones.New(), opts: opts}
}

// Written returns the number of bytes written so far.
func (e *Encoder) Written() int64 { return e.n }

func (e *Encoder) write(p []byte) {
	if e.err != nil {
		return
	}
	if _, err := e.w.Write(p); err != nil {
		e.err = err
		return
	}
	if e.opts.Checksum {
		e.crc.Write(p)
	}
	e.n += int64(len(p))
}

func (e *Encoder) byte1(b byte) {
	e.tmp[0] = b
	e.write(e.tmp[:1])
}

func (e *Encoder) expect(states ...int) bool {
	if e.err != nil {
		return false
	}
	for _, s := range states {
		if e.state == s {
			return true
		}
	}
	e.err = ErrState
	return false
}

// Header writes the magic and version ("REDIS0010").
func (e *Encoder) Header() error {
	if e.expect(0) {
		e.write([]byte("REDIS00" + strconv.Itoa(Version)))
		e.state = 1
	}
	return e.err
}

// Aux writes an aux field (RDB_OPCODE_AUX): key and value strings. Aux
// fields come after the header, before the first database.
func (e *Encoder) Aux(key, value string) error {
	if e.expect(1) {
		e.byte1(opAux)
		e.stringRaw([]byte(key))
		e.string([]byte(value))
	}
	return e.err
}

// SelectDB starts database db, with the number of keys and of keys with a
// TTL that follow (RDB_OPCODE_RESIZEDB, a sizing hint for the loader).
func (e *Encoder) SelectDB(db int, keys, expires int) error {
	if e.expect(1, 2) {
		e.byte1(opSelectDB)
		e.length(uint64(db))
		e.byte1(opResizeDB)
		e.length(uint64(keys))
		e.length(uint64(expires))
		e.state = 2
	}
	return e.err
}

// begin writes a key's expiry (when expireAtMs > 0), its type and name.
func (e *Encoder) begin(typ byte, key []byte, expireAtMs int64) bool {
	if !e.expect(2) {
		return false
	}
	if expireAtMs > 0 {
		e.byte1(opExpireTimeMs)
		binary.LittleEndian.PutUint64(e.tmp[:8], uint64(expireAtMs))
		e.write(e.tmp[:8])
	}
	e.byte1(typ)
	e.string(key)
	return true
}

// String writes a string key. expireAtMs is the absolute expiry in Unix
// milliseconds, 0 for none (likewise for every value writer).
func (e *Encoder) String(key, val []byte, expireAtMs int64) error {
	if e.begin(typeString, key, expireAtMs) {
		e.string(val)
	}
	return e.err
}

// List writes a list key of n elements, which elem returns in order.
func (e *Encoder) List(key []byte, n int, elem func(i int) []byte, expireAtMs int64) error {
	if e.begin(typeList, key, expireAtMs) {
		e.length(uint64(n))
		for i := 0; i < n && e.err == nil; i++ {
			e.string(elem(i))
		}
	}
	return e.err
}

// Set writes a set key with its members.
func (e *Encoder) Set(key []byte, members [][]byte, expireAtMs int64) error {
	if e.begin(typeSet, key, expireAtMs) {
		e.length(uint64(len(members)))
		for _, m := range members {
			e.string(m)
		}
	}
	return e.err
}

// Hash writes a hash key with its field/value pairs.
func (e *Encoder) Hash(key []byte, pairs [][2][]byte, expireAtMs int64) error {
	if e.begin(typeHash, key, expireAtMs) {
		e.length(uint64(len(pairs)))
		for _, p := range pairs {
			e.string(p[0])
			e.string(p[1])
		}
	}
	return e.err
}

// ZSet writes a sorted-set key (RDB_TYPE_ZSET_2: binary double scores).
// Redis writes the members from the highest score down, so that loading
// inserts at the head of its skip list; any order loads.
func (e *Encoder) ZSet(key []byte, members []ZMember, expireAtMs int64) error {
	if e.begin(typeZSet2, key, expireAtMs) {
		e.length(uint64(len(members)))
		for _, m := range members {
			e.string(m.Member)
			binary.LittleEndian.PutUint64(e.tmp[:8], math.Float64bits(m.Score))
			e.write(e.tmp[:8])
		}
	}
	return e.err
}

// ZMember is a sorted-set member and its score.
type ZMember struct {
	Member []byte
	Score  float64
}

// End writes the EOF opcode and the checksum (zero when Options.Checksum
// is off), and flushes.
func (e *Encoder) End() error {
	if e.expect(1, 2) {
		e.byte1(opEOF)
		var sum uint64
		if e.opts.Checksum {
			sum = e.crc.Sum64()
		}
		binary.LittleEndian.PutUint64(e.tmp[:8], sum)
		e.write(e.tmp[:8])
		e.state = 3
	}
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// length writes an RDB length: 6 bits, 14 bits, or a 32- or 64-bit
// big-endian integer after a marker byte.
func (e *Encoder) length(n uint64) {
	switch {
	case n < 1<<6:
		e.byte1(byte(n))
	case n < 1<<14:
		e.tmp[0] = byte(n>>8) | 0x40
		e.tmp[1] = byte(n)
		e.write(e.tmp[:2])
	case n <= math.MaxUint32:
		e.tmp[0] = 0x80
		binary.BigEndian.PutUint32(e.tmp[1:5], uint32(n))
		e.write(e.tmp[:5])
	default:
		e.tmp[0] = 0x81
		binary.BigEndian.PutUint64(e.tmp[1:9], n)
		e.write(e.tmp[:9])
	}
}

// string writes s as Redis's rdbSaveRawString does: as an integer when it
// is the canonical form of one that fits 32 bits, LZF-compressed when
// that is on and pays, raw otherwise.
func (e *Encoder) string(s []byte) {
	if len(s) <= 11 && e.intString(s) {
		return
	}
	if e.opts.Compress && len(s) > 20 {
		if c, err := lzf.Compress(s); err == nil && len(c) > 0 && len(c) <= len(s)-4 {
			e.byte1(encLZF)
			e.length(uint64(len(c)))
			e.length(uint64(len(s)))
			e.write(c)
			return
		}
	}
	e.stringRaw(s)
}

func (e *Encoder) stringRaw(s []byte) {
	e.length(uint64(len(s)))
	e.write(s)
}

// intString writes s integer-encoded if it is the canonical decimal form
// of a value in int32's range (rdbTryIntegerEncoding).
func (e *Encoder) intString(s []byte) bool {
	if len(s) == 0 || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil || strconv.FormatInt(v, 10) != string(s) {
		return false
	}
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		e.tmp[0], e.tmp[1] = encInt8, byte(int8(v))
		e.write(e.tmp[:2])
	case v >= math.MinInt16 && v <= math.MaxInt16:
		e.tmp[0] = encInt16
		binary.LittleEndian.PutUint16(e.tmp[1:3], uint16(int16(v)))
		e.write(e.tmp[:3])
	case v >= math.MinInt32 && v <= math.MaxInt32:
		e.tmp[0] = encInt32
		binary.LittleEndian.PutUint32(e.tmp[1:5], uint32(int32(v)))
		e.write(e.tmp[:5])
	default:
		return false
	}
	return true
}
