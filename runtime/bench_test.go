package runtime

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// benchWriter is a minimal http.ResponseWriter reused across iterations, so
// the benchmarks count only the gateway's own allocations.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(s int)           { w.status = s }
func (w *benchWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
func (w *benchWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

func BenchmarkRouterMatch(b *testing.B) {
	root := &rnode{}
	for _, p := range []string{"/", "/pets", "/pets/{id}", "/pets/{id}/owner", "/pets/special", "/files/{proxy+}", "/users/{u}/orders/{o}"} {
		n := root.insert(p)
		n.hasRes, n.path = true, p
	}
	for _, path := range []string{"/pets", "/pets/123/owner", "/users/7/orders/9", "/files/a/b/c"} {
		b.Run(strings.ReplaceAll(path[1:], "/", "_"), func(b *testing.B) {
			b.ReportAllocs()
			var ps params
			for b.Loop() {
				ps.n = 0
				if root.match(path, &ps) == nil {
					b.Fatal("no match")
				}
			}
		})
	}
}

func benchGateway(b *testing.B, tpl *model.Template) *Gateway {
	return benchGatewayWith(b, tpl, Config{NoThrottle: true})
}

// benchGatewayWith is benchGateway with a configuration of its own.
func benchGatewayWith(b *testing.B, tpl *model.Template, cfg Config) *Gateway {
	g, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := g.Load(tpl); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(g.Close)
	return g
}

func runHandler(b *testing.B, g *Gateway, method, url string, want int) {
	req, _ := http.NewRequest(method, url, nil)
	req.RemoteAddr = "127.0.0.1:5555"
	w := &benchWriter{h: http.Header{}}
	h := g.Handler()
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
		if w.status != want {
			b.Fatalf("status %d", w.status)
		}
	}
}

func BenchmarkMock(b *testing.B) {
	t := newTB("benchmock0", stage("prod", nil))
	t.method("/mock", "GET", benchMock())
	runHandler(b, benchGateway(b, t.build()), "GET", "http://127.0.0.1/prod/mock", 200)
}

func BenchmarkMissingAuthToken(b *testing.B) {
	t := newTB("bench403aa", stage("prod", nil))
	t.method("/x", "GET", &model.Integration{Type: model.IntegrationMock})
	runHandler(b, benchGateway(b, t.build()), "GET", "http://127.0.0.1/prod/nope", 403)
}

func benchBackend(b *testing.B) string {
	body := []byte(`{"message":"hello from the backend"}`)
	be := h2cBackend(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	return be.Listener.Addr().String()
}

func BenchmarkProxyH2C(b *testing.B) {
	addr := benchBackend(b)
	t := newTB("benchproxy", stage("prod", nil))
	t.method("/p/{id}", "GET", proxyTo("http://"+addr+"/hello/{id}", true))
	g := benchGateway(b, t.build())
	req, _ := http.NewRequestWithContext(context.Background(), "GET", "http://127.0.0.1/prod/p/42?q=1", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		g.Handler().ServeHTTP(w, req)
		if w.status != 200 {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkProxyHTTP1 is BenchmarkProxyH2C with ConnectionType INTERNET:
// the backend leg goes out on net/http's HTTP/1.1 transport (send's
// transportCall: a context, a timer and a trace per call).
func BenchmarkProxyHTTP1(b *testing.B) {
	addr := benchBackend(b)
	t := newTB("benchprox1", stage("prod", nil))
	t.method("/p/{id}", "GET", proxyTo("http://"+addr+"/hello/{id}", false))
	g := benchGateway(b, t.build())
	req, _ := http.NewRequestWithContext(context.Background(), "GET", "http://127.0.0.1/prod/p/42?q=1", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		g.Handler().ServeHTTP(w, req)
		if w.status != 200 {
			b.Fatalf("status %d", w.status)
		}
	}
}

func BenchmarkHTTPIntegration(b *testing.B) {
	addr := benchBackend(b)
	t := newTB("benchhttp0", stage("prod", nil))
	t.method("/h", "GET", &model.Integration{
		Type: model.IntegrationHTTP, HTTPMethod: "GET", URI: "http://" + addr + "/hello", ConnectionType: model.ConnectionHTTP2,
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseParameters: map[string]string{"method.response.header.X-Backend": "integration.response.header.Content-Type"}}},
	})
	runHandler(b, benchGateway(b, t.build()), "GET", "http://127.0.0.1/prod/h", 200)
}

// BenchmarkProxyH2CServed is BenchmarkProxyH2C through the gateway's own
// HTTP/2 engine on loopback, as h2load reaches it: the request runs on the
// connection's reader and the backend connection's reader answers it
// (serveProxy's detached path). Allocations include the x/net client's
// and the in-process backend's.
func BenchmarkProxyH2CServed(b *testing.B) {
	addr := benchBackend(b)
	t := newTB("benchserve", stage("prod", nil))
	t.method("/p/{id}", "GET", proxyTo("http://"+addr+"/hello/{id}", true))
	gw := start(b, t.build(), func(c *Config) { c.NoThrottle = true; c.Logger = slog.New(slog.DiscardHandler) })
	benchServedGET(b, "http://"+gw.http+"/prod/p/42?q=1")
}

// BenchmarkMockServed is BenchmarkMock through the gateway's own HTTP/2
// engine on loopback, as h2load reaches it: the MOCK request runs inline
// on the connection's reader. Allocations include the x/net client's.
func BenchmarkMockServed(b *testing.B) {
	t := newTB("benchmocks", stage("prod", nil))
	t.method("/mock", "GET", benchMock())
	gw := start(b, t.build(), func(c *Config) { c.NoThrottle = true; c.Logger = slog.New(slog.DiscardHandler) })
	benchServedGET(b, "http://"+gw.http+"/prod/mock")
}

// benchServedGET measures GETs of url through an h2c client, each read to
// the end and required to answer 200; the first, outside the loop, is the
// probe and the first dial.
func benchServedGET(b *testing.B, url string) {
	c := h2cClient(b)
	get := func() {
		res, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	get()
	b.ReportAllocs()
	for b.Loop() {
		get()
	}
}

// benchMock is the MOCK integration the MOCK benchmarks serve: a request
// template, one response with a header mapping and a response template.
func benchMock() *model.Integration {
	return &model.Integration{
		Type:             model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{
			StatusCode:         "200",
			ResponseParameters: map[string]string{"method.response.header.Access-Control-Allow-Origin": "'*'"},
			ResponseTemplates:  map[string]string{"application/json": `{"message":"hello from the mock"}`},
		}},
	}
}
