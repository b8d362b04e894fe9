//go:build race

package examples_test

// raceEnabled makes TestExamples build the programs with -race too.
const raceEnabled = true
