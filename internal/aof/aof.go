// Package aof is Switchyard's append-only file, laid out as Redis 7's
// multi-part AOF (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/):
// a directory (appenddirname) holding a base file, incremental files and a
// manifest, so redis-check-aof accepts the files and the layout is familiar.
// Every change is logged as the RESP command that reproduces it.
//
// # Concurrency contract
//
// Propagate is called with the engine lock held and only appends to an
// in-memory buffer. One flusher goroutine, owned by the AOF and stopped by
// Close, writes the buffer to the current incremental file and fsyncs by
// the policy: always (group commit: every waiter whose write is in a batch
// is released by one fsync), everysec, or no. WaitSynced blocks a client
// until its write is on disk. Lock order: fileMu, then mu.
package aof

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Fsync is the appendfsync policy.
type Fsync int

// The appendfsync policies.
const (
	FsyncEverySec Fsync = iota
	FsyncAlways
	FsyncNo
)

// ParseFsync parses "always", "everysec" or "no".
func ParseFsync(s string) (Fsync, error) {
	switch s {
	case "always":
		return FsyncAlways, nil
	case "everysec":
		return FsyncEverySec, nil
	case "no":
		return FsyncNo, nil
	}
	return 0, fmt.Errorf("appendfsync must be always, everysec or no, not %q", s)
}

// Options configures an AOF.
type Options struct {
	Dir      string // working directory (dir)
	DirName  string // appenddirname, default "appendonlydir"
	FileName string // appendfilename, default "appendonly.aof"
	Fsync    Fsync
	// LoadTruncated accepts a torn final command at load, truncating it
	// (aof-load-truncated yes, the default).
	LoadTruncated bool
	// RewritePercentage and RewriteMinSize trigger an automatic rewrite when
	// the incremental files grow past the base by that percentage and are
	// at least that many bytes (auto-aof-rewrite-percentage 100,
	// auto-aof-rewrite-min-size 64mb). Percentage 0 disables.
	RewritePercentage int
	RewriteMinSize    int64
	Log               *slog.Logger
}

// ErrClosed is returned by WaitSynced after Close.
var ErrClosed = errors.New("aof: closed")

// AOF is an open append-only file. Create it with Open.
type AOF struct {
	opts Options
	dir  string // full path of appenddirname
	log  *slog.Logger

	fileMu sync.Mutex // held while writing or rotating the file
	file   *os.File   // current incremental file
	m      *manifest
	seq    int64 // seq of the current incremental file

	mu       sync.Mutex // guards buf, lastDB, offsets, err, closed
	cond     *sync.Cond // signalled when synced advances or on error
	buf      []byte
	spare    []byte
	lastDB   int
	appended int64 // bytes appended since open (logical offset)
	written  int64
	synced   int64
	err      error
	closed   bool
	lastSync time.Time

	baseSize   int64 // size of the base file at the last rewrite/open
	incrSize   int64 // bytes in incremental files since the base
	rewriting  bool
	lastRWStat string
	rewriteFn  func() error

	wake chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
}

