package vtl

import (
	"cmp"
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// inputObj is $input; utilObj is $util. Both are zero-size, so storing them
// in an interface does not allocate.
type (
	inputObj struct{}
	utilObj  struct{}
)

func (st *state) property(v any, s *segment) (any, error) {
	switch x := v.(type) {
	case *Map:
		r, _ := x.get(s.name)
		return r, nil
	case inputObj:
		if s.name == "body" {
			return st.body(), nil
		}
	case *foreachInfo:
		switch s.name {
		case "hasNext":
			return x.hasNext, nil
		case "index":
			return x.index, nil
		case "count":
			return x.index + 1, nil
		case "first":
			return x.index == 0, nil
		case "last":
			return !x.hasNext, nil
		case "parent":
			if x.parent == nil {
				return nil, nil
			}
			return x.parent, nil
		}
	case *mapEntry:
		switch s.name {
		case "key":
			return x.key, nil
		case "value":
			return x.val, nil
		}
	case string:
		if s.name == "empty" {
			return x == "", nil
		}
	case *List:
		if s.name == "empty" {
			return len(x.items) == 0, nil
		}
	}
	// Velocity renders a property the object does not have as written.
	return nil, nil
}

func (st *state) body() string {
	if st.bodyStr == nil {
		s := string(st.in.Body)
		if len(st.in.Body) == 0 {
			s = "{}"
		}
		st.bodyStr = &s
	}
	return *st.bodyStr
}

// bodyJSON is the body parsed as JSON (once per Execute); an empty body is
// the empty object.
func (st *state) bodyJSON(s *segment) (any, error) {
	if !st.bodyDone {
		st.bodyDone = true
		body := bytesTrimSpace(st.in.Body)
		switch {
		case len(body) == 0:
			st.bodyVal = newMap(0)
		case bareText(body):
			st.bodyVal = string(body)
		default:
			st.bodyVal, st.bodyErr = decodeJSON(body)
		}
	}
	if st.bodyErr != nil {
		return nil, st.errAt(s.pos, "$input."+s.name+" cannot read the body: "+st.bodyErr.Error(), "send a JSON body, or use $input.body for other content", ErrInvalidJSON)
	}
	return st.bodyVal, nil
}

// bareText reports whether a body that is not JSON reads as one string, as
// API Gateway's permissive JSON parser reads form data such as a=1&b=2: it
// does not start like a JSON document and is not valid JSON.
func bareText(body []byte) bool {
	switch body[0] {
	case '{', '[', '"':
		return false
	}
	_, err := decodeJSON(body)
	return err != nil
}

func bytesTrimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func (st *state) argErr(s *segment, want string) error {
	return st.errAt(s.pos, "."+s.name+"() takes "+want, "check the arguments", nil)
}

// call runs a method on v: $input's own, or the registry entry for v's
// kind (see registry.go), after charging the work the call implies.
func (st *state) call(v any, s *segment, args []any) (any, error) {
	if _, ok := v.(inputObj); ok {
		return st.callInput(s, args)
	}
	k := kindOf(v)
	if k == kNone {
		return nil, st.errAt(s.pos, "."+s.name+"() on a "+typeName(v)+" is not supported by cfnrun", "see docs/vtl.md for the supported methods", ErrUnsupported)
	}
	var m *method
	if s.methods != nil {
		m = s.methods[k]
	}
	// Charge what the call reads: the receiver (strings and lists whole,
	// maps when the method scans them) and the arguments.
	work := -1
	switch x := v.(type) {
	case string:
		work = len(x)
	case *List:
		work = len(x.items) + 1
	case *Map:
		work = 1
		if m != nil && m.scans {
			work += len(x.keys)
		}
	}
	if work >= 0 {
		for _, a := range args {
			work += size(a)
		}
		if err := st.charge(s.pos, work); err != nil {
			return nil, err
		}
	}
	if m == nil {
		return nil, st.noMethod(v, s)
	}
	// The arguments live in a buffer of the caller's frame; hand the
	// method the state's reusable slice instead, so that the indirect call
	// does not move the buffer to the heap on every call.
	st.argv = append(st.argv[:0], args...)
	r, err := m.call(st, v, s, st.argv)
	clear(st.argv)
	if err == errNotApplicable {
		return nil, st.noMethod(v, s)
	}
	return r, err
}

// noMethod is the error for a method v's kind does not have.
func (st *state) noMethod(v any, s *segment) error {
	if _, ok := v.(utilObj); ok {
		return st.errAt(s.pos, "$util."+s.name+" is not supported", "API Gateway's $util has escapeJavaScript, urlEncode, urlDecode, base64Encode, base64Decode and parseJson", ErrUnsupported)
	}
	return st.errAt(s.pos, "."+s.name+"() on a "+typeName(v)+" is not supported by cfnrun", "see docs/vtl.md for the supported methods", ErrUnsupported)
}

// entryMethods are Map.Entry's (from entrySet()).
var entryMethods = []method{
	{name: "getKey", call: func(st *state, recv any, s *segment, args []any) (any, error) { return recv.(*mapEntry).key, nil }},
	{name: "getValue", call: func(st *state, recv any, s *segment, args []any) (any, error) { return recv.(*mapEntry).val, nil }},
	{name: "toString", call: func(st *state, recv any, s *segment, args []any) (any, error) { return st.str(s.pos, recv) }},
}

// foreachMethods are $foreach's (Velocity's ForeachScope).
var foreachMethods = []method{
	{name: "hasNext", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return recv.(*foreachInfo).hasNext, nil
	}},
	{name: "getHasNext", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return recv.(*foreachInfo).hasNext, nil
	}},
	{name: "getIndex", call: func(st *state, recv any, s *segment, args []any) (any, error) { return recv.(*foreachInfo).index, nil }},
	{name: "getCount", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return recv.(*foreachInfo).index + 1, nil
	}},
	{name: "isFirst", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return recv.(*foreachInfo).index == 0, nil
	}},
	{name: "isLast", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return !recv.(*foreachInfo).hasNext, nil
	}},
}

