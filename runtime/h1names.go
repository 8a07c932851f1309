package runtime

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The header names of HTTP/1.1 requests as the client wrote them.
//
// net/http canonicalizes header names ("x-api-key" becomes "X-Api-Key") and
// keeps no other spelling, but API Gateway passes a function the client's
// (headernames.go). So an HTTP/1.1 connection of a gateway that runs
// functions is a nameConn: as net/http reads it, nameConn follows the
// request framing (header section, then a Content-Length or chunked body,
// RFC 9112 §6) and keeps a copy of each request's header section, in order.
// net/http serves a connection's requests one at a time in the order they
// came, so the request a handler serves is the oldest section kept: each
// one is dropped when its request is done (the server reports the
// connection idle, http.StateIdle). A handler that needs the names takes
// the section and checks it against the request (method, target, and every
// header r.Header has), so a section can only ever be another request's if
// both have the same method, target and names — and then the order decides.
// Anything the follower does not understand (a malformed or unsupported
// framing, a section over the size limit, a connection taken over) turns it
// off for the rest of the connection: handlers then get canonical names.
//
// The cost is one pass over each request's header section and chunk-size
// lines (body bytes are skipped, not read) and a copy of the section; a
// gateway with no Lambda-backed route does not wrap its connections.

// nameConnKey is the context key of a request's nameConn (ConnContext).
type nameConnKey struct{}

// Framing states.
const (
	fsHead      = iota // reading a header section
	fsBody             // skipping left bytes of a Content-Length body
	fsChunkLine        // reading a chunk-size line
	fsChunkData        // skipping left bytes of chunk data
	fsChunkEnd         // reading the CRLF after chunk data
	fsTrailer          // reading the trailer section
	fsOff              // lost: no more sections
)

// Bounds: a section, a chunk line and the number of sections kept.
const (
	maxKeptHead  = 1<<20 + 4096 // net/http's default MaxHeaderBytes, plus its slack
	maxChunkLine = 4096         // as net/http's chunked reader
	// maxKeptHeads bounds the sections kept: net/http reads at most its
	// 4 KiB buffer ahead of the request it serves, so pipelined requests
	// (18 bytes at least) never keep more than ~230; more means the
	// connection is no longer net/http's (taken over).
	maxKeptHeads  = 512
	keptHeadReuse = 4096 // section buffers up to this size are reused
)

type nameConn struct {
	net.Conn
	// tls is the state of the TLS connection wrapped, nil for cleartext:
	// net/http sets r.TLS only for a *tls.Conn, so namesHandler does.
	tls *tls.ConnectionState

	mu    sync.Mutex
	state int
	left  int64 // fsBody, fsChunkData: bytes to skip
	// cur is the section being read (request line included); line is
	// where its unscanned line starts. In the chunk and trailer states,
	// cur holds the line being read.
	cur  []byte
	line int
	// Framing read from cur's fields.
	length          int64
	chunked, http10 bool
	lengthSeen      bool
	// heads are the sections of requests not done yet, oldest first.
	heads [][]byte
	spare [][]byte
}

func newNameConn(c net.Conn) *nameConn { return &nameConn{Conn: c} }

// keepsNames reports whether new HTTP/1.1 connections keep their requests'
// header names: when the served version runs functions or has a mapping
// template that lists them (version.keepNames).
func (g *Gateway) keepsNames() bool {
	v := g.cur.Load()
	return v != nil && v.keepNames
}

// needsNames reports whether a version needs its requests' header names as
// written: it runs functions (events, authorizers), or a mapping template
// may list the names ($input.params(), whose header map has them; a lookup
// by name ignores case and needs no spelling).
func needsNames(t *model.Template, ls *lambdaSet) bool {
	if ls != nil && (len(ls.fns) > 0 || len(ls.remote) > 0) {
		return true
	}
	lists := func(tpls map[string]string) bool {
		for _, src := range tpls {
			if strings.Contains(src, "params()") {
				return true
			}
		}
		return false
	}
	for _, api := range t.APIs {
		for _, res := range api.Resources {
			for _, m := range res.Methods {
				in := m.Integration
				if in == nil {
					continue
				}
				if lists(in.RequestTemplates) {
					return true
				}
				for _, r := range in.Responses {
					if lists(r.ResponseTemplates) {
						return true
					}
				}
			}
		}
	}
	return false
}

