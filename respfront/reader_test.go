package respfront

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stepReader hands out its bytes step at a time (0: all at once).
type stepReader struct {
	b     []byte
	step  int
	calls int
}

func (s *stepReader) Read(p []byte) (int, error) {
	s.calls++
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	k := len(s.b)
	if s.step > 0 {
		k = min(k, s.step)
	}
	k = copy(p, s.b[:k])
	s.b = s.b[k:]
	return k, nil
}

func newTestReader(src io.Reader, unauth bool) *reader {
	return &reader{src: src, limit: 1 << 30, maxBulk: 512 << 20, unauth: func() bool { return unauth }}
}

// readAll reads in, delivered step bytes at a time, to its end and returns
// the requests and the error that ended them (io.EOF at a clean end).
func readAll(in string, step int, unauth bool) ([][]string, error) {
	r := newTestReader(&stepReader{b: []byte(in), step: step}, unauth)
	var got [][]string
	for {
		cmds, err := r.readCommands()
		if err != nil {
			return got, err
		}
		for _, c := range cmds {
			var args []string
			for _, a := range c {
				args = append(args, string(a))
			}
			got = append(got, args)
		}
	}
}

func TestReaderPassesValidRequests(t *testing.T) {
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
			got, err := readAll(tc.in, step, false)
			require.ErrorIs(t, err, io.EOF, "%q step %d", tc.in, step)
			require.Equal(t, tc.want, got, "%q step %d", tc.in, step)
		}
	}
}

func TestReaderRejectsMalformedHeaders(t *testing.T) {
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
			_, err := readAll(tc.in, step, tc.unauth)
			var pe *protoError
			require.ErrorAs(t, err, &pe, "%.40q step %d", tc.in, step)
			require.Equal(t, "Protocol error: "+tc.err, err.Error(), "%.40q step %d", tc.in, step)
		}
	}
	// The requests before the bad line are returned first.
	got, err := readAll("PING\r\n*1\r\n$4\r\nPING\r\nSET \"a\r\n", 0, false)
	var pe *protoError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, [][]string{{"PING"}, {"PING"}}, got)
	// Unauthenticated clients may still send small requests.
	_, err = readAll("*10\r\n$16384\r\n", 0, true)
	require.ErrorIs(t, err, io.EOF)
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

func pipeReader(t *testing.T) (*reader, net.Conn) {
	t.Helper()
	srv, cli := net.Pipe()
	t.Cleanup(func() { srv.Close(); cli.Close() })
	return newTestReader(srv, false), cli
}

// writeIn writes b to c in pieces of size step, in the background.
func writeIn(c net.Conn, b []byte, step int) {
	go func() {
		for len(b) > 0 {
			k := min(len(b), step)
			if _, err := c.Write(b[:k]); err != nil {
				return
			}
			b = b[k:]
		}
	}()
}

// TestReaderBigRequestOfSmallElements: a request of many elements
// arriving in small pieces is read once per piece, scanned once, and
// handed out whole; the buffer it needed shrinks back afterwards.
func TestReaderBigRequestOfSmallElements(t *testing.T) {
	const n = 200000
	var req bytes.Buffer
	req.WriteString("*" + strconv.Itoa(n) + "\r\n")
	for range n {
		req.WriteString("$1\r\nx\r\n")
	}
	req.WriteString("PING\r\n")
	src := &stepReader{b: req.Bytes(), step: 1000}
	r := newTestReader(src, false)
	cmds, err := r.readCommands()
	require.NoError(t, err)
	require.Len(t, cmds, 2)
	require.Len(t, cmds[0], n)
	require.Equal(t, "x", string(cmds[0][n-1]))
	require.Equal(t, [][]byte{[]byte("PING")}, cmds[1])
	require.Equal(t, (req.Len()+999)/1000, src.calls)
	_, err = r.readCommands()
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, readBufSize, len(r.buf))
}

// TestReaderHugeCount: a huge declared count costs nothing until its
// elements arrive, however they are cut.
func TestReaderHugeCount(t *testing.T) {
	in := "*2147483647\r\n$1\r\na\r\n$0\r\n\r\n$3\r\nabc\r\n"
	got, err := readAll(in, 1, false)
	require.ErrorIs(t, err, io.EOF)
	require.Empty(t, got)
	r := newTestReader(&stepReader{b: []byte(in), step: 1}, false)
	_, err = r.readCommands()
	require.ErrorIs(t, err, io.EOF)
	require.Len(t, r.refs, 3)
	require.Equal(t, 2147483647-3, r.left)
	require.Equal(t, readBufSize, len(r.buf))
}

// TestReaderBigBulk: a big bulk is read straight into an allocation of its
// own size, not through the buffer, whatever the pieces.
func TestReaderBigBulk(t *testing.T) {
	val := bytes.Repeat([]byte("0123456789"), 100000)
	bulk := "$" + strconv.Itoa(len(val)) + "\r\n" + string(val) + "\r\n"
	in := "ECHO 'a b'\r\n*4\r\n$4\r\nMSET\r\n$1\r\nk\r\n" + bulk + bulk + "*1\r\n$4\r\nPING\r\n"
	for _, step := range []int{0, 7, 1000, 70000} {
		r := newTestReader(&stepReader{b: []byte(in), step: step}, false)
		var got [][][]byte
		for {
			cmds, err := r.readCommands()
			if err != nil {
				require.ErrorIs(t, err, io.EOF)
				break
			}
			got = append(got, cmds...)
		}
		require.Len(t, got, 3, "step %d", step)
		require.Equal(t, [][]byte{[]byte("ECHO"), []byte("a b")}, got[0])
		require.Equal(t, "MSET", string(got[1][0]))
		require.Equal(t, "k", string(got[1][1]))
		for _, v := range got[1][2:] {
			require.Equal(t, val, v, "step %d", step)
			require.Equal(t, len(val), cap(v))
		}
		require.Equal(t, "PING", string(got[2][0]))
		require.Empty(t, r.owns)
		require.Equal(t, readBufSize, len(r.buf), "step %d", step)
	}
}

