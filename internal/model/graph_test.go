package model

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// TestCyclesSameAsByAddress compares Cycles and CyclesNumbered with the
// walk they replaced (oldCycles below: nodes sorted by address, edges by
// target, every target looked up by address) on random graphs: few
// addresses so cycles, repeated addresses and several edges to one target
// (told apart by Kind, Attr and Range) are common, and some edges to
// addresses that are not nodes.
func TestCyclesSameAsByAddress(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 12))
	kinds := []EdgeKind{EdgeRef, EdgeGetAtt, EdgeSub, EdgeDependsOn}
	withCycles := 0
	for round := range 5000 {
		addrs := 1 + rng.IntN(12)
		name := func() string { return fmt.Sprintf("R%d", rng.IntN(addrs+1)) } // R<addrs> is never a node
		nodes := make([]*Node, 1+rng.IntN(addrs+2))
		for i := range nodes {
			n := &Node{Address: fmt.Sprintf("R%d", rng.IntN(addrs))}
			for k := range rng.IntN(5) {
				n.Deps = append(n.Deps, Edge{To: name(), Kind: kinds[rng.IntN(len(kinds))], Attr: []string{"", "Arn"}[rng.IntN(2)],
					Range: diag.Range{Filename: "t", Start: diag.Pos{Line: round, Column: i*10 + k}}})
			}
			nodes[i] = n
		}
		want := oldCycles(nodes)
		if got := Cycles(nodes); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: Cycles = %v, the walk by address found %v", round, got, want)
		}
		if len(want) > 0 {
			withCycles++
		}
		// CyclesNumbered takes distinct addresses: the first node of each.
		var distinct []*Node
		at := map[string]int32{}
		for _, n := range nodes {
			if _, ok := at[n.Address]; !ok {
				at[n.Address] = int32(len(distinct))
				distinct = append(distinct, n)
			}
		}
		start := []int32{0}
		var to []int32
		for _, n := range distinct {
			for _, e := range n.Deps {
				j, ok := at[e.To]
				if !ok {
					j = -1
				}
				to = append(to, j)
			}
			start = append(start, int32(len(to)))
		}
		want = oldCycles(distinct)
		if got := CyclesNumbered(distinct, start, to); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: CyclesNumbered = %v, the walk by address found %v", round, got, want)
		}
	}
	if withCycles < 1200 {
		t.Fatalf("only %d of the random graphs have a cycle", withCycles)
	}
}

func oldCycles(nodes []*Node) []Cycle {
	g := oldNewDepGraph(nodes)
	var cycles []Cycle
	for _, scc := range g.components() {
		if c, ok := g.cycleIn(scc); ok {
			cycles = append(cycles, c)
		}
	}
	slices.SortFunc(cycles, func(a, b Cycle) int { return cmp.Compare(a.Path[0], b.Path[0]) })
	return cycles
}

// oldDepGraph is the dependency graph Cycles walks, by node number: nodes
// sorted by address (the last of a duplicated address wins), and each
// node's edges to nodes of the graph in one flat array, sorted by target
// (stable, so edges to the same target keep their order). Numbers instead
// of addresses keep the walk free of map look-ups: a 2,000-resource
// template walked by address spent a tenth of its resolve here.
type oldDepGraph struct {
	nodes []*Node
	// The edges of node i are to[start[i]:start[i+1]], each the number of
	// its target and the index of the edge in nodes[i].Deps (edge).
	start []int32
	to    []int32
	edge  []int32
}

func oldNewDepGraph(nodes []*Node) *oldDepGraph {
	num := make(map[string]int32, len(nodes))
	g := &oldDepGraph{nodes: make([]*Node, 0, len(nodes))}
	for _, n := range nodes {
		if i, ok := num[n.Address]; ok {
			g.nodes[i] = n
			continue
		}
		num[n.Address] = int32(len(g.nodes))
		g.nodes = append(g.nodes, n)
	}
	slices.SortFunc(g.nodes, func(a, b *Node) int { return cmp.Compare(a.Address, b.Address) })
	for i, n := range g.nodes {
		num[n.Address] = int32(i)
	}
	g.start = make([]int32, len(g.nodes)+1)
	for i, n := range g.nodes {
		g.start[i] = int32(len(g.to))
		sorted := true
		for k, e := range n.Deps {
			j, ok := num[e.To]
			if !ok {
				continue
			}
			if s := len(g.to); s > int(g.start[i]) && g.to[s-1] > j {
				sorted = false
			}
			g.to = append(g.to, j)
			g.edge = append(g.edge, int32(k))
		}
		if !sorted {
			// Node numbers follow the addresses, so sorting by number is
			// sorting by target address.
			lo, hi := g.start[i], int32(len(g.to))
			type pair struct{ to, edge int32 }
			ps := make([]pair, 0, hi-lo)
			for x := lo; x < hi; x++ {
				ps = append(ps, pair{g.to[x], g.edge[x]})
			}
			slices.SortStableFunc(ps, func(a, b pair) int { return cmp.Compare(a.to, b.to) })
			for x, p := range ps {
				g.to[lo+int32(x)], g.edge[lo+int32(x)] = p.to, p.edge
			}
		}
	}
	g.start[len(g.nodes)] = int32(len(g.to))
	return g
}

