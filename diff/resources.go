package diff

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

// resourceDiff is the resource-level result plus what the hazard and route
// steps need to know about it.
type resourceDiff struct {
	changes []ResourceChange
	// byNew indexes the non-removal changes by new address.
	byNew map[string]*ResourceChange
	// oldBy and newBy are the two templates' nodes by address (nil for a
	// cross-format comparison); nothing writes to them once built.
	oldBy, newBy map[string]*model.Node
}

// replaced reports whether the resource at new address a is replaced (or is
// the target of a rename).
func (d *resourceDiff) replaced(a string) bool {
	c := d.byNew[a]
	return c != nil && c.Action == ActionReplace
}

// changed reports whether the resource at new address a is updated or
// replaced.
func (d *resourceDiff) changed(a string) bool {
	c := d.byNew[a]
	return c != nil && (c.Action == ActionReplace || c.Action == ActionUpdate)
}

func compareResources(ctx context.Context, old, new *model.Template) (*resourceDiff, error) {
	oldBy := make(map[string]*model.Node, len(old.Nodes))
	for _, n := range old.Nodes {
		oldBy[n.Address] = n
	}
	newBy := make(map[string]*model.Node, len(new.Nodes))
	for _, n := range new.Nodes {
		newBy[n.Address] = n
	}
	moved := movedPairs(new.Moved, oldBy, newBy)   // old -> new
	movedTo := make(map[string]string, len(moved)) // new -> old
	for o, n := range moved {
		movedTo[n] = o
	}
	var removed, added, common []*model.Node
	for _, n := range old.Nodes {
		if _, ok := moved[n.Address]; !ok && newBy[n.Address] == nil {
			removed = append(removed, n)
		}
	}
	for _, n := range new.Nodes {
		switch {
		case movedTo[n.Address] != "":
			common = append(common, n)
		case oldBy[n.Address] == nil:
			added = append(added, n)
		default:
			common = append(common, n)
		}
	}
	ren := findRenames(removed, added)

	d := &resourceDiff{byNew: map[string]*ResourceChange{}, oldBy: oldBy, newBy: newBy}
	renamedTo := map[string]string{} // new -> old
	for o, n := range ren {
		renamedTo[n] = o
	}
	var out []ResourceChange
	for _, n := range removed {
		if _, ok := ren[n.Address]; ok {
			continue
		}
		out = append(out, ResourceChange{Address: n.Address, Type: n.Type, Action: ActionRemove, Location: loc(n.Range)})
	}
	for _, n := range added {
		if o, ok := renamedTo[n.Address]; ok {
			out = append(out, ResourceChange{
				Address: n.Address, OldAddress: o, Type: n.Type, Action: ActionReplace, Replacement: ReplaceRename,
				Reason:   fmt.Sprintf("renamed from %s with identical properties: %s is created and %s deleted", o, n.Address, o),
				Location: loc(n.Range),
			})
			continue
		}
		out = append(out, ResourceChange{Address: n.Address, Type: n.Type, Action: ActionAdd, Location: loc(n.Range)})
	}
	for i, n := range common {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		o := oldBy[n.Address]
		// Location is set on the changes kept: most resources do not change.
		c := ResourceChange{Address: n.Address, Type: n.Type}
		if from := movedTo[n.Address]; from != "" {
			o, c.OldAddress = oldBy[from], from
		}
		if o.Type == n.Type && len(moved) == 0 && model.SameProps(o, n) {
			// Nothing changed (diffProps would find nothing), and the
			// properties need not be built to know it (a diff's resolve
			// builds them on demand).
			continue
		}
		// References to moved resources compare by their new address.
		oldProps := renameRefs(o.Properties(), moved)
		if o.Type != n.Type {
			c.OldType = o.Type
			c.Action, c.Replacement = ActionReplace, ReplaceType
			c.Reason = fmt.Sprintf("type changed from %s to %s", o.Type, n.Type)
			c.Changes = diffProps(n.Type, oldProps, n.Properties(), ren)
			c.Location = loc(n.Range)
			out = append(out, c)
			continue
		}
		c.Changes = diffProps(n.Type, oldProps, n.Properties(), ren)
		if len(c.Changes) == 0 {
			if c.OldAddress != "" {
				c.Action = ActionMove
				c.Location = loc(n.Range)
				out = append(out, c)
			}
			continue
		}
		classify(&c)
		c.Location = loc(n.Range)
		out = append(out, c)
	}
	sortResources(out)
	d.changes = out
	d.index()
	oldOf := oldBy // the old node of each common node, by new address
	if len(moved) > 0 {
		oldOf = maps.Clone(oldBy)
		for n, o := range movedTo {
			oldOf[n] = oldBy[o]
		}
	}
	propagate(d, common, newBy, oldOf, changedParams(old, new))
	sortResources(d.changes)
	d.index()
	return d, nil
}

