package server

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/aof"
	"github.com/switchyard/switchyard/internal/config"
	"github.com/switchyard/switchyard/internal/rdb"
	"github.com/switchyard/switchyard/respfront"
)

// persistence is the persistence manager: it owns the AOF (when appendonly
// is yes), the RDB snapshots (SAVE, BGSAVE, save points, the snapshot at
// shutdown) and the background work of both. It always exists, so SAVE
// and BGSAVE work with persistence off, as in Redis.
//
// Goroutines: cron (save points and scheduled jobs, every 100 ms) and one
// per background save or rewrite, all stopped and waited for by close.
// Locks (LOCKS.md): saveMu serializes RDB writes and is taken before the
// engine lock (a snapshot is copied under both); mu guards the state below
// it, is taken under the engine lock by INFO, and takes nothing but the
// AOF's own mutex (to ask whether a rewrite runs).
type persistence struct {
	s       *Server
	log     *slog.Logger
	aof     *aof.AOF // nil when appendonly is no
	dir     string
	rdbPath string

	loadedCommands int // AOF commands replayed at start
	loadedKeys     int // RDB keys loaded at start
	loadedExpired  int // RDB keys skipped at start as expired

	saveMu sync.Mutex // held from a snapshot's copy until its file is renamed

	mu               sync.Mutex // guards the fields below
	points           []config.SavePoint
	rdbOpts          rdb.Options
	lastSave         time.Time // last successful save (start-up time at first)
	lastTry          time.Time // last background save attempt
	bgRunning        bool
	bgStart          time.Time
	lastBGOK         bool
	lastBGSecs       int64 // -1 before the first background save
	saves            int64 // successful saves since start
	bgScheduled      bool  // BGSAVE SCHEDULE (or in EXEC) waits for a free slot
	rewriteScheduled bool  // BGREWRITEAOF waits for a background save
	shutdownSave     int   // SHUTDOWN SAVE (+1) or NOSAVE (-1); 0 follows the save points
	tmpSeq           int
	closing          bool // set by close: no new background work

	stop     chan struct{}
	cronDone chan struct{}
	bg       sync.WaitGroup // background saves and rewrites
}

// Errors with Redis's texts (without the ERR prefix).
var (
	errBGSaveRunning = errors.New("Background save already in progress")
	errChildActive   = errors.New("Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
	errAOFOff        = errors.New("Background append only file rewriting is not possible: appendonly is no")
	errShuttingDown  = errors.New("the server is shutting down")
)

// newPersistence builds the manager from the settings; it loads nothing.
func newPersistence(s *Server, dir string) (*persistence, error) {
	cfg := s.Config
	points, err := config.ParseSavePoints(cfg.Str("save"))
	if err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	return &persistence{
		s: s, log: s.log, dir: dir,
		rdbPath: filepath.Join(dir, cfg.Str("dbfilename")),
		points:  points,
		rdbOpts: rdb.Options{Compress: cfg.Bool("rdbcompression"), Checksum: cfg.Bool("rdbchecksum"),
			KeyDelay: time.Duration(cfg.Int("rdb-key-save-delay")) * time.Microsecond},
		lastSave:   s.Engine.Now(),
		lastBGOK:   true,
		lastBGSecs: -1,
		stop:       make(chan struct{}),
		cronDone:   make(chan struct{}),
	}, nil
}

// load fills the engine from disk: the AOF when appendonly is yes, else
// dump.rdb if there is one (Redis's loadDataFromDisk).
func (p *persistence) load(loader *respfront.Loader) error {
	var err error
	if p.s.Config.Bool("appendonly") {
		err = p.openAOF(loader)
	} else {
		err = p.loadRDB(loader)
	}
	if err != nil {
		return err
	}
	// What was loaded is on disk already: no change since the last save.
	p.s.Engine.Exec(func(tx *broker.Tx) { tx.MarkSaved(tx.Dirty()) })
	return nil
}

// openAOF opens the AOF, replays it into the engine through the RESP
// command table, then installs it as the engine's propagator.
func (p *persistence) openAOF(loader *respfront.Loader) error {
	s, cfg := p.s, p.s.Config
	fsync, err := aof.ParseFsync(cfg.Str("appendfsync"))
	if err != nil {
		return err
	}
	a, err := aof.Open(aof.Options{
		Dir: p.dir, DirName: cfg.Str("appenddirname"), FileName: cfg.Str("appendfilename"),
		Fsync: fsync, LoadTruncated: cfg.Bool("aof-load-truncated"),
		RewritePercentage: cfg.Int("auto-aof-rewrite-percentage"),
		RewriteMinSize:    cfg.Bytes("auto-aof-rewrite-min-size"),
		Log:               s.log,
	})
	if err != nil {
		return fmt.Errorf("AOF: %w", err)
	}
	start := time.Now()
	n, err := a.Load(loader.Exec)
	if err != nil {
		a.Close()
		return fmt.Errorf("AOF: %w", err)
	}
	var recovered int
	s.Engine.Exec(func(tx *broker.Tx) { recovered = s.Queues.FinishRecovery(tx) })
	p.loadedCommands = n
	s.log.Info("AOF loaded", "dir", a.Dir(), "commands", n, "messages", recovered, "ms", time.Since(start).Milliseconds())
	s.Engine.SetPropagator(a)
	a.SetRewriter(p.autoRewrite)
	p.aof = a
	return nil
}

// start starts the cron goroutine.
func (p *persistence) start() { go p.cron() }

// cron runs every 100 ms: it starts scheduled rewrites and saves, and a
// background save when a save point is reached (Redis's serverCron).
func (p *persistence) cron() {
	defer close(p.cronDone)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		p.runScheduled()
		p.checkSavePoints()
	}
}

