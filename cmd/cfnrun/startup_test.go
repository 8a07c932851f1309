package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Bounds on what package initialisers allocate before main runs: every
// command pays it, and on a virtual machine each heap page first touched
// is a page fault (20-40 us here; `cfnrun version` took ~520 faults where
// a Go hello world takes ~185). Ours were 543 allocations (67 kB) at the
// start of session 26 and 355-371 after the lookup tables and regular
// expressions moved to internal/lazy; the whole binary, dependencies
// included, about 1,600 with Go 1.26, 1,264 after yaml.v3's tables were
// built on first use (internal/fork/yaml), 1,020 after go-cty's
// (internal/fork/cty), 854 after regexp2's (internal/fork/regexp2), the
// page's html/template and our sync.OnceValue declarations (two objects
// each) went; ours 262.
const (
	maxOurInitAllocs = 320
	maxAllInitAllocs = 950
)

var initLine = regexp.MustCompile(`^init (\S+) @[^,]*, [^,]*, (\d+) bytes, (\d+) allocs$`)

// TestStartupInits runs `cfnrun version` with GODEBUG=inittrace=1 and
// counts the allocations of every package initialiser. Over the bound:
// build the table or expression on first use (internal/lazy), not in a
// package-level var or init; a new dependency with a heavy initialiser
// costs every command too.
func TestStartupInits(t *testing.T) {
	cmd := exec.Command(cfnrunBin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG="+strings.Trim(os.Getenv("GODEBUG")+",inittrace=1", ","))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cfnrun version: %v\n%s", err, out)
	}
	type pkg struct {
		name          string
		bytes, allocs int
	}
	var ours []pkg
	all, n := 0, 0
	for _, line := range strings.Split(string(out), "\n") {
		m := initLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		b, _ := strconv.Atoi(m[2])
		a, _ := strconv.Atoi(m[3])
		if m[1] == "github.com/cfnrun/cfnrun/internal/earlyheap" {
			// Not data: objects never written that move the heap to a
			// huge page (one per page left in the runtime's page
			// cache, so 3 to 68 of them, ~2 MiB, varying per run).
			t.Logf("internal/earlyheap (not counted): %d allocations, %d B", a, b)
			continue
		}
		all += a
		if strings.HasPrefix(m[1], "github.com/cfnrun/cfnrun/") {
			ours = append(ours, pkg{strings.TrimPrefix(m[1], "github.com/cfnrun/cfnrun/"), b, a})
		}
	}
	if n == 0 {
		t.Fatalf("no inittrace lines in the output of GODEBUG=inittrace=1 cfnrun version:\n%s", out)
	}
	slices.SortFunc(ours, func(a, b pkg) int { return b.allocs - a.allocs })
	sum := 0
	var list []string
	for _, p := range ours {
		sum += p.allocs
		if p.allocs > 0 {
			list = append(list, fmt.Sprintf("%s %d (%d B)", p.name, p.allocs, p.bytes))
		}
	}
	t.Logf("%d package initialisers, %d allocations; ours %d: %s", n, all, sum, strings.Join(list, ", "))
	if sum > maxOurInitAllocs {
		t.Errorf("our packages' initialisers allocate %d times at start-up, over %d: %s; build tables and expressions on first use (internal/lazy)", sum, maxOurInitAllocs, strings.Join(list, ", "))
	}
	if all > maxAllInitAllocs {
		t.Errorf("package initialisers allocate %d times at start-up (all packages), over %d: a new dependency or a heavier one? GODEBUG=inittrace=1 cfnrun version lists them", all, maxAllInitAllocs)
	}
}
