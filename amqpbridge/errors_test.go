package amqpbridge_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/switchyard/switchyard/amqpbridge"
	"github.com/switchyard/switchyard/internal/testutil"
)

// runCase runs one error case on a fresh connection and returns what
// happened.
func runCase(t *testing.T, url string, c errorCase, p string) outcome {
	r := dialRaw(t, url)
	if !c.raw {
		r.handshake(DefaultFrameMax, 0)
		r.open(1)
	}
	c.run(r, p)
	if c.want.kind == "header" {
		_ = r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(r.nc)
		// RabbitMQ resets the connection after the header; either is fine.
		if string(got) == string(ProtocolHeader) && (err == nil || isReset(err)) {
			return outcome{kind: "header"}
		}
		return outcome{kind: "error", text: fmt.Sprintf("%q %v", got, err)}
	}
	return r.outcome()
}

// TestErrorCases checks every error path against Switchyard: the reply
// code, whether the channel or the connection closes, and RabbitMQ's text.
func TestErrorCases(t *testing.T) {
	_, url := start(t)
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			p := fmt.Sprintf("t%d.", rand.Uint32())
			got := runCase(t, url, c, p)
			require.Equal(t, c.want.kind, got.kind, got.String())
			require.Equal(t, c.want.code, got.code, got.String())
			if c.want.text != "" {
				require.Equal(t, c.wantText(p), got.text)
			}
		})
	}
}

// rabbitURL returns AMQP_URL, skipping the test when it is unset or
// unreachable (failing instead under SWITCHYARD_REQUIRE_INTEGRATION=1).
func rabbitURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("AMQP_URL")
	if url == "" {
		if testutil.RequireIntegration() {
			t.Fatal("AMQP_URL not set but SWITCHYARD_REQUIRE_INTEGRATION=1: RabbitMQ is required")
		}
		t.Skip("skipping: AMQP_URL not set: no RabbitMQ to compare with (apt-get install -y rabbitmq-server; see .ci/run)")
	}
	return url
}

// TestErrorCasesDifferential runs every error case against a real
// RabbitMQ (AMQP_URL) and Switchyard: the reply code and whether the
// channel or the connection closed must match. AMQP_PROBE=1 also prints
// RabbitMQ's texts.
func TestErrorCasesDifferential(t *testing.T) {
	rabbit := rabbitURL(t)
	_, url := start(t)
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			p := fmt.Sprintf("sy-diff-%d-%d.", os.Getpid(), rand.Uint32())
			want := runCase(t, rabbit, c, p)
			if os.Getenv("AMQP_PROBE") == "1" {
				t.Logf("rabbitmq: %s", want)
			}
			got := runCase(t, url, c, p)
			require.Equal(t, want.kind, got.kind, "rabbitmq: %s\nswitchyard: %s", want, got)
			require.Equal(t, want.code, got.code, "rabbitmq: %s\nswitchyard: %s", want, got)
			if os.Getenv("AMQP_PROBE") == "1" && want.text != strings.ReplaceAll(got.text, p, p) {
				t.Logf("text differs:\n rabbitmq:   %s\n switchyard: %s", want.text, got.text)
			}
		})
	}
}
