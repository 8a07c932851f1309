package h2

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rawConnNoSettings dials addr and sends only the client preface.
func rawConnNoSettings(t *testing.T, addr string) *http2.Framer {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(nc, http2.ClientPreface)
	fr := http2.NewFramer(nc, nc)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	return fr
}

// TestPrefaceNeedsSettings: the client preface is the magic string
// followed by a SETTINGS frame (RFC 9113 §3.4); any other first frame is a
// connection error PROTOCOL_ERROR, and a request sent that way is not
// answered.
func TestPrefaceNeedsSettings(t *testing.T) {
	addr := okServer(t)
	for _, tc := range []struct {
		name  string
		write func(fr *http2.Framer)
	}{
		{"HEADERS", func(fr *http2.Framer) { writeRequest(fr, 1, true, getFields...) }},
		{"PING", func(fr *http2.Framer) { fr.WritePing(false, [8]byte{}) }},
		{"WINDOW_UPDATE", func(fr *http2.Framer) { fr.WriteWindowUpdate(0, 1) }},
		{"SETTINGS ACK", func(fr *http2.Framer) { fr.WriteSettingsAck() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fr := rawConnNoSettings(t, addr)
			tc.write(fr)
			expectGoAway(t, fr, http2.ErrCodeProtocol)
		})
	}
	t.Run("SETTINGS then HEADERS", func(t *testing.T) {
		fr := rawConnNoSettings(t, addr)
		fr.WriteSettings()
		writeRequest(fr, 1, true, getFields...)
		if st, b := expectResponse(t, fr, 1); st != "200" || b != "ok" {
			t.Errorf("response %s %q", st, b)
		}
	})
}

// TestMaxConcurrentStreams: the limit is advertised, a stream past it is
// refused with REFUSED_STREAM while the others are served, and a new
// stream is accepted once one of them ends.
func TestMaxConcurrentStreams(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 8)
	addr := serve(t, &Server{
		MaxConcurrentStreams: 2,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/block" {
				started <- struct{}{}
				<-release
			}
			io.WriteString(w, "ok")
		}),
	})
	fr := rawConn(t, addr)
	// The server's SETTINGS come first.
	f, err := fr.ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	sf, ok := f.(*http2.SettingsFrame)
	if !ok {
		t.Fatalf("first frame %v, want SETTINGS", f)
	}
	if v, ok := sf.Value(http2.SettingMaxConcurrentStreams); !ok || v != 2 {
		t.Fatalf("SETTINGS_MAX_CONCURRENT_STREAMS = %d (%v), want 2", v, ok)
	}
	block := []string{":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/block"}
	writeRequest(fr, 1, true, block...)
	writeRequest(fr, 3, true, block...)
	<-started
	<-started
	writeRequest(fr, 5, true, getFields...)
	expectRST(t, fr, 5, http2.ErrCodeRefusedStream)
	close(release)
	expectResponse(t, fr, 1)
	expectResponse(t, fr, 3)
	// Both slots are free again once the handlers are done.
	writeRequest(fr, 7, true, getFields...)
	if st, b := expectResponse(t, fr, 7); st != "200" || b != "ok" {
		t.Errorf("after the others ended: %s %q", st, b)
	}
}
