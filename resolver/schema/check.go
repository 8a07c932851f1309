package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// walker checks one resource. When it walks properties it runs with the
// Checker's mutex held (the builder extends its cache on the way).
type walker struct {
	c    *Checker
	id   string
	typ  string
	ds   diag.Diagnostics
	segs []seg // path to the value being checked
}

// seg is one step of the path to the value being checked. The walker
// keeps the steps on a stack and renders them only when it reports a
// finding ("Integration.IntegrationResponses[0].StatusCode"), so walking
// allocates nothing for names.
type seg struct {
	key  string
	idx  int
	kind segKind
}

type segKind uint8

const (
	segKey   segKind = iota // .key
	segItem                 // [idx]
	segEntry                // ["key"]: a map entry whose key reads as a path
)

func (w *walker) push(s seg) { w.segs = append(w.segs, s) }
func (w *walker) pop()       { w.segs = w.segs[:len(w.segs)-1] }

// entrySeg names a map entry: Variables.stage, or
// RequestParameters["a.b"] when the key would read as a path itself.
func entrySeg(key string) seg {
	if strings.ContainsAny(key, "./ []\"") {
		return seg{key: key, kind: segEntry}
	}
	return seg{key: key}
}

// path renders the current path; "" at the Properties mapping itself.
func (w *walker) path() string {
	var b strings.Builder
	for i, s := range w.segs {
		switch s.kind {
		case segItem:
			b.WriteString("[" + strconv.Itoa(s.idx) + "]")
		case segEntry:
			b.WriteString("[" + strconv.Quote(s.key) + "]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// pathWith renders the current path extended by property key.
func (w *walker) pathWith(key string) string {
	w.push(seg{key: key})
	defer w.pop()
	return w.path()
}

// properties checks a resource's Properties value against its type.
func (w *walker) properties(props *cfn.Node, obj *object, missingAt diag.Range) {
	if props == nil || props.Kind == cfn.Null || isNoValue(props) {
		w.required(nil, obj, missingAt, true)
		return
	}
	if name, arg, ok := props.Intrinsic(false); ok {
		switch name {
		case "Fn::If":
			// A branch that is AWS::NoValue leaves the resource without
			// properties: required() reports at that branch.
			for _, b := range ifBranches(arg) {
				w.properties(b, obj, b.Range())
			}
		case "Fn::Transform", "Fn::FindInMap", "Fn::Select":
			// Expanded by CloudFormation; nothing to check here.
		default:
			w.ds = append(w.ds, diag.NewError(RuleValueType, props.Range(), "Properties must be a map, not %s", props.KindName()).
				WithResource(w.id).
				WithHint("Properties is a map of property names to values."))
		}
		return
	}
	if props.Kind != cfn.Mapping {
		w.ds = append(w.ds, diag.NewError(RuleValueType, props.Range(), "Properties must be a map, not %s", props.KindName()).
			WithResource(w.id).
			WithHint("Properties is a map of property names to values."))
		return
	}
	w.object(props, obj, missingAt, true)
}

// object checks a mapping against obj. at is where a missing required
// property is reported (the key of the mapping).
func (w *walker) object(n *cfn.Node, obj *object, at diag.Range, top bool) {
	macro := false
	for i := range n.Fields {
		f := &n.Fields[i]
		if strings.HasPrefix(f.Key, "Fn::") {
			// Fn::Transform (AWS::Include) or Fn::ForEach: expanded by
			// CloudFormation, so the final property set is unknown.
			macro = true
			continue
		}
		pr := obj.prop(f.Key)
		if pr == nil {
			if !isExtension(obj.name, f.Key) {
				w.unknownProperty(f, obj, top)
			}
			continue
		}
		w.push(seg{key: f.Key})
		if !w.packaged(f.Value, pr.shape, f.KeyRange()) {
			w.value(f.Value, pr.shape, f.KeyRange())
		}
		w.pop()
	}
	if macro {
		return
	}
	if obj.sam && !top && !obj.strict {
		// The SAM specification marks nested properties required that
		// SAM does not require (EventSource Properties, …).
		return
	}
	w.required(n, obj, at, top)
}

// packaged reports (W3002) a string where `aws cloudformation package`
// takes a local path (packagedPaths), and then reports true: the value
// is not checked against the property's shape, which the package command
// writes. Under the SAM transform nothing is reported, as cfn-lint does
// (`sam deploy` packages). An S3 or HTTPS URL where the schema takes a
// string is left to the shape check; where it takes an object (Code,
// BodyS3Location ...), the package command turns an s3:// URL into that
// object, so it is reported like a path.
func (w *walker) packaged(v *cfn.Node, s *shape, at diag.Range) bool {
	if v == nil || v.Kind != cfn.Scalar {
		return false
	}
	if a, b := packagedPaths(w.typ); a == "" || !w.segPathIs(a) && (b == "" || !w.segPathIs(b)) {
		return false
	}
	url := strings.HasPrefix(v.Value, "s3://") || strings.HasPrefix(v.Value, "https://")
	if s.kind == kString && url {
		return false
	}
	if !w.c.noSAM {
		return true
	}
	what, want := "a local path", "an s3:// or https:// URL of the uploaded file"
	if url {
		what = "a URL"
	}
	if s.kind == kObject && s.obj != nil {
		want = "a map with " + listNames(s.obj.names)
	}
	w.ds = append(w.ds, diag.NewWarning(RulePackaged, at, "%s is %s (%s): it only works with the aws cloudformation package command", w.path(), what, strconv.Quote(v.Value)).
		WithResource(w.id).
		WithHint(fmt.Sprintf("CloudFormation rejects it as is. Run `aws cloudformation package` (it uploads the file or directory to S3 and writes the location) before deploying, or write %s yourself.", want)))
	return true
}

// segPathIs reports whether the path is plain keys that read p when
// dotted ("Code.S3"), without rendering it.
func (w *walker) segPathIs(p string) bool {
	switch len(w.segs) {
	case 1:
		return w.segs[0].key == p
	case 2:
		k0, k1 := w.segs[0].key, w.segs[1].key
		return w.segs[0].kind == segKey && w.segs[1].kind == segKey &&
			len(p) == len(k0)+1+len(k1) && p[:len(k0)] == k0 && p[len(k0)] == '.' && p[len(k0)+1:] == k1
	}
	return false
}

func (w *walker) required(n *cfn.Node, obj *object, at diag.Range, top bool) {
	owner := func() string {
		if top {
			return obj.name
		}
		return w.path()
	}
	rejecter := "CloudFormation"
	if obj.sam {
		rejecter = "The SAM transform"
	}
	for _, name := range obj.required {
		f := n.Field(name)
		if f == nil {
			w.ds = append(w.ds, diag.NewError(RuleRequired, at, "%s is missing required property %s", owner(), name).
				WithResource(w.id).
				WithHint(fmt.Sprintf("Add %s; %s rejects %s without it.", name, rejecter, obj.name)))
			continue
		}
		if how := removedBy(f.Value); how != "" {
			w.ds = append(w.ds, diag.NewError(RuleRequired, f.Value.Range(), "%s is required, but %s removes it", w.pathWith(name), how).
				WithResource(w.id).
				WithHint(fmt.Sprintf("%s rejects %s without %s; give it a value in every case.", rejecter, obj.name, name)))
		}
	}
	for _, c := range requiredUnless(obj.name) {
		if n.Field(c.name) != nil || slices.ContainsFunc(c.unless, func(u string) bool { return n.Field(u) != nil }) {
			continue
		}
		w.ds = append(w.ds, diag.NewError(RuleRequired, at, "%s needs %s when it has no %s", owner(), c.name, strings.Join(c.unless, " or ")).
			WithResource(w.id).
			WithHint(fmt.Sprintf("Add %s; %s", c.name, c.why)))
	}
}

func (w *walker) unknownProperty(f *cfn.Field, obj *object, top bool) {
	owner := obj.name
	if !top {
		owner = w.path() + " (" + obj.name + ")"
	}
	summary := fmt.Sprintf("%s is not a property of %s", f.Key, owner)
	sibling := w.c.siblingWith(obj.name, f.Key)
	suggest := diag.Suggest(f.Key, obj.names)
	switch {
	case sibling != "":
		detail := fmt.Sprintf("%s is a property of %s, not %s. Remove it, or change the resource type if you meant %s.", f.Key, sibling, obj.name, sibling)
		if !top {
			detail = fmt.Sprintf("%s is a property of %s, not %s. Use the equivalent among %s's properties: %s.", f.Key, sibling, obj.name, obj.name, listNames(obj.names))
		}
		if suggest != "" {
			detail += " Did you mean \"" + suggest + "\"?"
		}
		if obj.sam {
			w.ds = append(w.ds, diag.NewWarning(RuleUnknownProperty, f.KeyRange(), "%s", summary).WithResource(w.id).WithHint(detail))
		} else {
			w.ds = append(w.ds, diag.NewError(RuleUnknownProperty, f.KeyRange(), "%s", summary).WithResource(w.id).WithHint(detail))
		}
	case suggest != "":
		w.ds = append(w.ds, diag.NewError(RuleUnknownProperty, f.KeyRange(), "%s", summary).
			WithResource(w.id).
			WithHint("Did you mean \""+suggest+"\"? Property names are case-sensitive."))
	case strictUnknown(w.typ) || obj.strict:
		w.ds = append(w.ds, diag.NewError(RuleUnknownProperty, f.KeyRange(), "%s", summary).
			WithResource(w.id).
			WithHint(fmt.Sprintf("Remove it. The properties of %s are: %s.", obj.name, listNames(obj.names))))
	default:
		w.ds = append(w.ds, diag.NewWarning(RuleUnknownProperty, f.KeyRange(), "%s", summary).
			WithResource(w.id).
			WithHint(fmt.Sprintf("cfnrun's schema (%s) may predate this property; if AWS documents it for %s, this warning is safe to ignore.", schemaSource, obj.name)))
	}
}

// value checks v against s. at is where a wrong shape is reported: the
// property's key, or the list item.
func (w *walker) value(v *cfn.Node, s *shape, at diag.Range) {
	if v == nil || s.kind == kAny {
		return
	}
	if v.Kind == cfn.Null {
		w.ds = append(w.ds, diag.NewError(RuleValueType, at, "%s is null", w.path()).
			WithResource(w.id).
			WithHint("CloudFormation rejects null values (\"'null' values are not allowed in templates\"): give a value, or remove the property."))
		return
	}
	if name, arg, ok := v.Intrinsic(false); ok {
		w.intrinsic(name, arg, s, at)
		return
	}
	if s.kind == kUnion {
		alt, n := pickAlt(s, v)
		switch n {
		case 0:
			w.mismatch(v, s, at)
		case 1:
			w.value(v, alt, at)
		}
		return
	}
	switch v.Kind {
	case cfn.Scalar:
		w.scalar(v, s, at)
	case cfn.Sequence:
		if s.kind != kList {
			w.mismatch(v, s, at)
			return
		}
		for i, it := range v.Items {
			if !isNoValue(it) {
				w.push(seg{idx: i, kind: segItem})
				w.value(it, s.elem, it.Range())
				w.pop()
			}
		}
	case cfn.Mapping:
		switch s.kind {
		case kMap:
			for i := range v.Fields {
				f := &v.Fields[i]
				if !strings.HasPrefix(f.Key, "Fn::") && !isNoValue(f.Value) {
					w.push(entrySeg(f.Key))
					w.value(f.Value, s.elem, f.KeyRange())
					w.pop()
				}
			}
		case kObject:
			w.object(v, s.obj, at, false)
		default:
			w.mismatch(v, s, at)
		}
	}
}

func (w *walker) scalar(v *cfn.Node, s *shape, at diag.Range) {
	switch s.kind {
	case kString:
		if s.enum != nil && !s.enum.allows(v.Value) {
			w.badEnum(v, s.enum)
		}
	case kNumber:
		if v.Type == cfn.Int || v.Type == cfn.Float || (v.Type == cfn.Str && isNumber(v.Value)) {
			if s.enum != nil && !s.enum.allowsNumber(v.Value) {
				w.badEnum(v, s.enum)
			}
			return
		}
		if s.lax {
			return
		}
		w.ds = append(w.ds, diag.NewError(RuleValueType, at, "%s must be a number, not %s", w.path(), describe(v)).
			WithResource(w.id).
			WithHint("Write a number, such as 29000, or a string of digits."))
	case kBool:
		if s.lax || v.Type == cfn.Bool || (v.Type == cfn.Str && isBoolString(v.Value)) {
			return
		}
		w.ds = append(w.ds, diag.NewError(RuleValueType, at, "%s must be a boolean, not %s", w.path(), describe(v)).
			WithResource(w.id).
			WithHint("Write true or false."))
	case kList:
		if s.lax && s.elem != nil && (s.elem.kind == kString || s.elem.kind == kNumber || s.elem.kind == kBool) {
			return
		}
		w.mismatch(v, s, at)
	default:
		w.mismatch(v, s, at)
	}
}

func (w *walker) badEnum(v *cfn.Node, e *enum) {
	detail := "Allowed values: " + listValues(e.values) + "."
	s := diag.Suggest(v.Value, e.values)
	switch {
	case s != "":
		detail = "Did you mean \"" + s + "\"? " + detail
	case e.open:
		return // possibly newer than the list
	case e.generated && !strictEnum(w.typ):
		// Outside the services cfnrun keeps complete, a value AWS added
		// after the tables is likelier than a typo without a close match.
		w.ds = append(w.ds, diag.NewWarning(RuleEnum, v.Range(), "%q is not a valid value for %s", v.Value, w.path()).
			WithResource(w.id).
			WithHint(detail+" cfnrun's schema ("+schemaSource+") may predate this value; if AWS documents it, this warning is safe to ignore."))
		return
	}
	w.ds = append(w.ds, diag.NewError(RuleEnum, v.Range(), "%q is not a valid value for %s", v.Value, w.path()).WithResource(w.id).WithHint(detail))
}

// listValues renders allowed values for a hint, eliding long lists (some
// registry enums have hundreds of values: instance types, regions).
func listValues(values []string) string {
	const most = 30
	q := func(v string) string {
		if v == "" {
			return `""`
		}
		return v
	}
	var b strings.Builder
	for i, v := range values {
		if i == most {
			fmt.Fprintf(&b, ", … (%d more)", len(values)-most)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(q(v))
	}
	return b.String()
}

// returns is what an intrinsic function can evaluate to.
type returns uint8

const (
	retScalar returns = 1 << iota
	retList
)

func (r returns) String() string {
	switch r {
	case retScalar:
		return "a string"
	case retList:
		return "a list"
	}
	return "a string or a list"
}

func (w *walker) intrinsic(name string, arg *cfn.Node, s *shape, at diag.Range) {
	var r returns
	switch name {
	case "Ref":
		if arg.String() == "AWS::NoValue" {
			return // absent; required() reports it when it matters
		}
		r = retScalar | retList // a List<…> or CommaDelimitedList parameter is a list
	case "Fn::GetAtt":
		r = retScalar | retList // some attributes are lists (SecurityGroups, …)
	case "Fn::Sub", "Fn::Join", "Fn::Base64", "Fn::ImportValue", "Fn::ToJsonString", "Fn::Length":
		r = retScalar
	case "Fn::Split", "Fn::GetAZs", "Fn::Cidr":
		r = retList
	case "Fn::If":
		for _, b := range ifBranches(arg) {
			if !isNoValue(b) {
				w.value(b, s, b.Range())
			}
		}
		return
	default:
		return // Fn::FindInMap, Fn::Select, Fn::Transform, …: could be anything
	}
	if accepts(s, r) {
		return
	}
	w.ds = append(w.ds, diag.NewError(RuleValueType, at, "%s returns %s, but %s must be %s", name, r, w.path(), s.kind).
		WithResource(w.id).
		WithHint(fmt.Sprintf("%s expects %s; use a value or function that produces one.", w.path(), s.kind)))
}

func accepts(s *shape, r returns) bool {
	switch s.kind {
	case kAny:
		return true
	case kString, kNumber, kBool:
		return r&retScalar != 0
	case kList:
		return r&retList != 0
	case kUnion:
		for _, a := range s.alts {
			if accepts(a, r) {
				return true
			}
		}
	}
	return false
}

// pickAlt returns the union alternative that fits v's kind and how many
// fit. Only a single fit is checked further: unions (SAM's String or
// S3Location, …) are checked where they are unambiguous.
func pickAlt(s *shape, v *cfn.Node) (*shape, int) {
	var fit *shape
	n := 0
	for _, a := range s.alts {
		ok := false
		switch v.Kind {
		case cfn.Scalar:
			ok = a.kind == kString || a.kind == kNumber || a.kind == kBool || a.kind == kAny
		case cfn.Sequence:
			ok = a.kind == kList || a.kind == kAny
		case cfn.Mapping:
			ok = a.kind == kMap || a.kind == kObject || a.kind == kAny
		}
		if ok {
			fit = a
			n++
		}
	}
	return fit, n
}

func (w *walker) mismatch(v *cfn.Node, s *shape, at diag.Range) {
	want := s.kind.String()
	if s.kind == kUnion {
		var ks []string
		for _, a := range s.alts {
			if k := a.kind.String(); !slices.Contains(ks, k) {
				ks = append(ks, k)
			}
		}
		want = strings.Join(ks, " or ")
	}
	hint := "Change the value to " + want + "."
	switch {
	case s.kind == kList && v.Kind == cfn.Scalar:
		hint = "Write a list, even for one item: [" + v.Value + "] or a \"- item\" line."
	case s.kind == kObject && s.obj != nil:
		hint = fmt.Sprintf("%s is a map with the properties of %s: %s.", w.path(), s.obj.name, listNames(s.obj.names))
	}
	w.ds = append(w.ds, diag.NewError(RuleValueType, at, "%s must be %s, not %s", w.path(), want, describe(v)).WithResource(w.id).WithHint(hint))
}

// describe names a value for messages: `"abc"`, "a list", "a map".
func describe(v *cfn.Node) string {
	if v.Kind == cfn.Scalar {
		q := v.Value
		if r := []rune(q); len(r) > 40 {
			q = string(r[:37]) + "..."
		}
		return strconv.Quote(q)
	}
	return v.KindName()
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

func isBoolString(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "false", "yes", "no", "on", "off":
		// CloudFormation reads YAML 1.1, where yes/no/on/off are booleans.
		return true
	}
	return false
}

func ifBranches(arg *cfn.Node) []*cfn.Node {
	if arg == nil || arg.Kind != cfn.Sequence || len(arg.Items) != 3 {
		return nil
	}
	return arg.Items[1:]
}

func isNoValue(n *cfn.Node) bool {
	name, arg, ok := n.Intrinsic(false)
	return ok && name == "Ref" && arg.String() == "AWS::NoValue"
}

// removedBy says how a required property's value can be absent: "!Ref
// AWS::NoValue", or Fn::If with an AWS::NoValue branch; "" otherwise.
func removedBy(v *cfn.Node) string {
	if isNoValue(v) {
		return "Ref AWS::NoValue"
	}
	if name, arg, ok := v.Intrinsic(false); ok && name == "Fn::If" {
		for _, b := range ifBranches(arg) {
			if isNoValue(b) || removedBy(b) != "" {
				cond := "its condition"
				if arg.Items[0].Kind == cfn.Scalar {
					cond = "condition " + arg.Items[0].Value
				}
				return "Fn::If on " + cond + " (an AWS::NoValue branch)"
			}
		}
	}
	return ""
}

// custom checks a custom resource: any properties, but ServiceToken is
// required.
func (w *walker) custom(props *cfn.Node, missingAt diag.Range) {
	if props != nil && props.Kind != cfn.Null {
		if _, _, ok := props.Intrinsic(false); ok || props.Kind != cfn.Mapping {
			return
		}
		for _, f := range props.Fields {
			if strings.HasPrefix(f.Key, "Fn::") {
				return
			}
		}
		if f := props.Field("ServiceToken"); f != nil {
			if how := removedBy(f.Value); how != "" {
				w.ds = append(w.ds, diag.NewError(RuleRequired, f.Value.Range(), "ServiceToken is required, but %s removes it", how).
					WithResource(w.id).
					WithHint("A custom resource needs the ARN of the Lambda function or SNS topic that handles it in every case."))
			}
			return
		}
	}
	w.ds = append(w.ds, diag.NewError(RuleRequired, missingAt, "%s is missing required property ServiceToken", w.typ).
		WithResource(w.id).
		WithHint("Add ServiceToken: the ARN of the Lambda function or SNS topic that handles the custom resource."))
}
