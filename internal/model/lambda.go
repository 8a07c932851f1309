package model

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Lambda defaults and limits, as AWS documents them for
// AWS::Lambda::Function / aws_lambda_function.
const (
	// DefaultFunctionTimeout is a function's Timeout, in seconds, when the
	// template does not set it.
	DefaultFunctionTimeout = 3
	// MaxFunctionTimeout is the largest Timeout Lambda accepts (15 minutes).
	MaxFunctionTimeout = 900
	// DefaultFunctionMemory is a function's MemorySize, in MB, when unset.
	DefaultFunctionMemory = 128
	// MinFunctionMemory and MaxFunctionMemory bound MemorySize.
	MinFunctionMemory = 128
	MaxFunctionMemory = 10240
	// DefaultAuthorizerTTL is an authorizer's AuthorizerResultTtlInSeconds
	// when unset.
	DefaultAuthorizerTTL = 300
)

// Function is a Lambda function: AWS::Lambda::Function,
// AWS::Serverless::Function (after the SAM transform's defaults and
// Globals), or aws_lambda_function.
type Function struct {
	// LogicalID is the logical id (CloudFormation) or the resource address
	// (Terraform, "aws_lambda_function.hello").
	LogicalID string
	// Name is the function name as AWS names it: FunctionName /
	// function_name when set, else the name CloudFormation generates,
	// "{stack}-{LogicalId}-{SUFFIX}" (truncated to 64 characters), stable
	// for the same stack name and logical id.
	Name string
	// ARN is the unqualified function ARN,
	// "arn:{partition}:lambda:{region}:{account}:function:{Name}".
	ARN string
	// Runtime is the runtime identifier as written ("nodejs20.x",
	// "python3.12", "provided.al2023"); "" for container images
	// (PackageType Image) and when the template leaves it out (AWS rejects
	// a zip function without one).
	Runtime string
	// Handler is the handler as written ("index.handler",
	// "app.lambda_handler"); "" when unset (provided runtimes may omit it).
	Handler string
	// PackageType is "Zip" (the default) or "Image".
	PackageType string
	// Code is where the function's code comes from locally.
	Code Code
	// BuildMethod is SAM's Metadata.BuildMethod ("go1.x", "esbuild",
	// "makefile", "rust-cargolambda", ...): Code is then the source `sam
	// build` turns into the deployment package, not the package itself.
	// "" when the code runs as it is.
	BuildMethod string
	// Layers are the function's layers, in the order Lambda extracts them
	// into /opt (later layers overwrite earlier ones).
	Layers []Layer
	// Environment holds Environment.Variables / environment.variables.
	// Nil when unset.
	Environment map[string]string
	// Timeout is the function timeout in seconds; DefaultFunctionTimeout
	// (3) when unset.
	Timeout int
	// MemorySize is in MB; DefaultFunctionMemory (128) when unset.
	MemorySize int
	// ReservedConcurrency is ReservedConcurrentExecutions: nil when unset
	// (the account's unreserved pool), otherwise the limit; 0 throttles
	// every invocation.
	ReservedConcurrency *int
	// Architectures is ["x86_64"] (the default) or ["arm64"].
	Architectures []string
	// Aliases are the function's aliases (AWS::Lambda::Alias,
	// aws_lambda_alias, SAM AutoPublishAlias), sorted by name.
	Aliases []FunctionAlias
	// Versions are the published versions (AWS::Lambda::Version,
	// aws_lambda_function publish = true, SAM AutoPublishAlias), sorted by
	// number. Locally every version runs the function's current code.
	Versions []FunctionVersion
	// Permissions are the resource-based policy statements that let a
	// service invoke the function (AWS::Lambda::Permission,
	// aws_lambda_permission, the ones SAM generates for Api events and
	// authorizers), sorted by Qualifier, then SourceArn.
	Permissions []Permission
	// Range is the function's declaration.
	Range diag.Range
	// Props are the property ranges, keyed by CloudFormation property name
	// ("Handler", "Runtime", "Code", "CodeUri", "Timeout", "MemorySize",
	// "Environment", "Layers", ...); the Terraform front end maps its
	// argument names to the same keys.
	Props Ranges
}

