package vtl

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Limits. They bound work on hostile or broken templates and inputs; real
// API Gateway templates stay far below them.
const (
	// maxDepth bounds nesting: directives and expressions in a template,
	// arrays and objects in JSON, conversions of Input.Context, and the
	// collections one rendering (appendText, appendJSON) or comparison
	// (equaler) descends through.
	maxDepth = 200
	// maxIterations bounds the #foreach iterations plus the collection
	// additions (add, put, and every element of addAll, putAll and split)
	// of one Execute, all together, and the size of a range [a..b].
	maxIterations = 1_000_000
	// maxOutput bounds the bytes one Execute writes, and the length of any
	// string it builds: API Gateway's payload limit (10 MB).
	maxOutput = 10 << 20
	// maxPathVisits bounds the values one JSONPath evaluation visits.
	maxPathVisits = 1_000_000
	// maxWork bounds everything else one Execute does, in units of a byte
	// read or built by a string operation, an element visited by a
	// collection method or JSONPath (a range element counts 8), a node of
	// a loop body per iteration, and 64 per macro call or #define
	// rendering: about a second of CPU at most.
	maxWork = 50_000_000
	// maxMacroDepth bounds nested macro calls (Velocity's default
	// velocimacro.max.depth).
	maxMacroDepth = 20
	// maxRegexps bounds the regular expressions and JSONPaths compiled at
	// run time (from arguments that are not string literals) and cached per
	// Execute.
	maxRegexps = 64
)

// limits are the bounds of one Execute.
type limits struct {
	iterations int // #foreach iterations plus collection additions; range size
	output     int // bytes written, and the length of any string built
	work       int // work units (see maxWork)
}

func defaultLimits() limits {
	return limits{iterations: maxIterations, output: maxOutput, work: maxWork}
}

// sizeText formats a byte limit: "10 MB".
func sizeText(n int) string {
	if n%(1<<20) == 0 {
		return strconv.Itoa(n>>20) + " MB"
	}
	return strconv.Itoa(n) + " bytes"
}

// Template is a compiled mapping template. It is immutable and safe for
// concurrent use by many goroutines.
type Template struct {
	src         string
	nodes       []node
	static      []byte // the whole output when the template is plain text
	unsupported []Construct
	// lim holds the execution limits (the constants above; tests lower
	// them).
	lim limits
	// states recycles execution states (and their scratch buffers)
	// between Execute calls; it holds no data from one request to the next.
	states sync.Pool
}

// Parse compiles a mapping template. The error, if any, is an *Error with
// the line and column of the problem within src. Constructs that parse but
// are not implemented do not fail Parse: Unsupported lists them.
func Parse(src string) (*Template, error) {
	t := &Template{src: src, lim: defaultLimits()}
	p := &parser{src: src, t: t, sh: &shared{macroNames: scanMacroNames(src), macros: map[string]*macroDef{}, seen: map[string]bool{}}}
	nodes, term, err := p.block(ctxTop)
	if err != nil {
		return nil, err
	}
	if term.kind != termEOF {
		return nil, p.errAt(term.pos, "#"+term.name+" without an open #if or #foreach", "remove it, or add the #if(...) or #foreach(...) it should close")
	}
	for _, c := range p.sh.calls {
		c.def = p.sh.macros[c.name]
		if c.def == nil {
			// Velocity renders a call of a macro that is never defined as
			// written.
			c.literal = []byte(c.raw)
		}
	}
	t.nodes = nodes
	if len(nodes) == 0 {
		t.static = []byte{}
	} else if len(nodes) == 1 {
		if tn, ok := nodes[0].(*textNode); ok {
			t.static = tn.b
		}
	}
	return t, nil
}

// Unsupported lists the constructs the template uses that this package does
// not implement, each once, as "construct at line:col" (for example
// "#parse at 3:1", "$util.toJson at 1:9"). Execute fails with an error
// wrapping ErrUnsupported when it reaches one of them.
func (t *Template) Unsupported() []string {
	out := make([]string, len(t.unsupported))
	for i, c := range t.unsupported {
		out[i] = c.String()
	}
	return out
}

// Construct is a use of something this package does not implement, at its
// position in the template (for diagnostics with ranges).
type Construct struct {
	What      string // "#parse", "$util.toJson", ".codePointAt()", ...
	Line, Col int    // 1-based, within the template text
}

// String is "what at line:col".
func (c Construct) String() string {
	return c.What + " at " + strconv.Itoa(c.Line) + ":" + strconv.Itoa(c.Col)
}

// UnsupportedConstructs is Unsupported with the positions as numbers.
func (t *Template) UnsupportedConstructs() []Construct { return slices.Clone(t.unsupported) }

type parser struct {
	src   string
	i     int
	t     *Template
	depth int
	// base is added to offsets when reporting positions of a sub-parser
	// (double-quoted strings are parsed as templates of their own).
	base int
	// full is the whole template source, for positions.
	full string
	sh   *shared
}

// shared is parse state common to a parser and its sub-parsers.
type shared struct {
	macroNames map[string]bool // names a #macro in the source defines
	macros     map[string]*macroDef
	calls      []*macroCallNode
	seen       map[string]bool // constructs already in Template.unsupported
	lines      []int           // offsets where lines start, built on demand
	nonASCII   []bool          // per line: has bytes >= 0x80
	spec       int             // > 0 while parsing speculatively
	badExpr    map[int]bool    // offsets where a speculative expression failed
}

