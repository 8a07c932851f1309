package textseg

// The fork's tests (cfnrun, internal/fork/textseg15): ScanGraphemeClusters
// (ascii.go) gives what upstream's machine, scanGraphemeClusters, gives.

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sameAt checks ScanGraphemeClusters against upstream's machine on data
// from every offset, with and without atEOF.
func sameAt(t *testing.T, name string, data []byte) {
	t.Helper()
	for i := 0; i < len(data); i++ {
		for _, atEOF := range []bool{true, false} {
			n, tok, err := ScanGraphemeClusters(data[i:], atEOF)
			wn, wtok, werr := scanGraphemeClusters(data[i:], atEOF)
			if n != wn || !bytes.Equal(tok, wtok) || (tok == nil) != (wtok == nil) || err != werr {
				t.Fatalf("%s at byte %d (atEOF %v) of %q: got %d %q %v, upstream %d %q %v", name, i, atEOF, data, n, tok, err, wn, wtok, werr)
			}
		}
	}
}

// TestASCIIPairs: every first and second byte, followed by nothing, ASCII,
// or a character that joins the one before it (Extend U+0301, ZWJ,
// SpacingMark U+093E, a regional indicator, Hangul V).
func TestASCIIPairs(t *testing.T) {
	tails := [][]byte{nil, []byte("a"), []byte("\n"), []byte("\r"), []byte("\u0301"), []byte("\u200d"), []byte("\u093e"), []byte("\U0001F1E6"), []byte("\u1161"), {0xff}}
	for b0 := 0; b0 < 256; b0++ {
		for b1 := -1; b1 < 256; b1++ {
			for _, tail := range tails {
				data := []byte{byte(b0)}
				if b1 >= 0 {
					data = append(data, byte(b1))
				}
				data = append(data, tail...)
				sameAt(t, "pair", data)
			}
		}
	}
}

// TestCorpus: the repository's configuration and template files (the
// fork is at internal/fork/textseg15/textseg), and upstream's conformance
// inputs.
func TestCorpus(t *testing.T) {
	for _, tc := range unicodeGraphemeTests {
		sameAt(t, "conformance", tc.input)
	}
	root := filepath.Join("..", "..", "..", "..")
	if _, err := os.Stat(filepath.Join(root, "parser", "tf")); err != nil {
		t.Skip("not inside the cfnrun repository")
	}
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "node_modules" || strings.HasPrefix(path, filepath.Join(root, "internal", "fork")) {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".tf", ".tfvars", ".hcl", ".json", ".yaml", ".yml", ".md":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil || len(data) > 1<<20 {
			return err
		}
		files++
		sameAt(t, path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("only %d corpus files", files)
	}
}

func FuzzScanGraphemeClusters(f *testing.F) {
	for _, s := range []string{"a = \"b\"\r\n", "x\u0301y", "\r\r\n\n", "e\u200d\U0001F600", "\xff\xfe", "ab\u093e"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAt(t, "fuzz", data)
	})
}
