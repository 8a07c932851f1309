package runtime

import (
	"hash/maphash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Small JSON helpers for the Lambda integrations' hot path: writing events
// into a reused buffer and reading the proxy response's fixed shape,
// without encoding/json's reflection, maps or per-field allocations.

const lowerHex = "0123456789abcdef"

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONEscaped(b, s)
	return append(b, '"')
}

// appendJSONBytes appends p (text) as a JSON string.
func appendJSONBytes(b, p []byte) []byte {
	return appendJSONString(b, unsafe.String(unsafe.SliceData(p), len(p)))
}

// appendJSONEscaped appends s escaped for the inside of a JSON string:
// quote, backslash and control characters escaped, invalid UTF-8 replaced
// by U+FFFD, as encoding/json does (but '<', '>' and '&' left as they are).
func appendJSONEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plainJSON8(s[i:i+8]) {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// plainJSON8 reports whether the 8 bytes of s are written as they are in
// a JSON string: ASCII, none a control character, a quote or a backslash.
// It tests the 8 at once (the "has a byte less than n" and "has a zero
// byte" word tricks, which never miss one; a byte at or above 0x80, which
// may make them report one that is not there, makes the answer false
// anyway).
func plainJSON8(s string) bool {
	_ = s[7]
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, bs := x^(ones*'"'), x^(ones*'\\')
	return (x|(x-ones*0x20)|(q-ones)&^q|(bs-ones)&^bs)&highs == 0
}

// jsonReader reads JSON from b by hand, for documents of a known shape.
type jsonReader struct {
	b []byte
	i int
	// arena, when it has room, takes the strings with escapes, which are
	// otherwise decoded into new slices; strs, when set, interns the
	// header names and values headers reads.
	arena []byte
	strs  *respStrings
}

func (d *jsonReader) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonReader) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *jsonReader) consume(c byte) bool {
	if d.peek() == c {
		d.i++
		return true
	}
	return false
}

func (d *jsonReader) literal(s string) bool {
	d.ws()
	if len(d.b)-d.i >= len(s) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// end reports whether only white space is left.
func (d *jsonReader) end() bool {
	d.ws()
	return d.i == len(d.b)
}

// object reads an object, calling field for each key with the reader
// positioned on the value; field reads the value and reports success.
func (d *jsonReader) object(field func(key []byte) bool) bool {
	if !d.consume('{') {
		return false
	}
	if d.consume('}') {
		return true
	}
	for {
		if d.peek() != '"' {
			return false
		}
		key, ok := d.strBytes()
		if !ok || !d.consume(':') {
			return false
		}
		if !field(key) {
			return false
		}
		if d.consume(',') {
			continue
		}
		return d.consume('}')
	}
}

// strBytes reads a string and returns its value: a slice of the input when
// it has no escapes, a new slice otherwise.
func (d *jsonReader) strBytes() ([]byte, bool) {
	if !d.consume('"') {
		return nil, false
	}
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			return s, true
		case c == '\\':
			return d.strSlow(start)
		case c < 0x20:
			return nil, false
		}
		d.i++
	}
	return nil, false
}

// strSlow decodes a string with escapes; d.i is at the first backslash.
func (d *jsonReader) strSlow(start int) ([]byte, bool) {
	var out []byte
	n := len(d.arena)
	inArena := cap(d.arena)-n >= len(d.b)-start // the rest of the input bounds the string
	if inArena {
		out = d.arena[n:n]
	}
	out = append(out, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if inArena {
				d.arena = d.arena[:n+len(out)]
				return out[:len(out):len(out)], true
			}
			return out, true
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			return nil, false
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return nil, false
			}
			first := r
			if utf16.IsSurrogate(r) {
				// A pair decodes to one rune; anything else is U+FFFD and
				// the next escape is read on its own (as encoding/json).
				r = utf8.RuneError
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					r2, ok := d.hex4()
					if dec := utf16.DecodeRune(first, r2); ok && dec != utf8.RuneError {
						r = dec
					} else {
						d.i = save
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, false
		}
	}
	return nil, false
}

func (d *jsonReader) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// number reads a JSON number and returns its text.
func (d *jsonReader) number() ([]byte, bool) {
	d.ws()
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := 0
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' && digits > 0 {
			d.i++
			digits++
			continue
		}
		break
	}
	if digits == 0 {
		return nil, false
	}
	return d.b[start:d.i], true
}

