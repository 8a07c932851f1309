// Package resolver turns template files into the shared API model: it picks
// the front end (CloudFormation YAML/JSON or Terraform HCL), links
// references into the dependency graph, evaluates intrinsics, lowers API
// Gateway resources into internal/model, and runs the model rules that both
// formats share. `validate`, `routes`, `graph`, `diff` and `up` all call
// Resolve, so they see exactly the same result.
package resolver

import (
	"context"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Options are the user's inputs to resolution. The zero value resolves with
// defaults (region us-east-1, account 123456789012, stack name "cfnrun").
type Options struct {
	// Params are --param Name=Value overrides (CloudFormation parameters).
	Params map[string]string
	// ParamFiles are --param-file paths: AWS CLI JSON
	// ([{"ParameterKey":..,"ParameterValue":..}]) or Name=Value lines.
	ParamFiles []string
	// Region is AWS::Region / data.aws_region; default us-east-1.
	Region string
	// AccountID is AWS::AccountId; default 123456789012.
	AccountID string
	// StackName is AWS::StackName; default "cfnrun".
	StackName string
	// Sets are --set Name.Attr=value: values for references to things the
	// template does not define (or overrides of placeholder attributes).
	Sets map[string]string
	// Vars are Terraform -var name=value.
	Vars map[string]string
	// VarFiles are Terraform -var-file paths.
	VarFiles []string
	// Getenv reads TF_VAR_name; nil means no environment.
	Getenv func(string) (string, bool)
	// AllowExtensions reports cfnrun's extensions (Http2Enabled,
	// ConnectionType: HTTP2) as info instead of errors.
	AllowExtensions bool
	// Code are --code NAME=PATH: a local directory or .zip holding the
	// code of the function NAME (logical id, Terraform address or function
	// name), for functions whose code is not local (S3, an image) or to
	// run other code than the template says.
	Code map[string]string
	// ExternalFunctions are the functions the user serves from outside the
	// template (--lambda NAME=...): names, logical ids or ARNs. An
	// integration naming one of them is not reported as not served.
	ExternalFunctions []string
	// Today is the date runtime deprecations are judged against; the zero
	// value means the current date.
	Today time.Time
	// FindingsOnly says the caller reads only the findings (validate):
	// the graph nodes then carry no Props, the copy of every resource's
	// properties that diff compares and the control plane reads, a tenth
	// of a large template's resolve.
	FindingsOnly bool
	// LazyProps says the caller reads the graph nodes' Props only through
	// model.Node.Properties and model.SameProps (diff): they are built on
	// first use, and two nodes whose properties are the same are compared
	// on the template's own trees without a copy.
	LazyProps bool
	// NoNestedStacks says nested stacks with a local template are not
	// read (diff): their resources, merged in, share logical ids with
	// each other's and the parent's (a child nested twice, an implicit
	// ServerlessRestApi in both), and diff pairs resources by logical id.
	NoNestedStacks bool
	// OneCore says the caller resolves another template at the same
	// time, each on a core (diff resolves its two sides at once): this
	// resolve then runs on the calling goroutine alone, without the
	// goroutines that put a single resolve on two cores (the second
	// JSON or YAML reader, the schema check, the graph beside lowering,
	// the ids computed ahead, the Lambda checks), which would only take
	// turns with the other resolve there. The model and the findings are
	// the same either way. Terraform's loader is not affected.
	OneCore bool

	// limits, when set, replace the evaluation limits (budget.go); tests
	// and fuzz targets use small ones.
	limits *limits
}

// Result is what Resolve returns: always a Files registry for snippets, a
// Template (possibly partial when Diags has errors; nil only when nothing
// could be read), and every finding, sorted.
type Result struct {
	Template *model.Template
	Diags    diag.Diagnostics
	Files    *diag.Files
}

// Resolve reads paths (files, or a directory of Terraform files) and
// returns the model and all findings. It never stops at the first problem.
func Resolve(ctx context.Context, paths []string, opts Options) *Result {
	r, _ := resolve(ctx, paths, opts, false)
	return r
}

// ResolveStaged resolves as Resolve does, in two parts, for a caller that
// can use the model before every finding is known (up serves it): it
// returns once the model is complete, with the findings so far, and
// finish, which waits for the dependency graph (Template.Nodes: nil until
// then), runs the checks left (the model rules, the Lambda checks, the
// resource schema's findings) and returns what Resolve would have
// returned: the same Template, every finding, sorted. finish is nil when
// nothing is left (the resolution stopped early, the template could not
// be read, several CloudFormation templates were merged): the Result is
// then Resolve's. Every finding that says the template was not read as a
// whole (input, syntax, evaluation limits) is in the first part's, but a
// cancellation: ctx done while finish runs adds one.
//
// Until finish returns, the Template is read by the checks: the caller
// may read it (serve it) meanwhile, not change it, and not read its
// Nodes, which finish sets; finish must be called once, on one goroutine.
func ResolveStaged(ctx context.Context, paths []string, opts Options) (r *Result, finish func() *Result) {
	return resolve(ctx, paths, opts, true)
}
