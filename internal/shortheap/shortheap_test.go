package shortheap

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// Prepare changes process-wide settings, so it runs in a child process:
// the test binary started again with SHORTHEAP_CHILD set.
func TestMain(m *testing.M) {
	if os.Getenv("SHORTHEAP_CHILD") != "" {
		if err := child(os.Getenv("SHORTHEAP_CHILD") == "user"); err != nil {
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

// child prepares a 16 MiB heap, checks that no collection runs while the
// heap stays below it, then grows the heap past it and checks that the
// collector is back to its default. With user set, GOGC=100 is in the
// environment and Prepare must leave the collector alone.
func child(user bool) error {
	var ms runtime.MemStats
	advised := Prepare(16 << 20)
	runtime.ReadMemStats(&ms)
	gcs := ms.NumGC
	if Prepare(minPrepare - 1) {
		return fmt.Errorf("Prepare acted on a heap smaller than %d bytes", minPrepare)
	}
	if user {
		if p := debug.SetGCPercent(100); p != 100 {
			return fmt.Errorf("GC percent %d with GOGC=100 set, want 100", p)
		}
		return nil
	}
	keep(8 << 20)
	if advised && thpAvailable() {
		if kb := anonHugeKB(); kb < 2<<10 {
			return fmt.Errorf("%d KiB of the heap in huge pages after 8 MiB kept, want at least one 2 MiB page", kb)
		}
	}
	runtime.ReadMemStats(&ms)
	if ms.NumGC != gcs {
		return fmt.Errorf("%d collections below the prepared size", ms.NumGC-gcs)
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
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			env = append(env, kv)
		}
	}
	env = append(env, "SHORTHEAP_CHILD="+mode)
	if mode == "user" {
		env = append(env, "GOGC=100")
	}
	return env
}

func TestPrepare(t *testing.T) {
	for _, mode := range []string{"default", "user"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = childEnv(mode)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}
