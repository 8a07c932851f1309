package cfn

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/internal/gen"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// bothYAML parses src with the YAML reader and with the general path and
// reports whether the reader took it; whatever it takes must come out of
// the general path the same: tree, positions, findings.
func bothYAML(t testing.TB, src []byte) (took bool) {
	t.Helper()
	fast := &parser{file: "t.yaml", src: src, lines: lineStarts(src), split: -1}
	if !fast.checkUTF8() {
		return false
	}
	fastRoot, ok := fast.readYAML()
	// Read by two readers (split.go), whatever the size: the same.
	two := &parser{file: "t.yaml", src: src, lines: lineStarts(src), split: 1}
	twoRoot, twoOK := two.readYAML()
	if twoOK != ok || ok && (!reflect.DeepEqual(twoRoot, fastRoot) || !reflect.DeepEqual(two.diags, fast.diags)) {
		t.Fatalf("two readers: took %v, one reader: took %v; tree (-one +two):\n%s\nfindings (-one +two):\n%s\ninput:\n%s",
			twoOK, ok, treeDiff(fastRoot, twoRoot), cmp.Diff(fast.diags, two.diags), src)
	}
	if !ok {
		if len(fast.diags) != 0 {
			t.Fatalf("the reader gave up but kept findings: %v", fast.diags)
		}
		return false
	}
	slow := &parser{file: "t.yaml", src: src, lines: lineStarts(src)}
	slowRoot, slowDiags := slow.general()
	if slowRoot == nil {
		t.Fatalf("the reader took input yaml.v3 rejects (%v):\n%s", slowDiags, src)
	}
	// reflect.DeepEqual decides (cmp.Diff's edit script is quadratic on
	// long lists); cmp.Diff only explains a difference.
	if !reflect.DeepEqual(slowRoot, fastRoot) {
		t.Fatalf("tree differs from the general path's (-general +reader):\n%s\ninput:\n%s", treeDiff(slowRoot, fastRoot), src)
	}
	if !reflect.DeepEqual(slowDiags, fast.diags) {
		t.Fatalf("findings differ from the general path's (-general +reader):\n%s", cmp.Diff(slowDiags, fast.diags))
	}
	return true
}

// yamlTaken are shapes the reader must read, the same as yaml.v3.
var yamlTaken = map[string]string{
	"scalars": "A: x\nB: 'y z'\nC: \"q\\\"\\n\\t\\\\ \"\nD: 12\nE: -3\nF: 2.50\nG: true\nH: False\nI: null\nJ: ~\n" +
		"K: 2010-09-09\nL: 10.0.0.0/16\nM: 0\nN: .inf\nO: yes\nP: a b  c   # comment\nQ: don't\nR: 'it''s'\nS: -xyz\nT: :x\nU: a#b\n",
	"versions":     "openapi: 3.0.1\nV: 1.2.3.4\nW: 0.0.0\nX: 10..2\nY: [3.0.1, 2.0]\n",
	"nested":       "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: x\n  Other:\n    Type: T\n",
	"sequences":    "A:\n  - a\n  - b\nB:\n- c\n- d\nC: x\nD:\n  - k: v\n    l: w\n  -   m: 1\n  -\n    n: 2\n",
	"comments":     "# head\nA: 1 # one\n\n  # indented\nB:   # after key\n  C: 2\n# tail",
	"flow":         "A: [a, b, 'c d', \"e\"]\nB: {k: v, 'q': w, Fn::Sub: x}\nC: []\nD: {}\nE: [1, [2, 3], {a: [b]}]\nF: [!Ref a, !GetAtt B.C, !Sub [x, {y: !Ref z}]]\n",
	"short forms":  "A: !Ref X\nB: !GetAtt Api.RootResourceId\nC: !Sub \"arn:${AWS::Partition}:x\"\nD: !Join ['', [a, !Ref B]]\nE: !If\n  - Cond\n  - !Ref A\n  - !Ref AWS::NoValue\nF: !Sub\n  - '${X}'\n  - X: !Ref Y\nG: !Select [0, !GetAZs '']\nH: !Base64 |\n  text\n",
	"literal":      "A: |\n  line 1\n    indented\n\n  line 3\nB: |-\n  x\nC: |+\n  y\n\n\nD: >\n  folded\n  text\n\n  para\nE: >-\n  z\nF: 1\n",
	"literal eof":  "A: |\n  x\n\n",
	"kept at eof":  "A: |+\n  x\n ", // spaces and no line break: no blank line kept
	"kept eof 2":   "A: |+\n  x\n\n  ",
	"long fn":      "A: {Fn::GetAtt: Api.Root}\nB:\n  Fn::GetAtt: [X, Y]\nC: {Fn::Nope: x}\nD:\n  Fn::Nope: 1\n",
	"non-ascii":    "Ä: déjà vu\nB: [日本, {é: ü}]\nC: !Sub 'ça ${X}'\n",
	"indented":     "  A: 1\n  B:\n    - x\n",
	"compact":      "A:\n  - - x\n    - !Ref y\n  -   - z\n  - - - w\n",
	"document":     "# c\n\n--- # c\nA: 1\n",
	"multi-line":   "A: one\n  two\n\n   three  \n\n\n  four # c\nB:\n  - a\n    b\n  - c: d\n     e\nC: !Sub x\n  y\nD: 1\n  2\nE: x\n  # c\n  \n",
	"quoted lines": "A: \"one  \n   two\n\n  three \\t\"\nB: 'a\n  ''b''\n\n\n  c'\nC:\n  - \"x\n    y\"\nD: !Sub \"a\n  b\"\nE: 'x\n\n  '\n",
	"tagged empty": "A: !Select []\nB: !If {}\nC: [!Join [], x]\n",
	"flow lines":   "A: [a,\n  b, # c\n\n  c\n  ]\nB: !Join ['', [\n    'arn:', !Ref X,\n    '/*']]\nC: {a: b,\n   c: [d,\n    e]}\nD: {\n  k: v }\n",
	"empty":        "A:\nB:   # c\n\nC:\n  - \n  -\n  - x\nD:\n  E:\nF:\n- \n",
	"many keys":    "A:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n  f: 6\n  g: 7\n  h: 8\n  i: 9\n  j: 10\n",
	"quoted keys":  "'A': 1\n\"B c\": 2\nC:\n  - 'k': v\n",
	"colons":       "Action: sts:AssumeRole\nUri: arn:${AWS::Partition}:apigateway\n",
	"tagged indentless": "R:\n  Target: !Join\n  - /\n  - - integrations\n    - !Ref I\n  If: !If # c\n\n  - C\n  - !Ref A\n  - x\n  Next: 1\n" +
		"S: !Split\n- ','\n- !Sub '${A}'\n",
}

