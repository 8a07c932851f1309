package tf

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/apparentlymart/go-cidr/cidr"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"github.com/zclconf/go-cty/cty/gocty"
	"gopkg.in/yaml.v3"

	"github.com/cfnrun/cfnrun/internal/lazy"
)

// Functions whose go-cty or go-cty-funcs version differs from Terraform's
// (internal/lang/funcs, and the function documentation), written here with
// Terraform's semantics. docs/terraform.md lists each difference, and
// TestFunctions checks it.

// lookupFunc is Terraform's lookup: the default is optional, and may be
// null or unknown (go-cty's takes exactly three arguments, none null).
var lookupFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "inputMap", Type: cty.DynamicPseudoType},
			{Name: "key", Type: cty.String},
		},
		VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
		Type: func(args []cty.Value) (cty.Type, error) {
			if len(args) > 3 {
				return cty.NilType, fmt.Errorf("lookup() takes two or three arguments, got %d", len(args))
			}
			ty := args[0].Type()
			switch {
			case ty.IsObjectType():
				if !args[1].IsKnown() {
					return cty.DynamicPseudoType, nil
				}
				if key := args[1].AsString(); ty.HasAttribute(key) {
					return ty.AttributeType(key), nil
				} else if len(args) == 3 {
					return args[2].Type(), nil
				}
				return cty.DynamicPseudoType, function.NewArgErrorf(0, "the given object has no attribute %q", args[1].AsString())
			case ty.IsMapType():
				if len(args) == 3 {
					if _, err := convert.Convert(args[2], ty.ElementType()); err != nil {
						return cty.NilType, function.NewArgErrorf(2, "the default value must have the same type as the map elements")
					}
				}
				return ty.ElementType(), nil
			}
			return cty.NilType, function.NewArgErrorf(0, "lookup() requires a map as the first argument")
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			m, key := args[0], args[1].AsString()
			if !m.IsKnown() {
				return cty.UnknownVal(ret), nil
			}
			if m.Type().IsObjectType() {
				if m.Type().HasAttribute(key) {
					return m.GetAttr(key), nil
				}
			} else if m.HasIndex(cty.StringVal(key)) == cty.True {
				return m.Index(cty.StringVal(key)), nil
			}
			if len(args) == 3 {
				return convert.Convert(args[2], ret)
			}
			return cty.UnknownVal(cty.DynamicPseudoType), fmt.Errorf("lookup failed to find key %q", key)
		},
	})
}}

// boolListFold is Terraform's alltrue (all) and anytrue: the argument is
// a list of bools; an unknown element makes the result unknown unless the
// known ones decide it.
func boolListFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			unknown := false
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				switch {
				case !v.IsKnown():
					if all {
						return cty.UnknownVal(cty.Bool), nil
					}
					unknown = true
				case v.IsNull():
					if all {
						return cty.False, nil
					}
				case all && v.False():
					return cty.False, nil
				case !all && v.True():
					return cty.True, nil
				}
			}
			if unknown {
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(all), nil
		},
	})
}

// tfIndexFunc is Terraform's index(list, value).
var tfIndexFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.Number),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			l := args[0]
			if !(l.Type().IsListType() || l.Type().IsTupleType()) {
				return cty.NilVal, errors.New("argument must be a list or tuple")
			}
			if !l.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if l.LengthInt() == 0 {
				return cty.NilVal, errors.New("cannot search an empty list")
			}
			for it := l.ElementIterator(); it.Next(); {
				i, v := it.Element()
				eq, err := stdlib.Equal(v, args[1])
				if err != nil {
					return cty.NilVal, err
				}
				if !eq.IsKnown() {
					return cty.UnknownVal(cty.Number), nil
				}
				if eq.True() {
					return i, nil
				}
			}
			return cty.NilVal, errors.New("item not found")
		},
	})
}}

