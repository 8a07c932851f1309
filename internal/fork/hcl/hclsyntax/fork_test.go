// Copyright IBM Corp. 2014, 2026
// SPDX-License-Identifier: MPL-2.0

// The cfnrun fork's lexer (FORK.md) against upstream's: the same tokens,
// ranges and string literal parts for every input.

package hclsyntax

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/internal/unicodeutil"
)

// tokenAccumUpstream is upstream's tokenAccum with upstream's emitToken,
// for scanTokensUpstream (scan_tokens_upstream_test.go).
type tokenAccumUpstream struct {
	Filename  string
	Bytes     []byte
	Pos       hcl.Pos
	Tokens    []Token
	StartByte int
}

func (f *tokenAccumUpstream) emitToken(ty TokenType, startOfs, endOfs int) {
	start := f.Pos
	start.Column += startOfs + f.StartByte - f.Pos.Byte
	start.Byte = startOfs + f.StartByte

	end := start
	end.Byte = endOfs + f.StartByte
	b := f.Bytes[startOfs:endOfs]
	for len(b) > 0 {
		advance, seq, _ := unicodeutil.ScanGraphemeClusters(b, true)
		if (len(seq) == 1 && seq[0] == '\n') || (len(seq) == 2 && seq[0] == '\r' && seq[1] == '\n') {
			end.Line++
			end.Column = 1
		} else {
			end.Column++
		}
		b = b[advance:]
	}

	f.Pos = end

	f.Tokens = append(f.Tokens, Token{
		Type:  ty,
		Bytes: f.Bytes[startOfs:endOfs],
		Range: hcl.Range{
			Filename: f.Filename,
			Start:    start,
			End:      end,
		},
	})
}

// forkInputs are hand-written inputs for the corners of the lexer: every
// token type, templates in each mode, heredocs, comments, CR LF and lone
// CR, non-ASCII identifiers and strings, combining marks after ASCII,
// invalid UTF-8, unterminated constructs.
var forkInputs = []string{
	"",
	"a = 1\n",
	"a = 1",
	"a=1\r\nb=2\r\n",
	"a = \"x\ry\"\r",
	"\r",
	"\r\n",
	"\n\n\n",
	"resource \"aws_x\" \"y\" {\n  for_each = var.routes\n  n = each.key\n}\n",
	"x = \"${var.a}/${each.key}\"\n",
	"x = \"%{ if a }b%{ else }c%{ endif }\"\n",
	"x = \"%{ for k, v in m ~}${k}=${v}%{~ endfor }\"\n",
	"x = <<EOT\nhello ${name}\n  world\nEOT\n",
	"x = <<-EOT\n    indented\n    EOT\n",
	"x = <<EOT\nunterminated\n",
	"x = <<EOT\r\ncrlf ${a}\r\nEOT\r\n",
	"# comment\n// comment\n/* block\ncomment */ a = 1\n",
	"/* unterminated",
	"a = 1.5e10 + 0x12 - 3 * 4 / 5 % 6\n",
	"a = !b && c || d ? e : f\n",
	"a = [for x in y : x if x != null]\n",
	"a = {for k, v in m : k => v...}\n",
	"a = b[0].c[*].d.*.e\n",
	"a = x == y != z <= w >= v < u > t\n",
	"a = `backtick` ^ & | ** \n",
	"a = \"unterminated\n",
	"a = \"esc \\\" \\n \\t \\\\ \\u00e9 \\U0001F600 $${lit} %%{lit}\"\n",
	"ünïcode = \"naïve café\"\n",
	"a = \"e\u0301\"\n",
	"e\u0301 = 1\n",
	"a = \"x\u200dy\"\n",
	"a\u0308b = \"\u1100\u1161\u11a8\"\n",
	"a = \"🏳️‍🌈 flag\"\n",
	"a = \"\xff\xfe bad utf8\"\n",
	"\xff = 1\n",
	"a = \"\r\u0301\"\n",
	"a\t=\t1\v\f\n",
	"a = 1 # trailing\r\n",
	"block {\n  nested \"label\" {\n    a = {\n      b = [1, 2, 3,]\n    }\n  }\n}\n",
	"a = \"${\"nested ${\"deep\"}\"}\"\n",
	"a = \"${a}${b}\"\n",
	"a = \"$\"\n",
	"a = \"%\"\n",
	"a = \"${\"\n",
	"a = \"%{\"\n",
	"a = <<EOT\n${a}\n%{ if b }c%{ endif }\nEOT\n",
}

