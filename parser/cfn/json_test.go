package cfn

import (
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// both parses src with the JSON reader and with the general path and
// reports whether the reader took it.
func both(t testing.TB, src []byte) (took bool) {
	t.Helper()
	fast := &parser{file: "t.json", src: src, lines: lineStarts(src), split: -1}
	if !fast.checkUTF8() {
		return false
	}
	fastRoot, ok := fast.readJSON()
	// Read by two readers (split.go), whatever the size: the same.
	two := &parser{file: "t.json", src: src, lines: lineStarts(src), split: 1}
	twoRoot, twoOK := two.readJSON()
	if twoOK != ok || ok && (!reflect.DeepEqual(twoRoot, fastRoot) || !reflect.DeepEqual(two.diags, fast.diags)) {
		t.Fatalf("two readers: took %v, one reader: took %v; tree (-one +two):\n%s\nfindings (-one +two):\n%s",
			twoOK, ok, treeDiff(fastRoot, twoRoot), cmp.Diff(fast.diags, two.diags))
	}
	if !ok {
		if len(fast.diags) != 0 {
			t.Fatalf("the reader gave up but kept findings: %v", fast.diags)
		}
		return false
	}
	if !json.Valid(src) {
		t.Fatalf("the reader took input that is not JSON: %q", src)
	}
	slow := &parser{file: "t.json", src: src, lines: lineStarts(src)}
	slowRoot, slowDiags := slow.general()
	if slowRoot == nil && fastRoot != nil {
		// yaml.v3 rejects some valid JSON ("\/", a line break before
		// a flow value); CloudFormation reads JSON as JSON.
		return true
	}
	// reflect.DeepEqual decides (cmp.Diff's edit script is quadratic on
	// long lists); cmp.Diff only explains a difference. openEnd is the
	// JSON reader's note for SameText, which the general path leaves unset.
	clearOpenEnd(fastRoot)
	if !reflect.DeepEqual(slowRoot, fastRoot) {
		t.Fatalf("tree differs from the general path's (-general +reader):\n%s", treeDiff(slowRoot, fastRoot))
	}
	if !reflect.DeepEqual(slowDiags, fast.diags) {
		t.Fatalf("findings differ from the general path's (-general +reader):\n%s", cmp.Diff(slowDiags, fast.diags))
	}
	return true
}

// TestJSONReaderMatchesYAML holds the JSON reader to the trees, positions
// and findings the general (yaml.v3) path gives, on every JSON template in
// the repository and on the shapes below.
func TestJSONReaderMatchesYAML(t *testing.T) {
	cases := map[string]string{
		"empty":      `{}`,
		"nested":     "{\n  \"A\": {\"B\": [1, -2, 3.5, true, false, null, \"x\", {}, []]}\n}\n",
		"escapes":    `{"A": "tab\there \"q\" \\ \u00e9 \ud83d\ude00 \n line"}`,
		"non-ascii":  "{\"Ä\": \"déjà vu\", \"B\": [\"日本\", {\"Fn::GetAtt\": \"Api.Root\"}]}",
		"getatt":     `{"A": {"Fn::GetAtt": "Api.RootResourceId"}, "B": {"Fn::GetAtt": ["X", "Y"]}}`,
		"unknown fn": `{"A": {"Fn::Nope": "x"}}`,
		"crlf":       "{\r\n\"A\": 1,\r\n\"B\": \"x\"\r\n}\r\n",
		"merge key":  `{"<<": {"A": 1}}`,
		"one line":   `{"Resources":{"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Name":"é"}},"R":{"Type":"T","Properties":{"P":{"Ref":"Api"}}}}}`,
		"whitespace": " \n{ \"A\" :\n[ 1 ,\n2 ] }\n\n",
		"multi-line": "{\"A\": [\n  {\"B\": \"x\"},\n  \"y\"\n],\n\"C\": {\n}\n}",
		"zero":       `{"A": 0, "B": -0, "C": 0.0, "D": 9223372036854775807}`,
		"empty key":  `{"": ""}`,
		"tabs":       "{\t\"A\"\t:\t[1,\t2 ,\t\t3]\t,\r\n\t \"B\":{\"C\" : \"x\"}  }\t\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if !both(t, []byte(src)) {
				t.Fatal("the reader gave up on valid JSON it should read")
			}
		})
	}
	// JSON that yaml.v3 rejects and CloudFormation reads: the reader
	// reads it.
	for name, src := range map[string]string{
		"escaped slash": `{"A": "a\/b"}`,
		"tab before":    "\t{\"A\": 1}",
	} {
		t.Run("fixed/"+name, func(t *testing.T) {
			if root, ds := Parse("t.json", []byte(src)); root == nil || len(ds) > 0 {
				t.Fatalf("valid JSON not read: %v", ds)
			}
			p := &parser{file: "t.json", src: []byte(src), lines: lineStarts([]byte(src))}
			if root, _ := p.general(); root != nil {
				t.Log("yaml.v3 reads it now; this case can go")
			}
		})
	}
	// Inputs the reader leaves to the general path.
	for name, src := range map[string]string{
		"duplicate":            `{"A": 1, "A": 2}`,
		"duplicate past eight": `{"K0": 0, "K1": 1, "K2": 2, "K3": 3, "K4": 4, "K5": 5, "K6": 6, "K7": 7, "K8": 8, "K9": 9, "K10": 10, "K11": 11, "K11": {"A": 1}}`,
		"trailing comma":       `{"A": 1,}`,
		"exponent":             `{"A": 1e5}`,
		"big int":              `{"A": 123456789012345678901234567890}`,
		"bom":                  "\ufeff{\"A\": 1}",
		"comment":              "{\"A\": 1 # x\n}",
		"yaml":                 "A: 1\n",
		"deep":                 strings.Repeat(`{"a":`, maxDepth+2) + "1" + strings.Repeat("}", maxDepth+2),
		"lone surrogate":       `{"A": "\ud83d"}`,
		"c1 control":           "{\"A\": \"\u0085\u0086\"}",
		"unquoted key":         `{A: 1}`,
		"after root":           `{"A": 1} x`,
		"lone CR":              "{\"A\": 1,\r\"B\": 2}",
		"control in space":     "{\"A\":\x0b1}",
		"form feed":            "{\"A\": 1,\f\"B\": 2}",
	} {
		t.Run("general/"+name, func(t *testing.T) {
			if both(t, []byte(src)) {
				t.Fatal("the reader took an input it must leave to the general path")
			}
		})
	}
	n := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || isFuzzCorpus(path)) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".json") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		t.Run(path, func(t *testing.T) {
			if !both(t, src) {
				t.Error("the reader gave up on a JSON template")
			}
			n++
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("no JSON templates found in the repository")
	}
}

