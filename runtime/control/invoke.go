package control

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// test-invoke-method runs one request through the method's integration,
// as the console's Test button does: it goes through the gateway's own
// handler (the data plane, with everything a real request meets), on the
// API's first stage.

type testInvokeRequest struct {
	PathWithQueryString string              `json:"pathWithQueryString"`
	Body                string              `json:"body"`
	Headers             map[string]string   `json:"headers"`
	MultiValueHeaders   map[string][]string `json:"multiValueHeaders"`
	StageVariables      map[string]string   `json:"stageVariables"`
}

type testInvokeResponse struct {
	Status            int                 `json:"status"`
	Body              string              `json:"body"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Log               string              `json:"log"`
	Latency           int64               `json:"latency"`
}

func testInvokeMethod(rq *request) (int, any, error) {
	var in testInvokeRequest
	if err := rq.decode(&in); err != nil {
		return 0, nil, err
	}
	a, res, m, err := rq.method()
	if err != nil {
		return 0, nil, err
	}
	stages := servedStages(a)
	if len(stages) == 0 {
		return 0, nil, badRequest("The REST API %s has no stage, so cfnrun serves none of its methods; add a stage (create-deployment --stage-name) first", a.ID)
	}
	st := stages[0]
	path := in.PathWithQueryString
	if path == "" {
		path = res.Path
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	rawPath, rawQuery, _ := strings.Cut(path, "?")
	u := &url.URL{Path: "/restapis/" + a.ID + "/" + st.Name + "/_user_request_" + rawPath, RawQuery: rawQuery}
	target := u.String()
	parsed, err := url.ParseRequestURI(target)
	if err != nil {
		return 0, nil, badRequest("Invalid pathWithQueryString %q: %v", in.PathWithQueryString, err)
	}
	verb := m.HTTPMethod
	if verb == "ANY" {
		verb = http.MethodGet
	}
	req := newInvokeRequest(rq.r.Context(), verb, target, parsed, in.Body)
	req.Host = rq.r.Host
	req.RemoteAddr = rq.r.RemoteAddr
	for k, vs := range in.MultiValueHeaders {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for k, v := range in.Headers {
		req.Header.Set(k, v)
	}
	rec := &recorder{header: http.Header{}, code: http.StatusOK}
	start := rq.p.opts.Now()
	wall := time.Now()
	if err := serveRecovered(rq.p.gw.Handler(), rec, req); err != nil {
		rec.code = http.StatusInternalServerError
	}
	latency := time.Since(wall).Milliseconds()

	out := &testInvokeResponse{Status: rec.code, Body: rec.body.String(), Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}, Latency: latency}
	for k, vs := range rec.result() {
		out.Headers[k] = vs[len(vs)-1]
		out.MultiValueHeaders[k] = vs
	}
	// The gateway writes x-amzn-RequestId in AWS's spelling, not Go's
	// canonical one.
	rid := out.Headers["x-amzn-RequestId"]
	out.Log = invokeLog(start, out, res, m, st, rawPath, rawQuery, in, rid)
	return http.StatusOK, out, nil
}

// newInvokeRequest is the request test-invoke-method sends through the
// gateway's handler: an HTTP/1.1 request for target (already parsed as a
// request URI into u) with body, as net/http/httptest.NewRequest makes it
// (that package is not linked into cfnrun: its init costs every command).
func newInvokeRequest(ctx context.Context, method, target string, u *url.URL, body string) *http.Request {
	req := &http.Request{
		Method:        method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Host:          "example.com",
		RemoteAddr:    "192.0.2.1:1234",
		RequestURI:    target,
	}
	return req.WithContext(ctx)
}

// recorder keeps what the gateway's handler writes, as
// httptest.ResponseRecorder does: the headers as they were when the
// status was written, a Content-Type sniffed from the first write when
// the handler set none, and the whole body.
type recorder struct {
	header      http.Header
	snap        http.Header
	code        int
	wroteHeader bool
	body        bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	w.code = code
	w.wroteHeader = true
	w.snap = w.header.Clone()
}

func (w *recorder) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		_, hasType := w.header["Content-Type"]
		if !hasType && w.header.Get("Transfer-Encoding") == "" {
			w.header.Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	w.body.Write(b)
	if !bodyAllowed(w.code) {
		return 0, http.ErrBodyNotAllowed
	}
	return len(b), nil
}

func (w *recorder) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
}

// result is the response's header: as the status was written, or as it
// is now when no status was.
func (w *recorder) result() http.Header {
	if w.snap == nil {
		w.snap = w.header.Clone()
	}
	return w.snap
}

// bodyAllowed is whether a response with status code may have a body.
func bodyAllowed(code int) bool {
	switch {
	case code >= 100 && code <= 199:
		return false
	case code == http.StatusNoContent, code == http.StatusNotModified:
		return false
	}
	return true
}

// serveRecovered runs h, turning the handler's deliberate stream reset
// (a panic with http.ErrAbortHandler) into an error.
func serveRecovered(h http.Handler, w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the request was reset: %v", p)
		}
	}()
	h.ServeHTTP(w, r)
	return nil
}

// invokeLog is the execution log, in the console's words.
func invokeLog(start time.Time, out *testInvokeResponse, res *model.Resource, m *model.Method, st *model.Stage,
	path, query string, in testInvokeRequest, rid string) string {
	ts := start.UTC().Format("Mon Jan 02 15:04:05 MST 2006")
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, ts+" : "+format+"\n", args...) }
	if rid == "" {
		rid = "test-invoke-request"
	}
	fmt.Fprintf(&b, "Execution log for request %s\n", rid)
	line("Starting execution for request: %s", rid)
	line("HTTP Method: %s, Resource Path: %s", m.HTTPMethod, path)
	line("Method request path: %s", javaMap(pathParams(res.Path, path)))
	q, _ := url.ParseQuery(query)
	qs := map[string]string{}
	for k, v := range q {
		qs[k] = v[len(v)-1]
	}
	line("Method request query string: %s", javaMap(qs))
	line("Method request headers: %s", javaMap(in.Headers))
	line("Method request body before transformations: %s", in.Body)
	if len(in.StageVariables) > 0 {
		line("Stage variables from the request are not applied: cfnrun runs the method on stage %s with its variables %s", st.Name, javaMap(st.Variables))
	} else {
		line("Running on stage %s (stage variables %s)", st.Name, javaMap(st.Variables))
	}
	if m.Integration != nil && m.Integration.URI != "" {
		line("Endpoint request URI: %s", model.SubstituteStageVariables(m.Integration.URI, st.Variables))
	}
	line("Method response body after transformations: %s", out.Body)
	line("Method response headers: %s", javaMap(out.Headers))
	if out.Status < 500 {
		line("Successfully completed execution")
	} else {
		line("Execution failed")
	}
	line("Method completed with status: %d", out.Status)
	return b.String()
}

// javaMap writes m as the console's logs do: {a=1, b=2}.
func javaMap(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// pathParams matches path against the resource path template.
func pathParams(template, path string) map[string]string {
	out := map[string]string{}
	ts := strings.Split(strings.Trim(template, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	for i, t := range ts {
		if !strings.HasPrefix(t, "{") || !strings.HasSuffix(t, "}") || i >= len(ps) {
			continue
		}
		name := strings.Trim(t, "{}")
		if n, greedy := strings.CutSuffix(name, "+"); greedy {
			out[n] = strings.Join(ps[i:], "/")
			break
		}
		out[name] = ps[i]
	}
	return out
}