// tfMatchKeysFunc is Terraform's matchkeys: a list of the values whose
// keys are in the search set.
var tfMatchKeysFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "values", Type: cty.List(cty.DynamicPseudoType)},
			{Name: "keys", Type: cty.List(cty.DynamicPseudoType)},
			{Name: "searchset", Type: cty.List(cty.DynamicPseudoType)},
		},
		Type: func(args []cty.Value) (cty.Type, error) {
			if ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()}); ty == cty.NilType {
				return cty.NilType, errors.New("keys and searchset must be of the same type")
			}
			return args[0].Type(), nil
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			values := args[0]
			if !values.IsKnown() {
				return cty.UnknownVal(ret), nil
			}
			if values.LengthInt() != args[1].LengthInt() {
				return cty.ListValEmpty(ret.ElementType()), errors.New("length of keys and values should be equal")
			}
			ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()})
			keys, _ := convert.Convert(args[1], ty)
			search, _ := convert.Convert(args[2], ty)
			if search.LengthInt() == 0 {
				return cty.ListValEmpty(ret.ElementType()), nil
			}
			if !values.IsWhollyKnown() || !keys.IsWhollyKnown() {
				return cty.UnknownVal(ret), nil
			}
			var out []cty.Value
			i := 0
			for it := keys.ElementIterator(); it.Next(); i++ {
				_, k := it.Element()
				for st := search.ElementIterator(); st.Next(); {
					_, s := st.Element()
					eq, err := stdlib.Equal(k, s)
					if err != nil {
						return cty.NilVal, err
					}
					if !eq.IsKnown() {
						return cty.ListValEmpty(ret.ElementType()), nil
					}
					if eq.True() {
						out = append(out, values.Index(cty.NumberIntVal(int64(i))))
						break
					}
				}
			}
			if len(out) == 0 {
				return cty.ListValEmpty(ret.ElementType()), nil
			}
			return cty.ListVal(out), nil
		},
	})
}}

// tfStartsWithFunc is Terraform's startswith: an unknown string whose
// known prefix decides the answer gives a known result.
var tfStartsWithFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String, AllowUnknown: true}, {Name: "prefix", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			prefix := args[1].AsString()
			if !args[0].IsKnown() {
				if prefix == "" {
					return cty.True, nil
				}
				if known := args[0].Range().StringPrefix(); known != "" {
					if strings.HasPrefix(known, prefix) {
						return cty.True, nil
					}
					if len(known) >= len(prefix) {
						return cty.False, nil
					}
				}
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(strings.HasPrefix(args[0].AsString(), prefix)), nil
		},
	})
}}

// base64DecodeFunc is Terraform's base64decode (go-cty-funcs' also logs
// the decoded bytes to the process's standard error).
var base64DecodeFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := base64.StdEncoding.DecodeString(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), fmt.Errorf("failed to decode base64 data %q", truncate(args[0].AsString(), 40))
			}
			if !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), errors.New("the result of decoding the provided string is not valid UTF-8")
			}
			return cty.StringVal(string(b)), nil
		},
	})
}}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// textEncodeBase64Func and textDecodeBase64Func are Terraform's, with
// every IANA character encoding (UTF-16LE for Windows user data, ...).
var textEncodeBase64Func = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "string", Type: cty.String}, {Name: "encoding", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			enc := ianaEncoding(args[1].AsString())
			if enc == nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "%q is not a supported IANA encoding name or alias", args[1].AsString())
			}
			b, err := enc.NewEncoder().Bytes([]byte(args[0].AsString()))
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given string contains characters that cannot be represented in %s", args[1].AsString())
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
		},
	})
}}

var textDecodeBase64Func = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "source", Type: cty.String}, {Name: "encoding", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			enc := ianaEncoding(args[1].AsString())
			if enc == nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "%q is not a supported IANA encoding name or alias", args[1].AsString())
			}
			raw, err := base64.StdEncoding.DecodeString(args[0].AsString())
			if err != nil {
				var ce base64.CorruptInputError
				if errors.As(err, &ce) {
					return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given value has an invalid base64 symbol at offset %d", int(ce))
				}
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "invalid source string: %v", err)
			}
			out, err := enc.NewDecoder().Bytes(raw)
			if err != nil || strings.ContainsRune(string(out), utf8.RuneError) {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given string contains symbols that are not defined for %s", args[1].AsString())
			}
			return cty.StringVal(string(out)), nil
		},
	})
}}

