package resolver

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/parser/cfn"
)

// TestParamMatchesMap: param answers as s.params does, for templates with
// no parameter, a few (scanned) and more than fewParams (the map), for
// every declared name and for names that differ from one by a byte, a
// length or a case.
func TestParamMatchesMap(t *testing.T) {
	for _, n := range []int{0, 1, 2, fewParams, fewParams + 1, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("Parameters:\n")
			var names []string
			for i := range n {
				name := fmt.Sprintf("P%d", i*7)
				if i%3 == 1 {
					name = "Param" + strings.Repeat("x", i) // same prefix, other lengths
				}
				names = append(names, name)
				fmt.Fprintf(&b, "  %s:\n    Type: String\n    Default: v%d\n", name, i)
			}
			b.WriteString("Resources:\n  T:\n    Type: AWS::SNS::Topic\n")
			root, _, _ := cfn.ParseJSON("t.yaml", []byte(b.String()))
			s := &stack{ctx: context.Background(), file: "t.yaml", root: root, params: map[string]*parameter{}, setUsed: map[string]bool{}}
			s.loadParameters()
			if len(s.params) != n || len(s.paramList) != n {
				t.Fatalf("%d parameters in the map, %d in the list; want %d", len(s.params), len(s.paramList), n)
			}
			probes := []string{"", "P", "T", "AWS::Region", "Paramx", "paramx"}
			for _, name := range names {
				probes = append(probes, name, name+"0", name[:len(name)-1], strings.ToLower(name), "Z"+name[1:])
			}
			for _, name := range probes {
				want, wantOK := s.params[name]
				got, ok := s.param(name)
				if got != want || ok != wantOK {
					t.Errorf("param(%q) = %v, %v; s.params has %v, %v", name, got, ok, want, wantOK)
				}
			}
		})
	}
}
