package tf

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Plain items without hcl's lexer and parser. The long object constructor
// parseSplit finds is, in the usual large configuration, a map of routes
// written one item a line:
//
//	r000 = { method = "GET", backend = "http://svc0.internal" }
//
// hcl lexes each of those bytes through its state machine and parses each
// name and string through the whole chain of expression levels (ternary,
// seven binary operator levels, traversals, terms, templates): on 200 routes
// most of the parse's 8,900 allocations and ~5 M instructions. plainItems
// builds, for lines of this one narrow form, the very nodes hcl's parser
// builds for them (ObjectConsItem, ObjectConsKeyExpr wrapping a
// ScopeTraversalExpr, ObjectConsExpr, TemplateExpr of one LiteralValueExpr),
// with the ranges the lexer gives their tokens. Any other line, and any
// byte it is not sure of, makes it give up, and parseSplit parses as
// before; TestParseSplitMatchesSerial and FuzzParseSplit compare the result
// with hcl's whole parse, node by node and range by range.
//
// The form, per line (spaces and tabs where shown as _):
//
//	line   = _ [ name _ "=" _ value _ ] newline
//	value  = string | "{" _ [ pair { _ "," _ pair } [ _ "," ] ] _ "}"
//	pair   = name _ "=" _ string
//	name   = ASCII letter or "_", then letters, digits, "_" or "-";
//	         not true, false, null or for
//	string = '"' printable ASCII but '"', "\", "$" and "%" '"', not empty

// parsePlainMinBytes and parsePlainMinLines are the size from which a
// file's run of plain lines is read by parsePlain (no goroutine: a smaller
// run than parseSplit's pays; tests lower them).
var (
	parsePlainMinBytes = 1 << 10
	parsePlainMinLines = 16
)

// parsePlain is parseSplit for a run of plain lines (splitRun: the
// object's braces at open and m) whose every line is of the form above:
// the file with the run blanked (its newlines kept, so every other byte
// keeps its offset, line and column) parsed by hcl, and the run's items
// put in its emptied object; ok is false when it cannot.
func parsePlain(src []byte, path string, open, m int) (f *hcl.File, ok bool) {
	nl := bytes.IndexByte(src[open:], '\n')
	if nl < 0 {
		return nil, false
	}
	from, to := open+nl+1, bytes.LastIndexByte(src[:m], '\n')+1
	if to <= from {
		return nil, false
	}
	items, ok := plainItems(src, from, to, 1+bytes.Count(src[:from], []byte{'\n'}), path)
	if !ok {
		return nil, false
	}
	a := make([]byte, len(src))
	copy(a, src)
	for i := from; i < to; i++ {
		if a[i] != '\n' {
			a[i] = ' '
		}
	}
	fa, ds := hclsyntax.ParseConfig(a, path, hcl.InitialPos)
	body, _ := fa.Body.(*hclsyntax.Body)
	if len(ds) > 0 || body == nil {
		return nil, false
	}
	obj := objectAt(body, open, m)
	if obj == nil || len(obj.Items) != 0 {
		return nil, false
	}
	obj.Items = items
	fa.Bytes = src
	return fa, true
}

// plainItems returns the items of the lines of src[from:to] (from at a
// line's start, to just after a newline), src starting at byte 0, line 1,
// column 1 of the file path; ok is false when a line is not of the form
// above.
func plainItems(src []byte, from, to, line int, path string) (items []hclsyntax.ObjectConsItem, ok bool) {
	// One string holds every name and text: each is a substring of it.
	// The nodes are taken from arrays sized for the run (each name takes
	// an "=", each string two quotes, each object a "{"): a few
	// allocations instead of a dozen a line.
	text := string(src[from:to])
	p := plainParser{src: src, text: text, base: from, path: path, line: line}
	eq, quotes := strings.Count(text, "="), strings.Count(text, `"`)/2
	p.names = make([]plainName, 0, eq)
	p.strs = make([]plainStr, 0, quotes)
	p.objs = make([]hclsyntax.ObjectConsExpr, 0, strings.Count(text, "{"))
	p.pairs = make([]hclsyntax.ObjectConsItem, 0, eq)
	items = make([]hclsyntax.ObjectConsItem, 0, strings.Count(text, "\n"))
	for p.pos = from; p.pos < to; {
		p.lineStart = p.pos
		p.skipSpace()
		if p.at('\n') {
			p.pos++
			p.line++
			continue
		}
		key, ok := p.name()
		if !ok || !p.equals() {
			return nil, false
		}
		var value hclsyntax.Expression
		if p.at('{') {
			value, ok = p.object()
		} else {
			value, ok = p.str()
		}
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if !p.at('\n') {
			return nil, false
		}
		items = append(items, hclsyntax.ObjectConsItem{KeyExpr: key, ValueExpr: value})
		p.pos++
		p.line++
	}
	if len(items) == 0 {
		items = nil // as hcl's, for an object of blank lines
	}
	return items, p.pos == to
}

