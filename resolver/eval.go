package resolver

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Evaluated values are: string, []any, *object, nil (null) or noValue.
type object struct {
	keys []string
	vals map[string]any
}

type noValueT struct{}

var noValue = noValueT{}

var pseudoParams = []string{"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}

func (s *stack) pseudo(name string) (any, bool) {
	switch name {
	case "AWS::AccountId":
		return s.account, true
	case "AWS::NotificationARNs":
		return []any{}, true
	case "AWS::NoValue":
		return noValue, true
	case "AWS::Partition":
		return s.partition, true
	case "AWS::Region":
		return s.region, true
	case "AWS::StackId":
		return fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", s.partition, s.region, s.account, s.stackName, stableUUID(s.stackName)), true
	case "AWS::StackName":
		return s.stackName, true
	case "AWS::URLSuffix":
		return s.urlSuffix, true
	}
	return nil, false
}

func stableUUID(seed string) string {
	id := stableHex(seed, 32)
	return id[0:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:32]
}

// evalCtx is where an evaluation happens, for findings.
type evalCtx struct {
	resource string // logical id of the resource being evaluated, or ""
}

// eval evaluates n. Problems are reported once, at the node's range; the
// result is then a best-effort value so resolution can go on. Every list
// and map built, and every string longer than its parts, is charged to the
// template's budget (budget.go); once that is spent, eval returns "".
func (s *stack) eval(n *cfn.Node, c evalCtx) any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case cfn.Null:
		return nil
	case cfn.Scalar:
		return n.Value
	case cfn.Sequence:
		if !s.spendValues(1, n) {
			return ""
		}
		out := make([]any, 0, len(n.Items))
		for _, it := range n.Items {
			v := s.eval(it, c)
			if v == noValue {
				continue
			}
			out = append(out, v)
		}
		return out
	}
	if name, arg, ok := n.Intrinsic(false); ok {
		if s.budget.stopped {
			return ""
		}
		return s.intrinsic(name, arg, n, c)
	}
	if !s.spendValues(1, n) {
		return ""
	}
	o := &object{vals: make(map[string]any, len(n.Fields))}
	for _, f := range n.Fields {
		v := s.eval(f.Value, c)
		if v == noValue {
			continue
		}
		o.keys = append(o.keys, f.Key)
		o.vals[f.Key] = v
	}
	return o
}

func (s *stack) argErr(n *cfn.Node, c evalCtx, name, want string) any {
	s.errorf(ruleIntrinsic, n.Range(), c.resource, "Write it as "+want+".", "%s has invalid arguments", name)
	return ""
}

