package respfront

func keyCommands() []*Command { return nil }
