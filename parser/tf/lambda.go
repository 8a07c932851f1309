package tf

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/lazy"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Lambda functions of a Terraform configuration: aws_lambda_function with
// its aliases, layers and permissions, lowered into model.Function. A
// function whose filename is the output_path of an archive_file runs from
// the source the archive would contain, so the zip need not exist yet.

// Rules of the Lambda lowering (docs/terraform.md).
var (
	ruleZipMissing = newRule("TF060", sevWarning,
		"`aws_lambda_function` or `aws_lambda_layer_version` `filename` (or the `source` of the `aws_s3_object` its `s3_bucket`/`s3_key` name) that does not exist and that no `archive_file` writes",
		"`terraform apply` fails to read the zip; `cfnrun up` cannot run the function (or the functions using the layer) until it is built, or `--code NAME=PATH` supplies a function's code. A `filename` that is an `archive_file`'s `output_path` (by value or by reference) runs from the archive's `source_dir`, `source_file`, `source_content` or `source` blocks: the zip need not exist.")
	ruleArchiveSource = newRule("TF061", sevError,
		"`archive_file` `source_dir` or `source_file` that does not exist",
		"`terraform plan` fails (\"could not archive missing directory\"); the function that runs from the archive has no code.")
	ruleNamePending = newRule("TF063", sevInfo,
		"`aws_lambda_function` whose `function_name` is known only after apply (it interpolates a `random_*` result, say)",
		"cfnrun names the function after its resource locally and links the integrations and authorizers that read its `arn` or `invoke_arn` to it, so its routes are served.")
	ruleCodeNotLocalTF = newRule("TF062", sevInfo,
		"`aws_lambda_function` whose code is in S3 (`s3_bucket`/`s3_key`) or a container image (`image_uri`)",
		"It deploys, but cfnrun cannot read the code; `--code NAME=PATH` supplies a local directory or zip. When the configuration uploads the code itself (an `aws_s3_object` or `aws_s3_bucket_object` with a local `source`, referred to by `s3_key`/`s3_bucket` or with the same bucket and key, as sam's Terraform hook links them), the function runs from that source instead.")
)

// lambdaCFNName maps aws_lambda_* argument names to the CloudFormation
// property names model.Ranges are keyed by.
var lambdaCFNName = lazy.Value[map[string]string]{New: func() map[string]string {
	return map[string]string{
		"function_name": "FunctionName", "handler": "Handler", "runtime": "Runtime", "filename": "Code", "s3_bucket": "Code",
		"s3_key": "Code", "image_uri": "Code", "environment": "Environment", "timeout": "Timeout", "memory_size": "MemorySize",
		"layers": "Layers", "reserved_concurrent_executions": "ReservedConcurrentExecutions", "architectures": "Architectures",
		"package_type": "PackageType", "publish": "AutoPublishAlias", "action": "Action", "principal": "Principal",
		"source_arn": "SourceArn", "qualifier": "Qualifier", "name": "Name", "function_version": "FunctionVersion",
	}
}}

func (in *instance) lambdaRanges() model.Ranges {
	r := model.Ranges{}
	for n, rng := range in.ranges {
		if c, ok := lambdaCFNName.Get()[n]; ok {
			r.Set(c, toRange(rng))
		}
	}
	return r
}

// archive is what a data (or resource) "archive_file" would put in its zip.
type archive struct {
	in *instance
	// path is the cleaned output_path, relative to the working directory.
	path string
	code model.Code
	// buildMethod is "go1.x" when the archived file is the output of a
	// `go build` in a local-exec provisioner: code is then the Go package
	// (as SAM's Metadata.BuildMethod says for a template).
	buildMethod string
}

// codePath resolves a path argument as Terraform does: relative to the
// root module's directory (path.module is relative to it too).
func (l *loader) codePath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.rootDir, filepath.FromSlash(p))
}

