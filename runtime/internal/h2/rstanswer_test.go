package h2

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// TestNoRSTInAnswerToRST: a handler that answered without reading the
// body finishes (complete) while the reader is half-way through the
// client's RST_STREAM for that stream: peerRST is marked, the stream not
// yet reset nor remote-done. The server must not send RST_STREAM(NO_ERROR)
// then: the client reset the stream itself, and an endpoint does not send
// RST_STREAM in response to one (RFC 9113 §5.4.2). The hook puts complete
// in that moment, deterministically. Seen as a flake of
// TestDataAfterBothReset (RST_STREAM(NO_ERROR) where STREAM_CLOSED was
// expected) under -race -count=3 at load 15.
func TestNoRSTInAnswerToRST(t *testing.T) {
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "early")
	})}
	var mu sync.Mutex
	var held *stream
	hook := func(st *stream) {
		if st.c.srv == s && st.id == 1 {
			st.peerRST.Store(true) // onRSTStream's first step
			mu.Lock()
			held = st
			mu.Unlock()
		}
	}
	testHookComplete.Store(&hook)
	t.Cleanup(func() { testHookComplete.Store(nil) })
	addr := serve(t, s)
	fr := rawConn(t, addr)
	writeRequest(fr, 1, false, append(getFields[:0:0], ":method", "POST", ":scheme", "http", ":path", "/")...)
	if st, b := expectResponse(t, fr, 1); st != "200" || b != "early" {
		t.Fatalf("response %s %q", st, b)
	}
	// Wait for complete to be done with stream 1 (it leaves the table).
	for deadline := time.Now().Add(30 * time.Second); ; {
		mu.Lock()
		st := held
		mu.Unlock()
		if st != nil {
			st.c.mu.Lock()
			_, open := st.c.streams[1]
			st.c.mu.Unlock()
			if !open {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("stream 1 still open after 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	fr.WritePing(false, [8]byte{7})
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		switch f := f.(type) {
		case *http2.RSTStreamFrame:
			t.Fatalf("RST_STREAM(%v) on stream %d in answer to the client's own reset", f.ErrCode, f.StreamID)
		case *http2.PingFrame:
			if f.IsAck() {
				return
			}
		}
	}
}
