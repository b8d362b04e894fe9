package aof

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Check verifies an AOF the way redis-check-aof does and reports to out
// in its words. path is a manifest (multi-part AOF: the base file and every
// incremental file it lists are checked), a directory holding one
// manifest (appenddirname), or a single RESP file (old-style AOF). For
// each file it prints "AOF analyzed: filename=..., size=..., ok_up_to=...,
// ok_up_to_line=..., diff=..." where ok_up_to is the offset after the last
// sound command (before an unfinished MULTI). With fix, a damaged last
// file is truncated to ok_up_to without asking, and the check passes;
// damage in an earlier file cannot be fixed that way. It reports whether
// the AOF is valid (after fixing).
func Check(path string, fix bool, out io.Writer) bool {
	st, err := os.Stat(path)
	if err != nil {
		fmt.Fprintf(out, "Cannot read file: %s (%v)\n", path, err)
		return false
	}
	if st.IsDir() {
		ms, _ := filepath.Glob(filepath.Join(path, "*.manifest"))
		if len(ms) != 1 {
			fmt.Fprintf(out, "Cannot find exactly one *.manifest in directory %s (found %d)\n", path, len(ms))
			return false
		}
		path = ms[0]
	}
	if !isManifest(path) {
		fmt.Fprintln(out, "Start checking Old-Style AOF")
		return checkFile(path, filepath.Base(path), true, fix, out, "AOF")
	}
	fmt.Fprintln(out, "Start checking Multi Part AOF")
	m, err := parseManifest(path)
	if err != nil {
		fmt.Fprintf(out, "Invalid AOF manifest file format: %v\n", err)
		return false
	}
	if m.base == nil && len(m.incrs) == 0 {
		fmt.Fprintf(out, "Invalid AOF manifest file format: %s lists no file\n", path)
		return false
	}
	dir := filepath.Dir(path)
	if m.base != nil {
		fmt.Fprintln(out, "Start to check BASE AOF (RESP format).")
		if !checkFile(filepath.Join(dir, m.base.name), m.base.name, len(m.incrs) == 0, fix, out, "BASE AOF") {
			return false
		}
	}
	if len(m.incrs) > 0 {
		fmt.Fprintln(out, "Start to check INCR files.")
		for i, fi := range m.incrs {
			if !checkFile(filepath.Join(dir, fi.name), fi.name, i == len(m.incrs)-1, fix, out, "INCR AOF") {
				return false
			}
		}
	}
	fmt.Fprintln(out, "All AOF files and manifest are valid")
	return true
}

// isManifest reports whether the file looks like a manifest: its first
// non-comment line starts with "file ".
func isManifest(path string) bool {
	if strings.HasSuffix(path, ".manifest") {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 4096))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		return strings.HasPrefix(line, "file ")
	}
	return false
}

// checkFile checks one RESP file; label prefixes the verdict ("BASE AOF").
func checkFile(path, name string, last, fix bool, out io.Writer, label string) bool {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(out, "Cannot open file %s: %v\n", path, err)
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fmt.Fprintf(out, "Cannot stat file %s: %v\n", path, err)
		return false
	}
	if st.Size() >= 5 {
		head := make([]byte, 5)
		if _, err := f.ReadAt(head, 0); err == nil && string(head) == "REDIS" {
			fmt.Fprintf(out, "%s %s starts with an RDB preamble, which Switchyard does not write: check that part with redis-check-aof\n", label, name)
			return false
		}
	}
	ok, reason := scan(f)
	size := st.Size()
	if reason != "" {
		fmt.Fprintf(out, "0x%16x: %s\n", ok, reason)
	}
	line, err := countLines(path, ok)
	if err != nil {
		fmt.Fprintf(out, "Cannot read file %s: %v\n", path, err)
		return false
	}
	diff := size - ok
	fmt.Fprintf(out, "AOF analyzed: filename=%s, size=%d, ok_up_to=%d, ok_up_to_line=%d, diff=%d\n", name, size, ok, line, diff)
	if diff == 0 {
		fmt.Fprintf(out, "%s %s is valid\n", label, name)
		return true
	}
	if !fix {
		fmt.Fprintf(out, "AOF %s is not valid. Use the --fix option to try fixing it.\n", name)
		return false
	}
	if !last {
		fmt.Fprintf(out, "Failed to truncate AOF %s because it is not the last file\n", name)
		return false
	}
	fmt.Fprintf(out, "This will shrink the AOF %s from %d bytes, with %d bytes, to %d bytes\n", name, size, diff, ok)
	if err := os.Truncate(path, ok); err != nil {
		fmt.Fprintf(out, "Failed to truncate AOF %s: %v\n", name, err)
		return false
	}
	fmt.Fprintf(out, "Successfully truncated AOF %s\n", name)
	return true
}

// scan reads every command of r and returns the offset after the last
// sound one (before an unfinished MULTI) and why reading stopped there
// ("" when the whole file is sound).
func scan(r io.Reader) (ok int64, reason string) {
	rd := NewReader(r)
	inMulti := false
	multiStart := int64(0)
	for {
		start := rd.Offset()
		args, err := rd.Next()
		if err == io.EOF {
			if inMulti {
				return multiStart, "Reached EOF before reading EXEC for MULTI"
			}
			return rd.Offset(), ""
		}
		if err != nil {
			if inMulti {
				return multiStart, err.Error()
			}
			if errors.Is(err, errTruncated) {
				return rd.Offset(), "Unexpected EOF: the last command is truncated"
			}
			return rd.Offset(), err.Error()
		}
		switch {
		case equalFold(string(args[0]), "multi"):
			if inMulti {
				return multiStart, "Unexpected MULTI"
			}
			inMulti, multiStart = true, start
		case equalFold(string(args[0]), "exec"):
			if !inMulti {
				return start, "Unexpected EXEC"
			}
			inMulti = false
		}
	}
}

// countLines counts the newlines in the first n bytes of the file.
func countLines(path string, n int64) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lines := 0
	buf := make([]byte, 1<<16)
	r := io.LimitReader(f, n)
	for {
		k, err := r.Read(buf)
		lines += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
	}
}
