package natsbridge

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// recorder writes each parsed operation as one line of a transcript.
type recorder struct{ ops []string }

func (r *recorder) onConnect(arg []byte) error {
	r.ops = append(r.ops, "CONNECT "+string(arg))
	return nil
}
func (r *recorder) onPing() error { r.ops = append(r.ops, "PING"); return nil }
func (r *recorder) onPong() error { r.ops = append(r.ops, "PONG"); return nil }
func (r *recorder) onPub(pa *pubArg, payload []byte) error {
	reply := "-"
	if pa.reply != nil {
		reply = string(pa.reply)
	}
	r.ops = append(r.ops, fmt.Sprintf("PUB %s %s %d %d %q", pa.subject, reply, pa.hdr, pa.size, payload))
	return nil
}
func (r *recorder) onSub(subject, queue, sid []byte) error {
	q := "-"
	if queue != nil {
		q = string(queue)
	}
	r.ops = append(r.ops, fmt.Sprintf("SUB %s %s %s", subject, q, sid))
	return nil
}
func (r *recorder) onUnsub(sid []byte, max int) error {
	r.ops = append(r.ops, fmt.Sprintf("UNSUB %s %d", sid, max))
	return nil
}

// feed parses in with the given chunk boundaries (each chunk copied into
// a reused buffer, as a connection's reads are) and returns the transcript
// and the error.
func feed(in []byte, cuts []int, headers bool) ([]string, error) {
	p := newParser(testControl, testPayload)
	p.headers = headers
	r := &recorder{}
	buf := make([]byte, len(in)+1)
	prev := 0
	for _, c := range append(cuts, len(in)) {
		if c < prev {
			continue
		}
		chunk := buf[:c-prev]
		copy(chunk, in[prev:c])
		if err := p.parse(chunk, r); err != nil {
			return r.ops, err
		}
		for i := range chunk { // poison the reused buffer
			chunk[i] = '#'
		}
		prev = c
	}
	return r.ops, nil
}

const (
	testControl = 64
	testPayload = 32
)

func TestParserOps(t *testing.T) {
	long := strings.Repeat("x", testControl) // long[:testControl-2] + " 1" is exactly the limit
	for _, c := range []struct {
		name, in string
		want     []string
	}{
		{"ping", "PING\r\n", []string{"PING"}},
		{"ping lower case", "ping\r\n", []string{"PING"}},
		{"ping bare LF", "PING\n", []string{"PING"}},
		{"ping trailing bytes ignored", "PINGX  \r\n", []string{"PING"}},
		{"pong", "PONG\r\n", []string{"PONG"}},
		{"+OK and INFO ignored", "+OK\r\nINFO {}\r\nPING\r\n", []string{"PING"}},
		{"connect", "CONNECT {\"verbose\":false}\r\n", []string{`CONNECT {"verbose":false}`}},
		{"connect without space", "CONNECT{}\r\n", []string{`CONNECT {}`}},
		{"connect empty", "CONNECT\r\n", []string{"CONNECT "}},
		{"pub", "PUB foo 5\r\nhello\r\n", []string{`PUB foo - -1 5 "hello"`}},
		{"pub reply", "PUB foo _INBOX.1 2\r\nhi\r\n", []string{`PUB foo _INBOX.1 -1 2 "hi"`}},
		{"pub empty payload", "PUB foo 0\r\n\r\n", []string{`PUB foo - -1 0 ""`}},
		{"pub payload with CRLF inside", "PUB foo 4\r\na\r\nb\r\n", []string{`PUB foo - -1 4 "a\r\nb"`}},
		{"pub tabs and extra spaces", "pub\tfoo  \t 1 \r\nx\r\n", []string{`PUB foo - -1 1 "x"`}},
		{"pub max payload", "PUB foo 32\r\n" + strings.Repeat("p", 32) + "\r\n", []string{`PUB foo - -1 32 "` + strings.Repeat("p", 32) + `"`}},
		{"hpub", "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", []string{`PUB foo - 12 14 "NATS/1.0\r\n\r\nhi"`}},
		{"hpub reply", "HPUB foo r 3 3\r\nabc\r\n", []string{`PUB foo r 3 3 "abc"`}},
		{"sub", "SUB foo 1\r\n", []string{"SUB foo - 1"}},
		{"sub queue", "SUB foo.* workers 22\r\n", []string{"SUB foo.* workers 22"}},
		{"sub at the control line limit", "SUB " + long[:testControl-2] + " 1\r\n", []string{"SUB " + long[:testControl-2] + " - 1"}},
		{"unsub", "UNSUB 1\r\n", []string{"UNSUB 1 -1"}},
		{"unsub max", "UNSUB 1 10\r\n", []string{"UNSUB 1 10"}},
		{"unsub bad max", "UNSUB 1 x\r\n", []string{"UNSUB 1 -1"}},
		{"pipeline", "SUB a 1\r\nPUB a 1\r\nx\r\nPING\r\nUNSUB 1\r\nPONG\r\n",
			[]string{"SUB a - 1", `PUB a - -1 1 "x"`, "PING", "UNSUB 1 -1", "PONG"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := []byte(c.in)
			got, err := feed(in, nil, true)
			if err != nil {
				t.Fatalf("whole: %v", err)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("whole:\n got %q\nwant %q", got, c.want)
			}
			every := make([]int, len(in))
			for i := range every {
				every[i] = i
			}
			got, err = feed(in, every, true)
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("byte by byte: %q %v, want %q", got, err, c.want)
			}
		})
	}
}

