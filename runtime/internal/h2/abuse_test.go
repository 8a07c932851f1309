package h2

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// logLines is a concurrency-safe slog sink.
type logLines struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logLines) lines(substr string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

// abuseServer serves a handler that answers "/" at once and holds
// "/slow" until the client goes away; log collects the server's warnings.
func abuseServer(t *testing.T) (string, *logLines) {
	log := &logLines{}
	addr := serve(t, &Server{
		Logger: slog.New(slog.NewTextHandler(log, nil)),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				<-r.Context().Done()
				return
			}
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, "ok")
		}),
	})
	return addr, log
}

// expectCalm reads until GOAWAY(ENHANCE_YOUR_CALM) and then the end of
// the connection, and checks the one log line.
func expectCalm(t *testing.T, fr *http2.Framer, log *logLines, trigger string) {
	t.Helper()
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("connection ended without GOAWAY(ENHANCE_YOUR_CALM): %v", err)
		}
		if g, ok := f.(*http2.GoAwayFrame); ok {
			if g.ErrCode != http2.ErrCodeEnhanceYourCalm {
				t.Fatalf("GOAWAY(%v), want ENHANCE_YOUR_CALM", g.ErrCode)
			}
			break
		}
	}
	// The server closes the connection; what follows GOAWAY is at most
	// frames already buffered.
	for {
		if _, err := fr.ReadFrame(); err != nil {
			break
		}
	}
	deadline := time.Now().Add(60 * time.Second) // a bound for "never", not for speed
	for {
		lines := log.lines("abusive")
		if len(lines) == 1 {
			if ok, _ := regexp.MatchString("trigger=("+trigger+") ", lines[0]); !ok {
				t.Errorf("log line %q does not name trigger %s", lines[0], trigger)
			}
			return
		}
		if len(lines) > 1 || time.Now().After(deadline) {
			t.Fatalf("want one log line for the connection, got %q", lines)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// flood writes frames with write until the server stops reading; the
// writer runs on its own goroutine so the test can read meanwhile.
func flood(fr *http2.Framer, n int, write func(i int) error) {
	go func() {
		for i := 0; i < n; i++ {
			if write(i) != nil {
				return
			}
		}
	}()
}

func TestAbusiveClientsGetGoAway(t *testing.T) {
	addr, _ := abuseServer(t)
	slow := []string{":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/slow"}
	for _, tc := range []struct {
		name, trigger string
		write         func(fr *http2.Framer, i int) error
	}{
		// The reset streams count until their handlers return, so
		// the flood meets the stream limit too.
		{"rapid reset", "resets|refused", func(fr *http2.Framer, i int) error {
			id := uint32(2*i + 1)
			writeRequest(fr, id, true, slow...)
			return fr.WriteRSTStream(id, http2.ErrCodeCancel)
		}},
		{"PING flood", "controlFrames", func(fr *http2.Framer, i int) error {
			return fr.WritePing(false, [8]byte{byte(i)})
		}},
		{"SETTINGS flood", "controlFrames", func(fr *http2.Framer, i int) error {
			return fr.WriteSettings(http2.Setting{ID: http2.SettingHeaderTableSize, Val: 4096})
		}},
		{"WINDOW_UPDATE flood", "controlFrames", func(fr *http2.Framer, i int) error {
			return fr.WriteWindowUpdate(0, 1)
		}},
		{"PRIORITY flood", "controlFrames", func(fr *http2.Framer, i int) error {
			return fr.WritePriority(uint32(2*i+1), http2.PriorityParam{StreamDep: 0, Weight: 1})
		}},
		{"unknown frame flood", "controlFrames", func(fr *http2.Framer, i int) error {
			return fr.WriteRawFrame(0xfa, 0, 0, nil)
		}},
		{"empty DATA flood", "controlFrames", func(fr *http2.Framer, i int) error {
			if i == 0 {
				writeRequest(fr, 1, false, append(slow[:0:0], ":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/slow")...)
			}
			return fr.WriteData(1, false, nil)
		}},
		{"malformed requests", "controlFrames", func(fr *http2.Framer, i int) error {
			// Each is a stream error (an upper-case name), which costs
			// decoding and a reset and earns nothing.
			writeRequest(fr, uint32(2*i+1), true, append(getFields[:len(getFields):len(getFields)], "X-Upper", "1")...)
			return nil
		}},
		{"HPACK bomb", "oversizeHeaders", func(fr *http2.Framer, i int) error {
			// A 4 KiB table entry referred to 4,000 times: 4 KiB on the
			// wire, 16 MiB decoded, answered 431 each time. The 431s
			// must not earn the allowance that keeps the bomb going.
			var b bytes.Buffer
			enc := hpack.NewEncoder(&b)
			for j := 0; j+1 < len(getFields); j += 2 {
				enc.WriteField(hpack.HeaderField{Name: getFields[j], Value: getFields[j+1], Sensitive: true})
			}
			if i == 0 {
				enc.WriteField(hpack.HeaderField{Name: "x-bomb", Value: strings.Repeat("b", 4000)})
			} else {
				b.Write(bytes.Repeat([]byte{0x80 | 62}, 4000))
			}
			return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: uint32(2*i + 1), BlockFragment: b.Bytes(), EndStream: true, EndHeaders: true})
		}},
		{"refused streams", "refused", func(fr *http2.Framer, i int) error {
			// Streams held open by /slow, past the limit of 250.
			writeRequest(fr, uint32(2*i+1), true, slow...)
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, log := abuseServer(t)
			fr := rawConn(t, addr)
			flood(fr, 100000, func(i int) error { return tc.write(fr, i) })
			expectCalm(t, fr, log, tc.trigger)
		})
	}
	// The server is still fine for the next client.
	fr := rawConn(t, addr)
	writeRequest(fr, 1, true, getFields...)
	if st, b := expectResponse(t, fr, 1); st != "200" || b != "ok" {
		t.Errorf("after the abuse: %s %q", st, b)
	}
}

