package respfront

import "github.com/switchyard/switchyard/broker"

func stringCommands() []*Command {
	return []*Command{
		{Name: "get", Handler: cmdGet, Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Summary: "Returns the string value of a key."},
	}
}

func cmdGet(x *Ctx) {
	o, err := x.DB.LookupKind(x.Arg(1), broker.KindString)
	if err != nil {
		x.Err(err)
		return
	}
	if o == nil {
		x.W.Null()
		return
	}
	x.W.Bulk(o.Str)
}