// archives reads every archive_file instance (data source, or the
// deprecated resource).
func (l *loader) archives() []*archive {
	var out []*archive
	builds := l.goBuilds()
	for _, in := range l.insts {
		if in.res.typ != "archive_file" {
			continue
		}
		a := &archive{in: in, path: filepath.Clean(l.codePath(in.str("output_path")))}
		rng := in.rng()
		switch {
		case in.has("source_dir") && builds[filepath.Clean(l.codePath(in.str("source_dir")))+string(filepath.Separator)] != "":
			a.code = model.Code{Dir: builds[filepath.Clean(l.codePath(in.str("source_dir")))+string(filepath.Separator)], Range: toRange(in.ranges["source_dir"])}
			a.buildMethod = "go1.x"
		case in.has("source_file") && builds[filepath.Clean(l.codePath(in.str("source_file")))] != "":
			a.code = model.Code{Dir: builds[filepath.Clean(l.codePath(in.str("source_file")))], Range: toRange(in.ranges["source_file"])}
			a.buildMethod = "go1.x"
		case in.has("source_dir"):
			dir := l.codePath(in.str("source_dir"))
			a.code = model.Code{Dir: dir, Excludes: in.list("excludes"), Range: toRange(in.ranges["source_dir"])}
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				l.diagOnce(ruleArchiveSource.errorf(in.ranges["source_dir"], in.addr, "Point source_dir at the directory holding the function's code (relative to the root module, or ${path.module}/...).",
					"archive_file source_dir %q is not a directory", in.str("source_dir")))
			}
		case in.has("source_file"):
			f := l.codePath(in.str("source_file"))
			a.code = model.Code{Files: []model.CodeFile{{Name: filepath.Base(f), Source: f}}, Range: toRange(in.ranges["source_file"])}
			if fi, err := os.Stat(f); err != nil || fi.IsDir() {
				l.diagOnce(ruleArchiveSource.errorf(in.ranges["source_file"], in.addr, "Point source_file at the function's file (relative to the root module, or ${path.module}/...).",
					"archive_file source_file %q does not exist", in.str("source_file")))
			}
		case in.has("source_content"):
			a.code = model.Code{Files: []model.CodeFile{{Name: in.str("source_content_filename"), Content: in.str("source_content")}}, Range: toRange(in.ranges["source_content"])}
		case in.has("source"):
			for _, b := range elements(in.get("source")) {
				a.code.Files = append(a.code.Files, model.CodeFile{Name: ctyString(attrOf(b, "filename")), Content: ctyString(attrOf(b, "content"))})
			}
			a.code.Range = rng
		default:
			continue
		}
		out = append(out, a)
	}
	return out
}

// archiveFor finds the archive_file whose zip an argument (filename) names:
// by the path when it is known, else by the reference the expression makes
// (data.archive_file.x.output_path, whose value is unknown until the zip is
// written), preferring the archive instance with the same key as in.
func (l *loader) archiveFor(in *instance, arg string, archives []*archive) *archive {
	if p := in.str(arg); p != "" {
		p = filepath.Clean(l.codePath(p))
		for _, a := range archives {
			if a.path == p {
				return a
			}
		}
		return nil
	}
	sb, ok := in.res.body.(*hclsyntax.Body)
	if !ok || sb.Attributes[arg] == nil {
		return nil
	}
	var found *archive
	archiveRefs(in.mi, sb.Attributes[arg].Expr, 0, func(mi *modInst, tr hcl.Traversal) bool {
		name, _ := attrStep(tr, 2)
		base := mi.prefix + "data.archive_file." + name
		if len(tr) > 3 {
			if ix, ok := tr[3].(hcl.TraverseIndex); ok {
				base += instanceKey(ix.Key)
			}
		}
		var cands []*archive
		for _, a := range archives {
			if a.in.addr == base || strings.HasPrefix(a.in.addr, base+"[") {
				cands = append(cands, a)
			}
		}
		for _, a := range cands {
			if in.key != cty.NilVal && a.in.key != cty.NilVal && instanceKey(a.in.key) == instanceKey(in.key) {
				found = a
				return true
			}
		}
		if len(cands) == 1 {
			found = cands[0]
			return true
		}
		return false
	})
	return found
}

// maxArchiveRefDepth bounds how many locals and module inputs archiveRefs
// follows.
const maxArchiveRefDepth = 8

