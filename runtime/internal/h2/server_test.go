//lint:file-ignore SA1019 x/net/http2's client is the independent HTTP/2 peer these tests talk to

package h2

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// serve runs s on a loopback listener, one ServeConn per connection.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); s.ServeConn(c, nil) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.Shutdown()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("connections did not close after Shutdown")
		}
	})
	return ln.Addr().String()
}

func client(t *testing.T) *http.Client {
	tr := &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, n, a string, _ *tls.Config) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, n, a)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func TestRequestsAndBodies(t *testing.T) {
	s := &Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Header().Set("X-Method", r.Method)
			w.Header().Set("X-Host", r.Host)
			w.Header().Set("X-Cookie", r.Header.Get("Cookie"))
			fmt.Fprintf(w, "%s %s %s %d", r.Proto, r.URL.Path, r.URL.RawQuery, len(b))
			if r.URL.Path == "/big" {
				w.Write(bytes.Repeat([]byte("x"), 256<<10))
			}
		}),
		Inline: func(r *http.Request) bool { return r.URL.Path == "/inline" },
	}
	addr := serve(t, s)
	c := client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := []string{"/a", "/inline", "/big"}[i%3]
			method, body := "GET", io.Reader(nil)
			if i%2 == 0 && path != "/inline" {
				method, body = "POST", strings.NewReader(strings.Repeat("y", 100000))
			}
			req, _ := http.NewRequest(method, "http://"+addr+path+"?i=1", body)
			req.Header.Add("Cookie", "a=1")
			req.Header.Add("Cookie", "b=2")
			resp, err := c.Do(req)
			if err != nil {
				errs <- err
				return
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			n := 0
			if method == "POST" {
				n = 100000
			}
			want := fmt.Sprintf("HTTP/2.0 %s i=1 %d", path, n)
			if path == "/big" {
				want += strings.Repeat("x", 256<<10)
			}
			if string(got) != want || resp.Header.Get("X-Method") != method || resp.Header.Get("X-Cookie") != "a=1; b=2" || resp.Header.Get("Date") == "" {
				errs <- fmt.Errorf("%s %s: %d %.60q %v", method, path, resp.StatusCode, got, resp.Header)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestResetCode(t *testing.T) {
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Reset(r, http2.ErrCodeHTTP11Required)
		panic(http.ErrAbortHandler)
	}), Inline: func(r *http.Request) bool { return r.URL.Path == "/inline" }}
	addr := serve(t, s)
	for _, p := range []string{"/goroutine", "/inline"} {
		_, err := client(t).Get("http://" + addr + p)
		var se http2.StreamError
		if !errors.As(err, &se) || se.Code != http2.ErrCodeHTTP11Required {
			t.Errorf("%s: err = %v, want HTTP_1_1_REQUIRED", p, err)
		}
	}
}

func TestClientResetCancelsHandler(t *testing.T) {
	canceled := make(chan struct{})
	started := make(chan struct{})
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		close(canceled)
	})}
	addr := serve(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/", nil)
	go func() { <-started; cancel() }()
	client(t).Do(req)
	select {
	case <-canceled:
	case <-time.After(60 * time.Second): // a hang detector, not a timing assertion
		t.Fatal("handler context not canceled by RST_STREAM")
	}
}

// TestInlineRespectsSmallWindow: an inline response larger than the
// client's window must not block the reader; the client reads it all
// while granting window bit by bit.
func TestInlineRespectsSmallWindow(t *testing.T) {
	big := bytes.Repeat([]byte("z"), 200000)
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(big) }),
		Inline: func(*http.Request) bool { return true }}
	addr := serve(t, s)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(nc, http2.ClientPreface)
	fr := http2.NewFramer(nc, nc)
	fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1000})
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/"}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndStream: true, EndHeaders: true})
	// A PING after the request proves the reader is not stuck.
	fr.WritePing(false, [8]byte{1})
	got, pinged := 0, false
	for got < len(big) || !pinged {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("after %d bytes: %v", got, err)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			got += len(f.Data())
			fr.WriteWindowUpdate(1, uint32(len(f.Data())))
			fr.WriteWindowUpdate(0, uint32(len(f.Data())))
		case *http2.PingFrame:
			pinged = pinged || f.IsAck()
		case *http2.RSTStreamFrame, *http2.GoAwayFrame:
			t.Fatalf("unexpected %v", f)
		}
	}
	if got != len(big) {
		t.Errorf("got %d bytes, want %d", got, len(big))
	}
}