// scanMacroNames finds the names of the macros src defines, so that calls
// can be recognized before (or without) their definition.
func scanMacroNames(src string) map[string]bool {
	names := map[string]bool{}
	for rest := src; ; {
		i := strings.Index(rest, "#macro")
		if i < 0 {
			return names
		}
		rest = rest[i+len("#macro"):]
		j := 0
		for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t') {
			j++
		}
		if j >= len(rest) || rest[j] != '(' {
			continue
		}
		j++
		for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' || rest[j] == '\r') {
			j++
		}
		k := j
		for k < len(rest) && isDirectiveChar(rest[k]) {
			k++
		}
		if k > j && !isDirective(rest[j:k]) {
			names[rest[j:k]] = true
		}
	}
}

type blockCtx uint8

const (
	ctxTop blockCtx = iota
	ctxIf
	ctxForeach
	ctxMacro
	ctxString
	ctxElse
)

type termKind uint8

const (
	termEOF termKind = iota
	termEnd
	termElse
	termElseIf
)

type terminator struct {
	kind termKind
	pos  int
	name string
	cond expr // for #elseif
}

func (p *parser) fullSrc() string {
	if p.full != "" {
		return p.full
	}
	return p.src
}

// errSpeculative is returned while the parser tries something that may
// turn out to be text (an index after a reference, macro arguments): such
// errors are discarded, so they carry no position.
var errSpeculative = &Error{Msg: "speculative parse failed"}

func (p *parser) errAt(off int, msg, fix string) *Error {
	if p.sh.spec > 0 {
		return errSpeculative
	}
	line, col := p.lineCol(p.base + off)
	return &Error{Line: line, Col: col, Msg: msg, Fix: fix}
}

// lineCol converts an offset in the whole template (p.base + offset) to
// line and column as the package's lineCol does, with a line index built
// once and shared with the sub-parsers.
func (p *parser) lineCol(off int) (int, int) {
	src := p.fullSrc()
	if p.sh.lines == nil {
		p.sh.lines = []int{0}
		p.sh.nonASCII = []bool{false}
		for i := 0; i < len(src); i++ {
			switch {
			case src[i] == '\n':
				p.sh.lines = append(p.sh.lines, i+1)
				p.sh.nonASCII = append(p.sh.nonASCII, false)
			case src[i] >= 0x80:
				p.sh.nonASCII[len(p.sh.nonASCII)-1] = true
			}
		}
	}
	off = min(max(off, 0), len(src))
	line, _ := slices.BinarySearch(p.sh.lines, off+1)
	start := p.sh.lines[line-1]
	if !p.sh.nonASCII[line-1] {
		return line, off - start + 1
	}
	return line, utf8.RuneCountInString(src[start:off]) + 1
}

func (p *parser) unsupported(off int, what string) {
	if p.sh.seen[what] {
		return
	}
	p.sh.seen[what] = true
	line, col := p.lineCol(p.base + off)
	p.t.unsupported = append(p.t.unsupported, Construct{What: what, Line: line, Col: col})
}

// parseMark records the parser's state before a parse that may be undone.
// A speculative one also turns errors into errSpeculative.
type parseMark struct {
	i, unsupported, calls int
	spec                  bool
}

func (p *parser) mark(speculative bool) parseMark {
	if speculative {
		p.sh.spec++
	}
	return parseMark{i: p.i, unsupported: len(p.t.unsupported), calls: len(p.sh.calls), spec: speculative}
}

// commit ends a parse that succeeded.
func (p *parser) commit(m parseMark) {
	if m.spec {
		p.sh.spec--
	}
}

// reset ends a parse that failed, undoing what it recorded.
func (p *parser) reset(m parseMark) {
	p.commit(m)
	p.i = m.i
	for _, u := range p.t.unsupported[m.unsupported:] {
		delete(p.sh.seen, u.What)
	}
	p.t.unsupported = p.t.unsupported[:m.unsupported]
	p.sh.calls = p.sh.calls[:m.calls]
}

func (p *parser) pos(off int) int { return p.base + off }

// lineCol converts a byte offset to 1-based line and column (in runes).
func lineCol(src string, off int) (int, int) {
	off = min(max(off, 0), len(src))
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, len([]rune(src[start:off])) + 1
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// isIdentChar: Velocity 1.7 identifiers may contain '-' (as in $foo-bar).
func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '-'
}

func isDirectiveChar(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '@'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// block parses text and directives until EOF or a terminator (#end, #else,
// #elseif) that belongs to the caller.
func (p *parser) block(ctx blockCtx) ([]node, terminator, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, terminator{}, p.errAt(p.i, "directives are nested too deeply", "nest fewer than 200 #if/#foreach blocks")
	}
	var nodes []node
	var text []byte
	// tokStart is where the current run of plain text began in text: the
	// blanks before #set are swallowed only when they start such a run, as
	// Velocity's lexer does.
	tokStart := 0
	flush := func() {
		if len(text) > 0 {
			nodes = append(nodes, &textNode{b: text})
			text = nil
		}
	}
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c != '\\' && c != '$' && c != '#' {
			j := p.i + 1
			for j < len(p.src) && p.src[j] != '$' && p.src[j] != '#' && p.src[j] != '\\' {
				j++
			}
			text = append(text, p.src[p.i:j]...)
			p.i = j
			continue
		}
		switch c {
		case '\\':
			j := p.i
			for j < len(p.src) && p.src[j] == '\\' {
				j++
			}
			n := j - p.i
			if j < len(p.src) && p.src[j] == '$' {
				save := p.i
				p.i = j
				ref, ok, err := p.reference(true)
				if err != nil {
					return nil, terminator{}, err
				}
				if ok {
					flush()
					nodes = append(nodes, &escapedRefNode{ref: ref, backslashes: n})
					continue
				}
				p.i = save
			} else if j < len(p.src) && p.src[j] == '#' {
				if name, end := p.directiveName(j); name != "" && isDirective(name) {
					// \#if renders "#if"; each pair of backslashes renders one.
					text = append(text, strings.Repeat("\\", n/2)...)
					if n%2 == 1 {
						text = append(text, p.src[j:end]...)
						p.i = end
						continue
					}
					p.i = j
					continue
				}
			}
			text = append(text, p.src[p.i:j]...)
			p.i = j
		case '$':
			ref, ok, err := p.reference(true)
			if err != nil {
				return nil, terminator{}, err
			}
			if !ok {
				text = append(text, '$')
				p.i++
				continue
			}
			flush()
			rn := &refNode{ref: ref}
			if ref.root == rootInput && len(ref.segs) == 1 && ref.segs[0].kind == segMethod && ref.segs[0].name == "json" && len(ref.segs[0].args) <= 1 {
				rn.directJSON = true
			}
			nodes = append(nodes, rn)
		case '#':
			n, term, txt, err := p.directive(ctx, &text, tokStart)
			if err != nil {
				return nil, terminator{}, err
			}
			if term != nil {
				flush()
				return nodes, *term, nil
			}
			if txt != "" {
				text = append(text, txt...)
			}
			if n != nil {
				flush()
				nodes = append(nodes, n)
			}
		}
		tokStart = len(text)
	}
	flush()
	return nodes, terminator{kind: termEOF, pos: p.i}, nil
}

