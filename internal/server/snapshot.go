package server

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/switchyard/switchyard/broker"
	"github.com/switchyard/switchyard/internal/config"
	"github.com/switchyard/switchyard/internal/rdb"
	"github.com/switchyard/switchyard/respfront"
)

// bgsaveRetry is how long a failed background save blocks the save points
// (Redis's CONFIG_BGSAVE_RETRY_DELAY).
const bgsaveRetry = 5 * time.Second

// capture is a point-in-time copy of everything a dump holds.
type capture struct {
	snap  *broker.Snapshot
	qcmds [][][]byte // the messaging state, as rebuilding commands
	dirty int64      // the engine's change counter at the copy
}

// capture copies the dataset and the messaging state under the engine
// lock. Clients wait during the copy, then go on while it is written.
func (p *persistence) capture() capture {
	var c capture
	p.s.Engine.Exec(func(tx *broker.Tx) {
		c.snap = tx.Snapshot()
		c.qcmds = p.s.Queues.SnapshotCommands(tx)
		c.dirty = tx.Dirty()
	})
	return c
}

// Save writes a snapshot and returns when it is on disk (SAVE). Unlike
// Redis's SAVE it does not stop other clients beyond the copy.
func (p *persistence) Save() error {
	p.mu.Lock()
	if p.bgRunning {
		p.mu.Unlock()
		return errBGSaveRunning
	}
	p.mu.Unlock()
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	start := time.Now()
	c := p.capture()
	err := p.writeRDB(c)
	p.finish(false, c.dirty, start, err)
	return err
}

// BGSave starts a background save (BGSAVE): the copy is taken now, the
// file is written by a goroutine. While an AOF rewrite runs it fails, or
// with schedule is scheduled to start when the rewrite ends; inside EXEC
// it is always scheduled (Redis's bgsaveCommand).
func (p *persistence) BGSave(schedule, inExec bool) (scheduled bool, err error) {
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		return false, errShuttingDown
	}
	if p.bgRunning {
		p.mu.Unlock()
		return false, errBGSaveRunning
	}
	if inExec || p.rewriting() {
		if !schedule && !inExec {
			p.mu.Unlock()
			return false, errChildActive
		}
		p.bgScheduled = true
		p.mu.Unlock()
		return true, nil
	}
	now := p.s.Engine.Now()
	p.bgRunning, p.bgStart, p.lastTry = true, now, now
	p.bg.Add(1) // under mu: close cannot have started waiting
	p.mu.Unlock()

	p.saveMu.Lock() // released by the writer goroutine
	c := p.capture()
	go func() {
		defer p.bg.Done()
		defer p.saveMu.Unlock()
		err := p.writeRDB(c)
		p.finish(true, c.dirty, now, err)
	}()
	p.log.Info("background saving started")
	return false, nil
}

// LastSave returns the Unix time of the last successful save (LASTSAVE).
func (p *persistence) LastSave() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastSave.Unix()
}

// finish records the outcome of a save whose copy was taken when the
// change counter was dirty.
func (p *persistence) finish(bg bool, dirty int64, start time.Time, err error) {
	now := p.s.Engine.Now()
	p.mu.Lock()
	if bg {
		p.bgRunning = false
		p.lastBGSecs = int64(now.Sub(start).Seconds())
		p.lastBGOK = err == nil
	}
	if err == nil {
		p.lastSave = now
		p.saves++
		p.lastBGOK = true // Redis's rdbSave sets it too
	}
	p.mu.Unlock()
	if err != nil {
		p.log.Error("RDB save failed", "file", p.rdbPath, "err", err)
		return
	}
	p.s.Engine.Exec(func(tx *broker.Tx) { tx.MarkSaved(dirty) })
	p.log.Info("DB saved on disk", "file", p.rdbPath, "background", bg, "ms", time.Since(start).Milliseconds())
}

