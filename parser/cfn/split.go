package cfn

import (
	"bytes"
	"github.com/cfnrun/cfnrun/internal/deepstack"
	"runtime"
	"slices"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// A large JSON template is read by two readers at once, one per core: the
// second starts at the entry of the Resources section nearest the middle
// of the file and reads the section's remaining entries while the first
// reads everything before them; the first then takes the second's entries
// as if it had read them itself (same nodes, positions, findings, duplicate
// checks) and goes on after the section.
//
// Where the second reader starts comes from a quick scan of the bytes
// (resourceKeys). The result never depends on that scan: the first reader
// hands over only when it is about to read a key at exactly that byte, in
// an object at exactly that depth, and the second reader read from there
// as the first would have (same depth, same line and column). Otherwise
// the first reader reads on by itself and the second's work is dropped. If
// the second reader gives up, so does the first, as it would have on
// reaching the same bytes.

// minSplitJSON is the size from which a JSON template is read by two
// readers: below it, starting the second costs more than it saves.
const minSplitJSON = 64 << 10

// splitReader is the second reader's work, from its start to the closing
// brace of the object it started in.
type splitReader struct {
	// Where it started: a key's first byte, the depth of the object or
	// mapping it is in, and (YAML) the mapping's indentation.
	at, depth, indent int
	done              chan splitResult
}

type splitResult struct {
	ok     bool
	fields []Field
	diags  diag.Diagnostics
	// The reader's state after the closing brace (JSON, with extra) or
	// at the first line indented less than the mapping (YAML, with col,
	// colOff and ind).
	off, line, lineStart, extra, col, colOff, ind int
}

// noSplit is the reader without a second one: no key is at byte -1.
var noSplit = &splitReader{at: -1, depth: -1, indent: -1}

// splitPoint returns where the second reader starts (the offset of a key of
// the top-level Resources object, and that object's depth), or ok false
// when the template is read by one reader.
func (p *parser) splitPoint() (at, end, depth int, ok bool) {
	if !p.splitWanted() {
		return 0, 0, 0, false
	}
	keys, end := resourceKeys(p.src)
	at, ok = p.splitAt(keys, end)
	return at, end, 1, ok
}

// splitAt returns the key of keys nearest the middle of the bytes from
// the first key to end, never the first, or ok false when the template is
// read by one reader.
func (p *parser) splitAt(keys []int, end int) (at int, ok bool) {
	if len(keys) < 2 {
		return 0, false
	}
	mid := keys[0] + (end-keys[0])/2
	i, _ := slices.BinarySearch(keys, mid)
	i = min(max(i, 1), len(keys)-1)
	return keys[i], true
}

// splitWanted reports whether a template is large enough to be read by
// two readers, and there are two cores to read it (or a test asks).
func (p *parser) splitWanted() bool {
	switch {
	case p.split < 0:
		return false
	case p.split > 0:
		return true
	}
	return len(p.src) >= minSplitJSON && runtime.GOMAXPROCS(0) > 1
}

// secondParser is the parser the second reader builds its nodes and
// findings with: its own arena (sized to the bytes it reads, as the first
// reader's now is to the rest) and line cache.
func (p *parser) secondParser(at, end int) *parser {
	q := &parser{file: p.file, src: p.src, lines: p.lines, split: -1}
	q.fileNo, q.fileSet = p.fileName(), true // the Spans of both share one

	q.arena.size(end - at)
	p.arena.size(len(p.src) - (end - at))
	return q
}

// startSplit starts the second reader at byte at, the first byte of a key
// in an object at depth that ends at byte end. Each reader's arena is
// sized to the bytes it reads.
func (p *parser) startSplit(at, end, depth int) *splitReader {
	sp := &splitReader{at: at, depth: depth, indent: -1, done: make(chan splitResult, 1)}
	q := p.secondParser(at, end)
	// The JSON reader keeps no table of lines: count them.
	line := bytes.Count(p.src[:at], []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(p.src[:at], '\n') + 1
	extra := at - lineStart - utf8.RuneCount(p.src[lineStart:at])
	r := &jsonReader{p: q, src: p.src, off: at, line: line, lineStart: lineStart, extra: extra,
		split: noSplit, fields: fieldStack(end - at)}
	sp.run(func() (res splitResult) {
		r.entries(depth, 0)
		res.fields, res.diags = r.fields, q.diags
		res.off, res.line, res.lineStart, res.extra = r.off, r.line, r.lineStart, r.extra
		return res
	})
	return sp
}

// joinSplit waits for the second reader and takes its entries as the rest
// of the object whose entries r.fields[base:] are (see entries).
func (r *jsonReader) joinSplit(base int) {
	res := r.split.wait()
	r.split = noSplit
	r.fields = r.p.joinFields(r.fields, base, res)
	r.off, r.line, r.lineStart, r.extra = res.off, res.line, res.lineStart, res.extra
}

// run reads on a goroutine of its own; done gets what read returns, or
// a result that is not ok when the reader gave up (a shape it leaves to
// the general reader).
func (sp *splitReader) run(read func() splitResult) {
	go func() {
		deepstack.Grow32K()
		defer func() {
			if e := recover(); e != nil {
				if _, give := e.(errGiveUp); !give {
					panic(e)
				}
				sp.done <- splitResult{}
			}
		}()
		res := read()
		res.ok = true
		sp.done <- res
	}()
}

// wait returns the second reader's result, giving up when it gave up.
func (sp *splitReader) wait() splitResult {
	res := <-sp.done
	if !res.ok {
		giveUp()
	}
	return res
}

// joinFields appends the second reader's entries to fields, the stack
// whose entries from base on are the object being read, and its findings
// to the parser's. A key the second reader repeats from the first half
// gives up, as one reader would have: here among the mapping's first
// inlineKeys, past them once the mapping is read (repeatedKeys).
func (p *parser) joinFields(fields []Field, base int, res splitResult) []Field {
	fields = slices.Grow(fields, len(res.fields))
	for _, f := range res.fields {
		if repeatedKey(fields[base:], f.Key) {
			giveUp()
		}
		fields = append(fields, f)
	}
	p.diags = append(p.diags, res.diags...)
	p.splitJoined = true
	return fields
}

// splitPointYAML is splitPoint for a YAML template whose top-level
// mapping is not indented: the second reader starts at a line of the
// top-level Resources mapping, which is at depth 1.
func (p *parser) splitPointYAML() (at, end int, ok bool) {
	if !p.splitWanted() {
		return 0, 0, false
	}
	keys, end := resourceLines(p.src)
	at, ok = p.splitAt(keys, end)
	return at, end, ok
}

// startSplitYAML starts the second reader at byte at, the first byte of a
// key of the Resources mapping (depth 1, indented as that line is), which
// ends at byte end.
func (p *parser) startSplitYAML(at, end int) *splitReader {
	// The line of at counted, as startSplit does: the table of lines
	// (parser.lineTable) is made only when a position needs it, which a
	// template the readers take as written never does.
	line := bytes.Count(p.src[:at], []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(p.src[:at], '\n') + 1
	q := p.secondParser(at, end)
	sp := &splitReader{at: at, depth: 1, indent: at - lineStart, done: make(chan splitResult, 1)}
	r := &yamlReader{p: q, src: p.src, off: at, line: line, lineStart: lineStart, col: 1, colOff: lineStart, ind: sp.indent,
		split: noSplit, wide: p.wide, fields: fieldStack(end - at)}
	r.syncWide()
	sp.run(func() (res splitResult) {
		r.mapEntries(sp.indent, sp.depth, 0)
		res.fields, res.diags = r.fields, q.diags
		res.off, res.line, res.lineStart, res.col, res.colOff, res.ind = r.off, r.line, r.lineStart, r.col, r.colOff, r.ind
		return res
	})
	return sp
}

// joinSplit is jsonReader.joinSplit for the YAML reader.
func (r *yamlReader) joinSplit(base int) {
	res := r.split.wait()
	r.split = noSplit
	r.fields = r.p.joinFields(r.fields, base, res)
	r.off, r.line, r.lineStart, r.col, r.colOff, r.ind = res.off, res.line, res.lineStart, res.col, res.colOff, res.ind
	r.syncWide()
}

// resourceLines returns the offsets of the keys of the top-level
// Resources mapping of a YAML text (the first character of each line at
// the mapping's indentation) and the offset of the first line indented
// less, where the mapping ends; no keys when it finds none. Like
// resourceKeys it only guesses: the reader checks everything.
func resourceLines(src []byte) (keys []int, end int) {
	i := 0
	for {
		if rest, ok := bytes.CutPrefix(src[i:], []byte("Resources:")); ok {
			if j := bytes.IndexByte(rest, '\n'); j >= 0 && len(bytes.TrimSpace(rest[:j])) == 0 {
				i += len("Resources:") + j + 1
				break
			}
		}
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return nil, 0
		}
		i += j + 1
	}
	indent := -1
	for i < len(src) {
		k := i
		for k < len(src) && src[k] == ' ' {
			k++
		}
		lineEnd := len(src)
		if j := bytes.IndexByte(src[k:], '\n'); j >= 0 {
			lineEnd = k + j
		}
		if k == lineEnd || src[k] == '#' {
			i = lineEnd + 1
			continue
		}
		ind := k - i
		if indent < 0 {
			if ind == 0 {
				return nil, 0
			}
			indent = ind
		}
		if ind < indent {
			return keys, i
		}
		if ind == indent {
			if src[k] == '-' {
				return nil, 0
			}
			keys = append(keys, k)
			if len(keys) == 1 {
				if at, ok := indentedLine(src, k, indent); ok {
					return append(keys, at), len(src)
				}
			}
		}
		i = lineEnd + 1
	}
	return keys, len(src)
}

// resourceKeys returns the offsets of the keys of the top-level Resources
// object of a JSON text and the offset of its closing brace; no keys when
// it finds none. It only looks at brackets, quotes and separators: the
// reader checks everything else.
func resourceKeys(src []byte) (keys []int, end int) {
	var objects []bool // per open bracket: is it an object
	expectKey := false
	var key []byte   // the last key read in the top-level object
	keyAt := 0       // where it starts
	resAt := 0       // where the key "Resources" starts
	inRes := false   // inside the top-level Resources object
	valueOf := false // a ':' after the top-level key "Resources" was just read
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return nil, 0
			}
			if expectKey {
				switch {
				case len(objects) == 1:
					key, keyAt = src[i+1:j], i
				case inRes && len(objects) == 2:
					keys = append(keys, i)
					if len(keys) == 1 {
						if at, end, ok := indentedSplit(src, resAt, i); ok {
							return append(keys, at), end
						}
					}
				}
				expectKey = false
			}
			valueOf = false
			i = j
		case ':':
			valueOf = len(objects) == 1 && string(key) == "Resources"
			if valueOf {
				resAt = keyAt
			}
		case '{', '[':
			if valueOf && c == '{' && !inRes {
				inRes = true
			}
			valueOf = false
			objects = append(objects, c == '{')
			expectKey = c == '{'
		case '}', ']':
			if len(objects) == 0 {
				return nil, 0
			}
			objects = objects[:len(objects)-1]
			if inRes && len(objects) == 1 {
				return keys, i
			}
			expectKey = false
		case ',':
			expectKey = len(objects) > 0 && objects[len(objects)-1]
		case ' ', '\t', '\n', '\r':
		default:
			valueOf = false
		}
	}
	return nil, 0
}