// yamlEncodeFunc is Terraform's yamlencode: YAML, with strings (keys too)
// double-quoted, as the function's documentation shows.
var yamlEncodeFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if !args[0].IsWhollyKnown() {
				return cty.UnknownVal(cty.String), nil
			}
			var b strings.Builder
			enc := yaml.NewEncoder(&b)
			enc.SetIndent(2)
			if err := enc.Encode(yamlNode(args[0])); err != nil {
				return cty.NilVal, err
			}
			if err := enc.Close(); err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(b.String()), nil
		},
	})
}}

func yamlNode(v cty.Value) *yaml.Node {
	if v.IsNull() {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.AsString(), Style: yaml.DoubleQuotedStyle}
	case ty == cty.Number:
		tag := "!!float"
		if v.AsBigFloat().IsInt() {
			tag = "!!int"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: numString(v)}
	case ty == cty.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v.True())}
	case ty.IsMapType() || ty.IsObjectType():
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			n.Content = append(n.Content, yamlNode(k), yamlNode(x))
		}
		if len(n.Content) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n
	default: // list, set, tuple
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for it := v.ElementIterator(); it.Next(); {
			_, x := it.Element()
			n.Content = append(n.Content, yamlNode(x))
		}
		if len(n.Content) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n
	}
}

// unpredictable is what terraform validate makes of the impure functions
// (uuid, bcrypt): a result not known before apply. cfnrun's model must be
// the same on every run, so a random value is no answer.
func unpredictable(f function.Function) function.Function {
	return function.Unpredictable(f)
}

// issensitiveFunc: cfnrun does not track sensitivity through values, so
// whether a value is sensitive is not known here (a condition on it is
// skipped rather than decided wrongly).
var issensitiveFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl:   func([]cty.Value, cty.Type) (cty.Value, error) { return cty.UnknownVal(cty.Bool), nil },
	})
}}

// removedFunc is a function Terraform removed, failing with Terraform's
// advice.
func removedFunc(msg string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
		Type:     func([]cty.Value) (cty.Type, error) { return cty.DynamicPseudoType, errors.New(msg) },
		Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, errors.New(msg) },
	})
}

// timeCmpFunc is Terraform's timecmp: -1, 0 or 1 comparing two RFC 3339
// timestamps.
var timeCmpFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "timestamp_a", Type: cty.String}, {Name: "timestamp_b", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Number),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			var ts [2]time.Time
			for i := range ts {
				t, err := time.Parse(time.RFC3339, args[i].AsString())
				if err != nil {
					return cty.UnknownVal(cty.Number), function.NewArgErrorf(i, "not a valid RFC3339 timestamp: %s", err)
				}
				ts[i] = t
			}
			return cty.NumberIntVal(int64(ts[0].Compare(ts[1]))), nil
		},
	})
}}

// parseCIDR parses a CIDR prefix as Terraform does: IPv4 octets with
// leading zeros are decimal (Go's parser rejects them).
func parseCIDR(s string) (*net.IPNet, error) {
	if addr, bits, ok := strings.Cut(s, "/"); ok && strings.Count(addr, ".") == 3 && !strings.Contains(addr, ":") {
		parts := strings.Split(addr, ".")
		for i, p := range parts {
			if t := strings.TrimLeft(p, "0"); t != p {
				parts[i] = t
				if t == "" {
					parts[i] = "0"
				}
			}
		}
		s = strings.Join(parts, ".") + "/" + bits
	}
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		return nil, fmt.Errorf("invalid CIDR expression: %s", err)
	}
	return n, nil
}

// cidrHostFunc, cidrSubnetFunc and cidrNetmaskFunc are Terraform's: host
// and network numbers of any size (IPv6), negative host numbers counting
// from the end, leading zeros, and no netmask for IPv6.
var cidrHostFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			var host *big.Int
			if err := gocty.FromCtyValue(args[1], &host); err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(1, err)
			}
			n, err := parseCIDR(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			ip, err := cidr.HostBig(n, host)
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(1, err)
			}
			return cty.StringVal(ip.String()), nil
		},
	})
}}

var cidrSubnetFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			var newbits int
			if err := gocty.FromCtyValue(args[1], &newbits); err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(1, err)
			}
			var netnum *big.Int
			if err := gocty.FromCtyValue(args[2], &netnum); err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(2, err)
			}
			n, err := parseCIDR(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			sub, err := cidr.SubnetBig(n, newbits, netnum)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(sub.String()), nil
		},
	})
}}

var cidrNetmaskFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			n, err := parseCIDR(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			if n.IP.To4() == nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "IPv6 addresses cannot have a netmask: %s", args[0].AsString())
			}
			return cty.StringVal(net.IP(n.Mask).String()), nil
		},
	})
}}

// renderTemplate renders a template (templatefile's file, templatestring's
// string) as Terraform does: vars must be a map or object of identifiers,
// every variable the template reads must be given, and the result keeps
// its type (a template that is one interpolation can give a list).
func renderTemplate(src []byte, name string, vars cty.Value, funcs map[string]function.Function, self string, b *budget) (cty.Value, error) {
	if d := checkNesting(src, name, hcl.InitialPos, nestTemplate); d != nil {
		return cty.NilVal, function.NewArgErrorf(0, "%s: %s", name, d.Summary)
	}
	expr, ds := hclsyntax.ParseTemplate(src, name, hcl.InitialPos)
	if ds.HasErrors() {
		return cty.NilVal, function.NewArgErrorf(0, "%s", ds.Error())
	}
	if b != nil {
		b.instrument(expr)
	}
	if vars.IsNull() || !(vars.Type().IsMapType() || vars.Type().IsObjectType()) {
		return cty.DynamicVal, function.NewArgErrorf(1, "invalid vars value: must be a map")
	}
	if !vars.IsKnown() {
		return cty.DynamicVal, nil
	}
	ctx := &hcl.EvalContext{Variables: vars.AsValueMap()}
	for n := range ctx.Variables {
		if !hclsyntax.ValidIdentifier(n) {
			return cty.DynamicVal, function.NewArgErrorf(1, "invalid template variable name %q: must start with a letter, followed by zero or more letters, digits, and underscores", n)
		}
	}
	for _, tr := range expr.Variables() {
		if _, ok := ctx.Variables[tr.RootName()]; !ok {
			return cty.DynamicVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s", tr.RootName(), tr[0].SourceRange())
		}
	}
	inner := make(map[string]function.Function, len(funcs))
	for n, f := range funcs {
		if n == "templatefile" || n == "templatestring" {
			inner[n] = removedFunc(fmt.Sprintf("cannot call %s from inside %s", n, self))
			continue
		}
		inner[n] = f
	}
	ctx.Functions = inner
	v, ds := expr.Value(ctx)
	if ds.HasErrors() {
		return cty.DynamicVal, function.NewArgErrorf(0, "%s", ds.Error())
	}
	return v, nil
}

// templateFileFunc is Terraform's templatefile.
func templateFileFunc(read func(string) ([]byte, error), funcs map[string]function.Function, b *budget) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			src, err := read(path)
			if err != nil {
				return cty.NilVal, err
			}
			return renderTemplate(src, path, args[1], funcs, "templatefile", b)
		},
	})
}

// templateStringFunc is Terraform's templatestring (1.9): a template held
// in a string value.
func templateStringFunc(funcs map[string]function.Function, b *budget) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "template", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return renderTemplate([]byte(args[0].AsString()), "<templatestring>", args[1], funcs, "templatestring", b)
		},
	})
}

// AWS provider functions (provider::aws::NAME, provider v5.40+).

// arnParseFunc is provider::aws::arn_parse.
var arnParseFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "arn", Type: cty.String}},
		Type: function.StaticReturnType(cty.Object(map[string]cty.Type{
			"partition": cty.String, "service": cty.String, "region": cty.String, "account_id": cty.String, "resource": cty.String,
		})),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			parts := strings.SplitN(args[0].AsString(), ":", 6)
			if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
				return cty.NilVal, function.NewArgErrorf(0, "invalid ARN %q: an ARN is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE", args[0].AsString())
			}
			return cty.ObjectVal(map[string]cty.Value{
				"partition": cty.StringVal(parts[1]), "service": cty.StringVal(parts[2]), "region": cty.StringVal(parts[3]),
				"account_id": cty.StringVal(parts[4]), "resource": cty.StringVal(parts[5]),
			}), nil
		},
	})
}}

