package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// LambdaService runs the functions behind Lambda integrations (AWS_PROXY,
// AWS with a Lambda URI) and Lambda authorizers. *lambda.Service
// implements it. Load gets the template's function set each time the
// gateway loads a template version, before the version is served.
type LambdaService interface {
	Load(fns []lambda.Function) error
	Invoke(ctx context.Context, function string, payload []byte, opts lambda.InvokeOptions) (lambda.Result, error)
}

// lambdaSet is the function set of one template version: what Load hands
// the LambdaService, and for each function name why it cannot run ("" when
// it can).
type lambdaSet struct {
	fns []lambda.Function
	// runtimes is each function's runtime, for the route table.
	runtimes map[string]string
	// unusable says why a function cannot be invoked; absent when it can.
	unusable map[string]string
	// external are functions outside the template given with --lambda.
	external map[string]bool
	// remote says where --lambda sends a function ("http://...", or
	// "command"); absent for functions cfnrun runs itself.
	remote map[string]string
	// strs are the functions' respStrings, made as endpoints need them.
	strs map[string]*respStrings
}

// respStrings is function name's respStrings in this version.
func (ls *lambdaSet) respStrings(name string) *respStrings {
	if t, ok := ls.strs[name]; ok {
		return t
	}
	if ls.strs == nil {
		ls.strs = map[string]*respStrings{}
	}
	t := &respStrings{}
	ls.strs[name] = t
	return t
}

// override is a --lambda NAME=URL|COMMAND value.
func (g *Gateway) override(names ...string) (url string, cmd []string, ok bool) {
	for _, n := range names {
		v, found := g.cfg.LambdaOverrides[n]
		if !found || n == "" {
			continue
		}
		if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
			return v, nil, true
		}
		return "", strings.Fields(v), true
	}
	return "", nil, false
}

// lambdaFunctions turns the template's functions (and the functions outside
// it that --lambda names) into the service's function set.
func (g *Gateway) lambdaFunctions(t *model.Template, ds *diag.Diagnostics) *lambdaSet {
	// Sized once: a large template has hundreds of functions.
	set := &lambdaSet{fns: make([]lambda.Function, 0, len(t.Functions)+len(g.cfg.LambdaOverrides)),
		runtimes: make(map[string]string, len(t.Functions)), unusable: map[string]string{}, external: map[string]bool{}, remote: map[string]string{}}
	for _, fn := range t.Functions {
		if fn.Name == "" {
			continue
		}
		lf := lambda.Function{
			Name: fn.Name, ARN: fn.ARN, Runtime: fn.Runtime, Handler: fn.Handler,
			Environment: fn.Environment, Timeout: time.Duration(fn.Timeout) * time.Second,
			MemoryMB: fn.MemorySize, ReservedConcurrency: fn.ReservedConcurrency,
		}
		if r, ok := model.ParseFunctionRef(fn.ARN); ok {
			lf.Region = r.Region
		}
		set.runtimes[fn.Name] = fn.Runtime
		url, cmd, over := g.override(fn.Name, fn.LogicalID)
		lf.InvokeURL, lf.Command = url, cmd
		if r := remoteLabel(url, cmd); r != "" {
			set.remote[fn.Name] = r
		}
		why := ""
		switch c := fn.Code; {
		case c.NotLocal != "":
			why = "its code is not local (" + c.NotLocal + "): pass --code " + fn.LogicalID + "=DIR_OR_ZIP"
		case c.Dir != "":
			lf.CodeDir = c.Dir
		case c.Zip != "":
			lf.CodeZip = c.Zip
		case len(c.Files) > 0:
			lf.Inline = map[string][]byte{}
			for _, f := range c.Files {
				if f.Source == "" {
					lf.Inline[f.Name] = []byte(f.Content)
					continue
				}
				b, err := os.ReadFile(f.Source)
				if err != nil {
					why = fmt.Sprintf("its code file cannot be read: %v", err)
					break
				}
				lf.Inline[f.Name] = b
			}
		default:
			why = "the template gives it no code: pass --code " + fn.LogicalID + "=DIR_OR_ZIP"
		}
		if fn.BuildMethod != "" && why == "" {
			switch fn.BuildMethod {
			case "go1.x":
				switch {
				case lf.CodeDir != "" && (fileExists(lf.CodeDir, "bootstrap") || fn.Handler != "" && fileExists(lf.CodeDir, fn.Handler)):
					// Built already (--code DIR_WITH_BOOTSTRAP).
				case lf.CodeDir != "":
					lf.Build = lambda.BuildGo
				case lf.CodeZip != "" || len(lf.Inline) > 0:
					// A package, built already.
				default:
					why = "BuildMethod go1.x needs the Go source as a directory"
				}
			default:
				if lf.CodeDir != "" && fileExists(lf.CodeDir, "bootstrap") || strings.HasPrefix(fn.Runtime, "python") ||
					strings.HasPrefix(fn.Runtime, "nodejs") && (lf.CodeDir == "" || nodeHandlerFile(lf.CodeDir, fn.Handler)) {
					// Code that runs as it is (an interpreted runtime or
					// an executable already built): run it unbuilt.
					break
				}
				// Source a build turns into the code (TypeScript for
				// esbuild, a Makefile's output): what sam build made,
				// as sam local start-api runs it after sam build.
				if built := samBuildDir(t, fn.LogicalID); built != "" && lf.CodeDir != "" {
					lf.CodeDir = built
					*ds = append(*ds, diag.NewInfo(ruleIgnored, fn.Range,
						"function %s runs what sam build made in %s (Metadata BuildMethod %s): its source in the template's CodeUri does not run as it is", fn.Name, built, fn.BuildMethod).
						WithResource(fn.LogicalID).
						WithHint("Run sam build again after changing the source."))
					break
				}
				why = "it must be built first (Metadata BuildMethod " + fn.BuildMethod + "): run sam build (cfnrun then runs .aws-sam/build/" + fn.LogicalID + "), or build it and pass --code " + fn.LogicalID + "=BUILD_DIR"
			}
		}
		for _, l := range fn.Layers {
			switch {
			case l.Code.Dir != "":
				lf.Layers = append(lf.Layers, l.Code.Dir)
			case l.Code.Zip != "":
				lf.Layers = append(lf.Layers, l.Code.Zip)
			default:
				what := l.LogicalID
				if what == "" {
					what = l.ARN
				}
				*ds = append(*ds, diag.NewWarning(ruleIgnored, l.Range,
					"function %s: layer %s is not available locally and is left out", fn.Name, what).
					WithResource(fn.LogicalID).
					WithHint("Layers are local when the template builds them from a directory or zip; the function runs without this one."))
			}
		}
		if !over && why == "" && !lambda.Served(fn.Runtime) {
			rt := fn.Runtime
			if rt == "" {
				rt = "(none; PackageType " + fn.PackageType + ")"
			}
			why = "cfnrun does not run runtime " + rt + " itself"
		}
		if over {
			why = "" // --lambda supplies the function
		}
		if why != "" {
			set.unusable[fn.Name] = why
		}
		set.fns = append(set.fns, lf)
	}
	// Functions outside the template that --lambda supplies.
	if len(g.cfg.LambdaOverrides) == 0 {
		return set
	}
	have := map[string]bool{}
	for _, f := range set.fns {
		have[f.Name] = true
	}
	for _, name := range sortedMapKeys(g.cfg.LambdaOverrides) {
		if have[name] || t.FunctionByID(name) != nil {
			continue
		}
		url, cmd, _ := g.override(name)
		set.fns = append(set.fns, lambda.Function{Name: name, InvokeURL: url, Command: cmd})
		set.external[name] = true
		set.remote[name] = remoteLabel(url, cmd)
	}
	return set
}

