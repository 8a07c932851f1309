// Package diff compares two resolved templates (*model.Template) and says
// what deploying the new one over the old one does: which resources are
// added, removed, updated in place or replaced (and why), which endpoints of
// which stage appear, vanish or change behaviour, and which of those changes
// are hazards a reviewer must see first.
//
// The comparison works on the model only, never on files, so CloudFormation
// against CloudFormation, Terraform against Terraform and CloudFormation
// against Terraform all go through the same engine.
//
// Invariants:
//   - Compare never mutates its inputs and never panics on a partial model.
//   - Every slice of a Result is sorted deterministically, so the same pair of
//     templates always prints the same diff (golden tests rely on it).
//   - Property values compare with model.Equal semantics: key order, YAML
//     versus JSON, 200 versus "200" are no change.
package diff

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Resource actions.
const (
	ActionAdd     = "add"
	ActionRemove  = "remove"
	ActionUpdate  = "update"
	ActionReplace = "replace"
	// ActionMove: a Terraform moved block gave the resource a new address
	// and nothing else changed (OldAddress is the old one). A moved
	// resource that also changes is an update or replace with OldAddress.
	ActionMove = "move"
)

// Replacement causes and update qualifiers (ResourceChange.Replacement).
const (
	// ReplaceNone: updated in place; every changed property is known to be
	// updatable.
	ReplaceNone = "none"
	// ReplaceUnknown: updated, but cfnrun has no create-only table for the
	// type, so it cannot say whether the update replaces the resource.
	ReplaceUnknown = "unknown"
	// ReplaceProperty: a create-only (CloudFormation) / ForceNew
	// (Terraform) property changed.
	ReplaceProperty = "property"
	// ReplaceDependency: a create-only property refers to a resource that is
	// itself replaced, so its value (a physical id or ARN) changes.
	ReplaceDependency = "dependency"
	// ReplaceRename: the logical id / address changed while type and
	// properties stayed the same; the old resource is deleted and a new one
	// created.
	ReplaceRename = "rename"
	// ReplaceType: the resource type changed under the same address.
	ReplaceType = "type"
)

// Property change kinds (PropertyChange.Kind).
const (
	PropAdd    = "add"
	PropRemove = "remove"
	PropChange = "change"
	// PropReference: a Ref / GetAtt / Terraform reference now points at a
	// different resource.
	PropReference = "reference"
	// PropDependency: the text is unchanged, but it refers to a resource
	// that is replaced, so the resolved value (physical id, ARN) changes.
	PropDependency = "dependency"
)

// Result is the full comparison of two templates.
type Result struct {
	Old Side `json:"old"`
	New Side `json:"new"`
	// Hazards are the changes a reviewer must see first, most severe first.
	Hazards []Hazard `json:"hazards"`
	// Resources are the resource-level changes, sorted by address.
	Resources []ResourceChange `json:"resources"`
	// Routes are the endpoint-level changes, sorted by API, stage, path,
	// method.
	Routes []RouteChange `json:"routes"`
	// Stages are stage-level changes (added, removed, deployment or
	// variables changed), sorted by API and stage.
	Stages []StageChange `json:"stages"`
	// Outputs are added, removed and changed template outputs, in the new
	// template's order (removals last).
	Outputs []OutputChange `json:"outputs"`
	// CrossFormat is true when the two sides are in different template
	// languages (CloudFormation against Terraform): resources are then not
	// compared, only the API they build (routes and stages).
	CrossFormat bool    `json:"crossFormat"`
	Summary     Summary `json:"summary"`
}

// Side describes one input of the comparison.
type Side struct {
	Format model.Format `json:"format"`
	Files  []string     `json:"files"`
}

// Summary counts the changes.
type Summary struct {
	Add            int `json:"add"`
	Update         int `json:"update"`
	Replace        int `json:"replace"`
	Remove         int `json:"remove"`
	Renames        int `json:"renames"`
	Moved          int `json:"moved,omitempty"`
	RoutesAdded    int `json:"routesAdded"`
	RoutesRemoved  int `json:"routesRemoved"`
	RoutesChanged  int `json:"routesChanged"`
	StagesChanged  int `json:"stagesChanged"`
	OutputsChanged int `json:"outputsChanged"`
	Hazards        int `json:"hazards"`
}