// archiveRefs calls visit with each data.archive_file reference expr
// makes in mi's scope, and those made by the locals and module inputs it
// reads: filename = local.filename, where local.filename is
// var.local_existing_package when set and the module's caller passes
// data.archive_file.x.output_path (terraform-aws-modules/lambda's
// local_existing_package), names that archive as filename =
// data.archive_file.x.output_path does. It stops when visit returns true.
func archiveRefs(mi *modInst, expr hcl.Expression, depth int, visit func(*modInst, hcl.Traversal) bool) bool {
	if mi == nil || expr == nil || depth > maxArchiveRefDepth {
		return false
	}
	for _, tr := range expr.Variables() {
		switch tr.RootName() {
		case "data":
			name, ok := attrStep(tr, 2)
			if typ, _ := attrStep(tr, 1); ok && typ == "archive_file" && name != "" && visit(mi, tr) {
				return true
			}
		case "local":
			if name, ok := attrStep(tr, 1); ok && mi.m.locals[name] != nil && archiveRefs(mi, mi.m.locals[name].Expr, depth+1, visit) {
				return true
			}
		case "var":
			if name, ok := attrStep(tr, 1); ok && mi.inputExprs[name] != nil && archiveRefs(mi.parent, mi.inputExprs[name].Expr, depth+1, visit) {
				return true
			}
		}
	}
	return false
}

// functions lowers aws_lambda_function and what belongs to it.
func (lw *lowering) functions(byType map[string][]*instance) {
	l := lw.l
	// Functions, aliases and layers are modelled now: their graph nodes
	// are not placeholders (as in the CloudFormation front end).
	for _, n := range lw.t.Nodes {
		switch n.Type {
		case "aws_lambda_function", "aws_lambda_alias", "aws_lambda_layer_version":
			n.Placeholder = false
		}
	}
	archives := l.archives()
	layers := map[string]*instance{}
	for _, in := range byType["aws_lambda_layer_version"] {
		layers[in.attrs["arn"]] = in
	}
	byARN := map[string]*model.Function{}
	for _, in := range byType["aws_lambda_function"] {
		name, arn := in.str("function_name"), in.attrs["arn"]
		if name == "" && in.unknown("function_name") {
			// Known only after apply ("fn-${random_uuid.x.result}"): the
			// function is named after its resource locally, and
			// references to its ARNs are linked by address
			// (linkPendingFunctions).
			name = in.res.name + instanceSuffix(in.key)
			arn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", cmpOr(in.str("region"), l.opts.Region), l.opts.AccountID, name)
			lw.pendingFns = append(lw.pendingFns, pendingFn{in.addr, arn})
			l.diagOnce(ruleNamePending.infof(in.ranges["function_name"], in.addr, fmt.Sprintf("cfnrun names it %s locally and serves its routes; on AWS it gets the name apply computes.", name),
				"the function name of %s is known only after apply", in.addr))
		}
		fn := &model.Function{LogicalID: in.addr, Name: name, ARN: arn, Runtime: in.str("runtime"),
			Handler: in.str("handler"), PackageType: in.str("package_type"), Timeout: in.num("timeout", 0), MemorySize: in.num("memory_size", 0),
			Architectures: in.list("architectures"), Range: in.rng(), Props: in.lambdaRanges()}
		if env := in.block("environment"); env != cty.NilVal {
			fn.Environment = valMap(attrOf(env, "variables"))
		}
		if n := in.num("reserved_concurrent_executions", -1); n >= 0 {
			fn.ReservedConcurrency = &n
		}
		fn.Code = lw.functionCode(in, fn, archives)
		for _, arn := range in.list("layers") {
			ly := model.Layer{ARN: arn, Range: toRange(in.ranges["layers"])}
			if li := layers[arn]; li != nil {
				ly.LogicalID, ly.Range = li.addr, li.rng()
				ly.Code = lw.layerCode(li, archives)
			} else {
				ly.Code = model.Code{NotLocal: "a layer from outside the configuration", Range: ly.Range}
			}
			fn.Layers = append(fn.Layers, ly)
		}
		if in.boolean("publish") {
			fn.Versions = append(fn.Versions, model.FunctionVersion{LogicalID: in.addr, Version: "1", ARN: fn.ARN + ":1", Range: toRange(in.ranges["publish"])})
		}
		lw.t.Functions = append(lw.t.Functions, fn)
		byARN[fn.ARN] = fn
	}
	find := func(ref string) (*model.Function, string) {
		fr, ok := model.ParseFunctionRef(ref)
		if !ok {
			return nil, ""
		}
		for arn, fn := range byARN {
			if r, _ := model.ParseFunctionRef(arn); r.Name == fr.Name && (fr.Account == "" || fr.Account == r.Account) && (fr.Region == "" || fr.Region == r.Region) {
				return fn, fr.Qualifier
			}
		}
		return nil, ""
	}
	for _, in := range byType["aws_lambda_alias"] {
		if fn, _ := find(in.str("function_name")); fn != nil {
			fn.Aliases = append(fn.Aliases, model.FunctionAlias{LogicalID: in.addr, Name: in.str("name"), FunctionVersion: in.str("function_version"), ARN: in.attrs["arn"], Range: in.rng()})
		}
	}
	for _, in := range byType["aws_lambda_permission"] {
		ref := in.str("function_name")
		if ref == "" && in.unknown("function_name") {
			// function_name = aws_lambda_function.x.function_name (or
			// .arn) of a function named only after apply.
			ref = lw.pendingFunctionRef(in.text("function_name"))
		}
		fn, q := find(ref)
		if fn == nil {
			continue
		}
		if in.has("qualifier") {
			q = in.str("qualifier")
		}
		fn.Permissions = append(fn.Permissions, model.Permission{LogicalID: in.addr, Action: in.str("action"), Principal: in.str("principal"),
			SourceArn: in.str("source_arn"), Qualifier: q, Range: in.rng(), Props: in.lambdaRanges()})
	}
}

