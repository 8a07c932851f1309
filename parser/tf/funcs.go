package tf

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/hashicorp/go-cty-funcs/collection"
	"github.com/hashicorp/go-cty-funcs/crypto"
	"github.com/hashicorp/go-cty-funcs/encoding"
	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/go-cty-funcs/uuid"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"gopkg.in/yaml.v3"
)

// fixedTimestamp is what timestamp() returns: cfnrun's model must be the
// same on every run, and a deployment trigger built from timestamp() is
// recognised by the triggers rule instead.
const fixedTimestamp = "2024-01-01T00:00:00Z"

// functions returns Terraform's function table: go-cty's stdlib and
// go-cty-funcs, with Terraform's semantics where they differ, and the
// Terraform-only functions real configurations use. File functions read
// relative to baseDir (the root module, Terraform's working directory).
func (l *loader) functions(baseDir string) map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "log": stdlib.LogFunc,
		"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,
		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc,
		"join": stdlib.JoinFunc, "lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "regex": stdlib.RegexFunc,
		"regexall": stdlib.RegexAllFunc, "split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc,
		"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"trimspace": stdlib.TrimSpaceFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": collection.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
		"compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "keys": stdlib.KeysFunc, "lookup": stdlib.LookupFunc,
		"merge": stdlib.MergeFunc, "range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc,
		"setunion": stdlib.SetUnionFunc, "slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc,
		"zipmap":       stdlib.ZipmapFunc,
		"base64decode": encoding.Base64DecodeFunc, "base64encode": encoding.Base64EncodeFunc, "urlencode": encoding.URLEncodeFunc,
		"csvdecode": stdlib.CSVDecodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc,
		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
		"md5": crypto.Md5Func, "sha1": crypto.Sha1Func, "sha256": crypto.Sha256Func, "sha512": crypto.Sha512Func,
		"bcrypt": crypto.BcryptFunc, "uuid": uuid.V4Func, "uuidv5": uuid.V5Func,
		"cidrhost": cidr.HostFunc, "cidrnetmask": cidr.NetmaskFunc, "cidrsubnet": cidr.SubnetFunc, "cidrsubnets": cidr.SubnetsFunc,
		"abspath": filesystem.AbsPathFunc, "basename": filesystem.BasenameFunc, "dirname": filesystem.DirnameFunc,
		"pathexpand": filesystem.PathExpandFunc,
		"fileset":    filesystem.MakeFileSetFunc(baseDir),
		"tostring":   stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number), "tobool": stdlib.MakeToFunc(cty.Bool),
		"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), "toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"try":   tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"length": lengthFunc, "replace": replaceFunc, "index": indexFunc, "sum": sumFunc, "alltrue": allTrueFunc,
		"anytrue": anyTrueFunc, "one": oneFunc, "startswith": startsWithFunc, "endswith": endsWithFunc,
		"strcontains": strContainsFunc, "timestamp": timestampFunc, "base64sha256": hashB64Func(false, nil),
		"base64sha512": hashB64Func(true, nil), "sensitive": identityFunc, "nonsensitive": identityFunc,
		"issensitive": constBoolFunc(false), "matchkeys": matchKeysFunc, "transpose": transposeFunc,
		"yamlencode": stdlib.JSONEncodeFunc, "textencodebase64": textEncodeBase64Func, "textdecodebase64": textDecodeBase64Func,
		"base64gzip": base64GzipFunc, "yamldecode": yamlDecodeFunc,
	}
	fr := fileReader{base: baseDir}
	for n, f := range fr.fileFunctions() {
		fs[n] = f
	}
	fs["templatefile"] = templateFileFunc(fr.read, fs)
	return fs
}

var identityFunc = function.New(&function.Spec{
	Params:       []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:         func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	RefineResult: nil,
	Impl:         func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
	Description:  "Returns its argument.",
	VarParam:     nil,
})

func constBoolFunc(b bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl:   func([]cty.Value, cty.Type) (cty.Value, error) { return cty.BoolVal(b), nil },
	})
}

// lengthFunc is Terraform's length: strings count characters, collections
// count elements.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if ty == cty.String || ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType() || ty == cty.DynamicPseudoType {
			return cty.Number, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "argument must be a string, a collection type, or a structural type")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		switch {
		case v.Type() == cty.String:
			return stdlib.Strlen(v)
		case v.Type().IsTupleType():
			return cty.NumberIntVal(int64(v.Type().Length())), nil
		case v.Type().IsObjectType():
			return cty.NumberIntVal(int64(len(v.Type().AttributeTypes()))), nil
		}
		return v.Length(), nil
	},
})

// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
// regular expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		sub := args[1].AsString()
		if len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/") {
			return stdlib.RegexReplace(args[0], cty.StringVal(sub[1:len(sub)-1]), args[2])
		}
		return cty.StringVal(strings.ReplaceAll(args[0].AsString(), sub, args[2].AsString())), nil
	},
})

// indexFunc is Terraform's index(list, value): the position of value.
var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		l := args[0]
		if !(l.Type().IsListType() || l.Type().IsTupleType()) {
			return cty.NilVal, function.NewArgErrorf(0, "argument must be a list or tuple")
		}
		if !l.IsWhollyKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		i := 0
		for it := l.ElementIterator(); it.Next(); i++ {
			_, v := it.Element()
			eq, err := stdlib.Equal(v, args[1])
			if err != nil {
				continue
			}
			if eq.IsKnown() && eq.True() {
				return cty.NumberIntVal(int64(i)), nil
			}
		}
		return cty.NilVal, fmt.Errorf("item not found")
	},
})

func elements(v cty.Value) []cty.Value {
	var out []cty.Value
	for it := v.ElementIterator(); it.Next(); {
		_, x := it.Element()
		out = append(out, x)
	}
	return out
}

func collectionParam(name string) function.Parameter {
	return function.Parameter{Name: name, Type: cty.DynamicPseudoType}
}

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{collectionParam("list")},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() || v.Type().IsMapType() || v.Type().IsObjectType() {
			return cty.NilVal, function.NewArgErrorf(0, "cannot sum %s", typeString(v.Type()))
		}
		if !v.IsWhollyKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		els := elements(v)
		if len(els) == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "cannot sum an empty list")
		}
		total := cty.Zero
		for _, x := range els {
			n, err := convert.Convert(x, cty.Number)
			if err != nil || n.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "every element must be a number")
			}
			total = total.Add(n)
		}
		return total, nil
	},
})

func boolFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{collectionParam("list")},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v := args[0]
			if !v.CanIterateElements() {
				return cty.NilVal, function.NewArgErrorf(0, "argument must be a list or set")
			}
			if !v.IsWhollyKnown() {
				return cty.UnknownVal(cty.Bool), nil
			}
			for _, x := range elements(v) {
				b, err := convert.Convert(x, cty.Bool)
				if err != nil {
					return cty.NilVal, function.NewArgErrorf(0, "every element must be a bool")
				}
				t := !b.IsNull() && b.True()
				if all && !t {
					return cty.False, nil
				}
				if !all && t {
					return cty.True, nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

var allTrueFunc = boolFold(true)
var anyTrueFunc = boolFold(false)

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType, AllowDynamicType: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			if ty.Length() == 0 {
				return cty.DynamicPseudoType, nil
			}
			if ty.Length() == 1 {
				return ty.TupleElementType(0), nil
			}
			return cty.NilType, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
		case ty == cty.DynamicPseudoType:
			return cty.DynamicPseudoType, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.UnknownVal(ret), nil
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(ret), nil
		case 1:
			return elements(v)[0], nil
		}
		return cty.NilVal, function.NewArgErrorf(0, "must be a list, set, or tuple value with either zero or one elements")
	},
})

func strPredicate(f func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var startsWithFunc = strPredicate(strings.HasPrefix)
var endsWithFunc = strPredicate(strings.HasSuffix)
var strContainsFunc = strPredicate(strings.Contains)

var timestampFunc = function.New(&function.Spec{
	Type: function.StaticReturnType(cty.String),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.StringVal(fixedTimestamp), nil },
})

// hashB64Func is base64sha256/base64sha512, or their file variants when
// read is non-nil.
func hashB64Func(use512 bool, read func(string) ([]byte, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data := []byte(args[0].AsString())
			if read != nil {
				b, err := read(args[0].AsString())
				if err != nil {
					return cty.NilVal, function.NewArgErrorf(0, "cannot read %s: %s", args[0].AsString(), errText(err))
				}
				data = b
			}
			if use512 {
				s := sha512.Sum512(data)
				return cty.StringVal(base64.StdEncoding.EncodeToString(s[:])), nil
			}
			s := sha256.Sum256(data)
			return cty.StringVal(base64.StdEncoding.EncodeToString(s[:])), nil
		},
	})
}

