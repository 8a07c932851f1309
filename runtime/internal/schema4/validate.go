package schema4

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is one validation failure.
type Error struct {
	// Path is the JSON pointer of the failing value ("" for the root).
	Path string
	// Message says what is wrong, in API Gateway's validator's words.
	Message string
}

// maxRefHops bounds $ref chains that consume no data (a schema whose
// definitions refer to each other in a loop).
const maxRefHops = 64

// Validate checks v (decoded with UseNumber) and returns at most max
// failures; nil means v is valid. With max 1 it stops at the first
// failure.
func (s *Schema) Validate(v any, limit int) []Error {
	vd := validator{max: max(limit, 1)}
	vd.check(s, v, 0)
	return vd.errs
}

type pathTok struct {
	key string
	idx int // -1 for a key
}

type validator struct {
	max  int
	errs []Error
	path []pathTok
	// quiet > 0 inside anyOf/oneOf/not branches: only validity matters.
	quiet int
}

func (vd *validator) pointer() string {
	var b strings.Builder
	for _, t := range vd.path {
		b.WriteByte('/')
		if t.idx >= 0 {
			b.WriteString(strconv.Itoa(t.idx))
		} else {
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t.key, "~", "~0"), "/", "~1"))
		}
	}
	return b.String()
}

// fail records a failure; it reports whether validation should stop.
func (vd *validator) fail(msg func() string) {
	if vd.quiet > 0 {
		vd.errs = append(vd.errs, Error{})
		return
	}
	vd.errs = append(vd.errs, Error{Path: vd.pointer(), Message: msg()})
}

func (vd *validator) done() bool { return len(vd.errs) >= vd.max }

// valid runs s on v quietly and reports whether it passes.
func (vd *validator) valid(s *Schema, v any) bool {
	sub := validator{max: 1, quiet: 1, path: vd.path}
	sub.check(s, v, 0)
	return len(sub.errs) == 0
}

func typeOf(v any) uint8 {
	switch x := v.(type) {
	case nil:
		return tNull
	case bool:
		return tBool
	case map[string]any:
		return tObject
	case []any:
		return tArray
	case string:
		return tString
	case json.Number:
		if isInteger(x) {
			return tInteger
		}
		return tNumber
	case float64:
		if x == math.Trunc(x) {
			return tInteger
		}
		return tNumber
	}
	return 0
}

func isInteger(n json.Number) bool {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		return true
	}
	f, err := n.Float64()
	return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func typeName(t uint8) string {
	for _, n := range typeNames {
		if n.bit == t {
			return n.name
		}
	}
	return "unknown"
}

func allowed(types uint8) string {
	var names []string
	for _, n := range typeNames {
		if types&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return quoted(names)
}

func quoted(ss []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(s))
	}
	b.WriteByte(']')
	return b.String()
}