func TestParserMustFail(t *testing.T) {
	long := strings.Repeat("y", testControl+1)
	for _, c := range []struct {
		name, in string
		want     error
		ops      int // operations parsed before the error
	}{
		{"unknown op", "FOO\r\n", ErrUnknownOp, 0},
		{"empty line", "\r\n", ErrUnknownOp, 0},
		{"leading space", " PING\r\n", ErrUnknownOp, 0},
		{"msg from client", "MSG foo 1 1\r\na\r\n", ErrUnknownOp, 0},
		{"hmsg from client", "HMSG foo 1 1 1\r\na\r\n", ErrUnknownOp, 0},
		{"pubx", "PUBX foo 1\r\n", ErrUnknownOp, 0},
		{"pub without space", "PUB\r\n", ErrUnknownOp, 0},
		{"sub without args", "SUB\r\n", ErrUnknownOp, 0},
		{"payload too long", "PUB foo 2\r\nabc\r\n", ErrUnknownOp, 0},
		{"payload CR missing", "PUB foo 1\r\na\nPING\r\n", ErrUnknownOp, 0},
		{"payload LF missing", "PUB foo 1\r\na\rPING\r\n", ErrUnknownOp, 0},
		{"pub no size", "PUB foo\r\n", ErrBadArgs, 0},
		{"pub bad size", "PUB foo x\r\n", ErrBadArgs, 0},
		{"pub negative size", "PUB foo -1\r\n", ErrBadArgs, 0},
		{"pub ten digit size", "PUB foo 1000000000\r\n", ErrBadArgs, 0},
		{"pub too many args", "PUB foo bar baz 1\r\n", ErrBadArgs, 0},
		{"hpub one size", "HPUB foo 3\r\n", ErrBadArgs, 0},
		{"hpub header over total", "HPUB foo 14 12\r\n", ErrBadArgs, 0},
		{"sub one arg", "SUB foo\r\n", ErrBadArgs, 0},
		{"sub four args", "SUB foo bar baz 1\r\n", ErrBadArgs, 0},
		{"unsub no args", "UNSUB \r\n", ErrBadArgs, 0},
		{"unsub three args", "UNSUB 1 2 3\r\n", ErrBadArgs, 0},
		{"max payload", "PUB foo 33\r\n", ErrMaxPayload, 0},
		{"max payload hpub", "HPUB foo 0 33\r\n", ErrMaxPayload, 0},
		{"max control line", "SUB " + long + " 1\r\n", ErrMaxControlLine, 0},
		{"max control line without LF", "SUB " + long + long, ErrMaxControlLine, 0},
		{"max control line on PING garbage", "PING" + long + "\r\n", ErrMaxControlLine, 0},
		{"max control line on connect", "CONNECT " + long + "\r\n", ErrMaxControlLine, 0},
		{"client -ERR", "PING\r\n-ERR 'x'\r\n", ErrClientErr, 1},
		{"error after ops", "PING\r\nSUB a 1\r\nBAD\r\n", ErrUnknownOp, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := []byte(c.in)
			for _, cuts := range [][]int{nil, {1}, {len(in) / 2}, {len(in) - 1}} {
				ops, err := feed(in, cuts, true)
				var pe *ParseError
				if !errors.As(err, &pe) || !errors.Is(err, c.want) {
					t.Fatalf("cuts %v: err %v, want %v", cuts, err, c.want)
				}
				if len(ops) != c.ops {
					t.Fatalf("cuts %v: ops %q, want %d", cuts, ops, c.ops)
				}
			}
		})
	}
}