// scalar reads a string, a boolean or a number and returns its text;
// intern says the text may come from d.strs (a header value).
func (d *jsonReader) scalar(numbers, intern bool) (string, bool) {
	switch c := d.peek(); {
	case c == '"':
		s, ok := d.strBytes()
		return d.value(s, intern), ok
	case c == 't' && d.literal("true"):
		return "true", true
	case c == 'f' && d.literal("false"):
		return "false", true
	case numbers && (c == '-' || c >= '0' && c <= '9'):
		n, ok := d.number()
		return d.value(n, intern), ok
	}
	return "", false
}

// value is b as a string, from d.strs when intern is set.
func (d *jsonReader) value(b []byte, intern bool) string {
	if intern && d.strs != nil {
		return d.strs.value(b)
	}
	return string(b)
}

// name is the header name b as a string, and whether its values may be
// interned (not a header whose values are per response by nature).
func (d *jsonReader) name(b []byte) (string, bool) {
	if d.strs != nil {
		e := d.strs.name(b)
		return e.raw, !e.volatile
	}
	return string(b), false
}

// statusCode reads statusCode: an integer, a string holding one, or null.
func (d *jsonReader) statusCode(dst *int) bool {
	var text []byte
	switch c := d.peek(); {
	case c == 'n':
		return d.literal("null")
	case c == '"':
		s, ok := d.strBytes()
		if !ok {
			return false
		}
		text = s
	default:
		n, ok := d.number()
		if !ok {
			return false
		}
		text = n
	}
	v, err := strconv.Atoi(string(text))
	if err != nil || v < 100 || v > 599 {
		return false
	}
	*dst = v
	return true
}

// headers reads headers (multi false: name → string or boolean) or
// multiValueHeaders (multi true: name → array of scalars), or null.
func (d *jsonReader) headers(dst *[][2]string, multi bool) bool {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	return d.object(func(key []byte) bool {
		name, intern := d.name(key)
		if !multi {
			v, ok := d.scalar(false, intern)
			*dst = append(*dst, [2]string{name, v})
			return ok
		}
		if d.peek() == 'n' {
			return d.literal("null")
		}
		if !d.consume('[') {
			// A single value where a list was expected: API Gateway takes it.
			v, ok := d.scalar(true, intern)
			*dst = append(*dst, [2]string{name, v})
			return ok
		}
		if d.consume(']') {
			return true
		}
		for {
			v, ok := d.scalar(true, intern)
			if !ok {
				return false
			}
			*dst = append(*dst, [2]string{name, v})
			if d.consume(',') {
				continue
			}
			return d.consume(']')
		}
	})
}

// bodyValue reads body: a string, null, or a number or boolean taken as
// its text.
func (d *jsonReader) bodyValue() ([]byte, bool) {
	switch c := d.peek(); {
	case c == 'n':
		return nil, d.literal("null")
	case c == '"':
		return d.strBytes()
	case c == 't' || c == 'f' || c == '-' || c >= '0' && c <= '9':
		s, ok := d.scalar(true, false)
		return []byte(s), ok
	}
	return nil, false
}

// boolish reads a boolean, a string "true"/"false", or null.
func (d *jsonReader) boolish(dst *bool) bool {
	switch c := d.peek(); {
	case c == 'n':
		return d.literal("null")
	case c == 't':
		*dst = true
		return d.literal("true")
	case c == 'f':
		*dst = false
		return d.literal("false")
	case c == '"':
		s, ok := d.strBytes()
		switch string(s) {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			return false
		}
		return ok
	}
	return false
}

// respStrings hands out one string for equal header names, and one for
// equal header values, of the proxy responses of one function (in one
// template version: a reload starts afresh), so that what a function
// answers with every time (a constant Content-Type, CORS headers) is not
// allocated for every answer. It keeps a string only once it has been met
// twice (the first meeting leaves a 64-bit hash in a small table, not the
// string), keeps at most maxInternNames names and maxInternValues values of
// at most maxInternLen bytes each, and never keeps the values of headers
// that differ per response by nature (volatileHeader: Set-Cookie, Date,
// request ids ...): a function answering varying values costs a hash per
// value and keeps nothing of them. Safe for concurrent use; a lookup that
// finds its string takes no lock and allocates nothing. The zero value is
// ready; a nil *respStrings interns nothing.
type respStrings struct {
	names  atomic.Pointer[map[string]nameEntry]
	values atomic.Pointer[map[string]string]
	// seen holds the hashes of the strings met once (names and values
	// alike), one per slot; allocated on the first miss.
	seen atomic.Pointer[seenHashes]
	mu   sync.Mutex // serialises the copies of names and values
}

// nameEntry is an interned header name: as the function wrote it, in
// canonical form, and whether its values are per response.
type nameEntry struct {
	raw, canon string
	volatile   bool
}

