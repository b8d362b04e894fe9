package natsbridge_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
	"github.com/switchyard/switchyard/natsbridge"
)

// TestDifferential runs the raw protocol cases against a real nats-server
// (/usr/sbin/nats-server, Debian's 2.9) and against Switchyard, and
// requires the same bytes back: replies, -ERR texts, and whether the
// connection closes. It is skipped when nats-server is not installed,
// and fails instead under SWITCHYARD_REQUIRE_INTEGRATION=1.
func TestDifferential(t *testing.T) {
	testutil.Need(t, "nats-server")
	for _, set := range []struct {
		name  string
		args  []string
		opts  natsbridge.Options
		cases []protoCase
	}{
		{"open", nil, natsbridge.Options{}, protocolCases},
		{"user", []string{"--user", "u", "--pass", "p"}, natsbridge.Options{User: "u", Pass: "p"}, authCases},
		{"token", []string{"--auth", "tok"}, natsbridge.Options{Token: "tok"}, tokenCases},
	} {
		t.Run(set.name, func(t *testing.T) {
			ref := strings.TrimPrefix(testutil.StartNATSServer(t, set.args...), "nats://")
			sy := startFront(t, set.opts).addr
			for _, c := range set.cases {
				if ownCases[c.name] {
					continue
				}
				t.Run(c.name, func(t *testing.T) {
					r1, _ := dialRaw(t, ref)
					want := r1.transcript(c.in)
					r2, _ := dialRaw(t, sy)
					got := r2.transcript(c.in)
					if unorderedCases[c.name] {
						want, got = sortedLines(want), sortedLines(got)
					}
					require.Equal(t, want, got, "nats-server vs Switchyard")
				})
			}
		})
	}
}

func sortedLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	sort.Strings(lines)
	return strings.Join(lines, "")
}

// TestDifferentialInfo compares INFO: the same fields, in the same order,
// with the same protocol values.
func TestDifferentialInfo(t *testing.T) {
	testutil.Need(t, "nats-server")
	ref := strings.TrimPrefix(testutil.StartNATSServer(t), "nats://")
	_, refLine := dialRaw(t, ref)
	_, syLine := dialRaw(t, startFront(t, natsbridge.Options{}).addr)
	parse := func(line string) (map[string]any, []string) {
		js := strings.TrimSuffix(strings.TrimPrefix(line, "INFO "), " \r\n")
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(js), &m))
		var order []string
		dec := json.NewDecoder(strings.NewReader(js))
		_, _ = dec.Token()
		for dec.More() {
			k, _ := dec.Token()
			order = append(order, k.(string))
			var skip any
			_ = dec.Decode(&skip)
		}
		return m, order
	}
	rm, rorder := parse(refLine)
	sm, sorder := parse(syLine)
	require.Equal(t, rorder, sorder, "INFO fields")
	for _, k := range []string{"version", "proto", "headers", "max_payload", "host", "client_ip"} {
		require.Equal(t, rm[k], sm[k], "INFO %s", k)
	}
	keys := make([]string, 0, len(rm))
	for k := range rm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("INFO fields: %v", keys)
}
