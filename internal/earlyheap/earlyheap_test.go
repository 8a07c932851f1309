package earlyheap

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// The package acts in its initialiser, so each case runs in a child: the
// test binary started again with EARLYHEAP_CHILD set and the environment
// under test.
func TestMain(m *testing.M) {
	if os.Getenv("EARLYHEAP_CHILD") != "" {
		child()
		return
	}
	os.Exit(m.Run())
}

// child prints what the initialiser did and what the kernel says of the
// heap's mappings: "moved LO HI HELD", "next ADDR" (a fresh large
// allocation, which the runtime places at the lowest free pages),
// "flags HG NH" (whether the mapping at LO, or else the heap's, is
// advised for huge pages, and whether the runtime advised against them,
// which it does for its heap when GODEBUG has disablethp set: read below
// LO when the heap was moved).
func child() {
	lo, hi := Range()
	fmt.Printf("moved %d %d %d\n", lo, hi, Held())
	next := make([]byte, 256<<10)
	at := uintptr(unsafe.Pointer(unsafe.SliceData(next)))
	fmt.Printf("next %d\n", at)
	hg, nh := vmFlags(at)
	if lo != 0 {
		// The runtime's own advice is read where this package's is not:
		// MADV_HUGEPAGE on [lo, hi) cleared a "no huge pages" there.
		_, nh = vmFlags(lo - 1)
	}
	fmt.Printf("flags %v %v\n", hg, nh)
	runtime.KeepAlive(next)
}

// vmFlags reports whether the mapping holding p has the hg (huge pages
// advised) and nh (advised against) flags.
func vmFlags(p uintptr) (hg, nh bool) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return false, false
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if r, _, ok := strings.Cut(line, " "); ok && strings.Contains(r, "-") && !strings.HasSuffix(r, ":") {
			a, b, _ := strings.Cut(r, "-")
			lo, err1 := strconv.ParseUint(a, 16, 64)
			hi, err2 := strconv.ParseUint(b, 16, 64)
			in = err1 == nil && err2 == nil && uintptr(lo) <= p && p < uintptr(hi)
			continue
		}
		if in {
			if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok {
				fs := strings.Fields(flags)
				return hasField(fs, "hg"), hasField(fs, "nh")
			}
		}
	}
	return false, false
}

func hasField(fs []string, f string) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

type result struct {
	lo, hi, held, next uintptr
	hg, nh             bool
}

func run(t *testing.T, godebug string, extra ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	env := []string{"EARLYHEAP_CHILD=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GODEBUG=") {
			env = append(env, kv)
		}
	}
	if godebug != "-" {
		env = append(env, "GODEBUG="+godebug)
	}
	cmd.Env = append(env, extra...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var r result
	if _, err := fmt.Sscanf(string(out), "moved %d %d %d\nnext %d\nflags %t %t\n", &r.lo, &r.hi, &r.held, &r.next, &r.hg, &r.nh); err != nil {
		t.Fatalf("child output %q: %v", out, err)
	}
	return r
}

func thpEnabled() bool {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && !bytes.Contains(b, []byte("[never]"))
}

// TestMoved: the heap grows into the advised range, above everything the
// runtime and the earliest initialisers used; the range is 2 MiB-aligned
// and advised for huge pages.
func TestMoved(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" || !thpEnabled() {
		r := run(t, "-")
		if r.lo != 0 || r.held != 0 {
			t.Fatalf("moved the heap where it should not: %+v", r)
		}
		t.Skip("not linux/amd64 with transparent huge pages")
	}
	r := run(t, "-")
	if r.lo == 0 || r.hi <= r.lo || r.lo%(2<<20) != 0 || r.hi%(2<<20) != 0 {
		t.Fatalf("range [%#x, %#x): want a 2 MiB-aligned range", r.lo, r.hi)
	}
	if r.held <= 0 || r.held > 3<<20 {
		t.Errorf("held %d bytes, want up to ~2.2 MiB", r.held)
	}
	if r.next < r.lo || r.next >= r.hi {
		t.Errorf("a fresh allocation at %#x, outside the range [%#x, %#x)", r.next, r.lo, r.hi)
	}
	if !r.hg || r.nh {
		t.Errorf("the mapping at %#x: hg %v nh %v, want advised for huge pages", r.next, r.hg, r.nh)
	}
}

// TestDisableTHP: GODEBUG's disablethp, read as the runtime reads it (the
// runtime then advises its heap against huge pages: nh), keeps the heap
// where it is; every other setting leaves the move on.
func TestDisableTHP(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" || !thpEnabled() {
		t.Skip("not linux/amd64 with transparent huge pages")
	}
	for _, godebug := range []string{
		"disablethp=1", "gctrace=0,disablethp=1", "disablethp=2", "disablethp=+1",
		"disablethp=1,disablethp=0", "disablethp=1,disablethp=x", " disablethp=1",
		"disablethp=99999999999", "madvdontneed=1", "disablethp=" + strings.Repeat("0", 40) + "1",
	} {
		t.Run(godebug, func(t *testing.T) {
			r := run(t, godebug)
			if moved := r.lo != 0; moved == r.nh {
				t.Errorf("GODEBUG=%q: moved %v, runtime's disablethp %v (want the move exactly when the runtime keeps huge pages)", godebug, moved, r.nh)
			}
		})
	}
}

// TestEnviron: the environment parser over every split of the input into
// pieces, against the setting it should find.
func TestEnviron(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want bool
	}{
		{"", false},
		{"HOME=/root\x00", false},
		{"GODEBUG=disablethp=1\x00", true},
		{"A=1\x00GODEBUG=x=1,disablethp=1\x00B=2\x00", true},
		{"GODEBUG=disablethp=1\x00GODEBUG=disablethp=0\x00", true},
		{"GODEBUG=disablethp=0\x00GODEBUG=disablethp=1\x00", false},
		{"XGODEBUG=disablethp=1\x00", false},
		{"GODEBUGX=disablethp=1\x00", false},
		{"GODEBUG=disablethp=1,disablethp=bad\x00", true},
		{"GODEBUG=disablethp=" + strings.Repeat("0", 40) + "1\x00", true}, // ParseInt: 1
		{"GODEBUG=disablethp=-" + strings.Repeat("0", 40) + "\x00", false},
		{"GODEBUG=disablethp=" + strings.Repeat("0", 40) + "\x00", false},
		{"GODEBUG=disablethp=" + strings.Repeat("1", 40) + "\x00", false}, // out of range: ignored
		{"GODEBUG=disablethp=1,x=" + strings.Repeat("0", 40) + "\x00", true},
		{"GODEBUG=" + strings.Repeat("y", 100) + ",disablethp=1\x00", true},
		{"GODEBUG=disablethp=1", true}, // no final NUL
	} {
		for size := 1; size <= max(len(tc.env), 1); size++ {
			var e environ
			for i := 0; i < len(tc.env) && e.feed([]byte(tc.env[i:min(i+size, len(tc.env))])); i += size {
			}
			e.end()
			if e.disableTHP != tc.want {
				t.Errorf("%q in pieces of %d: disablethp %v, want %v", tc.env, size, e.disableTHP, tc.want)
				break
			}
		}
	}
}