func (s *stack) intrinsic(name string, arg *cfn.Node, n *cfn.Node, c evalCtx) any {
	switch name {
	case "Ref":
		if arg.Kind != cfn.Scalar {
			return s.argErr(n, c, name, "!Ref LogicalIdOrParameter")
		}
		return s.ref(arg.Value, arg.Range(), c)
	case "Fn::GetAtt":
		res, attr, ok := s.getAttArgs(arg, c)
		if !ok {
			return s.argErr(n, c, name, "!GetAtt Resource.Attribute or [Resource, Attribute]")
		}
		return s.getAtt(res, attr, arg.Range(), c)
	case "Fn::Sub":
		return s.sub(arg, n, c)
	case "Fn::Join":
		if arg.Kind != cfn.Sequence || len(arg.Items) != 2 {
			return s.argErr(n, c, name, "!Join [delimiter, [values...]]")
		}
		delim := s.stringify(s.eval(arg.Items[0], c), n)
		list, ok := s.eval(arg.Items[1], c).([]any)
		if !ok {
			return s.argErr(arg.Items[1], c, name, "a list of strings as the second argument")
		}
		parts := make([]string, len(list))
		size := len(delim) * max(len(list)-1, 0)
		for i, v := range list {
			parts[i] = s.stringify(v, n)
			size += len(parts[i])
		}
		if !s.spendBytes(size, n) {
			return ""
		}
		return strings.Join(parts, delim)
	case "Fn::Select":
		if arg.Kind != cfn.Sequence || len(arg.Items) != 2 {
			return s.argErr(n, c, name, "!Select [index, [values...]]")
		}
		idx, err := strconv.Atoi(s.stringify(s.eval(arg.Items[0], c), n))
		list, ok := s.eval(arg.Items[1], c).([]any)
		if err != nil || !ok {
			return s.argErr(n, c, name, "!Select [index, [values...]] with a whole-number index")
		}
		if idx < 0 || idx >= len(list) {
			s.errorf(ruleIntrinsic, arg.Items[0].Range(), c.resource, fmt.Sprintf("The list has %d elements; indexes start at 0.", len(list)), "Fn::Select index %d is out of range", idx)
			return ""
		}
		return list[idx]
	case "Fn::Split":
		if arg.Kind != cfn.Sequence || len(arg.Items) != 2 {
			return s.argErr(n, c, name, "!Split [delimiter, string]")
		}
		delim := s.stringify(s.eval(arg.Items[0], c), n)
		str := s.stringify(s.eval(arg.Items[1], c), n)
		if delim == "" {
			return s.argErr(n, c, name, "!Split with a non-empty delimiter")
		}
		// Each piece is a value of the resulting list.
		if !s.spendValues(strings.Count(str, delim)+1, n) {
			return ""
		}
		var out []any
		for _, p := range strings.Split(str, delim) {
			out = append(out, p)
		}
		return out
	case "Fn::If":
		if arg.Kind != cfn.Sequence || len(arg.Items) != 3 || arg.Items[0].Kind != cfn.Scalar {
			return s.argErr(n, c, name, "!If [ConditionName, valueIfTrue, valueIfFalse]")
		}
		if s.condition(arg.Items[0].Value, arg.Items[0].Range()) {
			return s.eval(arg.Items[1], c)
		}
		return s.eval(arg.Items[2], c)
	case "Fn::FindInMap":
		return s.findInMap(arg, n, c)
	case "Fn::Base64":
		in := s.stringify(s.eval(arg, c), n)
		if !s.spendBytes(base64.StdEncoding.EncodedLen(len(in)), n) {
			return ""
		}
		return base64.StdEncoding.EncodeToString([]byte(in))
	case "Fn::GetAZs":
		region := s.stringify(s.eval(arg, c), n)
		if region == "" {
			region = s.region
		}
		return []any{region + "a", region + "b", region + "c"}
	case "Fn::Cidr":
		return s.cidr(arg, n, c)
	case "Fn::ImportValue":
		exp := s.stringify(s.eval(arg, c), n)
		if v, ok := s.opts.Sets["ImportValue."+exp]; ok {
			s.setUsed["ImportValue."+exp] = true
			return v
		}
		s.infof(ruleUnmodeled, n.Range(), c.resource,
			fmt.Sprintf("Pass --set 'ImportValue.%s=VALUE' to supply the exported value.", exp),
			"Fn::ImportValue %q is resolved to a placeholder (no other stacks exist locally)", exp)
		return "imported-" + exp
	case "Fn::Length":
		v := s.eval(arg, c)
		if l, ok := v.([]any); ok {
			return strconv.Itoa(len(l))
		}
		return s.argErr(n, c, name, "!Length [list]")
	case "Fn::ToJsonString":
		return s.jsonText(s.eval(arg, c), n)
	case "Fn::Transform":
		s.infof(ruleUnmodeled, n.Range(), c.resource, "The macro's output is not known locally.", "Fn::Transform is not run; its value is a placeholder")
		return ""
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		return strconv.FormatBool(s.condExpr(n, "inline"))
	case "Fn::ForEach":
		s.infof(ruleUnmodeled, n.Range(), c.resource, "Expand the loop by hand to have cfnrun see its resources.", "Fn::ForEach is not expanded by cfnrun")
		return noValue
	}
	// Unknown Fn:: names were reported by the parser.
	return ""
}

