package h2

import (
	"errors"
	"sync"
)

var errReadOnClosed = errors.New("h2: read on closed body")

// recvBuf holds the DATA a peer sent on one stream until its reader takes
// it: a request body on the server, a response body on the client. The
// stream's flow-control window bounds it. Both sides share this type; they
// differ only in how they wait and how they return window.
type recvBuf struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    []byte // unread data is buf[off:]
	off    int
	err    error // io.EOF or a reset
	closed bool  // the reader closed or finished: drop data
	credit int64 // bytes read since the last stream WINDOW_UPDATE
	// pooled is the recvBufs (or smallRecvBufs) entry buf came from
	// (drop gives it back).
	pooled *[]byte
	// small: the body is known to fit smallRecvBufSize (a response's
	// Content-Length).
	small bool
}

func (b *recvBuf) init() { b.cond.L = &b.mu }

// recvBufs holds the buffers of bodies that fit in recvBufSize: most
// response bodies of a proxied request, taken with the first DATA and
// given back when the reader closes the body (drop). A larger body grows
// its own.
const recvBufSize = 4 << 10

var recvBufs = sync.Pool{New: func() any { b := make([]byte, 0, recvBufSize); return &b }}

// smallRecvBufs are for bodies known to be small: a thousand proxied
// requests in flight held 4 KiB each for answers of a few dozen bytes.
const smallRecvBufSize = 512

var smallRecvBufs = sync.Pool{New: func() any { b := make([]byte, 0, smallRecvBufSize); return &b }}

// write appends data; false when the reader no longer reads it.
func (b *recvBuf) write(p []byte) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.err != nil {
		return false
	}
	if b.buf == nil && b.pooled == nil {
		if b.small && len(p) <= smallRecvBufSize {
			b.pooled = smallRecvBufs.Get().(*[]byte)
			b.buf = *b.pooled
		} else if len(p) <= recvBufSize {
			b.pooled = recvBufs.Get().(*[]byte)
			b.buf = *b.pooled
		}
	}
	if b.off == len(b.buf) {
		b.buf, b.off = b.buf[:0], 0
	} else if b.off > cap(b.buf)/2 {
		n := copy(b.buf, b.buf[b.off:])
		b.buf, b.off = b.buf[:n], 0
	}
	b.buf = append(b.buf, p...)
	b.cond.Signal()
	return true
}

func (b *recvBuf) closeWithError(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.cond.Broadcast()
	b.mu.Unlock()
}

// emptyLocked reports whether a reader must wait. b.mu is held.
func (b *recvBuf) emptyLocked() bool {
	return len(b.buf) == b.off && b.err == nil && !b.closed
}

// takeLocked copies buffered data into p after the wait, and unlocks b.mu.
// credit is the stream window to return now: the bytes read since the
// last return, once they reach batch.
func (b *recvBuf) takeLocked(p []byte, batch int64) (n int, credit int64, err error) {
	if b.closed {
		b.mu.Unlock()
		return 0, 0, errReadOnClosed
	}
	if len(b.buf) == b.off {
		err := b.err
		b.mu.Unlock()
		return 0, 0, err
	}
	n = copy(p, b.buf[b.off:])
	b.off += n
	b.credit += int64(n)
	if b.credit >= batch {
		credit, b.credit = b.credit, 0
	}
	b.mu.Unlock()
	return n, credit, nil
}

// drop marks the buffer closed and discards what is unread. It returns
// the number of bytes dropped (window to give back), whether it was
// already closed, and whether the stream had ended cleanly (io.EOF).
func (b *recvBuf) drop() (dropped int64, wasClosed bool, sawErr error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, true, b.err
	}
	b.closed = true
	dropped = int64(len(b.buf) - b.off)
	if p := b.pooled; p != nil {
		b.pooled = nil
		switch cap(b.buf) {
		case recvBufSize:
			*p = b.buf[:0]
			recvBufs.Put(p)
		case smallRecvBufSize:
			*p = b.buf[:0]
			smallRecvBufs.Put(p)
		}
	}
	b.buf, b.off = nil, 0
	b.cond.Broadcast()
	return dropped, false, b.err
}