// FuzzJSONReader: whatever the JSON reader reads, it reads as the general
// path does.
func FuzzJSONReader(f *testing.F) {
	for _, s := range []string{`{}`, `{"A": [1, 2.5, true, null, "x\u00e9\n"]}`, `{"A": {"Fn::GetAtt": "B.C"}}`, "{\n\"A\":\r\n{}}",
		// Strings long enough for plainRun's words, with every byte it stops at.
		"{\"Description\": \"a string of more than eight bytes, \\\"quoted\\\" and \\\\ and caf\u00e9 \u00e9t\u00e9 \\u00e9\",\n  \"K\": [\"0123456789abcdef\", \"x\ty\", \"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\"]}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		both(t, src)
	})
}

// BenchmarkParseJSONGeneralPath is BenchmarkParseMinifiedJSON's template
// through yaml.v3, as every JSON template was read before the JSON reader.
func BenchmarkParseJSONGeneralPath(b *testing.B) {
	src := minifiedJSON(2000)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		p := &parser{file: "min.json", src: src, lines: lineStarts(src)}
		if _, ds := p.general(); len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}

// treeDiff explains how two trees differ, spans shown as ranges.
func treeDiff(a, b *Node) string {
	return cmp.Diff(a, b, cmp.Transformer("Range", Span.Range), cmp.AllowUnexported(Node{}))
}