// arnBuildFunc is provider::aws::arn_build.
var arnBuildFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "partition", Type: cty.String}, {Name: "service", Type: cty.String}, {Name: "region", Type: cty.String},
			{Name: "account_id", Type: cty.String}, {Name: "resource", Type: cty.String}},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s := make([]string, len(args))
			for i, a := range args {
				s[i] = a.AsString()
			}
			return cty.StringVal("arn:" + strings.Join(s, ":")), nil
		},
	})
}}

// trimIAMRolePathFunc is provider::aws::trim_iam_role_path: the role name
// of a role ARN with a path.
var trimIAMRolePathFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "arn", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			arn := args[0].AsString()
			parts := strings.SplitN(arn, ":", 6)
			if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
				return cty.NilVal, function.NewArgErrorf(0, "%q is not an IAM role ARN", arn)
			}
			res := parts[5]
			name := res[strings.LastIndex(res, "/")+1:]
			return cty.StringVal(strings.Join(parts[:5], ":") + ":role/" + name), nil
		},
	})
}}

// cidrSubnetsFunc is Terraform's cidrsubnets: consecutive subnets of the
// given sizes, leading zeros accepted.
var cidrSubnetsFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
		VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
		Type:     function.StaticReturnType(cty.List(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			n, err := parseCIDR(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(0, err)
			}
			if len(args) == 1 {
				return cty.ListValEmpty(cty.String), nil
			}
			start, _ := n.Mask.Size()
			total := len(n.IP) * 8
			out := make([]cty.Value, 0, len(args)-1)
			var current *net.IPNet
			for i, a := range args[1:] {
				var bits int
				if err := gocty.FromCtyValue(a, &bits); err != nil {
					return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(i+1, err)
				}
				if bits < 1 {
					return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "must extend prefix by at least one bit")
				}
				if bits > 32 {
					return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "may not extend prefix by more than 32 bits")
				}
				length := start + bits
				if length > total {
					return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "would extend prefix to %d bits, which is too long for an address of %d bits", length, total)
				}
				if current == nil {
					current, _ = cidr.PreviousSubnet(n, length)
				}
				next, rollover := cidr.NextSubnet(current, length)
				if rollover || !n.Contains(next.IP) {
					return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "not enough remaining address space for a subnet with a prefix of %d bits after %s", length, current.String())
				}
				current = next
				out = append(out, cty.StringVal(current.String()))
			}
			return cty.ListVal(out), nil
		},
	})
}}

// jsonEncodeFunc is stdlib.JSONEncodeFunc without its walks for marks.
// function.Call unmarks every argument of a parameter that does not allow
// marks, walking it twice (to type-check and to call), and a deployment's
// sha1(jsonencode([aws_api_gateway_resource.r, ...])) hands it every
// instance of the API: those walks cost as much as the encoding. Nothing in
// cfnrun marks values (sensitive() is the identity, variables and outputs
// record sensitivity beside their values), so the parameter allows marks
// and the result is the same. Values not wholly known go to the stdlib
// function, which refines its unknown result.
var jsonEncodeFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Description: stdlib.JSONEncodeFunc.Description(),
		Params: []function.Parameter{{
			Name: "val", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true,
		}},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			val := args[0]
			if val.IsKnown() && val.IsNull() {
				return cty.StringVal("null"), nil
			}
			// encodeJSON fails on a value with unknown (or marked) parts, and
			// on anything it does not write exactly as cty's json.Marshal
			// does: then the stdlib function decides, as it would have.
			// Asking IsWhollyKnown first would walk the value once more.
			buf, err := encodeJSON(nil, val, val.Type())
			if err != nil {
				return stdlib.JSONEncodeFunc.Call(args)
			}
			return cty.StringVal(string(bytes.TrimSpace(buf))), nil
		},
	})
}}