func remoteLabel(url string, cmd []string) string {
	switch {
	case url != "":
		return url
	case len(cmd) > 0:
		return "command " + strings.Join(cmd, " ")
	}
	return ""
}

// nodeHandlerFile reports whether dir has the JavaScript file a Node.js
// handler ("app.lambdaHandler", "src/app.handler") names: the module with
// .js, .mjs or .cjs, as it is, or a directory with index.js.
func nodeHandlerFile(dir, handler string) bool {
	i := strings.LastIndexByte(handler, '.')
	if i <= 0 {
		return true // malformed: let the runtime say so
	}
	m := handler[:i]
	for _, ext := range []string{"", ".js", ".mjs", ".cjs", "/index.js", "/index.mjs"} {
		if fileExists(dir, m+ext) {
			return true
		}
	}
	return false
}

// samBuildDir is .aws-sam/build/LOGICALID beside the template, where sam
// build puts a function's built code; "" when it is not there.
func samBuildDir(t *model.Template, logicalID string) string {
	if len(t.Files) == 0 || logicalID == "" {
		return ""
	}
	d := filepath.Join(filepath.Dir(t.Files[0]), ".aws-sam", "build", logicalID)
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

func fileExists(dir, name string) bool {
	st, err := os.Stat(dir + string(os.PathSeparator) + name)
	return err == nil && !st.IsDir()
}

// FunctionInfo describes one Lambda function of the served version, for
// the startup table.
type FunctionInfo struct {
	// Name is the function name; Runtime its runtime ("" for a function
	// outside the template).
	Name, Runtime string
	// Where says how it runs: its code ("dir src/", "zip app.zip",
	// "inline code", "go build of src/"), or where --lambda sends it.
	Where string
	// Served is false when it cannot run; Note says why.
	Served bool
	Note   string
}

// Functions lists the Lambda functions of the served version, by name.
func (g *Gateway) Functions() []FunctionInfo {
	v := g.cur.Load()
	if v == nil || v.lambda == nil {
		return nil
	}
	ls := v.lambda
	out := make([]FunctionInfo, 0, len(ls.fns))
	for _, f := range ls.fns {
		fi := FunctionInfo{Name: f.Name, Runtime: f.Runtime, Served: ls.unusable[f.Name] == "", Note: ls.unusable[f.Name]}
		switch {
		case ls.remote[f.Name] != "":
			fi.Where = "via " + ls.remote[f.Name]
		case f.Build == lambda.BuildGo:
			fi.Where = "go build of " + f.CodeDir
		case f.CodeDir != "":
			fi.Where = "code " + f.CodeDir
		case f.CodeZip != "":
			fi.Where = "zip " + f.CodeZip
		case len(f.Inline) > 0:
			fi.Where = "inline code"
		}
		out = append(out, fi)
	}
	slices.SortFunc(out, func(a, b FunctionInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}
