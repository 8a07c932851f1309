package tf

import (
	"encoding/binary"
	"maps"
	"reflect"
	"unsafe"

	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/lazy"
)

// Objects of one shape. Every instance of a resource exports an object
// with the same attributes, mostly of the same types, and cty.ObjectVal
// makes three maps for each (the values, their types, and the type's
// normalised copy of those): a fifth of the bytes of a 200-route
// configuration. objectBuilder keeps the last object type it made and
// gives the next object of the same attribute types that type, so such an
// object costs one map, its values. cty has no constructor taking a type
// and values, so the value is put together in cty.Value's layout, checked
// once against the cty linked in (ctyLayoutOK); if it ever differs, or a
// name is not ASCII (ObjectVal normalises names to NFC), cty.ObjectVal
// does the work as before.

// ctyValue has cty.Value's layout: its type and its internal value (for
// an object, a map of each attribute's internal value).
type ctyValue struct {
	ty cty.Type
	v  any
}

// ctyLayoutOK reports whether cty.Value is laid out as ctyValue.
var ctyLayoutOK = lazy.Value[bool]{New: func() bool {
	t := reflect.TypeFor[cty.Value]()
	if t.Size() != unsafe.Sizeof(ctyValue{}) || t.NumField() != 2 {
		return false
	}
	f0, f1 := t.Field(0), t.Field(1)
	return f0.Offset == 0 && f0.Type == reflect.TypeFor[cty.Type]() &&
		f1.Offset == unsafe.Offsetof(ctyValue{}.v) && f1.Type.Kind() == reflect.Interface && f1.Type.NumMethod() == 0
}}

// objectBuilder makes object values, reusing the last object type made
// when the next object's attributes have the same names and types.
type objectBuilder struct {
	ty    cty.Type
	attrs map[string]cty.Type // ty's attribute types (cty's own map: read only)
	exp   *exportLayout       // ty as exportVal fills it; nil until asked
}

// exportLayout is an object type as exportVal fills it, for one list of
// null names: tmpl has every attribute, null (an object is a clone of it:
// the runtime copies the map's groups at once, where 30 insertions hash
// and probe each), info each attribute's type and whether it must be set
// (it is not a null name of type DynamicPseudoType, which stays null when
// unset); must counts those. ok is false when a null name is not an
// attribute: no object of these names has this type.
type exportLayout struct {
	tmpl  map[string]any
	info  map[string]exportAttr
	must  int
	nulls [][]string
	ok    bool
}

type exportAttr struct {
	ty   cty.Type
	must bool
}

// layout returns b.exp for nulls, made when it is missing or was made for
// other null names.
func (b *objectBuilder) layout(nulls [][]string) *exportLayout {
	if e := b.exp; e != nil && len(e.nulls) == len(nulls) {
		same := true
		for i, n := range nulls {
			same = same && len(n) == len(e.nulls[i]) && unsafe.SliceData(n) == unsafe.SliceData(e.nulls[i])
		}
		if same {
			return e
		}
	}
	e := &exportLayout{tmpl: make(map[string]any, len(b.attrs)), info: make(map[string]exportAttr, len(b.attrs)), nulls: nulls, ok: true}
	nullable := map[string]bool{}
	for _, names := range nulls {
		for _, n := range names {
			t, ok := b.attrs[n]
			e.ok = e.ok && ok
			nullable[n] = ok && t == cty.DynamicPseudoType
		}
	}
	for k, t := range b.attrs {
		e.tmpl[k] = nil
		must := !nullable[k]
		e.info[k] = exportAttr{ty: t, must: must}
		if must {
			e.must++
		}
	}
	b.exp = e
	return e
}

// objectVal returns cty.ObjectVal(attrs).
func (b *objectBuilder) objectVal(attrs map[string]cty.Value) cty.Value {
	if !ctyLayoutOK.Get() {
		return cty.ObjectVal(attrs)
	}
	same := b.attrs != nil && len(b.attrs) == len(attrs)
	vals := make(map[string]any, len(attrs))
	for k, v := range attrs {
		if !isASCII(k) {
			return cty.ObjectVal(attrs)
		}
		cv := (*ctyValue)(unsafe.Pointer(&v))
		vals[k] = cv.v
		if same {
			t, ok := b.attrs[k]
			same = ok && typeEquals(t, cv.ty)
		}
	}
	if !same {
		types := make(map[string]cty.Type, len(attrs))
		for k, v := range attrs {
			types[k] = v.Type()
		}
		b.ty = cty.Object(types)
		b.attrs = b.ty.AttributeTypes()
		b.exp = nil
	}
	out := ctyValue{ty: b.ty, v: vals}
	return *(*cty.Value)(unsafe.Pointer(&out))
}

