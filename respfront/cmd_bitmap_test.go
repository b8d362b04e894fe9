package respfront_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchyard/switchyard/internal/testutil"
)

const (
	errBitOffset = "ERR bit offset is not an integer or out of range"
	errNotInt    = "ERR value is not an integer or out of range"
	errBFType    = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
)

func TestSetBitGetBit(t *testing.T) {
	c := client(t)
	mustDo(t, c, int64(0), "SETBIT", "b", "7", "1")
	mustDo(t, c, "\x01", "GET", "b")
	mustDo(t, c, int64(1), "SETBIT", "b", "7", "1")
	mustDo(t, c, int64(0), "SETBIT", "b", "23", "1")
	mustDo(t, c, "\x01\x00\x01", "GET", "b")
	mustDo(t, c, int64(1), "SETBIT", "b", "7", "0")
	mustDo(t, c, int64(1), "GETBIT", "b", "23")
	mustDo(t, c, int64(0), "GETBIT", "b", "22")
	mustDo(t, c, int64(0), "GETBIT", "b", "4294967295")
	mustDo(t, c, int64(0), "GETBIT", "missing", "0")
	mustDo(t, c, int64(0), "EXISTS", "missing")

	mustErr(t, c, errBitOffset, "SETBIT", "b", "-1", "1")
	mustErr(t, c, errBitOffset, "SETBIT", "b", "4294967296", "1")
	mustErr(t, c, errBitOffset, "SETBIT", "b", "x", "1")
	mustErr(t, c, errBitOffset, "GETBIT", "b", "+1")
	mustErr(t, c, "ERR bit is not an integer or out of range", "SETBIT", "b", "1", "2")
	mustErr(t, c, "ERR bit is not an integer or out of range", "SETBIT", "b", "1", "-1")
	mustErr(t, c, "ERR bit is not an integer or out of range", "SETBIT", "b", "4294967295", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'setbit' command", "SETBIT", "b", "1")
	mustErr(t, c, "ERR wrong number of arguments for 'getbit' command", "GETBIT", "b")

	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "SETBIT", "l", "0", "1")
	mustErr(t, c, strWrongType, "GETBIT", "l", "0")
	mustErr(t, c, errBitOffset, "GETBIT", "l", "-1") // the offset is checked first

	// SETBIT keeps the TTL; integer-looking strings are plain bytes.
	mustDo(t, c, "OK", "SET", "n", "12", "EX", "100")
	mustDo(t, c, int64(1), "SETBIT", "n", "14", "0")
	mustDo(t, c, "10", "GET", "n")
	mustDo(t, c, int64(100), "TTL", "n")
}

// TestSetBitWatch: a SETBIT that changes nothing does not break a WATCH;
// one that changes a bit or pads the string does.
func TestSetBitWatch(t *testing.T) {
	addr := start(t)
	c1, c2 := testutil.DialRaw(t, addr), testutil.DialRaw(t, addr)
	exec := func(change ...string) string {
		require.Equal(t, "+OK\r\n", c1.Do("WATCH", "b"))
		if len(change) > 0 {
			c2.Do(change...)
		}
		c1.Do("MULTI")
		c1.Do("GETBIT", "b", "0")
		return c1.Do("EXEC")
	}
	require.Equal(t, "*-1\r\n", exec("SETBIT", "b", "0", "1"))
	require.Equal(t, "*1\r\n:1\r\n", exec("SETBIT", "b", "0", "1"))
	require.Equal(t, "*-1\r\n", exec("SETBIT", "b", "100", "0"))
	require.Equal(t, "*1\r\n:1\r\n", exec("BITFIELD", "b", "SET", "u1", "0", "1"))
	require.Equal(t, "*-1\r\n", exec("BITFIELD", "b", "INCRBY", "u1", "0", "1"))
}

