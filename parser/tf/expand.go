package tf

import (
	"fmt"
	"strconv"

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
	expandUnknown
)

// expand evaluates count / for_each and returns the instance keys and the
// each/count objects for each instance.
func (mi *modInst) expand(count, forEach hcl.Expression, addr string) ([]cty.Value, []map[string]cty.Value, expandMode) {
	l := mi.l
	switch {
	case count != nil:
		v := mi.eval(count, nil, addr)
		if !v.IsKnown() {
			l.diagOnce(ruleValue.infof(count.Range(), addr, "cfnrun invents no values for attributes only AWS knows; derive count from variables and locals to see these instances.", "count value cannot be determined without AWS: no instances of %s", addr))
			return nil, nil, expandUnknown
		}
		nv, err := convert.Convert(v, cty.Number)
		if err != nil || nv.IsNull() {
			l.diagOnce(ruleValue.errorf(count.Range(), addr, "count takes a whole number, such as 2 or length(var.routes).", "invalid count value: %s", typeErr(err, v)))
			return nil, nil, expandUnknown
		}
		n, acc := nv.AsBigFloat().Int64()
		if acc != 0 || n < 0 || n > maxInstances {
			l.diagOnce(ruleValue.errorf(count.Range(), addr, fmt.Sprintf("count takes a whole number; cfnrun expands at most %d instances of one resource.", maxInstances), "invalid count value %s", nv.AsBigFloat().String()))
			return nil, nil, expandUnknown
		}
		keys := make([]cty.Value, n)
		extras := make([]map[string]cty.Value, n)
		for i := range keys {
			keys[i] = cty.NumberIntVal(int64(i))
			extras[i] = map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": keys[i]})}
		}
		return keys, extras, expandCount
	case forEach != nil:
		v := mi.eval(forEach, nil, addr)
		if !v.IsWhollyKnown() {
			if v.IsKnown() && v.CanIterateElements() {
				// Keys known, some values unknown: fine.
			} else {
				l.diagOnce(ruleValue.infof(forEach.Range(), addr, "cfnrun invents no values for attributes only AWS knows; derive for_each from variables and locals to see these instances.", "for_each value cannot be determined without AWS: no instances of %s", addr))
				return nil, nil, expandUnknown
			}
		}
		if v.IsNull() {
			l.diagOnce(ruleValue.errorf(forEach.Range(), addr, "for_each takes a map or a set of strings; use {} or [] for no instances.", "for_each value is null"))
			return nil, nil, expandUnknown
		}
		ty := v.Type()
		var keys []cty.Value
		var extras []map[string]cty.Value
		switch {
		case ty.IsMapType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				k, ev := it.Element()
				keys = append(keys, k)
				extras = append(extras, map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": ev})})
			}
		case ty.IsSetType():
			if !ty.ElementType().Equals(cty.String) {
				if sv, err := convert.Convert(v, cty.Set(cty.String)); err == nil {
					v = sv
				} else {
					l.diagOnce(ruleValue.errorf(forEach.Range(), addr, "Convert the set with toset([...]) of strings, or build a map with a for expression.", "for_each set must contain strings, not %s", typeString(ty.ElementType())))
					return nil, nil, expandUnknown
				}
			}
			for it := v.ElementIterator(); it.Next(); {
				_, ev := it.Element()
				if ev.IsNull() || !ev.IsKnown() {
					l.diagOnce(ruleValue.errorf(forEach.Range(), addr, "Remove null elements from the set.", "for_each set contains a null or unknown element"))
					continue
				}
				keys = append(keys, ev)
				extras = append(extras, map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": ev, "value": ev})})
			}
		default:
			hint := "for_each takes a map or a set of strings."
			if ty.IsListType() || ty.IsTupleType() {
				hint = "A list cannot be used with for_each: wrap it in toset(...), or build a map with {for x in list : x.key => x}."
			}
			l.diagOnce(ruleValue.errorf(forEach.Range(), addr, hint, "invalid for_each argument: %s", typeString(ty)))
			return nil, nil, expandUnknown
		}
		if len(keys) > maxInstances {
			l.diagOnce(ruleValue.errorf(forEach.Range(), addr, fmt.Sprintf("cfnrun expands at most %d instances of one resource.", maxInstances), "for_each has %d elements", len(keys)))
			return nil, nil, expandUnknown
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
	return "[" + strconv.Quote(ctyString(k)) + "]"
}
