package cfn

import (
	"fmt"
	"sync"
	"testing"
	"unsafe"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// The tree's bytes are mostly Nodes and Fields (~30,000 of each for a
// 2,000-resource template): their sizes are what the layout is for.
func TestTreeSizes(t *testing.T) {
	if s := unsafe.Sizeof(Node{}); s != 96 {
		t.Errorf("Node is %d bytes, want 96", s)
	}
	if s := unsafe.Sizeof(Field{}); s != 48 {
		t.Errorf("Field is %d bytes, want 48", s)
	}
}

// A Span gives back the Range it was made from, file name included, from
// any goroutine, while other goroutines add names.
func TestSpanFileNames(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				name := fmt.Sprintf("dir%d/t%d.yaml", i%50, (g*7+i)%120) // shared and new names
				r := diag.Range{Filename: name, Start: diag.Pos{Line: i + 1, Column: g + 1, Byte: 10 * i}, End: diag.Pos{Line: i + 2, Column: 3, Byte: 10*i + 9}}
				if got := SpanOf(r).Range(); got != r {
					t.Errorf("SpanOf(%v).Range() = %v", r, got)
					return
				}
				l := diag.Range{Filename: name, Start: r.Start, End: diag.Pos{Line: r.Start.Line, Column: 40, Byte: 10*i + 39}}
				if got := SpanOf(l).Line().Range(); got != l {
					t.Errorf("SpanOf(%v).Line().Range() = %v", l, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got := (Span{}).Range(); got != (diag.Range{}) {
		t.Errorf("zero Span's Range = %v", got)
	}
	if a, b := fileNumber("same.json"), fileNumber("same.json"); a != b || a == 0 {
		t.Errorf("fileNumber gave %d then %d", a, b)
	}
}

// Every key's span is on one line: LineSpan keeps no end line, which
// holds because each reader gives a key its written width on its first
// line (scalarRangeAt, jsonReader.strSpan, yamlReader.spanTo), even a key
// whose text has a line break. The spans still point at the key's text.
func TestKeySpans(t *testing.T) {
	for _, src := range []string{
		"? |\n  block\n: 1\nResources:\n  A: {Type: X}\n",
		"Resources:\n  'A': {\"Type\": X, Properties: {\"k\\n\": 1}}\n",
		"{\"Resources\": {\"A\": {\"Type\": \"X\", \"Pro\\u0070s\": {\"k\\n\": 1}}}}\n",
	} {
		root, _ := Parse("k.yaml", []byte(src))
		keys := 0
		var walk func(n *Node)
		walk = func(n *Node) {
			if n == nil {
				return
			}
			for i := range n.Fields {
				f := &n.Fields[i]
				keys++
				r := f.KeyRange()
				b := r.Start.Byte
				if r.Filename != "k.yaml" || r.End.Column <= r.Start.Column || r.End.Byte <= b || b >= len(src) ||
					(src[b] != f.Key[0] && src[b] != '"' && src[b] != '\'' && src[b] != '|') {
					t.Errorf("%q: key %q at %v", src, f.Key, r)
				}
				walk(f.Value)
			}
			for _, it := range n.Items {
				walk(it)
			}
		}
		walk(root)
		if keys < 3 {
			t.Errorf("%q: %d keys read", src, keys)
		}
	}
}