// Empty reports whether the templates are equivalent: nothing to add,
// change, replace or remove, at resource or route level.
func (r *Result) Empty() bool {
	return len(r.Resources) == 0 && len(r.Routes) == 0 && len(r.Stages) == 0 && len(r.Hazards) == 0 && len(r.Outputs) == 0
}

// ResourceChange is one added, removed, updated or replaced resource.
type ResourceChange struct {
	// Address is the logical id / Terraform address (the new one for a
	// rename).
	Address string `json:"address"`
	// OldAddress is set for a rename and for a Terraform moved resource.
	OldAddress string `json:"oldAddress,omitempty"`
	Type       string `json:"type"`
	// OldType is set when the type changed.
	OldType string `json:"oldType,omitempty"`
	// Action is add, remove, update, replace or move.
	Action string `json:"action"`
	// Replacement qualifies update (none, unknown) and replace (property,
	// dependency, rename, type); empty for add and remove.
	Replacement string `json:"replacement,omitempty"`
	// Reason explains Replacement in one sentence.
	Reason string `json:"reason,omitempty"`
	// Changes are the changed properties in source order; changes caused
	// only by a replaced dependency come last.
	Changes []PropertyChange `json:"changes,omitempty"`
	// Location is where the resource is declared (new side, or old side
	// for a removal), file:line:col.
	Location string `json:"location,omitempty"`
}

// PropertyChange is one changed property of a resource.
type PropertyChange struct {
	// Path is the property path: "Integration.Uri",
	// "RequestParameters[\"method.request.path.id\"]", "MethodResponses[1]".
	Path string `json:"path"`
	// Kind is add, remove, change, reference or dependency.
	Kind string `json:"kind"`
	// Old and New are the values in cfnrun's flow syntax (see
	// model.Value.String); Old is empty for add, New for remove.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// OldValue and NewValue are the same values as JSON: scalars as
	// written (numbers, booleans, strings), intrinsics in long form
	// ({"Ref": "X"}, {"Fn::GetAtt": ["X", "Arn"]}). Absent when the
	// property is absent on that side.
	OldValue any `json:"oldValue,omitempty"`
	NewValue any `json:"newValue,omitempty"`
	// ForcesReplacement is true when this property is create-only
	// (CloudFormation) or ForceNew (Terraform).
	ForcesReplacement bool `json:"forcesReplacement"`
	// Note explains a reference or dependency change.
	Note string `json:"note,omitempty"`
	// KnownAfterApply is true for a dependency change whose new value
	// only the deployment decides: a physical id, ARN or attribute of a
	// replaced (or, in Terraform, updated) resource. A dependency on a
	// changed parameter has a known value (Note gives it).
	KnownAfterApply bool `json:"knownAfterApply,omitempty"`
}

// Hazard severities.
const (
	SeverityDanger  = "danger"
	SeverityWarning = "warning"
)

// Hazard is a change a reviewer must not miss.
type Hazard struct {
	// Kind is a stable identifier, one per entry of the hazard registry
	// (hazardKinds), documented in docs/diff.md's table, which is
	// generated from the registry.
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	// Detail says what happens and how to fix it, in sentences.
	Detail string `json:"detail,omitempty"`
	// Address is the resource the hazard is about, when there is one.
	Address  string `json:"address,omitempty"`
	Location string `json:"location,omitempty"`
}