func TestShutdownDrains(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "ok")
	})}
	addr := serve(t, s)
	c := client(t)
	got := make(chan string, 1)
	go func() {
		resp, err := c.Get("http://" + addr + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-started
	s.Shutdown()
	close(release)
	if g := <-got; g != "ok" {
		t.Errorf("in-flight request during shutdown: %q", g)
	}
}

// TestStalledClientReleasesHandler: a client that never grants window
// gets its stream reset after WriteStallTimeout; the handler returns.
func TestStalledClientReleasesHandler(t *testing.T) {
	done := make(chan error, 1)
	s := &Server{WriteStallTimeout: 100 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := w.Write(bytes.Repeat([]byte("s"), 100000))
		if err == nil {
			_, err = w.Write(bytes.Repeat([]byte("s"), 100000))
		}
		done <- err
	})}
	addr := serve(t, s)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	io.WriteString(nc, http2.ClientPreface)
	fr := http2.NewFramer(nc, nc)
	fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 10})
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/"}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndStream: true, EndHeaders: true})
	select {
	case err := <-done:
		if err == nil {
			t.Error("write to a stalled client succeeded")
		}
	case <-time.After(60 * time.Second): // a hang detector, not a timing assertion
		t.Fatal("handler still blocked on a client that reads nothing")
	}
}

// TestStalledUploadReleasesHandler: a request body that stops arriving
// fails the handler's read after WriteStallTimeout.
func TestStalledUploadReleasesHandler(t *testing.T) {
	done := make(chan error, 1)
	s := &Server{WriteStallTimeout: 100 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		done <- err
	})}
	addr := serve(t, s)
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		req, _ := http.NewRequest("POST", "http://"+addr+"/", pr)
		client(t).Do(req)
	}()
	pw.Write([]byte("some"))
	select {
	case err := <-done:
		if err == nil {
			t.Error("read of a stalled upload succeeded")
		}
	case <-time.After(60 * time.Second): // a hang detector, not a timing assertion
		t.Fatal("handler still blocked on an upload that stopped")
	}
}

// TestArrivedAndDate: Arrived is the time the request was read (between
// the client's send and its answer, fresh for each request on a kept
// connection), an inline answer's Date is that time's second, and a
// worker's answer carries the time it was written (here over a second
// after the request arrived).
func TestArrivedAndDate(t *testing.T) {
	var mu sync.Mutex
	arrived := map[string]time.Time{}
	s := &Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			at, ok := Arrived(r)
			if !ok {
				t.Errorf("%s: Arrived not ok", r.URL.Path)
			}
			mu.Lock()
			arrived[r.URL.RawQuery] = at
			mu.Unlock()
			if r.URL.Path == "/worker" {
				time.Sleep(1100 * time.Millisecond)
			}
			io.WriteString(w, "ok")
		}),
		Inline: func(r *http.Request) bool { return r.URL.Path == "/inline" },
	}
	addr := serve(t, s)
	c := client(t)
	get := func(path, q string) (sent, got time.Time, date time.Time) {
		t.Helper()
		sent = time.Now()
		res, err := c.Get("http://" + addr + path + "?" + q)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		got = time.Now()
		date, err = http.ParseTime(res.Header.Get("Date"))
		if err != nil {
			t.Fatalf("%s: Date %q: %v", path, res.Header.Get("Date"), err)
		}
		return sent, got, date
	}
	for i, path := range []string{"/inline", "/inline", "/worker"} {
		if i > 0 {
			time.Sleep(30 * time.Millisecond) // the connection idles between requests
		}
		q := fmt.Sprint(i)
		sent, got, date := get(path, q)
		mu.Lock()
		at := arrived[q]
		mu.Unlock()
		if at.Before(sent.Truncate(time.Microsecond)) || at.After(got) {
			t.Errorf("%s #%d: arrived %v not within the request's %v .. %v", path, i, at, sent, got)
		}
		switch path {
		case "/inline":
			if want := at.Unix(); date.Unix() != want {
				t.Errorf("%s #%d: Date %v, want the arrival's second %v", path, i, date, at.UTC())
			}
		case "/worker":
			if date.Unix() <= at.Unix() || date.After(got) {
				t.Errorf("%s #%d: Date %v, want the answer's time (arrived %v, answered by %v)", path, i, date, at.UTC(), got.UTC())
			}
		}
	}
}

// captureConn is a net.Conn whose writes are kept (the rest is unused).
type captureConn struct {
	net.Conn
	got bytes.Buffer
}

func (c *captureConn) Write(p []byte) (int, error)      { return c.got.Write(p) }
func (c *captureConn) SetWriteDeadline(time.Time) error { return nil }

