package schema

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/cfnspec"
)

// kind is the shape a property value must have.
type kind uint8

const (
	kAny    kind = iota // CloudFormation "Json": anything goes
	kString             // string (and date-time)
	kNumber             // integer or number
	kBool               // boolean
	kList               // list of T
	kMap                // map of string to T
	kObject             // a property type: named properties
	kUnion              // one of several shapes (also every shape a property has had)
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
	enum *enum    // kString or kNumber (or a kList of them, via elem)
	// lax accepts any scalar for kNumber and kBool, and a scalar for a
	// list of scalars (SAM: its specification is hand-written and
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
	// strict objects (cfnrun's own, from what the SAM transform checks)
	// enforce their required properties and refuse unknown ones even
	// where sam would let them pass.
	strict bool
	// slots find props by name (prop) for the check, which asks once
	// for every key of every resource and nested object: open addressing
	// on a hash of the name's length and three of its bytes, at most half
	// full. Built by index once props is complete.
	slots []propSlot
}

type propSlot struct {
	name string
	p    *prop // nil: a free slot
}

// propHash mixes a name's length and its first, middle and last bytes:
// enough to tell a type's property names apart in most cases, without
// reading the whole name as the map's hash does. A collision only costs a
// probe.
func propHash(name string) uint {
	h := uint(len(name))
	if len(name) > 0 {
		h = h*131 + uint(name[0])
		h = h*131 + uint(name[len(name)/2])
		h = h*131 + uint(name[len(name)-1])
	}
	return h ^ h>>9
}

// index builds o.slots from o.props.
func (o *object) index() {
	size := 4
	for size < 2*len(o.props) {
		size *= 2
	}
	o.slots = make([]propSlot, size)
	mask := uint(size - 1)
	for name, p := range o.props {
		i := propHash(name) & mask
		for o.slots[i].p != nil {
			i = (i + 1) & mask
		}
		o.slots[i] = propSlot{name, p}
	}
}

// prop returns the property named name, or nil: o.props[name].
func (o *object) prop(name string) *prop {
	mask := uint(len(o.slots) - 1)
	for i := propHash(name) & mask; ; i = (i + 1) & mask {
		sl := &o.slots[i]
		if sl.p == nil || sl.name == name {
			return sl.p
		}
	}
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
	// generated: the values come from the generated tables alone, with
	// no hand-checked list behind them.
	generated bool
}

