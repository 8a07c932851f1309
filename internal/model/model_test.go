package model

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/diag"
)

func TestStableID(t *testing.T) {
	a := StableID(10, "restapi", "MyApi")
	if a != StableID(10, "restapi", "MyApi") {
		t.Fatal("StableID is not deterministic")
	}
	if len(a) != 10 || strings.Trim(a, idAlphabet) != "" {
		t.Fatalf("StableID = %q, want 10 lowercase alphanumerics", a)
	}
	if StableID(10, "restapi", "MyApi2") == a || StableID(10, "restap", "iMyApi") == a {
		t.Fatal("different parts gave the same id")
	}
}

// TestStableIDStreamed checks that the one-buffer hash gives the ids the
// streamed hash gave: generated ids appear in URLs and goldens.
func TestStableIDStreamed(t *testing.T) {
	long := strings.Repeat("x", 300) // past the stack buffer
	for _, tc := range []struct {
		n     int
		parts []string
	}{{10, []string{"restapi", "stack", "MyApi"}}, {6, []string{"resource", "s", "R"}}, {6, nil}, {40, []string{"key", long}}, {64, []string{"", ""}}} {
		h := sha256.New()
		writeParts(h, tc.parts)
		sum := h.Sum(nil)
		want := make([]byte, tc.n)
		for i := range want {
			want[i] = idAlphabet[int(sum[i%len(sum)])%len(idAlphabet)]
		}
		if got := StableID(tc.n, tc.parts...); got != string(want) {
			t.Errorf("StableID(%d, %q) = %q, want %q", tc.n, tc.parts, got, want)
		}
	}
}

func TestCycles(t *testing.T) {
	n := func(a string, to ...string) *Node {
		nd := &Node{Address: a}
		for _, x := range to {
			nd.Deps = append(nd.Deps, Edge{To: x, Kind: EdgeRef})
		}
		return nd
	}
	tests := []struct {
		name  string
		nodes []*Node
		want  []string
	}{
		{"none", []*Node{n("A", "B"), n("B")}, nil},
		{"two", []*Node{n("B", "A"), n("A", "B")}, []string{"A → B → A"}},
		{"three rotated", []*Node{n("C", "A"), n("B", "C"), n("A", "B"), n("D", "A")}, []string{"A → B → C → A"}},
		{"self", []*Node{n("A", "A"), n("B", "X")}, []string{"A → A"}},
		{"two separate", []*Node{n("Z", "Y"), n("Y", "Z"), n("B", "A"), n("A", "B")}, []string{"A → B → A", "Y → Z → Y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Cycles(tt.nodes) {
				got = append(got, c.String())
				for i, e := range c.Edges {
					if e.To != c.Path[(i+1)%len(c.Path)] {
						t.Errorf("edge %d goes to %s, want %s", i, e.To, c.Path[(i+1)%len(c.Path)])
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Cycles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValueEqual(t *testing.T) {
	s := func(k Kind, v string) *Value { return &Value{Kind: k, Str: v} }
	m := func(kv ...any) *Value {
		v := &Value{Kind: Map}
		for i := 0; i < len(kv); i += 2 {
			v.Fields = append(v.Fields, Field{Key: kv[i].(string), Value: kv[i+1].(*Value)})
		}
		return v
	}
	ref := func(to string) *Value { return &Value{Kind: Intrinsic, Str: "Ref", Arg: s(String, to)} }
	tests := []struct {
		name string
		a, b *Value
		want bool
	}{
		{"number vs string", s(Number, "200"), s(String, "200"), true},
		{"float", s(Number, "1"), s(Number, "1.0"), true},
		{"bool case", s(Bool, "true"), s(String, "True"), true},
		{"key order", m("A", s(String, "x"), "B", s(String, "y")), m("B", s(String, "y"), "A", s(String, "x")), true},
		{"ref target", ref("A"), ref("B"), false},
		{"ref same", ref("A"), ref("A"), true},
		{"ref vs text", ref("A"), s(String, "A"), false},
		{"missing key", m("A", s(String, "x")), m("A", s(String, "x"), "B", s(String, "y")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Equal(tt.a, tt.b); got != tt.want {
				t.Errorf("Equal(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestSubstituteStageVariables(t *testing.T) {
	got := SubstituteStageVariables("http://${stageVariables.host}/x/${stageVariables.missing}/{id}", map[string]string{"host": "h:1"})
	if want := "http://h:1/x/${stageVariables.missing}/{id}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFinalizePaths(t *testing.T) {
	root := &Resource{ID: "r"}
	a := &Resource{LogicalID: "A", PathPart: "pets", Parent: root}
	b := &Resource{LogicalID: "B", PathPart: "{id}", Parent: a}
	api := &RestAPI{LogicalID: "Api", Root: root, Resources: []*Resource{b, a, root}}
	b.Methods = []*Method{{HTTPMethod: "PUT"}, {HTTPMethod: "GET"}}
	tpl := &Template{APIs: []*RestAPI{api}}
	tpl.Finalize()
	var paths []string
	for _, r := range api.Resources {
		paths = append(paths, r.Path)
	}
	if diff := cmp.Diff([]string{"/", "/pets", "/pets/{id}"}, paths); diff != "" {
		t.Error(diff)
	}
	if b.Methods[0].HTTPMethod != "GET" {
		t.Error("methods not sorted")
	}
	if len(root.Children) != 1 || root.Children[0] != a {
		t.Error("children not linked")
	}
}

// mapKeys is a KeySource over a map, for TestRangesOf.
type mapKeys map[string]diag.Range

func (m mapKeys) KeyRange(key string) (diag.Range, bool) { r, ok := m[key]; return r, ok }

// TestRangesOf: Ranges made from a source answer its keys, a key Set
// afterwards wins over the source's, and Set does not write into the
// source's element.
func TestRangesOf(t *testing.T) {
	at := func(line int) diag.Range {
		return diag.Range{Filename: "t.yaml", Start: diag.Pos{Line: line, Column: 1}}
	}
	r := RangesOf(mapKeys{"Uri": at(3), "Type": at(4)})
	if got := r.At("Uri", at(1)); got != at(3) {
		t.Errorf("Uri at %v, want line 3", got)
	}
	if got := r.At("Missing", at(1)); got != at(1) {
		t.Errorf("Missing at %v, want the fallback", got)
	}
	r.Set("Type", at(9))
	r.Set("Runtime", at(10))
	r.Set("Runtime", at(11))
	if got, _ := r.Lookup("Type"); got != at(9) {
		t.Errorf("Type at %v after Set, want line 9", got)
	}
	if got, _ := r.Lookup("Runtime"); got != at(11) {
		t.Errorf("Runtime at %v, want line 11 (the last Set)", got)
	}
	if got, _ := r.Lookup("Uri"); got != at(3) || len(r) != 3 {
		t.Errorf("Uri at %v with %d elements, want line 3 and 3 elements", got, len(r))
	}
}