// movedPairs returns the Terraform moved blocks (new.Moved, new address ->
// old address) that apply between the two templates, as old -> new: the
// old address exists only on the old side, the new one only on the new
// side, and the type is the same. A moved block whose old address is
// still declared, or whose type changed, is left to the usual matching.
func movedPairs(movedTo map[string]string, oldBy, newBy map[string]*model.Node) map[string]string {
	out := map[string]string{}
	for n, o := range movedTo {
		on, nn := oldBy[o], newBy[n]
		if on == nil || nn == nil || newBy[o] != nil || oldBy[n] != nil || on.Type != nn.Type {
			continue
		}
		out[o] = n
	}
	return out
}

func (d *resourceDiff) index() {
	clear(d.byNew)
	for i := range d.changes {
		if c := &d.changes[i]; c.Action != ActionRemove {
			d.byNew[c.Address] = c
		}
	}
}

// classify sets Action, Replacement and Reason of a resource whose Changes
// are filled.
func classify(c *ResourceChange) {
	var forced []string
	dep := ""
	for _, p := range c.Changes {
		if p.ForcesReplacement {
			top := topProp(p.Path)
			if !slices.Contains(forced, top) {
				forced = append(forced, top)
			}
			if p.Kind == PropDependency && dep == "" {
				dep = p.Note
			}
		}
	}
	word := "create-only property"
	if strings.HasPrefix(c.Type, "aws_") {
		word = "ForceNew argument"
	}
	switch {
	case len(forced) > 0 && dep != "" && len(forced) == 1:
		c.Action, c.Replacement = ActionReplace, ReplaceDependency
		c.Reason = fmt.Sprintf("%s %s %s", word, forced[0], dep)
	case len(forced) > 0:
		c.Action, c.Replacement = ActionReplace, ReplaceProperty
		if len(forced) > 1 {
			word = strings.TrimSuffix(word, "y") + "ies"
			if strings.HasSuffix(word, "argumenties") {
				word = "ForceNew arguments"
			}
		}
		c.Reason = fmt.Sprintf("%s %s changed", word, strings.Join(forced, ", "))
	case !knownType(c.Type):
		c.Action, c.Replacement = ActionUpdate, ReplaceUnknown
		c.Reason = fmt.Sprintf("replacement unknown: cfnrun has no create-only property table for %s", c.Type)
	default:
		c.Action, c.Replacement = ActionUpdate, ReplaceNone
		c.Reason = ""
	}
}

