package cfn

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// yamlReader reads the YAML people write CloudFormation in straight into
// Nodes, in one pass, with the positions, values and findings the general
// (yaml.v3) path gives: block mappings and sequences (indentless ones
// too), single-line flow mappings and sequences, plain and quoted
// single-line scalars, literal and folded block scalars, comments, and
// CloudFormation's short-form tags.
//
// Like the JSON reader it reads only what it can read exactly as yaml.v3
// would: on anything else (anchors and aliases, merge keys, multi-line
// plain or quoted scalars, multi-line flow collections, empty values,
// tabs, CR line ends, document markers and directives, numbers written in
// forms YAML resolves in surprising ways, a duplicate key, any syntax
// error, any finding but an unknown long-form intrinsic) it gives up, and
// Parse reads the file the general way, which reports what there is to
// report. TestYAMLReaderMatchesGeneral holds the two to the same trees on
// every template in the repository and on generated ones, and counts how
// many it leaves to yaml.v3; FuzzYAMLReader holds it there on any input.
type yamlReader struct {
	p   *parser
	src []byte
	off int
	// line is the 1-based line of off and lineStart its first byte; col
	// and colOff a rune column and the byte it is at, on that line.
	line, lineStart, col, colOff int
	// ind is the indentation of the line with content off is on (off at
	// its first character), or -1 at the end of the file.
	ind int
	// wide are the first bytes of a multi-byte rune on each line that has
	// one, in order (plainTextLines); wideNext is the first of them at or
	// after lineStart, and wideIdx its index. Up to wideNext a column is
	// a byte count.
	wide              []int
	wideIdx, wideNext int
	// fields and items are the stacks open mappings and sequences
	// gather entries on.
	fields []Field
	items  []*Node
	// split is where a second reader took over the rest of a large
	// mapping's entries (split.go).
	split *splitReader
}

// readYAML returns the template's root node, or ok false when the general
// path must read it.
func (p *parser) readYAML() (root *Node, ok bool) {
	if len(p.src) == 0 || len(p.src) > maxReadBytes {
		return nil, false
	}
	wide, plain := plainTextLines(p.src)
	if !plain {
		return nil, false
	}
	p.wide = wide
	r := &yamlReader{p: p, src: p.src, line: 1, col: 1, split: noSplit, wide: wide, fields: fieldStack(len(p.src))}
	r.syncWide()
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
	r.documentStart()
	if r.ind < 0 || r.src[r.off] == '{' || r.src[r.off] == '[' || r.seqEntry() {
		// Empty, JSON, or not a mapping: the general path says so.
		return nil, false
	}
	if r.ind == 0 {
		if at, end, ok := p.splitPointYAML(); ok {
			r.split = p.startSplitYAML(at, end)
		}
	}
	root = r.blockMap(r.ind, 0)
	if r.ind >= 0 {
		giveUp()
	}
	return root, true
}

// documentStart moves to the first content, past a "---" line that
// starts the document.
func (r *yamlReader) documentStart() {
	for r.off < len(r.src) && (r.src[r.off] == '#' || r.src[r.off] == '\n') {
		if r.src[r.off] == '\n' {
			r.newline(r.off + 1)
		} else {
			r.skipComment()
		}
	}
	if len(r.src)-r.off >= 3 && string(r.src[r.off:r.off+3]) == "---" && r.blankz(r.off+3) {
		r.off += 3
		if !r.atLineEnd() {
			giveUp()
		}
		r.skipComment()
	}
	r.content()
}

// plainTextLines reports whether src has only characters the reader
// handles: no tabs, no CR, no control characters, nothing YAML reads as a
// line break but LF (NEL, U+2028, U+2029), no byte order mark, nothing
// YAML rejects as unprintable. It also returns, for each line with a
// multi-byte rune, the first byte of its first one, in order: on the
// other lines (all of them, in most templates) a rune column is a byte
// count.
func plainTextLines(src []byte) (wide []int, ok bool) {
	seen := 0 // the bytes before seen were looked at for line feeds
	for i := 0; i < len(src); {
		// The whole file is checked before either reader starts: words
		// of ASCII first (plainWords), then a byte or rune at a time up
		// to the next word.
		if i = plainWords(src, i); i >= len(src) {
			break
		}
		c := src[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7F {
				return nil, false
			}
			i++
			continue
		}
		ru, size := utf8.DecodeRune(src[i:])
		if ru < 0xA0 || ru == 0x2028 || ru == 0x2029 || ru == 0xFEFF || ru == 0xFFFE || ru == 0xFFFF || ru == utf8.RuneError ||
			(ru >= 0xD800 && ru < 0xE000) {
			return nil, false
		}
		// The first on its line: none yet, or a line feed since the last.
		if len(wide) == 0 || bytes.IndexByte(src[max(seen, wide[len(wide)-1]):i], '\n') >= 0 {
			wide = append(wide, i)
		}
		seen = i
		i += size
	}
	return wide, true
}

