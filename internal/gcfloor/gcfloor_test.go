package gcfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestStartRaisesAndRestores: with a live heap far below the floor, GOGC
// goes up (after a collection too), and the last stop puts back what was
// set before.
func TestStartRaisesAndRestores(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: gcfloor leaves it alone")
	}
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	stop1 := Start(1 << 30)
	stop2 := Start(1 << 20)
	runtime.GC()
	runtime.GC() // the finalizer of the first cycle has run by the second
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	if p <= 100 {
		t.Errorf("GOGC %d with a 1 GiB floor and a small live heap, want > 100", p)
	}
	stop1()
	stop1() // twice: no effect
	p = debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	if p <= 100 {
		t.Errorf("GOGC %d while one user remains, want > 100", p)
	}
	stop2()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GOGC %d after the last stop, want 100 back", p)
	}
}