// TestCalmClientKeepsConnection: a busy but ordinary client — thousands of
// requests with bodies on one connection, the WINDOW_UPDATEs and PINGs
// its HTTP/2 library sends, a few cancels — is never cut off.
func TestCalmClientKeepsConnection(t *testing.T) {
	addr, log := abuseServer(t)
	c := client(t)
	body := strings.Repeat("b", 20000)
	for i := 0; i < 3000; i++ {
		var rd io.Reader
		method := "GET"
		if i%2 == 0 {
			method, rd = "POST", strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, "http://"+addr+"/", rd)
		if i%100 == 0 {
			// An abandoned request: the client resets it.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
			req, _ = http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/slow", nil)
			c.Do(req)
			cancel()
			continue
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if lines := log.lines("abusive"); len(lines) > 0 {
		t.Errorf("an ordinary client was treated as abusive: %q", lines)
	}
}

// TestHeaderListOverLimit: a request whose header list passes the limit
// gets 431 on its stream; the connection, its other streams and its HPACK
// state go on (RFC 9113 §10.5.1). A header exactly the size of the limit
// is accepted, as net/http accepts it over HTTP/1.1.
func TestHeaderListOverLimit(t *testing.T) {
	addr := okServer(t)
	fr := rawConn(t, addr)
	var hbuf bytes.Buffer
	enc := hpack.NewEncoder(&hbuf)
	block := func(extra ...hpack.HeaderField) []byte {
		hbuf.Reset()
		for i := 0; i+1 < len(getFields); i += 2 {
			enc.WriteField(hpack.HeaderField{Name: getFields[i], Value: getFields[i+1]})
		}
		// Indexed into the dynamic table on the first request and
		// referenced afterwards: the table must stay in step.
		enc.WriteField(hpack.HeaderField{Name: "x-session", Value: "abc123"})
		for _, f := range extra {
			enc.WriteField(f)
		}
		return append([]byte(nil), hbuf.Bytes()...)
	}
	send := func(id uint32, b []byte) {
		// Split into frames of at most 16 KiB, as clients do.
		first := true
		for len(b) > 0 || first {
			n := min(len(b), 16<<10)
			frag, rest := b[:n], b[n:]
			if first {
				fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: frag, EndStream: true, EndHeaders: len(rest) == 0})
				first = false
			} else {
				fr.WriteContinuation(id, len(rest) == 0, frag)
			}
			b = rest
		}
	}
	send(1, block())
	if st, _ := expectResponse(t, fr, 1); st != "200" {
		t.Fatalf("plain request: %s", st)
	}
	id := uint32(3)
	for _, tc := range []struct {
		size int
		want string
	}{{64 << 10, "200"}, {70 << 10, "431"}, {200 << 10, "431"}} {
		send(id, block(hpack.HeaderField{Name: "x-big", Value: strings.Repeat("v", tc.size)}))
		st, b := expectResponse(t, fr, id)
		if st != tc.want {
			t.Errorf("%d-byte header: status %s, want %s", tc.size, st, tc.want)
		}
		if st == "431" && !strings.Contains(b, "Request Header Fields Too Large") {
			t.Errorf("431 body %q", b)
		}
		// The next request, which refers to the dynamic table, still
		// decodes: HPACK state survived the large block.
		send(id+2, block())
		if st, b := expectResponse(t, fr, id+2); st != "200" || b != "ok" {
			t.Fatalf("after a %d-byte header: %s %q", tc.size, st, b)
		}
		id += 4
	}
}

