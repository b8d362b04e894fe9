package server_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/switchyard/switchyard/internal/config"
	"github.com/switchyard/switchyard/internal/server"
)

// startErr starts a server on dir expecting it may fail, and returns the
// error (a started server is stopped at the end of the test).
func startErr(t *testing.T, dir string, directives ...[]string) (*server.Server, error) {
	t.Helper()
	cfg := config.New()
	_ = cfg.Set("port", []string{"0"})
	_ = cfg.Set("nats-port", []string{"0"})
	_ = cfg.Set("dir", []string{dir})
	_ = cfg.Set("amqp-port", []string{"0"})
	for _, d := range directives {
		if err := cfg.Set(d[0], d[1:]); err != nil {
			t.Fatal(err)
		}
	}
	s, err := server.Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		t.Cleanup(func() { shutdown(t, s) })
	}
	return s, err
}
