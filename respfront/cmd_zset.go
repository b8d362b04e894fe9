package respfront

func zsetCommands() []*Command { return nil }
