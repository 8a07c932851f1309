package schema

import (
	"reflect"
	"slices"
	"strings"
)

// kind is the shape a property value must have.
type kind uint8

const (
	kAny    kind = iota // interface{} in goformation (CloudFormation "Json"): anything goes
	kString             // string, *string
	kNumber             // int, float64 and pointers
	kBool               // bool, *bool
	kList               // []T
	kMap                // map[string]T
	kObject             // a generated struct: named properties
	kUnion              // a SAM helper struct that holds one of several shapes
)

func (k kind) String() string {
	return [...]string{"anything", "a string", "a number", "a boolean", "a list", "a map", "an object", "one of several shapes"}[k]
}

// shape is the expected shape of one value.
type shape struct {
	kind kind
	elem *shape   // kList, kMap
	obj  *object  // kObject
	alts []*shape // kUnion
	enum *enum    // kString (or kList of kString via elem)
	// lax accepts any scalar for kNumber and kBool, and a scalar for a
	// list of scalars (SAM: goformation's SAM data is hand-written and
	// sometimes wrong about scalars, and SAM turns "x" into ["x"] in
	// places such as Domain.BasePath).
	lax bool
}

// object is the schema of one resource type or property type.
type object struct {
	// name is the CloudFormation name: "AWS::ApiGateway::Stage" or
	// "AWS::ApiGateway::Method.Integration".
	name     string
	props    map[string]*prop
	names    []string // sorted property names, for did-you-mean
	required []string // required property names, in declaration order
	// sam is true for AWS::Serverless::* types: nested required
	// properties are not enforced and scalars are lax.
	sam bool
}

type prop struct {
	shape    *shape
	required bool
}

// enum is a closed set of documented values.
type enum struct {
	values []string
	// fold compares case-insensitively.
	fold bool
	// skip are values cfnrun reports elsewhere (its own extensions).
	skip []string
	// open lists the known values of a set that grows (SAM event
	// types): a value outside it is reported only when it is close to a
	// known one, so a type added after this list is not an error.
	open bool
}

func (e *enum) allows(v string) bool {
	if slices.Contains(e.skip, v) {
		return true
	}
	for _, a := range e.values {
		if a == v || (e.fold && strings.EqualFold(a, v)) {
			return true
		}
	}
	return false
}

// cfnTyper is implemented by every goformation resource and property
// struct (on the pointer receiver).
type cfnTyper interface{ AWSCloudFormationType() string }

// builder turns goformation's generated structs into shapes, once per Go
// type. It belongs to one Checker and is not safe for concurrent use.
type builder struct {
	objects map[reflect.Type]*object
}

// objectOf returns the schema of struct type t, building it on first use.
// Recursive property types (WAFv2 statements, …) terminate because the
// object is cached before its fields are read.
func (b *builder) objectOf(t reflect.Type) *object {
	if o, ok := b.objects[t]; ok {
		return o
	}
	o := &object{props: map[string]*prop{}}
	b.objects[t] = o
	if ct, ok := reflect.New(t).Interface().(cfnTyper); ok {
		o.name = ct.AWSCloudFormationType()
	} else {
		o.name = t.Name()
	}
	o.sam = strings.HasSuffix(t.PkgPath(), "/serverless")
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("json")
		if !ok || tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			continue
		}
		s := overrideShape(o.name, name)
		if s == nil {
			s = b.shapeOf(f.Type, o.sam)
		}
		if e := enumFor(o.name, name); e != nil {
			withEnum(s, e)
		}
		o.props[name] = &prop{shape: s, required: !strings.Contains(opts, "omitempty")}
		o.names = append(o.names, name)
	}
	for _, a := range addedProps(o.name) {
		if _, ok := o.props[a.name]; ok {
			continue
		}
		s := &shape{kind: a.kind, lax: o.sam}
		switch a.kind {
		case kList:
			s.elem = &shape{kind: kString, lax: o.sam} // the added lists are lists of names
		case kMap:
			s.elem = &shape{kind: kAny}
		}
		if e := enumFor(o.name, a.name); e != nil {
			withEnum(s, e)
		}
		o.props[a.name] = &prop{shape: s}
		o.names = append(o.names, a.name)
	}
	if o.name == "Tag" {
		// goformation's hand-written tags.Tag marks Key and Value
		// omitempty; CloudFormation requires Key (an empty Value is
		// accepted by most services).
		if p := o.props["Key"]; p != nil {
			p.required = true
		}
	}
	for _, n := range o.names {
		if o.props[n].required {
			o.required = append(o.required, n)
		}
	}
	slices.Sort(o.names)
	return o
}

// isUnion reports whether t is one of goformation's SAM helper structs
// ("can hold either a String or S3Location"): exported fields without
// json tags and a custom UnmarshalJSON.
func isUnion(t reflect.Type) bool {
	if _, ok := reflect.PointerTo(t).MethodByName("UnmarshalJSON"); !ok {
		return false
	}
	n := 0
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if _, ok := f.Tag.Lookup("json"); ok {
			return false
		}
		n++
	}
	return n > 0
}

func (b *builder) shapeOf(t reflect.Type, sam bool) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return &shape{kind: kString}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return &shape{kind: kNumber, lax: sam}
	case reflect.Bool:
		return &shape{kind: kBool, lax: sam}
	case reflect.Slice, reflect.Array:
		if sam && t.Elem().Kind() == reflect.Interface {
			// SAM's IAM policy documents type Statement as a list,
			// but IAM also accepts a single statement object.
			return &shape{kind: kAny}
		}
		return &shape{kind: kList, elem: b.shapeOf(t.Elem(), sam), lax: sam}
	case reflect.Map:
		return &shape{kind: kMap, elem: b.shapeOf(t.Elem(), sam)}
	case reflect.Struct:
		if isUnion(t) {
			s := &shape{kind: kUnion}
			for i := 0; i < t.NumField(); i++ {
				if f := t.Field(i); f.IsExported() {
					s.alts = append(s.alts, b.shapeOf(f.Type, sam))
				}
			}
			return s
		}
		return &shape{kind: kObject, obj: b.objectOf(t)}
	}
	return &shape{kind: kAny}
}

// withEnum attaches e to a string shape, or to the items of a list of
// strings.
func withEnum(s *shape, e *enum) {
	switch {
	case s.kind == kString:
		s.enum = e
	case s.kind == kList && s.elem != nil && s.elem.kind == kString:
		s.elem.enum = e
	}
}
