package model

import (
	"cmp"
	"slices"
)

// Cycle is a dependency cycle: Path[0] → Path[1] → … → Path[0]. Path is
// rotated to start at its smallest address, so the same template prints the
// same cycle on every run.
type Cycle struct {
	Path  []string
	Edges []Edge // Edges[i] goes from Path[i] to Path[(i+1)%len]
}

// Cycles finds every dependency cycle among nodes with Tarjan's strongly
// connected components algorithm. A self-reference is a cycle of length 1.
// Edges to addresses not in nodes are ignored. The result is sorted by
// first address.
func Cycles(nodes []*Node) []Cycle {
	g := newDepGraph(nodes)
	var cycles []Cycle
	for _, scc := range g.components() {
		if c, ok := g.cycleIn(scc); ok {
			cycles = append(cycles, c)
		}
	}
	slices.SortFunc(cycles, func(a, b Cycle) int { return cmp.Compare(a.Path[0], b.Path[0]) })
	return cycles
}

// depGraph is the dependency graph Cycles walks, by node number: nodes
// sorted by address (the last of a duplicated address wins), and each
// node's edges to nodes of the graph in one flat array, sorted by target
// (stable, so edges to the same target keep their order). Numbers instead
// of addresses keep the walk free of map look-ups: a 2,000-resource
// template walked by address spent a tenth of its resolve here.
type depGraph struct {
	nodes []*Node
	// The edges of node i are to[start[i]:start[i+1]], each the number of
	// its target and the index of the edge in nodes[i].Deps (edge).
	start []int32
	to    []int32
	edge  []int32
}

func newDepGraph(nodes []*Node) *depGraph {
	num := make(map[string]int32, len(nodes))
	g := &depGraph{nodes: make([]*Node, 0, len(nodes))}
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
func (g *depGraph) components() [][]int32 {
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
func (g *depGraph) selfRef(a int32) bool {
	return slices.Contains(g.to[g.start[a]:g.start[a+1]], a)
}

// cycleIn returns the cycle a component stands for, starting at its
// smallest address: the self-reference of a single node (ok is false for
// a single node without one), or the shortest cycle through the start
// inside the component, found by BFS over sorted edges so it is the same
// on every run and easy to read.
func (g *depGraph) cycleIn(scc []int32) (_ Cycle, ok bool) {
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

// String renders the cycle as "A → B → C → A".
func (c Cycle) String() string {
	s := ""
	for _, a := range c.Path {
		s += a + " → "
	}
	return s + c.Path[0]
}
