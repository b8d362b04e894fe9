package main

import (
	"fmt"
	"io"
	"time"

	"github.com/switchyard/switchyard/internal/aof"
	"github.com/switchyard/switchyard/internal/rdb"
)

// subcommands are the tools run as `switchyard <name> args...` instead of
// the server.
var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"check-aof": checkAOF,
	"check-rdb": checkRDB,
}

// checkAOF implements `switchyard check-aof [--fix] PATH`, as
// redis-check-aof: PATH is the manifest (appendonlydir/appendonly.aof.manifest),
// the AOF directory, or a single AOF file. --fix truncates a damaged last
// file to its last sound command without asking. Exit status 0 when the
// AOF is valid (or was fixed), 1 when not, 2 on a usage error.
func checkAOF(args []string, stdout, stderr io.Writer) int {
	fix := false
	if len(args) == 2 && args[0] == "--fix" {
		fix, args = true, args[1:]
	}
	if len(args) != 1 || len(args[0]) == 0 || args[0][0] == '-' {
		fmt.Fprintln(stderr, "Usage: switchyard check-aof [--fix] <file.manifest|file.aof|appendonlydir>")
		return 2
	}
	if !aof.Check(args[0], fix, stdout) {
		return 1
	}
	return 0
}

// checkRDB implements `switchyard check-rdb PATH`, as redis-check-rdb:
// it reports each aux field and database, and either "RDB looks OK" or
// the offset of the first problem. Exit status 0 when the dump is sound,
// 1 when not, 2 on a usage error.
func checkRDB(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || len(args[0]) == 0 || args[0][0] == '-' {
		fmt.Fprintln(stderr, "Usage: switchyard check-rdb <dump.rdb>")
		return 2
	}
	if !rdb.Check(args[0], stdout, time.Now()) {
		return 1
	}
	return 0
}
