package resolver

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	stdcmp "cmp"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/model"
)

// samTransformScript runs the real SAM transform (python aws-sam-translator)
// on a template and prints the resulting resources as JSON. Local CodeUri
// and ContentUri values (which `sam package` would upload) become s3:// URIs
// first, since the transform accepts only those.
const samTransformScript = `
import json, os, sys
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse
def local(p, key):
    if isinstance(p, dict) and isinstance(p.get(key), str) and not p[key].startswith("s3://"):
        p[key] = "s3://local/" + p[key]
class Loader:
    def load(self): return {}
out = {}
for path in sys.argv[1:]:
    t = yaml_parse(open(path).read())
    for r in (t.get("Resources") or {}).values():
        for key in ("CodeUri", "ContentUri"):
            local(r.get("Properties"), key)
    local((t.get("Globals") or {}).get("Function"), "CodeUri")
    out[path] = transform(t, {"AWS::Region": "us-east-1"}, Loader())["Resources"]
print(json.dumps(out))
`

// TestSAMTranslatorAgrees checks the SAM lowering against the real SAM
// transform (aws-sam-translator, skipped when it is not installed): for
// every SAM template of the examples and of the Lambda golden files, the
// functions it creates (runtime, handler, limits, environment, inline code,
// layer count), the aliases, and the Lambda permissions it generates (by
// logical id and SourceArn) are the ones cfnrun's model holds.
func TestSAMTranslatorAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs python")
	}
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import samtranslator").Run() != nil {
		t.Skip("python3 with aws-sam-translator is not installed")
	}
	script := filepath.Join(t.TempDir(), "transform.py")
	if err := os.WriteFile(script, []byte(samTransformScript), 0o644); err != nil {
		t.Fatal(err)
	}
	var templates []string
	ex, _ := filepath.Glob("../examples/*/template.yaml")
	templates = append(templates, ex...)
	archives, _ := filepath.Glob("testdata/lambda-*.txtar")
	archives = append(archives, "testdata/sam.txtar")
	httpArchives, _ := filepath.Glob("testdata/httpapi-sam-*.txtar")
	archives = append(archives, httpArchives...)
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(a), ".txtar"))
		for _, f := range ar.Files {
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		templates = append(templates, filepath.Join(dir, "template.yaml"))
	}
	var sam []string
	for _, tpl := range templates {
		src, err := os.ReadFile(tpl)
		if err == nil && bytes.Contains(src, []byte("AWS::Serverless-2016-10-31")) {
			sam = append(sam, tpl)
		}
	}
	if len(sam) < 4 {
		t.Fatalf("only %d SAM templates found", len(sam))
	}
	// One python process for all templates: importing the translator
	// takes seconds.
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), py, append([]string{script}, sam...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("SAM transform: %v\n%s", err, stderr.String())
	}
	var all map[string]map[string]samResource
	if err := json.Unmarshal(stdout.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	for _, tpl := range sam {
		t.Run(filepath.Base(filepath.Dir(tpl)), func(t *testing.T) {
			theirs := all[tpl]
			if len(theirs) == 0 {
				t.Fatal("the transform returned no resources")
			}
			r := Resolve(context.Background(), []string{tpl}, Options{})
			if r.Template == nil {
				t.Fatalf("no template: %v", r.Diags)
			}
			compareSAM(t, r.Template, theirs)
		})
	}
}

type samResource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
}

