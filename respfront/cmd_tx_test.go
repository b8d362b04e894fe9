package respfront_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

// txDo sends one command on a raw connection and requires its raw reply.
func txDo(t *testing.T, r *testutil.Raw, want string, args ...string) {
	t.Helper()
	require.Equal(t, want, r.Do(args...), "%q", args)
}

func TestMultiExecQueuedReplies(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "SET", "k", "1")
	txDo(t, r, "+QUEUED\r\n", "INCR", "k")
	txDo(t, r, "+QUEUED\r\n", "GET", "k")
	txDo(t, r, "+QUEUED\r\n", "PING")
	txDo(t, r, "*4\r\n+OK\r\n:2\r\n$1\r\n2\r\n+PONG\r\n", "EXEC")
	// An empty transaction answers an empty array.
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "*0\r\n", "EXEC")
	// UNWATCH is queued like any command.
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "UNWATCH")
	txDo(t, r, "*1\r\n+OK\r\n", "EXEC")
}

func TestMultiExecGoRedis(t *testing.T) {
	c := client(t)
	cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, "a", "1", 0)
		p.Incr(ctx, "a")
		p.Get(ctx, "a")
		return nil
	})
	require.NoError(t, err)
	require.Len(t, cmds, 3)
	require.Equal(t, "2", cmds[2].(*redis.StringCmd).Val())
}

func TestMultiExecAbortOnQueueErrors(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	for _, bad := range [][]string{
		{"NOSUCH", "x"},
		{"GET"},
		{"CLIENT", "nope"},
		{"CLIENT", "SETNAME"},
		{"SHUTDOWN"},
	} {
		txDo(t, r, "+OK\r\n", "MULTI")
		txDo(t, r, "+QUEUED\r\n", "SET", "k", "v")
		require.Equal(t, "-", r.Do(bad...)[:1], "%q", bad)
		txDo(t, r, "+QUEUED\r\n", "PING")
		txDo(t, r, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
		txDo(t, r, "-ERR EXEC without MULTI\r\n", "EXEC")
	}
	txDo(t, r, "$-1\r\n", "GET", "k")
	// The refusal texts, as Redis 7.0 words them.
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "-ERR Command not allowed inside a transaction\r\n", "SHUTDOWN")
	txDo(t, r, "-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n", "CLIENT", "nope")
	txDo(t, r, "-ERR wrong number of arguments for 'client|setname' command\r\n", "CLIENT", "SETNAME")
	txDo(t, r, "+OK\r\n", "DISCARD")
}

func TestExecRuntimeErrorFailsOnlyItsCommand(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	txDo(t, r, "+OK\r\n", "SET", "s", "str")
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "LPUSH", "s", "a")
	txDo(t, r, "+QUEUED\r\n", "INCR", "s")
	txDo(t, r, "+QUEUED\r\n", "SET", "s", "x")
	txDo(t, r, "+QUEUED\r\n", "RPUSH", "l", "a")
	txDo(t, r, "+QUEUED\r\n", "GET", "l")
	txDo(t, r, "*5\r\n"+
		"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"+
		"-ERR value is not an integer or out of range\r\n"+
		"+OK\r\n"+
		":1\r\n"+
		"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "EXEC")
	txDo(t, r, "$1\r\nx\r\n", "GET", "s")
	txDo(t, r, "*1\r\n$1\r\na\r\n", "LRANGE", "l", "0", "-1")
}

func TestMultiErrors(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	txDo(t, r, "-ERR EXEC without MULTI\r\n", "EXEC")
	txDo(t, r, "-ERR DISCARD without MULTI\r\n", "DISCARD")
	// Nested MULTI and WATCH inside MULTI are refused without failing the
	// transaction.
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "-ERR MULTI calls can not be nested\r\n", "MULTI")
	txDo(t, r, "-ERR WATCH inside MULTI is not allowed\r\n", "WATCH", "k")
	txDo(t, r, "+QUEUED\r\n", "SET", "k", "1")
	txDo(t, r, "*1\r\n+OK\r\n", "EXEC")
	// DISCARD drops the queue.
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "SET", "k", "2")
	txDo(t, r, "+OK\r\n", "DISCARD")
	txDo(t, r, "$1\r\n1\r\n", "GET", "k")
	// A wrong-arity DISCARD fails the transaction like any command.
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "-ERR wrong number of arguments for 'discard' command\r\n", "DISCARD", "x")
	txDo(t, r, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC")
	txDo(t, r, "-ERR wrong number of arguments for 'watch' command\r\n", "WATCH")
}

