package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/gen"
)

// TestSplitJSON: a JSON template read by two readers (split.go) gives the
// tree, positions and findings one reader gives (both() compares them, and
// both with the general path), and the second reader's work is really
// used where the template has a Resources section to share.
func TestSplitJSON(t *testing.T) {
	generated, _ := gen.CFNJSON(300, 0)
	var minified bytes.Buffer
	if err := json.Compact(&minified, []byte(generated)); err != nil {
		t.Fatal(err)
	}
	resources := func(entries ...string) string {
		return `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {` + strings.Join(entries, ",\n") + "}}"
	}
	entry := func(name string) string {
		return `"` + name + `": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "` + name + `"}}`
	}
	cases := map[string]struct {
		src   string
		split bool // the second reader's entries are used
		takes bool // the reader takes it at all
	}{
		"generated":   {generated, true, true},
		"minified":    {minified.String(), true, true},
		"two entries": {resources(entry("A"), entry("B")), true, true},
		"non-ascii on the line": {`{"Resources": {"Ä": {"Type": "T", "Properties": {"P": "déjà vu 日本"}}, "B": {"Type": "T"}, ` +
			`"C": {"Type": "T", "Properties": {"Q": "é"}}}}`, true, true},
		"escaped keys": {resources(entry(`A\"B`), entry(`C\\`), entry(`\u00e9`), entry("D")), true, true},
		"outputs after": {`{"Resources": {"A": {"Type": "T"}, "B": {"Type": "T"}, "C": {"Type": "T"}},
"Outputs": {"O": {"Value": {"Ref": "A"}}}}`, true, true},
		"intrinsic findings": {resources(`"A": {"Type": "T", "Properties": {"P": {"Fn::Nope": 1}}}`, entry("B"),
			`"C": {"Type": "T", "Properties": {"P": {"Fn::Bad": 1}, "Q": {"Fn::GetAtt": "X.Y"}}}`), true, true},
		"one entry": {resources(entry("A")), false, true},
		// The guess from the indentation (indentedSplit) is a string in a
		// list: the second reader's work is dropped.
		"indented guess misses": {"{\n \"Resources\": {\n  \"A\": {\"Type\": \"T\"},\n  \"B\": {\"Type\": \"T\", \"Properties\": {\"P\": \"" +
			strings.Repeat("x", 200) + "\", \"Q\": [\n  \"x\"]}}\n }\n}\n", false, true},
		"no resources":        {`{"Parameters": {"A": {"Type": "String"}, "B": {"Type": "String"}}}`, false, true},
		"resources a list":    {`{"Resources": [{"A": 1}, {"B": 2}]}`, false, true},
		"nested resources":    {`{"X": {"Resources": {"A": {"Type": "T"}, "B": {"Type": "T"}}}}`, false, true},
		"duplicate across":    {resources(entry("A"), entry("B"), entry("A")), false, false},
		"duplicate in second": {resources(entry("A"), entry("B"), entry("C"), entry("C")), false, false},
		// Past inlineKeys keys, duplicates are found once the mapping is
		// read (repeatedKeys), so after the halves are joined: across the
		// halves or in the second, the reader still gives up.
		"wide duplicate across": {resources(wide(entry, 12, "K3")...), true, false},
		"wide duplicate last":   {resources(wide(entry, 20, "K19")...), true, false},
		"wide duplicate first":  {resources(append([]string{entry("K0")}, wide(entry, 11, "")...)...), false, false},
		"wide no duplicate":     {resources(wide(entry, 30, "")...), true, true},
		"bad in second":         {resources(entry("A"), entry("B"), `"C": {"Type": 1e5}`), false, false},
		"bad in first":          {resources(`"A": {"Type": 1e5}`, entry("B"), entry("C")), false, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if took := both(t, []byte(c.src)); took != c.takes {
				t.Fatalf("reader took it: %v, want %v", took, c.takes)
			}
			p := &parser{file: "t.json", src: []byte(c.src), lines: lineStarts([]byte(c.src)), split: 1}
			p.readJSON()
			if p.splitJoined != c.split {
				t.Errorf("second reader's entries used: %v, want %v", p.splitJoined, c.split)
			}
		})
	}
}