// TestHeaderBlockBounds: a header block that does not end within the
// bounds — too many CONTINUATION frames, or too many bytes — ends the
// connection with ENHANCE_YOUR_CALM instead of being read forever.
func TestHeaderBlockBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		frag []byte
	}{
		{"empty CONTINUATION frames", nil},
		{"16 KiB CONTINUATION frames", bytes.Repeat([]byte{0x40, 0x01, 'a', 0x01, 'b'}, 3000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, log := abuseServer(t)
			fr := rawConn(t, addr)
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: headerBlock(getFields...), EndHeaders: false})
			flood(fr, 100000, func(int) error { return fr.WriteContinuation(1, false, tc.frag) })
			expectCalm(t, fr, log, "oversizeHeaders")
		})
	}
}

// TestSocketStallClosesConnection: a client that grants flow-control
// window but never reads its socket is cut off once a write makes no
// progress for WriteStallTimeout; the handler's context is canceled, and
// one line is logged.
func TestSocketStallClosesConnection(t *testing.T) {
	log := &logLines{}
	canceled := make(chan struct{})
	addr := serve(t, &Server{
		WriteStallTimeout: 300 * time.Millisecond,
		Logger:            slog.New(slog.NewTextHandler(log, nil)),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte("z"), 64<<10)
			for {
				if _, err := w.Write(chunk); err != nil {
					break
				}
				w.(http.Flusher).Flush()
			}
			<-r.Context().Done()
			close(canceled)
		}),
	})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetReadBuffer(4 << 10)
	io.WriteString(nc, http2.ClientPreface)
	fr := http2.NewFramer(nc, nc)
	fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1<<31 - 1})
	fr.WriteWindowUpdate(0, 1<<31-1-65535)
	writeRequest(fr, 1, true, getFields...)
	// Never read.
	select {
	case <-canceled:
	case <-time.After(20 * time.Second):
		t.Fatal("handler still running for a client that reads nothing")
	}
	deadline := time.Now().Add(60 * time.Second) // a bound for "never", not for speed
	for len(log.lines("stopped reading")) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("want one log line, got %q", log.lines(""))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