func (s *stack) getAttArgs(arg *cfn.Node, c evalCtx) (res, attr string, ok bool) {
	if arg.Kind != cfn.Sequence || len(arg.Items) != 2 || arg.Items[0].Kind != cfn.Scalar {
		return "", "", false
	}
	res = arg.Items[0].Value
	switch a := arg.Items[1]; a.Kind {
	case cfn.Scalar:
		attr = a.Value
	default:
		attr = s.stringify(s.eval(a, c), a)
	}
	return res, attr, res != "" && attr != ""
}

// ref resolves a name: parameter, pseudo parameter, resource, or --set.
func (s *stack) ref(name string, rng diag.Range, c evalCtx) any {
	if v, ok := s.pseudo(name); ok {
		return v
	}
	if p, ok := s.param(name); ok {
		if p.list {
			var out []any
			for _, x := range splitList(p.value) {
				out = append(out, x)
			}
			return out
		}
		return p.value
	}
	if r, ok := s.res[name]; ok {
		return s.attr(r, "Ref", rng, c)
	}
	if r, attr, ok := s.samDotted(name); ok {
		return s.attr(r, cmp.Or(attr, "Ref"), rng, c)
	}
	if v, ok := s.opts.Sets[name]; ok {
		s.setUsed[name] = true
		return v
	}
	// Reported by the graph pass.
	return "${" + name + "}"
}

// evalString is what stringify makes of eval(n), "" for no value. Ref,
// Fn::GetAtt and Fn::Sub, the intrinsics property accessors read most,
// are rendered without boxing their strings in an any (an allocation
// each, for every method's ids and integration URI); anything else goes
// through eval.
func (s *stack) evalString(n *cfn.Node, c evalCtx) string {
	if n.Kind == cfn.Mapping {
		if name, arg, ok := n.Intrinsic(false); ok {
			if s.budget.stopped {
				return ""
			}
			switch name {
			case "Ref":
				if arg.Kind == cfn.Scalar {
					return s.refString(arg.Value, arg.Range(), c, n)
				}
			case "Fn::GetAtt":
				res, attr, ok := s.getAttArgs(arg, c)
				if !ok {
					s.argErr(n, c, name, "!GetAtt Resource.Attribute or [Resource, Attribute]")
					return ""
				}
				return s.getAttString(res, attr, arg.Range(), c, n)
			case "Fn::Sub":
				return s.sub(arg, n, c)
			}
			return s.stringify(s.intrinsic(name, arg, n, c), n)
		}
	}
	v := s.eval(n, c)
	if v == noValue {
		return ""
	}
	return s.stringify(v, n)
}

// refString is stringify(ref(name)), at the node at: the string values
// (the common pseudo parameters, a parameter that is not a list, a
// resource's Ref) without boxing them.
func (s *stack) refString(name string, rng diag.Range, c evalCtx, at *cfn.Node) string {
	if strings.HasPrefix(name, "AWS::") {
		switch name {
		case "AWS::AccountId":
			return s.account
		case "AWS::Partition":
			return s.partition
		case "AWS::Region":
			return s.region
		case "AWS::StackName":
			return s.stackName
		case "AWS::URLSuffix":
			return s.urlSuffix
		}
		return s.stringify(s.ref(name, rng, c), at)
	}
	if p, ok := s.param(name); ok {
		if !p.list {
			return p.value
		}
	} else if r, ok := s.res[name]; ok {
		return s.attr(r, "Ref", rng, c)
	}
	return s.stringify(s.ref(name, rng, c), at)
}

// getAttString is stringify(getAtt(res, attr)), at the node at, without
// boxing a resource's attribute.
func (s *stack) getAttString(res, attr string, rng diag.Range, c evalCtx, at *cfn.Node) string {
	if r, ok := s.res[res]; ok {
		return s.attr(r, attr, rng, c)
	}
	return s.stringify(s.getAtt(res, attr, rng, c), at)
}

func (s *stack) getAtt(res, attr string, rng diag.Range, c evalCtx) any {
	if r, ok := s.res[res]; ok {
		return s.attr(r, attr, rng, c)
	}
	if v, ok := s.opts.Sets[res+"."+attr]; ok {
		s.setUsed[res+"."+attr] = true
		return v
	}
	return "${" + res + "." + attr + "}"
}

