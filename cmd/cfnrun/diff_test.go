package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const pairsDir = "../../diff/testdata/pairs"

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &o, &e)
	return o.String(), e.String(), code
}

func TestDiffCommand(t *testing.T) {
	old := filepath.Join(pairsDir, "rename-deployment", "old.yaml")
	nw := filepath.Join(pairsDir, "rename-deployment", "new.yaml")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   []string
		noStdout bool
	}{
		{name: "text", args: []string{"diff", old, nw}, code: 0,
			stdout: []string{"-/+ Deployment20240202 (AWS::ApiGateway::Deployment)", "~ GET     /orders", "timeoutMs: 29000 -> 10000", "Resources: 0 to add, 2 to change, 1 to replace, 0 to destroy."}},
		{name: "exit code with changes", args: []string{"diff", "--exit-code", old, nw}, code: 2, stdout: []string{"Routes:"}},
		{name: "exit code without changes", args: []string{"diff", "--exit-code", old, old}, code: 0, stdout: []string{"No changes."}},
		{name: "flags after files", args: []string{"diff", old, nw, "--format", "markdown"}, code: 0, stdout: []string{"## cfnrun diff", "| `~` | orders | prod | `GET` |"}},
		{name: "github annotations", args: []string{"diff", "--format", "github", old, nw}, code: 0,
			stdout: []string{"::warning file=", "title=cfnrun diff/stage-new-deployment::stage prod of API orders switches", "::notice title=cfnrun diff::Resources: 0 to add"}},
		{name: "never colour into a pipe", args: []string{"diff", old, nw}, code: 0, stdout: []string{"~ Prod"}},
		{name: "forced colour", args: []string{"diff", "--color", "always", old, nw}, code: 0, stdout: []string{"\x1b[33m~\x1b[0m"}},
		{name: "missing file", args: []string{"diff", "--exit-code", old, "nope.yaml"}, code: 1, stderr: []string{"cannot read the new template", "nope.yaml"}, noStdout: true},
		{name: "one file", args: []string{"diff", old}, code: 1, stderr: []string{"name two templates"}, noStdout: true},
		{name: "bad format", args: []string{"diff", "--format", "yml", old, nw}, code: 1, stderr: []string{`unknown --format "yml"`}, noStdout: true},
		{name: "bad flag", args: []string{"diff", "--colour", "never", old, nw}, code: 1, stderr: []string{"flag provided but not defined"}, noStdout: true},
		{name: "deploy-time errors are noted", args: []string{"diff", "../../examples/seed/template.yaml", "../../examples/seed/template.yaml"}, code: 0,
			stdout: []string{"No changes."}, stderr: []string{"error(s) that would stop a deployment"}},
		{name: "strict stops on deploy-time errors", args: []string{"diff", "--strict", "../../examples/seed/template.yaml", "../../examples/seed/template.yaml"}, code: 1,
			stderr: []string{"--strict: the old template", "--strict: the new template", "template.yaml:42:7: error[E3201]"}, noStdout: true},
		{name: "help", args: []string{"diff", "--help"}, code: 0, stdout: []string{"cfnrun diff [flags] OLD NEW", "-exit-code", "-param Name=Value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tt.noStdout && stdout != "" {
				t.Errorf("unexpected stdout:\n%s", stdout)
			}
			if tt.name == "never colour into a pipe" && strings.Contains(stdout, "\x1b[") {
				t.Error("colour escape codes written to a non-terminal")
			}
		})
	}
}