// Code says where a function's (or a layer's) code comes from. Exactly
// one of Dir, Zip, Files or NotLocal is set, except that Excludes goes
// with Dir.
type Code struct {
	// Dir is a local directory holding the code (SAM CodeUri, CDK
	// aws:asset:path, Terraform archive_file source_dir, --code): the
	// template's directory joined with the path as written, so it is
	// relative to the working directory unless the template's path is
	// absolute.
	Dir string
	// Excludes are paths relative to Dir the archive would leave out
	// (archive_file excludes), slash-separated.
	Excludes []string
	// Zip is a local .zip file (SAM CodeUri, Terraform filename, --code),
	// joined with the template's directory like Dir.
	Zip string
	// Files are files of a code root that is not a directory on disk:
	// inline code (CloudFormation Code.ZipFile, SAM InlineCode), Terraform
	// archive_file source blocks, source_content and source_file.
	Files []CodeFile
	// NotLocal says why the code cannot be read locally ("Code.S3Bucket
	// s3://bucket/key", "PackageType Image"); the user supplies it with
	// --code NAME=PATH. Empty when the code is local.
	NotLocal string
	// Range is where the code location is written (Code, CodeUri,
	// InlineCode, filename, ...).
	Range diag.Range
}

// IsLocal reports whether the code can be read from this machine.
func (c Code) IsLocal() bool {
	return c.NotLocal == "" && (c.Dir != "" || c.Zip != "" || len(c.Files) > 0)
}

// CodeFile is one file of a code root that is not a directory on disk.
type CodeFile struct {
	// Name is the path inside the code root, slash-separated ("index.js",
	// "lib/util.py"). Inline code gets the name AWS writes for the runtime:
	// index.js (nodejs), index.py (python).
	Name string
	// Content is the file's content, for inline code and archive_file
	// source blocks.
	Content string
	// Source is a local file to read instead of Content (archive_file
	// source_file), joined with the template's directory.
	Source string
}

// Layer is one of a function's layers.
type Layer struct {
	// LogicalID is the layer resource's logical id or address when the
	// template defines it (AWS::Lambda::LayerVersion,
	// AWS::Serverless::LayerVersion, aws_lambda_layer_version); "" for a
	// layer ARN from outside.
	LogicalID string
	// ARN is the layer version ARN
	// ("arn:aws:lambda:{region}:{account}:layer:{name}:{version}").
	ARN string
	// Code is the layer's content; NotLocal says why it is not available
	// (a layer from outside the template, or one in S3).
	Code  Code
	Range diag.Range
}

// FunctionAlias is an alias of a function.
type FunctionAlias struct {
	LogicalID string
	// Name is the alias name ("live").
	Name string
	// FunctionVersion is the version the alias points at ("1", "$LATEST").
	FunctionVersion string
	// ARN is the qualified ARN, "{function ARN}:{Name}".
	ARN   string
	Range diag.Range
}

// FunctionVersion is a published version of a function.
type FunctionVersion struct {
	LogicalID string
	// Version is the version number as AWS assigns it ("1", "2", ...), in
	// declaration order per function.
	Version string
	// ARN is the qualified ARN, "{function ARN}:{Version}".
	ARN   string
	Range diag.Range
}

// Permission is a statement of a function's resource-based policy.
type Permission struct {
	LogicalID string
	// Action is "lambda:InvokeFunction" usually.
	Action string
	// Principal is the service or account allowed ("apigateway.amazonaws.com").
	Principal string
	// SourceArn limits the caller; for API Gateway an execute-api ARN,
	// "arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}",
	// with * wildcards. "" allows any source.
	SourceArn string
	// Qualifier is the alias or version the permission is for ("" for the
	// unqualified function).
	Qualifier string
	// Generated is true for a permission the SAM transform adds for an Api
	// event.
	Generated bool
	// Fix, when set, is how to correct the permission's SourceArn should
	// it not cover a caller (E3411's hint): a SAM Api event's RestApiId
	// written as a plain logical id, which the transform copies into the
	// SourceArn as is.
	Fix   string
	Range diag.Range
	Props Ranges
}

// LambdaTarget is what a Lambda integration URI (or an authorizer's
// AuthorizerUri) names. Exactly one of Function, StageVariable or
// External describes it.
type LambdaTarget struct {
	// Function is the template's function the URI names; nil when the URI
	// depends on a stage variable or names a function outside the
	// template.
	Function *Function
	// Qualifier is the alias or version in the function ARN ("live",
	// "3"), "" when unqualified.
	Qualifier string
	// StageVariable is true when the function ARN contains
	// ${stageVariables.x}: the runtime resolves it per stage with
	// Template.ResolveLambdaURI(SubstituteStageVariables(uri, vars)).
	StageVariable bool
	// External is true when the URI names a function the template does not
	// define; ARN says which, and Name is its function name (what
	// --lambda NAME=... matches).
	External bool
	// ARN is the function ARN as it appears in the URI, qualifier
	// included (without stage variables substituted).
	ARN string
	// Name is the function name taken from ARN ("" when a stage variable
	// stands for it).
	Name string
}