// components returns the strongly connected components, by an iterative
// Tarjan (deep graphs do not grow the goroutine stack), roots visited in
// address order.
func (g *oldDepGraph) components() [][]int32 {
	n := len(g.nodes)
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int32
	var sccs [][]int32
	var next int32
	type frame struct {
		node int32
		i    int32 // the next edge, an index into g.to
	}
	var work []frame
	for root := range int32(n) {
		if index[root] >= 0 {
			continue
		}
		work = append(work[:0], frame{node: root, i: g.start[root]})
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.i < g.start[f.node+1] {
				to := g.to[f.i]
				f.i++
				if index[to] < 0 {
					index[to], low[to] = next, next
					next++
					stack = append(stack, to)
					onStack[to] = true
					work = append(work, frame{node: to, i: g.start[to]})
				} else if onStack[to] {
					low[f.node] = min(low[f.node], index[to])
				}
				continue
			}
			if low[f.node] == index[f.node] {
				// A single node without a self-reference is no cycle:
				// keep only what cycleIn can use.
				top := stack[len(stack)-1]
				if top == f.node && !g.selfRef(top) {
					stack = stack[:len(stack)-1]
					onStack[top] = false
				} else {
					var scc []int32
					for {
						top := stack[len(stack)-1]
						stack = stack[:len(stack)-1]
						onStack[top] = false
						scc = append(scc, top)
						if top == f.node {
							break
						}
					}
					sccs = append(sccs, scc)
				}
			}
			done := f.node
			work = work[:len(work)-1]
			if len(work) > 0 {
				p := work[len(work)-1].node
				low[p] = min(low[p], low[done])
			}
		}
	}
	return sccs
}

// selfRef reports whether node a has an edge to itself.
func (g *oldDepGraph) selfRef(a int32) bool {
	return slices.Contains(g.to[g.start[a]:g.start[a+1]], a)
}

// cycleIn returns the cycle a component stands for, starting at its
// smallest address: the self-reference of a single node (ok is false for
// a single node without one), or the shortest cycle through the start
// inside the component, found by BFS over sorted edges so it is the same
// on every run and easy to read.
func (g *oldDepGraph) cycleIn(scc []int32) (_ Cycle, ok bool) {
	slices.Sort(scc) // numbers follow addresses
	start := scc[0]
	if len(scc) == 1 {
		for _, e := range g.nodes[start].Deps {
			if e.To == g.nodes[start].Address {
				return Cycle{Path: []string{e.To}, Edges: []Edge{e}}, true
			}
		}
		return Cycle{}, false
	}
	in := make(map[int32]bool, len(scc))
	for _, a := range scc {
		in[a] = true
	}
	prev := map[int32]Edge{}
	from := map[int32]int32{}
	queue := []int32{start}
	seen := map[int32]bool{start: true}
	var last int32
	var lastEdge Edge
bfs:
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		for x := g.start[a]; x < g.start[a+1]; x++ {
			to, e := g.to[x], g.nodes[a].Deps[g.edge[x]]
			if !in[to] {
				continue
			}
			if to == start {
				last, lastEdge = a, e
				break bfs
			}
			if !seen[to] {
				seen[to] = true
				prev[to] = e
				from[to] = a
				queue = append(queue, to)
			}
		}
	}
	path := []string{g.nodes[last].Address}
	edges := []Edge{lastEdge}
	for a := last; a != start; a = from[a] {
		path = append(path, g.nodes[from[a]].Address)
		edges = append(edges, prev[a])
	}
	slices.Reverse(path)
	slices.Reverse(edges)
	return Cycle{Path: path, Edges: edges}, true
}

// TestSortGraphSameOrder checks SortGraph's comparisons against the
// cmp.Or of cmp.Compare it replaced: the same order of nodes (repeated
// addresses included, which the unstable sort may swap only as it did) and
// of edges, on random graphs.
func TestSortGraphSameOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 23))
	kinds := []EdgeKind{EdgeRef, EdgeGetAtt, EdgeSub, EdgeDependsOn}
	for round := range 200 {
		var got, want []*Node
		for i := range rng.IntN(60) {
			n := &Node{Address: fmt.Sprintf("R%d", rng.IntN(40)), Type: fmt.Sprint(i)}
			for k := range []int{3, 12, 30, 90}[rng.IntN(4)] {
				n.Deps = append(n.Deps, Edge{To: fmt.Sprintf("R%d", rng.IntN(8)), Kind: kinds[rng.IntN(len(kinds))],
					Attr: []string{"", "Arn", "Id"}[rng.IntN(3)], Range: diag.Range{Start: diag.Pos{Line: round, Column: k}}})
			}
			c := *n
			c.Deps = slices.Clone(n.Deps)
			got, want = append(got, n), append(want, &c)
		}
		SortGraph(got)
		slices.SortFunc(want, func(a, b *Node) int { return cmp.Compare(a.Address, b.Address) })
		for _, n := range want {
			slices.SortStableFunc(n.Deps, func(a, b Edge) int {
				return cmp.Or(cmp.Compare(a.To, b.To), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Attr, b.Attr))
			})
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: SortGraph's order differs from the cmp.Compare order", round)
		}
	}
}
