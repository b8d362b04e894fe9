package broker

// Hash is the value of a hash key (field -> value). TODO(issue 3).
type Hash struct{}
