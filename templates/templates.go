// Package templates holds what cfnrun embeds: the default template that
// `cfnrun up` serves with no FILE (the seed article's template, byte for
// byte) and the demo backend that stands in for its MyHttp2BackendService.
package templates

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"sort"
	"time"
)

// Default is the article's template (a copy of examples/seed/template.yaml).
//
//go:embed default.yaml
var Default []byte

// DefaultName is the file name the default template is reported under.
const DefaultName = "default.yaml"

// DefaultBackendService is the logical id the default template's Uri
// refers to (${MyHttp2BackendService.Name}); `up` sets its Name to
// DemoBackendName and maps the resulting host to the demo backend.
const (
	DefaultBackendService = "MyHttp2BackendService"
	DemoBackendName       = "demo"
)

// DemoReply is what the demo backend answers.
type DemoReply struct {
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	Protocol   string              `json:"protocol"`
	Host       string              `json:"host"`
	Query      map[string][]string `json:"query"`
	Headers    map[string][]string `json:"headers"`
	BodyLength int64               `json:"bodyLength"`
}

// DemoBackend answers every request with JSON describing it, so a client
// sees which protocol reached the backend (protocol is Go's r.Proto, e.g.
// "HTTP/2.0").
func DemoBackend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		hdr := make(map[string][]string, len(r.Header))
		keys := make([]string, 0, len(r.Header))
		for k := range r.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			hdr[k] = r.Header[k]
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(DemoReply{Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, Host: r.Host,
			Query: r.URL.Query(), Headers: hdr, BodyLength: n})
	})
}

// ServeDemo serves the demo backend on ln over HTTP/1.1 and h2c (prior
// knowledge) until ctx is done.
func ServeDemo(ctx context.Context, ln net.Listener) error {
	s := &http.Server{Handler: DemoBackend(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	s.Protocols = new(http.Protocols)
	s.Protocols.SetHTTP1(true)
	s.Protocols.SetUnencryptedHTTP2(true)
	s.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: 1000}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(sctx)
	}()
	if err := s.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
