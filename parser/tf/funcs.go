package tf

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"maps"
	"strings"
	"unsafe"

	"github.com/hashicorp/go-cty-funcs/collection"
	"github.com/hashicorp/go-cty-funcs/crypto"
	"github.com/hashicorp/go-cty-funcs/encoding"
	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"gopkg.in/yaml.v3"

	"github.com/cfnrun/cfnrun/internal/lazy"
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
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "keys": stdlib.KeysFunc, "lookup": lookupFunc.Get(),
		"merge": stdlib.MergeFunc, "range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc,
		"setunion": stdlib.SetUnionFunc, "slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc,
		"zipmap":       stdlib.ZipmapFunc,
		"base64decode": base64DecodeFunc.Get(), "base64encode": encoding.Base64EncodeFunc, "urlencode": encoding.URLEncodeFunc,
		"csvdecode": stdlib.CSVDecodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "jsonencode": jsonEncodeFunc.Get(),
		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
		"md5": hashHexFunc(md5.New), "sha1": hashHexFunc(sha1.New), "sha256": hashHexFunc(sha256.New), "sha512": hashHexFunc(sha512.New),
		"bcrypt": unpredictable(crypto.BcryptFunc), "uuid": unpredictable(uuidV4Func()), "uuidv5": uuidV5Func(),
		"cidrhost": cidrHostFunc.Get(), "cidrnetmask": cidrNetmaskFunc.Get(), "cidrsubnet": cidrSubnetFunc.Get(), "cidrsubnets": cidrSubnetsFunc.Get(),
		"abspath": filesystem.AbsPathFunc, "basename": filesystem.BasenameFunc, "dirname": filesystem.DirnameFunc,
		"pathexpand": filesystem.PathExpandFunc,
		"fileset":    filesystem.MakeFileSetFunc(baseDir),
		"tostring":   stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number), "tobool": stdlib.MakeToFunc(cty.Bool),
		"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), "toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"try":   tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"length": lengthFunc.Get(), "replace": replaceFunc.Get(), "index": tfIndexFunc.Get(), "sum": sumFunc.Get(), "alltrue": boolListFold(true),
		"anytrue": boolListFold(false), "one": oneFunc.Get(), "startswith": tfStartsWithFunc.Get(), "endswith": endsWithFunc.Get(),
		"strcontains": strContainsFunc.Get(), "timestamp": timestampFunc.Get(), "base64sha256": hashB64Func(false),
		"base64sha512": hashB64Func(true), "sensitive": identityFunc.Get(), "nonsensitive": identityFunc.Get(),
		"issensitive": issensitiveFunc.Get(), "matchkeys": tfMatchKeysFunc.Get(), "transpose": transposeFunc.Get(),
		"yamlencode": yamlEncodeFunc.Get(), "textencodebase64": textEncodeBase64Func.Get(), "textdecodebase64": textDecodeBase64Func.Get(),
		"base64gzip": base64GzipFunc.Get(), "yamldecode": yamlDecodeFunc.Get(),
	}
	fr := fileReader{base: baseDir, charge: l.budget.fileBytes, cache: map[string][]byte{}}
	for n, f := range fr.fileFunctions() {
		fs[n] = f
	}
	fs["templatefile"] = templateFileFunc(fr.read, fs, l.budget)
	fs["templatestring"] = templateStringFunc(fs, l.budget)
	fs["timecmp"] = timeCmpFunc.Get()
	fs["plantimestamp"] = timestampFunc.Get()
	fs["ephemeralasnull"] = identityFunc.Get()
	fs["rsadecrypt"] = crypto.RsaDecryptFunc
	fs["list"] = removedFunc(`the "list" function was removed in Terraform v0.12; use tolist([ ... ]) syntax to write a literal list`)
	fs["map"] = removedFunc(`the "map" function was removed in Terraform v0.12; use tomap({ ... }) syntax to write a literal map`)
	fs["provider::aws::arn_parse"] = arnParseFunc.Get()
	fs["provider::aws::arn_build"] = arnBuildFunc.Get()
	fs["provider::aws::trim_iam_role_path"] = trimIAMRolePathFunc.Get()
	// Every function charges the evaluation budget; templatefile and
	// templatestring call the charging functions too (they hold fs).
	maps.Copy(fs, l.budget.wrapFunctions(fs))
	return fs
}

var identityFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params:       []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
		Type:         func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		RefineResult: nil,
		Impl:         func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
		Description:  "Returns its argument.",
		VarParam:     nil,
	})
}}

// lengthFunc is Terraform's length: strings count characters, collections
// count elements.
var lengthFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
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
}}

// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
// regular expression.
var replaceFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
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
}}

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

var sumFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
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
}}

var oneFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
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
}}

func strPredicate(f func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var endsWithFunc = lazy.Value[function.Function]{New: func() function.Function { return strPredicate(strings.HasSuffix) }}
var strContainsFunc = lazy.Value[function.Function]{New: func() function.Function { return strPredicate(strings.Contains) }}

var timestampFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Type: function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.StringVal(fixedTimestamp), nil },
	})
}}

// hashHexFunc is md5, sha1, sha256 or sha512 as go-cty-funcs' crypto
// package defines them (one string; the digest in lowercase hex), hashing
// the string's bytes where they are: its functions copy the string first,
// and a deployment's sha1(jsonencode([...])) hashes every instance of the
// API (~190 KB of JSON for 200 routes).
func hashHexFunc(newHash func() hash.Hash) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			h := newHash()
			h.Write(stringBytes(args[0].AsString()))
			return cty.StringVal(hex.EncodeToString(h.Sum(nil))), nil
		},
	})
}

// stringBytes is s's bytes, shared with s: read only.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// hashB64Func is base64sha256 (use512 false) or base64sha512.
func hashB64Func(use512 bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data := stringBytes(args[0].AsString())
			if use512 {
				s := sha512.Sum512(data)
				return cty.StringVal(base64.StdEncoding.EncodeToString(s[:])), nil
			}
			s := sha256.Sum256(data)
			return cty.StringVal(base64.StdEncoding.EncodeToString(s[:])), nil
		},
	})
}

var transposeFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
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
}}

var base64GzipFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(gzipBase64(args[0].AsString())), nil
		},
	})
}}

// yamlDecodeFunc decodes YAML (via its JSON form, so maps become objects
// and sequences tuples, as Terraform's yamldecode).
var yamlDecodeFunc = lazy.Value[function.Function]{New: func() function.Function {
	return function.New(&function.Spec{
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
}}

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