// scalarMethods are those of java.lang.Integer, Long, Double and Boolean.
var scalarMethods = []method{
	{name: "toString", call: func(st *state, recv any, s *segment, args []any) (any, error) { return toString(recv), nil }},
	{name: "equals", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one argument")
		}
		if !sameKind(recv, args[0]) {
			return false, nil
		}
		return st.equal(s.pos, recv, args[0])
	}},
	{name: "intValue", call: intValue},
	{name: "longValue", call: intValue},
	{name: "doubleValue", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if n, ok := toNumber(recv); ok {
			return n.float(), nil
		}
		return nil, errNotApplicable
	}},
	{name: "booleanValue", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if b, ok := recv.(bool); ok {
			return b, nil
		}
		return nil, errNotApplicable
	}},
	{name: "compareTo", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if n, ok := toNumber(recv); ok && len(args) == 1 {
			if m, ok := toNumber(args[0]); ok {
				return int64(n.cmp(m)), nil
			}
		}
		return nil, errNotApplicable
	}},
}

func intValue(st *state, recv any, s *segment, args []any) (any, error) {
	n, ok := toNumber(recv)
	if !ok {
		return nil, errNotApplicable
	}
	if n.isFlt {
		return int64(n.f), nil
	}
	return n.i, nil
}

func sameKind(a, b any) bool {
	switch a.(type) {
	case int64:
		_, ok := b.(int64)
		return ok
	case float64:
		_, ok := b.(float64)
		return ok
	case bool:
		_, ok := b.(bool)
		return ok
	}
	return false
}

// $input

func (st *state) callInput(s *segment, args []any) (any, error) {
	switch s.name {
	case "params":
		if len(args) == 0 {
			return st.allParams(), nil
		}
		if len(args) != 1 {
			return nil, st.argErr(s, "zero or one argument")
		}
		name, err := st.str(s.pos, args[0])
		if err != nil {
			return nil, err
		}
		return st.param(name), nil
	case "json":
		b, err := st.inputJSON(st.scratch[:0], s, args)
		st.scratch = b
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case "path":
		jp, err := st.jsonPathArg(s, args)
		if err != nil {
			return nil, err
		}
		root, err := st.bodyJSON(s)
		if err != nil {
			return nil, err
		}
		v, _, err := st.evalPath(s, jp, root)
		return v, err
	}
	return nil, st.errAt(s.pos, "$input."+s.name+" is not supported", "use $input.body, $input.json(), $input.path() or $input.params()", ErrUnsupported)
}

func (st *state) jsonPathArg(s *segment, args []any) (*jsonPath, error) {
	if s.path != nil {
		return s.path, nil
	}
	src := "$"
	if len(args) > 1 {
		return nil, st.argErr(s, "one JSONPath argument")
	}
	if len(args) == 1 {
		var err error
		if src, err = st.str(s.pos, args[0]); err != nil {
			return nil, err
		}
	}
	if jp, ok := st.paths[src]; ok {
		return jp, nil
	}
	if err := st.charge(s.pos, 16*len(src)); err != nil {
		return nil, err
	}
	jp, err := compileJSONPath(src)
	if err != nil {
		return nil, st.errAt(s.pos, err.Error(), "see docs/vtl.md for the JSONPath subset", ErrUnsupported)
	}
	if st.paths == nil {
		st.paths = make(map[string]*jsonPath)
	}
	if len(st.paths) < maxRegexps {
		st.paths[src] = jp
	}
	return jp, nil
}

func (st *state) evalPath(s *segment, jp *jsonPath, root any) (any, bool, error) {
	left := st.t.lim.work - st.work
	v, found, err := jp.eval(root, &left)
	if err == errPathVisits {
		return nil, false, st.errAt(s.pos, err.Error(), "select less of the body", ErrLimit)
	}
	if cerr := st.charge(s.pos, st.t.lim.work-st.work-left); cerr != nil || err != nil {
		return nil, false, cmp.Or(cerr, st.boundErr(s.pos, err))
	}
	return v, found, nil
}

// inputJSON appends $input.json(path) to dst: the JSON text of what path
// selects, or nothing when a definite path selects nothing. The whole body
// ('$') is re-encoded straight from the raw bytes.
func (st *state) inputJSON(dst []byte, s *segment, args []any) ([]byte, error) {
	jp, err := st.jsonPathArg(s, args)
	if err != nil {
		return dst, err
	}
	start := len(dst)
	if len(jp.steps) == 0 {
		body := bytesTrimSpace(st.in.Body)
		if len(body) == 0 {
			dst = append(dst, "{}"...)
		} else if bareText(body) {
			dst = appendJSONString(dst, string(body))
		} else if dst, err = reencodeJSON(dst, body); err != nil {
			return dst[:start], st.errAt(s.pos, "$input.json cannot read the body: "+err.Error(), "send a JSON body, or use $input.body for other content", ErrInvalidJSON)
		}
	} else {
		root, err := st.bodyJSON(s)
		if err != nil {
			return dst, err
		}
		v, found, err := st.evalPath(s, jp, root)
		if err != nil || !found {
			return dst, err
		}
		if dst, err = appendJSON(dst, v, start+st.t.lim.output, 0); err != nil {
			return dst[:start], st.boundErr(s.pos, err)
		}
	}
	return dst, st.charge(s.pos, len(dst)-start)
}

