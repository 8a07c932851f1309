package cfn

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/lazy"
	"gopkg.in/yaml.v3"
)

// Rule ids of parse findings; rules documents each (docs/rules.md is
// generated from it).
const (
	RuleSyntax       = "E0000" // YAML/JSON syntax error
	RuleDuplicate    = "E0001" // duplicate mapping key
	RuleTag          = "E0002" // unknown or misused short-form tag
	RuleIntrinsic    = "E0003" // unknown intrinsic function
	RuleIntrinsicArg = "E0004" // malformed intrinsic argument
	RuleTopLevel     = "E0005" // template is empty or not a mapping
	RuleAlias        = "E0006" // YAML alias expansion too large
)

// RuleDoc documents one rule (see resolver.Rules).
type RuleDoc struct{ ID, Level, Summary, Why string }

var rules = []RuleDoc{
	{RuleSyntax, "error", "YAML or JSON syntax error", "CloudFormation cannot parse the template."},
	{RuleDuplicate, "error", "duplicate mapping key", "CloudFormation rejects duplicate keys; YAML libraries silently keep one of them."},
	{RuleTag, "error", "unknown short-form tag", "Only CloudFormation's intrinsic tags (!Ref, !GetAtt, !Sub, ...) are allowed."},
	{RuleIntrinsic, "error", "unknown intrinsic function", "CloudFormation rejects unknown Fn:: functions."},
	{RuleIntrinsicArg, "error", "malformed short-form intrinsic", "!GetAtt needs Resource.Attribute; !Ref and !Condition take a name."},
	{RuleTopLevel, "error", "template is not a mapping, or empty", "A template is a mapping of sections."},
	{RuleAlias, "error", "YAML aliases expand too far", "Protects against alias bombs."},
}

// Rules documents the parser's rules.
func Rules() []RuleDoc { return slices.Clone(rules) }

// limits that keep hostile input from exhausting memory.
const (
	maxDepth      = 200
	maxAliasNodes = 100000
)

// Parse reads a CloudFormation template (YAML or JSON) into a positioned
// tree. The returned node is the document's root mapping, or nil when
// nothing could be read. The tree's strings may share src's memory: src
// must not change while the tree is in use.
func Parse(filename string, src []byte) (*Node, diag.Diagnostics) {
	root, diags, _ := ParseJSON(filename, src)
	return root, diags
}

// ParseJSON is Parse, and says whether the JSON reader read the template:
// then SameText may compare its nodes by their text.
func ParseJSON(filename string, src []byte) (_ *Node, _ diag.Diagnostics, json bool) {
	return parseJSON(filename, src, 0)
}

// ParseJSONOneReader is ParseJSON with one reader on the calling
// goroutine, whatever the template's size: for a caller that reads
// another template at the same time (diff reads its two sides at once),
// which leaves no idle core to a second reader (split.go). The tree and
// the findings are ParseJSON's.
func ParseJSONOneReader(filename string, src []byte) (_ *Node, _ diag.Diagnostics, json bool) {
	return parseJSON(filename, src, -1)
}

// parseJSON is ParseJSON with split as the parser's (0: by size and
// cores, -1: one reader).
func parseJSON(filename string, src []byte, split int) (_ *Node, _ diag.Diagnostics, json bool) {
	p := &parser{file: filename, src: src, split: split}
	p.arena.size(len(src))
	if !p.checkUTF8() {
		return nil, p.diags, false
	}
	if root, ok := p.readJSON(); ok {
		return root, p.diags, true
	}
	if root, ok := p.readYAML(); ok {
		return root, p.diags, false
	}
	root, diags := p.general()
	return root, diags, false
}

