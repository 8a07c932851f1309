//lint:file-ignore SA1019 x/net/http2's client speaks h2c with prior knowledge

package templates

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"testing"

	"golang.org/x/net/http2"
)

func TestDefaultIsTheSeed(t *testing.T) {
	seed, err := os.ReadFile("../examples/seed/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(seed, Default) {
		t.Error("templates/default.yaml differs from examples/seed/template.yaml; copy it again")
	}
}

func TestDemoBackendSpeaksH2C(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeDemo(ctx, ln) }()
	defer func() { cancel(); <-done }()
	tr := &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, n, a string, _ *tls.Config) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, n, a)
	}}
	defer tr.CloseIdleConnections()
	for _, c := range []struct {
		rt    http.RoundTripper
		proto string
	}{{tr, "HTTP/2.0"}, {&http.Transport{}, "HTTP/1.1"}} {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/p?q=1", bytes.NewReader([]byte("abc")))
		resp, err := c.rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		var r DemoReply
		json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if r.Protocol != c.proto || r.Method != "POST" || r.Path != "/p" || r.BodyLength != 3 || r.Query["q"][0] != "1" {
			t.Errorf("%s: %+v", c.proto, r)
		}
	}
}
