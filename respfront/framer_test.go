package respfront

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tidwall/redcon"
)

// frameAll feeds in to a framer in pieces of size step (0: at once) and
// returns what it released and its error.
func frameAll(in string, step int, unauth bool) (string, error) {
	f := framer{maxBulk: 512 << 20, unauth: func() bool { return unauth }}
	var out []byte
	raw := []byte(in)
	if step == 0 {
		step = max(len(raw), 1)
	}
	for len(raw) > 0 {
		k := min(step, len(raw))
		var err error
		out, err = f.feed(out, raw[:k])
		if err != nil {
			return string(out), err
		}
		raw = raw[k:]
	}
	return string(out), nil
}

func TestFramerPassesValidRequests(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]string
	}{
		{"*1\r\n$4\r\nPING\r\n", [][]string{{"PING"}}},
		{"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", [][]string{{"ECHO", ""}}},
		{"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n*-7\r\n", [][]string{{"PING"}}},
		{"PING\r\nECHO \"a b\"\nSET k 'x y'\r\n", [][]string{{"PING"}, {"ECHO", "a b"}, {"SET", "k", "x y"}}},
		{"\r\n\n*1\r\n$3\r\na\r\n\r\n", [][]string{{"a\r\n"}}},
		{"*1\r\n$1\r\nx\r\r*1\r\n$1\r\ny\n\n", [][]string{{"x"}, {"y"}}},
		{"*3\r\n$3\r\nSET\r\n$1\r\n*\r\n$2\r\n$1\r\nGET a\r\n", [][]string{{"SET", "*", "$1"}, {"GET", "a"}}},
	} {
		for _, step := range []int{0, 1, 2, 3, 7} {
			out, err := frameAll(tc.in, step, false)
			require.NoError(t, err, "%q step %d", tc.in, step)
			rd := redcon.NewReader(strings.NewReader(out))
			var got [][]string
			for {
				cmd, err := rd.ReadCommand()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err, "%q step %d", tc.in, step)
				var args []string
				for _, a := range cmd.Args {
					args = append(args, string(a))
				}
				got = append(got, args)
			}
			require.Equal(t, tc.want, got, "%q step %d", tc.in, step)
		}
	}
}

func TestFramerRejectsMalformedHeaders(t *testing.T) {
	big := strings.Repeat("1", inlineMax+1)
	for _, tc := range []struct {
		in, err string
		unauth  bool
	}{
		{"*1\r\n$9223372036854775807\r\n", "invalid bulk length", false},
		{"*1\r\n$99999999999999999999999\r\n", "invalid bulk length", false},
		{"*1\r\n$536870913\r\n", "invalid bulk length", false},
		{"*1\r\n$-1\r\n", "invalid bulk length", false},
		{"*1\r\n$\r\n", "invalid bulk length", false},
		{"*1\r\n$-\r\n", "invalid bulk length", false},
		{"*1\r\n$-0\r\n", "invalid bulk length", false},
		{"*1\r\n$01\r\n", "invalid bulk length", false},
		{"*1\r\n$+1\r\n", "invalid bulk length", false},
		{"*1\r\n$ 1\r\n", "invalid bulk length", false},
		{"*1\r\n$4\n", "invalid bulk length", false},
		{"*\r\n", "invalid multibulk length", false},
		{"*-0\r\n", "invalid multibulk length", false},
		{"*2147483648\r\n", "invalid multibulk length", false},
		{"*9223372036854775807\r\n", "invalid multibulk length", false},
		{"*abc\r\n", "invalid multibulk length", false},
		{"*1\n", "invalid multibulk length", false},
		{"*1\r\n+PING\r\n", "expected '$', got '+'", false},
		{"*2\r\n$1\r\na\r\n:1\r\n", "expected '$', got ':'", false},
		{"*" + big, "too big mbulk count string", false},
		{"*1\r\n$" + big, "too big bulk count string", false},
		{strings.Repeat("a", inlineMax+1), "too big inline request", false},
		{"SET k \"abc\r\n", "unbalanced quotes in request", false},
		{"SET k 'a'b\r\n", "unbalanced quotes in request", false},
		{"*11\r\n", "unauthenticated multibulk length", true},
		{"*1\r\n$16385\r\n", "unauthenticated bulk length", true},
	} {
		for _, step := range []int{0, 1, 5} {
			if step == 1 && len(tc.in) > 1000 {
				continue
			}
			_, err := frameAll(tc.in, step, tc.unauth)
			var pe *protoError
			require.ErrorAs(t, err, &pe, "%.40q step %d", tc.in, step)
			require.Equal(t, "Protocol error: "+tc.err, err.Error(), "%.40q step %d", tc.in, step)
		}
	}
	// What precedes the bad line is released.
	out, err := frameAll("PING\r\n*1\r\n$4\r\nPING\r\nSET \"a\r\n", 0, false)
	require.Error(t, err)
	require.Equal(t, "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", out)
	// Unauthenticated clients may still send small requests.
	_, err = frameAll("*10\r\n$16384\r\n", 0, true)
	require.NoError(t, err)
}