// propagate marks resources whose properties refer to replaced resources:
// their resolved values change (an update), and when such a property is
// create-only the resource is replaced too, transitively. For Terraform,
// a reference to an attribute that an in-place update can change (anything
// but ids and ARNs, or the whole object as in jsonencode(aws_x.y)) also
// carries an update of the referenced resource.
// oldBy gives the old node of each common node by its new address.
func propagate(d *resourceDiff, common []*model.Node, newBy, oldBy map[string]*model.Node, params map[string]string) {
	type use struct {
		node *model.Node
		prop string       // top-level property
		path string       // path of the intrinsic that refers
		val  *model.Value // that intrinsic
		attr string       // attribute read, "" for Ref / the whole object
	}
	type item struct {
		addr     string
		replaced bool
	}
	var work []item
	for _, c := range d.changes {
		switch {
		case c.Action == ActionReplace:
			work = append(work, item{c.Address, true})
		case c.Action == ActionUpdate && strings.HasPrefix(c.Type, "aws_"):
			work = append(work, item{c.Address, false})
		}
	}
	if len(work) == 0 && len(params) == 0 {
		// Nothing is replaced, updated through a Terraform reference or
		// fed a changed parameter: no value changes under another
		// resource, and the references need not be indexed.
		d.index()
		return
	}
	users := map[string][]use{}
	paramUsers := map[string][]use{}
	// seen holds the (parameter or resource, path) pairs of one node
	// already recorded.
	type seenKey struct {
		param        bool
		target, path string
	}
	seen := map[seenKey]bool{}
	var w intrinsicWalker
	for _, n := range common {
		props := n.Properties()
		if props == nil || props.Kind != model.Map || oldBy[n.Address].Type != n.Type {
			continue
		}
		clear(seen)
		for _, f := range props.Fields {
			w.walk(f.Key, f.Value, func(path string, iv *model.Value) {
				walkRefs(iv, func(target string) {
					if _, ok := params[target]; ok && !seen[seenKey{true, target, path}] {
						seen[seenKey{true, target, path}] = true
						paramUsers[target] = append(paramUsers[target], use{n, f.Key, path, iv, ""})
						return
					}
					a, attr := resolveAddr(target, newBy)
					if a == "" || a == n.Address || seen[seenKey{false, a, path}] {
						return
					}
					seen[seenKey{false, a, path}] = true
					users[a] = append(users[a], use{n, f.Key, path, iv, attr})
				})
			})
		}
	}
	pos := map[string]int{}
	for i, c := range d.changes {
		pos[c.Address] = i
	}
	// mark records that u's value changes because of what note says,
	// reclassifies its resource and queues it when it becomes replaced (or,
	// for Terraform, updated).
	mark := func(u use, note string, unknown bool) {
		i, ok := pos[u.node.Address]
		if !ok {
			d.changes = append(d.changes, ResourceChange{Address: u.node.Address, Type: u.node.Type, Location: loc(u.node.Range)})
			i = len(d.changes) - 1
			pos[u.node.Address] = i
		}
		c := &d.changes[i]
		if c.Action == ActionReplace && c.Replacement != ReplaceDependency {
			return
		}
		if j := slices.IndexFunc(c.Changes, func(p PropertyChange) bool { return overlaps(p.Path, u.path) }); j >= 0 {
			// Already changed textually; say why it also changes value.
			if c.Changes[j].Note == "" {
				c.Changes[j].Note = note
			}
			return
		}
		v := u.val.String()
		c.Changes = append(c.Changes, PropertyChange{
			Path: u.path, Kind: PropDependency, Old: v, New: v, OldValue: valueJSON(u.val), NewValue: valueJSON(u.val),
			ForcesReplacement: isCreateOnly(u.node.Type, u.prop), Note: note, KnownAfterApply: unknown,
		})
		was := c.Action
		classify(c)
		if c.Action == ActionReplace && was != ActionReplace {
			work = append(work, item{c.Address, true})
		} else if c.Action == ActionUpdate && (was == "" || was == ActionMove) && strings.HasPrefix(c.Type, "aws_") {
			work = append(work, item{c.Address, false})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		for _, u := range paramUsers[name] {
			mark(u, fmt.Sprintf("refers to parameter %s, %s", name, params[name]), false)
		}
	}
	done := map[item]bool{}
	for len(work) > 0 {
		it := work[0]
		work = work[1:]
		if done[it] {
			continue
		}
		done[it] = true
		a := it.addr
		how := "is updated"
		if it.replaced {
			how = "is replaced"
			if c := d.byNew[a]; c != nil && c.Replacement == ReplaceRename {
				how = "is a renamed (replaced) resource"
			}
		}
		for _, u := range users[a] {
			if !it.replaced && (!strings.HasPrefix(u.node.Type, "aws_") || stableAttr(u.attr)) {
				continue
			}
			if it.replaced && readsKeptName(d.byNew[a], newBy[a], u.attr) {
				continue
			}
			mark(u, fmt.Sprintf("refers to %s, which %s, so its value changes", a, how), true)
		}
	}
	d.index()
}

// changedParams maps the CloudFormation parameters whose effective value
// differs between the templates to a description of the change.
func changedParams(old, new *model.Template) map[string]string {
	out := map[string]string{}
	if new.Format != model.CloudFormation {
		return out // Terraform variables are evaluated into the properties
	}
	oldP := map[string]model.Parameter{}
	for _, p := range old.Parameters {
		oldP[p.Name] = p
	}
	for _, p := range new.Parameters {
		o, ok := oldP[p.Name]
		if !ok || o.Value == p.Value {
			continue
		}
		if p.NoEcho || o.NoEcho {
			out[p.Name] = "whose value changes"
		} else {
			out[p.Name] = fmt.Sprintf("whose value changes from %q to %q", o.Value, p.Value)
		}
	}
	return out
}

// nameRefs lists the types whose Ref (CloudFormation, attr "") or name
// attribute (Terraform) is the custom name the user set in prop: a
// replacement that keeps that name leaves the reference's value as it was.
var nameRefs = map[string]struct{ prop, attr string }{
	"AWS::ApiGateway::Model":    {prop: "Name"},
	"AWS::Lambda::Function":     {prop: "FunctionName"},
	"AWS::Serverless::Function": {prop: "FunctionName"},
	"AWS::IAM::Role":            {prop: "RoleName"},
	"AWS::DynamoDB::Table":      {prop: "TableName"},
	"AWS::S3::Bucket":           {prop: "BucketName"},
	"AWS::Logs::LogGroup":       {prop: "LogGroupName"},
	"aws_api_gateway_model":     {prop: "name", attr: "name"},
	"aws_lambda_function":       {prop: "function_name", attr: "function_name"},
	"aws_iam_role":              {prop: "name", attr: "name"},
	"aws_dynamodb_table":        {prop: "name", attr: "name"},
	"aws_s3_bucket":             {prop: "bucket", attr: "bucket"},
	"aws_cloudwatch_log_group":  {prop: "name", attr: "name"},
}

// readsKeptName reports whether a reference reading attr of the replaced
// resource n reads only its custom name, which the replacement keeps: a
// method's RequestModels {"application/json": !Ref Model} is not changed
// by a model replaced under the same Name.
func readsKeptName(c *ResourceChange, n *model.Node, attr string) bool {
	if c == nil || n == nil || c.Replacement == ReplaceType || c.Replacement == ReplaceRename {
		return false
	}
	nr, ok := nameRefs[n.Type]
	if !ok || attr != nr.attr {
		return false
	}
	if v := n.Properties().Get(nr.prop); v == nil || v.Kind == model.Null {
		return false
	}
	return !slices.ContainsFunc(c.Changes, func(p PropertyChange) bool { return topProp(p.Path) == nr.prop })
}

// stableAttr reports whether a Terraform attribute keeps its value when
// its resource is updated in place.
func stableAttr(attr string) bool {
	switch attr {
	case "id", "arn", "execution_arn", "invoke_arn", "root_resource_id", "qualified_arn":
		return true
	}
	return false
}

// findRenames pairs removed and added nodes of the same type whose
// properties are identical once earlier renames are applied to references.
// It returns old address -> new address.
func findRenames(removed, added []*model.Node) map[string]string {
	ren := map[string]string{}
	if len(removed) == 0 || len(added) == 0 {
		return ren
	}
	byType := map[string][]*model.Node{}
	for _, n := range added {
		byType[n.Type] = append(byType[n.Type], n)
	}
	taken := map[string]bool{}
	for {
		found := false
		for _, r := range removed {
			if _, ok := ren[r.Address]; ok {
				continue
			}
			cand := byType[r.Type]
			if len(cand) == 0 {
				continue
			}
			rv := renameRefs(r.Properties(), ren)
			for _, a := range cand {
				if taken[a.Address] {
					continue
				}
				if model.Equal(rv, a.Properties()) {
					ren[r.Address] = a.Address
					taken[a.Address] = true
					found = true
					break
				}
			}
		}
		if !found {
			return ren
		}
	}
}

// renameRefs returns a copy of v in which references to renamed resources
// point at their new names.
func renameRefs(v *model.Value, ren map[string]string) *model.Value {
	if v == nil || len(ren) == 0 {
		return v
	}
	c := *v
	switch v.Kind {
	case model.List:
		c.Items = make([]*model.Value, len(v.Items))
		for i, it := range v.Items {
			c.Items[i] = renameRefs(it, ren)
		}
	case model.Map:
		c.Fields = make([]model.Field, len(v.Fields))
		for i, f := range v.Fields {
			f.Value = renameRefs(f.Value, ren)
			c.Fields[i] = f
		}
	case model.Intrinsic:
		switch {
		case v.Str == "Ref" && v.Arg != nil && v.Arg.Kind == model.String:
			c.Arg = &model.Value{Kind: model.String, Str: renameTarget(v.Arg.Str, ren), Range: v.Arg.Range}
		case v.Str == "Fn::GetAtt" && v.Arg != nil && v.Arg.Kind == model.String:
			c.Arg = &model.Value{Kind: model.String, Str: renameTarget(v.Arg.Str, ren), Range: v.Arg.Range}
		case v.Str == "Fn::GetAtt" && v.Arg != nil && v.Arg.Kind == model.List && len(v.Arg.Items) > 0:
			items := slices.Clone(v.Arg.Items)
			if items[0] != nil && items[0].Kind == model.String {
				items[0] = &model.Value{Kind: model.String, Str: renameTarget(items[0].Str, ren), Range: items[0].Range}
			}
			c.Arg = &model.Value{Kind: model.List, Items: items, Range: v.Arg.Range}
		case v.Str == "Fn::Sub":
			c.Arg = renameSub(v.Arg, ren)
		default:
			c.Arg = renameRefs(v.Arg, ren)
		}
	}
	return &c
}

// renameTarget maps "Old", "Old.Attr" or a Terraform "type.old.attr" to the
// new name.
func renameTarget(s string, ren map[string]string) string {
	if n, ok := ren[s]; ok {
		return n
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == '.' {
			if n, ok := ren[s[:i]]; ok {
				return n + s[i:]
			}
		}
	}
	return s
}

func renameSub(arg *model.Value, ren map[string]string) *model.Value {
	if arg == nil {
		return nil
	}
	rewrite := func(s string) string {
		var b strings.Builder
		for {
			i := strings.Index(s, "${")
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i+2])
			b.WriteString(renameTarget(s[i+2:i+j], ren))
			b.WriteByte('}')
			s = s[i+j+1:]
		}
	}
	switch {
	case arg.Kind == model.String:
		return &model.Value{Kind: model.String, Str: rewrite(arg.Str), Range: arg.Range}
	case arg.Kind == model.List && len(arg.Items) > 0 && arg.Items[0] != nil && arg.Items[0].Kind == model.String:
		items := slices.Clone(arg.Items)
		items[0] = &model.Value{Kind: model.String, Str: rewrite(items[0].Str), Range: items[0].Range}
		for i := 1; i < len(items); i++ {
			items[i] = renameRefs(items[i], ren)
		}
		return &model.Value{Kind: model.List, Items: items, Range: arg.Range}
	}
	return renameRefs(arg, ren)
}

