package redisstate

import (
	"bufio"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The store's own Redis client: the few commands it sends (EVALSHA,
// EVAL, SCRIPT LOAD, GET, SET, PING, AUTH, SELECT) in the Redis
// serialization protocol, version 2, which every Redis with scripting
// (2.6 and later) speaks. A general client (go-redis: 17 packages,
// ~1 MB of the binary) was linked into every cfnrun command and
// initialised at each start, for the one flag that uses it.

// errNil is a nil reply: GET of a key that does not exist.
var errNil = errors.New("redis: nil")

// replyError is an error reply from Redis ("NOSCRIPT No matching
// script...", "WRONGTYPE ..."). The connection stays usable.
type replyError string

func (e replyError) Error() string { return "redis: " + string(e) }

// hasPrefix reports whether err is an error reply starting with p.
func hasPrefix(err error, p string) bool {
	var re replyError
	return errors.As(err, &re) && strings.HasPrefix(string(re), p)
}

// reply is one answer: an integer (n), a simple or bulk string (str),
// an array (arr), or an error reply (err, a replyError; errNil for a
// nil bulk string or array).
type reply struct {
	n   int64
	str string
	arr []reply
	err error
}

// command is one command's arguments, each already written as a bulk
// string ("$3\r\nGET\r\n").
type command struct {
	n   int
	buf []byte
	// tail is written after buf: arguments shared with another command
	// (a script's, sent by hash and, if Redis lacks it, whole).
	tail []byte
}

func (c *command) str(s string) *command {
	c.n++
	c.buf = append(c.buf, '$')
	c.buf = strconv.AppendInt(c.buf, int64(len(s)), 10)
	c.buf = append(c.buf, "\r\n"...)
	c.buf = append(c.buf, s...)
	c.buf = append(c.buf, "\r\n"...)
	return c
}

func (c *command) bytes(b []byte) *command {
	c.n++
	c.buf = append(c.buf, '$')
	c.buf = strconv.AppendInt(c.buf, int64(len(b)), 10)
	c.buf = append(c.buf, "\r\n"...)
	c.buf = append(c.buf, b...)
	c.buf = append(c.buf, "\r\n"...)
	return c
}

func (c *command) num(v int64) *command {
	var d [20]byte
	return c.bytes(strconv.AppendInt(d[:0], v, 10))
}

// args ends the command with arguments another command wrote (n of them
// in buf), not copied: no argument may be added after them.
func (c *command) args(n int, buf []byte) *command {
	c.n += n
	c.tail = buf
	return c
}

func cmd(args ...string) *command {
	c := &command{}
	for _, a := range args {
		c.str(a)
	}
	return c
}

// options are what a redis:// URL says.
type options struct {
	addr           string
	tls            *tls.Config
	user, password string
	db             int
}

// parseURL reads redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], or
// rediss:// for TLS. The port defaults to 6379, the host to localhost.
func parseURL(s string) (options, error) {
	u, err := url.Parse(s)
	if err != nil {
		return options{}, fmt.Errorf("redis URL: %v", err)
	}
	var o options
	switch u.Scheme {
	case "redis":
	case "rediss":
		o.tls = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	default:
		return options{}, fmt.Errorf("redis URL %q: want redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss:// (TLS)", s)
	}
	if u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" {
		return options{}, fmt.Errorf("redis URL %q: want redis://[:PASSWORD@]HOST[:PORT][/DB], nothing after the database number", s)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	o.addr = net.JoinHostPort(host, port)
	if u.User != nil {
		var ok bool
		o.user = u.User.Username()
		if o.password, ok = u.User.Password(); !ok || o.password == "" {
			return options{}, fmt.Errorf("redis URL %q: a user without a password; write redis://:PASSWORD@HOST for a password alone", s)
		}
	}
	if p := strings.TrimPrefix(u.Path, "/"); p != "" {
		o.db, err = strconv.Atoi(p)
		if err != nil || o.db < 0 {
			return options{}, fmt.Errorf("redis URL %q: the database %q is not a number", s, p)
		}
	}
	return o, nil
}

// client sends commands over a pool of connections. A connection is
// used by one caller at a time; an I/O error closes it (an error reply
// does not).
type client struct {
	o       options
	timeout time.Duration // dial, and each round trip without a context deadline
	// slots bounds the connections open at once; a caller waits for one
	// until its deadline.
	slots chan struct{}
	mu    sync.Mutex
	idle  []*conn
	done  bool
}

type conn struct {
	nc net.Conn
	r  *bufio.Reader
	w  *bufio.Writer
}

func newClient(o options, timeout time.Duration) *client {
	// As many connections as go-redis opened by default: 10 per CPU.
	return &client{o: o, timeout: timeout, slots: make(chan struct{}, 10*runtime.GOMAXPROCS(0))}
}

var errClosed = errors.New("redis: client closed")

// close closes the idle connections; those in use close when they are
// put back.
func (c *client) close() error {
	c.mu.Lock()
	idle := c.idle
	c.idle, c.done = nil, true
	c.mu.Unlock()
	for _, cn := range idle {
		cn.nc.Close()
	}
	return nil
}

// deadline is ctx's, or the client's timeout from now.
func (c *client) deadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(c.timeout)
}

