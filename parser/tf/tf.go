// Package tf is cfnrun's Terraform front end. It reads .tf and .tf.json
// files (a file, or every file of a directory as Terraform does), evaluates
// the configuration the way `terraform plan` would without a provider or
// state (variables, locals, count/for_each, modules, functions, emulated
// data sources), and lowers the aws_api_gateway_* resources into the shared
// model, so a Terraform configuration and its CloudFormation twin produce
// the same model and route table.
//
// Invariants: Load never panics and always returns a (possibly partial)
// Template plus every diagnostic it found; hcl and cty types never leave
// this package; every diagnostic carries the tightest source range known;
// every rule id it emits starts with "TF" (cfnrun's extensions, http2_enabled
// and connection_type = "HTTP2", are left to the shared model rules, which
// see them in the model). Generated ids are model.StableID values derived from resource
// addresses, so they are the same on every run.
package tf

import (
	"context"

	"github.com/cfnrun/cfnrun/internal/deepstack"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

var ruleInternal = newRule("TF000", sevError,
	"internal error in the Terraform front end",
	"A bug in cfnrun; the finding names the panic instead of crashing.")

// Options are the user's inputs to a Terraform load. The zero value loads
// with no variables set, the region of the default aws provider block (else
// us-east-1) and account 123456789012.
type Options struct {
	// Vars are -var name=value assignments; they win over every other
	// source.
	Vars map[string]string
	// VarFiles are -var-file paths (.tfvars or .tfvars.json), applied in
	// order after terraform.tfvars and *.auto.tfvars.
	VarFiles []string
	// Getenv looks up TF_VAR_name; nil means no environment.
	Getenv func(string) (string, bool)
	// Region is data.aws_region's name and the region of every ARN and
	// invoke_url. Empty means the region argument of the root module's
	// default (unaliased) provider "aws" block, else us-east-1.
	Region string
	// AccountID is data.aws_caller_identity's account_id; default
	// 123456789012.
	AccountID string
	// Sets are --set address.attr=value overrides for attributes of
	// resources cfnrun does not model, or of resources the configuration
	// refers to but does not declare.
	Sets map[string]string
	// Code are --code NAME=PATH: a directory or .zip holding the code of
	// the aws_lambda_function NAME (address or function_name).
	Code map[string]string
	// FindingsOnly says the caller reads only the findings (validate):
	// the graph nodes then carry no Props, the property tree of every
	// instance that diff compares and the control plane reads. Usage
	// plans keep theirs (their stages' positions are read from it).
	FindingsOnly bool

	// limits replaces the evaluation budget (tests and fuzzing use small
	// ones); nil means defaultLimits.
	limits *budgetLimits
}

// Load reads the .tf / .tf.json files or directories in paths, evaluates
// them and lowers them into the shared model. Every source read is
// registered in files. The Template is never nil; when diagnostics contain
// errors it holds what could be evaluated.
func Load(ctx context.Context, paths []string, opts Options, files *diag.Files) (*model.Template, diag.Diagnostics) {
	// hcl's parser and the evaluation recurse deeply: the stack grew from
	// 2 to 64 KiB in five copies on 200 routes, the last ones walking a
	// hundred frames or more.
	deepstack.Grow64K()
	if files == nil {
		files = diag.NewFiles()
	}
	l := newLoader(ctx, opts, files)
	t := &model.Template{Format: model.Terraform}
	func() {
		// Load must never take the process down: a bug in evaluation
		// becomes a finding (and a failing fuzz run), not a crash.
		defer func() {
			if r := recover(); r != nil {
				l.diags = append(l.diags, ruleInternal.at(diag.Error, diag.Range{}, "", "Please report this with the configuration that triggers it.", "internal error in the Terraform front end: %v", r))
			}
		}()
		t = l.run(paths)
	}()
	return t, l.diags.Sort()
}
