package aof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// CorruptError reports a damaged AOF: the file and the byte offset of the
// first command that could not be read.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("bad file format reading the append only file %s at offset %d: %s (use 'switchyard check-aof --fix %s' to repair)", e.File, e.Offset, e.Reason, e.File)
}

// errTruncated marks a command cut short by the end of the file.
var errTruncated = errors.New("unexpected end of file")

// maxArgs and maxBulk bound what a command in an AOF may declare.
const (
	maxArgs = 1 << 20
	maxBulk = 512 << 20
)

// Reader reads RESP commands from an AOF file, counting byte offsets.
type Reader struct {
	br  *bufio.Reader
	off int64 // offset after the last complete command
	pos int64
}

// NewReader reads commands from r.
func NewReader(r io.Reader) *Reader { return &Reader{br: bufio.NewReaderSize(r, 1<<16)} }

// Offset returns the offset just after the last complete command.
func (r *Reader) Offset() int64 { return r.off }

func (r *Reader) line() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	r.pos += int64(len(b))
	if err == io.EOF {
		return nil, errTruncated
	}
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[len(b)-2] != '\r' {
		return nil, errors.New("line not terminated by CRLF")
	}
	return b[:len(b)-2], nil
}

// Next returns the next command, io.EOF at a clean end, errTruncated when
// the file ends inside a command, or another error for garbage.
func (r *Reader) Next() ([][]byte, error) {
	if _, err := r.br.Peek(1); err == io.EOF {
		return nil, io.EOF
	}
	head, err := r.line()
	if err != nil {
		return nil, err
	}
	if len(head) < 2 || head[0] != '*' {
		return nil, fmt.Errorf("expected '*', got %q", truncate(head))
	}
	n, err := strconv.Atoi(string(head[1:]))
	if err != nil || n < 1 || n > maxArgs {
		return nil, fmt.Errorf("invalid array length %q", truncate(head))
	}
	args := make([][]byte, n)
	for i := range args {
		h, err := r.line()
		if err != nil {
			return nil, err
		}
		if len(h) < 2 || h[0] != '$' {
			return nil, fmt.Errorf("expected '$', got %q", truncate(h))
		}
		size, err := strconv.Atoi(string(h[1:]))
		if err != nil || size < 0 || size > maxBulk {
			return nil, fmt.Errorf("invalid bulk length %q", truncate(h))
		}
		buf := make([]byte, size+2)
		got, err := io.ReadFull(r.br, buf)
		r.pos += int64(got)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errTruncated
		}
		if err != nil {
			return nil, err
		}
		if buf[size] != '\r' || buf[size+1] != '\n' {
			return nil, errors.New("bulk string not terminated by CRLF")
		}
		args[i] = buf[:size:size]
	}
	r.off = r.pos
	return args, nil
}

func truncate(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}

// Load replays every file of the AOF, base first, calling fn for each
// command with the database it runs in (SELECT is applied, not passed on).
// Commands between MULTI and EXEC are passed on only when the EXEC is
// present. A torn last command of the last file is truncated with a warning
// when LoadTruncated is set and is an error otherwise; damage anywhere else
// is a *CorruptError naming the file and offset.
func (a *AOF) Load(fn func(db int, args [][]byte) error) (commands int, err error) {
	var files []fileInfo
	if a.m.base != nil {
		files = append(files, *a.m.base)
	}
	files = append(files, a.m.incrs...)
	db := 0
	for i, fi := range files {
		path := filepath.Join(a.dir, fi.name)
		n, err := a.loadFile(path, i == len(files)-1, &db, fn)
		commands += n
		if err != nil {
			return commands, err
		}
	}
	return commands, nil
}

func (a *AOF) loadFile(path string, last bool, db *int, fn func(int, [][]byte) error) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && last {
		return 0, nil // an incremental file not written yet
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := NewReader(f)
	type queued struct {
		db   int
		args [][]byte
	}
	var multi []queued
	inMulti := false
	multiStart := int64(0)
	count := 0
	for {
		args, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errTruncated) && last {
				cut := r.Offset()
				if inMulti {
					cut = multiStart
				}
				if !a.opts.LoadTruncated {
					return count, &CorruptError{File: path, Offset: r.Offset(), Reason: "truncated command at end of file (aof-load-truncated is no)"}
				}
				a.log.Warn("AOF ends with a truncated command: truncating", "file", path, "offset", cut)
				if err := os.Truncate(path, cut); err != nil {
					return count, err
				}
				return count, nil
			}
			return count, &CorruptError{File: path, Offset: r.Offset(), Reason: err.Error()}
		}
		name := string(args[0])
		switch {
		case equalFold(name, "select") && len(args) == 2:
			n, err := strconv.Atoi(string(args[1]))
			if err != nil || n < 0 {
				return count, &CorruptError{File: path, Offset: r.Offset(), Reason: "invalid SELECT"}
			}
			*db = n
			continue
		case equalFold(name, "multi"):
			inMulti, multi, multiStart = true, nil, r.Offset()
			continue
		case equalFold(name, "exec") && inMulti:
			for _, c := range multi {
				if err := fn(c.db, c.args); err != nil {
					return count, err
				}
				count++
			}
			inMulti, multi = false, nil
			continue
		}
		if inMulti {
			multi = append(multi, queued{*db, args})
			continue
		}
		if err := fn(*db, args); err != nil {
			return count, err
		}
		count++
	}
	if inMulti && last {
		a.log.Warn("AOF ends inside MULTI: discarding the unfinished transaction", "file", path)
		if a.opts.LoadTruncated {
			if err := os.Truncate(path, multiStart); err != nil {
				return count, err
			}
		}
	}
	return count, nil
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != b[i] {
			return false
		}
	}
	return true
}
