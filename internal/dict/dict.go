// Package dict is the keyspace hash table of the engine: a chained hash table
// with power-of-two bucket counts whose SCAN cursor follows Redis's
// reverse-binary iteration (see Redis's dict.c, dictScan). A full scan that
// starts at cursor 0 and runs until the cursor returns to 0 reports every key
// that was present for the whole scan at least once, even when the table grows
// or shrinks between calls.
//
// A Dict is not safe for concurrent use; the engine guards it with its lock.
package dict

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

const minBuckets = 4

var seed = maphash.MakeSeed()

// entry is one key. val comes first: a zero-size V (a set's struct{}) as
// the last field would be padded to 8 bytes, taking the entry from the
// 32-byte to the 48-byte size class.
type entry[V any] struct {
	val  V
	key  string
	hash uint64
	next *entry[V]
}

// Dict maps string keys to values of type V. The zero value is not usable;
// call New.
type Dict[V any] struct {
	buckets []*entry[V]
	mask    uint64
	count   int
}

// New returns an empty Dict.
func New[V any]() *Dict[V] {
	return &Dict[V]{buckets: make([]*entry[V], minBuckets), mask: minBuckets - 1}
}

func hashOf(key string) uint64 { return maphash.String(seed, key) }

// Len returns the number of keys.
func (d *Dict[V]) Len() int { return d.count }

// Get returns the value stored under key and whether it was present.
func (d *Dict[V]) Get(key string) (V, bool) {
	h := hashOf(key)
	for e := d.buckets[h&d.mask]; e != nil; e = e.next {
		if e.hash == h && e.key == key {
			return e.val, true
		}
	}
	var zero V
	return zero, false
}

// Set stores val under key and reports whether the key was new.
func (d *Dict[V]) Set(key string, val V) bool {
	h := hashOf(key)
	b := &d.buckets[h&d.mask]
	for e := *b; e != nil; e = e.next {
		if e.hash == h && e.key == key {
			e.val = val
			return false
		}
	}
	*b = &entry[V]{key: key, hash: h, next: *b, val: val}
	d.count++
	if d.count > len(d.buckets) {
		d.resize(len(d.buckets) * 2)
	}
	return true
}

// Delete removes key and returns the value it held and whether it was present.
func (d *Dict[V]) Delete(key string) (V, bool) {
	h := hashOf(key)
	for p := &d.buckets[h&d.mask]; *p != nil; p = &(*p).next {
		if e := *p; e.hash == h && e.key == key {
			*p = e.next
			d.count--
			if len(d.buckets) > minBuckets && d.count*8 < len(d.buckets) {
				d.resize(len(d.buckets) / 2)
			}
			return e.val, true
		}
	}
	var zero V
	return zero, false
}

// Clear removes every key.
func (d *Dict[V]) Clear() {
	d.buckets = make([]*entry[V], minBuckets)
	d.mask = minBuckets - 1
	d.count = 0
}

func (d *Dict[V]) resize(n int) {
	nb := make([]*entry[V], n)
	mask := uint64(n - 1)
	for _, e := range d.buckets {
		for e != nil {
			next := e.next
			i := e.hash & mask
			e.next = nb[i]
			nb[i] = e
			e = next
		}
	}
	d.buckets, d.mask = nb, mask
}

// Range calls fn for every key until fn returns false. fn must not modify d.
func (d *Dict[V]) Range(fn func(key string, val V) bool) {
	for _, e := range d.buckets {
		for ; e != nil; e = e.next {
			if !fn(e.key, e.val) {
				return
			}
		}
	}
}

// Scan visits the bucket(s) at cursor, calls fn for each key in them, and
// returns the next cursor (0 when the iteration is complete). It follows
// Redis's dictScan: the cursor's bits are incremented from the most
// significant masked bit down, so buckets already visited before a resize map
// to buckets already visited after it. fn must not modify d.
func (d *Dict[V]) Scan(cursor uint64, fn func(key string, val V)) uint64 {
	m := d.mask
	for e := d.buckets[cursor&m]; e != nil; e = e.next {
		fn(e.key, e.val)
	}
	// Set the unmasked bits so incrementing the reversed cursor carries
	// into the masked bits, then increment the reversed cursor.
	cursor |= ^m
	cursor = bits.Reverse64(cursor)
	cursor++
	cursor = bits.Reverse64(cursor)
	return cursor
}

// Random returns a random key and its value; ok is false when d is empty.
// The choice is close to uniform for chains of similar length, as in Redis's
// dictGetFairRandomKey.
func (d *Dict[V]) Random() (key string, val V, ok bool) {
	if d.count == 0 {
		return "", val, false
	}
	for {
		e := d.buckets[rand.Uint64()&d.mask]
		if e == nil {
			continue
		}
		n := 0
		for x := e; x != nil; x = x.next {
			n++
		}
		for i := rand.IntN(n); i > 0; i-- {
			e = e.next
		}
		return e.key, e.val, true
	}
}
