package broker

import "sync"

// Hub is the pub/sub registry (SUBSCRIBE, PSUBSCRIBE, PUBLISH). It has its
// own lock, independent of the engine lock, and delivers by handing each
// message to the subscriber's Deliver method, which must only enqueue (into
// the connection's bounded outbound buffer), never block or write a socket.
type Hub struct {
	mu sync.RWMutex // guards channels and patterns
	// TODO(pubsub): channels and patterns registries.
}

// NewHub returns an empty Hub.
func NewHub() *Hub { return &Hub{} }