func fileHashFunc(read func(string) ([]byte, error), hash function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := read(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "cannot read %s: %s", args[0].AsString(), errText(err))
			}
			return hash.Call([]cty.Value{cty.StringVal(string(b))})
		},
	})
}

// templateFileFunc renders a template file with the given variables and
// every function except templatefile itself (as Terraform).
func templateFileFunc(read func(string) ([]byte, error), funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			src, err := read(path)
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "cannot read %s: %s", path, errText(err))
			}
			expr, ds := hclsyntax.ParseTemplate(src, path, hcl.InitialPos)
			if ds.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "%s: %s", path, ds.Error())
			}
			vars := map[string]cty.Value{}
			if v := args[1]; !v.IsNull() && v.IsKnown() && (v.Type().IsMapType() || v.Type().IsObjectType()) {
				for it := v.ElementIterator(); it.Next(); {
					k, x := it.Element()
					vars[k.AsString()] = x
				}
			} else if !v.IsNull() {
				return cty.NilVal, function.NewArgErrorf(1, "vars must be a map or object")
			}
			inner := make(map[string]function.Function, len(funcs))
			for n, f := range funcs {
				if n != "templatefile" {
					inner[n] = f
				}
			}
			v, ds := expr.Value(&hcl.EvalContext{Variables: vars, Functions: inner})
			if ds.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "%s", ds.Error())
			}
			return convert.Convert(v, cty.String)
		},
	})
}

var matchKeysFunc = function.New(&function.Spec{
	Params: []function.Parameter{collectionParam("values"), collectionParam("keys"), collectionParam("searchset")},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		for i, a := range args {
			if !a.IsWhollyKnown() {
				return cty.DynamicVal, nil
			}
			if !a.CanIterateElements() {
				return cty.NilVal, function.NewArgErrorf(i, "argument must be a list or set")
			}
		}
		vals, keys, search := elements(args[0]), elements(args[1]), elements(args[2])
		if len(vals) != len(keys) {
			return cty.NilVal, fmt.Errorf("length of keys and values should be equal")
		}
		var out []cty.Value
		for i, k := range keys {
			for _, s := range search {
				if k.RawEquals(s) || (k.IsKnown() && s.IsKnown() && k.Equals(s).True()) {
					out = append(out, vals[i])
					break
				}
			}
		}
		if len(out) == 0 {
			return cty.EmptyTupleVal, nil
		}
		return cty.TupleVal(out), nil
	},
})

var transposeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:   function.StaticReturnType(cty.Map(cty.List(cty.String))),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		tmp := map[string][]cty.Value{}
		for it := args[0].ElementIterator(); it.Next(); {
			k, l := it.Element()
			for _, v := range elements(l) {
				tmp[v.AsString()] = append(tmp[v.AsString()], k)
			}
		}
		out := map[string]cty.Value{}
		for k, vs := range tmp {
			out[k] = cty.ListVal(vs)
		}
		if len(out) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		return cty.MapVal(out), nil
	},
})

var textEncodeBase64Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "string", Type: cty.String}, {Name: "encoding", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if e := strings.ToUpper(args[1].AsString()); e != "UTF-8" && e != "UTF8" {
			return cty.NilVal, function.NewArgErrorf(1, "cfnrun supports only UTF-8")
		}
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var textDecodeBase64Func = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "source", Type: cty.String}, {Name: "encoding", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "invalid base64: %s", err)
		}
		return cty.StringVal(string(b)), nil
	},
})

var base64GzipFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(gzipBase64(args[0].AsString())), nil
	},
})

// yamlDecodeFunc decodes YAML (via its JSON form, so maps become objects
// and sequences tuples, as Terraform's yamldecode).
var yamlDecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "src", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[0].IsKnown() {
			return cty.DynamicPseudoType, nil
		}
		js, err := yamlToJSON(args[0].AsString())
		if err != nil {
			return cty.NilType, function.NewArgError(0, err)
		}
		return stdlib.JSONDecodeFunc.ReturnTypeForValues([]cty.Value{cty.StringVal(js)})
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		js, err := yamlToJSON(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		return stdlib.JSONDecode(cty.StringVal(js))
	},
})

func yamlToJSON(src string) (string, error) {
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		return "", err
	}
	b, err := json.Marshal(normalizeYAML(v))
	if err != nil {
		return "", err
	}
	return string(b), nil
}
