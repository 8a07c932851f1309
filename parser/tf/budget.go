package tf

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The evaluation budget of one Load. A configuration of a few hundred
// bytes can ask for unbounded work: three nested for expressions over
// range(1000) are a billion iterations, join over them a string of
// gigabytes, a module with count = 10000 around a resource with count =
// 10000 a hundred million instances. Every such cost is charged to one
// budget per Load; past a limit the value is unknown (as if known only
// after apply), evaluation goes on without doing the work, and one finding
// (TF071) names the limit at the expression that passed it. The limits are
// far above what real configurations use (the largest public modules stay
// under 1% of each) and keep any input under 1 MB within 512 MB and
// seconds.
type budgetLimits struct {
	// steps of evaluation: iterations of for expressions and template for
	// directives (each evaluation of a body, key or condition), template
	// parts, and calls of the functions whose result can dwarf their
	// arguments.
	steps int64
	// nodes are the elements of the collections functions build.
	nodes int64
	// bytes are the bytes of the strings functions and templates build, and
	// of the files file functions read.
	bytes int64
	// instances are resource, data and module instances across all
	// modules.
	instances int64
}

var defaultLimits = budgetLimits{
	steps:     1_000_000,
	nodes:     10_000_000,
	bytes:     64 << 20,
	instances: 25_000,
}

var ruleBudget = newRule("TF071", sevError,
	"the configuration asks for more work than cfnrun's evaluation budget allows: more than 1,000,000 evaluation steps (iterations of `for` expressions, template parts), 10,000,000 collection elements or 64 MB of strings built by functions and templates, or 25,000 resource and module instances across all modules; the value is unknown from there on",
	"Without a bound a few hundred bytes (nested `for` over `range(1000)`, `join` over them, a module `count` around a resource `count`) would hang cfnrun or exhaust memory. Real configurations stay far below the limits.")

// budget is the evaluation budget of one Load.
type budget struct {
	ctx    context.Context
	limits budgetLimits
	used   budgetLimits
	// at is the range of the expression being evaluated, where a refusal
	// from inside a function call is reported.
	at hcl.Range
	// spent is set at the first refusal (or when ctx is done); from then
	// on every charge fails at once.
	spent bool
	// refusal is the finding for the first refusal (nil for a cancelled
	// context).
	refusal *hcl.Diagnostic
	ticks   int
	// batch is set while a resource's instances are evaluated on two
	// goroutines (split.go): every method then holds mu, and a charge
	// that passes a limit (or a cancelled context) sets over instead of
	// refusing. The batch is then evaluated again, one instance after
	// the other, from the counters it started with (endBatch), so the
	// refusal and everything after it are what a serial evaluation gives.
	batch bool
	over  bool
	mu    sync.Mutex
	// batchUsed and batchTicks are the counters when the batch began.
	batchUsed  budgetLimits
	batchTicks int
}

func newBudget(ctx context.Context, limits budgetLimits) *budget {
	return &budget{ctx: ctx, limits: limits}
}

// ok reports whether evaluation may go on; it checks the context every so
// many calls, so a cancelled Load stops within milliseconds.
func (b *budget) ok() bool {
	if b.batch {
		b.mu.Lock()
		defer b.mu.Unlock()
	}
	return b.okLocked()
}

func (b *budget) okLocked() bool {
	if b.spent || b.over {
		return false
	}
	b.ticks++
	if b.ticks&255 == 0 && b.ctx.Err() != nil {
		if b.batch {
			b.over = true
		} else {
			b.spent = true
		}
		return false
	}
	return true
}

// beginBatch starts a batch (see batch): the budget may be charged from
// two goroutines until endBatch.
func (b *budget) beginBatch() {
	b.batchUsed, b.batchTicks = b.used, b.ticks
	b.batch, b.over = true, false
}