// Compare diffs old against new. It returns ctx.Err() if the context is
// cancelled; otherwise it always succeeds, also on partial models.
func Compare(ctx context.Context, old, new *model.Template) (*Result, error) {
	if old == nil {
		old = &model.Template{}
	}
	if new == nil {
		new = &model.Template{}
	}
	r := &Result{
		Old:       Side{Format: old.Format, Files: nonNil(old.Files)},
		New:       Side{Format: new.Format, Files: nonNil(new.Files)},
		Hazards:   []Hazard{},
		Resources: []ResourceChange{},
		Routes:    []RouteChange{},
		Stages:    []StageChange{},
	}
	// The routes and the stand-ins depend on the two templates alone, not
	// on the resources' comparison: they are worked out on two more
	// goroutines meanwhile (each of the three is about a fifth of a
	// 2,000-resource comparison, and the command has both cores to itself
	// by then). Nothing here writes to the templates.
	var (
		rd  *routeDiff
		inv invented
		wg  sync.WaitGroup
	)
	crossFormat := old.Format != new.Format && old.Format != "" && new.Format != ""
	wg.Add(2)
	go func() {
		defer wg.Done()
		rd = compareRoutes(old, new, crossFormat)
	}()
	go func() {
		defer wg.Done()
		inv = inventedNames(old, new)
	}()
	defer wg.Wait() // on an early return as well
	var rs *resourceDiff
	if crossFormat {
		// A migration check: logical ids and addresses, types and property
		// names differ by construction, so only the API (routes, stages)
		// is compared.
		r.CrossFormat = true
		rs = &resourceDiff{byNew: map[string]*ResourceChange{}}
	} else {
		var err error
		if rs, err = compareResources(ctx, old, new); err != nil {
			return nil, err
		}
		r.Resources = rs.changes
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	wg.Wait()
	r.Routes, r.Stages = rd.routes, rd.stages
	r.Routes = append(r.Routes, compareWebSocketRoutes(old, new)...)
	// JSON consumers get arrays, never null.
	if r.Resources == nil {
		r.Resources = []ResourceChange{}
	}
	if r.Routes == nil {
		r.Routes = []RouteChange{}
	}
	if r.Stages == nil {
		r.Stages = []StageChange{}
	}
	r.Outputs = compareOutputs(old, new, r.CrossFormat)
	r.Hazards = findHazards(newHazardInput(old, new, rs, rd, r.Outputs))
	r.replaceInvented(inv)
	r.summarize()
	return r, nil
}

func (r *Result) summarize() {
	s := Summary{Hazards: len(r.Hazards), StagesChanged: len(r.Stages), OutputsChanged: len(r.Outputs)}
	for _, c := range r.Resources {
		switch c.Action {
		case ActionAdd:
			s.Add++
		case ActionRemove:
			s.Remove++
		case ActionUpdate:
			s.Update++
		case ActionReplace:
			s.Replace++
			if c.Replacement == ReplaceRename {
				s.Renames++
			}
		}
		if c.OldAddress != "" && c.Replacement != ReplaceRename {
			s.Moved++
		}
	}
	for _, c := range r.Routes {
		switch c.Action {
		case ActionAdd:
			s.RoutesAdded++
		case ActionRemove:
			s.RoutesRemoved++
		default:
			s.RoutesChanged++
		}
	}
	r.Summary = s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func loc(r diag.Range) string {
	if r.IsZero() {
		return ""
	}
	return r.String()
}

func sortResources(cs []ResourceChange) {
	slices.SortFunc(cs, func(a, b ResourceChange) int {
		return cmp.Or(cmp.Compare(a.Address, b.Address), cmp.Compare(a.OldAddress, b.OldAddress))
	})
}

// valueJSON converts a model.Value to plain JSON data.
func valueJSON(v *model.Value) any {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case model.Null:
		return nil
	case model.Bool:
		return strings.EqualFold(v.Str, "true")
	case model.Number:
		// YAML numbers (0x1F, 1_000, +1) are not all JSON numbers.
		var n json.Number
		if err := json.Unmarshal([]byte(v.Str), &n); err == nil {
			return n
		}
		return v.Str
	case model.String:
		return v.Str
	case model.List:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = valueJSON(it)
		}
		return out
	case model.Map:
		out := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			out[f.Key] = valueJSON(f.Value)
		}
		return out
	case model.Intrinsic:
		return map[string]any{v.Str: valueJSON(v.Arg)}
	}
	return nil
}

