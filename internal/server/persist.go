package server

import (
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/aof"
	"github.com/switchyard/switchyard/respfront"
)

// persistence owns the AOF and its background rewrites.
type persistence struct {
	s   *Server
	aof *aof.AOF
	wg  sync.WaitGroup // background rewrites

	loadedCommands int
	loadTime       time.Duration
}

// openAOF opens the AOF, replays it into the engine through the RESP
// command table, then installs it as the engine's propagator.
func (s *Server) openAOF(loader *respfront.Loader) (*persistence, error) {
	cfg := s.Config
	fsync, err := aof.ParseFsync(cfg.Str("appendfsync"))
	if err != nil {
		return nil, err
	}
	a, err := aof.Open(aof.Options{
		Dir: cfg.Str("dir"), DirName: cfg.Str("appenddirname"), FileName: cfg.Str("appendfilename"),
		Fsync: fsync, LoadTruncated: cfg.Bool("aof-load-truncated"),
		RewritePercentage: cfg.Int("auto-aof-rewrite-percentage"),
		RewriteMinSize:    cfg.Bytes("auto-aof-rewrite-min-size"),
		Log:               s.log,
	})
	if err != nil {
		return nil, err
	}
	p := &persistence{s: s, aof: a}
	start := time.Now()
	n, err := a.Load(loader.Exec)
	if err != nil {
		a.Close()
		return nil, err
	}
	var recovered int
	s.Engine.Exec(func(tx *broker.Tx) { recovered = s.Queues.FinishRecovery(tx) })
	p.loadedCommands, p.loadTime = n, time.Since(start)
	s.log.Info("AOF loaded", "dir", a.Dir(), "commands", n, "messages", recovered, "ms", p.loadTime.Milliseconds())
	s.Engine.SetPropagator(a)
	a.SetRewriter(p.BGRewriteAOF)
	return p, nil
}

// BGRewriteAOF starts a rewrite: under the engine lock the AOF switches to
// a new incremental file and the dataset is copied; a goroutine then writes
// the copy as the new base file.
func (p *persistence) BGRewriteAOF() error {
	if !p.aof.StartRewrite() {
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
		return err
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
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
			p.s.log.Info("AOF rewrite done", "keys", snap.Len())
		}
	}()
	return nil
}

// Info returns INFO persistence's fields.
func (p *persistence) Info() [][2]string {
	st := p.aof.Status()
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
	return [][2]string{
		{"loading", "0"},
		{"aof_enabled", "1"},
		{"aof_rewrite_in_progress", b(st.RewriteRunning)},
		{"aof_rewrite_scheduled", "0"},
		{"aof_last_bgrewrite_status", ok(st.LastRewriteOK)},
		{"aof_last_write_status", ok(st.LastWriteOK)},
		{"aof_current_size", strconv.FormatInt(st.CurrentSize, 10)},
		{"aof_base_size", strconv.FormatInt(st.BaseSize, 10)},
		{"aof_buffer_length", strconv.Itoa(st.BufferLength)},
		{"aof_pending_bio_fsync", "0"},
		{"aof_delayed_fsync", "0"},
		{"aof_loaded_commands", strconv.Itoa(p.loadedCommands)},
	}
}

func (p *persistence) close() error {
	p.wg.Wait()
	return p.aof.Close()
}

func dataDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	return abs
}

var _ = fmt.Sprint