// A refused EXEC discards the transaction and says why, as Redis's
// rejectCommand does.
func TestExecRefusedDiscards(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	txDo(t, r, "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n", "EXEC", "x")
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "SET", "k", "v")
	txDo(t, r, "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n", "EXEC", "x")
	txDo(t, r, "-ERR EXEC without MULTI\r\n", "EXEC")
	txDo(t, r, "$-1\r\n", "GET", "k")

	// Unauthenticated: NOAUTH keeps its code.
	r = testutil.DialRaw(t, start(t, []string{"requirepass", "pw"}))
	txDo(t, r, "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n", "EXEC")
}

func TestMultiSelect(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "SELECT", "2")
	txDo(t, r, "+QUEUED\r\n", "SET", "k", "v")
	txDo(t, r, "+QUEUED\r\n", "SELECT", "99")
	txDo(t, r, "*3\r\n+OK\r\n+OK\r\n-ERR DB index is out of range\r\n", "EXEC")
	// The SELECT inside the transaction stays in effect.
	txDo(t, r, "$1\r\nv\r\n", "GET", "k")
	txDo(t, r, "+OK\r\n", "SELECT", "0")
	txDo(t, r, "$-1\r\n", "GET", "k")
}

func TestMultiRESP3(t *testing.T) {
	addr := start(t)
	r := testutil.DialRaw(t, addr)
	other := testutil.DialRaw(t, addr)
	r.Do("HELLO", "3")
	txDo(t, r, "+OK\r\n", "WATCH", "k")
	txDo(t, r, "+OK\r\n", "SET", "k", "mine")
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "GET", "nope")
	txDo(t, r, "_\r\n", "EXEC")
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "+QUEUED\r\n", "GET", "nope")
	txDo(t, r, "*1\r\n_\r\n", "EXEC")
	txDo(t, other, "$4\r\nmine\r\n", "GET", "k")
}

func TestWatchAbortsOnModificationByAnotherClient(t *testing.T) {
	addr := start(t)
	a := testutil.DialRaw(t, addr)
	b := testutil.DialRaw(t, addr)
	txDo(t, a, "+OK\r\n", "SET", "k", "1")
	txDo(t, a, "+OK\r\n", "WATCH", "k")
	txDo(t, b, "+OK\r\n", "SET", "k", "2")
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "+QUEUED\r\n", "SET", "k", "3")
	txDo(t, a, "*-1\r\n", "EXEC")
	txDo(t, a, "$1\r\n2\r\n", "GET", "k")

	// EXEC forgets the watched keys: the next transaction runs.
	txDo(t, b, "+OK\r\n", "SET", "k", "4")
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "+QUEUED\r\n", "SET", "k", "5")
	txDo(t, a, "*1\r\n+OK\r\n", "EXEC")

	// Setting the same value is still a modification.
	txDo(t, a, "+OK\r\n", "WATCH", "k")
	txDo(t, b, "+OK\r\n", "SET", "k", "5")
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "*-1\r\n", "EXEC")

	// A key missing at WATCH time that another client creates.
	txDo(t, a, "+OK\r\n", "WATCH", "fresh")
	txDo(t, b, ":1\r\n", "RPUSH", "fresh", "x")
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "*-1\r\n", "EXEC")
}

func TestWatchUnmodifiedRuns(t *testing.T) {
	addr := start(t)
	a := testutil.DialRaw(t, addr)
	b := testutil.DialRaw(t, addr)
	txDo(t, a, "+OK\r\n", "WATCH", "k", "other")
	txDo(t, b, "+OK\r\n", "SET", "unrelated", "1")
	txDo(t, b, "$-1\r\n", "GET", "k") // reading is no modification
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "+QUEUED\r\n", "SET", "k", "v")
	txDo(t, a, "*1\r\n+OK\r\n", "EXEC")
}

