package vtl

import (
	"bytes"
	"errors"
	"io"
	"math"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Input is what a mapping template sees of one request (or integration
// response). Nil maps are treated as empty.
type Input struct {
	// Body is $input.body; $input.json and $input.path parse it as JSON.
	// An empty body reads as the empty object {}.
	Body []byte
	// PathParams, QueryParams and Headers are $input.params().path,
	// .querystring and .header. $input.params(name) searches them in that
	// order; header names also match case-insensitively.
	PathParams, QueryParams, Headers map[string]string
	// StageVariables is $stageVariables.
	StageVariables map[string]string
	// Context is $context: requestId, stage, httpMethod, resourcePath, path,
	// identity (a map: sourceIp, userAgent, ...), requestTime,
	// requestTimeEpoch, apiId, accountId, protocol, domainName, ... Values
	// may be strings, numbers, booleans, and nested map[string]any or
	// map[string]string. A missing member renders as "" as on API Gateway.
	Context map[string]any
}

// Errors that Execute's *Error wraps, for errors.Is.
var (
	// ErrUnsupported: execution reached a construct Unsupported lists, or a
	// method this package does not implement.
	ErrUnsupported = errors.New("unsupported mapping template construct")
	// ErrInvalidJSON: the template needed the body (or a parseJson
	// argument) as JSON and it is not valid JSON.
	ErrInvalidJSON = errors.New("invalid JSON")
	// ErrLimit: a documented execution limit (output size, loop
	// iterations, range size) was exceeded.
	ErrLimit = errors.New("mapping template limit exceeded")
)

// Error is a parse or execution error at a position within the template.
type Error struct {
	Line, Col int    // 1-based, within the template text
	Msg       string // what is wrong
	Fix       string // how to fix it; may be empty
	Err       error  // ErrUnsupported, ErrInvalidJSON, ErrLimit, or nil
}

func (e *Error) Error() string {
	s := strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
	if e.Fix != "" {
		s += "; " + e.Fix
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Execute renders the template for one input. On error the output written
// so far is incomplete and must be discarded; the error is an *Error (or
// the writer's error).
func (t *Template) Execute(w io.Writer, in *Input) error {
	_, err := t.run(w, in, false)
	return err
}

// Overrides are the values a template assigned under
// $context.requestOverride and $context.responseOverride, for example
// #set($context.responseOverride.status = 404) or
// #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin).
// API Gateway applies request overrides after an integration request
// template and response overrides after an integration response template.
type Overrides struct {
	// Status is responseOverride.status; 0 when the template did not set it.
	Status int
	// ResponseHeaders is responseOverride.header; nil when empty.
	ResponseHeaders map[string]string
	// RequestHeaders, RequestPath and RequestQuery are
	// requestOverride.header, .path and .querystring; nil when empty.
	RequestHeaders, RequestPath, RequestQuery map[string]string
}

// ExecuteOverrides is Execute that also returns the overrides the template
// set. A responseOverride.status that is not an HTTP status code (100-599)
// is an error.
func (t *Template) ExecuteOverrides(w io.Writer, in *Input) (Overrides, error) {
	return t.run(w, in, true)
}

func (t *Template) run(w io.Writer, in *Input, wantOverrides bool) (Overrides, error) {
	if t.static != nil {
		if len(t.static) == 0 {
			return Overrides{}, nil
		}
		_, err := w.Write(t.static)
		return Overrides{}, err
	}
	if in == nil {
		in = &Input{}
	}
	st, _ := t.states.Get().(*state)
	if st == nil {
		st = &state{t: t}
	}
	st.w, st.in = w, in
	defer st.release()
	err := execNodes(st, t.nodes)
	if err == errStop || err == errBreak {
		err = nil
	}
	if err != nil || !wantOverrides || st.ctx == nil {
		return Overrides{}, err
	}
	return st.overrides()
}

// release resets st and returns it to its template's pool. Nothing of the
// request survives: only the emptied scratch buffer, variables map and
// argument slice are kept, and only while small.
func (st *state) release() {
	t := st.t
	scratch := st.scratch[:0]
	if cap(scratch) > 64<<10 {
		scratch = nil
	}
	vars := st.vars
	if len(vars) > 64 {
		vars = nil
	}
	clear(vars)
	argv := st.argv[:0] // cleared after every call
	if cap(argv) > 16 {
		argv = nil
	}
	*st = state{t: t, scratch: scratch, vars: vars, argv: argv}
	t.states.Put(st)
}

func (st *state) overrides() (Overrides, error) {
	var o Overrides
	sub := func(parent, name string) map[string]string {
		p, _ := st.ctx.get(parent)
		pm, _ := p.(*Map)
		if pm == nil {
			return nil
		}
		v, _ := pm.get(name)
		m, _ := v.(*Map)
		if m == nil || len(m.keys) == 0 {
			return nil
		}
		out := make(map[string]string, len(m.keys))
		for _, k := range m.keys {
			if v, _ := m.get(k); v != nil {
				out[k] = toString(v)
			}
		}
		return out
	}
	o.ResponseHeaders = sub("responseOverride", "header")
	o.RequestHeaders = sub("requestOverride", "header")
	o.RequestPath = sub("requestOverride", "path")
	o.RequestQuery = sub("requestOverride", "querystring")
	if ro, ok := st.ctx.get("responseOverride"); ok {
		if rm, ok := ro.(*Map); ok {
			if sv, ok := rm.get("status"); ok && sv != nil {
				code, err := strconv.Atoi(strings.TrimSpace(toString(sv)))
				if f, isF := sv.(float64); isF && f == float64(int(f)) {
					code, err = int(f), nil
				}
				if err != nil || code < 100 || code > 599 {
					return Overrides{}, &Error{Line: 1, Col: 1, Msg: "$context.responseOverride.status is " + strconv.Quote(toString(sv)) + ", not an HTTP status code", Fix: "set it to a number from 100 to 599"}
				}
				o.Status = code
			}
		}
	}
	return o, nil
}

// Internal control flow.
var (
	errStop  = errors.New("#stop")
	errBreak = errors.New("#break")
)

type state struct {
	t          *Template
	w          io.Writer
	in         *Input
	vars       map[string]any
	written    int
	iterations int
	work       int
	depth      int // #define blocks being rendered
	regexps    map[string]*regexp.Regexp
	paths      map[string]*jsonPath // JSONPaths built at run time, cached
	scratch    []byte
	argv       []any // the arguments of the method being called (see call)
	loop       *foreachInfo

	bodyVal  any
	bodyErr  error
	bodyDone bool
	bodyStr  *string
	ctx      *Map
	stage    *Map
	params   *Map
}

func (st *state) errAt(pos int, msg, fix string, cause error) *Error {
	line, col := lineCol(st.t.src, pos)
	return &Error{Line: line, Col: col, Msg: msg, Fix: fix, Err: cause}
}

// charge counts n units of work against the work limit.
func (st *state) charge(pos, n int) error {
	st.work += n
	if st.work > st.t.lim.work {
		return st.errAt(pos, "the template does too much work (loop bodies, macro calls, string building, collection scans, JSONPath visits)", "process less data per request", ErrLimit)
	}
	return nil
}

// compileCost is the work units charged per instruction of a regular
// expression compiled at run time (measured: 1.0 to 1.7 µs per
// instruction for programs of 900 to 3,500 instructions, and a work unit
// is about 20 ns).
const compileCost = 100

// progSize estimates the instructions re compiles to: counted repetitions
// multiply their operand, as Simplify expands them. It saturates rather
// than overflow.
func progSize(re *syntax.Regexp, depth int) int {
	// most is past what the work budget admits (maxWork/compileCost
	// instructions), so a saturated size is always refused, and small
	// enough that a counted repetition of it (at most 1,000) or a sum
	// of two fits a 32-bit int.
	const most = 1 << 20
	if depth > maxDepth {
		return most
	}
	n := 1
	switch re.Op {
	case syntax.OpLiteral:
		n = len(re.Rune)
	case syntax.OpRepeat:
		times := re.Max
		if times < 0 {
			times = re.Min + 1
		}
		if len(re.Sub) > 0 {
			n = 1 + max(times, 1)*progSize(re.Sub[0], depth+1)
		}
	default:
		for _, sub := range re.Sub {
			n = min(n+progSize(sub, depth+1), most)
		}
	}
	return min(n, most)
}

// regexp compiles a pattern that is not a literal, with a small per-Execute
// cache.
func (st *state) regexp(pos int, pat string) (*regexp.Regexp, error) {
	if re, ok := st.regexps[pat]; ok {
		return re, nil
	}
	if err := st.charge(pos, len(pat)); err != nil {
		return nil, err
	}
	// Compiling costs about compileCost work units per instruction of the
	// program, and counted repetition (a{1000}) multiplies the
	// instructions: charge the expanded size before compiling.
	parsed, err := syntax.Parse(pat, syntax.Perl)
	if err == nil {
		err = st.charge(pos, compileCost*progSize(parsed, 0))
	}
	if err != nil && errors.Is(err, ErrLimit) {
		return nil, err
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, st.errAt(pos, "regular expression "+strconv.Quote(clip(pat))+" is not supported: "+err.Error(), "Go's RE2 syntax has no lookaround or backreferences", ErrUnsupported)
	}
	if st.regexps == nil {
		st.regexps = make(map[string]*regexp.Regexp)
	}
	if len(st.regexps) < maxRegexps {
		st.regexps[pat] = re
	}
	return re, nil
}

// str is String.valueOf(v) for execution: collections render within the
// depth and output bounds, and their rendering is charged as work.
func (st *state) str(pos int, v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := st.appendText(pos, nil, v)
	return string(b), err
}

// appendText appends String.valueOf(v) to b within the bounds (see str).
func (st *state) appendText(pos int, b []byte, v any) ([]byte, error) {
	start := len(b)
	b, err := appendText(b, v, start+st.t.lim.output, 0)
	if err != nil {
		return b[:start], st.boundErr(pos, err)
	}
	switch v.(type) {
	case *List, *Map, *mapEntry:
		err = st.charge(pos, len(b)-start)
	}
	return b, err
}

// equal is == and equals() for execution (see equaler), charged as work.
func (st *state) equal(pos int, a, b any) (bool, error) {
	left := st.t.lim.work - st.work
	e := equaler{budget: left, limit: st.t.lim.output}
	eq, err := e.equal(a, b, 0)
	if err != nil {
		return false, st.boundErr(pos, err)
	}
	return eq, st.charge(pos, left-e.budget)
}

// boundErr turns a bound a value operation hit into an *Error that names it.
func (st *state) boundErr(pos int, err error) error {
	switch err {
	case errTooDeep:
		return st.errAt(pos, "a value nests collections more than "+strconv.Itoa(maxDepth)+" levels deep (a collection that contains itself through another?)", "do not put a collection into one of its own elements", ErrLimit)
	case errTooLong:
		return st.errAt(pos, "a value whose text is longer than "+sizeText(st.t.lim.output), "build smaller values", ErrLimit)
	case errTooMuchWork:
		return st.charge(pos, st.t.lim.work+1)
	}
	return err
}

func (st *state) write(b []byte) error {
	st.written += len(b)
	if st.written > st.t.lim.output {
		return &Error{Line: 1, Col: 1, Msg: "output exceeds " + sizeText(st.t.lim.output), Fix: "API Gateway's payload limit; produce less output", Err: ErrLimit}
	}
	_, err := st.w.Write(b)
	return err
}

func (st *state) writeString(s string) error {
	st.scratch = append(st.scratch[:0], s...)
	return st.write(st.scratch)
}

func (st *state) writeValue(pos int, v any) error {
	if s, ok := v.(string); ok {
		return st.writeString(s)
	}
	var err error
	if st.scratch, err = st.appendText(pos, st.scratch[:0], v); err != nil {
		return err
	}
	return st.write(st.scratch)
}

func execNodes(st *state, nodes []node) error {
	for _, n := range nodes {
		if err := n.exec(st); err != nil {
			return err
		}
	}
	return nil
}

// Nodes.

type node interface{ exec(st *state) error }

type textNode struct{ b []byte }

func (n *textNode) exec(st *state) error { return st.write(n.b) }

type refNode struct {
	ref *refExpr
	// directJSON: the reference is $input.json(...) alone, so its JSON is
	// written straight from the scratch buffer without building a string.
	directJSON bool
}

func (n *refNode) exec(st *state) error {
	if n.directJSON {
		s := &n.ref.segs[0]
		var buf [1]any
		args := buf[:0]
		for _, a := range s.args {
			x, err := a.eval(st)
			if err != nil {
				return err
			}
			args = append(args, x)
		}
		b, err := st.inputJSON(st.scratch[:0], s, args)
		st.scratch = b
		if err != nil {
			return err
		}
		return st.write(b)
	}
	v, err := n.ref.eval(st)
	if err != nil {
		return err
	}
	if v == nil {
		if n.ref.quiet || n.ref.root.rendersEmpty() {
			// API Gateway renders missing $input/$context/$stageVariables
			// values as empty; Velocity renders other null references as
			// written.
			return nil
		}
		return st.writeString(n.ref.raw)
	}
	if b, ok := v.(*blockValue); ok {
		return st.renderBlock(b)
	}
	return st.writeValue(n.ref.pos, v)
}

// escapedRefNode is \$ref: Velocity renders "$ref" literally when the
// reference has a value, and the backslashes too when it has none.
type escapedRefNode struct {
	ref         *refExpr
	backslashes int
}

func (n *escapedRefNode) exec(st *state) error {
	v, err := n.ref.eval(st)
	if err != nil {
		return err
	}
	st.scratch = st.scratch[:0]
	if v == nil && !n.ref.root.rendersEmpty() {
		for range n.backslashes {
			st.scratch = append(st.scratch, '\\')
		}
		st.scratch = append(st.scratch, n.ref.raw...)
		return st.write(st.scratch)
	}
	for range n.backslashes / 2 {
		st.scratch = append(st.scratch, '\\')
	}
	if n.backslashes%2 == 1 {
		st.scratch = append(st.scratch, n.ref.raw...)
	} else if v != nil {
		if st.scratch, err = st.appendText(n.ref.pos, st.scratch, v); err != nil {
			return err
		}
	}
	return st.write(st.scratch)
}

type setNode struct {
	target *refExpr
	val    expr
	pos    int
}

func (n *setNode) exec(st *state) error {
	v, err := n.val.eval(st)
	if err != nil {
		return err
	}
	if v == nil {
		// Velocity 1.7: a null right-hand side leaves the target unchanged
		// (the idiom #set($d = $map.put(k, v)) relies on it).
		return nil
	}
	r := n.target
	if len(r.segs) == 0 {
		if st.vars == nil {
			st.vars = make(map[string]any)
		}
		st.vars[r.name] = v
		return nil
	}
	holder, err := r.evalPrefix(st, len(r.segs)-1)
	if err != nil {
		return err
	}
	last := &r.segs[len(r.segs)-1]
	switch h := holder.(type) {
	case *Map:
		if last.kind == segIndex {
			k, err := last.index.eval(st)
			if err != nil {
				return err
			}
			ks, err := st.str(last.pos, k)
			if err != nil {
				return err
			}
			h.put(ks, v)
			return nil
		}
		h.put(last.name, v)
		return nil
	case *List:
		if last.kind == segIndex {
			k, err := last.index.eval(st)
			if err != nil {
				return err
			}
			i, ok := k.(int64)
			if !ok || i < 0 || i >= int64(len(h.items)) {
				return st.errAt(last.pos, "index "+toString(k)+" is out of range for a list of "+strconv.Itoa(len(h.items)), "check the index", nil)
			}
			h.items[i] = v
			return nil
		}
	case nil:
		// Velocity logs and skips a #set on a null holder.
		return nil
	}
	return st.errAt(n.pos, "#set cannot assign to a property of a "+typeName(holder), "assign to a variable or a map entry", ErrUnsupported)
}

// defineNode is #define($name): $name becomes the block, rendered with the
// variables current wherever $name is used.
type defineNode struct {
	name string
	body []node
}

func (n *defineNode) exec(st *state) error {
	if st.vars == nil {
		st.vars = make(map[string]any)
	}
	st.vars[n.name] = &blockValue{nodes: n.body}
	return nil
}

// macroDef is a #macro definition.
type macroDef struct {
	name   string
	params []string
	body   []node
}

// macroCallNode is #name(args) for a macro the template defines (def is
// set after parsing; literal when no definition was found).
type macroCallNode struct {
	name    string
	args    []expr
	pos     int
	raw     string
	def     *macroDef
	literal []byte
}

// exec binds the parameters to the arguments' values (Velocity passes them
// by name; the difference shows only when an argument has side effects),
// renders the body, and restores the variables the parameters shadowed.
func (n *macroCallNode) exec(st *state) error {
	if n.def == nil {
		return st.write(n.literal)
	}
	st.depth++
	defer func() { st.depth-- }()
	if st.depth > maxMacroDepth {
		return st.errAt(n.pos, "#"+n.name+" calls nest more than 20 deep", "make sure the macro's recursion ends", ErrLimit)
	}
	if err := st.charge(n.pos, 64+len(n.def.body)); err != nil {
		return err
	}
	vals := make([]any, len(n.def.params))
	for i := range vals {
		if i < len(n.args) {
			v, err := n.args[i].eval(st)
			if err != nil {
				return err
			}
			vals[i] = v
		}
	}
	if st.vars == nil {
		st.vars = make(map[string]any)
	}
	type saved struct {
		v   any
		had bool
	}
	prev := make([]saved, len(vals))
	for i, p := range n.def.params {
		prev[i].v, prev[i].had = st.vars[p]
		if vals[i] == nil {
			delete(st.vars, p)
		} else {
			st.vars[p] = vals[i]
		}
	}
	err := execNodes(st, n.def.body)
	for i, p := range n.def.params {
		if prev[i].had {
			st.vars[p] = prev[i].v
		} else {
			delete(st.vars, p)
		}
	}
	return err
}

// blockValue is a #define'd block.
type blockValue struct{ nodes []node }

// renderBlock writes b's output at the current position.
func (st *state) renderBlock(b *blockValue) error {
	st.depth++
	defer func() { st.depth-- }()
	if st.depth > maxDepth {
		return &Error{Line: 1, Col: 1, Msg: "#define blocks nested more than 200 deep", Fix: "a block must not render itself", Err: ErrLimit}
	}
	if err := st.charge(0, 64+len(b.nodes)); err != nil {
		return err
	}
	return execNodes(st, b.nodes)
}

// materialize turns a #define'd block into the string it renders; other
// values are returned as they are.
func (st *state) materialize(v any) (any, error) {
	b, ok := v.(*blockValue)
	if !ok {
		return v, nil
	}
	var buf bytes.Buffer
	saved := st.w
	st.w = &buf
	err := st.renderBlock(b)
	st.w = saved
	if err != nil {
		return nil, err
	}
	if err := st.charge(0, buf.Len()); err != nil {
		return nil, err
	}
	return buf.String(), nil
}

type ifNode struct {
	conds     []expr
	blocks    [][]node
	elseBlock []node
}

func (n *ifNode) exec(st *state) error {
	for i, c := range n.conds {
		v, err := c.eval(st)
		if err != nil {
			return err
		}
		if truthy(v) {
			return execNodes(st, n.blocks[i])
		}
	}
	return execNodes(st, n.elseBlock)
}

// foreachInfo is $foreach inside a #foreach body.
type foreachInfo struct {
	index   int64
	hasNext bool
	parent  *foreachInfo
}

type foreachNode struct {
	varName string
	iter    expr
	body    []node
	pos     int
}

func (n *foreachNode) exec(st *state) error {
	v, err := n.iter.eval(st)
	if err != nil {
		return err
	}
	var items []any
	switch x := v.(type) {
	case *List:
		items = x.items[:len(x.items):len(x.items)] // later adds do not extend the loop
	case *Map:
		if err := st.charge(n.pos, len(x.keys)); err != nil {
			return err
		}
		items = make([]any, len(x.keys))
		copy(items, x.vals)
	default:
		// Velocity skips a #foreach over null or a non-collection.
		return nil
	}
	if len(items) == 0 {
		return nil
	}
	if st.vars == nil {
		st.vars = make(map[string]any)
	}
	saved, had := st.vars[n.varName]
	info := &foreachInfo{parent: st.loop}
	st.loop = info
	defer func() {
		st.loop = info.parent
		if had {
			st.vars[n.varName] = saved
		} else {
			delete(st.vars, n.varName)
		}
	}()
	for i, it := range items {
		st.iterations++
		if st.iterations > st.t.lim.iterations {
			return st.errAt(n.pos, "more than "+strconv.Itoa(st.t.lim.iterations)+" #foreach iterations", "loop over less data", ErrLimit)
		}
		if err := st.charge(n.pos, 1+len(n.body)); err != nil {
			return err
		}
		info.index = int64(i)
		info.hasNext = i < len(items)-1
		if it == nil {
			delete(st.vars, n.varName)
		} else {
			st.vars[n.varName] = it
		}
		err := execNodes(st, n.body)
		if err == errBreak {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

type breakNode struct{ pos int }

func (n *breakNode) exec(*state) error { return errBreak }

type stopNode struct{}

func (stopNode) exec(*state) error { return errStop }

type unsupportedNode struct {
	what string
	pos  int
}

func (n *unsupportedNode) exec(st *state) error {
	return st.errAt(n.pos, n.what+" is not supported by cfnrun", "see docs/vtl.md for what is supported", ErrUnsupported)
}

// Expressions.

type expr interface {
	eval(st *state) (any, error)
}

type literal struct{ v any }

func (l *literal) eval(*state) (any, error) { return l.v, nil }

type interpExpr struct{ nodes []node }

func (e *interpExpr) eval(st *state) (any, error) {
	var buf bytes.Buffer
	saved := st.w
	st.w = &buf
	err := execNodes(st, e.nodes)
	st.w = saved
	if err != nil {
		return nil, err
	}
	if err := st.charge(0, buf.Len()); err != nil {
		return nil, err
	}
	return buf.String(), nil
}

type listExpr struct{ items []expr }

func (e *listExpr) eval(st *state) (any, error) {
	l := &List{items: make([]any, 0, len(e.items))}
	for _, it := range e.items {
		v, err := it.eval(st)
		if err != nil {
			return nil, err
		}
		l.items = append(l.items, v)
	}
	return l, nil
}

type mapExpr struct {
	keys, vals []expr
	pos        int
}

func (e *mapExpr) eval(st *state) (any, error) {
	m := newMap(len(e.keys))
	for i := range e.keys {
		k, err := e.keys[i].eval(st)
		if err != nil {
			return nil, err
		}
		v, err := e.vals[i].eval(st)
		if err != nil {
			return nil, err
		}
		ks, err := st.str(e.pos, k)
		if err != nil {
			return nil, err
		}
		m.put(ks, v)
	}
	return m, nil
}

type rangeExpr struct {
	from, to expr
	pos      int
}

func (e *rangeExpr) eval(st *state) (any, error) {
	a, err := e.from.eval(st)
	if err != nil {
		return nil, err
	}
	b, err := e.to.eval(st)
	if err != nil {
		return nil, err
	}
	x, ok1 := rangeBound(a)
	y, ok2 := rangeBound(b)
	if !ok1 || !ok2 {
		return nil, nil // Velocity logs and yields null
	}
	n := y - x
	if n < 0 {
		n = -n
	}
	if n >= int64(st.t.lim.iterations) {
		return nil, st.errAt(e.pos, "range ["+strconv.FormatInt(x, 10)+".."+strconv.FormatInt(y, 10)+"] has more than "+strconv.Itoa(st.t.lim.iterations)+" elements", "use a smaller range", ErrLimit)
	}
	if err := st.charge(e.pos, 8*(int(n)+1)); err != nil {
		return nil, err
	}
	l := &List{items: make([]any, 0, n+1)}
	step := int64(1)
	if y < x {
		step = -1
	}
	for i := x; ; i += step {
		l.items = append(l.items, i)
		if i == y {
			break
		}
	}
	return l, nil
}

func rangeBound(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		return int64(x), true
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

type notExpr struct{ e expr }

func (e *notExpr) eval(st *state) (any, error) {
	v, err := e.e.eval(st)
	if err != nil {
		return nil, err
	}
	return !truthy(v), nil
}

type binOp uint8

const (
	opOr binOp = iota
	opAnd
	opEq
	opNe
	opLt
	opGt
	opLe
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
)

type binaryExpr struct {
	op   binOp
	l, r expr
	pos  int
}

func (e *binaryExpr) eval(st *state) (any, error) {
	a, err := e.l.eval(st)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case opOr:
		if truthy(a) {
			return true, nil
		}
		b, err := e.r.eval(st)
		return truthy(b), err
	case opAnd:
		if !truthy(a) {
			return false, nil
		}
		b, err := e.r.eval(st)
		return truthy(b), err
	}
	b, err := e.r.eval(st)
	if err == nil {
		if a, err = st.materialize(a); err == nil {
			b, err = st.materialize(b)
		}
	}
	if err != nil {
		return nil, err
	}
	switch e.op {
	case opEq, opNe:
		if err := st.charge(e.pos, size(a)+size(b)); err != nil {
			return nil, err
		}
		eq, err := st.equal(e.pos, a, b)
		return eq == (e.op == opEq), err
	case opLt, opGt, opLe, opGe:
		x, ok1 := toNumber(a)
		y, ok2 := toNumber(b)
		if !ok1 || !ok2 {
			return false, nil // Velocity 1.7 compares numbers only
		}
		c := x.cmp(y)
		switch e.op {
		case opLt:
			return c < 0, nil
		case opGt:
			return c > 0, nil
		case opLe:
			return c <= 0, nil
		default:
			return c >= 0, nil
		}
	}
	if e.op == opAdd {
		_, sa := a.(string)
		_, sb := b.(string)
		if sa || sb {
			// Velocity 1.7 concatenates, a null side reading as its
			// source text ("a" + $missing is "a$missing").
			if a == nil {
				a = literalText(e.l)
			} else if b == nil {
				b = literalText(e.r)
			}
			if err := st.charge(e.pos, size(a)+size(b)); err != nil {
				return nil, err
			}
			sa, err := st.str(e.pos, a)
			if err != nil {
				return nil, err
			}
			sb, err := st.str(e.pos, b)
			if err != nil {
				return nil, err
			}
			if len(sa)+len(sb) > st.t.lim.output {
				return nil, st.errAt(e.pos, "string longer than "+sizeText(st.t.lim.output), "build smaller strings", ErrLimit)
			}
			return sa + sb, nil
		}
	}
	x, ok1 := toNumber(a)
	y, ok2 := toNumber(b)
	if !ok1 || !ok2 {
		return nil, nil // Velocity logs and yields null (for null too)
	}
	return arith(e.op, x, y), nil
}

// literalText is the source text Velocity substitutes for a null operand.
func literalText(e expr) string {
	if r, ok := e.(*refExpr); ok {
		return r.raw
	}
	return "null"
}

func arith(op binOp, x, y number) any {
	if !x.isFlt && !y.isFlt {
		a, b := x.i, y.i
		switch op {
		case opAdd:
			if s := a + b; (s > a) == (b > 0) {
				return s
			}
		case opSub:
			if s := a - b; (s < a) == (b > 0) {
				return s
			}
		case opMul:
			if a == 0 || b == 0 {
				return int64(0)
			}
			if s := a * b; s/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64) {
				return s
			}
		case opDiv:
			if b == 0 {
				return nil
			}
			if !(a == math.MinInt64 && b == -1) {
				return a / b
			}
		case opMod:
			if b == 0 {
				return nil
			}
			if b == -1 {
				return int64(0)
			}
			return a % b
		}
		// Overflow: fall back to doubles.
	}
	a, b := x.float(), y.float()
	switch op {
	case opAdd:
		return a + b
	case opSub:
		return a - b
	case opMul:
		return a * b
	case opDiv:
		if b == 0 {
			return nil
		}
		return a / b
	default:
		if b == 0 {
			return nil
		}
		return math.Mod(a, b)
	}
}

// References.

type rootKind uint8

const (
	rootVar rootKind = iota
	rootInput
	rootUtil
	rootContext
	rootStage
	rootForeach
	rootVelocityCount
	rootVelocityHasNext
)

// rendersEmpty reports whether a null reference from this root renders as
// "" (API Gateway's variables) rather than as written (Velocity).
func (r rootKind) rendersEmpty() bool {
	return r == rootInput || r == rootUtil || r == rootContext || r == rootStage
}

type segKind uint8

const (
	segProp segKind = iota
	segMethod
	segIndex
)

type segment struct {
	kind        segKind
	name        string
	args        []expr
	index       expr
	pos         int
	unsupported bool
	path        *jsonPath      // precompiled $input.json/path argument
	re          *regexp.Regexp // precompiled regex argument
	// methods are the registry's entries for a method's name, one per
	// receiver kind (nil for a kind without it); set by Parse.
	methods *[nKinds]*method
}

type refExpr struct {
	pos   int
	root  rootKind
	name  string
	segs  []segment
	quiet bool
	raw   string
}

func (r *refExpr) eval(st *state) (any, error) {
	n := len(r.segs)
	// Reading $context.a.b or $stageVariables.a before the template has
	// used the whole map: look the value up in the caller's Go maps
	// instead of converting them.
	if n > 0 && r.segs[0].kind == segProp && !r.segs[0].unsupported {
		switch {
		case r.root == rootContext && st.ctx == nil && r.segs[0].name != "requestOverride" && r.segs[0].name != "responseOverride":
			var cur any = st.in.Context
			i := 0
			for ; i < n && r.segs[i].kind == segProp; i++ {
				switch m := cur.(type) {
				case map[string]any:
					cur = m[r.segs[i].name]
				case map[string]string:
					s, ok := m[r.segs[i].name]
					if !ok {
						return nil, nil
					}
					cur = s
				default:
					goto slow
				}
			}
			if i == n && cur != nil {
				return fromGo(cur, 1), nil
			}
		case r.root == rootStage && st.stage == nil && n == 1:
			if s, ok := st.in.StageVariables[r.segs[0].name]; ok {
				return s, nil
			}
			return nil, nil
		}
	}
slow:
	return r.evalPrefix(st, n)
}

// evalPrefix evaluates the root and the first n segments.
func (r *refExpr) evalPrefix(st *state, n int) (any, error) {
	var v any
	switch r.root {
	case rootVar:
		v = st.vars[r.name]
	case rootInput:
		v = inputObj{}
	case rootUtil:
		v = utilObj{}
	case rootContext:
		v = st.context()
	case rootStage:
		v = st.stageVars()
	case rootForeach:
		if st.loop != nil {
			v = st.loop
		}
	case rootVelocityCount:
		if st.loop != nil {
			v = st.loop.index + 1
		}
	case rootVelocityHasNext:
		if st.loop != nil {
			v = st.loop.hasNext
		}
	}
	for i := range n {
		if v == nil {
			return nil, nil
		}
		if _, ok := v.(*blockValue); ok {
			var err error
			if v, err = st.materialize(v); err != nil {
				return nil, err
			}
		}
		s := &r.segs[i]
		if s.unsupported {
			what, pos := "."+s.name+"()", s.pos
			if i == 0 && r.root != rootVar {
				what, pos = "$"+r.name+"."+s.name, r.pos
			}
			return nil, st.errAt(pos, what+" is not supported by cfnrun", "see docs/vtl.md for what is supported", ErrUnsupported)
		}
		var err error
		switch s.kind {
		case segProp:
			v, err = st.property(v, s)
		case segIndex:
			var k any
			if k, err = s.index.eval(st); err == nil {
				v, err = st.index(v, k, s)
			}
		case segMethod:
			var buf [4]any
			args := buf[:0]
			for _, a := range s.args {
				x, err := a.eval(st)
				if err == nil {
					x, err = st.materialize(x)
				}
				if err != nil {
					return nil, err
				}
				args = append(args, x)
			}
			v, err = st.call(v, s, args)
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

// context is $context: Input.Context converted, plus the writable
// requestOverride and responseOverride maps.
func (st *state) context() *Map {
	if st.ctx == nil {
		m, ok := fromGo(st.in.Context, 0).(*Map)
		if !ok {
			m = newMap(2)
		}
		// API Gateway's $context.identity and $context.authorizer are maps
		// even when empty (templates iterate them).
		for _, k := range []string{"identity", "authorizer"} {
			if _, ok := m.get(k); !ok {
				m.put(k, newMap(0))
			}
		}
		if _, ok := m.get("requestOverride"); !ok {
			ro := newMap(3)
			ro.put("header", newMap(0))
			ro.put("path", newMap(0))
			ro.put("querystring", newMap(0))
			m.put("requestOverride", ro)
		}
		if _, ok := m.get("responseOverride"); !ok {
			ro := newMap(1)
			ro.put("header", newMap(0))
			m.put("responseOverride", ro)
		}
		st.ctx = m
	}
	return st.ctx
}

func (st *state) stageVars() *Map {
	if st.stage == nil {
		st.stage = mapFromStrings(st.in.StageVariables)
	}
	return st.stage
}

func (st *state) allParams() *Map {
	if st.params == nil {
		m := newMap(3)
		m.put("path", mapFromStrings(st.in.PathParams))
		m.put("querystring", mapFromStrings(st.in.QueryParams))
		h := mapFromStrings(st.in.Headers)
		h.fold = true
		m.put("header", h)
		st.params = m
	}
	return st.params
}

func (st *state) index(v, k any, s *segment) (any, error) {
	switch x := v.(type) {
	case *List:
		i, ok := k.(int64)
		if !ok {
			return nil, st.errAt(s.pos, "list index must be an integer, not "+typeName(k), "write $list[0]", nil)
		}
		if i < 0 || i >= int64(len(x.items)) {
			return nil, st.errAt(s.pos, "index "+strconv.FormatInt(i, 10)+" is out of range for a list of "+strconv.Itoa(len(x.items)), "check the size with .size() first", nil)
		}
		return x.items[i], nil
	case *Map:
		if k == nil {
			return nil, nil
		}
		r, _ := x.get(toString(k))
		return r, nil
	}
	return nil, st.errAt(s.pos, "cannot index a "+typeName(v)+" with [...]", "index lists and maps only", nil)
}