var directives = []string{"set", "if", "elseif", "else", "end", "foreach", "break", "stop", "macro", "parse", "include", "evaluate", "define", "literal"}

func isDirective(name string) bool { return slices.Contains(directives, name) }

// directiveName reads the name after '#' at off: "#name" or "#{name}".
// It returns "" when there is none, and the offset after the name.
func (p *parser) directiveName(off int) (string, int) {
	j := off + 1
	if j < len(p.src) && p.src[j] == '{' {
		k := j + 1
		for k < len(p.src) && isDirectiveChar(p.src[k]) {
			k++
		}
		if k < len(p.src) && p.src[k] == '}' && k > j+1 {
			return p.src[j+1 : k], k + 1
		}
		return "", off
	}
	if j >= len(p.src) || !(isLetter(p.src[j]) || p.src[j] == '_' || p.src[j] == '@') {
		return "", off
	}
	k := j
	for k < len(p.src) && isDirectiveChar(p.src[k]) {
		k++
	}
	name := p.src[j:k]
	// "#elseif" must not be read as "#else" + "if", but "#end" followed by
	// letters (#endif) is plain text in Velocity.
	return name, k
}

// eatNewline consumes trailing blanks and one line break after a directive,
// as Velocity 1.7 does for #set/#if/#elseif/#foreach (after the closing
// parenthesis) and #else/#end. Without a line break nothing is consumed.
func (p *parser) eatNewline() {
	j := p.i
	for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t') {
		j++
	}
	if j < len(p.src) {
		switch p.src[j] {
		case '\n':
			p.i = j + 1
		case '\r':
			j++
			if j < len(p.src) && p.src[j] == '\n' {
				j++
			}
			p.i = j
		}
	}
}

// directive handles '#' at p.i. It returns a node to add, a terminator for
// the enclosing block, or literal text.
func (p *parser) directive(ctx blockCtx, text *[]byte, tokStart int) (node, *terminator, string, error) {
	start := p.i
	src := p.src
	if start+1 < len(src) {
		switch src[start+1] {
		case '#': // line comment, including its line break
			j := strings.IndexByte(src[start:], '\n')
			if j < 0 {
				p.i = len(src)
			} else {
				p.i = start + j + 1
			}
			return nil, nil, "", nil
		case '*': // block comment
			j := strings.Index(src[start+2:], "*#")
			if j < 0 {
				return nil, nil, "", p.errAt(start, "comment #* is never closed", "close it with *#")
			}
			p.i = start + 2 + j + 2
			return nil, nil, "", nil
		case '[':
			if strings.HasPrefix(src[start:], "#[[") {
				j := strings.Index(src[start+3:], "]]#")
				if j < 0 {
					return nil, nil, "", p.errAt(start, "unparsed block #[[ is never closed", "close it with ]]#")
				}
				p.i = start + 3 + j + 3
				return nil, nil, src[start+3 : start+3+j], nil
			}
		}
	}
	name, end := p.directiveName(start)
	if name != "" && !isDirective(name) && p.sh.macroNames[name] && p.parenAfter(end, false) {
		if n, ok, err := p.macroCall(start, name, end); err != nil || ok {
			return n, nil, "", err
		}
	}
	if name == "" || !isDirective(name) || (name == "set" || name == "foreach") && !p.parenAfter(end, name == "set") {
		// Not a directive: "#" is text (and so is "#set" without "(").
		p.i = start + 1
		return nil, nil, "#", nil
	}
	p.i = end
	switch name {
	case "end", "else":
		if ctx == ctxTop || ctx == ctxString {
			return nil, nil, "", p.errAt(start, "#"+name+" without an open #if or #foreach", "remove it, or add the #if(...) or #foreach(...) it belongs to")
		}
		if name == "else" && ctx == ctxElse {
			return nil, nil, "", p.errAt(start, "second #else in one #if", "use #elseif(...) for the middle branches")
		}
		if name == "else" && ctx != ctxIf {
			return nil, nil, "", p.errAt(start, "#else outside #if", "close the enclosing block with #end first, or wrap the branch in #if(...)")
		}
		p.eatNewline()
		k := termEnd
		if name == "else" {
			k = termElse
		}
		return nil, &terminator{kind: k, pos: start, name: name}, "", nil
	case "elseif":
		if ctx == ctxElse {
			return nil, nil, "", p.errAt(start, "#elseif after #else", "move the #elseif branch before #else")
		}
		if ctx != ctxIf {
			return nil, nil, "", p.errAt(start, "#elseif without an open #if", "start the chain with #if(...)")
		}
		cond, err := p.parenExpr(start, name)
		if err != nil {
			return nil, nil, "", err
		}
		p.eatNewline()
		return nil, &terminator{kind: termElseIf, pos: start, name: name, cond: cond}, "", nil
	case "set":
		// Velocity 1.7 swallows the blanks before #set when they begin a
		// run of text (after a directive that took its line break, a
		// reference or a comment).
		if strings.Trim(string((*text)[tokStart:]), " \t") == "" {
			*text = (*text)[:tokStart]
		}
		n, err := p.setDirective(start)
		if err != nil {
			return nil, nil, "", err
		}
		p.eatNewline()
		return n, nil, "", nil
	case "if":
		n, err := p.ifDirective(start)
		return n, nil, "", err
	case "foreach":
		n, err := p.foreachDirective(start)
		return n, nil, "", err
	case "break":
		p.skipOptionalArgs()
		return &breakNode{pos: p.pos(start)}, nil, "", nil
	case "stop":
		p.skipOptionalArgs()
		return &stopNode{}, nil, "", nil
	case "define":
		n, err := p.defineDirective(start)
		return n, nil, "", err
	case "macro":
		return nil, nil, "", p.macroDirective(start)
	default: // parse, include, evaluate, literal
		p.unsupported(start, "#"+name)
		if err := p.skipArgs(start, name); err != nil {
			return nil, nil, "", err
		}
		if name == "literal" {
			p.eatNewline()
			if _, term, err := p.block(ctxMacro); err != nil {
				return nil, nil, "", err
			} else if term.kind != termEnd {
				return nil, nil, "", p.errAt(start, "#"+name+" is never closed", "add #end after its body")
			}
		}
		return &unsupportedNode{what: "#" + name, pos: p.pos(start)}, nil, "", nil
	}
}