func numText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (vd *validator) check(s *Schema, v any, hops int) {
	if vd.done() {
		return
	}
	if s.target != nil || s.ref != "" {
		if s.target == nil || hops > maxRefHops {
			vd.fail(func() string { return "reference loop or unresolved $ref " + strconv.Quote(s.ref) })
			return
		}
		vd.check(s.target, v, hops+1)
		return
	}
	if s.alwaysFalse {
		vd.fail(func() string { return "no value is allowed here" })
		return
	}
	t := typeOf(v)
	if s.types != 0 {
		ok := s.types&t != 0 || t == tInteger && s.types&tNumber != 0
		if !ok {
			vd.fail(func() string {
				return "instance type (" + typeName(t) + ") does not match any allowed primitive type (allowed: " + allowed(s.types) + ")"
			})
			return
		}
	}
	if s.enum != nil {
		c := canonical(v)
		found := false
		for _, e := range s.enum {
			if e == c {
				found = true
				break
			}
		}
		if !found {
			vd.fail(func() string {
				return "instance value (" + c + ") not found in enum (possible values: [" + strings.Join(s.enum, ",") + "])"
			})
			if vd.done() {
				return
			}
		}
	}
	switch x := v.(type) {
	case json.Number:
		vd.number(s, x)
	case float64:
		vd.number(s, json.Number(numText(x)))
	case string:
		vd.str(s, x)
	case []any:
		vd.array(s, x)
	case map[string]any:
		vd.object(s, x)
	}
	if vd.done() {
		return
	}
	for _, sub := range s.allOf {
		vd.check(sub, v, 0)
		if vd.done() {
			return
		}
	}
	if len(s.anyOf) > 0 {
		ok := false
		for _, sub := range s.anyOf {
			if vd.valid(sub, v) {
				ok = true
				break
			}
		}
		if !ok {
			vd.fail(func() string {
				return "instance failed to match at least one required schema among " + strconv.Itoa(len(s.anyOf))
			})
		}
	}
	if len(s.oneOf) > 0 {
		n := 0
		for _, sub := range s.oneOf {
			if vd.valid(sub, v) {
				n++
			}
		}
		if n != 1 {
			vd.fail(func() string {
				return "instance failed to match exactly one schema (matched " + strconv.Itoa(n) + " out of " + strconv.Itoa(len(s.oneOf)) + ")"
			})
		}
	}
	if s.not != nil && vd.valid(s.not, v) {
		vd.fail(func() string { return "instance matched a schema which it should not have" })
	}
}

func (vd *validator) number(s *Schema, n json.Number) {
	if s.minimum == nil && s.maximum == nil && s.multipleOf == 0 {
		return
	}
	f, err := n.Float64()
	if err != nil {
		return
	}
	if m := s.minimum; m != nil {
		if s.exclusiveMin && f <= *m {
			vd.fail(func() string {
				return "numeric instance is not strictly greater than the required minimum " + numText(*m)
			})
		} else if f < *m {
			vd.fail(func() string {
				return "numeric instance is lower than the required minimum (minimum: " + numText(*m) + ", found: " + string(n) + ")"
			})
		}
	}
	if m := s.maximum; m != nil {
		if s.exclMax && f >= *m {
			vd.fail(func() string {
				return "numeric instance is not strictly lower than the required maximum " + numText(*m)
			})
		} else if f > *m {
			vd.fail(func() string {
				return "numeric instance is greater than the required maximum (maximum: " + numText(*m) + ", found: " + string(n) + ")"
			})
		}
	}
	if m := s.multipleOf; m > 0 {
		q := f / m
		if math.IsInf(q, 0) || math.Abs(q-math.Round(q)) > 1e-9*math.Max(1, math.Abs(q)) {
			vd.fail(func() string { return "remainder of division is not zero (" + string(n) + " / " + numText(m) + ")" })
		}
	}
}

func (vd *validator) str(s *Schema, x string) {
	if s.minLength >= 0 || s.maxLength >= 0 {
		n := utf8.RuneCountInString(x)
		if s.minLength >= 0 && n < s.minLength {
			vd.fail(func() string {
				return "string " + strconv.Quote(x) + " is too short (length: " + strconv.Itoa(n) + ", required minimum: " + strconv.Itoa(s.minLength) + ")"
			})
		}
		if s.maxLength >= 0 && n > s.maxLength {
			vd.fail(func() string {
				return "string " + strconv.Quote(x) + " is too long (length: " + strconv.Itoa(n) + ", maximum allowed: " + strconv.Itoa(s.maxLength) + ")"
			})
		}
	}
	if s.pattern != nil && !s.pattern.MatchString(x) {
		vd.fail(func() string {
			return "ECMA 262 regex " + strconv.Quote(s.pattern.String()) + " does not match input string " + strconv.Quote(x)
		})
	}
}

