package respfront

func hashCommands() []*Command { return nil }
