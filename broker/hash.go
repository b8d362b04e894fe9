package broker

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"unsafe"

	"github.com/switchyard/switchyard/internal/dict"
)

// Hash encoding limits, Redis 7.0's defaults for hash-max-listpack-entries
// and hash-max-listpack-value. A hash stays packed while it has at most
// HashMaxPackedEntries fields and every field and value it was given is at
// most HashMaxPackedValue bytes long; past either limit it is converted to a
// hash table for good, as Redis converts a listpack to a dict and never back.
const (
	HashMaxPackedEntries = 128
	HashMaxPackedValue   = 64
)

// Hash is the value of a hash key: a map from field to value
// (https://redis.io/docs/latest/develop/data-types/hashes/).
//
// Like Redis it has two encodings. A small hash is packed into one byte
// slice, in insertion order, like Redis's listpack: a byte counting the
// pairs, then each field and each value as one length byte followed by its
// bytes. A lookup is a linear scan of at most 128 pairs, and HGETALL, HSCAN
// and friends return the pairs in insertion order, exactly as Redis does
// for a listpack. A large hash is an internal/dict table (field -> value,
// both copied into strings) whose SCAN cursor follows Redis's
// reverse-binary iteration.
//
// The byte slices that the read methods hand out point into the hash: they
// are valid only until the hash is next modified and must not be written
// to. Mutations go through DB methods (HSet, HDel, ...), which keep the
// key's invariants: an empty hash is deleted and every change is signalled
// for WATCH.
type Hash struct {
	lp []byte             // packed: a count byte, then the pairs; nil when empty or a table
	d  *dict.Dict[string] // hash table encoding, nil while packed
}

// lpHeader is the size of the packed encoding's header: one byte holding
// the number of pairs (at most HashMaxPackedEntries+1 before conversion).
const lpHeader = 1

// lpCount returns the number of pairs in the packed encoding.
func (h *Hash) lpCount() int {
	if len(h.lp) == 0 {
		return 0
	}
	return int(h.lp[0])
}

// NewHash returns an empty, packed hash.
func NewHash() *Hash { return &Hash{} }

// Len returns the number of fields (HLEN).
func (h *Hash) Len() int {
	if h.d != nil {
		return h.d.Len()
	}
	return h.lpCount()
}

// Encoding returns the encoding name OBJECT ENCODING reports: "listpack"
// or "hashtable".
func (h *Hash) Encoding() string {
	if h.d != nil {
		return "hashtable"
	}
	return "listpack"
}

// bytesView returns s as a byte slice without copying. The slice must not
// be modified; the engine uses it to hand out stored strings under the
// engine lock, read-only, like the packed encodings' slices.
func bytesView(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringView returns b as a string without copying, for lookups that do not
// retain the string.
func stringView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// lpEntry returns the entry (length byte + bytes) starting at offset i of
// the packed encoding: its bytes and the offset of the next entry.
func (h *Hash) lpEntry(i int) (b []byte, next int) {
	n := int(h.lp[i])
	return h.lp[i+1 : i+1+n], i + 1 + n
}

// lpFind returns the offset of field's entry, or -1.
func (h *Hash) lpFind(field []byte) int {
	for i := lpHeader; i < len(h.lp); {
		f, j := h.lpEntry(i)
		_, next := h.lpEntry(j)
		if bytes.Equal(f, field) {
			return i
		}
		i = next
	}
	return -1
}

// Get returns the value of field (HGET) and whether it exists.
func (h *Hash) Get(field []byte) ([]byte, bool) {
	if h.d != nil {
		v, ok := h.d.Get(stringView(field))
		return bytesView(v), ok
	}
	i := h.lpFind(field)
	if i < 0 {
		return nil, false
	}
	_, j := h.lpEntry(i)
	v, _ := h.lpEntry(j)
	return v, true
}

// Range calls fn for every field and value until it returns false: in
// insertion order while packed, in table order otherwise. fn must not
// modify the hash.
func (h *Hash) Range(fn func(field, value []byte) bool) {
	if h.d != nil {
		h.d.Range(func(f, v string) bool { return fn(bytesView(f), bytesView(v)) })
		return
	}
	for i := lpHeader; i < len(h.lp); {
		f, j := h.lpEntry(i)
		v, next := h.lpEntry(j)
		if !fn(f, v) {
			return
		}
		i = next
	}
}

// Scan implements HSCAN's iteration. A packed hash is returned whole and the
// next cursor is 0, as Redis does for a listpack whatever the cursor. A
// table is scanned from cursor, bucket by bucket, until at least count
// fields were visited, the cursor is back to 0, or count*20 buckets were
// visited (Redis's scanGenericCommand); a full iteration from 0 to 0 visits
// every field present for its whole duration at least once.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value []byte)) uint64 {
	if h.d == nil {
		h.Range(func(f, v []byte) bool { fn(f, v); return true })
		return 0
	}
	visited := 0
	// Redis doubles COUNT for hashes (it counts fields and values) before
	// allowing ten buckets per unit.
	for budget := scanBudget(count, 20); ; budget-- {
		cursor = h.d.Scan(cursor, func(f, v string) {
			visited++
			fn(bytesView(f), bytesView(v))
		})
		if cursor == 0 || budget <= 0 || visited >= count {
			return cursor
		}
	}
}