// endBatch ends the batch; false when a charge in it passed a limit (or
// the context was cancelled): the counters are back where the batch began
// and its work is to be done again serially.
func (b *budget) endBatch() bool {
	b.batch = false
	if b.over {
		b.used, b.ticks, b.over = b.batchUsed, b.batchTicks, false
		return false
	}
	return true
}

// setAt records the range of the expression being evaluated. In a batch
// it is left alone: a refusal there is found again serially, which sets
// it.
func (b *budget) setAt(rng hcl.Range) {
	if !b.batch {
		b.at = rng
	}
}

// refuse records the first refusal.
func (b *budget) refuse(rng hcl.Range, what string, limit int64, unit string) {
	if b.batch {
		b.mu.Lock()
		defer b.mu.Unlock()
	}
	b.refuseLocked(rng, what, limit, unit)
}

func (b *budget) refuseLocked(rng hcl.Range, what string, limit int64, unit string) {
	if b.batch {
		b.over = true
		return
	}
	if b.spent {
		return
	}
	b.spent = true
	if rng.Filename == "" {
		rng = b.at
	}
	b.refusal = &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("evaluation budget spent: more than %d %s, cfnrun's limit on %s", limit, unit, what),
		Detail:   "Values from here on are unknown. Bound the loops, the strings built or the instances; real configurations stay far below the limit.",
		Subject:  &rng,
	}
}

// charge adds n to one counter; false (and a refusal at rng) when the
// limit is passed.
func (b *budget) charge(counter *int64, limit int64, n int64, rng hcl.Range, what, unit string) bool {
	if b.batch {
		b.mu.Lock()
		defer b.mu.Unlock()
	}
	if !b.okLocked() {
		return false
	}
	*counter += n
	if *counter > limit || n > limit {
		b.refuseLocked(rng, what, limit, unit)
		return false
	}
	return true
}

func (b *budget) step(rng hcl.Range) bool {
	return b.charge(&b.used.steps, b.limits.steps, 1, rng, "evaluation steps", "evaluation steps (iterations of for expressions, template parts)")
}

func (b *budget) strBytes(n int64, rng hcl.Range) bool {
	return b.charge(&b.used.bytes, b.limits.bytes, n, rng, "strings built", "bytes of strings")
}

func (b *budget) nodes(n int64, rng hcl.Range) bool {
	return b.charge(&b.used.nodes, b.limits.nodes, n, rng, "collections built", "collection elements")
}

func (b *budget) instances(n int64, rng hcl.Range) bool {
	return b.charge(&b.used.instances, b.limits.instances, n, rng, "instances", "resource and module instances across all modules")
}

// fileBytes charges a file read into memory (fileReader.charge).
func (b *budget) fileBytes(n int64) error {
	if !b.strBytes(n, hcl.Range{}) {
		return fmt.Errorf("cfnrun's evaluation budget is spent (%d bytes of strings and files)", b.limits.bytes)
	}
	return nil
}

// chargedExpr charges one step (and the bytes of a template part) for
// every evaluation of the expression it wraps; once the budget is spent it
// is unknown without evaluating anything. It embeds a ParenthesesExpr so
// hcl's walks (Variables, for the evaluation contexts) see the wrapped
// expression as they see one in parentheses.
type chargedExpr struct {
	*hclsyntax.ParenthesesExpr
	b    *budget
	kind chargeKind
}

// UnwrapExpression lets hcl's static analysis (hcl.ExprCall for type
// constraints, hcl.ExprList, hcl.AbsTraversalForExpr) see the wrapped
// expression.
func (e *chargedExpr) UnwrapExpression() hcl.Expression { return e.Expression }

// chargeKind says what a chargedExpr charges.
type chargeKind uint8

const (
	chargeIteration chargeKind = iota // a for body, key or condition: a step, and its string or call result
	chargePart                        // a template part: a step, and its string or call result
	chargeCall                        // a function call: the elements and bytes of its result
)

