package amqpbridge

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// allMethods returns one empty value of every method newMethod knows.
func allMethods() []Method {
	var out []Method
	for id := range methodNames {
		out = append(out, newMethod(id))
	}
	return out
}

// fill sets every exported field of m to a non-zero sample value derived
// from seed.
func fill(m Method, seed int) {
	v := reflect.ValueOf(m).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool((seed+i)%2 == 0)
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.SetUint(uint64(seed*31+i) % (1 << (f.Type().Bits() - 1)))
		case reflect.String:
			f.SetString(fmt.Sprintf("%s-%d", v.Type().Field(i).Name, seed))
		case reflect.Map:
			f.Set(reflect.ValueOf(Table{"k": int32(seed), "s": "v"}))
		}
	}
}

func encodeMethod(t testing.TB, m Method) []byte {
	t.Helper()
	b, err := AppendMethodFrame(nil, 1, m)
	require.NoError(t, err)
	return b[frameHeaderSize : len(b)-1]
}

func TestMethodRoundTrip(t *testing.T) {
	require.Len(t, allMethods(), 64)
	for seed := range 3 {
		for _, m := range allMethods() {
			t.Run(fmt.Sprintf("%s/%d", MethodName(m), seed), func(t *testing.T) {
				fill(m, seed)
				got, err := DecodeMethod(encodeMethod(t, m))
				require.NoError(t, err)
				require.Equal(t, m, got)
			})
		}
	}
}

func TestMethodBitsArePacked(t *testing.T) {
	// queue.declare: reserved short, name, then five bits in one octet,
	// least significant first, then the arguments table.
	p := encodeMethod(t, &QueueDeclare{Queue: "q", Durable: true, NoWait: true})
	require.Equal(t, []byte{0, 50, 0, 10, 0, 0, 1, 'q', 0b10010, 0, 0, 0, 0}, p)
	// basic.nack: longlong, then multiple and requeue in one octet.
	p = encodeMethod(t, &BasicNack{DeliveryTag: 1, Requeue: true})
	require.Equal(t, []byte{0, 60, 0, 120, 0, 0, 0, 0, 0, 0, 0, 1, 0b10}, p)
}

func TestDecodeMethodMustFail(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		code    uint16
	}{
		{"empty", nil, FrameError},
		{"short ids", []byte{0, 10}, FrameError},
		{"unknown class", []byte{0, 99, 0, 10}, NotImplemented},
		{"unknown method", []byte{0, 60, 0, 99}, NotImplemented},
		{"truncated", []byte{0, 60, 0, 80, 0, 0, 0}, FrameError},
		{"trailing bytes", append(encodeMethod(t, &ChannelOpen{}), 0), FrameError},
		{"shortstr past end", []byte{0, 50, 0, 10, 0, 0, 9, 'q'}, FrameError},
		{"bad table", []byte{0, 50, 0, 10, 0, 0, 1, 'q', 0, 0, 0, 0, 3, 1, 'k', 'Z'}, FrameError},
		{"missing bits", []byte{0, 60, 0, 80, 0, 0, 0, 0, 0, 0, 0, 1}, FrameError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeMethod(c.payload)
			var ae *Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, c.code, ae.Code, ae.Text)
			require.True(t, ae.ConnectionLevel())
		})
	}
}

func TestContentHeaderRoundTrip(t *testing.T) {
	p := Properties{
		ContentType: "application/json", ContentEncoding: "gzip", Headers: Table{"h": "v", "n": int32(1)},
		DeliveryMode: 2, Priority: 9, CorrelationID: "c", ReplyTo: "r", Expiration: "60000",
		MessageID: "m", Timestamp: 1700000000, Type: "t", UserID: "guest", AppID: "a",
	}
	b, err := AppendContent(nil, 1, &p, []byte("x"), DefaultFrameMax)
	require.NoError(t, err)
	res := readAll(b, DefaultFrameMax, false, whole)
	require.NoError(t, res.err)
	h, err := DecodeContentHeader(res.frames[0].Payload)
	require.NoError(t, err)
	require.Equal(t, ContentHeader{ClassID: ClassBasic, BodySize: 1, Props: p}, h)

	b, err = AppendContent(nil, 1, &Properties{}, nil, DefaultFrameMax)
	require.NoError(t, err)
	require.Equal(t, []byte{0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, b[frameHeaderSize:len(b)-1])
}

func TestContentHeaderMustFail(t *testing.T) {
	for name, p := range map[string][]byte{
		"empty":             nil,
		"short":             {0, 60, 0, 0, 0, 0},
		"flag continuation": {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
		"missing property":  {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0},
		"trailing":          {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeContentHeader(p)
			var ae *Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, uint16(FrameError), ae.Code)
		})
	}
}

// FuzzDecodeMethod decodes arbitrary method payloads and content headers:
// nothing panics, and what decodes encodes back to the same method.
func FuzzDecodeMethod(f *testing.F) {
	for i, m := range allMethods() {
		fill(m, i)
		f.Add(encodeMethod(f, m))
	}
	f.Add([]byte{0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0xff, 0xfc})
	f.Fuzz(func(t *testing.T, p []byte) {
		if m, err := DecodeMethod(p); err == nil {
			again, err := DecodeMethod(encodeMethod(t, m))
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(m), fmt.Sprint(again))
		}
		if h, err := DecodeContentHeader(p); err == nil {
			b, err := AppendContent(nil, 1, &h.Props, nil, 0)
			require.NoError(t, err)
			again, err := DecodeContentHeader(b[frameHeaderSize : len(b)-1])
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(h.Props), fmt.Sprint(again.Props))
		}
	})
}
