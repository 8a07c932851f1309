package main

import (
	"testing"

	"github.com/cfnrun/cfnrun/resolver"
)

// TestUnreadable keeps unreadableRules true to what the front ends
// document: every id is a documented error rule.
func TestUnreadable(t *testing.T) {
	documented := map[string]string{}
	for _, r := range resolver.AllRules() {
		documented[r.ID] = r.Severity
	}
	for id := range unreadableRules {
		sev, ok := documented[id]
		if !ok {
			t.Errorf("%s is not a documented rule (resolver.AllRules)", id)
			continue
		}
		if len(sev) < 5 || sev[:5] != "error" {
			t.Errorf("%s is documented as %q, not an error", id, sev)
		}
	}
}