// clearOpenEnd clears the JSON reader's openEnd in the tree at n.
func clearOpenEnd(n *Node) {
	if n == nil {
		return
	}
	n.openEnd = false
	for _, it := range n.Items {
		clearOpenEnd(it)
	}
	for _, f := range n.Fields {
		clearOpenEnd(f.Value)
	}
}

// TestPlainRun checks the eight-at-a-time skip over a string's plain bytes
// against the byte-at-a-time rule it stands for: every byte it skips is
// plain, and it stops only at a byte that is not, at a word with a byte of
// 0x80 or more (which the caller reads a byte at a time), or where fewer
// than eight bytes remain.
func TestPlainRun(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c != 0x7F && c < 0x80 && c != '"' && c != '\\' }
	alphabet := []byte{'a', 'Z', ' ', '0', '~', '!', '#', '[', ']', '"', '\\', 0, '\n', '\t', 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, '!' - 1, '"' + 1, '\\' - 1, '\\' + 1}
	r := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		src := make([]byte, r.IntN(40))
		for i := range src {
			if r.IntN(4) == 0 {
				src[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				src[i] = byte(0x20 + r.IntN(0x5F)) // printable ASCII
			}
		}
		for off := range len(src) + 1 {
			p := plainRun(src, off)
			if p < off || p > len(src) {
				t.Fatalf("plainRun(%q, %d) = %d", src, off, p)
			}
			for i := off; i < p; i++ {
				if !plain(src[i]) {
					t.Fatalf("plainRun(%q, %d) = %d skipped byte %d (%#x)", src, off, p, i, src[i])
				}
			}
			if p < len(src) && plain(src[p]) && p+8 <= len(src) {
				ascii := true
				for _, c := range src[p : p+8] {
					ascii = ascii && c < 0x80
				}
				if ascii {
					t.Fatalf("plainRun(%q, %d) = %d stopped at a plain byte in an ASCII word", src, off, p)
				}
			}
		}
	}
}

// sameTree reports whether a and b are the same tree: kinds, scalar types
// and values, keys, items, in order.
func sameTree(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Type != b.Type || a.Value != b.Value || len(a.Fields) != len(b.Fields) || len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Fields {
		if a.Fields[i].Key != b.Fields[i].Key || !sameTree(a.Fields[i].Value, b.Fields[i].Value) {
			return false
		}
	}
	for i := range a.Items {
		if !sameTree(a.Items[i], b.Items[i]) {
			return false
		}
	}
	return true
}