// callValue evaluates a function call as hcl does, except that
// jsonencode (cfnrun's own, not one a context shadows) of a value
// encodeJSON writes is encoded here, without function.Call: its type check
// asks every argument whether it contains marks before it looks at the
// parameter's AllowMarked, a walk over the whole value, and the deployment
// trigger sha1(jsonencode([aws_api_gateway_resource.r, ...])) hands it
// every instance of the API. The result is the one the call returns: the
// argument's diagnostics, an error in it stopping the call, the same
// string; anything else (unknown, null or what encodeJSON leaves to cty)
// goes to the function as hcl would hand it.
func callValue(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	fc, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || fc.Name != "jsonencode" || len(fc.Args) != 1 || fc.ExpandFinal || !ownFunction(ctx, "jsonencode", jsonEncodeFunc.Get()) {
		return expr.Value(ctx)
	}
	arg, ds := fc.Args[0].Value(ctx)
	if ds.HasErrors() {
		return cty.DynamicVal, ds
	}
	if arg.IsKnown() && !arg.IsNull() {
		if buf, err := encodeJSON(nil, arg, arg.Type()); err == nil {
			// The buffer is the string's: nothing else holds it.
			buf = bytes.TrimSpace(buf)
			return stringVal(unsafe.String(unsafe.SliceData(buf), len(buf))), ds
		}
	}
	v, err := jsonEncodeFunc.Get().Call([]cty.Value{arg})
	if err != nil {
		// hcl words the diagnostic; the argument is evaluated again.
		return expr.Value(ctx)
	}
	return v, ds
}

// ownFunction reports whether name, looked up in ctx as hcl looks up a
// call's function (the nearest context with a function table), is f.
func ownFunction(ctx *hcl.EvalContext, name string, f function.Function) bool {
	for c := ctx; c != nil; c = c.Parent() {
		if c.Functions == nil {
			continue
		}
		g, ok := c.Functions[name]
		if ok {
			return g == f
		}
	}
	return false
}

// errEncodeJSON makes jsonencode leave a value to cty's encoder.
var errEncodeJSON = errors.New("not encoded here")

// encodeJSON appends val, of type t, to b as cty's json.Marshal writes it
// (object attributes and map keys sorted, strings as encoding/json writes
// them, numbers in full), without its allocations per value: a string key
// boxed into a cty value and marshalled through encoding/json, an
// iterator element per list item, a path step per level. What it does not
// write itself (unknown, marked, capsule or dynamically typed values,
// numbers that are not small integers) is errEncodeJSON, and the caller
// asks cty.
//
// A list, set, tuple or object of splitJSON elements or more has its second
// half written on another goroutine meanwhile (the first such collection on
// each path: the halves do not split again): the trigger's 200-route
// objects are most of a configuration's evaluation that runs on one core.
func encodeJSON(b []byte, val cty.Value, t cty.Type) ([]byte, error) {
	e := jsonEncoder{split: true}
	return e.encode(b, val, t)
}

// splitJSON is the smallest collection encodeJSON writes in two halves.
const splitJSON = 64

// jsonEncoder writes values for encodeJSON. types holds what is written
// of each object type met (jsonObject), by its attribute-type map (cty's
// own, read only): the instances of a resource share one object type
// (objectBuilder), so 600 instances' names are listed, sorted and quoted
// once instead of 600 times. split says whether a large collection may
// still be written in two halves.
type jsonEncoder struct {
	types map[unsafe.Pointer]*jsonObject
	split bool
}

// jsonObject is an object type as encodeJSON writes it: its attribute
// names sorted, each with its type and its key as written ("name":; nil
// when the name is not written here: appendJSONString then decides).
type jsonObject struct {
	names []string
	atys  []cty.Type
	keys  [][]byte
}

