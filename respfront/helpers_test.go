package respfront_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

var ctx = context.Background()

// start runs a server for the test and returns its address.
func start(t *testing.T, directives ...[]string) string {
	t.Helper()
	return testutil.StartSwitchyard(t, directives...).RESPAddr()
}

// client starts a server and returns a RESP2 go-redis client for it.
func client(t *testing.T) *redis.Client {
	t.Helper()
	return testutil.Client(t, start(t), 2)
}

// mustDo runs a command and requires its reply to equal want.
func mustDo(t *testing.T, c *redis.Client, want any, args ...any) {
	t.Helper()
	got, err := c.Do(ctx, args...).Result()
	require.NoError(t, err, "%v", args)
	require.Equal(t, want, got, "%v", args)
}

// mustNil runs a command and requires a nil reply.
func mustNil(t *testing.T, c *redis.Client, args ...any) {
	t.Helper()
	_, err := c.Do(ctx, args...).Result()
	require.ErrorIs(t, err, redis.Nil, "%v", args)
}

// mustErr runs a command and requires an error reply with exactly text.
func mustErr(t *testing.T, c *redis.Client, text string, args ...any) {
	t.Helper()
	_, err := c.Do(ctx, args...).Result()
	require.Error(t, err, "%v", args)
	require.Equal(t, text, err.Error(), "%v", args)
}
