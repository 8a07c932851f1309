package vtl

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// errJSONSyntax is wrapped by ErrInvalidJSON errors from the JSON decoder.
var errJSONSyntax = errors.New("invalid JSON")

// decodeJSON parses one JSON document into template values: objects become
// *Map (key order kept), arrays *List marked fromJSON, integers int64 (when
// they fit), other numbers float64.
func decodeJSON(data []byte) (any, error) {
	d := jsonDecoder{s: data}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.s) {
		return nil, d.errf("unexpected data after the JSON value")
	}
	return v, nil
}

type jsonDecoder struct {
	s []byte
	i int
}

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.off) + ": " + e.msg
}

func (e *jsonError) Unwrap() error { return errJSONSyntax }

func (d *jsonDecoder) errf(msg string) error { return &jsonError{off: d.i, msg: msg} }

func (d *jsonDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.errf("nested too deeply")
	}
	if d.i >= len(d.s) {
		return nil, d.errf("unexpected end of input")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		d.i++
		m := newMap(4)
		d.space()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return m, nil
		}
		for {
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != '"' {
				return nil, d.errf("expected a string key")
			}
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				return nil, d.errf("expected ':' after an object key")
			}
			d.i++
			d.space()
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			m.put(k, v)
			d.space()
			if d.i >= len(d.s) {
				return nil, d.errf("unexpected end of input in an object")
			}
			if d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.s[d.i] == '}' {
				d.i++
				return m, nil
			}
			return nil, d.errf("expected ',' or '}' in an object")
		}
	case c == '[':
		d.i++
		l := &List{fromJSON: true}
		d.space()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return l, nil
		}
		for {
			d.space()
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			l.items = append(l.items, v)
			d.space()
			if d.i >= len(d.s) {
				return nil, d.errf("unexpected end of input in an array")
			}
			if d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.s[d.i] == ']' {
				d.i++
				return l, nil
			}
			return nil, d.errf("expected ',' or ']' in an array")
		}
	case c == '"':
		return d.str()
	case c == 't':
		return d.lit("true", true)
	case c == 'f':
		return d.lit("false", false)
	case c == 'n':
		return d.lit("null", nil)
	case c == '-' || (c >= '0' && c <= '9'):
		return d.num()
	default:
		return nil, d.errf("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

func (d *jsonDecoder) lit(word string, v any) (any, error) {
	if len(d.s)-d.i >= len(word) && string(d.s[d.i:d.i+len(word)]) == word {
		d.i += len(word)
		return v, nil
	}
	return nil, d.errf("invalid literal")
}

func (d *jsonDecoder) num() (any, error) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	intStart := d.i
	if digits() == 0 {
		return nil, d.errf("invalid number")
	}
	if d.s[intStart] == '0' && d.i-intStart > 1 {
		return nil, d.errf("invalid number: leading zero")
	}
	isFloat := false
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		isFloat = true
		if digits() == 0 {
			return nil, d.errf("invalid number")
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		isFloat = true
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, d.errf("invalid number")
		}
	}
	text := string(d.s[start:d.i])
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, d.errf("invalid number")
	}
	return f, nil
}

func (d *jsonDecoder) str() (string, error) {
	d.i++ // opening quote
	start := d.i
	// Fast path: no escapes.
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c == '"' {
			s := string(d.s[start:d.i])
			d.i++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.i++
	}
	buf := append([]byte(nil), d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(buf), nil
		case c < 0x20:
			return "", d.errf("control character in a string")
		case c == '\\':
			d.i++
			if d.i >= len(d.s) {
				return "", d.errf("unexpected end of input in a string")
			}
			e := d.s[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", d.errf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
						save := d.i
						d.i += 2
						if lo, ok := d.hex4(); ok {
							r2 = utf16.DecodeRune(r, lo)
						} else {
							d.i = save
						}
					}
					r = r2
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", d.errf("invalid escape in a string")
			}
		default:
			buf = append(buf, c)
			d.i++
		}
	}
	return "", d.errf("unterminated string")
}

func (d *jsonDecoder) hex4() (rune, bool) {
	if len(d.s)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.s[d.i : d.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// appendJSON serializes v compactly, as json-smart (the JSON library behind
// API Gateway's JSONPath) does: no spaces, "/" escaped as "\/", doubles in
// Java's notation. It fails with errTooDeep or errTooLong past maxDepth
// levels or limit bytes (see appendText).
func appendJSON(b []byte, v any, limit, depth int) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		b = append(b, "null"...)
	case string:
		b = appendJSONString(b, x)
	case int64:
		b = strconv.AppendInt(b, x, 10)
	case float64:
		b = appendJavaDouble(b, x)
	case bool:
		b = strconv.AppendBool(b, x)
	case *List:
		if depth > maxDepth {
			return b, errTooDeep
		}
		b = append(b, '[')
		for i, e := range x.items {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSON(b, e, limit, depth+1); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	case *Map:
		if depth > maxDepth {
			return b, errTooDeep
		}
		b = append(b, '{')
		for i, k := range x.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			if b, err = appendJSON(b, x.vals[i], limit, depth+1); err != nil {
				return b, err
			}
		}
		b = append(b, '}')
	default:
		var s []byte
		if s, err = appendText(nil, v, limit, depth); err != nil {
			return b, err
		}
		b = appendJSONString(b, string(s))
	}
	if len(b) > limit {
		return b, errTooLong
	}
	return b, nil
}

