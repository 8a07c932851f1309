package lambda

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
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

// rawConn is a Runtime API connection the test writes bytes to.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, base string) *rawConn {
	t.Helper()
	u, _ := url.Parse(base)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return &rawConn{t, c, bufio.NewReader(c)}
}

func (r *rawConn) send(s string) {
	r.t.Helper()
	if _, err := r.c.Write([]byte(s)); err != nil {
		r.t.Fatal(err)
	}
}

// read reads one response.
func (r *rawConn) read() (status string, h map[string]string, body string) {
	r.t.Helper()
	h, b, ok := readResponse(r.br)
	if !ok {
		r.t.Fatal("no response")
	}
	return h[":status"], h, string(b)
}

// The protocol features Runtime API clients use beyond the embedded
// bootstraps' requests: chunked bodies with trailers (aws-lambda-go),
// Expect: 100-continue (libcurl), HTTP/1.0 and Connection: close, and
// pipelining, where the 202 and the next event share a write.
func TestRuntimeAPIProtocol(t *testing.T) {
	s, _ := newTestService(t, Config{})
	base, result := apiInstance(t, s, "proto", InvokeOptions{}, `{"n":1}`)
	c := dialRaw(t, base)
	c.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	st, h, body := c.read()
	id := h["lambda-runtime-aws-request-id"]
	if st != "200" || body != `{"n":1}` || id == "" {
		t.Fatalf("next: %s %v %s", st, h, body)
	}
	// A chunked answer, with Expect: 100-continue.
	c.send("POST /2018-06-01/runtime/invocation/" + id + "/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")
	if line, _ := c.br.ReadString('\n'); line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("no 100 Continue: %q", line)
	}
	c.br.ReadString('\n')
	c.send("6\r\n{\"a\":1\r\n1;ext=1\r\n}\r\n0\r\n\r\n")
	if st, _, _ := c.read(); st != "202" {
		t.Fatalf("chunked response: %s", st)
	}
	if res := <-result; string(res.Payload) != `{"a":1}` || res.FunctionError != "" {
		t.Fatalf("result %+v", res)
	}

	// A failure reported in trailers, pipelined with /next: the 202 is
	// held until the next event and both arrive together.
	// (Each invocation waits until the instance is idle, so that it
	// does not start a second one.)
	c.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	waitIdle(t, s, "proto")
	result2 := make(chan Result, 1)
	go func() {
		res, _ := s.Invoke(context.Background(), "proto", []byte(`{"n":2}`), InvokeOptions{})
		result2 <- res
	}()
	_, h, _ = c.read()
	id = h["lambda-runtime-aws-request-id"]
	result3 := make(chan Result, 1)
	c.send("POST /2018-06-01/runtime/invocation/" + id + "/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: Lambda-Runtime-Function-Error-Type\r\n\r\n" +
		"2\r\n{\"\r\n0\r\nLambda-Runtime-Function-Error-Type: Custom.Streaming\r\nLambda-Runtime-Function-Error-Body: " +
		base64.StdEncoding.EncodeToString([]byte(`{"errorType":"Custom.Streaming","errorMessage":"broke"}`)) + "\r\n\r\n" +
		"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	if res := <-result2; res.ErrorType != "Custom.Streaming" || !strings.Contains(string(res.Payload), "broke") {
		t.Fatalf("trailer error: %+v %s", res, res.Payload)
	}
	waitIdle(t, s, "proto")
	go func() {
		res, _ := s.Invoke(context.Background(), "proto", []byte(`{"n":3}`), InvokeOptions{})
		result3 <- res
	}()
	if st, _, _ := c.read(); st != "202" {
		t.Fatalf("pipelined answer: %s", st)
	}
	st, h, body = c.read()
	if st != "200" || body != `{"n":3}` {
		t.Fatalf("pipelined next: %s %s", st, body)
	}

	// HTTP/1.0: answered, then the connection closes.
	c10 := dialRaw(t, base)
	c10.send("POST /2018-06-01/runtime/invocation/" + h["lambda-runtime-aws-request-id"] + "/response HTTP/1.0\r\nContent-Length: 2\r\n\r\n42")
	if st, h, _ := c10.read(); st != "202" || h["connection"] != "close" {
		t.Fatalf("HTTP/1.0: %s %v", st, h)
	}
	if _, err := c10.br.ReadByte(); err != io.EOF {
		t.Errorf("HTTP/1.0 connection left open: %v", err)
	}
	if res := <-result3; string(res.Payload) != "42" {
		t.Fatalf("result %+v", res)
	}

	// Garbage is a 400, then the connection closes.
	bad := dialRaw(t, base)
	bad.send("NONSENSE\r\n\r\n")
	if st, _, body := bad.read(); st != "400" || !strings.Contains(body, "InvalidRequest") {
		t.Errorf("garbage: %s %s", st, body)
	}
}

// waitIdle waits until the function has an idle instance.
func waitIdle(t *testing.T, s *Service, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.lookup(name).stats().idle == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no idle instance")
		}
		time.Sleep(time.Millisecond)
	}
}