// yamlLeft are inputs the reader leaves to the general path (which
// reports them or reads what the reader does not).
var yamlLeft = map[string]string{
	"duplicate":                 "A: 1\nA: 2\n",
	"duplicate past eight":      "K0: 0\nK1: 1\nK2: 2\nK3: 3\nK4: 4\nK5: 5\nK6: 6\nK7: 7\nK8: 8\nK9: 9\nK3: x\n",
	"flow duplicate past eight": "A: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9, k9: x}\n",
	"anchor":                    "A: &x 1\nB: *x\n",
	"merge":                     "A: {a: 1}\nB:\n  <<: {b: 2}\n",
	"quoted not indented":       "A: \"one\ntwo\"\n",
	"quoted continuation":       "A: \"one\\\n  two\"\n",
	"quoted key lines":          "\"A\n  b\": 1\n",
	"flow not indented":         "A: [a,\nb]\n",
	"flow closer":               "A: [\n  a\n]\n",
	"flow plain lines":          "A: [a\n  b]\n",
	"tab":                       "A:\t1\n",
	"crlf":                      "A: 1\r\nB: 2\r\n",
	"two documents":             "A: 1\n---\nB: 2\n",
	"directive":                 "%YAML 1.2\n---\nA: 1\n",
	"bad indent":                "A:\n    b: 1\n  c: 2\n",
	"value then key":            "A: b\n  c: d\n",
	"key in value":              "A: b: c\n",
	"unknown tag":               "A: !Nope x\n",
	"std tag":                   "A: !!str 1\n",
	"ref of list":               "A: !Ref [a]\n",
	"getatt no dot":             "A: !GetAtt X\n",
	"octal":                     "A: 012\n",
	"hex":                       "A: 0x1F\n",
	"exponent":                  "A: 1e5\n",
	"plus":                      "A: +5\n",
	"big int":                   "A: 123456789012345678901234567890\n",
	"underscore":                "A: 1_000\n",
	"dot digit":                 "A: .5\n",
	"json":                      "{\"A\": 1}\n",
	"not a mapping":             "- a\n- b\n",
	"scalar":                    "hello\n",
	"empty":                     "",
	"only comments":             "# x\n",
	"folded indented":           "A: >\n  a\n    b\n",
	"literal indicator":         "A: |2\n   x\n",
	"trailing comma":            "A: [a, b,]\n",
	"escapes":                   "A: \"\\u00e9\"\n",
	"flow pair":                 "A: [a: b]\n",
	"block in value":            "A: - b\n",
	"literal no eol":            "A: |\n  x",
	"seq after map":             "A:\n  b: 1\n  - c\n",
	"tagged empty key":          "A: !Join\nB: x\n",
	"tagged empty item":         "A:\n  - !Join\n  - x\n",
}

