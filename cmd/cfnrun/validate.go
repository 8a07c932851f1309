package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/shortheap"
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
			est := heapFor(fs.Args())
			prepareHeap(est, est)
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

// heapFor estimates the heap a resolve of paths builds: about 22 bytes
// per byte of a JSON template and 28 per byte of YAML (a 2,000-resource
// template, 0.6-0.8 MB, resolves into ~18 MB), with room for the rest of
// the process. A Terraform configuration expands: for_each and count make
// many instances of a few lines, each evaluated into objects (the
// generated 50 / 200 / 1,000-route configurations, 5 / 15 / 68 kB,
// allocate about 9 / 20 / 88 MB, and the limit counts the runtime's own
// memory too), so its files count 1.5 kB per byte, up to 192 kB of them
// (288 MB). A directory counts the files directly in it.
func heapFor(paths []string) int {
	var size, tf int64
	add := func(name string, n int64) {
		if isTerraformSource(name) {
			tf += n
		} else {
			size += n
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
		case fi.IsDir():
			ents, _ := os.ReadDir(p)
			for _, e := range ents {
				if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
					add(e.Name(), info.Size())
				}
			}
		default:
			add(p, fi.Size())
		}
	}
	return int(min(size, 1<<30))*32 + int(min(tf, 192<<10))*1536 + 8<<20
}

// minPreparedHeap is the smallest heapFor estimate shortheap.Prepare is
// worth: its forced collection and the metadata of its block cost more
// page faults and CPU than it saves a small template. validate, old
// (always) / new (this threshold) interleaved, task-clock at load 16-19:
// the seed 52.7 / 35.9 ms (952 / 677 faults), 27 KB 58.4 / 44.8, 88 KB
// 75.6 / 67.2; at 180 KB Prepare wins (83.9 vs 99.6 without). heapFor
// puts 125 KB of CloudFormation at 12 MiB. (shortheap.Prepare has its own
// floor on the size it is asked for; this one is on the templates' own
// estimate, so that up, which asks for twice it, leaves the seed alone.)
const minPreparedHeap = 12 << 20

// prepareHeap is shortheap.Prepare(n) for a run whose templates heapFor
// estimates at est bytes, expected to allocate about n bytes in all;
// nothing when est is under minPreparedHeap.
func prepareHeap(est, n int) {
	if est >= minPreparedHeap {
		shortheap.Prepare(n)
	}
}

// isTerraformSource reports whether a file is Terraform configuration or
// variables.
func isTerraformSource(name string) bool {
	for _, ext := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
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
