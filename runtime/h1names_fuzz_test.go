package runtime

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// The header-name follower (nameConn) against a real net/http server, on
// arbitrary byte streams read in arbitrary pieces. What it must never do:
// panic, hand a handler the header section of another request, or grow
// without bound. Which section is a request's is decided by an oracle that
// reads the same stream with net/http's own request reader
// (http.ReadRequest, then the whole body), noting where each header
// section starts and ends: the server's handler invocations on the
// connection are a prefix of the oracle's requests (the server checks more
// and closes on the first request it refuses), and a section a handler
// gets must be the oracle's section of that request, byte for byte.

// oracleReq is a request as net/http's reader sees it in the stream.
type oracleReq struct {
	method, uri string
	section     string // request line to the blank line, as received
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func oracleRequests(stream []byte) []oracleReq {
	cr := &countReader{r: bytes.NewReader(stream)}
	br := bufio.NewReaderSize(cr, 4096)
	var out []oracleReq
	for {
		start := cr.n - br.Buffered()
		req, err := http.ReadRequest(br)
		if err != nil {
			return out
		}
		end := cr.n - br.Buffered()
		// net/http answers OPTIONS * itself: no handler sees it.
		if req.Method != "OPTIONS" || req.RequestURI != "*" {
			out = append(out, oracleReq{req.Method, req.RequestURI, string(stream[start:end])})
		}
		if _, err := io.Copy(io.Discard, req.Body); err != nil || req.Close {
			return out
		}
	}
}

// splitConn returns at most the next split's size from each Read: the
// follower sees the stream cut at arbitrary points.
type splitConn struct {
	net.Conn
	splits []byte
	i      int
}

func (c *splitConn) Read(p []byte) (int, error) {
	if len(c.splits) > 0 {
		b := int(c.splits[c.i%len(c.splits)])
		c.i++
		n := 1 + b*b/16 // 1 to 4,065 bytes, small ones likelier
		if n < len(p) {
			p = p[:n]
		}
	}
	return c.Conn.Read(p)
}

// fuzzConn is what the handlers found on one connection.
type fuzzConn struct {
	bodyFirst  bool
	mu         sync.Mutex
	got        []oracleReq // method, uri and the section head returned ("" when not ok)
	ok         []bool
	errs       []string
	maxKept    int
	closed     chan struct{}
	closedOnce sync.Once
}

type fuzzConnKey struct{}

const fuzzMaxHeaderBytes = 2048

func checkNameFuzz(t *testing.T, h *nameHarness, stream, splits []byte, bodyFirst, wantAll bool) int {
	fc := h.serve(t, stream, splits, bodyFirst)
	want := oracleRequests(stream)
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for _, e := range fc.errs {
		t.Error(e)
	}
	if len(fc.got) > len(want) {
		t.Fatalf("server served %d requests, net/http's reader reads %d: %q", len(fc.got), len(want), fc.got)
	}
	for i, g := range fc.got {
		w := want[i]
		if g.method != w.method || g.uri != w.uri {
			t.Fatalf("request %d: server served %s %s, net/http's reader read %s %s", i, g.method, g.uri, w.method, w.uri)
		}
		if !fc.ok[i] {
			if wantAll {
				t.Errorf("request %d (%s %s): no section, want %q", i, g.method, g.uri, w.section)
			}
			continue
		}
		_, rest, _ := strings.Cut(w.section, "\n")
		if g.section != rest {
			t.Fatalf("request %d (%s %s): section %q, want %q", i, g.method, g.uri, g.section, rest)
		}
	}
	// Bounded: the request being served (at most net/http's limit) and
	// what net/http reads ahead (its 4 KiB buffer), with slack.
	if lim := 2 * (fuzzMaxHeaderBytes + 4096 + 4096); fc.maxKept > lim {
		t.Errorf("kept %d bytes of sections, want at most %d", fc.maxKept, lim)
	}
	return len(fc.got)
}

// nameHarness is a net/http server of nameConns on loopback.
type nameHarness struct {
	srv   *http.Server
	ln    *chanListener
	raw   net.Listener
	conns sync.Map // net.Conn (the *nameConn) -> *fuzzConn
}

func newNameHarness(tb testing.TB) *nameHarness {
	h := &nameHarness{}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	h.raw = raw
	h.ln = &chanListener{addr: raw.Addr(), ch: make(chan net.Conn), done: make(chan struct{})}
	h.srv = &http.Server{
		MaxHeaderBytes: fuzzMaxHeaderBytes,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			ctx = nameConnContext(ctx, c)
			fc, _ := h.conns.Load(c)
			return context.WithValue(ctx, fuzzConnKey{}, fc)
		},
		ConnState: func(c net.Conn, st http.ConnState) {
			switch st {
			case http.StateIdle:
				c.(*nameConn).done()
			case http.StateClosed, http.StateHijacked:
				if fc, ok := h.conns.LoadAndDelete(c); ok {
					fc := fc.(*fuzzConn)
					fc.closedOnce.Do(func() { close(fc.closed) })
				}
			}
		},
		Handler: namesHandler{http.HandlerFunc(fuzzHandler)},
	}
	go h.srv.Serve(h.ln)
	tb.Cleanup(func() { raw.Close(); h.srv.Close() })
	return h
}