// forkCorpus is forkInputs and every .tf, .tfvars and .hcl file of the
// repository this fork lives in, with testdata of hcl's own.
func forkCorpus(t testing.TB) [][]byte {
	var out [][]byte
	for _, s := range forkInputs {
		out = append(out, []byte(s))
	}
	roots := []string{"../../../..", ".."}
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if strings.Contains(p, "internal/fork/hcl") && root != ".." {
				return nil
			}
			switch filepath.Ext(p) {
			case ".tf", ".tfvars", ".hcl", ".txtar", ".t":
				if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
					out = append(out, b)
				}
			}
			return nil
		})
	}
	if len(out) < len(forkInputs)+20 {
		t.Fatalf("corpus has %d inputs: the repository's files were not found", len(out))
	}
	return out
}

func compareLexers(t testing.TB, src []byte) {
	t.Helper()
	start := hcl.Pos{Line: 3, Column: 7, Byte: 11}
	for _, mode := range []scanMode{scanNormal, scanTemplate, scanIdentOnly} {
		got := scanTokens(src, "f.tf", start, mode)
		want := scanTokensUpstream(src, "f.tf", start, mode)
		if !reflect.DeepEqual(got, want) {
			n := min(len(got), len(want))
			i := 0
			for i < n && reflect.DeepEqual(got[i], want[i]) {
				i++
			}
			t.Fatalf("mode %d, %q: tokens differ at %d of %d/%d", mode, src, i, len(got), len(want))
		}
		for _, tok := range got {
			if tok.Type != TokenQuotedLit && tok.Type != TokenStringLit {
				continue
			}
			for _, quoted := range []bool{true, false} {
				g, w := scanStringLit(tok.Bytes, quoted), scanStringLitUpstream(tok.Bytes, quoted)
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("%q (quoted %v): string literal parts %q, upstream %q", tok.Bytes, quoted, g, w)
				}
			}
		}
	}
}

func TestForkLexerMatchesUpstream(t *testing.T) {
	corpus := forkCorpus(t)
	for k, src := range corpus {
		compareLexers(t, src)
		// Every prefix of the hand-written inputs and of the first 160
		// bytes of each file: the machine stops in every state.
		n := len(src)
		if k >= len(forkInputs) {
			n = min(n, 160)
		}
		for i := 0; i < n; i++ {
			compareLexers(t, src[:i])
		}
	}
	t.Logf("%d inputs", len(corpus))
}

// TestForkLexerSplices cuts each input at every 7th byte and puts a
// non-ASCII or control sequence there: combining marks after ASCII bytes,
// CR before LF and not, invalid UTF-8.
func TestForkLexerSplices(t *testing.T) {
	inserts := []string{"\u0301", "\r", "\r\n", "\n", "\u200d", "\xff", "é", "\t", "${", "%{", "\"", "<<EOT\n"}
	for _, src := range forkCorpus(t)[:len(forkInputs)] {
		for i := 0; i <= len(src); i += 7 {
			for _, ins := range inserts {
				s := append(append(append([]byte{}, src[:i]...), ins...), src[i:]...)
				compareLexers(t, s)
			}
		}
	}
}

func FuzzForkLexer(f *testing.F) {
	for _, s := range forkInputs {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		compareLexers(t, src)
	})
}

// TestForkTokensPresized: the token slice starts with room for a
// configuration's tokens (4.2-7 bytes a token in the repository's files).
func TestForkTokensPresized(t *testing.T) {
	src := bytes.Repeat([]byte("  rest_api_id = aws_api_gateway_rest_api.api.id\n"), 50)
	toks := scanTokens(src, "f.tf", hcl.InitialPos, scanNormal)
	if len(toks) > len(src)/4+16 || cap(toks) != len(src)/4+16 {
		t.Fatalf("cap %d for %d tokens of %d bytes", cap(toks), len(toks), len(src))
	}
}
