package vtl

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMethodDocs: docs/vtl.md's method table is the registry's
// (methodTable); -update rewrites it.
func TestMethodDocs(t *testing.T) {
	const path = "../../docs/vtl.md"
	const begin, end = "<!-- methods:", "<!-- end methods -->"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q block", path, begin, end)
	}
	i += strings.IndexByte(doc[i:], '\n') + 1
	got, want := doc[i:j], methodTable()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc[:i]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's method table is stale; run go test ./runtime/vtl -run TestMethodDocs -update (-doc +registry):\n%s", path, cmp.Diff(got, want))
}

// TestRegistry: every entry has a name and an implementation, no kind
// lists a name twice, and the regex flag is only on string methods.
func TestRegistry(t *testing.T) {
	for k, ms := range methodTables() {
		seen := map[string]bool{}
		for _, m := range ms {
			if m.name == "" || m.call == nil {
				t.Errorf("kind %d: entry %+v lacks a name or an implementation", k, m)
			}
			if seen[m.name] {
				t.Errorf("kind %s lists %s twice", kindDoc[k].label, m.name)
			}
			seen[m.name] = true
			if m.regex && recvKind(k) != kString {
				t.Errorf("%s.%s: only string methods take a regular expression", kindDoc[k].label, m.name)
			}
		}
	}
}
