// Package exchange: temporary stub so main builds until the routing
// package lands; replaced by the real implementation.
package exchange

import "errors"

type Kind string
type Table = map[string]any
type Exchange struct {
	Name                          string
	Kind                          Kind
	Durable, AutoDelete, Internal bool
	Args                          Table
}
type Binding struct {
	Source, Destination string
	ToExchange          bool
	RoutingKey          string
	Args                Table
}
type Registry struct{ xs map[string]*Exchange }

func NewRegistry() *Registry {
	return &Registry{xs: map[string]*Exchange{"": {Name: "", Kind: "direct", Durable: true}}}
}
func (r *Registry) Declare(x Exchange, passive bool) (*Exchange, error) {
	return nil, errors.New("not implemented")
}
func (r *Registry) Get(name string) (*Exchange, bool)       { x, ok := r.xs[name]; return x, ok }
func (r *Registry) Delete(name string, ifUnused bool) error { return errors.New("not implemented") }
func (r *Registry) Bind(b Binding) error                    { return errors.New("not implemented") }
func (r *Registry) Unbind(b Binding) error                  { return errors.New("not implemented") }
func (r *Registry) RemoveDestination(q string)              {}
func (r *Registry) Route(ex, key string, h Table) ([]string, error) {
	if ex == "" {
		return []string{key}, nil
	}
	return nil, nil
}
func (r *Registry) Bindings() []Binding    { return nil }
func (r *Registry) Exchanges() []*Exchange { return nil }
