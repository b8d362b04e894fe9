package respfront

// Redis70Commands exposes redis70Commands to the external test package,
// which can start a real redis-server (internal/testutil imports this
// package, so the internal tests cannot).
var Redis70Commands = redis70Commands
