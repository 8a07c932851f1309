// Package shortheap prepares the heap of a short-lived command that keeps
// almost everything it allocates until it exits, such as `cfnrun validate`
// reading a template into a tree and resolving it.
//
// Two costs dominate such a process on a virtual machine where touching a
// fresh page of memory is expensive (each first touch of a 4 KiB page is a
// fault into the hypervisor: tens of microseconds): the faults themselves,
// one per 4 KiB the heap grows by, and garbage collections that find
// nothing to free because the tree is still in use. Prepare answers both:
//
//   - It asks the kernel to back about n bytes of heap with transparent
//     huge pages (madvise MADV_HUGEPAGE, Linux only), so the heap grows in
//     2 MiB faults instead of 4 KiB ones: a 2,000-resource template's
//     ~5,000 faults become a few hundred. The Go runtime does not ask for
//     huge pages itself, so Prepare has it map about n bytes of heap at
//     once (a goroutine's stack grown to that size and freed again, with
//     no collection; see growHeap), advises them, and the allocator then
//     places the command's objects in those pages.
//     Ranges of the first heap chunk that package initialisation has
//     already touched are collapsed into huge pages as well (MADV_COLLAPSE,
//     Linux 6.1 and later), unless internal/earlyheap moved the heap to a
//     huge page before those initialisers ran (see adviseHuge). Nothing is asked when transparent huge pages
//     are off on the system ("never") or when GODEBUG has disablethp=1
//     (the Go runtime's own switch to keep the heap out of huge pages).
//     The cost is resident memory: up to 2 MiB more per range than the
//     4 KiB pages actually used, about 1-3 MiB on a 2,000-resource
//     template.
//   - It turns the garbage collector off until the heap reaches n bytes (a
//     soft memory limit), then back to the default (GOGC=100) for the rest
//     of the run, so a small or middling template is resolved without a
//     collection and a huge one still has its memory bounded.
//
// Prepare changes process-wide settings: only a command's own process may
// call it, never a library or a test that shares the process.
package shortheap

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/cfnrun/cfnrun/internal/earlyheap"
)

// hugePage is the transparent huge page size on amd64 and arm64 Linux.
const hugePage = 2 << 20

// minPrepare (grow_*.go) is the smallest n Prepare acts on.

// Prepare readies the heap for a run that allocates about n bytes and
// keeps most of them (see the package comment); below minPrepare it does
// nothing. It reports whether the kernel took the huge-page advice (false
// on other systems, when transparent huge pages are off, or when n is
// small). It acts once per process: a later call does nothing and
// reports what the first did.
func Prepare(n int) bool {
	if n < minPrepare {
		return false
	}
	if prepared.Swap(true) {
		return advisedOnce.Load()
	}
	advised := prepare(n)
	advisedOnce.Store(advised)
	return advised
}

var prepared, advisedOnce atomic.Bool

func prepare(n int) bool {
	// A GOGC or GOMEMLIMIT the user set is theirs: then only the huge
	// pages are asked for.
	_, userGC := os.LookupEnv("GOGC")
	_, userLimit := os.LookupEnv("GOMEMLIMIT")
	tuneGC := !userGC && !userLimit
	percent := 100
	if tuneGC {
		percent = debug.SetGCPercent(-1)
	}
	advised, heap, mapped := false, n, 0
	if !disableTHP() && thpEnabled() {
		var lo, hi uintptr
		lo, hi, heap = growHeap(n)
		advised = adviseHuge(lo, hi)
		mapped = int(hi - lo)
	}
	if !tuneGC {
		return advised
	}
	// Off until the heap reaches the limit, then the default again. A
	// finalizer runs after the first collection that finds its object
	// unreachable, and the first collection comes when the heap reaches
	// the limit. The heap internal/earlyheap holds (never written) counts
	// as heap in use: it is added, so the collector comes when the
	// command's own heap reaches n.
	debug.SetMemoryLimit(memoryLimit(heap+earlyheap.Held(), mapped))
	restore := new(sentinel)
	runtime.SetFinalizer(restore, func(*sentinel) {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(math.MaxInt64)
	})
	return advised
}