// RelabelFiles replaces the prefix from with to in every file name and
// location of r: `cfnrun diff --git` reads the old side from a temporary
// directory and reports it as "REV:path".
func (r *Result) RelabelFiles(from, to string) {
	fix := func(s *string) {
		if strings.HasPrefix(*s, from) {
			*s = to + strings.TrimPrefix(*s, from)
		}
	}
	for _, side := range []*Side{&r.Old, &r.New} {
		for i := range side.Files {
			fix(&side.Files[i])
		}
	}
	for i := range r.Hazards {
		fix(&r.Hazards[i].Location)
	}
	for i := range r.Resources {
		fix(&r.Resources[i].Location)
	}
	for i := range r.Routes {
		fix(&r.Routes[i].Location)
	}
	for i := range r.Stages {
		fix(&r.Stages[i].Location)
	}
	for i := range r.Outputs {
		fix(&r.Outputs[i].Location)
	}
}

// Stand-ins: Compare replaces what cfnrun made up where the template leaves
// the value to AWS or to the deployer with words or references saying so,
// so no stand-in reaches the output:
//
//   - the name of an AWS::ApiGateway::Stage without StageName, which
//     CloudFormation names at deploy time, in stage headings and hazards;
//   - ids and names AWS generates (a REST API or deployment id, a Lambda
//     function without FunctionName) and the attributes made of them,
//     shown as ${LogicalId} and ${LogicalId.Attr};
//   - the placeholder of a parameter without Default or value (I2003),
//     shown as ${Name}.
//
// Both sides invent the same stand-in for the same stack and logical id,
// so matching is unaffected; only what is printed changes. A field whose
// two sides read the same once shown this way is no change, and a route or
// output left without changes is dropped.
//
// invented holds the two replacers (nil when there is nothing to replace):
// the stages CloudFormation names and the values cfnrun made up. They
// depend on the two templates alone, not on the comparison, so Compare
// builds them (inventedNames) while it compares and applies them
// (replaceInvented) at the end.
type invented struct{ stages, values *replacer }

// inventedNames reads the stand-ins of the two templates.
func inventedNames(old, new *model.Template) invented {
	stages := map[string]standIn{}
	// Sized for the larger side: the two sides' stand-ins are mostly the
	// same values (ids derive from the stack name and the address), and
	// the map for both (~600 KB for 2,000 resources) is fresh memory.
	n := 0
	for _, t := range []*model.Template{old, new} {
		m := 0
		for _, nd := range t.Nodes {
			if nd.Generated {
				m += len(nd.Attrs)
			}
		}
		n = max(n, m)
	}
	values := make(map[string]standIn, n)
	var attrs []string
	for _, t := range []*model.Template{old, new} {
		// The nodes that declare stages, by address.
		nodes := map[string]*model.Node{}
		for _, api := range t.APIs {
			for _, st := range api.Stages {
				nodes[st.LogicalID] = nil
			}
		}
		for _, n := range t.Nodes {
			if _, ok := nodes[n.Address]; ok {
				nodes[n.Address] = n
			}
			if n.Generated {
				attrs = attrs[:0]
				if ref, ok := n.Attrs["Ref"]; ok && len(n.Attrs) == 1 {
					// Most generated nodes (a method, say) have only a
					// Ref: no iteration of the map, no sort.
					if len(ref) >= 6 {
						values[ref] = standIn{name: n.Address}
					}
				} else {
					for attr := range n.Attrs {
						attrs = append(attrs, attr)
					}
				}
				slices.Sort(attrs)
				for _, attr := range attrs {
					v := n.Attrs[attr]
					if len(v) < 6 {
						continue
					}
					if attr == "Ref" {
						values[v] = standIn{name: n.Address} // a Ref's stand-in wins
						continue
					}
					if _, dup := values[v]; !dup {
						values[v] = standIn{name: n.Address, attr: attr}
					}
				}
			}
		}
		for _, api := range t.APIs {
			for _, st := range api.Stages {
				n := nodes[st.LogicalID]
				if st.Implicit || st.Name == "" || n == nil || n.Origin != "" || n.Type != "AWS::ApiGateway::Stage" || n.Properties().Get("StageName") != nil {
					continue
				}
				stages[st.Name] = standIn{text: "(the name CloudFormation generates for " + st.LogicalID + ")"}
			}
		}
		for _, p := range t.Parameters {
			if p.Source == "placeholder" && isStandIn(p.Value) {
				values[p.Value] = standIn{name: p.Name}
			}
		}
	}
	var inv invented
	if len(stages) > 0 {
		inv.stages = replacerOf(stages)
	}
	if len(values) > 0 {
		inv.values = replacerOf(values)
	}
	return inv
}