// parenAfter reports whether "(" follows off after blanks (only spaces
// when spacesOnly, as Velocity's #set token requires).
func (p *parser) parenAfter(off int, spacesOnly bool) bool {
	for off < len(p.src) {
		switch p.src[off] {
		case '(':
			return true
		case ' ':
		case '\t', '\n', '\r':
			if spacesOnly {
				return false
			}
		default:
			return false
		}
		off++
	}
	return false
}

func (p *parser) skipSpace() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// skipOptionalArgs skips "( ... )" after #break/#stop if present.
func (p *parser) skipOptionalArgs() {
	j := p.i
	for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t') {
		j++
	}
	if j < len(p.src) && p.src[j] == '(' {
		if k := strings.IndexByte(p.src[j:], ')'); k >= 0 {
			p.i = j + k + 1
		}
	}
}

// skipArgs skips the parenthesized arguments of an unsupported directive.
func (p *parser) skipArgs(start int, name string) error {
	save := p.i
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != '(' {
		p.i = save
		return nil
	}
	depth := 0
	var quote byte
	for ; p.i < len(p.src); p.i++ {
		c := p.src[p.i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				p.i++
				return nil
			}
		}
	}
	return p.errAt(start, "#"+name+"( is never closed", "add the closing ')'")
}

// parenExpr parses "( expr )" after a directive name.
func (p *parser) parenExpr(start int, name string) (expr, error) {
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != '(' {
		return nil, p.errAt(start, "#"+name+" needs a condition in parentheses", "write #"+name+"($condition)")
	}
	p.i++
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != ')' {
		return nil, p.errAt(p.i, "expected ')' to close #"+name+"(", "check the condition for a missing operator or an extra token")
	}
	p.i++
	return e, nil
}

func (p *parser) setDirective(start int) (node, error) {
	if err := p.openParen(start, "#set needs parentheses", "write #set($name = value)"); err != nil {
		return nil, err
	}
	if p.i >= len(p.src) || p.src[p.i] != '$' {
		return nil, p.errAt(p.i, "#set must assign to a $reference", "write #set($name = value)")
	}
	lhsPos := p.i
	ref, ok, err := p.reference(false)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.errAt(lhsPos, "#set must assign to a $reference", "write #set($name = value)")
	}
	if len(ref.segs) == 0 && ref.root != rootVar {
		by := "API Gateway"
		if ref.root == rootForeach || ref.root == rootVelocityCount || ref.root == rootVelocityHasNext {
			by = "#foreach"
		}
		return nil, p.errAt(lhsPos, "$"+ref.name+" is provided by "+by+" and cannot be replaced", "assign to a variable of your own, for example #set($my"+strings.ToUpper(ref.name[:1])+ref.name[1:]+" = ...)")
	}
	if len(ref.segs) > 0 {
		last := ref.segs[len(ref.segs)-1]
		if last.kind == segMethod {
			return nil, p.errAt(lhsPos, "cannot assign to a method call", "assign to $name, $name.key or $name[index]")
		}
	}
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != '=' {
		return nil, p.errAt(p.i, "expected '=' in #set", "write #set($name = value)")
	}
	p.i++
	val, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != ')' {
		return nil, p.errAt(p.i, "expected ')' to close #set(", "check the value for a missing operator or an extra token")
	}
	p.i++
	return &setNode{target: ref, val: val, pos: p.pos(start)}, nil
}

