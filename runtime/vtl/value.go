package vtl

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Runtime values. A template value is one of:
//
//	nil                 Java null
//	string              java.lang.String
//	int64               java.lang.Integer / Long
//	float64             java.lang.Double
//	bool                java.lang.Boolean
//	*List               java.util.ArrayList (or json-smart JSONArray when fromJSON)
//	*Map                java.util.LinkedHashMap (insertion ordered)
//	*mapEntry           Map.Entry from entrySet()
//	*foreachInfo        $foreach
//	inputObj, utilObj   the API Gateway $input and $util objects
//
// Values produced while executing one template are never shared with another
// execution: the input data is converted afresh (lazily) for every Execute.

// List is a mutable list value (Java ArrayList).
type List struct {
	items []any
	// fromJSON marks lists produced by JSONPath or parseJson. Like
	// json-smart's JSONArray, they render as JSON text, not as [a, b].
	fromJSON bool
}

// Map is an insertion-ordered map value (Java LinkedHashMap). Small maps
// are searched linearly; larger ones get an index.
type Map struct {
	keys []string
	vals []any
	idx  map[string]int // nil while len(keys) <= smallMap
	// fold makes lookups fall back to a case-insensitive match, for
	// header names (the gateway's HTTP server canonicalizes them).
	fold bool
}

const smallMap = 8

type mapEntry struct {
	key string
	val any
}

func newMap(n int) *Map {
	return &Map{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

func (m *Map) find(k string) int {
	if m.idx != nil {
		if i, ok := m.idx[k]; ok {
			return i
		}
	} else {
		for i, x := range m.keys {
			if x == k {
				return i
			}
		}
	}
	if m.fold {
		for i, x := range m.keys {
			if strings.EqualFold(x, k) {
				return i
			}
		}
	}
	return -1
}

func (m *Map) get(k string) (any, bool) {
	if m == nil {
		return nil, false
	}
	if i := m.find(k); i >= 0 {
		return m.vals[i], true
	}
	return nil, false
}

// put stores v under k and returns the previous value (nil if none), as
// java.util.Map.put does.
func (m *Map) put(k string, v any) any {
	if i := m.find(k); i >= 0 {
		old := m.vals[i]
		m.vals[i] = v
		return old
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	if m.idx != nil {
		m.idx[k] = len(m.keys) - 1
	} else if len(m.keys) > smallMap {
		m.reindex()
	}
	return nil
}

func (m *Map) reindex() {
	if len(m.keys) <= smallMap {
		m.idx = nil
		return
	}
	m.idx = make(map[string]int, len(m.keys))
	for i, k := range m.keys {
		m.idx[k] = i
	}
}

func (m *Map) remove(k string) any {
	i := m.find(k)
	if i < 0 {
		return nil
	}
	old := m.vals[i]
	m.keys = slices.Delete(m.keys, i, i+1)
	m.vals = slices.Delete(m.vals, i, i+1)
	m.reindex()
	return old
}

func (m *Map) clear() {
	m.keys, m.vals, m.idx = m.keys[:0], m.vals[:0], nil
}

// mapFromStrings converts a Go string map to a Map with sorted keys, so that
// iteration order is deterministic.
func mapFromStrings(src map[string]string) *Map {
	m := newMap(len(src))
	for k := range src {
		m.keys = append(m.keys, k)
	}
	slices.Sort(m.keys)
	for _, k := range m.keys {
		m.vals = append(m.vals, src[k])
	}
	m.reindex()
	return m
}

// fromGo converts a value supplied by the caller (Input.Context) to a
// template value. Maps get sorted keys.
func fromGo(v any, depth int) any {
	if depth > maxDepth {
		return nil
	}
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return uintValue(uint64(x))
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return uintValue(x)
	case float32:
		return float64(x)
	case []map[string]any:
		l := &List{items: make([]any, len(x))}
		for i, e := range x {
			l.items[i] = fromGo(e, depth+1)
		}
		return l
	case map[string]string:
		return mapFromStrings(x)
	case map[string]any:
		m := newMap(len(x))
		for k := range x {
			m.keys = append(m.keys, k)
		}
		slices.Sort(m.keys)
		for _, k := range m.keys {
			m.vals = append(m.vals, fromGo(x[k], depth+1))
		}
		m.reindex()
		return m
	case []string:
		l := &List{items: make([]any, len(x))}
		for i, s := range x {
			l.items[i] = s
		}
		return l
	case []any:
		l := &List{items: make([]any, len(x))}
		for i, e := range x {
			l.items[i] = fromGo(e, depth+1)
		}
		return l
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case interface{ String() string }:
		return x.String()
	default:
		return nil
	}
}

// size estimates the work of reading v: the length of a string, the number
// of elements of a collection (shallow), 1 otherwise.
func size(v any) int {
	switch x := v.(type) {
	case string:
		return len(x) + 1
	case *List:
		return len(x.items) + 1
	case *Map:
		return len(x.keys) + 1
	}
	return 1
}

func uintValue(u uint64) any {
	if u <= math.MaxInt64 {
		return int64(u)
	}
	return float64(u)
}

// truthy is Velocity 1.7's #if test: null and false are false, everything
// else (including "" and 0) is true.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	default:
		return true
	}
}