// param is $input.params(name): path, then query string, then header
// (exact name first, then case-insensitively). Missing is "".
func (st *state) param(name string) string {
	if v, ok := st.in.PathParams[name]; ok {
		return v
	}
	if v, ok := st.in.QueryParams[name]; ok {
		return v
	}
	if v, ok := st.in.Headers[name]; ok {
		return v
	}
	for k, v := range st.in.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// $util

// utilMethods are API Gateway's $util functions. Each takes one argument,
// read as a string (null gives null).
var utilMethods = []method{
	{name: "escapeJavaScript", call: utilFunc(func(st *state, s *segment, in string) (any, error) {
		if err := st.reserve(s, escapedJSLen(in)); err != nil {
			return nil, err
		}
		return escapeJavaScript(in), nil
	})},
	{name: "urlEncode", call: utilFunc(func(st *state, s *segment, in string) (any, error) {
		if err := st.reserve(s, urlEncodedLen(in)); err != nil {
			return nil, err
		}
		return urlEncode(in), nil
	})},
	{name: "urlDecode", call: utilFunc(func(st *state, s *segment, in string) (any, error) {
		out, ok := urlDecode(in)
		if !ok {
			return nil, st.errAt(s.pos, "$util.urlDecode: "+strconv.Quote(clip(in))+" has an invalid % escape", "escape '%' as %25", nil)
		}
		return out, nil
	})},
	{name: "base64Encode", call: utilFunc(func(st *state, s *segment, in string) (any, error) {
		if err := st.reserve(s, base64.StdEncoding.EncodedLen(len(in))); err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(in)), nil
	})},
	{name: "base64Decode", call: utilFunc(func(st *state, s *segment, in string) (any, error) {
		out, ok := base64Decode(in)
		if !ok {
			return nil, st.errAt(s.pos, "$util.base64Decode: "+strconv.Quote(clip(in))+" is not base64", "pass base64 text", nil)
		}
		return out, nil
	})},
	{name: "parseJson", call: utilFunc(func(st *state, s *segment, in string) (any, error) {
		v, err := decodeJSON([]byte(in))
		if err != nil {
			return nil, st.errAt(s.pos, "$util.parseJson: "+err.Error(), "pass a JSON string", ErrInvalidJSON)
		}
		return v, nil
	})},
}

// utilFunc makes a $util method from f: one argument, null for null, the
// argument's text charged as work.
func utilFunc(f func(st *state, s *segment, in string) (any, error)) func(*state, any, *segment, []any) (any, error) {
	return func(st *state, _ any, s *segment, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one argument")
		}
		if args[0] == nil {
			return nil, nil // the Java methods return null for null
		}
		in, err := st.str(s.pos, args[0])
		if err != nil {
			return nil, err
		}
		if err := st.charge(s.pos, len(in)); err != nil {
			return nil, err
		}
		return f(st, s, in)
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// escapeJavaScript is Apache Commons Lang 2 StringEscapeUtils.escapeJavaScript,
// which API Gateway uses: it escapes ' and / too, and every non-ASCII UTF-16
// unit as \uXXXX.
func escapeJavaScript(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '\'' && c != '"' && c != '\\' && c != '/' {
			continue
		}
		// Slow path from the first byte that needs escaping.
		b = make([]byte, 0, len(s)+16)
		b = append(b, s[:i]...)
		for _, r := range s[i:] {
			b = appendJSEscaped(b, r)
		}
		return string(b)
	}
	return s
}

// escapedJSLen is len(escapeJavaScript(s)), counted without building it.
func escapedJSLen(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r > 0xffff:
			n += 12
		case r > 0x7f:
			n += 6
		case r < 0x20:
			switch r {
			case '\b', '\n', '\t', '\f', '\r':
				n += 2
			default:
				n += 6
			}
		case r == '\'' || r == '"' || r == '\\' || r == '/':
			n += 2
		default:
			n++
		}
	}
	return n
}

func appendJSEscaped(b []byte, r rune) []byte {
	switch {
	case r > 0xffff:
		hi, lo := utf16.EncodeRune(r)
		b = appendU(b, hi)
		return appendU(b, lo)
	case r > 0x7f:
		return appendU(b, r)
	case r < 0x20:
		switch r {
		case '\b':
			return append(b, '\\', 'b')
		case '\n':
			return append(b, '\\', 'n')
		case '\t':
			return append(b, '\\', 't')
		case '\f':
			return append(b, '\\', 'f')
		case '\r':
			return append(b, '\\', 'r')
		}
		return appendU(b, r)
	case r == '\'' || r == '"' || r == '\\' || r == '/':
		return append(b, '\\', byte(r))
	}
	return append(b, byte(r))
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// urlEncode is java.net.URLEncoder.encode(s, "UTF-8").
func urlEncode(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return string(b)
}

// urlEncodedLen is len(urlEncode(s)), counted without building it.
func urlEncodedLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '*', c == '_', c == ' ':
			n++
		default:
			n += 3
		}
	}
	return n
}