func TestWatchOwnModificationAborts(t *testing.T) {
	r := testutil.DialRaw(t, start(t))
	txDo(t, r, "+OK\r\n", "WATCH", "k")
	txDo(t, r, "+OK\r\n", "SET", "k", "1")
	txDo(t, r, "+OK\r\n", "MULTI")
	txDo(t, r, "*-1\r\n", "EXEC")
}

// WATCH names a key of the selected database; SELECT afterwards does not
// change which key is watched.
func TestWatchOtherDatabase(t *testing.T) {
	addr := start(t)
	a := testutil.DialRaw(t, addr)
	b := testutil.DialRaw(t, addr)
	txDo(t, a, "+OK\r\n", "WATCH", "q")
	txDo(t, a, "+OK\r\n", "SELECT", "1")
	txDo(t, b, "+OK\r\n", "SELECT", "1")
	txDo(t, b, "+OK\r\n", "SET", "q", "db1") // same name, other database
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "*0\r\n", "EXEC")

	txDo(t, a, "+OK\r\n", "SELECT", "0")
	txDo(t, a, "+OK\r\n", "WATCH", "q")
	txDo(t, a, "+OK\r\n", "SELECT", "1")
	txDo(t, b, "+OK\r\n", "SELECT", "0")
	txDo(t, b, "+OK\r\n", "SET", "q", "db0")
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "*-1\r\n", "EXEC")
}

func TestWatchForgottenByUnwatchDiscardAndReset(t *testing.T) {
	addr := start(t)
	a := testutil.DialRaw(t, addr)
	b := testutil.DialRaw(t, addr)
	for _, forget := range [][][]string{
		{{"UNWATCH"}},
		{{"MULTI"}, {"DISCARD"}},
		{{"RESET"}},
	} {
		txDo(t, a, "+OK\r\n", "WATCH", "k")
		for _, cmd := range forget {
			require.Equal(t, "+", a.Do(cmd...)[:1], "%q", cmd)
		}
		txDo(t, b, "+OK\r\n", "SET", "k", "x")
		txDo(t, a, "+OK\r\n", "MULTI")
		txDo(t, a, "*0\r\n", "EXEC")
	}
}

// A WATCHed key that expires before EXEC counts as modified (Redis 7),
// whether or not something touched it after it expired.
func TestWatchKeyThatExpires(t *testing.T) {
	addr := start(t)
	a := testutil.DialRaw(t, addr)
	b := testutil.DialRaw(t, addr)
	txDo(t, a, "+OK\r\n", "SET", "k", "v", "PX", "30")
	txDo(t, a, "+OK\r\n", "WATCH", "k")
	// Wait for the expiry: another client's GET finds the key gone.
	require.Eventually(t, func() bool { return b.Do("GET", "k") == "$-1\r\n" }, 5*time.Second, 5*time.Millisecond)
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "+QUEUED\r\n", "SET", "k", "new")
	txDo(t, a, "*-1\r\n", "EXEC")
	txDo(t, a, "$-1\r\n", "GET", "k")

	// A key that had already expired when it was watched is no change.
	txDo(t, a, "+OK\r\n", "WATCH", "k")
	txDo(t, a, "+OK\r\n", "MULTI")
	txDo(t, a, "+QUEUED\r\n", "SET", "k", "new")
	txDo(t, a, "*1\r\n+OK\r\n", "EXEC")
}

