package aof

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// fileType is a manifest entry's type, as Redis 7 writes it.
type fileType byte

const (
	typeBase fileType = 'b'
	typeHist fileType = 'h'
	typeIncr fileType = 'i'
)

type fileInfo struct {
	name string
	seq  int64
	typ  fileType
}

// manifest is Redis 7's multi-part AOF manifest (appendonly.aof.manifest):
// one line per file, "file <name> seq <n> type <b|h|i>".
type manifest struct {
	base  *fileInfo
	incrs []fileInfo
	hist  []fileInfo
}

func (m *manifest) encode() []byte {
	var b strings.Builder
	if m.base != nil {
		fmt.Fprintf(&b, "file %s seq %d type b\n", m.base.name, m.base.seq)
	}
	for _, f := range m.hist {
		fmt.Fprintf(&b, "file %s seq %d type h\n", f.name, f.seq)
	}
	for _, f := range m.incrs {
		fmt.Fprintf(&b, "file %s seq %d type i\n", f.name, f.seq)
	}
	return []byte(b.String())
}

func parseManifest(path string) (*manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := &manifest{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		w := strings.Fields(text)
		fi := fileInfo{}
		for i := 0; i+1 < len(w); i += 2 {
			switch w[i] {
			case "file":
				fi.name = w[i+1]
			case "seq":
				n, err := strconv.ParseInt(w[i+1], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: invalid seq", path, line)
				}
				fi.seq = n
			case "type":
				fi.typ = fileType(w[i+1][0])
			}
		}
		if fi.name == "" || strings.ContainsAny(fi.name, "/\\") {
			return nil, fmt.Errorf("%s:%d: invalid file name", path, line)
		}
		switch fi.typ {
		case typeBase:
			if m.base != nil {
				return nil, fmt.Errorf("%s:%d: more than one base file", path, line)
			}
			b := fi
			m.base = &b
		case typeIncr:
			m.incrs = append(m.incrs, fi)
		case typeHist:
			m.hist = append(m.hist, fi)
		default:
			return nil, fmt.Errorf("%s:%d: unknown file type", path, line)
		}
	}
	return m, sc.Err()
}

// writeFileAtomic writes data to path through a temporary file, fsync and
// rename, then fsyncs the directory, so a crash leaves the old or the new
// file, never a torn one.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
