package h2

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/cfnrun/cfnrun/runtime/internal/rawconn"
)

// parkServer serves one cleartext connection through rawconn on s (which
// parks), and returns the client's framer, the client and server sides,
// and a channel closed when Serve called done.
func parkServer(t *testing.T, s *Server) (*http2.Framer, net.Conn, chan net.Conn, chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	served := make(chan net.Conn, 1)
	done := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(done)
			return
		}
		if !noWrap {
			c = rawconn.Wrap(c)
		}
		served <- c
		s.Serve(c, nil, func() { close(done) })
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(nc, http2.ClientPreface)
	fr := http2.NewFramer(nc, nc)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	fr.WriteSettings()
	return fr, nc, served, done
}

// waitParked waits (up to 10 s) until s's only connection is parked.
func waitParked(t *testing.T, s *Server) {
	t.Helper()
	if noWrap {
		time.Sleep(100 * time.Millisecond)
		return
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		s.mu.Lock()
		var c *conn
		for k := range s.conns {
			c = k
		}
		s.mu.Unlock()
		if c != nil && c.pstate.Load() == parkedState {
			return
		}
	}
	t.Fatal("the connection did not park")
}

func echoPath() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) })
}

// TestParkedConnResumes: a connection waiting for its client parks (no
// goroutine), between requests and with a stream open, and the next
// bytes resume it; its idle timeout still ends it (GOAWAY, close, done).
// The same with ParkBusyAbove reached (the connection parks whenever its
// socket is empty).
func TestParkedConnResumes(t *testing.T) {
	if sharedPoller() == nil {
		t.Skip("no parking on this platform")
	}
	for _, busy := range []int{0, 1} {
		t.Run(fmt.Sprintf("ParkBusyAbove=%d", busy), func(t *testing.T) { testParkedConnResumes(t, busy) })
	}
}

func testParkedConnResumes(t *testing.T, busyAbove int) {
	release := make(chan struct{})
	s := &Server{ParkBusyAbove: busyAbove, IdleTimeout: 600 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/wait" {
			<-release
		}
		io.WriteString(w, r.URL.Path)
	})}
	defer s.Shutdown()
	fr, _, _, done := parkServer(t, s)
	waitParked(t, s) // after the preface: a client holding the connection open
	writeRequest(fr, 1, true, ":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/a")
	if _, body := expectResponse(t, fr, 1); body != "/a" {
		t.Fatalf("body %q, want /a", body)
	}
	waitParked(t, s)
	// A stream open (its handler waits): the connection parks too, and
	// a second request on it is read.
	writeRequest(fr, 3, true, ":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/wait")
	time.Sleep(50 * time.Millisecond)
	waitParked(t, s)
	writeRequest(fr, 5, true, ":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/b")
	if _, body := expectResponse(t, fr, 5); body != "/b" {
		t.Fatalf("body %q, want /b", body)
	}
	close(release)
	if _, body := expectResponse(t, fr, 3); body != "/wait" {
		t.Fatalf("body %q, want /wait", body)
	}
	start := time.Now()
	expectGoAway(t, fr, http2.ErrCodeNo)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the idle connection's Serve did not end")
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("closed %v after the last answer, before its idle timeout", d)
	}
}

// TestParkedConnClosed: a parked connection closed by another goroutine
// (the connection limit's eviction) ends: Serve's done is called.
func TestParkedConnClosed(t *testing.T) {
	if sharedPoller() == nil {
		t.Skip("no parking on this platform")
	}
	s := &Server{Handler: echoPath()}
	defer s.Shutdown()
	fr, _, served, done := parkServer(t, s)
	writeRequest(fr, 1, true, getFields...)
	expectResponse(t, fr, 1)
	waitParked(t, s)
	(<-served).Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the closed parked connection's Serve did not end")
	}
	s.mu.Lock()
	n := len(s.conns)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d connections still known", n)
	}
}

// TestParkedConnShutdown: Shutdown's GOAWAY ends an idle parked
// connection, as it ends one whose reader waits.
func TestParkedConnShutdown(t *testing.T) {
	if sharedPoller() == nil {
		t.Skip("no parking on this platform")
	}
	s := &Server{Handler: echoPath()}
	fr, _, _, done := parkServer(t, s)
	writeRequest(fr, 1, true, getFields...)
	expectResponse(t, fr, 1)
	waitParked(t, s)
	s.Shutdown()
	expectGoAway(t, fr, http2.ErrCodeNo)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the parked connection's Serve did not end after Shutdown")
	}
}

// TestParkedConnPeerCloses: a client that closes its side ends the
// parked connection (the event is its end of stream).
func TestParkedConnPeerCloses(t *testing.T) {
	if sharedPoller() == nil {
		t.Skip("no parking on this platform")
	}
	s := &Server{Handler: echoPath()}
	defer s.Shutdown()
	fr, nc, _, done := parkServer(t, s)
	writeRequest(fr, 1, true, getFields...)
	expectResponse(t, fr, 1)
	waitParked(t, s)
	nc.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the parked connection's Serve did not end after its client closed")
	}
}

var noWrap = false

// TestParkedConnMidFrameIdleTimeout: a client that sends part of a
// frame's header and stops does not outlive its idle timeout, with
// ParkBusyAbove reached or not. A reader waiting mid-frame is not parked,
// so the sweeper does not see it: its read deadline must end it (a22e730
// set none with ParkBusyAbove reached, and the connection stayed).
func TestParkedConnMidFrameIdleTimeout(t *testing.T) {
	if sharedPoller() == nil {
		t.Skip("no parking on this platform")
	}
	for _, busy := range []int{0, 1} {
		t.Run(fmt.Sprintf("ParkBusyAbove=%d", busy), func(t *testing.T) {
			s := &Server{ParkBusyAbove: busy, IdleTimeout: 500 * time.Millisecond, Handler: echoPath()}
			defer s.Shutdown()
			_, nc, _, done := parkServer(t, s)
			waitParked(t, s)
			nc.Write([]byte{0, 0, 8, 6}) // 4 of a PING frame header's 9 bytes
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("a connection stalled mid-frame outlived its 500 ms idle timeout by 10 s")
			}
		})
	}
}
