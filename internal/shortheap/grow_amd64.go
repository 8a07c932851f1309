package shortheap

// Collects reports whether Prepare maps the heap with a forced collection
// (where there is no growStack, or past 256 MiB); callers that weigh its
// cost against a small heap's gain need only weigh it then.
const Collects = false

// minPrepare is the smallest n Prepare acts on: every heap, now that no
// collection comes with it (8 MiB is heapplan's estimate of a command with
// no template). Against Prepare at 12 MiB and up only (interleaved perf
// stat -r 10 x3, load 16-21, validate): a 27 kB template (100 resources)
// 742 -> 496 page faults, CPU 0.99x; 97 kB JSON (250) 936 -> 517, 0.73x;
// 119 kB YAML (400) 1151 -> 526, 0.78x; an empty file 510 -> 459, 1.0x; up
// with the seed (scripts/startup-ab.sh SIZE=seed, 8 rounds) 753 -> 561,
// CPU 0.95x. The cost is resident memory: +3.5 to +5 MB at the end of those
// validates (huge pages are backed whole), +2.7 MB for up with the seed.
const minPrepare = 8 << 20

// Implemented in grow_amd64.s.
func grow2M()
func grow4M()
func grow8M()
func grow16M()
func grow32M()
func grow64M()
func grow128M()
func grow256M()

// growStack[k] grows the calling goroutine's stack to 2<<k MiB.
var growStack = [...]func(){grow2M, grow4M, grow8M, grow16M, grow32M, grow64M, grow128M, grow256M}
