package resolver

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Lambda functions of a CloudFormation template: AWS::Lambda::Function
// (with CDK's asset metadata), AWS::Serverless::Function (SAM, with
// Globals.Function), their aliases, versions, layers and permissions, lowered
// into model.Function. The runtime runs them from Function.Code; the model
// links integrations to them (model.Template.Finalize).

// Rules reported while lowering functions (docs/rules.md).
var (
	ruleCodeNotLocal = define(Rule{ID: "I3413", Level: "info",
		Summary: "a function whose code is not local (S3, a container image, a layer from outside the template)",
		Why:     "It deploys, but cfnrun up cannot run it; --code NAME=PATH supplies a local directory or .zip."})
	ruleCodeMissing = define(Rule{ID: "E3414", Level: "error",
		Summary: "a function whose CodeUri (or CDK asset path, or --code path) does not exist",
		Why:     "sam build / sam deploy / cdk deploy fail to package the code, and cfnrun up cannot run it."})
	ruleInlineCode = define(Rule{ID: "E3418", Level: "error",
		Summary: "inline code (Code.ZipFile, SAM InlineCode) for a runtime other than Node.js or Python, or longer than 4096 characters",
		Why:     "CloudFormation rejects it. cfn-lint: E3677 (runtime) and the schema's length limit."})
)

// lambdaAttrs computes the Ref and attributes of the Lambda types, so that
// references to functions, aliases, versions and layers read what AWS
// returns. ok is false for other types.
func (s *stack) lambdaAttrs(r *resource) (map[string]string, bool) {
	switch r.typ {
	case "AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::Alias", "AWS::Lambda::Version",
		"AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion":
	default:
		return nil, false // most resources: no map to allocate
	}
	a := make(map[string]string, 4)
	switch r.typ {
	case "AWS::Lambda::Function", "AWS::Serverless::Function":
		name := s.physicalName(r)
		arn := s.functionARN(name)
		a["Ref"], a["Arn"] = name, arn
		if r.typ == "AWS::Serverless::Function" {
			if alias := s.samProp(r, "AutoPublishAlias"); alias != "" {
				// !Ref Fn.Alias / ${Fn.Alias} and !Ref Fn.Version (SAM).
				a["Alias"] = arn + ":" + alias
				a["Version"] = arn + ":1"
			}
		}
	case "AWS::Lambda::Alias":
		fn, name := "", ""
		if r.implied {
			// SAM's {Fn}Alias{name} for AutoPublishAlias.
			for _, id := range s.resOrder {
				f := s.res[id]
				if f.typ == "AWS::Serverless::Function" && f != r {
					if alias := s.samProp(f, "AutoPublishAlias"); alias != "" && id+"Alias"+alias == r.id {
						fn, name = s.attr(f, "Arn", r.keyRange, evalCtx{}), alias
					}
				}
			}
		} else {
			fn, name = s.functionRefARN(s.propString(r, "FunctionName")), s.propString(r, "Name")
		}
		a["Ref"] = fn + ":" + name
		a["AliasArn"] = a["Ref"]
	case "AWS::Lambda::Version":
		fn := s.functionRefARN(s.propString(r, "FunctionName"))
		v := strconv.Itoa(s.versionNumber(r, fn))
		a["Ref"], a["FunctionArn"], a["Version"] = fn+":"+v, fn+":"+v, v
	case "AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion":
		name := s.propString(r, "LayerName")
		if name == "" || strings.Contains(name, "${") {
			if r.typ == "AWS::Serverless::LayerVersion" {
				name = r.id // SAM's default LayerName
			} else {
				name = s.physicalName(r)
			}
		}
		if strings.HasPrefix(name, "arn:") {
			a["Ref"] = name + ":1"
		} else {
			a["Ref"] = fmt.Sprintf("arn:%s:lambda:%s:%s:layer:%s:1", s.partition, s.region, s.account, name)
		}
		a["LayerVersionArn"] = a["Ref"]
	}
	return a, true
}

func (s *stack) functionARN(name string) string {
	return "arn:" + s.partition + ":lambda:" + s.region + ":" + s.account + ":function:" + name
}