func compareSAM(t *testing.T, tm *model.Template, theirs map[string]samResource) {
	samFn := map[string]bool{}
	for _, n := range tm.Nodes {
		if n.Type == "AWS::Serverless::Function" {
			samFn[n.Address] = true
		}
	}
	apiIDs := map[string]string{}
	for _, api := range tm.APIs {
		apiIDs[api.LogicalID] = api.ID
	}
	type fnView struct {
		Runtime, Handler, Inline string
		Timeout, Memory, Layers  int
		Reserved                 string
		Env                      map[string]string
		Arch                     []string
	}
	ours, want := map[string]fnView{}, map[string]fnView{}
	ourPerms, wantPerms := map[string]string{}, map[string]string{}
	var ourAliases, wantAliases []string
	for _, fn := range tm.Functions {
		if !samFn[fn.LogicalID] {
			continue
		}
		v := fnView{Runtime: fn.Runtime, Handler: fn.Handler, Timeout: fn.Timeout, Memory: fn.MemorySize, Layers: len(fn.Layers), Env: fn.Environment, Arch: fn.Architectures}
		if len(fn.Code.Files) == 1 && fn.Code.Files[0].Source == "" {
			v.Inline = fn.Code.Files[0].Content
		}
		if fn.ReservedConcurrency != nil {
			v.Reserved = strconv.Itoa(*fn.ReservedConcurrency)
		}
		ours[fn.LogicalID] = v
		for _, p := range fn.Permissions {
			if p.Generated {
				ourPerms[p.LogicalID] = p.SourceArn
			}
		}
		for _, a := range fn.Aliases {
			ourAliases = append(ourAliases, a.LogicalID)
		}
	}
	for _, fn := range tm.Functions { // authorizer permissions sit on any function
		if samFn[fn.LogicalID] {
			continue
		}
		for _, p := range fn.Permissions {
			if p.Generated {
				ourPerms[p.LogicalID] = p.SourceArn
			}
		}
	}
	declared := map[string]bool{} // the template's own permissions
	for _, fn := range tm.Functions {
		for _, p := range fn.Permissions {
			if !p.Generated {
				declared[p.LogicalID] = true
			}
		}
	}
	sub := func(v any) string {
		m, _ := v.(map[string]any)
		args, ok := m["Fn::Sub"].([]any)
		if !ok || len(args) != 2 {
			return ""
		}
		s, _ := args[0].(string)
		vars, _ := args[1].(map[string]any)
		for k, x := range vars {
			val := ""
			switch x := x.(type) {
			case string:
				val = x
			case map[string]any:
				if ref, ok := x["Ref"].(string); ok {
					val = apiIDs[ref]
				}
			}
			s = strings.ReplaceAll(s, "${"+k+"}", val)
		}
		return strings.NewReplacer("${AWS::Region}", "us-east-1", "${AWS::AccountId}", "123456789012", "${AWS::Partition}", "aws").Replace(s)
	}
	for id, res := range theirs {
		p := res.Properties
		switch res.Type {
		case "AWS::Lambda::Function":
			if !samFn[id] {
				continue
			}
			v := fnView{Runtime: str(p["Runtime"]), Handler: str(p["Handler"]), Timeout: num(p["Timeout"], model.DefaultFunctionTimeout),
				Memory: num(p["MemorySize"], model.DefaultFunctionMemory), Reserved: str(p["ReservedConcurrentExecutions"]), Arch: []string{"x86_64"}}
			if code, ok := p["Code"].(map[string]any); ok {
				v.Inline = str(code["ZipFile"])
			}
			if l, ok := p["Layers"].([]any); ok {
				v.Layers = len(l)
			}
			if a, ok := p["Architectures"].([]any); ok {
				v.Arch = nil
				for _, x := range a {
					v.Arch = append(v.Arch, str(x))
				}
			}
			if env, ok := p["Environment"].(map[string]any); ok {
				if vars, ok := env["Variables"].(map[string]any); ok {
					v.Env = map[string]string{}
					for k, x := range vars {
						v.Env[k] = str(x)
					}
				}
			}
			want[id] = v
		case "AWS::Lambda::Permission":
			if !declared[id] {
				wantPerms[id] = sub(p["SourceArn"])
			}
		case "AWS::Lambda::Alias":
			wantAliases = append(wantAliases, id)
		}
	}
	if d := cmp.Diff(want, ours); d != "" {
		t.Errorf("functions (-SAM transform +cfnrun):\n%s", d)
	}
	if d := cmp.Diff(wantPerms, ourPerms); d != "" {
		t.Errorf("generated permissions: logical id -> SourceArn (-SAM transform +cfnrun):\n%s", d)
	}
	compareHTTPAPIs(t, tm, theirs)
	slices.Sort(ourAliases)
	slices.Sort(wantAliases)
	if d := cmp.Diff(wantAliases, ourAliases); d != "" {
		t.Errorf("aliases (-SAM transform +cfnrun):\n%s", d)
	}
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.Itoa(int(v))
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func num(v any, def int) int {
	switch v := v.(type) {
	case float64:
		return int(v)
	case string:
		n := 0
		for _, c := range v {
			if c < '0' || c > '9' {
				return def
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	return def
}

// compareHTTPAPIs checks the HTTP APIs the transform writes (an
// AWS::ApiGatewayV2::Api with an OpenAPI Body, and its stage) against
// cfnrun's: each API's route keys with their integration's payload format
// version and authorizer, and its stage names.
func compareHTTPAPIs(t *testing.T, tm *model.Template, theirs map[string]samResource) {
	t.Helper()
	verbs := map[string]string{"x-amazon-apigateway-any-method": "ANY"}
	want, got := map[string][]string{}, map[string][]string{}
	// WebSocket APIs are not HTTP APIs: their stages are not compared.
	ws := map[string]bool{}
	for id, res := range theirs {
		if res.Type == "AWS::ApiGatewayV2::Api" && strings.EqualFold(str(res.Properties["ProtocolType"]), model.ProtocolWebSocket) {
			ws[id] = true
		}
	}
	for id, res := range theirs {
		switch res.Type {
		case "AWS::ApiGatewayV2::Api":
			body, _ := res.Properties["Body"].(map[string]any)
			paths, _ := body["paths"].(map[string]any)
			for path, item := range paths {
				ops, _ := item.(map[string]any)
				for verb, op := range ops {
					o, _ := op.(map[string]any)
					x, _ := o["x-amazon-apigateway-integration"].(map[string]any)
					if x == nil {
						continue
					}
					v := stdcmp.Or(verbs[verb], strings.ToUpper(verb))
					key := v + " " + path
					if path == model.RouteKeyDefault && v == "ANY" {
						key = model.RouteKeyDefault
					}
					auth := ""
					if sec, ok := o["security"].([]any); ok && len(sec) > 0 {
						for name := range sec[0].(map[string]any) {
							if name != "NONE" { // SAM's marker for an event's Authorizer: NONE
								auth = name
							}
						}
					}
					want[id] = append(want[id], key+" "+str(x["payloadFormatVersion"])+" "+auth)
				}
			}
		case "AWS::ApiGatewayV2::Stage":
			ref, _ := res.Properties["ApiId"].(map[string]any)
			if ws[str(ref["Ref"])] {
				continue
			}
			want[str(ref["Ref"])] = append(want[str(ref["Ref"])], "stage "+str(res.Properties["StageName"]))
		}
	}
	for _, api := range tm.APIs {
		if !api.IsHTTP() {
			continue
		}
		var routes []*model.Method
		for _, res := range api.Resources {
			routes = append(routes, res.Methods...)
		}
		if api.DefaultRoute != nil {
			routes = append(routes, api.DefaultRoute)
		}
		for _, m := range routes {
			pfv := ""
			if m.Integration != nil {
				pfv = m.Integration.PayloadFormatVersion
			}
			got[api.LogicalID] = append(got[api.LogicalID], m.RouteKey+" "+pfv+" "+m.AuthorizerID)
		}
		for _, st := range api.Stages {
			got[api.LogicalID] = append(got[api.LogicalID], "stage "+st.Name)
		}
	}
	for _, m := range []map[string][]string{want, got} {
		for k := range m {
			slices.Sort(m[k])
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("HTTP APIs: route key, payload format, authorizer; stages (-SAM transform +cfnrun):\n%s", d)
	}
}
