package h2

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// A client may open a new stream as soon as it reads the END_STREAM that
// ends one, and stay at exactly the advertised SETTINGS_MAX_CONCURRENT_STREAMS:
// a stream both sides ended is closed and no longer counts (RFC 9113
// §5.1.2). The server counts it no longer from the moment its END_STREAM
// is queued, before the frame can reach the client.

// TestSlotFreedWhenEndStreamSent: the handler's goroutine is held after
// its response's END_STREAM went out and before the server's bookkeeping
// of the stream ran (testHookComplete); a client at the limit (1) opens
// its next stream on reading that END_STREAM, and it is served, not
// refused. Before the count followed the frames, it was refused with
// REFUSED_STREAM every time.
func TestSlotFreedWhenEndStreamSent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inline bool // Detach + Finish, as the gateway's proxy answers
	}{{"worker", false}, {"detached", true}} {
		t.Run(tc.name, func(t *testing.T) {
			held := make(chan struct{})
			release := make(chan struct{})
			var once sync.Once
			s := &Server{
				MaxConcurrentStreams: 1,
				Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !Detach(w) {
						io.WriteString(w, "ok "+r.URL.Path)
						return
					}
					go func() {
						io.WriteString(w, "ok "+r.URL.Path)
						Finish(w)
					}()
				}),
			}
			if tc.inline {
				s.Inline = func(*http.Request) bool { return true }
			}
			// Only this server's stream 1: connections an earlier test
			// left closing may be completing streams too.
			hook := func(st *stream) {
				if st.c.srv == s && st.id == 1 {
					once.Do(func() { close(held) })
					<-release
				}
			}
			testHookComplete.Store(&hook)
			t.Cleanup(func() { testHookComplete.Store(nil) })
			addr := serve(t, s)
			defer close(release)
			fr := rawConn(t, addr)
			writeRequest(fr, 1, true, getFields...)
			if tc.inline {
				// A detached stream's frames are flushed by whoever
				// flushes the connection next: here the reader, at the
				// end of the batch that holds this PING.
				<-held
				fr.WritePing(false, [8]byte{1})
			}
			if st, b := expectResponse(t, fr, 1); st != "200" || b != "ok /" {
				t.Fatalf("stream 1: %s %q", st, b)
			}
			// The worker's goroutine may still be on its way from the
			// END_STREAM to complete() when the client has read it:
			// wait until it is held there, where the slot was counted
			// until complete() ran, before opening the next stream.
			select {
			case <-held:
			case <-time.After(10 * time.Second):
				t.Fatal("the handler's goroutine never reached complete(): the test shows nothing")
			}
			fields := []string{":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/next"}
			writeRequest(fr, 3, true, fields...)
			if st, b := expectResponse(t, fr, 3); st != "200" || b != "ok /next" {
				t.Fatalf("stream 3: %s %q", st, b)
			}
		})
	}
}

// TestStreamsAtTheLimit: a real client that keeps exactly
// MaxConcurrentStreams streams open, opening the next one the moment it
// reads an END_STREAM (what h2load -m N does), gets every request served.
func TestStreamsAtTheLimit(t *testing.T) {
	const limit, total = 8, 4000
	addr := serve(t, &Server{
		MaxConcurrentStreams: limit,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "ok")
		}),
	})
	fr := rawConn(t, addr)
	next := uint32(1)
	open := func() {
		writeRequest(fr, next, true, getFields...)
		next += 2
	}
	for range limit {
		open()
	}
	sent, done, refused := limit, 0, 0
	for done < total {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %d responses: %v", done, err)
		}
		ended := false
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			ended = f.StreamEnded()
		case *http2.DataFrame:
			ended = f.StreamEnded()
			if n := len(f.Data()); n > 0 {
				fr.WriteWindowUpdate(0, uint32(n))
			}
		case *http2.RSTStreamFrame:
			if f.ErrCode != http2.ErrCodeRefusedStream {
				t.Fatalf("RST_STREAM(%v) on stream %d", f.ErrCode, f.StreamID)
			}
			refused++
			ended = true
		case *http2.GoAwayFrame:
			t.Fatalf("GOAWAY(%v) after %d responses", f.ErrCode, done)
		}
		if !ended {
			continue
		}
		done++
		if sent < total {
			open()
			sent++
		}
	}
	if refused > 0 {
		t.Errorf("%d of %d streams refused with at most %d open", refused, total, limit)
	}
}
