package diff

import (
	"fmt"

	"github.com/cfnrun/cfnrun/internal/model"
)

// OutputChange is a template output that appears, vanishes or changes
// value or export name.
type OutputChange struct {
	Name   string `json:"name"`
	Action string `json:"action"` // add, remove, change
	// Old and New are the evaluated values ("(sensitive)" for sensitive
	// Terraform outputs).
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
	OldExport string `json:"oldExport,omitempty"`
	NewExport string `json:"newExport,omitempty"`
	Location  string `json:"location,omitempty"`
}

func outputValue(o model.Output) string {
	if o.Sensitive {
		return "(sensitive)"
	}
	return o.Value
}

// compareOutputs compares outputs by name. Across formats only presence
// and export names are compared (a migration should keep what other stacks
// and scripts read); values embed generated ids that differ by
// construction.
func compareOutputs(old, new *model.Template, crossFormat bool) []OutputChange {
	out := []OutputChange{}
	oldBy := map[string]model.Output{}
	for _, o := range old.Outputs {
		oldBy[o.Name] = o
	}
	seen := map[string]bool{}
	for _, n := range new.Outputs {
		seen[n.Name] = true
		o, ok := oldBy[n.Name]
		if !ok {
			out = append(out, OutputChange{Name: n.Name, Action: ActionAdd, New: outputValue(n), NewExport: n.ExportName, Location: loc(n.Range)})
			continue
		}
		if (!crossFormat && outputValue(o) != outputValue(n)) || o.ExportName != n.ExportName {
			c := OutputChange{Name: n.Name, Action: "change", Old: outputValue(o), New: outputValue(n),
				OldExport: o.ExportName, NewExport: n.ExportName, Location: loc(n.Range)}
			if crossFormat {
				c.Old, c.New = "", "" // only the export changed that matters
			}
			out = append(out, c)
		}
	}
	for _, o := range old.Outputs {
		if !seen[o.Name] {
			out = append(out, OutputChange{Name: o.Name, Action: ActionRemove, Old: outputValue(o), OldExport: o.ExportName, Location: loc(o.Range)})
		}
	}
	return out
}

var hazardExportRemoved = hazardKind{
	Kind: "export-removed", Severity: SeverityDanger,
	When:   "an output's export name disappears or changes: CloudFormation refuses to delete an export another stack imports",
	Detail: "Stacks that Fn::ImportValue it block the update (\"Export cannot be deleted as it is in use\"); remove the imports first, or keep the export.",
	// CloudFormation refuses to delete an export another stack imports
	// ("Export ... cannot be deleted as it is in use by ..."), and when
	// none does, the importers of tomorrow break.
	check: func(in *hazardInput, report func(Hazard)) {
		for _, c := range in.outputs {
			if c.OldExport == "" || c.OldExport == c.NewExport {
				continue
			}
			what := "removed"
			if c.NewExport != "" {
				what = "renamed to " + c.NewExport
			}
			report(Hazard{Location: c.Location, Message: fmt.Sprintf("export %s (output %s) is %s", c.OldExport, c.Name, what)})
		}
	},
}
