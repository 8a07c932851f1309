package runtime

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// resendBackend is an HTTP/1.1 backend that counts what reaches it. On
// /reset it closes the connection without answering; on /stale it does
// so only on a connection that has carried a request before (what a
// kept-alive connection the backend timed out just then looks like); on
// /hold the first n requests wait for each other, so the gateway keeps n
// connections to it.
type resendBackend struct {
	mu      sync.Mutex
	hits    map[string]int
	perConn map[string]int // requests by connection (remote address)
	hold    chan struct{}
	holding int
	n       int
}

func (b *resendBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	b.mu.Lock()
	b.hits[r.Method+" "+r.URL.Path]++
	b.perConn[r.RemoteAddr]++
	reused := b.perConn[r.RemoteAddr] > 1
	release := false
	if r.URL.Path == "/hold" && b.holding < b.n {
		b.holding++
		release = b.holding == b.n
	}
	b.mu.Unlock()
	switch {
	case r.URL.Path == "/reset", r.URL.Path == "/stale" && reused:
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			c.Close()
		}
		return
	case r.URL.Path == "/hold":
		if release {
			close(b.hold)
		}
		<-b.hold
	}
	io.WriteString(w, "ok")
}

func (b *resendBackend) count(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hits[key]
}

// TestHTTP1ResendBounded: an HTTP/1.1 integration's request that fails
// before any answer reaches the backend at most twice, however many
// kept-alive connections the gateway holds to it (net/http's Transport
// alone sends a GET again on each of them, then on a new one); the one
// resend still hides a kept-alive connection the backend closed just as
// the request went out; a request with a body is not sent again. Over
// http and https (where the stopped connection is a TLS one).
func TestHTTP1ResendBounded(t *testing.T) {
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) { testHTTP1ResendBounded(t, scheme) })
	}
}

func testHTTP1ResendBounded(t *testing.T, scheme string) {
	const conns = 8
	be := &resendBackend{hits: map[string]int{}, perConn: map[string]int{}, hold: make(chan struct{}), n: conns}
	srv := httptest.NewUnstartedServer(be)
	if scheme == "https" {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	b := newTB("resend0000", stage("prod", nil))
	b.method("/{proxy+}", "ANY", proxyTo(scheme+"://"+srv.Listener.Addr().String()+"/{proxy}", false))
	gw := start(t, b.build(), func(c *Config) { c.BackendTLSInsecure = true })
	c := h2cClient(t)
	url := "http://" + gw.http + "/prod/"

	// conns requests at once: as many connections, kept alive after.
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res := do(t, c, "GET", url+"hold", nil); res.status != 200 {
				t.Errorf("GET /hold: %d %s", res.status, res.body)
			}
		}()
	}
	wg.Wait()

	for i := range 3 {
		before := be.count("GET /reset")
		res := do(t, c, "GET", url+"reset", nil)
		sent := be.count("GET /reset") - before
		if res.status != 502 || sent < 1 || sent > 2 {
			t.Errorf("GET /reset #%d: %d %s, reached the backend %d times; want 502 after one or two", i, res.status, res.body, sent)
		}
	}
	if res := do(t, c, "POST", url+"reset", strings.NewReader("body")); res.status != 502 || be.count("POST /reset") != 1 {
		t.Errorf("POST /reset: %d %s, reached the backend %d times; want 502 after one", res.status, res.body, be.count("POST /reset"))
	}
	// Whether /stale goes out first on a kept-alive connection (then it
	// is closed, and the resend answers) or on a new one, it is answered.
	for i := range 3 {
		before := be.count("GET /stale")
		res := do(t, c, "GET", url+"stale", nil)
		sent := be.count("GET /stale") - before
		if res.status != 200 || res.body != "ok" || sent < 1 || sent > 2 {
			t.Errorf("GET /stale #%d: %d %s, reached the backend %d times; want 200 after one or two", i, res.status, res.body, sent)
		}
	}
	if res := do(t, c, "GET", url+"ok", nil); res.status != 200 {
		t.Errorf("GET /ok after the resets: %d %s", res.status, res.body)
	}
	be.mu.Lock()
	t.Logf("backend: %v", be.hits)
	be.mu.Unlock()
}
