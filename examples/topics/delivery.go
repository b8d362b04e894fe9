package main

// This file is the same in every broker example: a one-connection client
// and the decoding of a delivery.

import (
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// dial returns a client holding one connection: the broker's state
// (consumers, delivery tags, prefetch, exclusive queues) belongs to a
// connection, so each role gets its own client.
func dial(addr string, proto int) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr: addr, Protocol: proto, PoolSize: 1, MaxRetries: -1,
		ReadTimeout: 10 * time.Second, // longer than any TIMEOUT we block for
	})
}

// delivery is a QUEUE.CONSUME / QUEUE.GET reply.
type delivery struct {
	Tag         int64
	Redelivered bool
	Exchange    string
	RoutingKey  string
	Queue       string
	Props       map[string]any // content-type, correlation-id, reply-to, delivery-mode, ...
	Body        string
}

// parseDelivery decodes a delivery: a map in RESP3, a flat array of field,
// value pairs in RESP2.
func parseDelivery(v any) (delivery, error) {
	m, err := fields(v)
	if err != nil {
		return delivery{}, err
	}
	var d delivery
	d.Tag, _ = m["delivery-tag"].(int64)
	switch r := m["redelivered"].(type) {
	case bool: // RESP3
		d.Redelivered = r
	case int64: // RESP2
		d.Redelivered = r == 1
	}
	d.Exchange, _ = m["exchange"].(string)
	d.RoutingKey, _ = m["routing-key"].(string)
	d.Queue, _ = m["queue"].(string)
	d.Body, _ = m["body"].(string)
	if d.Props, err = fields(m["properties"]); err != nil {
		return delivery{}, fmt.Errorf("properties: %w", err)
	}
	return d, nil
}

// fields turns a RESP3 map or a RESP2 flat array of pairs into a Go map.
func fields(v any) (map[string]any, error) {
	out := map[string]any{}
	switch v := v.(type) {
	case map[any]any:
		for k, val := range v {
			out[fmt.Sprint(k)] = val
		}
	case []any:
		if len(v)%2 != 0 {
			return nil, fmt.Errorf("odd number of elements in %v", v)
		}
		for i := 0; i < len(v); i += 2 {
			out[fmt.Sprint(v[i])] = v[i+1]
		}
	default:
		return nil, fmt.Errorf("unexpected reply %T %v", v, v)
	}
	return out, nil
}