// exportVal is objectVal of an exported object (loader.exported): argv's
// attributes, a's as strings over them, and null for each name in nulls
// that has neither, without that map of cty values first: the object is a
// clone of the type's all-null one (exportLayout) with argv's and a's
// values put in. It does so only when the object has the type made last
// (ok false otherwise, or when a name is not ASCII: the caller builds the
// map and calls objectVal, which makes the type): every name set is an
// attribute of that type, of the value's type, and every attribute left
// null is a null name of type DynamicPseudoType (must counts the others).
func (b *objectBuilder) exportVal(argv map[string]cty.Value, a map[string]string, nulls ...[]string) (v cty.Value, ok bool) {
	if b.attrs == nil || !ctyLayoutOK.Get() {
		return cty.NilVal, false
	}
	e := b.layout(nulls)
	if !e.ok {
		return cty.NilVal, false
	}
	vals := maps.Clone(e.tmpl)
	set := 0
	for k, x := range argv {
		if _, over := a[k]; over {
			continue
		}
		cv := (*ctyValue)(unsafe.Pointer(&x))
		ai, ok := e.info[k]
		if !ok || !isASCII(k) || !typeEquals(ai.ty, cv.ty) {
			return cty.NilVal, false
		}
		vals[k] = cv.v
		if ai.must {
			set++
		}
	}
	for k, s := range a {
		ai, ok := e.info[k]
		if !ok || ai.ty != cty.String {
			return cty.NilVal, false
		}
		x := stringVal(s)
		vals[k] = (*ctyValue)(unsafe.Pointer(&x)).v
		if ai.must {
			set++
		}
	}
	if set != e.must {
		return cty.NilVal, false
	}
	out := ctyValue{ty: b.ty, v: vals}
	return *(*cty.Value)(unsafe.Pointer(&out)), true
}

// typeEquals is t.Equals(u), at once for two object types that share
// their maps of attribute types and of optional attributes, as the objects
// of one objectBuilder do: Equals compares them attribute by attribute
// (each.value of a for_each over a resource's instances is such an object:
// ~5% of the instructions of expanding 200 routes).
func typeEquals(t, u cty.Type) bool {
	if t.IsObjectType() && u.IsObjectType() {
		if mapPointer(t.AttributeTypes()) == mapPointer(u.AttributeTypes()) && mapPointer(t.OptionalAttributes()) == mapPointer(u.OptionalAttributes()) {
			return true
		}
	}
	return t.Equals(u)
}

// mapPointer is m's identity: two maps with the same pointer are one.
func mapPointer[M ~map[K]V, K comparable, V any](m M) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&m))
}

// stringVal is cty.StringVal(s). cty normalises every string to NFC, a
// pass over it through the normalisation tables (~2% of a 200-route
// validate's instructions went to the deployment trigger's jsonencode
// result alone, ~150 KB); an ASCII string is NFC as it is, and cty's
// normalisation would return it unchanged, so such a string is put in
// cty.Value's layout as StringVal would leave it, after a check eight
// bytes at a time.
func stringVal(s string) cty.Value {
	if !ctyLayoutOK.Get() || !isASCIIString(s) {
		return cty.StringVal(s)
	}
	out := ctyValue{ty: cty.String, v: s}
	return *(*cty.Value)(unsafe.Pointer(&out))
}

// isASCIIString is isASCII, eight bytes at a time.
func isASCIIString(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))&0x8080808080808080 != 0 {
			return false
		}
	}
	return isASCII(s[i:])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// objectAttr is obj.GetAttr(name) for name, one of the attribute names of
// obj's type. cty normalises the name to NFC three times on the way (in
// GetAttr, HasAttribute and AttributeType), each a pass over the name
// through the normalisation tables: a tenth of the instructions of a
// 200-route validate went to that when jsonencode wrote the deployment's
// trigger, one GetAttr per attribute of each of 600 instances. A type's
// names are normalised when the type is made, so for a known, unmarked,
// non-null object the attribute is read as GetAttr reads it, its type
// from the type's map and its internal value from the object's; anything
// else is GetAttr's.
func objectAttr(obj cty.Value, name string) cty.Value {
	if ctyLayoutOK.Get() && obj.Type().IsObjectType() && obj.IsKnown() && !obj.IsMarked() && !obj.IsNull() {
		aty, ok := obj.Type().AttributeTypes()[name]
		m, isMap := (*ctyValue)(unsafe.Pointer(&obj)).v.(map[string]any)
		if ok && isMap {
			out := ctyValue{ty: aty, v: m[name]}
			return *(*cty.Value)(unsafe.Pointer(&out))
		}
	}
	return obj.GetAttr(name)
}
