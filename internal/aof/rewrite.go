package aof

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// Snapshot writes a point-in-time image of the dataset as commands. It runs
// in the rewrite's own goroutine and must not touch live engine state.
type Snapshot func(emit func(db int, args [][]byte) error) error

// SetRewriter installs the function that BGREWRITEAOF and the automatic
// rewrite call: with the engine lock held it must call Rotate and capture a
// Snapshot, and return it (the writing happens outside the lock).
func (a *AOF) SetRewriter(fn func() error) {
	a.mu.Lock()
	a.rewriteFn = fn
	a.mu.Unlock()
}

// Rewriting reports whether a rewrite is in progress.
func (a *AOF) Rewriting() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rewriting
}

// ErrRewriteRunning: BGREWRITEAOF while one is in progress.
var ErrRewriteRunning = fmt.Errorf("Background append only file rewriting already in progress")

// StartRewrite marks a rewrite as running; false if one already is.
func (a *AOF) StartRewrite() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rewriting {
		return false
	}
	a.rewriting = true
	return true
}

// Rotate, called with the engine lock held at the instant the snapshot is
// taken, flushes what is buffered to the current incremental file and
// opens a new one that receives every later command; the manifest lists
// both until the rewrite completes, so a crash in between loses nothing.
// It returns the sequence number for the new base file.
func (a *AOF) Rotate() (int64, error) {
	a.fileMu.Lock()
	defer a.fileMu.Unlock()
	a.flushLocked(true)
	seq := a.seq + 1
	name := a.incrName(seq)
	f, err := os.OpenFile(filepath.Join(a.dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	a.m.incrs = append(a.m.incrs, fileInfo{name: name, seq: seq, typ: typeIncr})
	if err := writeFileAtomic(a.manifestPath(), a.m.encode()); err != nil {
		f.Close()
		os.Remove(filepath.Join(a.dir, name))
		a.m.incrs = a.m.incrs[:len(a.m.incrs)-1]
		return 0, err
	}
	old := a.file
	a.file, a.seq = f, seq
	old.Close()
	a.mu.Lock()
	a.lastDB = -1 // the new file starts with a SELECT
	a.mu.Unlock()
	return seq, nil
}

// FinishRewrite writes the snapshot as the new base file (seq from Rotate),
// then makes the manifest name it and the newest incremental file only, and
// deletes the files it replaced. It always clears the running mark.
func (a *AOF) FinishRewrite(seq int64, snap Snapshot) (err error) {
	defer func() {
		a.mu.Lock()
		a.rewriting = false
		if err != nil {
			a.lastRWStat = "err"
		} else {
			a.lastRWStat = "ok"
		}
		a.mu.Unlock()
		if err != nil {
			a.log.Error("AOF rewrite failed", "err", err)
		}
	}()
	name := a.baseName(seq)
	tmp := filepath.Join(a.dir, fmt.Sprintf("temp-rewriteaof-%d.aof", os.Getpid()))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	lastDB := -1
	var scratch []byte
	err = snap(func(db int, args [][]byte) error {
		if db != lastDB {
			scratch = appendCommand(scratch[:0], [][]byte{[]byte("SELECT"), []byte(fmt.Sprint(db))})
			if _, err := w.Write(scratch); err != nil {
				return err
			}
			lastDB = db
		}
		scratch = appendCommand(scratch[:0], args)
		_, err := w.Write(scratch)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(a.dir, name)); err != nil {
		return err
	}
	a.fileMu.Lock()
	defer a.fileMu.Unlock()
	old := *a.m
	var keep []fileInfo
	for _, fi := range a.m.incrs {
		if fi.seq >= seq {
			keep = append(keep, fi)
		}
	}
	nm := &manifest{base: &fileInfo{name: name, seq: seq, typ: typeBase}, incrs: keep}
	if err := writeFileAtomic(a.manifestPath(), nm.encode()); err != nil {
		return err
	}
	a.m = nm
	if old.base != nil {
		os.Remove(filepath.Join(a.dir, old.base.name))
	}
	for _, fi := range old.incrs {
		if fi.seq < seq {
			os.Remove(filepath.Join(a.dir, fi.name))
		}
	}
	st, _ := os.Stat(filepath.Join(a.dir, name))
	a.mu.Lock()
	if st != nil {
		a.baseSize = st.Size()
	}
	a.incrSize = 0
	for _, fi := range keep {
		if s, err := os.Stat(filepath.Join(a.dir, fi.name)); err == nil {
			a.incrSize += s.Size()
		}
	}
	a.mu.Unlock()
	return nil
}

// maybeAutoRewrite starts a rewrite when the incremental files have grown
// past auto-aof-rewrite-percentage of the base and min-size.
func (a *AOF) maybeAutoRewrite() {
	a.mu.Lock()
	fn := a.rewriteFn
	pct, min := a.opts.RewritePercentage, a.opts.RewriteMinSize
	size, base, running := a.baseSize+a.incrSize, a.baseSize, a.rewriting
	a.mu.Unlock()
	if fn == nil || pct <= 0 || running || size < min {
		return
	}
	if base > 0 && (size-base)*100/base < int64(pct) {
		return
	}
	if base == 0 && size < min {
		return
	}
	if err := fn(); err != nil && err != ErrRewriteRunning {
		a.log.Error("automatic AOF rewrite", "err", err)
	}
}
