package tf

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRuleRegistry checks that every rule is declared once with a valid
// id, and that rule ids appear in the code only in newRule declarations:
// a finding is built from its rule, never from a bare string.
func TestRuleRegistry(t *testing.T) {
	seen := map[string]bool{}
	idRe := regexp.MustCompile(`^TF\d{3}$`)
	for _, r := range Rules() {
		if !idRe.MatchString(r.ID) {
			t.Errorf("rule id %q is not TFnnn", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("rule %s declared twice", r.ID)
		}
		seen[r.ID] = true
		if r.Severity == "" || r.What == "" || r.Why == "" {
			t.Errorf("rule %s lacks a severity, what or why: %+v", r.ID, r)
		}
	}
	lit := regexp.MustCompile(`"TF\d{3}"`)
	files, _ := os.ReadDir(".")
	for _, f := range files {
		name := f.Name()
		if f.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if lit.MatchString(line) && !strings.Contains(line, "newRule(") {
				t.Errorf("%s:%d: a rule id outside a newRule declaration: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestRulesDoc checks that docs/terraform.md's rule table is the one
// RulesTable renders (go test ./parser/tf -run RulesDoc -update rewrites it).
func TestRulesDoc(t *testing.T) {
	const path = "../../docs/terraform.md"
	const begin, end = "<!-- rules:begin (generated from parser/tf; go test ./parser/tf -run RulesDoc -update) -->\n", "<!-- rules:end -->\n"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("docs/terraform.md lacks the markers %q and %q around the rule table", strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	got, want := s[i+len(begin):j], RulesTable()
	if *update {
		if err := os.WriteFile(path, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("docs/terraform.md's rule table is stale; run go test ./parser/tf -run RulesDoc -update (-want +got):\n%s", d)
	}
}
