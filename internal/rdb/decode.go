package rdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/hdt3213/rdb/core"
	"github.com/hdt3213/rdb/crc64jones"
	"github.com/hdt3213/rdb/model"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/aof"
)

// CorruptError reports a damaged dump: the file, the byte offset where
// reading failed and why.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("bad RDB file %s at offset %d: %s (check it with 'switchyard check-rdb %s')", e.File, e.Offset, e.Reason, e.File)
}

// Key is one key read from a dump. Exactly the field of its Kind is set:
// Str, Elems (list elements in order, or set members), Pairs (hash fields
// and values) or ZSet.
type Key struct {
	DB       int
	Key      []byte
	Kind     broker.Kind
	ExpireAt int64 // absolute, Unix ms; 0 for none
	Str      []byte
	Elems    [][]byte
	Pairs    [][2][]byte
	ZSet     []ZMember
}

// chunk is how many elements one rebuilding command carries, as the AOF
// rewrite does (AOF_REWRITE_ITEMS_PER_CMD).
const chunk = 64

// Commands emits the commands that rebuild k in its database: SET, or
// RPUSH / SADD / HSET / ZADD in chunks of 64 elements, then PEXPIREAT for a
// TTL.
func (k *Key) Commands(emit func(args ...[]byte) error) error {
	var verb string
	var items [][]byte
	switch k.Kind {
	case broker.KindString:
		if err := emit([]byte("SET"), k.Key, k.Str); err != nil {
			return err
		}
	case broker.KindList, broker.KindSet:
		verb, items = "RPUSH", k.Elems
		if k.Kind == broker.KindSet {
			verb = "SADD"
		}
	case broker.KindHash:
		verb = "HSET"
		for _, p := range k.Pairs {
			items = append(items, p[0], p[1])
		}
	case broker.KindZSet:
		verb = "ZADD"
		for _, m := range k.ZSet {
			items = append(items, []byte(formatScore(m.Score)), m.Member)
		}
	default:
		return fmt.Errorf("rdb: key %q has an unsupported kind %v", k.Key, k.Kind)
	}
	per := chunk
	if k.Kind == broker.KindHash || k.Kind == broker.KindZSet {
		per = 2 * chunk
	}
	for i := 0; i < len(items); i += per {
		end := min(i+per, len(items))
		args := append([][]byte{[]byte(verb), k.Key}, items[i:end]...)
		if err := emit(args...); err != nil {
			return err
		}
	}
	if k.ExpireAt != 0 {
		return emit([]byte("PEXPIREAT"), k.Key, []byte(strconv.FormatInt(k.ExpireAt, 10)))
	}
	return nil
}

// formatScore writes a score as the AOF does, which ZADD parses back
// exactly ("inf", "-inf", %.17g).
func formatScore(f float64) string { return string(broker.AppendScore(nil, f)) }

// Visitor receives what DecodeFile reads, in file order. A nil field
// skips that kind of item; an error stops the decoding and is returned.
type Visitor struct {
	Aux func(key, value string) error
	// DB is called when a database's section starts, with its sizing hint.
	DB  func(db int, keys, expires uint64) error
	Key func(k *Key) error
}

// Stats counts what a decoding read.
type Stats struct {
	Version  int
	Keys     int
	Expires  int
	Checksum uint64 // 0: the file carries none
	Size     int64
}

// DecodeFile reads the dump at path, calling v for each item. It first
// verifies the checksum (when the file has one), so a damaged file is
// refused before anything is loaded; the error is a *CorruptError naming
// the file and offset. Keys whose database is not 0..15 are refused, as
// Redis refuses them with 16 databases.
func DecodeFile(path string, v Visitor) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Stats{}, err
	}
	stats := Stats{Size: st.Size()}
	ver, err := readVersion(f)
	if err != nil {
		return stats, &CorruptError{File: path, Offset: 0, Reason: err.Error()}
	}
	stats.Version = ver
	sum, ok, err := verifyChecksum(f, st.Size())
	if err != nil {
		return stats, err
	}
	if !ok {
		return stats, &CorruptError{File: path, Offset: st.Size() - 8, Reason: fmt.Sprintf("wrong RDB checksum (file ends with %016x): the file is damaged or truncated", sum)}
	}
	stats.Checksum = sum
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return stats, err
	}
	off, err := parse(f, func(o model.RedisObject, _ int64) error { return visit(o, v, &stats) })
	if err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			ce.File = path
			return stats, ce
		}
		if errors.Is(err, errParse) {
			return stats, &CorruptError{File: path, Offset: off, Reason: strings.TrimPrefix(err.Error(), errParse.Error()+": ")}
		}
		return stats, err
	}
	return stats, nil
}

// readVersion reads and checks the 9-byte header "REDIS" + 4 digits.
func readVersion(r io.Reader) (int, error) {
	var h [9]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, errors.New("file too short for an RDB header")
	}
	if string(h[:5]) != "REDIS" {
		return 0, errors.New("wrong signature trying to load DB from file (not an RDB file)")
	}
	ver, err := strconv.Atoi(string(h[5:]))
	if err != nil || ver < 1 || ver > 12 {
		return 0, fmt.Errorf("can't handle RDB format version %s", h[5:])
	}
	return ver, nil
}

