package broker

// List is a double-ended queue of byte strings on a growable ring buffer:
// O(1) push and pop at both ends and O(1) indexing. Its elements are not
// copied; callers hand over ownership of the slices they push.
type List struct {
	buf  [][]byte
	head int
	n    int
}

// NewList returns an empty list.
func NewList() *List { return &List{} }

// Len returns the number of elements.
func (l *List) Len() int { return l.n }

func (l *List) grow() {
	size := len(l.buf) * 2
	if size == 0 {
		size = 4
	}
	nb := make([][]byte, size)
	for i := 0; i < l.n; i++ {
		nb[i] = l.buf[(l.head+i)%len(l.buf)]
	}
	l.buf, l.head = nb, 0
}

func (l *List) shrink() {
	if len(l.buf) > 64 && l.n*4 < len(l.buf) {
		nb := make([][]byte, len(l.buf)/2)
		for i := 0; i < l.n; i++ {
			nb[i] = l.buf[(l.head+i)%len(l.buf)]
		}
		l.buf, l.head = nb, 0
	}
}

// PushLeft inserts v at the head.
func (l *List) PushLeft(v []byte) {
	if l.n == len(l.buf) {
		l.grow()
	}
	l.head = (l.head - 1 + len(l.buf)) % len(l.buf)
	l.buf[l.head] = v
	l.n++
}

// PushRight appends v at the tail.
func (l *List) PushRight(v []byte) {
	if l.n == len(l.buf) {
		l.grow()
	}
	l.buf[(l.head+l.n)%len(l.buf)] = v
	l.n++
}

// PopLeft removes and returns the head; ok is false when empty.
func (l *List) PopLeft() (v []byte, ok bool) {
	if l.n == 0 {
		return nil, false
	}
	v = l.buf[l.head]
	l.buf[l.head] = nil
	l.head = (l.head + 1) % len(l.buf)
	l.n--
	l.shrink()
	return v, true
}

// PopRight removes and returns the tail; ok is false when empty.
func (l *List) PopRight() (v []byte, ok bool) {
	if l.n == 0 {
		return nil, false
	}
	i := (l.head + l.n - 1) % len(l.buf)
	v = l.buf[i]
	l.buf[i] = nil
	l.n--
	l.shrink()
	return v, true
}

// Index returns element i (0 is the head); i must be in [0, Len).
func (l *List) Index(i int) []byte { return l.buf[(l.head+i)%len(l.buf)] }

// SetIndex replaces element i; i must be in [0, Len).
func (l *List) SetIndex(i int, v []byte) { l.buf[(l.head+i)%len(l.buf)] = v }

// Insert puts v before position i (0..Len); O(n).
func (l *List) Insert(i int, v []byte) {
	l.PushRight(nil)
	for j := l.n - 1; j > i; j-- {
		l.SetIndex(j, l.Index(j-1))
	}
	l.SetIndex(i, v)
}

// RemoveAt deletes element i; O(n).
func (l *List) RemoveAt(i int) {
	for j := i; j < l.n-1; j++ {
		l.SetIndex(j, l.Index(j+1))
	}
	l.PopRight()
}

// Filter keeps the elements for which keep returns true, in order, and
// returns how many were removed; O(n).
func (l *List) Filter(keep func(i int, v []byte) bool) int {
	w := 0
	for r := 0; r < l.n; r++ {
		v := l.Index(r)
		if keep(r, v) {
			l.SetIndex(w, v)
			w++
		}
	}
	removed := l.n - w
	for l.n > w {
		l.PopRight()
	}
	return removed
}

// Range calls fn for elements start..stop (inclusive, 0-based, already
// clamped by the caller) until fn returns false.
func (l *List) Range(start, stop int, fn func(v []byte) bool) {
	for i := start; i <= stop && i < l.n; i++ {
		if !fn(l.Index(i)) {
			return
		}
	}
}
