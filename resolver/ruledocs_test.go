package resolver

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// renderRulesDoc renders docs/rules.md from the rule tables (AllRules), so
// the documentation cannot drift from what the code reports.
func renderRulesDoc() string {
	var b strings.Builder
	b.WriteString("# cfnrun rules\n\n")
	b.WriteString("Every finding `cfnrun validate` reports has a rule id. Errors are what CloudFormation, Terraform or\n")
	b.WriteString("API Gateway would reject at deploy time, or mistakes that deploy but break the API; warnings are\n")
	b.WriteString("likely mistakes (`--strict` makes them fail too); infos say what cfnrun does not model.\n\n")
	b.WriteString("Worked examples: [the property-schema rules](rules-schema.md) (E3001–E3030), [the Terraform rules](terraform.md#findings) (TF*).\n")
	b.WriteString("This file is generated from the rule registry (`resolver/registry.go` says where rules are declared) by `make golden`; do not edit it by hand.\n\n")
	b.WriteString("| id | severity | what | why it matters |\n|---|---|---|---|\n")
	for _, r := range AllRules() {
		fmt.Fprintf(&b, "| <a id=\"%s\"></a>%s | %s | %s | %s |\n", strings.ToLower(r.ID), r.ID, r.Severity, r.Summary, r.Why)
	}
	writeCfnLintDifferences(&b)
	return b.String()
}

func TestRulesDoc(t *testing.T) {
	const path = "../docs/rules.md"
	want := renderRulesDoc()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run make golden)", err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("docs/rules.md is stale; run make golden (-want +got):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, r := range AllRules() {
		if seen[r.ID] {
			t.Errorf("rule %s documented twice", r.ID)
		}
		seen[r.ID] = true
	}
}

// TestRulesDocumented checks that every rule id the golden tests produce
// is documented.
func TestRulesDocumented(t *testing.T) {
	documented := map[string]bool{}
	for _, r := range AllRules() { // the archives hold Terraform configurations too
		documented[r.ID] = true
	}
	files, _ := os.ReadDir("testdata")
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".txtar") {
			continue
		}
		b, _ := os.ReadFile("testdata/" + f.Name())
		for _, line := range strings.Split(string(b), "\n") {
			if i := strings.Index(line, "["); i > 0 && strings.Contains(line, "]") && (strings.Contains(line, "error[") || strings.Contains(line, "warning[") || strings.Contains(line, "info[")) {
				id := line[i+1 : strings.Index(line, "]")]
				if !documented[id] {
					t.Errorf("%s: rule %s is not in AllRules()", f.Name(), id)
				}
			}
		}
	}
}

// TestRegistry checks the registry's entries: every rule documented, ids
// unique across every table, each id shaped as its table's.
func TestRegistry(t *testing.T) {
	idRe := regexp.MustCompile(`^(?:[EWI]\d{4}|runtime-[a-z-]+)$`)
	for _, r := range registry {
		if !idRe.MatchString(r.ID) {
			t.Errorf("rule id %q: want E/W/I and four digits", r.ID)
		}
		if r.Level == "" || r.Summary == "" || r.Why == "" {
			t.Errorf("rule %s: Level, Summary and Why are all needed for docs/rules.md", r.ID)
		}
		if strings.HasSuffix(r.Summary, ".") || !strings.HasSuffix(r.Why, ".") {
			t.Errorf("rule %s: the summary is a phrase (no final period), the why a sentence", r.ID)
		}
	}
	seen := map[string]bool{}
	for _, r := range AllRules() {
		if seen[r.ID] {
			t.Errorf("rule %s is declared twice", r.ID)
		}
		seen[r.ID] = true
	}
}