// urlDecode is java.net.URLDecoder.decode(s, "UTF-8").
func urlDecode(s string) (string, bool) {
	if !strings.ContainsAny(s, "+%") {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) {
				return "", false
			}
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", false
			}
			b = append(b, h<<4|l)
			i += 2
		default:
			b = append(b, c)
		}
	}
	if !utf8.Valid(b) {
		return strings.ToValidUTF8(string(b), "\uFFFD"), true
	}
	return string(b), true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// base64Decode accepts standard and URL-safe alphabets, with or without
// padding, ignoring whitespace.
func base64Decode(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		case '-':
			return '+'
		case '_':
			return '/'
		}
		return r
	}, s)
	s = strings.TrimRight(s, "=")
	out, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// Strings. Indexes and lengths count UTF-16 units, as Java does.

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func u16len(s string) int {
	if isASCII(s) {
		return len(s)
	}
	n := 0
	for _, r := range s {
		if r > 0xffff {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// u16slice returns s[from:to] in UTF-16 units.
func u16slice(s string, from, to int) string {
	if isASCII(s) {
		return s[from:to]
	}
	u := utf16.Encode([]rune(s))
	return string(utf16.Decode(u[from:to]))
}

// u16index converts a byte offset in s to a UTF-16 offset.
func u16index(s string, byteOff int) int {
	if byteOff < 0 {
		return byteOff
	}
	return u16len(s[:byteOff])
}

// u16byte converts a UTF-16 offset to a byte offset in s.
func u16byte(s string, u int) int {
	if isASCII(s) {
		return min(u, len(s))
	}
	n := 0
	for i, r := range s {
		if n >= u {
			return i
		}
		if r > 0xffff {
			n += 2
		} else {
			n++
		}
	}
	return len(s)
}

func intArg(v any) (int, bool) {
	switch x := v.(type) {
	case int64:
		if x < -1<<31 || x > 1<<31-1 {
			return 0, false
		}
		return int(x), true
	case float64:
		return int(x), true
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// strArg is args[i] as a string; false when it is missing or null. A
// collection whose text passes the bounds is an error.
func (st *state) strArg(s *segment, args []any, i int) (string, bool, error) {
	if i >= len(args) || args[i] == nil {
		return "", false, nil
	}
	a, err := st.str(s.pos, args[i])
	return a, err == nil, err
}

// strMethod is a string method of one string argument (and, for
// startsWith, an optional offset).
func strMethod(f func(st *state, recv string, s *segment, a string, args []any) (any, error)) func(*state, any, *segment, []any) (any, error) {
	return func(st *state, recv any, s *segment, args []any) (any, error) {
		a, ok, err := st.strArg(s, args, 0)
		if err != nil {
			return nil, err
		}
		if !ok || (len(args) != 1 && !(s.name == "startsWith" && len(args) == 2)) {
			return nil, st.argErr(s, "one string argument")
		}
		return f(st, recv.(string), s, a, args)
	}
}

// strNoArgs is a string method without arguments.
func strNoArgs(f func(string) string) func(*state, any, *segment, []any) (any, error) {
	return func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 0 {
			return nil, st.argErr(s, "no arguments")
		}
		return f(recv.(string)), nil
	}
}

// stringMethods are java.lang.String's. Indexes and lengths count UTF-16
// units, as Java does.
var stringMethods = []method{
	{name: "length", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return int64(u16len(recv.(string))), nil
	}},
	{name: "isEmpty", call: func(st *state, recv any, s *segment, args []any) (any, error) { return recv.(string) == "", nil }},
	{name: "contains", call: strMethod(func(st *state, recv string, s *segment, a string, args []any) (any, error) {
		return strings.Contains(recv, a), nil
	})},
	{name: "startsWith", call: strMethod(func(st *state, recv string, s *segment, a string, args []any) (any, error) {
		if len(args) == 2 {
			off, ok := intArg(args[1])
			if !ok || off < 0 || off > u16len(recv) {
				return false, nil
			}
			return strings.HasPrefix(recv[u16byte(recv, off):], a), nil
		}
		return strings.HasPrefix(recv, a), nil
	})},
	{name: "endsWith", call: strMethod(func(st *state, recv string, s *segment, a string, args []any) (any, error) {
		return strings.HasSuffix(recv, a), nil
	})},
	{name: "equals", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one argument")
		}
		o, ok := args[0].(string)
		return ok && o == recv.(string), nil
	}},
	{name: "equalsIgnoreCase", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one argument")
		}
		o, ok := args[0].(string)
		return ok && strings.EqualFold(o, recv.(string)), nil
	}},
	{name: "toLowerCase", call: strNoArgs(strings.ToLower)},
	{name: "toUpperCase", call: strNoArgs(strings.ToUpper)},
	{name: "trim", call: strNoArgs(javaTrim)},
	{name: "substring", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		str := recv.(string)
		if len(args) < 1 || len(args) > 2 {
			return nil, st.argErr(s, "one or two integer arguments")
		}
		n := u16len(str)
		from, ok := intArg(args[0])
		to := n
		if ok && len(args) == 2 {
			to, ok = intArg(args[1])
		}
		if !ok {
			return nil, st.argErr(s, "integer arguments")
		}
		if from < 0 || to > n || from > to {
			return nil, st.errAt(s.pos, "substring("+strconv.Itoa(from)+", "+strconv.Itoa(to)+") is out of range for a string of length "+strconv.Itoa(n), "check the length with .length() first", nil)
		}
		return u16slice(str, from, to), nil
	}},
	{name: "indexOf", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		str := recv.(string)
		a, ok, err := st.strArg(s, args, 0)
		if err != nil {
			return nil, err
		}
		if !ok || len(args) > 2 {
			return nil, st.argErr(s, "a string and an optional start index")
		}
		from := 0
		if len(args) == 2 {
			if from, ok = intArg(args[1]); !ok {
				return nil, st.argErr(s, "a string and an integer start index")
			}
			from = max(from, 0)
			if from > u16len(str) {
				return int64(-1), nil
			}
		}
		b := u16byte(str, from)
		i := strings.Index(str[b:], a)
		if i < 0 {
			return int64(-1), nil
		}
		return int64(u16index(str, b+i)), nil
	}},
	{name: "lastIndexOf", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		a, ok, err := st.strArg(s, args, 0)
		if err != nil {
			return nil, err
		}
		if !ok || len(args) > 2 {
			return nil, st.argErr(s, "a string and an optional start index")
		}
		if len(args) == 2 {
			return nil, st.argErr(s, "one string argument")
		}
		str := recv.(string)
		return int64(u16index(str, strings.LastIndex(str, a))), nil
	}},
	{name: "charAt", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		str := recv.(string)
		if len(args) != 1 {
			return nil, st.argErr(s, "one integer argument")
		}
		i, ok := intArg(args[0])
		n := u16len(str)
		if !ok || i < 0 || i >= n {
			return nil, st.errAt(s.pos, "charAt index is out of range for a string of length "+strconv.Itoa(n), "check the length with .length() first", nil)
		}
		return u16slice(str, i, i+1), nil
	}},
	{name: "replace", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		str := recv.(string)
		a, ok1, err := st.strArg(s, args, 0)
		if err != nil {
			return nil, err
		}
		r, ok2, err := st.strArg(s, args, 1)
		if err != nil {
			return nil, err
		}
		if !ok1 || !ok2 || len(args) != 2 {
			return nil, st.argErr(s, "two string arguments")
		}
		// Size the result before building it: n occurrences (an empty
		// target occurs before every character and at the end).
		n := strings.Count(str, a)
		if err := st.reserve(s, len(str)+n*(len(r)-len(a))); err != nil {
			return nil, err
		}
		return strings.ReplaceAll(str, a, r), nil
	}},
	{name: "replaceAll", regex: true, call: regexMethod(func(st *state, str string, s *segment, re *regexp.Regexp, args []any) (any, error) {
		repl, lit, refs, err := st.replacement(s, args)
		if err != nil {
			return nil, err
		}
		// Measure first (matches and matched bytes; no per-match
		// allocation), then bound the result: each match becomes the
		// replacement's literal bytes plus, per group reference, at most
		// the match itself.
		if err := st.charge(s.pos, len(str)); err != nil {
			return nil, err
		}
		matches, matched := 0, 0
		re.ReplaceAllStringFunc(str, func(m string) string { matches++; matched += len(m); return "" })
		if err := st.reserve(s, len(str)-matched+matches*lit+refs*matched); err != nil {
			return nil, err
		}
		return re.ReplaceAllString(str, repl), nil
	})},
	{name: "replaceFirst", regex: true, call: regexMethod(func(st *state, str string, s *segment, re *regexp.Regexp, args []any) (any, error) {
		repl, lit, refs, err := st.replacement(s, args)
		if err != nil {
			return nil, err
		}
		loc := re.FindStringSubmatchIndex(str)
		if loc == nil {
			return str, nil
		}
		m := loc[1] - loc[0]
		if err := st.reserve(s, len(str)-m+lit+refs*m); err != nil {
			return nil, err
		}
		out := re.ExpandString([]byte(str[:loc[0]]), repl, str, loc)
		return st.limitString(s, string(out)+str[loc[1]:])
	})},
	{name: "split", regex: true, call: regexMethod(func(st *state, str string, s *segment, re *regexp.Regexp, args []any) (any, error) {
		limit := 0
		if len(args) == 2 {
			var ok bool
			if limit, ok = intArg(args[1]); !ok {
				return nil, st.argErr(s, "a regular expression and an integer limit")
			}
		} else if len(args) != 1 {
			return nil, st.argErr(s, "a regular expression")
		}
		return st.split(s, str, re, limit)
	})},
	{name: "matches", regex: true, call: regexMethod(func(st *state, str string, s *segment, re *regexp.Regexp, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one regular expression")
		}
		return re.MatchString(str), nil
	})},
	{name: "concat", call: strMethod(func(st *state, recv string, s *segment, a string, args []any) (any, error) {
		if len(recv)+len(a) > st.t.lim.output {
			return nil, st.errAt(s.pos, "string longer than "+sizeText(st.t.lim.output), "build smaller strings", ErrLimit)
		}
		return recv + a, nil
	})},
	{name: "compareTo", call: strMethod(func(st *state, recv string, s *segment, a string, args []any) (any, error) {
		return int64(strings.Compare(recv, a)), nil
	})},
	{name: "toString", call: strNoArgs(func(s string) string { return s })},
}