func (p *parser) ifDirective(start int) (node, error) {
	cond, err := p.parenExpr(start, "if")
	if err != nil {
		return nil, err
	}
	p.eatNewline()
	n := &ifNode{}
	for {
		body, term, err := p.block(ctxIf)
		if err != nil {
			return nil, err
		}
		n.conds = append(n.conds, cond)
		n.blocks = append(n.blocks, body)
		switch term.kind {
		case termEOF:
			return nil, p.errAt(start, "#if is never closed", "add #end after the last branch")
		case termEnd:
			return n, nil
		case termElseIf:
			cond = term.cond
		case termElse:
			els, term2, err := p.block(ctxElse)
			if err != nil {
				return nil, err
			}
			if term2.kind != termEnd {
				return nil, p.errAt(start, "#if is never closed", "add #end after the #else branch")
			}
			n.elseBlock = els
			return n, nil
		}
	}
}

// macroDirective parses #macro(name $arg ...) body #end and records it.
func (p *parser) macroDirective(start int) error {
	if err := p.openParen(start, "#macro needs a name in parentheses", "write #macro(name $arg1 $arg2) ... #end"); err != nil {
		return err
	}
	k := p.i
	for k < len(p.src) && isDirectiveChar(p.src[k]) {
		k++
	}
	if k == p.i {
		return p.errAt(p.i, "#macro needs a name", "write #macro(name $arg1 $arg2) ... #end")
	}
	def := &macroDef{name: p.src[p.i:k]}
	if isDirective(def.name) {
		return p.errAt(p.i, "#"+def.name+" is a directive and cannot be a macro name", "choose another name")
	}
	p.i = k
	for {
		p.skipSpace()
		if p.i < len(p.src) && p.src[p.i] == ',' {
			p.i++
			p.skipSpace()
		}
		if p.i >= len(p.src) {
			return p.errAt(start, "#macro( is never closed", "add the closing ')'")
		}
		if p.src[p.i] == ')' {
			p.i++
			break
		}
		apos := p.i
		if p.src[p.i] != '$' {
			return p.errAt(apos, "macro parameters must be $names", "write #macro(name $arg1 $arg2)")
		}
		ref, ok, err := p.reference(false)
		if err != nil {
			return err
		}
		if !ok || len(ref.segs) > 0 || ref.root != rootVar {
			return p.errAt(apos, "macro parameters must be plain $names", "write #macro(name $arg1 $arg2)")
		}
		def.params = append(def.params, ref.name)
	}
	p.eatNewline()
	body, term, err := p.block(ctxMacro)
	if err != nil {
		return err
	}
	if term.kind != termEnd {
		return p.errAt(start, "#macro is never closed", "add #end after the macro body")
	}
	def.body = body
	p.sh.macros[def.name] = def
	return nil
}

// macroCall parses #name(arg ...) for a macro the template defines. When
// the arguments do not parse, ok is false and the '#' is text.
func (p *parser) macroCall(start int, name string, end int) (node, bool, error) {
	m := p.mark(true)
	p.i = end
	p.skipSpace()
	p.i++ // '('
	n := &macroCallNode{name: name, pos: p.pos(start)}
	for {
		p.skipSpace()
		if p.i < len(p.src) && p.src[p.i] == ',' {
			p.i++
			p.skipSpace()
		}
		if p.i >= len(p.src) {
			p.reset(m)
			return nil, false, nil
		}
		if p.src[p.i] == ')' {
			p.i++
			break
		}
		a, err := p.unaryNested()
		if err != nil {
			p.reset(m)
			return nil, false, nil
		}
		n.args = append(n.args, a)
	}
	p.commit(m)
	n.raw = p.src[start:p.i]
	p.eatNewline()
	p.sh.calls = append(p.sh.calls, n)
	return n, true, nil
}

// defineDirective parses #define($name) body #end.
func (p *parser) defineDirective(start int) (node, error) {
	if err := p.openParen(start, "#define needs a reference in parentheses", "write #define($name) ... #end"); err != nil {
		return nil, err
	}
	name, err := p.plainVar("#define needs a reference to name the block", "the #define name must be a plain $name", "write #define($name) ... #end")
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != ')' {
		return nil, p.errAt(p.i, "expected ')' to close #define(", "write #define($name) ... #end")
	}
	p.i++
	p.eatNewline()
	body, term, err := p.block(ctxMacro)
	if err != nil {
		return nil, err
	}
	if term.kind != termEnd {
		return nil, p.errAt(start, "#define is never closed", "add #end after the block")
	}
	return &defineNode{name: name, body: body}, nil
}

func (p *parser) foreachDirective(start int) (node, error) {
	if err := p.openParen(start, "#foreach needs parentheses", "write #foreach($item in $list)"); err != nil {
		return nil, err
	}
	name, err := p.plainVar("#foreach needs a loop variable", "the #foreach loop variable must be a plain $name", "write #foreach($item in $list)")
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.word("in") {
		return nil, p.errAt(p.i, "expected 'in' in #foreach", "write #foreach($item in $list)")
	}
	iter, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != ')' {
		return nil, p.errAt(p.i, "expected ')' to close #foreach(", "write #foreach($item in $list)")
	}
	p.i++
	p.eatNewline()
	body, term, err := p.block(ctxForeach)
	if err != nil {
		return nil, err
	}
	if term.kind != termEnd {
		return nil, p.errAt(start, "#foreach is never closed", "add #end after the loop body")
	}
	return &foreachNode{varName: name, iter: iter, body: body, pos: p.pos(start)}, nil
}

// word consumes the keyword w if it is next and not followed by an
// identifier character.
func (p *parser) word(w string) bool {
	if strings.HasPrefix(p.src[p.i:], w) {
		e := p.i + len(w)
		if e >= len(p.src) || !isIdentChar(p.src[e]) {
			p.i = e
			return true
		}
	}
	return false
}

