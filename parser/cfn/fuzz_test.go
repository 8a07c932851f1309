package cfn

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Resources:\n  A:\n    Type: AWS::ApiGateway::RestApi\n",
		`{"Resources": {"A": {"Type": "X", "Properties": {"P": {"Fn::Sub": "${A.B}"}}}}}`,
		"A: !GetAtt B.C\nD: !Sub [x, {y: !Ref z}]\n",
		"a: &x [1, *x]\n", "a: 1\na: 2\n", "\t- x", "A: !Unknown x",
	} {
		f.Add([]byte(s))
	}
	if src, err := os.ReadFile("../../examples/seed/template.yaml"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		n, ds := Parse("f.yaml", src)
		for _, d := range ds {
			if d.Range.Filename != "f.yaml" || d.Range.Start.Line < 1 {
				t.Fatalf("diagnostic without position: %+v", d)
			}
			if d.Summary == "" || d.Rule == "" {
				t.Fatalf("diagnostic without summary or rule: %+v", d)
			}
		}
		if n == nil && len(ds) == 0 {
			t.Fatal("no tree and no diagnostics")
		}
	})
}

func FuzzParseSub(f *testing.F) {
	for _, s := range []string{"a${B}c", "${!x}", "${A.B.C}", "${", "}${}", "${AWS::Region}-${X}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := ParseSub(s)
		n := utf8.RuneCountInString(s)
		for _, p := range parts {
			if p.Offset < 0 || p.Offset+p.Len > n {
				t.Fatalf("part %+v outside %d runes", p, n)
			}
		}
		// Literals without escapes reassemble to the input.
		if !strings.Contains(s, "${") {
			if len(parts) != 1 && s != "" || (len(parts) == 1 && parts[0].Literal != s) {
				t.Fatalf("plain string split: %+v", parts)
			}
		}
	})
}
