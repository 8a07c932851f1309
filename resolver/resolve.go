package resolver

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
	"github.com/cfnrun/cfnrun/parser/tf"
)

// ruleInput is for problems reading the inputs themselves; validate,
// routes, graph and up map it to exit code 2, diff to 1 (its 2 means
// "changes"); see HasInputErrors.
var ruleInput = define(Rule{ID: "E0100", Level: "error", Summary: "input cannot be read",
	Why: "The file or directory is missing or unreadable; the command exits 2 (diff: 1, since its 2 means changes)."})

// The gateway's own findings: `up` reports them while it compiles the
// model (runtime, which cannot import the resolver); they are documented
// here so docs/rules.md and SARIF know them.
var (
	_ = define(Rule{ID: "runtime-not-served", Level: "warning (cfnrun up only)",
		Summary: "a route `up` does not serve: AWS or AWS_PROXY integrations, a method without integration, an API without stage, an unresolved backend Uri",
		Why:     "The route answers as AWS does when an integration fails (500 \"Internal server error\"); the start-up banner lists it. See docs/runtime.md."})
	_ = define(Rule{ID: "runtime-ignored", Level: "warning or info (cfnrun up only)",
		Summary: "a declaration `up` ignores: the duplicate of a stage created twice, a setting it cannot honour locally",
		Why:     "Names what was dropped, so the served API is never silently different from the template. See docs/runtime.md."})
	_ = define(Rule{ID: "runtime-unsupported", Level: "warning (cfnrun up only)",
		Summary: "a mapping template uses VTL that runtime/vtl does not implement",
		Why:     "The route answers 500 and logs why when such a template runs, never silently wrong output. See docs/vtl.md."})
)

func isInputError(d diag.Diagnostic) bool { return d.Rule == ruleInput.ID }

// HasInputErrors reports whether some input could not be read at all.
func (r *Result) HasInputErrors() bool {
	return slices.ContainsFunc(r.Diags, isInputError)
}

// IsTerraformPath reports whether path is read by the Terraform front end:
// a .tf or .tf.json file, or a directory holding one (or holding no
// CloudFormation template either, which the Terraform front end reports).
// Variable files (.tfvars) are not inputs: they come with --var-file.
func IsTerraformPath(path string) bool {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return tf.IsConfig(path) || len(cfnTemplatesIn(path)) == 0
	}
	return strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tf.json")
}

// cfnTemplatesIn returns the CloudFormation templates directly in dir:
// .yaml, .yml, .json and .template files that declare AWS:: resources,
// sorted (a directory of templates is served as several stacks).
func cfnTemplatesIn(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") {
			continue
		}
		switch filepath.Ext(n) {
		case ".yaml", ".yml", ".json", ".template":
		default:
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil || !bytes.Contains(src, []byte("Resources")) || !bytes.Contains(src, []byte("AWS::")) {
			continue
		}
		out = append(out, filepath.Join(dir, n))
	}
	slices.Sort(out)
	return out
}

