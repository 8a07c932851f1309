// Package cfnspec holds the CloudFormation property schema of every
// resource type, generated from the AWS CDK team's service spec database
// (the npm package named by Package, at Version), which is built from the
// CloudFormation registry schemas and the SAM specification.
//
// The data is a sorted table of type names and one compact text record per
// type (spec_gen.go, written by gen/gen.mjs; see go:generate below). Nothing
// is decoded at start-up: Lookup decodes one type when asked, and the caller
// keeps what it decoded. The package has no mutable state.
//
// Record grammar. A record is lines separated by "\n". The first lines are
// the resource's own properties; a line ".Name" starts the properties of
// property type Name (CloudFormation's AWS::Service::Resource.Name). A
// property line is three tab-separated fields: the name, the flags ("-"
// for none; r required, c create-only: changing it replaces the resource,
// m the change may replace it, x deprecated), and the type:
//
//	s string   i integer   n number   b boolean   d date-time
//	j JSON: any value      t tag: {Key, Value}
//	[T list of T   {T map of T   @Name property type Name
//	(T|T|...) any of the alternatives (also every type a property has had)
//	s<A|B|C> a scalar with its allowed values ("" may be one of them)
package cfnspec

//go:generate node gen/gen.mjs

import (
	"fmt"
	"slices"
	"strings"
)

// NumTypes is the number of resource types in the table.
func NumTypes() int { return len(specTypes) }

// TypeName returns the i-th resource type name in sorted order.
func TypeName(i int) string { return specTypes[i] }

// Names returns every resource type name, sorted, in a new slice.
func Names() []string { return slices.Clone(specTypes[:]) }

// index returns the position of typ in specTypes, or -1.
func index(typ string) int {
	i, ok := slices.BinarySearch(specTypes[:], typ)
	if !ok {
		return -1
	}
	return i
}

// Has reports whether typ is in the table.
func Has(typ string) bool { return index(typ) >= 0 }

// Kind is the kind of a value type.
type Kind uint8

// The kinds of value, one per letter of the record grammar.
const (
	JSON Kind = iota
	String
	Integer
	Number
	Boolean
	DateTime
	Tag
	List
	Map
	Ref
	Union
)

// Type is the type of a value.
type Type struct {
	Kind Kind
	// Elem is the element type of a List or Map.
	Elem *Type
	// Ref is the property type a Ref names (its short name: "Integration").
	Ref string
	// Alts are the alternatives of a Union, in the order of the record
	// (the current type first, then the types the property used to have).
	Alts []*Type
	// Allowed are the allowed values of a scalar; nil when any is.
	Allowed []string
}

// Property is one property of a resource or property type.
type Property struct {
	Name string
	Type *Type
	// Required: CloudFormation rejects the resource without it.
	Required bool
	// CreateOnly: changing it replaces the resource.
	CreateOnly bool
	// MayReplace: some changes to it replace the resource.
	MayReplace bool
	// Deprecated in the spec.
	Deprecated bool
}

// Object is a resource's own properties or one of its property types.
type Object struct {
	// Name is "" for the resource itself, else the property type's short
	// name.
	Name string
	// Props are sorted by name.
	Props []Property
}

// Prop returns the property called name, or nil.
func (o *Object) Prop(name string) *Property {
	i, ok := slices.BinarySearchFunc(o.Props, name, func(p Property, n string) int { return strings.Compare(p.Name, n) })
	if !ok {
		return nil
	}
	return &o.Props[i]
}

// Resource is the decoded schema of one resource type.
type Resource struct {
	// Name is the resource type: "AWS::ApiGateway::Stage".
	Name string
	// Objects[0] is the resource; the rest are its property types in the
	// order the record lists them.
	Objects []Object
}

// Object returns the property type called name ("" for the resource), or
// nil.
func (r *Resource) Object(name string) *Object {
	for i := range r.Objects {
		if r.Objects[i].Name == name {
			return &r.Objects[i]
		}
	}
	return nil
}

// Lookup decodes the schema of resource type typ. ok is false when the
// table does not have typ. The result is the caller's: Lookup decodes anew
// on every call, so keep it. An error means the table is damaged (the
// package's tests decode every record).
func Lookup(typ string) (r *Resource, ok bool, err error) {
	i := index(typ)
	if i < 0 {
		return nil, false, nil
	}
	r, err = decode(typ, specData[i])
	return r, true, err
}