// intrinsicWalker calls a function with every outermost intrinsic in a
// property's value and its property path ("Integration.Uri",
// "Policies[0]", joinKey's form). It builds the path in one buffer: a path
// becomes a string only where an intrinsic is found, not at every map key
// and list element on the way.
type intrinsicWalker struct{ path []byte }

// walk walks v under the top-level property key.
func (w *intrinsicWalker) walk(key string, v *model.Value, fn func(path string, iv *model.Value)) {
	w.path = appendKey(w.path[:0], key)
	w.value(v, fn)
}

func (w *intrinsicWalker) value(v *model.Value, fn func(path string, iv *model.Value)) {
	if v == nil {
		return
	}
	switch v.Kind {
	case model.Intrinsic:
		fn(string(w.path), v)
	case model.List:
		n := len(w.path)
		for i, it := range v.Items {
			w.path = append(strconv.AppendInt(append(w.path[:n], '['), int64(i), 10), ']')
			w.value(it, fn)
		}
		w.path = w.path[:n]
	case model.Map:
		n := len(w.path)
		for _, f := range v.Fields {
			w.path = appendKey(w.path[:n], f.Key)
			w.value(f.Value, fn)
		}
		w.path = w.path[:n]
	}
}

// overlaps reports whether property paths a and b are the same, or one
// contains the other.
func overlaps(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return strings.HasPrefix(b, a) && (len(a) == len(b) || b[len(a)] == '.' || b[len(a)] == '[')
}

