package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hdt3213/rdb/crc64jones"
	"github.com/hdt3213/rdb/model"
)

// Check reads the dump at path the way redis-check-rdb does and reports to
// out: one line per aux field and database, then "Checksum OK" and
// "\o/ RDB looks OK! \o/", or "--- RDB ERROR DETECTED ---" with the offset
// of the first problem. It also checks that the AuxBroker field holds
// well-formed commands. It reports whether the file is sound.
//
// Unlike loading, Check parses before verifying the checksum, so that it
// can name the first bad offset.
func Check(path string, out io.Writer, now time.Time) bool {
	pf := func(off int64, format string, args ...any) {
		fmt.Fprintf(out, "[offset %d] %s\n", off, fmt.Sprintf(format, args...))
	}
	var keys, expires, expired int
	info := func() {
		fmt.Fprintf(out, "[info] %d keys read\n", keys)
		fmt.Fprintf(out, "[info] %d expires\n", expires)
		fmt.Fprintf(out, "[info] %d already expired\n", expired)
	}
	fail := func(off int64, reason string) bool {
		fmt.Fprintln(out, "--- RDB ERROR DETECTED ---")
		pf(off, "%s", reason)
		info()
		return false
	}
	pf(0, "Checking RDB file %s", path)
	f, err := os.Open(path)
	if err != nil {
		return fail(0, err.Error())
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail(0, err.Error())
	}
	if _, err := readVersion(f); err != nil {
		return fail(0, err.Error())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(0, err.Error())
	}
	lastDB := -1
	nowMs := now.UnixMilli()
	end, err := parse(f, func(o model.RedisObject, off int64) error {
		switch x := o.(type) {
		case *model.AuxObject:
			if x.Key == AuxBroker {
				cmds, err := DecodeCommands([]byte(x.Value))
				if err != nil {
					return fmt.Errorf("%w: aux field %s: %v", errParse, AuxBroker, err)
				}
				pf(off, "AUX FIELD %s = (%d commands, %d bytes)", x.Key, len(cmds), len(x.Value))
				return nil
			}
			pf(off, "AUX FIELD %s = '%s'", x.Key, x.Value)
			return nil
		case *model.DBSizeObject:
			if err := checkDB(x.DB); err != nil {
				return err
			}
			pf(off, "Selecting DB ID %d", x.DB)
			lastDB = x.DB
			return nil
		}
		k, err := toKey(o)
		if err != nil {
			return err
		}
		if k.DB != lastDB {
			pf(off, "Selecting DB ID %d", k.DB)
			lastDB = k.DB
		}
		keys++
		if k.ExpireAt != 0 {
			expires++
			if k.ExpireAt < nowMs {
				expired++
			}
		}
		return nil
	})
	if err != nil {
		reason := err.Error()
		if errors.Is(err, errParse) {
			reason = strings.TrimPrefix(reason, errParse.Error()+": ")
		}
		return fail(end, reason)
	}
	// The parser has read the 8 checksum bytes after the EOF opcode when
	// the file has them all; when it has fewer, it stopped before them.
	if rest := st.Size() - end; end < 17 || (rest > 0 && rest < 8) {
		return fail(st.Size(), "unexpected EOF reading RDB file (in the checksum)")
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], end-8); err != nil {
		return fail(end-8, err.Error())
	}
	stored := binary.LittleEndian.Uint64(tail[:])
	if stored == 0 {
		pf(end, "RDB file was saved with checksum disabled: no check performed.")
	} else {
		h := crc64jones.New()
		if _, err := io.Copy(h, io.NewSectionReader(f, 0, end-8)); err != nil {
			return fail(end, err.Error())
		}
		if h.Sum64() != stored {
			return fail(end, "RDB CRC error")
		}
		pf(end, "Checksum OK")
	}
	if end < st.Size() {
		pf(end, "%d bytes after the checksum are ignored", st.Size()-end)
	}
	pf(end, "\\o/ RDB looks OK! \\o/")
	info()
	return true
}
