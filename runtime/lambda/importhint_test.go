package lambda

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportHint: a function whose code imports a package nobody installed
// fails with Runtime.ImportModuleError, as on Lambda; the log says how to
// install it, and says nothing when the missing module is the handler's
// own file (validate reports that) or a relative one.
func TestImportHint(t *testing.T) {
	withDeps := t.TempDir()
	writeFiles(t, withDeps, map[string]string{
		"package.json": `{"name":"svc","dependencies":{"express":"^4.17.1","@aws-sdk/client-s3":"^3.0.0"},"devDependencies":{"mocha":"^10.0.0"}}`,
		"index.js":     "require('express');",
	})
	installed := t.TempDir()
	writeFiles(t, installed, map[string]string{
		"package.json":                `{"dependencies":{"dayjs":"^1.11.2"}}`,
		"node_modules/other/index.js": "",
	})
	nested := filepath.Join(installed, "src")
	writeFiles(t, nested, map[string]string{"app.js": ""})
	bare := t.TempDir()
	py := t.TempDir()
	writeFiles(t, py, map[string]string{"requirements.txt": "requests\n", "app.py": "import requests"})

	tests := []struct {
		name                  string
		kind                  runtimeKind
		dir, handler, message string
		want                  []string // all in the hint; none: no hint
	}{
		{"listed, no node_modules", kindNode, withDeps, "index.handler",
			"Error: Cannot find module 'express'\nRequire stack:\n- " + withDeps + "/index.js",
			[]string{"run `npm install` in " + withDeps, "lists express", "no node_modules"}},
		{"deep import of a listed package", kindNode, withDeps, "index.handler",
			"Error: Cannot find module 'express/lib/router'", []string{"lists express"}},
		{"scoped SDK package", kindNode, withDeps, "index.handler",
			"Error: Cannot find module '@aws-sdk/client-s3'",
			[]string{"Lambda's nodejs20.x runtime includes @aws-sdk/client-s3", "run `npm install` in " + withDeps,
				"`npm install --prefix DIR @aws-sdk/client-s3`, then start cfnrun with NODE_PATH=DIR/node_modules"}},
		{"SDK package of one ESM file", kindNode, "", "index.handler",
			"Error: Cannot find package '@aws-sdk/lib-dynamodb' imported from /x/index.mjs",
			[]string{"Lambda's nodejs20.x runtime includes @aws-sdk/lib-dynamodb", "NODE_PATH=DIR/node_modules", "require and import both search it"}},
		{"SDK v2 is not in nodejs20.x", kindNode, bare, "index.handler",
			"Error: Cannot find module 'aws-sdk'", []string{"`npm install aws-sdk` in " + bare}},
		{"ESM import", kindNode, withDeps, "index.handler",
			"Error: Cannot find package 'mocha' imported from " + withDeps + "/index.mjs", []string{"lists mocha"}},
		{"listed, node_modules without it", kindNode, installed, "app.handler",
			"Error: Cannot find module 'dayjs'", []string{"run `npm install` in " + installed, "which node_modules does not have"}},
		{"not listed", kindNode, bare, "index.handler",
			"Error: Cannot find module 'left-pad'", []string{"`npm install left-pad` in " + bare}},
		{"node_modules in a parent", kindNode, nested, "app.handler",
			"Error: Cannot find module 'left-pad'", []string{"`npm install left-pad` in " + nested}},
		{"zip or inline code", kindNode, "", "index.handler",
			"Error: Cannot find module 'uuid'", []string{"add uuid to a layer", "NODE_PATH=DIR/node_modules", "runs from a copy"}},
		{"handler file missing", kindNode, bare, "nosuchfile.handler", "Error: Cannot find module 'nosuchfile'", nil},
		{"relative require", kindNode, bare, "index.handler", "Error: Cannot find module './lib/db'", nil},
		{"another error", kindNode, bare, "index.handler", "SyntaxError: Unexpected token", nil},

		{"python with requirements.txt", kindPython, py, "app.handler",
			"Unable to import module 'app': No module named 'requests'",
			[]string{"python3 -m pip install -r " + filepath.Join(py, "requirements.txt")}},
		{"python submodule", kindPython, bare, "app.handler",
			"Unable to import module 'app': No module named 'jose.jwt'", []string{"`python3 -m pip install jose`"}},
		{"python boto3", kindPython, bare, "app.handler",
			"Unable to import module 'app': No module named 'boto3'",
			[]string{"Lambda's Python runtime includes boto3", "python3 -m pip install boto3"}},
		{"python handler module missing", kindPython, bare, "main.handler", "Unable to import module 'main': No module named 'main'", nil},
		{"python handler package missing", kindPython, bare, "pkg/app.handler", "Unable to import module 'pkg.app': No module named 'pkg'", nil},
		{"provided runtime", kindProvided, bare, "bootstrap", "No module named 'x'", nil},
	}
	if nodeProvides("nodejs20.x", "aws-sdk") || !nodeProvides("nodejs16.x", "aws-sdk") || nodeProvides("nodejs16.x", "@aws-sdk/client-s3") {
		t.Error("the SDK v2 is in nodejs16.x and older, v3 in nodejs18.x and newer")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := importHint(tc.kind, "nodejs20.x", tc.dir, tc.handler, tc.message)
			if len(tc.want) == 0 {
				if got != "" {
					t.Fatalf("hint %q, want none", got)
				}
				return
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("hint %q\nwant it to contain %q", got, w)
				}
			}
		})
	}
}