// functionRefARN turns a FunctionName property (a name, a partial ARN or an
// ARN, maybe qualified) into the unqualified function ARN.
func (s *stack) functionRefARN(ref string) string {
	fr, ok := model.ParseFunctionRef(ref)
	if !ok {
		return ref
	}
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", cmp.Or(fr.Partition, s.partition), cmp.Or(fr.Region, s.region), cmp.Or(fr.Account, s.account), fr.Name)
}

// versionNumber numbers the AWS::Lambda::Version resources of one function
// in declaration order, as publishing them one after another would.
func (s *stack) versionNumber(r *resource, fnARN string) int {
	n := 0
	for _, v := range s.resources() {
		if v.typ != "AWS::Lambda::Version" || !v.live {
			continue
		}
		if v != r && s.functionRefARN(s.propString(v, "FunctionName")) != fnARN {
			continue
		}
		n++
		if v == r {
			return n
		}
	}
	return max(n, 1)
}

// propString evaluates a top-level property of r to a string ("" when
// unset).
func (s *stack) propString(r *resource, key string) string {
	if r.props == nil {
		return ""
	}
	n := r.props.Get(key)
	if n == nil {
		return ""
	}
	v := s.eval(n, evalCtx{resource: r.id})
	if v == noValue {
		return ""
	}
	return s.stringify(v, n)
}

// samProp reads a scalar property of a SAM function, falling back to
// Globals.Function as the transform does.
func (s *stack) samProp(r *resource, key string) string {
	if r.props != nil && r.props.Get(key) != nil {
		return s.propString(r, key)
	}
	if g := s.samGlobals(); g != nil && g.Get(key) != nil {
		v := s.eval(g.Get(key), evalCtx{resource: r.id})
		if v != noValue {
			return s.stringify(v, g.Get(key))
		}
	}
	return ""
}

func (s *stack) samGlobals() *cfn.Node {
	if !s.isSAM() {
		return nil
	}
	return s.root.Get("Globals").Get("Function")
}

// samDotted resolves SAM's !Ref Fn.Alias, !Ref Fn.Version, !Ref Api.Stage
// and !Ref Api.Deployment: the resource and the attribute to read ("" for
// its Ref), when name is one of them.
func (s *stack) samDotted(name string) (*resource, string, bool) {
	if !s.isSAM() {
		return nil, "", false
	}
	id, attr, ok := strings.Cut(name, ".")
	if !ok {
		return nil, "", false
	}
	r := s.res[id]
	switch {
	case r == nil:
		return nil, "", false
	case r.typ == "AWS::Serverless::Function" && (attr == "Alias" || attr == "Version"):
	case r.typ == "AWS::Serverless::Api" && attr == "Stage":
		// The stage the transform generates, {Api}{StageName}Stage: its
		// Ref is the stage's name.
		if st := s.res[id+s.propString(r, "StageName")+"Stage"]; st != nil && st.implied {
			return st, "", true
		}
		return nil, "", false
	case r.typ == "AWS::Serverless::Api" && attr == "Deployment":
	default:
		return nil, "", false
	}
	return r, attr, true
}

// lowerFunctions adds every live function of the stack to the model, with
// its aliases, versions and permissions.
func (l *lowerer) lowerFunctions() {
	s := l.s
	byARN := map[string]*model.Function{}
	for _, r := range s.resources() {
		if !r.live || r.implied {
			continue
		}
		var fn *model.Function
		switch r.typ {
		case "AWS::Lambda::Function":
			fn = l.cfnFunction(r)
		case "AWS::Serverless::Function":
			fn = l.samFunction(r)
		default:
			continue
		}
		l.t.Functions = append(l.t.Functions, fn)
		byARN[fn.ARN] = fn
	}
	find := func(ref string) (*model.Function, string) {
		fr, ok := model.ParseFunctionRef(ref)
		if !ok {
			return nil, ""
		}
		return byARN[s.functionRefARN(ref)], fr.Qualifier
	}
	for _, r := range s.resources() {
		if !r.live || r.implied {
			continue
		}
		p := l.propsOf(r)
		switch r.typ {
		case "AWS::Lambda::Alias":
			if fn, _ := find(p.str("FunctionName")); fn != nil {
				fn.Aliases = append(fn.Aliases, model.FunctionAlias{LogicalID: r.id, Name: p.str("Name"), FunctionVersion: p.str("FunctionVersion"), ARN: r.attrs["Ref"], Range: r.keyRange})
			}
		case "AWS::Lambda::Version":
			if fn, _ := find(p.str("FunctionName")); fn != nil {
				fn.Versions = append(fn.Versions, model.FunctionVersion{LogicalID: r.id, Version: r.attrs["Version"], ARN: r.attrs["Ref"], Range: r.keyRange})
			}
		case "AWS::Lambda::Permission":
			if fn, q := find(p.str("FunctionName")); fn != nil {
				fn.Permissions = append(fn.Permissions, model.Permission{LogicalID: r.id, Action: p.str("Action"), Principal: p.str("Principal"),
					SourceArn: p.str("SourceArn"), Qualifier: q, Range: r.keyRange, Props: p.ranges()})
			}
		}
	}
}