// reference parses a $reference at p.i. In text (inText), something that is
// not a well-formed reference is not an error: ok is false and the caller
// emits the '$' as text.
func (p *parser) reference(inText bool) (*refExpr, bool, error) {
	start := p.i
	src := p.src
	j := start + 1
	quiet := false
	if j < len(src) && src[j] == '!' {
		quiet = true
		j++
	}
	formal := false
	if j < len(src) && src[j] == '{' {
		formal = true
		j++
	}
	if j >= len(src) || !isIdentStart(src[j]) {
		if !inText {
			return nil, false, p.errAt(start, "expected a reference name after '$'", "write $name or ${name}")
		}
		return nil, false, nil
	}
	k := j
	for k < len(src) && isIdentChar(src[k]) {
		k++
	}
	r := &refExpr{pos: p.pos(start), name: src[j:k], quiet: quiet}
	m := p.mark(false)
	switch r.name {
	case "input":
		r.root = rootInput
	case "util":
		r.root = rootUtil
	case "context":
		r.root = rootContext
	case "stageVariables":
		r.root = rootStage
	case "foreach":
		r.root = rootForeach
	case "velocityCount":
		r.root = rootVelocityCount
	case "velocityHasNext":
		r.root = rootVelocityHasNext
	}
	p.i = k
	for p.i < len(src) {
		c := src[p.i]
		if c == '.' && p.i+1 < len(src) && isIdentStart(src[p.i+1]) {
			s := p.i + 1
			e := s
			for e < len(src) && isIdentChar(src[e]) {
				e++
			}
			seg := segment{kind: segProp, name: src[s:e], pos: p.pos(s)}
			p.i = e
			if p.i < len(src) && src[p.i] == '(' {
				p.i++
				args, err := p.args(')', seg.name)
				if err != nil {
					return nil, false, err
				}
				seg.kind = segMethod
				seg.args = args
			}
			r.segs = append(r.segs, seg)
			continue
		}
		if c == '[' {
			// In text, "[" after a reference may be text ($a[b is not an
			// index), so the index is parsed speculatively.
			save := p.i
			m := p.mark(inText)
			p.i++
			p.depth++
			idx, err := p.expr()
			p.depth--
			if err == nil {
				p.skipSpace()
				if p.i < len(src) && src[p.i] == ']' {
					p.i++
					p.commit(m)
					r.segs = append(r.segs, segment{kind: segIndex, index: idx, pos: p.pos(save)})
					continue
				}
			}
			if !inText {
				if err != nil {
					return nil, false, err
				}
				return nil, false, p.errAt(save, "index '[' is not closed", "write $list[0] or $map['key']")
			}
			p.reset(m)
		}
		break
	}
	if formal {
		if p.i >= len(src) || src[p.i] != '}' {
			if !inText {
				return nil, false, p.errAt(start, "${ is not closed with }", "write ${name}")
			}
			p.reset(m)
			p.i = start
			return nil, false, nil
		}
		p.i++
	}
	r.raw = src[start:p.i]
	p.check(r)
	return r, true, nil
}

// check records unsupported uses, resolves method names through the
// method registry (segment.methods; a name no receiver kind has is
// unsupported) and precompiles constant arguments: JSONPaths and the
// regular expressions of string methods whose entry has regex set.
func (p *parser) check(r *refExpr) {
	for i := range r.segs {
		s := &r.segs[i]
		if i == 0 {
			switch r.root {
			case rootInput:
				switch {
				case s.kind == segProp && s.name == "body",
					s.kind == segMethod && (s.name == "json" || s.name == "path" || s.name == "params"):
				default:
					p.unsupported(r.pos-p.base, "$input."+s.name)
					s.unsupported = true
				}
				if s.kind == segMethod && (s.name == "json" || s.name == "path") && len(s.args) == 1 {
					if lit, ok := s.args[0].(*literal); ok {
						if str, ok := lit.v.(string); ok {
							if jp, err := compileJSONPath(str); err == nil {
								s.path = jp
							}
						}
					}
				}
				continue
			case rootUtil:
				if s.kind != segMethod || methodsByName.Get()[s.name] == nil || methodsByName.Get()[s.name][kUtil] == nil {
					p.unsupported(r.pos-p.base, "$util."+s.name)
					s.unsupported = true
				}
				s.methods = methodsByName.Get()[s.name]
				continue
			}
		}
		if s.kind == segMethod {
			s.methods = methodsByName.Get()[s.name]
			if s.methods == nil || onlyUtil(s.methods) {
				p.unsupported(s.pos-p.base-1, "."+s.name+"()")
				s.unsupported = true
				continue
			}
			if s.methods[kString] != nil && s.methods[kString].regex && len(s.args) >= 1 {
				if lit, ok := s.args[0].(*literal); ok {
					if str, ok := lit.v.(string); ok {
						pat := str
						if s.name == "matches" {
							pat = `^(?:` + str + `)$`
						}
						re, err := regexp.Compile(pat)
						if err != nil {
							p.unsupported(s.pos-p.base-1, "."+s.name+"("+strconv.Quote(str)+") (Java regex features missing from Go's RE2)")
							s.unsupported = true
							continue
						}
						s.re = re
					}
				}
			}
		}
	}
}

// onlyUtil: the name is a $util function and no value's method.
func onlyUtil(ms *[nKinds]*method) bool {
	for k, m := range ms {
		if m != nil && recvKind(k) != kUtil {
			return false
		}
	}
	return true
}