// nameConnContext is the ConnContext of the server of nameConns.
func nameConnContext(ctx context.Context, c net.Conn) context.Context {
	if nc, ok := c.(*nameConn); ok {
		return context.WithValue(ctx, nameConnKey{}, nc)
	}
	return ctx
}

// namesHandler serves the requests of nameConns: it sets r.TLS, which
// net/http leaves nil for a connection that is not a *tls.Conn.
type namesHandler struct{ h http.Handler }

func (h namesHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.TLS == nil {
		if nc, ok := r.Context().Value(nameConnKey{}).(*nameConn); ok && nc.tls != nil {
			r.TLS = nc.tls
		}
	}
	h.h.ServeHTTP(w, r)
}

func (c *nameConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.state != fsOff {
			c.follow(p[:n])
		}
		c.mu.Unlock()
	}
	return n, err
}

// off stops following the connection.
func (c *nameConn) off() {
	c.state = fsOff
	c.cur, c.heads, c.spare = nil, nil, nil
}

// follow runs the framing over p, bytes the server just read (c.mu held).
func (c *nameConn) follow(p []byte) {
	for len(p) > 0 && c.state != fsOff {
		switch c.state {
		case fsHead:
			if len(c.cur) == 0 {
				// Empty lines before a request line are skipped, as
				// net/http skips them.
				i := 0
				for i < len(p) && (p[i] == '\r' || p[i] == '\n') {
					i++
				}
				if p = p[i:]; len(p) == 0 {
					return
				}
			}
			p = c.headBytes(p)
		case fsBody, fsChunkData:
			k := min(int64(len(p)), c.left)
			p = p[k:]
			if c.left -= k; c.left == 0 {
				if c.state == fsBody {
					c.state = fsHead
				} else {
					c.state = fsChunkEnd
				}
			}
		case fsChunkLine, fsChunkEnd, fsTrailer:
			var line []byte
			var ok bool
			if line, p, ok = c.lineBytes(p); ok {
				c.chunkLine(line)
			}
		}
	}
}

// headBytes takes the bytes of the header section being read from p and
// returns what follows it.
func (c *nameConn) headBytes(p []byte) []byte {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.cur = append(c.cur, p...)
			if len(c.cur) > maxKeptHead {
				c.off()
			}
			return nil
		}
		c.cur = append(c.cur, p[:i+1]...)
		p = p[i+1:]
		line := bytes.TrimSuffix(c.cur[c.line:len(c.cur)-1], []byte{'\r'})
		first := c.line == 0
		c.line = len(c.cur)
		switch {
		case len(c.cur) > maxKeptHead:
			c.off()
			return nil
		case first:
			c.http10 = bytes.HasSuffix(line, []byte(" HTTP/1.0"))
		case len(line) == 0:
			c.endHead()
			return p
		default:
			c.field(line)
			if c.state == fsOff {
				return nil
			}
		}
	}
	return nil
}

// field reads the framing fields of a header line.
func (c *nameConn) field(line []byte) {
	name, value, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return
	}
	value = bytes.TrimSpace(value)
	switch {
	case len(name) == len("Content-Length") && strings.EqualFold(string(name), "Content-Length"):
		n, ok := parseDecimal(value)
		if !ok || c.lengthSeen && n != c.length {
			c.off() // net/http refuses the request and closes
			return
		}
		c.length, c.lengthSeen = n, true
	case len(name) == len("Transfer-Encoding") && strings.EqualFold(string(name), "Transfer-Encoding"):
		if c.http10 {
			return // ignored on HTTP/1.0, as net/http does
		}
		if c.chunked || !strings.EqualFold(string(value), "chunked") {
			c.off() // net/http refuses the request and closes
			return
		}
		c.chunked = true
	}
}