// plainName and plainStr are the nodes of a name and of a string.
type plainName struct {
	key hclsyntax.ObjectConsKeyExpr
	st  hclsyntax.ScopeTraversalExpr
	tr  [1]hcl.Traverser
}

type plainStr struct {
	tmpl  hclsyntax.TemplateExpr
	lit   hclsyntax.LiteralValueExpr
	parts [1]hclsyntax.Expression
}

type plainParser struct {
	src            []byte
	text           string
	base           int // the offset of text in src
	path           string
	pos, lineStart int
	line           int
	// The arrays the nodes are taken from (a node's address is kept:
	// they never grow past their room).
	names []plainName
	strs  []plainStr
	objs  []hclsyntax.ObjectConsExpr
	pairs []hclsyntax.ObjectConsItem
}

func (p *plainParser) at(c byte) bool { return p.pos < len(p.src) && p.src[p.pos] == c }

func (p *plainParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// rng is the range of src[start:end], both on the current line.
func (p *plainParser) rng(start, end int) hcl.Range {
	return hcl.Range{
		Filename: p.path,
		Start:    hcl.Pos{Line: p.line, Column: start - p.lineStart + 1, Byte: start},
		End:      hcl.Pos{Line: p.line, Column: end - p.lineStart + 1, Byte: end},
	}
}

// name reads a name as an object key: the key expression hcl's parser
// makes of a bare identifier.
func (p *plainParser) name() (*hclsyntax.ObjectConsKeyExpr, bool) {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || p.pos > start && (c >= '0' && c <= '9' || c == '-') {
			p.pos++
			continue
		}
		break
	}
	if p.pos == start {
		return nil, false
	}
	// A name followed by "(" or "::" is a function call: the caller
	// wants "=" next, which rules both out.
	name := p.text[start-p.base : p.pos-p.base]
	switch name {
	case "true", "false", "null", "for":
		return nil, false
	}
	r := p.rng(start, p.pos)
	p.names = append(p.names, plainName{})
	n := &p.names[len(p.names)-1]
	n.tr[0] = hcl.TraverseRoot{Name: name, SrcRange: r}
	n.st = hclsyntax.ScopeTraversalExpr{Traversal: n.tr[:], SrcRange: r}
	n.key = hclsyntax.ObjectConsKeyExpr{Wrapped: &n.st}
	return &n.key, true
}

// equals reads _ "=" _.
func (p *plainParser) equals() bool {
	p.skipSpace()
	if !p.at('=') || p.pos+1 < len(p.src) && (p.src[p.pos+1] == '=' || p.src[p.pos+1] == '>') {
		return false // "==" and "=>" are other tokens
	}
	p.pos++
	p.skipSpace()
	return true
}

// str reads a quoted string of printable ASCII without escapes or
// template sequences: hcl's template of one literal part.
func (p *plainParser) str() (*hclsyntax.TemplateExpr, bool) {
	if !p.at('"') {
		return nil, false
	}
	open := p.pos
	p.pos++
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '"' {
			break
		}
		if c < 0x20 || c > 0x7e || c == '\\' || c == '$' || c == '%' {
			return nil, false
		}
		p.pos++
	}
	if !p.at('"') || p.pos == start {
		return nil, false
	}
	end := p.pos
	p.pos++
	p.strs = append(p.strs, plainStr{})
	n := &p.strs[len(p.strs)-1]
	n.lit = hclsyntax.LiteralValueExpr{Val: stringVal(p.text[start-p.base : end-p.base]), SrcRange: p.rng(start, end)}
	n.parts[0] = &n.lit
	n.tmpl = hclsyntax.TemplateExpr{Parts: n.parts[:], SrcRange: hcl.RangeBetween(p.rng(open, start), p.rng(end, end+1))}
	return &n.tmpl, true
}

// object reads an object constructor of pairs on one line.
func (p *plainParser) object() (*hclsyntax.ObjectConsExpr, bool) {
	open := p.rng(p.pos, p.pos+1)
	p.pos++
	p.skipSpace()
	first := len(p.pairs)
	for !p.at('}') {
		key, ok := p.name()
		if !ok || !p.equals() {
			return nil, false
		}
		value, ok := p.str()
		if !ok {
			return nil, false
		}
		p.pairs = append(p.pairs, hclsyntax.ObjectConsItem{KeyExpr: key, ValueExpr: value})
		p.skipSpace()
		if p.at(',') {
			p.pos++
			p.skipSpace()
		} else if !p.at('}') {
			return nil, false
		}
	}
	close := p.rng(p.pos, p.pos+1)
	p.pos++
	var items []hclsyntax.ObjectConsItem // nil for {}, as hcl's
	if n := len(p.pairs); n > first {
		items = p.pairs[first:n:n]
	}
	p.objs = append(p.objs, hclsyntax.ObjectConsExpr{Items: items, SrcRange: hcl.RangeBetween(open, close), OpenRange: open})
	return &p.objs[len(p.objs)-1], true
}