// get returns a connection: an idle one still open, or a new one.
func (c *client) get(ctx context.Context, deadline time.Time) (*conn, error) {
	select {
	case c.slots <- struct{}{}:
	default:
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		select {
		case c.slots <- struct{}{}:
		case <-t.C:
			return nil, errors.New("redis: no connection free within the timeout")
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	for {
		c.mu.Lock()
		if c.done {
			c.mu.Unlock()
			<-c.slots
			return nil, errClosed
		}
		var cn *conn
		if n := len(c.idle); n > 0 {
			cn = c.idle[n-1]
			c.idle[n-1] = nil
			c.idle = c.idle[:n-1]
		}
		c.mu.Unlock()
		if cn == nil {
			break
		}
		// Redis closes connections (restarts, timeout, CLIENT KILL):
		// one it closed while idle is dropped here rather than fail
		// the command sent on it.
		if alive(cn.nc) {
			return cn, nil
		}
		cn.nc.Close()
	}
	cn, err := c.dial(ctx, deadline)
	if err != nil {
		<-c.slots
		return nil, err
	}
	return cn, nil
}

// put returns cn to the pool, or closes it after an I/O error.
func (c *client) put(cn *conn, broken bool) {
	c.mu.Lock()
	if broken || c.done {
		c.mu.Unlock()
		cn.nc.Close()
	} else {
		c.idle = append(c.idle, cn)
		c.mu.Unlock()
	}
	<-c.slots
}

func (c *client) dial(ctx context.Context, deadline time.Time) (*conn, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	d := net.Dialer{Timeout: c.timeout}
	nc, err := d.DialContext(ctx, "tcp", c.o.addr)
	if err != nil {
		return nil, err
	}
	if c.o.tls != nil {
		tc := tls.Client(nc, c.o.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	cn := &conn{nc: nc, r: bufio.NewReaderSize(nc, 4096), w: bufio.NewWriterSize(nc, 4096)}
	var hello []*command
	if c.o.password != "" {
		if c.o.user != "" {
			hello = append(hello, cmd("AUTH", c.o.user, c.o.password))
		} else {
			hello = append(hello, cmd("AUTH", c.o.password))
		}
	}
	if c.o.db != 0 {
		hello = append(hello, cmd("SELECT", strconv.Itoa(c.o.db)))
	}
	if len(hello) > 0 {
		rs, err := cn.roundTrip(deadline, hello)
		if err == nil {
			for _, r := range rs {
				if r.err != nil {
					err = r.err
					break
				}
			}
		}
		if err != nil {
			nc.Close()
			return nil, err
		}
	}
	return cn, nil
}

// do sends one command and reads its reply.
func (c *client) do(ctx context.Context, cm *command) reply {
	rs, err := c.pipeline(ctx, []*command{cm})
	if err != nil {
		return reply{err: err}
	}
	return rs[0]
}

// pipeline sends the commands in one write and reads their replies, in
// order. An error is a failed round trip: no replies (the commands may
// still have run, and the connection is closed); an error reply is in
// its reply.
func (c *client) pipeline(ctx context.Context, cms []*command) ([]reply, error) {
	deadline := c.deadline(ctx)
	cn, err := c.get(ctx, deadline)
	if err != nil {
		return nil, err
	}
	rs, err := cn.roundTrip(deadline, cms)
	c.put(cn, err != nil)
	return rs, err
}

func (cn *conn) roundTrip(deadline time.Time, cms []*command) ([]reply, error) {
	if err := cn.nc.SetDeadline(deadline); err != nil {
		return nil, err
	}
	for _, cm := range cms {
		cn.w.WriteByte('*')
		var d [20]byte
		cn.w.Write(strconv.AppendInt(d[:0], int64(cm.n), 10))
		cn.w.WriteString("\r\n")
		cn.w.Write(cm.buf)
		cn.w.Write(cm.tail)
	}
	if err := cn.w.Flush(); err != nil {
		return nil, err
	}
	rs := make([]reply, len(cms))
	for i := range rs {
		r, err := readReply(cn.r, 0)
		if err != nil {
			return nil, err
		}
		rs[i] = r
	}
	return rs, nil
}

// Bounds on a reply, against a server that sends garbage.
const (
	maxBulk  = 512 << 20 // Redis's own proto-max-bulk-len
	maxDepth = 16
)

var errProtocol = errors.New("redis: protocol error")

// atoi reads a reply's decimal integer. Up to 18 characters it does
// not allocate (strconv.ParseInt does, for the error that keeps its
// input).
func atoi(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		n, err := strconv.ParseInt(string(b), 10, 64)
		return n, err == nil
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// noEOF is err, with the end of the stream in the middle of a reply
// said as such.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// maxLine bounds a reply's first line: a simple string, an error
// reply (a Lua error quotes the script), a length.
const maxLine = 1 << 20

// readLine reads up to and including '\n'. The slice is valid until the
// next read.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	long := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull && len(long) <= maxLine {
		line, err = r.ReadSlice('\n')
		long = append(long, line...)
	}
	if err == bufio.ErrBufferFull {
		err = errProtocol
	}
	return long, err
}

func readReply(r *bufio.Reader, depth int) (reply, error) {
	line, err := readLine(r)
	if err != nil {
		return reply{}, noEOF(err)
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return reply{}, errProtocol
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return reply{str: string(body)}, nil
	case '-':
		return reply{err: replyError(body)}, nil
	case ':':
		n, ok := atoi(body)
		if !ok {
			return reply{}, errProtocol
		}
		return reply{n: n}, nil
	case '$':
		n, ok := atoi(body)
		if !ok || n < -1 || n > maxBulk {
			return reply{}, errProtocol
		}
		if n == -1 {
			return reply{err: errNil}, nil
		}
		// Memory grows with what arrives, not with what the length
		// claims.
		var b strings.Builder
		b.Grow(int(min(n, 64<<10)))
		if _, err := io.CopyN(&b, r, n); err != nil {
			return reply{}, noEOF(err)
		}
		if end, err := r.ReadSlice('\n'); err != nil || string(end) != "\r\n" {
			return reply{}, errProtocol
		}
		return reply{str: b.String()}, nil
	case '*':
		n, ok := atoi(body)
		if !ok || n < -1 || n > maxBulk || depth >= maxDepth {
			return reply{}, errProtocol
		}
		if n == -1 {
			return reply{err: errNil}, nil
		}
		arr := make([]reply, 0, min(n, 1024))
		for range n {
			e, err := readReply(r, depth+1)
			if err != nil {
				return reply{}, err
			}
			arr = append(arr, e)
		}
		return reply{arr: arr}, nil
	}
	return reply{}, errProtocol
}

// script is a Lua script run by its SHA-1 (EVALSHA), sent whole (EVAL or
// SCRIPT LOAD) when Redis does not have it.
type script struct {
	src  string
	once sync.Once
	sha  string
}

func (s *script) hash() string {
	s.once.Do(func() {
		h := sha1.Sum([]byte(s.src))
		s.sha = hex.EncodeToString(h[:])
	})
	return s.sha
}

// call is EVALSHA (or EVAL, whole) of the script with keys and the
// arguments written in args (n of them).
func (s *script) call(whole bool, keys []string, n int, args []byte) *command {
	c := &command{buf: make([]byte, 0, 64+80*len(keys))}
	if whole {
		c.str("EVAL").str(s.src)
	} else {
		c.str("EVALSHA").str(s.hash())
	}
	c.num(int64(len(keys)))
	for _, k := range keys {
		c.str(k)
	}
	return c.args(n, args)
}

// run runs the script: by hash, and whole if Redis does not have it.
func (s *script) run(ctx context.Context, c *client, keys []string, args *command) reply {
	r := c.do(ctx, s.call(false, keys, args.n, args.buf))
	if hasPrefix(r.err, "NOSCRIPT") {
		r = c.do(ctx, s.call(true, keys, args.n, args.buf))
	}
	return r
}
