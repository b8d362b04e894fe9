package respfront

// queueState is a connection's state in the messaging model: its channel
// (prefetch, unacked deliveries) and consumers.
type queueState struct{}

func queueCommands() []*Command { return nil }

func (c *Conn) releaseQueues() {}
