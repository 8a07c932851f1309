package runtime

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestListenAhead: a client that connects to listeners bound by Listen
// before the gateway exists (cfnrun up binds them while the template
// resolves) gets its answer once Serve starts, from the version loaded
// then; Serve serves those sockets, reports their addresses, and closes
// them when it ends.
func TestListenAhead(t *testing.T) {
	ls, err := Listen("127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	addr := ls.raws[0].Addr().String()
	tlsAddr := ls.raws[1].Addr().String()
	// The request is sent before there is anything to answer it.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /prod/early HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	b := newTB("earlyapi00", stage("prod", nil))
	b.method("/early", "GET", mock200())
	r := start(t, b.build(), func(cfg *Config) { cfg.Listeners = ls }) // for 127.0.0.1:0 both
	if r.http != addr || r.https != tlsAddr {
		t.Errorf("serving on %s and %s, want the listeners bound ahead: %s and %s", r.http, r.https, addr, tlsAddr)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != `{"ok":true}` {
		t.Errorf("early request: %d %q, want 200 {\"ok\":true}", resp.StatusCode, body)
	}
	r.stop(t)
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Serve returned", addr)
	}
}

// TestListenBusy: a port in use fails Listen with the error Serve gives,
// and Serve given listeners bound for other addresses binds its own.
func TestListenBusy(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, err = Listen("127.0.0.1:0", busy.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "listen on "+busy.Addr().String()) || !strings.Contains(err.Error(), "--tls-addr") {
		t.Fatalf("Listen on a busy TLS port: %v, want the listen error naming --tls-addr", err)
	}
	_, err = Listen(busy.Addr().String(), "")
	g, gerr := New(Config{Addr: busy.Addr().String()})
	if gerr != nil {
		t.Fatal(gerr)
	}
	if serveErr := g.Serve(t.Context(), nil); err == nil || serveErr == nil || serveErr.Error() != err.Error() {
		t.Errorf("Serve on the busy port: %v; Listen said %v", serveErr, err)
	}

	other, err := Listen("127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r := start(t, newTB("otherapi00", stage("prod", nil)).build(), func(cfg *Config) {
		cfg.TLSAddr, cfg.Listeners = "", other
	})
	if r.http == other.raws[0].Addr().String() {
		t.Errorf("Serve without a TLS address used the listeners bound for %s and %s", other.addr, other.tlsAddr)
	}
}

// TestTLSOnCleartextPort: the cleartext port also takes TLS (a ClientHello
// is told from a request line or the HTTP/2 preface by its first byte),
// with ALPN as on the TLS port; cleartext HTTP/1.1 and h2c still work.
func TestTLSOnCleartextPort(t *testing.T) {
	be := h2cBackend(t, http.HandlerFunc(echoHandler))
	b := newTB("tlsboth001", stage("prod", nil))
	b.method("/echo", "GET", proxyTo(be.URL+"/echo", true))
	r := start(t, b.build(), nil)
	for _, tc := range []struct {
		name  string
		c     *http.Client
		url   string
		proto string
	}{
		{"h2 over TLS", tlsClient(t, r.g, true), "https://" + r.http, "HTTP/2.0"},
		{"HTTP/1.1 over TLS", tlsClient(t, r.g, false), "https://" + r.http, "HTTP/1.1"},
		{"h2c", h2cClient(t), "http://" + r.http, "HTTP/2.0"},
		{"HTTP/1.1", h1Client(t), "http://" + r.http, "HTTP/1.1"},
	} {
		res := do(t, tc.c, "GET", tc.url+"/prod/echo", nil)
		if res.status != 200 || res.proto != tc.proto {
			t.Errorf("%s: %d %s %s", tc.name, res.status, res.proto, res.body)
		}
	}
}
