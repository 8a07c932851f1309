package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestSamBuildOutput: a Node.js function whose CodeUri holds TypeScript
// that SAM's esbuild BuildMethod turns into JavaScript (sam init's
// hello-ts) cannot run as it is. Without a build, its route is not served
// and says to run sam build; after sam build, up runs
// .aws-sam/build/LOGICALID beside the template, as sam local start-api
// does, and says so.
func TestSamBuildOutput(t *testing.T) {
	needNode(t)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"hello/app.ts": "export const lambdaHandler = async (): Promise<object> => ({ statusCode: 200, body: 'from ts' });\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := func() *model.Template {
		b := newTB("sambuild01", stage("Prod", nil))
		b.method("/hello", "GET", lambdaProxy("hello"))
		b.t.Files = []string{filepath.Join(dir, "template.yaml")}
		b.t.Functions = []*model.Function{{LogicalID: "HelloFunction", Name: "hello", ARN: fnARN("hello"), Runtime: "nodejs20.x",
			Handler: "app.lambdaHandler", BuildMethod: "esbuild", Timeout: 10, Code: model.Code{Dir: filepath.Join(dir, "hello")}}}
		return b.build()
	}

	t.Run("not built", func(t *testing.T) {
		r, _ := lambdaGateway(t, build(), nil)
		var note string
		for _, rt := range r.g.Routes() {
			note = rt.Note
		}
		if want := "it must be built first (Metadata BuildMethod esbuild): run sam build (cfnrun then runs .aws-sam/build/HelloFunction)"; !strings.Contains(note, want) {
			t.Errorf("route note %q\nwant it to contain %q", note, want)
		}
		res := do(t, slowClient(t), "GET", "http://"+r.http+"/Prod/hello", nil)
		if res.status != 500 {
			t.Errorf("got %d %s, want 500 (not served)", res.status, res.body)
		}
	})

	t.Run("after sam build", func(t *testing.T) {
		out := filepath.Join(dir, ".aws-sam", "build", "HelloFunction")
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, "app.js"), []byte("exports.lambdaHandler = async () => ({ statusCode: 200, body: 'built' });\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		tpl := build()
		r, _ := lambdaGateway(t, nil, nil)
		ds, err := r.g.Load(tpl)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, d := range ds {
			found = found || strings.Contains(d.Summary, "runs what sam build made in "+out)
		}
		if !found {
			t.Errorf("no finding says the build output runs: %v", ds)
		}
		res := do(t, slowClient(t), "GET", "http://"+r.http+"/Prod/hello", nil)
		if res.status != 200 || res.body != "built" {
			t.Errorf("got %d %q, want 200 \"built\"", res.status, res.body)
		}
	})
}