// functionCode finds where an aws_lambda_function's code is.
func (lw *lowering) functionCode(in *instance, fn *model.Function, archives []*archive) model.Code {
	l := lw.l
	for _, k := range []string{fn.LogicalID, fn.Name} {
		if p, ok := l.opts.Code[k]; ok && k != "" {
			return codeAt(p)
		}
	}
	rng := toRange(in.ranges["filename"])
	switch {
	case in.has("filename"):
		if a := l.archiveFor(in, "filename", archives); a != nil {
			fn.BuildMethod = a.buildMethod
			return a.code
		}
		zip := l.codePath(in.str("filename"))
		if _, err := os.Stat(zip); err != nil && zip != "" {
			l.diagOnce(ruleZipMissing.warnf(in.ranges["filename"], in.addr,
				fmt.Sprintf("Build the zip first, declare a data \"archive_file\" whose output_path is this file (cfnrun then runs the archive's source), or pass --code %s=PATH (a directory or .zip).", in.addr),
				"%s does not exist yet: cfnrun up cannot run %s", in.str("filename"), in.addr))
		}
		return model.Code{Zip: zip, Range: rng}
	case in.has("image_uri") || strings.EqualFold(in.str("package_type"), "Image"):
		c := model.Code{NotLocal: "container image " + in.str("image_uri"), Range: toRange(in.ranges["image_uri"])}
		lw.notLocal(in, c, "image_uri")
		return c
	case in.has("s3_bucket"):
		if c, ok := l.s3Code(in, archives, &fn.BuildMethod); ok {
			return c
		}
		c := model.Code{NotLocal: fmt.Sprintf("s3_bucket/s3_key s3://%s/%s", in.text("s3_bucket"), in.text("s3_key")), Range: toRange(in.ranges["s3_bucket"])}
		lw.notLocal(in, c, "s3_bucket")
		return c
	}
	return model.Code{NotLocal: "no code", Range: in.rng()}
}

// s3Code finds the code an s3_bucket/s3_key pair names when the
// configuration uploads it itself: an aws_s3_object (or the older
// aws_s3_bucket_object) with a local source, as sam's Terraform hook links
// them. The object is the one s3_key or s3_bucket refers to, else the one
// whose bucket and key are the same (the same text for values known only
// after apply, in the same module). Its source runs as filename would: an
// archive_file's output_path runs from the archive's source.
func (l *loader) s3Code(in *instance, archives []*archive, buildMethod *string) (model.Code, bool) {
	o := l.s3Object(in)
	if o == nil {
		return model.Code{}, false
	}
	if a := l.archiveFor(o, "source", archives); a != nil {
		if buildMethod != nil {
			*buildMethod = a.buildMethod
		}
		return a.code, true
	}
	zip := l.codePath(o.str("source"))
	if zip == "" {
		return model.Code{}, false
	}
	if _, err := os.Stat(zip); err != nil {
		l.diagOnce(ruleZipMissing.warnf(o.ranges["source"], o.addr,
			fmt.Sprintf("Build the zip first, declare a data \"archive_file\" whose output_path is this file (cfnrun then runs the archive's source), or pass --code %s=PATH (a directory or .zip).", in.addr),
			"%s does not exist yet: cfnrun up cannot run %s", o.str("source"), in.addr))
	}
	return model.Code{Zip: zip, Range: toRange(o.ranges["source"])}, true
}

