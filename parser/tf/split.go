package tf

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Instances on two goroutines. The instances of one resource are
// independent of one another once what their body refers to is evaluated:
// each reads the same variables, locals and other resources, its own
// each or count, and writes only itself. evalResource evaluates the first
// instance as before (which evaluates everything the body refers to and
// fills the caches: the body's references, its evaluation context, the
// argument order and ranges), then, when splittable says the rest can only
// read shared state, evaluates the first half of the rest on its own
// goroutine and the second half on another, each with a copy of the
// loader whose writes to shared state are logged (splitLog) instead of
// made: findings, and the paths of aws_api_gateway_resource ids. The logs
// are replayed in instance order afterwards, so findings, their dedup and
// their order are a serial evaluation's. The budget is charged by both
// under a lock; if either passes a limit, or a worker panics, the batch is
// dropped and evaluated again serially from the counters it started with,
// so a refusal (and everything after it) is the one a serial evaluation
// reports.

// splitMin is the fewest instances, after the first, that are evaluated
// on two goroutines: below it the goroutine and the copies cost more than
// half the work saves. Tests set it to 1.
var splitMin = 48

// splitBatches and splitDropped count the batches evaluated split and
// those dropped and evaluated again serially (for the tests).
var splitBatches, splitDropped atomic.Int64

// splitLog is what a worker of a split batch would have written to the
// loader's shared state.
type splitLog struct {
	// once holds the indexes, in the worker's diags, of the findings
	// recorded through diagOnce (the others were appended as they are).
	once []int
	// paths are the pathByID writes, in order.
	paths [][2]string
}

// setPath records the path of an API Gateway resource id.
func (l *loader) setPath(id, path string) {
	if l.split != nil {
		l.split.paths = append(l.split.paths, [2]string{id, path})
		return
	}
	l.pathByID[id] = path
}

// splittable reports whether the instances of r after the first (n in
// all) may be evaluated on two goroutines: a modelled managed resource
// with enough instances, whose body (without dynamic blocks) refers only
// to each or count and to variables, locals, resources and data sources
// already evaluated, and calls no function that reads files (their cache
// is shared) or belongs to another provider. Anything else is evaluated
// serially, as it was.
func (mi *modInst) splittable(r *resource, mode expandMode, n int) bool {
	l := mi.l
	if n-1 < splitMin || (splitMin > 1 && runtime.GOMAXPROCS(0) < 2) {
		return false
	}
	if mode != expandForEach && mode != expandCount || mi.template || r.data || l.split != nil {
		return false
	}
	if s, modelled := schemas.Get()[r.typ]; !modelled || s.placeholder {
		return false
	}
	sb, ok := r.body.(*hclsyntax.Body)
	if !ok || r.ranges == nil || hasDynamic(sb) || mi.bodyCtx[r] == nil {
		return false
	}
	if l.budget.spent || l.ctx.Err() != nil {
		return false
	}
	for _, tr := range mi.bodyTraversals(r) {
		if !mi.evaluated(tr) {
			return false
		}
	}
	safe := true
	hclsyntax.VisitAll(sb, func(node hclsyntax.Node) hcl.Diagnostics {
		if fc, ok := node.(*hclsyntax.FunctionCallExpr); ok && !splitSafeFunc(fc.Name) {
			safe = false
		}
		return nil
	})
	if !safe {
		return false
	}
	if l.bareCtx == nil {
		l.bareCtx = &hcl.EvalContext{Functions: l.funcs}
	}
	return true
}

// evaluated reports whether what tr refers to is there to be read: each,
// count, path, terraform and self, or a declared variable, local, resource
// or data source already evaluated.
func (mi *modInst) evaluated(tr hcl.Traversal) bool {
	root := tr.RootName()
	switch root {
	case "each", "count", "path", "terraform", "self":
		return true
	case "module":
		return false
	}
	name, ok := attrStep(tr, 1)
	if !ok {
		return false
	}
	key := root + "." + name
	switch root {
	case "var":
		_, declared := mi.m.varByName[name]
		return declared && mi.state[key] == stateDone
	case "local":
		_, declared := mi.m.locals[name]
		return declared && mi.state[key] == stateDone
	case "data":
		n, ok := attrStep(tr, 2)
		if !ok {
			return false
		}
		key += "." + n
	}
	_, declared := mi.m.resources[key]
	return declared && mi.state[key] == stateDone
}