// indentedSplit is resourceKeys' guess for an indented (pretty-printed)
// template, without scanning every byte of the section: the key
// "Resources" starts at resAt and the section's first key at first, each
// the first text on its line. The section is taken to end at the last '}'
// that starts a line indented as "Resources" is (searched from the end of
// the file: the section's own closing brace, or that of a section after
// it, which only moves the middle), and the second reader starts at the
// first line after the middle that starts with a key indented as the
// first one. A raw line break is never inside a JSON string, so in a
// template printed with one indentation per depth that is a key of the
// section, or of a section after it at the same depth, which the second
// reader reads as well as any; in a template printed otherwise it may not
// be, and the readers find out (see splitReader).
func indentedSplit(src []byte, resAt, first int) (at, end int, ok bool) {
	resIndent, ok1 := lineIndent(src, resAt)
	indent, ok2 := lineIndent(src, first)
	if !ok1 || !ok2 || len(indent) <= len(resIndent) || !bytes.HasPrefix(indent, resIndent) {
		return 0, 0, false
	}
	closing := append(append([]byte{'\n'}, resIndent...), '}')
	e := bytes.LastIndex(src[first:], closing)
	if e < 0 {
		return 0, 0, false
	}
	end = first + e + len(closing) - 1
	key := append(append([]byte{'\n'}, indent...), '"')
	mid := first + (end-first)/2
	k := bytes.Index(src[mid:end], key)
	if k < 0 {
		return 0, 0, false
	}
	return mid + k + len(key) - 1, end, true
}

// lineIndent returns the blanks before byte at on its line, and whether
// there is nothing else before it.
func lineIndent(src []byte, at int) ([]byte, bool) {
	from := bytes.LastIndexByte(src[:at], '\n') + 1
	for _, c := range src[from:at] {
		if c != ' ' && c != '\t' {
			return nil, false
		}
	}
	return src[from:at], true
}

// indentedLine is resourceLines' guess past the section's first key (at
// byte first, indented by indent): the first line after the middle of the
// rest of the file that starts with indent spaces and then a key (not a
// blank, a comment or a list item). It does not look for the section's end,
// which the second reader finds; taking the end of the file for it only
// moves the middle when other sections follow.
func indentedLine(src []byte, first, indent int) (at int, ok bool) {
	key := make([]byte, indent+1)
	key[0] = '\n'
	for i := 1; i <= indent; i++ {
		key[i] = ' '
	}
	for from := first + (len(src)-first)/2; ; {
		k := bytes.Index(src[from:], key)
		if k < 0 {
			return 0, false
		}
		at = from + k + len(key)
		if at < len(src) {
			switch src[at] {
			case ' ', '\t', '#', '-', '\n', '\r':
			default:
				return at, true
			}
		}
		from = at
	}
}