// scanBudget returns count*per, the number of buckets a SCAN call may
// visit, saturating instead of overflowing.
func scanBudget(count, per int) int {
	if count > math.MaxInt/per {
		return math.MaxInt
	}
	return count * per
}

// Random returns a random field and its value; the hash must not be empty.
func (h *Hash) Random() (field, value []byte) {
	if h.d != nil {
		f, v, _ := h.d.Random()
		return bytesView(f), bytesView(v)
	}
	return h.lpAt(rand.IntN(h.lpCount()))
}

// lpAt returns the k-th pair of the packed encoding.
func (h *Hash) lpAt(k int) (field, value []byte) {
	i := lpHeader
	for ; k > 0; k-- {
		_, j := h.lpEntry(i)
		_, i = h.lpEntry(j)
	}
	f, j := h.lpEntry(i)
	v, _ := h.lpEntry(j)
	return f, v
}

// RandomDistinct calls fn with count distinct random pairs, 0 < count <
// Len (HRANDFIELD with a positive count smaller than the hash). A packed
// hash yields them in insertion order.
func (h *Hash) RandomDistinct(count int, fn func(field, value []byte)) {
	if h.d == nil {
		pick := sampleIndexes(h.lpCount(), count)
		k := 0
		for i, p := lpHeader, 0; i < len(h.lp) && p < len(pick); k++ {
			f, j := h.lpEntry(i)
			v, next := h.lpEntry(j)
			if pick[p] == k {
				fn(f, v)
				p++
			}
			i = next
		}
		return
	}
	sampleDict(h.d, count, func(f, v string) { fn(bytesView(f), bytesView(v)) })
}

// sampleIndexes returns count distinct indexes in [0, n), sorted.
func sampleIndexes(n, count int) []int {
	perm := rand.Perm(n)[:count]
	slices.Sort(perm)
	return perm
}

// sampleDict calls fn with count distinct random entries of d (0 < count <
// d.Len()). Like Redis's SRANDMEMBER and HRANDFIELD it copies the table and
// removes entries when count is close to the size, and otherwise draws
// random entries until it has count distinct ones.
func sampleDict[V any](d *dict.Dict[V], count int, fn func(key string, val V)) {
	if count*3 > d.Len() {
		keys := make([]string, 0, d.Len())
		vals := make([]V, 0, d.Len())
		d.Range(func(k string, v V) bool {
			keys = append(keys, k)
			vals = append(vals, v)
			return true
		})
		for i := 0; i < count; i++ {
			j := i + rand.IntN(len(keys)-i)
			keys[i], keys[j] = keys[j], keys[i]
			vals[i], vals[j] = vals[j], vals[i]
			fn(keys[i], vals[i])
		}
		return
	}
	seen := make(map[string]struct{}, count)
	for len(seen) < count {
		k, v, _ := d.Random()
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		fn(k, v)
	}
}

// clone returns a deep copy with the same encoding and order (COPY, the
// AOF rewrite snapshot).
func (h *Hash) clone() *Hash {
	if h.d == nil {
		return &Hash{lp: slices.Clone(h.lp)}
	}
	d := dict.New[string]()
	h.d.Range(func(f, v string) bool {
		d.Set(f, v) // strings are immutable: sharing them is safe
		return true
	})
	return &Hash{d: d}
}

// rewriteItems is how many fields or members one AOF rewrite command
// carries (Redis's AOF_REWRITE_ITEMS_PER_CMD).
const rewriteItems = 64

