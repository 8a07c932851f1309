package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
	"github.com/cfnrun/cfnrun/resolver"
)

// inputFlags are the flags every command that resolves templates shares:
// up, validate, routes, graph and diff read templates the same way.
type inputFlags struct {
	params     kvFlag
	paramFiles listFlag
	region     string
	sets       kvFlag
	vars       kvFlag
	varFiles   listFlag
	account    string
	stackName  string
	code       kvFlag
}

// addInputFlags registers the shared input flags on fs.
func addInputFlags(fs *flag.FlagSet) *inputFlags {
	f := &inputFlags{params: kvFlag{}, sets: kvFlag{}, vars: kvFlag{}, code: kvFlag{}}
	fs.Var(f.params, "param", "CloudFormation parameter `Name=Value` (repeatable)")
	fs.Var(&f.paramFiles, "param-file", "CloudFormation parameters `file`: AWS CLI JSON or Name=Value lines (repeatable)")
	fs.StringVar(&f.region, "region", "", "AWS region for AWS::Region and ARNs (default us-east-1)")
	fs.Var(f.sets, "set", "value for a reference the template does not define, `Name.Attr=value` (repeatable)")
	fs.Var(f.vars, "var", "Terraform input variable `name=value` (repeatable)")
	fs.Var(&f.varFiles, "var-file", "Terraform variables `file` (.tfvars or .tfvars.json, repeatable)")
	fs.StringVar(&f.account, "account-id", "", "AWS account id for AWS::AccountId and ARNs (default 123456789012)")
	fs.StringVar(&f.stackName, "stack-name", "", "AWS::StackName (default: the template's file name)")
	fs.Var(f.code, "code", "code of a Lambda function whose code is not local (S3, an image), `Name=PATH`: a directory or .zip; Name is the logical id, Terraform address or function name (repeatable)")
	return f
}

// options converts the flags to resolver options. Terraform's TF_VAR_name
// environment variables are read, as terraform does. Callers that serve
// (up) set AllowExtensions themselves.
func (f *inputFlags) options() resolver.Options {
	return resolver.Options{
		Params:     f.params,
		ParamFiles: f.paramFiles,
		Region:     f.region,
		Sets:       f.sets,
		Vars:       f.vars,
		VarFiles:   f.varFiles,
		AccountID:  f.account,
		StackName:  f.stackName,
		Code:       f.code,
		Getenv:     os.LookupEnv,
	}
}

// kvFlag is a repeatable Name=Value flag.
type kvFlag map[string]string

func (k kvFlag) String() string {
	parts := make([]string, 0, len(k))
	for n, v := range k {
		parts = append(parts, n+"="+v)
	}
	return strings.Join(parts, ",")
}

func (k kvFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("%q is not Name=Value; write it as Name=Value", s)
	}
	k[strings.TrimSpace(name)] = value
	return nil
}

// listFlag is a repeatable flag collecting values in order.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	if s == "" {
		return fmt.Errorf("empty value; give a file path")
	}
	*l = append(*l, s)
	return nil
}

// args renders the inputs as command-line flags, so a hint can name the
// exact command to run next.
func (f *inputFlags) args() []string {
	var out []string
	kv := func(flag string, m kvFlag) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, "--"+flag, shellQuote(k+"="+m[k]))
		}
	}
	kv("param", f.params)
	for _, p := range f.paramFiles {
		out = append(out, "--param-file", shellQuote(p))
	}
	kv("set", f.sets)
	kv("code", f.code)
	kv("var", f.vars)
	for _, p := range f.varFiles {
		out = append(out, "--var-file", shellQuote(p))
	}
	if f.region != "" {
		out = append(out, "--region", f.region)
	}
	return out
}

// validateLine is the validate command that reports exactly the findings a
// command resolving paths with these inputs counts: the same inputs, and
// --allow-extensions when the command does not count cfnrun's extensions
// as errors. Every note that gives an error count names it, so the numbers
// of validate, up, routes, graph and diff agree or say why not.
func (f *inputFlags) validateLine(allowExtensions bool, paths ...string) string {
	args := []string{"cfnrun", "validate"}
	if allowExtensions {
		args = append(args, "--allow-extensions")
	}
	args = append(args, f.args()...)
	for _, p := range paths {
		args = append(args, shellQuote(p))
	}
	return strings.Join(args, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,@+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// unreadableRules are the findings after which a template was not read as
// a whole: input errors (a missing file), YAML/JSON and HCL syntax errors,
// a CloudFormation file that is not a mapping (or is empty), a YAML alias
// bomb, an evaluation stopped at one of the resolver's limits. What the
// resolver built from such a file is partial at best, so no command acts
// on it: up does not serve it, diff does not compare it. TestUnreadable
// checks that every id is a documented error rule; TestDiffBrokenSide and
// TestUpRefusesWhatItCannotServe that broken files of each front end hit
// the list.
var unreadableRules = map[string]bool{
	"E0100":          true, // resolver: input cannot be read
	cfn.RuleSyntax:   true,
	cfn.RuleTopLevel: true,
	cfn.RuleAlias:    true,
	"E1003":          true, // resolver: evaluation stopped at one of its limits
	"TF001":          true, // parser/tf: unreadable file or HCL syntax error
	"TF070":          true, // parser/tf: nested past the parser's bound, not parsed
	"TF071":          true, // parser/tf: evaluation stopped at its budget
}

// unreadable returns the error findings of r that mean its template was
// not read as a whole, or nil when it was.
func unreadable(r *resolver.Result) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range r.Diags {
		if d.Severity == diag.Error && unreadableRules[d.Rule] {
			out = append(out, d)
		}
	}
	if out == nil && r.Template == nil {
		out = diag.Diagnostics{diag.NewError("E0100", diag.Range{}, "no template was read")}
	}
	return out
}

// extensionUses counts the findings about cfnrun's extensions
// (Http2Enabled, ConnectionType: HTTP2) that --allow-extensions turned
// from errors into infos.
func extensionUses(ds diag.Diagnostics) int {
	n := 0
	for _, d := range ds {
		if d.Severity == diag.Info && (d.Rule == "E9001" || d.Rule == "E9002") {
			n++
		}
	}
	return n
}
