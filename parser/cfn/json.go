package cfn

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// A template that starts with "{" is JSON, and most JSON templates are
// machine-written (CDK, SAM build, generators) and large. jsonReader reads
// them straight into Nodes in one pass, with the positions the YAML path
// gives, instead of building yaml.v3's node tree, converting it, and
// checking the grammar a second time with encoding/json.
//
// It reads only what it can read exactly as the YAML path would: anything
// else (a syntax error, a duplicate key, nesting past maxDepth, a byte
// order mark, a number YAML would resolve differently) makes it give up,
// and Parse reads the file the general way, which reports the problem.
// TestJSONReaderMatchesYAML holds the two paths to the same trees.
type jsonReader struct {
	p   *parser
	src []byte
	off int
	// line is the 1-based line of off and lineStart its first byte;
	// extra counts the bytes past the first of every multi-byte rune on
	// that line before off. Outside strings a JSON template is ASCII, and
	// every rune of a string goes through str, so the rune column of a
	// byte the reader is at is off-lineStart-extra+1: no byte is counted
	// twice, even on a one-line template, and positions need no table of
	// lines.
	line, lineStart, extra int
	// fields and items are stacks the open objects and arrays gather
	// their entries on; each gets a slice of its exact size at its end.
	fields []Field
	items  []*Node
	// split is where a second reader took over the rest of a large
	// object's entries (split.go); at is -1 when there is none.
	split *splitReader
}

// text returns src[from:to] as a string that shares src's memory: the
// template's bytes are kept as long as its tree (resolver keeps them for
// findings' excerpts anyway) and never change, so a copy of each string,
// or a table to share equal ones, would only cost time and bytes.
func (r *jsonReader) text(from, to int) string { return srcText(r.src, from, to) }

func srcText(src []byte, from, to int) string {
	if from == to {
		return ""
	}
	return unsafe.String(&src[from], to-from)
}

// errGiveUp is how the reader unwinds to Parse, which then takes the
// general path.
type errGiveUp struct{}

// readJSON returns the template's root node, or ok false when the general
// path must read it.
func (p *parser) readJSON() (root *Node, ok bool) {
	if len(p.src) == 0 || len(p.src) > maxReadBytes {
		return nil, false
	}
	r := &jsonReader{p: p, src: p.src, line: 1, split: noSplit, fields: fieldStack(len(p.src))}
	mark := len(p.diags)
	defer func() {
		if e := recover(); e != nil {
			if _, give := e.(errGiveUp); !give {
				panic(e)
			}
			p.diags = p.diags[:mark]
			root, ok = nil, false
		}
	}()
	r.space()
	if r.off >= len(r.src) || r.src[r.off] != '{' {
		return nil, false
	}
	if at, end, depth, ok := p.splitPoint(); ok {
		r.split = p.startSplit(at, end, depth)
	}
	root = r.value(0)
	r.space()
	if r.off != len(r.src) {
		panic(errGiveUp{})
	}
	return root, true
}

func giveUp() { panic(errGiveUp{}) }

// SameText reports whether a and b, nodes of templates the JSON reader
// read (ParseJSON; srcA and srcB their sources), are written the same:
// the same text from a node's first byte to the end of its last token's
// span, and the same last token. Then they are the same tree (the same
// keys, values, kinds and scalar types), the nodes the reader made from
// the same bytes. The last token is compared on its own because an
// escaped string's span ends inside the token (strSpan). false says
// nothing: the same tree may be written differently. Not for nodes any
// code rewrote after reading (Fn::ForEach copies keep the loop's spans).
func SameText(a *Node, srcA []byte, b *Node, srcB []byte) bool {
	if a == nil || b == nil {
		return false
	}
	if !a.openEnd && !b.openEnd && sameBytes(srcA, a.Span, srcB, b.Span) {
		// Each span runs to the end of its node's text: the same text is
		// the same tree, without the walk down to each last token (a
		// cache miss per level, on a diff's thousands of resources).
		return true
	}
	la, lb := lastToken(a), lastToken(b)
	if la.Kind != lb.Kind || la.Type != lb.Type || la.Value != lb.Value {
		return false
	}
	fa, ta, fb, tb := int(a.Span.start.byte), int(la.Span.end.byte), int(b.Span.start.byte), int(lb.Span.end.byte)
	if fa < 0 || fa > ta || ta > len(srcA) || fb < 0 || fb > tb || tb > len(srcB) {
		return false
	}
	return string(srcA[fa:ta]) == string(srcB[fb:tb])
}

