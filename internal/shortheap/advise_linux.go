package shortheap

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/cfnrun/cfnrun/internal/earlyheap"
)

const (
	madvHugepage = 14 // MADV_HUGEPAGE, linux/amd64 and arm64
	madvCollapse = 25 // MADV_COLLAPSE, Linux 6.1 and later
)

// adviseHuge asks for huge pages over the 2 MiB-aligned part of the free
// heap [lo, hi) (see growHeap) and of the heap mapping below it: the
// runtime's first heap chunk is still mostly free after package
// initialisation, and the allocator fills it before it reaches lo.
//
// A 2 MiB range in which package initialisation has already touched a
// page is not given a huge page on the next fault: its page table exists,
// so the rest of it would be faulted in 4 KiB at a time (400 to 600 faults
// of a 2,000-resource validate, 0.2-0.7 ms of CPU per hundred on this
// PVM VM). Those ranges, below b, are collapsed into huge pages here with
// MADV_COLLAPSE (one copy of what is in them; kernels before 6.1 refuse,
// which is ignored). Every whole 2 MiB range not yet touched is faulted in
// as one huge page when first used.
//
// Where internal/earlyheap moved the heap to a huge page before the inits
// ran, nothing is collapsed: what is left in 4 KiB pages below it is the
// runtime's own start and what the allocator still places there (spans
// begun before the move, another processor's page cache), and a collapse
// cost more than those faults. Collapse vs none, both with earlyheap
// (load 14-19, interleaved): validate a.json 512 vs 551 faults, CPU
// 0.905x, max RSS 28.7 vs 25.2 MB (ab3.py 25); diff a/b.json 600 vs 687,
// 0.925x; up 2,000 to the first 200 607 vs 655, CPU 0.86x, wall 0.85x
// (startup-ab.sh 12). The call's own time was 0.3-0.8 ms, 2-18 ms in one
// run of three (strace -T, load 15): it drains every CPU's page lists and
// may compact memory for the huge page.
func adviseHuge(lo, hi uintptr) bool {
	beg := (max(mappingStart(lo), lo-(hi-lo)) + hugePage - 1) &^ (hugePage - 1)
	end := hi &^ (hugePage - 1)
	if end <= beg {
		return false
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, beg, end-beg, madvHugepage); errno != 0 {
		return false
	}
	if moved, _ := earlyheap.Range(); moved == 0 {
		collapseWritten(beg, min(end, (lo+hugePage-1)&^(hugePage-1)))
	}
	return true
}

// collapseWritten collapses the 2 MiB ranges in [beg, end) that have a
// page in memory, one MADV_COLLAPSE call per run of adjacent ones. Each
// call starts by draining every CPU's LRU lists (lru_add_drain_all, Linux
// 6.18): it queues work on each CPU and waits for it, behind whatever else
// runs there. With the other core loaded, that wait was most of Prepare:
// one call per range (three for a 2,000-resource validate, the first of
// them on a range with nothing in it, which the kernel refuses with EINVAL
// after draining) took 3.1 ms at the median and 43 ms at the 75th
// percentile at load 17-19, one call 1.1 and 2.9 ms. A range with nothing
// in it is left out (mincore): the kernel gives up on a whole call whose
// first range is empty.
func collapseWritten(beg, end uintptr) {
	var vec [hugePage >> 12]byte // one byte per 4 KiB page
	run := uintptr(0)            // start of the current run of written ranges
	for a := beg; a <= end; a += hugePage {
		if a < end && written(a, vec[:]) {
			if run == 0 {
				run = a
			}
			continue
		}
		if run == 0 {
			continue
		}
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, run, a-run, madvCollapse)
		if errno == syscall.EAGAIN { // a page briefly busy (being added to the LRU)
			syscall.Syscall(syscall.SYS_MADVISE, run, a-run, madvCollapse)
		}
		run = 0
	}
}

// written reports whether the 2 MiB range at a has a page in memory (or
// whether mincore cannot tell).
func written(a uintptr, vec []byte) bool {
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, a, hugePage, uintptr(unsafe.Pointer(unsafe.SliceData(vec)))); errno != 0 {
		return true
	}
	for _, v := range vec {
		if v&1 != 0 {
			return true
		}
	}
	return false
}

// thpEnabled reports whether the kernel may give huge pages to memory
// advised so: transparent_hugepage/enabled is "always" or "madvise".
func thpEnabled() bool {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && !bytes.Contains(b, []byte("[never]"))
}

// mappingStart returns the first address of the mapping (VMA) holding p,
// from /proc/self/maps, or p when it cannot tell.
func mappingStart(p uintptr) uintptr {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return p
	}
	for line := range bytes.Lines(maps) {
		lo, rest, ok := bytes.Cut(line, []byte("-"))
		if !ok {
			continue
		}
		hi, _, _ := bytes.Cut(rest, []byte(" "))
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		stop, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 == nil && err2 == nil && uintptr(start) <= p && p < uintptr(stop) {
			return uintptr(start)
		}
	}
	return p
}
