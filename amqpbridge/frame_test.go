package amqpbridge

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// rawFrame builds a frame by hand, with an explicit end octet.
func rawFrame(typ uint8, ch uint16, payload []byte, end byte) []byte {
	b := []byte{typ, byte(ch >> 8), byte(ch), 0, 0, 0, 0}
	n := len(payload)
	b[3], b[4], b[5], b[6] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	b = append(b, payload...)
	return append(b, end)
}

type readResult struct {
	frames []Frame
	err    error
}

// readAll feeds data to a fresh reader in the given chunk sizes and
// collects frames (with copied payloads) until it needs more bytes or
// fails.
func readAll(data []byte, frameMax uint32, header bool, chunks func(left int) int) readResult {
	fr := NewFrameReader(frameMax, header)
	var res readResult
	for len(data) > 0 {
		n := chunks(len(data))
		fr.Feed(data[:n])
		data = data[n:]
		for {
			f, ok, err := fr.Next()
			if err != nil {
				res.err = err
				return res
			}
			if !ok {
				break
			}
			f.Payload = append([]byte{}, f.Payload...)
			res.frames = append(res.frames, f)
		}
	}
	return res
}

func whole(left int) int { return left }
func byteByByte(int) int { return 1 }

func TestFrameReaderFrames(t *testing.T) {
	var stream []byte
	stream = append(stream, ProtocolHeader...)
	stream = append(stream, rawFrame(FrameMethod, 0, []byte{0, 10, 0, 11}, FrameEnd)...)
	stream = append(stream, rawFrame(FrameHeartbeat, 0, nil, FrameEnd)...)
	stream = append(stream, rawFrame(FrameHeader, 7, bytes.Repeat([]byte{1}, 20), FrameEnd)...)
	stream = append(stream, rawFrame(FrameBody, 65535, bytes.Repeat([]byte{'x'}, 4096), FrameEnd)...)
	want := []Frame{
		{Type: FrameMethod, Channel: 0, Payload: []byte{0, 10, 0, 11}},
		{Type: FrameHeartbeat, Channel: 0, Payload: []byte{}},
		{Type: FrameHeader, Channel: 7, Payload: bytes.Repeat([]byte{1}, 20)},
		{Type: FrameBody, Channel: 65535, Payload: bytes.Repeat([]byte{'x'}, 4096)},
	}
	for name, chunks := range map[string]func(int) int{"whole": whole, "byte-by-byte": byteByByte} {
		t.Run(name, func(t *testing.T) {
			res := readAll(stream, DefaultFrameMax, true, chunks)
			require.NoError(t, res.err)
			require.Equal(t, want, res.frames)
		})
	}
}

func TestFrameReaderAcceptsOld091Header(t *testing.T) {
	stream := append([]byte("AMQP\x01\x01\x00\x09"), rawFrame(FrameHeartbeat, 0, nil, FrameEnd)...)
	res := readAll(stream, DefaultFrameMax, true, whole)
	require.NoError(t, res.err)
	require.Len(t, res.frames, 1)
}

func TestFrameReaderMustFail(t *testing.T) {
	big := rawFrame(FrameBody, 1, make([]byte, 5000), FrameEnd)
	cases := []struct {
		name     string
		header   bool
		frameMax uint32
		data     []byte
		state    string
		offset   int64
		code     uint16 // 0: ErrProtocolHeader
		text     string
	}{
		{"http request", true, 4096, []byte("GET / HTTP/1.1\r\n"), "protocol-header", 0, 0, ""},
		{"amqp 1.0", true, 4096, []byte("AMQP\x00\x01\x00\x00"), "protocol-header", 0, 0, ""},
		{"amqp 0-8", true, 4096, []byte("AMQP\x01\x01\x08\x00"), "protocol-header", 0, 0, ""},
		{"frame too large", false, 4096, big, "frame-header", 0, FrameError,
			"FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,5000,4088}"},
		{"frame too large after header", true, 4096, append(append([]byte{}, ProtocolHeader...), big...), "frame-header", 8, FrameError, ""},
		{"bad frame end", false, 4096, rawFrame(FrameMethod, 0, []byte("abc"), 0xCD), "frame-payload", 0, FrameError,
			"FRAME_ERROR - type 1, all octets = <<\"abc\">>: {invalid_frame_end_marker,205}"},
		{"bad frame end long payload", false, 4096, rawFrame(FrameBody, 3, bytes.Repeat([]byte{0}, 40), 0), "frame-payload", 0, FrameError,
			"FRAME_ERROR - type 3, first 16 octets = <<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0>>: {invalid_frame_end_marker,0}"},
		{"unknown frame type", false, 4096, rawFrame(4, 0, []byte{1, 2}, FrameEnd), "frame-payload", 0, FrameError,
			"FRAME_ERROR - type 4, all octets = <<1,2>>: unknown_frame"},
		{"second frame bad", false, 4096, append(rawFrame(FrameHeartbeat, 0, nil, FrameEnd), rawFrame(FrameMethod, 1, nil, 'x')...), "frame-payload", 8, FrameError, ""},
	}
	for _, c := range cases {
		for name, chunks := range map[string]func(int) int{"whole": whole, "byte-by-byte": byteByByte} {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				res := readAll(c.data, c.frameMax, c.header, chunks)
				var re *ReadError
				require.ErrorAs(t, res.err, &re)
				require.Equal(t, c.state, re.State)
				require.Equal(t, c.offset, re.Offset)
				if c.code == 0 {
					require.ErrorIs(t, res.err, ErrProtocolHeader)
					return
				}
				var ae *Error
				require.ErrorAs(t, res.err, &ae)
				require.Equal(t, c.code, ae.Code)
				require.True(t, ae.ConnectionLevel())
				if c.text != "" {
					require.Equal(t, c.text, ae.Text)
				}
			})
		}
	}
}