// memoryLimit is the soft memory limit under which the collector first
// runs when about heap bytes of heap are in use, and the scavenger leaves
// the mapped bytes growHeap had the runtime map where they are.
//
// The limit is not the heap size. Under a limit the runtime's heap goal
// is the limit less all the memory that is not heap (its metadata and
// stacks: 2-3 MiB for a command's heap, growing with it) less 3%
// headroom, and it starts the collection about 95% of the way to that
// goal; heap + heap/4 + 4 MiB puts the start at or a little past heap.
// And while the memory mapped and not returned is over 95% of the limit,
// the scavenger returns free pages to the kernel (MADV_DONTNEED), which
// splits and drops the huge pages growHeap has just mapped: with the limit
// at the mapped size, 4-9 MiB of them went back in every prepared command
// (strace), and the collector ran below heap when a test kept 10 MiB of a
// prepared 16. The runtime's first heap chunks and what internal/earlyheap
// mapped (8 MiB at most) are mapped as well.
func memoryLimit(heap, mapped int) int64 {
	limit := heap + heap/4 + 4<<20
	if mapped > 0 {
		mapped += 8 << 20
		limit = max(limit, mapped+mapped/16+4<<20)
	}
	return int64(limit)
}

// growHeap has the runtime map about n bytes more of heap, all of it free
// again when it returns, and returns the range [lo, hi) that holds them
// and the heap in use at which the collector should first run (n, or
// the mapped size less its top 2 MiB when that is larger).
//
// The heap is mapped as it grows (mmap over the runtime's reservation,
// which also drops any advice given before), so the pages must be mapped
// by an allocation before they can be advised. A goroutine whose stack
// grows to a power of two S at least n-2 MiB (growStack: one frame that
// size, never written) has the runtime map S bytes of heap at its top;
// when the goroutine exits, the stack goes back to the heap at once, with
// no collection. The stack's top page is written (the goroutine's own
// frames): it is the last 2 MiB of the range, the one the command reaches
// last. The collector then waits for S-2 MiB of heap when that is more
// than n: the pages are mapped already, and filling them costs no more
// than a huge-page fault per 2 MiB (see memoryLimit for how the limit
// keeps them mapped).
//
// Where there is no growStack (other architectures) or n is over 256 MiB,
// a block of n+2 MiB is allocated and freed by a forced collection (with
// the collector otherwise off): 80-110 page faults of the collector's own
// bookkeeping (span sets of every size class in use) and ~2 ms.
func growHeap(n int) (lo, hi uintptr, limit int) {
	for k, grow := range growStack {
		size := hugePage << k
		if size < n-hugePage {
			continue
		}
		before := runtime.NumGoroutine()
		top := make(chan uintptr)
		go func() {
			grow()
			var local byte
			top <- uintptr(unsafe.Pointer(&local))
		}()
		hi = <-top
		// The stack is freed once the goroutine has exited, on the
		// way out of gdestroy; until then the heap would grow past it.
		for i := 0; i < 1000 && runtime.NumGoroutine() > before; i++ {
			runtime.Gosched()
		}
		return hi - uintptr(size), hi, max(n, size-hugePage)
	}
	percent := debug.SetGCPercent(-1)
	block := make([]byte, n+hugePage)
	lo = uintptr(unsafe.Pointer(unsafe.SliceData(block)))
	runtime.KeepAlive(block)
	block = nil
	runtime.GC() // frees the block: its pages are the next ones used
	debug.SetGCPercent(percent)
	return lo, lo + uintptr(n+hugePage), n
}

// disableTHP reports whether GODEBUG has disablethp=1: the runtime then
// keeps its heap out of huge pages, and so does Prepare. The last setting
// of it wins, as in the runtime.
func disableTHP() bool {
	on := false
	for kv := range strings.SplitSeq(os.Getenv("GODEBUG"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(kv), "disablethp="); ok {
			on = v == "1"
		}
	}
	return on
}

// sentinel is an object whose only use is its finalizer; it has a
// pointer so it is not combined with other tiny allocations (a finalizer
// on a tiny object may never run).
type sentinel struct{ _ *int }
