package lambda

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type zipEntry struct {
	name, body string
	mode       fs.FileMode
}

func makeZip(t testing.TB, entries ...zipEntry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "code.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtractZip(t *testing.T) {
	ok := makeZip(t,
		zipEntry{name: "index.js", body: "x"},
		zipEntry{name: "lib/", mode: fs.ModeDir | 0o755},
		zipEntry{name: "lib/a.js", body: "a"},
		zipEntry{name: "bin/tool", body: "#!/bin/sh\n", mode: 0o755},
		zipEntry{name: "node_modules/.bin/tool", body: "../../bin/tool", mode: fs.ModeSymlink | 0o777},
	)
	dir := t.TempDir()
	if err := extractZip(ok, dir, MaxUnzippedBytes); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "lib/a.js")); string(b) != "a" {
		t.Errorf("lib/a.js = %q", b)
	}
	if st, err := os.Stat(filepath.Join(dir, "bin/tool")); err != nil || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("bin/tool lost its executable bit: %v %v", st, err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "node_modules/.bin/tool")); err != nil || target != "../../bin/tool" {
		t.Errorf("symlink: %q %v", target, err)
	}

	bad := []struct {
		name    string
		entries []zipEntry
		want    string
	}{
		{"zip slip", []zipEntry{{name: "../../evil.js", body: "x"}}, "zip slip"},
		{"zip slip inside", []zipEntry{{name: "a/../../evil.js", body: "x"}}, "zip slip"},
		{"absolute", []zipEntry{{name: "/etc/evil", body: "x"}}, "absolute"},
		{"backslash", []zipEntry{{name: `..\evil.js`, body: "x"}}, "backslash"},
		{"absolute symlink", []zipEntry{{name: "link", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, "leaves the package"},
		{"escaping symlink", []zipEntry{{name: "a/link", body: "../../..", mode: fs.ModeSymlink | 0o777}}, "zip slip"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			err := extractZip(makeZip(t, tc.entries...), filepath.Join(out, "x"), MaxUnzippedBytes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if _, err := os.Lstat(filepath.Join(out, "evil.js")); err == nil {
				t.Error("a file was written outside the target")
			}
		})
	}
	t.Run("size bound", func(t *testing.T) {
		z := makeZip(t, zipEntry{name: "a", body: strings.Repeat("0", 600)}, zipEntry{name: "b", body: strings.Repeat("0", 600)})
		err := extractZip(z, t.TempDir(), 1000)
		if err == nil || !strings.Contains(err.Error(), "more than 1000 bytes") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestZipInlineAndLayers(t *testing.T) {
	needNode(t)
	needPython(t)
	s, _ := newTestService(t, Config{})
	nodeZip := makeZip(t, zipEntry{name: "handler.js", body: `const greet = require("greet"); exports.main = async () => greet("zip");`})
	nodeLayer := writeFiles(t, t.TempDir(), map[string]string{
		"nodejs/node_modules/greet/index.js": `module.exports = (w) => "hello from the layer, " + w;`,
	})
	pyLayer := makeZip(t, zipEntry{name: "python/shout.py", body: "def shout(s):\n    return s.upper()\n"})
	provided := makeZip(t, zipEntry{name: "bootstrap", body: "#!/bin/sh\nexit 0\n", mode: 0o644})
	load(t, s,
		Function{Name: "zipped", Runtime: "nodejs20.x", Handler: "handler.main", CodeZip: nodeZip, Layers: []string{nodeLayer}},
		Function{Name: "inline", Runtime: "python3.11", Handler: "index.handler", Layers: []string{pyLayer},
			Inline: map[string][]byte{"index.py": []byte("from shout import shout\ndef handler(e, c):\n    return shout('inline')\n")}},
		Function{Name: "noexec", Runtime: "provided.al2", Handler: "x", CodeZip: provided},
	)
	if got := string(invoke(t, s, "zipped", `{}`).Payload); got != `"hello from the layer, zip"` {
		t.Errorf("zipped: %s", got)
	}
	if got := string(invoke(t, s, "inline", `{}`).Payload); got != `"INLINE"` {
		t.Errorf("inline: %s", got)
	}
	checkErrorDoc(t, invoke(t, s, "noexec", `{}`), "Runtime.InvalidEntrypoint", "is not executable")

	// The same zip extracts once.
	d1, err := s.cache.zip(nodeZip)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := s.cache.zip(nodeZip)
	if d1 != d2 || !strings.HasPrefix(d1, s.cfg.CacheDir) {
		t.Errorf("cache dirs %q %q", d1, d2)
	}
}

// TestNodePath: the NODE_PATH cfnrun runs with is appended to the Node
// instances' (after the layers, in the place of Lambda's
// /var/runtime/node_modules, before the task root), so single-file code
// can require what the runtime provides on Lambda; a layer's package of
// the same name wins, as on Lambda. A NODE_PATH in the function's
// Environment replaces the whole path, as Lambda's bootstrap sets its
// default only when NODE_PATH is empty. Real node processes.
func TestNodePath(t *testing.T) {
	needNode(t)
	host1 := writeFiles(t, t.TempDir(), map[string]string{
		"provided/index.js": `module.exports = "provided by the host NODE_PATH";`,
		"shadowed/index.js": `module.exports = "host";`,
	})
	host2 := writeFiles(t, t.TempDir(), map[string]string{
		"second/index.js": `module.exports = "second entry";`,
	})
	t.Setenv("NODE_PATH", host1+string(os.PathListSeparator)+host2)
	layer := writeFiles(t, t.TempDir(), map[string]string{
		"nodejs/node_modules/shadowed/index.js": `module.exports = "layer";`,
	})
	own := writeFiles(t, t.TempDir(), map[string]string{
		"mine/index.js": `module.exports = "the function's NODE_PATH";`,
	})
	code := []byte(`const t = (m) => { try { return require(m); } catch (e) { return e.code; } };
exports.handler = async () => [t("provided"), t("second"), t("shadowed"), t("mine")].join("|");`)
	s, _ := newTestService(t, Config{})
	load(t, s,
		Function{Name: "inline", Runtime: "nodejs20.x", Handler: "index.handler", Layers: []string{layer},
			Inline: map[string][]byte{"index.js": code}},
		Function{Name: "own", Runtime: "nodejs20.x", Handler: "index.handler",
			Inline: map[string][]byte{"index.js": code}, Environment: map[string]string{"NODE_PATH": own}},
	)
	if got, want := string(invoke(t, s, "inline", `{}`).Payload), `"provided by the host NODE_PATH|second entry|layer|MODULE_NOT_FOUND"`; got != want {
		t.Errorf("inline: %s, want %s", got, want)
	}
	if got, want := string(invoke(t, s, "own", `{}`).Payload), `"MODULE_NOT_FOUND|MODULE_NOT_FOUND|MODULE_NOT_FOUND|the function's NODE_PATH"`; got != want {
		t.Errorf("own: %s, want %s", got, want)
	}
}

// TestNodePathESM: an ES module handler imports packages from the same
// directories require searches (the layers', the NODE_PATH cfnrun runs
// with, standing for Lambda's /var/runtime/node_modules where the AWS SDK
// is), as Lambda's Node.js 18+ runtimes let ES modules do; Node alone
// ignores NODE_PATH for import. The package's "import" export is the one
// loaded; a package nowhere still fails with ERR_MODULE_NOT_FOUND; a
// nodejs16.x function's ES modules do not search NODE_PATH (Lambda's did
// not). Real node processes.
func TestNodePathESM(t *testing.T) {
	needNode(t)
	sdk := `{"name":"@aws-sdk/client-fake","exports":{"import":"./esm.mjs","require":"./cjs.js"}}`
	host := writeFiles(t, t.TempDir(), map[string]string{
		"node_modules/@aws-sdk/client-fake/package.json": sdk,
		"node_modules/@aws-sdk/client-fake/esm.mjs":      `export const where = "host NODE_PATH (import)";`,
		"node_modules/@aws-sdk/client-fake/cjs.js":       `exports.where = "host NODE_PATH (require)";`,
		"node_modules/shadowed/index.js":                 `module.exports = "host";`,
	})
	flat := writeFiles(t, t.TempDir(), map[string]string{ // not named node_modules
		"flatpkg/package.json": `{"name":"flatpkg","exports":"./main.mjs"}`,
		"flatpkg/main.mjs":     `export default "flat NODE_PATH entry";`,
	})
	t.Setenv("NODE_PATH", filepath.Join(host, "node_modules")+string(os.PathListSeparator)+flat)
	layer := writeFiles(t, t.TempDir(), map[string]string{
		"nodejs/node_modules/shadowed/index.js": `module.exports = "layer";`,
	})
	code := []byte(`import { where } from "@aws-sdk/client-fake";
const t = async (m) => { try { return (await import(m)).default; } catch (e) { return e.code; } };
export const handler = async () => [where, await t("shadowed"), await t("flatpkg"), await t("nowhere-at-all")].join("|");`)
	s, logs := newTestService(t, Config{})
	load(t, s,
		Function{Name: "esm", Runtime: "nodejs20.x", Handler: "index.handler", Layers: []string{layer},
			Inline: map[string][]byte{"index.mjs": code}},
		Function{Name: "typemodule", Runtime: "nodejs22.x", Handler: "app.handler",
			Inline: map[string][]byte{"package.json": []byte(`{"type":"module"}`), "app.js": code}},
		Function{Name: "old", Runtime: "nodejs16.x", Handler: "index.handler", Inline: map[string][]byte{"index.mjs": code}},
	)
	if got, want := string(invoke(t, s, "esm", `{}`).Payload), `"host NODE_PATH (import)|layer|flat NODE_PATH entry|ERR_MODULE_NOT_FOUND"`; got != want {
		t.Errorf("esm: %s, want %s\n%s", got, want, logs.text())
	}
	if got, want := string(invoke(t, s, "typemodule", `{}`).Payload), `"host NODE_PATH (import)|host|flat NODE_PATH entry|ERR_MODULE_NOT_FOUND"`; got != want {
		t.Errorf("typemodule: %s, want %s\n%s", got, want, logs.text())
	}
	checkErrorDoc(t, invoke(t, s, "old", `{}`), "Runtime.ImportModuleError", "Cannot find package '@aws-sdk/client-fake'")
}

// TestOptLayerPaths: on Lambda a function's layers are extracted into /opt,
// a later layer's file replacing an earlier one's, and code reaches a
// layer's own modules by path (require('/opt/nodejs/utils/db'), a common
// idiom). cfnrun resolves such requires and imports in the local layers, in
// the same order; a path no layer has still fails with MODULE_NOT_FOUND
// (CommonJS) or ERR_MODULE_NOT_FOUND (ES modules). Real node processes.
func TestOptLayerPaths(t *testing.T) {
	needNode(t)
	first := writeFiles(t, t.TempDir(), map[string]string{
		"nodejs/utils/db.js":    `exports.where = "first layer";`,
		"nodejs/shared.js":      `module.exports = "first layer's shared";`,
		"nodejs/esm/helper.mjs": `export const helper = "esm from the first layer";`,
	})
	second := writeFiles(t, t.TempDir(), map[string]string{
		"nodejs/shared.js": `module.exports = "second layer's shared";`,
	})
	cjs := []byte(`const t = (m) => { try { const v = require(m); return typeof v === "string" ? v : v.where; } catch (e) { return e.code; } };
exports.handler = async () => [t("/opt/nodejs/utils/db"), t("/opt/nodejs/shared.js"), t("/opt/nodejs/nope")].join("|");`)
	esm := []byte(`import { helper } from "/opt/nodejs/esm/helper.mjs";
import db from "/opt/nodejs/utils/db.js";
const t = async (m) => { try { return (await import(m)).default; } catch (e) { return e.code; } };
export const handler = async () => [helper, db.where, await t("file:///opt/nodejs/shared.js"), await t("/opt/nodejs/nope.mjs")].join("|");`)
	s, logs := newTestService(t, Config{})
	layers := []string{first, second}
	load(t, s,
		Function{Name: "cjs", Runtime: "nodejs20.x", Handler: "index.handler", Layers: layers, Inline: map[string][]byte{"index.js": cjs}},
		Function{Name: "esm", Runtime: "nodejs20.x", Handler: "index.handler", Layers: layers, Inline: map[string][]byte{"index.mjs": esm}},
	)
	if got, want := string(invoke(t, s, "cjs", `{}`).Payload), `"first layer|second layer's shared|MODULE_NOT_FOUND"`; got != want {
		t.Errorf("cjs: %s, want %s\n%s", got, want, logs.text())
	}
	if got, want := string(invoke(t, s, "esm", `{}`).Payload), `"esm from the first layer|first layer|second layer's shared|ERR_MODULE_NOT_FOUND"`; got != want {
		t.Errorf("esm: %s, want %s\n%s", got, want, logs.text())
	}
}
