package broker

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// HyperLogLog (https://redis.io/docs/latest/develop/data-types/probabilistic/hyperloglogs/)
// in Redis 7.0's exact representation (hyperloglog.c), so that PFADD and
// PFMERGE build the same bytes as redis-server and both servers read each
// other's values (GET/SET, DUMP/RESTORE) and count them alike.
//
// An HLL is a plain string value:
//
//	+------+---+-----+----------+-----------
//	| HYLL | E | N/U | Cardin.  | registers
//	+------+---+-----+----------+-----------
//
// "HYLL", the encoding E (0 dense, 1 sparse), three unused bytes, and the
// cached cardinality as a little-endian 64-bit integer whose most
// significant bit (bit 7 of byte 15) marks the cache invalid. 16384 6-bit
// registers (P = 14 index bits of a 64-bit MurmurHash64A, Q = 50 bits for
// the run of zeros) follow, either dense (12288 bytes, packed from the least
// significant bit of each byte) or sparse (run-length opcodes: ZERO
// 00xxxxxx for 1-64 zero registers, XZERO 01xxxxxx yyyyyyyy for 1-16384,
// VAL 1vvvvvxx for 1-4 registers of value 1-32). A sparse HLL is promoted to
// dense when a register needs a value above 32 or when it would grow past
// HLLSparseMaxBytes. The estimate is Otmar Ertl's register-histogram
// estimator that Redis uses since 5.0.

// hllError is an HLL error with its own RESP error code.
type hllError struct{ code, msg string }

func (e *hllError) Error() string { return e.msg }

// Code returns the RESP error code (WRONGTYPE, INVALIDOBJ).
func (e *hllError) Code() string { return e.code }

var (
	// ErrNotHLL: the key holds a string that is not a valid HyperLogLog
	// (Redis: "WRONGTYPE Key is not a valid HyperLogLog string value.").
	// Its Code method gives the RESP error code.
	ErrNotHLL error = &hllError{"WRONGTYPE", "Key is not a valid HyperLogLog string value."}
	// ErrHLLCorrupt: a sparse HLL whose opcodes do not describe exactly
	// 16384 registers (Redis: "INVALIDOBJ Corrupted HLL object detected").
	// Its Code method gives the RESP error code.
	ErrHLLCorrupt error = &hllError{"INVALIDOBJ", "Corrupted HLL object detected"}
	// ErrHLLNoKey: PFDEBUG on a missing key.
	ErrHLLNoKey error = &hllError{"ERR", "The specified key does not exist"}
	// ErrHLLNotSparse: PFDEBUG DECODE of a dense HLL.
	ErrHLLNotSparse error = &hllError{"ERR", "HLL encoding is not sparse"}
)

// HLLSparseMaxBytes is Redis's hll-sparse-max-bytes default: a sparse HLL
// that would grow past it (header included) is promoted to dense.
const HLLSparseMaxBytes = 3000

const (
	hllP           = 14
	hllQ           = 64 - hllP
	hllRegisters   = 1 << hllP
	hllPMask       = hllRegisters - 1
	hllBits        = 6
	hllRegisterMax = 1<<hllBits - 1
	hllHdrSize     = 16
	hllDenseSize   = hllHdrSize + (hllRegisters*hllBits+7)/8
	hllDense       = 0
	hllSparse      = 1
	hllMaxEncoding = 1

	hllSparseValMaxValue = 32
	hllSparseValMaxLen   = 4
	hllSparseZeroMaxLen  = 64
	hllSparseXZeroMaxLen = 16384

	hllAlphaInf = 0.721347520444481703680 // 0.5/ln(2)
	hllSeed     = 0xadc83b19
)

