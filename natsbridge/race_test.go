//go:build race

package natsbridge_test

// raceEnabled makes TestExamples build the programs with -race too.
const raceEnabled = true