// sameBytes reports whether the text from a's start to its end in srcA
// is the text from b's start to its end in srcB.
func sameBytes(srcA []byte, a Span, srcB []byte, b Span) bool {
	fa, ta, fb, tb := int(a.start.byte), int(a.end.byte), int(b.start.byte), int(b.end.byte)
	if fa < 0 || fa > ta || ta > len(srcA) || fb < 0 || fb > tb || tb > len(srcB) {
		return false
	}
	return string(srcA[fa:ta]) == string(srcB[fb:tb])
}

// lastToken is the node of n's last token: n itself, or its last item's
// or last value's, down to a scalar or an empty collection.
func lastToken(n *Node) *Node {
	for {
		switch {
		case n.Kind == Mapping && len(n.Fields) > 0:
			n = n.Fields[len(n.Fields)-1].Value
		case n.Kind == Sequence && len(n.Items) > 0:
			n = n.Items[len(n.Items)-1]
		default:
			return n
		}
	}
}

// space skips JSON whitespace, keeping the line count. About half the
// calls find a token at once (before a colon or comma, after a bracket):
// that test is inlined, the loop is not.
func (r *jsonReader) space() {
	if r.off < len(r.src) && r.src[r.off] > ' ' {
		return
	}
	r.skipSpace()
}

// skipSpace is space's loop. The offset is a local (a register) while it
// runs: pretty-printed templates are mostly indentation.
func (r *jsonReader) skipSpace() {
	src, off := r.src, r.off
	for off < len(src) {
		// Spaces first, then the token that ends the run: every byte of a
		// token is above ' ', every other whitespace byte below it.
		c := src[off]
		if c == ' ' {
			off++
			continue
		}
		if c > ' ' {
			break
		}
		if c == '\n' {
			off++
			r.line, r.lineStart, r.extra = r.line+1, off, 0
			continue
		}
		if c != '\t' && c != '\r' {
			break
		}
		// CRLF is whitespace; a CR alone is a line break to the general
		// path (YAML), which places what follows on the next line: leave
		// that to it.
		if c == '\r' && (off+1 >= len(src) || src[off+1] != '\n') {
			giveUp()
		}
		off++
	}
	r.off = off
}

// column is the rune column of byte off on the current line, which is
// past every string read on it so far and in none.
func (r *jsonReader) column(off int) int {
	return off - r.lineStart - r.extra + 1
}

// span is where a token written at byte from (line:col) is: to its end
// at byte to, w columns on (all on the line). The positions are those
// the general path gives (parser.pos of line:col and line:col+w), made
// without its table of lines. None of them saturates (maxReadBytes).
func (r *jsonReader) span(line, col, from, w, to int) Span {
	return Span{file: r.p.fileName(),
		start: spanPos{line: int32(line), col: int32(col), byte: int32(from)},
		end:   spanPos{line: int32(line), col: int32(col + w), byte: int32(to)}}
}

// maxReadBytes bounds what the JSON and YAML readers read, so that the
// positions they give fit a Span's int32s as they are, without
// saturating: no line, column, byte offset or width in a template is more
// than its length plus a few. Longer templates (cfnrun reads up to
// 8 MiB) take the general path.
const maxReadBytes = 1 << 30

// strSpan is the span of the string token from byte from (line:col) to
// r.off, whose value is v: its width is the value's, plus the quotes, as
// the general path has it (parser.scalarRangeAt), which is the token's
// own unless it has escapes; one column for a value of several lines.
func (r *jsonReader) strSpan(line, col, from int, v string, escaped bool) Span {
	if !escaped {
		return r.span(line, col, from, r.column(r.off)-col, r.off)
	}
	w := runeCount(v) + 2
	if strings.IndexByte(v, '\n') >= 0 {
		w = 1
	}
	// The end is w runes on from the opening quote: escapes are longer
	// than what they stand for, so still inside the token.
	to := from
	for range w {
		if r.src[to] < utf8.RuneSelf {
			to++
		} else {
			_, size := utf8.DecodeRune(r.src[to:])
			to += size
		}
	}
	return r.span(line, col, from, w, to)
}

func (r *jsonReader) value(depth int) *Node {
	if depth > maxDepth {
		giveUp()
	}
	r.space()
	if r.off >= len(r.src) {
		giveUp()
	}
	line, col, from := r.line, r.column(r.off), r.off
	switch c := r.src[r.off]; {
	case c == '{':
		return r.object(line, col, depth)
	case c == '[':
		return r.array(line, col, depth)
	case c == '"':
		s, esc := r.str()
		return r.p.arena.node(Node{Kind: Scalar, Type: Str, Value: s, Span: r.strSpan(line, col, from, s, esc), openEnd: esc})
	case c == 't':
		return r.word("true", Scalar, Bool, line, col)
	case c == 'f':
		return r.word("false", Scalar, Bool, line, col)
	case c == 'n':
		return r.word("null", Null, Str, line, col)
	default:
		return r.number(line, col)
	}
}

