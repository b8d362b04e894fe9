package respfront

func setCommands() []*Command { return nil }