func (e *chargedExpr) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if e.kind == chargeCall {
		if !e.b.ok() {
			return cty.DynamicVal, nil
		}
		v, ds := callValue(e.Expression, ctx)
		if !e.b.chargeValueAt(v, e.SrcRange) {
			return cty.DynamicVal, ds
		}
		return v, ds
	}
	if !e.b.step(e.SrcRange) {
		return cty.DynamicVal, nil
	}
	v, ok := knownValue(e.Expression, ctx)
	var ds hcl.Diagnostics
	if !ok {
		v, ds = e.Expression.Value(ctx)
	}
	if _, isCall := e.Expression.(*hclsyntax.FunctionCallExpr); (isCall || v.Type() == cty.String) && !e.b.chargeValueAt(v, e.SrcRange) {
		return cty.DynamicVal, ds
	}
	return v, ds
}

// instrument wraps, in place, the bodies of every for expression and the
// non-literal parts of every template under node, so their evaluation is
// charged to the budget. Nodes already wrapped are left alone.
func (b *budget) instrument(node hclsyntax.Node) {
	wrap := func(e hclsyntax.Expression, kind chargeKind) hclsyntax.Expression {
		if e == nil {
			return nil
		}
		if _, ok := e.(*chargedExpr); ok {
			return e
		}
		if _, ok := e.(*hclsyntax.LiteralValueExpr); ok && kind == chargePart {
			return e
		}
		return &chargedExpr{ParenthesesExpr: &hclsyntax.ParenthesesExpr{Expression: e, SrcRange: e.Range()}, b: b, kind: kind}
	}
	// call wraps a function call where the expression *p is one (a for
	// body or template part is wrapped as such, and charges its result
	// too).
	call := func(p *hclsyntax.Expression) {
		if _, ok := (*p).(*hclsyntax.FunctionCallExpr); ok {
			*p = wrap(*p, chargeCall)
		}
	}
	_ = hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.ForExpr:
			e.ValExpr = wrap(e.ValExpr, chargeIteration)
			e.KeyExpr = wrap(e.KeyExpr, chargeIteration)
			e.CondExpr = wrap(e.CondExpr, chargeIteration)
		case *hclsyntax.TemplateExpr:
			if len(e.Parts) > 1 {
				for i, p := range e.Parts {
					e.Parts[i] = wrap(p, chargePart)
				}
			}
		case *hclsyntax.FunctionCallExpr:
			for i := range e.Args {
				call(&e.Args[i])
			}
		case *hclsyntax.Attribute:
			call(&e.Expr)
		case *hclsyntax.TupleConsExpr:
			for i := range e.Exprs {
				call(&e.Exprs[i])
			}
		case *hclsyntax.ObjectConsExpr:
			for i := range e.Items {
				call(&e.Items[i].ValueExpr)
			}
		case *hclsyntax.ConditionalExpr:
			call(&e.TrueResult)
			call(&e.FalseResult)
		case *hclsyntax.TemplateWrapExpr:
			call(&e.Wrapped)
		case *hclsyntax.IndexExpr:
			call(&e.Collection)
		case *hclsyntax.RelativeTraversalExpr:
			call(&e.Source)
		case *hclsyntax.SplatExpr:
			call(&e.Source)
		case *hclsyntax.BinaryOpExpr:
			call(&e.LHS)
			call(&e.RHS)
		}
		return nil
	})
}

// instrumentSource is instrument(body) for a file's body parsed from src,
// without walking an attribute whose source holds nothing instrument
// wraps: a function call needs "(", a for expression "for", and a template
// of more than one part "${" or "%{". A variable's default holding the
// map of routes is most of a large configuration's nodes, holds none of
// them, and was walked node by node on one core before evaluation began.
func (b *budget) instrumentSource(body *hclsyntax.Body, src []byte) {
	for _, a := range body.Attributes {
		if mayWrap(src, a.SrcRange) {
			b.instrument(a)
		}
	}
	for _, blk := range body.Blocks {
		b.instrumentSource(blk.Body, src)
	}
}