func (s *stack) sub(arg *cfn.Node, n *cfn.Node, c evalCtx) string {
	str := arg
	var vars map[string]any
	if arg.Kind == cfn.Sequence {
		if len(arg.Items) != 2 || arg.Items[1].Kind != cfn.Mapping {
			s.argErr(n, c, "Fn::Sub", "!Sub string or !Sub [string, {Var: value}]")
			return ""
		}
		str = arg.Items[0]
		vars = map[string]any{}
		for _, f := range arg.Items[1].Fields {
			vars[f.Key] = s.eval(f.Value, c)
		}
	}
	if str.Kind != cfn.Scalar {
		s.argErr(n, c, "Fn::Sub", "!Sub with a literal string template")
		return ""
	}
	// Render every part first and charge their total before joining
	// them: "${v}${v}..." repeats one variable's value many times. A
	// template of a few parts (most are) renders them on the stack.
	subParts := s.parseSub(str)
	var buf [8]string
	parts := buf[:]
	if len(subParts) > len(buf) {
		parts = make([]string, len(subParts))
	}
	parts = parts[:len(subParts)]
	size := 0
	for i, p := range subParts {
		switch key := p.Var; {
		case !p.IsVar:
			parts[i] = p.Literal
		case vars != nil && p.Attr == "" && hasKey(vars, key):
			parts[i] = s.stringify(vars[key], n)
		case vars != nil && p.Attr != "" && hasKey(vars, key+"."+p.Attr):
			parts[i] = s.stringify(vars[key+"."+p.Attr], n)
		case p.Attr != "":
			parts[i] = s.getAttString(p.Var, p.Attr, str.Range(), c, n)
		default:
			parts[i] = s.refString(p.Var, str.Range(), c, n)
		}
		size += len(parts[i])
	}
	if !s.spendBytes(size, n) {
		return ""
	}
	return strings.Join(parts, "")
}

// parseSub returns the parts of the Fn::Sub template str, parsed once:
// the graph pass, the attributes and the lowering each read a Sub.
func (s *stack) parseSub(str *cfn.Node) []cfn.SubPart {
	return s.subs.parse(str)
}

// subCache keeps the parsed Fn::Sub templates of a stack, by string
// node: the graph and lowering (which may run at once, graphAsync) each
// parse most of them.
type subCache struct {
	mu sync.Mutex
	m  map[*cfn.Node][]cfn.SubPart
}

func (c *subCache) parse(str *cfn.Node) []cfn.SubPart {
	c.mu.Lock()
	parts, ok := c.m[str]
	c.mu.Unlock()
	if ok {
		return parts
	}
	// Parsed outside the lock: the other goroutine may parse the same
	// string meanwhile, to the same parts.
	parts = cfn.ParseSub(str.Value)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[*cfn.Node][]cfn.SubPart{}
	}
	c.m[str] = parts
	c.mu.Unlock()
	return parts
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func (s *stack) findInMap(arg *cfn.Node, n *cfn.Node, c evalCtx) any {
	if arg.Kind != cfn.Sequence || len(arg.Items) < 3 || len(arg.Items) > 4 {
		return s.argErr(n, c, "Fn::FindInMap", "!FindInMap [MapName, TopLevelKey, SecondLevelKey]")
	}
	keys := make([]string, 3)
	for i := range 3 {
		keys[i] = s.stringify(s.eval(arg.Items[i], c), arg.Items[i])
	}
	var def *cfn.Node
	if len(arg.Items) == 4 {
		def = arg.Items[3].Get("DefaultValue")
	}
	fail := func(i int, what string, candidates []string) any {
		if def != nil {
			return s.eval(def, c)
		}
		s.errorf(ruleMapping, arg.Items[i].Range(), c.resource, cmp.Or(diag.DidYouMean(keys[i], candidates), "Check the Mappings section."), "Fn::FindInMap: %s %q not found", what, keys[i])
		return ""
	}
	m := s.root.Get("Mappings").Get(keys[0])
	if m == nil {
		return fail(0, "mapping", fieldNames(s.root.Get("Mappings")))
	}
	top := m.Get(keys[1])
	if top == nil {
		return fail(1, "top-level key", fieldNames(m))
	}
	v := top.Get(keys[2])
	if v == nil {
		return fail(2, "second-level key", fieldNames(top))
	}
	return s.eval(v, c)
}