// TestFramerNeverStopsBetweenElements checks the shape that keeps redcon's
// reader from walking every declared element on each read: inside an
// unfinished multibulk, what was released never ends right after a
// complete header or element.
func TestFramerNeverStopsBetweenElements(t *testing.T) {
	in := []byte("*2147483647\r\n$1\r\na\r\n$0\r\n\r\n$3\r\nabc\r\n")
	f := framer{maxBulk: 512 << 20}
	var out []byte
	for i := range in {
		var err error
		out, err = f.feed(out, in[i:i+1])
		require.NoError(t, err)
		if len(out) > 0 && f.state == frBulkHdr {
			require.True(t, f.held)
			require.False(t, bytes.HasSuffix(out, []byte("\r\n")), "released %q", out)
		}
	}
	require.Equal(t, string(in[:len(in)-1]), string(out))
}

// TestSplitArgs follows Redis's sdssplitargs (TestDiffRedisProtocol
// compares inline requests with redis-server).
func TestSplitArgs(t *testing.T) {
	for in, want := range map[string][]string{
		"":                     nil,
		"  \t ":                nil,
		"a b  c":               {"a", "b", "c"},
		"\"a b\" 'c d'":        {"a b", "c d"},
		"\"\\x41\\x4a\\n\\q\"": {"AJ\nq"},
		"\"\\x4\"":             {"x4"},
		"'a\\'b' 'c\\n'":       {"a'b", "c\\n"},
		"a\"b c\" d":           {"ab c", "d"},
		"\"\"":                 {""},
		"a\x00b c":             {"a"},
		"a\vb":                 {"a\vb"},
	} {
		got, ok := splitArgs([]byte(in))
		require.True(t, ok, "%q", in)
		var gs []string
		for _, a := range got {
			gs = append(gs, string(a))
		}
		require.Equal(t, want, gs, "%q", in)
	}
	for _, in := range []string{"\"a", "'a", "\"a\"b", "'a'b", "\"a\\\"", "a \"b"} {
		_, ok := splitArgs([]byte(in))
		require.False(t, ok, "%q", in)
	}
}

func TestString2ll(t *testing.T) {
	for s, want := range map[string]int64{"0": 0, "1": 1, "-1": -1, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63} {
		v, ok := string2ll([]byte(s))
		require.True(t, ok, s)
		require.Equal(t, want, v, s)
	}
	for _, s := range []string{"", "-", "-0", "00", "01", "+1", " 1", "1 ", "1a", "9223372036854775808", "-9223372036854775809", "99999999999999999999"} {
		_, ok := string2ll([]byte(s))
		require.False(t, ok, s)
	}
}

// countingReader counts the reads redcon makes.
type countingReader struct {
	r     io.Reader
	calls int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.calls++
	return c.r.Read(p)
}

func pipeReader(t *testing.T) (*limitReader, net.Conn) {
	t.Helper()
	srv, cli := net.Pipe()
	t.Cleanup(func() { srv.Close(); cli.Close() })
	return &limitReader{nc: srv, limit: 1 << 30, fr: framer{maxBulk: 512 << 20}}, cli
}

// TestLimitReaderFillsUnfinishedRequests: a big request arriving in small
// pieces reaches redcon in reads that fill its buffer, so redcon parses it
// a logarithmic number of times, not once per piece.
func TestLimitReaderFillsUnfinishedRequests(t *testing.T) {
	lr, cli := pipeReader(t)
	const n = 200000
	var req bytes.Buffer
	req.WriteString("*" + strconv.Itoa(n) + "\r\n")
	for range n {
		req.WriteString("$1\r\nx\r\n")
	}
	go func() {
		b := req.Bytes()
		for len(b) > 0 {
			k := min(len(b), 1000)
			if _, err := cli.Write(b[:k]); err != nil {
				return
			}
			b = b[k:]
		}
	}()
	cr := &countingReader{r: lr}
	cmds, err := redcon.NewReader(cr).ReadCommands()
	require.NoError(t, err)
	require.Len(t, cmds, 1)
	require.Len(t, cmds[0].Args, n)
	require.Less(t, cr.calls, 40, "redcon read the request %d times", cr.calls)
}

// TestLimitReaderStopsAtRequestBoundaries: a complete request is handed
// over without waiting for the rest of the next one.
func TestLimitReaderStopsAtRequestBoundaries(t *testing.T) {
	lr, cli := pipeReader(t)
	rd := redcon.NewReader(lr)
	read := func() []redcon.Command {
		t.Helper()
		type res struct {
			cmds []redcon.Command
			err  error
		}
		ch := make(chan res, 1)
		go func() {
			cmds, err := rd.ReadCommands()
			ch <- res{cmds, err}
		}()
		select {
		case r := <-ch:
			require.NoError(t, r.err)
			return r.cmds
		case <-time.After(5 * time.Second):
			t.Fatal("ReadCommands blocked with a complete request")
		}
		return nil
	}
	go func() { _, _ = cli.Write([]byte("*1\r\n$4\r\nPING\r\nECHO a\r\n*2\r\n$4\r\nECHO\r\n$1\r\n")) }()
	var got []string
	for len(got) < 2 {
		for _, c := range read() {
			got = append(got, string(bytes.Join(c.Args, []byte(" "))))
		}
	}
	require.Equal(t, []string{"PING", "ECHO a"}, got)
	go func() { _, _ = cli.Write([]byte("b\r\n")) }()
	cmds := read()
	require.Len(t, cmds, 1)
	require.Equal(t, "ECHO b", string(bytes.Join(cmds[0].Args, []byte(" "))))
}
