package testutil

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Raw is a bare RESP connection for tests that compare replies byte for
// byte (RESP3 types, protocol errors, the differential test).
type Raw struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

// DialRaw connects to addr and closes the connection at the end of the test.
func DialRaw(t testing.TB, addr string) *Raw {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	return &Raw{t: t, nc: nc, br: bufio.NewReader(nc)}
}

// Conn returns the underlying connection.
func (r *Raw) Conn() net.Conn { return r.nc }

// Encode returns args as a RESP array of bulk strings.
func Encode(args ...string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	return b
}

// Send writes bytes as they are.
func (r *Raw) Send(b []byte) {
	r.t.Helper()
	_ = r.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := r.nc.Write(b)
	require.NoError(r.t, err)
}

// Do sends one command and returns its raw reply.
func (r *Raw) Do(args ...string) string {
	r.t.Helper()
	r.Send(Encode(args...))
	return r.Read()
}

// Read returns one complete raw reply (every RESP2 and RESP3 type), failing
// the test after 10 s.
func (r *Raw) Read() string {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	s, err := ReadReply(r.br)
	require.NoError(r.t, err)
	return s
}

// ReadTimeout is Read with a deadline; it returns an error instead of failing.
func (r *Raw) ReadTimeout(d time.Duration) (string, error) {
	_ = r.nc.SetReadDeadline(time.Now().Add(d))
	return ReadReply(r.br)
}

// ReadReply reads one complete RESP2/RESP3 reply and returns its bytes.
func ReadReply(br *bufio.Reader) (string, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return line, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return line, fmt.Errorf("malformed line %q", line)
	}
	out := line
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+', '-', ':', '_', ',', '#', '(':
		return out, nil
	case '$', '=', '!':
		n, err := strconv.Atoi(body)
		if err != nil {
			return out, err
		}
		if n < 0 {
			return out, nil
		}
		buf := make([]byte, n+2)
		if _, err := ioReadFull(br, buf); err != nil {
			return out, err
		}
		return out + string(buf), nil
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(body)
		if err != nil {
			return out, err
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			s, err := ReadReply(br)
			out += s
			if err != nil {
				return out, err
			}
		}
		if line[0] == '|' {
			// An attribute precedes the real reply.
			s, err := ReadReply(br)
			return out + s, err
		}
		return out, nil
	}
	return out, fmt.Errorf("unknown reply type %q", line)
}

func ioReadFull(br *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := br.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
