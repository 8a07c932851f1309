package control

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
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
	if _, err := w.Write(d.html(make([]byte, 0, 4096))); err != nil {
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

// html appends the page to b. It writes what html/template made of the
// page's template until stop 27 (page_test.go holds that template and
// checks the two agree), escaping as it did in each context: text and
// quoted attribute values (htmlEscape), and the stage URL in href
// (urlFilter, then urlNormalize, then htmlEscape). html/template's package
// initialiser cost every cfnrun command 90 allocations (18 kB) before main.
func (d *pageData) html(b []byte) []byte {
	b = append(b, pageHead...)
	b = htmlEscape(b, d.ControlPlane)
	b = append(b, "</code> · this page as JSON: <a href=\"?format=json\">?format=json</a></p>\n"...)
	for _, a := range d.APIs {
		b = append(b, "\n<h2 id=\"api-"...)
		b = htmlEscape(b, a.ID)
		b = append(b, "\">API "...)
		b = htmlEscape(b, a.Name)
		b = append(b, " <small>(id "...)
		b = htmlEscape(b, a.ID)
		b = append(b, ")</small></h2>\n<table>\n<tr><th>Stage</th><th>URL</th><th>HTTP/2</th><th>Deployment</th><th>Variables</th></tr>\n"...)
		for _, st := range a.Stages {
			b = append(b, "<tr><td>"...)
			b = htmlEscape(b, st.Name)
			b = append(b, "</td><td><a href=\""...)
			b = htmlEscape(b, urlNormalize(urlFilter(st.URL)))
			b = append(b, "\">"...)
			b = htmlEscape(b, st.URL)
			b = append(b, "</a></td><td>"...)
			if st.HTTP2Enabled {
				b = append(b, "yes"...)
			} else {
				b = append(b, "no (HTTP/1.1 only)"...)
			}
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, st.DeploymentID)
			b = append(b, "</td><td>"...)
			for _, k := range slices.Sorted(maps.Keys(st.Variables)) {
				b = htmlEscape(b, k)
				b = append(b, '=')
				b = htmlEscape(b, st.Variables[k])
				b = append(b, ' ')
			}
			b = append(b, "</td></tr>\n"...)
			if st.Drift != "" {
				b = append(b, "<tr><td colspan=\"5\" class=\"drift\">"...)
				b = htmlEscape(b, st.Drift)
				b = append(b, "</td></tr>"...)
			}
		}
		b = append(b, "\n</table>\n<table>\n<tr><th>Stage</th><th>Method</th><th>Path</th><th>Integration</th><th>Target</th></tr>\n"...)
		for _, rt := range a.Routes {
			b = append(b, "<tr><td>"...)
			b = htmlEscape(b, rt.Stage)
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, rt.Method)
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, rt.Path)
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, rt.Integration)
			b = append(b, "</td><td><code>"...)
			b = htmlEscape(b, rt.Target)
			b = append(b, "</code></td></tr>\n"...)
		}
		b = append(b, "</table>\n"...)
	}
	if len(d.APIs) == 0 {
		b = append(b, "<p>No API is served.</p>"...)
	}
	b = append(b, "\n<h2>Recent requests</h2>\n"...)
	if len(d.Recent) > 0 {
		b = append(b, "<table>\n<tr><th>Time</th><th>Method</th><th>Path</th><th>Stage</th><th>Status</th><th>Latency (ms)</th><th>Protocol</th><th>Request id</th><th>Reason</th></tr>\n"...)
		for _, q := range d.Recent {
			b = append(b, "<tr><td>"...)
			b = htmlEscape(b, q.Time.Format("15:04:05.000"))
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, q.Method)
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, q.Path)
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, q.Stage)
			b = append(b, "</td><td>"...)
			b = strconv.AppendInt(b, q.Status, 10)
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, fmt.Sprint(q.LatencyMs)) // as text/template prints a float64
			b = append(b, "</td><td>"...)
			b = htmlEscape(b, q.Proto)
			b = append(b, "</td><td><code>"...)
			b = htmlEscape(b, q.RequestID)
			b = append(b, "</code></td><td>"...)
			b = htmlEscape(b, q.Reason)
			b = append(b, "</td></tr>\n"...)
		}
		b = append(b, "</table>"...)
	} else {
		b = append(b, "<p>None yet (recorded from the access log; <code>--access-log=false</code> turns both off).</p>"...)
	}
	return append(b, "\n</body>\n</html>\n"...)
}

// htmlEscape appends s with the bytes html/template escapes in text and
// in quoted attribute values replaced (its htmlReplacementTable; NUL
// becomes U+FFFD, everything else, invalid UTF-8 included, is kept).
func htmlEscape(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case 0:
			b = append(b, "\uFFFD"...)
		case '"':
			b = append(b, "&#34;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '\'':
			b = append(b, "&#39;"...)
		case '+':
			b = append(b, "&#43;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// urlFilter is html/template's filter of a URL in href: a scheme other
// than http, https or mailto becomes "#ZgotmplZ".
func urlFilter(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// urlNormalize is html/template's normalisation of a URL in href: bytes
// other than RFC 3986's unreserved and reserved ones (but ' and parens)
// are percent-encoded, in lower-case hex; a valid escape is kept.
func urlNormalize(s string) string {
	var b []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]):
			continue
		}
		b = append(b, s[written:i]...)
		b = append(b, '%', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	return string(append(b, s[written:]...))
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

const pageHead = `<!doctype html>
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
<p>Control plane: <code>`
