package main

import (
	"fmt"
	"os"

	"github.com/cfnrun/cfnrun/cmd/cfnrun/internal/heapplan"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/resolver"
)

func validateCommand() command {
	c := command{
		name:    "validate",
		summary: "check templates for what CloudFormation or Terraform would reject, and mistakes that break the API",
		usage:   "cfnrun validate [--format text|json|sarif|github] [--strict] [--allow-extensions] FILE...",
		example: "cfnrun validate examples/seed/template.yaml\ncfnrun validate --format sarif --allow-extensions template.yaml > cfnrun.sarif",
	}
	c.run = func(e *env, args []string) int {
		fs := newFlagSet(e, &c)
		format := fs.String("format", "text", "output `format`: text, json, sarif, or github (Actions annotations)")
		strict := fs.Bool("strict", false, "exit 1 on warnings too")
		in := addInputFlags(fs)
		allowExt := fs.Bool("allow-extensions", false, "report cfnrun's extensions (Http2Enabled, ConnectionType: HTTP2) as info instead of errors")
		if code, ok := parseFlags(e, fs, args); !ok {
			return code
		}
		if fs.NArg() == 0 {
			fmt.Fprintln(e.stderr, "cfnrun validate: name at least one template (FILE or Terraform directory)")
			return exitUsage
		}
		if *format != "text" && *format != "json" && *format != "sarif" && *format != "github" {
			fmt.Fprintf(e.stderr, "cfnrun validate: unknown --format %q (want text, json, sarif or github)\n", *format)
			return exitUsage
		}
		if e.process {
			heapplan.Prepare("validate", fs.Args(), false)
		}
		files := diag.NewFiles()
		var all diag.Diagnostics
		inputErr := false
		nfiles := 0
		for _, path := range fs.Args() {
			opts := in.options()
			opts.AllowExtensions = *allowExt
			opts.FindingsOnly = true
			r := resolve(e.ctx, []string{path}, opts)
			if r == nil {
				return interrupted(e, "validate")
			}
			for _, name := range r.Files.Names() {
				files.Add(name, r.Files.Source(name))
			}
			nfiles++
			all = append(all, r.Diags...)
			inputErr = inputErr || r.HasInputErrors()
		}
		all = all.Sort()
		var err error
		switch *format {
		case "json":
			err = diag.WriteJSON(e.stdout, all)
		case "github":
			err = diag.WriteGitHub(e.stdout, all)
		case "sarif":
			err = diag.WriteSARIF(e.stdout, sarifOptions(), all)
		default:
			err = diag.WriteText(e.stdout, files, all)
			if len(all) == 0 {
				fmt.Fprintf(e.stdout, "%d template(s) checked: no findings\n", nfiles)
			} else {
				fmt.Fprintf(e.stdout, "%s\n", all.Summary())
			}
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun validate: cannot write the findings: %v\n", err)
			return exitUsage
		}
		switch {
		case inputErr:
			return exitUsage
		case all.HasErrors(), *strict && all.Count(diag.Warning) > 0:
			return exitFindings
		}
		return exitOK
	}
	return c
}

// rulesURI is where every validate rule is documented, one anchor per id.
const rulesURI = "https://github.com/cfnrun/cfnrun/blob/main/docs/rules.md"

// sarifOptions describes every rule validate may report, and makes file
// names relative to the working directory (the checkout, in CI).
func sarifOptions() diag.SARIFOptions {
	opts := diag.SARIFOptions{ToolVersion: version, RulesURI: rulesURI}
	if wd, err := os.Getwd(); err == nil {
		opts.BaseDir = wd
	}
	for _, r := range resolver.AllRules() {
		opts.Rules = append(opts.Rules, diag.RuleDoc{ID: r.ID, Severity: r.Severity, Summary: r.Summary, Why: r.Why})
	}
	return opts
}
