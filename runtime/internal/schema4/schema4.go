// Package schema4 is a JSON Schema draft 4 validator for API Gateway
// models: it compiles a set of schemas that refer to each other by URL
// once, then validates decoded JSON values (encoding/json with UseNumber)
// without reflection.
//
// It exists because API Gateway's request validation must answer a 10 MB
// body in bounded time: validation stops at the first failure when only
// validity is asked (Validate with max 1), and collects at most max
// failures otherwise. Messages follow the validator API Gateway uses
// (fge json-schema-validator): "object has missing required properties
// ([\"name\"])".
//
// Supported: type, enum, the numeric, string, array and object keywords,
// dependencies, allOf, anyOf, oneOf, not, definitions and $ref (a JSON
// pointer within the document, or another registered document by URL with
// an optional #pointer). Not asserted: format (API Gateway does not
// either for most formats). Patterns are Go regular expressions (RE2).
package schema4

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Type bits.
const (
	tNull = 1 << iota
	tBool
	tObject
	tArray
	tNumber
	tInteger
	tString
)

var typeNames = []struct {
	name string
	bit  uint8
}{{"array", tArray}, {"boolean", tBool}, {"integer", tInteger}, {"null", tNull}, {"number", tNumber}, {"object", tObject}, {"string", tString}}

// Schema is one compiled schema (or subschema).
type Schema struct {
	types uint8
	enum  []string // canonical JSON of each allowed value

	minimum, maximum       *float64
	exclusiveMin, exclMax  bool
	multipleOf             float64
	minLength, maxLength   int // -1 unset
	pattern                *regexp.Regexp
	minItems, maxItems     int
	uniqueItems            bool
	items                  *Schema
	tupleItems             []*Schema
	additionalItems        *Schema // nil: allowed
	noAdditionalItems      bool
	minProps, maxProps     int
	required               []string
	properties             map[string]*Schema
	patternProps           []patternProp
	additionalProps        *Schema
	noAdditionalProps      bool
	depSchemas             map[string]*Schema
	depProps               map[string][]string
	allOf, anyOf, oneOf    []*Schema
	not                    *Schema
	ref                    string
	target                 *Schema // ref resolved
	refDoc                 string  // the document the ref is relative to
	alwaysFalse, anyIsOkay bool
}

type patternProp struct {
	re *regexp.Regexp
	s  *Schema
}

// Set is a group of documents that may refer to each other.
type Set struct {
	docs     map[string]any     // URL → raw document
	compiled map[string]*Schema // URL#pointer → schema
	pending  []*Schema
}

// NewSet returns an empty Set.
func NewSet() *Set {
	return &Set{docs: map[string]any{}, compiled: map[string]*Schema{}}
}

// Add registers a document (decoded with UseNumber) under url.
func (s *Set) Add(url string, doc any) { s.docs[url] = doc }

// Compile compiles the document at url (and every document it refers
// to).
func (s *Set) Compile(url string) (*Schema, error) {
	sch, err := s.get(url, "")
	if err != nil {
		return nil, err
	}
	for len(s.pending) > 0 {
		p := s.pending[0]
		s.pending = s.pending[1:]
		u, frag, _ := strings.Cut(p.ref, "#")
		if u == "" {
			u = p.refDoc
		}
		t, err := s.get(u, frag)
		if err != nil {
			return nil, fmt.Errorf("$ref %q: %w", p.ref, err)
		}
		p.target = t
	}
	return sch, nil
}

func (s *Set) get(url, pointer string) (*Schema, error) {
	key := url + "#" + pointer
	if c := s.compiled[key]; c != nil {
		return c, nil
	}
	doc, ok := s.docs[url]
	if !ok {
		return nil, fmt.Errorf("%s is not a known model", url)
	}
	v, err := resolvePointer(doc, pointer)
	if err != nil {
		return nil, err
	}
	sch := &Schema{}
	s.compiled[key] = sch
	c := compiler{set: s, doc: url}
	if err := c.compile(sch, v, pointer); err != nil {
		return nil, err
	}
	return sch, nil
}

func resolvePointer(doc any, p string) (any, error) {
	if p == "" || p == "/" {
		return doc, nil
	}
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("#%s: no %q", p, tok)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("#%s: no item %q", p, tok)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("#%s: %q is not in an object or array", p, tok)
		}
	}
	return cur, nil
}

