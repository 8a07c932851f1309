package tf

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// count and for_each: instance keys and the each/count objects.

type expandMode uint8

const (
	expandNone expandMode = iota
	expandCount
	expandForEach
	// expandUnknown: count or for_each is not known before apply; one
	// template instance stands for all of them (count.index, each.key and
	// each.value unknown), checked the way terraform validate checks it.
	expandUnknown
	// expandInvalid: count or for_each is wrong (already reported); no
	// instances.
	expandInvalid
)

var rulePending = newRule("TF016", sevInfo,
	"`count`, `for_each`, a path part, an HTTP method or a stage name that is not known before apply (it depends on a variable without a value, or on an attribute only AWS knows): the resource is checked once as a template, as `terraform validate` does, and the routes it would add are listed as pending (`cfnrun routes` says what they depend on)",
	"`terraform validate` accepts unknown values; `plan` needs them. Give the variables values (`-var`, tfvars) to see these routes.")

// templateExpansion returns the one template instance that stands for the
// instances of addr when its count (kind "count") or for_each is not
// known, and records what they wait for.
func (mi *modInst) templateExpansion(kind string, expr hcl.Expression, addr string) ([]cty.Value, []map[string]cty.Value, expandMode) {
	deps := mi.unknownSources(expr, nil)
	mi.l.addPending(addr, "instances", deps, expr.Range())
	mi.l.diagOnce(rulePending.infof(expr.Range(), addr, "Until "+strings.Join(deps, ", ")+" is known (give variables a value with -var or a tfvars file), cfnrun checks the block once, as terraform validate does, and serves none of its routes.",
		"the instances of %s are not known before apply: its %s depends on %s", addr, kind, strings.Join(deps, ", ")))
	extra := map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}
	if kind == "for_each" {
		extra = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})}
	}
	return []cty.Value{cty.NilVal}, []map[string]cty.Value{extra}, expandUnknown
}

// expand evaluates count / for_each and returns the instance keys and the
// each/count objects for each instance, charging them to the evaluation
// budget's instances (decl is the block, reported when it has neither).
func (mi *modInst) expand(count, forEach hcl.Expression, addr string, decl hcl.Range) ([]cty.Value, []map[string]cty.Value, expandMode) {
	if !mi.l.budget.ok() {
		return nil, nil, expandInvalid // TF071 says why
	}
	keys, extras, mode := mi.expandKeys(count, forEach, addr)
	if mode == expandInvalid {
		return keys, extras, mode
	}
	rng := decl
	switch {
	case count != nil:
		rng = count.Range()
	case forEach != nil:
		rng = forEach.Range()
	}
	if !mi.l.budget.instances(int64(len(keys)), rng) {
		return nil, nil, expandInvalid
	}
	return keys, extras, mode
}

