package model

import (
	"cmp"
	"slices"
	"strings"
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
// Edges to addresses not in nodes are ignored; of nodes with one address,
// the last is the graph's. The result is sorted by first address.
func Cycles(nodes []*Node) []Cycle {
	return newDepGraph(nodes).cycles()
}

// CyclesNumbered is Cycles for a front end that has numbered the edges
// as it collected them (the CloudFormation resolver knows each target's
// resource when it adds the edge): the addresses of nodes are distinct,
// and to[start[i]+k] is the index in nodes of the target of
// nodes[i].Deps[k], or -1 when the target is not among nodes
// (len(start) == len(nodes)+1). It finds what Cycles finds without an
// address look-up per edge.
func CyclesNumbered(nodes []*Node, start, to []int32) []Cycle {
	return (&depGraph{nodes: nodes, start: start, to: to}).cycles()
}

func (g *depGraph) cycles() []Cycle {
	var cycles []Cycle
	for _, scc := range g.components() {
		if c, ok := g.cycleIn(scc); ok {
			cycles = append(cycles, c)
		}
	}
	slices.SortFunc(cycles, func(a, b Cycle) int { return strings.Compare(a.Path[0], b.Path[0]) })
	return cycles
}

// depGraph is the dependency graph Cycles walks, by node number: nodes
// in the order given (of a duplicated address, the last node at the
// first one's place), and each node's edges in one flat array in the
// order of its Deps: the edges of node i are to[start[i]:start[i+1]],
// to[start[i]+k] the number of the target of nodes[i].Deps[k], -1 when
// the target is not a node of the graph. Numbers instead of addresses
// keep the walk free of map look-ups: a 2,000-resource template walked by
// address spent a tenth of its resolve here. Strongly connected
// components do not depend on the order nodes and edges are visited in;
// the cycle reported for one (cycleIn) is chosen in address order.
type depGraph struct {
	nodes []*Node
	start []int32
	to    []int32
}

func newDepGraph(nodes []*Node) *depGraph {
	num := make(map[string]int32, len(nodes))
	g := &depGraph{nodes: make([]*Node, 0, len(nodes))}
	edges := 0
	for _, n := range nodes {
		if i, ok := num[n.Address]; ok {
			edges -= len(g.nodes[i].Deps)
			g.nodes[i] = n
		} else {
			num[n.Address] = int32(len(g.nodes))
			g.nodes = append(g.nodes, n)
		}
		edges += len(n.Deps)
	}
	g.start = make([]int32, len(g.nodes)+1)
	g.to = make([]int32, 0, edges)
	for i, n := range g.nodes {
		g.start[i] = int32(len(g.to))
		for _, e := range n.Deps {
			j, ok := num[e.To]
			if !ok {
				j = -1
			}
			g.to = append(g.to, j)
		}
	}
	g.start[len(g.nodes)] = int32(len(g.to))
	return g
}

// components returns the strongly connected components that can hold a
// cycle, by an iterative Tarjan (deep graphs do not grow the goroutine
// stack), roots visited in node order.
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
				if to < 0 {
					continue
				}
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
// inside the component, found by BFS over each node's edges in target
// address order (stable), so it is the same on every run and easy to read.
func (g *depGraph) cycleIn(scc []int32) (_ Cycle, ok bool) {
	slices.SortFunc(scc, func(a, b int32) int { return strings.Compare(g.nodes[a].Address, g.nodes[b].Address) })
	start := scc[0]
	if len(scc) == 1 {
		for _, e := range g.nodes[start].Deps {
			if e.To == g.nodes[start].Address {
				return Cycle{Path: []string{e.To}, Edges: []Edge{e}}, true
			}
		}
		return Cycle{}, false
	}
	// rank is a node's place in the component in address order.
	rank := make(map[int32]int32, len(scc))
	for i, a := range scc {
		rank[a] = int32(i)
	}
	type out struct{ rank, edge int32 }
	var outs []out
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
		outs = outs[:0]
		for x := g.start[a]; x < g.start[a+1]; x++ {
			if r, in := rank[g.to[x]]; in {
				outs = append(outs, out{r, x - g.start[a]})
			}
		}
		slices.SortStableFunc(outs, func(p, q out) int { return cmp.Compare(p.rank, q.rank) })
		for _, o := range outs {
			to, e := scc[o.rank], g.nodes[a].Deps[o.edge]
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