func (vd *validator) array(s *Schema, a []any) {
	if s.minItems >= 0 && len(a) < s.minItems {
		vd.fail(func() string {
			return "array is too short: must have at least " + strconv.Itoa(s.minItems) + " elements but instance has " + strconv.Itoa(len(a)) + " elements"
		})
	}
	if s.maxItems >= 0 && len(a) > s.maxItems {
		vd.fail(func() string {
			return "array is too long: must have at most " + strconv.Itoa(s.maxItems) + " elements but instance has " + strconv.Itoa(len(a)) + " elements"
		})
	}
	if vd.done() {
		return
	}
	if s.uniqueItems && len(a) > 1 {
		seen := make(map[string]struct{}, len(a))
		for _, e := range a {
			c := canonical(e)
			if _, dup := seen[c]; dup {
				vd.fail(func() string { return "array must not contain duplicate elements" })
				break
			}
			seen[c] = struct{}{}
		}
	}
	for i, e := range a {
		var sub *Schema
		switch {
		case s.items != nil:
			sub = s.items
		case i < len(s.tupleItems):
			sub = s.tupleItems[i]
		case s.tupleItems != nil && s.noAdditionalItems:
			vd.fail(func() string {
				return "array index " + strconv.Itoa(i) + " is beyond the " + strconv.Itoa(len(s.tupleItems)) + " items the schema allows"
			})
			return
		case s.tupleItems != nil:
			sub = s.additionalItems
		}
		if sub == nil {
			if s.items == nil && s.tupleItems == nil {
				return
			}
			continue
		}
		vd.path = append(vd.path, pathTok{idx: i})
		vd.check(sub, e, 0)
		vd.path = vd.path[:len(vd.path)-1]
		if vd.done() {
			return
		}
	}
}

func (vd *validator) object(s *Schema, o map[string]any) {
	if s.minProps >= 0 && len(o) < s.minProps {
		vd.fail(func() string {
			return "object has too few properties (found " + strconv.Itoa(len(o)) + " but schema requires at least " + strconv.Itoa(s.minProps) + ")"
		})
	}
	if s.maxProps >= 0 && len(o) > s.maxProps {
		vd.fail(func() string {
			return "object has too many properties (found " + strconv.Itoa(len(o)) + " but schema requires at most " + strconv.Itoa(s.maxProps) + ")"
		})
	}
	if len(s.required) > 0 {
		var missing []string
		for _, r := range s.required {
			if _, ok := o[r]; !ok {
				missing = append(missing, r)
			}
		}
		if missing != nil {
			vd.fail(func() string { return "object has missing required properties (" + quoted(missing) + ")" })
		}
	}
	if vd.done() {
		return
	}
	for _, k := range sortedKeys(o) {
		if deps, ok := s.depProps[k]; ok {
			var missing []string
			for _, d := range deps {
				if _, ok := o[d]; !ok {
					missing = append(missing, d)
				}
			}
			if missing != nil {
				vd.fail(func() string {
					return "property " + strconv.Quote(k) + " of object has missing property dependencies (schema requires " + quoted(deps) + "; missing: " + quoted(missing) + ")"
				})
			}
		}
		if ds, ok := s.depSchemas[k]; ok {
			vd.check(ds, o, 0)
		}
	}
	var extra []string
	for _, k := range sortedKeys(o) {
		if vd.done() {
			return
		}
		matched := false
		vd.path = append(vd.path, pathTok{key: k, idx: -1})
		if p, ok := s.properties[k]; ok {
			matched = true
			vd.check(p, o[k], 0)
		}
		for _, pp := range s.patternProps {
			if pp.re.MatchString(k) {
				matched = true
				vd.check(pp.s, o[k], 0)
			}
		}
		if !matched {
			if s.noAdditionalProps {
				extra = append(extra, k)
			} else if s.additionalProps != nil {
				vd.check(s.additionalProps, o[k], 0)
			}
		}
		vd.path = vd.path[:len(vd.path)-1]
	}
	if extra != nil && !vd.done() {
		vd.fail(func() string {
			return "object instance has properties which are not allowed by the schema: " + quoted(extra)
		})
	}
}
