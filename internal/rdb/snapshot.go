package rdb

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/switchyard/switchyard/broker"
)

// AuxField is one aux field (RDB_OPCODE_AUX) of a dump.
type AuxField struct {
	Key, Value string
}

// WriteSnapshot writes snap (databases 0..15) to w as a complete RDB file:
// the header, the aux fields in order, each non-empty database, the
// checksum. It returns the number of keys written.
func WriteSnapshot(w io.Writer, snap *broker.Snapshot, aux []AuxField, opts Options) (int, error) {
	e := NewEncoder(w, opts)
	if err := e.Header(); err != nil {
		return 0, err
	}
	for _, a := range aux {
		if err := e.Aux(a.Key, a.Value); err != nil {
			return 0, err
		}
	}
	var keys, expires [broker.NumDBs]int
	snap.Range(func(db int, _ string, o *broker.Object) bool {
		keys[db]++
		if o.ExpireAt() != 0 {
			expires[db]++
		}
		return true
	})
	cur, n := -1, 0
	var err error
	snap.Range(func(db int, key string, o *broker.Object) bool {
		if db != cur {
			if err = e.SelectDB(db, keys[db], expires[db]); err != nil {
				return false
			}
			cur = db
		}
		err = writeObject(e, key, o)
		n++
		if opts.KeyDelay > 0 {
			time.Sleep(opts.KeyDelay)
		}
		return err == nil
	})
	if err != nil {
		return 0, err
	}
	return n, e.End()
}

// writeObject writes one key. Each kind the engine has is a case here;
// a kind without one is written from the commands its AOF rewriter emits
// (writeFromCommands), so no value is ever left out of a dump. The values
// are the snapshot's own copies, so slices into them stay valid.
func writeObject(e *Encoder, key string, o *broker.Object) error {
	k, exp := []byte(key), o.ExpireAt()
	switch o.Kind {
	case broker.KindString:
		return e.String(k, o.Str, exp)
	case broker.KindList:
		return e.List(k, o.List.Len(), o.List.Index, exp)
	case broker.KindHash:
		pairs := make([][2][]byte, 0, o.Hash.Len())
		o.Hash.Range(func(f, v []byte) bool {
			pairs = append(pairs, [2][]byte{f, v})
			return true
		})
		return e.Hash(k, pairs, exp)
	case broker.KindSet:
		// Members, not Range: Range formats an intset's members in one
		// scratch buffer.
		return e.Set(k, o.Set.Members(), exp)
	case broker.KindZSet:
		members := make([]ZMember, 0, o.ZSet.Len())
		o.ZSet.Ascend(0, func(m broker.ZMember) bool {
			members = append(members, ZMember{Member: []byte(m.Member), Score: m.Score})
			return true
		})
		return e.ZSet(k, members, exp)
	}
	return writeFromCommands(e, key, o)
}

// writeFromCommands writes a hash (HSET), set (SADD) or sorted set (ZADD)
// from the commands broker.ObjectCommands emits for it.
func writeFromCommands(e *Encoder, key string, o *broker.Object) error {
	var (
		verb    string
		members [][]byte
		pairs   [][2][]byte
		zset    []ZMember
	)
	err := broker.ObjectCommands(key, o, func(args ...[]byte) error {
		name := string(bytes.ToUpper(args[0]))
		switch {
		case name == "PEXPIREAT":
			return nil
		case verb != "" && name != verb:
			return fmt.Errorf("rdb: key %q: unexpected %s after %s", key, name, verb)
		}
		verb = name
		rest := args[2:]
		switch name {
		case "SADD":
			members = append(members, rest...)
		case "HSET", "HMSET":
			if len(rest)%2 != 0 {
				return fmt.Errorf("rdb: key %q: odd %s", key, name)
			}
			for i := 0; i < len(rest); i += 2 {
				pairs = append(pairs, [2][]byte{rest[i], rest[i+1]})
			}
		case "ZADD":
			if len(rest)%2 != 0 {
				return fmt.Errorf("rdb: key %q: odd ZADD", key)
			}
			for i := 0; i < len(rest); i += 2 {
				s, err := strconv.ParseFloat(string(rest[i]), 64)
				if err != nil {
					return fmt.Errorf("rdb: key %q: ZADD score %q", key, rest[i])
				}
				zset = append(zset, ZMember{Member: rest[i+1], Score: s})
			}
		default:
			return fmt.Errorf("rdb: key %q: no RDB encoding for %s values", key, o.Kind)
		}
		return nil
	})
	if err != nil {
		return err
	}
	k, exp := []byte(key), o.ExpireAt()
	switch verb {
	case "SADD":
		return e.Set(k, members, exp)
	case "HSET", "HMSET":
		return e.Hash(k, pairs, exp)
	case "ZADD":
		return e.ZSet(k, zset, exp)
	}
	return fmt.Errorf("rdb: key %q: no RDB encoding for %s values", key, o.Kind)
}
