package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awsCLIs are the AWS CLIs to drive the control plane with: v1 (aws on
// PATH, as pyenv installs it) and v2 (/usr/bin/aws), those present.
func awsCLIs() map[string]string {
	out := map[string]string{}
	if p, err := exec.LookPath("aws"); err == nil {
		out["aws-on-path"] = p
	}
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		if real, _ := filepath.EvalSymlinks(out["aws-on-path"]); real != "/usr/bin/aws" {
			out["usr-bin-aws"] = "/usr/bin/aws"
		}
	}
	return out
}

// TestControlPlaneAPIKeysScript runs a LocalStack-style shell script
// (testdata/controlplane/apikeys.sh) with each AWS CLI against `cfnrun
// up`: it builds a REST API whose method needs an API key, makes a key and
// a usage plan with --api-stages, --throttle and --quota; an HTTP/2 client
// then gets 403 without the key and with it before the usage plan key, 200
// once create-usage-plan-key adds it, and 429 past the plan's burst; the
// teardown deletes it all, and the API stops answering.
func TestControlPlaneAPIKeysScript(t *testing.T) {
	t.Parallel() // a Python process per call: slow under load
	clis := awsCLIs()
	if len(clis) == 0 {
		t.Skip("no AWS CLI is installed")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	p := startUp(t)
	p.waitLine(t, "Control plane:")
	script, err := filepath.Abs(filepath.Join("testdata", "controlplane", "apikeys.sh"))
	if err != nil {
		t.Fatal(err)
	}
	env := awsEnv(t)
	h2 := h2c()
	for name, cli := range clis {
		t.Run(name, func(t *testing.T) {
			sh := func(args ...string) string {
				t.Helper()
				cmd := exec.CommandContext(t.Context(), "sh", append([]string{script}, args...)...)
				cmd.Env = append(env, "AWS="+cli, "ENDPOINT=http://"+p.http)
				out, err := cmd.Output()
				if err != nil {
					var stderr string
					if ee, ok := err.(*exec.ExitError); ok {
						stderr = string(ee.Stderr)
					}
					t.Fatalf("sh apikeys.sh %s: %v\n%s%s\nup's log:\n%s", strings.Join(args, " "), err, out, stderr, p.log.String())
				}
				return strings.TrimSpace(string(out))
			}
			ids := strings.Fields(sh("setup", name))
			if len(ids) != 3 || len(ids[0]) != 10 || len(ids[1]) != 10 || len(ids[2]) != 6 {
				t.Fatalf("setup printed %q, want API, key and plan ids", ids)
			}
			api, key, plan := ids[0], ids[1], ids[2]
			value := name + "-key-value-0123456789"
			// The LocalStack URL form names the API: both CLIs' APIs have
			// a stage local with /items.
			url := "http://" + p.http + "/restapis/" + api + "/local/_user_request_/items"
			get := func(n int, key string) string {
				var codes []string
				for range n {
					req, _ := http.NewRequest("GET", url, nil)
					if key != "" {
						req.Header.Set("x-api-key", key)
					}
					resp, err := h2.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.ProtoMajor != 2 {
						t.Errorf("answered over %s", resp.Proto)
					}
					codes = append(codes, fmt.Sprint(resp.StatusCode))
				}
				return strings.Join(codes, " ")
			}
			if s := get(1, ""); s != "403" {
				t.Errorf("without a key: %s, want 403", s)
			}
			if s := get(1, value); s != "403" {
				t.Errorf("a key in no usage plan yet: %s, want 403", s)
			}
			sh("plankey", plan, key)
			// The plan's burst of 2, refilled every 1,000 s, admits two.
			if s := get(3, value); s != "200 200 429" {
				t.Errorf("with the usage plan key: %s, want 200 200 429", s)
			}
			if s := get(1, ""); s != "403" {
				t.Errorf("without a key, after: %s, want 403", s)
			}
			out, errOut, code := awsCLI(t, env, p.http, "get-usage-plan-keys", "--usage-plan-id", plan)
			if code != 0 || !strings.Contains(out, `"id": "`+key+`"`) {
				t.Errorf("get-usage-plan-keys: %d %s%s", code, out, errOut)
			}
			sh("teardown", api, key, plan)
			if s := get(1, value); s != "403" {
				t.Errorf("after delete-rest-api: %s, want 403", s)
			}
			if !strings.Contains(p.log.String(), "control plane: create-usage-plan-key "+plan+" "+key) {
				t.Errorf("up's log has no drift line for create-usage-plan-key:\n%s", p.log.String())
			}
		})
	}
}

// TestControlPlaneImportRestAPI: import-rest-api with an OpenAPI file
// (fileb://, as both CLIs take it) through up's importer, then
// tag-resource; the API serves once create-deployment gives it a stage.
func TestControlPlaneImportRestAPI(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not installed")
	}
	p := startUp(t)
	p.waitLine(t, "Control plane:")
	env := awsEnv(t)
	doc, err := filepath.Abs(filepath.Join("testdata", "controlplane", "orders.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := awsCLI(t, env, p.http, "import-rest-api", "--body", "fileb://"+doc, "--query", "id")
	id := strings.Trim(strings.TrimSpace(out), `"`)
	if code != 0 || len(id) != 10 {
		t.Fatalf("import-rest-api: %d %s%s", code, out, errOut)
	}
	if _, errOut, code := awsCLI(t, env, p.http, "create-deployment", "--rest-api-id", id, "--stage-name", "dev"); code != 0 {
		t.Fatalf("create-deployment: %s", errOut)
	}
	resp, err := h2c().Post("http://"+p.http+"/restapis/"+id+"/dev/_user_request_/orders", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("POST /orders of the imported API: %d", resp.StatusCode)
	}
	arn := "arn:aws:apigateway:us-east-1::/restapis/" + id
	if _, errOut, code := awsCLI(t, env, p.http, "tag-resource", "--resource-arn", arn, "--tags", "team=orders"); code != 0 {
		t.Errorf("tag-resource: %s", errOut)
	}
	if out, errOut, code := awsCLI(t, env, p.http, "get-tags", "--resource-arn", arn); code != 0 || !strings.Contains(out, `"team": "orders"`) {
		t.Errorf("get-tags: %d %s%s", code, out, errOut)
	}
}
