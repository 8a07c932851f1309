// Package gcfloor keeps the garbage collector from running while the live
// heap is small, for a long-running server whose live heap is a few MiB
// and whose allocation rate is high: the gateway under load allocates
// 100+ MB/s while keeping ~5 MiB live, so with GOGC=100 the collector ran
// ~20 times a second, and its marking, sweeping and the scavenger's
// returning of freed pages to the OS (which the next cycle faults back in,
// expensive on a virtual machine) were ~20% of a MOCK request's CPU.
//
// With a floor, the next collection comes when the heap has grown by at
// least floor bytes past the live heap (GOGC raised accordingly after each
// cycle); once the live heap is larger than the floor, GOGC is the default
// 100 again, so memory stays proportional to what is live. A GOGC set in
// the environment is left alone.
package gcfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// maxPercent bounds GOGC when the live heap is tiny (at start-up).
const maxPercent = 2000

var (
	mu    sync.Mutex
	users int
	floor uint64
	gen   int // bumped by the last Stop: stale finalizers stop re-arming
	prev  int
)

// Start keeps collections floor bytes apart at least, until stop is
// called; nested calls share one floor (the largest).
func Start(bytes uint64) (stop func()) {
	if os.Getenv("GOGC") != "" || bytes == 0 {
		return func() {}
	}
	mu.Lock()
	defer mu.Unlock()
	users++
	floor = max(floor, bytes)
	if users == 1 {
		prev = debug.SetGCPercent(100)
		debug.SetGCPercent(prev)
		if prev < 0 {
			// Off for a moment (internal/shortheap holds collections
			// back until the heap is built, then restores the
			// default itself): the default is what to come back to.
			prev = 100
		}
		arm(gen)
		tuneLocked()
	}
	var once sync.Once
	return func() { once.Do(release) }
}

func release() {
	mu.Lock()
	defer mu.Unlock()
	if users--; users == 0 {
		gen++
		floor = 0
		debug.SetGCPercent(prev)
	}
}

type sentinel struct{ _ [16]byte }

// arm runs tune after the next collection, and re-arms itself.
func arm(g int) {
	s := new(sentinel)
	runtime.SetFinalizer(s, func(*sentinel) {
		mu.Lock()
		defer mu.Unlock()
		if g != gen || users == 0 {
			return
		}
		tuneLocked()
		arm(g)
	})
}

var live = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

func tuneLocked() {
	metrics.Read(live)
	n := uint64(0)
	if live[0].Value.Kind() == metrics.KindUint64 {
		n = live[0].Value.Uint64()
	}
	if n == 0 {
		// No collection yet: the runtime's first goal is 4 MiB times
		// GOGC/100.
		n = 4 << 20
	}
	pct := 100
	if n < floor {
		pct = int(min(floor*100/n, maxPercent))
	}
	debug.SetGCPercent(max(pct, 100))
}
