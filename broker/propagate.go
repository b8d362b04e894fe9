package broker

// Propagator receives every change to the dataset as the command that
// reproduces it (Redis's propagate(): what the AOF and replicas see), in
// order, with the engine lock held. Implementations only buffer: they never
// block or do I/O while called.
type Propagator interface {
	// Propagate records args (command name first) to be replayed in
	// database db (0..15, or 16 for the broker namespace).
	Propagate(db int, args [][]byte)
}

// SetPropagator installs p (nil: none). Call it before serving clients.
func (e *Engine) SetPropagator(p Propagator) {
	e.mu.Lock()
	e.prop = p
	e.mu.Unlock()
}

// Propagate records a change for the AOF as the command args run in db.
// It is a no-op without a Propagator (persistence off).
func (tx *Tx) Propagate(db int, args ...[]byte) {
	if tx.e.prop == nil || tx.e.loading {
		return
	}
	if tx.capture != nil {
		// Copy: the args may be the very bytes of a stored value (a string
		// keeps its SET argument), which a later command of the same
		// transaction can change in place (SETRANGE, SETBIT, BITFIELD,
		// PFADD) before the capture is logged.
		c := make([][]byte, len(args))
		for i, a := range args {
			c[i] = append([]byte(nil), a...)
		}
		*tx.capture = append(*tx.capture, Propagated{db, c})
		return
	}
	tx.e.prop.Propagate(db, args)
}

// Propagated is one captured change: a command and its database.
type Propagated struct {
	DB   int
	Args [][]byte
}

// Capture collects the changes fn propagates instead of passing them on,
// and returns them (EXEC wraps them in MULTI/EXEC).
func (tx *Tx) Capture(fn func()) []Propagated {
	var out []Propagated
	prev := tx.capture
	tx.capture = &out
	defer func() { tx.capture = prev }()
	fn()
	return out
}

// Propagating reports whether changes are being recorded, so callers can
// skip building propagated commands when nobody listens.
func (tx *Tx) Propagating() bool { return tx.e.prop != nil && !tx.e.loading }

// Dirty returns the number of changes made since the engine started
// (Redis's server.dirty): every key modification counts one.
func (tx *Tx) Dirty() int64 { return tx.e.dirty }

// SetLoading marks the engine as replaying its persistence files: nothing
// is propagated while loading.
func (tx *Tx) SetLoading(on bool) { tx.e.loading = on }

// Loading reports whether the engine is replaying its files.
func (tx *Tx) Loading() bool { return tx.e.loading }

// ChangesSinceSave returns the number of changes since the last snapshot
// (INFO rdb_changes_since_last_save), and MarkSaved resets it.
func (tx *Tx) ChangesSinceSave() int64 { return tx.e.dirty - tx.e.dirtyAtSave }

// MarkSaved records that a snapshot of the state as it was when Dirty
// returned dirty is on disk: the changes made since then still count as
// unsaved (Redis's dirty - dirty_before_bgsave). An older mark than the
// current one is ignored.
func (tx *Tx) MarkSaved(dirty int64) {
	if dirty > tx.e.dirtyAtSave {
		tx.e.dirtyAtSave = dirty
	}
}