func (l *loader) s3Object(in *instance) *instance {
	isObject := func(typ string) bool { return typ == "aws_s3_object" || typ == "aws_s3_bucket_object" }
	if sb, ok := in.res.body.(*hclsyntax.Body); ok {
		for _, arg := range []string{"s3_key", "s3_bucket"} {
			if sb.Attributes[arg] == nil {
				continue
			}
			for _, tr := range sb.Attributes[arg].Expr.Variables() {
				name, ok := attrStep(tr, 1)
				if !ok || !isObject(tr.RootName()) {
					continue
				}
				base := in.mi.prefix + tr.RootName() + "." + name
				if len(tr) > 2 {
					if ix, ok := tr[2].(hcl.TraverseIndex); ok {
						base += instanceKey(ix.Key)
					}
				}
				for _, o := range l.insts {
					if o.addr == base && o.has("source") {
						return o
					}
				}
			}
		}
	}
	bucket, key := in.text("s3_bucket"), in.text("s3_key")
	if bucket == "" || key == "" {
		return nil
	}
	for _, o := range l.insts {
		if !isObject(o.res.typ) || !o.has("source") || o.text("bucket") != bucket || o.text("key") != key {
			continue
		}
		if o.mi == in.mi || (!in.unknown("s3_bucket") && !in.unknown("s3_key")) {
			return o
		}
	}
	return nil
}

func (lw *lowering) notLocal(in *instance, c model.Code, key string) {
	rng, ok := in.ranges[key]
	if !ok {
		rng = in.rng_()
	}
	lw.l.diagOnce(ruleCodeNotLocalTF.infof(rng, in.addr, fmt.Sprintf("Pass --code %s=PATH (a directory or .zip with the function's code) to run it locally.", in.addr),
		"the code of %s is not local (%s); cfnrun up does not run it", in.addr, c.NotLocal))
}

func (lw *lowering) layerCode(in *instance, archives []*archive) model.Code {
	l := lw.l
	if in.has("filename") {
		if a := l.archiveFor(in, "filename", archives); a != nil {
			return a.code
		}
		zip := l.codePath(in.str("filename"))
		if _, err := os.Stat(zip); err != nil && zip != "" {
			l.diagOnce(ruleZipMissing.warnf(in.ranges["filename"], in.addr,
				"Build the zip first, or declare a data \"archive_file\" whose output_path is this file (cfnrun then runs the archive's source).",
				"%s does not exist yet: the functions using %s cannot start under cfnrun up", in.str("filename"), in.addr))
		}
		return model.Code{Zip: zip, Range: toRange(in.ranges["filename"])}
	}
	if c, ok := l.s3Code(in, archives, nil); ok {
		return c
	}
	return model.Code{NotLocal: fmt.Sprintf("s3_bucket/s3_key s3://%s/%s", in.text("s3_bucket"), in.text("s3_key")), Range: in.rng()}
}

// codeAt describes a local directory, .zip or single file at path.
func codeAt(path string) model.Code {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return model.Code{Zip: path}
	}
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		return model.Code{Files: []model.CodeFile{{Name: filepath.Base(path), Source: path}}}
	}
	return model.Code{Dir: path}
}

