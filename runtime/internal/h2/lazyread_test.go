package h2

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/cfnrun/cfnrun/runtime/internal/rawconn"
)

// readBufsOut is how many read buffers connections hold.
func readBufsOut() int {
	readBufs.mu.Lock()
	defer readBufs.mu.Unlock()
	return readBufs.out
}

// handedBack waits (up to 10 s) for the read buffers held to be at most
// base, and returns how many are held: the pauses before it let the
// reader get to its wait, but a reader starved of CPU (-race, a loaded
// machine) may get there later; one that keeps its buffer while it waits
// never does.
func handedBack(base int) int {
	out := readBufsOut()
	for deadline := time.Now().Add(10 * time.Second); out > base && time.Now().Before(deadline); out = readBufsOut() {
		time.Sleep(time.Millisecond)
	}
	return out
}

// TestBusyConnHoldsNoReadBuffer: a connection that can read lazily
// (rawconn) hands its read buffer back whenever it waits for its client,
// also while a stream is open (a proxied request waiting for its
// backend), and takes one again for the next bytes — a request that
// arrives in pieces, with a wait between them, is read whole, with
// ReadLazy and without (TLS).
func TestBusyConnHoldsNoReadBuffer(t *testing.T) {
	for _, lazy := range []bool{true, false} {
		release := make(chan struct{})
		var once sync.Once
		s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/wait" {
				<-release
			}
			io.WriteString(w, r.URL.Path)
		})}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if lazy {
				c = rawconn.Wrap(c)
			}
			s.ServeConn(c, nil)
		}()
		base := readBufsOut() // connections of earlier tests may still hold some
		nc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		nc.SetDeadline(time.Now().Add(30 * time.Second))
		io.WriteString(nc, http2.ClientPreface)
		fr := http2.NewFramer(nc, nc)
		fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
		fr.WriteSettings()
		writeRequest(fr, 1, true, ":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/wait")
		time.Sleep(200 * time.Millisecond) // the handler waits, the reader too
		if lazy {
			if out := handedBack(base); out > base {
				t.Errorf("%d read buffers held while the client is silent", out-base)
			}
		}
		// The next request in two pieces, a wait between them.
		var b bytes.Buffer
		wfr := http2.NewFramer(&b, nil)
		wfr.WriteHeaders(http2.HeadersFrameParam{StreamID: 3, EndStream: true, EndHeaders: true,
			BlockFragment: headerBlock(":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/second")})
		frame := b.Bytes()
		nc.Write(frame[:5])
		time.Sleep(100 * time.Millisecond)
		if lazy {
			if out := handedBack(base); out > base {
				t.Errorf("%d read buffers held in the middle of a frame", out-base)
			}
		}
		nc.Write(frame[5:])
		got := map[uint32]string{}
		for len(got) < 2 {
			f, err := fr.ReadFrame()
			if err != nil {
				t.Fatalf("lazy %v: %v (answers so far %v)", lazy, err, got)
			}
			if d, ok := f.(*http2.DataFrame); ok {
				got[d.StreamID] += string(d.Data())
			}
			if got[3] == "/second" {
				once.Do(func() { close(release) })
			}
		}
		if got[1] != "/wait" || got[3] != "/second" {
			t.Errorf("lazy %v: answers %v, want /wait and /second", lazy, got)
		}
		nc.Close()
		ln.Close()
		<-done
		s.Shutdown()
	}
}