func fieldNames(n *cfn.Node) []string {
	if n == nil {
		return nil
	}
	out := make([]string, 0, len(n.Fields))
	for _, f := range n.Fields {
		out = append(out, f.Key)
	}
	return out
}

func (s *stack) cidr(arg *cfn.Node, n *cfn.Node, c evalCtx) any {
	if arg.Kind != cfn.Sequence || len(arg.Items) != 3 {
		return s.argErr(n, c, "Fn::Cidr", "!Cidr [ipBlock, count, cidrBits]")
	}
	block := s.stringify(s.eval(arg.Items[0], c), n)
	count, err1 := strconv.Atoi(s.stringify(s.eval(arg.Items[1], c), n))
	bits, err2 := strconv.Atoi(s.stringify(s.eval(arg.Items[2], c), n))
	pfx, err3 := netip.ParsePrefix(block)
	if err1 != nil || err2 != nil || err3 != nil || count < 1 || count > 256 {
		return s.argErr(n, c, "Fn::Cidr", "!Cidr [\"10.0.0.0/16\", count 1-256, cidrBits]")
	}
	total := 32
	if pfx.Addr().Is6() {
		total = 128
	}
	newLen := total - bits
	if newLen < pfx.Bits() || bits < 0 {
		return s.argErr(n, c, "Fn::Cidr", "a cidrBits that fits in the block")
	}
	var out []any
	base := new(big.Int).SetBytes(pfx.Masked().Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	for i := 0; i < count; i++ {
		cur := new(big.Int).Add(base, new(big.Int).Mul(step, big.NewInt(int64(i))))
		raw := cur.FillBytes(make([]byte, total/8))
		a, _ := netip.AddrFromSlice(raw)
		if !pfx.Contains(a) {
			break
		}
		out = append(out, netip.PrefixFrom(a, newLen).String())
	}
	return out
}

// stringify renders an evaluated value where a string is needed: lists
// joined with commas, maps as JSON. What it builds is charged to the
// budget at node at (which may be nil).
func (s *stack) stringify(v any, at *cfn.Node) string {
	switch x := v.(type) {
	case string:
		return x
	case nil, noValueT:
		return ""
	case []any:
		parts := make([]string, len(x))
		size := max(len(x)-1, 0)
		for i, e := range x {
			parts[i] = s.stringify(e, at)
			size += len(parts[i])
		}
		if !s.spendBytes(size, at) {
			return ""
		}
		return strings.Join(parts, ",")
	default:
		return s.jsonText(v, at)
	}
}

// jsonText renders v as JSON, after charging an upper bound of its size.
func (s *stack) jsonText(v any, at *cfn.Node) string {
	if !s.spendBytes(jsonSize(v), at) {
		return ""
	}
	b, _ := json.Marshal(toJSON(v))
	return string(b)
}

// jsonSize is an upper bound of the length of v rendered as JSON, computed
// without rendering it.
func jsonSize(v any) int {
	switch x := v.(type) {
	case string:
		return jsonStringSize(x)
	case []any:
		n := 2 + len(x)
		for _, e := range x {
			n += jsonSize(e)
		}
		return n
	case *object:
		n := 2 + 2*len(x.keys)
		for _, k := range x.keys {
			n += jsonStringSize(k) + jsonSize(x.vals[k])
		}
		return n
	}
	return 4 // null
}

// jsonStringSize bounds a quoted JSON string: encoding/json writes \uXXXX
// (six bytes) for control characters and for <, > and &, and at most six
// bytes for a three-byte rune (U+2028, U+2029).
func jsonStringSize(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == '<' || c == '>' || c == '&' || c == '"' || c == '\\':
			n += 5
		case c >= 0x80:
			n++
		}
	}
	return n
}