// args parses a comma-separated argument list up to the closing delimiter.
func (p *parser) args(closer byte, method string) ([]expr, error) {
	var out []expr
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == closer {
		p.i++
		return out, nil
	}
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.errAt(p.i, "the argument list of ."+method+"( is not closed", "add the missing "+strconv.Quote(string(closer)))
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case closer:
			p.i++
			return out, nil
		default:
			return nil, p.errAt(p.i, "expected ',' or "+strconv.Quote(string(closer))+" after an argument of ."+method+"(", "separate arguments with commas and close the call with "+strconv.Quote(string(closer)))
		}
	}
}

// Expressions, lowest precedence first:
//
//	|| or    && and    == != eq ne    < > <= >= lt gt le ge    + -    * / %    ! not -
func (p *parser) expr() (expr, error) {
	// While parsing speculatively, an expression that failed at an offset
	// fails there again: this keeps text full of "$a[" linear to parse.
	start := p.base + p.i
	if p.sh.spec > 0 && p.sh.badExpr[start] {
		return nil, errSpeculative
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errAt(p.i, "expression is nested too deeply", "split it with #set")
	}
	e, err := p.binary(0)
	if err != nil && p.sh.spec > 0 {
		if p.sh.badExpr == nil {
			p.sh.badExpr = map[int]bool{}
		}
		p.sh.badExpr[start] = true
	}
	return e, err
}

type opInfo struct {
	sym  string
	word string
	op   binOp
}

var precedence = [][]opInfo{
	{{"||", "or", opOr}},
	{{"&&", "and", opAnd}},
	{{"==", "eq", opEq}, {"!=", "ne", opNe}},
	{{"<=", "le", opLe}, {">=", "ge", opGe}, {"<", "lt", opLt}, {">", "gt", opGt}},
	{{"+", "", opAdd}, {"-", "", opSub}},
	{{"*", "", opMul}, {"/", "", opDiv}, {"%", "", opMod}},
}

func (p *parser) binary(level int) (expr, error) {
	if level == len(precedence) {
		return p.unary()
	}
	left, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		opPos := p.i
		var found *opInfo
		for k := range precedence[level] {
			o := &precedence[level][k]
			if strings.HasPrefix(p.src[p.i:], o.sym) {
				// Do not read "=" of "==" as part of another operator, or
				// "-" of a range "..".
				p.i += len(o.sym)
				found = o
				break
			}
			if o.word != "" && p.word(o.word) {
				found = o
				break
			}
		}
		if found == nil {
			return left, nil
		}
		right, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		left = &binaryExpr{op: found.op, l: left, r: right, pos: p.pos(opPos)}
	}
}

func (p *parser) unary() (expr, error) {
	p.skipSpace()
	start := p.i
	if p.i < len(p.src) && p.src[p.i] == '!' && !strings.HasPrefix(p.src[p.i:], "!=") {
		p.i++
		e, err := p.unaryNested()
		if err != nil {
			return nil, err
		}
		return &notExpr{e: e}, nil
	}
	if p.word("not") {
		e, err := p.unaryNested()
		if err != nil {
			return nil, err
		}
		return &notExpr{e: e}, nil
	}
	if p.i < len(p.src) && p.src[p.i] == '-' {
		if p.i+1 < len(p.src) && p.src[p.i+1] >= '0' && p.src[p.i+1] <= '9' {
			return p.number()
		}
		p.i++
		e, err := p.unaryNested()
		if err != nil {
			return nil, err
		}
		return &binaryExpr{op: opSub, l: &literal{v: int64(0)}, r: e, pos: p.pos(start)}, nil
	}
	return p.primary()
}

func (p *parser) unaryNested() (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errAt(p.i, "expression is nested too deeply", "split it with #set")
	}
	return p.unary()
}

func (p *parser) number() (expr, error) {
	start := p.i
	j := p.i
	if p.src[j] == '-' {
		j++
	}
	for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
		j++
	}
	isFloat := false
	if j+1 < len(p.src) && p.src[j] == '.' && p.src[j+1] >= '0' && p.src[j+1] <= '9' {
		isFloat = true
		j++
		for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
			j++
		}
	}
	if j < len(p.src) && (p.src[j] == 'e' || p.src[j] == 'E') {
		k := j + 1
		if k < len(p.src) && (p.src[k] == '+' || p.src[k] == '-') {
			k++
		}
		if k < len(p.src) && p.src[k] >= '0' && p.src[k] <= '9' {
			isFloat = true
			for k < len(p.src) && p.src[k] >= '0' && p.src[k] <= '9' {
				k++
			}
			j = k
		}
	}
	text := p.src[start:j]
	p.i = j
	if !isFloat {
		n, err := strconv.ParseInt(text, 10, 64)
		if err == nil {
			return &literal{v: n}, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, p.errAt(start, "number "+text+" is out of range", "use a smaller number")
	}
	return &literal{v: f}, nil
}