// cfnFunction lowers an AWS::Lambda::Function.
func (l *lowerer) cfnFunction(r *resource) *model.Function {
	p := l.propsOf(r)
	fn := l.newFunction(r, p)
	fn.Runtime, fn.Handler, fn.PackageType = p.str("Runtime"), p.str("Handler"), p.str("PackageType")
	fn.Environment = p.sub("Environment").strMap("Variables")
	fn.Timeout = p.integer("Timeout", 0)
	fn.MemorySize = p.integer("MemorySize", 0)
	fn.Architectures = p.list("Architectures")
	if p.has("ReservedConcurrentExecutions") {
		n := p.integer("ReservedConcurrentExecutions", 0)
		fn.ReservedConcurrency = &n
	}
	code := p.sub("Code")
	rng := p.at("Code", r.keyRange)
	switch {
	case l.userCode(fn):
	case l.assetCode(r, "Code", &fn.Code, rng):
	case code.node != nil && code.node.Kind == cfn.Scalar && p.str("Code") != "":
		// A local path (directory or zip), as written before `aws
		// cloudformation package` uploads it and as sam local start-api
		// reads it (aws-sam-cli's own start_api test data writes Code: ".").
		if v := p.str("Code"); strings.HasPrefix(v, "s3://") {
			fn.Code = model.Code{NotLocal: "Code " + v, Range: rng}
		} else {
			fn.Code = l.localCode(v, rng)
		}
	case code.has("ZipFile"):
		fn.Code = model.Code{Files: []model.CodeFile{{Name: inlineFileName(fn.Runtime), Content: code.str("ZipFile")}}, Range: code.at("ZipFile", rng)}
	case code.has("ImageUri") || strings.EqualFold(fn.PackageType, "Image"):
		fn.Code = model.Code{NotLocal: "container image " + code.str("ImageUri"), Range: rng}
	case code.has("S3Bucket") || code.has("S3Key"):
		fn.Code = model.Code{NotLocal: fmt.Sprintf("Code.S3Bucket/S3Key s3://%s/%s", code.str("S3Bucket"), code.str("S3Key")), Range: rng}
	default:
		fn.Code = model.Code{NotLocal: "no Code", Range: rng}
	}
	fn.Layers = l.layers(p.list("Layers"), p.at("Layers", r.keyRange))
	l.reportCode(fn, "Code")
	return fn
}

