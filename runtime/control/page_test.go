package control

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strings"
	"testing"
	"time"
)

// pageTemplateHTML is the template the page was rendered with through
// html/template until stop 27; pageData.html must write what it wrote.
const pageTemplateHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cfnrun up</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } code { font-size: 13px; } .drift { color: #a15c00; }
</style>
</head>
<body>
<h1>cfnrun up</h1>
<p>Control plane: <code>{{.ControlPlane}}</code> · this page as JSON: <a href="?format=json">?format=json</a></p>
{{range .APIs}}
<h2 id="api-{{.ID}}">API {{.Name}} <small>(id {{.ID}})</small></h2>
<table>
<tr><th>Stage</th><th>URL</th><th>HTTP/2</th><th>Deployment</th><th>Variables</th></tr>
{{range .Stages}}<tr><td>{{.Name}}</td><td><a href="{{.URL}}">{{.URL}}</a></td><td>{{if .HTTP2Enabled}}yes{{else}}no (HTTP/1.1 only){{end}}</td><td>{{.DeploymentID}}</td><td>{{range $k, $v := .Variables}}{{$k}}={{$v}} {{end}}</td></tr>
{{if .Drift}}<tr><td colspan="5" class="drift">{{.Drift}}</td></tr>{{end}}{{end}}
</table>
<table>
<tr><th>Stage</th><th>Method</th><th>Path</th><th>Integration</th><th>Target</th></tr>
{{range .Routes}}<tr><td>{{.Stage}}</td><td>{{.Method}}</td><td>{{.Path}}</td><td>{{.Integration}}</td><td><code>{{.Target}}</code></td></tr>
{{end}}</table>
{{else}}<p>No API is served.</p>{{end}}
<h2>Recent requests</h2>
{{if .Recent}}<table>
<tr><th>Time</th><th>Method</th><th>Path</th><th>Stage</th><th>Status</th><th>Latency (ms)</th><th>Protocol</th><th>Request id</th><th>Reason</th></tr>
{{range .Recent}}<tr><td>{{.Time.Format "15:04:05.000"}}</td><td>{{.Method}}</td><td>{{.Path}}</td><td>{{.Stage}}</td><td>{{.Status}}</td><td>{{.LatencyMs}}</td><td>{{.Proto}}</td><td><code>{{.RequestID}}</code></td><td>{{.Reason}}</td></tr>
{{end}}</table>{{else}}<p>None yet (recorded from the access log; <code>--access-log=false</code> turns both off).</p>{{end}}
</body>
</html>
`

// Strings that html/template escapes, or does not, in text, in quoted
// attributes and in href.
var pageStrings = []string{
	"", "plain", "a b", `"quoted"`, "it's", "a&b", "1+1", "<script>alert(1)</script>", ">", "nul\x00byte",
	"/{proxy+}", "/items/{id}", "ünïcödé ✓", "bad\xffutf8", "\uFFFD", "\ufdd0\ufffe", "tab\tnew\nline", "%41%zz%4",
	"100%", "a%2Fb", "q?x=1&y=2#frag", "[::1]:8080", "back\\slash`tick", "(paren)", "{curly}", "|pipe|", "^caret~",
	"javascript:alert(1)", "JAVASCRIPT:x", "mailto:a@b", "data:text/html,x", "Http:x", "a/b:c", "&amp;", "&#34;",
}

func TestPageHTMLAsTemplate(t *testing.T) {
	tmpl := template.Must(template.New("page").Parse(pageTemplateHTML))
	check := func(name string, d *pageData) {
		t.Helper()
		var want bytes.Buffer
		if err := tmpl.Execute(&want, d); err != nil {
			t.Fatalf("%s: template: %v", name, err)
		}
		if got := d.html(nil); string(got) != want.String() {
			t.Errorf("%s: html differs from html/template's page\n got: %q\nwant: %q", name, got, want.String())
		}
	}
	check("empty", &pageData{APIs: []pageAPI{}, Recent: []Request{}, ControlPlane: "aws --endpoint-url http://127.0.0.1:8080 apigateway get-rest-apis"})
	check("nil slices", &pageData{})

	base := time.Date(2026, 12, 4, 4, 5, 6, 789_000_000, time.UTC)
	latencies := []float64{0, 0.001, 0.5, 1.25, 12.345, 1e-5, 1e6, 1e21, 123456789.5, math.MaxFloat64, -1}
	for i, s := range pageStrings {
		u := pageStrings[(i+7)%len(pageStrings)]
		d := &pageData{
			ControlPlane: "aws --endpoint-url http://" + s + " apigateway get-rest-apis",
			APIs: []pageAPI{{
				ID: s, Name: u,
				Stages: []pageStage{
					{Name: s, URL: "http://" + u + "/" + s + "/", HTTP2Enabled: i%2 == 0, DeploymentID: u,
						Variables: map[string]string{s: u, "z" + u: s, "a": "1"}, Drift: s},
					{Name: "prod", URL: s, HTTP2Enabled: i%2 == 1},
					{Name: "v", URL: u + ":" + s},
				},
				Routes: []pageRoute{
					{Stage: s, Method: "GET", Path: u, Integration: "HTTP_PROXY", Target: s},
					{Stage: "prod", Method: s, Path: "/", Integration: u},
				},
			}, {ID: "second", Name: "empty API", Stages: []pageStage{}, Routes: []pageRoute{}}},
			Recent: []Request{
				{Time: base.Add(time.Duration(i) * time.Millisecond), Method: s, Path: u, Stage: s, Status: int64(200 + i),
					LatencyMs: latencies[i%len(latencies)], Proto: "HTTP/2.0", RequestID: u, Reason: s},
				{Time: base, Method: "GET", Path: "/", Status: -1, LatencyMs: latencies[(i+3)%len(latencies)]},
			},
		}
		check(fmt.Sprintf("strings[%d] %q", i, s), d)
	}
	// Every byte, in text and in a URL.
	var all strings.Builder
	for c := 0; c < 256; c++ {
		all.WriteByte(byte(c))
	}
	check("every byte", &pageData{ControlPlane: all.String(), APIs: []pageAPI{{ID: all.String(), Stages: []pageStage{
		{Name: all.String(), URL: "http://" + all.String()}, {URL: "https:" + all.String()}, {URL: all.String()}}}}})
}
