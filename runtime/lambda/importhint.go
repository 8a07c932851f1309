package lambda

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// importHint says how to fix a Runtime.ImportModuleError whose message
// names a package the code imports but nobody installed: cfnrun runs the
// code directory as it is, as `sam local start-api` runs it without
// `sam build`, so installing dependencies is the user's step. It returns
// "" when the message names no package (the handler's own file is missing,
// which validate reports, or the error is another one).
func importHint(kind runtimeKind, runtime, codeDir, handler, message string) string {
	if abs, err := filepath.Abs(codeDir); err == nil && codeDir != "" {
		codeDir = abs
	}
	switch kind {
	case kindNode:
		pkg := quotedAfter(message, "Cannot find module '", "Cannot find package '")
		if pkg == "" || strings.HasPrefix(pkg, ".") || strings.HasPrefix(pkg, "/") || strings.HasPrefix(pkg, "node:") ||
			pkg == handlerModule(handler, ".") {
			return "" // a file, a built-in, or the handler's own file
		}
		pkg = packageName(pkg)
		// What works for any code, one file included: a directory on the
		// NODE_PATH cfnrun runs with, which stands for Lambda's
		// /var/runtime/node_modules (require and import search it).
		nodePath := "`npm install --prefix DIR " + pkg + "`, then start cfnrun with NODE_PATH=DIR/node_modules (require and import both search it, as Lambda's /var/runtime/node_modules)"
		if nodeProvides(runtime, pkg) {
			provided := "Lambda's " + runtime + " runtime includes " + pkg + ", this machine does not: "
			if codeDir != "" {
				if listed, _ := npmState(codeDir, pkg); listed {
					return provided + "run `npm install` in " + codeDir + " (its package.json lists " + pkg + "), or " + nodePath
				}
			}
			return provided + nodePath
		}
		if codeDir == "" {
			return "add " + pkg + " to a layer (nodejs/node_modules), or " + nodePath + "; code that is inline or one archived file (Code.ZipFile, InlineCode, archive_file source_file) runs from a copy, so npm install beside it does not reach it"
		}
		listed, modules := npmState(codeDir, pkg)
		switch {
		case listed && !modules:
			return "run `npm install` in " + codeDir + ": its package.json lists " + pkg + " but it has no node_modules (cfnrun runs the code as it is, like sam local start-api without sam build)"
		case listed:
			return "run `npm install` in " + codeDir + ": its package.json lists " + pkg + ", which node_modules does not have"
		}
		return "install it: `npm install " + pkg + "` in " + codeDir
	case kindPython:
		mod := quotedAfter(message, "No module named '")
		if mod == "" {
			return ""
		}
		if i := strings.IndexByte(mod, '.'); i > 0 {
			mod = mod[:i]
		}
		if own := handlerModule(handler, "."); own != "" && strings.SplitN(strings.ReplaceAll(own, "/", "."), ".", 2)[0] == mod {
			return "" // the handler's module itself is missing
		}
		provided := ""
		if mod == "boto3" || mod == "botocore" {
			provided = "Lambda's Python runtime includes " + mod + ", this python3 does not: "
		}
		if codeDir != "" {
			if _, err := os.Stat(filepath.Join(codeDir, "requirements.txt")); err == nil {
				return provided + "install the function's requirements: `python3 -m pip install -r " + filepath.Join(codeDir, "requirements.txt") + "` (or with -t " + codeDir + " to keep them beside the code)"
			}
		}
		return provided + "install it for the python3 cfnrun runs: `python3 -m pip install " + mod + "` (the import name; the package's name on PyPI may differ)"
	}
	return ""
}

// nodeProvides reports whether Lambda's Node.js runtime (nodejsNN.x)
// includes pkg: the AWS SDK for JavaScript, v2 (aws-sdk) up to nodejs16.x,
// v3 (@aws-sdk/*) from nodejs18.x.
func nodeProvides(runtime, pkg string) bool {
	major, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(runtime), "nodejs"), ".x"))
	if err != nil {
		return false
	}
	if strings.HasPrefix(pkg, "@aws-sdk/") {
		return major >= 18
	}
	return pkg == "aws-sdk" && major < 18
}

// quotedAfter returns the text between the first of the prefixes found in
// s and the next single quote.
func quotedAfter(s string, prefixes ...string) string {
	for _, p := range prefixes {
		if i := strings.Index(s, p); i >= 0 {
			rest := s[i+len(p):]
			if j := strings.IndexByte(rest, '\''); j > 0 {
				return rest[:j]
			}
		}
	}
	return ""
}

// packageName is the npm package a module specifier names: "lodash/fp" is
// in lodash, "@aws-sdk/client-s3/dist" in @aws-sdk/client-s3.
func packageName(spec string) string {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// handlerModule is the module part of a handler ("app" of "app.handler",
// "src/app" of "src/app.handler").
func handlerModule(handler, sep string) string {
	if i := strings.LastIndex(handler, sep); i > 0 {
		return handler[:i]
	}
	return ""
}

// npmState says whether codeDir's package.json lists pkg among its
// dependencies, and whether a node_modules directory is there (in codeDir
// or a directory above it, where Node also looks).
func npmState(codeDir, pkg string) (listed, modules bool) {
	if b, err := os.ReadFile(filepath.Join(codeDir, "package.json")); err == nil {
		var p struct {
			Dependencies, DevDependencies, OptionalDependencies, PeerDependencies map[string]any
		}
		if json.Unmarshal(b, &p) == nil {
			for _, deps := range []map[string]any{p.Dependencies, p.DevDependencies, p.OptionalDependencies, p.PeerDependencies} {
				if _, ok := deps[pkg]; ok {
					listed = true
				}
			}
		}
	}
	for d := codeDir; ; {
		if st, err := os.Stat(filepath.Join(d, "node_modules")); err == nil && st.IsDir() {
			modules = true
			break
		}
		up := filepath.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	return listed, modules
}