func TestBitCount(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "s", "foobar")
	mustDo(t, c, int64(26), "BITCOUNT", "s")
	mustDo(t, c, int64(4), "BITCOUNT", "s", "0", "0")
	mustDo(t, c, int64(6), "BITCOUNT", "s", "1", "1")
	mustDo(t, c, int64(7), "BITCOUNT", "s", "-2", "-1")
	mustDo(t, c, int64(0), "BITCOUNT", "s", "-1", "-2")
	mustDo(t, c, int64(0), "BITCOUNT", "s", "-1", "-2", "nonsense") // answered before the unit is read
	mustDo(t, c, int64(26), "BITCOUNT", "s", "-100", "100")
	mustDo(t, c, int64(17), "BITCOUNT", "s", "5", "30", "BIT")
	mustDo(t, c, int64(2), "BITCOUNT", "s", "1", "2", "bit")
	mustDo(t, c, int64(12), "BITCOUNT", "s", "1", "2", "BYTE")
	mustDo(t, c, int64(0), "BITCOUNT", "missing")
	mustDo(t, c, int64(0), "BITCOUNT", "missing", "x") // a missing key answers before the arguments are read
	mustErr(t, c, "ERR syntax error", "BITCOUNT", "s", "1")
	mustErr(t, c, "ERR syntax error", "BITCOUNT", "s", "1", "2", "bits")
	mustErr(t, c, "ERR syntax error", "BITCOUNT", "s", "1", "2", "bit", "x")
	mustErr(t, c, errNotInt, "BITCOUNT", "s", "a", "1")
	mustErr(t, c, errNotInt, "BITCOUNT", "s", "1", "1.5")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "BITCOUNT", "l")
	mustErr(t, c, strWrongType, "BITCOUNT", "l", "x")
	mustErr(t, c, "ERR wrong number of arguments for 'bitcount' command", "BITCOUNT")
}

func TestBitPos(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "s", "\xff\xf0\x00")
	mustDo(t, c, int64(12), "BITPOS", "s", "0")
	mustDo(t, c, int64(0), "BITPOS", "s", "1")
	mustDo(t, c, int64(16), "BITPOS", "s", "0", "2")
	mustDo(t, c, int64(-1), "BITPOS", "s", "1", "2")
	mustDo(t, c, int64(8), "BITPOS", "s", "1", "1")
	mustDo(t, c, int64(12), "BITPOS", "s", "0", "1", "-1")
	mustDo(t, c, int64(-1), "BITPOS", "s", "0", "0", "0") // an explicit end: no padding
	mustDo(t, c, int64(-1), "BITPOS", "s", "0", "0", "11", "BIT")
	mustDo(t, c, int64(12), "BITPOS", "s", "0", "5", "12", "bit")
	mustDo(t, c, int64(10), "BITPOS", "s", "1", "10", "20", "BIT")
	mustDo(t, c, int64(-1), "BITPOS", "s", "1", "12", "-1", "bit")
	mustDo(t, c, int64(-1), "BITPOS", "s", "0", "3") // start past the end: an empty range
	mustDo(t, c, "OK", "SET", "ones", "\xff\xff")
	mustDo(t, c, int64(16), "BITPOS", "ones", "0") // the string counts as padded with zeros
	mustDo(t, c, int64(-1), "BITPOS", "ones", "0", "0", "-1")
	mustDo(t, c, "OK", "SET", "e", "")
	mustDo(t, c, int64(-1), "BITPOS", "e", "0")
	mustDo(t, c, int64(-1), "BITPOS", "e", "1")
	mustDo(t, c, int64(0), "BITPOS", "missing", "0")
	mustDo(t, c, int64(-1), "BITPOS", "missing", "1")
	mustDo(t, c, int64(-1), "BITPOS", "missing", "1", "x") // a missing key answers before the range is read

	mustErr(t, c, "ERR The bit argument must be 1 or 0.", "BITPOS", "s", "2")
	mustErr(t, c, errNotInt, "BITPOS", "s", "x")
	mustErr(t, c, errNotInt, "BITPOS", "s", "1", "x")
	mustErr(t, c, errNotInt, "BITPOS", "s", "1", "0", "x")
	mustErr(t, c, "ERR syntax error", "BITPOS", "s", "1", "0", "x", "bits") // the unit is read before the end
	mustErr(t, c, "ERR syntax error", "BITPOS", "s", "1", "0", "1", "bit", "x")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "BITPOS", "l", "1")
	mustErr(t, c, "ERR The bit argument must be 1 or 0.", "BITPOS", "l", "3")
}

