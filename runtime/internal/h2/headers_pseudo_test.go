package h2

import (
	"math/rand/v2"
	"testing"
)

// TestRequestPseudos: requestPseudos gives what four pseudo calls give —
// the first field of each name, "" when there is none — for random lists
// of pseudo-headers, repeated, empty-valued and unknown ones included.
func TestRequestPseudos(t *testing.T) {
	names := []string{":method", ":path", ":authority", ":scheme", ":protocol", ":status", ":x"}
	values := []string{"", "GET", "/", "a", "http", "/b?c"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b fieldBlock
		n := r.IntN(9)
		for range n {
			b.fields = append(b.fields, reqField{name: names[r.IntN(len(names))], value: values[r.IntN(len(values))]})
		}
		b.nPseudo = n
		b.fields = append(b.fields, reqField{name: "method", value: "regular, not read"})
		m, p, a, s := b.requestPseudos()
		if m != b.pseudo("method") || p != b.pseudo("path") || a != b.pseudo("authority") || s != b.pseudo("scheme") {
			t.Fatalf("fields %v: requestPseudos %q %q %q %q, pseudo %q %q %q %q", b.fields, m, p, a, s,
				b.pseudo("method"), b.pseudo("path"), b.pseudo("authority"), b.pseudo("scheme"))
		}
	}
}

// TestCheckPseudos: checkPseudos refuses exactly the lists the pairwise
// check refused — a name other than the five a request may carry, or one
// of them twice — over random lists.
func TestCheckPseudos(t *testing.T) {
	names := []string{":method", ":path", ":authority", ":scheme", ":protocol", ":status", ":x", ":methods"}
	ref := func(ps []reqField) bool {
		for i, hf := range ps {
			switch hf.name {
			case ":method", ":path", ":scheme", ":authority", ":protocol":
			default:
				return false
			}
			for _, prev := range ps[:i] {
				if prev.name == hf.name {
					return false
				}
			}
		}
		return true
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b fieldBlock
		n := r.IntN(8)
		for range n {
			b.fields = append(b.fields, reqField{name: names[r.IntN(len(names))]})
		}
		b.nPseudo = n
		if got, want := b.checkPseudos() == nil, ref(b.fields); got != want {
			t.Fatalf("fields %v: checkPseudos ok %v, want %v", b.fields, got, want)
		}
	}
}