func (p *parser) primary() (expr, error) {
	p.skipSpace()
	if p.i >= len(p.src) {
		return nil, p.errAt(p.i, "expected a value but the template ended", "complete the expression and close the directive with ')'")
	}
	start := p.i
	c := p.src[p.i]
	switch {
	case c == '$':
		r, _, err := p.reference(false)
		if err != nil {
			return nil, err
		}
		return r, nil
	case c == '\'' || c == '"':
		return p.stringLit()
	case c >= '0' && c <= '9':
		return p.number()
	case c == '(':
		p.i++
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != ')' {
			return nil, p.errAt(start, "'(' is not closed", "add the matching ')'")
		}
		p.i++
		return e, nil
	case c == '[':
		p.i++
		p.skipSpace()
		if p.i < len(p.src) && p.src[p.i] == ']' {
			p.i++
			return &listExpr{}, nil
		}
		first, err := p.expr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if strings.HasPrefix(p.src[p.i:], "..") {
			p.i += 2
			last, err := p.expr()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.i >= len(p.src) || p.src[p.i] != ']' {
				return nil, p.errAt(start, "range [a..b] is not closed", "add the closing ']'")
			}
			p.i++
			return &rangeExpr{from: first, to: last, pos: p.pos(start)}, nil
		}
		items := []expr{first}
		for {
			p.skipSpace()
			if p.i >= len(p.src) {
				return nil, p.errAt(start, "list '[' is not closed", "add the closing ']'")
			}
			if p.src[p.i] == ']' {
				p.i++
				return &listExpr{items: items}, nil
			}
			if p.src[p.i] != ',' {
				return nil, p.errAt(p.i, "expected ',' or ']' in the list", "separate list items with commas")
			}
			p.i++
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			items = append(items, e)
		}
	case c == '{':
		m := &mapExpr{pos: p.i}
		p.i++
		p.skipSpace()
		if p.i < len(p.src) && p.src[p.i] == '}' {
			p.i++
			return m, nil
		}
		for {
			k, err := p.expr()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.i >= len(p.src) || p.src[p.i] != ':' {
				return nil, p.errAt(p.i, "expected ':' after a map key", "write {\"key\": value}")
			}
			p.i++
			v, err := p.expr()
			if err != nil {
				return nil, err
			}
			m.keys = append(m.keys, k)
			m.vals = append(m.vals, v)
			p.skipSpace()
			if p.i >= len(p.src) {
				return nil, p.errAt(start, "map '{' is not closed", "add the closing '}'")
			}
			if p.src[p.i] == '}' {
				p.i++
				return m, nil
			}
			if p.src[p.i] != ',' {
				return nil, p.errAt(p.i, "expected ',' or '}' in the map", "separate entries with commas")
			}
			p.i++
		}
	case p.word("true"):
		return &literal{v: true}, nil
	case p.word("false"):
		return &literal{v: false}, nil
	case p.word("null"):
		return &literal{v: nil}, nil
	}
	if p.sh.spec > 0 {
		return nil, errSpeculative
	}
	tok := p.src[p.i:min(len(p.src), p.i+21)]
	if k := strings.IndexAny(tok, " \t\r\n)"); k > 0 {
		tok = tok[:k]
	} else if k == 0 {
		tok = tok[:1]
	}
	if len(tok) > 20 {
		tok = tok[:20] + "…"
	}
	tok = strings.ToValidUTF8(tok, "")
	return nil, p.errAt(start, "unexpected "+strconv.Quote(tok)+" where a value belongs", "use a $reference, a 'string', a number, true, false, a [list] or a {map}")
}

// stringLit parses '...' (literal) or "..." (interpolated when it contains
// $ or #). A quote is escaped by doubling it.
func (p *parser) stringLit() (expr, error) {
	start := p.i
	q := p.src[p.i]
	j := p.i + 1
	var sb strings.Builder
	for {
		if j >= len(p.src) {
			return nil, p.errAt(start, "string is never closed", "add the closing "+string(q))
		}
		c := p.src[j]
		if c == '\\' && q == '"' && j+1 < len(p.src) && (p.src[j+1] == '"' || p.src[j+1] == '\\') {
			// Velocity's lexer keeps \" and \\ inside "..." (verbatim).
			sb.WriteString(p.src[j : j+2])
			j += 2
			continue
		}
		if c == q {
			if j+1 < len(p.src) && p.src[j+1] == q {
				sb.WriteByte(q)
				j += 2
				continue
			}
			break
		}
		sb.WriteByte(c)
		j++
	}
	p.i = j + 1
	s := sb.String()
	if q == '\'' || !strings.ContainsAny(s, "$#") {
		return &literal{v: s}, nil
	}
	// Parse the content as a template of its own. Positions inside are
	// reported relative to the whole template when the string has no
	// doubled quotes (otherwise approximately).
	sub := &parser{src: s, t: p.t, depth: p.depth, base: p.base + start + 1, full: p.fullSrc(), sh: p.sh}
	nodes, term, err := sub.block(ctxString)
	if err != nil {
		return nil, err
	}
	if term.kind != termEOF {
		return nil, p.errAt(start, "#"+term.name+" inside a string without its #if or #foreach", "keep whole #if...#end blocks inside the string")
	}
	if len(nodes) == 1 {
		if tn, ok := nodes[0].(*textNode); ok {
			return &literal{v: string(tn.b)}, nil
		}
	}
	return &interpExpr{nodes: nodes}, nil
}

// openParen consumes the "(" that follows a directive name, with the
// spaces around it; msg and fix describe its absence.
func (p *parser) openParen(start int, msg, fix string) error {
	p.skipSpace()
	if p.i >= len(p.src) || p.src[p.i] != '(' {
		return p.errAt(start, msg, fix)
	}
	p.i++
	p.skipSpace()
	return nil
}

// plainVar parses a plain $name (no properties, not a built-in), as
// #define and #foreach name their variable.
func (p *parser) plainVar(noDollar, notPlain, fix string) (string, error) {
	vpos := p.i
	if p.i >= len(p.src) || p.src[p.i] != '$' {
		return "", p.errAt(vpos, noDollar, fix)
	}
	ref, ok, err := p.reference(false)
	if err != nil {
		return "", err
	}
	if !ok || len(ref.segs) > 0 || ref.root != rootVar {
		return "", p.errAt(vpos, notPlain, fix)
	}
	return ref.name, nil
}
