//lint:file-ignore SA1019 x/net/http2's client speaks h2c with prior knowledge

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// upProc runs `cfnrun up` in-process and follows its stdout.
type upProc struct {
	cancel context.CancelFunc
	code   chan int
	mu     sync.Mutex
	out    strings.Builder
	lines  chan string
	http   string
	https  string
	// log is what up writes to stderr (its log), for failure messages.
	log logBuf
}

// logBuf keeps the first MiB written to it; safe for concurrent writes.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 1<<20 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startUp(t *testing.T, args ...string) *upProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &upProc{cancel: cancel, code: make(chan int, 1), lines: make(chan string, 1000)}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	go func() {
		p.code <- run(ctx, append([]string{"up", "--addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0"}, args...), nil, pw, &p.log)
		pw.Close()
	}()
	// Generous: under load, reading a Terraform template and starting can
	// take seconds.
	deadline := time.After(60 * time.Second)
	for p.http == "" || p.https == "" {
		select {
		case l := <-p.lines:
			if a, ok := strings.CutPrefix(l, "Listening on http://"); ok {
				p.http = strings.Fields(a)[0]
			}
			if a, ok := strings.CutPrefix(l, "Listening on https://"); ok {
				p.https = strings.Fields(a)[0]
			}
		case c := <-p.code:
			t.Fatalf("up exited with %d:\n%s", c, p.output())
		case <-deadline:
			t.Fatalf("up did not start:\n%s", p.output())
		}
	}
	t.Cleanup(func() {
		cancel()
		select {
		case c := <-p.code:
			if c != 0 {
				t.Errorf("up exited with %d", c)
			}
		case <-time.After(15 * time.Second):
			t.Error("up did not stop")
		}
	})
	return p
}

func (p *upProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *upProc) waitLine(t *testing.T, prefix string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l := <-p.lines:
			if strings.HasPrefix(l, prefix) {
				return
			}
		case <-deadline:
			t.Fatalf("no line %q in:\n%s", prefix, p.output())
		}
	}
}

func h2c() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http2.Transport{AllowHTTP: true,
		DialTLSContext: func(ctx context.Context, n, a string, _ *tls.Config) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, n, a)
		}}}
}

func getJSON(t *testing.T, c *http.Client, url string) (int, map[string]any) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func TestUpDefault(t *testing.T) {
	p := startUp(t)
	out := p.output()
	for _, want := range []string{"/prod/myresource", "stage \"prod\" is created twice", "HTTP/2 + HTTP/1.1", "demo backend"} {
		if !strings.Contains(out, want) {
			t.Errorf("startup output lacks %q:\n%s", want, out)
		}
	}
	status, m := getJSON(t, h2c(), "http://"+p.http+"/prod/myresource")
	if status != 200 || m["protocol"] != "HTTP/2.0" || m["path"] != "/path" || m["host"] != "demo.example.com" {
		t.Errorf("got %d %v", status, m)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + p.https + "/prod/myresource")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("TLS: %s", resp.Proto)
	}
}

const reloadTemplate = `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: reload
  Res:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: PATH
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Res
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: HTTP_PROXY
        IntegrationHttpMethod: GET
        Uri: http://backend.internal/x
        ConnectionType: HTTP2
  Dep:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Get
    Properties:
      RestApiId: !Ref Api
      StageName: dev
Outputs:
  Url:
    Value: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/dev"
`

func TestUpReloadsOnChange(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(reloadTemplate, "PATH", "one")), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startUp(t, "--demo-backend", file)
	if !strings.Contains(p.output(), "Url = https://") {
		t.Errorf("outputs not printed:\n%s", p.output())
	}
	c := h2c()
	if s, m := getJSON(t, c, "http://"+p.http+"/dev/one"); s != 200 || m["protocol"] != "HTTP/2.0" {
		t.Fatalf("before reload: %d %v", s, m)
	}
	// Save as editors do: write a temporary file, rename it over.
	save := func(content string) {
		tmp := file + ".tmp"
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
	}
	// A broken change keeps the old version.
	save(strings.ReplaceAll(reloadTemplate, "!Ref Res", "!Ref Nope"))
	p.waitLine(t, "cfnrun up: the change adds")
	if s, _ := getJSON(t, c, "http://"+p.http+"/dev/one"); s != 200 {
		t.Fatalf("after a broken change: %d", s)
	}
	save(strings.ReplaceAll(reloadTemplate, "PATH", "two"))
	p.waitLine(t, "cfnrun up: reloaded")
	if s, _ := getJSON(t, c, "http://"+p.http+"/dev/two"); s != 200 {
		t.Errorf("new path after reload: %d", s)
	}
	if s, m := getJSON(t, c, "http://"+p.http+"/dev/one"); s != 403 || m["message"] != "Missing Authentication Token" {
		t.Errorf("old path after reload: %d %v", s, m)
	}
}