// regexMethod is a string method whose first argument is a regular
// expression: the one compiled at parse time, or compiled (and charged)
// now. matches tests the whole string, as String.matches does.
func regexMethod(f func(st *state, str string, s *segment, re *regexp.Regexp, args []any) (any, error)) func(*state, any, *segment, []any) (any, error) {
	return func(st *state, recv any, s *segment, args []any) (any, error) {
		pat, ok, err := st.strArg(s, args, 0)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, st.argErr(s, "a regular expression")
		}
		re := s.re
		if re == nil {
			if s.name == "matches" {
				pat = `^(?:` + pat + `)$`
			}
			if re, err = st.regexp(s.pos, pat); err != nil {
				return nil, err
			}
		}
		return f(st, recv.(string), s, re, args)
	}
}

// replacement is the second argument of replaceAll and replaceFirst in
// Go's syntax, with its literal bytes and group references counted.
func (st *state) replacement(s *segment, args []any) (repl string, lit, refs int, err error) {
	repl, ok, err := st.strArg(s, args, 1)
	if err != nil {
		return "", 0, 0, err
	}
	if !ok || len(args) != 2 {
		return "", 0, 0, st.argErr(s, "a regular expression and a replacement")
	}
	repl = javaReplacement(repl)
	lit, refs = replacementShape(repl)
	return repl, lit, refs, nil
}