func fuzzHandler(w http.ResponseWriter, r *http.Request) {
	fc := r.Context().Value(fuzzConnKey{}).(*fuzzConn)
	nc := r.Context().Value(nameConnKey{}).(*nameConn)
	var head1, head2 string
	var ok1, ok2 bool
	if !fc.bodyFirst {
		head1, ok1 = nc.head(r)
	}
	io.Copy(io.Discard, r.Body)
	head2, ok2 = nc.head(r)
	if fc.bodyFirst {
		head1, ok1 = head2, ok2
	}
	nc.mu.Lock()
	kept := len(nc.cur)
	for _, h := range nc.heads {
		kept += len(h)
	}
	nheads := len(nc.heads)
	nc.mu.Unlock()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if ok1 && (!ok2 || head1 != head2) {
		fc.errs = append(fc.errs, fmt.Sprintf("%s %s: section changed while served: %q then %v %q", r.Method, r.RequestURI, head1, ok2, head2))
	}
	if nheads > maxKeptHeads {
		fc.errs = append(fc.errs, fmt.Sprintf("%d sections kept", nheads))
	}
	fc.maxKept = max(fc.maxKept, kept)
	fc.got = append(fc.got, oracleReq{r.Method, r.RequestURI, head1})
	fc.ok = append(fc.ok, ok1)
}

// serve writes stream on a new connection and closes its write side; the
// server reads it in the pieces splits gives.
func (h *nameHarness) serve(tb testing.TB, stream, splits []byte, bodyFirst bool) *fuzzConn {
	client, err := net.Dial("tcp", h.raw.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	defer client.Close()
	sc, err := h.raw.Accept()
	if err != nil {
		tb.Fatal(err)
	}
	nc := newNameConn(&splitConn{Conn: sc, splits: splits})
	fc := &fuzzConn{bodyFirst: bodyFirst, closed: make(chan struct{})}
	h.conns.Store(net.Conn(nc), fc)
	if !h.ln.push(nc) {
		tb.Fatal("listener closed")
	}
	go func() {
		client.Write(stream)
		client.(*net.TCPConn).CloseWrite()
	}()
	go io.Copy(io.Discard, client)
	select {
	case <-fc.closed:
	case <-time.After(20 * time.Second):
		tb.Fatalf("connection not done after 20s; stream %q", stream)
	}
	return fc
}

var fuzzSeeds = []string{
	"GET /a HTTP/1.1\r\nHost: h\r\nx-One: 1\r\n\r\nPOST /b HTTP/1.1\r\nhost: h\r\nContent-Length: 11\r\n\r\nhello\r\n\r\nxxGET /a HTTP/1.1\r\nHost: h\r\nX-ONE: 1\r\n\r\n",
	"POST /c HTTP/1.1\r\nHost: h\r\ntransfer-encoding: Chunked\r\n\r\n3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT-A: 1\r\nT-B: 2\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\nt-a: 3\r\n\r\n",
	"POST /d HTTP/1.1\nHost: h\nContent-Length: 0\n\nPOST /e HTTP/1.1\r\nHost: h\r\nContent-Length:  4 \r\nContent-Length: 4\r\n\r\n\r\n\r\nGET /e HTTP/1.1\r\nHost: h\r\n\r\n",
	"POST /f HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\nLast: z\r\n\r\n",
	"POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabcGET /y HTTP/1.1\r\nHost: h\r\nuPgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\nGET /z HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /a HTTP/1.1\r\nHost: h\r\nBad Name: 1\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
	"POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 ;x\r\nGET /b HTTP/1.1\r\nHost: h\r\nX-B: 1\r\n\r\n",
	"POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET /a HTTP/1.1\r\nHost: h\r\nPragma: no-cache\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n",
}

func FuzzNameConn(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), []byte{byte(i), 3, 200, 1}, i%2 == 0)
	}
	h := newNameHarness(f)
	f.Fuzz(func(t *testing.T, stream, splits []byte, bodyFirst bool) {
		if len(stream) > 64<<10 {
			return
		}
		checkNameFuzz(t, h, stream, splits, bodyFirst, false)
	})
}

