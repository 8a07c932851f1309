package cfn

// arena hands out the tree's Nodes, mapping entries and sequence items
// from chunks sized to the template, instead of one allocation each: a
// 2,000-resource template has ~28,000 nodes. Slices it hands out have
// their length as capacity, so appending to one copies it rather than
// overwriting its neighbour.
type arena struct {
	chunk  int // nodes per chunk; 0 until first use
	nodes  []Node
	fields []Field
	items  []*Node
}

// size sets the chunk size from the template's length in bytes (about
// one node per 22 bytes of YAML or JSON), at most 1,024 nodes: each reader
// leaves its last chunks part-used, and the heap is zeroed before it is
// handed out (a 2,000-resource template: 4,096-node chunks left ~0.5 MB of
// 15 unused; 1,024 Nodes and Fields fill whole 8 KiB pages).
func (a *arena) size(srcLen int) {
	a.chunk = min(max(srcLen/20, 64), 1<<10)
}

func (a *arena) node(n Node) *Node {
	if len(a.nodes) == cap(a.nodes) {
		a.nodes = make([]Node, 0, max(a.chunk, 64))
	}
	a.nodes = append(a.nodes, n)
	return &a.nodes[len(a.nodes)-1]
}

// fieldsOf returns a copy of fs.
func (a *arena) fieldsOf(fs []Field) []Field {
	if cap(a.fields)-len(a.fields) < len(fs) {
		a.fields = make([]Field, 0, max(a.chunk, 64, len(fs)))
	}
	from := len(a.fields)
	a.fields = append(a.fields, fs...)
	return a.fields[from:len(a.fields):len(a.fields)]
}

// itemsOf returns a copy of items.
func (a *arena) itemsOf(items []*Node) []*Node {
	if cap(a.items)-len(a.items) < len(items) {
		a.items = make([]*Node, 0, max(a.chunk/2, 64, len(items)))
	}
	from := len(a.items)
	a.items = append(a.items, items...)
	return a.items[from:len(a.items):len(a.items)]
}

// repeatedKey reports whether k is among fields, the keys read so far of
// one mapping. Past 8 keys it keeps them in *seen, so a wide mapping is not
// scanned once per key.
func repeatedKey(fields []Field, seen *map[string]bool, k string) bool {
	if *seen != nil {
		if (*seen)[k] {
			return true
		}
		(*seen)[k] = true
		return false
	}
	for _, f := range fields {
		if f.Key == k {
			return true
		}
	}
	if len(fields) == 8 {
		m := make(map[string]bool, 32)
		for _, f := range fields {
			m[f.Key] = true
		}
		m[k] = true
		*seen = m
	}
	return false
}
