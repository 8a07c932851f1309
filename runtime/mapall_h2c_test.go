package runtime

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// connLog records the connections a listener accepts, the ones requests
// arrived on and the ones the peer closed, by remote address.
type connLog struct {
	net.Listener
	mu       sync.Mutex
	accepted []string
	served   map[string]bool
	closed   map[string]bool
}

func (l *connLog) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	a := c.RemoteAddr().String()
	l.mu.Lock()
	l.accepted = append(l.accepted, a)
	l.mu.Unlock()
	return &loggedConn{Conn: c, l: l, addr: a}, nil
}

type loggedConn struct {
	net.Conn
	l    *connLog
	addr string
}

func (c *loggedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.l.mu.Lock()
		c.l.closed[c.addr] = true
		c.l.mu.Unlock()
	}
	return n, err
}

func (l *connLog) request(r *http.Request) {
	l.mu.Lock()
	l.served[r.RemoteAddr] = true
	l.mu.Unlock()
}

// counts returns the connections that carried a request and the probes:
// connections the peer closed without a request on them.
func (l *connLog) counts() (served, probes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.accepted {
		switch {
		case l.served[a]:
			served++
		case l.closed[a]:
			probes++
		}
	}
	return served, probes
}

// TestMapAllH2CNoProbe: with MapAllH2C (up's demo backend), the first
// request of an HTTP2 integration sent to MapAll goes out on the h2c
// client's own connection, with no probe connection before it; without
// it, a probe's connection (one that carries no request) comes first.
// Either way the backend answers over HTTP/2 and the probe's log line is
// written. The requests themselves may use one or two connections (the
// h2c client spreads over two, the second dialed in the background since
// 48f073f), so the probe is told apart by carrying no request, not by
// the count: a probe is a connection closed without a request on it (the
// spread's second connection stays open, idle).
func TestMapAllH2CNoProbe(t *testing.T) {
	for _, known := range []bool{false, true} {
		name := "probed"
		if known {
			name = "known"
		}
		t.Run(name, func(t *testing.T) {
			cl := &connLog{served: map[string]bool{}, closed: map[string]bool{}}
			s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				cl.request(r)
				echoHandler(w, r)
			}))
			cl.Listener = s.Listener
			s.Listener = cl
			s.Config.Protocols = new(http.Protocols)
			s.Config.Protocols.SetHTTP1(true)
			s.Config.Protocols.SetUnencryptedHTTP2(true)
			s.Start()
			t.Cleanup(s.Close)

			b := newTB("mapallh2c0", stage("prod", nil))
			b.method("/x", "GET", proxyTo("http://backend.example.com/x", true))
			gw := start(t, b.build(), func(c *Config) {
				c.MapAll = s.Listener.Addr().String()
				c.MapAllH2C = known
			})
			c := h2cClient(t)
			for i := 0; i < 3; i++ {
				res := do(t, c, "GET", "http://"+gw.http+"/prod/x", nil)
				if res.status != 200 {
					t.Fatalf("status %d: %s", res.status, res.body)
				}
				if e := decodeEcho(t, res.body); e.Proto != "HTTP/2.0" || e.Host != "backend.example.com" {
					t.Fatalf("backend saw %+v", e)
				}
			}
			want := 1 // the probe's
			if known {
				want = 0
			}
			served, probes := cl.counts()
			for deadline := time.Now().Add(60 * time.Second); probes < want && time.Now().Before(deadline); {
				// The backend reads the probe's close a moment later.
				time.Sleep(10 * time.Millisecond)
				served, probes = cl.counts()
			}
			if probes != want || served < 1 || served > 2 {
				t.Errorf("backend: %d probe connections (want %d), %d carrying requests (want 1 or 2)", probes, want, served)
			}
			if !strings.Contains(gw.logs.String(), "backend speaks HTTP/2 (h2c)") {
				t.Errorf("h2c not logged: %s", gw.logs.String())
			}
		})
	}
}