// TestYAMLReaderMatchesGeneral holds the YAML reader to the trees,
// positions and findings of the general (yaml.v3) path on the shapes
// above, on every YAML template in the repository (files and txtar
// archives) and on generated ones; it counts the templates it leaves to
// yaml.v3 so that fallback stays rare.
func TestYAMLReaderMatchesGeneral(t *testing.T) {
	for name, src := range yamlTaken {
		t.Run("taken/"+name, func(t *testing.T) {
			if !bothYAML(t, []byte(src)) {
				t.Fatal("the reader gave up on YAML it should read")
			}
		})
	}
	for name, src := range yamlLeft {
		t.Run("left/"+name, func(t *testing.T) {
			if bothYAML(t, []byte(src)) {
				t.Fatal("the reader took an input it must leave to the general path")
			}
		})
	}
	for _, variant := range []int{0, 1} {
		src, _ := gen.CFNYAML(300, variant)
		if !bothYAML(t, []byte(src)) {
			t.Errorf("the reader gave up on the generated template (variant %d)", variant)
		}
	}
	var total, taken int
	var left []string
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || isFuzzCorpus(path)) {
			return filepath.SkipDir
		}
		var files []txtar.File
		switch {
		case d.IsDir():
			return nil
		case isYAMLName(path):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files = append(files, txtar.File{Name: path, Data: src})
		case strings.HasSuffix(path, ".txtar"):
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if isYAMLName(f.Name) && !strings.Contains(f.Name, " ") {
					files = append(files, txtar.File{Name: path + "/" + f.Name, Data: f.Data})
				}
			}
		}
		for _, f := range files {
			t.Run(f.Name, func(t *testing.T) {
				total++
				if bothYAML(t, f.Data) {
					taken++
				} else {
					left = append(left, f.Name)
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the reader took %d of %d YAML templates; left to yaml.v3: %s", taken, total, strings.Join(left, " "))
	if total < 50 {
		t.Errorf("only %d YAML templates found in the repository", total)
	}
	// Most templates in the repository are clean; the ones left are
	// those with findings to report (duplicate keys, syntax errors …) and
	// the few constructs the reader leaves to yaml.v3 (102 of 106 taken
	// when this was written).
	if taken*100 < total*90 {
		t.Errorf("the reader took only %d of %d YAML templates", taken, total)
	}
}

func isYAMLName(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".template")
}

// FuzzYAMLReader: whatever the YAML reader reads, it reads as the general
// path does, and it never panics.
func FuzzYAMLReader(f *testing.F) {
	for _, s := range yamlTaken {
		f.Add([]byte(s))
	}
	for _, s := range yamlLeft {
		f.Add([]byte(s))
	}
	if src, err := os.ReadFile("../../examples/seed/template.yaml"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		bothYAML(t, src)
	})
}

// BenchmarkParseYAML2000 reads the generated 2,000-resource YAML template
// with the reader; BenchmarkParseYAMLGeneralPath the same through yaml.v3:
// go test -run X -bench ParseYAML -benchmem ./parser/cfn/
func BenchmarkParseYAML2000(b *testing.B) {
	s, _ := gen.CFNYAML(2000, 0)
	src := []byte(s)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if root, ds := Parse("t.yaml", src); root == nil || len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}

func BenchmarkParseYAMLGeneralPath(b *testing.B) {
	s, _ := gen.CFNYAML(2000, 0)
	src := []byte(s)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		p := &parser{file: "t.yaml", src: src, lines: lineStarts(src)}
		if _, ds := p.general(); len(ds) > 0 {
			b.Fatal(ds)
		}
	}
}

