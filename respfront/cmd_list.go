package respfront

func listCommands() []*Command { return nil }