// String is a short description for dumps and messages.
func (lt *LambdaTarget) String() string {
	if lt == nil {
		return ""
	}
	switch {
	case lt.Function != nil:
		s := "function " + lt.Function.Name
		if lt.Qualifier != "" {
			s += ":" + lt.Qualifier
		}
		return s
	case lt.StageVariable:
		return "stage variable " + lt.ARN
	default:
		return "external " + lt.ARN
	}
}

// FunctionARN is the Lambda part of an API Gateway Lambda integration URI
// ("arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{ARN}/invocations"),
// and whether uri is one.
func FunctionARN(uri string) (string, bool) {
	const marker = ":lambda:path/2015-03-31/functions/"
	if !strings.HasPrefix(uri, "arn:") {
		return "", false
	}
	i := strings.Index(uri, marker)
	if i < 0 || !strings.Contains(uri[:i], ":apigateway:") {
		return "", false
	}
	rest := uri[i+len(marker):]
	j := strings.LastIndex(rest, "/invocations")
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

// FunctionRef is a function reference (an ARN, a partial ARN or a name,
// each with an optional qualifier) taken apart.
type FunctionRef struct {
	// Partition, Region and Account are "" when the reference does not say.
	Partition, Region, Account string
	Name                       string
	Qualifier                  string
}

// ParseFunctionRef splits a function reference in the forms Lambda's
// FunctionName accepts: "my-function", "my-function:v1",
// "123456789012:function:my-function[:v1]",
// "arn:aws:lambda:us-west-2:123456789012:function:my-function[:v1]". ok is
// false for anything else.
func ParseFunctionRef(ref string) (FunctionRef, bool) {
	// Eight parts at most (a full ARN and a qualifier): more is no form
	// below. Split in place: strings.Split's slice was an allocation per
	// call, 397 of the gateway's Load of a 2,000-resource template.
	var buf [8]string
	parts := buf[:0]
	for s := ref; ; {
		if len(parts) == len(buf) {
			return FunctionRef{}, false
		}
		p, rest, more := strings.Cut(s, ":")
		parts = append(parts, p)
		if !more {
			break
		}
		s = rest
	}
	var r FunctionRef
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		r = FunctionRef{Partition: parts[1], Region: parts[3], Account: parts[4], Name: parts[6]}
		parts = parts[7:]
	case len(parts) >= 3 && parts[1] == "function":
		r = FunctionRef{Account: parts[0], Name: parts[2]}
		parts = parts[3:]
	case len(parts) >= 1 && parts[0] != "arn":
		r = FunctionRef{Name: parts[0]}
		parts = parts[1:]
	default:
		return FunctionRef{}, false
	}
	switch len(parts) {
	case 0:
	case 1:
		r.Qualifier = parts[0]
	default:
		return FunctionRef{}, false
	}
	if r.Name == "" || (len(parts) == 1 && r.Qualifier == "") {
		return FunctionRef{}, false
	}
	return r, true
}

// LookupFunction finds the template's function a reference names (see
// ParseFunctionRef for the forms), with the reference's qualifier. A full
// ARN must match the function's ARN (region and account included); a
// partial ARN its account. nil when no function of the template matches.
func (t *Template) LookupFunction(ref string) (*Function, string) {
	return lookupFunction(ref, t.Functions, nil)
}

// lookupFunction is LookupFunction over fns; with byName (see
// FunctionIndex), only over the one function of the reference's name.
func lookupFunction(ref string, fns []*Function, byName map[string]*Function) (*Function, string) {
	r, ok := ParseFunctionRef(ref)
	if !ok {
		return nil, ""
	}
	if byName != nil {
		fn, known := byName[r.Name]
		switch {
		case !known:
			return nil, ""
		case fn != nil:
			var one [1]*Function
			one[0] = fn
			fns = one[:]
		}
		// nil: several functions have the name; look among them all.
	}
	for _, fn := range fns {
		if fn.Name != r.Name {
			continue
		}
		if r.Region != "" || r.Account != "" {
			fr, ok := ParseFunctionRef(fn.ARN)
			if !ok || (r.Region != "" && fr.Region != r.Region) || fr.Account != r.Account || (r.Partition != "" && fr.Partition != r.Partition) {
				continue
			}
		}
		return fn, r.Qualifier
	}
	return nil, ""
}