// TestWriteBufGrows: a batch starts in a small buffer, moves to a large
// one with what it holds when it outgrows it, is written when that is
// full, and every byte arrives in order; the buffers go back to their
// pools.
func TestWriteBufGrows(t *testing.T) {
	nc := &captureConn{}
	w := writeBuf{nc: nc, stall: time.Second}
	var want []byte
	for i := range 200 {
		part := bytes.Repeat([]byte{byte(i)}, 1000)
		if err := w.reserve(len(part)); err != nil {
			t.Fatal(err)
		}
		w.b = append(w.b, part...)
		want = append(want, part...)
		switch {
		case i < 4 && cap(w.b) != smallWriteBufSize:
			t.Fatalf("part %d: buffer of %d bytes, want the small one", i, cap(w.b))
		case i >= 4 && cap(w.b) != writeBufSize:
			t.Fatalf("part %d: buffer of %d bytes, want the large one", i, cap(w.b))
		}
	}
	if nc.got.Len() == 0 {
		t.Fatal("200 kB buffered without a write")
	}
	if err := w.flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(nc.got.Bytes(), want) {
		t.Fatalf("wrote %d bytes, want %d in order", nc.got.Len(), len(want))
	}
	w.release()
	if w.b != nil || w.ptr != nil {
		t.Fatal("buffer not released")
	}
	if p := writeBufs.get(); cap(*p) != writeBufSize {
		t.Fatalf("large pool gave %d bytes", cap(*p))
	}
	if p := smallWriteBufs.get(); cap(*p) != smallWriteBufSize {
		t.Fatalf("small pool gave %d bytes", cap(*p))
	}
}

// TestInlineReusesRequestHeaderMap: an inline stream whose handler has
// returned gives its request header map to the next request on the
// connection (one map allocation less per request), and the next request
// sees only its own fields in it.
func TestInlineReusesRequestHeaderMap(t *testing.T) {
	var maps []uintptr
	s := &Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			maps = append(maps, reflect.ValueOf(r.Header).Pointer()) // inline: one reader goroutine
			var names []string
			for k, v := range r.Header {
				if strings.HasPrefix(k, "X-") {
					names = append(names, k+"="+strings.Join(v, ","))
				}
			}
			slices.Sort(names)
			io.WriteString(w, strings.Join(names, " "))
		}),
		Inline: func(*http.Request) bool { return true },
	}
	addr := serve(t, s)
	c := client(t)
	for i, tc := range []struct{ set, want string }{
		{"X-A", "X-A=0"},
		{"X-B", "X-B=1"},
		{"", ""},
		{"X-A", "X-A=3"},
	} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
		if tc.set != "" {
			req.Header.Set(tc.set, strconv.Itoa(i))
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(got) != tc.want {
			t.Errorf("request %d saw %q, want %q", i, got, tc.want)
		}
	}
	if len(maps) != 4 || maps[1] != maps[0] || maps[3] != maps[0] {
		t.Errorf("request header maps %x: want one map reused on the connection", maps)
	}
}

// TestFreeBufsKeepManyOut: buffers that were out at once — the answers of
// hundreds of connections in one backend batch — come back to the list
// and serve the next round without new allocations, up to maxFreeBytes;
// beyond it they are dropped. (A list of 32 made most of them new: 4 and
// 8 KiB per request with 1,000 busy connections.)
func TestFreeBufsKeepManyOut(t *testing.T) {
	f := &freeBufs{size: smallWriteBufSize}
	n := maxFreeBytes / f.size
	if n < 256 {
		t.Fatalf("list keeps %d buffers, want room for hundreds", n)
	}
	out := make([]*[]byte, n)
	round := func() {
		for i := range out {
			out[i] = f.get()
		}
		for _, p := range out {
			f.put(p)
		}
	}
	round()
	// AllocsPerRun counts every goroutine's allocations (connections of
	// earlier tests still closing): over 100 rounds a few of theirs
	// round down to 0, over 5 they did not have to.
	if allocs := testing.AllocsPerRun(100, round); allocs != 0 {
		t.Fatalf("%d buffers out at once: %.0f allocations per round after the first", n, allocs)
	}
	for range 10 {
		f.put(f.get()) // within the bound: kept
	}
	extra := make([]*[]byte, n+10)
	for i := range extra {
		extra[i] = f.get()
	}
	for _, p := range extra {
		f.put(p)
	}
	if len(f.free) != n {
		t.Fatalf("list holds %d buffers, want at most %d (%d bytes)", len(f.free), n, maxFreeBytes)
	}
}
