package broker

// Set is the value of a set key. TODO(issue 3).
type Set struct{}
