package amqpbridge

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzServerInput sends arbitrary bytes after a valid handshake and an
// open channel: the server may close the connection but must not crash,
// and it keeps serving new connections.
func FuzzServerInput(f *testing.F) {
	pub, _ := AppendMethodFrame(nil, 1, &BasicPublish{RoutingKey: "q"})
	pub, _ = AppendContent(pub, 1, &Properties{Headers: Table{"a": int32(1)}}, []byte("body"), DefaultFrameMax)
	decl, _ := AppendMethodFrame(nil, 1, &QueueDeclare{Queue: "q"})
	get, _ := AppendMethodFrame(nil, 1, &BasicGet{Queue: "q"})
	f.Add(append(append(decl, pub...), get...))
	f.Add([]byte{FrameMethod, 0, 1, 0, 0, 0, 2, 0, 60, FrameEnd})
	f.Add([]byte{FrameBody, 0, 1, 0, 0, 0, 1, 'x', FrameEnd})
	_, addr := startInternal(f, Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m := handshake(t, addr, 0)
		m.send(1, &ChannelOpen{})
		require.IsType(t, &ChannelOpenOk{}, m.method(time.Second))
		_, _ = m.nc.Write(data)
		deadline := time.Now().Add(50 * time.Millisecond)
		for time.Now().Before(deadline) {
			if _, err := m.frame(10 * time.Millisecond); err != nil {
				if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
					break // closed by the server: fine
				}
			}
		}
		m.nc.Close()
		// Still serving.
		again := handshake(t, addr, 0)
		again.nc.Close()
	})
}
