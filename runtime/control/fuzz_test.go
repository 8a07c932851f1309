package control_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/runtime"
	"github.com/cfnrun/cfnrun/runtime/control"
)

// FuzzControlPlane sends arbitrary management requests: every answer is
// either a success or AWS's error shape, nothing panics, and the data
// plane keeps serving.
func FuzzControlPlane(f *testing.F) {
	for _, s := range []struct{ method, path, body string }{
		{"GET", "/restapis", ""},
		{"GET", "/restapis/abcdef1234/resources?embed=methods&limit=1&position=1", ""},
		{"PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations":[{"op":"replace","path":"/http2Enabled","value":"false"}]}`},
		{"PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations":[{"op":"remove","path":"/~1pets/GET"}]}`},
		{"POST", "/restapis/abcdef1234/resources/rootid0000", `{"pathPart":"{x+}"}`},
		{"PUT", "/restapis/abcdef1234/resources/pets01/methods/POST", `{"authorizationType":"NONE"}`},
		{"POST", "/restapis/abcdef1234/deployments", `{"stageName":"x"}`},
		{"GET", "/restapis/abcdef1234/stages/prod/exports/swagger?extensions=apigateway", ""},
		{"POST", "/restapis/abcdef1234/resources/pet002/methods/GET", `{"pathWithQueryString":"/pets/%zz"}`},
		{"GET", "/tags/arn:aws:apigateway:us-east-1::%2Frestapis%2Fabcdef1234", ""},
		{"DELETE", "/restapis/abcdef1234/stages/prod", ""},
	} {
		f.Add(s.method, s.path, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") || len(method) == 0 || strings.ContainsAny(method, " \r\n\t/") {
			return
		}
		g, err := runtime.New(runtime.Config{})
		if err != nil {
			t.Fatal(err)
		}
		p := control.New(g, control.Options{Now: func() time.Time { return fixedNow }})
		g.SetControlPlane(p)
		if _, err := g.Load(petstore()); err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/", strings.NewReader(body))
		r.Method = method
		r.URL.Path = path
		if i := strings.IndexByte(path, '?'); i >= 0 {
			r.URL.Path, r.URL.RawQuery = path[:i], path[i+1:]
		}
		r.URL.RawPath = ""
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code >= 400 && !strings.HasPrefix(r.URL.Path, control.PagePath[:len(control.PagePath)-1]) {
			var m map[string]any
			if w.Header().Get("x-amzn-ErrorType") == "" || json.Unmarshal(w.Body.Bytes(), &m) != nil || m["message"] == nil {
				t.Fatalf("%s %s: %d without AWS's error shape: %v %s", method, path, w.Code, w.Header(), w.Body)
			}
		}
		dw := httptest.NewRecorder()
		g.Handler().ServeHTTP(dw, httptest.NewRequest("GET", "/dev/pets", nil))
		if dw.Code != 200 {
			t.Fatalf("the data plane answers %d after %s %s", dw.Code, method, path)
		}
	})
}