// reserve checks, before a string of n bytes is built, that it fits the
// output bound, and charges building it as work.
func (st *state) reserve(seg *segment, n int) error {
	if n > st.t.lim.output {
		return st.errAt(seg.pos, "."+seg.name+"() would build a string longer than "+sizeText(st.t.lim.output), "build smaller strings", ErrLimit)
	}
	return st.charge(seg.pos, n)
}

// replacementShape counts a Go regexp replacement template's literal bytes
// and its group references ($1, ${name}).
func replacementShape(r string) (lit, refs int) {
	for i := 0; i < len(r); i++ {
		if r[i] != '$' {
			lit++
			continue
		}
		if i+1 < len(r) && r[i+1] == '$' {
			lit++
			i++
			continue
		}
		refs++
		if i+1 < len(r) && r[i+1] == '{' {
			if j := strings.IndexByte(r[i:], '}'); j > 0 {
				i += j
				continue
			}
		}
		for i+1 < len(r) && (r[i+1] == '_' || r[i+1] >= '0' && r[i+1] <= '9' || r[i+1] >= 'a' && r[i+1] <= 'z' || r[i+1] >= 'A' && r[i+1] <= 'Z') {
			i++
		}
	}
	return lit, refs
}

func (st *state) limitString(seg *segment, s string) (any, error) {
	if len(s) > st.t.lim.output {
		return nil, st.errAt(seg.pos, "string longer than "+sizeText(st.t.lim.output), "build smaller strings", ErrLimit)
	}
	return s, nil
}