// murmurHash64A is MurmurHash2, 64-bit version, reading 8-byte blocks as
// little endian as Redis does on every architecture.
func murmurHash64A(key []byte, seed uint64) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	h := seed ^ uint64(len(key))*m
	for len(key) >= 8 {
		k := binary.LittleEndian.Uint64(key)
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
		key = key[8:]
	}
	if n := len(key); n > 0 {
		for i := n - 1; i >= 0; i-- {
			h ^= uint64(key[i]) << (8 * i)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// hllPatLen returns the register an element hashes to and the length of
// the "000..1" pattern of the remaining hash bits (1..Q+1).
func hllPatLen(ele []byte) (index int, count uint8) {
	h := murmurHash64A(ele, hllSeed)
	index = int(h & hllPMask)
	h >>= hllP
	h |= 1 << hllQ
	return index, uint8(bits.TrailingZeros64(h) + 1)
}

// Dense registers. regs is the register area (12288 bytes); the byte after
// the last one, which Redis reads from the sds terminator, counts as 0.

func hllDenseGet(regs []byte, i int) uint8 {
	b, fb := i*hllBits/8, uint(i*hllBits&7)
	x := uint(regs[b]) >> fb
	if b+1 < len(regs) {
		x |= uint(regs[b+1]) << (8 - fb)
	}
	return uint8(x & hllRegisterMax)
}

func hllDenseSetReg(regs []byte, i int, v uint8) {
	b, fb := i*hllBits/8, uint(i*hllBits&7)
	regs[b] &^= byte(hllRegisterMax << fb)
	regs[b] |= v << fb
	if b+1 < len(regs) {
		regs[b+1] &^= byte(hllRegisterMax >> (8 - fb))
		regs[b+1] |= v >> (8 - fb)
	}
}

// hllDenseSet raises register i to count if it is lower and reports
// whether it did.
func hllDenseSet(regs []byte, i int, count uint8) bool {
	if count > hllDenseGet(regs, i) {
		hllDenseSetReg(regs, i, count)
		return true
	}
	return false
}

// Sparse opcodes.

func spIsZero(c byte) bool  { return c&0xc0 == 0 }
func spIsXZero(c byte) bool { return c&0xc0 == 0x40 }
func spIsVal(c byte) bool   { return c&0x80 != 0 }
func spZeroLen(c byte) int  { return int(c&0x3f) + 1 }
func spValValue(c byte) int { return int(c>>2&0x1f) + 1 }
func spValLen(c byte) int   { return int(c&0x3) + 1 }

// spXZeroLen reads an XZERO at s[p]; a second byte missing from a truncated
// value reads as 0 (Redis reads the sds terminator).
func spXZeroLen(s []byte, p int) int {
	lo := 0
	if p+1 < len(s) {
		lo = int(s[p+1])
	}
	return (int(s[p]&0x3f)<<8 | lo) + 1
}

func spVal(v, n int) byte { return byte((v-1)<<2|(n-1)) | 0x80 }

// appendZeros appends a ZERO or XZERO opcode for n zero registers.
func appendZeros(seq []byte, n int) []byte {
	if n > hllSparseZeroMaxLen {
		return append(seq, byte((n-1)>>8)|0x40, byte((n-1)&0xff))
	}
	return append(seq, byte(n-1))
}

// newHLL returns an empty sparse HLL: the header and XZERO opcodes for
// every register. Its cached cardinality is 0 and valid.
func newHLL() []byte {
	s := make([]byte, hllHdrSize, hllHdrSize+64)
	copy(s, "HYLL")
	s[4] = hllSparse
	for left := hllRegisters; left > 0; left -= hllSparseXZeroMaxLen {
		s = appendZeros(s, min(left, hllSparseXZeroMaxLen))
	}
	return s
}

// hllInvalidate marks the cached cardinality stale.
func hllInvalidate(s []byte) { s[15] |= 0x80 }

// hllSparseToDense converts a sparse HLL to dense, copying the header
// (cached cardinality included); a dense one is returned as it is. ok is
// false if the opcodes do not cover exactly 16384 registers.
func hllSparseToDense(s []byte) (dense []byte, ok bool) {
	if s[4] == hllDense {
		return s, true
	}
	dense = make([]byte, hllDenseSize)
	copy(dense, s[:hllHdrSize])
	dense[4] = hllDense
	regs := dense[hllHdrSize:]
	idx := 0
	for p := hllHdrSize; p < len(s); {
		c := s[p]
		switch {
		case spIsZero(c):
			idx += spZeroLen(c)
			p++
		case spIsXZero(c):
			idx += spXZeroLen(s, p)
			p += 2
		default:
			n, v := spValLen(c), spValValue(c)
			if n+idx > hllRegisters {
				return nil, false // a run past the last register (Redis 7.0.15 rejects it)
			}
			for ; n > 0; n-- {
				hllDenseSetReg(regs, idx, uint8(v))
				idx++
			}
			p++
		}
	}
	if idx != hllRegisters {
		return nil, false
	}
	return dense, true
}

// hllSparseSet raises register index of the sparse HLL s to count if it is
// lower, splitting and merging opcodes in place exactly as Redis's
// hllSparseSet does, and promoting s to dense when count is above 32 or
// when s would grow past HLLSparseMaxBytes. It returns the (possibly new)
// value and 1 if a register changed, 0 if not, -1 if s is corrupt.
func hllSparseSet(s []byte, index int, count uint8) ([]byte, int) {
	if count > hllSparseValMaxValue {
		return hllPromote(s, index, count)
	}
	// Step 1: find the opcode covering index.
	end := len(s)
	p, prev := hllHdrSize, -1
	first, span := 0, 0
	for p < end {
		oplen := 1
		c := s[p]
		switch {
		case spIsZero(c):
			span = spZeroLen(c)
		case spIsVal(c):
			span = spValLen(c)
		default:
			span = spXZeroLen(s, p)
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = p
		p += oplen
		first += span
	}
	if span == 0 || p >= end {
		return s, -1
	}
	c := s[p]
	next := p + 1
	if spIsXZero(c) {
		next = p + 2
	}
	if next >= end {
		next = -1
	}
	isZero, isXZero, isVal := spIsZero(c), spIsXZero(c), spIsVal(c)
	var runlen int
	switch {
	case isZero:
		runlen = spZeroLen(c)
	case isXZero:
		runlen = spXZeroLen(s, p)
	default:
		runlen = spValLen(c)
	}

	// Step 2: the trivial cases update the opcode in place.
	updated := false
	if isVal {
		if spValValue(c) >= int(count) {
			return s, 0 // A: already as large
		}
		if runlen == 1 { // B
			s[p] = spVal(int(count), 1)
			updated = true
		}
	}
	if !updated && isZero && runlen == 1 { // C
		s[p] = spVal(int(count), 1)
		updated = true
	}
	if !updated {
		// D: split the opcode into up to three (at most 5 bytes).
		var seqBuf [5]byte
		seq := seqBuf[:0]
		last := first + span - 1
		if isZero || isXZero {
			if index != first {
				seq = appendZeros(seq, index-first)
			}
			seq = append(seq, spVal(int(count), 1))
			if index != last {
				seq = appendZeros(seq, last-index)
			}
		} else {
			cur := spValValue(c)
			if index != first {
				seq = append(seq, spVal(cur, index-first))
			}
			seq = append(seq, spVal(int(count), 1))
			if index != last {
				seq = append(seq, spVal(cur, last-index))
			}
		}
		// Step 3: substitute the new sequence for the old opcode.
		oldlen := 1
		if isXZero {
			oldlen = 2
		}
		delta := len(seq) - oldlen
		if delta > 0 && len(s)+delta > HLLSparseMaxBytes {
			return hllPromote(s, index, count)
		}
		newLen := end + delta
		if delta > 0 {
			if newLen > cap(s) {
				grown := make([]byte, end, min(max(newLen+newLen, 64), HLLSparseMaxBytes+8))
				copy(grown, s)
				s = grown
			}
			s = s[:newLen]
		}
		if delta != 0 && next >= 0 {
			copy(s[next+delta:], s[next:end])
		}
		s = s[:newLen]
		copy(s[p:], seq)
		end = newLen
	}

	// Step 4: merge adjacent VAL opcodes of equal value, scanning up to
	// five opcodes from the one before the change.
	p = hllHdrSize
	if prev >= 0 {
		p = prev
	}
	for scan := 5; p < end && scan > 0; {
		scan--
		c := s[p]
		if spIsXZero(c) {
			p += 2
			continue
		}
		if spIsZero(c) {
			p++
			continue
		}
		if p+1 < end && spIsVal(s[p+1]) {
			v1, v2 := spValValue(c), spValValue(s[p+1])
			if n := spValLen(c) + spValLen(s[p+1]); v1 == v2 && n <= hllSparseValMaxLen {
				s[p+1] = spVal(v1, n)
				copy(s[p:], s[p+1:end])
				end--
				s = s[:end]
				continue
			}
		}
		p++
	}
	hllInvalidate(s)
	return s, 1
}

// hllPromote converts s to dense and sets register index to count.
func hllPromote(s []byte, index int, count uint8) ([]byte, int) {
	d, ok := hllSparseToDense(s)
	if !ok {
		return s, -1
	}
	hllDenseSet(d[hllHdrSize:], index, count)
	return d, 1
}

// hllAdd adds ele to the HLL s and returns the new value and 1 if a
// register changed, 0 if not, -1 if s is corrupt.
func hllAdd(s []byte, ele []byte) ([]byte, int) {
	index, count := hllPatLen(ele)
	switch s[4] {
	case hllDense:
		if hllDenseSet(s[hllHdrSize:], index, count) {
			return s, 1
		}
		return s, 0
	case hllSparse:
		return hllSparseSet(s, index, count)
	}
	return s, -1
}

// hllHisto fills h with how many registers hold each value; invalid is
// true for a sparse HLL that does not describe exactly 16384 registers.
func hllHisto(s []byte, h *[64]int) (invalid bool) {
	if s[4] == hllDense {
		r := s[hllHdrSize:]
		for i := 0; i+2 < len(r); i += 3 {
			b0, b1, b2 := r[i], r[i+1], r[i+2]
			h[b0&63]++
			h[(b0>>6|b1<<2)&63]++
			h[(b1>>4|b2<<4)&63]++
			h[b2>>2]++
		}
		return false
	}
	idx := 0
	for p := hllHdrSize; p < len(s); {
		c := s[p]
		switch {
		case spIsZero(c):
			n := spZeroLen(c)
			idx += n
			h[0] += n
			p++
		case spIsXZero(c):
			n := spXZeroLen(s, p)
			idx += n
			h[0] += n
			p += 2
		default:
			n := spValLen(c)
			idx += n
			h[spValValue(c)] += n
			p++
		}
	}
	return idx != hllRegisters
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		zPrime := z
		z += float64(x * y) // float64(): never fused into an FMA, as in Redis's x86-64 build
		y += y
		if zPrime == z {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zPrime := z
		y *= 0.5
		z -= float64((1 - x) * (1 - x) * y)
		if zPrime == z {
			return z / 3
		}
	}
}

// hllEstimate is Redis's hllCount over a register histogram ("New
// cardinality estimation algorithms for HyperLogLog sketches", Otmar Ertl,
// arXiv:1702.01284).
func hllEstimate(h *[64]int) uint64 {
	const m = float64(hllRegisters)
	z := m * hllTau((m-float64(h[hllQ+1]))/m)
	for j := hllQ; j >= 1; j-- {
		z += float64(h[j])
		z *= 0.5
	}
	z += float64(m * hllSigma(float64(h[0])/m))
	return uint64(math.Round(hllAlphaInf * m * m / z))
}

// checkHLL returns ErrWrongType if o is not a string and ErrNotHLL if it is
// not a valid HLL: shorter than the header, without the magic, of an
// unknown encoding, or dense of the wrong length (isHLLObjectOrReply).
func checkHLL(o *Object) error {
	if o.Kind != KindString {
		return ErrWrongType
	}
	s := o.Str
	if len(s) < hllHdrSize || string(s[:4]) != "HYLL" || s[4] > hllMaxEncoding ||
		(s[4] == hllDense && len(s) != hllDenseSize) {
		return ErrNotHLL
	}
	return nil
}

// PFAdd adds elems to the HLL at key, creating it (sparse) if missing, and
// reports whether a register changed or the key was created (PFADD). The
// TTL is kept. Errors: ErrWrongType, ErrNotHLL; ErrHLLCorrupt for a
// corrupt sparse HLL (registers changed by the elements before are kept).
func (db *DB) PFAdd(key string, elems [][]byte) (bool, error) {
	o := db.Lookup(key)
	updated := false
	if o == nil {
		o = NewString(newHLL())
		db.Add(key, o)
		updated = true
	} else if err := checkHLL(o); err != nil {
		return false, err
	}
	for _, e := range elems {
		var r int
		o.Str, r = hllAdd(o.Str, e)
		switch r {
		case 1:
			updated = true
		case -1:
			return false, ErrHLLCorrupt
		}
	}
	if updated {
		hllInvalidate(o.Str)
		db.Touch(key)
	}
	return updated, nil
}

// PFCount returns the estimated cardinality of the HLL at one key, or of
// the union of the HLLs at several keys (PFCOUNT); missing keys count as
// empty. With one key the cached cardinality is used if valid, otherwise
// computed and stored into the value (which signals the key as modified).
// Errors: ErrWrongType, ErrNotHLL, ErrHLLCorrupt.
func (db *DB) PFCount(keys []string) (int64, error) {
	if len(keys) > 1 {
		var regs [hllRegisters]uint8
		for _, k := range keys {
			o := db.LookupRead(k)
			if o == nil {
				continue
			}
			if err := checkHLL(o); err != nil {
				return 0, err
			}
			if !hllMerge(&regs, o.Str) {
				return 0, ErrHLLCorrupt
			}
		}
		var h [64]int
		for _, r := range regs {
			h[r]++
		}
		return int64(hllEstimate(&h)), nil
	}
	o := db.LookupRead(keys[0])
	if o == nil {
		return 0, nil
	}
	if err := checkHLL(o); err != nil {
		return 0, err
	}
	s := o.Str
	if s[15]&0x80 == 0 {
		return int64(binary.LittleEndian.Uint64(s[8:16])), nil
	}
	var h [64]int
	if hllHisto(s, &h) {
		return 0, ErrHLLCorrupt
	}
	card := hllEstimate(&h)
	binary.LittleEndian.PutUint64(s[8:16], card)
	db.Touch(keys[0])
	return int64(card), nil
}

// hllMerge raises each of regs to the matching register of the HLL s;
// false if s is a corrupt sparse HLL.
func hllMerge(regs *[hllRegisters]uint8, s []byte) bool {
	if s[4] == hllDense {
		r := s[hllHdrSize:]
		for i := range regs {
			regs[i] = max(regs[i], hllDenseGet(r, i))
		}
		return true
	}
	i := 0
	for p := hllHdrSize; p < len(s); {
		c := s[p]
		switch {
		case spIsZero(c):
			i += spZeroLen(c)
			p++
		case spIsXZero(c):
			i += spXZeroLen(s, p)
			p += 2
		default:
			n, v := spValLen(c), uint8(spValValue(c))
			if n+i > hllRegisters {
				return false
			}
			for ; n > 0; n-- {
				regs[i] = max(regs[i], v)
				i++
			}
			p++
		}
	}
	return i == hllRegisters
}

// PFMerge stores at dest the union of the HLLs at dest and srcs (PFMERGE):
// dest is created sparse if missing, becomes dense if any input is dense,
// and keeps its TTL. Errors: ErrWrongType, ErrNotHLL, ErrHLLCorrupt.
func (db *DB) PFMerge(dest string, srcs []string) error {
	var regs [hllRegisters]uint8
	dense := false
	for i := -1; i < len(srcs); i++ {
		k := dest
		if i >= 0 {
			k = srcs[i]
		}
		o := db.LookupRead(k)
		if o == nil {
			continue
		}
		if err := checkHLL(o); err != nil {
			return err
		}
		if o.Str[4] == hllDense {
			dense = true
		}
		if !hllMerge(&regs, o.Str) {
			return ErrHLLCorrupt
		}
	}
	o := db.Lookup(dest)
	if o == nil {
		o = NewString(newHLL())
		db.Add(dest, o)
	}
	if dense {
		d, ok := hllSparseToDense(o.Str)
		if !ok {
			return ErrHLLCorrupt
		}
		o.Str = d
	}
	for j, v := range regs {
		if v == 0 {
			continue
		}
		if o.Str[4] == hllDense {
			hllDenseSet(o.Str[hllHdrSize:], j, v)
		} else {
			o.Str, _ = hllSparseSet(o.Str, j, v)
		}
	}
	hllInvalidate(o.Str)
	db.Touch(dest)
	return nil
}

// HLLDebug is the HLL at one key, for PFDEBUG's subcommands.
type HLLDebug struct {
	o *Object
}

// HLLDebug looks up key for PFDEBUG. Errors: ErrHLLNoKey, ErrWrongType,
// ErrNotHLL.
func (db *DB) HLLDebug(key string) (*HLLDebug, error) {
	o := db.Lookup(key)
	if o == nil {
		return nil, ErrHLLNoKey
	}
	if err := checkHLL(o); err != nil {
		return nil, err
	}
	return &HLLDebug{o: o}, nil
}

// Registers returns the 16384 registers (PFDEBUG GETREG), converting a
// sparse HLL to dense first, as Redis does. ErrHLLCorrupt if it is corrupt.
func (d *HLLDebug) Registers() ([]uint8, error) {
	if _, err := d.ToDense(); err != nil {
		return nil, err
	}
	out := make([]uint8, hllRegisters)
	r := d.o.Str[hllHdrSize:]
	for i := range out {
		out[i] = hllDenseGet(r, i)
	}
	return out, nil
}

// Decode describes the opcodes of a sparse HLL (PFDEBUG DECODE): "z:N" for
// ZERO, "Z:N" for XZERO, "v:VALUE,N" for VAL, separated by spaces.
// ErrHLLNotSparse for a dense HLL.
func (d *HLLDebug) Decode() (string, error) {
	s := d.o.Str
	if s[4] != hllSparse {
		return "", ErrHLLNotSparse
	}
	var b strings.Builder
	for p := hllHdrSize; p < len(s); {
		c := s[p]
		switch {
		case spIsZero(c):
			b.WriteString("z:" + strconv.Itoa(spZeroLen(c)) + " ")
			p++
		case spIsXZero(c):
			b.WriteString("Z:" + strconv.Itoa(spXZeroLen(s, p)) + " ")
			p += 2
		default:
			b.WriteString("v:" + strconv.Itoa(spValValue(c)) + "," + strconv.Itoa(spValLen(c)) + " ")
			p++
		}
	}
	return strings.TrimRight(b.String(), " "), nil
}

// Encoding returns "dense" or "sparse" (PFDEBUG ENCODING).
func (d *HLLDebug) Encoding() string {
	if d.o.Str[4] == hllDense {
		return "dense"
	}
	return "sparse"
}

// ToDense converts a sparse HLL to dense and reports whether it converted
// (PFDEBUG TODENSE). ErrHLLCorrupt if it is corrupt.
func (d *HLLDebug) ToDense() (bool, error) {
	if d.o.Str[4] == hllDense {
		return false, nil
	}
	dense, ok := hllSparseToDense(d.o.Str)
	if !ok {
		return false, ErrHLLCorrupt
	}
	d.o.Str = dense
	return true, nil
}
