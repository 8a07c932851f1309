package cfn

import (
	"os"
	"reflect"
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
		if want := refParseSub(s); !reflect.DeepEqual(parts, want) {
			t.Fatalf("ParseSub(%q) = %+v, want %+v", s, parts, want)
		}
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

// refParseSub is ParseSub as first written (a strings.Builder per literal,
// rune offsets counted from the start each time): the reference the
// faster one is held to.
func refParseSub(s string) []SubPart {
	var parts []SubPart
	var lit strings.Builder
	litStart := 0
	runeOff := func(byteOff int) int { return utf8.RuneCountInString(s[:byteOff]) }
	flush := func(end int) {
		if lit.Len() > 0 {
			parts = append(parts, SubPart{Literal: lit.String(), Offset: runeOff(litStart), Len: runeOff(end) - runeOff(litStart)})
			lit.Reset()
		}
	}
	i := 0
	for i < len(s) {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteString(s[i:])
			break
		}
		if lit.Len() == 0 {
			litStart = i
		}
		lit.WriteString(s[i : i+j])
		start := i + j
		end := strings.IndexByte(s[start:], '}')
		if end < 0 {
			lit.WriteString(s[start:])
			break
		}
		body := s[start+2 : start+end]
		if strings.HasPrefix(body, "!") {
			lit.WriteString("${" + body[1:] + "}")
			i = start + end + 1
			continue
		}
		flush(start)
		name := strings.TrimSpace(body)
		attr := ""
		if !strings.Contains(name, "::") || strings.Contains(name, ".") {
			if k := strings.IndexByte(name, '.'); k >= 0 {
				name, attr = name[:k], name[k+1:]
			}
		}
		parts = append(parts, SubPart{IsVar: true, Var: name, Attr: attr, Offset: runeOff(start), Len: runeOff(start+end+1) - runeOff(start)})
		i = start + end + 1
		litStart = i
	}
	flush(len(s))
	return parts
}

func TestParseSubMatchesReference(t *testing.T) {
	for _, s := range []string{"", "plain", "a${B}c", "${!x}", "a${!x}b${C}d${!e}", "${!x}${Y}", "${A.B.C}", "${", "a${b", "}${}", "${ AWS::Region }-${X}",
		"é${Ü.x}ß${!ç}${", "${!}", "x${!a}${!b}y", "${A}${B}", "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn0.Arn}/invocations"} {
		if got, want := ParseSub(s), refParseSub(s); !reflect.DeepEqual(got, want) {
			t.Errorf("ParseSub(%q) = %+v, want %+v", s, got, want)
		}
	}
}