// javaReplacement converts a java.util.regex replacement ($1, \$) to Go's
// syntax (${1}, $$).
func javaReplacement(r string) string {
	if !strings.ContainsAny(r, "$\\") {
		return r
	}
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == '\\' && i+1 < len(r):
			i++
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(r[i])
			}
		case c == '$':
			j := i + 1
			for j < len(r) && r[j] >= '0' && r[j] <= '9' {
				j++
			}
			if j == i+1 {
				if j < len(r) && r[j] == '{' {
					if k := strings.IndexByte(r[j:], '}'); k > 0 {
						b.WriteString(r[i : j+k+1])
						i = j + k
						continue
					}
				}
				b.WriteString("$$")
				continue
			}
			b.WriteString("${" + r[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// split is String.split(regex, limit). Its elements count against the
// iteration budget (collection additions, maxIterations), checked before
// the list is built.
func (st *state) split(seg *segment, s string, re *regexp.Regexp, limit int) (any, error) {
	if err := st.charge(seg.pos, len(s)); err != nil {
		return nil, err
	}
	l := &List{}
	if s == "" {
		l.items = []any{""}
		return l, nil
	}
	// At most this many parts may be made: the budget's remainder, or
	// the caller's limit.
	most := st.t.lim.iterations - st.iterations
	if limit > 0 {
		most = min(most, limit)
	}
	var locs [][]int
	if lit, complete := re.LiteralPrefix(); complete && lit != "" {
		// A literal separator: find it without the regexp engine and
		// without allocating per match.
		if n := strings.Count(s, lit) + 1; n > most && (limit <= 0 || limit > most) {
			return nil, st.splitErr(seg, n)
		}
		var parts []string
		if limit > 0 {
			parts = strings.SplitN(s, lit, limit)
		} else {
			parts = strings.Split(s, lit)
		}
		if limit == 0 {
			for len(parts) > 0 && parts[len(parts)-1] == "" {
				parts = parts[:len(parts)-1]
			}
		}
		return st.splitList(seg, parts)
	}
	// Finding one match more than parts allowed tells the list would be
	// too long, without finding them all.
	want := most + 1
	if limit > 0 && limit <= most {
		want = limit
	}
	locs = re.FindAllStringIndex(s, want)
	if len(locs) > most {
		return nil, st.splitErr(seg, len(locs)+1)
	}
	if err := st.charge(seg.pos, 8*len(locs)); err != nil {
		return nil, err
	}
	n := -1
	if limit > 0 {
		n = limit
	}
	var parts []string
	last := 0
	for _, loc := range locs {
		if n > 0 && len(parts) == n-1 {
			break
		}
		if loc[1] == 0 {
			continue // a zero-width match at the start yields no leading ""
		}
		if loc[0] == loc[1] && loc[0] == len(s) {
			break
		}
		parts = append(parts, s[last:loc[0]])
		last = loc[1]
	}
	parts = append(parts, s[last:])
	if limit == 0 {
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
	}
	return st.splitList(seg, parts)
}

func (st *state) splitList(seg *segment, parts []string) (any, error) {
	if err := st.growN(seg, len(parts)); err != nil {
		return nil, err
	}
	l := &List{items: make([]any, len(parts))}
	for i, p := range parts {
		l.items[i] = p
	}
	return l, nil
}

func (st *state) splitErr(seg *segment, n int) error {
	return st.errAt(seg.pos, ".split() would make "+strconv.Itoa(n)+" or more elements, past the limit of "+strconv.Itoa(st.t.lim.iterations)+" loop iterations and collection additions", "split less data", ErrLimit)
}

// Lists.

// listMethods are java.util.ArrayList's.
var listMethods = []method{
	{name: "size", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return int64(len(recv.(*List).items)), nil
	}},
	{name: "isEmpty", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return len(recv.(*List).items) == 0, nil
	}},
	{name: "get", call: listGetRemove},
	{name: "add", forms: "add(x) add(i, x)", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		l := recv.(*List)
		if err := st.grow(s); err != nil {
			return nil, err
		}
		switch len(args) {
		case 1:
			l.items = append(l.items, args[0])
			return true, nil
		case 2:
			i, ok := args[0].(int64)
			if !ok || i < 0 || i > int64(len(l.items)) {
				return nil, st.argErr(s, "an index within the list and a value")
			}
			l.items = slices.Insert(l.items, int(i), args[1])
			return nil, nil
		}
		return nil, st.argErr(s, "one or two arguments")
	}},
	{name: "addAll", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		l := recv.(*List)
		o, ok := argList(args)
		if !ok {
			return nil, st.argErr(s, "one list")
		}
		if err := st.growN(s, len(o.items)); err != nil {
			return nil, err
		}
		l.items = append(l.items, o.items...)
		return len(o.items) > 0, nil
	}},
	{name: "set", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		l := recv.(*List)
		if len(args) != 2 {
			return nil, st.argErr(s, "an index and a value")
		}
		i, ok := args[0].(int64)
		if !ok {
			return nil, st.argErr(s, "an index and a value")
		}
		if i < 0 || i >= int64(len(l.items)) {
			return nil, st.errAt(s.pos, "index "+strconv.FormatInt(i, 10)+" is out of range for a list of "+strconv.Itoa(len(l.items)), "check the size with .size() first", nil)
		}
		old := l.items[i]
		l.items[i] = args[1]
		return old, nil
	}},
	{name: "remove", forms: "remove(i) remove(x)", call: listGetRemove},
	{name: "contains", call: listSearch},
	{name: "indexOf", call: listSearch},
	{name: "lastIndexOf", call: listSearch},
	{name: "subList", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		l := recv.(*List)
		if len(args) != 2 {
			return nil, st.argErr(s, "two integer indexes")
		}
		from, ok1 := intArg(args[0])
		to, ok2 := intArg(args[1])
		if !ok1 || !ok2 {
			return nil, st.argErr(s, "two integer indexes")
		}
		if from < 0 || to > len(l.items) || from > to {
			return nil, st.errAt(s.pos, "subList("+strconv.Itoa(from)+", "+strconv.Itoa(to)+") is out of range for a list of "+strconv.Itoa(len(l.items)), "check the size with .size() first", nil)
		}
		return &List{items: slices.Clone(l.items[from:to]), fromJSON: l.fromJSON}, nil
	}},
	{name: "clear", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		l := recv.(*List)
		l.items = l.items[:0]
		return nil, nil
	}},
	{name: "equals", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one argument")
		}
		if _, ok := args[0].(*List); !ok {
			return false, nil
		}
		return st.equal(s.pos, recv, args[0])
	}},
	{name: "toString", call: func(st *state, recv any, s *segment, args []any) (any, error) { return st.str(s.pos, recv) }},
}

// listGetRemove is get(i), remove(i) and remove(x).
func listGetRemove(st *state, recv any, s *segment, args []any) (any, error) {
	l := recv.(*List)
	if len(args) != 1 {
		return nil, st.argErr(s, "one argument")
	}
	i, isInt := args[0].(int64)
	if s.name == "remove" && !isInt {
		for k, e := range l.items {
			eq, err := st.equal(s.pos, e, args[0])
			if err != nil {
				return nil, err
			}
			if eq {
				l.items = slices.Delete(l.items, k, k+1)
				return true, nil
			}
		}
		return false, nil
	}
	if !isInt {
		return nil, st.argErr(s, "an integer index")
	}
	if i < 0 || i >= int64(len(l.items)) {
		return nil, st.errAt(s.pos, "index "+strconv.FormatInt(i, 10)+" is out of range for a list of "+strconv.Itoa(len(l.items)), "check the size with .size() first", nil)
	}
	v := l.items[i]
	if s.name == "remove" {
		l.items = slices.Delete(l.items, int(i), int(i)+1)
	}
	return v, nil
}

// listSearch is contains, indexOf and lastIndexOf: == on each element.
func listSearch(st *state, recv any, s *segment, args []any) (any, error) {
	l := recv.(*List)
	if len(args) != 1 {
		return nil, st.argErr(s, "one argument")
	}
	found := int64(-1)
	for k := range l.items {
		i := k
		if s.name == "lastIndexOf" {
			i = len(l.items) - 1 - k
		}
		eq, err := st.equal(s.pos, l.items[i], args[0])
		if err != nil {
			return nil, err
		}
		if eq {
			found = int64(i)
			break
		}
	}
	if s.name == "contains" {
		return found >= 0, nil
	}
	return found, nil
}

