package shortheap

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

const madvHugepage = 14 // MADV_HUGEPAGE, linux/amd64 and arm64

// adviseHuge asks for huge pages over the 2 MiB-aligned part of b and of
// the heap mapping below it: the runtime's first heap chunk is still
// mostly free after package initialisation, and the allocator fills it
// before it reaches b. Pages already touched stay small; every whole 2 MiB
// range not yet touched is faulted in as one huge page.
func adviseHuge(b []byte) bool {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (max(mappingStart(p), p-uintptr(len(b))) + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(len(b))) &^ (hugePage - 1)
	if end <= beg {
		return false
	}
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, beg, end-beg, madvHugepage)
	return errno == 0
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