// plainWords returns the first offset at or after i, in steps of eight,
// where fewer than eight bytes remain or the word there has a byte of
// 0x80 or more, a control character other than a line feed, or 0x7F: the
// ASCII run plainTextLines accepts without looking at each byte. Sixteen
// bytes a step while it can (a loop of its own: in plainTextLines' the
// compiler spilled its registers). In a word with no byte of 0x80 or
// more, y = w^'\n' has a byte in 1..0x1F exactly where w has a control
// character other than a line feed (the xor changes bits 1 and 3 only);
// y+0x60 has that byte's high bit clear when it is under 0x20, y+0x7F set
// when it is not 0, and w+1 set when w's byte is 0x7F. No per-byte sum
// carries into the next byte.
func plainWords(src []byte, i int) int {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	if i >= len(src) {
		return i
	}
	b := src[i:]
	for len(b) >= 16 {
		w, v := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
		y, z := w^'\n'*ones, v^'\n'*ones
		if (w|v|^(y+0x60*ones)&(y+0x7F*ones)|(w+ones)|^(z+0x60*ones)&(z+0x7F*ones)|(v+ones))&high != 0 {
			break
		}
		b = b[16:]
	}
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		y := w ^ '\n'*ones
		if (w|^(y+0x60*ones)&(y+0x7F*ones)|(w+ones))&high != 0 {
			break
		}
		b = b[8:]
	}
	return len(src) - len(b)
}

// text returns src[from:to] as a string sharing src's memory (srcText).
func (r *yamlReader) text(from, to int) string { return srcText(r.src, from, to) }

// column is the 1-based rune column of byte off on the current line.
func (r *yamlReader) column(off int) int {
	if off <= r.wideNext {
		return off - r.lineStart + 1 // only one-byte runes before off
	}
	if off < r.colOff {
		r.col, r.colOff = 1, r.lineStart
	}
	col, i := r.col, r.colOff
	for i < off {
		if b := r.src[i]; b < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRune(r.src[i:])
			i += size
		}
		col++
	}
	r.col, r.colOff = col, i
	return col
}

// newline moves to the line starting at byte next.
func (r *yamlReader) newline(next int) {
	r.off, r.line, r.lineStart, r.col, r.colOff = next, r.line+1, next, 1, next
	if r.wideNext < next {
		r.syncWide()
	}
}

// syncWide sets wideNext to the first multi-byte rune at or after
// lineStart (wide holds at most one per line, so the one before it, if
// any, is on an earlier line).
func (r *yamlReader) syncWide() {
	for r.wideIdx < len(r.wide) && r.wide[r.wideIdx] < r.lineStart {
		r.wideIdx++
	}
	r.wideNext = math.MaxInt
	if r.wideIdx < len(r.wide) {
		r.wideNext = r.wide[r.wideIdx]
	}
}

// span is where a token written at byte from, rune column col of line,
// is when it is w columns wide: the end is w runes on, or the line's end
// if that comes first, as parser.pos places the columns of a line.
func (r *yamlReader) span(line, col, from, w int) Span {
	to := from
	for n := w; n > 0 && to < len(r.src); n-- {
		if b := r.src[to]; b < utf8.RuneSelf {
			if b == '\n' {
				break
			}
			to++
		} else {
			_, size := utf8.DecodeRune(r.src[to:])
			to += size
		}
	}
	return r.spanTo(line, col, from, w, to)
}

// spanTo is span when the end's byte, to, is known. None of the
// positions saturates (maxReadBytes).
func (r *yamlReader) spanTo(line, col, from, w, to int) Span {
	return Span{file: r.p.fileName(),
		start: spanPos{line: int32(line), col: int32(col), byte: int32(from)},
		end:   spanPos{line: int32(line), col: int32(col + w), byte: int32(to)}}
}

// scalarSpan is the span of scalar v written at byte from (line:col), as
// scalarRangeAt and tagArgRange give it (scalarWidth); to is the byte
// after it when its text there is v itself (quotes aside) on one line,
// or -1.
func (r *yamlReader) scalarSpan(line, col, from int, v string, style scalarStyle, to int) Span {
	if to >= 0 && style != blockStyle && from >= r.lineStart && to <= r.wideNext {
		// The token is v (and its quotes) on the current line, before the
		// line's first multi-byte rune: a column per byte, as scalarWidth
		// counts it.
		return r.spanTo(line, col, from, max(to-from, 1), to)
	}
	w := scalarWidth(v, style)
	if to >= 0 && style != blockStyle {
		return r.spanTo(line, col, from, w, to)
	}
	return r.span(line, col, from, w)
}

// blankz reports whether byte i is a space, a line end or the end.
func (r *yamlReader) blankz(i int) bool {
	return i >= len(r.src) || r.src[i] == ' ' || r.src[i] == '\n'
}

// content moves from the start of a line to the first character of the
// next line that is not blank or a comment, and sets ind.
func (r *yamlReader) content() {
	for r.off < len(r.src) {
		i := r.off
		for i < len(r.src) && r.src[i] == ' ' {
			i++
		}
		if i == len(r.src) {
			r.off = i
			break
		}
		switch r.src[i] {
		case '\n':
			r.newline(i + 1)
			continue
		case '#':
			r.off = i
			r.skipComment()
			continue
		}
		if i == r.off {
			// Directives and document markers start at column 1.
			if c := r.src[i]; c == '%' || ((c == '-' || c == '.') && len(r.src)-i >= 3 && r.src[i+1] == c && r.src[i+2] == c) {
				giveUp()
			}
		}
		r.ind, r.off = i-r.off, i
		return
	}
	r.ind = -1
}

// skipComment skips from a "#" past the end of its line.
func (r *yamlReader) skipComment() {
	for i := r.off; i < len(r.src); i++ {
		if r.src[i] == '\n' {
			r.newline(i + 1)
			return
		}
	}
	r.off = len(r.src)
}

