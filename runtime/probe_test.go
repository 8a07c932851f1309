package runtime

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// silentFirst is a listener whose first connection is accepted and left
// unanswered (what arrives is read and dropped): a backend that cannot
// answer the h2c probe in time, as one on a loaded machine may not.
type silentFirst struct {
	net.Listener
	once sync.Once
}

func (l *silentFirst) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return c, err
		}
		first := false
		l.once.Do(func() { first = true })
		if !first {
			return c, nil
		}
		go func() {
			io.Copy(io.Discard, c)
			c.Close()
		}()
	}
}

// TestProxyProbeSilenceIsTentative: an h2c backend that does not answer
// the probe in time is spoken to in HTTP/1.1 only until a later probe
// hears it. The silence used to make it HTTP/1.1 for good ("does not
// speak HTTP/2"): at -cpu 1 under load TestDetachedProxyStress's backend
// fell back so, and each of its resets then cost the HTTP/1.1
// transport's retries, past the test's 20 s.
func TestProxyProbeSilenceIsTentative(t *testing.T) {
	be := httptest.NewUnstartedServer(http.HandlerFunc(echoHandler))
	be.Listener = &silentFirst{Listener: be.Listener}
	be.Config.Protocols = new(http.Protocols)
	be.Config.Protocols.SetHTTP1(true)
	be.Config.Protocols.SetUnencryptedHTTP2(true)
	be.Start()
	t.Cleanup(be.Close)
	b := newTB("probeslow0", stage("prod", nil))
	b.method("/x", "GET", proxyTo("http://"+be.Listener.Addr().String()+"/x", true))
	// The first probe is silent whatever its wait (silentFirst); a later
	// one (given twice this wait, backendGroup.reprobe) must hear a
	// backend that may be starved: 1 s, not the 200 ms it once had.
	gw := start(t, b.build(), func(c *Config) { c.probeWait, c.reprobeAfter = time.Second, 300*time.Millisecond })
	c := h2cClient(t)

	res := do(t, c, "GET", "http://"+gw.http+"/prod/x", nil)
	if res.status != 200 || decodeEcho(t, res.body).Proto != "HTTP/1.1" {
		t.Fatalf("first request, probe unanswered: %d %s, want 200 over HTTP/1.1", res.status, res.body)
	}
	proto := ""
	// A bound for "never", not for speed: each silent re-probe is
	// followed by another 300 ms later.
	for deadline := time.Now().Add(90 * time.Second); proto != "HTTP/2.0" && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		res := do(t, c, "GET", "http://"+gw.http+"/prod/x", nil)
		if res.status != 200 {
			t.Fatalf("%d %s", res.status, res.body)
		}
		proto = decodeEcho(t, res.body).Proto
	}
	logs := gw.logs.String()
	if proto != "HTTP/2.0" {
		t.Fatalf("backend still spoken to in %s 90 s after the unanswered probe:\n%s", proto, logs)
	}
	for _, l := range []struct {
		msg  string
		want int
	}{
		{"did not answer the HTTP/2 (h2c) probe in time", 1},
		{"does not speak HTTP/2", 0},
		{"backend speaks HTTP/2 (h2c)", 1},
	} {
		if n := strings.Count(logs, l.msg); n != l.want {
			t.Errorf("%q logged %d times, want %d:\n%s", l.msg, n, l.want, logs)
		}
	}
}