// CreateOnly returns the resource's own properties whose change replaces
// it (sorted), and whether the table has typ. It does not decode types.
func CreateOnly(typ string) ([]string, bool) {
	i := index(typ)
	if i < 0 {
		return nil, false
	}
	var out []string
	for line := range strings.SplitSeq(specData[i], "\n") {
		if strings.HasPrefix(line, ".") {
			break // the resource's own properties come first
		}
		name, rest, _ := strings.Cut(line, "\t")
		flags, _, _ := strings.Cut(rest, "\t")
		if strings.Contains(flags, "c") {
			out = append(out, name)
		}
	}
	return out, true
}

func decode(typ, data string) (*Resource, error) {
	r := &Resource{Name: typ, Objects: []Object{{}}}
	cur := &r.Objects[0]
	if data == "" {
		return r, nil
	}
	for n, line := range strings.Split(data, "\n") {
		if name, ok := strings.CutPrefix(line, "."); ok {
			r.Objects = append(r.Objects, Object{Name: name})
			cur = &r.Objects[len(r.Objects)-1]
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[0] == "" {
			return nil, fmt.Errorf("cfnspec: %s record line %d: want name, flags and type separated by tabs: %q", typ, n+1, line)
		}
		p := Property{Name: f[0]}
		for _, c := range f[1] {
			switch c {
			case 'r':
				p.Required = true
			case 'c':
				p.CreateOnly = true
			case 'm':
				p.MayReplace = true
			case 'x':
				p.Deprecated = true
			case '-':
			default:
				return nil, fmt.Errorf("cfnspec: %s.%s: unknown flag %q", typ, f[0], c)
			}
		}
		t, rest, err := parseType(f[2])
		if err != nil || rest != "" {
			if err == nil {
				err = fmt.Errorf("trailing %q", rest)
			}
			return nil, fmt.Errorf("cfnspec: %s.%s: type %q: %v", typ, f[0], f[2], err)
		}
		p.Type = t
		cur.Props = append(cur.Props, p)
	}
	for i := range r.Objects {
		o := &r.Objects[i]
		if !slices.IsSortedFunc(o.Props, func(a, b Property) int { return strings.Compare(a.Name, b.Name) }) {
			return nil, fmt.Errorf("cfnspec: %s: properties of %q are not sorted", typ, o.Name)
		}
	}
	return r, nil
}

// scalar returns the kind of a scalar type letter.
func scalar(c byte) (Kind, bool) {
	switch c {
	case 's':
		return String, true
	case 'i':
		return Integer, true
	case 'n':
		return Number, true
	case 'b':
		return Boolean, true
	case 'd':
		return DateTime, true
	case 'j':
		return JSON, true
	case 't':
		return Tag, true
	}
	return 0, false
}

// parseType parses one type from the front of s and returns the rest.
func parseType(s string) (*Type, string, error) {
	if s == "" {
		return nil, "", fmt.Errorf("missing type")
	}
	switch c := s[0]; c {
	case '[', '{':
		e, rest, err := parseType(s[1:])
		if err != nil {
			return nil, "", err
		}
		k := List
		if c == '{' {
			k = Map
		}
		return &Type{Kind: k, Elem: e}, rest, nil
	case '@':
		end := strings.IndexAny(s, "|)")
		if end < 0 {
			end = len(s)
		}
		if end == 1 {
			return nil, "", fmt.Errorf("@ without a name")
		}
		return &Type{Kind: Ref, Ref: s[1:end]}, s[end:], nil
	case '(':
		u := &Type{Kind: Union}
		rest := s[1:]
		for {
			a, r, err := parseType(rest)
			if err != nil {
				return nil, "", err
			}
			u.Alts = append(u.Alts, a)
			switch {
			case strings.HasPrefix(r, "|"):
				rest = r[1:]
			case strings.HasPrefix(r, ")"):
				return u, r[1:], nil
			default:
				return nil, "", fmt.Errorf("unterminated union")
			}
		}
	default:
		k, ok := scalar(c)
		if !ok {
			return nil, "", fmt.Errorf("unknown type letter %q", c)
		}
		t := &Type{Kind: k}
		rest := s[1:]
		if strings.HasPrefix(rest, "<") {
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return nil, "", fmt.Errorf("unterminated allowed values")
			}
			t.Allowed = strings.Split(rest[1:end], "|")
			rest = rest[end+1:]
		}
		return t, rest, nil
	}
}
