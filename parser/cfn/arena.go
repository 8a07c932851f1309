package cfn

import (
	"hash/maphash"
	"math/bits"
)

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

// fieldStack is a reader's stack of the entries of the mappings it is in,
// for n bytes of template: sized for the widest mapping a template of
// about one entry per 256 bytes has (a 2,000-resource template's
// Resources section), so that it is not grown, and copied, entry by entry
// to that width.
func fieldStack(n int) []Field { return make([]Field, 0, max(n/256, 16)) }

// inlineKeys is how many keys of a mapping repeatedKey checks as they are
// read; the keys of a wider mapping are checked once it is read
// (repeatedKeys). A repeated key gives up either way, which only says how
// much is read before the general path takes over.
const inlineKeys = 8

// repeatedKey reports whether k is among fields, the keys read so far of
// one mapping, while there are fewer than inlineKeys of them; past that it
// reports false and the mapping's reader asks repeatedKeys at its end.
func repeatedKey(fields []Field, k string) bool {
	if len(fields) >= inlineKeys {
		return false
	}
	for _, f := range fields {
		if f.Key == k {
			return true
		}
	}
	return false
}

// repeatedKeys reports whether two of a mapping's fields have the same key,
// for a mapping wider than repeatedKey checks: one pass over a table of
// field numbers twice the mapping's size (on the stack up to 64 keys)
// instead of a map grown key by key.
func repeatedKeys(fields []Field) bool {
	if len(fields) <= inlineKeys {
		return false // every key was checked as it was read
	}
	size := 1 << bits.Len(uint(2*len(fields)))
	var small [128]int32
	var slots []int32 // a field's number plus one; 0 is free
	if size <= len(small) {
		slots = small[:size]
	} else {
		slots = make([]int32, size)
	}
	mask := uint64(size - 1)
	seed := maphash.MakeSeed()
	for i := range fields {
		k := fields[i].Key
		for j := maphash.String(seed, k) & mask; ; j = (j + 1) & mask {
			at := slots[j]
			if at == 0 {
				slots[j] = int32(i + 1)
				break
			}
			if fields[at-1].Key == k {
				return true
			}
		}
	}
	return false
}
