package respfront_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
	"github.com/switchyard/switchyard/respfront"
)

// TestRedis70CommandList checks the embedded list of Redis 7.0 commands that
// docs/commands.md reports on against a real redis-server's COMMAND LIST.
func TestRedis70CommandList(t *testing.T) {
	addr := testutil.StartRedis(t)
	c := testutil.Client(t, addr, 2)
	got, err := c.Do(context.Background(), "COMMAND", "LIST").StringSlice()
	require.NoError(t, err)
	var real []string
	for _, n := range got {
		if !strings.Contains(n, "|") {
			real = append(real, strings.ToLower(n))
		}
	}
	var ours []string
	for _, names := range respfront.Redis70Commands {
		ours = append(ours, names...)
	}
	sort.Strings(real)
	sort.Strings(ours)
	require.Equal(t, real, ours, "respfront/redis70_commands_test.go is out of step with redis-server's COMMAND LIST")
}