func TestBitOp(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "a", "abc")
	mustDo(t, c, "OK", "SET", "b", "\xf0")
	mustDo(t, c, int64(3), "BITOP", "AND", "d", "a", "b")
	mustDo(t, c, "\x60\x00\x00", "GET", "d")
	mustDo(t, c, int64(3), "BITOP", "or", "d", "a", "b", "missing")
	mustDo(t, c, "\xf1bc", "GET", "d")
	mustDo(t, c, int64(3), "BITOP", "Xor", "d", "a", "b")
	mustDo(t, c, "\x91bc", "GET", "d")
	mustDo(t, c, int64(3), "BITOP", "NOT", "d", "a")
	mustDo(t, c, "\x9e\x9d\x9c", "GET", "d")
	mustDo(t, c, int64(0), "BITOP", "AND", "d", "missing")
	mustDo(t, c, int64(0), "EXISTS", "d")

	mustDo(t, c, "OK", "SET", "d", "x", "EX", "100")
	mustDo(t, c, int64(3), "BITOP", "OR", "d", "a")
	mustDo(t, c, int64(-1), "TTL", "d") // the destination is replaced

	mustErr(t, c, "ERR BITOP NOT must be called with a single source key.", "BITOP", "NOT", "d", "a", "b")
	mustErr(t, c, "ERR syntax error", "BITOP", "NAND", "d", "a")
	mustErr(t, c, "ERR wrong number of arguments for 'bitop' command", "BITOP", "AND", "d")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "BITOP", "AND", "d", "a", "l")
	mustDo(t, c, "abc", "GET", "d")
	mustDo(t, c, int64(3), "BITOP", "AND", "l", "a") // the destination may hold any type
	mustDo(t, c, "string", "TYPE", "l")
}

func TestBitfield(t *testing.T) {
	c := client(t)
	mustDo(t, c, []any{int64(0), int64(23), int64(-9)}, "BITFIELD", "k", "SET", "u5", "7", "23", "GET", "u5", "7", "GET", "i5", "7")
	mustDo(t, c, "\x01\x70", "GET", "k")
	mustDo(t, c, []any{int64(1), int64(0), int64(3), nil},
		"BITFIELD", "k", "INCRBY", "u2", "100", "1", "INCRBY", "u2", "100", "3",
		"OVERFLOW", "SAT", "INCRBY", "u2", "100", "3", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "1")
	mustDo(t, c, []any{int64(0), int64(-128), int64(127), int64(127)},
		"BITFIELD", "s", "SET", "i8", "#1", "-128", "OVERFLOW", "WRAP", "INCRBY", "i8", "#1", "256", "INCRBY", "i8", "#1", "-1", "SET", "u8", "#1", "-1")
	mustDo(t, c, []any{int64(255), int64(255)}, "BITFIELD", "s", "OVERFLOW", "SAT", "SET", "u8", "8", "-1", "GET", "u8", "8")
	mustDo(t, c, []any{int64(0), int64(9223372036854775807)},
		"BITFIELD", "w", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1")
	mustDo(t, c, []any{int64(0), int64(9223372036854775807)},
		"BITFIELD", "u", "SET", "u63", "1", "9223372036854775807", "GET", "u63", "1")
	mustDo(t, c, []any{}, "BITFIELD", "k")
	mustDo(t, c, []any{int64(0)}, "BITFIELD", "missing", "GET", "u8", "1000")
	mustDo(t, c, int64(0), "EXISTS", "missing")
	mustDo(t, c, []any{nil}, "BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "16", "300")
	mustDo(t, c, "\x00\x00\x00", "GET", "f") // created and padded even though the write failed

	mustErr(t, c, errBFType, "BITFIELD", "k", "GET", "u64", "0")
	mustErr(t, c, errBFType, "BITFIELD", "k", "GET", "i65", "0")
	mustErr(t, c, errBFType, "BITFIELD", "k", "GET", "i0", "0")
	mustErr(t, c, errBFType, "BITFIELD", "k", "GET", "x8", "0")
	mustErr(t, c, errBitOffset, "BITFIELD", "k", "GET", "u8", "-1")
	mustErr(t, c, errBitOffset, "BITFIELD", "k", "GET", "u8", "#x")
	mustErr(t, c, errBitOffset, "BITFIELD", "k", "GET", "u8", "#536870912")
	mustErr(t, c, errNotInt, "BITFIELD", "k", "SET", "u8", "0", "x")
	mustErr(t, c, "ERR Invalid OVERFLOW type specified", "BITFIELD", "k", "OVERFLOW", "FOO")
	mustErr(t, c, "ERR syntax error", "BITFIELD", "k", "GET", "u8")
	mustErr(t, c, "ERR syntax error", "BITFIELD", "k", "FOO")
	mustErr(t, c, "ERR syntax error", "BITFIELD", "k", "OVERFLOW")
	// Every argument is checked before anything runs.
	mustErr(t, c, errNotInt, "BITFIELD", "k", "SET", "u8", "0", "1", "SET", "u8", "0", "x")
	mustDo(t, c, "\x01\x70", "GETRANGE", "k", "0", "1")

	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, strWrongType, "BITFIELD", "l", "GET", "u8", "0")
	mustErr(t, c, strWrongType, "BITFIELD", "l")
}

func TestBitfieldRO(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "SET", "k", "\x01\x70")
	mustDo(t, c, []any{int64(23), int64(1)}, "BITFIELD_RO", "k", "GET", "u5", "7", "GET", "u8", "#0")
	mustDo(t, c, []any{}, "BITFIELD_RO", "k")
	mustErr(t, c, "ERR BITFIELD_RO only supports the GET subcommand", "BITFIELD_RO", "k", "SET", "u8", "0", "1")
	mustErr(t, c, "ERR BITFIELD_RO only supports the GET subcommand", "BITFIELD_RO", "k", "INCRBY", "u8", "0", "1")
	mustErr(t, c, errBFType, "BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u64", "0", "1") // parsed before the check
	mustDo(t, c, "\x01\x70", "GET", "k")
}

