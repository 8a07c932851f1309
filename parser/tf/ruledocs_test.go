package tf

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestRulesDocumented checks that every rule id the code emits is in
// Rules() and in docs/terraform.md, and that Rules() is sorted.
func TestRulesDocumented(t *testing.T) {
	ids := map[string]bool{}
	var order []string
	for _, r := range Rules() {
		ids[r.ID] = true
		order = append(order, r.ID)
	}
	if !slices.IsSorted(order) {
		t.Errorf("Rules() is not sorted: %v", order)
	}
	re := regexp.MustCompile(`"(TF\d{3})"`)
	doc, err := os.ReadFile("../../docs/terraform.md")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(".")
	for _, f := range files {
		if f.IsDir() || !regexp.MustCompile(`^[a-z_]+\.go$`).MatchString(f.Name()) || regexp.MustCompile(`_test\.go$`).MatchString(f.Name()) {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !ids[m[1]] {
				t.Errorf("%s emits %s, which Rules() does not document", f.Name(), m[1])
			}
			if !regexp.MustCompile(m[1]).Match(doc) {
				t.Errorf("docs/terraform.md does not mention %s", m[1])
			}
		}
	}
}