// spaces skips spaces on the line.
func (r *yamlReader) spaces() {
	for r.off < len(r.src) && r.src[r.off] == ' ' {
		r.off++
	}
}

// atLineEnd reports whether only a comment or nothing follows on the
// line (after spaces, which it skips).
func (r *yamlReader) atLineEnd() bool {
	from := r.off
	r.spaces()
	if r.off >= len(r.src) || r.src[r.off] == '\n' {
		return true
	}
	return r.src[r.off] == '#' && r.off > from
}

// endLine finishes a line after a value: only spaces and a comment may
// follow. Then it moves to the next line with content.
func (r *yamlReader) endLine() {
	if !r.atLineEnd() {
		giveUp()
	}
	r.skipComment()
	r.content()
}

// seqEntry reports whether a block sequence entry "- " starts at off.
func (r *yamlReader) seqEntry() bool {
	return r.off < len(r.src) && r.src[r.off] == '-' && r.blankz(r.off+1)
}

// blockMap reads a block mapping whose keys are indented indent spaces;
// off is at its first key.
func (r *yamlReader) blockMap(indent, depth int) *Node {
	if depth >= maxDepth {
		giveUp()
	}
	n := r.p.arena.node(Node{Kind: Mapping})
	n.Span = r.span(r.line, r.column(r.off), r.off, 1)
	base := len(r.fields)
	r.mapEntries(indent, depth, base)
	if repeatedKeys(r.fields[base:]) {
		giveUp() // the general path reports it
	}
	n.Fields = r.p.arena.fieldsOf(r.fields[base:])
	clear(r.fields[base:])
	r.fields = r.fields[:base]
	n.Span.end = n.Fields[len(n.Fields)-1].Value.Span.end
	r.p.finishMapping(n)
	return n
}

// mapEntries reads the entries of a block mapping at indent and depth
// onto r.fields, off at a key, up to the first line indented less;
// r.fields[base:] are the entries read so far.
func (r *yamlReader) mapEntries(indent, depth, base int) {
	for {
		if r.off == r.split.at && depth == r.split.depth && indent == r.split.indent {
			// The rest of this mapping's entries were read by the
			// second reader (split.go): take them as if read here.
			r.joinSplit(base)
			return
		}
		from := r.off
		k, ks, plain := r.key(false)
		if plain && k == "<<" {
			giveUp() // a merge key: the general path reports it
		}
		if r.off >= len(r.src) || r.src[r.off] != ':' || !r.blankz(r.off+1) || r.off-from > 1000 {
			giveUp()
		}
		r.off++
		// Duplicates go to the general path, which reports them
		// (past inlineKeys, blockMap finds them: repeatedKeys).
		if repeatedKey(r.fields[base:], k) {
			giveUp()
		}
		v := r.value(indent, depth+1, true)
		r.fields = append(r.fields, Field{Key: k, KeySpan: ks.Line(), Value: v})
		if r.ind < indent {
			return
		}
		if r.ind > indent {
			giveUp()
		}
	}
}

// blockSeq reads a block sequence whose "-" are indented indent spaces;
// off is at its first "-". An indentless sequence (one at its key's
// indentation) ends at the first line that is not an entry.
func (r *yamlReader) blockSeq(indent, depth int, indentless bool) *Node {
	if depth >= maxDepth {
		giveUp()
	}
	n := r.p.arena.node(Node{Kind: Sequence})
	n.Span = r.span(r.line, r.column(r.off), r.off, 1)
	base := len(r.items)
	for {
		if !r.seqEntry() {
			if indentless && len(r.items) > base {
				break
			}
			giveUp()
		}
		r.off++
		var v *Node
		if after := r.off; !r.atLineEnd() && r.isKey() {
			// "- key: value": a mapping indented to its first key.
			r.ind = r.off - r.lineStart
			v = r.blockMap(r.ind, depth+1)
		} else if r.off > after && r.seqEntry() {
			// "- - x": a sequence indented to its first "-".
			r.ind = r.off - r.lineStart
			v = r.blockSeq(r.ind, depth+1, false)
		} else {
			r.off = after
			v = r.value(indent, depth+1, false)
		}
		r.items = append(r.items, v)
		if r.ind < indent {
			break
		}
		if r.ind > indent {
			giveUp()
		}
	}
	n.Items = r.p.arena.itemsOf(r.items[base:])
	clear(r.items[base:])
	r.items = r.items[:base]
	n.Span.end = n.Items[len(n.Items)-1].Span.end
	return n
}

// isKey reports whether a mapping key ("key:" and a space or the line's
// end) starts at off, which it leaves where it is.
func (r *yamlReader) isKey() bool {
	from := r.off
	defer func() { r.off = from }()
	var stop int
	if q := r.src[r.off]; q == '"' || q == '\'' {
		// Find the closing quote on this line.
		stop = -1
		for i := r.off + 1; i < len(r.src) && r.src[i] != '\n'; i++ {
			if r.src[i] == '\\' && q == '"' {
				i++
			} else if r.src[i] == q {
				if q == '\'' && i+1 < len(r.src) && r.src[i+1] == '\'' {
					i++
					continue
				}
				stop = i + 1
				break
			}
		}
		if stop < 0 {
			return false
		}
	} else {
		if !r.plainStart(false) {
			return false
		}
		_, stop = r.plainEnd(false)
	}
	return stop < len(r.src) && r.src[stop] == ':' && r.blankz(stop+1)
}