func argList(args []any) (*List, bool) {
	if len(args) != 1 {
		return nil, false
	}
	l, ok := args[0].(*List)
	return l, ok
}

// grow counts collection growth against the iteration budget, so that
// templates cannot build unbounded collections.
func (st *state) grow(s *segment) error { return st.growN(s, 1) }

// growN counts n additions (addAll, putAll, split).
func (st *state) growN(s *segment, n int) error {
	st.iterations += n
	if st.iterations > st.t.lim.iterations {
		return st.errAt(s.pos, "more than "+strconv.Itoa(st.t.lim.iterations)+" loop iterations and collection additions", "process less data", ErrLimit)
	}
	return nil
}

// Maps.

// mapKey is a map method's key argument as a string (a collection key is
// its text, within the bounds); false when missing or null.
func (st *state) mapKey(s *segment, args []any) (string, bool, error) {
	if len(args) < 1 || args[0] == nil {
		return "", false, nil
	}
	k, err := st.str(s.pos, args[0])
	return k, err == nil, err
}

// mapMethods are java.util.LinkedHashMap's.
var mapMethods = []method{
	{name: "size", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		return int64(len(recv.(*Map).keys)), nil
	}},
	{name: "isEmpty", call: func(st *state, recv any, s *segment, args []any) (any, error) { return len(recv.(*Map).keys) == 0, nil }},
	{name: "get", call: mapLookup},
	{name: "getOrDefault", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 2 {
			return nil, st.argErr(s, "a key and a default value")
		}
		k, ok, err := st.mapKey(s, args)
		if err != nil {
			return nil, err
		}
		if ok {
			if v, ok := recv.(*Map).get(k); ok {
				return v, nil
			}
		}
		return args[1], nil
	}},
	{name: "put", call: mapPut},
	{name: "putIfAbsent", call: mapPut},
	{name: "putAll", scans: true, call: func(st *state, recv any, s *segment, args []any) (any, error) {
		m := recv.(*Map)
		if len(args) != 1 {
			return nil, st.argErr(s, "one map")
		}
		o, ok := args[0].(*Map)
		if !ok {
			return nil, st.argErr(s, "one map")
		}
		if err := st.growN(s, len(o.keys)); err != nil {
			return nil, err
		}
		for i, k := range o.keys {
			m.put(k, o.vals[i])
		}
		return nil, nil
	}},
	{name: "containsKey", call: mapLookup},
	{name: "containsValue", scans: true, call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one value")
		}
		for _, v := range recv.(*Map).vals {
			eq, err := st.equal(s.pos, v, args[0])
			if eq || err != nil {
				return eq, err
			}
		}
		return false, nil
	}},
	{name: "keySet", scans: true, call: mapView},
	{name: "values", scans: true, call: mapView},
	{name: "entrySet", scans: true, call: mapView},
	{name: "remove", scans: true, call: mapLookup},
	{name: "clear", call: func(st *state, recv any, s *segment, args []any) (any, error) {
		recv.(*Map).clear()
		return nil, nil
	}},
	{name: "equals", scans: true, call: func(st *state, recv any, s *segment, args []any) (any, error) {
		if len(args) != 1 {
			return nil, st.argErr(s, "one argument")
		}
		if _, ok := args[0].(*Map); !ok {
			return false, nil
		}
		return st.equal(s.pos, recv, args[0])
	}},
	{name: "toString", scans: true, call: func(st *state, recv any, s *segment, args []any) (any, error) { return st.str(s.pos, recv) }},
}

// mapLookup is get, containsKey and remove.
func mapLookup(st *state, recv any, s *segment, args []any) (any, error) {
	m := recv.(*Map)
	if len(args) != 1 {
		return nil, st.argErr(s, "one key")
	}
	k, ok, err := st.mapKey(s, args)
	if err != nil {
		return nil, err
	}
	if !ok {
		if s.name == "containsKey" {
			return false, nil
		}
		return nil, nil
	}
	switch s.name {
	case "get":
		v, _ := m.get(k)
		return v, nil
	case "containsKey":
		_, ok := m.get(k)
		return ok, nil
	}
	return m.remove(k), nil
}

// mapPut is put and putIfAbsent.
func mapPut(st *state, recv any, s *segment, args []any) (any, error) {
	m := recv.(*Map)
	k, ok, err := st.mapKey(s, args)
	if err != nil {
		return nil, err
	}
	if !ok || len(args) != 2 {
		return nil, st.argErr(s, "a key and a value")
	}
	if err := st.grow(s); err != nil {
		return nil, err
	}
	if s.name == "putIfAbsent" {
		if old, ok := m.get(k); ok && old != nil {
			return old, nil
		}
	}
	return m.put(k, args[1]), nil
}

// mapView is keySet, values and entrySet: new lists.
func mapView(st *state, recv any, s *segment, args []any) (any, error) {
	m := recv.(*Map)
	l := &List{items: make([]any, len(m.keys))}
	for i, k := range m.keys {
		switch s.name {
		case "keySet":
			l.items[i] = k
		case "values":
			l.items[i] = m.vals[i]
		default:
			l.items[i] = &mapEntry{key: k, val: m.vals[i]}
		}
	}
	return l, nil
}
