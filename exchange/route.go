package exchange

import "slices"

// Route returns the names of the queues a message published to exchange
// with routingKey and headers reaches: sorted, each once, possibly none.
//
// It follows rabbit_exchange:route/3 of RabbitMQ 3.x:
//   - each exchange routes by its kind; the default exchange "" routes to the
//     queue named routingKey (returned whether or not it exists: the caller
//     drops names that are not queues);
//   - bindings to exchanges are followed, each exchange at most once, so
//     cycles end;
//   - an exchange whose own bindings match nothing (neither queue nor
//     exchange destinations) passes the message to its alternate exchange,
//     Args["alternate-exchange"], when that exists; alternate exchanges
//     chain the same way;
//   - destinations that no longer exist are skipped.
//
// Route does not check Internal (see CheckPublish). A missing exchange is
// ErrNotFound ("no exchange 'x' in vhost '/'").
func (r *Registry) Route(exchange, routingKey string, headers Table) ([]string, error) {
	x := r.exchanges[exchange]
	if x == nil {
		return nil, errNoExchange(exchange)
	}
	if exchange == "" {
		return []string{routingKey}, nil
	}
	var queues []string
	work := append(r.work[:0], x)
	seen := r.seen
	seen[exchange] = struct{}{}
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		ds := x.router.appendRoutes(r.dests[:0], routingKey, headers)
		if len(ds) == 0 && x.hasAE {
			ds = append(ds, dest{name: x.ae, exchange: true})
		}
		if queues == nil && len(ds) > 0 {
			queues = make([]string, 0, len(ds))
		}
		for _, d := range ds {
			if !d.exchange {
				queues = append(queues, d.name)
				continue
			}
			if _, ok := seen[d.name]; ok {
				continue
			}
			seen[d.name] = struct{}{}
			if next := r.exchanges[d.name]; next != nil {
				work = append(work, next)
			}
		}
		r.dests = ds[:0]
	}
	r.work = work[:0]
	if len(seen) > 64 {
		r.seen = make(map[string]struct{}) // clear would keep the big table
	} else {
		clear(seen)
	}
	if len(queues) > 1 {
		slices.Sort(queues)
		queues = slices.Compact(queues)
	}
	return queues, nil
}
