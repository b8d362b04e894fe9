package broker

// ZSet is the value of a sorted-set key. TODO(issue 3).
type ZSet struct{}