// samFunction lowers an AWS::Serverless::Function as the SAM transform
// would, with Globals.Function.
func (l *lowerer) samFunction(r *resource) *model.Function {
	s := l.s
	p := l.propsOf(r)
	g := l.bareProps(r.id, s.samGlobals())
	// get returns the property from the function, or from Globals.
	get := func(key string) *props {
		if p.has(key) {
			return p
		}
		if g.node != nil && g.has(key) {
			return g
		}
		return p
	}
	fn := l.newFunction(r, p)
	// A property that comes from Globals is found there: findings on it
	// (a blocked Runtime, a Timeout out of range) point at its line.
	for _, key := range []string{"Runtime", "Handler", "PackageType", "Timeout", "MemorySize", "Architectures", "ReservedConcurrentExecutions", "CodeUri"} {
		if !p.has(key) && g.node != nil && g.has(key) {
			fn.Props.Set(key, g.node.Field(key).KeyRange())
		}
	}
	fn.Runtime, fn.Handler, fn.PackageType = get("Runtime").str("Runtime"), get("Handler").str("Handler"), get("PackageType").str("PackageType")
	fn.Timeout = get("Timeout").integer("Timeout", 0)
	fn.MemorySize = get("MemorySize").integer("MemorySize", 0)
	fn.Architectures = get("Architectures").list("Architectures")
	if q := get("ReservedConcurrentExecutions"); q.has("ReservedConcurrentExecutions") {
		n := q.integer("ReservedConcurrentExecutions", 0)
		fn.ReservedConcurrency = &n
	}
	// Maps merge (the function wins), lists append (Globals first).
	for _, src := range []*props{g, p} {
		if src.node == nil {
			continue
		}
		for k, v := range src.sub("Environment").strMap("Variables") {
			if fn.Environment == nil {
				fn.Environment = map[string]string{}
			}
			fn.Environment[k] = v
		}
	}
	var layers []string
	if g.node != nil {
		layers = g.list("Layers")
	}
	layers = append(layers, p.list("Layers")...)
	fn.Layers = l.layers(layers, p.at("Layers", r.keyRange))
	codeKey := "CodeUri"
	switch c := get("CodeUri"); {
	case l.userCode(fn):
	case l.assetCode(r, "CodeUri", &fn.Code, p.at("CodeUri", r.keyRange)):
	case p.has("InlineCode"):
		codeKey = "InlineCode"
		fn.Code = model.Code{Files: []model.CodeFile{{Name: inlineFileName(fn.Runtime), Content: p.str("InlineCode")}}, Range: p.at("InlineCode", r.keyRange)}
	case get("ImageUri").has("ImageUri") || strings.EqualFold(fn.PackageType, "Image"):
		fn.Code = model.Code{NotLocal: "container image " + get("ImageUri").str("ImageUri"), Range: p.at("ImageUri", r.keyRange)}
	default:
		rng := c.at("CodeUri", r.keyRange)
		if c.node != nil && c.node.Get("CodeUri") != nil && c.node.Get("CodeUri").Kind == cfn.Mapping {
			loc := c.sub("CodeUri")
			fn.Code = model.Code{NotLocal: fmt.Sprintf("CodeUri s3://%s/%s", loc.str("Bucket"), loc.str("Key")), Range: rng}
			break
		}
		uri := c.str("CodeUri")
		if uri == "" {
			uri = "." // SAM CLI runs a function without CodeUri from the template's directory
		}
		fn.Code = l.localCode(uri, rng)
	}
	fn.BuildMethod = r.decl.Get("Metadata").Get("BuildMethod").String()
	if alias := s.samProp(r, "AutoPublishAlias"); alias != "" {
		fn.Versions = append(fn.Versions, model.FunctionVersion{LogicalID: r.id + "Version", Version: "1", ARN: fn.ARN + ":1", Range: p.at("AutoPublishAlias", r.keyRange)})
		fn.Aliases = append(fn.Aliases, model.FunctionAlias{LogicalID: r.id + "Alias" + alias, Name: alias, FunctionVersion: "1", ARN: fn.ARN + ":" + alias, Range: p.at("AutoPublishAlias", r.keyRange)})
	}
	l.samPermissions(r, fn)
	l.reportCode(fn, codeKey)
	return fn
}