// writeRDB writes c to a temporary file in dir, fsyncs it and renames it
// over dbfilename, then fsyncs the directory: a crash leaves the old dump
// or the new one, never a torn one.
func (p *persistence) writeRDB(c capture) error {
	p.mu.Lock()
	opts := p.rdbOpts
	p.tmpSeq++
	tmp := filepath.Join(p.dir, fmt.Sprintf("temp-%d-%d.rdb", os.Getpid(), p.tmpSeq))
	p.mu.Unlock()
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	aux := []rdb.AuxField{
		{Key: "redis-ver", Value: respfront.RedisVersion},
		{Key: "redis-bits", Value: strconv.Itoa(strconv.IntSize)},
		{Key: "ctime", Value: strconv.FormatInt(p.s.Engine.Now().Unix(), 10)},
		{Key: "used-mem", Value: strconv.FormatUint(ms.HeapAlloc, 10)},
		{Key: "aof-base", Value: "0"},
	}
	if len(c.qcmds) > 0 {
		aux = append(aux, rdb.AuxField{Key: rdb.AuxBroker, Value: string(rdb.EncodeCommands(c.qcmds))})
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, err = rdb.WriteSnapshot(w, c.snap, aux, opts)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p.rdbPath)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(p.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// checkSavePoints starts a background save when a save point is reached:
// at least Changes changes and more than Seconds seconds since the last
// save, and the last background save succeeded or failed more than 5 s
// ago. Nothing starts while a save or a rewrite runs.
func (p *persistence) checkSavePoints() {
	now := p.s.Engine.Now()
	p.mu.Lock()
	points := p.points
	idle := !p.bgRunning && !p.rewriting()
	since := now.Sub(p.lastSave)
	retryOK := p.lastBGOK || now.Sub(p.lastTry) > bgsaveRetry
	p.mu.Unlock()
	if len(points) == 0 || !idle || !retryOK {
		return
	}
	var changes int64
	p.s.Engine.Exec(func(tx *broker.Tx) { changes = tx.ChangesSinceSave() })
	if sp, ok := dueSavePoint(points, changes, since); ok {
		p.log.Info("save point reached: saving", "changes", changes, "seconds", sp.Seconds)
		if _, err := p.BGSave(false, false); err != nil && err != errBGSaveRunning && err != errShuttingDown {
			p.log.Error("background save", "err", err)
		}
	}
}

// dueSavePoint returns the first save point reached with changes changes
// made in since: at least its Changes, and strictly more than its Seconds
// (Redis's serverCron test).
func dueSavePoint(points []config.SavePoint, changes int64, since time.Duration) (config.SavePoint, bool) {
	for _, sp := range points {
		if changes >= sp.Changes && since > time.Duration(sp.Seconds)*time.Second {
			return sp, true
		}
	}
	return config.SavePoint{}, false
}

// loadRDB loads dbfilename from dir, if it exists, through the command
// table: every key as the commands that rebuild it (keys already expired
// are skipped, as a Redis master skips them), then the messaging state.
func (p *persistence) loadRDB(loader *respfront.Loader) error {
	if _, err := os.Stat(p.rdbPath); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	start := time.Now()
	nowMs := p.s.Engine.NowMs()
	st, err := rdb.DecodeFile(p.rdbPath, rdb.Visitor{
		Aux: func(key, value string) error {
			switch key {
			case "redis-ver":
				p.log.Info("loading RDB produced by version " + value)
			case rdb.AuxBroker:
				cmds, err := rdb.DecodeCommands([]byte(value))
				if err != nil {
					return fmt.Errorf("RDB %s: aux field %s: %w", p.rdbPath, rdb.AuxBroker, err)
				}
				for _, c := range cmds {
					if err := loader.Exec(broker.NumDBs, c); err != nil {
						return fmt.Errorf("RDB %s: messaging state: %w", p.rdbPath, err)
					}
				}
			}
			return nil
		},
		Key: func(k *rdb.Key) error {
			if k.ExpireAt != 0 && k.ExpireAt <= nowMs {
				p.loadedExpired++
				return nil
			}
			p.loadedKeys++
			err := k.Commands(func(args ...[]byte) error { return loader.Exec(k.DB, args) })
			if err != nil {
				return fmt.Errorf("RDB %s: key %q (%s) in database %d: %w", p.rdbPath, k.Key, k.Kind, k.DB, err)
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	var recovered int
	p.s.Engine.Exec(func(tx *broker.Tx) { recovered = p.s.Queues.FinishRecovery(tx) })
	p.log.Info("DB loaded from disk", "file", p.rdbPath, "version", st.Version, "keys", p.loadedKeys,
		"expired", p.loadedExpired, "messages", recovered, "ms", time.Since(start).Milliseconds())
	return nil
}
