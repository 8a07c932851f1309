//go:build linux

package rawconn

import (
	"testing"
	"time"
)

type plainBuf struct{ b [64]byte }

func (p *plainBuf) Buf() []byte { return p.b[:] }
func (p *plainBuf) Empty()      {}

// TestArmRead: TryReadLazy finds an empty socket without waiting; an
// armed connection is reported once when bytes come (also bytes that
// came before the arming), and Close tells OnClose.
func TestArmRead(t *testing.T) {
	events := make(chan uint64, 8)
	p, err := newPoller(func(id uint64) { events <- id })
	if err != nil {
		t.Fatal(err)
	}
	c, cl := pair(t)
	defer cl.Close()
	var b plainBuf
	if n, again, err := c.TryReadLazy(&b); n != 0 || !again || err != nil {
		t.Fatalf("TryReadLazy on an empty socket: %d, %v, %v", n, again, err)
	}
	const id = 7<<32 | 3
	if err := c.ArmRead(p, id); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-events:
		t.Fatalf("event %x before any byte", got)
	case <-time.After(50 * time.Millisecond):
	}
	cl.Write([]byte("x"))
	select {
	case got := <-events:
		if got != id {
			t.Fatalf("event for %x, want %x", got, uint64(id))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no event after a byte came")
	}
	// One event per arming: the byte is still unread, and nothing more
	// is reported until the next ArmRead, which reports it at once.
	select {
	case got := <-events:
		t.Fatalf("second event %x without arming again", got)
	case <-time.After(50 * time.Millisecond):
	}
	if err := c.ArmRead(p, id); err != nil {
		t.Fatal(err)
	}
	select {
	case <-events:
	case <-time.After(10 * time.Second):
		t.Fatal("no event when armed over an unread byte")
	}
	if n, again, err := c.TryReadLazy(&b); n != 1 || again || err != nil || b.b[0] != 'x' {
		t.Fatalf("TryReadLazy: %d, %v, %v", n, again, err)
	}
	closed := make(chan struct{}, 2)
	c.OnClose(func() { closed <- struct{}{} })
	c.Close()
	select {
	case <-closed:
	default:
		t.Fatal("Close did not call OnClose's function")
	}
	if err := c.ArmRead(p, id); err == nil {
		t.Error("ArmRead on a closed connection: no error")
	}
}