// replaceInvented shows the stand-ins of inv in r.
func (r *Result) replaceInvented(inv invented) {
	if rep := inv.stages; rep != nil {
		for i := range r.Routes {
			r.Routes[i].Stage = rep.Replace(r.Routes[i].Stage)
		}
		for i := range r.Stages {
			r.Stages[i].Stage = rep.Replace(r.Stages[i].Stage)
		}
		for i := range r.Hazards {
			r.Hazards[i].Message = rep.Replace(r.Hazards[i].Message)
		}
	}
	rep := inv.values
	if rep == nil {
		return
	}
	fields := func(fcs []FieldChange) []FieldChange {
		out := fcs[:0]
		for _, fc := range fcs {
			fc.Old, fc.New = rep.Replace(fc.Old), rep.Replace(fc.New)
			if fc.Old != fc.New {
				out = append(out, fc)
			}
		}
		return out
	}
	routes := r.Routes[:0]
	for _, rc := range r.Routes {
		rc.Stage, rc.Target = rep.Replace(rc.Stage), rep.Replace(rc.Target)
		n := len(rc.Changes)
		rc.Changes = fields(rc.Changes)
		if n > 0 && len(rc.Changes) == 0 {
			continue // it changed only in a stand-in
		}
		routes = append(routes, rc)
	}
	r.Routes = routes
	for i := range r.Stages {
		r.Stages[i].Stage = rep.Replace(r.Stages[i].Stage)
		r.Stages[i].Changes = fields(r.Stages[i].Changes)
	}
	outputs := r.Outputs[:0]
	for _, oc := range r.Outputs {
		oc.Old, oc.New = rep.Replace(oc.Old), rep.Replace(oc.New)
		if oc.Old == oc.New && oc.OldExport == oc.NewExport && oc.Old != "" {
			continue
		}
		outputs = append(outputs, oc)
	}
	r.Outputs = outputs
	for i := range r.Hazards {
		r.Hazards[i].Message = rep.Replace(r.Hazards[i].Message)
		r.Hazards[i].Detail = rep.Replace(r.Hazards[i].Detail)
	}
	for i := range r.Resources {
		for j := range r.Resources[i].Changes {
			pc := &r.Resources[i].Changes[j]
			pc.Old, pc.New = rep.Replace(pc.Old), rep.Replace(pc.New)
		}
	}
}

// isStandIn reports whether a parameter placeholder is distinctive enough
// to replace wherever it appears: "placeholder-backend" and the made-up
// AWS ids ("subnet-0123456789abcdef0"), not "1" or an AllowedValues entry.
func isStandIn(v string) bool {
	return strings.HasPrefix(v, "placeholder-") || v == "ssm-placeholder" || strings.Contains(v, "0123456789")
}

