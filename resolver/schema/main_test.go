package schema

import (
	"flag"
	"os"
	"testing"
)

// TestMain bounds fuzz input minimization unless -fuzzminimizetime is given:
// with the default 60 s minimization of every new input, fuzzing this
// package stalls under `make fuzz` (0 execs/s for long stretches); 1 s
// keeps it moving.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.fuzzminimizetime" {
			set = true
		}
	})
	if !set {
		if err := flag.Set("test.fuzzminimizetime", "1s"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
