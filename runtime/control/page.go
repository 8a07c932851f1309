package control

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The page at /_cfnrun/ is the same data for people without the CLI: the
// served APIs, their stages and routes, and the recent requests, as HTML
// and (with ?format=json or Accept: application/json) as JSON. It needs no
// signature.

// PagePath is where the page is served on the gateway's listeners.
const PagePath = "/_cfnrun/"

// Request is one recent data-plane request, as the access log wrote it.
type Request struct {
	Time      time.Time `json:"time"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Stage     string    `json:"stage"`
	Status    int64     `json:"status"`
	LatencyMs float64   `json:"latencyMs"`
	Proto     string    `json:"proto"`
	RequestID string    `json:"requestId"`
	Reason    string    `json:"reason,omitempty"`
}

// DefaultRecent is how many requests a Recorder keeps.
const DefaultRecent = 50

// Recorder is a slog.Handler that keeps the last requests the gateway's
// access log records ("request" records) for the page, and passes every
// record on to the handler it wraps. It records only what that handler is
// enabled for, so with the access log off the data plane pays nothing.
type Recorder struct {
	next slog.Handler
	ring *ring
}

type ring struct {
	mu   sync.Mutex
	buf  []Request
	next int
	full bool
}

// NewRecorder wraps next, keeping the last n requests (DefaultRecent when
// n <= 0).
func NewRecorder(next slog.Handler, n int) *Recorder {
	if n <= 0 {
		n = DefaultRecent
	}
	return &Recorder{next: next, ring: &ring{buf: make([]Request, n)}}
}

func (r *Recorder) Enabled(ctx context.Context, l slog.Level) bool { return r.next.Enabled(ctx, l) }

func (r *Recorder) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Message == "request" {
		q := Request{Time: rec.Time}
		rec.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "method":
				q.Method = a.Value.String()
			case "path":
				q.Path = a.Value.String()
			case "stage":
				q.Stage = a.Value.String()
			case "status":
				q.Status = a.Value.Int64()
			case "latency":
				q.LatencyMs = float64(a.Value.Duration().Microseconds()) / 1000
			case "proto":
				q.Proto = a.Value.String()
			case "requestId":
				q.RequestID = a.Value.String()
			case "reason":
				q.Reason = a.Value.String()
			}
			return true
		})
		r.ring.add(q)
	}
	return r.next.Handle(ctx, rec)
}

func (r *Recorder) WithAttrs(as []slog.Attr) slog.Handler {
	return &Recorder{next: r.next.WithAttrs(as), ring: r.ring}
}

func (r *Recorder) WithGroup(name string) slog.Handler {
	return &Recorder{next: r.next.WithGroup(name), ring: r.ring}
}

// Recent returns the recorded requests, newest first.
func (r *Recorder) Recent() []Request {
	g := r.ring
	g.mu.Lock()
	defer g.mu.Unlock()
	n := g.next
	if g.full {
		n = len(g.buf)
	}
	out := make([]Request, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, g.buf[(g.next-i+len(g.buf))%len(g.buf)])
	}
	return out
}

func (g *ring) add(q Request) {
	g.mu.Lock()
	g.buf[g.next] = q
	g.next++
	if g.next == len(g.buf) {
		g.next, g.full = 0, true
	}
	g.mu.Unlock()
}

type pageData struct {
	APIs         []pageAPI `json:"apis"`
	Recent       []Request `json:"recent"`
	ControlPlane string    `json:"controlPlane"`
}

type pageAPI struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Stages []pageStage `json:"stages"`
	Routes []pageRoute `json:"routes"`
}

type pageStage struct {
	Name         string            `json:"name"`
	URL          string            `json:"url"`
	HTTP2Enabled bool              `json:"http2Enabled"`
	DeploymentID string            `json:"deploymentId,omitempty"`
	Variables    map[string]string `json:"variables,omitempty"`
	Drift        string            `json:"drift,omitempty"`
}

type pageRoute struct {
	Stage       string `json:"stage"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Integration string `json:"integration"`
	Target      string `json:"target,omitempty"`
}

func (p *Plane) servePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path != PagePath {
		http.Error(w, "not found: the page is "+PagePath, http.StatusNotFound)
		return
	}
	d := p.pageData(r)
	if r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(d)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTemplate().Execute(w, d); err != nil {
		p.log.Error("control plane: rendering the page", "err", err)
	}
}

func (p *Plane) pageData(r *http.Request) *pageData {
	d := &pageData{APIs: []pageAPI{}, Recent: []Request{},
		ControlPlane: "aws --endpoint-url http://" + r.Host + " apigateway get-rest-apis"}
	if p.opts.Recent != nil {
		d.Recent = p.opts.Recent()
	}
	t := p.gw.Template()
	if t == nil {
		return d
	}
	for _, a := range t.APIs {
		pa := pageAPI{ID: a.ID, Name: a.Name, Stages: []pageStage{}, Routes: []pageRoute{}}
		for _, st := range servedStages(a) {
			pa.Stages = append(pa.Stages, pageStage{Name: st.Name, URL: "http://" + r.Host + "/" + st.Name + "/",
				HTTP2Enabled: st.HTTP2Enabled == nil || *st.HTTP2Enabled, DeploymentID: st.DeploymentID,
				Variables: st.Variables, Drift: p.stageDrift(t, a.ID, st.Name)})
		}
		for _, rt := range model.Routes(&model.Template{APIs: []*model.RestAPI{a}}) {
			pa.Routes = append(pa.Routes, pageRoute{Stage: rt.Stage, Method: rt.Method, Path: rt.Path, Integration: rt.Integration, Target: rt.URI})
		}
		d.APIs = append(d.APIs, pa)
	}
	return d
}

// pageTemplate is parsed on the first request for the page, not in the
// package's init: every cfnrun command links this package, few serve the
// page.
var pageTemplate = sync.OnceValue(func() *template.Template { return template.Must(template.New("page").Parse(pageHTML)) })

const pageHTML = `<!doctype html>
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
