package schema

import (
	"flag"
	"os"
	"testing"
)

// TestMain bounds fuzz input minimization unless -fuzzminimizetime is given:
// the test binary links all of goformation, whose coverage counters make
// the default 60 s minimization of every new input stall fuzzing (0
// execs/s under `make fuzz`); at 1 s it runs at thousands of execs/s.
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
