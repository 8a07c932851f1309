package tf

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"gopkg.in/yaml.v3"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Where the parts of a REST API's body are written, so the elements
// imported from it (resources, methods, integrations, validators, models,
// authorizers) point at their key inside the body, as the resolver's
// import of a CloudFormation Body does:
//   - jsonencode({...}): the object constructor's keys (as deep as the
//     document is written there; a part built elsewhere, such as
//     paths = local.paths, points at the key that names it);
//   - a heredoc or quoted string, interpolations included: the key in the
//     text (a part an interpolation wrote points at the interpolation);
//   - file("openapi.yaml") of a file beside the configuration: the key in
//     that file.
// Any other body (templatefile, a variable, a data source's result) is
// known only as the attribute: its elements point at it, and unplacedWhy
// says why for the findings about them.

// bodyWhere returns the Where of in's body document body, or nil and why
// the positions inside it are not known.
func (lw *lowering) bodyWhere(in *instance, body string) (where func([]string) (diag.Range, diag.Range, bool), why string) {
	expr := unwrapExpr(in.exprs["body"])
	if b, ok := in.res.body.(*hclsyntax.Body); ok && expr == nil && b.Attributes["body"] != nil {
		expr = unwrapExpr(b.Attributes["body"].Expr)
	}
	switch e := expr.(type) {
	case *hclsyntax.FunctionCallExpr:
		var arg hclsyntax.Expression
		if len(e.Args) == 1 {
			arg, _ = unwrapExpr(e.Args[0]).(hclsyntax.Expression)
		}
		switch e.Name {
		case "jsonencode":
			if obj, ok := arg.(*hclsyntax.ObjectConsExpr); ok {
				return objectWhere(obj), ""
			}
		case "file":
			if w := lw.fileWhere(in, arg, body); w != nil {
				return w, ""
			}
			return nil, "the file it reads is not known before apply"
		}
		return nil, "it is built by " + e.Name + "(...)"
	case *hclsyntax.TemplateExpr:
		if w := lw.templateWhere(e, body); w != nil {
			return w, ""
		}
		return nil, "its text could not be matched to the string that writes it"
	case *hclsyntax.ScopeTraversalExpr:
		return nil, "it comes from " + traversalText(e.Traversal)
	}
	return nil, "it is not written in place"
}

func traversalText(t hcl.Traversal) string {
	var b strings.Builder
	for i, s := range t {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		default:
			if i > 0 {
				b.WriteString("[...]")
			}
		}
	}
	return b.String()
}

// objectWhere places a path in the object constructor obj, as deep as the
// constructors go.
func objectWhere(obj *hclsyntax.ObjectConsExpr) func([]string) (diag.Range, diag.Range, bool) {
	return func(path []string) (key, val diag.Range, ok bool) {
		var cur hclsyntax.Expression = obj
		for _, k := range path {
			switch e := cur.(type) {
			case *hclsyntax.ObjectConsExpr:
				i := slices.IndexFunc(e.Items, func(it hclsyntax.ObjectConsItem) bool { return staticKey(it.KeyExpr) == k })
				if i < 0 {
					return key, val, ok
				}
				key, cur = toRange(e.Items[i].KeyExpr.Range()), e.Items[i].ValueExpr
			case *hclsyntax.TupleConsExpr:
				n, err := strconv.Atoi(k)
				if err != nil || n < 0 || n >= len(e.Exprs) {
					return key, val, ok
				}
				cur = e.Exprs[n]
				key = toRange(cur.Range())
			default:
				return key, val, ok
			}
			val, ok = toRange(cur.Range()), true
		}
		return key, val, ok
	}
}

// staticKey is an object constructor key's text when it needs no
// evaluation (a name or a string without interpolation), "" otherwise.
func staticKey(k hclsyntax.Expression) string {
	if w, ok := k.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(w.Wrapped); name != "" && !w.ForceNonLiteral {
			return name
		}
		k = w.Wrapped
	}
	if t, ok := k.(*hclsyntax.TemplateExpr); ok && len(t.Parts) == 1 {
		k = t.Parts[0]
	}
	if l, ok := k.(*hclsyntax.LiteralValueExpr); ok && l.Val.Type() == cty.String && l.Val.IsKnown() && !l.Val.IsNull() {
		return l.Val.AsString()
	}
	return ""
}

// fileWhere places a path in the file file(arg) reads, when body is its
// text.
func (lw *lowering) fileWhere(in *instance, arg hclsyntax.Expression, body string) func([]string) (diag.Range, diag.Range, bool) {
	if arg == nil || in.key != cty.NilVal {
		return nil
	}
	v, ds := arg.Value(in.mi.instanceCtx(in.res, nil))
	if ds.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return nil
	}
	p := v.AsString()
	if !filepath.IsAbs(p) {
		p = filepath.Join(lw.l.rootDir, p)
	}
	src, err := os.ReadFile(p)
	if err != nil || string(src) != body {
		return nil
	}
	lw.l.files.Add(p, src) // so findings in it quote its lines
	ls := lineStarts(src)
	return textWhere(body, func(off int) diag.Pos { return posAt(src, ls, off) }, p)
}