func (o *Options) defaults() {
	if o.DirName == "" {
		o.DirName = "appendonlydir"
	}
	if o.FileName == "" {
		o.FileName = "appendonly.aof"
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
}

// Open opens (creating if needed) the AOF in opts.Dir/opts.DirName and
// starts its flusher. It does not load anything: call Load first, before
// any Propagate.
func Open(opts Options) (*AOF, error) {
	opts.defaults()
	a := &AOF{opts: opts, dir: filepath.Join(opts.Dir, opts.DirName), log: opts.Log,
		lastDB: -1, wake: make(chan struct{}, 1), stop: make(chan struct{})}
	a.cond = sync.NewCond(&a.mu)
	if err := os.MkdirAll(a.dir, 0o755); err != nil {
		return nil, err
	}
	m, err := parseManifest(a.manifestPath())
	switch {
	case errors.Is(err, os.ErrNotExist):
		m = &manifest{}
	case err != nil:
		return nil, err
	}
	a.m = m
	if len(m.incrs) == 0 {
		// A fresh AOF: one incremental file, seq 1.
		a.seq = 1
		name := a.incrName(a.seq)
		m.incrs = append(m.incrs, fileInfo{name: name, seq: a.seq, typ: typeIncr})
		if err := writeFileAtomic(a.manifestPath(), m.encode()); err != nil {
			return nil, err
		}
	}
	last := m.incrs[len(m.incrs)-1]
	a.seq = last.seq
	f, err := os.OpenFile(filepath.Join(a.dir, last.name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	a.file = f
	if m.base != nil {
		if st, err := os.Stat(filepath.Join(a.dir, m.base.name)); err == nil {
			a.baseSize = st.Size()
		}
	}
	for _, fi := range m.incrs {
		if st, err := os.Stat(filepath.Join(a.dir, fi.name)); err == nil {
			a.incrSize += st.Size()
		}
	}
	a.lastSync = time.Now()
	a.wg.Add(1)
	go a.flushLoop()
	return a, nil
}

func (a *AOF) manifestPath() string {
	return filepath.Join(a.dir, a.opts.FileName+".manifest")
}

func (a *AOF) incrName(seq int64) string {
	return a.opts.FileName + "." + strconv.FormatInt(seq, 10) + ".incr.aof"
}

func (a *AOF) baseName(seq int64) string {
	return a.opts.FileName + "." + strconv.FormatInt(seq, 10) + ".base.aof"
}

// Dir returns the AOF directory.
func (a *AOF) Dir() string { return a.dir }

// appendCommand encodes args as a RESP array.
func appendCommand(b []byte, args [][]byte) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}

// Propagate appends a command run in database db (broker.Propagator).
// Called with the engine lock held; it never blocks on I/O.
func (a *AOF) Propagate(db int, args [][]byte) {
	a.mu.Lock()
	n := len(a.buf)
	if db != a.lastDB {
		a.buf = appendCommand(a.buf, [][]byte{[]byte("SELECT"), []byte(strconv.Itoa(db))})
		a.lastDB = db
	}
	a.buf = appendCommand(a.buf, args)
	a.appended += int64(len(a.buf) - n)
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Offset returns the logical offset after the last appended command; with
// appendfsync always a writer waits for WaitSynced(Offset()).
func (a *AOF) Offset() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.appended
}

// Always reports whether the policy is appendfsync always.
func (a *AOF) Always() bool { return a.opts.Fsync == FsyncAlways }

// WaitSynced blocks until every byte up to off is written and fsynced
// (appendfsync always; with other policies it returns at once). It returns
// the write error that stopped the AOF, if any.
func (a *AOF) WaitSynced(off int64) error {
	if a.opts.Fsync != FsyncAlways {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for a.synced < off && a.err == nil && !a.closed {
		a.cond.Wait()
	}
	if a.err != nil {
		return a.err
	}
	if a.synced < off {
		return ErrClosed
	}
	return nil
}

func (a *AOF) flushLoop() {
	defer a.wg.Done()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-a.stop:
			a.flush(true)
			return
		case <-a.wake:
		case <-tick.C:
		}
		a.flush(false)
		a.maybeAutoRewrite()
	}
}

// flush writes the buffer and fsyncs as the policy says (always on final).
func (a *AOF) flush(final bool) {
	a.fileMu.Lock()
	defer a.fileMu.Unlock()
	a.flushLocked(final)
}

func (a *AOF) flushLocked(forceSync bool) {
	a.mu.Lock()
	buf := a.buf
	a.buf = a.spare[:0]
	end := a.appended
	a.mu.Unlock()
	var err error
	if len(buf) > 0 {
		_, err = a.file.Write(buf)
	}
	doSync := forceSync || a.opts.Fsync == FsyncAlways ||
		(a.opts.Fsync == FsyncEverySec && time.Since(a.lastSync) >= time.Second)
	if err == nil && doSync && (a.synced < end || forceSync) {
		err = a.file.Sync()
		a.lastSync = time.Now()
	}
	a.mu.Lock()
	if cap(buf) <= 1<<20 {
		a.spare = buf[:0]
	}
	if err != nil {
		if a.err == nil {
			a.log.Error("AOF write failed", "err", err)
		}
		a.err = err
	} else {
		a.written = end
		a.incrSize += int64(len(buf))
		if doSync {
			a.synced = end
		}
	}
	a.cond.Broadcast()
	a.mu.Unlock()
}

// Status is what INFO persistence reports about the AOF.
type Status struct {
	LastWriteOK      bool
	RewriteRunning   bool
	LastRewriteOK    bool
	BaseSize         int64
	CurrentSize      int64
	BufferLength     int
	PendingFsyncSize int64
}

// Status returns the current status.
func (a *AOF) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	return Status{
		LastWriteOK: a.err == nil, RewriteRunning: a.rewriting, LastRewriteOK: a.lastRWStat != "err",
		BaseSize: a.baseSize, CurrentSize: a.baseSize + a.incrSize, BufferLength: len(a.buf),
		PendingFsyncSize: a.written - a.synced,
	}
}

// Close flushes and fsyncs what is buffered, stops the flusher and closes
// the file. Waiters still blocked get ErrClosed.
func (a *AOF) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.mu.Unlock()
	close(a.stop)
	a.wg.Wait()
	a.mu.Lock()
	a.closed = true
	a.cond.Broadcast()
	err := a.err
	a.mu.Unlock()
	a.fileMu.Lock()
	defer a.fileMu.Unlock()
	if cerr := a.file.Close(); err == nil {
		err = cerr
	}
	return err
}