// general reads any template through yaml.v3, reporting every problem.
func (p *parser) general() (*Node, diag.Diagnostics) {
	filename := p.file
	badJSON := p.checkJSON()
	var doc yaml.Node
	if err := yaml.Unmarshal(p.src, &doc); err != nil {
		if !badJSON { // the JSON error is the precise one
			p.syntaxError(err)
		}
		return nil, p.diags
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		p.diags = append(p.diags, diag.NewError(RuleTopLevel, diag.Range{Filename: filename, Start: diag.Pos{Line: 1, Column: 1}, End: diag.Pos{Line: 1, Column: 1}}, "the template is empty").
			WithHint("A template is a mapping with at least a Resources section."))
		return nil, p.diags
	}
	root := p.convert(doc.Content[0], 0)
	if p.aliasSkipped > 0 {
		// One finding for the whole template, however many aliases
		// were left out.
		d := &p.diags[p.aliasFinding]
		d.Detail = fmt.Sprintf("%d more alias(es) after this one were not expanded either. %s", p.aliasSkipped, d.Detail)
	}
	if root != nil && root.Kind != Mapping {
		p.diags = append(p.diags, diag.NewError(RuleTopLevel, root.Range(), "the template is %s, not a mapping", root.KindName()).
			WithHint("A template is a mapping of sections (AWSTemplateFormatVersion, Parameters, Resources, Outputs ...)."))
	}
	return root, p.diags
}

type parser struct {
	file    string
	fileNo  uint32 // file's number in files, once fileSet (sp)
	fileSet bool
	src     []byte
	lines   []int
	ascii   []int8 // per line: 0 unknown, 1 ASCII only, 2 has multi-byte runes
	// wide is, for the YAML reader, the first multi-byte rune of each
	// line that has one (plainTextLines); both readers share it.
	wide []int
	// marks are, for line markLine (one with multi-byte runes), the
	// bytes of columns 1, 1+markEvery, 1+2*markEvery... as far as pos has
	// counted: pos counts from the nearest instead of from the line's
	// start, which on a minified template (one line) made reading it
	// quadratic.
	markLine   int
	marks      []int
	diags      diag.Diagnostics
	arena      arena
	aliasNodes int
	// aliasFinding is the index in diags of the one finding about the
	// alias limit; aliasSkipped counts the aliases left out after it.
	aliasFinding, aliasSkipped int
	aliasCapped                bool
	// split says whether a large JSON template is read by two readers
	// (split.go): 0 when it is large enough and there are two cores, -1
	// never, 1 always (tests).
	split int
	// splitJoined is set when the second reader's entries were taken.
	splitJoined bool
}

