package h2

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"

	"github.com/cfnrun/cfnrun/runtime/internal/rawconn"
)

// The connection's I/O. Frames are written straight into one pooled
// buffer (no copy through a Framer's own buffer), and every write to the
// socket carries a deadline of WriteStallTimeout, so a client that stops
// reading its socket cannot pin the connection, its handlers and their
// backend streams: the write fails, the connection closes, and every
// stream's context is canceled. Idle connections hand their read and
// write buffers back to pools, so an idle connection holds a few KiB.

const (
	// writeBufSize is the most a batch of frames buffers before it is
	// written; a batch starts in a buffer of smallWriteBufSize and
	// moves to a large one only when it outgrows it (writeBuf.reserve).
	writeBufSize      = 64 << 10
	smallWriteBufSize = 4 << 10
	// readBufSize batches the reads of requests; a DATA frame larger
	// than the buffer is read straight into the frame reader's own.
	readBufSize = 8 << 10
	// maxWriteFrame is the largest frame payload written, whatever the
	// client's SETTINGS_MAX_FRAME_SIZE: larger frames save nothing
	// measurable and would need larger buffers.
	maxWriteFrame = 16 << 10
)

// writeBufs holds the write buffers of connections between flushes (a
// connection takes one for each batch of frames). Unlike a sync.Pool it
// is not emptied by every collection: at a hundred thousand responses a
// second, the pool's buffers, 64 KiB each, were dropped and made again
// after each cycle, which raised the peak RSS by half. Most batches (a few answers of a connection) fit in a small buffer:
// with a large one each, 1,000 busy connections held 151 MB of RSS
// against 78 MB with 16 KiB ones (h2load -c 1000 -m 1, HTTP_PROXY).
//
// Each list keeps at most maxFreeBytes of buffers. With many busy
// connections more than a few are out at once — a backend reader's batch
// writes the answers of hundreds of client connections before it flushes
// them — and a list of 32 made every other buffer a new allocation (with
// 1,000 connections, 4 and 8 KiB per request: 82% of the bytes allocated
// and the collections that follow). What a list keeps was in use at
// that moment anyway.
var (
	writeBufs      = freeBufs{size: writeBufSize}
	smallWriteBufs = freeBufs{size: smallWriteBufSize}
)

const maxFreeBytes = 2 << 20

type freeBufs struct {
	size int
	mu   sync.Mutex
	free []*[]byte
	out  int // taken and not given back (for tests)
}

func (f *freeBufs) get() *[]byte {
	f.mu.Lock()
	f.out++
	if n := len(f.free); n > 0 {
		p := f.free[n-1]
		f.free = f.free[:n-1]
		f.mu.Unlock()
		return p
	}
	f.mu.Unlock()
	b := make([]byte, 0, f.size)
	return &b
}

func (f *freeBufs) put(p *[]byte) {
	f.mu.Lock()
	f.out--
	if len(f.free) < maxFreeBytes/f.size {
		f.free = append(f.free, p)
	}
	f.mu.Unlock()
}

var (
	errWriteStalled = errors.New("h2: client stopped reading (socket write timed out)")
	errConnAbusive  = errors.New("h2: connection closed for abuse")
)

// writeBuf buffers frames until a flush. It is guarded by conn.wmu.
type writeBuf struct {
	nc    net.Conn
	stall time.Duration
	b     []byte // nil while released
	ptr   *[]byte
}

// reserve makes room for n more bytes: a batch that outgrows its small
// buffer moves to a large one; a large one that is full is flushed.
func (w *writeBuf) reserve(n int) error {
	if w.b == nil {
		w.ptr = smallWriteBufs.get()
		w.b = (*w.ptr)[:0]
	}
	if len(w.b)+n <= cap(w.b) {
		return nil
	}
	if cap(w.b) < writeBufSize {
		p := writeBufs.get()
		b := append((*p)[:0], w.b...)
		*w.ptr = w.b[:0]
		smallWriteBufs.put(w.ptr)
		w.ptr, w.b = p, b
		if len(w.b)+n <= cap(w.b) {
			return nil
		}
	}
	return w.flush()
}

func (w *writeBuf) flush() error {
	if len(w.b) == 0 {
		return nil
	}
	w.nc.SetWriteDeadline(time.Now().Add(w.stall))
	_, err := w.nc.Write(w.b)
	w.b = w.b[:0]
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		err = errWriteStalled
	}
	return err
}