func (r *jsonReader) word(w string, k Kind, t ScalarType, line, col int) *Node {
	if len(r.src)-r.off < len(w) || string(r.src[r.off:r.off+len(w)]) != w {
		giveUp()
	}
	r.off += len(w)
	return r.p.arena.node(Node{Kind: k, Type: t, Value: w, Span: r.span(line, col, r.off-len(w), len(w), r.off)})
}

// number reads a JSON number. Integers that fit in 64 bits and plain
// decimals (no exponent) resolve in YAML as they do here; anything else
// goes to the general path.
func (r *jsonReader) number(line, col int) *Node {
	start := r.off
	if r.off < len(r.src) && r.src[r.off] == '-' {
		r.off++
	}
	digits := r.off
	for r.off < len(r.src) && r.src[r.off] >= '0' && r.src[r.off] <= '9' {
		r.off++
	}
	if r.off == digits || (r.src[digits] == '0' && r.off-digits > 1) {
		giveUp()
	}
	typ := Int
	if r.off < len(r.src) && r.src[r.off] == '.' {
		r.off++
		frac := r.off
		for r.off < len(r.src) && r.src[r.off] >= '0' && r.src[r.off] <= '9' {
			r.off++
		}
		if r.off == frac {
			giveUp()
		}
		typ = Float
	}
	if r.off < len(r.src) && (r.src[r.off] == 'e' || r.src[r.off] == 'E') {
		giveUp()
	}
	v := r.text(start, r.off)
	if typ == Int {
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			giveUp()
		}
	}
	return r.p.arena.node(Node{Kind: Scalar, Type: typ, Value: v, Span: r.span(line, col, start, len(v), r.off)})
}

// str reads a JSON string at r.off and returns its value, and whether
// it has escapes.
func (r *jsonReader) str() (string, bool) {
	r.off++ // opening quote
	start := r.off
	for r.off < len(r.src) {
		r.off = plainRun(r.src, r.off)
		if r.off >= len(r.src) {
			break
		}
		switch c := r.src[r.off]; {
		case c == '"':
			s := r.text(start, r.off)
			r.off++
			return s, false
		case c == '\\':
			return r.escaped(start), true
		case c < 0x20 || c == 0x7F:
			giveUp()
		case c >= utf8.RuneSelf:
			r.nonASCII()
		default:
			r.off++
		}
	}
	giveUp()
	return "", false
}

// plainRun returns the offset of the first byte at or after off, in
// steps of eight, that may end a string's plain run: a quote, a
// backslash, a control character, 0x7F or a byte of a multi-byte rune;
// where fewer than eight bytes remain, off unchanged. For a word of
// ASCII bytes each mask flags exactly the bytes it names (no per-byte sum
// carries into the next byte), so the first flagged byte is the first
// such byte; a word with a byte of 0x80 or more is left to the caller's
// byte-at-a-time loop, which then comes back here.
func plainRun(src []byte, off int) int {
	const ones, high, low = 0x0101010101010101, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	for off+8 <= len(src) {
		w := binary.LittleEndian.Uint64(src[off:])
		if w&high != 0 {
			return off
		}
		control := ^(w + 0x60*ones) & high // bytes under 0x20
		del := (w + ones) & high           // 0x7F
		q := w ^ '"'*ones
		quote := ^((q&low + low) | q | low) & high
		b := w ^ '\\'*ones
		backslash := ^((b&low + low) | b | low) & high
		if stop := control | del | quote | backslash; stop != 0 {
			return off + bits.TrailingZeros64(stop)/8
		}
		off += 8
	}
	return off
}

// nonASCII steps over one multi-byte rune of a string, giving up on the
// ones YAML does not allow in a stream (C1 controls but NEL, surrogates,
// U+FFFE and U+FFFF), which JSON allows.
func (r *jsonReader) nonASCII() {
	ru, size := utf8.DecodeRune(r.src[r.off:])
	if (ru >= 0x80 && ru < 0xA0 && ru != 0x85) || ru == 0xFFFE || ru == 0xFFFF || ru == utf8.RuneError {
		giveUp()
	}
	r.off += size
	r.extra += size - 1
}

