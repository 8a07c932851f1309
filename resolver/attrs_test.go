package resolver

import "testing"

func TestNameKeyIndex(t *testing.T) {
	for i, k := range nameKeys {
		if got := nameKeyIndex(k); got != i {
			t.Errorf("nameKeyIndex(%q) = %d, want %d", k, got, i)
		}
	}
	for _, k := range []string{"", "name", "Names", "FunctionNames", "Description", "Handler"} {
		if got := nameKeyIndex(k); got != -1 {
			t.Errorf("nameKeyIndex(%q) = %d, want -1", k, got)
		}
	}
	if len(nameKeys) > 16 {
		t.Fatalf("%d name keys: nameOf's seen mask holds 16", len(nameKeys))
	}
}