// release returns an empty buffer to its pool.
func (w *writeBuf) release() {
	if w.b != nil && len(w.b) == 0 {
		*w.ptr = w.b
		if cap(w.b) >= writeBufSize {
			writeBufs.put(w.ptr)
		} else {
			smallWriteBufs.put(w.ptr)
		}
		w.b, w.ptr = nil, nil
	}
}

// frame appends a frame header and payload parts. wmu is held.
func (c *conn) frame(typ http2.FrameType, flags http2.Flags, id uint32, parts ...[]byte) error {
	if c.werr != nil {
		return c.werr
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if err := c.wb.reserve(9 + n); err != nil {
		c.failWrite(err)
		return err
	}
	b := c.wb.b
	b = append(b, byte(n>>16), byte(n>>8), byte(n), byte(typ), byte(flags),
		byte(id>>24&0x7f), byte(id>>16), byte(id>>8), byte(id))
	for _, p := range parts {
		b = append(b, p...)
	}
	c.wb.b = b
	c.dirty = true
	return nil
}

func (c *conn) writeData(id uint32, end bool, p []byte) error {
	var fl http2.Flags
	if end {
		fl = http2.FlagDataEndStream
	}
	return c.frame(http2.FrameData, fl, id, p)
}

func (c *conn) writeHeaders(id uint32, endStream, endHeaders bool, frag []byte) error {
	var fl http2.Flags
	if endStream {
		fl |= http2.FlagHeadersEndStream
	}
	if endHeaders {
		fl |= http2.FlagHeadersEndHeaders
	}
	return c.frame(http2.FrameHeaders, fl, id, frag)
}

func (c *conn) writeContinuation(id uint32, endHeaders bool, frag []byte) error {
	var fl http2.Flags
	if endHeaders {
		fl = http2.FlagContinuationEndHeaders
	}
	return c.frame(http2.FrameContinuation, fl, id, frag)
}

func (c *conn) writeRSTStream(id uint32, code http2.ErrCode) error {
	var p [4]byte
	binary.BigEndian.PutUint32(p[:], uint32(code))
	return c.frame(http2.FrameRSTStream, 0, id, p[:])
}

func (c *conn) writeSettings(settings ...http2.Setting) error {
	var p [6 * 8]byte
	b := p[:0]
	for _, s := range settings {
		b = binary.BigEndian.AppendUint16(b, uint16(s.ID))
		b = binary.BigEndian.AppendUint32(b, s.Val)
	}
	return c.frame(http2.FrameSettings, 0, 0, b)
}

func (c *conn) writeSettingsAck() error {
	return c.frame(http2.FrameSettings, http2.FlagSettingsAck, 0)
}

func (c *conn) writePing(ack bool, data [8]byte) error {
	var fl http2.Flags
	if ack {
		fl = http2.FlagPingAck
	}
	return c.frame(http2.FramePing, fl, 0, data[:])
}

func (c *conn) writeGoAway(maxID uint32, code http2.ErrCode) error {
	var p [8]byte
	binary.BigEndian.PutUint32(p[:4], maxID&(1<<31-1))
	binary.BigEndian.PutUint32(p[4:], uint32(code))
	return c.frame(http2.FrameGoAway, 0, 0, p[:])
}

func (c *conn) writeWindowUpdate(id, inc uint32) error {
	var p [4]byte
	binary.BigEndian.PutUint32(p[:], inc&(1<<31-1))
	return c.frame(http2.FrameWindowUpdate, 0, id, p[:])
}

// writeNow sends what is buffered (wmu held).
func (c *conn) writeNow() {
	if !c.dirty || c.werr != nil {
		return
	}
	c.dirty = false
	if err := c.wb.flush(); err != nil {
		c.failWrite(err)
		return
	}
	// The buffer goes back to the pool between batches: a connection
	// waiting for its client's next request holds none (at thousands
	// of connections, 64 KiB each was most of the gateway's memory).
	c.wb.release()
}

// tryWriteNow sends what is buffered if the socket takes it without
// waiting, and reports whether nothing is left to send (wmu held). What
// the socket did not take stays buffered for a writer that may wait.
func (c *conn) tryWriteNow() bool {
	if !c.dirty || c.werr != nil {
		return true
	}
	tw, ok := c.nc.(interface{ TryWrite([]byte) (int, error) })
	if !ok {
		// TLS: records cannot be written in part, so the write goes
		// ahead only when the socket has room for all of it.
		if tc, isTLS := c.nc.(*tls.Conn); isTLS {
			if sr, ok := tc.NetConn().(interface{ SendRoom(int) bool }); ok && sr.SendRoom(len(c.wb.b)+1<<10) {
				c.writeNow()
				return true
			}
		}
		return false
	}
	b := c.wb.b
	n, err := tw.TryWrite(b)
	if err != nil {
		c.failWrite(err)
		return true
	}
	if n < len(b) {
		c.wb.b = b[:copy(b, b[n:])]
		return false
	}
	c.wb.b = b[:0]
	c.dirty = false
	c.wb.release()
	return true
}

// failWrite records a write error and closes the socket: the reader
// goroutine then ends the connection and cancels every stream (wmu held).
func (c *conn) failWrite(err error) {
	if c.werr != nil {
		return
	}
	c.werr = err
	c.wcond.Broadcast()
	if errors.Is(err, errWriteStalled) {
		c.ab.counts[abuseStall].Add(1)
		if c.ab.tripped.CompareAndSwap(false, true) {
			c.logAbuse(abuseStall, msgStalled)
		}
	}
	c.nc.Close()
}

// connReader is the connection's buffered reader. Its buffer comes from
// a pool and goes back whenever it holds no unread bytes and the reader
// is about to wait: on a connection that can read lazily (ReadLazy, the
// gateway's cleartext connections through rawconn), a read that finds
// the socket empty hands it back before the wait, so a busy connection
// between its client's requests holds no read buffer, as an idle one
// does not. Other connections (TLS) keep it while they are busy.
// While the connection idles (armIdle), the socket's read deadline is
// idleRelease away: when it passes with the reader waiting, the buffer
// goes back to the pool (and onIdle releases the rest), and the reader
// waits for the next byte with none but a one-byte array — until
// idleAt, when the wait fails with a timeout like any read.
type connReader struct {
	nc     net.Conn
	lazy   lazyReader // nc's ReadLazy, or nil
	buf    *[]byte    // nil while released
	r, w   int        // unread bytes: (*buf)[r:w]
	err    error      // a read's error that came with bytes, for the next Read
	onIdle func()
	one    [1]byte
	// at is when the last read that returned bytes ended, in Unix
	// nanoseconds (stream.arrived): one clock read per read system
	// call instead of two per request (the gateway's request time and
	// the Date header); under load a read carries several requests.
	at int64

	armed    bool // idle: the deadline is a release point
	idled    bool // onIdle ran and nothing was read since
	woken    atomic.Bool
	deadline time.Time // the socket's read deadline, as last set
	idleAt   time.Time // when an idle connection is closed
	// parks: the connection can park (park.go); frameStart: the read
	// in progress is the first of a frame, nothing of it read yet.
	parks, frameStart bool
}

// errParkNow is Read's error when an idle connection that can park has
// waited idleRelease at a frame boundary: the reader parks instead of
// waiting on.
var errParkNow = errors.New("h2: park")

type lazyReader interface {
	ReadLazy(rawconn.LazyBuffer) (int, error)
}

func (r *connReader) init(nc net.Conn) {
	r.nc, r.at = nc, time.Now().UnixNano()
	r.lazy, _ = nc.(lazyReader)
}

// readBufs holds the read buffers connections are not using.
var readBufs = freeBufs{size: readBufSize}

// Buf is rawconn.LazyBuffer's: the free part of the buffer, taken from
// the pool when the reader holds none.
func (r *connReader) Buf() []byte {
	if r.buf == nil {
		r.buf = readBufs.get()
		r.r, r.w = 0, 0
	}
	return (*r.buf)[r.w:cap(*r.buf)]
}

// Empty is rawconn.LazyBuffer's: the read found nothing, and the reader
// waits; a buffer without unread bytes goes back meanwhile.
func (r *connReader) Empty() { r.release() }

// idleRelease is how long a connection idles before it hands its buffers
// back.
const idleRelease = time.Second

func (r *connReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.frameStart = r.frameStart && r.r == r.w
	if r.r < r.w {
		n := copy(p, (*r.buf)[r.r:r.w])
		r.r += n
		return n, nil
	}
	if r.err != nil {
		err := r.err
		r.err = nil
		return 0, err
	}
	var n int
	var err error
	if len(p) >= readBufSize {
		// A large read (a DATA frame's payload) goes straight into p.
		r.release()
		n, err = r.nc.Read(p)
		if n > 0 {
			r.stamp()
			return n, err
		}
	} else {
		n, err = r.fill()
		if n > 0 {
			n = copy(p, (*r.buf)[r.r:r.w])
			r.r += n
			return n, nil
		}
	}
	if !isTimeout(err) {
		return 0, err
	}
	if r.woken.Load() {
		r.deadline = time.Unix(1, 0) // set by wake, not by us
		return 0, err
	}
	if !r.armed || !time.Now().Before(r.idleAt) {
		return 0, err
	}
	// Idle for idleRelease: wait for more without the buffer.
	r.armed = false
	r.idled = true
	r.release()
	if r.parks && r.frameStart {
		return 0, errParkNow // the loop releases the rest (releaseIdle)
	}
	if r.onIdle != nil {
		r.onIdle()
	}
	r.setDeadline(r.idleAt)
	n, err = r.nc.Read(r.one[:])
	if n == 0 {
		if r.woken.Load() {
			r.deadline = time.Unix(1, 0)
		}
		return 0, err
	}
	r.stamp()
	p[0] = r.one[0]
	return 1, nil
}

// fill reads once into the buffer, which holds no unread bytes; n is
// what it added. An error that came with bytes waits for the next Read.
func (r *connReader) fill() (int, error) {
	r.r, r.w = 0, 0
	var n int
	var err error
	if r.lazy != nil {
		n, err = r.lazy.ReadLazy(r)
	} else {
		n, err = r.nc.Read(r.Buf())
	}
	if n > 0 {
		r.w += n
		r.err = err
		r.stamp()
		return n, nil
	}
	r.release()
	return 0, err
}

// tryFill is fill without the wait, for a connection that parks when
// the socket holds nothing (again; the buffer went back, Empty). An
// error waits for the next Read.
func (r *connReader) tryFill(p parker) (n int, again bool, err error) {
	if r.err != nil {
		return 0, false, nil
	}
	r.r, r.w = 0, 0
	n, again, err = p.TryReadLazy(r)
	if n > 0 {
		r.w += n
		r.err = err
		r.stamp()
		return n, false, nil
	}
	if again {
		return 0, true, nil
	}
	r.release()
	r.err = err
	return 0, false, err
}

func (r *connReader) stamp() {
	r.at = time.Now().UnixNano()
	r.idled = false
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func (r *connReader) setDeadline(t time.Time) {
	if !t.Equal(r.deadline) {
		r.nc.SetReadDeadline(t)
		r.deadline = t
	}
}

// armIdle sets the deadlines of an idle connection that closes at idleAt
// and hands its buffers back after release.
// To keep deadline changes rare under load (an answered batch leaves the
// connection idle every time), a deadline set less than half a release
// period ago stays.
func (r *connReader) armIdle(now, idleAt time.Time, release time.Duration) {
	r.idleAt = idleAt
	if r.idled {
		r.armed = false
		r.setDeadline(idleAt)
		return
	}
	want := now.Add(release)
	if want.After(idleAt) {
		want = idleAt
	}
	if !r.armed || r.deadline.Sub(want) < -idleRelease/2 || r.deadline.After(want) {
		r.setDeadline(want)
	}
	r.armed = true
}

// wake makes a blocked Read return at once with a timeout (any
// goroutine).
func (r *connReader) wake() {
	r.woken.Store(true)
	r.nc.SetReadDeadline(time.Now())
}

// disarm clears the deadline of a connection that is busy.
func (r *connReader) disarm() {
	r.armed = false
	r.setDeadline(time.Time{})
}

func (r *connReader) buffered() int { return r.w - r.r }

// take returns the next n bytes, counted read, when the buffer holds them
// all (false otherwise, nothing read). They stay valid until the next
// Read.
func (r *connReader) take(n int) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	if r.w-r.r < n {
		return nil, false
	}
	p := (*r.buf)[r.r : r.r+n : r.r+n]
	r.r += n
	return p, true
}

// release returns a buffer without unread bytes to the pool.
func (r *connReader) release() {
	if p := r.buf; p != nil && r.r == r.w {
		r.buf, r.r, r.w = nil, 0, 0
		*p = (*p)[:0]
		readBufs.put(p)
	}
}
