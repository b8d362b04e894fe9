package broker

import "strconv"

// Snapshot is a point-in-time copy of databases 0..15, taken under the
// engine lock by Tx.Snapshot and then read without it (AOF rewrite,
// snapshots), while clients keep changing the live data.
type Snapshot struct {
	dbs [NumDBs][]snapKey
}

type snapKey struct {
	key string
	obj *Object // a deep copy; expireAt carried in obj
}

// Snapshot copies every live key of databases 0..15. It runs under the
// lock and costs a copy of the dataset (Go cannot fork as Redis does).
func (tx *Tx) Snapshot() *Snapshot {
	s := &Snapshot{}
	for i := 0; i < NumDBs; i++ {
		db := tx.e.dbs[i]
		keys := make([]snapKey, 0, db.Len())
		db.Range(func(k string, o *Object) bool {
			c := o.Clone()
			c.expireAt = o.expireAt
			keys = append(keys, snapKey{k, c})
			return true
		})
		s.dbs[i] = keys
	}
	return s
}

// Len returns the number of keys in the snapshot.
func (s *Snapshot) Len() int {
	n := 0
	for _, d := range s.dbs {
		n += len(d)
	}
	return n
}

// Range calls fn for every key in database order until fn returns false.
func (s *Snapshot) Range(fn func(db int, key string, o *Object) bool) {
	for i, d := range s.dbs {
		for _, k := range d {
			if !fn(i, k.key, k.obj) {
				return
			}
		}
	}
}

// chunk is how many elements one rewritten command carries (Redis's
// AOF_REWRITE_ITEMS_PER_CMD).
const chunk = 64

// Commands emits, for every key, the commands that rebuild it (SET, RPUSH,
// ... then PEXPIREAT for a TTL), as Redis's rewriteAppendOnlyFile does.
func (s *Snapshot) Commands(emit func(db int, args [][]byte) error) error {
	var err error
	s.Range(func(db int, key string, o *Object) bool {
		err = objectCommands(key, o, func(args ...[]byte) error { return emit(db, args) })
		return err == nil
	})
	return err
}

func objectCommands(key string, o *Object, emit func(args ...[]byte) error) error {
	k := []byte(key)
	switch o.Kind {
	case KindString:
		if o.expireAt != 0 {
			return emit([]byte("SET"), k, o.Str, []byte("PXAT"), []byte(strconv.FormatInt(o.expireAt, 10)))
		}
		return emit([]byte("SET"), k, o.Str)
	case KindList:
		for i := 0; i < o.List.Len(); i += chunk {
			args := [][]byte{[]byte("RPUSH"), k}
			for j := i; j < i+chunk && j < o.List.Len(); j++ {
				args = append(args, o.List.Index(j))
			}
			if err := emit(args...); err != nil {
				return err
			}
		}
	default:
		if err := emitTyped(k, o, emit); err != nil {
			return err
		}
	}
	if o.expireAt != 0 {
		return emit([]byte("PEXPIREAT"), k, []byte(strconv.FormatInt(o.expireAt, 10)))
	}
	return nil
}

// emitTyped rebuilds the value kinds defined in their own files (hashes,
// sets, sorted sets); each family registers its rewriter in typeRewriters.
func emitTyped(k []byte, o *Object, emit func(args ...[]byte) error) error {
	if f := typeRewriters[o.Kind]; f != nil {
		return f(k, o, emit)
	}
	return nil
}

// typeRewriters maps a Kind to the function that emits the commands
// rebuilding a value of that kind (AOF rewrite).
var typeRewriters = map[Kind]func(k []byte, o *Object, emit func(args ...[]byte) error) error{}

// ObjectCommands emits the commands that rebuild o at key, as the AOF
// rewrite writes them, its TTL included (SET ... PXAT, or PEXPIREAT after
// the others). Snapshot writers use it for kinds they have no native
// encoding for.
func ObjectCommands(key string, o *Object, emit func(args ...[]byte) error) error {
	return objectCommands(key, o, emit)
}