func toJSON(v any) any {
	switch x := v.(type) {
	case *object:
		m := make(map[string]any, len(x.keys))
		for _, k := range x.keys {
			m[k] = toJSON(x.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toJSON(e)
		}
		return out
	case noValueT:
		return nil
	}
	return v
}

// --- conditions ---

func (s *stack) loadConditions() {
	sec := s.root.Get("Conditions")
	if sec == nil {
		return
	}
	if sec.Kind != cfn.Mapping {
		s.errorf(ruleSection, sec.Range(), "", "Conditions maps names to condition expressions.", "Conditions is %s", sec.KindName())
		return
	}
	for _, f := range sec.Fields {
		s.condDefs[f.Key] = f.Value
	}
	for _, f := range sec.Fields {
		s.condition(f.Key, f.KeyRange())
	}
}

// condition evaluates a named condition once, detecting cycles.
func (s *stack) condition(name string, rng diag.Range) bool {
	if v, ok := s.condVals[name]; ok {
		return v
	}
	def, ok := s.condDefs[name]
	if !ok {
		s.errorf(ruleCondition, rng, "", cmp.Or(diag.DidYouMean(name, diag.Names(s.condDefs)), "Define it under Conditions."), "unknown condition %q", name)
		s.condVals[name] = false
		return false
	}
	if s.condBusy[name] {
		s.errorf(ruleCondition, rng, "", "A condition cannot depend on itself.", "condition %q refers to itself", name)
		return false
	}
	s.condBusy[name] = true
	v := s.condExpr(def, name)
	delete(s.condBusy, name)
	s.condVals[name] = v
	return v
}

func (s *stack) condExpr(n *cfn.Node, in string) bool {
	name, arg, ok := n.Intrinsic(true)
	if !ok {
		s.errorf(ruleCondition, n.Range(), "", "Use Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition.", "condition %q is not a condition function", in)
		return false
	}
	c := evalCtx{}
	switch name {
	case "Condition":
		if arg.Kind != cfn.Scalar {
			s.errorf(ruleCondition, arg.Range(), "", "Condition takes a condition name.", "Condition is %s", arg.KindName())
			return false
		}
		return s.condition(arg.Value, arg.Range())
	case "Fn::Equals":
		if arg.Kind != cfn.Sequence || len(arg.Items) != 2 {
			s.errorf(ruleCondition, n.Range(), "", "Write !Equals [value1, value2].", "Fn::Equals takes two values")
			return false
		}
		return s.stringify(s.eval(arg.Items[0], c), n) == s.stringify(s.eval(arg.Items[1], c), n)
	case "Fn::Not":
		if arg.Kind != cfn.Sequence || len(arg.Items) != 1 {
			s.errorf(ruleCondition, n.Range(), "", "Write !Not [condition].", "Fn::Not takes a list of one condition")
			return false
		}
		return !s.condExpr(arg.Items[0], in)
	case "Fn::And", "Fn::Or":
		if arg.Kind != cfn.Sequence || len(arg.Items) < 2 || len(arg.Items) > 10 {
			s.errorf(ruleCondition, n.Range(), "", "Give between 2 and 10 conditions.", "%s takes 2 to 10 conditions", name)
			return false
		}
		results := make([]bool, len(arg.Items))
		for i, it := range arg.Items {
			results[i] = s.condExpr(it, in)
		}
		if name == "Fn::And" {
			return !slices.Contains(results, false)
		}
		return slices.Contains(results, true)
	}
	s.errorf(ruleCondition, n.Range(), "", "Conditions use Fn::Equals, Fn::And, Fn::Or, Fn::Not and Condition.", "%s cannot be used as a condition", name)
	return false
}

// needLanguageExtensions reports a Fn::Length, Fn::ToJsonString or
// Fn::ForEach in a template without the transform that provides them.
func (s *stack) needLanguageExtensions(fn string, rng diag.Range, resource string) {
	if slices.Contains(s.transforms, "AWS::LanguageExtensions") {
		return
	}
	s.errorf(ruleLangExt, rng, resource, "Add Transform: AWS::LanguageExtensions at the top level of the template.",
		"%s needs the AWS::LanguageExtensions transform", fn)
}