// resolve is Resolve, and ResolveStaged when staged is set; finish is nil
// when there is nothing left to do (always, without staged).
func resolve(ctx context.Context, paths []string, opts Options, staged bool) (_ *Result, finish func() *Result) {
	res := &Result{Files: diag.NewFiles()}
	if len(paths) == 0 {
		res.Diags = append(res.Diags, ruleInput.errorf(diag.Range{}, "", "Name a CloudFormation template (.yaml, .yml, .json) or a Terraform file or directory.", "no template given"))
		return res, nil
	}
	var tfPaths, cfnPaths []string
	for _, p := range paths {
		switch fi, err := os.Stat(p); {
		case IsTerraformPath(p):
			tfPaths = append(tfPaths, p)
		case err == nil && fi.IsDir():
			cfnPaths = append(cfnPaths, cfnTemplatesIn(p)...)
		default:
			cfnPaths = append(cfnPaths, p)
		}
	}
	if len(tfPaths) > 0 && len(cfnPaths) > 0 {
		res.Diags = append(res.Diags,
			ruleInput.errorf(diag.Range{Filename: cfnPaths[0]}, "",
				"Run the command once per template language.",
				"cannot mix CloudFormation templates (%s) and Terraform configurations (%s) in one run", cfnPaths[0], tfPaths[0]))
		return res, nil
	}
	if len(tfPaths) > 0 {
		t, ds := loadTerraform(ctx, tfPaths, opts, res.Files)
		res.Template = t
		res.Diags = append(res.Diags, ds...)
		check := func() *Result {
			if t != nil {
				res.Diags = append(res.Diags, CheckModel(t, opts.AllowExtensions)...)
				res.Diags = append(res.Diags, CheckLambda(t, opts)...)
				noteUnplaced(t, res.Diags)
			}
			res.Diags = res.Diags.Sort()
			return res
		}
		if staged && t != nil {
			return &Result{Template: t, Diags: slices.Clone(res.Diags).Sort(), Files: res.Files}, check
		}
		return check(), nil
	}
	var merged *model.Template
	setUsed := map[string]bool{} // --set keys some stack read
	complete := true
	// One template's checks may come after its model (ResolveStaged);
	// several are merged, and checked as they are read.
	var later *func() (diag.Diagnostics, bool)
	if staged && len(cfnPaths) == 1 {
		later = new(func() (diag.Diagnostics, bool))
	}
	// The templates named, then the local nested stacks each declares
	// (nested.go), read after the templates that declare them.
	type input struct {
		path  string
		opts  Options
		chain []string // the templates nesting it, outermost first
		// prefix is a nested stack's path of logical ids ("App/Sub/"):
		// its graph nodes are named with it, as sam names nested
		// resources (SubApp/HelloWorldFunction), so that the merged
		// graph lists each resource once.
		prefix string
	}
	queue := make([]input, 0, len(cfnPaths))
	for _, p := range cfnPaths {
		o := opts
		if o.StackName == "" && len(cfnPaths) > 1 {
			o.StackName = stackNameFor(p)
		}
		queue = append(queue, input{path: p, opts: o})
	}
	for i := 0; i < len(queue); i++ {
		p, o := queue[i].path, queue[i].opts
		if err := ctx.Err(); err != nil {
			res.Diags = append(res.Diags, ruleInput.errorf(diag.Range{Filename: p}, "", "", "cancelled: %v", err))
			break
		}
		src, d, ok := readTemplate(p)
		if !ok {
			res.Diags = append(res.Diags, d)
			continue
		}
		t, ds, whole := resolveCFN(ctx, p, src, o, res.Files, setUsed, later)
		if later != nil && *later == nil {
			// Read as a whole: it stopped early, or its nested stacks
			// are merged in, checked as read, and so are theirs.
			later = nil
		}
		if later != nil {
			// The checks are left: the findings so far now, all of them
			// from finish.
			before := res.Diags
			early := &Result{Template: t, Diags: append(slices.Clone(before), ds...).Sort(), Files: res.Files}
			return early, func() *Result {
				ds, whole := (*later)()
				res.Diags = append(before, ds...)
				res.Template = t
				if whole {
					res.Diags = append(res.Diags, unusedSets(opts.Sets, setUsed, p)...)
				}
				res.Diags = res.Diags.Sort()
				return res
			}
		}
		res.Diags = append(res.Diags, ds...)
		if t != nil && !opts.NoNestedStacks {
			chain := append(slices.Clip(queue[i].chain), samePath(p))
			for _, n := range t.Nested {
				if len(chain) >= maxNestedDepth || slices.Contains(chain, samePath(n.Path)) {
					res.Diags = append(res.Diags, ruleNestedMissing.warnf(n.Range, n.LogicalID, "A nested stack cannot contain the template that declares it.",
						"nested stack %s: %s nests itself (or nests deeper than %d levels); it is read once", n.LogicalID, n.Location, maxNestedDepth))
					continue
				}
				if len(queue)-len(cfnPaths) >= maxNestedStacks {
					// Templates nesting the same template several times at
					// each level multiply: 6 a level, 6^6 reads.
					res.Diags = append(res.Diags, ruleNestedMissing.warnf(n.Range, n.LogicalID, "Nest fewer stacks, or validate the nested templates on their own.",
						"nested stack %s: more than %d nested stacks in all; %s is not read", n.LogicalID, maxNestedStacks, n.Location))
					continue
				}
				no := opts
				no.Params, no.ParamFiles, no.StackName = n.Params, nil, n.StackName
				queue = append(queue, input{path: n.Path, opts: no, chain: chain, prefix: queue[i].prefix + n.LogicalID + "/"})
			}
		}
		if t != nil && queue[i].prefix != "" {
			prefixNodes(t.Nodes, queue[i].prefix)
		}
		merged = mergeTemplates(merged, t)
		complete = complete && whole
	}
	if complete && len(cfnPaths) > 0 {
		res.Diags = append(res.Diags, unusedSets(opts.Sets, setUsed, cfnPaths[0])...)
	}
	res.Template = merged
	res.Diags = res.Diags.Sort()
	return res, nil
}

