//lint:file-ignore SA1019 x/net/http2's client speaks h2c with prior knowledge and reports stream error codes, which the tests assert

package runtime

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/cfnrun/cfnrun/internal/model"
)

// tb builds a model.Template by hand, as a resolver would.
type tb struct {
	t   *model.Template
	api *model.RestAPI
	res map[string]*model.Resource
}

func newTB(id string, stages ...*model.Stage) *tb {
	root := &model.Resource{ID: "rootid0000"}
	api := &model.RestAPI{LogicalID: "Api" + id, ID: id, Name: "api-" + id, Root: root, Resources: []*model.Resource{root}, MinimumCompressionSize: -1}
	api.Stages = append(api.Stages, stages...)
	return &tb{t: &model.Template{APIs: []*model.RestAPI{api}}, api: api, res: map[string]*model.Resource{"/": root}}
}

func stage(name string, vars map[string]string) *model.Stage {
	return &model.Stage{LogicalID: "Stage" + name, Name: name, Variables: vars}
}

func (b *tb) resource(path string) *model.Resource {
	if r, ok := b.res[path]; ok {
		return r
	}
	i := strings.LastIndexByte(path, '/')
	parentPath := path[:i]
	if parentPath == "" {
		parentPath = "/"
	}
	parent := b.resource(parentPath)
	r := &model.Resource{LogicalID: "R" + path, ID: "r" + path, PathPart: path[i+1:], Parent: parent}
	b.res[path] = r
	b.api.Resources = append(b.api.Resources, r)
	return r
}

func (b *tb) method(path, verb string, in *model.Integration) *model.Method {
	m := &model.Method{LogicalID: verb + path, HTTPMethod: verb, Integration: in}
	r := b.resource(path)
	r.Methods = append(r.Methods, m)
	return m
}

func (b *tb) build() *model.Template {
	b.t.Finalize()
	return b.t
}

func proxyTo(uri string, h2 bool) *model.Integration {
	ct := model.ConnectionInternet
	if h2 {
		ct = model.ConnectionHTTP2
	}
	return &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: uri, ConnectionType: ct}
}

// echo is the test backend: it answers JSON describing the request.
type echoReply struct {
	Method   string              `json:"method"`
	Path     string              `json:"path"`
	RawQuery string              `json:"query"`
	Proto    string              `json:"protocol"`
	Host     string              `json:"host"`
	Headers  map[string][]string `json:"headers"`
	BodyLen  int64               `json:"bodyLength"`
}

func echoHandler(w http.ResponseWriter, r *http.Request) {
	n, _ := io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Server", "echo")
	json.NewEncoder(w).Encode(echoReply{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Proto: r.Proto, Host: r.Host, Headers: r.Header, BodyLen: n})
}

// h2cBackend serves handler over HTTP/1.1 and h2c with prior knowledge.
func h2cBackend(t testing.TB, h http.Handler) *httptest.Server {
	s := httptest.NewUnstartedServer(h)
	s.Config.Protocols = new(http.Protocols)
	s.Config.Protocols.SetHTTP1(true)
	s.Config.Protocols.SetUnencryptedHTTP2(true)
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func h1Backend(t testing.TB, h http.Handler) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// logBuffer collects log output safely.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type running struct {
	g          *Gateway
	http       string // host:port
	https      string
	logs       *logBuffer
	cancel     context.CancelFunc
	done       chan error
	shutdownMu sync.Once
}

func (r *running) stop(t testing.TB) {
	r.shutdownMu.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(90 * time.Second): // a hang detector: the drain itself is bounded by ShutdownTimeout
			t.Error("Serve did not return after shutdown")
		}
	})
}

// start runs a real gateway on loopback ports chosen by the OS.
func start(t testing.TB, tpl *model.Template, mod func(*Config)) *running {
	t.Helper()
	logs := &logBuffer{}
	// The h2c probe waits 30 s, not 2: a starved in-process backend may
	// take longer to answer it, and its silence makes it HTTP/1.1 for a
	// while (backendGroup.reprobe), which a test that checks the backend
	// leg's HTTP/2 would take for a failure. Only a backend that stays
	// silent waits so long (TestProxyProbeSilenceIsTentative sets less).
	cfg := Config{Addr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(logs, nil)), ShutdownTimeout: 5 * time.Second,
		probeWait: 30 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if tpl != nil {
		if _, err := g.Load(tpl); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{g: g, logs: logs, cancel: cancel, done: make(chan error, 1)}
	ready := make(chan map[string]string, 1)
	go func() { r.done <- g.Serve(ctx, func(a map[string]string) { ready <- a }) }()
	select {
	case a := <-ready:
		r.http, r.https = a["http"], a["https"]
	case err := <-r.done:
		t.Fatalf("Serve: %v", err)
	}
	t.Cleanup(func() { r.stop(t) })
	return r
}

// clientTimeout bounds a test client's request: a hang detector, not a
// speed check. At -cpu 1 with -race beside CPU hogs (about a sixth of a
// core) a request that is answered at once on a quiet machine took up to
// a minute (session 30); a request that never ends hangs at any bound.
const clientTimeout = 2 * time.Minute

func h2cClient(t testing.TB) *http.Client {
	tr := &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: clientTimeout}
}

func h1Client(t testing.TB) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: clientTimeout}
}

func tlsClient(t testing.TB, g *Gateway, h2 bool) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(g.Certificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: h2}
	if !h2 {
		tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: clientTimeout}
}

type result struct {
	status int
	header http.Header
	body   string
	proto  string
}

func do(t testing.TB, c *http.Client, method, url string, body io.Reader, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "Host") {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return result{resp.StatusCode, resp.Header, string(b), resp.Proto}
}

func decodeEcho(t testing.TB, body string) echoReply {
	t.Helper()
	var e echoReply
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("backend reply %q: %v", body, err)
	}
	return e
}