// Rendering values as text. Collections can nest, share elements and
// contain themselves (#set($d = $l.add($l))), so every rendering is bounded:
// in depth (maxDepth) and in length (a limit the caller gives, at most the
// output limit), and fails rather than overflow the stack or allocate
// without bound.
var (
	errTooDeep = errors.New("nested deeper than " + strconv.Itoa(maxDepth) + " levels")
	errTooLong = errors.New("too long")
)

// appendText appends Java's String.valueOf(v) to b, failing with errTooDeep
// or errTooLong once collections nest deeper than maxDepth or b grows past
// limit bytes. A list or map that directly contains itself renders as
// Java's AbstractCollection and AbstractMap render it, "(this Collection)"
// and "(this Map)"; a longer cycle nests until errTooDeep (Java overflows
// its stack there).
func appendText(b []byte, v any, limit, depth int) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case string:
		if len(b)+len(x) > limit {
			return b, errTooLong
		}
		return append(b, x...), nil
	case *List:
		if x.fromJSON {
			return appendJSON(b, x, limit, depth)
		}
		if depth > maxDepth {
			return b, errTooDeep
		}
		b = append(b, '[')
		for i, e := range x.items {
			if i > 0 {
				b = append(b, ", "...)
			}
			if l, ok := e.(*List); ok && l == x {
				b = append(b, "(this Collection)"...)
			} else if b, err = appendText(b, e, limit, depth+1); err != nil {
				return b, err
			}
			if len(b) > limit {
				return b, errTooLong
			}
		}
		return append(b, ']'), nil
	case *Map:
		if depth > maxDepth {
			return b, errTooDeep
		}
		b = append(b, '{')
		for i, k := range x.keys {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, k...)
			b = append(b, '=')
			if m, ok := x.vals[i].(*Map); ok && m == x {
				b = append(b, "(this Map)"...)
			} else if b, err = appendText(b, x.vals[i], limit, depth+1); err != nil {
				return b, err
			}
			if len(b) > limit {
				return b, errTooLong
			}
		}
		return append(b, '}'), nil
	case *mapEntry:
		if depth > maxDepth {
			return b, errTooDeep
		}
		b = append(b, x.key...)
		b = append(b, '=')
		return appendText(b, x.val, limit, depth+1)
	}
	b = appendScalar(b, v)
	if len(b) > limit {
		return b, errTooLong
	}
	return b, nil
}

// appendScalar appends String.valueOf(v) for a value that is not a string
// or a collection.
func appendScalar(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return appendJavaDouble(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case *foreachInfo:
		return append(b, "$foreach"...)
	case inputObj:
		return append(b, "$input"...)
	case utilObj:
		return append(b, "$util"...)
	}
	return b
}

// toString is String.valueOf(v) for values that cannot be large or nested
// (keys, numbers, override values); a rendering past the bounds is cut
// short. Execution uses state.str, which reports the bound instead.
func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := appendText(nil, v, maxOutput, 0)
	return string(b)
}