// templateWhere places a path in the text of the string template e (a
// heredoc or a quoted string) rendered as body.
func (lw *lowering) templateWhere(e *hclsyntax.TemplateExpr, body string) func([]string) (diag.Range, diag.Range, bool) {
	file := e.SrcRange.Filename
	src := lw.l.files.Source(file)
	if src == nil {
		return nil
	}
	// The body is the parts' texts in a row: each literal is found in
	// it after the previous part, an interpolation is what lies between.
	type seg struct {
		at      int // offset in body
		lit     string
		srcAt   int // byte offset in src of the literal, or of the interpolation
		literal bool
	}
	var segs []seg
	cur := 0
	// Byte offsets from line and column: a file parsed in pieces
	// (parseSplit) has ranges whose Byte is relative to its piece.
	ls := lineStarts(src)
	text := string(src)
	byteOf := func(p hcl.Pos) int { return byteAt(text, ls, p.Line, p.Column) }
	for _, part := range e.Parts {
		l, ok := part.(*hclsyntax.LiteralValueExpr)
		if !ok || l.Val.Type() != cty.String || !l.Val.IsKnown() || l.Val.IsNull() {
			segs = append(segs, seg{at: cur, srcAt: byteOf(part.Range().Start)})
			continue
		}
		s := l.Val.AsString()
		i := strings.Index(body[cur:], s)
		if i < 0 || (i > 0 && (len(segs) == 0 || segs[len(segs)-1].literal)) {
			return nil
		}
		cur += i
		segs = append(segs, seg{at: cur, lit: s, srcAt: byteOf(l.SrcRange.Start), literal: true})
		cur += len(s)
	}
	if len(segs) == 0 {
		return nil
	}
	place := func(off int) diag.Pos {
		i, _ := slices.BinarySearchFunc(segs, off, func(s seg, off int) int { return s.at - off })
		if i == len(segs) || segs[i].at > off {
			i--
		}
		i = max(i, 0)
		s := segs[i]
		b := s.srcAt
		if s.literal {
			b += alignedByte(s.lit, src[s.srcAt:], off-s.at)
		}
		return posAt(src, ls, b)
	}
	return textWhere(body, place, file)
}

// alignedByte is the byte offset in src of the byte at offset n of lit,
// the text a literal written as src stands for (src has what the text
// drops: a heredoc's indentation, the $ of $${).
func alignedByte(lit string, src []byte, n int) int {
	if n >= len(lit) {
		n = len(lit) - 1
	}
	j := 0
	for i := 0; i <= n && j < len(src); j++ {
		if src[j] == lit[i] {
			if i == n {
				return j
			}
			i++
		}
	}
	return 0
}

// textWhere places a path in text, a JSON or YAML document whose byte
// offsets place turns into positions in file.
func textWhere(text string, place func(off int) diag.Pos, file string) func([]string) (diag.Range, diag.Range, bool) {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(text), &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	ls := lineStarts([]byte(text))
	rangeOf := func(n *yaml.Node, key bool) diag.Range {
		off := byteAt(text, ls, n.Line, n.Column)
		end := off
		if key {
			end = off + len(n.Value)
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				end += 2
			}
			end = min(end, len(text))
		}
		last := place(max(end-1, off))
		last.Column++
		last.Byte++
		return diag.Range{Filename: file, Start: place(off), End: last}
	}
	return func(path []string) (key, val diag.Range, ok bool) {
		cur := doc.Content[0]
		for _, k := range path {
			for cur.Kind == yaml.AliasNode && cur.Alias != nil {
				cur = cur.Alias
			}
			var kn, vn *yaml.Node
			switch cur.Kind {
			case yaml.MappingNode:
				for i := 0; i+1 < len(cur.Content); i += 2 {
					if cur.Content[i].Value == k {
						kn, vn = cur.Content[i], cur.Content[i+1]
					}
				}
			case yaml.SequenceNode:
				if n, err := strconv.Atoi(k); err == nil && n >= 0 && n < len(cur.Content) {
					kn, vn = cur.Content[n], cur.Content[n]
				}
			}
			if vn == nil {
				return key, val, ok
			}
			key, val, ok = rangeOf(kn, kn != vn), rangeOf(vn, false), true
			cur = vn
		}
		return key, val, ok
	}
}

func lineStarts(b []byte) []int {
	ls := []int{0}
	for i := bytes.IndexByte(b, '\n'); i >= 0; {
		ls = append(ls, ls[len(ls)-1]+i+1)
		j := bytes.IndexByte(b[ls[len(ls)-1]:], '\n')
		if j < 0 {
			break
		}
		i = j
	}
	return ls
}

// byteAt is the byte offset of line:col (1-based, col in code points).
func byteAt(text string, ls []int, line, col int) int {
	if line < 1 || line > len(ls) {
		return 0
	}
	off := ls[line-1]
	for c := 1; c < col && off < len(text) && text[off] != '\n'; c++ {
		_, w := utf8.DecodeRuneInString(text[off:])
		off += w
	}
	return off
}

// posAt is the position of byte offset off in src.
func posAt(src []byte, ls []int, off int) diag.Pos {
	off = min(max(off, 0), len(src))
	line, _ := slices.BinarySearch(ls, off+1)
	start := ls[line-1]
	return diag.Pos{Line: line, Column: utf8.RuneCount(src[start:off]) + 1, Byte: off}
}
