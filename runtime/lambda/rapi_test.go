package lambda

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// apiInstance loads a function whose process ("sleep") does not speak the
// Runtime API, starts an invocation, and returns the instance's Runtime API
// base URL so the test can play the runtime itself.
func apiInstance(t *testing.T, s *Service, name string, opts InvokeOptions, payload string) (base string, result chan Result) {
	t.Helper()
	load(t, s, Function{Name: name, Command: []string{"sleep", "3600"}, Timeout: 30 * time.Second, MemoryMB: 512})
	result = make(chan Result, 1)
	go func() {
		res, err := s.Invoke(context.Background(), name, []byte(payload), opts)
		if err != nil {
			res.Payload = []byte("Invoke error: " + err.Error())
		}
		result <- res
	}()
	fn := s.lookup(name)
	deadline := time.Now().Add(10 * time.Second)
	for {
		fn.mu.Lock()
		for in := range fn.all {
			base = "http://" + in.ln.Addr().String() + "/2018-06-01/runtime/"
		}
		fn.mu.Unlock()
		if base != "" {
			return base, result
		}
		if time.Now().After(deadline) {
			t.Fatal("no instance started")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type apiResp struct {
	status int
	header http.Header
	body   string
}

func call(t *testing.T, method, url, body string, hdr ...string) apiResp {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResp{resp.StatusCode, resp.Header, string(b)}
}

func checkAPIError(t *testing.T, r apiResp, status int, typ string) {
	t.Helper()
	var doc struct{ ErrorMessage, ErrorType string }
	if r.status != status || json.Unmarshal([]byte(r.body), &doc) != nil || doc.ErrorType != typ || doc.ErrorMessage == "" {
		t.Errorf("got %d %s, want %d with errorType %s", r.status, r.body, status, typ)
	}
}

func TestRuntimeAPI(t *testing.T) {
	s, _ := newTestService(t, Config{})
	opts := InvokeOptions{
		ClientContext:   `{"client":{"installation_id":"i-1"},"custom":{"k":"v"}}`,
		CognitoIdentity: `{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"}`,
		TraceID:         "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
	}
	base, result := apiInstance(t, s, "api", opts, `{"hello":"world"}`)

	checkAPIError(t, call(t, "POST", base+"invocation/next", ""), 405, "InvalidRequest")
	checkAPIError(t, call(t, "GET", base+"nothing/here", ""), 404, "InvalidRequest")

	before := time.Now()
	next := call(t, "GET", base+"invocation/next", "")
	if next.status != 200 || next.body != `{"hello":"world"}` {
		t.Fatalf("next: %d %s", next.status, next.body)
	}
	h := next.header
	id := h.Get("Lambda-Runtime-Aws-Request-Id")
	if len(id) != 36 || id[14] != '4' {
		t.Errorf("request id %q is not a v4 UUID", id)
	}
	if got := h.Get("Lambda-Runtime-Invoked-Function-Arn"); got != "arn:aws:lambda:us-east-1:123456789012:function:api" {
		t.Errorf("function ARN %q", got)
	}
	if got := h.Get("Lambda-Runtime-Trace-Id"); got != opts.TraceID {
		t.Errorf("trace id %q", got)
	}
	if got := h.Get("Lambda-Runtime-Client-Context"); got != opts.ClientContext {
		t.Errorf("client context %q", got)
	}
	if got := h.Get("Lambda-Runtime-Cognito-Identity"); got != opts.CognitoIdentity {
		t.Errorf("cognito identity %q", got)
	}
	if h.Get("Content-Type") != "application/json" || h.Get("Content-Length") != strconv.Itoa(len(next.body)) {
		t.Errorf("content type %q length %q", h.Get("Content-Type"), h.Get("Content-Length"))
	}
	ms, err := strconv.ParseInt(h.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
	if d := time.UnixMilli(ms).Sub(before); err != nil || d < 29*time.Second || d > 31*time.Second {
		t.Errorf("deadline %q is %v after the invocation, want 30s", h.Get("Lambda-Runtime-Deadline-Ms"), d)
	}

	// Asking again before answering is a state error; init/error after
	// init too; an unknown id is a bad request.
	checkAPIError(t, call(t, "GET", base+"invocation/next", ""), 403, "InvalidStateTransition")
	checkAPIError(t, call(t, "POST", base+"init/error", `{}`), 403, "InvalidStateTransition")
	checkAPIError(t, call(t, "POST", base+"invocation/not-the-id/response", `1`), 400, "InvalidRequestID")
	checkAPIError(t, call(t, "POST", base+"invocation/"+id+"/bogus", `1`), 404, "InvalidRequest")

	ok := call(t, "POST", base+"invocation/"+id+"/response", `{"answer":42}`)
	if ok.status != 202 || strings.TrimSpace(ok.body) != `{"status":"OK"}` {
		t.Errorf("response: %d %s", ok.status, ok.body)
	}
	res := <-result
	if res.FunctionError != "" || string(res.Payload) != `{"answer":42}` || res.RequestID != id {
		t.Errorf("result %+v", res)
	}
	// A second answer for the same id is refused.
	checkAPIError(t, call(t, "POST", base+"invocation/"+id+"/response", `2`), 400, "InvalidRequestID")
	checkAPIError(t, call(t, "POST", base+"invocation/"+id+"/error", `{}`), 400, "InvalidRequestID")
}

func TestRuntimeAPIInvocationError(t *testing.T) {
	s, _ := newTestService(t, Config{})
	base, result := apiInstance(t, s, "apierr", InvokeOptions{}, `{}`)
	next := call(t, "GET", base+"invocation/next", "")
	id := next.header.Get("Lambda-Runtime-Aws-Request-Id")
	r := call(t, "POST", base+"invocation/"+id+"/error",
		`{"errorMessage":"bad thing","errorType":"MyError","stackTrace":["a","b"]}`,
		"Lambda-Runtime-Function-Error-Type", "MyError", "Content-Type", "application/vnd.aws.lambda.error+json")
	if r.status != 202 {
		t.Fatalf("error: %d %s", r.status, r.body)
	}
	res := <-result
	if res.FunctionError != "Unhandled" || res.ErrorType != "MyError" || !strings.Contains(string(res.Payload), `"stackTrace":["a","b"]`) {
		t.Errorf("result %+v %s", res, res.Payload)
	}
}

func TestRuntimeAPIInitError(t *testing.T) {
	s, _ := newTestService(t, Config{})
	base, result := apiInstance(t, s, "apiinit", InvokeOptions{}, `{}`)
	r := call(t, "POST", base+"init/error", `not json at all`, "Lambda-Runtime-Function-Error-Type", "Runtime.Custom")
	if r.status != 202 {
		t.Fatalf("init/error: %d %s", r.status, r.body)
	}
	res := <-result
	checkErrorDoc(t, res, "Runtime.Custom", "not json at all")
}

func TestRuntimeAPIResponseTooLarge(t *testing.T) {
	s, _ := newTestService(t, Config{})
	base, result := apiInstance(t, s, "apibig", InvokeOptions{}, `{}`)
	id := call(t, "GET", base+"invocation/next", "").header.Get("Lambda-Runtime-Aws-Request-Id")
	r := call(t, "POST", base+"invocation/"+id+"/response", strings.Repeat("x", MaxPayloadBytes+1))
	checkAPIError(t, r, 413, "RequestEntityTooLarge")
	checkErrorDoc(t, <-result, "Function.ResponseSizeTooLarge", "6291556 bytes")
}