// walkRefs calls fn with every reference target in v: Ref arguments,
// GetAtt resource names (as "A.Attr"), and ${...} names in Fn::Sub strings.
func walkRefs(v *model.Value, fn func(target string)) {
	if v == nil {
		return
	}
	switch v.Kind {
	case model.List:
		for _, it := range v.Items {
			walkRefs(it, fn)
		}
	case model.Map:
		for _, f := range v.Fields {
			walkRefs(f.Value, fn)
		}
	case model.Intrinsic:
		a := v.Arg
		switch {
		case v.Str == "Ref" && a != nil && a.Kind == model.String:
			fn(a.Str)
		case v.Str == "Fn::GetAtt" && a != nil && a.Kind == model.String:
			fn(a.Str)
		case v.Str == "Fn::GetAtt" && a != nil && a.Kind == model.List && len(a.Items) > 0 && a.Items[0] != nil && a.Items[0].Kind == model.String:
			fn(a.Items[0].Str)
		case v.Str == "Fn::Sub":
			var tmpl string
			local := map[string]bool{}
			if a != nil && a.Kind == model.String {
				tmpl = a.Str
			} else if a != nil && a.Kind == model.List && len(a.Items) > 0 && a.Items[0] != nil {
				tmpl = a.Items[0].Str
				if len(a.Items) > 1 && a.Items[1] != nil {
					for _, f := range a.Items[1].Fields {
						local[f.Key] = true
					}
					walkRefs(a.Items[1], fn)
				}
			}
			for s := tmpl; ; {
				i := strings.Index(s, "${")
				if i < 0 {
					break
				}
				j := strings.IndexByte(s[i:], '}')
				if j < 0 {
					break
				}
				name := s[i+2 : i+j]
				s = s[i+j+1:]
				if strings.HasPrefix(name, "!") || local[name] {
					continue
				}
				fn(name)
			}
		default:
			walkRefs(a, fn)
		}
	}
}

