// Package queue is the messaging model on top of the engine: queues, their
// messages, consumers, prefetch, delivery tags, acks and redelivery.
package queue

import "github.com/switchyard/switchyard/broker"

// Broker holds every queue. TODO: first-light messaging model.
type Broker struct{ eng *broker.Engine }

// New returns a Broker over eng.
func New(eng *broker.Engine) *Broker { return &Broker{eng: eng} }

// Close stops the broker's background work.
func (b *Broker) Close() {}