// yamlLineRe is compiled on the first yaml.v3 error, not at start.
var yamlLineRe = lazy.Value[*regexp.Regexp]{New: func() *regexp.Regexp { return regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`) }}

// syntaxError converts a yaml.v3 error (which carries a line but no
// column) into diagnostics pointing at the first non-blank column of the
// line, with a hint for the common causes.
// yamlParserProblem reports whether a yaml.v3 error text comes from its
// parser (parserc.go), whose line numbers are 0-based, rather than from its
// scanner, whose line numbers are 1-based.
func yamlParserProblem(text string) bool {
	for _, prefix := range []string{
		"did not find expected <", "did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or", "found undefined tag handle",
		"found duplicate %", "found incompatible YAML document",
	} {
		if strings.HasPrefix(text, prefix) {
			return true
		}
	}
	return false
}

// offendingLine narrows a block-structure error, which yaml.v3 reports at
// the line where the enclosing mapping or sequence starts, to the line that
// breaks it (usually a wrong indentation): the shortest prefix of the
// document, cut at a line end, that fails with the same problem ends
// there. Only runs on the error path; a binary search over prefixes.
func (p *parser) offendingLine(from int, text string) int {
	fails := func(n int) bool {
		end := len(p.src)
		if n < len(p.lineTable()) {
			end = p.lineTable()[n]
		}
		var doc yaml.Node
		err := yaml.Unmarshal(p.src[:end], &doc)
		return err != nil && strings.Contains(err.Error(), text)
	}
	lo, hi := from, len(p.lineTable())
	if lo >= hi || fails(lo) || !fails(hi) {
		return from
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

func (p *parser) syntaxError(err error) {
	msgs := []string{err.Error()}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	for _, m := range msgs {
		line, text := 1, m
		if sm := yamlLineRe.Get().FindStringSubmatch(m); sm != nil {
			if sm[1] != "" {
				line, _ = strconv.Atoi(sm[1])
			}
			text = sm[2]
		} else if i := strings.Index(m, "line "); i >= 0 {
			fmt.Sscanf(m[i:], "line %d", &line)
		}
		if yamlParserProblem(text) && strings.Contains(m, "line ") {
			// yaml.v3 reports parser (not scanner) errors at the 0-based
			// line of the construct being parsed: the flow sequence or
			// mapping that is not closed, the block that has a bad key.
			line = min(line+1, max(1, len(p.lineTable())))
			if strings.HasPrefix(text, "did not find expected key") || strings.HasPrefix(text, "did not find expected '-' indicator") {
				line = p.offendingLine(line, text)
			}
		}
		if strings.Contains(text, "tab character") || strings.Contains(text, "cannot start any token") {
			// yaml.v3 names the block the tab breaks; point at the tab.
			line = p.tabLine(line)
		}
		col := 1
		lineText := p.lineText(line)
		if trimmed := strings.TrimLeft(lineText, " "); len(trimmed) < len(lineText) {
			col = len(lineText) - len(trimmed) + 1
		}
		hint := "Fix the syntax at this line; YAML is indentation-sensitive and JSON needs commas between entries and quotes around keys."
		if strings.Contains(lineText, "\t") || strings.Contains(text, "cannot start any token") && strings.Contains(p.lineText(line), "\t") {
			hint = "YAML does not allow tabs for indentation: indent with spaces."
			col = strings.IndexByte(lineText, '\t') + 1
		} else if strings.Contains(text, "did not find expected key") {
			hint = "Check the indentation of this line against the lines above it."
		} else if strings.Contains(text, "mapping values are not allowed") {
			hint = "A value containing \": \" must be quoted, or the line is indented too far."
		}
		p.diags = append(p.diags, diag.NewError(RuleSyntax, p.rng(line, col, line, col+1), "syntax error: %s", text).WithHint(hint))
	}
}

func (p *parser) lineText(line int) string {
	if line < 1 || line > len(p.lineTable()) {
		return ""
	}
	start := p.lineTable()[line-1]
	end := len(p.src)
	if line < len(p.lineTable()) {
		end = p.lineTable()[line] - 1
	}
	if end < start {
		end = start
	}
	return strings.TrimRight(string(p.src[start:end]), "\r")
}

// markEvery is how many columns apart pos keeps the bytes of a line with
// multi-byte runes (parser.marks).
const markEvery = 256

// lineTable returns the first byte of every line, made on first use: the
// JSON reader, which counts lines itself, never needs it on a template it
// reads.
func (p *parser) lineTable() []int {
	if p.lines == nil {
		p.lines = lineStarts(p.src)
	}
	return p.lines
}

func lineStarts(src []byte) []int {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}

// pos converts a 1-based line and rune column into a Pos with byte offset.
func (p *parser) pos(line, col int) diag.Pos {
	pos := diag.Pos{Line: line, Column: col}
	lines := p.lineTable()
	if line < 1 || line > len(lines) {
		return pos
	}
	start := lines[line-1]
	end := len(p.src)
	if line < len(lines) {
		end = lines[line] - 1
	}
	if p.ascii == nil {
		p.ascii = make([]int8, len(lines))
	}
	if p.ascii[line-1] == 0 {
		p.ascii[line-1] = 1
		for _, b := range p.src[start:end] {
			if b >= utf8.RuneSelf {
				p.ascii[line-1] = 2
				break
			}
		}
	}
	if p.ascii[line-1] == 1 {
		// Columns are bytes on an ASCII line: O(1), which keeps minified
		// one-line JSON templates linear.
		pos.Byte = min(start+max(col-1, 0), end)
		return pos
	}
	if p.markLine != line {
		p.markLine, p.marks = line, append(p.marks[:0], start)
	}
	k := min(max(col-1, 0)/markEvery, len(p.marks)-1)
	off, c := p.marks[k], 1+k*markEvery
	for ; c < col && off < end; c++ {
		_, size := utf8.DecodeRune(p.src[off:end])
		off += size
		if c%markEvery == 0 && c/markEvery == len(p.marks) {
			p.marks = append(p.marks, off) // off is at column c+1
		}
	}
	pos.Byte = off
	return pos
}

func (p *parser) rng(l1, c1, l2, c2 int) diag.Range {
	return diag.Range{Filename: p.file, Start: p.pos(l1, c1), End: p.pos(l2, c2)}
}

// scalarRange is the span of a scalar on its line: its text plus quotes.
func (p *parser) scalarRange(n *yaml.Node) diag.Range {
	return p.scalarRangeAt(n.Line, n.Column, n.Value, scalarStyleOf(n.Style))
}

// scalarStyle is how a scalar was written, as far as its range cares.
type scalarStyle uint8

const (
	plainStyle  scalarStyle = iota
	quotedStyle             // "…" or '…'
	blockStyle              // | or >
)

func scalarStyleOf(s yaml.Style) scalarStyle {
	switch {
	case s&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		return quotedStyle
	case s&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return blockStyle
	}
	return plainStyle
}

// scalarRangeAt is the range of a scalar whose value is written at
// line:col: its text plus quotes; one column for a block scalar or a value
// of several lines.
func (p *parser) scalarRangeAt(line, col int, value string, style scalarStyle) diag.Range {
	width := utf8.RuneCountInString(value)
	switch style {
	case quotedStyle:
		width += 2
	case blockStyle:
		width = 1
	}
	if strings.Contains(value, "\n") {
		width = 1
	}
	return p.rng(line, col, line, col+max(width, 1))
}

// scalarWidth is the number of columns scalarRangeAt (and tagArgRange)
// give scalar v written in style: its runes, plus its quotes; one for a
// block scalar or a value of several lines, and at least one.
func scalarWidth(v string, style scalarStyle) int {
	if style == blockStyle || strings.IndexByte(v, '\n') >= 0 {
		return 1
	}
	w := runeCount(v)
	if style == quotedStyle {
		w += 2
	}
	return max(w, 1)
}

var shortTags = map[string]string{
	"!Ref": "Ref", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!Join": "Fn::Join",
	"!Select": "Fn::Select", "!Split": "Fn::Split", "!If": "Fn::If", "!Equals": "Fn::Equals",
	"!And": "Fn::And", "!Or": "Fn::Or", "!Not": "Fn::Not", "!Condition": "Condition",
	"!FindInMap": "Fn::FindInMap", "!Base64": "Fn::Base64", "!GetAZs": "Fn::GetAZs",
	"!Cidr": "Fn::Cidr", "!ImportValue": "Fn::ImportValue", "!Length": "Fn::Length",
	"!ToJsonString": "Fn::ToJsonString", "!Transform": "Fn::Transform",
	// Rule functions, valid in the Rules section.
	"!Contains": "Fn::Contains", "!EachMemberEquals": "Fn::EachMemberEquals", "!EachMemberIn": "Fn::EachMemberIn",
	"!RefAll": "Fn::RefAll", "!ValueOf": "Fn::ValueOf", "!ValueOfAll": "Fn::ValueOfAll",
}

func shortTagNames() []string { return diag.Names(shortTags) }

func (p *parser) convert(y *yaml.Node, depth int) *Node {
	if depth > maxDepth {
		p.diags = append(p.diags, diag.NewError(RuleSyntax, p.rng(y.Line, y.Column, y.Line, y.Column+1), "nesting deeper than %d levels", maxDepth).
			WithHint("Templates this deep are not something CloudFormation accepts; flatten the structure."))
		return &Node{Kind: Null, Span: p.sp(p.rng(y.Line, y.Column, y.Line, y.Column+1))}
	}
	if y.Kind == yaml.AliasNode {
		if p.aliasCapped {
			p.aliasSkipped++
			return &Node{Kind: Null, Span: p.sp(p.rng(y.Line, y.Column, y.Line, y.Column+1))}
		}
		p.aliasNodes += countNodes(y.Alias, 0)
		if p.aliasNodes > maxAliasNodes {
			p.aliasCapped, p.aliasFinding = true, len(p.diags)
			p.diags = append(p.diags, diag.NewError(RuleAlias, p.rng(y.Line, y.Column, y.Line, y.Column+1), "YAML aliases expand to more than %d nodes", maxAliasNodes).
				WithHint("Expand the aliases by hand; CloudFormation itself processes templates up to 1 MB."))
			return &Node{Kind: Null, Span: p.sp(p.rng(y.Line, y.Column, y.Line, y.Column+1))}
		}
		n := p.convert(y.Alias, depth+1)
		return n
	}
	tag := y.Tag
	if strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		return p.shortForm(y, depth)
	}
	return p.plain(y, depth)
}

func countNodes(y *yaml.Node, depth int) int {
	if y == nil || depth > maxDepth {
		return 1
	}
	n := 1
	for _, c := range y.Content {
		n += countNodes(c, depth+1)
		if n > maxAliasNodes {
			return n
		}
	}
	return n
}

// plain converts y ignoring any short-form tag on it.
func (p *parser) plain(y *yaml.Node, depth int) *Node {
	switch y.Kind {
	case yaml.ScalarNode:
		n := &Node{Kind: Scalar, Value: y.Value, Span: p.sp(p.scalarRange(y))}
		switch y.ShortTag() {
		case "!!null":
			n.Kind = Null
		case "!!int":
			n.Type = Int
		case "!!float":
			n.Type = Float
		case "!!bool":
			n.Type = Bool
		}
		if y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			n.Kind, n.Type = Scalar, Str
		}
		return n
	case yaml.SequenceNode:
		n := &Node{Kind: Sequence, Items: make([]*Node, 0, len(y.Content))}
		for _, c := range y.Content {
			n.Items = append(n.Items, p.convert(c, depth+1))
		}
		n.Span = p.sp(p.span(y, n))
		return n
	case yaml.MappingNode:
		n := &Node{Kind: Mapping, Fields: make([]Field, 0, len(y.Content)/2)}
		seen := map[string]int{}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			kr := p.scalarRange(k)
			if k.Kind != yaml.ScalarNode {
				p.diags = append(p.diags, diag.NewError(RuleSyntax, kr, "a mapping key must be a string").WithHint("Use a plain string as the key."))
				continue
			}
			if k.Value == "<<" && k.ShortTag() == "!!merge" {
				p.diags = append(p.diags, diag.NewError(RuleSyntax, kr, "YAML merge key \"<<\" is not supported").
					WithHint("CloudFormation does not support YAML merge keys; write the entries out."))
				continue
			}
			if first, dup := seen[k.Value]; dup {
				fk := n.Fields[first].KeyRange()
				p.diags = append(p.diags, diag.NewError(RuleDuplicate, kr, "duplicate key %q", k.Value).
					WithHint("CloudFormation rejects templates with duplicate keys. Remove or rename one of them.").
					WithRelated(fk, "the first %q", k.Value))
				continue
			}
			seen[k.Value] = len(n.Fields)
			n.Fields = append(n.Fields, Field{Key: k.Value, KeySpan: p.sp(kr).Line(), Value: p.convert(v, depth+1)})
		}
		n.Span = p.sp(p.span(y, n))
		p.finishMapping(n)
		return n
	case yaml.DocumentNode:
		if len(y.Content) > 0 {
			return p.convert(y.Content[0], depth)
		}
	}
	return &Node{Kind: Null, Span: p.sp(p.rng(y.Line, y.Column, y.Line, y.Column+1))}
}

// finishMapping gives long-form Fn::GetAtt's dotted string the list form
// and reports an unknown long-form intrinsic: what every mapping read from
// YAML or JSON gets once its entries are in.
func (p *parser) finishMapping(n *Node) {
	// Long-form Fn::GetAtt also takes the dotted string "A.B": give it
	// the list form the short form gets.
	if len(n.Fields) == 1 && n.Fields[0].Key == "Fn::GetAtt" && n.Fields[0].Value.Kind == Scalar {
		n.Fields[0].Value, _ = p.splitGetAtt(n.Fields[0].Value)
	}
	// Unknown long-form intrinsic: a one-key mapping "Fn::Xyz".
	if len(n.Fields) == 1 && strings.HasPrefix(n.Fields[0].Key, "Fn::") && !intrinsicNames[n.Fields[0].Key] && !strings.HasPrefix(n.Fields[0].Key, "Fn::ForEach::") {
		f := n.Fields[0]
		p.diags = append(p.diags, diag.NewError(RuleIntrinsic, f.KeyRange(), "unknown intrinsic function %q", f.Key).
			WithHint(cmp.Or(diag.DidYouMean(f.Key, IntrinsicNames()), "See the CloudFormation intrinsic function reference for the supported functions.")))
	}
}

// span is a collection's range: from its first position to the end of its
// last child.
func (p *parser) span(y *yaml.Node, n *Node) diag.Range {
	r := p.rng(y.Line, y.Column, y.Line, y.Column+1)
	var last *Node
	switch n.Kind {
	case Sequence:
		if len(n.Items) > 0 {
			last = n.Items[len(n.Items)-1]
		}
	case Mapping:
		if len(n.Fields) > 0 {
			last = n.Fields[len(n.Fields)-1].Value
		}
	}
	if last != nil && last.Range().End.Line > 0 {
		r.End = last.Range().End
	}
	return r
}

// shortForm rewrites !Tag value to {"Fn::Tag": value}.
func (p *parser) shortForm(y *yaml.Node, depth int) *Node {
	tagRange := p.rng(y.Line, y.Column, y.Line, y.Column+utf8.RuneCountInString(y.Tag))
	name, ok := shortTags[y.Tag]
	if !ok {
		p.diags = append(p.diags, diag.NewError(RuleTag, tagRange, "unknown tag %q", y.Tag).
			WithHint(cmp.Or(diag.DidYouMean(y.Tag, shortTagNames()),
				"CloudFormation's short-form tags are !Ref, !GetAtt, !Sub, !Join, !Select, !Split, !If, !Equals, !And, !Or, !Not, !Condition, !FindInMap, !Base64, !GetAZs, !Cidr, !ImportValue.")))
		return p.plain(y, depth)
	}
	arg := p.plain(y, depth)
	// yaml.v3 reports a tagged node's position at the tag; the value's own
	// range starts after the tag text.
	if arg.Kind == Scalar || arg.Kind == Null {
		// find the value after the tag on the same line
		lt := []rune(p.lineText(y.Line))
		c := y.Column - 1 + utf8.RuneCountInString(y.Tag)
		for c < len(lt) && lt[c] == ' ' {
			c++
		}
		arg.Span = p.sp(p.tagArgRange(y.Line, c+1, y.Value, scalarStyleOf(y.Style)))
	}
	// Tagged scalars are strings unless the intrinsic needs otherwise.
	if arg.Kind == Scalar {
		arg.Type = Str
	}
	return p.shortNode(y.Tag, name, tagRange, arg)
}

// tagArgRange is the range of a short-form tag's scalar argument written
// at line:col, on the tag's line.
func (p *parser) tagArgRange(line, col int, value string, style scalarStyle) diag.Range {
	vr := p.rng(line, col, line, col+max(1, utf8.RuneCountInString(value)))
	if style == quotedStyle {
		vr.End = p.pos(line, col+utf8.RuneCountInString(value)+2)
	}
	if strings.Contains(value, "\n") || style == blockStyle {
		vr.End = p.pos(line, col+1)
	}
	return vr
}

// shortNode finishes a short-form intrinsic: tag (!GetAtt) names function
// name (Fn::GetAtt), written at tagRange, with its argument arg converted.
func (p *parser) shortNode(tag, name string, tagRange diag.Range, arg *Node) *Node {
	return p.shortNodeSpan(tag, name, p.sp(tagRange), arg)
}

// shortNodeSpan is shortNode with the tag's place as a Span.
func (p *parser) shortNodeSpan(tag, name string, tagSpan Span, arg *Node) *Node {
	switch name {
	case "Fn::GetAtt":
		if arg.Kind == Scalar {
			// !GetAtt A.B.C → [A, B.C]
			split, ok := p.splitGetAtt(arg)
			if !ok {
				p.diags = append(p.diags, diag.NewError(RuleIntrinsicArg, arg.Range(), "!GetAtt %q needs a resource and an attribute", arg.Value).
					WithHint("Write !GetAtt LogicalId.Attribute, e.g. !GetAtt MyApi.RootResourceId."))
				res, attr, _ := strings.Cut(arg.Value, ".")
				split = p.arena.node(Node{Kind: Sequence, Span: arg.Span, Items: p.arena.itemsOf([]*Node{
					p.arena.node(Node{Kind: Scalar, Value: res, Span: arg.Span}),
					p.arena.node(Node{Kind: Scalar, Value: attr, Span: arg.Span}),
				})})
			}
			arg = split
		}
	case "Ref", "Condition":
		if arg.Kind != Scalar {
			p.diags = append(p.diags, diag.NewError(RuleIntrinsicArg, tagSpan.Range(), "%s takes a name, not %s", tag, arg.KindName()).
				WithHint("Give the name of a parameter or resource: "+tag+" MyName."))
		}
	}
	end := tagSpan.end
	if a := arg.Span.end; a.line > end.line || (a.line == end.line && a.col > end.col) {
		end = a // the later of the two ends
	}
	return p.arena.node(Node{Kind: Mapping, Short: true, Span: Span{file: p.fileName(), start: tagSpan.start, end: end},
		Fields: p.arena.fieldsOf([]Field{{Key: name, KeySpan: tagSpan.Line(), Value: arg}})})
}

// splitGetAtt rewrites the string form of Fn::GetAtt, "A.B.C", to the
// list form [A, B.C], positioning each part. ok is false (and arg is
// returned unchanged) when the string has no resource and attribute.
func (p *parser) splitGetAtt(arg *Node) (_ *Node, ok bool) {
	res, attr, found := strings.Cut(arg.Value, ".")
	if !found || res == "" || attr == "" {
		return arg, false
	}
	r := arg.Range()
	start := r.Start.Column
	if r.Start.Line == r.End.Line && r.End.Column-r.Start.Column == utf8.RuneCountInString(arg.Value)+2 {
		start++ // quoted
	}
	ar, at := r, r
	line, resW := r.Start.Line, utf8.RuneCountInString(res)
	if b := r.Start.Byte + start - r.Start.Column; r.Start.Line == r.End.Line && b >= 0 && b+len(arg.Value) <= len(p.src) &&
		(b == r.Start.Byte || p.src[r.Start.Byte] == '"' || p.src[r.Start.Byte] == '\'') && string(p.src[b:b+len(arg.Value)]) == arg.Value {
		// The string is written as is from column start (the usual case):
		// its columns are its runes there, so pos would find the bytes
		// of its parts at their offsets in it.
		ar.Start = diag.Pos{Line: line, Column: start, Byte: b}
		ar.End = diag.Pos{Line: line, Column: start + resW, Byte: b + len(res)}
		at.Start = diag.Pos{Line: line, Column: start + resW + 1, Byte: b + len(res) + 1}
		at.End = diag.Pos{Line: line, Column: start + utf8.RuneCountInString(arg.Value), Byte: b + len(arg.Value)}
	} else {
		ar.Start = p.pos(line, start)
		ar.End = p.pos(line, start+resW)
		at.Start = p.pos(line, start+resW+1)
		at.End = p.pos(line, start+utf8.RuneCountInString(arg.Value))
	}
	return p.arena.node(Node{Kind: Sequence, Span: p.sp(r), Items: p.arena.itemsOf([]*Node{
		p.arena.node(Node{Kind: Scalar, Type: Str, Value: res, Span: p.sp(ar)}),
		p.arena.node(Node{Kind: Scalar, Type: Str, Value: attr, Span: p.sp(at)}),
	})}), true
}

// checkJSON holds a template that is JSON (its first character is "{")
// to JSON's grammar: YAML's flow syntax, which reads it, also accepts
// trailing commas, comments and unquoted keys that CloudFormation rejects
// ("Template format error: JSON not well-formed").
func (p *parser) checkJSON() bool {
	trimmed := bytes.TrimLeft(p.src, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return false
	}
	var v json.RawMessage
	err := json.Unmarshal(p.src, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return false
	}
	off := int(se.Offset) - 1
	off = max(0, min(off, len(p.src)-1))
	line := 1
	for i := 0; i < off; i++ {
		if p.src[i] == '\n' {
			line++
		}
	}
	col := utf8.RuneCount(p.src[p.lineTable()[line-1]:off]) + 1
	p.diags = append(p.diags, diag.NewError(RuleSyntax, p.rng(line, col, line, col+1), "JSON not well-formed: %s", se.Error()).
		WithHint("CloudFormation reads a template that starts with \"{\" as JSON: remove trailing commas and comments, and quote every key and string."))
	return true
}

// checkUTF8 reports the first place where the template is not UTF-8,
// which CloudFormation requires (yaml.v3 names no line for it), and
// whether the template is UTF-8.
func (p *parser) checkUTF8() bool {
	if utf8.Valid(p.src) {
		return true
	}
	if bytes.HasPrefix(p.src, []byte{0xFF, 0xFE}) || bytes.HasPrefix(p.src, []byte{0xFE, 0xFF}) {
		p.diags = append(p.diags, diag.NewError(RuleSyntax, p.rng(1, 1, 1, 2), "the template is UTF-16, not UTF-8").
			WithHint("Save the template as UTF-8; CloudFormation reads templates as UTF-8."))
		return false
	}
	off, bad := -1, 0
	for i := 0; i < len(p.src); {
		r, size := utf8.DecodeRune(p.src[i:])
		if r == utf8.RuneError && size == 1 {
			if off < 0 {
				off = i
			}
			bad++
		}
		i += size
	}
	line := sort.Search(len(p.lineTable()), func(l int) bool { return p.lineTable()[l] > off })
	col := utf8.RuneCount(p.src[p.lineTable()[line-1]:off]) + 1
	hint := "Save the template as UTF-8 (CloudFormation reads templates as UTF-8); the byte may come from a Latin-1 or Windows-1252 editor setting."
	if bad > 1 {
		hint = fmt.Sprintf("%d bytes in the file are not UTF-8; this is the first. %s", bad, hint)
	}
	p.diags = append(p.diags, diag.NewError(RuleSyntax, p.rng(line, col, line, col+1), "invalid UTF-8: byte 0x%02X", p.src[off]).WithHint(hint))
	return false
}

// tabLine returns the first line from near line on whose indentation has a
// tab, or line itself when there is none.
func (p *parser) tabLine(line int) int {
	for l := max(1, line-1); l <= len(p.lineTable()); l++ {
		t := p.lineText(l)
		indent := t[:len(t)-len(strings.TrimLeft(t, " \t"))]
		if strings.Contains(indent, "\t") {
			return l
		}
	}
	return line
}

// sp is r as the Span of a node or key of this file.
func (p *parser) sp(r diag.Range) Span {
	return Span{file: p.fileName(), start: spanPosOf(r.Start), end: spanPosOf(r.End)}
}

// fileName is the file's number in files, which the tree's Spans keep.
func (p *parser) fileName() uint32 {
	if !p.fileSet {
		p.fileNo, p.fileSet = fileNumber(p.file), true
	}
	return p.fileNo
}
