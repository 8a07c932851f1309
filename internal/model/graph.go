package model

import (
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
	byAddr := make(map[string]*Node, len(nodes))
	for _, n := range nodes {
		byAddr[n.Address] = n
	}
	addrs := make([]string, 0, len(nodes))
	for a := range byAddr {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)

	succ := func(a string) []Edge {
		var out []Edge
		for _, e := range byAddr[a].Deps {
			if _, ok := byAddr[e.To]; ok {
				out = append(out, e)
			}
		}
		slices.SortStableFunc(out, func(x, y Edge) int {
			if x.To != y.To {
				if x.To < y.To {
					return -1
				}
				return 1
			}
			return 0
		})
		return out
	}

	// Iterative Tarjan to survive deep graphs.
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
	for _, root := range addrs {
		if _, seen := index[root]; seen {
			continue
		}
		work := []frame{{addr: root, edges: succ(root)}}
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
					work = append(work, frame{addr: to, edges: succ(to)})
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

	var cycles []Cycle
	for _, scc := range sccs {
		slices.Sort(scc)
		in := map[string]bool{}
		for _, a := range scc {
			in[a] = true
		}
		start := scc[0]
		if len(scc) == 1 {
			self := false
			var se Edge
			for _, e := range byAddr[start].Deps {
				if e.To == start {
					self, se = true, e
					break
				}
			}
			if self {
				cycles = append(cycles, Cycle{Path: []string{start}, Edges: []Edge{se}})
			}
			continue
		}
		// Shortest cycle through start inside the SCC, by BFS with sorted
		// edges: deterministic and easy to read.
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
			for _, e := range succ(a) {
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
		cycles = append(cycles, Cycle{Path: path, Edges: edges})
	}
	slices.SortFunc(cycles, func(a, b Cycle) int {
		if a.Path[0] < b.Path[0] {
			return -1
		} else if a.Path[0] > b.Path[0] {
			return 1
		}
		return 0
	})
	return cycles
}

// String renders the cycle as "A → B → C → A".
func (c Cycle) String() string {
	s := ""
	for _, a := range c.Path {
		s += a + " → "
	}
	return s + c.Path[0]
}
