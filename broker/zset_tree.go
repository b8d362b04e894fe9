package broker

// zset_tree.go: the ordered half of a sorted set, a B+tree with order
// statistics. Elements live in the leaves, sorted by (score, member) as
// Redis's skip list sorts them; every internal node keeps, per child, the
// number of elements below it (so rank lookups and rank ranges are
// O(log n), as the spans of Redis's skip list make them) and the child's
// largest element (to route searches). Compared with a skip list, a B+tree
// stores an element in 24 bytes of a leaf array instead of a node with
// pointers per level, and keeps neighbours together in memory.

const (
	// zLeafMax is the capacity of a leaf. Leaves split before they would
	// pass it, so a full leaf's array is exactly one 1536-byte size class.
	zLeafMax = 64
	// zNodeMax is the fan-out of an internal node.
	zNodeMax = 64
	// zLeafMin and zNodeMin: a node below them after a deletion is merged
	// with a neighbour or takes elements from it.
	zLeafMin = zLeafMax / 4
	zNodeMin = zNodeMax / 4
	// zBuildFill is how full bulk-loaded leaves and nodes are, leaving room
	// for later inserts.
	zBuildFill = zLeafMax * 3 / 4
)

// ZMember is one element of a sorted set: a member and its score.
type ZMember struct {
	Member string
	Score  float64
}

// zless is the order of a sorted set: by score, then by member bytes
// (memcmp, shorter first on a common prefix), as Redis's zslInsert orders
// with sdscmp.
func zless(a, b ZMember) bool {
	return a.Score < b.Score || (a.Score == b.Score && a.Member < b.Member)
}

// znode is a leaf (kids == nil; items in order) or an internal node
// (kids, with maxs[i] the largest element under kids[i] and sizes[i] the
// number of elements under it).
type znode struct {
	items []ZMember
	kids  []*znode
	maxs  []ZMember
	sizes []int
}

func (n *znode) leaf() bool { return n.kids == nil }

// width is the number of entries of the node itself: items or children.
func (n *znode) width() int {
	if n.leaf() {
		return len(n.items)
	}
	return len(n.kids)
}

// size is the number of elements under n.
func (n *znode) size() int {
	if n.leaf() {
		return len(n.items)
	}
	s := 0
	for _, c := range n.sizes {
		s += c
	}
	return s
}

// max is n's largest element; n must not be empty.
func (n *znode) max() ZMember {
	if n.leaf() {
		return n.items[len(n.items)-1]
	}
	return n.maxs[len(n.maxs)-1]
}

