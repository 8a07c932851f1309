package earlyheap

import (
	"runtime"
	"unsafe"
)

const (
	hugePage = 2 << 20
	// chunk is the runtime's unit of heap mapping (pallocChunkBytes):
	// its heap grows by mmap of 4 MiB-aligned chunks.
	chunk = 4 << 20
	// probeSize is the smallest allocation the runtime never serves
	// from a processor's page cache (16 pages of 8 KiB), so its address
	// is the lowest free run of pages.
	probeSize = 128 << 10
	// runtimePage is the runtime's page; a span of the 8 KiB size class
	// is one page with one object.
	runtimePage = 8 << 10
	// cachePages is the size of a processor's page cache (pageCachePages).
	cachePages = 64

	madvHugepage = 14
)

// kept holds the objects that move the heap, for the life of the process.
var kept struct {
	probe, fill, grow []byte
	pages             [cachePages + 1]*[runtimePage]byte
}

func init() {
	if !allowed() {
		return
	}
	// Not sampled for the heap profile: they are not the program's
	// data, and a sample walks the stack and records it (~60,000
	// instructions and a few page faults for the ~2 MiB).
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = 0
	move()
	runtime.MemProfileRate = rate
}

func addr(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// move moves the heap (see the package comment).
func move() {
	kept.probe = make([]byte, probeSize)
	held = probeSize
	p := addr(kept.probe) + probeSize
	b := (p + hugePage - 1) &^ (hugePage - 1)
	if b > p {
		kept.fill = make([]byte, b-p)
		held += int(b - p)
		if addr(kept.fill) != p {
			return // not where free pages start: leave the heap as it is
		}
	}
	end := (b + chunk - 1) &^ (chunk - 1)
	if end == b {
		// The boundary is the end of the mapped heap: have the runtime
		// map its next chunk now, and advise the whole of it.
		kept.grow = make([]byte, probeSize)
		held += probeSize
		if addr(kept.grow) != b {
			return
		}
		end = b + chunk
	}
	if _, ok := sys(sysMadvise, b, end-b, madvHugepage); !ok {
		return
	}
	// Empty this processor's page cache: one-page spans until one comes
	// from above the boundary. (Another processor's cache may be left
	// below it: the initialising goroutine uses it if it moves there.
	// Taking the others down and back with GOMAXPROCS(1), which returns
	// their caches, left that range clean but cost as many faults in the
	// span sets their span caches went to: version 382 vs 388 faults,
	// medians of 30.)
	for i := range kept.pages {
		pg := new([runtimePage]byte)
		kept.pages[i] = pg
		held += runtimePage
		if uintptr(unsafe.Pointer(pg)) >= b {
			break
		}
	}
	advisedLo, advisedHi = b, end
}