// ResolveLambdaURI describes what a Lambda integration URI (or an
// AuthorizerUri) names in t: nil when uri is not of the form
// "arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations". Stage variables must be substituted first (SubstituteStageVariables);
// a URI that still contains ${stageVariables.x} gives StageVariable.
func (t *Template) ResolveLambdaURI(uri string) *LambdaTarget {
	return resolveLambdaURI(uri, t.Functions, nil)
}

// FunctionIndex answers ResolveLambdaURI for many URIs of one template
// without a scan of all its functions per URI (linking every method of a
// template with thousands of functions was quadratic). It reflects the
// template's functions when it was made.
type FunctionIndex struct {
	fns []*Function
	// byName is the function of each name, nil for a name several
	// functions have (they are looked up in fns, as by a scan).
	byName map[string]*Function
}

// NewFunctionIndex indexes t's functions by name.
func (t *Template) NewFunctionIndex() *FunctionIndex {
	x := &FunctionIndex{fns: t.Functions, byName: make(map[string]*Function, len(t.Functions))}
	for _, fn := range t.Functions {
		if _, seen := x.byName[fn.Name]; seen {
			x.byName[fn.Name] = nil
		} else {
			x.byName[fn.Name] = fn
		}
	}
	return x
}

// ResolveLambdaURI is Template.ResolveLambdaURI.
func (x *FunctionIndex) ResolveLambdaURI(uri string) *LambdaTarget {
	return resolveLambdaURI(uri, x.fns, x.byName)
}

func resolveLambdaURI(uri string, fns []*Function, byName map[string]*Function) *LambdaTarget {
	arn, ok := FunctionARN(uri)
	if !ok {
		return nil
	}
	lt := &LambdaTarget{ARN: arn}
	if strings.Contains(arn, "${stageVariables.") {
		lt.StageVariable = true
		return lt
	}
	if r, ok := ParseFunctionRef(arn); ok {
		lt.Name, lt.Qualifier = r.Name, r.Qualifier
	} else if _, name, ok := strings.Cut(arn, ":function:"); ok {
		// An ARN no function can have (a "${AWS::Region}" written out
		// in a file AWS::Include inserted as it is): still say which
		// function it means (findings, --lambda NAME=URL).
		lt.Name, lt.Qualifier, _ = strings.Cut(name, ":")
	}
	if fn, q := lookupFunction(arn, fns, byName); fn != nil {
		lt.Function, lt.Qualifier = fn, q
		return lt
	}
	lt.External = true
	return lt
}

// FunctionByID returns the function with the given logical id / address,
// or nil.
func (t *Template) FunctionByID(id string) *Function {
	for _, fn := range t.Functions {
		if fn.LogicalID == id {
			return fn
		}
	}
	return nil
}

// HasQualifier reports whether q names one of fn's aliases or versions, or
// is "" or "$LATEST".
func (fn *Function) HasQualifier(q string) bool {
	if q == "" || q == "$LATEST" {
		return true
	}
	for _, a := range fn.Aliases {
		if a.Name == q {
			return true
		}
	}
	for _, v := range fn.Versions {
		if v.Version == q {
			return true
		}
	}
	return false
}

// ApplyDefaults fills what Lambda fills when a property is omitted.
// Template.Finalize calls it for every function.
func (fn *Function) ApplyDefaults() {
	if fn.Timeout == 0 {
		fn.Timeout = DefaultFunctionTimeout
	}
	if fn.MemorySize == 0 {
		fn.MemorySize = DefaultFunctionMemory
	}
	if len(fn.Architectures) == 0 {
		fn.Architectures = []string{"x86_64"}
	}
	if fn.PackageType == "" {
		fn.PackageType = "Zip"
	}
}

func (t *Template) finalizeFunctions() {
	slices.SortFunc(t.Functions, func(a, b *Function) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.LogicalID, b.LogicalID))
	})
	for _, fn := range t.Functions {
		fn.ApplyDefaults()
		slices.SortStableFunc(fn.Aliases, func(a, b FunctionAlias) int { return cmp.Compare(a.Name, b.Name) })
		slices.SortStableFunc(fn.Versions, func(a, b FunctionVersion) int {
			return cmp.Or(cmp.Compare(len(a.Version), len(b.Version)), cmp.Compare(a.Version, b.Version))
		})
		slices.SortStableFunc(fn.Permissions, func(a, b Permission) int {
			return cmp.Or(cmp.Compare(a.Qualifier, b.Qualifier), cmp.Compare(a.SourceArn, b.SourceArn), cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.LogicalID, b.LogicalID))
		})
	}
}