// TestYAMLReaderMutations holds the reader to the general path on
// templates from the repository with one line changed at random (moved
// in or out, cut short, deleted, doubled, given an indicator), which
// reaches the edges of what it reads more surely than the fuzzer does in
// a unit test's time. The seed is fixed: the same inputs every run.
func TestYAMLReaderMutations(t *testing.T) {
	paths, _ := filepath.Glob("../../examples/*/template.yaml")
	more, _ := filepath.Glob("../../resolver/testdata/real/*.yaml")
	paths = append(paths, more...)
	if len(paths) == 0 {
		t.Fatal("no templates")
	}
	rng := rand.New(rand.NewPCG(12, 34))
	edits := []func(string) string{
		func(l string) string { return " " + l },
		func(l string) string { return strings.TrimPrefix(l, " ") },
		func(l string) string { return strings.TrimPrefix(l, "  ") },
		func(l string) string { return l[:rng.IntN(len(l)+1)] },
		func(string) string { return "" },
		func(l string) string { return l + "\n" + l },
		func(l string) string {
			i := rng.IntN(len(l) + 1)
			return l[:i] + []string{":", "- ", "'", "\"", "#", "[", "{", "]", "}", ",", " ", "!Ref ", "|", ">", "&a ", "*a", "? ", "\n"}[rng.IntN(18)] + l[i:]
		},
		// Multi-byte runes anywhere (the reader counts columns in bytes up
		// to a line's first one).
		func(l string) string {
			i := rng.IntN(len(l) + 1)
			return l[:i] + []string{"é", "日本", "✓ü", "\U0001F600"}[rng.IntN(4)] + l[i:]
		},
	}
	n, taken := 0, 0
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		for range 40 {
			i := rng.IntN(len(lines))
			mutated := slices.Clone(lines)
			mutated[i] = edits[rng.IntN(len(edits))](mutated[i])
			in := []byte(strings.Join(mutated, "\n"))
			n++
			if bothYAML(t, in) {
				taken++
			}
		}
	}
	t.Logf("%d of %d mutated templates taken by the reader, the same as yaml.v3", taken, n)
}

// TestYAMLReaderWide holds the reader's columns and bytes to the general
// path's on lines with multi-byte runes in every place a position is
// taken from: keys, plain, quoted (escaped or not) and folded scalars,
// short-form tags and their arguments, !GetAtt strings, flow collections,
// comments, before and after the rune, on one line or on several, read by
// one reader or two.
func TestYAMLReaderWide(t *testing.T) {
	base, _ := gen.CFNYAML(60, 0)
	lines := strings.Split(base, "\n")
	rng := rand.New(rand.NewPCG(56, 78))
	runes := []string{"é", "日本", "✓", "\U0001F600", "ü ö"}
	taken, n := 0, 0
	for round := range 60 {
		mutated := slices.Clone(lines)
		for k := 0; k < 1+round%8; k++ {
			i := rng.IntN(len(mutated))
			l := mutated[i]
			// Insert after a character, never inside one, and past the
			// indentation, which decides the structure.
			var cuts []int
			ind := len(l) - len(strings.TrimLeft(l, " "))
			for j := range l {
				if j > ind {
					cuts = append(cuts, j)
				}
			}
			cuts = append(cuts, len(l))
			c := cuts[rng.IntN(len(cuts))]
			mutated[i] = l[:c] + runes[rng.IntN(len(runes))] + l[c:]
		}
		n++
		if bothYAML(t, []byte(strings.Join(mutated, "\n"))) {
			taken++
		}
	}
	for name, src := range map[string]string{
		"keys":     "Ä: 1\nB: {ä: x, 'ö': \"ü\"}\nC:\n  - é\n  - 'é''x'\n  - \"\\té\"\n",
		"tags":     "A: !GetAtt Fé.Arn\nB: !Sub 'ö${X}'\nC: !Ref ä\nD: [!Ref é, !GetAtt 'ü.Arn']\nE: !GetAtt \"ü.x\"\n",
		"folded":   "A: aé\n  bü\n\n  c\nB: 'x é\n  y'\nC: >\n  é\n  ü\n",
		"comments": "# é\nA: x # ü\nB: [a, # ö\n  b]\n",
		"empty":    "A:\nB: é\nC: [é]\nD: {}\nE: !If []\n",
		"adjacent": "A: [é,x, ü,y]\nB: [日,z]\nC: {é: [x,é,y]}\n",
	} {
		n++
		if !bothYAML(t, []byte(name+"é: 1\n"+src)) {
			t.Errorf("%s: the reader gave up", name)
		} else {
			taken++
		}
	}
	t.Logf("%d of %d taken by the reader, the same as yaml.v3", taken, n)
	if taken*2 < n {
		t.Errorf("the reader took only %d of %d", taken, n)
	}
}

