package queue

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	m := &Message{
		Exchange: "logs", RoutingKey: "kern.critical", Body: []byte("payload"),
		Redelivered: true, ExpiresAt: 1700000000123,
		Props: Properties{
			ContentType: "text/plain", ContentEncoding: "gzip", DeliveryMode: 2, Priority: 7,
			CorrelationID: "c", ReplyTo: "r", Expiration: "100", MessageID: "m",
			Timestamp: 1700000000, Type: "t", UserID: "u", AppID: "a",
			Headers: Table{
				"s": "str", "b": []byte{0, 1}, "t": true, "i": int64(-5), "i8": int8(-8),
				"i16": int16(16), "i32": int32(-32), "u8": uint8(8), "u16": uint16(16), "u32": uint32(32),
				"f32": float32(1.5), "f64": 2.25, "ts": time.Unix(1700000000, 0).UTC(), "nil": nil,
				"tab": Table{"x": int64(1)}, "arr": []any{"a", int64(2), Table{"y": false}},
				"dec": Decimal{Scale: 2, Value: -12345},
			},
		},
	}
	env := encode(m)
	got, err := decode(env)
	require.NoError(t, err)
	require.Equal(t, m, got)
	require.Equal(t, m.ExpiresAt, envExpiresAt(env))

	empty := &Message{}
	got, err = decode(encode(empty))
	require.NoError(t, err)
	require.Equal(t, &Message{Body: []byte{}}, got)
}

func TestEnvelopeRedeliveredFlagInPlace(t *testing.T) {
	env := encode(&Message{RoutingKey: "k", Body: []byte("b")})
	env[1] |= flagRedelivered
	m, err := decode(env)
	require.NoError(t, err)
	require.True(t, m.Redelivered)
}

// FuzzDecode feeds arbitrary bytes to the envelope decoder: it must never
// panic, and whatever it accepts must re-encode to an equivalent message.
func FuzzDecode(f *testing.F) {
	f.Add(encode(&Message{Exchange: "x", RoutingKey: "k", Body: []byte("b"), Props: Properties{Headers: Table{"a": []any{Table{"b": int64(1)}}}}}))
	f.Add([]byte{1, 0})
	f.Add([]byte{1, 0, 0, 0, 0, 4, 255, 255, 255, 255, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decode(b)
		if err != nil {
			return
		}
		again, err := decode(encode(m))
		require.NoError(t, err)
		require.Equal(t, m.RoutingKey, again.RoutingKey)
		require.Equal(t, m.Body, again.Body)
	})
}
