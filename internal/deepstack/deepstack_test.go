package deepstack

import (
	"runtime"
	"testing"
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
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			grown, release := make(chan struct{}), make(chan struct{})
			go func() {
				c.grow()
				close(grown)
				<-release
			}()
			<-grown
			runtime.ReadMemStats(&after)
			close(release)
			if d := int64(after.StackInuse) - int64(before.StackInuse); d < int64(c.size) {
				t.Errorf("stack in use grew by %d bytes; want at least %d", d, c.size)
			}
		})
	}
}
