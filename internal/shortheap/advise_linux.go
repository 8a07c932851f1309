package shortheap

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

const (
	madvHugepage = 14 // MADV_HUGEPAGE, linux/amd64 and arm64
	madvCollapse = 25 // MADV_COLLAPSE, Linux 6.1 and later
)

// adviseHuge asks for huge pages over the 2 MiB-aligned part of b and of
// the heap mapping below it: the runtime's first heap chunk is still
// mostly free after package initialisation, and the allocator fills it
// before it reaches b. Nothing is asked when the system's transparent huge
// pages are off ("never").
//
// A 2 MiB range in which package initialisation has already touched a
// page is not given a huge page on the next fault: its page table exists,
// so the rest of it would be faulted in 4 KiB at a time (400 to 600 faults
// of a 2,000-resource validate, 0.2-0.7 ms of CPU per hundred on this
// PVM VM). Those ranges, below b, are collapsed into huge pages here with
// MADV_COLLAPSE (one copy of what is in them; the kernel leaves ranges
// with nothing in them alone and refuses on kernels before 6.1, which is
// ignored). Every whole 2 MiB range not yet touched is faulted in as one
// huge page when first used.
func adviseHuge(b []byte) bool {
	if !thpEnabled() {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (max(mappingStart(p), p-uintptr(len(b))) + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(len(b))) &^ (hugePage - 1)
	if end <= beg {
		return false
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, beg, end-beg, madvHugepage); errno != 0 {
		return false
	}
	// One range at a time: given several, the kernel gave up on all of
	// them when the first had nothing in it (EINVAL, Linux 6.18).
	for a := beg; a < min(end, (p+hugePage-1)&^(hugePage-1)); a += hugePage {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, a, hugePage, madvCollapse)
		if errno == syscall.EAGAIN { // a page briefly busy (being added to the LRU)
			syscall.Syscall(syscall.SYS_MADVISE, a, hugePage, madvCollapse)
		}
	}
	return true
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
