// Package earlyheap moves the heap, before package initialisation
// allocates, to a 2 MiB range the kernel backs with one transparent huge
// page, so that what every cfnrun command's initialisers allocate costs
// one page fault instead of one per 4 KiB page (Linux on amd64; elsewhere
// it does nothing).
//
// On a virtual machine each first touch of a fresh 4 KiB page is a fault
// into the hypervisor (about 12 us on the PVM guest cfnrun is measured
// on, against 0.27 us per 4 KiB of a huge page). The Go runtime does not
// ask for huge pages, and its heap starts at a random page of its first
// 4 MiB chunk: the runtime's own start and the first initialisers write
// 4 KiB pages there, and the 2 MiB range they are in keeps 4 KiB pages
// (its page table exists). The next 2 MiB-aligned range is still
// untouched. This package's initialiser, which runs before most others
// because it imports nothing (system calls in assembly), does this:
//
//   - It fills the heap up to that boundary with objects it never writes
//     (a 128 KiB probe whose address says where free pages start, then a
//     filler up to the boundary), so the runtime's page allocator has no
//     free page left below it. Fresh memory needs no zeroing: the pages
//     are never touched.
//   - It takes the pages left in this processor's page cache (the runtime
//     hands spans out of a 64-page block it reserved earlier) with
//     one-page objects, also never written, so the next spans come from
//     above the boundary.
//   - It advises the range above the boundary with MADV_HUGEPAGE (mapping
//     the heap's next chunk first when the boundary is the end of the
//     mapped heap: madvise only applies to a mapping that exists, and the
//     runtime maps its heap 4 MiB at a time).
//
// What is not moved: a size class whose span was started before this
// initialiser fills that span first (in the 4 KiB range), and so does
// another processor's page cache if the initialising goroutine moves to
// it. The commands that prepare their heap (internal/shortheap, from
// cmd/cfnrun/internal/heapplan) collapse that range into a huge page as
// they did before.
//
// Measured (stop 30, load 18-22, interleaved): `cfnrun version` 446 -> 385
// page faults; validate of a 2,000-resource JSON template 575 -> 537,
// Terraform 200 routes 615 -> 566, diff of two 2,000-resource templates
// 664 -> 606; up to the first 200 with 2,000 resources 660 -> 612 (CPU
// 0.88x) and with the embedded default 562 -> 517 (CPU 0.87x). It costs
// ~0.2 M instructions (the probe, filler and page-cache allocations, the
// /proc/self/environ scan: `version` 1.58 -> 1.77 M, callgrind medians of
// 10) against ~50 faults of ~12 us each.
//
// Nothing is done where transparent huge pages are off
// (/sys/kernel/mm/transparent_hugepage/enabled is "never") or when GODEBUG
// has disablethp=1 (the runtime's own switch for keeping its heap out of
// huge pages), read from /proc/self/environ as the runtime read it.
//
// The objects stay reachable for the life of the process: freed, their
// pages would be the first the allocator reuses, in the 4 KiB range.
// They are up to about 2.2 MiB of heap that is never written, so they
// cost no memory, but they count as heap in use (Held): a memory limit
// set for a heap of n bytes should allow n + Held. The huge page itself
// is backed whole once touched: up to 2 MiB of resident memory more than
// the 4 KiB pages the initialisers would have touched.
package earlyheap

// Range reports the range [lo, hi) the heap was moved to and advised for
// huge pages (2 or 4 MiB), or 0, 0 when nothing was done.
func Range() (lo, hi uintptr) { return advisedLo, advisedHi }

// Held reports how many bytes of heap the package holds to move the heap
// (see the package comment): 0 when it allocated nothing; after a move
// given up half-way (Range 0, 0), what it had allocated, still held.
func Held() int { return held }

var (
	advisedLo, advisedHi uintptr
	held                 int
)
