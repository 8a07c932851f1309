package resolver

import (
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// TestNoteUnplaced: a finding at a range that stands for places inside it
// (a Terraform body known only as its attribute) says so once; others are
// untouched.
func TestNoteUnplaced(t *testing.T) {
	at := diag.Range{Filename: "main.tf", Start: diag.Pos{Line: 3, Column: 10}}
	why := "cfnrun knows where the body attribute is, not the place inside it: it is built by templatefile(...)."
	tm := &model.Template{Unplaced: []model.Unplaced{{Range: at, Why: why}, {Range: at, Why: why}}}
	ds := diag.Diagnostics{
		diag.NewWarning("W3227", at, "MOCK integration of GET / has no integration response").WithHint("Add one."),
		diag.NewWarning("W3227", diag.Range{Filename: "main.tf", Start: diag.Pos{Line: 4, Column: 1}}, "elsewhere").WithHint("Add one."),
	}
	noteUnplaced(tm, ds)
	if got, want := ds[0].Detail, "Add one. "+why; got != want {
		t.Errorf("detail at the attribute %q, want %q", got, want)
	}
	if got := ds[1].Detail; got != "Add one." {
		t.Errorf("detail elsewhere %q, want it untouched", got)
	}
}