func TestParserHeadersNotNegotiated(t *testing.T) {
	_, err := feed([]byte("HPUB foo 3 3\r\nabc\r\n"), nil, false)
	if !errors.Is(err, ErrHeadersNotSupported) {
		t.Fatalf("err = %v", err)
	}
}

func TestParserRequireConnect(t *testing.T) {
	p := newParser(testControl, testPayload)
	p.requireConnect = true
	if err := p.parse([]byte("PING\r\n"), &recorder{}); !errors.Is(err, ErrAuthRequired) {
		t.Fatalf("PING first: %v", err)
	}
	p = newParser(testControl, testPayload)
	p.requireConnect = true
	r := &recorder{}
	if err := p.parse([]byte("connect {}\r\n"), r); err != nil || len(r.ops) != 1 {
		t.Fatalf("CONNECT first: %v %q", err, r.ops)
	}
}

func TestParseErrorOffset(t *testing.T) {
	_, err := feed([]byte("PING\r\nPING\r\nXX"), []int{3, 9}, false)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Offset != 12 || pe.State != "OP_NAME" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "offset 12") {
		t.Fatalf("text %q", err.Error())
	}
}

// FuzzParser checks that the parser never panics and that splitting the
// input at random points never changes what it parses nor how it fails.
func FuzzParser(f *testing.F) {
	for _, s := range []string{
		"PING\r\n", "CONNECT {}\r\nPUB foo 5\r\nhello\r\n", "SUB foo q 1\r\nUNSUB 1 5\r\n",
		"HPUB a r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", "PUB foo 2\r\nabc\r\n", "MSG\r\n",
		"PUB foo 33\r\n", "SUB " + strings.Repeat("z", 80) + "\r\n", "-ERR 'x'\r\n", "PONGPONG\n",
	} {
		f.Add([]byte(s), uint64(1))
	}
	f.Fuzz(func(t *testing.T, in []byte, seed uint64) {
		for _, headers := range []bool{false, true} {
			want, wantErr := feed(in, nil, headers)
			rng := rand.New(rand.NewPCG(seed, 7))
			var cuts []int
			for i := 1; i < len(in); i++ {
				if rng.IntN(4) == 0 {
					cuts = append(cuts, i)
				}
			}
			got, gotErr := feed(in, cuts, headers)
			if !slices.Equal(got, want) {
				t.Fatalf("cuts %v: ops %q, whole %q", cuts, got, want)
			}
			if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && errors.Unwrap(wantErr) != errors.Unwrap(gotErr)) {
				t.Fatalf("cuts %v: err %v, whole %v", cuts, gotErr, wantErr)
			}
			var pe1, pe2 *ParseError
			if errors.As(wantErr, &pe1) && errors.As(gotErr, &pe2) && pe1.Offset != pe2.Offset {
				t.Fatalf("cuts %v: offset %d, whole %d", cuts, pe2.Offset, pe1.Offset)
			}
		}
	})
}

func BenchmarkParsePub(b *testing.B) {
	p := newParser(4096, 1<<20)
	var in []byte
	for range 100 {
		in = append(in, "PUB foo.bar _INBOX.abc 16\r\n0123456789abcdef\r\n"...)
	}
	r := nopHandler{}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := p.parse(in, r); err != nil {
			b.Fatal(err)
		}
	}
}

type nopHandler struct{}

func (nopHandler) onConnect([]byte) error        { return nil }
func (nopHandler) onPing() error                 { return nil }
func (nopHandler) onPong() error                 { return nil }
func (nopHandler) onPub(*pubArg, []byte) error   { return nil }
func (nopHandler) onSub(_, _, _ []byte) error    { return nil }
func (nopHandler) onUnsub(_ []byte, _ int) error { return nil }

// TestParserControlLineBoundary: arguments of exactly the limit pass, one
// byte more fails, whether or not the line arrives in one read.
func TestParserControlLineBoundary(t *testing.T) {
	for _, extra := range []int{0, 1} {
		subject := strings.Repeat("s", testControl-2+extra) // + " 1"
		in := []byte("SUB " + subject + " 1\r\n")
		for _, cuts := range [][]int{nil, {5}, {len(in) - 2}} {
			ops, err := feed(in, cuts, false)
			if extra == 0 {
				if err != nil || len(ops) != 1 {
					t.Fatalf("at the limit, cuts %v: %q %v", cuts, ops, err)
				}
			} else if !errors.Is(err, ErrMaxControlLine) {
				t.Fatalf("over the limit, cuts %v: %q %v", cuts, ops, err)
			}
		}
	}
}