func (mi *modInst) expandKeys(count, forEach hcl.Expression, addr string) ([]cty.Value, []map[string]cty.Value, expandMode) {
	l := mi.l
	switch {
	case count != nil:
		v := mi.eval(count, nil, addr)
		if !v.IsKnown() {
			return mi.templateExpansion("count", count, addr)
		}
		nv, err := convert.Convert(v, cty.Number)
		if err != nil || nv.IsNull() {
			l.diagOnce(ruleValue.errorf(count.Range(), addr, "count takes a whole number, such as 2 or length(var.routes).", "invalid count value: %s", typeErr(err, v)))
			return nil, nil, expandInvalid
		}
		n, acc := nv.AsBigFloat().Int64()
		if acc != 0 || n < 0 || n > maxInstances {
			l.diagOnce(ruleValue.errorf(count.Range(), addr, fmt.Sprintf("count takes a whole number; cfnrun expands at most %d instances of one resource.", maxInstances), "invalid count value %s", nv.AsBigFloat().String()))
			return nil, nil, expandInvalid
		}
		keys := make([]cty.Value, n)
		extras := make([]map[string]cty.Value, n)
		attrs := map[string]cty.Value{} // objectVal copies it
		var ob objectBuilder
		for i := range keys {
			keys[i] = cty.NumberIntVal(int64(i))
			attrs["index"] = keys[i]
			extras[i] = map[string]cty.Value{"count": ob.objectVal(attrs)}
		}
		return keys, extras, expandCount
	case forEach != nil:
		v := mi.eval(forEach, nil, addr)
		if !v.IsKnown() || (v.Type().IsSetType() && !v.IsWhollyKnown()) {
			// Unknown, or a set whose elements (the keys) are not all
			// known; a map or object with some unknown values is fine.
			return mi.templateExpansion("for_each", forEach, addr)
		}
		if v.IsNull() {
			l.diagOnce(ruleValue.errorf(forEach.Range(), addr, "for_each takes a map or a set of strings; use {} or [] for no instances.", "for_each value is null"))
			return nil, nil, expandInvalid
		}
		ty := v.Type()
		var keys []cty.Value
		var extras []map[string]cty.Value
		if (ty.IsMapType() || ty.IsObjectType() || ty.IsSetType()) && !v.IsMarked() && v.LengthInt() <= maxInstances {
			n := v.LengthInt()
			keys, extras = make([]cty.Value, 0, n), make([]map[string]cty.Value, 0, n)
		}
		attrs := map[string]cty.Value{} // each's, for objectVal, which copies it
		var ob objectBuilder
		switch {
		case ty.IsMapType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				k, ev := it.Element()
				keys = append(keys, k)
				attrs["key"], attrs["value"] = k, ev
				extras = append(extras, map[string]cty.Value{"each": ob.objectVal(attrs)})
			}
		case ty.IsSetType():
			if !ty.ElementType().Equals(cty.String) {
				if sv, err := convert.Convert(v, cty.Set(cty.String)); err == nil {
					v = sv
				} else {
					l.diagOnce(ruleValue.errorf(forEach.Range(), addr, "Convert the set with toset([...]) of strings, or build a map with a for expression.", "for_each set must contain strings, not %s", typeString(ty.ElementType())))
					return nil, nil, expandInvalid
				}
			}
			for it := v.ElementIterator(); it.Next(); {
				_, ev := it.Element()
				if ev.IsNull() {
					l.diagOnce(ruleValue.errorf(forEach.Range(), addr, "Remove null elements from the set.", "for_each set contains a null element"))
					continue
				}
				keys = append(keys, ev)
				attrs["key"], attrs["value"] = ev, ev
				extras = append(extras, map[string]cty.Value{"each": ob.objectVal(attrs)})
			}
		default:
			hint := "for_each takes a map or a set of strings."
			if ty.IsListType() || ty.IsTupleType() {
				hint = "A list cannot be used with for_each: wrap it in toset(...), or build a map with {for x in list : x.key => x}."
			}
			l.diagOnce(ruleValue.errorf(forEach.Range(), addr, hint, "invalid for_each argument: %s", typeString(ty)))
			return nil, nil, expandInvalid
		}
		if len(keys) > maxInstances {
			l.diagOnce(ruleValue.errorf(forEach.Range(), addr, fmt.Sprintf("cfnrun expands at most %d instances of one resource.", maxInstances), "for_each has %d elements", len(keys)))
			return nil, nil, expandInvalid
		}
		return keys, extras, expandForEach
	}
	return []cty.Value{cty.NilVal}, []map[string]cty.Value{nil}, expandNone
}

func typeErr(err error, v cty.Value) string {
	if err != nil {
		return err.Error()
	}
	return "null"
}

// instanceKey renders an instance key as Terraform addresses do: [0] or
// ["key"].
func instanceKey(k cty.Value) string {
	if k == cty.NilVal {
		return ""
	}
	if k.Type() == cty.Number {
		bf := k.AsBigFloat()
		i, _ := bf.Int64()
		return "[" + strconv.FormatInt(i, 10) + "]"
	}
	s := ctyString(k)
	if !plainKey(s) {
		return "[" + strconv.Quote(s) + "]"
	}
	// Printable ASCII without a quote or a backslash: Quote would
	// only add the quotes (a key of each of 200 routes went through it).
	return `["` + s + `"]`
}

// plainKey reports whether s is printable ASCII without a quote or a
// backslash: what strconv.Quote only puts quotes around.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// instanceAddr is base + instanceKey(k), a string key's address made in
// one piece (instanceKey's string and then the address were two, for
// each instance and each edge to one).
func instanceAddr(base string, k cty.Value) string {
	if k != cty.NilVal && k.Type() != cty.Number {
		if s := ctyString(k); plainKey(s) {
			return base + `["` + s + `"]`
		}
	}
	return base + instanceKey(k)
}
