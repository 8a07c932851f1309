package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// hazardKind is one entry of the hazard registry: a kind of change a
// reviewer must not miss, its documentation and the check that finds it.
// Each entry is declared next to its check (hazards_*.go, outputs.go);
// hazardKinds lists them in the order they are printed within a severity,
// and docs/diff.md's hazard table is generated from them (TestHazardDocs).
// Adding a hazard is adding one entry and listing it there.
type hazardKind struct {
	// Kind is the stable identifier: JSON "kind", the rule "diff/<kind>"
	// of GitHub annotations.
	Kind string
	// Severity is SeverityDanger or SeverityWarning.
	Severity string
	// When says, for docs/diff.md, when the hazard is reported and why it
	// matters (Markdown).
	When string
	// Detail says what happens and how to fix it, printed under each
	// hazard of this kind unless the check gives a more specific one.
	Detail string
	// check reports the hazards of this kind; Kind, Severity and (when
	// empty) Detail of what it reports are filled from the entry.
	check func(in *hazardInput, report func(Hazard))
}

// hazardKinds is the registry, in printing order within a severity.
func hazardKinds() []*hazardKind {
	return []*hazardKind{
		&hazardAPIRemoved, &hazardStageRemoved, &hazardRouteRemoved, &hazardDomainMappingRemoved, &hazardAuthWeakened,
		&hazardDeploymentNotUpdated, &hazardTerraformNotTriggered, &hazardCanaryStageName,
		&hazardReplaceCollision, &hazardNameCollision, &hazardAPIKeyChanges,
		&hazardAPIReplaced, &hazardDataLoss, &hazardExportRemoved, &hazardStageNewDeployment, &hazardDomainMappingMoved,
		&hazardWSRouteSelection,
	}
}

// hazardInput is what every check reads: both templates and the
// resource, route and output comparisons. It is read-only to the checks.
type hazardInput struct {
	old, new           *model.Template
	oldNodes, newNodes map[string]*model.Node
	rs                 *resourceDiff
	rd                 *routeDiff
	outputs            []OutputChange
	// deployable[i] lists what a new deployment of rd.pairs[i] would
	// carry; computed once, on first use.
	deployable [][]string
}

func newHazardInput(old, new *model.Template, rs *resourceDiff, rd *routeDiff, outputs []OutputChange) *hazardInput {
	// The hazards reason about declared resources; nodes a transform
	// generates (model.Node.Origin: SAM's deployments, roles,
	// permissions) are not among them. Without such nodes, the maps the
	// resources' comparison built are the same.
	return &hazardInput{old: old, new: new, rs: rs, rd: rd, outputs: outputs,
		oldNodes: declared(old, rs.oldBy), newNodes: declared(new, rs.newBy)}
}

// declared maps the nodes of t without an Origin by address; by, t's
// nodes by address or nil, is returned when it holds just those.
func declared(t *model.Template, by map[string]*model.Node) map[string]*model.Node {
	if by != nil && len(by) == len(t.Nodes) && !slices.ContainsFunc(t.Nodes, func(n *model.Node) bool { return n.Origin != "" }) {
		return by
	}
	out := make(map[string]*model.Node, len(t.Nodes))
	for _, n := range t.Nodes {
		if n.Origin == "" {
			out[n.Address] = n
		}
	}
	return out
}

// pairChanges lists the changes of API pair i that reach clients only
// through a new deployment: endpoint changes, then changed authorizers,
// models, gateway responses, validators or API definitions.
func (in *hazardInput) pairChanges(i int) []string {
	if in.deployable == nil {
		in.deployable = make([][]string, len(in.rd.pairs))
		for j, p := range in.rd.pairs {
			if p.old == nil || p.new == nil {
				continue
			}
			changes := slices.Clone(in.rd.endpointChanges[j])
			in.deployable[j] = append(changes, deployableNodeChanges(p.new, in.rs, in.newNodes, len(changes) == 0)...)
		}
	}
	return in.deployable[i]
}

// bothCloudFormation reports whether the comparison is CloudFormation on
// both sides.
func (in *hazardInput) bothCloudFormation() bool {
	return in.old.Format == model.CloudFormation && in.new.Format == model.CloudFormation
}

// findHazards runs every registered check, most severe first, then in
// registry order, then by message; duplicates (same kind and message) are
// reported once.
func findHazards(in *hazardInput) []Hazard {
	kinds := hazardKinds()
	out := []Hazard{}
	for _, k := range kinds {
		k.check(in, func(h Hazard) {
			h.Kind, h.Severity = k.Kind, k.Severity
			if h.Detail == "" {
				h.Detail = k.Detail
			}
			out = append(out, h)
		})
	}
	rank := make(map[string]int, len(kinds))
	for i, k := range kinds {
		rank[k.Kind] = i
	}
	slices.SortStableFunc(out, func(a, b Hazard) int {
		return cmp.Or(
			cmp.Compare(sevRank(a.Severity), sevRank(b.Severity)),
			cmp.Compare(rank[a.Kind], rank[b.Kind]),
			cmp.Compare(a.Message, b.Message))
	})
	return slices.CompactFunc(out, func(a, b Hazard) bool { return a.Kind == b.Kind && a.Message == b.Message })
}

func sevRank(s string) int {
	if s == SeverityDanger {
		return 0
	}
	return 1
}

// hazardTable renders the registry as docs/diff.md's hazard table.
func hazardTable() string {
	var b strings.Builder
	b.WriteString("| kind | severity | when |\n|---|---|---|\n")
	for _, k := range hazardKinds() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.Kind, k.Severity, k.When)
	}
	return b.String()
}

// keyRange returns where property key of props is written, or fallback.
func keyRange(props *model.Value, key string, fallback diag.Range) diag.Range {
	if props != nil && props.Kind == model.Map {
		for _, f := range props.Fields {
			if f.Key == key && !f.KeyRange.IsZero() {
				return f.KeyRange
			}
		}
	}
	return fallback
}

func apiGone(rd *routeDiff, name string) bool {
	for _, p := range rd.pairs {
		if p.name == name && p.new != nil {
			return false
		}
	}
	return true
}

func onStage(api, stage string, apis int) string {
	var parts []string
	if stage != "" {
		parts = append(parts, "on stage "+stage)
	}
	if apis > 1 {
		parts = append(parts, "of API "+api)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func listSome(items []string) string {
	const show = 3
	if len(items) <= show {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:show], ", "), len(items)-show)
}
