package respfront

// The HyperLogLog commands
// (https://redis.io/docs/latest/commands/?group=hyperloglog), as Redis 7.0
// implements them in hyperloglog.c. The engine side, with the value format
// shared with redis-server, is broker/hyperloglog.go. Errors specific to
// HLLs carry their own codes: "WRONGTYPE Key is not a valid HyperLogLog
// string value." and "INVALIDOBJ Corrupted HLL object detected".

func hllCommands() []*Command {
	return []*Command{
		{Name: "pfadd", Handler: cmdPFAdd, Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.", Group: "hyperloglog", Since: "2.8.9"},
		{Name: "pfcount", Handler: cmdPFCount, Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).", Group: "hyperloglog", Since: "2.8.9"},
		{Name: "pfmerge", Handler: cmdPFMerge, Arity: -2, Flags: Write, FirstKey: 1, LastKey: -1, Step: 1, Summary: "Merges one or more HyperLogLog values into a single key.", Group: "hyperloglog", Since: "2.8.9"},
		{Name: "pfdebug", Handler: cmdPFDebug, Arity: 3, Flags: Write | Admin, FirstKey: 2, LastKey: 2, Step: 1, Summary: "Internal commands for debugging HyperLogLog values (GETREG, DECODE, ENCODING, TODENSE).", Group: "hyperloglog", Since: "2.8.9"},
	}
}

// PFADD key [element ...]: 1 if a register changed or the key was created,
// else 0.
func cmdPFAdd(x *Ctx) {
	updated, err := x.DB.PFAdd(x.Arg(1), x.Args[2:])
	if err != nil {
		x.Err(err)
		return
	}
	if updated {
		x.W.Int(1)
	} else {
		x.W.Int(0)
	}
}

// PFCOUNT key [key ...]: the estimated cardinality (of the union for
// several keys). A read-only command that may still write: with one key it
// stores the recomputed cardinality in the value, and is then propagated
// as Redis does, so the AOF reproduces the value byte for byte.
func cmdPFCount(x *Ctx) {
	dirty := x.Tx.Dirty()
	n, err := x.DB.PFCount(keyArgs(x.Args[1:]))
	if err != nil {
		x.Err(err)
		return
	}
	if x.Tx.Dirty() != dirty {
		x.Propagate(x.Args...)
	}
	x.W.Int(n)
}

// PFMERGE destkey [sourcekey ...]: OK.
func cmdPFMerge(x *Ctx) {
	if err := x.DB.PFMerge(x.Arg(1), keyArgs(x.Args[2:])); err != nil {
		x.Err(err)
		return
	}
	x.W.OK()
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the registers as an array of
// integers; the sparse opcodes as a string; "dense" or "sparse"; 1 if
// converted to dense, 0 if already dense. The key is checked before the
// subcommand, as in Redis. A conversion to dense (GETREG, TODENSE) does not
// signal the key as modified, as in Redis, but is propagated.
func cmdPFDebug(x *Ctx) {
	d, err := x.DB.HLLDebug(x.Arg(2))
	if err != nil {
		x.Err(err)
		return
	}
	sub := x.Args[1]
	switch {
	case cEqualFold(sub, "getreg"):
		sparse := d.Encoding() == "sparse"
		regs, err := d.Registers()
		if err != nil {
			x.Err(err)
			return
		}
		if sparse {
			x.Propagate(x.Args...) // the value became dense
		}
		x.W.Array(len(regs))
		for _, r := range regs {
			x.W.Int(int64(r))
		}
	case cEqualFold(sub, "decode"):
		s, err := d.Decode()
		if err != nil {
			x.Err(err)
			return
		}
		x.W.BulkString(s)
	case cEqualFold(sub, "encoding"):
		x.W.Simple(d.Encoding())
	case cEqualFold(sub, "todense"):
		conv, err := d.ToDense()
		if err != nil {
			x.Err(err)
			return
		}
		if conv {
			x.Propagate(x.Args...)
			x.W.Int(1)
		} else {
			x.W.Int(0)
		}
	default:
		x.W.Error("ERR Unknown PFDEBUG subcommand '" + string(cString(sub)) + "'")
	}
}
