package deepstack

import (
	"runtime"
	"testing"
	"time"
)

// TestGrow checks that each GrowN leaves a fresh goroutine on a stack of
// N KiB: the stack memory in use grows by that much while it runs.
func TestGrow(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the functions do nothing here")
	}
	for _, c := range []struct {
		name string
		grow func()
		size uint64
	}{{"Grow32K", Grow32K, 32 << 10}, {"Grow64K", Grow64K, 64 << 10}} {
		t.Run(c.name, func(t *testing.T) {
			// StackInuse also moves with other goroutines' stacks: one
			// freed between the two reads (the previous case's, as it
			// exits), or a freed span the runtime keeps while a
			// collection runs and hands to this goroutine (-race
			// collects often). Such a read says nothing; one read in a
			// few attempts that shows the growth says Grow works.
			var d int64
			for range 5 {
				if d = growth(c.grow); d >= int64(c.size) {
					return
				}
			}
			t.Errorf("stack in use grew by %d bytes in the last of 5 attempts; want at least %d", d, c.size)
		})
	}
}

// growth runs grow on a fresh goroutine and returns how much the stack
// memory in use grew while that goroutine was alive; it waits for the
// goroutine to be gone (counted out of NumGoroutine, its stack freed).
func growth(grow func()) int64 {
	goroutines := runtime.NumGoroutine()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	grown, release := make(chan struct{}), make(chan struct{})
	go func() {
		grow()
		close(grown)
		<-release
	}()
	<-grown
	runtime.ReadMemStats(&after)
	close(release)
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > goroutines && time.Now().Before(deadline); {
		runtime.Gosched()
	}
	return int64(after.StackInuse) - int64(before.StackInuse)
}