// mayWrap reports whether the source of r in src may hold something
// instrument wraps; true when r is not within src.
func mayWrap(src []byte, r hcl.Range) bool {
	if r.Start.Byte < 0 || r.Start.Byte > r.End.Byte || r.End.Byte > len(src) {
		return true
	}
	s := src[r.Start.Byte:r.End.Byte]
	return bytes.IndexByte(s, '(') >= 0 || bytes.Contains(s, []byte("for")) || bytes.Contains(s, []byte("${")) || bytes.Contains(s, []byte("%{"))
}

// Functions charge what they build. Those whose result can be far larger
// than their arguments are checked before they run (wrapFunctions); the
// elements and string bytes of every call's result are charged after it
// (instrument wraps the calls).

// explosive are the functions whose result can dwarf their arguments.
var explosive = []string{"range", "join", "format", "formatlist", "replace", "indent", "setproduct"}

// wrapFunctions returns the explosive functions of fs wrapped so that
// their result's size is checked, from their arguments, before they run.
func (b *budget) wrapFunctions(fs map[string]function.Function) map[string]function.Function {
	out := make(map[string]function.Function, len(explosive))
	for _, name := range explosive {
		if f, ok := fs[name]; ok {
			out[name] = b.wrapFunction(name, f)
		}
	}
	return out
}

func (b *budget) wrapFunction(name string, f function.Function) function.Function {
	params := f.Params()
	for i := range params {
		params[i].AllowUnknown, params[i].AllowNull, params[i].AllowDynamicType, params[i].AllowMarked = true, true, true, true
	}
	var varParam *function.Parameter
	if vp := f.VarParam(); vp != nil {
		p := *vp
		p.AllowUnknown, p.AllowNull, p.AllowDynamicType, p.AllowMarked = true, true, true, true
		varParam = &p
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		// The wrapped function checks its arguments and works out its
		// type itself, once: the wrapper lets everything through to it.
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if !b.step(hcl.Range{}) || !b.precheck(name, args) {
				return cty.DynamicVal, nil
			}
			return f.Call(args)
		},
	})
}

// maxFormatWidth bounds the width and precision in format verbs
// (%1000000000d would build a gigabyte).
const maxFormatWidth = 1 << 16

// precheck refuses, before they run, calls whose result would pass the
// budget: the size of what they build is computed from their arguments.
func (b *budget) precheck(name string, args []cty.Value) bool {
	known := func(i int) bool { return i < len(args) && args[i].IsWhollyKnown() && !args[i].IsNull() }
	switch name {
	case "range":
		n := rangeLength(args)
		return n < 0 || b.nodes(n, hcl.Range{})
	case "join":
		if !known(0) {
			return true
		}
		sep := int64(len(args[0].AsString()))
		var total int64
		for _, l := range args[1:] {
			if !l.IsWhollyKnown() || l.IsNull() || !l.CanIterateElements() {
				continue
			}
			for it := l.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type() == cty.String && !e.IsNull() {
					total += int64(len(e.AsString())) + sep
				}
			}
		}
		return b.strBytes(total, hcl.Range{})
	case "format", "formatlist":
		if !known(0) || args[0].Type() != cty.String {
			return true
		}
		if w := largestFormatNumber(args[0].AsString()); w > maxFormatWidth {
			b.refuse(hcl.Range{}, "format widths", maxFormatWidth, "characters of format width or precision")
			return false
		}
		if name == "formatlist" {
			var n int64 = 1
			for _, a := range args[1:] {
				if a.IsKnown() && !a.IsNull() && (a.Type().IsListType() || a.Type().IsTupleType()) {
					n = max(n, int64(a.LengthInt()))
				}
			}
			return b.strBytes(n*int64(len(args[0].AsString())), hcl.Range{})
		}
	case "replace":
		if !known(0) || !known(1) || !known(2) {
			return true
		}
		s, sub, rep := len(args[0].AsString()), len(args[1].AsString()), len(args[2].AsString())
		// At most one replacement per byte (an empty or regular
		// expression match), or per occurrence of a literal substring.
		n := int64(s + 1)
		if sub > 0 && !strings.HasPrefix(args[1].AsString(), "/") {
			n = int64(s/sub + 1)
		}
		return b.strBytes(int64(s)+n*int64(rep), hcl.Range{})
	case "indent":
		if !known(0) || !known(1) {
			return true
		}
		spaces, _ := args[0].AsBigFloat().Int64()
		if spaces > maxFormatWidth {
			b.refuse(hcl.Range{}, "indent widths", maxFormatWidth, "spaces of indent")
			return false
		}
		lines := int64(strings.Count(args[1].AsString(), "\n") + 1)
		return b.strBytes(lines*max(spaces, 0), hcl.Range{})
	case "setproduct":
		var n int64 = 1
		for _, a := range args {
			if !a.IsKnown() || a.IsNull() || !a.CanIterateElements() {
				return true
			}
			n *= int64(max(a.LengthInt(), 1))
			if n > b.limits.nodes {
				return b.nodes(n, hcl.Range{})
			}
		}
		return b.nodes(n*int64(max(len(args), 1)), hcl.Range{})
	}
	return true
}