// seenHashes is respStrings' record of strings met once: seenBuckets
// buckets of seenWays hashes; a new hash takes the place of one of its
// bucket's in turn (next), so that two strings met alternately whose
// hashes share a bucket do not keep pushing each other out.
type seenHashes struct {
	seed  maphash.Seed
	next  atomic.Uint32
	slots [seenBuckets * seenWays]atomic.Uint64
}

const (
	maxInternNames  = 64
	maxInternValues = 256
	maxInternLen    = 128
	seenBuckets     = 64
	seenWays        = 4
)

// name is the entry of header name b; an entry that is not (yet) kept
// is made afresh.
func (t *respStrings) name(b []byte) nameEntry {
	if t == nil {
		return nameEntry{raw: string(b)}
	}
	m := t.names.Load()
	if m != nil {
		if e, ok := (*m)[string(b)]; ok {
			return e
		}
	}
	e := nameEntry{raw: string(b)}
	e.canon = http.CanonicalHeaderKey(e.raw)
	e.volatile = volatileHeader(e.canon)
	if t.admit(b, m != nil && len(*m) >= maxInternNames) {
		t.mu.Lock()
		addCopy(&t.names, e.raw, e, maxInternNames)
		t.mu.Unlock()
	}
	return e
}

// value is header value b as a string.
func (t *respStrings) value(b []byte) string {
	if t == nil {
		return string(b)
	}
	m := t.values.Load()
	if m != nil {
		if s, ok := (*m)[string(b)]; ok {
			return s
		}
	}
	s := string(b)
	if t.admit(b, m != nil && len(*m) >= maxInternValues) {
		t.mu.Lock()
		addCopy(&t.values, s, s, maxInternValues)
		t.mu.Unlock()
	}
	return s
}

// canonical is http.CanonicalHeaderKey(raw), from the kept names when raw
// is one of them: a function that writes its header names in lower case
// would otherwise have each one allocated again for every answer.
func (t *respStrings) canonical(raw string) string {
	if t != nil {
		if m := t.names.Load(); m != nil {
			if e, ok := (*m)[raw]; ok {
				return e.canon
			}
		}
	}
	return http.CanonicalHeaderKey(raw)
}

// admit reports whether b, which the tables do not hold, is to be kept:
// it was met before (its hash is in its slot) and full is false. Otherwise
// its hash takes the slot.
func (t *respStrings) admit(b []byte, full bool) bool {
	if full || len(b) > maxInternLen {
		return false
	}
	sh := t.seen.Load()
	if sh == nil {
		t.seen.CompareAndSwap(nil, &seenHashes{seed: maphash.MakeSeed()})
		sh = t.seen.Load()
	}
	h := maphash.Bytes(sh.seed, b)
	bucket := sh.slots[h%seenBuckets*seenWays:][:seenWays]
	h |= 1 // never 0, an empty slot
	for i := range bucket {
		if bucket[i].Load() == h {
			return true
		}
	}
	bucket[sh.next.Add(1)%seenWays].Store(h)
	return false
}

// addCopy stores a copy of *p with k → v in it unless it holds k or max
// entries (copy on write: the readers take no lock). The caller holds the
// lock.
func addCopy[V any](p *atomic.Pointer[map[string]V], k string, v V, max int) {
	old := p.Load()
	n := 0
	if old != nil {
		if _, ok := (*old)[k]; ok {
			return
		}
		n = len(*old)
	}
	if n >= max {
		return
	}
	m := make(map[string]V, n+1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[k] = v
	p.Store(&m)
}

// volatileHeader reports whether the values of the header canon (in
// canonical form) differ from one response to the next by nature:
// cookies, dates, lengths, validators, locations, request and trace ids.
func volatileHeader(canon string) bool {
	switch canon {
	case "Set-Cookie", "Date", "Expires", "Last-Modified", "Etag", "Content-Length", "Content-Md5", "Digest",
		"Location", "Content-Location", "Age", "Retry-After",
		"X-Amzn-Requestid", "X-Amz-Request-Id", "X-Amz-Apigw-Id", "X-Amzn-Trace-Id", "X-Amz-Cf-Id",
		"X-Request-Id", "X-Correlation-Id", "Request-Id", "Traceparent", "Tracestate",
		"X-B3-Traceid", "X-B3-Spanid", "X-B3-Parentspanid", "X-Cloud-Trace-Context":
		return true
	}
	return strings.HasSuffix(canon, "-Request-Id") || strings.HasSuffix(canon, "-Requestid") || strings.HasSuffix(canon, "-Trace-Id")
}
