package h2

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
)

// Abusive connections. HTTP/2 lets a client make the server work without
// asking for anything: reset every stream it opens (rapid reset,
// CVE-2023-44487), flood PING, SETTINGS, PRIORITY, WINDOW_UPDATE or empty
// DATA frames (CVE-2019-9512/9515/9518), open streams past the limit, or
// send header blocks that are never accepted (CVE-2024-27316 and
// kin). Each such frame is a "glitch" (HAProxy's word for it); real
// traffic — request DATA received, response HEADERS and DATA sent — earns
// an allowance. A connection whose glitches pass glitchBase plus
// glitchPerUseful per useful frame is sent GOAWAY(ENHANCE_YOUR_CALM) and
// closed, and one line is logged for it, as nginx, HAProxy and Go's server
// do since those CVEs. Its streams are canceled, which cancels their
// backend requests.
//
// A legitimate client stays far below the line: browsers and curl send a
// handful of SETTINGS and PINGs per connection, reset a stream now and then,
// and send WINDOW_UPDATEs in proportion to the data they receive.

type abuseKind int

const (
	abuseReset       abuseKind = iota // the client reset a stream before its answer
	abuseRefused                      // a stream past MaxConcurrentStreams
	abuseControl                      // PING, SETTINGS, PRIORITY, WINDOW_UPDATE, empty DATA, RST_STREAM on a closed stream
	abuseHeaderBlock                  // a header block over the limit (431) or past the block bounds
	abuseStall                        // a stream reset because its client stopped reading or sending
	numAbuseKinds
)

var abuseNames = [numAbuseKinds]string{"resets", "refused", "controlFrames", "oversizeHeaders", "stalls"}

// abuseWeight is how many glitches one event of each kind counts for.
var abuseWeight = [numAbuseKinds]int64{1, 1, 1, 50, 100}

const (
	// glitchBase is the allowance of a connection that has done nothing
	// useful yet: enough for any client's SETTINGS, PINGs and cancels.
	glitchBase = 1000
	// glitchPerUseful is the allowance earned per useful frame.
	glitchPerUseful = 4
)

// abuse counts one connection's glitches and useful frames. The reader
// goroutine and handlers update it.
type abuse struct {
	counts  [numAbuseKinds]atomic.Int64
	score   atomic.Int64
	useful  atomic.Int64
	tripped atomic.Bool
}

// note counts one event and reports whether the connection is now over
// its allowance (true once, for the call that tripped it).
func (a *abuse) note(k abuseKind) bool {
	a.counts[k].Add(1)
	s := a.score.Add(abuseWeight[k])
	if s <= glitchBase || s <= glitchBase+glitchPerUseful*a.useful.Load() {
		return false
	}
	return a.tripped.CompareAndSwap(false, true)
}

// noteAbuse counts an event on the reader goroutine; true means the caller
// must end the connection with errCalm.
func (c *conn) noteAbuse(k abuseKind) bool {
	if c.ab.note(k) {
		c.logAbuse(k, msgAbusive)
		return true
	}
	return c.ab.tripped.Load()
}

// calm counts an event that ends the connection at once whatever the
// allowance (a header block past its bounds), logs it, and returns the
// connection error to end it with.
func (c *conn) calm(k abuseKind) error {
	c.ab.counts[k].Add(1)
	if c.ab.tripped.CompareAndSwap(false, true) {
		c.logAbuse(k, msgAbusive)
	}
	return errCalm
}

// noteAbuseAsync counts an event from a handler goroutine; past the
// allowance it sends GOAWAY(ENHANCE_YOUR_CALM) and closes the connection,
// which ends the reader.
func (c *conn) noteAbuseAsync(k abuseKind) {
	c.wmu.Lock()
	c.noteAbuseAsyncLocked(k)
	c.wmu.Unlock()
}

// noteAbuseAsyncLocked is noteAbuseAsync with wmu held.
func (c *conn) noteAbuseAsyncLocked(k abuseKind) {
	if !c.ab.note(k) {
		return
	}
	c.logAbuse(k, msgAbusive)
	c.mu.Lock()
	maxID := c.maxID
	c.goingAway = true
	c.mu.Unlock()
	c.writeGoAway(maxID, http2.ErrCodeEnhanceYourCalm)
	c.writeNow()
	if c.werr == nil {
		c.werr = errConnAbusive
	}
	c.wcond.Broadcast()
	c.nc.Close()
}

const (
	msgAbusive = "closing abusive HTTP/2 connection with GOAWAY(ENHANCE_YOUR_CALM)"
	msgStalled = "closing HTTP/2 connection: the client stopped reading its socket"
)

// logAbuse writes the one line an abusive connection gets.
func (c *conn) logAbuse(last abuseKind, msg string) {
	log := c.srv.Logger
	if log == nil {
		return
	}
	attrs := make([]slog.Attr, 0, numAbuseKinds+5)
	attrs = append(attrs,
		slog.String("remote", c.remote),
		slog.String("trigger", abuseNames[last]),
		slog.Duration("after", time.Since(c.start).Round(time.Millisecond)),
		slog.Int64("usefulFrames", c.ab.useful.Load()),
	)
	for k := range numAbuseKinds {
		if n := c.ab.counts[k].Load(); n > 0 {
			attrs = append(attrs, slog.Int64(abuseNames[k], n))
		}
	}
	log.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
}
