package openapi

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Doc is a decoded JSON or YAML document (map[string]any, []any, string,
// float64, int, bool, nil, as encoding/json and yaml.v3 decode it) and what
// is known of where its parts are written.
type Doc struct {
	Root any
	// Where returns where the entry at path (map keys, and list indexes
	// in decimal) is written: its key (for a list element, the element)
	// and its value; ok false when that is not known.
	Where func(path []string) (key, value diag.Range, ok bool)
	// Fallback is the place of every part Where does not know.
	Fallback diag.Range
}

// Node returns the document's root as a Node.
func (d *Doc) Node() Node { return Value{doc: d, v: d.Root} }

// Value is a Node of a Doc. Its maps are visited in sorted key order.
type Value struct {
	doc  *Doc
	v    any
	path []string
}

// V returns the decoded value.
func (x Value) V() any { return x.v }

// Path returns the keys leading to x from the root.
func (x Value) Path() []string { return x.path }

func (x Value) child(k string, v any) Value {
	p := make([]string, len(x.path)+1)
	copy(p, x.path)
	p[len(x.path)] = k
	return Value{doc: x.doc, v: v, path: p}
}

func (x Value) Get(key string) Node {
	m, _ := x.v.(map[string]any)
	v, ok := m[key]
	if !ok {
		return nil
	}
	return x.child(key, v)
}

func (x Value) Each(f func(key string, v Node, at diag.Range)) {
	m, _ := x.v.(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		c := x.child(k, m[k])
		f(k, c, c.KeyRange())
	}
}

func (x Value) Items() []Node {
	l, ok := x.v.([]any)
	if !ok {
		return nil
	}
	out := make([]Node, len(l))
	for i, e := range l {
		out[i] = x.child(strconv.Itoa(i), e)
	}
	return out
}

func (x Value) IsMap() bool { _, ok := x.v.(map[string]any); return ok }

func (x Value) field(key string) any { m, _ := x.v.(map[string]any); return m[key] }

func (x Value) Str(key string) string { return Text(x.field(key)) }

// Strs is a list's elements as text; a value that is not a list is none.
func (x Value) Strs(key string) []string {
	l, _ := x.field(key).([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, Text(e))
	}
	return out
}

// Bool is true for true and "true".
func (x Value) Bool(key string) bool { return Text(x.field(key)) == "true" }

// KeyRange is where x's key is written.
func (x Value) KeyRange() diag.Range {
	if k, _, ok := x.where(); ok {
		return k
	}
	return x.doc.Fallback
}

// Range is where x's value is written.
func (x Value) Range() diag.Range {
	if _, v, ok := x.where(); ok {
		return v
	}
	return x.doc.Fallback
}

func (x Value) where() (key, value diag.Range, ok bool) {
	if x.doc.Where == nil {
		return diag.Range{}, diag.Range{}, false
	}
	return x.doc.Where(x.path)
}

// Text is a decoded scalar as text: numbers without exponent or trailing
// zeros, booleans as true/false, nil as "".
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