// samePath is p made absolute, so that a template named by a relative
// and an absolute path is found to be the same (a nested stack's
// TemplateURL may be either).
func samePath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// readTemplate reads a CloudFormation template: a regular file of at most
// maxTemplateBytes (a FIFO or a device would never end, and CloudFormation
// reads at most 1 MB).
func readTemplate(p string) ([]byte, diag.Diagnostic, bool) {
	f, err := os.Open(p)
	if err != nil {
		return nil, ruleInput.errorf(diag.Range{Filename: p}, "", "Check the path and permissions.", "cannot read template: %v", unwrapPathError(err)), false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, ruleInput.errorf(diag.Range{Filename: p}, "", "Check the path and permissions.", "cannot read template: %v", unwrapPathError(err)), false
	}
	if !fi.Mode().IsRegular() {
		return nil, ruleInput.errorf(diag.Range{Filename: p}, "", "Give the path of a template file; save a generated template to a file first.", "cannot read template: %s is not a regular file", p), false
	}
	if fi.Size() > maxTemplateBytes {
		return nil, ruleInput.errorf(diag.Range{Filename: p}, "", "CloudFormation accepts templates of at most 1,000,000 bytes; cfnrun does not read files over 8 MiB.",
			"cannot read template: it is %s; cfnrun reads templates up to %s", sizeText(int(fi.Size())), sizeText(maxTemplateBytes)), false
	}
	// One allocation of the size the file has (plus room to see it grow).
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	_, err = buf.ReadFrom(io.LimitReader(f, maxTemplateBytes+1))
	src := buf.Bytes()
	if err != nil {
		return nil, ruleInput.errorf(diag.Range{Filename: p}, "", "Check the path and permissions.", "cannot read template: %v", unwrapPathError(err)), false
	}
	if len(src) > maxTemplateBytes {
		return nil, ruleInput.errorf(diag.Range{Filename: p}, "", "CloudFormation accepts templates of at most 1,000,000 bytes; cfnrun does not read files over 8 MiB.",
			"cannot read template: it grew past %s while it was read", sizeText(maxTemplateBytes)), false
	}
	return src, diag.Diagnostic{}, true
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errorsAs(err, &pe) {
		return pe.Err
	}
	return err
}

// prefixNodes names a nested stack's graph nodes, and the edges between
// them, with the stack's path (its order is kept: every name gains the
// same prefix).
func prefixNodes(nodes []*model.Node, prefix string) {
	for _, n := range nodes {
		n.Address = prefix + n.Address
		for i := range n.Deps {
			n.Deps[i].To = prefix + n.Deps[i].To
		}
	}
}

// mergeTemplates combines several stacks served together.
func mergeTemplates(a, b *model.Template) *model.Template {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	a.Files = append(a.Files, b.Files...)
	a.Nodes = append(a.Nodes, b.Nodes...)
	a.APIs = append(a.APIs, b.APIs...)
	a.WebSocketAPIs = append(a.WebSocketAPIs, b.WebSocketAPIs...)
	a.DomainNames = append(a.DomainNames, b.DomainNames...)
	a.Functions = append(a.Functions, b.Functions...)
	a.APIKeys = append(a.APIKeys, b.APIKeys...)
	a.UsagePlans = append(a.UsagePlans, b.UsagePlans...)
	a.UserPoolClients = append(a.UserPoolClients, b.UserPoolClients...)
	a.Outputs = append(a.Outputs, b.Outputs...)
	a.Parameters = append(a.Parameters, b.Parameters...)
	a.Nested = append(a.Nested, b.Nested...)
	a.Finalize()
	return a
}