const hexDigits = "0123456789ABCDEF"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, '\\', '"')
		case r == '\\':
			b = append(b, '\\', '\\')
		case r == '/':
			b = append(b, '\\', '/')
		case r == '\b':
			b = append(b, '\\', 'b')
		case r == '\f':
			b = append(b, '\\', 'f')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x2000 && r <= 0x20ff):
			b = append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// reencodeJSON appends to dst the compact json-smart form of the JSON
// document data — the same bytes as appendJSON(decodeJSON(data)) — without
// building values. It is $input.json('$') on the body.
func reencodeJSON(dst, data []byte) ([]byte, error) {
	d := jsonDecoder{s: data}
	d.space()
	dst, err := d.reencode(dst, 0)
	if err != nil {
		return dst, err
	}
	d.space()
	if d.i != len(d.s) {
		return dst, d.errf("unexpected data after the JSON value")
	}
	return dst, nil
}

func (d *jsonDecoder) reencode(b []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return b, d.errf("nested too deeply")
	}
	if d.i >= len(d.s) {
		return b, d.errf("unexpected end of input")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		d.i++
		b = append(b, '{')
		d.space()
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return append(b, '}'), nil
		}
		// Duplicate keys: the decoder keeps the last value at the first
		// key's position. Keys are compared in their re-encoded (canonical)
		// form; a duplicate takes the slow path through decodeJSON.
		start := len(b) - 1
		var small [16][2]int
		offs := small[:0]
		var many map[string]struct{}
		dup := false
		for {
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != '"' {
				return b, d.errf("expected a string key")
			}
			kStart := len(b)
			var err error
			if b, err = d.reencodeString(b); err != nil {
				return b, err
			}
			if key := b[kStart:]; !dup {
				if many != nil {
					if _, ok := many[string(key)]; ok {
						dup = true
					}
					many[string(key)] = struct{}{}
				} else {
					for _, o := range offs {
						if bytes.Equal(b[o[0]:o[1]], key) {
							dup = true
							break
						}
					}
					offs = append(offs, [2]int{kStart, len(b)})
					if len(offs) > 32 {
						many = make(map[string]struct{}, 64)
						for _, o := range offs {
							many[string(b[o[0]:o[1]])] = struct{}{}
						}
					}
				}
			}
			d.space()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				return b, d.errf("expected ':' after an object key")
			}
			d.i++
			b = append(b, ':')
			d.space()
			if b, err = d.reencode(b, depth+1); err != nil {
				return b, err
			}
			d.space()
			if d.i >= len(d.s) {
				return b, d.errf("unexpected end of input in an object")
			}
			if d.s[d.i] == ',' {
				d.i++
				b = append(b, ',')
				continue
			}
			if d.s[d.i] == '}' {
				d.i++
				b = append(b, '}')
				if dup {
					v, err := decodeJSON(b[start:])
					if err != nil {
						return b, err
					}
					// A tree decoded from the body: its size is bounded
					// by the body's.
					return appendJSON(b[:start], v, math.MaxInt, depth)
				}
				return b, nil
			}
			return b, d.errf("expected ',' or '}' in an object")
		}
	case c == '[':
		d.i++
		b = append(b, '[')
		d.space()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return append(b, ']'), nil
		}
		for {
			d.space()
			var err error
			if b, err = d.reencode(b, depth+1); err != nil {
				return b, err
			}
			d.space()
			if d.i >= len(d.s) {
				return b, d.errf("unexpected end of input in an array")
			}
			if d.s[d.i] == ',' {
				d.i++
				b = append(b, ',')
				continue
			}
			if d.s[d.i] == ']' {
				d.i++
				return append(b, ']'), nil
			}
			return b, d.errf("expected ',' or ']' in an array")
		}
	case c == '"':
		return d.reencodeString(b)
	case c == 't':
		_, err := d.lit("true", true)
		return append(b, "true"...), err
	case c == 'f':
		_, err := d.lit("false", false)
		return append(b, "false"...), err
	case c == 'n':
		_, err := d.lit("null", nil)
		return append(b, "null"...), err
	case c == '-' || (c >= '0' && c <= '9'):
		start := d.i
		v, err := d.num()
		if err != nil {
			return b, err
		}
		if n, ok := v.(int64); ok {
			if text := d.s[start:d.i]; text[0] != '-' || n != 0 {
				return append(b, text...), nil
			}
			return append(b, '0'), nil
		}
		return appendJavaDouble(b, v.(float64)), nil
	default:
		return b, d.errf("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

// reencodeString copies a JSON string, re-escaped as appendJSONString does.
func (d *jsonDecoder) reencodeString(b []byte) ([]byte, error) {
	start := d.i + 1
	j := start
	for j < len(d.s) {
		c := d.s[j]
		if c == '"' {
			// No escapes: copy, escaping only what json-smart escapes.
			seg := d.s[start:j]
			if plainJSON(seg) {
				b = append(b, '"')
				b = append(b, seg...)
				d.i = j + 1
				return append(b, '"'), nil
			}
			break
		}
		if c == '\\' || c < 0x20 {
			break
		}
		j++
	}
	s, err := d.str()
	if err != nil {
		return b, err
	}
	return appendJSONString(b, s), nil
}

// plainJSON reports whether s needs no escaping by appendJSONString.
func plainJSON(s []byte) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '/' || c == '"' || c == '\\' || c < 0x20 || c == 0x7f:
			return false
		case c >= 0x80:
			// U+0080-U+009F (C2 80-9F) and U+2000-U+20FF (E2 80-83 xx).
			if c == 0xC2 && i+1 < len(s) && s[i+1] <= 0x9F {
				return false
			}
			if c == 0xE2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x83 {
				return false
			}
		}
	}
	return utf8.Valid(s)
}