// value reads the value of a mapping entry or sequence entry, off just
// after its ":" or "-", in a block collection indented parent spaces.
// It returns with off at the next line with content.
func (r *yamlReader) value(parent, depth int, inMapping bool) *Node {
	line, col, from := r.line, r.column(r.off), r.off
	if r.atLineEnd() {
		r.skipComment()
		r.content()
		switch {
		case r.ind > parent:
			return r.blockNode(depth)
		case inMapping && r.ind == parent && r.ind >= 0 && r.seqEntry():
			return r.blockSeq(parent, depth, true)
		}
		// An empty value: null, placed just after its indicator.
		return r.p.arena.node(Node{Kind: Null, Span: r.span(line, col, from, 1)})
	}
	if r.src[r.off] == '!' {
		return r.tagged(parent, depth, inMapping)
	}
	return r.inline(parent, depth, false)
}

// blockNode reads the block mapping or sequence that starts at off.
func (r *yamlReader) blockNode(depth int) *Node {
	if r.seqEntry() {
		return r.blockSeq(r.ind, depth, false)
	}
	return r.blockMap(r.ind, depth)
}

// inline reads a value that starts at off on the line: a flow collection,
// a quoted or plain scalar, or a block scalar and its lines; it returns
// with off at the next line with content. Tags are the caller's.
func (r *yamlReader) inline(parent, depth int, tagged bool) *Node {
	line, col, from := r.line, r.column(r.off), r.off
	var n *Node
	switch c := r.src[r.off]; c {
	case '[', '{':
		n = r.flow(parent, depth)
	case '"', '\'':
		v := r.quoted(parent)
		n = r.p.arena.node(Node{Kind: Scalar, Type: Str, Value: v, Span: r.quotedSpan(line, col, from, v)})
	case '|', '>':
		v := r.blockScalar(parent)
		return r.p.arena.node(Node{Kind: Scalar, Type: Str, Value: v, Span: r.scalarSpan(line, col, from, v, blockStyle, -1)})
	}
	if n != nil {
		r.endLine()
		return n
	}
	if !r.plainStart(false) {
		giveUp()
	}
	end, stop := r.plainEnd(false)
	if stop < len(r.src) && r.src[stop] == ':' {
		giveUp() // "a: b: c", or a key where a value belongs
	}
	v := r.text(r.off, end)
	r.off = stop
	if next := r.continuation(parent); next >= 0 {
		v = r.foldPlain(v, parent, next)
		n = r.scalar(v, line, col, from, -1, tagged)
		r.content()
		return n
	}
	n = r.scalar(v, line, col, from, end, tagged)
	r.endLine()
	return n
}

// continuation looks past the end of a plain scalar's line (off is at
// the spaces or line end after it) for a line that continues it: after
// blank lines, one indented more than parent spaces that is not a
// comment. It returns that line's first byte, or -1.
func (r *yamlReader) continuation(parent int) int {
	i := r.off
	for i < len(r.src) && r.src[i] == ' ' {
		i++
	}
	if i >= len(r.src) || r.src[i] != '\n' {
		return -1 // a comment ends the scalar
	}
	for i < len(r.src) {
		start := i + 1
		j := start
		for j < len(r.src) && r.src[j] == ' ' {
			j++
		}
		if j < len(r.src) && r.src[j] == '\n' {
			i = j
			continue
		}
		if j == len(r.src) || j-start <= parent || r.src[j] == '#' {
			return -1
		}
		return start
	}
	return -1
}

// foldPlain reads the lines that continue plain scalar v, the first of
// them starting at byte next, and returns v folded as YAML folds them:
// a line break becomes a space, unless blank lines follow it, which
// become line breaks. off ends at the start of the line after the
// scalar.
func (r *yamlReader) foldPlain(v string, parent, next int) string {
	b := append(make([]byte, 0, len(v)+64), v...)
	for next >= 0 {
		breaks := 0
		for r.off < next {
			if r.src[r.off] == '\n' {
				r.newline(r.off + 1)
				breaks++
				continue
			}
			r.off++
		}
		if breaks == 1 {
			b = append(b, ' ')
		}
		for ; breaks > 1; breaks-- {
			b = append(b, '\n')
		}
		r.spaces()
		if !r.plainStart(false) {
			giveUp() // "- x", a tag, a quote … where YAML would go on
		}
		end, stop := r.plainEnd(false)
		if stop < len(r.src) && r.src[stop] == ':' {
			giveUp()
		}
		b = append(b, r.src[r.off:end]...)
		r.off = stop
		next = r.continuation(parent)
	}
	if !r.atLineEnd() {
		giveUp()
	}
	r.skipComment()
	return string(b)
}

// scalar makes the node of plain scalar v written at byte from
// (line:col); end is the byte after it when it is on one line, else -1.
func (r *yamlReader) scalar(v string, line, col, from, end int, tagged bool) *Node {
	k, t := Scalar, Str
	if !tagged {
		k, t = resolvePlain(v)
	}
	return r.p.arena.node(Node{Kind: k, Type: t, Value: v, Span: r.scalarSpan(line, col, from, v, plainStyle, end)})
}