// appendJavaDouble formats f as java.lang.Double.toString does: plain
// decimal with at least one fractional digit for 1e-3 <= |f| < 1e7,
// otherwise computerized scientific notation ("1.0E7").
func appendJavaDouble(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	a := math.Abs(f)
	if a >= 1e-3 && a < 1e7 {
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		if !strings.Contains(string(b[start:]), ".") {
			b = append(b, ".0"...)
		}
		return b
	}
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // e.g. 1.2345e+07, 1e-05
	mant, exp, _ := strings.Cut(string(s), "e")
	b = append(b, mant...)
	if !strings.Contains(mant, ".") {
		b = append(b, ".0"...)
	}
	b = append(b, 'E')
	if exp[0] == '-' {
		b = append(b, '-')
	}
	exp = strings.TrimLeft(exp[1:], "0")
	if exp == "" {
		exp = "0"
	}
	return append(b, exp...)
}

// equaler is Velocity 1.7's == : numbers compare numerically, values of
// the same kind with equals(), values of different kinds by their string
// forms; null equals only null. A collection equals itself (Java's
// identity check comes first); comparing collections costs one unit of
// budget per element pair and fails past maxDepth, so shared or
// self-containing collections cannot make it run away.
type equaler struct {
	budget int // work units left
	limit  int // bound of string forms
}

var errTooMuchWork = errors.New("too much work")

func (e *equaler) equal(a, b any, depth int) (bool, error) {
	if a == nil || b == nil {
		return a == nil && b == nil, nil
	}
	if x, ok := toNumber(a); ok {
		if y, ok := toNumber(b); ok {
			return x.cmp(y) == 0, nil
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return x == y, nil
		}
	case bool:
		if y, ok := b.(bool); ok {
			return x == y, nil
		}
	case *List:
		if y, ok := b.(*List); ok {
			if x == y {
				return true, nil
			}
			if len(x.items) != len(y.items) {
				return false, nil
			}
			if depth > maxDepth {
				return false, errTooDeep
			}
			for i := range x.items {
				if e.budget--; e.budget < 0 {
					return false, errTooMuchWork
				}
				if eq, err := e.equal(x.items[i], y.items[i], depth+1); !eq || err != nil {
					return false, err
				}
			}
			return true, nil
		}
	case *Map:
		if y, ok := b.(*Map); ok {
			if x == y {
				return true, nil
			}
			if len(x.keys) != len(y.keys) {
				return false, nil
			}
			if depth > maxDepth {
				return false, errTooDeep
			}
			for i, k := range x.keys {
				if e.budget--; e.budget < 0 {
					return false, errTooMuchWork
				}
				yv, ok := y.get(k)
				if !ok {
					return false, nil
				}
				if eq, err := e.equal(x.vals[i], yv, depth+1); !eq || err != nil {
					return false, err
				}
			}
			return true, nil
		}
	}
	sa, err := appendText(nil, a, e.limit, 0)
	if err != nil {
		return false, err
	}
	sb, err := appendText(nil, b, e.limit, 0)
	if err != nil {
		return false, err
	}
	if e.budget -= len(sa) + len(sb); e.budget < 0 {
		return false, errTooMuchWork
	}
	return string(sa) == string(sb), nil
}

// number is an integer or a double.
type number struct {
	i     int64
	f     float64
	isFlt bool
}

func toNumber(v any) (number, bool) {
	switch x := v.(type) {
	case int64:
		return number{i: x}, true
	case float64:
		return number{f: x, isFlt: true}, true
	}
	return number{}, false
}

func (n number) float() float64 {
	if n.isFlt {
		return n.f
	}
	return float64(n.i)
}

func (n number) cmp(m number) int {
	if !n.isFlt && !m.isFlt {
		switch {
		case n.i < m.i:
			return -1
		case n.i > m.i:
			return 1
		}
		return 0
	}
	a, b := n.float(), m.float()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// typeName names a value's Java class for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "String"
	case int64:
		return "Integer"
	case float64:
		return "Double"
	case bool:
		return "Boolean"
	case *List:
		return "List"
	case *Map:
		return "Map"
	case *mapEntry:
		return "Map.Entry"
	case *foreachInfo:
		return "$foreach"
	case inputObj:
		return "$input"
	case utilObj:
		return "$util"
	}
	return "object"
}
