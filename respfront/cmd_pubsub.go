package respfront

// pubsubState is a connection's subscriptions.
type pubsubState struct {
	channels map[string]struct{}
	patterns map[string]struct{}
}

func (p *pubsubState) count() int { return len(p.channels) + len(p.patterns) }

func pubsubCommands() []*Command { return nil }

func (c *Conn) releasePubSub() {}
