//go:build !race

package natsbridge_test

const raceEnabled = false
