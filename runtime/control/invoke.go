package control

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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
	if _, err := url.ParseRequestURI(u.String()); err != nil {
		return 0, nil, badRequest("Invalid pathWithQueryString %q: %v", in.PathWithQueryString, err)
	}
	verb := m.HTTPMethod
	if verb == "ANY" {
		verb = http.MethodGet
	}
	req := httptest.NewRequestWithContext(rq.r.Context(), verb, u.String(), strings.NewReader(in.Body))
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
	rec := httptest.NewRecorder()
	start := rq.p.opts.Now()
	wall := time.Now()
	if err := serveRecovered(rq.p.gw.Handler(), rec, req); err != nil {
		rec.Code = http.StatusInternalServerError
	}
	latency := time.Since(wall).Milliseconds()

	out := &testInvokeResponse{Status: rec.Code, Body: rec.Body.String(), Headers: map[string]string{}, MultiValueHeaders: map[string][]string{}, Latency: latency}
	for k, vs := range rec.Result().Header {
		out.Headers[k] = vs[len(vs)-1]
		out.MultiValueHeaders[k] = vs
	}
	// The gateway writes x-amzn-RequestId in AWS's spelling, not Go's
	// canonical one.
	rid := out.Headers["x-amzn-RequestId"]
	out.Log = invokeLog(start, out, res, m, st, rawPath, rawQuery, in, rid)
	return http.StatusOK, out, nil
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
