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
	// restoring is set from the last Stop until the collection after it
	// puts prev back (or a new Start takes the floor up again).
	restoring bool
	// set is the GOGC the floor set last. A GOGC other than it after the
	// last Stop was set by someone else (internal/shortheap turning
	// collections off for a heap it builds): prev must not overwrite it.
	set int
)

// Start keeps collections floor bytes apart at least, until stop is
// called; nested calls share one floor (the largest). After the last
// stop, GOGC is what it was before once the next collection has run
// (see release).
func Start(bytes uint64) (stop func()) {
	if os.Getenv("GOGC") != "" || bytes == 0 {
		return func() {}
	}
	mu.Lock()
	defer mu.Unlock()
	users++
	floor = max(floor, bytes)
	if users == 1 {
		// GOGC read, not set to 100 and back: in that moment an
		// allocation on another goroutine could start a collection.
		// Between a Stop and the collection after it, GOGC is still
		// the floor's (unless someone set another since): what to
		// come back to is the prev saved then.
		cur := gcPercent()
		if !restoring || cur != set {
			prev = cur
		}
		restoring = false
		arm(gen)
		if cur < 0 {
			// Off for a moment (internal/shortheap holds collections
			// back until the heap is built, then restores the
			// default itself): the default is what to come back to.
			// The live heap the last collection measured is from
			// before the heap was built (up: 0.2 MB then, 20 MB
			// now, all of it kept), so what is in use now counts as
			// live: a goal of live + floor taken from the old
			// figure started a collection as the gateway began to
			// serve, during the first request (up 2,000 to the first
			// 200: 1.14x the wall time, 1.17x the CPU, +230 faults).
			if prev < 0 {
				prev = 100
			}
			startFrom(inUse())
		} else {
			tuneLocked()
		}
	}
	var once sync.Once
	return func() { once.Do(release) }
}

// release ends the floor. GOGC goes back to prev after the next
// collection, not at once: the goal the floor set stays until then. Put
// back at once, the goal came from the live heap the last collection
// measured, often far below the heap in use (up: a floor started over a
// heap built with collections off, 0.2 MB measured live then, 20+ MB in
// use), so the next allocation started a collection with every allocating
// goroutine assisting it. After SIGINT, that collection ran while up
// drained and exited: 10-15 ms of the ~20 from the signal to the exit of
// a 2,000-resource up, all for a heap about to be dropped.
func release() {
	mu.Lock()
	defer mu.Unlock()
	if users--; users == 0 {
		gen++
		floor = 0
		restoring = true
		restoreAfterNext(gen)
	}
}

// restoreAfterNext puts prev back after the next collection, unless a
// Start has come (users) or gone (gen) since.
func restoreAfterNext(g int) {
	s := new(sentinel)
	runtime.SetFinalizer(s, func(*sentinel) {
		mu.Lock()
		defer mu.Unlock()
		if g != gen || users > 0 || !restoring {
			return
		}
		restoring = false
		if gcPercent() != set {
			// Set by someone else since the Stop (collections turned
			// off while a heap is built): theirs stands. Put back
			// regardless, it turned collections on in the middle of
			// that build (-count=30: TestStartAfterHeapBuilt failed
			// 17 times, after the stop of the test before it).
			return
		}
		debug.SetGCPercent(prev)
	})
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

// heapMinimum is the runtime's smallest heap goal at GOGC=100; it scales
// with GOGC (runtime/mgcpacer.go: heapMinimum = 4 MiB × GOGC/100).
const heapMinimum = 4 << 20

var samples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/gc/scan/stack:bytes"},
	{Name: "/gc/scan/globals:bytes"},
}

var (
	gogc  = []metrics.Sample{{Name: "/gc/gogc:percent"}}
	inuse = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
)

// gcPercent is GOGC as it is (-1 when off).
func gcPercent() int {
	metrics.Read(gogc)
	if gogc[0].Value.Kind() != metrics.KindUint64 {
		return 100
	}
	return int(int64(gogc[0].Value.Uint64()))
}

// inUse is the heap's objects now, live or not yet swept.
func inUse() uint64 {
	metrics.Read(inuse)
	if inuse[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return inuse[0].Value.Uint64()
}

// startFrom sets a GOGC whose goal is at least heap + floor, for a heap
// built with collections off: the runtime's minimum term
// (heapMinimum×GOGC/100) reaches it while the goal's live term, from
// the last collection, is smaller. The first collection after it tunes
// from what it finds live (arm).
func startFrom(heap uint64) {
	setPercent(int(max((heap+floor)*100/heapMinimum, 100)))
}

// setPercent sets GOGC and remembers it as the floor's.
func setPercent(p int) {
	set = p
	debug.SetGCPercent(p)
}

func tuneLocked() {
	metrics.Read(samples)
	var v [3]uint64
	for i, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			v[i] = s.Value.Uint64()
		}
	}
	n, roots := v[0], v[1]+v[2]
	if n == 0 {
		// No collection yet: the runtime's first goal is 4 MiB times
		// GOGC/100.
		n = heapMinimum
	}
	setPercent(percentFor(n, roots, floor))
}

// percentFor is the GOGC that puts the next heap goal at live + floor
// (live n, stacks and globals roots). The runtime's goal is the larger of
// n + (n+roots)×GOGC/100 and heapMinimum×GOGC/100, and both grow with
// GOGC: a percentage taken as floor/n alone set the goal far past the
// floor when the live heap is small (~1 MiB live, 8 MiB asked: GOGC 800,
// so a minimum of 32 MiB; the gateway's goal was 16-29 MiB at 16
// connections). The smaller of the two percentages that each reach
// live + floor reaches it, with the other term below.
func percentFor(n, roots, floor uint64) int {
	if n >= floor {
		return 100
	}
	byLive := floor * 100 / (n + roots)
	byMinimum := (n + floor) * 100 / heapMinimum
	return int(max(min(byLive, byMinimum, maxPercent), 100))
}