// outputs evaluates the Outputs section.
func (s *stack) outputs() []model.Output {
	sec := s.root.Get("Outputs")
	if sec == nil {
		return nil
	}
	if sec.Kind != cfn.Mapping {
		s.errorf(ruleSection, sec.Range(), "", "Outputs maps names to {Value: ...}.", "Outputs is %s", sec.KindName())
		return nil
	}
	var out []model.Output
	for _, f := range sec.Fields {
		o := f.Value
		if o.Kind != cfn.Mapping {
			s.errorf(ruleOutput, f.KeyRange(), "", "An output is a mapping with Value (and optionally Description, Export, Condition).", "output %q is %s", f.Key, o.KindName())
			continue
		}
		for _, a := range o.Fields {
			if !slices.Contains([]string{"Value", "Description", "Export", "Condition"}, a.Key) {
				s.errorf(ruleOutput, a.KeyRange(), "",
					cmp.Or(diag.DidYouMean(a.Key, []string{"Value", "Description", "Export", "Condition"}), "Output attributes are Value, Description, Export and Condition."), "unknown output attribute %q", a.Key)
			}
		}
		if c := o.Get("Condition"); c != nil && c.Kind == cfn.Scalar {
			if !s.condition(c.Value, c.Range()) {
				continue
			}
		}
		v := o.Get("Value")
		if v == nil {
			s.errorf(ruleOutput, f.KeyRange(), "", "Add Value: ...", "output %q has no Value", f.Key)
			continue
		}
		val := s.eval(v, evalCtx{})
		if _, isList := val.([]any); isList {
			s.errorf(ruleOutput, v.Range(), "", "Join the list into a string with !Join [\",\", ...].", "output %q is a list; outputs must be strings", f.Key)
		}
		mo := model.Output{Name: f.Key, Value: s.stringify(val, v), Description: s.stringify(s.eval(o.Get("Description"), evalCtx{}), o), Range: f.KeyRange()}
		if e := o.Get("Export"); e != nil {
			mo.ExportName = s.stringify(s.eval(e.Get("Name"), evalCtx{}), e)
		}
		out = append(out, mo)
	}
	return out
}

// noteUnplaced adds to each finding at one of t.Unplaced's ranges why it
// points there and not inside.
func noteUnplaced(t *model.Template, ds diag.Diagnostics) {
	for _, u := range t.Unplaced {
		for i := range ds {
			if ds[i].Range == u.Range && !strings.Contains(ds[i].Detail, u.Why) {
				ds[i].Detail = strings.TrimSpace(ds[i].Detail + " " + u.Why)
			}
		}
	}
}

// loadTerraform is the hook to the Terraform front end.
func loadTerraform(ctx context.Context, paths []string, opts Options, files *diag.Files) (*model.Template, diag.Diagnostics) {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return nil, diag.Diagnostics{ruleInput.errorf(diag.Range{Filename: p}, "", "Check the path and permissions.", "cannot read configuration: %v", unwrapPathError(err))}
		}
	}
	return tf.Load(ctx, paths, tf.Options{
		Vars: opts.Vars, VarFiles: opts.VarFiles, Getenv: opts.Getenv,
		Region: opts.Region, AccountID: opts.AccountID, Sets: opts.Sets, Code: opts.Code,
		FindingsOnly: opts.FindingsOnly,
	}, files)
}

var ruleUnusedSet = define(Rule{ID: "W1004", Level: "warning", Summary: "--set value that nothing in the template reads",
	Why: "Usually a typo in the name or the attribute (--set MyFn.arn for MyFn.Arn); the value the template does read stays a placeholder."})

// unusedSets reports the --set values no stack read: a typo there would
// otherwise leave a placeholder in place without a word.
func unusedSets(sets map[string]string, used map[string]bool, file string) diag.Diagnostics {
	var ds diag.Diagnostics
	read := slices.Sorted(maps.Keys(used))
	for _, k := range slices.Sorted(maps.Keys(sets)) {
		if !used[k] {
			hint := "Check the name and the attribute: --set NAME=VALUE replaces !Ref NAME, --set NAME.ATTR=VALUE replaces !GetAtt NAME.ATTR (and ${NAME.ATTR})."
			if dym := diag.DidYouMean(k, read); dym != "" {
				hint = dym + " " + hint
			}
			ds = append(ds, ruleUnusedSet.warnf(diag.Range{Filename: file}, "", hint,
				"--set %s is never used: no reference in the template reads it", k))
		}
	}
	return ds
}