// endHead keeps the section just read and starts on its body.
func (c *nameConn) endHead() {
	if len(c.heads) == maxKeptHeads {
		c.off() // nobody takes them: the connection was taken over
		return
	}
	c.heads = append(c.heads, c.cur)
	c.cur = nil
	if n := len(c.spare); n > 0 {
		c.cur, c.spare = c.spare[n-1][:0], c.spare[:n-1]
	}
	c.line = 0
	switch {
	case c.chunked:
		c.state = fsChunkLine
	case c.length > 0:
		c.state, c.left = fsBody, c.length
	default:
		c.state = fsHead
	}
	c.length, c.lengthSeen, c.chunked, c.http10 = 0, false, false, false
}

// lineBytes reads a line (chunk size, CRLF after data, trailer field) into
// c.cur; ok when it is complete (it is then returned without its CRLF and
// c.cur is reset).
func (c *nameConn) lineBytes(p []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		c.cur = append(c.cur, p...)
		if len(c.cur) > maxChunkLine {
			c.off()
		}
		return nil, nil, false
	}
	c.cur = append(c.cur, p[:i+1]...)
	if len(c.cur) > maxChunkLine {
		c.off()
		return nil, nil, false
	}
	line = bytes.TrimSuffix(c.cur[:len(c.cur)-1], []byte{'\r'})
	c.cur = c.cur[:0]
	return line, p[i+1:], true
}

// chunkLine handles a complete line of a chunked body.
func (c *nameConn) chunkLine(line []byte) {
	switch c.state {
	case fsChunkLine:
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, ok := parseHex(bytes.TrimSpace(line))
		switch {
		case !ok:
			c.off()
		case n == 0:
			c.state = fsTrailer
		default:
			c.state, c.left = fsChunkData, n
		}
	case fsChunkEnd:
		if len(line) != 0 {
			c.off()
			return
		}
		c.state = fsChunkLine
	case fsTrailer:
		if len(line) == 0 {
			c.state = fsHead
		}
	}
}

func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int64(ch-'0')
	}
	return n, true
}

func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, ch := range b {
		switch {
		case '0' <= ch && ch <= '9':
			ch -= '0'
		case 'a' <= ch && ch <= 'f':
			ch -= 'a' - 10
		case 'A' <= ch && ch <= 'F':
			ch -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | int64(ch)
	}
	return n, true
}

// done drops the section of the request just served (http.StateIdle: the
// server is done with it and reads the next one).
func (c *nameConn) done() {
	c.mu.Lock()
	if len(c.heads) > 0 {
		h := c.heads[0]
		copy(c.heads, c.heads[1:])
		c.heads[len(c.heads)-1] = nil
		c.heads = c.heads[:len(c.heads)-1]
		if cap(h) <= keptHeadReuse && len(c.spare) < 2 {
			c.spare = append(c.spare, h[:0])
		}
	}
	c.mu.Unlock()
}

// head returns the header section (the lines after the request line) of
// r, the request being served on c, if it is known and matches r.
func (c *nameConn) head(r *http.Request) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.heads) == 0 {
		return "", false
	}
	h := c.heads[0]
	reqLine, rest, _ := bytes.Cut(h, []byte{'\n'})
	reqLine = bytes.TrimSuffix(reqLine, []byte{'\r'})
	if !matchesRequestLine(reqLine, r) {
		c.off() // out of step with the server: never guess
		return "", false
	}
	head := string(rest)
	for k := range r.Header {
		if !hasName(head, k) && !(k == "Cache-Control" && r.Header["Pragma"] != nil) {
			// net/http adds Cache-Control for Pragma: no-cache; any
			// other key must be one of the section's.
			c.off()
			return "", false
		}
	}
	return head, true
}

// matchesRequestLine reports whether the request line is r's.
func matchesRequestLine(line []byte, r *http.Request) bool {
	m, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok || string(m) != r.Method {
		return false
	}
	target, _, _ := bytes.Cut(rest, []byte{' '})
	return string(target) == r.RequestURI
}

// hasName reports whether the header section has a field named k (in any
// case).
func hasName(head, k string) bool {
	for len(head) > 0 {
		line := head
		if i := strings.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = ""
		}
		if len(line) > len(k) && line[len(k)] == ':' && strings.EqualFold(line[:len(k)], k) {
			return true
		}
	}
	return false
}
