package runtime

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// streamer is a backend that answers /stream with an endless body (or
// ?n= bytes), and counts the handlers still writing.
type streamer struct {
	active, started atomic.Int64
}

func (s *streamer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.active.Add(1)
	s.started.Add(1)
	defer s.active.Add(-1)
	n, err := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
	if err != nil {
		n = -1
	}
	chunk := bytes.Repeat([]byte("x"), 16<<10)
	f := w.(http.Flusher)
	for sent := int64(0); n < 0 || sent < n; sent += int64(len(chunk)) {
		if n >= 0 {
			chunk = chunk[:min(int64(len(chunk)), n-sent)]
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		f.Flush()
		if r.Context().Err() != nil {
			return
		}
	}
}

// waitFor polls cond until it holds, failing after a generous bound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// h2Get opens stream id on fr with a GET of path.
func h2Get(t *testing.T, fr *http2.Framer, id uint32, path string) {
	t.Helper()
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", path}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: b.Bytes(), EndStream: true, EndHeaders: true}); err != nil {
		t.Fatal(err)
	}
}

// TestSlowReadersCutOff: a client that stops reading — its socket, or its
// HTTP/2 flow-control window — is cut off after StallTimeout whatever the
// protocol, and the backend streams it was reading are canceled.
func TestSlowReadersCutOff(t *testing.T) {
	be := &streamer{}
	backend := h2cBackend(t, be)
	b := newTB("slowread", stage("prod", nil))
	b.method("/stream", "GET", proxyTo("http://"+backend.Listener.Addr().String()+"/stream", true))
	tpl := b.build()
	gw := start(t, tpl, func(c *Config) { c.StallTimeout = time.Second })

	// cutOff waits until n backend handlers started and then all ended.
	cutOff := func(t *testing.T, n int64) {
		t.Helper()
		waitFor(t, fmt.Sprintf("%d backend streams started", n), func() bool { return be.started.Load() >= n })
		waitFor(t, "the backend streams were canceled", func() bool { return be.active.Load() == 0 })
	}
	// closed checks that the gateway closed nc: reading what it holds
	// ends in EOF or a reset.
	closed := func(t *testing.T, nc net.Conn) {
		t.Helper()
		nc.SetReadDeadline(time.Now().Add(60 * time.Second))
		_, err := io.Copy(io.Discard, nc)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("the gateway kept the connection open: %v", err)
		}
	}

	t.Run("HTTP/1.1 socket", func(t *testing.T) {
		be.started.Store(0)
		nc, err := net.Dial("tcp", gw.http)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		fmt.Fprintf(nc, "GET /prod/stream HTTP/1.1\r\nHost: x\r\n\r\n")
		cutOff(t, 1)
		closed(t, nc)
	})
	t.Run("HTTP/1.1 over TLS socket", func(t *testing.T) {
		be.started.Store(0)
		nc, err := tls.Dial("tcp", gw.https, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		fmt.Fprintf(nc, "GET /prod/stream HTTP/1.1\r\nHost: x\r\n\r\n")
		cutOff(t, 1)
		closed(t, nc)
	})
	t.Run("HTTP/2 socket", func(t *testing.T) {
		// Windows granted in full, socket never read.
		be.started.Store(0)
		nc, err := net.Dial("tcp", gw.http)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		io.WriteString(nc, http2.ClientPreface)
		fr := http2.NewFramer(nc, nc)
		fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1<<31 - 1})
		fr.WriteWindowUpdate(0, 1<<31-1-65535)
		const streams = 20
		for i := range uint32(streams) {
			h2Get(t, fr, 1+2*i, "/prod/stream")
		}
		cutOff(t, streams)
		closed(t, nc)
	})
	t.Run("HTTP/2 flow control", func(t *testing.T) {
		// A zero window: the socket is read, the streams never move.
		be.started.Store(0)
		fr := rawH2C(t, gw.http)
		fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
		const streams = 20
		for i := range uint32(streams) {
			h2Get(t, fr, 1+2*i, "/prod/stream")
		}
		resets := 0
		for resets < streams {
			f, err := fr.ReadFrame()
			if err != nil {
				break // closed for abuse after enough stalls is fine too
			}
			if rst, ok := f.(*http2.RSTStreamFrame); ok && rst.ErrCode == http2.ErrCodeCancel {
				resets++
			}
		}
		cutOff(t, streams)
	})
}

// TestStalledStreamsDoNotStarveOthers: backend streams whose client does not
// read hold their own window only; another client's request on the same
// backend connection still flows.
func TestStalledStreamsDoNotStarveOthers(t *testing.T) {
	be := &streamer{}
	backend := h2cBackend(t, be)
	b := newTB("starve", stage("prod", nil))
	b.method("/stream", "GET", proxyTo("http://"+backend.Listener.Addr().String()+"/stream", true))
	gw := start(t, b.build(), func(c *Config) { c.StallTimeout = 10 * time.Minute })
	fr := rawH2C(t, gw.http)
	fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	const streams = 40 // 40 x 4 MiB would have exhausted a 32 MiB connection window
	for i := range uint32(streams) {
		h2Get(t, fr, 1+2*i, "/prod/stream")
	}
	waitFor(t, "the stalled streams started", func() bool { return be.started.Load() >= streams })
	res := do(t, h2cClient(t), "GET", "http://"+gw.http+"/prod/stream?n="+strconv.Itoa(8<<20), nil)
	if res.status != 200 || len(res.body) != 8<<20 {
		t.Errorf("the other client got %d with %d bytes", res.status, len(res.body))
	}
}