// splitSafeFunc reports whether a function may be called from two
// goroutines at once: not the file functions (they share a cache of the
// files read) nor another provider's.
func splitSafeFunc(name string) bool {
	return !strings.HasPrefix(name, "file") && name != "templatefile" && name != "templatestring" && !strings.Contains(name, "::")
}

// splitWorker evaluates a run of instances with its own copy of the
// loader and of the module instance.
type splitWorker struct {
	l        loader
	mi       modInst
	log      splitLog
	ins      []*instance
	panicked bool
}

// newSplitWorker returns a worker for instances of r. Its loader has a
// copy of the objectBuilder of r's exported objects (read only: the type
// of the first instance's object): the workers' instances then have that
// very type, as a serial evaluation's do, and what compares them (each.value
// of a for_each over them, jsonencode's table of names) finds it at once.
func (mi *modInst) newSplitWorker(r *resource) *splitWorker {
	w := &splitWorker{l: *mi.l, mi: *mi}
	w.l.diags, w.l.insts, w.l.params, w.l.outputs, w.l.read, w.l.pending = nil, nil, nil, nil, nil, nil
	w.l.exportObjs = nil
	if ob := mi.l.exportObjs[r]; ob != nil {
		c := *ob
		w.l.exportObjs = map[*resource]*objectBuilder{r: &c}
	}
	w.l.split = &w.log
	w.mi.l = &w.l
	return w
}

// run evaluates the instances lo to hi-1 of r; the instances belong to mi.
func (w *splitWorker) run(mi *modInst, r *resource, base string, keys []cty.Value, extras []map[string]cty.Value, lo, hi int) {
	defer func() {
		if recover() != nil {
			w.panicked = true // evaluated again serially, where Load recovers it
		}
	}()
	w.ins = make([]*instance, 0, hi-lo)
	for i := lo; i < hi; i++ {
		in := &instance{res: r, mi: mi, addr: instanceAddr(base, keys[i]), key: keys[i], template: mi.template}
		in.idAddr = mi.movedFrom(in.addr)
		w.mi.evalInstance(in, extras[i])
		w.ins = append(w.ins, in)
	}
}

// clean reports whether the worker finished and wrote nothing but what
// replay applies.
func (w *splitWorker) clean() bool {
	return !w.panicked && w.l.insts == nil && w.l.params == nil && w.l.outputs == nil && w.l.read == nil && w.l.pending == nil
}

// replay applies the worker's log to l, as the serial evaluation of its
// instances would have.
func (w *splitWorker) replay(l *loader) {
	once := w.log.once
	for i, d := range w.l.diags {
		if len(once) > 0 && once[0] == i {
			once = once[1:]
			l.diagOnce(d)
			continue
		}
		l.diags = append(l.diags, d)
	}
	for _, p := range w.log.paths {
		l.pathByID[p[0]] = p[1]
	}
}

// evalSplit evaluates the instances from..len(keys)-1 of r, half on
// another goroutine, and returns them in order; false when the batch was
// dropped (the budget passed a limit, or a worker panicked) and nothing
// of it was kept: the caller evaluates them serially.
func (mi *modInst) evalSplit(r *resource, base string, keys []cty.Value, extras []map[string]cty.Value, from int) ([]*instance, bool) {
	l := mi.l
	mid := from + (len(keys)-from+1)/2
	ws := [2]*splitWorker{mi.newSplitWorker(r), mi.newSplitWorker(r)}
	l.budget.beginBatch()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ws[1].run(mi, r, base, keys, extras, mid, len(keys))
	}()
	ws[0].run(mi, r, base, keys, extras, from, mid)
	wg.Wait()
	if !l.budget.endBatch() || !ws[0].clean() || !ws[1].clean() {
		splitDropped.Add(1)
		return nil, false
	}
	ins := make([]*instance, 0, len(keys)-from)
	for _, w := range ws {
		w.replay(l)
		ins = append(ins, w.ins...)
	}
	r.edgeHint = len(ins[len(ins)-1].deps)
	splitBatches.Add(1)
	return ins, true
}