// lambdaARN gives the Lambda types' placeholder ARNs the shapes AWS uses:
// an alias is its function's ARN qualified with the alias name, a layer
// version "arn:aws:lambda:{region}:{account}:layer:{name}:{version}".
// extra are attributes to add.
//
// A name Terraform knows only after apply (function_name =
// "fn-${random_uuid.x.result}") is replaced by named, the name the
// placeholder invents (the resource's name), so the function keeps an
// identity its references and integrations agree on.
func lambdaARN(typ string, obj map[string]cty.Value, region, acct, named string) (arn string, extra map[string]string, ok bool) {
	switch typ {
	case "aws_lambda_function":
		fnARN := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, acct, cmpOr(ctyString(obj["function_name"]), named))
		version := "$LATEST"
		if v := obj["publish"]; v != cty.NilVal && valBool(v) {
			version = "1"
		}
		return fnARN, map[string]string{"version": version, "qualified_arn": fnARN + ":" + version,
			"qualified_invoke_arn": fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s:%s/invocations", region, fnARN, version)}, true
	case "aws_lambda_alias":
		fn := ctyString(obj["function_name"])
		if fr, ok := model.ParseFunctionRef(fn); ok {
			fn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", cmpOr(fr.Region, region), cmpOr(fr.Account, acct), fr.Name)
		}
		return fn + ":" + ctyString(obj["name"]), nil, true
	case "aws_lambda_layer_version":
		name := ctyString(obj["layer_name"])
		layer := fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s", region, acct, name)
		return layer + ":1", map[string]string{"layer_arn": layer, "version": "1"}, true
	}
	return "", nil, false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// goBuilds finds the `go build -o OUT PKG` commands of local-exec
// provisioners (a null_resource or terraform_data that builds a Go
// function before archive_file zips it): OUT (cleaned, relative to the
// working directory cfnrun runs in) → the package directory. The key of a
// directory output ends with a path separator, so an archive_file of the
// output's directory matches too.
func (l *loader) goBuilds() map[string]string {
	out := map[string]string{}
	for _, in := range l.insts {
		sb, ok := in.res.body.(*hclsyntax.Body)
		if !ok || in.res.data || !slices.ContainsFunc(sb.Blocks, isLocalExec) {
			continue
		}
		mod := "."
		if rel, err := filepath.Rel(l.rootDir, in.mi.m.dir); err == nil {
			mod = filepath.ToSlash(rel)
		}
		ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"path": cty.ObjectVal(map[string]cty.Value{
			"module": cty.StringVal(mod), "root": cty.StringVal("."), "cwd": cty.StringVal("."),
		})}}
		str := func(b *hclsyntax.Body, name string) string {
			a := b.Attributes[name]
			if a == nil {
				return ""
			}
			v, ds := a.Expr.Value(ctx)
			if ds.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
				return ""
			}
			return v.AsString()
		}
		for _, b := range sb.Blocks {
			if !isLocalExec(b) {
				continue
			}
			wd := str(b.Body, "working_dir")
			for _, gb := range parseGoBuilds(str(b.Body, "command")) {
				dir := gb.dir
				if !filepath.IsAbs(dir) {
					dir = filepath.Join(wd, dir)
				}
				o, pkg := gb.out, gb.pkg
				if !filepath.IsAbs(o) {
					o = filepath.Join(dir, o)
				}
				if !filepath.IsAbs(pkg) {
					pkg = filepath.Join(dir, pkg)
				}
				o, pkg = filepath.Clean(l.codePath(o)), filepath.Clean(l.codePath(pkg))
				out[o] = pkg
				out[filepath.Dir(o)+string(filepath.Separator)] = pkg
			}
		}
	}
	return out
}

func isLocalExec(b *hclsyntax.Block) bool {
	return b.Type == "provisioner" && len(b.Labels) == 1 && b.Labels[0] == "local-exec"
}

type goBuild struct{ dir, out, pkg string }

// goValueFlags are the go build flags that take a value.
var goValueFlags = lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{"-o": true, "-tags": true, "-ldflags": true, "-gcflags": true, "-asmflags": true, "-mod": true,
		"-modfile": true, "-p": true, "-C": true, "-buildmode": true, "-pkgdir": true, "-overlay": true, "-pgo": true, "-installsuffix": true}
}}

