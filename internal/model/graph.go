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

// depGraph is the dependency graph Cycles walks: nodes by address, edges
// to addresses outside it dropped.
type depGraph struct {
	byAddr map[string]*Node
	addrs  []string // sorted
}

func newDepGraph(nodes []*Node) *depGraph {
	g := &depGraph{byAddr: make(map[string]*Node, len(nodes))}
	for _, n := range nodes {
		g.byAddr[n.Address] = n
	}
	g.addrs = make([]string, 0, len(g.byAddr))
	for a := range g.byAddr {
		g.addrs = append(g.addrs, a)
	}
	slices.Sort(g.addrs)
	return g
}

// succ returns a's edges to nodes of the graph, sorted by target (stable,
// so edges to the same target keep their order).
func (g *depGraph) succ(a string) []Edge {
	var out []Edge
	for _, e := range g.byAddr[a].Deps {
		if _, ok := g.byAddr[e.To]; ok {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(x, y Edge) int { return cmp.Compare(x.To, y.To) })
	return out
}

// components returns the strongly connected components, by an iterative
// Tarjan (deep graphs do not grow the goroutine stack), roots visited in
// address order.
func (g *depGraph) components() [][]string {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var sccs [][]string
	next := 0
	type frame struct {
		addr  string
		edges []Edge
		i     int
	}
	for _, root := range g.addrs {
		if _, seen := index[root]; seen {
			continue
		}
		work := []frame{{addr: root, edges: g.succ(root)}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.i < len(f.edges) {
				to := f.edges[f.i].To
				f.i++
				if _, seen := index[to]; !seen {
					index[to], low[to] = next, next
					next++
					stack = append(stack, to)
					onStack[to] = true
					work = append(work, frame{addr: to, edges: g.succ(to)})
				} else if onStack[to] {
					low[f.addr] = min(low[f.addr], index[to])
				}
				continue
			}
			if low[f.addr] == index[f.addr] {
				var scc []string
				for {
					top := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[top] = false
					scc = append(scc, top)
					if top == f.addr {
						break
					}
				}
				sccs = append(sccs, scc)
			}
			done := f.addr
			work = work[:len(work)-1]
			if len(work) > 0 {
				p := work[len(work)-1].addr
				low[p] = min(low[p], low[done])
			}
		}
	}
	return sccs
}

// cycleIn returns the cycle a component stands for, starting at its
// smallest address: the self-reference of a single node (ok is false for
// a single node without one), or the shortest cycle through the start
// inside the component, found by BFS over sorted edges so it is the same
// on every run and easy to read.
func (g *depGraph) cycleIn(scc []string) (_ Cycle, ok bool) {
	slices.Sort(scc)
	start := scc[0]
	if len(scc) == 1 {
		for _, e := range g.byAddr[start].Deps {
			if e.To == start {
				return Cycle{Path: []string{start}, Edges: []Edge{e}}, true
			}
		}
		return Cycle{}, false
	}
	in := make(map[string]bool, len(scc))
	for _, a := range scc {
		in[a] = true
	}
	prev := map[string]Edge{}
	from := map[string]string{}
	queue := []string{start}
	seen := map[string]bool{start: true}
	var last string
	var lastEdge Edge
bfs:
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		for _, e := range g.succ(a) {
			if !in[e.To] {
				continue
			}
			if e.To == start {
				last, lastEdge = a, e
				break bfs
			}
			if !seen[e.To] {
				seen[e.To] = true
				prev[e.To] = e
				from[e.To] = a
				queue = append(queue, e.To)
			}
		}
	}
	path := []string{last}
	edges := []Edge{lastEdge}
	for a := last; a != start; a = from[a] {
		path = append(path, from[a])
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