// quotedSpan is the span of quoted scalar v written at byte from
// (line:col), off just after it: its text there is v itself when the
// quotes are the only other bytes (no escapes, no line breaks).
func (r *yamlReader) quotedSpan(line, col, from int, v string) Span {
	to := -1
	if r.off-from == len(v)+2 {
		to = r.off
	}
	return r.scalarSpan(line, col, from, v, quotedStyle, to)
}

// tagged reads a short-form intrinsic: its tag at off, then its argument
// on the line or, for a collection, on the lines below; as a mapping
// entry's value (inMapping), that may be a block sequence at the key's
// indentation ("Target: !Join" with "- /" under the "T"), as untagged.
func (r *yamlReader) tagged(parent, depth int, inMapping bool) *Node {
	tl, tc, tfrom := r.line, r.column(r.off), r.off
	tag, name := r.tag()
	var arg *Node
	if r.atLineEnd() {
		r.skipComment()
		r.content()
		switch {
		case r.ind > parent:
			arg = r.blockNode(depth)
		case inMapping && r.ind == parent && r.ind >= 0 && r.seqEntry():
			arg = r.blockSeq(parent, depth, true)
		default:
			giveUp() // an empty argument: the general path
		}
	} else {
		arg = r.inline(parent, depth, true)
	}
	return r.short(tag, name, tl, tc, tfrom, arg)
}

// tag reads a short-form tag at off and the spaces after it.
func (r *yamlReader) tag() (tag, name string) {
	i := r.off + 1
	for i < len(r.src) && (r.src[i] >= 'A' && r.src[i] <= 'Z' || r.src[i] >= 'a' && r.src[i] <= 'z' || r.src[i] >= '0' && r.src[i] <= '9') {
		i++
	}
	tag = string(r.src[r.off:i])
	name, ok := shortTags[tag]
	if !ok || !r.blankz(i) {
		giveUp() // unknown tags, !!str, …: the general path
	}
	r.off = i
	return tag, name
}

// short makes the long form of a short-form intrinsic whose tag is at
// byte from (line:col); anything the general path would report makes it
// give up.
func (r *yamlReader) short(tag, name string, line, col, from int, arg *Node) *Node {
	tagSpan := r.spanTo(line, col, from, len(tag), from+len(tag)) // a tag is ASCII
	if arg.Kind == Sequence || arg.Kind == Mapping {
		// yaml.v3 places a tagged collection at its tag; an empty one
		// spans one column there.
		arg.Span.start = tagSpan.start
		if len(arg.Items) == 0 && len(arg.Fields) == 0 {
			arg.Span = r.spanTo(line, col, from, 1, from+1)
		}
	}
	mark := len(r.p.diags)
	n := r.p.shortNodeSpan(tag, name, tagSpan, arg)
	if len(r.p.diags) > mark {
		giveUp()
	}
	return n
}

// key reads a mapping key, quoted or plain (flow says where a plain one
// ends), with its span; plain says which it was.
func (r *yamlReader) key(flow bool) (k string, ks Span, plain bool) {
	kl, kc, from := r.line, r.column(r.off), r.off
	if c := r.src[r.off]; c == '"' || c == '\'' {
		k = r.quoted(-1)
		return k, r.quotedSpan(kl, kc, from, k), false
	}
	if !r.plainStart(flow) {
		giveUp()
	}
	end, stop := r.plainEnd(flow)
	k, r.off = r.text(r.off, end), stop
	return k, r.scalarSpan(kl, kc, from, k, plainStyle, end), true
}

// plainStart reports whether a plain scalar may start at off.
func (r *yamlReader) plainStart(flow bool) bool {
	switch c := r.src[r.off]; c {
	case '-':
		return !r.blankz(r.off+1) && !(flow && r.flowIndicator(r.off+1))
	case '?', ':':
		return !flow && !r.blankz(r.off+1)
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\n':
		return false
	}
	return true
}

func (r *yamlReader) flowIndicator(i int) bool {
	if i >= len(r.src) {
		return false
	}
	switch r.src[i] {
	case ',', '[', ']', '{', '}', '?':
		return true
	}
	return false
}