// object returns the jsonObject of atys; shared: read only.
func (e *jsonEncoder) object(atys map[string]cty.Type) *jsonObject {
	key := *(*unsafe.Pointer)(unsafe.Pointer(&atys))
	if o, ok := e.types[key]; ok {
		return o
	}
	o := &jsonObject{names: slices.Sorted(maps.Keys(atys))}
	o.atys = make([]cty.Type, len(o.names))
	o.keys = make([][]byte, len(o.names))
	var buf []byte
	for i, n := range o.names {
		o.atys[i] = atys[n]
		start := len(buf)
		var err error
		if buf, err = appendJSONString(buf, n); err == nil {
			buf = append(buf, ':')
			o.keys[i] = buf[start:len(buf):len(buf)]
		} else {
			buf = buf[:start]
		}
	}
	if e.types == nil {
		e.types = map[unsafe.Pointer]*jsonObject{}
	}
	e.types[key] = o
	return o
}

func (e *jsonEncoder) encode(b []byte, val cty.Value, t cty.Type) ([]byte, error) {
	if val.IsMarked() || !val.IsKnown() || t == cty.DynamicPseudoType && val.Type() != cty.DynamicPseudoType {
		return b, errEncodeJSON
	}
	if val.IsNull() {
		return append(b, "null"...), nil
	}
	switch {
	case t == cty.String:
		return appendJSONString(b, val.AsString())
	case t == cty.Bool:
		if val.True() {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case t == cty.Number:
		bf := val.AsBigFloat()
		// Text('f', -1) writes an integer's digits, and -0 as "-0".
		if i, acc := bf.Int64(); acc == big.Exact && (i != 0 || !bf.Signbit()) {
			return strconv.AppendInt(b, i, 10), nil
		}
		return b, errEncodeJSON
	case t.IsListType(), t.IsSetType(), t.IsTupleType():
		c := jsonCollection{vals: val.AsValueSlice()}
		if t.IsTupleType() {
			c.etys = t.TupleElementTypes()
		} else {
			c.ety = t.ElementType()
		}
		b = append(b, '[')
		b, err := e.elements(b, len(c.vals), &c)
		if err != nil {
			return b, err
		}
		return append(b, ']'), nil
	case t.IsObjectType():
		c := jsonCollection{obj: val, ot: e.object(t.AttributeTypes())}
		if ctyLayoutOK.Get() {
			// Known, unmarked and not null (above): cty keeps the
			// attributes' internal values in a map.
			c.attrs, _ = (*ctyValue)(unsafe.Pointer(&val)).v.(map[string]any)
		}
		b = append(b, '{')
		b, err := e.elements(b, len(c.ot.names), &c)
		if err != nil {
			return b, err
		}
		return append(b, '}'), nil
	}
	// Maps and capsules: cty's encoder.
	return b, errEncodeJSON
}

// jsonCollection is a list, set or tuple (vals, with ety or etys) or an
// object (obj, of type ot; attrs its attributes' internal values when cty
// is laid out as ctyValue) being written.
type jsonCollection struct {
	vals  []cty.Value
	ety   cty.Type
	etys  []cty.Type
	obj   cty.Value
	ot    *jsonObject
	attrs map[string]any
}

// elem appends element i of c with e. An object's attribute is read from
// its internal value, one map access: a null one (nil) is written as null
// and a string as its text, as encode would write them; any other is
// encode's. Without the map, it is objectAttr's.
func (c *jsonCollection) elem(e *jsonEncoder, b []byte, i int) ([]byte, error) {
	switch {
	case c.ot != nil:
		k, aty := c.ot.names[i], c.ot.atys[i]
		if key := c.ot.keys[i]; key != nil {
			b = append(b, key...)
		} else {
			var err error
			if b, err = appendJSONString(b, k); err != nil {
				return b, err
			}
			b = append(b, ':')
		}
		if c.attrs == nil {
			return e.encode(b, objectAttr(c.obj, k), aty)
		}
		iv := c.attrs[k]
		switch x := iv.(type) {
		case nil:
			return append(b, "null"...), nil
		case string:
			if aty == cty.String {
				return appendJSONString(b, x)
			}
		}
		v := ctyValue{ty: aty, v: iv}
		return e.encode(b, *(*cty.Value)(unsafe.Pointer(&v)), aty)
	case c.etys != nil:
		return e.encode(b, c.vals[i], c.etys[i])
	}
	return e.encode(b, c.vals[i], c.ety)
}

// elements appends elements 0 to n-1 of c, comma-separated; the second
// half on another goroutine when c is large enough and e may split. That
// goroutine has its own encoder (its own names cache), and its own copy
// of c (so that c, used on every level, stays off the heap).
func (e *jsonEncoder) elements(b []byte, n int, c *jsonCollection) ([]byte, error) {
	if e.split && n >= splitJSON {
		return e.halves(b, n, c)
	}
	var err error
	for i := range n {
		b = reserveJSON(b)
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = c.elem(e, b, i); err != nil {
			break
		}
	}
	return b, err
}

// halves is elements in two halves, the second on another goroutine.
// (Its own function: what that goroutine writes lives on the heap, and
// each of the other calls, one per object written, allocated it too.)
func (e *jsonEncoder) halves(b []byte, n int, c *jsonCollection) ([]byte, error) {
	var (
		half    []byte
		halfErr error
	)
	mid := n / 2
	other, oc := &jsonEncoder{}, new(jsonCollection)
	*oc = *c
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := mid; i < n; i++ {
			half = reserveJSON(half)
			half = append(half, ',')
			if half, halfErr = oc.elem(other, half, i); halfErr != nil {
				return
			}
			if i == mid {
				half = reserveElems(half, 0, n-mid)
			}
		}
	}()
	e.split = false
	defer func() { e.split = true }()
	var err error
	start := len(b)
	for i := range mid {
		b = reserveJSON(b)
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = c.elem(e, b, i); err != nil {
			break
		}
		if i == 0 {
			b = reserveElems(b, start, n)
		}
	}
	<-done
	if err != nil {
		return b, err
	}
	if halfErr != nil {
		return b, halfErr
	}
	return append(b, half...), nil
}