type compiler struct {
	set *Set
	doc string
}

func (c *compiler) sub(v any, at string) (*Schema, error) {
	sch := &Schema{}
	return sch, c.compile(sch, v, at)
}

func (c *compiler) compile(sch *Schema, v any, at string) error {
	sch.minLength, sch.maxLength, sch.minItems, sch.maxItems, sch.minProps, sch.maxProps = -1, -1, -1, -1, -1, -1
	obj, ok := v.(map[string]any)
	if !ok {
		if b, isBool := v.(bool); isBool { // later drafts' boolean schemas
			sch.anyIsOkay, sch.alwaysFalse = b, !b
			return nil
		}
		return fmt.Errorf("at #%s: a schema must be a JSON object", at)
	}
	if r, ok := obj["$ref"]; ok {
		rs, isStr := r.(string)
		if !isStr {
			return fmt.Errorf("at #%s: $ref must be a string", at)
		}
		sch.ref, sch.refDoc = rs, c.doc
		c.set.pending = append(c.set.pending, sch)
		return nil // draft 4: other keywords beside $ref are ignored
	}
	var err error
	kw := func(name string) (any, bool) { x, ok := obj[name]; return x, ok }
	fail := func(name, want string) error { return fmt.Errorf("at #%s/%s: %s must be %s", at, name, name, want) }
	if t, ok := kw("type"); ok {
		names := []any{t}
		if arr, isArr := t.([]any); isArr {
			names = arr
		}
		for _, n := range names {
			ns, _ := n.(string)
			i := slices.IndexFunc(typeNames, func(x struct {
				name string
				bit  uint8
			}) bool {
				return x.name == ns
			})
			if i < 0 {
				return fail("type", "a type name (string, number, integer, boolean, object, array, null) or an array of them")
			}
			sch.types |= typeNames[i].bit
		}
	}
	if e, ok := kw("enum"); ok {
		arr, isArr := e.([]any)
		if !isArr || len(arr) == 0 {
			return fail("enum", "a non-empty array")
		}
		for _, x := range arr {
			sch.enum = append(sch.enum, canonical(x))
		}
	}
	num := func(name string) (*float64, error) {
		x, ok := kw(name)
		if !ok {
			return nil, nil
		}
		n, isNum := x.(json.Number)
		if !isNum {
			return nil, fail(name, "a number")
		}
		f, err := n.Float64()
		if err != nil {
			return nil, fail(name, "a number")
		}
		return &f, nil
	}
	count := func(name string, dst *int) error {
		f, err := num(name)
		if err != nil {
			return err
		}
		if f != nil {
			if *f < 0 || *f != math.Trunc(*f) {
				return fail(name, "a non-negative integer")
			}
			*dst = int(min(*f, math.MaxInt32))
		}
		return nil
	}
	flag := func(name string, dst *bool) error {
		if x, ok := kw(name); ok {
			b, isBool := x.(bool)
			if !isBool {
				return fail(name, "true or false")
			}
			*dst = b
		}
		return nil
	}
	if sch.minimum, err = num("minimum"); err != nil {
		return err
	}
	if sch.maximum, err = num("maximum"); err != nil {
		return err
	}
	if err := flag("exclusiveMinimum", &sch.exclusiveMin); err != nil {
		return err
	}
	if err := flag("exclusiveMaximum", &sch.exclMax); err != nil {
		return err
	}
	if m, err := num("multipleOf"); err != nil {
		return err
	} else if m != nil {
		if *m <= 0 {
			return fail("multipleOf", "greater than 0")
		}
		sch.multipleOf = *m
	}
	for _, x := range []struct {
		name string
		dst  *int
	}{{"minLength", &sch.minLength}, {"maxLength", &sch.maxLength}, {"minItems", &sch.minItems}, {"maxItems", &sch.maxItems}, {"minProperties", &sch.minProps}, {"maxProperties", &sch.maxProps}} {
		if err := count(x.name, x.dst); err != nil {
			return err
		}
	}
	if err := flag("uniqueItems", &sch.uniqueItems); err != nil {
		return err
	}
	if p, ok := kw("pattern"); ok {
		ps, isStr := p.(string)
		if !isStr {
			return fail("pattern", "a string")
		}
		if sch.pattern, err = regexp.Compile(ps); err != nil {
			return fmt.Errorf("at #%s/pattern: %v (cfnrun uses Go's RE2 syntax)", at, err)
		}
	}
	if it, ok := kw("items"); ok {
		if arr, isArr := it.([]any); isArr {
			for i, x := range arr {
				s, err := c.sub(x, at+"/items/"+strconv.Itoa(i))
				if err != nil {
					return err
				}
				sch.tupleItems = append(sch.tupleItems, s)
			}
		} else if sch.items, err = c.sub(it, at+"/items"); err != nil {
			return err
		}
	}
	if ai, ok := kw("additionalItems"); ok {
		if b, isBool := ai.(bool); isBool {
			sch.noAdditionalItems = !b
		} else if sch.additionalItems, err = c.sub(ai, at+"/additionalItems"); err != nil {
			return err
		}
	}
	if r, ok := kw("required"); ok {
		arr, isArr := r.([]any)
		if !isArr {
			return fail("required", "an array of property names")
		}
		for _, x := range arr {
			s, isStr := x.(string)
			if !isStr {
				return fail("required", "an array of property names")
			}
			sch.required = append(sch.required, s)
		}
	}
	if p, ok := kw("properties"); ok {
		m, isObj := p.(map[string]any)
		if !isObj {
			return fail("properties", "an object")
		}
		sch.properties = map[string]*Schema{}
		for _, k := range sortedKeys(m) {
			if sch.properties[k], err = c.sub(m[k], at+"/properties/"+k); err != nil {
				return err
			}
		}
	}
	if p, ok := kw("patternProperties"); ok {
		m, isObj := p.(map[string]any)
		if !isObj {
			return fail("patternProperties", "an object")
		}
		for _, k := range sortedKeys(m) {
			re, err := regexp.Compile(k)
			if err != nil {
				return fmt.Errorf("at #%s/patternProperties: %v", at, err)
			}
			s, err := c.sub(m[k], at+"/patternProperties/"+k)
			if err != nil {
				return err
			}
			sch.patternProps = append(sch.patternProps, patternProp{re, s})
		}
	}
	if ap, ok := kw("additionalProperties"); ok {
		if b, isBool := ap.(bool); isBool {
			sch.noAdditionalProps = !b
		} else if sch.additionalProps, err = c.sub(ap, at+"/additionalProperties"); err != nil {
			return err
		}
	}
	if d, ok := kw("dependencies"); ok {
		m, isObj := d.(map[string]any)
		if !isObj {
			return fail("dependencies", "an object")
		}
		for _, k := range sortedKeys(m) {
			if arr, isArr := m[k].([]any); isArr {
				if sch.depProps == nil {
					sch.depProps = map[string][]string{}
				}
				for _, x := range arr {
					s, _ := x.(string)
					sch.depProps[k] = append(sch.depProps[k], s)
				}
				continue
			}
			s, err := c.sub(m[k], at+"/dependencies/"+k)
			if err != nil {
				return err
			}
			if sch.depSchemas == nil {
				sch.depSchemas = map[string]*Schema{}
			}
			sch.depSchemas[k] = s
		}
	}
	for _, x := range []struct {
		name string
		dst  *[]*Schema
	}{{"allOf", &sch.allOf}, {"anyOf", &sch.anyOf}, {"oneOf", &sch.oneOf}} {
		v, ok := kw(x.name)
		if !ok {
			continue
		}
		arr, isArr := v.([]any)
		if !isArr || len(arr) == 0 {
			return fail(x.name, "a non-empty array of schemas")
		}
		for i, e := range arr {
			s, err := c.sub(e, at+"/"+x.name+"/"+strconv.Itoa(i))
			if err != nil {
				return err
			}
			*x.dst = append(*x.dst, s)
		}
	}
	if n, ok := kw("not"); ok {
		if sch.not, err = c.sub(n, at+"/not"); err != nil {
			return err
		}
	}
	// definitions are compiled when a $ref reaches them; check their shape.
	if d, ok := kw("definitions"); ok {
		if _, isObj := d.(map[string]any); !isObj {
			return fail("definitions", "an object")
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// canonical renders a decoded JSON value with sorted keys, for enum and
// uniqueItems comparisons.
func canonical(v any) string {
	b, _ := json.Marshal(normalize(v))
	return string(b)
}

// normalize makes numbers that are equal compare equal (1 and 1.0).
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}