// plainEnd scans the plain scalar at off on its line: its text is
// src[off:end], and stop is where what ended it is (a ": ", a comment,
// the line's end, or in flow context a flow indicator).
func (r *yamlReader) plainEnd(flow bool) (end, stop int) {
	i := r.off
	end = i
	for i < len(r.src) {
		if j := plainStop(r.src, i, flow); j > i {
			// Bytes none of the cases below stops at.
			i, end = j, j
			if i == len(r.src) {
				break
			}
		}
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

// byteMask flags, in the high bit of each byte, the bytes of w equal to
// c: exactly those (no per-byte sum carries into the next byte).
func byteMask(w uint64, c byte) uint64 {
	const low, high = 0x7F7F7F7F7F7F7F7F, 0x8080808080808080
	x := w ^ 0x0101010101010101*uint64(c)
	return ^((x&low + low) | x | low) & high
}

// plainStop returns the first byte at or after i, in steps of eight, that
// plainEnd's loop may stop at: a line feed, a space, a colon, or in flow
// context a flow indicator; where fewer than eight bytes remain, i
// unchanged.
//
// Outside flow context a word of ASCII bytes (the common case) takes a
// shorter test: the whole file was checked (plainTextLines), so its only
// byte under 0x21 but a space is a line feed, and the per-byte sums below
// flag exactly the bytes under 0x21 and the colons (no sum carries into
// the next byte while every byte is under 0x80).
func plainStop(src []byte, i int, flow bool) int {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	if i >= len(src) {
		return i
	}
	b := src[i:]
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		var stop uint64
		switch {
		case !flow && w&high == 0:
			// w+0x5F has a byte's high bit clear when it is under 0x21;
			// (w^':')+0x7F when it is a colon.
			stop = ^((w + 0x5F*ones) & ((w ^ ':'*ones) + 0x7F*ones)) & high
		case !flow:
			stop = byteMask(w, '\n') | byteMask(w, ' ') | byteMask(w, ':')
		default:
			stop = byteMask(w, '\n') | byteMask(w, ' ') | byteMask(w, ':') |
				byteMask(w, ',') | byteMask(w, '[') | byteMask(w, ']') | byteMask(w, '{') | byteMask(w, '}') | byteMask(w, '?')
		}
		if stop != 0 {
			return len(src) - len(b) + bits.TrailingZeros64(stop)/8
		}
		b = b[8:]
	}
	return len(src) - len(b)
}

// quoted reads a quoted scalar at off and returns its value. One that
// goes on over lines is read by quotedLines when parent is the
// indentation of the block collection it is a value in, and makes the
// reader give up when parent is -1 (keys, flow collections).
func (r *yamlReader) quoted(parent int) string {
	q := r.src[r.off]
	r.off++
	start := r.off
	for r.off < len(r.src) {
		switch c := r.src[r.off]; {
		case c == q:
			if q == '\'' && r.off+1 < len(r.src) && r.src[r.off+1] == '\'' {
				return r.escaped(start, q, parent)
			}
			s := r.text(start, r.off)
			r.off++
			return s
		case c == '\\' && q == '"':
			return r.escaped(start, q, parent)
		case c == '\n':
			if parent < 0 {
				giveUp() // a scalar of several lines
			}
			r.off = start - 1
			return r.quotedLines(parent)
		}
		r.off++
	}
	giveUp()
	return ""
}

// escaped finishes a quoted scalar that has escapes, from its first byte
// start.
func (r *yamlReader) escaped(start int, q byte, parent int) string {
	b := make([]byte, 0, r.off-start+16)
	b = append(b, r.src[start:r.off]...)
	for r.off < len(r.src) {
		c := r.src[r.off]
		switch {
		case c == '\n':
			if parent < 0 {
				giveUp()
			}
			r.off = start - 1
			return r.quotedLines(parent)
		case c == q && q == '\'':
			if r.off+1 < len(r.src) && r.src[r.off+1] == '\'' {
				b = append(b, '\'')
				r.off += 2
				continue
			}
			r.off++
			return string(b)
		case c == q:
			r.off++
			return string(b)
		case c == '\\' && q == '"':
			if r.off+1 >= len(r.src) {
				giveUp()
			}
			e, ok := unescape(r.src[r.off+1])
			if !ok {
				giveUp() // \x, \u, \N, line continuations: the general path
			}
			b = append(b, e)
			r.off += 2
			continue
		}
		b = append(b, c)
		r.off++
	}
	giveUp()
	return ""
}

// quotedLines reads a quoted scalar at off that goes on over lines, in a
// block collection indented parent spaces, folding it as YAML does: the
// spaces around a line break go, a lone break becomes a space, and blank
// lines become line breaks. A continuation line must be indented more
// than parent.
func (r *yamlReader) quotedLines(parent int) string {
	q := r.src[r.off]
	r.off++
	var b []byte
	for r.off < len(r.src) {
		c := r.src[r.off]
		switch {
		case c == q && q == '\'' && r.off+1 < len(r.src) && r.src[r.off+1] == '\'':
			b = append(b, '\'')
			r.off += 2
		case c == q:
			r.off++
			return string(b)
		case c == ' ':
			j := r.off
			for j < len(r.src) && r.src[j] == ' ' {
				j++
			}
			if j >= len(r.src) || r.src[j] != '\n' {
				b = append(b, r.src[r.off:j]...)
			}
			r.off = j
		case c == '\n':
			breaks := 0
			for {
				r.newline(r.off + 1)
				breaks++
				i := r.off
				for i < len(r.src) && r.src[i] == ' ' {
					i++
				}
				if i >= len(r.src) {
					giveUp()
				}
				if r.src[i] == '\n' {
					r.off = i
					continue
				}
				if i-r.off <= parent {
					giveUp() // not indented: the general path says what YAML makes of it
				}
				r.off = i
				break
			}
			if breaks == 1 {
				b = append(b, ' ')
			}
			for ; breaks > 1; breaks-- {
				b = append(b, '\n')
			}
		case c == '\\' && q == '"':
			if r.off+1 >= len(r.src) {
				giveUp()
			}
			e, ok := unescape(r.src[r.off+1])
			if !ok {
				giveUp()
			}
			b = append(b, e)
			r.off += 2
		default:
			b = append(b, c)
			r.off++
		}
	}
	giveUp()
	return ""
}

// unescape is the byte a double-quoted scalar's escape \e stands for,
// for the escapes the reader reads (\x, \u, \N, a line break … are the
// general path's; so is \/, which YAML 1.2 allows and yaml.v3 rejects:
// the reader must not take what the general path refuses).
func unescape(e byte) (byte, bool) {
	switch e {
	case '"', '\\', ' ':
		return e, true
	case '0':
		return 0, true
	case 'a':
		return '\a', true
	case 'b':
		return '\b', true
	case 't':
		return '\t', true
	case 'n':
		return '\n', true
	case 'v':
		return '\v', true
	case 'f':
		return '\f', true
	case 'r':
		return '\r', true
	case 'e':
		return 0x1B, true
	}
	return 0, false
}

// flowSpace skips spaces, line ends and comments inside a flow
// collection; a line it moves to must be indented more than parent
// spaces (the enclosing block's).
func (r *yamlReader) flowSpace(parent int) {
	for r.off < len(r.src) {
		switch r.src[r.off] {
		case ' ':
			r.off++
		case '#':
			if r.off == r.lineStart || r.src[r.off-1] != ' ' {
				return // not a comment: the caller gives up
			}
			for r.off < len(r.src) && r.src[r.off] != '\n' {
				r.off++
			}
		case '\n':
			r.newline(r.off + 1)
			i := r.off
			for i < len(r.src) && r.src[i] == ' ' {
				i++
			}
			if i < len(r.src) && r.src[i] != '\n' && r.src[i] != '#' && i-r.off <= parent {
				giveUp() // not indented: the general path says what YAML makes of it
			}
		default:
			return
		}
	}
}

// flow reads a flow sequence or mapping in a block collection indented
// parent spaces; it may go on over several lines.
func (r *yamlReader) flow(parent, depth int) *Node {
	if depth >= maxDepth {
		giveUp()
	}
	closer := byte(']')
	n := r.p.arena.node(Node{Kind: Sequence, Span: r.spanTo(r.line, r.column(r.off), r.off, 1, r.off+1)})
	if r.src[r.off] == '{' {
		n.Kind, closer = Mapping, '}'
	}
	r.off++
	r.flowSpace(parent)
	if r.off < len(r.src) && r.src[r.off] == closer {
		r.off++
		if n.Kind == Mapping {
			n.Fields = []Field{}
		} else {
			n.Items = []*Node{}
		}
		return n
	}
	fbase, ibase := len(r.fields), len(r.items)
	for {
		if r.off >= len(r.src) {
			giveUp()
		}
		if n.Kind == Mapping {
			kl := r.line
			k, ks, _ := r.key(true)
			if k == "<<" || r.off+1 >= len(r.src) || r.src[r.off] != ':' || r.src[r.off+1] != ' ' || kl != r.line {
				giveUp()
			}
			if repeatedKey(r.fields[fbase:], k) {
				giveUp()
			}
			r.off++
			r.flowSpace(parent)
			r.fields = append(r.fields, Field{Key: k, KeySpan: ks.Line(), Value: r.flowValue(parent, depth+1)})
		} else {
			r.items = append(r.items, r.flowValue(parent, depth+1))
		}
		r.flowSpace(parent)
		if r.off >= len(r.src) {
			giveUp()
		}
		if r.src[r.off] == closer {
			r.off++
			break
		}
		if r.src[r.off] != ',' {
			giveUp()
		}
		r.off++
		r.flowSpace(parent)
		if r.off < len(r.src) && r.src[r.off] == closer {
			giveUp() // a trailing comma
		}
	}
	if n.Kind == Mapping {
		if repeatedKeys(r.fields[fbase:]) {
			giveUp()
		}
		n.Fields = r.p.arena.fieldsOf(r.fields[fbase:])
		clear(r.fields[fbase:])
		r.fields = r.fields[:fbase]
		n.Span.end = n.Fields[len(n.Fields)-1].Value.Span.end
		r.p.finishMapping(n)
	} else {
		n.Items = r.p.arena.itemsOf(r.items[ibase:])
		clear(r.items[ibase:])
		r.items = r.items[:ibase]
		n.Span.end = n.Items[len(n.Items)-1].Span.end
	}
	return n
}

// flowValue reads one value inside a flow collection.
func (r *yamlReader) flowValue(parent, depth int) *Node {
	if r.off >= len(r.src) {
		giveUp()
	}
	line, col, from := r.line, r.column(r.off), r.off
	switch c := r.src[r.off]; c {
	case '[', '{':
		return r.flow(parent, depth)
	case '"', '\'':
		v := r.quoted(-1)
		return r.p.arena.node(Node{Kind: Scalar, Type: Str, Value: v, Span: r.quotedSpan(line, col, from, v)})
	case '!':
		tag, name := r.tag()
		r.spaces()
		if r.off >= len(r.src) {
			giveUp()
		}
		var arg *Node
		al, ac, afrom := r.line, r.column(r.off), r.off
		switch c := r.src[r.off]; c {
		case '[', '{':
			arg = r.flow(parent, depth)
		case '"', '\'':
			v := r.quoted(-1)
			arg = r.p.arena.node(Node{Kind: Scalar, Type: Str, Value: v, Span: r.quotedSpan(al, ac, afrom, v)})
		default:
			arg = r.flowPlain(parent, true)
		}
		return r.short(tag, name, line, col, from, arg)
	}
	return r.flowPlain(parent, false)
}

// flowPlain reads a plain scalar inside a flow collection.
func (r *yamlReader) flowPlain(parent int, tagged bool) *Node {
	line, col, from := r.line, r.column(r.off), r.off
	if !r.plainStart(true) {
		giveUp()
	}
	end, stop := r.plainEnd(true)
	v := r.text(r.off, end)
	r.off = stop
	if r.off < len(r.src) && (r.src[r.off] == ' ' || r.src[r.off] == '\n') {
		// The line ends after it: only a comment or the collection's
		// next "," or closer may follow (YAML would go on with text).
		r.flowSpace(parent)
	}
	if r.off >= len(r.src) || !r.flowIndicator(r.off) || r.src[r.off] == '?' || r.src[r.off] == '[' || r.src[r.off] == '{' {
		giveUp() // "a: b" in a sequence, a scalar of several lines
	}
	return r.scalar(v, line, col, from, end, tagged)
}

// blockScalar reads a literal (|) or folded (>) block scalar whose
// indicator is at off, in a block collection indented parent spaces, and
// returns its value; off ends at the next line with content.
func (r *yamlReader) blockScalar(parent int) string {
	folded := r.src[r.off] == '>'
	r.off++
	chomp := byte(0)
	if r.off < len(r.src) && (r.src[r.off] == '-' || r.src[r.off] == '+') {
		chomp = r.src[r.off]
		r.off++
	}
	if !r.atLineEnd() {
		giveUp() // an indentation indicator, or text after the indicator
	}
	r.skipComment()
	// Lines: leading blank ones, then the first with text sets the
	// indentation.
	var lines [][]byte // nil for a blank line
	indent := -1
	trailing := 0 // blank lines after the last line with text
	for r.off < len(r.src) {
		i := r.off
		for i < len(r.src) && r.src[i] == ' ' {
			i++
		}
		if i == len(r.src) || r.src[i] == '\n' {
			if indent < 0 || i-r.off > indent {
				giveUp() // leading blank lines, or spaces beyond the indentation
			}
			if i == len(r.src) {
				// Spaces without a line break at the end of the
				// input: no blank line, not even kept ("|+").
				r.off = i
				break
			}
			lines = append(lines, nil)
			trailing++
			r.newline(i + 1)
			continue
		}
		if indent < 0 {
			indent = i - r.off
			if indent <= parent {
				giveUp()
			}
		}
		if i-r.off < indent {
			break
		}
		if folded && i-r.off > indent {
			giveUp() // more-indented lines of a folded scalar
		}
		end := i
		for end < len(r.src) && r.src[end] != '\n' {
			end++
		}
		if end == len(r.src) {
			giveUp() // no line break after the last line
		}
		lines = append(lines, r.src[r.off+indent:end])
		trailing = 0
		r.newline(end + 1)
	}
	if indent < 0 {
		giveUp() // an empty block scalar
	}
	lines = lines[:len(lines)-trailing]
	var b []byte
	for i, l := range lines {
		if i > 0 {
			switch {
			case !folded:
				b = append(b, '\n')
			case l == nil:
				b = append(b, '\n')
			case lines[i-1] != nil:
				b = append(b, ' ')
			}
		}
		b = append(b, l...)
	}
	switch chomp {
	case 0:
		b = append(b, '\n')
	case '+':
		b = append(b, '\n')
		for range trailing {
			b = append(b, '\n')
		}
	}
	r.content()
	return string(b)
}

// resolvePlain is yaml.v3's resolution of an untagged plain scalar, for
// what the tree keeps of it (null, bool, int, float or string); forms
// whose resolution is not plain to see make the reader give up.
func resolvePlain(s string) (Kind, ScalarType) {
	switch s {
	case "~", "null", "Null", "NULL":
		return Null, Str
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return Scalar, Bool
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return Scalar, Float
	}
	switch c := s[0]; {
	case c == '.':
		if len(s) > 1 && s[1] >= '0' && s[1] <= '9' {
			giveUp()
		}
	case c >= '0' && c <= '9' || c == '-' || c == '+':
		digits := s
		if c == '-' {
			digits = s[1:]
		}
		intLen := 0
		for intLen < len(digits) && digits[intLen] >= '0' && digits[intLen] <= '9' {
			intLen++
		}
		if intLen > 0 && (digits[0] != '0' || intLen == 1) {
			if intLen == len(digits) {
				if _, err := strconv.ParseInt(s, 10, 64); err != nil {
					giveUp()
				}
				return Scalar, Int
			}
			if digits[intLen] == '.' && intLen+1 < len(digits) {
				frac := digits[intLen+1:]
				allDigits := true
				for i := 0; i < len(frac); i++ {
					allDigits = allDigits && frac[i] >= '0' && frac[i] <= '9'
				}
				if allDigits {
					return Scalar, Float
				}
			}
		}
		if versionLike(s) {
			return Scalar, Str // 3.0.1: no number has two dots
		}
		// Anything else that could be a number in some base or notation
		// goes to the general path.
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F', c == 'x', c == 'X', c == 'o', c == 'O', c == '_', c == '.', c == '+':
			case c == '-':
				if i > 0 && s[i-1] != 'e' && s[i-1] != 'E' {
					return Scalar, Str // 2010-09-09: no number has a dash there
				}
			default:
				return Scalar, Str
			}
		}
		giveUp()
	}
	return Scalar, Str
}

// versionLike reports whether s is digits and dots with two dots or more,
// starting with a digit (an OpenAPI version, 3.0.1): yaml.v3 reads no
// integer, float or timestamp in it, so it is a string.
func versionLike(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots >= 2 && s[0] >= '0' && s[0] <= '9'
}
