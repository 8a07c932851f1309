package cfn

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/google/go-cmp/cmp"
)

// render prints a node tree compactly with positions, for assertions.
func render(n *Node) string {
	var b strings.Builder
	var walk func(n *Node)
	walk = func(n *Node) {
		if n == nil {
			b.WriteString("nil")
			return
		}
		switch n.Kind {
		case Null:
			b.WriteString("null")
		case Scalar:
			b.WriteString(n.Value)
		case Sequence:
			b.WriteString("[")
			for i, it := range n.Items {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(it)
			}
			b.WriteString("]")
		case Mapping:
			b.WriteString("{")
			for i, f := range n.Fields {
				if i > 0 {
					b.WriteString(" ")
				}
				b.WriteString(f.Key + ":")
				walk(f.Value)
			}
			b.WriteString("}")
		}
	}
	walk(n)
	return b.String()
}

func TestParseShortForms(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"ref", "A: !Ref B", "{A:{Ref:B}}"},
		{"getatt dotted", "A: !GetAtt Api.RootResourceId", "{A:{Fn::GetAtt:[Api RootResourceId]}}"},
		{"getatt nested attr", "A: !GetAtt Db.Endpoint.Address", "{A:{Fn::GetAtt:[Db Endpoint.Address]}}"},
		{"getatt list", "A: !GetAtt [Api, RootResourceId]", "{A:{Fn::GetAtt:[Api RootResourceId]}}"},
		{"getatt long-form string", "A: {Fn::GetAtt: Api.RootResourceId}", "{A:{Fn::GetAtt:[Api RootResourceId]}}"},
		{"getatt long-form nested attr", "A:\n  Fn::GetAtt: \"Db.Endpoint.Address\"", "{A:{Fn::GetAtt:[Db Endpoint.Address]}}"},
		{"getatt json string", "{\"A\": {\"Fn::GetAtt\": \"Api.RootResourceId\"}}", "{A:{Fn::GetAtt:[Api RootResourceId]}}"},
		{"sub string", "A: !Sub 'x-${AWS::Region}'", "{A:{Fn::Sub:x-${AWS::Region}}}"},
		{"sub list", "A: !Sub ['${X}', {X: !Ref Y}]", "{A:{Fn::Sub:[${X} {X:{Ref:Y}}]}}"},
		{"nested", "A: !Join ['', [!Ref B, !Select [0, !Split [',', 'a,b']]]]", "{A:{Fn::Join:[ [{Ref:B} {Fn::Select:[0 {Fn::Split:[, a,b]}]}]]}}"},
		{"condition", "A: !If [C, !Condition D, !Ref AWS::NoValue]", "{A:{Fn::If:[C {Condition:D} {Ref:AWS::NoValue}]}}"},
		{"json", `{"A": {"Ref": "B"}, "C": [1, 2]}`, "{A:{Ref:B} C:[1 2]}"},
		{"json tabs", "{\n\t\"A\": {\"Fn::GetAtt\": [\"X\", \"Y\"]}\n}", "{A:{Fn::GetAtt:[X Y]}}"},
		{"null", "A:\nB: ~", "{A:null B:null}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ds := Parse("t.yaml", []byte(tt.src))
			if len(ds) > 0 {
				t.Fatalf("unexpected diagnostics: %v", ds)
			}
			if diff := cmp.Diff(tt.want, render(n)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestParseDiagnostics(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // "line:col rule"
	}{
		{"duplicate key", "A: 1\nB: 2\nA: 3\n", []string{"3:1 E0001"}},
		{"duplicate nested", "R:\n  P:\n    X: 1\n    X: 2\n", []string{"4:5 E0001"}},
		{"duplicate past eight", "K0: 0\nK1: 1\nK2: 2\nK3: 3\nK4: 4\nK5: 5\nK6: 6\nK7: 7\nK8: 8\nK9: 9\nK3: x\n", []string{"11:1 E0001"}},
		{"tab", "A:\n\t- 1\n", []string{"2:1 E0000"}},
		{"tab in a block", "R:\n  A:\n    T: x\n    P:\n      N: a\n\tD: b\n", []string{"6:1 E0000"}},
		{"bad tag", "A: !Reff B\n", []string{"1:4 E0002"}},
		{"unknown intrinsic", "A:\n  Fn::Joinn: [a, b]\n", []string{"2:3 E0003"}},
		{"getatt without attr", "A: !GetAtt Api\n", []string{"1:12 E0004"}},
		{"ref of list", "A: !Ref [a]\n", []string{"1:4 E0004"}},
		{"not a map", "- 1\n", []string{"1:1 E0005"}},
		{"empty", "", []string{"1:1 E0005"}},
		{"unclosed json", `{"A": 1`, []string{"1:7 E0000"}},
		{"trailing comma json", "{\"A\": {\"B\": 1,}\n}", []string{"1:15 E0000"}},
		{"unclosed flow sequence", "A:\n  B: [1, 2\n  C: 3\n", []string{"2:3 E0000"}},
		{"two tags in a flow sequence", "A:\n  B: x\nC: !Select [0, !GetAZs !Ref R]\n", []string{"3:1 E0000"}},
		{"unclosed flow mapping", "A: 1\nB:\n  C: {x: 1\n  D: 2\n", []string{"3:3 E0000"}},
		{"bad indentation", "R:\n  A:\n    Type: X\n    Properties:\n      B: 1\n     C: 2\n    DependsOn: B\n", []string{"6:6 E0000"}},
		{"bad indentation of a sequence item", "R:\n  A:\n    L:\n      - 1\n     - 2\n", []string{"5:6 E0000"}},
		{"scanner error line unchanged", "A:\n  B: c: d\n", []string{"2:3 E0000"}},
		{"merge key", "x: &a {b: 1}\ny:\n  <<: *a\n", []string{"3:3 E0000"}},
		// Invalid UTF-8 is reported where the bytes are, not at 1:1.
		{"invalid utf-8", "A:\n  B: ab\xffcd\n", []string{"2:8 E0000"}},
		{"invalid utf-8 after a multi-byte rune", "A: é\xe9\n", []string{"1:5 E0000"}},
		{"invalid utf-8 in json", "{\"A\": \"\xc3\"}", []string{"1:8 E0000"}},
		{"utf-16", "\xff\xfeA\x00:\x00", []string{"1:1 E0000"}},
		// One finding for the alias limit, however many aliases follow.
		{"alias limit", "a: &a [" + strings.Repeat("x, ", 999) + "x]\nb: [" + strings.Repeat("*a, ", 499) + "*a]\n", []string{"2:401 E0006"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := Parse("t.yaml", []byte(tt.src))
			var got []string
			for _, d := range ds {
				got = append(got, strings.Join([]string{fmt.Sprintf("%d:%d", d.Range.Start.Line, d.Range.Start.Column), d.Rule}, " "))
				if d.Detail == "" {
					t.Errorf("%s has no hint", d.Summary)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s\n%v", diff, ds)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	src := "Resources:\n  M:\n    Properties:\n      Uri: !Sub \"http://${X.Name}/p\"\n"
	n, ds := Parse("t.yaml", []byte(src))
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	uri := n.Get("Resources").Get("M").Get("Properties").Get("Uri")
	if uri.Range().Start.Line != 4 || uri.Range().Start.Column != 12 {
		t.Errorf("tag at %v, want 4:12", uri.Range().Start)
	}
	_, arg, _ := uri.Intrinsic(false)
	if arg.Range().Start.Column != 17 || arg.Range().End.Column != 37 {
		t.Errorf("value at %v-%v, want 4:17-4:37", arg.Range().Start, arg.Range().End)
	}
	if arg.Range().Start.Byte != strings.Index(src, `"http`) {
		t.Errorf("byte offset %d, want %d", arg.Range().Start.Byte, strings.Index(src, `"http`))
	}
}

func TestParseSub(t *testing.T) {
	tests := []struct {
		in   string
		want []SubPart
	}{
		{"plain", []SubPart{{Literal: "plain", Len: 5}}},
		{"a${X}b", []SubPart{{Literal: "a", Len: 1}, {IsVar: true, Var: "X", Offset: 1, Len: 4}, {Literal: "b", Offset: 5, Len: 1}}},
		{"${AWS::Region}", []SubPart{{IsVar: true, Var: "AWS::Region", Len: 14}}},
		{"${R.Name}", []SubPart{{IsVar: true, Var: "R", Attr: "Name", Len: 9}}},
		{"${R.A.B}", []SubPart{{IsVar: true, Var: "R", Attr: "A.B", Len: 8}}},
		{"x${!Lit}y", []SubPart{{Literal: "x${Lit}y", Len: 9}}},
		{"x${open", []SubPart{{Literal: "x${open", Len: 7}}},
		{"é${X}", []SubPart{{Literal: "é", Len: 1}, {IsVar: true, Var: "X", Offset: 1, Len: 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ParseSub(tt.in)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// minifiedJSON is a template of n API resources written on one line.
func minifiedJSON(n int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"Resources":{"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Name":"x"}}`)
	for i := range n {
		fmt.Fprintf(&sb, `,"R%d":{"Type":"AWS::ApiGateway::Resource","Properties":{"RestApiId":{"Ref":"Api"},"ParentId":{"Fn::GetAtt":["Api","RootResourceId"]},"PathPart":"p%d"}}`, i, i)
	}
	sb.WriteString("}}")
	return []byte(sb.String())
}

// BenchmarkParseMinifiedJSON parses a 2,000-resource template written on
// one line, as some generators emit it: positions must stay O(1) per node
// (it once took 16 s, quadratic in the line length).
func BenchmarkParseMinifiedJSON(b *testing.B) {
	src := minifiedJSON(2000)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, ds := Parse("min.json", src); len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}

// TestDuplicateKeyRelated: the first of two duplicate keys is a related
// place of the finding, not a line number in its text.
func TestDuplicateKeyRelated(t *testing.T) {
	_, ds := Parse("t.yaml", []byte("A: 1\nB: 2\nA: 3\n"))
	if len(ds) != 1 {
		t.Fatalf("want 1 finding, got %v", ds)
	}
	want := []diag.Related{{Range: diag.Range{Filename: "t.yaml", Start: diag.Pos{Line: 1, Column: 1, Byte: 0}, End: diag.Pos{Line: 1, Column: 2, Byte: 1}}, Message: `the first "A"`}}
	if diff := cmp.Diff(want, ds[0].Related); diff != "" {
		t.Errorf("related (-want +got)\n%s", diff)
	}
	if strings.Contains(ds[0].Detail, "line") {
		t.Errorf("hint still names a line: %q", ds[0].Detail)
	}
}

// TestPosMarks: on lines with multi-byte runes, pos (which counts from
// the marks it keeps) gives the byte a count from the line's start gives,
// for columns asked in any order, past the line's end too.
func TestPosMarks(t *testing.T) {
	line := strings.Repeat("ab é日本 ", 300) // 2,100 columns
	src := []byte("x: 1\n" + line + "\n" + line + "\nlast")
	p := &parser{file: "t", src: src}
	lines := p.lineTable()
	naive := func(l, col int) int {
		start, end := lines[l-1], len(src)
		if l < len(lines) {
			end = lines[l] - 1
		}
		off := start
		for c := 1; c < col && off < end; c++ {
			_, size := utf8.DecodeRune(src[off:end])
			off += size
		}
		return off
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		l, col := 2+rnd.IntN(2), rnd.IntN(2300)
		if got, want := p.pos(l, col).Byte, naive(l, col); got != want {
			t.Fatalf("pos(%d, %d).Byte = %d, want %d", l, col, got, want)
		}
	}
	// Counting to the end of a line keeps a mark every markEvery columns.
	p.pos(2, 2200)
	if want := 1 + utf8.RuneCountInString(line)/markEvery; len(p.marks) != want {
		t.Errorf("%d marks kept for a line of 2,100 columns, want %d", len(p.marks), want)
	}
}

// TestSplitGetAttBytes holds splitGetAtt, which takes the bytes of the two
// parts from their offsets in the string when the string is written as is
// at its place, to parser.pos, which counts them from the line's columns:
// plain, quoted and escaped strings, multi-byte runes before, inside and
// after, through the general path, the YAML reader and the JSON reader.
func TestSplitGetAttBytes(t *testing.T) {
	checked := 0
	for _, v := range []string{"A.B", "Fé.Arn", "日本.Attr.x", "A.ü", "Ab.C😀D"} {
		for _, form := range []string{
			"X: !GetAtt %s\n", "X: !GetAtt '%s'\n", "X: !GetAtt \"%s\"\n", "é: {Fn::GetAtt: %s}\n", "é: {Fn::GetAtt: 'ü %s'}\n",
			"X:\n  Fn::GetAtt: \"%s\"\n", "éé: [1, !GetAtt %s]\n", "{\"é\": {\"Fn::GetAtt\": \"%s\"}}", "{\"é\": {\"Fn::GetAtt\": \"\\u00e9%s\"}}",
			"X: !GetAtt \"\\t%s\"\n",
		} {
			src := []byte(fmt.Sprintf(form, v))
			for path := range 3 {
				p := &parser{file: "t", src: src}
				var root *Node
				switch path {
				case 0:
					root, _ = p.general()
				case 1:
					root, _ = p.readYAML()
				case 2:
					root, _ = p.readJSON()
				}
				var arg *Node
				var walk func(n *Node)
				walk = func(n *Node) {
					if n == nil {
						return
					}
					if len(n.Fields) == 1 && n.Fields[0].Key == "Fn::GetAtt" && n.Fields[0].Value.Kind == Sequence {
						arg = n.Fields[0].Value
					}
					for _, f := range n.Fields {
						walk(f.Value)
					}
					for _, it := range n.Items {
						walk(it)
					}
				}
				walk(root)
				if arg == nil || len(arg.Items) != 2 {
					continue // not read as an intrinsic (JSON text read as YAML …)
				}
				for _, part := range arg.Items {
					checked++
					r := part.Range()
					if got, want := r.Start.Byte, p.pos(r.Start.Line, r.Start.Column).Byte; got != want {
						t.Errorf("path %d %q: %q starts at byte %d, pos says %d", path, src, part.Value, got, want)
					}
					if got, want := r.End.Byte, p.pos(r.End.Line, r.End.Column).Byte; got != want {
						t.Errorf("path %d %q: %q ends at byte %d, pos says %d", path, src, part.Value, got, want)
					}
				}
			}
		}
	}
	if checked < 150 {
		t.Errorf("only %d parts checked", checked)
	}
}

func TestRuneCountSameAsUTF8(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefg", "abcdefgh", "abcdefghi", "héllo wörld, a longer line", "0123456789abcdé",
		"日本語のテキスト", "abcdefgh\xff", "\xffabcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz0123456789€", "abcdefg\x80"} {
		if got, want := runeCount(s), utf8.RuneCountInString(s); got != want {
			t.Errorf("runeCount(%q) = %d, want %d", s, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(128))
			if r.IntN(20) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		if got, want := runeCount(string(b)), utf8.RuneCountInString(string(b)); got != want {
			t.Fatalf("runeCount(%q) = %d, want %d", b, got, want)
		}
	}
}