// parseGoBuilds reads the `go build` invocations of a shell command (one
// per line, or joined with && or ;) that name their output with -o and
// build a local package ("." when none is named).
func parseGoBuilds(cmd string) []goBuild {
	var out []goBuild
	for _, stmt := range strings.FieldsFunc(strings.ReplaceAll(strings.ReplaceAll(cmd, "&&", "\n"), ";", "\n"), func(r rune) bool { return r == '\n' }) {
		words := shellWords(stmt)
		i := 0
		for i < len(words) && (strings.Contains(words[i], "=") || words[i] == "env") {
			i++ // GOOS=linux GOARCH=arm64 ...
		}
		if i+1 >= len(words) || words[i] != "go" || words[i+1] != "build" {
			continue
		}
		gb := goBuild{dir: "."}
		var pkgs []string
		for j := i + 2; j < len(words); j++ {
			w := words[j]
			name, val, hasVal := strings.Cut(w, "=")
			switch {
			case strings.HasPrefix(w, "-") && goValueFlags.Get()[name]:
				if !hasVal && j+1 < len(words) {
					j++
					val = words[j]
				}
				switch name {
				case "-o":
					gb.out = val
				case "-C":
					gb.dir = val
				}
			case strings.HasPrefix(w, "-"):
			default:
				pkgs = append(pkgs, w)
			}
		}
		gb.pkg = "."
		if len(pkgs) > 0 {
			gb.pkg = pkgs[len(pkgs)-1]
		}
		if gb.out == "" || !(gb.pkg == "." || strings.HasPrefix(gb.pkg, "./") || strings.HasPrefix(gb.pkg, "../")) {
			continue // an import path: not a directory of this configuration
		}
		gb.pkg = strings.TrimSuffix(gb.pkg, "/...")
		out = append(out, gb)
	}
	return out
}

// shellWords splits a command line into words, honouring single and
// double quotes and backslash escapes (no expansions).
func shellWords(s string) []string {
	var out []string
	var b strings.Builder
	inWord, quote := false, rune(0)
	for i := 0; i < len(s); i++ {
		c := rune(s[i])
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			} else {
				b.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				out = append(out, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteRune(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, b.String())
	}
	return out
}

// pendingFn is a function whose ARN is known only after apply, with the
// ARN cfnrun gives it locally.
type pendingFn struct{ addr, arn string }

// instanceSuffix names an instance key in a function name: "-a" for
// ["a"], "-0" for [0], "" for none.
func instanceSuffix(k cty.Value) string {
	s := instanceKey(k)
	if s == "" {
		return ""
	}
	return "-" + strings.Trim(s, `[]"`)
}

// pendingFunctionRef is the text of an argument known only after apply
// with the name, ARN or qualified ARN of each function named only after
// apply written as cfnrun names it.
func (lw *lowering) pendingFunctionRef(text string) string {
	if len(lw.pendingFns) == 0 || !strings.Contains(text, "${aws_lambda_function.") {
		return ""
	}
	var pairs []string
	for _, p := range lw.pendingFns {
		fr, _ := model.ParseFunctionRef(p.arn)
		pairs = append(pairs, "${"+p.addr+".function_name}", fr.Name, "${"+p.addr+".id}", fr.Name, "${"+p.addr+".arn}", p.arn,
			"${"+p.addr+".qualified_arn}", p.arn+":$LATEST")
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// linkPendingFunctions rewrites the integration and authorizer URIs that
// read the ARN of a function named only after apply ("${addr.invoke_arn}"
// in the model) into the ARN cfnrun gave the function, so the model links
// them to it like any other.
func (lw *lowering) linkPendingFunctions() {
	if len(lw.pendingFns) == 0 {
		return
	}
	region := lw.l.opts.Region
	var pairs []string
	for _, p := range lw.pendingFns {
		invoke := fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", region, p.arn)
		pairs = append(pairs, "${"+p.addr+".invoke_arn}", invoke, "${"+p.addr+".arn}", p.arn,
			"${"+p.addr+".qualified_invoke_arn}", strings.Replace(invoke, "/invocations", ":$LATEST/invocations", 1),
			"${"+p.addr+".qualified_arn}", p.arn+":$LATEST")
	}
	r := strings.NewReplacer(pairs...)
	link := func(m *model.Method) {
		if in := m.Integration; in != nil && strings.Contains(in.URI, "${aws_lambda_function.") {
			in.URI = r.Replace(in.URI)
		}
	}
	for _, api := range lw.t.APIs {
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				link(m)
			}
		}
		if api.DefaultRoute != nil {
			link(api.DefaultRoute)
		}
		for _, a := range api.Authorizers {
			if strings.Contains(a.AuthorizerURI, "${aws_lambda_function.") {
				a.AuthorizerURI = r.Replace(a.AuthorizerURI)
			}
		}
	}
}