// TestReaderArgumentsOwnTheirBytes: what a read hands out survives the
// reads after it (handlers store arguments), and every argument and
// argument list is clipped, so appending to one cannot overwrite another.
func TestReaderArgumentsOwnTheirBytes(t *testing.T) {
	r, cli := pipeReader(t)
	writeIn(cli, []byte("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$2\r\nv1\r\nSET b 'v 2'\r\n*2\r\n$3\r\nGET\r\n$1\r\n"), 1<<20)
	var first [][][]byte
	for len(first) < 2 {
		cmds, err := r.readCommands()
		require.NoError(t, err)
		first = append(first, cmds...)
	}
	for _, c := range first {
		require.Equal(t, len(c), cap(c))
		for _, a := range c {
			require.Equal(t, len(a), cap(a))
		}
	}
	writeIn(cli, []byte("x\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$2\r\nzz\r\n"), 1<<20)
	var second [][][]byte
	for len(second) < 2 {
		cmds, err := r.readCommands()
		require.NoError(t, err)
		second = append(second, cmds...)
	}
	require.Equal(t, [][]byte{[]byte("SET"), []byte("a"), []byte("v1")}, first[0])
	require.Equal(t, [][]byte{[]byte("SET"), []byte("b"), []byte("v 2")}, first[1])
	require.Equal(t, [][]byte{[]byte("GET"), []byte("x")}, second[0])
	require.Equal(t, [][]byte{[]byte("SET"), []byte("c"), []byte("zz")}, second[1])
}

// TestReaderStopsAtRequestBoundaries: complete requests are handed over
// without waiting for the rest of the next one.
func TestReaderStopsAtRequestBoundaries(t *testing.T) {
	r, cli := pipeReader(t)
	read := func() [][][]byte {
		t.Helper()
		type res struct {
			cmds [][][]byte
			err  error
		}
		ch := make(chan res, 1)
		go func() {
			cmds, err := r.readCommands()
			ch <- res{cmds, err}
		}()
		select {
		case res := <-ch:
			require.NoError(t, res.err)
			return res.cmds
		case <-time.After(5 * time.Second):
			t.Fatal("readCommands blocked with a complete request")
		}
		return nil
	}
	writeIn(cli, []byte("*1\r\n$4\r\nPING\r\nECHO a\r\n*2\r\n$4\r\nECHO\r\n$1\r\n"), 1<<20)
	var got []string
	for len(got) < 2 {
		for _, c := range read() {
			got = append(got, string(bytes.Join(c, []byte(" "))))
		}
	}
	require.Equal(t, []string{"PING", "ECHO a"}, got)
	writeIn(cli, []byte("b\r\n"), 1<<20)
	cmds := read()
	require.Len(t, cmds, 1)
	require.Equal(t, "ECHO b", string(bytes.Join(cmds[0], []byte(" "))))
}

// TestReaderPendingFirst: bytes stashed while the client was blocked are
// read before the socket, and a request may span both.
func TestReaderPendingFirst(t *testing.T) {
	r, cli := pipeReader(t)
	r.pending = []byte("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nh")
	writeIn(cli, []byte("i\r\n"), 1<<20)
	got, err := r.readCommands()
	require.NoError(t, err)
	require.Equal(t, [][][]byte{{[]byte("PING")}}, got)
	got, err = r.readCommands()
	require.NoError(t, err)
	require.Equal(t, [][][]byte{{[]byte("ECHO"), []byte("hi")}}, got)
	require.Nil(t, r.pending)
}

// TestReaderQueryBufferLimit: an unfinished request that passes the limit
// fails the read.
func TestReaderQueryBufferLimit(t *testing.T) {
	r := newTestReader(&stepReader{b: []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + strings.Repeat("x", 99999)), step: 1000}, false)
	r.limit = 50000
	_, err := r.readCommands()
	require.ErrorIs(t, err, errQueryBufferLimit)
	require.LessOrEqual(t, r.n, 51000)
}

// loopConn is a net.Conn whose reads return the same bytes forever.
type loopConn struct {
	net.Conn
	b []byte
}

func (l *loopConn) Read(p []byte) (int, error) { return copy(p, l.b), nil }

// BenchmarkReader reads reads of 16 pipelined requests (redis-benchmark
// -P 16): SET key with a 3-byte value, and GET key.
func BenchmarkReader(b *testing.B) {
	for _, tc := range []struct{ name, req string }{
		{"get", "*2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n"},
		{"set", "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nxxx\r\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := newTestReader(&loopConn{b: []byte(strings.Repeat(tc.req, 16))}, false)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				cmds, err := r.readCommands()
				if err != nil {
					b.Fatal(err)
				}
				n += len(cmds)
				r.n = 0
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/cmd")
		})
	}
}

// FuzzReader: however the input is cut into reads, the reader returns the
// same requests and the same error, and never panics.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"*1\r\n$4\r\nPING\r\n", "SET a 'b c'\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n", "*0\r\n\r\n*1\r\n$-1\r\n",
		"*2\r\n$1\r\na\r\n:1\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000\r\n" + strings.Repeat("v", 40000) + "\r\nPING\r\n",
	} {
		f.Add([]byte(s), uint8(3), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8, unauth bool) {
		want, wantErr := readAll(string(in), 0, unauth)
		got, gotErr := readAll(string(in), int(step)+1, unauth)
		require.Equal(t, want, got)
		require.Equal(t, wantErr.Error(), gotErr.Error())
	})
}
