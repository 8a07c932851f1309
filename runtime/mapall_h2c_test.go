package runtime

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	n atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// TestMapAllH2CNoProbe: with MapAllH2C (up's demo backend), the first
// request of an HTTP2 integration sent to MapAll goes out on the h2c
// client's own connection, with no probe connection before it; without
// it, the probe's connection comes first. Either way the backend answers
// over HTTP/2, every later request shares the one connection, and the
// probe's log line is written.
func TestMapAllH2CNoProbe(t *testing.T) {
	for _, known := range []bool{false, true} {
		name := "probed"
		if known {
			name = "known"
		}
		t.Run(name, func(t *testing.T) {
			s := httptest.NewUnstartedServer(http.HandlerFunc(echoHandler))
			cl := &countingListener{Listener: s.Listener}
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
			want := int32(2) // the probe's, then the client's
			if known {
				want = 1
			}
			if n := cl.n.Load(); n != want {
				t.Errorf("backend accepted %d connections, want %d", n, want)
			}
			if !strings.Contains(gw.logs.String(), "backend speaks HTTP/2 (h2c)") {
				t.Errorf("h2c not logged: %s", gw.logs.String())
			}
		})
	}
}
