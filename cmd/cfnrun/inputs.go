package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/cfnrun/cfnrun/resolver"
)

// kvFlag collects repeated Name=Value flags.
type kvFlag struct {
	m    map[string]string
	name string
}

func (f *kvFlag) String() string { return "" }

func (f *kvFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want %s=VALUE, got %q", f.name, v)
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	f.m[strings.TrimSpace(k)] = val
	return nil
}

// listFlag collects repeated values.
type listFlag []string

func (f *listFlag) String() string     { return strings.Join(*f, ",") }
func (f *listFlag) Set(v string) error { *f = append(*f, v); return nil }

// inputFlags are the inputs every command that reads templates accepts.
type inputFlags struct {
	params, sets, vars   kvFlag
	paramFiles, varFiles listFlag
	region, account      string
	stackName            string
	allowExtensions      bool
}

func addInputFlags(fs *flag.FlagSet) *inputFlags {
	f := &inputFlags{params: kvFlag{name: "Name"}, sets: kvFlag{name: "Name.Attr"}, vars: kvFlag{name: "name"}}
	fs.Var(&f.params, "param", "CloudFormation parameter `Name=Value` (repeatable)")
	fs.Var(&f.paramFiles, "param-file", "parameter `file`: AWS CLI JSON [{\"ParameterKey\":..,\"ParameterValue\":..}] or Name=Value lines (repeatable)")
	fs.Var(&f.sets, "set", "value for a reference the template cannot resolve locally, `Name.Attr=value` (repeatable)")
	fs.Var(&f.vars, "var", "Terraform input variable `name=value` (repeatable)")
	fs.Var(&f.varFiles, "var-file", "Terraform variable definitions `file` (repeatable)")
	fs.StringVar(&f.region, "region", "us-east-1", "AWS region for AWS::Region and ARNs")
	fs.StringVar(&f.account, "account-id", "123456789012", "AWS account id for AWS::AccountId and ARNs")
	fs.StringVar(&f.stackName, "stack-name", "", "AWS::StackName (default: the template's file name)")
	fs.BoolVar(&f.allowExtensions, "allow-extensions", false, "accept cfnrun's extensions (Http2Enabled, ConnectionType: HTTP2) as info instead of errors")
	return f
}

func (f *inputFlags) options() resolver.Options {
	return resolver.Options{
		Params: f.params.m, ParamFiles: f.paramFiles, Region: f.region, AccountID: f.account, StackName: f.stackName,
		Sets: f.sets.m, Vars: f.vars.m, VarFiles: f.varFiles, Getenv: os.LookupEnv, AllowExtensions: f.allowExtensions,
	}
}
