package exchange

import "strings"

// Headers exchange, as RabbitMQ 3.10+ implements it
// (rabbit_exchange_type_headers):
//
//   - The binding arguments are the pattern; the routing key is ignored.
//   - "x-match" selects the mode: "all" (the default, also for a missing
//     x-match) needs every pattern entry to match, "any" needs one.
//     "all-with-x" and "any-with-x" do the same but also match the pattern
//     entries whose names start with "x-", which "all" and "any" ignore.
//     The x-match entry itself never takes part.
//   - An entry matches when the message has a header of that name and, unless
//     the pattern value is void (nil: "a pattern field with no value means
//     presence"), the values are equal as Erlang's == sees them: numbers by
//     value across integer widths and floats, longstr and binary by bytes.
//   - A pattern with no entries left matches every message under "all" and
//     none under "any".

type headersRouter struct {
	all []*binding
}

// headerSpec is a binding's pattern, parsed once at bind time.
type headerSpec struct {
	any  bool
	keys []string
	vals []any
}

func parseHeaderSpec(args Table) *headerSpec {
	withX := false
	s := &headerSpec{}
	if v, ok := args["x-match"].(string); ok {
		switch v {
		case "any":
			s.any = true
		case "all-with-x":
			withX = true
		case "any-with-x":
			s.any, withX = true, true
		}
	}
	for k, v := range args {
		if k == "x-match" || (!withX && strings.HasPrefix(k, "x-")) {
			continue
		}
		s.keys = append(s.keys, k)
		s.vals = append(s.vals, v)
	}
	return s
}

func (s *headerSpec) matches(headers Table) bool {
	for i, k := range s.keys {
		hv, present := headers[k]
		ok := present && (s.vals[i] == nil || looseEqual(s.vals[i], hv))
		if s.any && ok {
			return true
		}
		if !s.any && !ok {
			return false
		}
	}
	return !s.any
}

// validateHeadersBinding checks x-match as validate_binding/2 does; a bad
// value is a 406 with RabbitMQ's text.
func validateHeadersBinding(args Table) error {
	v, ok := args["x-match"]
	if !ok {
		return nil
	}
	s, isStr := v.(string)
	if !isStr {
		return newErr(ErrPrecondition, "Invalid x-match field type %s (value %s); expected longstr",
			typeName(v), erlangTerm(v))
	}
	switch s {
	case "all", "any", "all-with-x", "any-with-x":
		return nil
	}
	return newErr(ErrPrecondition,
		"Invalid x-match field value %s; expected all, any, all-with-x, or any-with-x", erlangTerm(s))
}

func (r *headersRouter) add(b *binding) {
	b.hdr = parseHeaderSpec(b.Args)
	b.slot = len(r.all)
	r.all = append(r.all, b)
}

func (r *headersRouter) remove(b *binding) { r.all = removeSlot(r.all, b) }

func (r *headersRouter) appendRoutes(out []dest, _ string, headers Table) []dest {
	for _, b := range r.all {
		if b.hdr.matches(headers) {
			out = append(out, b.dest())
		}
	}
	return out
}