// TestSplitYAML is TestSplitJSON for the YAML reader.
func TestSplitYAML(t *testing.T) {
	generated, _ := gen.CFNYAML(300, 0)
	res := func(body string) string {
		return "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + body
	}
	cases := map[string]struct {
		src   string
		split bool // the second reader's entries are used
		takes bool // the reader takes it at all
	}{
		"generated":           {generated, true, true},
		"two entries":         {res("  A:\n    Type: T\n  B:\n    Type: T\n"), true, true},
		"outputs after":       {res("  A:\n    Type: T\n  B:\n    Type: T\n  C:\n    Type: T\nOutputs:\n  O:\n    Value: !Ref A\n"), true, true},
		"indented four":       {res("    A:\n        Type: T\n    B:\n        Type: T\n    C: {Type: T}\n"), true, true},
		"comments and blanks": {res("  # first\n  A:\n    Type: T\n\n  # between\n\n  B:\n    Type: T # trailing\n  C:\n    Type: T\n# end\n"), true, true},
		"block scalars":       {res("  A:\n    Type: T\n    Properties:\n      Code: |\n        line\n\n        Resources:\n  B:\n    Type: T\n    Properties:\n      D: >-\n        folded\n        text\n  C:\n    Type: T\n"), true, true},
		"non-ascii":           {res("  Ä:\n    Type: T\n    Properties: {P: déjà vu}\n  B:\n    Type: 日本\n  C:\n    Type: T\n"), true, true},
		"findings":            {res("  A:\n    Type: T\n    Properties:\n      P: {Fn::Nope: 1}\n  B:\n    Type: T\n  C:\n    Properties:\n      Q: {Fn::Bad: 1}\n      R: {Fn::GetAtt: X.Y}\n"), true, true},
		"one entry":           {res("  A:\n    Type: T\n"), false, true},
		// The guess from the indentation (indentedLine) is a line of a
		// block scalar: the second reader's work is dropped.
		"indented guess misses": {res("  A:\n    Type: T\n  B:\n    Type: T\nDescription: |\n" + strings.Repeat("  looks: like a key\n", 20)), false, true},
		"resources a list":      {res("  - A\n  - B\n"), false, true},
		"resources inline":      {"Resources: {A: {Type: T}, B: {Type: T}}\n", false, true},
		"nested resources":      {"X:\n  Resources:\n    A: 1\n    B: 2\n", false, true},
		"duplicate across":      {res("  A:\n    Type: T\n  B:\n    Type: T\n  A:\n    Type: T\n"), false, false},
		"duplicate in second":   {res("  A:\n    Type: T\n  B:\n    Type: T\n  C: 1\n  C: 2\n"), false, false},
		"wide duplicate across": {res(strings.Join(wide(yamlEntry, 12, "K3"), "")), true, false},
		"wide duplicate last":   {res(strings.Join(wide(yamlEntry, 20, "K19"), "")), true, false},
		"wide no duplicate":     {res(strings.Join(wide(yamlEntry, 30, ""), "")), true, true},
		"anchor in second":      {res("  A:\n    Type: T\n  B:\n    Type: T\n  C: &x\n    Type: T\n"), false, false},
		"anchor in first":       {res("  A: &x\n    Type: T\n  B:\n    Type: T\n  C:\n    Type: T\n"), false, false},
		"more indented key":     {res("  A:\n    Type: T\n  B:\n    Type: T\n   C: 1\n"), false, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if took := bothYAML(t, []byte(c.src)); took != c.takes {
				t.Fatalf("reader took it: %v, want %v", took, c.takes)
			}
			p := &parser{file: "t.yaml", src: []byte(c.src), lines: lineStarts([]byte(c.src)), split: 1}
			p.readYAML()
			if p.splitJoined != c.split {
				t.Errorf("second reader's entries used: %v, want %v", p.splitJoined, c.split)
			}
		})
	}
}

// TestSplitDefault: Parse splits a large template only, when there are
// two cores to read it.
func TestSplitDefault(t *testing.T) {
	big, _ := gen.CFNJSON(2000, 0)
	small, _ := gen.CFNJSON(20, 0)
	for _, c := range []struct {
		src  string
		want bool
	}{{big, runtime.GOMAXPROCS(0) > 1}, {small, false}} {
		p := &parser{file: "t.json", src: []byte(c.src), lines: lineStarts([]byte(c.src))}
		if _, _, _, ok := p.splitPoint(); ok != c.want {
			t.Errorf("%d bytes: split %v, want %v", len(c.src), ok, c.want)
		}
	}
}

// TestParseJSONOneReader: ParseJSONOneReader never starts the second
// reader, and gives the tree, findings and JSON flag ParseJSON gives
// (which splits these templates where there are two cores).
func TestParseJSONOneReader(t *testing.T) {
	js, _ := gen.CFNJSON(2000, 0)
	ys, _ := gen.CFNYAML(2000, 0)
	for _, src := range []string{js, ys} {
		p := &parser{file: "t", src: []byte(src), split: -1}
		if p.splitWanted() {
			t.Fatal("one reader wants a second")
		}
		root, diags, json := ParseJSON("t", []byte(src))
		one, oneDiags, oneJSON := ParseJSONOneReader("t", []byte(src))
		if !reflect.DeepEqual(one, root) || !reflect.DeepEqual(oneDiags, diags) || oneJSON != json {
			t.Errorf("%d bytes: ParseJSONOneReader differs from ParseJSON", len(src))
		}
	}
}

// BenchmarkParseSplit2000 reads the generated 2,000-resource templates
// with one reader and with two (split.go); ns/op is wall time, so the two
// only differ when two cores are free.
// go test -run X -bench ParseSplit2000 -benchmem ./parser/cfn/
func BenchmarkParseSplit2000(b *testing.B) {
	js, _ := gen.CFNJSON(2000, 0)
	ys, _ := gen.CFNYAML(2000, 0)
	for _, format := range []string{"json", "yaml"} {
		src := []byte(js)
		read := (*parser).readJSON
		if format == "yaml" {
			src, read = []byte(ys), (*parser).readYAML
		}
		for _, c := range []struct {
			name  string
			split int
		}{{"one", -1}, {"two", 1}} {
			b.Run(format+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					p := &parser{file: "t", src: src, lines: lineStarts(src), split: c.split}
					p.arena.size(len(src))
					if _, ok := read(p); !ok || !p.splitJoined && c.split > 0 {
						b.Fatal("not read, or not by two readers")
					}
				}
			})
		}
	}
}

// wide returns n entries K0 ... K(n-1) made by entry, and one more for the
// key again when again is not "".
func wide(entry func(string) string, n int, again string) []string {
	var out []string
	for i := range n {
		out = append(out, entry(fmt.Sprintf("K%d", i)))
	}
	if again != "" {
		out = append(out, entry(again))
	}
	return out
}

// yamlEntry is a resource entry of a YAML Resources section.
func yamlEntry(k string) string { return "  " + k + ":\n    Type: T\n" }
