//go:build !amd64

package shortheap

// growStack is empty where there is no assembly to grow a stack with:
// Prepare then maps the heap with a block and a collection.
var growStack [0]func()

// Collects reports whether Prepare maps the heap with a forced collection:
// always here.
const Collects = true

// minPrepare is the smallest n Prepare acts on. The forced collection
// (2-10 ms of CPU under load) and the 2 MiB zeroing of each huge page cost
// more than they save on a heap of a few MiB: `cfnrun validate` of a
// 120 kB template (~4 MiB of heap, estimate ~12 MiB) took 78 -> 93 ms of
// CPU with Prepare, one of 200 kB 95 -> 62 ms (perf stat -r 8, load ~14).
// Since the resolver allocates less, a 150 kB template (estimate 12.6
// MiB) gains too: 0.78x the CPU (cmd/cfnrun/internal/heapplan, which
// decides what is worth preparing above this floor).
const minPrepare = 12 << 20
