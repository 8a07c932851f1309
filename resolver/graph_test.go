package resolver

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// oldSubRange is subRange as it was before its ASCII path: every string
// decoded rune by rune. The tests below hold subRange to it.
func oldSubRange(str *cfn.Node, p cfn.SubPart) diag.Range {
	r := str.Range()
	if r.Start.Line != r.End.Line || strings.Contains(str.Value, "\n") {
		return r
	}
	shift := 0
	if r.End.Column-r.Start.Column == utf8.RuneCountInString(str.Value)+2 {
		shift = 1 // quoted
	}
	startByte, endByte, i := -1, len(str.Value), 0
	for b := range str.Value {
		if i == p.Offset {
			startByte = b
		}
		if i == p.Offset+p.Len {
			endByte = b
			break
		}
		i++
	}
	if startByte < 0 {
		startByte = len(str.Value)
	}
	out := r
	out.Start.Column = r.Start.Column + shift + p.Offset
	out.Start.Byte = r.Start.Byte + shift + startByte
	out.End.Column = out.Start.Column + p.Len
	out.End.Byte = r.Start.Byte + shift + endByte
	return out
}

// checkSubRange compares subRange with oldSubRange for value written at
// line 3, column col, quoted or not (or spread over two lines), for every
// part ParseSub finds and for an offset and length of its own.
func checkSubRange(t *testing.T, value string, col, extraOff, extraLen int, quoted, twoLines bool) {
	t.Helper()
	runes, width := utf8.RuneCountInString(value), len(value)
	if quoted {
		runes, width = runes+2, width+2
	}
	file := "t.yaml"
	r := diag.Range{Filename: file, Start: diag.Pos{Line: 3, Column: col, Byte: 40 + col}, End: diag.Pos{Line: 3, Column: col + runes, Byte: 40 + col + width}}
	if twoLines {
		r.End.Line = 4
	}
	str := &cfn.Node{Kind: cfn.Scalar, Value: value, Span: cfn.SpanOf(r)}
	parts := append(cfn.ParseSub(value), cfn.SubPart{IsVar: true, Var: "X", Offset: extraOff, Len: extraLen})
	for _, p := range parts {
		if got, want := subRange(str, p), oldSubRange(str, p); got != want {
			t.Fatalf("subRange(%q, offset %d len %d, quoted %v) = %+v, want %+v", value, p.Offset, p.Len, quoted, got, want)
		}
	}
}

func TestSubRangeSameAsDecoding(t *testing.T) {
	pieces := []string{"arn:", "${AWS::Region}", "${Fn.Arn}", "${!Lit}", "é", "日本", "😀", "\n", "${", "}", "x", " ", "${A}", "\\"}
	rng := rand.New(rand.NewPCG(3, 23))
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		v := b.String()
		checkSubRange(t, v, 1+rng.IntN(30), rng.IntN(len(v)+3), rng.IntN(6), rng.IntN(2) == 0, rng.IntN(8) == 0)
	}
}

func FuzzSubRange(f *testing.F) {
	f.Add("arn:${AWS::Partition}:lambda:${Fn.Arn}/x", 5, 3, 2, true, false)
	f.Add("é${A}日${B.C}", 1, 2, 4, false, false)
	f.Add("a\n${A}", 1, 0, 1, true, false)
	f.Fuzz(func(t *testing.T, v string, col, off, n int, quoted, twoLines bool) {
		if !utf8.ValidString(v) || col < 1 || col > 1000 || off < 0 || off > len(v)+4 || n < 0 || n > len(v)+4 {
			return
		}
		checkSubRange(t, v, col, off, n, quoted, twoLines)
	})
}