// allowsNumber compares numerically: 1, "1" and 1.0 are one value.
func (e *enum) allowsNumber(v string) bool {
	if e.allows(v) {
		return true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return false
	}
	for _, a := range e.values {
		if g, err := strconv.ParseFloat(a, 64); err == nil && g == f {
			return true
		}
	}
	return false
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

// builder turns the generated tables (internal/cfnspec) into shapes, one
// resource type at a time, on first use. It belongs to one Checker and is
// not safe for concurrent use.
type builder struct {
	// resources holds every resource type decoded so far; a nil entry
	// records a type the tables do not have (or cannot decode).
	resources map[string]*object
	tag       *object // the shared Key/Value tag object
}

func newBuilder() builder { return builder{resources: map[string]*object{}} }

// resource returns the schema of resource type typ, decoding it on first
// use, or nil when the tables do not have it. Recursive property types
// (WAFv2 statements, …) are fine: every object of a type exists before
// any property is converted.
func (b *builder) resource(typ string) *object {
	if o, ok := b.resources[typ]; ok {
		return o
	}
	r, ok, err := cfnspec.Lookup(typ)
	if !ok || err != nil {
		// err is a damaged table, which the cfnspec tests rule out; the
		// type is then left unchecked rather than reported wrongly.
		b.resources[typ] = nil
		return nil
	}
	sam := strings.HasPrefix(typ, "AWS::Serverless::")
	objs := make(map[string]*object, len(r.Objects))
	for i := range r.Objects {
		name := typ
		if r.Objects[i].Name != "" {
			name += "." + r.Objects[i].Name
		}
		objs[r.Objects[i].Name] = &object{name: name, sam: sam, props: make(map[string]*prop, len(r.Objects[i].Props))}
	}
	for i := range r.Objects {
		so := &r.Objects[i]
		o := objs[so.Name]
		for _, sp := range so.Props {
			s := overrideShape(o.name, sp.Name)
			if s == nil {
				s = b.shapeOf(sp.Type, objs, sam)
			}
			if e := mergeEnum(enumFor(o.name, sp.Name), allowedOf(sp.Type)); e != nil {
				withEnum(s, e)
			}
			o.props[sp.Name] = &prop{shape: s, required: sp.Required}
			o.names = append(o.names, sp.Name)
		}
		b.addProps(o)
	}
	o := objs[""]
	b.resources[typ] = o
	return o
}

// addProps adds the properties AWS documents that the tables lack
// (addedProps) and finishes o: sorted names and the required list.
func (b *builder) addProps(o *object) {
	for _, a := range addedProps(o.name) {
		if _, ok := o.props[a.name]; ok {
			continue
		}
		s := &shape{kind: a.kind, lax: o.sam}
		if a.kind == kObject {
			s = &shape{kind: kObject, obj: addedObject(o.name, a.name)}
		}
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
	for _, name := range removedProps(o.name) {
		delete(o.props, name)
		o.names = slices.DeleteFunc(o.names, func(n string) bool { return n == name })
	}
	slices.Sort(o.names)
	for _, n := range o.names {
		if o.props[n].required {
			o.required = append(o.required, n)
		}
	}
	o.index()
}

// tagObject is CloudFormation's tag: Key is required; an empty or missing
// Value is accepted by most services.
func (b *builder) tagObject() *object {
	if b.tag == nil {
		b.tag = &object{name: "Tag", names: []string{"Key", "Value"}, required: []string{"Key"},
			props: map[string]*prop{"Key": {shape: &shape{kind: kString}, required: true}, "Value": {shape: &shape{kind: kString}}}}
		b.tag.index()
	}
	return b.tag
}

// allowedOf returns the allowed values the tables give t (or the scalar
// items of a list t), or nil.
func allowedOf(t *cfnspec.Type) []string {
	if t.Kind == cfnspec.List && t.Elem != nil {
		t = t.Elem
	}
	return t.Allowed
}

// mergeEnum combines cfnrun's hand-kept enum (its modifiers, and values
// from the service documentation) with the tables' allowed values: a value
// either lists is accepted, so neither source going stale makes a false
// error.
func mergeEnum(e *enum, allowed []string) *enum {
	if len(allowed) == 0 {
		return e
	}
	if e == nil {
		return &enum{values: allowed, generated: true}
	}
	m := *e
	m.values = slices.Clone(e.values)
	for _, v := range allowed {
		if !slices.Contains(m.values, v) {
			m.values = append(m.values, v)
		}
	}
	return &m
}

func (b *builder) shapeOf(t *cfnspec.Type, objs map[string]*object, sam bool) *shape {
	switch t.Kind {
	case cfnspec.String, cfnspec.DateTime:
		return &shape{kind: kString}
	case cfnspec.Integer, cfnspec.Number:
		return &shape{kind: kNumber, lax: sam}
	case cfnspec.Boolean:
		return &shape{kind: kBool, lax: sam}
	case cfnspec.Tag:
		return &shape{kind: kObject, obj: b.tagObject()}
	case cfnspec.List:
		return &shape{kind: kList, elem: b.shapeOf(t.Elem, objs, sam), lax: sam}
	case cfnspec.Map:
		return &shape{kind: kMap, elem: b.shapeOf(t.Elem, objs, sam)}
	case cfnspec.Ref:
		if o := objs[t.Ref]; o != nil {
			return &shape{kind: kObject, obj: o}
		}
	case cfnspec.Union:
		var alts []*shape
		for _, a := range t.Alts {
			alts = append(alts, b.shapeOf(a, objs, sam))
		}
		return unionOf(alts)
	}
	return &shape{kind: kAny}
}

// unionOf joins alternative shapes so that a value's kind picks at most one
// of them: anything among them makes anything go; scalars of one kind
// (integer and number) appear once; lists (or maps) of different elements
// become one list (map) of the union of the elements, so a map of
// booleans or strings is still checked entry by entry.
func unionOf(alts []*shape) *shape {
	var flat []*shape
	for _, s := range alts {
		if s.kind == kUnion {
			flat = append(flat, s.alts...)
		} else {
			flat = append(flat, s)
		}
	}
	var out []*shape
	for _, s := range flat {
		if s.kind == kUnion {
			s = unionOf(s.alts) // nested deeper still
		}
		if s.kind == kAny {
			return s
		}
		i := slices.IndexFunc(out, func(x *shape) bool { return x.kind == s.kind && x.kind != kObject })
		switch {
		case i < 0:
			out = append(out, s)
		case s.kind == kList || s.kind == kMap:
			m := *out[i]
			m.elem = unionOf([]*shape{out[i].elem, s.elem})
			out[i] = &m
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return &shape{kind: kUnion, alts: out}
}

// withEnum attaches e to a string or number shape, or to the items of a
// list of them.
func withEnum(s *shape, e *enum) {
	switch {
	case s.kind == kString || s.kind == kNumber:
		s.enum = e
	case s.kind == kList && s.elem != nil && (s.elem.kind == kString || s.elem.kind == kNumber):
		s.elem.enum = e
	}
}
