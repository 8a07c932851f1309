package model

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Kind is the kind of a Value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	List
	Map
	// Intrinsic is a function call kept unevaluated: CloudFormation's
	// Ref/Fn::* in long form, or a Terraform reference ("Ref" with the
	// address as its argument).
	Intrinsic
)

// Value is a positioned, format-neutral tree of template data, used for
// resource properties that diff compares. Scalars keep their text as
// written ("200", "true").
type Value struct {
	Kind Kind
	// Str is the scalar text, or the intrinsic's name ("Ref", "Fn::Sub").
	Str string
	// Items are list elements.
	Items []*Value
	// Fields are map entries in source order.
	Fields []Field
	// Arg is an intrinsic's argument.
	Arg   *Value
	Range diag.Range
}

// Field is one map entry.
type Field struct {
	Key      string
	KeyRange diag.Range
	Value    *Value
}

// Get returns the value of field key, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Map {
		return nil
	}
	for _, f := range v.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return nil
}

// Equal reports whether a and b mean the same to CloudFormation: ranges and
// map key order are ignored; scalars compare by canonical text, so 200 and
// "200", 1 and 1.0, true and "True" are equal.
func Equal(a, b *Value) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || isScalar(a.Kind) {
		return EqualScalars(a.Kind, a.Str, b.Kind, b.Str)
	}
	switch a.Kind {
	case Null:
		return true
	case List:
		return slices.EqualFunc(a.Items, b.Items, Equal)
	case Map:
		if len(a.Fields) != len(b.Fields) {
			return false
		}
		for _, f := range a.Fields {
			if !Equal(f.Value, b.Get(f.Key)) {
				return false
			}
		}
		return true
	case Intrinsic:
		return a.Str == b.Str && Equal(a.Arg, b.Arg)
	}
	return false
}

// EqualScalars is Equal for two values without elements, given by kind
// and text: of different kinds they are equal only when both are scalars
// of the same canonical text (a scalar written as a number in one file
// and a string in the other, "200" vs 200, is the same CloudFormation
// value); two nulls are equal. A PropsSource that compares its own trees
// calls it so that it agrees with Equal.
func EqualScalars(ak Kind, as string, bk Kind, bs string) bool {
	if ak != bk {
		return isScalar(ak) && isScalar(bk) && canon(ak, as) == canon(bk, bs)
	}
	switch ak {
	case Null:
		return true
	case Bool, Number, String:
		// canon depends on the kind and text only: the same text is equal
		// without building either canonical form.
		return as == bs || canon(ak, as) == canon(bk, bs)
	}
	return false
}

func isScalar(k Kind) bool { return k == Bool || k == Number || k == String }

func canon(k Kind, s string) string {
	switch k {
	case Bool:
		return strings.ToLower(s)
	case Number:
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	case String:
		if looksNumeric(s) {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
		// strings.ToLower(s) is "true" or "false" only for those words
		// in any ASCII case (a non-ASCII letter takes two or more bytes).
		switch {
		case len(s) == 4 && strings.EqualFold(s, "true"):
			return "true"
		case len(s) == 5 && strings.EqualFold(s, "false"):
			return "false"
		}
	}
	return s
}

// String renders v compactly and deterministically (map keys sorted), in a
// flow syntax close to YAML: {A: 1, B: [x, y]}, !Ref Name.
func (v *Value) String() string {
	var b strings.Builder
	v.write(&b)
	return b.String()
}

func (v *Value) write(b *strings.Builder) {
	if v == nil {
		b.WriteString("null")
		return
	}
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool, Number:
		b.WriteString(v.Str)
	case String:
		if v.Str == "" || strings.ContainsAny(v.Str, ",:{}[]#&*!|>'\"%@`\n") || strings.TrimSpace(v.Str) != v.Str {
			b.WriteString(strconv.Quote(v.Str))
		} else {
			b.WriteString(v.Str)
		}
	case List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			it.write(b)
		}
		b.WriteByte(']')
	case Map:
		fs := slices.Clone(v.Fields)
		slices.SortFunc(fs, func(x, y Field) int { return strings.Compare(x.Key, y.Key) })
		b.WriteByte('{')
		for i, f := range fs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Key)
			b.WriteString(": ")
			f.Value.write(b)
		}
		b.WriteByte('}')
	case Intrinsic:
		name := strings.TrimPrefix(v.Str, "Fn::")
		b.WriteString("!" + name + " ")
		v.Arg.write(b)
	}
}

// looksNumeric is a cheap filter before strconv.ParseFloat, which
// allocates an error for every string that is not a number.
func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.'
}