// verifyChecksum compares the CRC64 of the file but its last 8 bytes with
// those bytes (little-endian). A zero checksum means none was computed
// (rdbchecksum no) and passes.
func verifyChecksum(f *os.File, size int64) (stored uint64, ok bool, err error) {
	if size < 9+1+8 {
		return 0, true, nil // too short to hold one: parsing reports it
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], size-8); err != nil {
		return 0, false, err
	}
	stored = binary.LittleEndian.Uint64(tail[:])
	if stored == 0 {
		return 0, true, nil
	}
	h := crc64jones.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, size-8)); err != nil {
		return stored, false, err
	}
	return stored, h.Sum64() == stored, nil
}

// errParse marks errors of the parser itself (damaged data).
var errParse = errors.New("rdb parse")

// parse runs the library parser over r (positioned at the file's start),
// calling fn with each item and the offset just after it. It returns the
// offset reached when it stopped: after the checksum on success, where
// reading failed otherwise.
//
// The parser ignores a few read errors (an aux value or a RESIZEDB cut
// short) and then stops as if it had met the EOF opcode; a complete file
// never makes it read past its end, so reaching the end of r is reported
// as a truncated file whatever the parser says.
func parse(r io.Reader, fn func(o model.RedisObject, off int64) error) (int64, error) {
	er := &eofReader{r: r}
	dec := core.NewDecoder(bufio.NewReaderSize(er, 1<<16)).WithSpecialOpCode()
	var cbErr error
	err := dec.Parse(func(o model.RedisObject) bool {
		cbErr = fn(o, int64(dec.GetReadCount()))
		return cbErr == nil
	})
	off := int64(dec.GetReadCount())
	switch {
	case cbErr != nil:
		return off, cbErr
	case er.eof:
		return off, fmt.Errorf("%w: unexpected EOF reading RDB file", errParse)
	case err != nil:
		return off, fmt.Errorf("%w: %s", errParse, err.Error())
	}
	return off, nil
}

// eofReader records whether r reported its end.
type eofReader struct {
	r   io.Reader
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}

func visit(o model.RedisObject, v Visitor, stats *Stats) error {
	switch x := o.(type) {
	case *model.AuxObject:
		if v.Aux != nil {
			return v.Aux(x.Key, x.Value)
		}
		return nil
	case *model.DBSizeObject:
		if err := checkDB(x.DB); err != nil {
			return err
		}
		if v.DB != nil {
			return v.DB(x.DB, x.KeyCount, x.TTLCount)
		}
		return nil
	}
	k, err := toKey(o)
	if err != nil {
		return err
	}
	stats.Keys++
	if k.ExpireAt != 0 {
		stats.Expires++
	}
	if v.Key != nil {
		return v.Key(k)
	}
	return nil
}

func checkDB(db int) error {
	if db < 0 || db >= broker.NumDBs {
		return fmt.Errorf("%w: database %d out of range (0..%d)", errParse, db, broker.NumDBs-1)
	}
	return nil
}

// toKey converts a key the parser read.
func toKey(o model.RedisObject) (*Key, error) {
	if err := checkDB(o.GetDBIndex()); err != nil {
		return nil, err
	}
	k := &Key{DB: o.GetDBIndex(), Key: []byte(o.GetKey())}
	if exp := o.GetExpiration(); exp != nil {
		k.ExpireAt = exp.UnixMilli()
	}
	switch x := o.(type) {
	case *model.StringObject:
		k.Kind, k.Str = broker.KindString, x.Value
	case *model.ListObject:
		k.Kind, k.Elems = broker.KindList, x.Values
	case *model.SetObject:
		k.Kind, k.Elems = broker.KindSet, x.Members
	case *model.HashObject:
		if len(x.FieldExpirations) > 0 {
			return nil, fmt.Errorf("%w: key %q: hash field expiry (Redis 7.4) is not supported", errParse, k.Key)
		}
		k.Kind = broker.KindHash
		fields := make([]string, 0, len(x.Hash))
		for f := range x.Hash {
			fields = append(fields, f)
		}
		sort.Strings(fields) // the parser hands a Go map: make the order stable
		for _, f := range fields {
			k.Pairs = append(k.Pairs, [2][]byte{[]byte(f), x.Hash[f]})
		}
	case *model.ZSetObject:
		k.Kind = broker.KindZSet
		for _, m := range x.Entries {
			k.ZSet = append(k.ZSet, ZMember{Member: []byte(m.Member), Score: m.Score})
		}
	default:
		return nil, fmt.Errorf("%w: key %q: values of type %s are not supported", errParse, k.Key, o.GetType())
	}
	return k, nil
}

// EncodeCommands encodes commands as RESP arrays, one after the other, as
// the AuxBroker field holds them.
func EncodeCommands(cmds [][][]byte) []byte {
	var b []byte
	for _, args := range cmds {
		b = append(b, '*')
		b = strconv.AppendInt(b, int64(len(args)), 10)
		b = append(b, '\r', '\n')
		for _, a := range args {
			b = append(b, '$')
			b = strconv.AppendInt(b, int64(len(a)), 10)
			b = append(b, '\r', '\n')
			b = append(b, a...)
			b = append(b, '\r', '\n')
		}
	}
	return b
}

// DecodeCommands parses what EncodeCommands wrote.
func DecodeCommands(b []byte) ([][][]byte, error) {
	r := aof.NewReader(bytes.NewReader(b))
	var out [][][]byte
	for {
		args, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("at offset %d: %v", r.Offset(), err)
		}
		out = append(out, args)
	}
}