// escaped finishes a string that has escapes, from its first byte start.
func (r *jsonReader) escaped(start int) string {
	b := make([]byte, 0, r.off-start+16)
	b = append(b, r.src[start:r.off]...)
	for r.off < len(r.src) {
		c := r.src[r.off]
		switch {
		case c == '"':
			r.off++
			return string(b)
		case c < 0x20 || c == 0x7F:
			giveUp()
		case c >= utf8.RuneSelf:
			from := r.off
			r.nonASCII()
			b = append(b, r.src[from:r.off]...)
			continue
		case c != '\\':
			b = append(b, c)
			r.off++
			continue
		}
		if r.off+1 >= len(r.src) {
			giveUp()
		}
		e := r.src[r.off+1]
		r.off += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			ru := r.hex4()
			if utf16.IsSurrogate(ru) {
				// A pair: YAML and JSON decode it alike only when it is
				// well formed; leave the rest to the general path.
				if r.off+1 >= len(r.src) || r.src[r.off] != '\\' || r.src[r.off+1] != 'u' {
					giveUp()
				}
				r.off += 2
				ru = utf16.DecodeRune(ru, r.hex4())
				if ru == utf8.RuneError {
					giveUp()
				}
			}
			b = utf8.AppendRune(b, ru)
		default:
			giveUp()
		}
	}
	giveUp()
	return ""
}

func (r *jsonReader) hex4() rune {
	if len(r.src)-r.off < 4 {
		giveUp()
	}
	var v rune
	for _, c := range r.src[r.off : r.off+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			giveUp()
		}
	}
	r.off += 4
	return v
}

func (r *jsonReader) object(line, col, depth int) *Node {
	from := r.off
	r.off++ // {
	n := r.p.arena.node(Node{Kind: Mapping})
	r.space()
	if r.off < len(r.src) && r.src[r.off] == '}' {
		r.off++
		n.Fields = []Field{}
		n.Span = r.span(line, col, from, 1, from+1)
		return n
	}
	base := len(r.fields)
	r.entries(depth, base)
	if repeatedKeys(r.fields[base:]) {
		giveUp() // the general path reports it
	}
	n.Fields = r.p.arena.fieldsOf(r.fields[base:])
	clear(r.fields[base:]) // drop the references the stack would keep
	r.fields = r.fields[:base]
	n.Span = r.span(line, col, from, 1, from+1)
	last := n.Fields[len(n.Fields)-1].Value
	n.Span.end, n.openEnd = last.Span.end, last.openEnd
	r.p.finishMapping(n)
	return n
}

// entries reads the "key": value entries of an object at depth onto
// r.fields, up to and including its closing brace; r.fields[base:] are the
// entries read so far.
func (r *jsonReader) entries(depth, base int) {
	for {
		r.space()
		if r.off == r.split.at && depth == r.split.depth {
			// The rest of this object's entries were read by the
			// second reader (split.go): take them as if read here.
			r.joinSplit(base)
			return
		}
		if r.off >= len(r.src) || r.src[r.off] != '"' {
			giveUp()
		}
		kl, kc, kFrom := r.line, r.column(r.off), r.off
		k, esc := r.str()
		if len(k) > 1024 {
			giveUp() // YAML's limit on implicit keys
		}
		// Duplicates go to the general path, which reports them
		// (past inlineKeys, object finds them: repeatedKeys).
		if repeatedKey(r.fields[base:], k) {
			giveUp()
		}
		ks := r.strSpan(kl, kc, kFrom, k, esc)
		r.space()
		if r.off >= len(r.src) || r.src[r.off] != ':' {
			giveUp()
		}
		r.off++
		v := r.value(depth + 1)
		r.fields = append(r.fields, Field{Key: k, KeySpan: ks.Line(), Value: v})
		r.space()
		if r.off >= len(r.src) {
			giveUp()
		}
		if r.src[r.off] == '}' {
			r.off++
			return
		}
		if r.src[r.off] != ',' {
			giveUp()
		}
		r.off++
	}
}

func (r *jsonReader) array(line, col, depth int) *Node {
	from := r.off
	r.off++ // [
	n := r.p.arena.node(Node{Kind: Sequence})
	r.space()
	if r.off < len(r.src) && r.src[r.off] == ']' {
		r.off++
		n.Items = []*Node{}
		n.Span = r.span(line, col, from, 1, from+1)
		return n
	}
	base := len(r.items)
	for {
		v := r.value(depth + 1)
		r.items = append(r.items, v)
		r.space()
		if r.off >= len(r.src) {
			giveUp()
		}
		if r.src[r.off] == ']' {
			r.off++
			break
		}
		if r.src[r.off] != ',' {
			giveUp()
		}
		r.off++
	}
	n.Items = r.p.arena.itemsOf(r.items[base:])
	clear(r.items[base:])
	r.items = r.items[:base]
	n.Span = r.span(line, col, from, 1, from+1)
	last := n.Items[len(n.Items)-1]
	n.Span.end, n.openEnd = last.Span.end, last.openEnd
	return n
}
