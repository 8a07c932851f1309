package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// backend is a Service with real Node functions behind its Invoke API.
func backend(t *testing.T) *httptest.Server {
	t.Helper()
	needNode(t)
	b, _ := newTestService(t, Config{})
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"index.js": `
exports.echo = async (e, c) => { console.log("echo called"); return { event: e, clientContext: c.clientContext || null }; };
exports.fail = async () => { throw new TypeError("remote failure"); };
exports.slow = async () => { await new Promise(r => setTimeout(r, 5000)); return 1; };`,
	})
	load(t, b,
		Function{Name: "echo", Runtime: "nodejs20.x", Handler: "index.echo", CodeDir: dir},
		Function{Name: "fail", Runtime: "nodejs20.x", Handler: "index.fail", CodeDir: dir},
		Function{Name: "slow", Runtime: "nodejs20.x", Handler: "index.slow", CodeDir: dir, Timeout: 10 * time.Second},
	)
	srv := httptest.NewServer(b.InvokeAPI())
	t.Cleanup(srv.Close)
	return srv
}

func TestRemoteInvoke(t *testing.T) {
	srv := backend(t)
	s, _ := newTestService(t, Config{})
	deadURL := "http://" + refusingAddr(t)
	load(t, s,
		Function{Name: "echo", InvokeURL: srv.URL},
		Function{Name: "fail", InvokeURL: srv.URL + "/"},
		Function{Name: "slow", InvokeURL: srv.URL},
		Function{Name: "renamed", InvokeURL: srv.URL + "/2015-03-31/functions/echo/invocations"},
		Function{Name: "missing", InvokeURL: srv.URL},
		Function{Name: "unreachable", InvokeURL: deadURL},
		// A runtime cfnrun does not run is fine when it runs elsewhere.
		Function{Name: "java", Runtime: "java21", InvokeURL: srv.URL + "/2015-03-31/functions/echo/invocations"},
	)
	ctx := context.Background()

	res, err := s.Invoke(ctx, "echo", []byte(`{"a":1}`), InvokeOptions{ClientContext: `{"custom":{"k":"v"}}`, LogTail: true})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Event         map[string]any
		ClientContext map[string]any
	}
	if err := json.Unmarshal(res.Payload, &got); err != nil || got.Event["a"] != 1.0 || got.ClientContext["custom"] == nil {
		t.Errorf("echo: %s (%v)", res.Payload, err)
	}
	if res.Status != 200 || res.RequestID == "" || !strings.Contains(string(res.LogTail), "echo called") || !strings.Contains(string(res.LogTail), "REPORT RequestId: "+res.RequestID) {
		t.Errorf("status %d, request id %q, log tail %q", res.Status, res.RequestID, res.LogTail)
	}
	for _, name := range []string{"renamed", "java"} {
		if res := invoke(t, s, name, `{"b":2}`); !strings.Contains(string(res.Payload), `"b":2`) {
			t.Errorf("%s: %s", name, res.Payload)
		}
	}

	res = invoke(t, s, "fail", `{}`)
	checkErrorDoc(t, res, "TypeError", "remote failure")

	res, err = s.Invoke(ctx, "echo", []byte(`{}`), InvokeOptions{Async: true})
	if err != nil || res.Status != 202 {
		t.Errorf("async: %+v %v", res, err)
	}

	for _, tc := range []struct {
		name, typ string
		status    int
	}{
		{"missing", TypeNotFound, 404},
		{"unreachable", TypeService, 502},
	} {
		_, err := s.Invoke(ctx, tc.name, []byte(`{}`), InvokeOptions{})
		var e *Error
		if !errors.As(err, &e) || e.Type != tc.typ || e.Status != tc.status {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := s.Invoke(short, "slow", []byte(`{}`), InvokeOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow with a short context: %v", err)
	}
}

// TestInvokeAPIWithAWSCLI calls the Invoke API with the AWS CLI, a client
// none of us wrote.
func TestInvokeAPIWithAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI is not on PATH")
	}
	srv := backend(t)
	out := filepath.Join(t.TempDir(), "out.json")
	base := []string{"lambda", "invoke", "--endpoint-url", srv.URL, "--region", "us-east-1"}
	if v, _ := exec.Command(aws, "--version").CombinedOutput(); !strings.HasPrefix(string(v), "aws-cli/1.") {
		base = append(base, "--cli-binary-format", "raw-in-base64-out") // v2 reads --payload as base64 otherwise
	}
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(aws, append(base[:len(base):len(base)], args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		b, err := cmd.CombinedOutput()
		var meta map[string]any
		if jerr := json.Unmarshal(b, &meta); err != nil || jerr != nil {
			return map[string]any{"error": strings.TrimSpace(string(b))}
		}
		return meta
	}
	meta := run("--function-name", "echo", "--payload", `{"from":"cli"}`, "--log-type", "Tail", out)
	body, _ := os.ReadFile(out)
	if meta["StatusCode"] != 200.0 || meta["ExecutedVersion"] != "$LATEST" || meta["LogResult"] == nil || !strings.Contains(string(body), `"from":"cli"`) {
		t.Errorf("echo: %v %s", meta, body)
	}
	meta = run("--function-name", "arn:aws:lambda:us-east-1:123456789012:function:fail", out)
	body, _ = os.ReadFile(out)
	if meta["FunctionError"] != "Unhandled" || !strings.Contains(string(body), "remote failure") {
		t.Errorf("fail: %v %s", meta, body)
	}
	meta = run("--function-name", "echo", "--invocation-type", "Event", "--payload", `{}`, out)
	if meta["StatusCode"] != 202.0 {
		t.Errorf("event: %v", meta)
	}
	meta = run("--function-name", "nope", out)
	if e, _ := meta["error"].(string); !strings.Contains(e, "ResourceNotFoundException") {
		t.Errorf("missing function: %v", meta)
	}
}

// TestInvokeAPIErrors checks the Invoke API's refusals.
func TestInvokeAPIErrors(t *testing.T) {
	s, _ := newTestService(t, Config{})
	srv := httptest.NewServer(s.InvokeAPI())
	defer srv.Close()
	for _, tc := range []struct {
		method, path, body, hdr, typ string
		status                       int
	}{
		{"GET", "/2015-03-31/functions/f/invocations", "", "", "UnknownOperationException", 405},
		{"POST", "/2015-03-31/functions/f/other", "", "", "UnknownOperationException", 404},
		{"POST", "/2015-03-31/functions/f/invocations", "{", "", TypeInvalidRequest, 400},
		{"POST", "/2015-03-31/functions/f/invocations", "{}", "Bogus", "InvalidParameterValueException", 400},
		{"POST", "/2015-03-31/functions/f/invocations", "{}", "", TypeNotFound, 404},
		{"POST", "/2015-03-31/functions/f/invocations", "{}", "DryRun", TypeNotFound, 404},
		{"POST", "/2015-03-31/functions/f/invocations", strings.Repeat(" ", MaxRequestBytes+1), "", TypeTooLarge, 413},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.hdr != "" {
			req.Header.Set("X-Amz-Invocation-Type", tc.hdr)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Type, Message string }
		json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("X-Amzn-ErrorType") != tc.typ || doc.Message == "" {
			t.Errorf("%s %s %s: %d %s %+v", tc.method, tc.path, tc.hdr, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), doc)
		}
	}
}