func TestLCS(t *testing.T) {
	c := client(t)
	mustDo(t, c, "OK", "MSET", "a", "ohmytext", "b", "mynewtext")
	mustDo(t, c, "mytext", "LCS", "a", "b")
	mustDo(t, c, int64(6), "LCS", "a", "b", "LEN")
	mustDo(t, c, []any{"matches", []any{
		[]any{[]any{int64(4), int64(7)}, []any{int64(5), int64(8)}},
		[]any{[]any{int64(2), int64(3)}, []any{int64(0), int64(1)}},
	}, "len", int64(6)}, "LCS", "a", "b", "IDX")
	mustDo(t, c, []any{"matches", []any{
		[]any{[]any{int64(4), int64(7)}, []any{int64(5), int64(8)}, int64(4)},
	}, "len", int64(6)}, "LCS", "a", "b", "idx", "MINMATCHLEN", "4", "WITHMATCHLEN")
	mustDo(t, c, "", "LCS", "a", "missing")
	mustDo(t, c, int64(0), "LCS", "missing", "missing2", "LEN")
	mustErr(t, c, "ERR If you want both the length and indexes, please just use IDX.", "LCS", "a", "b", "LEN", "IDX")
	mustErr(t, c, "ERR syntax error", "LCS", "a", "b", "FOO")
	mustErr(t, c, "ERR syntax error", "LCS", "a", "b", "MINMATCHLEN")
	mustErr(t, c, errNotInt, "LCS", "a", "b", "MINMATCHLEN", "x")
	mustDo(t, c, int64(1), "RPUSH", "l", "a")
	mustErr(t, c, "ERR The specified keys must contain string values", "LCS", "a", "l")
	mustErr(t, c, "ERR The specified keys must contain string values", "LCS", "l", "a", "FOO") // types first
	mustDo(t, c, "OK", "SET", "big", strings.Repeat("x", 12000))
	mustErr(t, c, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len", "LCS", "big", "big", "LEN")
	mustErr(t, c, "ERR wrong number of arguments for 'lcs' command", "LCS", "a")
}

// TestLCSRESP3 checks the map reply of LCS IDX and the null of a failed
// BITFIELD write in RESP3, and their RESP2 forms.
func TestLCSRESP3(t *testing.T) {
	addr := start(t)
	r2, r3 := testutil.DialRaw(t, addr), testutil.DialRaw(t, addr)
	r3.Do("HELLO", "3")
	r2.Do("MSET", "a", "ohmytext", "b", "mynewtext")
	body := "*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n"
	require.Equal(t, "%2\r\n$7\r\nmatches\r\n"+body, r3.Do("LCS", "a", "b", "IDX", "WITHMATCHLEN"))
	require.Equal(t, "*4\r\n$7\r\nmatches\r\n"+body, r2.Do("LCS", "a", "b", "IDX", "WITHMATCHLEN"))
	require.Equal(t, "*2\r\n_\r\n:0\r\n", r3.Do("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u1", "0", "2", "GET", "u1", "0"))
	require.Equal(t, "*2\r\n$-1\r\n:0\r\n", r2.Do("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u1", "0", "2", "GET", "u1", "0"))
}