// searchItems returns the index of the first item not less than it.
func searchItems(items []ZMember, it ZMember) int {
	lo, hi := 0, len(items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if zless(items[m], it) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// route returns the child of internal node n that holds it or would hold
// it: the first whose largest element is not less than it, else the last.
func (n *znode) route(it ZMember) int {
	i := searchItems(n.maxs, it)
	if i == len(n.kids) {
		i--
	}
	return i
}

// ztree is a B+tree of ZMembers. The zero value is an empty tree.
type ztree struct {
	root *znode
	n    int
}

// insert adds it, which must not be in the tree.
func (t *ztree) insert(it ZMember) {
	t.n++
	if t.root == nil {
		t.root = &znode{items: make([]ZMember, 0, 1)}
	}
	if right := t.root.insert(it); right != nil {
		left := t.root
		t.root = &znode{
			kids:  []*znode{left, right},
			maxs:  []ZMember{left.max(), right.max()},
			sizes: []int{left.size(), right.size()},
		}
	}
}

// insert adds it under n and returns a new right sibling when n split.
func (n *znode) insert(it ZMember) *znode {
	if n.leaf() {
		i := searchItems(n.items, it)
		if len(n.items) < zLeafMax {
			n.items = insertAt(growItems(n.items, len(n.items)+1), i, it)
			return nil
		}
		// Split before inserting so a leaf never outgrows zLeafMax. An
		// insert at the very end (ascending scores, the common case of
		// timestamps) leaves the left leaf nearly full.
		mid := zLeafMax / 2
		if i == len(n.items) {
			mid = zLeafMax - zLeafMax/8
		}
		right := &znode{items: make([]ZMember, zLeafMax-mid, zLeafMax)}
		copy(right.items, n.items[mid:])
		clear(n.items[mid:])
		n.items = n.items[:mid]
		if i <= mid {
			n.items = insertAt(n.items, i, it)
		} else {
			right.items = insertAt(right.items, i-mid, it)
		}
		return right
	}
	i := n.route(it)
	kid := n.kids[i]
	right := kid.insert(it)
	if right == nil {
		n.sizes[i]++
		n.maxs[i] = kid.max()
		return nil
	}
	n.sizes[i] = kid.size()
	n.maxs[i] = kid.max()
	n.kids = insertAt(n.kids, i+1, right)
	n.maxs = insertAt(n.maxs, i+1, right.max())
	n.sizes = insertAt(n.sizes, i+1, right.size())
	if len(n.kids) <= zNodeMax {
		return nil
	}
	mid := len(n.kids) / 2
	sib := &znode{
		kids:  append([]*znode(nil), n.kids[mid:]...),
		maxs:  append([]ZMember(nil), n.maxs[mid:]...),
		sizes: append([]int(nil), n.sizes[mid:]...),
	}
	clear(n.kids[mid:])
	clear(n.maxs[mid:])
	n.kids, n.maxs, n.sizes = n.kids[:mid], n.maxs[:mid], n.sizes[:mid]
	return sib
}

// growItems returns items with room for need elements, growing a leaf's
// array by doubling but never past zLeafMax, so leaf arrays stay in the
// size classes 24 << k bytes.
func growItems(items []ZMember, need int) []ZMember {
	if need <= cap(items) {
		return items
	}
	c := max(cap(items), 1)
	for c < need {
		c *= 2
	}
	out := make([]ZMember, len(items), min(c, zLeafMax))
	copy(out, items)
	return out
}

func insertAt[T any](s []T, i int, v T) []T {
	var zero T
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func removeAt[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	var zero T
	s[len(s)-1] = zero
	return s[:len(s)-1]
}

// delete removes it and reports whether it was there.
func (t *ztree) delete(it ZMember) bool {
	if t.root == nil || !t.root.delete(it) {
		return false
	}
	t.n--
	t.shrinkRoot()
	return true
}

func (t *ztree) shrinkRoot() {
	for t.root != nil && !t.root.leaf() && len(t.root.kids) == 1 {
		t.root = t.root.kids[0]
	}
	if t.n == 0 {
		t.root = nil
	}
}

func (n *znode) delete(it ZMember) bool {
	if n.leaf() {
		i := searchItems(n.items, it)
		if i == len(n.items) || n.items[i].Member != it.Member || n.items[i].Score != it.Score {
			return false
		}
		n.items = removeAt(n.items, i)
		return true
	}
	i := searchItems(n.maxs, it)
	if i == len(n.kids) || !n.kids[i].delete(it) {
		return false
	}
	n.sizes[i]--
	n.fixChild(i)
	return true
}

// fixChild restores the invariants of child i after elements left it: its
// max, and its fill (merging with or borrowing from a neighbour).
func (n *znode) fixChild(i int) {
	kid := n.kids[i]
	min := zNodeMin
	if kid.leaf() {
		min = zLeafMin
	}
	if kid.width() >= min || len(n.kids) == 1 {
		if kid.width() > 0 {
			n.maxs[i] = kid.max()
		}
		return
	}
	a := i
	if a == len(n.kids)-1 {
		a--
	}
	l, r := n.kids[a], n.kids[a+1]
	capacity := zNodeMax
	if l.leaf() {
		capacity = zLeafMax
	}
	if l.width()+r.width() <= capacity {
		// Merge r into l.
		if l.leaf() {
			l.items = append(growItems(l.items, len(l.items)+len(r.items)), r.items...)
		} else {
			l.kids = append(l.kids, r.kids...)
			l.maxs = append(l.maxs, r.maxs...)
			l.sizes = append(l.sizes, r.sizes...)
		}
		n.sizes[a] += n.sizes[a+1]
		n.maxs[a] = l.max()
		n.kids = removeAt(n.kids, a+1)
		n.maxs = removeAt(n.maxs, a+1)
		n.sizes = removeAt(n.sizes, a+1)
		return
	}
	// Share evenly: move entries across the boundary.
	total := l.width() + r.width()
	want := total / 2
	if l.leaf() {
		if l.width() < want {
			k := want - l.width()
			l.items = append(growItems(l.items, want), r.items[:k]...)
			copy(r.items, r.items[k:])
			clear(r.items[len(r.items)-k:])
			r.items = r.items[:len(r.items)-k]
		} else {
			k := l.width() - want
			moved := l.items[len(l.items)-k:]
			r.items = append(growItems(r.items, len(r.items)+k), moved...) // grow
			copy(r.items[k:], r.items[:len(r.items)-k])
			copy(r.items, moved)
			clear(l.items[len(l.items)-k:])
			l.items = l.items[:len(l.items)-k]
		}
	} else {
		if l.width() < want {
			k := want - l.width()
			l.kids = append(l.kids, r.kids[:k]...)
			l.maxs = append(l.maxs, r.maxs[:k]...)
			l.sizes = append(l.sizes, r.sizes[:k]...)
			r.kids = shiftLeft(r.kids, k)
			r.maxs = shiftLeft(r.maxs, k)
			r.sizes = shiftLeft(r.sizes, k)
		} else {
			k := l.width() - want
			r.kids = prepend(r.kids, l.kids[len(l.kids)-k:])
			r.maxs = prepend(r.maxs, l.maxs[len(l.maxs)-k:])
			r.sizes = prepend(r.sizes, l.sizes[len(l.sizes)-k:])
			l.kids = truncate(l.kids, len(l.kids)-k)
			l.maxs = truncate(l.maxs, len(l.maxs)-k)
			l.sizes = truncate(l.sizes, len(l.sizes)-k)
		}
	}
	n.sizes[a], n.sizes[a+1] = l.size(), r.size()
	n.maxs[a], n.maxs[a+1] = l.max(), r.max()
}

func shiftLeft[T any](s []T, k int) []T {
	copy(s, s[k:])
	clear(s[len(s)-k:])
	return s[:len(s)-k]
}

func truncate[T any](s []T, n int) []T {
	clear(s[n:])
	return s[:n]
}

func prepend[T any](s, front []T) []T {
	out := make([]T, len(front)+len(s), max(cap(s), len(front)+len(s)))
	copy(out, front)
	copy(out[len(front):], s)
	return out
}

// rank returns the 0-based position of it, which must be in the tree.
func (t *ztree) rank(it ZMember) int {
	r := 0
	n := t.root
	for !n.leaf() {
		i := n.route(it)
		for _, s := range n.sizes[:i] {
			r += s
		}
		n = n.kids[i]
	}
	return r + searchItems(n.items, it)
}

// at returns the element of rank r (0 <= r < t.n).
func (t *ztree) at(r int) ZMember {
	n := t.root
	for !n.leaf() {
		i := 0
		for r >= n.sizes[i] {
			r -= n.sizes[i]
			i++
		}
		n = n.kids[i]
	}
	return n.items[r]
}

// lowerBound returns the number of elements for which pred is false, pred
// being false then true along the order (for example "score >= min").
func (t *ztree) lowerBound(pred func(ZMember) bool) int {
	if t.root == nil {
		return 0
	}
	r := 0
	n := t.root
	for !n.leaf() {
		lo, hi := 0, len(n.maxs)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if pred(n.maxs[m]) {
				hi = m
			} else {
				lo = m + 1
			}
		}
		if lo == len(n.kids) {
			return t.n
		}
		for _, s := range n.sizes[:lo] {
			r += s
		}
		n = n.kids[lo]
	}
	lo, hi := 0, len(n.items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if pred(n.items[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return r + lo
}

// ascend calls fn for the elements of rank from, from+1, ... until fn
// returns false or the elements run out.
func (t *ztree) ascend(from int, fn func(ZMember) bool) {
	if t.root != nil && from >= 0 && from < t.n {
		t.root.ascend(from, fn)
	}
}

func (n *znode) ascend(from int, fn func(ZMember) bool) bool {
	if n.leaf() {
		for _, it := range n.items[from:] {
			if !fn(it) {
				return false
			}
		}
		return true
	}
	i := 0
	for from >= n.sizes[i] {
		from -= n.sizes[i]
		i++
	}
	for ; i < len(n.kids); i++ {
		if !n.kids[i].ascend(from, fn) {
			return false
		}
		from = 0
	}
	return true
}

// descend calls fn for the elements of rank from, from-1, ... until fn
// returns false or the elements run out.
func (t *ztree) descend(from int, fn func(ZMember) bool) {
	if t.root != nil && from >= 0 && from < t.n {
		t.root.descend(from, fn)
	}
}

func (n *znode) descend(from int, fn func(ZMember) bool) bool {
	if n.leaf() {
		for j := from; j >= 0; j-- {
			if !fn(n.items[j]) {
				return false
			}
		}
		return true
	}
	i := 0
	for from >= n.sizes[i] {
		from -= n.sizes[i]
		i++
	}
	for ; i >= 0; i-- {
		if !n.kids[i].descend(from, fn) {
			return false
		}
		if i > 0 {
			from = n.sizes[i-1] - 1
		}
	}
	return true
}

// buildTree bulk-loads elements already in order.
func buildTree(sorted []ZMember) ztree {
	if len(sorted) == 0 {
		return ztree{}
	}
	level := make([]*znode, 0, len(sorted)/zBuildFill+1)
	for _, part := range chunks(len(sorted), zBuildFill) {
		leaf := &znode{items: make([]ZMember, part[1]-part[0])}
		copy(leaf.items, sorted[part[0]:part[1]])
		level = append(level, leaf)
	}
	for len(level) > 1 {
		var up []*znode
		for _, part := range chunks(len(level), zNodeMax*3/4) {
			kids := level[part[0]:part[1]]
			n := &znode{
				kids:  append([]*znode(nil), kids...),
				maxs:  make([]ZMember, len(kids)),
				sizes: make([]int, len(kids)),
			}
			for i, k := range kids {
				n.maxs[i], n.sizes[i] = k.max(), k.size()
			}
			up = append(up, n)
		}
		level = up
	}
	return ztree{root: level[0], n: len(sorted)}
}

// chunks splits n entries into runs of about per entries each, as even as
// possible, returned as [start, end) pairs.
func chunks(n, per int) [][2]int {
	k := (n + per - 1) / per
	out := make([][2]int, k)
	start := 0
	for i := range k {
		end := start + (n-start)/(k-i)
		out[i] = [2]int{start, end}
		start = end
	}
	return out
}