// rewriting reports whether an AOF rewrite runs.
func (p *persistence) rewriting() bool { return p.aof != nil && p.aof.Rewriting() }

// runScheduled starts a rewrite or a save that had to wait.
func (p *persistence) runScheduled() {
	p.mu.Lock()
	free := !p.bgRunning && !p.rewriting()
	rw := free && p.rewriteScheduled
	bg := free && !rw && p.bgScheduled
	if rw {
		p.rewriteScheduled = false
	}
	if bg {
		p.bgScheduled = false
	}
	p.mu.Unlock()
	switch {
	case rw:
		if err := p.startRewrite(); err != nil && err != aof.ErrRewriteRunning && err != errShuttingDown {
			p.log.Error("scheduled AOF rewrite", "err", err)
		}
	case bg:
		if _, err := p.BGSave(false, false); err != nil && err != errBGSaveRunning && err != errShuttingDown {
			p.log.Error("scheduled background save", "err", err)
		}
	}
}

// BGRewriteAOF starts an AOF rewrite, or schedules it while a background
// save runs or inside EXEC (Redis's bgrewriteaofCommand).
func (p *persistence) BGRewriteAOF(inExec bool) (scheduled bool, err error) {
	if p.aof == nil {
		return false, errAOFOff
	}
	if p.aof.Rewriting() {
		return false, aof.ErrRewriteRunning
	}
	p.mu.Lock()
	if p.bgRunning || inExec {
		p.rewriteScheduled = true
		p.mu.Unlock()
		return true, nil
	}
	p.mu.Unlock()
	return false, p.startRewrite()
}

// autoRewrite is the AOF's automatic rewrite; it waits while a
// background save runs (the AOF retries on its next tick).
func (p *persistence) autoRewrite() error {
	p.mu.Lock()
	busy := p.bgRunning
	p.mu.Unlock()
	if busy {
		return nil
	}
	if err := p.startRewrite(); err != errShuttingDown {
		return err
	}
	return nil
}

// startRewrite: under the engine lock the AOF switches to a new
// incremental file and the dataset is copied; a goroutine then writes the
// copy as the new base file.
func (p *persistence) startRewrite() error {
	if !p.track() {
		return errShuttingDown
	}
	if !p.aof.StartRewrite() {
		p.bg.Done()
		return aof.ErrRewriteRunning
	}
	var snap *broker.Snapshot
	var qcmds [][][]byte
	var seq int64
	var err error
	p.s.Engine.Exec(func(tx *broker.Tx) {
		seq, err = p.aof.Rotate()
		if err == nil {
			snap = tx.Snapshot()
			qcmds = p.s.Queues.SnapshotCommands(tx)
		}
	})
	if err != nil {
		p.aof.FinishRewrite(0, func(func(int, [][]byte) error) error { return err })
		p.bg.Done()
		return err
	}
	go func() {
		defer p.bg.Done()
		write := func(emit func(db int, args [][]byte) error) error {
			if err := snap.Commands(emit); err != nil {
				return err
			}
			for _, c := range qcmds {
				if err := emit(broker.NumDBs, c); err != nil {
					return err
				}
			}
			return nil
		}
		if err := p.aof.FinishRewrite(seq, write); err == nil {
			p.log.Info("AOF rewrite done", "keys", snap.Len())
		}
	}()
	return nil
}