// reserveElems makes room in b, whose bytes from start are the first of n
// elements of a collection written in two halves, for all n at the first
// one's size and a quarter more: the elements of a large collection are
// mostly alike (a resource's instances), and the 200-route trigger's
// buffers grew by doubling from a kilobyte, ~0.55 MB allocated for
// ~190 kB of JSON. A longer element later is reserveJSON's.
func reserveElems(b []byte, start, n int) []byte {
	size := len(b) - start + 1
	if want := size*n + size*n/4; cap(b)-len(b) < want {
		return slices.Grow(b, want)
	}
	return b
}

// reserveJSON doubles the capacity of a large b when it is nearly full,
// before an element of a collection is written. append grows a slice of
// a kilobyte or more by a quarter to a half at a time: a 200-route
// deployment trigger's buffers added up to about five times its size (9%
// of the configuration's bytes); doubling, about twice. A small b is left
// to append, which doubles it.
func reserveJSON(b []byte) []byte {
	if cap(b) >= 1024 && cap(b)-len(b) < 256 {
		return slices.Grow(b, cap(b))
	}
	return b
}

// appendJSONString appends s as encoding/json writes a string: quoted,
// with <, > and & escaped. Strings of plain printable ASCII are written as
// they are; any other is left to encoding/json.
// jsonSpecial8 reports whether one of the eight bytes in x is one that
// appendJSONString cannot copy as it is (a control character, DEL or
// non-ASCII, '"', '\\', '<', '>', '&'), eight bytes at a time: the
// byte-wise look was 2.6% of validate's instructions on 200 routes.
func jsonSpecial8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	if x&hi != 0 {
		return true
	}
	zero := func(v uint64) uint64 { return (v - lo) & ^v & hi }
	// With no byte >= 0x80, x - lo*n borrows into a byte's top bit just
	// where that byte is < n.
	return (x-lo*0x20)&^x&hi|zero(x^(lo*0x7f))|zero(x^(lo*'"'))|zero(x^(lo*'\\'))|zero(x^(lo*'<'))|zero(x^(lo*'>'))|zero(x^(lo*'&')) != 0
}

func appendJSONString(b []byte, s string) ([]byte, error) {
	i := 0
	for ; i+8 <= len(s) && !jsonSpecial8(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))); i += 8 {
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil {
				return b, errEncodeJSON
			}
			return append(b, q...), nil
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}