// resolveAddr maps a reference target ("A", "A.Arn",
// "aws_x.name.id") to a node address and attribute.
func resolveAddr(target string, nodes map[string]*model.Node) (addr, attr string) {
	if _, ok := nodes[target]; ok {
		return target, ""
	}
	for i := len(target) - 1; i > 0; i-- {
		if target[i] == '.' {
			if _, ok := nodes[target[:i]]; ok {
				return target[:i], target[i+1:]
			}
		}
	}
	return "", ""
}

// refTarget returns the resource a Ref / GetAtt names, or "".
func refTarget(v *model.Value) string {
	if v == nil || v.Kind != model.Intrinsic || v.Arg == nil {
		return ""
	}
	switch v.Str {
	case "Ref":
		if v.Arg.Kind == model.String {
			return v.Arg.Str
		}
	case "Fn::GetAtt":
		if v.Arg.Kind == model.String {
			name, _, _ := strings.Cut(v.Arg.Str, ".")
			return name
		}
		if v.Arg.Kind == model.List && len(v.Arg.Items) > 0 && v.Arg.Items[0] != nil {
			return v.Arg.Items[0].Str
		}
	}
	return ""
}

// diffProps lists the changed properties between two property maps.
func diffProps(typ string, old, new *model.Value, ren map[string]string) []PropertyChange {
	var out []PropertyChange
	diffValue("", old, new, &out, ren)
	for i := range out {
		out[i].ForcesReplacement = isCreateOnly(typ, topProp(out[i].Path))
	}
	return out
}

func diffValue(path string, a, b *model.Value, out *[]PropertyChange, ren map[string]string) {
	if a == nil && b == nil {
		return
	}
	if a == nil || (a.Kind == model.Null && b != nil && b.Kind != model.Null) {
		*out = append(*out, PropertyChange{Path: orRoot(path), Kind: PropAdd, New: b.String(), NewValue: valueJSON(b)})
		return
	}
	if b == nil || (b.Kind == model.Null && a.Kind != model.Null) {
		*out = append(*out, PropertyChange{Path: orRoot(path), Kind: PropRemove, Old: a.String(), OldValue: valueJSON(a)})
		return
	}
	if model.Equal(a, b) {
		return
	}
	switch {
	case a.Kind == model.Map && b.Kind == model.Map:
		for _, f := range a.Fields {
			diffValue(joinKey(path, f.Key), f.Value, b.Get(f.Key), out, ren)
		}
		for _, f := range b.Fields {
			if a.Get(f.Key) == nil && !hasKey(a, f.Key) {
				diffValue(joinKey(path, f.Key), nil, f.Value, out, ren)
			}
		}
		return
	case a.Kind == model.List && b.Kind == model.List:
		diffList(path, a.Items, b.Items, out, ren)
		return
	}
	pc := PropertyChange{Path: orRoot(path), Kind: PropChange, Old: a.String(), New: b.String(), OldValue: valueJSON(a), NewValue: valueJSON(b)}
	if ta, tb := refTarget(a), refTarget(b); ta != "" && tb != "" && ta != tb && a.Str == b.Str {
		pc.Kind = PropReference
		pc.Note = fmt.Sprintf("reference target changed from %s to %s", ta, tb)
		if ren[ta] == tb {
			pc.Note += fmt.Sprintf(" (%s was renamed to %s, which replaces it)", ta, tb)
		}
	}
	*out = append(*out, pc)
}