// rangeLength is how many numbers range(args...) gives; -1 when not known.
func rangeLength(args []cty.Value) int64 {
	nums := make([]float64, 0, 3)
	for _, a := range args {
		if !a.IsKnown() || a.IsNull() || a.Type() != cty.Number {
			return -1
		}
		f, _ := a.AsBigFloat().Float64()
		nums = append(nums, f)
	}
	start, end, step := 0.0, 0.0, 1.0
	switch len(nums) {
	case 1:
		end = nums[0]
	case 2:
		start, end = nums[0], nums[1]
	case 3:
		start, end, step = nums[0], nums[1], nums[2]
	default:
		return -1
	}
	if step == 0 {
		return -1 // range says why
	}
	n := (end - start) / step
	if n < 0 {
		return 0
	}
	if n > 1e15 {
		return 1e15
	}
	return int64(n) + 1
}

// largestFormatNumber returns the largest number written in a verb of a
// format string (a width or a precision).
func largestFormatNumber(f string) int64 {
	var largest int64
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		for i++; i < len(f); i++ {
			c := f[i]
			if c >= '0' && c <= '9' {
				j := i
				for j < len(f) && f[j] >= '0' && f[j] <= '9' {
					j++
				}
				n, ok := new(big.Int).SetString(f[i:j], 10)
				if ok && (!n.IsInt64() || n.Int64() > largest) {
					if !n.IsInt64() {
						return 1 << 62
					}
					largest = n.Int64()
				}
				i = j - 1
				continue
			}
			if c == '.' || c == '-' || c == '+' || c == '#' || c == ' ' || c == '[' || c == ']' || c == '*' {
				continue
			}
			break
		}
	}
	return largest
}

// chargeValueAt charges the elements and string bytes of v, a refusal
// reported at rng.
func (b *budget) chargeValueAt(v cty.Value, rng hcl.Range) bool {
	var nodes, bytes int64
	var walk func(v cty.Value) bool
	walk = func(v cty.Value) bool {
		if !v.IsKnown() || v.IsNull() {
			return true
		}
		v, _ = v.Unmark()
		ty := v.Type()
		switch {
		case ty == cty.String:
			bytes += int64(len(v.AsString()))
		case ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				nodes++
				if nodes > b.limits.nodes || bytes > b.limits.bytes || !walk(e) {
					return false
				}
			}
		}
		return true
	}
	walk(v)
	return b.nodes(nodes, rng) && b.strBytes(bytes, rng)
}