// TestUpWithCurl drives the gateway with curl when it is installed.
func TestUpWithCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	p := startUp(t)
	for _, args := range [][]string{
		{"--http2-prior-knowledge", "http://" + p.http + "/prod/myresource"},
		{"--http2", "-k", "https://" + p.https + "/prod/myresource"},
		{"--http1.1", "http://" + p.http + "/prod/myresource"},
	} {
		out, err := exec.Command("curl", append([]string{"-sS", "-w", "\n%{http_version} %{http_code}"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		s := string(out)
		wantProto := "2 200"
		if args[0] == "--http1.1" {
			wantProto = "1.1 200"
		}
		if !strings.HasSuffix(s, wantProto) || !strings.Contains(s, `"protocol": "HTTP/2.0"`) {
			t.Errorf("curl %v:\n%s", args, s)
		}
	}
	if _, err := exec.LookPath("nghttp"); err == nil {
		out, err := exec.Command("nghttp", "-v", "http://"+p.http+"/prod/myresource").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"protocol": "HTTP/2.0"`) {
			t.Errorf("nghttp: %v\n%s", err, out)
		}
	}
}

// TestUpRefusesWhatItCannotServe: a template without an API exits 1; one
// that cannot be read (a syntax error, an empty file, a missing path) exits
// 2, as docs/runtime.md says, with the error at file:line:col and nothing
// about a missing REST API.
func TestUpRefusesWhatItCannotServe(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, file, src string
		code            int
		want            string
	}{
		{"no api", "noapi.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", exitFindings, "no REST API"},
		{"yaml syntax", "syntax.yaml", "Resources:\n  Api:\n    Type: [\n", exitUsage, "syntax.yaml:4:1: error[E0000]"},
		{"json syntax", "syntax.json", "{\"Resources\": {\"Api\": {\"Type\": \"AWS::ApiGateway::RestApi\",}}}", exitUsage, "syntax.json:1:"},
		{"empty", "empty.yaml", "", exitUsage, "empty.yaml:1:1: error[E0005]"},
		{"hcl syntax", "main.tf", "resource \"aws_api_gateway_rest_api\" \"x\" {\n", exitUsage, "main.tf:1:"},
		{"missing", "", "", exitUsage, "error[E0100]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, c.name, c.file)
			if c.file != "" {
				os.MkdirAll(filepath.Dir(file), 0o755)
				os.WriteFile(file, []byte(c.src), 0o644)
			}
			var out, errOut strings.Builder
			code := run(context.Background(), []string{"up", "--addr", "127.0.0.1:0", "--tls-addr", "", file}, nil, &out, &errOut)
			all := out.String() + errOut.String()
			if code != c.code || !strings.Contains(all, c.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s", code, c.code, c.want, all)
			}
			if c.code == exitUsage && strings.Contains(all, "no REST API") {
				t.Errorf("an unreadable template reported as one without an API:\n%s", all)
			}
		})
	}
}

// TestUpChecksBeforeRoutes: up serves before the template's checks are
// done (resolver.ResolveStaged), and still prints their findings where it
// always did: every finding, the count of errors, then the routes. The
// template has a finding of each kind: the schema's (E3002), a model
// rule's (E3210), the graph's (E3004, W2001). The route serves.
func TestUpChecksBeforeRoutes(t *testing.T) {
	file := "../../resolver/testdata/checks-every-kind.yaml"
	p := startUp(t, "--demo-backend", file)
	p.waitLine(t, "Press Ctrl-C")
	out := p.output()
	last := -1
	for _, want := range []string{"W2001", "E3002", "E3004", "E3210", "3 errors, 1 warning", "To see the source lines",
		"the template has 3 error(s)", "API checks", "GET     http://" + p.http + "/prod/{id}", "Listening on http://"} {
		i := strings.Index(out, want)
		if i < last {
			t.Errorf("%q missing or out of order in:\n%s", want, out)
		}
		last = i
	}
	if status, m := getJSON(t, h2c(), "http://"+p.http+"/prod/7"); status != 200 || m["host"] != "example.com" {
		t.Errorf("got %d %v", status, m)
	}
}

// TestUpReloadsNewTerraformFile: Terraform reads every .tf file of a
// directory, so a file added to the served configuration's directory is
// a change, reloaded like an edit of an existing file.
func TestUpReloadsNewTerraformFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(strings.ReplaceAll(terraformRoute, "NAME", "one")+terraformStage), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startUp(t, "--demo-backend", dir)
	c := h2c()
	if s, _ := getJSON(t, c, "http://"+p.http+"/prod/one"); s != 200 {
		t.Fatalf("/prod/one answers %d, want 200", s)
	}
	if s, _ := getJSON(t, c, "http://"+p.http+"/prod/more"); s != 403 {
		t.Fatalf("before the new file: /prod/more answers %d, want 403", s)
	}
	extra := strings.ReplaceAll(terraformRoute, "NAME", "more")
	// Written under another name and renamed in, as editors save.
	tmp := filepath.Join(dir, ".more.tf.swp")
	if err := os.WriteFile(tmp, []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "more.tf")); err != nil {
		t.Fatal(err)
	}
	p.waitLine(t, "cfnrun up: reloaded")
	if s, _ := getJSON(t, c, "http://"+p.http+"/prod/more"); s != 200 {
		t.Errorf("after the new file: /prod/more answers %d, want 200", s)
	}
}

// terraformRoute is GET /NAME on the REST API of terraformStage.
const terraformRoute = `resource "aws_api_gateway_resource" "NAME" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "NAME"
}

resource "aws_api_gateway_method" "NAME" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.NAME.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "NAME" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.NAME.id
  http_method             = aws_api_gateway_method.NAME.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "http://backend.internal/NAME"
}
`

const terraformStage = `
resource "aws_api_gateway_rest_api" "api" {
  name = "reload"
}

resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_integration.one]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "prod"
}
`