// track registers a background job with bg, unless close has begun.
func (p *persistence) track() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return false
	}
	p.bg.Add(1)
	return true
}

// Configure applies CONFIG SET of save, rdbcompression or
// rdb-key-save-delay (values already validated by the configuration).
func (p *persistence) Configure(name, value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch name {
	case "save":
		p.points, _ = config.ParseSavePoints(value)
	case "rdbcompression":
		p.rdbOpts.Compress = value == "yes"
	case "rdb-key-save-delay":
		n, _ := strconv.Atoi(value)
		p.rdbOpts.KeyDelay = time.Duration(n) * time.Microsecond
	}
}

// SetShutdownSave records SHUTDOWN's SAVE or NOSAVE for the shutdown that
// follows.
func (p *persistence) SetShutdownSave(save, nosave bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case save:
		p.shutdownSave = 1
	case nosave:
		p.shutdownSave = -1
	}
}

// Info returns INFO persistence's fields, in Redis 7.0's order (the fork
// and copy-on-write fields are left out: there is no fork).
func (p *persistence) Info(tx *broker.Tx) [][2]string {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	ok := func(v bool) string {
		if v {
			return "ok"
		}
		return "err"
	}
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	p.mu.Lock()
	cur := int64(-1)
	if p.bgRunning {
		cur = int64(time.Since(p.bgStart).Seconds())
	}
	out := [][2]string{
		{"loading", "0"},
		{"async_loading", "0"},
		{"rdb_changes_since_last_save", i64(tx.ChangesSinceSave())},
		{"rdb_bgsave_in_progress", b(p.bgRunning)},
		{"rdb_last_save_time", i64(p.lastSave.Unix())},
		{"rdb_last_bgsave_status", ok(p.lastBGOK)},
		{"rdb_last_bgsave_time_sec", i64(p.lastBGSecs)},
		{"rdb_current_bgsave_time_sec", i64(cur)},
		{"rdb_saves", i64(p.saves)},
		{"rdb_last_load_keys_expired", strconv.Itoa(p.loadedExpired)},
		{"rdb_last_load_keys_loaded", strconv.Itoa(p.loadedKeys)},
	}
	rwScheduled := p.rewriteScheduled
	p.mu.Unlock()
	if p.aof == nil {
		return append(out,
			[2]string{"aof_enabled", "0"},
			[2]string{"aof_rewrite_in_progress", "0"},
			[2]string{"aof_rewrite_scheduled", "0"},
			[2]string{"aof_last_bgrewrite_status", "ok"},
			[2]string{"aof_last_write_status", "ok"})
	}
	st := p.aof.Status()
	return append(out, [][2]string{
		{"aof_enabled", "1"},
		{"aof_rewrite_in_progress", b(st.RewriteRunning)},
		{"aof_rewrite_scheduled", b(rwScheduled)},
		{"aof_last_bgrewrite_status", ok(st.LastRewriteOK)},
		{"aof_last_write_status", ok(st.LastWriteOK)},
		{"aof_current_size", i64(st.CurrentSize)},
		{"aof_base_size", i64(st.BaseSize)},
		{"aof_pending_rewrite", "0"},
		{"aof_buffer_length", strconv.Itoa(st.BufferLength)},
		{"aof_pending_bio_fsync", "0"},
		{"aof_delayed_fsync", "0"},
		{"aof_loaded_commands", strconv.Itoa(p.loadedCommands)},
	}...)
}

// close stops the background work and waits for it; with final set it
// then writes the shutdown snapshot (when save points are set, or SHUTDOWN
// SAVE asked, and SHUTDOWN NOSAVE did not) and closes the AOF.
func (p *persistence) close(final bool) error {
	p.mu.Lock()
	p.closing = true
	p.mu.Unlock()
	close(p.stop)
	<-p.cronDone
	p.bg.Wait()
	var err error
	if final {
		p.mu.Lock()
		save := p.shutdownSave > 0 || (p.shutdownSave == 0 && len(p.points) > 0)
		p.mu.Unlock()
		if save {
			p.log.Info("saving the final RDB snapshot before exiting")
			if err = p.Save(); err != nil {
				p.log.Error("error trying to save the DB", "err", err)
			}
		}
	}
	if p.aof != nil {
		if aerr := p.aof.Close(); err == nil {
			err = aerr
		}
	}
	return err
}

func dataDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	return abs
}
