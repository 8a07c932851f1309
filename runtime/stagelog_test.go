package runtime

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestStageAccessLog: a stage's access log Format gets one line per
// request with its $context variables filled as API Gateway fills them
// (status, length, latency, the error of a gateway answer, "-" for what
// has no value), REST and HTTP API stages alike; a stage without one
// writes nothing.
func TestStageAccessLog(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	var out logBuffer
	prod := stage("prod", nil)
	prod.AccessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",` +
		`"resourcePath":"$context.resourcePath","status":"$context.status","length":"$context.responseLength",` +
		`"error":"$context.error.message","type":"$context.error.responseType","user":"$context.identity.user",` +
		`"time":"$context.requestTime","stage":"$context.stage"}`
	b := newTB("stagelog01", prod, stage("dev", nil))
	b.method("/pets", "GET", mock200())
	rest := b.build()
	backend := h2cBackend(t, http.HandlerFunc(echoHandler))
	hs := stage(model.StageDefault, nil)
	hs.AccessLogFormat = `$context.identity.sourceIp [$context.requestTime] "$context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId.`
	h := newHTTPTB("stagelog02", hs)
	h.route("GET", "/items/{id}", &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "GET", URI: backend.URL, PayloadFormatVersion: "1.0"})
	tpl := rest
	tpl.APIs = append(tpl.APIs, h.build().APIs...)
	gw := start(t, tpl, func(c *Config) { c.Now, c.StageLog = clock.Now, &out })
	c := h2cClient(t)
	ok := do(t, c, "GET", "http://"+gw.http+"/prod/pets", nil)
	miss := do(t, c, "GET", "http://"+gw.http+"/prod/nowhere", nil)
	do(t, c, "GET", "http://"+gw.http+"/dev/pets", nil) // no Format: no line
	if ok.status != 200 || miss.status != 403 {
		t.Fatalf("statuses %d %d", ok.status, miss.status)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (prod's two requests):\n%s", len(lines), out.String())
	}
	id := ok.header.Get("x-amzn-RequestId")
	want := `{"requestId":"` + id + `","ip":"127.0.0.1","method":"GET","resourcePath":"/pets","status":"200","length":"` +
		ok.header.Get("Content-Length") + `","error":"-","type":"-","user":"-","time":"04/Mar/2026:10:00:00 +0000","stage":"prod"}`
	if lines[0] != want {
		t.Errorf("line\n%s\nwant\n%s", lines[0], want)
	}
	if !strings.Contains(lines[1], `"status":"403"`) || !strings.Contains(lines[1], `"error":"Missing Authentication Token"`) ||
		!strings.Contains(lines[1], `"type":"MISSING_AUTHENTICATION_TOKEN"`) {
		t.Errorf("gateway error line: %s", lines[1])
	}
	res := do(t, c, "GET", "http://"+gw.http+"/items/7", nil)
	if res.status != 200 {
		t.Fatalf("HTTP API: %d %s", res.status, res.body)
	}
	lines = strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want = `127.0.0.1 [04/Mar/2026:10:00:00 +0000] "GET /items/{id} HTTP/2.0" 200 ` + res.header.Get("Content-Length") + " " +
		res.header.Get("apigw-requestid") + "."
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("HTTP API line\n%s\nwant\n%s", got, want)
	}
	// No route: the stage still logs it, its route key "-".
	res = do(t, c, "GET", "http://"+gw.http+"/nothing", nil)
	lines = strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if got := lines[len(lines)-1]; res.status != 404 || !strings.Contains(got, `"- HTTP/2.0" 404 `) {
		t.Errorf("unrouted request: %d, line %s", res.status, got)
	}
}

func TestCompileLogFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []logPart
	}{
		{"$context.requestId", []logPart{{name: "requestId"}}},
		{"id=$context.requestId.", []logPart{{lit: "id="}, {name: "requestId"}, {lit: "."}}},
		{`{"e":"$context.error.message"}`, []logPart{{lit: `{"e":"`}, {name: "error.message"}, {lit: `"}`}}},
		{"cost $5 $context. end", []logPart{{lit: "cost $5 "}, {lit: "$context."}, {lit: " end"}}},
		{"", nil},
	} {
		if got := compileLogFormat(tc.in).parts; !equalParts(got, tc.want) {
			t.Errorf("%q: %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func equalParts(a, b []logPart) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