// TestDiffBrokenSide: a side that does not parse stops the diff with its
// syntax error at file:line:col and exit 1, with --exit-code too; never a
// resource list ("all destroyed") and never "No changes" when both sides
// are broken. Every broken side is reported, not only the first.
func TestDiffBrokenSide(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := filepath.Join(pairsDir, "rename-deployment", "old.yaml")
	badYAML := write("bad.yaml", "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: x\n  Other: 1\n")
	badJSON := write("bad.json", "{\"Resources\": {\"Api\": {\"Type\": \"AWS::ApiGateway::RestApi\",}}}\n")
	empty := write("empty.yaml", "")
	badTF := write("tf/main.tf", "resource \"aws_api_gateway_rest_api\" \"x\" {\n  name = \"x\"\n")
	goodTF := filepath.Dir(write("tfok/main.tf", "resource \"aws_api_gateway_rest_api\" \"x\" {\n  name = \"x\"\n}\n"))
	deepTF := write("tfdeep/main.tf", "resource \"aws_api_gateway_rest_api\" \"x\" {\n  name = \"x\"\n  tags = {\n    t = "+strings.Repeat("[", 1000)+strings.Repeat("]", 1000)+"\n  }\n}\n")
	loopTF := write("tfloop/main.tf", "resource \"aws_api_gateway_rest_api\" \"x\" {\n  name = \"x\"\n  tags = { n = length(range(100000000)) }\n}\n")
	tests := []struct {
		name   string
		args   []string
		stderr []string // substrings, in this order
	}{
		{"new side YAML", []string{good, badYAML}, []string{"cannot read the new template (" + badYAML + ")", badYAML + ":4:"}},
		{"old side JSON", []string{badJSON, good}, []string{"cannot read the old template (" + badJSON + ")", badJSON + ":1:"}},
		{"both broken", []string{badJSON, badYAML}, []string{"cannot read the old template", badJSON + ":1:", "cannot read the new template", badYAML + ":4:"}},
		{"same broken file", []string{badYAML, badYAML}, []string{"cannot read the old template", "cannot read the new template"}},
		{"empty file", []string{empty, good}, []string{"cannot read the old template", empty + ":1:1: error[E0005]"}},
		{"terraform", []string{goodTF, filepath.Dir(badTF)}, []string{"cannot read the new template", badTF + ":1:"}},
		{"terraform nested too deep", []string{goodTF, filepath.Dir(deepTF)}, []string{"cannot read the new template", deepTF + ":4:", "TF070"}},
		{"terraform past the evaluation budget", []string{filepath.Dir(loopTF), goodTF}, []string{"cannot read the old template", loopTF + ":3:", "TF071"}},
	}
	for _, tt := range tests {
		for _, exitCode := range []bool{false, true} {
			name := tt.name
			args := append([]string{"diff"}, tt.args...)
			if exitCode {
				name += " --exit-code"
				args = append([]string{"diff", "--exit-code"}, tt.args...)
			}
			t.Run(name, func(t *testing.T) {
				stdout, stderr, code := runCLI(t, args...)
				if code != 1 {
					t.Errorf("exit code %d, want 1", code)
				}
				if stdout != "" {
					t.Errorf("a broken side printed a diff:\n%s", stdout)
				}
				rest := stderr
				for _, s := range tt.stderr {
					i := strings.Index(rest, s)
					if i < 0 {
						t.Fatalf("stderr lacks %q (in order):\n%s", s, stderr)
					}
					rest = rest[i+len(s):]
				}
				for _, never := range []string{"No changes", "to destroy", "Resources:"} {
					if strings.Contains(stderr, never) {
						t.Errorf("stderr says %q:\n%s", never, stderr)
					}
				}
				if !strings.Contains(stderr, "^") {
					t.Errorf("no source snippet:\n%s", stderr)
				}
			})
		}
	}
}

