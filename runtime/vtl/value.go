package vtl

import (
	"encoding/json"
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

// appendString appends Java's String.valueOf(v) to b.
func appendString(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return append(b, x...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return appendJavaDouble(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case *List:
		if x.fromJSON {
			return appendJSON(b, x, 0)
		}
		b = append(b, '[')
		for i, e := range x.items {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendString(b, e)
		}
		return append(b, ']')
	case *Map:
		b = append(b, '{')
		for i, k := range x.keys {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, k...)
			b = append(b, '=')
			b = appendString(b, x.vals[i])
		}
		return append(b, '}')
	case *mapEntry:
		b = append(b, x.key...)
		b = append(b, '=')
		return appendString(b, x.val)
	case *foreachInfo:
		return append(b, "$foreach"...)
	case inputObj:
		return append(b, "$input"...)
	case utilObj:
		return append(b, "$util"...)
	default:
		return b
	}
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return string(appendString(nil, v))
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

// valuesEqual is Velocity 1.7's == : numbers compare numerically, values of
// the same kind with equals(), values of different kinds by their string
// forms; null equals only null.
func valuesEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if x, ok := toNumber(a); ok {
		if y, ok := toNumber(b); ok {
			return x.cmp(y) == 0
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return x == y
		}
	case bool:
		if y, ok := b.(bool); ok {
			return x == y
		}
	case *List:
		if y, ok := b.(*List); ok {
			if len(x.items) != len(y.items) {
				return false
			}
			for i := range x.items {
				if !valuesEqual(x.items[i], y.items[i]) {
					return false
				}
			}
			return true
		}
	case *Map:
		if y, ok := b.(*Map); ok {
			if len(x.keys) != len(y.keys) {
				return false
			}
			for i, k := range x.keys {
				yv, ok := y.get(k)
				if !ok || !valuesEqual(x.vals[i], yv) {
					return false
				}
			}
			return true
		}
	}
	return toString(a) == toString(b)
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