// validStream writes n well-formed pipelined requests: names in random
// spellings (some twice), CRLF or bare LF, HTTP/1.0 keep-alive, obsolete
// line folding, Content-Length and chunked bodies with extensions and
// trailers, Expect: 100-continue, Pragma, an h2c upgrade the server does
// not take, the same method and target several times.
func validStream(rng *rand.Rand, n int) []byte {
	names := []string{"x-api-key", "X-Custom", "content-type", "Accept", "x-AMZ-date", "Cookie", "tEsT-HEADeR"}
	spell := func(s string) string {
		b := []byte(s)
		for i, c := range b {
			if rng.IntN(3) == 0 {
				if 'a' <= c && c <= 'z' {
					b[i] = c - 32
				} else if 'A' <= c && c <= 'Z' {
					b[i] = c + 32
				}
			}
		}
		return string(b)
	}
	var s strings.Builder
	for i := range n {
		eol := "\r\n"
		if rng.IntN(5) == 0 {
			eol = "\n"
		}
		method := []string{"GET", "POST", "PUT"}[rng.IntN(3)]
		target := fmt.Sprintf("/p/%d", rng.IntN(3))
		http10 := rng.IntN(6) == 0
		proto := "HTTP/1.1"
		if http10 {
			proto = "HTTP/1.0"
		}
		fmt.Fprintf(&s, "%s %s %s%s%s: h%s", method, target, proto, eol, spell("Host"), eol)
		if http10 {
			s.WriteString("Connection: keep-alive" + eol)
		}
		for range rng.IntN(5) {
			name := spell(names[rng.IntN(len(names))])
			fmt.Fprintf(&s, "%s: v%d%s", name, i, eol)
			if rng.IntN(6) == 0 {
				s.WriteString(" folded" + eol)
			}
		}
		if rng.IntN(8) == 0 {
			s.WriteString(spell("Pragma") + ": no-cache" + eol)
		}
		if rng.IntN(10) == 0 {
			s.WriteString("Upgrade: h2c" + eol + "Connection: Upgrade, HTTP2-Settings" + eol + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA" + eol)
		}
		body := strings.Repeat("b\r\n\r\nGET / HTTP/1.1\r\n", rng.IntN(3))
		switch k := rng.IntN(4); {
		case k == 0 && !http10:
			if rng.IntN(2) == 0 {
				s.WriteString(spell("Expect") + ": 100-continue" + eol)
			}
			s.WriteString(spell("Transfer-Encoding") + ": chunked" + eol + eol)
			for len(body) > 0 {
				c := 1 + rng.IntN(len(body))
				fmt.Fprintf(&s, "%x", c)
				if rng.IntN(3) == 0 {
					s.WriteString(";ext=1")
				}
				s.WriteString("\r\n" + body[:c] + "\r\n")
				body = body[c:]
			}
			s.WriteString("0\r\n")
			if rng.IntN(2) == 0 {
				s.WriteString(spell("x-trailer") + ": t\r\n")
			}
			s.WriteString("\r\n")
		case k == 1 || k == 2:
			if len(body) > 0 && !http10 && rng.IntN(2) == 0 {
				s.WriteString(spell("Expect") + ": 100-continue" + eol)
			}
			fmt.Fprintf(&s, "%s: %d%s%s%s", spell("Content-Length"), len(body), eol, eol, body)
		default:
			s.WriteString(eol)
		}
	}
	return []byte(s.String())
}

func FuzzNameConnValid(f *testing.F) {
	for i := range uint64(8) {
		f.Add(i, []byte{byte(i), 30, 200, 1}, i%2 == 0)
	}
	h := newNameHarness(f)
	f.Fuzz(func(t *testing.T, seed uint64, splits []byte, bodyFirst bool) {
		stream := validStream(rand.New(rand.NewPCG(seed, 7)), 12)
		if n := checkNameFuzz(t, h, stream, splits, bodyFirst, true); n != 12 {
			t.Fatalf("the server served %d requests, want 12: %q", n, stream)
		}
	})
}