func hasKey(v *model.Value, k string) bool {
	for _, f := range v.Fields {
		if f.Key == k {
			return true
		}
	}
	return false
}

// diffList compares lists element by element when they have the same
// length, and by longest common subsequence otherwise, so an inserted
// element shows as one addition rather than a cascade of changes.
func diffList(path string, a, b []*model.Value, out *[]PropertyChange, ren map[string]string) {
	if len(a) == len(b) {
		for i := range a {
			diffValue(fmt.Sprintf("%s[%d]", path, i), a[i], b[i], out, ren)
		}
		return
	}
	if len(a)*len(b) > 1<<16 {
		la, lb := &model.Value{Kind: model.List, Items: a}, &model.Value{Kind: model.List, Items: b}
		*out = append(*out, PropertyChange{Path: orRoot(path), Kind: PropChange, Old: la.String(), New: lb.String(), OldValue: valueJSON(la), NewValue: valueJSON(lb)})
		return
	}
	// LCS table.
	n, m := len(a), len(b)
	l := make([][]int, n+1)
	for i := range l {
		l[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if model.Equal(a[i], b[j]) {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	// Walk the LCS; between two common elements, pair removed and added
	// elements positionally and diff them in place (an edited element is a
	// change, not a removal plus an addition), the rest are adds/removes.
	var dels, adds []int
	flush := func() {
		k := min(len(dels), len(adds))
		for x := 0; x < k; x++ {
			diffValue(fmt.Sprintf("%s[%d]", path, adds[x]), a[dels[x]], b[adds[x]], out, ren)
		}
		for _, d := range dels[k:] {
			*out = append(*out, PropertyChange{Path: fmt.Sprintf("%s[%d]", path, d), Kind: PropRemove, Old: a[d].String(), OldValue: valueJSON(a[d])})
		}
		for _, d := range adds[k:] {
			*out = append(*out, PropertyChange{Path: fmt.Sprintf("%s[%d]", path, d), Kind: PropAdd, New: b[d].String(), NewValue: valueJSON(b[d])})
		}
		dels, adds = dels[:0], adds[:0]
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && model.Equal(a[i], b[j]) && l[i][j] == l[i+1][j+1]+1:
			flush()
			i++
			j++
		case j < m && (i == n || l[i][j+1] >= l[i+1][j]):
			adds = append(adds, j)
			j++
		default:
			dels = append(dels, i)
			i++
		}
	}
	flush()
}

func orRoot(p string) string {
	if p == "" {
		return "(properties)"
	}
	return p
}

// joinKey appends a map key to a property path: Integration.Uri, or
// RequestParameters["method.request.path.id"] for keys that are not plain
// identifiers.
func joinKey(path, key string) string {
	if !plainKey(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// appendKey appends key to the path in b as joinKey joins it.
func appendKey(b []byte, key string) []byte {
	if !plainKey(key) {
		return append(strconv.AppendQuote(append(b, '['), key), ']')
	}
	if len(b) > 0 {
		b = append(b, '.')
	}
	return append(b, key...)
}

// plainKey reports whether key is written as .key in a property path (else
// as ["key"]).
func plainKey(key string) bool {
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return key != ""
}

// topProp returns the top-level property of a path.
func topProp(p string) string {
	if i := strings.IndexAny(p, ".["); i > 0 {
		return p[:i]
	}
	return p
}