// Optimistic locking as go-redis users write it (WATCH, read, MULTI,
// write, EXEC, retry on conflict): concurrent increments never lose one.
func TestWatchOptimisticLockingGoRedis(t *testing.T) {
	addr := start(t)
	const workers, each = 4, 25
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := testutil.Client(t, addr, 2)
			for i := 0; i < each; i++ {
				for {
					err := c.Watch(ctx, func(tx *redis.Tx) error {
						n, err := tx.Get(ctx, "counter").Int()
						if err != nil && !errors.Is(err, redis.Nil) {
							return err
						}
						_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
							p.Set(ctx, "counter", strconv.Itoa(n+1), 0)
							return nil
						})
						return err
					}, "counter")
					if errors.Is(err, redis.TxFailedErr) {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	mustDo(t, testutil.Client(t, addr, 2), strconv.Itoa(workers*each), "GET", "counter")
}

// TestMultiDifferential runs transactions against redis-server and
// Switchyard, in RESP2 and RESP3, and requires byte-identical replies.
func TestMultiDifferential(t *testing.T) {
	redisAddr := testutil.StartRedis(t)
	script := [][]string{
		{"EXEC"}, {"DISCARD"}, {"EXEC", "x"}, {"MULTI"}, {"MULTI"}, {"WATCH", "a"}, {"SET", "a", "1"},
		{"GET", "a"}, {"EXEC"}, {"MULTI"}, {"NOSUCH"}, {"SET", "a", "2"}, {"EXEC"}, {"MULTI"}, {"GET"},
		{"EXEC"}, {"MULTI"}, {"CLIENT", "nope"}, {"EXEC"}, {"MULTI"}, {"CLIENT", "SETNAME"}, {"EXEC"},
		{"MULTI"}, {"SET", "a", "3"}, {"EXEC", "x"}, {"EXEC"}, {"GET", "a"}, {"MULTI"}, {"SHUTDOWN"},
		{"DISCARD"}, {"WATCH", "a"}, {"SET", "a", "4"}, {"MULTI"}, {"GET", "a"}, {"EXEC"}, {"WATCH", "a"},
		{"UNWATCH"}, {"SET", "a", "5"}, {"MULTI"}, {"GET", "a"}, {"EXEC"}, {"MULTI"}, {"SELECT", "3"},
		{"SET", "b", "x"}, {"SELECT", "x"}, {"LPUSH", "b", "y"}, {"INCR", "b"}, {"EXEC"}, {"GET", "b"},
		{"SELECT", "0"}, {"MULTI"}, {"DISCARD", "x"}, {"EXEC"}, {"MULTI"}, {"UNWATCH"}, {"EXEC"},
		{"MULTI"}, {"PING"}, {"ECHO", "e"}, {"TIME", "x"}, {"EXEC"},
	}
	for _, proto := range []string{"2", "3"} {
		ours := testutil.DialRaw(t, start(t))
		ref := testutil.DialRaw(t, redisAddr)
		ref.Do("FLUSHALL")
		ours.Do("HELLO", proto)
		ref.Do("HELLO", proto)
		for _, cmd := range script {
			want := ref.Do(cmd...)
			got := ours.Do(cmd...)
			require.Equal(t, want, got, "RESP%s %q", proto, cmd)
		}
	}
}

// Keyspace commands of another client: EXPIRE, DEL and FLUSHDB modify a
// watched key; FLUSHALL is no change to a key that did not exist.
func TestWatchKeyspaceCommands(t *testing.T) {
	addr := start(t)
	a := testutil.DialRaw(t, addr)
	b := testutil.DialRaw(t, addr)
	for _, tc := range []struct {
		setup, modify []string
		aborts        bool
	}{
		{[]string{"SET", "k", "v"}, []string{"EXPIRE", "k", "100"}, true},
		{[]string{"SET", "k", "v"}, []string{"DEL", "k"}, true},
		{[]string{"SET", "k", "v"}, []string{"FLUSHDB"}, true},
		{[]string{"DEL", "k"}, []string{"FLUSHALL"}, false},
		{[]string{"DEL", "k"}, []string{"DEL", "k"}, false},
	} {
		b.Do(tc.setup...)
		txDo(t, a, "+OK\r\n", "WATCH", "k")
		b.Do(tc.modify...)
		txDo(t, a, "+OK\r\n", "MULTI")
		want := "*0\r\n"
		if tc.aborts {
			want = "*-1\r\n"
		}
		txDo(t, a, want, "EXEC")
	}
}