func TestFrameReaderRefusesBadHeaderEarly(t *testing.T) {
	fr := NewFrameReader(4096, true)
	fr.Feed([]byte("G"))
	_, _, err := fr.Next()
	require.ErrorIs(t, err, ErrProtocolHeader)
	_, _, err = fr.Next()
	require.Error(t, err, "a failed reader stays failed")
}

func TestFrameReaderFrameMaxIsPayloadLimit(t *testing.T) {
	// As rabbit_reader: a payload of exactly frame-max is accepted.
	res := readAll(rawFrame(FrameBody, 1, make([]byte, 4096), FrameEnd), 4096, false, whole)
	require.NoError(t, res.err)
	require.Len(t, res.frames, 1)
	res = readAll(rawFrame(FrameBody, 1, make([]byte, 4097), FrameEnd), 4096, false, whole)
	require.Error(t, res.err)
}

func TestFrameReaderReadOnce(t *testing.T) {
	var stream []byte
	for i := range 100 {
		stream = append(stream, rawFrame(FrameBody, uint16(i), bytes.Repeat([]byte{byte(i)}, i*1000), FrameEnd)...)
	}
	fr := NewFrameReader(DefaultFrameMax, false)
	rd := bytes.NewReader(stream)
	var got int
	for {
		f, ok, err := fr.Next()
		require.NoError(t, err)
		if ok {
			require.Equal(t, uint16(got), f.Channel)
			require.Equal(t, bytes.Repeat([]byte{byte(got)}, got*1000), f.Payload)
			got++
			continue
		}
		if _, err := fr.ReadOnce(rd); err != nil {
			break
		}
		require.LessOrEqual(t, cap(fr.buf), 2*DefaultFrameMax, "buffer stays bounded")
	}
	require.Equal(t, 100, got)
	require.Zero(t, fr.Buffered())
}

func TestAppendContentSplitsAtFrameMax(t *testing.T) {
	body := bytes.Repeat([]byte("abcdefgh"), 1000) // 8000 bytes
	p := &Properties{ContentType: "text/plain"}
	b, err := AppendContent(nil, 3, p, body, 4096)
	require.NoError(t, err)
	res := readAll(b, 4096, false, whole)
	require.NoError(t, res.err)
	require.Len(t, res.frames, 3) // header, 4088, 3912
	require.Equal(t, uint8(FrameHeader), res.frames[0].Type)
	h, err := DecodeContentHeader(res.frames[0].Payload)
	require.NoError(t, err)
	require.Equal(t, uint64(8000), h.BodySize)
	require.Equal(t, "text/plain", h.Props.ContentType)
	require.Len(t, res.frames[1].Payload, 4096-8)
	require.Equal(t, body, append(res.frames[1].Payload, res.frames[2].Payload...))

	b, err = AppendContent(nil, 3, p, nil, 4096)
	require.NoError(t, err)
	res = readAll(b, 4096, false, whole)
	require.NoError(t, res.err)
	require.Len(t, res.frames, 1, "an empty body has no body frame")
}

// FuzzFrameReader feeds the same bytes whole and split at random points:
// the frames and the error must not depend on the split, nothing panics,
// and the buffer stays bounded by frame-max.
func FuzzFrameReader(f *testing.F) {
	f.Add(append(append([]byte{}, ProtocolHeader...), rawFrame(FrameMethod, 1, []byte{0, 20, 0, 10, 0}, FrameEnd)...), uint64(1))
	f.Add(rawFrame(FrameBody, 1, make([]byte, 300), FrameEnd), uint64(7))
	f.Add([]byte("AMQP\x00\x00\x09\x01\x08\x00\x00\x00\x00\x00\x00\xce\x01\x00\x01\x00\x00\x10\x00"), uint64(3))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"), uint64(5))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		const frameMax = 512
		header := seed&1 == 0
		one := readAll(data, frameMax, header, whole)
		rng := rand.New(rand.NewPCG(seed, seed>>32))
		split := readAll(data, frameMax, header, func(left int) int { return 1 + rng.IntN(left) })
		require.Equal(t, len(one.frames), len(split.frames))
		for i := range one.frames {
			require.Equal(t, one.frames[i], split.frames[i])
			require.LessOrEqual(t, len(one.frames[i].Payload), frameMax)
		}
		require.Equal(t, one.err == nil, split.err == nil)
		if one.err != nil {
			var a, b *ReadError
			require.True(t, errors.As(one.err, &a))
			require.True(t, errors.As(split.err, &b))
			require.Equal(t, a.State, b.State)
			require.Equal(t, a.Offset, b.Offset)
			require.Equal(t, a.Err.Error(), b.Err.Error())
			if !errors.Is(one.err, ErrProtocolHeader) {
				var ae *Error
				require.True(t, errors.As(one.err, &ae))
				require.True(t, strings.HasPrefix(ae.Text, ReplyName(ae.Code)+" - "))
			}
		}
	})
}