// replacer replaces each key of a map by its value, scanning a string
// from the left and replacing at each position the longest key found
// there, so a name that contains another is replaced whole. This is what
// strings.NewReplacer does with the keys sorted longest first; building
// its lookup trie for the thousands of stand-ins of a large template cost
// more than the rest of the comparison, while a scan here costs a map
// look-up per distinct key length at each byte of the few strings
// replaced.
type replacer struct {
	m     map[string]standIn
	lens  []int     // the distinct key lengths, longest first
	first [256]bool // the first bytes of the keys
	// pairs has bit a<<8|b set when a key starts with bytes a, b; nil
	// when a key has one byte. Generated ids are made of letters and
	// digits, so most bytes of a message pass the first-byte filter, and
	// the map look-ups per key length behind it were most of Replace.
	pairs *[1 << 16 / 64]uint64
	// quads has bit quadBit(k) set for the first four bytes of every key
	// k; nil when a key is shorter. With thousands of ids, most pairs of
	// letters and digits start some key: four bytes let few positions
	// through to the look-ups.
	quads *[1 << 16 / 64]uint64
}

// quadBit is the bit of quads for the four bytes s[i:i+4].
func quadBit(s string, i int) uint {
	q := uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
	return uint((q * 0x9e3779b1) >> 16)
}

// startsQuad reports whether s[i:] may start a key by its first four
// bytes (always, when a key is shorter).
func (r *replacer) startsQuad(s string, i int) bool {
	if r.quads == nil {
		return true
	}
	if i+4 > len(s) {
		return false
	}
	b := quadBit(s, i)
	return r.quads[b/64]&(1<<(b%64)) != 0
}

// standIn is what replaces a made-up value: text, or else ${name} or
// ${name.attr}. Thousands are recorded and few are shown, so the text of
// a reference is built only when it replaces something.
type standIn struct{ text, name, attr string }

func (s standIn) String() string {
	switch {
	case s.text != "":
		return s.text
	case s.attr != "":
		return "${" + s.name + "." + s.attr + "}"
	}
	return "${" + s.name + "}"
}

// replacerOf returns the replacer of the keys of m, none of them empty.
func replacerOf(m map[string]standIn) *replacer {
	r := &replacer{m: m, pairs: new([1 << 16 / 64]uint64), quads: new([1 << 16 / 64]uint64)}
	for k := range m {
		if k == "" {
			continue
		}
		if len(k) < 4 {
			r.quads = nil
		} else if r.quads != nil {
			b := quadBit(k, 0)
			r.quads[b/64] |= 1 << (b % 64)
		}
		r.first[k[0]] = true
		if len(k) == 1 {
			r.pairs = nil
		} else if r.pairs != nil {
			p := uint(k[0])<<8 | uint(k[1])
			r.pairs[p/64] |= 1 << (p % 64)
		}
		if !slices.Contains(r.lens, len(k)) {
			r.lens = append(r.lens, len(k))
		}
	}
	slices.SortFunc(r.lens, func(a, b int) int { return b - a })
	return r
}

// Replace returns s with every key replaced; s itself when none occurs.
func (r *replacer) Replace(s string) string {
	var b []byte
	done := 0 // s[:done] is replaced into b
	for i := 0; i < len(s); {
		if r.first[s[i]] && r.startsPair(s, i) && r.startsQuad(s, i) {
			if k, v, ok := r.match(s[i:]); ok {
				b = append(append(b, s[done:i]...), v.String()...)
				i += len(k)
				done = i
				continue
			}
		}
		i++
	}
	if done == 0 {
		return s // no key occurs (keys are not empty)
	}
	return string(append(b, s[done:]...))
}

// startsPair reports whether s[i:] may start a key by its first two
// bytes (always, when a key has one byte).
func (r *replacer) startsPair(s string, i int) bool {
	if r.pairs == nil {
		return true
	}
	if i+1 >= len(s) {
		return false
	}
	p := uint(s[i])<<8 | uint(s[i+1])
	return r.pairs[p/64]&(1<<(p%64)) != 0
}

// match returns the longest key that s starts with and its value.
func (r *replacer) match(s string) (key string, value standIn, ok bool) {
	for _, l := range r.lens {
		if l <= len(s) {
			if v, ok := r.m[s[:l]]; ok {
				return s[:l], v, true
			}
		}
	}
	return "", standIn{}, false
}
