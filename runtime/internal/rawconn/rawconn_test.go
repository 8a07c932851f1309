package rawconn

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// pair returns a wrapped server side and a plain client side of a
// loopback TCP connection.
func pair(t *testing.T) (*Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() { c, err := ln.Accept(); ch <- res{c, err} }()
	cl, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	w := Wrap(r.c)
	rc, ok := w.(*Conn)
	if !ok {
		if !supported {
			t.Skip("raw system calls are not used on this platform")
		}
		t.Fatalf("Wrap(TCP) = %T, want *Conn", w)
	}
	t.Cleanup(func() { rc.Close(); cl.Close() })
	return rc, cl
}

func TestWrapOnlyTCP(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if Wrap(a) != a {
		t.Fatal("Wrap changed a non-TCP connection")
	}
}

// Large writes fill the socket, wait for room (EAGAIN, then the poller)
// and arrive whole and in order, both ways.
func TestReadWriteLarge(t *testing.T) {
	rc, cl := pair(t)
	want := make([]byte, 8<<20)
	for i := range want {
		want[i] = byte(i * 7 >> 3)
	}
	for _, dir := range []struct {
		name string
		w    net.Conn
		r    net.Conn
	}{{"raw writes", rc, cl}, {"raw reads", cl, rc}} {
		t.Run(dir.name, func(t *testing.T) {
			errc := make(chan error, 1)
			go func() {
				n, err := dir.w.Write(want)
				if err == nil && n != len(want) {
					err = io.ErrShortWrite
				}
				errc <- err
			}()
			got := make([]byte, len(want))
			buf := make([]byte, 1000) // small reads: many calls
			off := 0
			for off < len(got) {
				n, err := dir.r.Read(buf)
				if err != nil {
					t.Fatalf("read at %d: %v", off, err)
				}
				off += copy(got[off:], buf[:n])
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatal("bytes differ")
			}
		})
	}
}

func TestEOF(t *testing.T) {
	rc, cl := pair(t)
	cl.Write([]byte("hi"))
	cl.Close()
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != "hi" {
		t.Fatalf("ReadAll = %q, %v; want \"hi\", nil", b, err)
	}
	if n, err := rc.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Fatalf("Read after EOF = %d, %v; want 0, EOF", n, err)
	}
	if n, err := rc.Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v; want 0, nil", n, err)
	}
}

// A passed deadline ends a waiting read or write with a timeout that
// callers recognise as net.Conn's.
func TestDeadlines(t *testing.T) {
	rc, _ := pair(t)
	rc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := rc.Read(make([]byte, 10))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past deadline: %v, want a timeout", err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("read error %#v, want a *net.OpError for read", err)
	}
	// The peer never reads: the socket fills and the write waits. A
	// deadline that has passed before the write starts ends it with
	// nothing written, as 2 of 10 runs did at load 20 with -race when the
	// 64 MiB buffer was made after SetWriteDeadline (its pages and the
	// race detector's shadow took longer than the 50 ms). The buffer
	// comes first now, and a longer deadline, on a new connection, if a
	// starved machine still started the write late.
	buf := make([]byte, 64<<20)
	var n int
	for _, d := range []time.Duration{50 * time.Millisecond, time.Second, 10 * time.Second} {
		wc, _ := pair(t)
		wc.SetWriteDeadline(time.Now().Add(d))
		if n, err = wc.Write(buf); n > 0 || !errors.As(err, &ne) || !ne.Timeout() {
			break
		}
	}
	if !errors.As(err, &ne) || !ne.Timeout() || n <= 0 || n >= 64<<20 {
		t.Fatalf("write past deadline: %d, %v; want a partial write and a timeout", n, err)
	}
	if !errors.As(err, &oe) || oe.Op != "write" {
		t.Fatalf("write error %#v, want a *net.OpError for write", err)
	}
}

// Close ends a read that waits, with net.ErrClosed.
func TestCloseWhileReading(t *testing.T) {
	rc, _ := pair(t)
	errc := make(chan error, 1)
	go func() {
		_, err := rc.Read(make([]byte, 10))
		errc <- err
	}()
	// The read may not have started waiting yet; either way it ends.
	rc.Close()
	if err := <-errc; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read on a closed connection: %v, want net.ErrClosed", err)
	}
	if _, err := rc.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write on a closed connection: %v, want net.ErrClosed", err)
	}
}

// CloseWrite (used to linger before closing) is the TCP connection's.
func TestCloseWrite(t *testing.T) {
	rc, cl := pair(t)
	rc.Write([]byte("bye"))
	if err := rc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(cl)
	if err != nil || string(b) != "bye" {
		t.Fatalf("peer read %q, %v; want \"bye\" then EOF", b, err)
	}
}

func TestNoAllocations(t *testing.T) {
	rc, cl := pair(t)
	msg := []byte("0123456789")
	buf := make([]byte, 64)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := rc.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(cl, buf[:len(msg)]); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(rc, buf[:len(msg)]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per write and read, want 0", allocs)
	}
}

// TryWrite takes what the socket has room for and returns at once when
// it is full, also after a write deadline has passed; what it wrote
// arrives in order.
func TestTryWrite(t *testing.T) {
	rc, cl := pair(t)
	rc.SetWriteDeadline(time.Now().Add(-time.Second)) // passed: Write would fail, TryWrite ignores it
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	var sent []byte
	full := false
	for i := 0; i < 4096 && !full; i++ {
		start := time.Now()
		n, err := rc.TryWrite(chunk)
		if err != nil {
			t.Fatalf("TryWrite: %v", err)
		}
		// A wait for the peer would last forever (it reads nothing
		// until the end); a starved machine may take long for one call.
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("TryWrite waited %v", d)
		}
		sent = append(sent, chunk[:n]...)
		full = n < len(chunk)
	}
	if !full {
		t.Fatal("the socket never filled")
	}
	got := make([]byte, len(sent))
	cl.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(cl, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent) {
		t.Fatal("the bytes TryWrite reported do not match what arrived")
	}
}

// SendRoom says yes while the peer reads and no once the socket is full.
func TestSendRoom(t *testing.T) {
	rc, _ := pair(t)
	if !rc.SendRoom(16 << 10) {
		t.Fatal("no room in an empty socket")
	}
	chunk := make([]byte, 64<<10)
	for i := 0; i < 4096; i++ {
		if n, err := rc.TryWrite(chunk); err != nil || n < len(chunk) {
			break
		}
	}
	if rc.SendRoom(16 << 10) {
		t.Fatal("room in a full socket")
	}
}
