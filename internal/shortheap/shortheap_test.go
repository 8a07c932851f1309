package shortheap

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/cfnrun/cfnrun/internal/earlyheap"
)

// Prepare changes process-wide settings, so it runs in a child process:
// the test binary started again with SHORTHEAP_CHILD set.
func TestMain(m *testing.M) {
	if mode := os.Getenv("SHORTHEAP_CHILD"); mode != "" {
		if err := child(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var kept [][]byte

func keep(n int) {
	for range n >> 10 { // in 1 KiB objects, all kept
		kept = append(kept, make([]byte, 1<<10))
	}
}

// early is allocated and written before Prepare, in the part of the heap
// package initialisation uses.
var early []byte

// child prepares a 16 MiB heap, checks that no collection runs in Prepare
// (where growStack maps the heap) nor while the heap stays below it, then
// grows the heap past it and checks that the collector is back to its
// default. In mode "user", GOGC=100 is in the environment and Prepare
// must leave the collector alone; in mode "nothp", GODEBUG has
// disablethp=1 and Prepare must not ask for huge pages; in mode "large",
// Prepare is asked for more than the largest stack growStack makes (the
// block and its collection) and must still give huge pages. Otherwise the
// 2 MiB range holding an object written before Prepare must be a huge
// page once it returns, where the kernel can do it: collapsed by Prepare,
// or where internal/earlyheap moved the heap, a huge page from its first
// write on.
func child(mode string) error {
	var ms runtime.MemStats
	fallbackBefore := vmstat("thp_fault_fallback")
	early = make([]byte, 64<<10)
	for i := range early {
		early[i] = 1
	}
	failedBefore := vmstat("thp_collapse_alloc_failed")
	runtime.ReadMemStats(&ms)
	gcs := ms.NumGC
	if mode == "large" {
		// Past the largest stack: a block, freed by a collection.
		if Prepare(300<<20) != thpAvailable() {
			return fmt.Errorf("Prepare(300 MiB) reported huge pages %v, want %v", !thpAvailable(), thpAvailable())
		}
		keep(8 << 20)
		if kb := anonHugeKB(); thpAvailable() && kb < 2<<10 && !thpFellBack(fallbackBefore) {
			return fmt.Errorf("%d KiB of the heap in huge pages after 8 MiB kept, want at least one 2 MiB page", kb)
		}
		return nil
	}
	advised := Prepare(16 << 20)
	runtime.ReadMemStats(&ms)
	if len(growStack) > 0 && ms.NumGC != gcs {
		return fmt.Errorf("Prepare collected (%d collections); the heap is mapped by a goroutine's stack, with no collection", ms.NumGC-gcs)
	}
	if mode == "nothp" {
		if advised {
			return fmt.Errorf("Prepare asked for huge pages with GODEBUG=disablethp=1")
		}
		keep(8 << 20)
		if kb := anonHugeKB(); kb != 0 {
			return fmt.Errorf("%d KiB of the heap in huge pages with GODEBUG=disablethp=1, want none", kb)
		}
		return nil
	}
	at := uintptr(unsafe.Pointer(&early[0]))
	if lo, hi := earlyheap.Range(); mode == "default" && advised && lo <= at && at < hi {
		// Unless the kernel had no huge page to give (fragmented memory).
		if kb := hugeKBAt(at); kb < 2<<10 && vmstat("thp_fault_fallback") == fallbackBefore {
			return fmt.Errorf("the mapping holding an object written before Prepare, in internal/earlyheap's range, has %d KiB in huge pages, want 2 MiB", kb)
		}
	} else if mode == "default" && advised && lo == 0 && collapseAvailable() {
		if kb := hugeKBAt(at); kb < 2<<10 && vmstat("thp_collapse_alloc_failed") == failedBefore {
			return fmt.Errorf("the mapping holding an object written before Prepare has %d KiB in huge pages, want its 2 MiB range collapsed", kb)
		}
	}
	runtime.ReadMemStats(&ms)
	gcs, released, heapSys := ms.NumGC, ms.HeapReleased, ms.HeapSys
	if Prepare(minPrepare - 1) {
		return fmt.Errorf("Prepare acted on a heap smaller than %d bytes", minPrepare)
	}
	if again := Prepare(32 << 20); again != advised {
		return fmt.Errorf("a second Prepare reported %v, the first %v", again, advised)
	}
	runtime.ReadMemStats(&ms)
	if ms.NumGC != gcs {
		return fmt.Errorf("a second Prepare collected (%d collections)", ms.NumGC-gcs)
	}
	if mode == "user" {
		if p := debug.SetGCPercent(100); p != 100 {
			return fmt.Errorf("GC percent %d with GOGC=100 set, want 100", p)
		}
		return nil
	}
	keep(8 << 20)
	if advised && thpAvailable() {
		if kb := anonHugeKB(); kb < 2<<10 && !thpFellBack(fallbackBefore) {
			return fmt.Errorf("%d KiB of the heap in huge pages after 8 MiB kept, want at least one 2 MiB page", kb)
		}
	}
	runtime.ReadMemStats(&ms)
	if ms.NumGC != gcs {
		return fmt.Errorf("%d collections below the prepared size", ms.NumGC-gcs)
	}
	// Below the limit the scavenger has nothing to do: had it returned
	// pages, they would be the ones Prepare just mapped (and advised).
	// Fresh heap counts as released until it is used, so growth of the
	// heap is not a return.
	if returned := int64(ms.HeapReleased-released) - int64(ms.HeapSys-heapSys); returned > 0 {
		return fmt.Errorf("%d KiB of heap returned to the kernel below the prepared size", returned>>10)
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		return fmt.Errorf("GC percent %d before the limit, want -1 (off)", p)
	}
	keep(48 << 20) // past the limit
	// The finalizer that restores the default runs after the first
	// collection, on its own goroutine.
	deadline := time.Now().Add(time.Minute)
	for {
		p := debug.SetGCPercent(100)
		limit := debug.SetMemoryLimit(-1)
		if p == 100 && limit == math.MaxInt64 {
			return nil
		}
		debug.SetGCPercent(p)
		if time.Now().After(deadline) {
			return fmt.Errorf("GC percent %d, memory limit %d a minute past the prepared size; want 100 and no limit", p, limit)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

// thpAvailable reports whether the kernel gives huge pages to memory
// advised so (Linux, transparent_hugepage "always" or "madvise").
func thpAvailable() bool {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && !strings.Contains(string(b), "[never]")
}

// collapseAvailable reports whether the kernel has MADV_COLLAPSE (Linux
// 6.1 and later).
func collapseAvailable() bool {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return false
	}
	var major, minor int
	fmt.Sscanf(string(b), "%d.%d", &major, &minor)
	return major > 6 || major == 6 && minor >= 1
}

// vmstat is a counter of /proc/vmstat (-1 when it cannot be read).
func vmstat(name string) int {
	b, err := os.ReadFile("/proc/vmstat")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// thpFellBack reports whether the kernel failed to give a huge page
// since the count before was read (fragmented memory): the checks for
// huge pages are then excused.
func thpFellBack(before int) bool {
	return vmstat("thp_fault_fallback") != before
}

// hugeKBAt is how much of the mapping holding p is in huge pages
// (/proc/self/smaps).
func hugeKBAt(p uintptr) int {
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0
	}
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 5 && strings.Contains(f[0], "-") { // a mapping's first line
			lo, hi, _ := strings.Cut(f[0], "-")
			l, err1 := strconv.ParseUint(lo, 16, 64)
			h, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uintptr(l) <= p && p < uintptr(h)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "AnonHugePages:"); ok && in {
			var kb int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// anonHugeKB is how much of the process's anonymous memory is in huge
// pages.
func anonHugeKB() int {
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "AnonHugePages:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb
		}
	}
	return 0
}

func childEnv(mode string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") && !strings.HasPrefix(kv, "GODEBUG=") {
			env = append(env, kv)
		}
	}
	env = append(env, "SHORTHEAP_CHILD="+mode)
	switch mode {
	case "user":
		env = append(env, "GOGC=100")
	case "nothp":
		env = append(env, "GODEBUG=disablethp=1")
	}
	return env
}

func TestPrepare(t *testing.T) {
	for _, mode := range []string{"default", "user", "nothp", "large"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = childEnv(mode)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}