func init() {
	typeRewriters[KindHash] = func(k []byte, o *Object, emit func(args ...[]byte) error) error {
		args := [][]byte{[]byte("HSET"), k}
		var err error
		o.Hash.Range(func(f, v []byte) bool {
			args = append(args, f, v)
			if len(args) == 2+2*rewriteItems {
				err = emit(args...)
				args = args[:2]
			}
			return err == nil
		})
		if err == nil && len(args) > 2 {
			err = emit(args...)
		}
		return err
	}
}

// tryConvert converts a packed hash to a table when one of args (fields and
// values about to be written) is longer than HashMaxPackedValue, as Redis's
// hashTypeTryConversion does before HSET, HMSET and HSETNX write anything.
func (h *Hash) tryConvert(args [][]byte) {
	if h.d != nil {
		return
	}
	for _, a := range args {
		if len(a) > HashMaxPackedValue {
			h.convert()
			return
		}
	}
}

// convert switches a packed hash to the table encoding.
func (h *Hash) convert() {
	d := dict.New[string]()
	h.Range(func(f, v []byte) bool {
		d.Set(fieldValueStrings(f, v))
		return true
	})
	h.d, h.lp = d, nil
}

// fieldValueStrings copies a new field and its value into one allocation
// and returns them as two strings sharing it: one allocation per field
// instead of two saves about 8 bytes per field of a large hash. A later
// update allocates the new value on its own.
func fieldValueStrings(field, value []byte) (string, string) {
	buf := make([]byte, len(field)+len(value))
	copy(buf, field)
	copy(buf[len(field):], value)
	f := unsafe.String(unsafe.SliceData(buf), len(field))
	if len(value) == 0 {
		return f, ""
	}
	return f, unsafe.String(&buf[len(field)], len(value))
}

// set stores value under field (copying both) and reports whether the
// field is new. A field or value too long for the packed encoding, or one
// field too many, converts the hash to a table (Redis's hashTypeSet).
func (h *Hash) set(field, value []byte) bool {
	if h.d == nil && (len(field) > HashMaxPackedValue || len(value) > HashMaxPackedValue) {
		h.convert()
	}
	if h.d != nil {
		if v, ok := h.d.Get(stringView(field)); ok {
			if v != stringView(value) {
				h.d.Set(stringView(field), string(value)) // the stored key is kept
			}
			return false
		}
		f, v := fieldValueStrings(field, value)
		h.d.Set(f, v)
		return true
	}
	if i := h.lpFind(field); i >= 0 {
		_, j := h.lpEntry(i)
		old, end := h.lpEntry(j)
		h.lpReserve(len(value) - len(old))
		h.lp[j] = byte(len(value))
		h.lp = slices.Replace(h.lp, j+1, end, value...)
		return false
	}
	if len(h.lp) == 0 {
		h.lpReserve(lpHeader + 2 + len(field) + len(value))
		h.lp = append(h.lp, 0)
	} else {
		h.lpReserve(2 + len(field) + len(value))
	}
	h.lp = append(h.lp, byte(len(field)))
	h.lp = append(h.lp, field...)
	h.lp = append(h.lp, byte(len(value)))
	h.lp = append(h.lp, value...)
	h.lp[0]++
	if h.lpCount() > HashMaxPackedEntries {
		h.convert()
	}
	return true
}

// del removes field and reports whether it existed.
func (h *Hash) del(field []byte) bool {
	if h.d != nil {
		_, ok := h.d.Delete(stringView(field))
		return ok
	}
	i := h.lpFind(field)
	if i < 0 {
		return false
	}
	_, j := h.lpEntry(i)
	_, end := h.lpEntry(j)
	h.lp = slices.Delete(h.lp, i, end)
	h.lp[0]--
	switch {
	case h.lp[0] == 0:
		h.lp = nil
	case cap(h.lp) > 2*len(h.lp)+32:
		h.lp = slices.Clone(h.lp)
	}
	return true
}

// lpReserve makes room for extra more bytes in the packed encoding. It
// grows to the allocator's size class of the exact need instead of
// doubling as append does: small hashes are many, and Redis sizes a
// listpack exactly.
func (h *Hash) lpReserve(extra int) {
	need := len(h.lp) + extra
	if need <= cap(h.lp) {
		return
	}
	h.lp = append(slices.Grow([]byte(nil), need), h.lp...)
}
