package tf

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/gen"
)

// splitCases are sources whose long object constructors parseSplit may
// split, and ones it must not (a comment, a heredoc holding "x = {", a
// template, a block, a nested object over several lines, carriage
// returns, commas, an object in a list, an unterminated half).
var splitCases = []string{
	"variable \"r\" {\n  default = {\n    a = { m = \"GET\", b = \"x\" }\n    b = { m = \"PUT\", b = \"y\" }\n    c = 1\n    d = [1, 2]\n  }\n}\nlocals {\n  z = 1\n}\n",
	"locals {\n  m = {\n    a = 1, b = 2\n    c = 3\n    d = \"four\"\n  }\n  n = 2\n}\n",
	"locals {\n  m = {\n    a = 1 # one\n    b = 2\n    c = 3\n  }\n}\n",
	"locals {\n  m = {\n    a = \"${1}\"\n    b = 2\n    c = 3\n  }\n}\n",
	"locals {\n  h = <<EOT\nx = {\n  a = 1\n  b = 2\n  c = 3\n}\nEOT\n}\n",
	"locals {\n  m = {\n    a = {\n      b = 1\n    }\n    c = 2\n    d = 3\n  }\n}\n",
	"locals {\r\n  m = {\r\n    a = 1\r\n    b = 2\r\n    c = 3\r\n  }\r\n}\r\n",
	"locals {\n  l = [{\n    a = 1\n    b = 2\n    c = 3\n  }]\n}\n",
	"locals {\n  m = {\n    a = 1\n    b = 2\n    c = 3\n  }\n",
	"locals {\n  m = {\n    a = 1\n    b = 2\n    c = 3\n  }\n  n = {\n    x = \"é\"\n    y = true\n    z = null\n    w = -1.5\n  }\n}\n",
	"resource \"a\" \"b\" {\n  x = {\n    a = 1\n    b = 2\n    c = 3\n  }\n}\n",
	"resource \"a\" \"b\" {\n  x = {\n    a = 1\n    b =\n    c = 3\n  }\n}\n",
	"locals {\n  m = { a = 1,\n    b = 2\n    c = 3\n  }\n}\n",
	"locals {\n  m = {\n    \"a b\" = 1\n    (local.k) = 2\n    c: 3\n  }\n}\n",
	// Lines parsePlain reads (blank ones only, too).
	"locals {\n  m = {\n\n  \n  }\n}\n",
	"locals {\n  m = {\n    a = { m = \"GET\", b = \"x\" }\n\n    b = \"y\"\n    c-d = {}\n    e = { f = \"g\", }\n  }\n}\n",
	"variable \"v\" {\n  default = {\n\ta\t= {\tm = \"1\" }\n\tb = { m = \"2\",n = \"3\" }\n  }\n}\n",
}

// checkParseSplit parses src whole and split; when it split, the body must
// equal the whole parse's (every node and range), which must have no
// diagnostics. Reports whether it split.
func checkParseSplit(t *testing.T, src []byte) bool {
	t.Helper()
	whole, ds := hclsyntax.ParseConfig(src, "main.tf", hcl.InitialPos)
	split, ok := parseSplit(src, "main.tf")
	if !ok {
		return false
	}
	if len(ds) > 0 {
		t.Fatalf("split a source with diagnostics %v:\n%s", ds, src)
	}
	if !reflect.DeepEqual(whole.Body, split.Body) || !bytes.Equal(split.Bytes, src) {
		t.Fatalf("split parse differs from the whole parse of:\n%s", src)
	}
	return true
}

// TestParseSplitMatchesSerial checks split parses against whole ones: the
// generated configurations at the default thresholds, and the cases above,
// the golden configurations and the seed example with thresholds low
// enough for their small objects.
func TestParseSplitMatchesSerial(t *testing.T) {
	defer func(b, l int) { parseSplitMinBytes, parseSplitMinLines = b, l }(parseSplitMinBytes, parseSplitMinLines)
	defer func(b, l int) { parsePlainMinBytes, parsePlainMinLines = b, l }(parsePlainMinBytes, parsePlainMinLines)
	// At the default thresholds (parsePlain from 16 lines and 1 KiB), and
	// on two goroutines only (parsePlain off): 50 routes are below the
	// latter's thresholds (64 lines, 8 KiB).
	for _, plain := range []bool{true, false} {
		if !plain {
			parsePlainMinBytes = 1 << 30
		}
		for _, n := range []int{50, 200, 1000} {
			if split := checkParseSplit(t, []byte(gen.Terraform(n))); split != (plain || n >= 200) {
				t.Errorf("the %d-route configuration (plain %v): split %v", n, plain, split)
			}
		}
	}
	parseSplitMinBytes = 0
	split := 0
	for _, plainBytes := range []int{0, 1 << 30} {
		parsePlainMinBytes = plainBytes
		for _, lines := range []int{1, 2, 3} {
			parseSplitMinLines, parsePlainMinLines = lines, lines
			for _, c := range splitCases {
				if checkParseSplit(t, []byte(c)) {
					split++
				}
			}
			for _, src := range splitSources(t) {
				if checkParseSplit(t, src) {
					split++
				}
			}
		}
	}
	if split < 20 {
		t.Errorf("only %d sources were split; the test compares too little", split)
	}
	t.Logf("%d sources split", split)
}

// splitSources are the .tf files of the golden cases and the seed example.
func splitSources(t *testing.T) [][]byte {
	var out [][]byte
	paths, _ := filepath.Glob("testdata/*.txtar")
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".tf") {
				out = append(out, f.Data)
			}
		}
	}
	if src, err := os.ReadFile("../../examples/seed/main.tf"); err == nil {
		out = append(out, src)
	}
	return out
}

// FuzzParseSplit compares split and whole parses of the fuzzer's sources,
// with the thresholds at their lowest.
func FuzzParseSplit(f *testing.F) {
	for _, c := range splitCases {
		f.Add([]byte(c))
	}
	addLoadSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 || checkNesting(src, "main.tf", hcl.InitialPos, nestConfig) != nil {
			return
		}
		defer func(b, l int) { parseSplitMinBytes, parseSplitMinLines = b, l }(parseSplitMinBytes, parseSplitMinLines)
		defer func(b, l int) { parsePlainMinBytes, parsePlainMinLines = b, l }(parsePlainMinBytes, parsePlainMinLines)
		parseSplitMinBytes, parseSplitMinLines, parsePlainMinBytes, parsePlainMinLines = 0, 1, 0, 1
		checkParseSplit(t, src)
		// And on two goroutines, where parsePlain would have read the run.
		parsePlainMinBytes = 1 << 30
		checkParseSplit(t, src)
	})
}