// TestPlainTextWords holds plainTextLines, which checks eight ASCII bytes at a
// time, to a check of one rune at a time, on random texts made of the
// bytes that decide it (controls, line feeds, tabs, DEL, printable ASCII,
// multi-byte runes, bytes that are not UTF-8), at every length and offset.
func TestPlainTextWords(t *testing.T) {
	ref := func(src []byte) bool {
		for i := 0; i < len(src); {
			ru, size := utf8.DecodeRune(src[i:])
			if ru < utf8.RuneSelf && ((ru < 0x20 && ru != '\n') || ru == 0x7F) ||
				ru >= utf8.RuneSelf && (ru < 0xA0 || ru == 0x2028 || ru == 0x2029 || ru == 0xFEFF || ru == 0xFFFE || ru == 0xFFFF || ru == utf8.RuneError ||
					(ru >= 0xD800 && ru < 0xE000)) {
				return false
			}
			i += size
		}
		return true
	}
	// Every ASCII byte in each place of one and two words and a tail.
	for n := range 26 {
		for at := range n {
			for c := range byte(utf8.RuneSelf) {
				b := bytes.Repeat([]byte{'a'}, n)
				b[at] = c
				if _, got := plainTextLines(b); got != ref(b) {
					t.Fatalf("plainTextLines(%q) ok = %v, want %v", b, got, !got)
				}
			}
		}
	}
	pieces := []string{"a", "Z", " ", "~", "\n", "\n", "\t", "\r", "\x00", "\x1f", "\x7f", "\x80", "\xff", "é", "日", "\u2028", "\u0085", "\ufeff", "x: y", "    "}
	rnd := rand.New(rand.NewPCG(3, 4))
	differ, plain := 0, 0
	for i := 0; i < 200000; i++ {
		var b []byte
		for n := rnd.IntN(40); len(b) < n; {
			// Mostly printable ASCII, so that whole clean words occur.
			if rnd.IntN(4) > 0 {
				b = append(b, byte(0x20+rnd.IntN(0x5F)))
			} else {
				b = append(b, pieces[rnd.IntN(len(pieces))]...)
			}
		}
		want := ref(b)
		wide, got := plainTextLines(b)
		if got != want {
			differ++
			if differ < 5 {
				t.Errorf("plainTextLines(%q) ok = %v, want %v", b, !want, want)
			}
		}
		// The first multi-byte rune of each line that has one.
		var wantWide []int
		for start := 0; want && start <= len(b); {
			end := len(b)
			if j := bytes.IndexByte(b[start:], '\n'); j >= 0 {
				end = start + j
			}
			if j := slices.IndexFunc(b[start:end], func(c byte) bool { return c >= utf8.RuneSelf }); j >= 0 {
				wantWide = append(wantWide, start+j)
			}
			start = end + 1
		}
		if want && !slices.Equal(wide, wantWide) {
			differ++
			if differ < 5 {
				t.Errorf("plainTextLines(%q) = %v, want %v", b, wide, wantWide)
			}
		}
		if want {
			plain++
		}
	}
	if plain == 0 || plain == 200000 {
		t.Fatalf("%d of 200,000 texts plain: the test does not decide anything", plain)
	}
}

// TestPlainStop checks plainEnd, which skips eight bytes at a time
// (plainStop), against the byte-at-a-time loop it had, on random texts with
// the bytes it stops at, their neighbours ("!" after the space, ";" after
// the colon, controls), multi-byte runes and invalid UTF-8, from every
// offset, in block and flow context.
func TestPlainStop(t *testing.T) {
	plainEndRef := func(r *yamlReader, flow bool) (end, stop int) {
		i := r.off
		end = i
		for i < len(r.src) {
			switch c := r.src[i]; {
			case c == '\n':
				return end, i
			case c == ' ':
				j := i
				for j < len(r.src) && r.src[j] == ' ' {
					j++
				}
				if j == len(r.src) || r.src[j] == '\n' || r.src[j] == '#' {
					return end, i
				}
				i = j
				continue
			case c == ':' && r.blankz(i+1):
				return end, i
			case flow && r.flowIndicator(i):
				return end, i
			}
			i++
			end = i
		}
		return end, i
	}
	pieces := []string{"a", "Z", "0", "-", ":", ": ", " ", "  ", "\n", "#", " #", ",", "[", "]", "{", "}", "?", "é", "€", "\xff", "\xc3", "AWS::ApiGateway::Method", "x", "!", "\x7f", "\x01", "\x1f", ";", "9"}
	r := rand.New(rand.NewPCG(5, 6))
	for range 30000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		src := []byte(b.String())
		for off := range len(src) + 1 {
			for _, flow := range []bool{false, true} {
				y := &yamlReader{src: src, off: off}
				e1, s1 := y.plainEnd(flow)
				e2, s2 := plainEndRef(y, flow)
				if e1 != e2 || s1 != s2 {
					t.Fatalf("plainEnd(%q at %d, flow %v) = %d, %d; byte at a time %d, %d", src, off, flow, e1, s1, e2, s2)
				}
			}
		}
	}
}