// TestSameText: two nodes SameText finds written the same are the same
// tree. Random JSON values whose tokens include escaped strings whose span
// ends inside the token (two of them with the same span text and
// different values), numbers that are prefixes of others, empty
// collections, multi-byte text and Fn::GetAtt's dotted strings (rewritten
// to lists); pairs equal, or one token apart (often the last), or
// unrelated; each with its own layout.
func TestSameText(t *testing.T) {
	tokens := []string{`"\u0041\u0042"`, `"\u00410"`, `"a\"b"`, `"a\""`, `"a\\"`, `"x"`, `""`, `"é"`, `"\u00e9"`, `1`, `12`, `1.0`, `-0`,
		`true`, `false`, `null`, `{}`, `[]`, `"Ref"`, `"Fn::Sub"`, `"A.B"`, `"A.BC"`, `"A.B\u0043"`}
	keys := []string{`"a"`, `"b"`, `"Ref"`, `"Fn::Sub"`, `"Fn::GetAtt"`, `"c\u0064"`} // distinct once decoded
	r := rand.New(rand.NewPCG(7, 11))
	// A value as a list of tokens and punctuation, so that one token can
	// be swapped for another.
	var gen func(depth int) []string
	gen = func(depth int) []string {
		switch k := r.IntN(6); {
		case depth <= 0 || k < 3:
			return []string{tokens[r.IntN(len(tokens))]}
		case k == 3:
			out := []string{"["}
			for i := range 1 + r.IntN(3) {
				if i > 0 {
					out = append(out, ",")
				}
				out = append(out, gen(depth-1)...)
			}
			return append(out, "]")
		default:
			out := []string{"{"}
			perm := r.Perm(len(keys)) // no repeated key: the reader leaves those to the general path
			for i := range 1 + r.IntN(3) {
				if i > 0 {
					out = append(out, ",")
				}
				out = append(out, keys[perm[i]], ":")
				out = append(out, gen(depth-1)...)
			}
			return append(out, "}")
		}
	}
	isToken := func(s string) bool { return s != "[" && s != "]" && s != "{" && s != "}" && s != "," && s != ":" }
	props := func(src []byte) *Node {
		root, diags, json := ParseJSON("t.json", src)
		if !json || len(diags) > 0 {
			t.Fatalf("the JSON reader did not read %s: %v", src, diags)
		}
		return root.Get("Resources").Get("R").Get("Properties")
	}
	layout := func(parts []string, seed uint64) []byte {
		r := rand.New(rand.NewPCG(seed, 3))
		var b strings.Builder
		b.WriteString("{\"Resources\": {\"R\": {\"Type\": \"X\",\n  \"Properties\": ")
		for _, p := range parts {
			b.WriteString(p)
			switch r.IntN(4) {
			case 0:
				b.WriteString(" ")
			case 1:
				b.WriteString("\n    ")
			}
		}
		b.WriteString(strings.Repeat(" ", r.IntN(3)) + "}}}\n")
		return []byte(b.String())
	}
	same, equal := 0, 0
	for i := range 100000 {
		a := gen(4)
		b := slices.Clone(a)
		switch r.IntN(3) {
		case 0:
			// one token swapped, the last one half the time
			var at []int
			for j, p := range b {
				if isToken(p) && (j+1 == len(b) || b[j+1] != ":") { // a value, not a key
					at = append(at, j)
				}
			}
			j := at[len(at)-1]
			if r.IntN(2) == 0 {
				j = at[r.IntN(len(at))]
			}
			b[j] = tokens[r.IntN(len(tokens))]
		case 1:
			b = gen(4)
		}
		seedA, seedB := r.Uint64(), r.Uint64()
		if r.IntN(3) > 0 {
			seedB = seedA // the same layout
		}
		srcA, srcB := layout(a, seedA), layout(b, seedB)
		na, nb := props(srcA), props(srcB)
		eq := sameTree(na, nb)
		if eq {
			equal++
		}
		if SameText(na, srcA, nb, srcB) {
			same++
			if !eq {
				t.Fatalf("pair %d: SameText but different trees:\n%s\n%s", i, srcA, srcB)
			}
		}
	}
	// Both answers exercised: pairs written the same, and equal pairs
	// written differently.
	if same < 10000 || equal < same {
		t.Fatalf("%d pairs written the same, %d equal: the pairs no longer exercise SameText", same, equal)
	}
	t.Logf("%d of 100000 pairs equal, %d found by their text", equal, same)
}

// isFuzzCorpus reports whether dir is a Go fuzzing corpus (testdata/fuzz):
// its files are "go test fuzz v1" encodings whatever their names say
// (internal/fork/hcl keeps *.hcl.json ones), not templates.
func isFuzzCorpus(dir string) bool {
	return filepath.Base(dir) == "fuzz" && filepath.Base(filepath.Dir(dir)) == "testdata"
}