func TestDiffCommandJSON(t *testing.T) {
	stdout, stderr, code := runCLI(t, "diff", "--format", "json",
		filepath.Join(pairsDir, "petstore-lambda", "old.yaml"), filepath.Join(pairsDir, "petstore-lambda", "new.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Hazards []struct {
			Kind, Severity, Message string
		} `json:"hazards"`
		Resources []struct {
			Address, Action string
		} `json:"resources"`
		Routes []struct {
			Stage, Method, Path, Action string
		} `json:"routes"`
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	var kinds, routes []string
	for _, h := range out.Hazards {
		kinds = append(kinds, h.Kind)
	}
	for _, r := range out.Routes {
		routes = append(routes, r.Action+" "+r.Method+" "+r.Path)
	}
	if got, want := strings.Join(kinds, ","), "route-removed,deployment-not-updated"; got != want {
		t.Errorf("hazards = %s, want %s", got, want)
	}
	if got, want := strings.Join(routes, ","), "change GET /pets,remove DELETE /pets/{petId},add PUT /pets/{petId}"; got != want {
		t.Errorf("routes = %s, want %s", got, want)
	}
	if out.Summary["add"] != 1 || out.Summary["remove"] != 1 || out.Summary["update"] != 3 {
		t.Errorf("summary = %v", out.Summary)
	}
}

// TestDiffGit runs `cfnrun diff --git` in a throwaway repository: the
// committed template against an edited working copy, a directory, and a
// path that is new in the working copy.
func TestDiffGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	oldSrc, err := os.ReadFile(filepath.Join(pairsDir, "stage-rename", "old.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	newSrc, err := os.ReadFile(filepath.Join(pairsDir, "stage-rename", "new.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=cfnrun", "-c", "user.email=cfnrun@example.com", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if err := os.MkdirAll(filepath.Join(repo, "infra"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(rel string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(repo, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("infra/api.yaml", oldSrc)
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "api")
	write("infra/api.yaml", newSrc)
	write("infra/extra.yaml", oldSrc)
	t.Chdir(repo)

	stdout, stderr, code := runCLI(t, "diff", "--exit-code", "--git", "HEAD", "infra/api.yaml")
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	for _, s := range []string{"DANGER  stage prod of API status is removed", "at HEAD:infra/api.yaml:34:3", "-/+ ProdStage (AWS::ApiGateway::Stage)", "+ GET     /health -> MOCK"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}

	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = runCLI(t, "diff", "--exit-code", "--git", "HEAD", filepath.Join(wd, "infra", "api.yaml"))
	if code != 2 || !strings.Contains(stdout, "-/+ ProdStage (AWS::ApiGateway::Stage)") {
		t.Errorf("absolute path: exit %d\n%s\n%s", code, stdout, stderr)
	}

	stdout, stderr, code = runCLI(t, "diff", "--exit-code", "--git", "HEAD", "infra/extra.yaml")
	if code != 2 || !strings.Contains(stdout, "+ HealthGet (AWS::ApiGateway::Method)") {
		t.Errorf("new file: exit %d\n%s\n%s", code, stdout, stderr)
	}

	git("add", ".")
	git("commit", "-q", "-m", "v1")
	stdout, stderr, code = runCLI(t, "diff", "--exit-code", "--git", "HEAD", "infra/api.yaml")
	if code != 0 || !strings.Contains(stdout, "No changes.") {
		t.Errorf("unchanged file: exit %d\n%s\n%s", code, stdout, stderr)
	}

	_, stderr, code = runCLI(t, "diff", "--git", "no-such-rev", "infra/api.yaml")
	if code != 1 || !strings.Contains(stderr, "no-such-rev") {
		t.Errorf("bad revision: exit %d\n%s", code, stderr)
	}
}

// TestGitExtractDirectory checks that --git reads every file of a
// directory (a Terraform module) as it was at the revision.
func TestGitExtractDirectory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=cfnrun", "-c", "user.email=cfnrun@example.com"}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for name, body := range map[string]string{"infra/main.tf": "# v1 main\n", "infra/modules/api/api.tf": "# v1 api\n", "other.txt": "x\n"} {
		if err := os.MkdirAll(filepath.Join(repo, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("init", "-q")
	run("add", ".")
	run("commit", "-q", "-m", "v1")
	if err := os.WriteFile(filepath.Join(repo, "infra/main.tf"), []byte("# v2 main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	dir := t.TempDir()
	out, found, err := gitExtract(context.Background(), "HEAD", "infra", dir)
	if err != nil || !found {
		t.Fatalf("gitExtract: %v, found=%v", err, found)
	}
	for name, want := range map[string]string{"main.tf": "# v1 main\n", "modules/api/api.tf": "# v1 api\n"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "other.txt")); err == nil {
		t.Error("a file outside the path was extracted")
	}
	if _, found, err := gitExtract(context.Background(), "HEAD", "missing", dir); err != nil || found {
		t.Errorf("missing path: found=%v err=%v", found, err)
	}
}

func TestDiffCommandTerraform(t *testing.T) {
	dir := filepath.Join(pairsDir, "tf-triggers")
	stdout, stderr, code := runCLI(t, "diff", "--exit-code", filepath.Join(dir, "old"), filepath.Join(dir, "new"))
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	for _, s := range []string{"DANGER  aws_api_gateway_deployment.this is not re-created", "~ aws_api_gateway_integration.get_items"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	stdout, _, code = runCLI(t, "diff", "--format", "json", filepath.Join(dir, "old"), filepath.Join(dir, "new"))
	if code != 0 || !strings.Contains(stdout, `"kind": "terraform-deployment-not-triggered"`) || !strings.Contains(stdout, `"format": "terraform"`) {
		t.Errorf("json: exit %d\n%s", code, stdout)
	}
}

// TestDiffErrorsInOurWords: what fails is said first, in cfnrun's words,
// then the cause; never a bare Go error ("exec: ...", "mkdir ...").
func TestDiffErrorsInOurWords(t *testing.T) {
	tpl := filepath.Join(pairsDir, "rename-deployment", "new.yaml")
	t.Run("git not installed", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, stderr, code := runCLI(t, "diff", "--git", "HEAD", tpl)
		if code != 1 || !strings.Contains(stderr, "--git runs git, which is not installed or not on PATH") || strings.Contains(stderr, "exec:") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
	})
	t.Run("no temporary directory", func(t *testing.T) {
		if _, err := exec.LookPath("git"); err != nil {
			t.Skip("git not installed")
		}
		t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
		_, stderr, code := runCLI(t, "diff", "--git", "HEAD", tpl)
		if code != 1 || !strings.HasPrefix(stderr, "cfnrun diff: cannot create a temporary directory for the old side (set TMPDIR") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
	})
}

// A template nesting one local child template twice, with different
// Parameters, compared with itself has no changes: diff pairs resources
// by logical id, which the nested stacks' resources share, so it reads
// the templates named and not their nested stacks (after fc11213 it
// paired one child's Method with the other's: 2 changes and 3 DANGER
// hazards for the same file on both sides).
func TestDiffNestedStacksSameTemplate(t *testing.T) {
	dir := t.TempDir()
	child := `Parameters:
  Stage: {Type: String}
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: !Sub "${AWS::StackName}-api"}
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: MOCK, RequestTemplates: {application/json: !Sub '{"statusCode": 200, "s": "${Stage}"}'}, IntegrationResponses: [{StatusCode: "200"}]}
      MethodResponses: [{StatusCode: "200"}]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Method
    Properties: {RestApiId: !Ref Api, StageName: !Ref Stage}
`
	parent := `Resources:
  One:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: child.yaml, Parameters: {Stage: one}}
  Two:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: ./child.yaml, Parameters: {Stage: two}}
`
	for name, text := range map[string]string{"child.yaml": child, "parent.yaml": parent} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "parent.yaml")
	stdout, stderr, code := runCLI(t, "diff", "--exit-code", p, p)
	if code != 0 || !strings.Contains(stdout, "No changes") {
		t.Errorf("exit %d, want 0 and no changes\n%s\n%s", code, stdout, stderr)
	}
}

// TestDiffOneCore: on two cores, a side is resolved on one core when the
// other side is about as large (nine tenths by heapplan's estimate), so
// two alike sides both are and the larger of a lopsided pair keeps its
// helpers; on one core every side is, on more than two none is.
func TestDiffOneCore(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte{' '}, n), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big, alike, ninety, half, small := write("big.json", 800<<10), write("alike.json", 790<<10), write("ninety.json", 700<<10), write("half.json", 400<<10), write("small.json", 1<<10)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, c := range []struct {
		procs      int
		a, b       string
		aOne, bOne bool
	}{
		{2, big, alike, true, true},
		{2, big, ninety, true, true}, // 700 kB: 29.9 MiB estimated, 800 kB 33 MiB
		{2, big, half, false, true},
		{2, big, small, false, true},
		{2, small, big, true, false},
		{2, small, small, true, true},
		{1, big, small, true, true},
		{4, big, alike, false, false},
	} {
		runtime.GOMAXPROCS(c.procs)
		if aOne, bOne := oneCore(c.a, c.b); aOne != c.aOne || bOne != c.bOne {
			t.Errorf("%d cores, %s and %s: one core %v, %v; want %v, %v", c.procs, filepath.Base(c.a), filepath.Base(c.b), aOne, bOne, c.aOne, c.bOne)
		}
	}
}
