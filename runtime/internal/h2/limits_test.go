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
	expectEnded(t, fr, 1, 3)
	// Both slots are free again once the handlers are done.
	writeRequest(fr, 7, true, getFields...)
	if st, b := expectResponse(t, fr, 7); st != "200" || b != "ok" {
		t.Errorf("after the others ended: %s %q", st, b)
	}
}

// expectEnded reads frames until the responses on every stream in ids
// have ended, in any order.
func expectEnded(t *testing.T, fr *http2.Framer, ids ...uint32) {
	t.Helper()
	open := map[uint32]bool{}
	for _, id := range ids {
		open[id] = true
	}
	for len(open) > 0 {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("streams %v still open: %v", open, err)
		}
		id := f.Header().StreamID
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			if f.StreamEnded() {
				delete(open, id)
			}
		case *http2.DataFrame:
			if f.StreamEnded() {
				delete(open, id)
			}
		case *http2.RSTStreamFrame:
			if open[id] {
				t.Fatalf("RST_STREAM(%v) on stream %d", f.ErrCode, id)
			}
		case *http2.GoAwayFrame:
			t.Fatalf("GOAWAY(%v)", f.ErrCode)
		}
	}
}

// TestEarlyResponseDrains: a response completed while the request body
// still arrives (an early 413 or 401) leaves the stream open for the rest
// of the body, which is dropped and its window given back, so the client
// finishes and sees a clean end of stream (curl 7.88 fails on the reset
// otherwise). Past DrainBytes or DrainTimeout the stream is reset with
// NO_ERROR, as RFC 9113 §8.1 allows.
func TestEarlyResponseDrains(t *testing.T) {
	addr := serve(t, &Server{
		DrainBytes:   1 << 20,
		DrainTimeout: 500 * time.Millisecond,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			io.WriteString(w, `{"message":"Request Too Long"}`)
		}),
	})
	post := []string{":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/"}
	chunk := make([]byte, 16<<10)

	t.Run("body finishes within the bounds", func(t *testing.T) {
		fr := rawConn(t, addr)
		writeRequest(fr, 1, false, post...)
		if st, _ := expectResponse(t, fr, 1); st != "413" {
			t.Fatalf("status %s", st)
		}
		// 512 KiB: more than the initial 64 KiB stream window, so the
		// server must give window back for it to arrive.
		go func() {
			for i := 0; i < 32; i++ {
				fr.WriteData(1, i == 31, chunk)
			}
			// A request on the same connection shows the server read
			// all of it without resetting stream 1.
			writeRequest(fr, 3, true, getFields...)
		}()
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				t.Fatal(err)
			}
			if rst, ok := f.(*http2.RSTStreamFrame); ok {
				t.Fatalf("RST_STREAM(%v) on stream %d while the body was within bounds", rst.ErrCode, rst.StreamID)
			}
			if h, ok := f.(*http2.MetaHeadersFrame); ok && h.StreamID == 3 {
				return
			}
		}
	})
	t.Run("past DrainBytes", func(t *testing.T) {
		fr := rawConn(t, addr)
		writeRequest(fr, 1, false, post...)
		if st, _ := expectResponse(t, fr, 1); st != "413" {
			t.Fatalf("status %s", st)
		}
		go func() {
			for i := 0; i < 200; i++ {
				if fr.WriteData(1, false, chunk) != nil {
					return
				}
			}
		}()
		expectRST(t, fr, 1, http2.ErrCodeNo)
	})
	t.Run("past DrainTimeout", func(t *testing.T) {
		fr := rawConn(t, addr)
		writeRequest(fr, 1, false, post...)
		if st, _ := expectResponse(t, fr, 1); st != "413" {
			t.Fatalf("status %s", st)
		}
		fr.WriteData(1, false, chunk[:10])
		expectRST(t, fr, 1, http2.ErrCodeNo)
	})
}
