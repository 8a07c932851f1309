package lambda

import (
	"strings"
	"testing"
)

// TestErrorDocAWSPaths: error documents name files as Lambda (and sam
// local's container) shows them — the code under /var/task, a layer's under
// /opt, the runtime's under /var/runtime — for Node (CommonJS and ES
// modules, the trace and the message of a failed require) and Python,
// while the function itself keeps reading its files from where cfnrun runs
// it (LAMBDA_TASK_ROOT, __dirname, __file__ are local). Real node and
// python processes.
func TestErrorDocAWSPaths(t *testing.T) {
	needNode(t)
	needPython(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"data.txt": "local file",
		"cjs.js": `const fs = require("fs"), path = require("path");
const { boom } = require("boom");
exports.read = async () => fs.readFileSync(path.join(__dirname, "data.txt"), "utf8") + "|" + fs.readFileSync(process.env.LAMBDA_TASK_ROOT + "/data.txt", "utf8");
exports.fail = async () => { throw new Error("failed in " + __filename); };
exports.layer = async () => boom();`,
		"esm.mjs":      `export const handler = async () => { throw new TypeError("esm failure"); };`,
		"requires.js":  `require("./lib/missing");`,
		"app.py":       "import os\ndef read(e, c):\n    return open(os.path.join(os.path.dirname(__file__), 'data.txt')).read()\ndef fail(e, c):\n    raise ValueError('failed in ' + __file__)\n",
		"syntaxerr.py": "def handler(e, c):\n    return (\n",
	})
	layer := writeFiles(t, t.TempDir(), map[string]string{
		"nodejs/node_modules/boom/index.js": `exports.boom = () => { throw new RangeError("from the layer"); };`,
	})
	s, _ := newTestService(t, Config{})
	node := func(name, handler string) Function {
		return Function{Name: name, Runtime: "nodejs20.x", Handler: handler, CodeDir: dir, Layers: []string{layer}}
	}
	py := func(name, handler string) Function {
		return Function{Name: name, Runtime: "python3.11", Handler: handler, CodeDir: dir}
	}
	load(t, s, node("read", "cjs.read"), node("fail", "cjs.fail"), node("layer", "cjs.layer"), node("esm", "esm.handler"),
		node("requires", "requires.handler"), py("pyread", "app.read"), py("pyfail", "app.fail"), py("pysyntax", "syntaxerr.handler"))

	if got := string(invoke(t, s, "read", `{}`).Payload); got != `"local file|local file"` {
		t.Errorf("node reads its files: %s", got)
	}
	if got := string(invoke(t, s, "pyread", `{}`).Payload); got != `"local file"` {
		t.Errorf("python reads its files: %s", got)
	}
	// lines joins the trace (node) or stackTrace (python) of a document.
	lines := func(doc map[string]any, key string) string {
		var b strings.Builder
		tr, _ := doc[key].([]any)
		for _, l := range tr {
			s, _ := l.(string)
			b.WriteString(s + "\n")
		}
		return b.String()
	}
	checkPaths := func(name, text string, want ...string) {
		t.Helper()
		if strings.Contains(text, dir) || strings.Contains(text, layer) || strings.Contains(text, s.cfg.CacheDir) {
			t.Errorf("%s: a local path in %q", name, text)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q does not contain %q", name, text, w)
			}
		}
	}
	doc := checkErrorDoc(t, invoke(t, s, "fail", `{}`), "Error", "failed in /var/task/cjs.js")
	checkPaths("fail", lines(doc, "trace"), "(/var/task/cjs.js:4:", "/var/runtime/node/bootstrap.cjs:")
	doc = checkErrorDoc(t, invoke(t, s, "layer", `{}`), "RangeError", "from the layer")
	checkPaths("layer", lines(doc, "trace"), "(/opt/nodejs/node_modules/boom/index.js:1:", "(/var/task/cjs.js:5:")
	doc = checkErrorDoc(t, invoke(t, s, "esm", `{}`), "TypeError", "esm failure")
	checkPaths("esm", lines(doc, "trace"), "file:///var/task/esm.mjs:1:")
	doc = checkErrorDoc(t, invoke(t, s, "requires", `{}`), "Runtime.ImportModuleError", "Cannot find module './lib/missing'")
	checkPaths("requires", doc["errorMessage"].(string)+lines(doc, "trace"), "- /var/task/requires.js")
	doc = checkErrorDoc(t, invoke(t, s, "pyfail", `{}`), "ValueError", "failed in /var/task/app.py")
	checkPaths("pyfail", lines(doc, "stackTrace"), `File "/var/task/app.py", line 5, in fail`)
	doc = checkErrorDoc(t, invoke(t, s, "pysyntax", `{}`), "Runtime.UserCodeSyntaxError", "Syntax error in module 'syntaxerr'")
	checkPaths("pysyntax", lines(doc, "stackTrace"), `File "/var/task/syntaxerr.py", line 2`)
}
