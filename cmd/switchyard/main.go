// Command switchyard runs the Switchyard message broker.
//
// Usage, as redis-server's:
//
//	switchyard [/path/to/switchyard.conf] [--name value ...]
//	switchyard check-aof [--fix] <appendonlydir/appendonly.aof.manifest | file.aof>
//	switchyard check-rdb <dump.rdb>
//
// With no arguments it listens for RESP on 127.0.0.1:6379. Every setting of
// the configuration file is also accepted as a --name value directive
// (switchyard --port 6380 --bind 127.0.0.1). SIGINT and SIGTERM shut it down
// cleanly. check-aof and check-rdb check persistence files the way
// redis-check-aof and redis-check-rdb do, without starting the server.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/switchyard/switchyard/internal/config"
	"github.com/switchyard/switchyard/internal/server"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return sub(args[1:], os.Stdout, os.Stderr)
		}
	}
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		usage()
		return 0
	}
	cfg := config.New()
	if err := cfg.ParseArgs(args); err != nil {
		fmt.Fprintln(os.Stderr, "switchyard:", err)
		return 2
	}
	log, closeLog, err := newLogger(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "switchyard:", err)
		return 2
	}
	defer closeLog()
	if path := os.Getenv("SWITCHYARD_CPUPROFILE"); path != "" {
		// Profiling aid for benchmarks: a CPU profile written at shutdown.
		f, err := os.Create(path)
		if err != nil {
			log.Error("cpu profile", "err", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Error("cpu profile", "err", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	srv, err := server.Start(cfg, log)
	if err != nil {
		log.Error("start failed", "err", err)
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	select {
	case s := <-sig:
		log.Info("signal received", "signal", s.String())
	case <-srv.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	return 0
}

func newLogger(cfg *config.Config) (*slog.Logger, func(), error) {
	level := slog.LevelInfo
	switch cfg.Str("loglevel") {
	case "debug", "verbose":
		level = slog.LevelDebug
	case "warning":
		level = slog.LevelWarn
	}
	out, closeFn := os.Stderr, func() {}
	if path := cfg.Str("logfile"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, err
		}
		out, closeFn = f, func() { f.Close() }
	}
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level})), closeFn, nil
}

func usage() {
	fmt.Println("Usage: switchyard [/path/to/switchyard.conf] [--name value ...]")
	fmt.Println("       switchyard check-aof [--fix] <appendonlydir/appendonly.aof.manifest | file.aof>")
	fmt.Println("       switchyard check-rdb <dump.rdb>")
	fmt.Println()
	fmt.Println("Directives:")
	for _, d := range config.Directives {
		fmt.Printf("  --%-36s %s (default %q)\n", d.Name+" <value>", d.Help, d.Default)
	}
}