// samPermissions adds the AWS::Lambda::Permission the SAM transform
// generates for each Api event: {Fn}{Event}Permission{Stage}, for
// apigateway.amazonaws.com, on the alias when AutoPublishAlias is set, with
// a SourceArn for the event's method and path (path variables as *).
func (l *lowerer) samPermissions(r *resource, fn *model.Function) {
	s := l.s
	q := s.samProp(r, "AutoPublishAlias")
	httpDefault := map[string]bool{} // HTTP APIs this function is the $default route of
	for _, ev := range samEvents(r) {
		if ev.typ == "HttpApi" {
			l.samHTTPPermission(r, fn, ev, q, httpDefault)
			continue
		}
		if ev.typ != "Api" || ev.props == nil {
			continue
		}
		ep := l.bareProps(r.id, ev.props)
		apiID, stage := s.res["ServerlessRestApi"].attrsOrEmpty("Ref"), "Prod"
		fix := ""
		if ep.has("RestApiId") {
			apiID, stage = ep.str("RestApiId"), "AllStages"
			for _, aid := range s.resOrder {
				if a := s.res[aid]; (a.typ == "AWS::Serverless::Api" || a.typ == "AWS::ApiGateway::RestApi") && !a.implied && a.attrs["Ref"] == apiID {
					stage = samEventStage(a, stage)
				}
			}
			if a := samPlainRestAPI(s, ev.props); a != nil {
				// The transform names the permission after the API's
				// stage but keeps the literal id in its SourceArn.
				stage = samEventStage(a, stage)
				fix = fmt.Sprintf("The SAM transform copies the event's RestApiId into the permission's SourceArn as written, "+
					"so it names API %q, which is no API's id: write RestApiId: !Ref %s. API Gateway answers 500 for every request until then.", a.id, a.id)
			}
		}
		verb := strings.ToUpper(ep.str("Method"))
		if verb == "ANY" || verb == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
			verb = "*"
		}
		var segs []string
		for _, seg := range strings.Split(strings.Trim(ep.str("Path"), "/"), "/") {
			if strings.HasPrefix(seg, "{") {
				seg = "*"
			}
			segs = append(segs, seg)
		}
		fn.Permissions = append(fn.Permissions, model.Permission{LogicalID: r.id + ev.name + "Permission" + stage, Action: "lambda:InvokeFunction",
			Principal: "apigateway.amazonaws.com", Qualifier: q, Generated: true, Fix: fix, Range: ev.rng,
			SourceArn: fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/*/%s/%s", s.partition, s.region, s.account, apiID, verb, strings.Join(segs, "/"))})
	}
}

// newFunction is the function lowered from r, whose properties p are:
// its Props know where each property is written and, as
// "Environment.NAME", each environment variable (functionKeys).
func (l *lowerer) newFunction(r *resource, p *props) *model.Function {
	fn := &model.Function{LogicalID: r.id, Name: r.attrs["Ref"], ARN: r.attrs["Arn"], Range: r.keyRange}
	if p.node == nil || len(p.node.Fields) == 0 {
		return fn
	}
	fn.Props = l.rangesOf((*functionKeys)(p.node), p.node)
	if len(fn.Props) == 1 && fn.Props[0].Keys != nil {
		return fn
	}
	// Copied (rangesOf): the variables' keys as well.
	if vars := p.node.Get("Environment").Get("Variables"); vars != nil {
		for _, f := range vars.Fields {
			fn.Props.Set("Environment."+f.Key, f.KeyRange())
		}
	}
	return fn
}

// inlineFileName is the file CloudFormation writes inline code to:
// index.js for Node.js (a CommonJS module), index.py for Python.
func inlineFileName(runtime string) string {
	switch {
	case strings.HasPrefix(runtime, "python"):
		return "index.py"
	case strings.HasPrefix(runtime, "nodejs"):
		return "index.js"
	}
	return "index"
}

// userCode applies --code NAME=PATH (NAME a logical id or function name).
func (l *lowerer) userCode(fn *model.Function) bool {
	path, ok := l.s.opts.Code[fn.LogicalID]
	if !ok {
		path, ok = l.s.opts.Code[fn.Name]
	}
	if !ok {
		return false
	}
	fn.Code = CodeAt(path, diag.Range{})
	return true
}

// CodeAt describes a local directory or .zip at path.
func CodeAt(path string, rng diag.Range) model.Code {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return model.Code{Zip: path, Range: rng}
	}
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		return model.Code{Files: []model.CodeFile{{Name: filepath.Base(path), Source: path}}, Range: rng}
	}
	return model.Code{Dir: path, Range: rng}
}

// localCode resolves a CodeUri / ContentUri written in the template: an
// s3:// location is not local; anything else is a directory or a .zip
// relative to the template.
func (l *lowerer) localCode(uri string, rng diag.Range) model.Code {
	if strings.HasPrefix(uri, "s3://") {
		return model.Code{NotLocal: "CodeUri " + uri, Range: rng}
	}
	path := uri
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(l.s.file), filepath.FromSlash(uri))
	}
	return CodeAt(path, rng)
}

// assetCode reads CDK's asset metadata (aws:asset:path and
// aws:asset:property naming prop), as SAM CLI does: the code is the asset
// directory or zip inside cdk.out, next to the template.
func (l *lowerer) assetCode(r *resource, prop string, c *model.Code, rng diag.Range) bool {
	md := r.decl.Get("Metadata")
	if md == nil {
		return false
	}
	path, property := md.Get("aws:asset:path").String(), md.Get("aws:asset:property").String()
	if path == "" || (property != "" && property != prop) {
		return false
	}
	if f := r.decl.Field("Metadata"); f != nil {
		if pf := f.Value.Field("aws:asset:path"); pf != nil {
			rng = pf.Value.Range()
		}
	}
	*c = l.localCode(path, rng)
	return true
}

// layers resolves layer ARNs to the template's layers where it defines
// them.
func (l *lowerer) layers(arns []string, rng diag.Range) []model.Layer {
	var out []model.Layer
	for _, arn := range arns {
		ly := model.Layer{ARN: arn, Range: rng}
		for _, r := range l.s.resources() {
			if !r.live || (r.typ != "AWS::Lambda::LayerVersion" && r.typ != "AWS::Serverless::LayerVersion") || r.attrs["Ref"] != arn {
				continue
			}
			ly.LogicalID, ly.Range = r.id, r.keyRange
			p := l.propsOf(r)
			switch {
			case l.assetCode(r, "Content", &ly.Code, p.at("Content", r.keyRange)):
			case r.typ == "AWS::Serverless::LayerVersion" && p.has("ContentUri") && p.node.Get("ContentUri").Kind == cfn.Scalar:
				ly.Code = l.localCode(p.str("ContentUri"), p.at("ContentUri", r.keyRange))
			case r.typ == "AWS::Serverless::LayerVersion" && p.has("ContentUri"):
				loc := p.sub("ContentUri")
				ly.Code = model.Code{NotLocal: fmt.Sprintf("ContentUri s3://%s/%s", loc.str("Bucket"), loc.str("Key")), Range: p.at("ContentUri", r.keyRange)}
			default:
				ct := p.sub("Content")
				ly.Code = model.Code{NotLocal: fmt.Sprintf("Content s3://%s/%s", ct.str("S3Bucket"), ct.str("S3Key")), Range: p.at("Content", r.keyRange)}
			}
			break
		}
		if ly.LogicalID == "" {
			ly.Code = model.Code{NotLocal: "a layer from outside the template", Range: rng}
		}
		out = append(out, ly)
	}
	return out
}

// reportCode says when a function's code cannot be run locally.
func (l *lowerer) reportCode(fn *model.Function, key string) {
	c := fn.Code
	rng := c.Range
	if rng.Start.Line == 0 {
		rng = fn.Props.At(key, fn.Range)
	}
	switch {
	case c.NotLocal != "" && c.NotLocal != "no Code":
		l.s.add(ruleCodeNotLocal.infof(rng, fn.LogicalID,
			fmt.Sprintf("Pass --code %s=PATH (a directory or .zip with the function's code) to run it locally.", fn.LogicalID),
			"the code of function %s is not local (%s); cfnrun up does not run it", fn.LogicalID, c.NotLocal))
	case c.Dir != "" || c.Zip != "":
		path := cmp.Or(c.Dir, c.Zip)
		if _, err := os.Stat(path); err != nil {
			shown := path
			if rel, err := filepath.Rel(filepath.Dir(l.s.file), path); err == nil {
				shown = rel
			}
			what := "CodeUri"
			if key == "Code" {
				what = "the asset path"
			}
			l.s.errorf(ruleCodeMissing, rng, fn.LogicalID,
				fmt.Sprintf("Check %s (it is relative to the template's directory), build the code first, or pass --code %s=PATH.", what, fn.LogicalID),
				"the code of function %s does not exist: %s", fn.LogicalID, filepath.ToSlash(shown))
		}
	case len(c.Files) == 1 && c.Files[0].Source == "" && key != "":
		if !strings.HasPrefix(fn.Runtime, "nodejs") && !strings.HasPrefix(fn.Runtime, "python") && fn.Runtime != "" && !strings.Contains(fn.Runtime, "${") {
			l.s.errorf(ruleInlineCode, rng, fn.LogicalID, "Inline code (ZipFile / InlineCode) works only with Node.js and Python runtimes; put the code in a "+
				"directory and point CodeUri (SAM) or Code.S3Bucket/S3Key at it.",
				"inline code is not supported for runtime %s", fn.Runtime)
		} else if n := len([]rune(c.Files[0].Content)); n > 4096 {
			l.s.errorf(ruleInlineCode, rng, fn.LogicalID, "CloudFormation accepts up to 4096 characters of inline code; move the code to a file.", "inline code is %d characters long", n)
		}
	}
}
