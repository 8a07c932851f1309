//lint:file-ignore SA1019 x/net/http2's client is the independent HTTP/2 peer these benchmarks talk to

package h2

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/http2"
)

// BenchmarkServerRequests measures a request through the server with the
// x/net client: an inline GET and a POST whose body the handler reads.
// The client's allocations are included; compare runs, not absolutes.
func BenchmarkServerRequests(b *testing.B) {
	s := &Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, "ok")
		}),
		Inline: func(r *http.Request) bool { return r.Method == "GET" },
	}
	for _, method := range []string{"GET", "POST"} {
		b.Run(method, func(b *testing.B) {
			addr := serveB(b, s)
			c := clientB(b)
			body := strings.Repeat("p", 1000)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var rd io.Reader
				if method == "POST" {
					rd = strings.NewReader(body)
				}
				req, _ := http.NewRequest(method, "http://"+addr+"/", rd)
				resp, err := c.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}

func serveB(b *testing.B, s *Server) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.ServeConn(c, nil)
		}
	}()
	b.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func clientB(b *testing.B) *http.Client {
	tr := &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, n, a string, _ *tls.Config) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, n, a)
	}}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}
