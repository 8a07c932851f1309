package lambda

import (
	"bytes"
	"slices"
	"sync"
	"time"
)

// Recalling events ahead.
//
// An event handed ahead (fn.aheadLocked) waits in the runtime until the
// invocation it runs is answered. When that invocation turns slow after
// the events were handed (it started quick, within aheadMax), they would
// wait for it, where another instance could run them. The Runtime API
// has no way to take an event back, and cfnrun cannot ask the runtime,
// which is busy with the slow handler (python's loop is single-threaded,
// a CPU-bound node handler blocks its event loop). So the two sides agree
// in advance, on a clock they share (CLOCK_MONOTONIC is system-wide):
//
//   - each event ahead carries a start-by instant (hdrStartBy): handed
//     at t, it must start by t + recallAfter;
//   - the runtime, before it starts an event ahead (after the write of its
//     answer to the invocation before has returned), reads its clock: if
//     the instant has passed, it does not start the event but hands it
//     back, asking for another in its place (hdrHandback);
//   - cfnrun, once the instant has passed (recall, on a timer), takes the
//     event back if nothing the runtime wrote since it began the
//     invocation it runs has reached cfnrun: the private socket holds
//     nothing unread and its reader has handled all it read (pending),
//     and the output pipe holds nothing unread nor anything that could be
//     an answer frame or a mark. The event then runs elsewhere, first in
//     the queue.
//
// No event runs twice: the runtime's answer and cfnrun's look at the
// socket and the pipe are ordered by the clock. If the runtime started
// the event, its answer's write returned before the instant (its clock
// read came after it), and a write to a Unix socket or a pipe has put
// the bytes in cfnrun's receive queue when it returns: cfnrun, looking
// after the instant, sees them and does not take the event back. If
// cfnrun took it back, it saw no answer after the instant, so the answer
// is written later and the runtime's clock reads later still: it hands
// the event back. A runtime may hand back an event cfnrun did not take
// back (its clock read came after the instant, its write before): cfnrun
// takes it back then (handback), even if it had read the answer before it
// and begun the event (promote: its START is logged; the next event
// ahead, if any, is begun in its place). A handback names the event's
// start-by instant, so a stale one (of an event cfnrun took back and has
// since handed to the same instance again) changes nothing.
//
// recallAfter is longer than aheadMax: an event is handed ahead only
// while the invocation runs its first aheadMax, so an event taken back is
// not handed to the same slow instance again.
const recallAfter = 50 * time.Millisecond

// monoClock pairs a CLOCK_MONOTONIC reading with a time.Time read after
// it, to turn time.Now readings into CLOCK_MONOTONIC ones without a
// system call (Go's monotonic clock is CLOCK_MONOTONIC on Linux; the
// pair's offset errs early by the time between the two reads).
var monoClock = sync.OnceValues(func() (int64, time.Time) {
	m := monoNow()
	return m, time.Now()
})

// monoAt is t on CLOCK_MONOTONIC, in ns.
func monoAt(t time.Time) int64 {
	m, w := monoClock()
	return m + int64(t.Sub(w))
}

// armRecallLocked makes sure recall runs at the instant at, or before
// (in.mu held).
func (in *instance) armRecallLocked(at int64) {
	if in.recallAt != 0 && in.recallAt <= at {
		return
	}
	in.recallAt = at
	d := time.Duration(at - monoAt(time.Now()))
	if in.recallT == nil {
		in.recallT = time.AfterFunc(d, in.recall)
	} else {
		in.recallT.Reset(d)
	}
}

// recallRetry is how soon recall looks again when it could not tell that
// the runtime has not answered (output in the pipe, a request being read).
const recallRetry = time.Millisecond

// recall takes back the events ahead whose start-by instant has passed,
// if the runtime has not answered the invocation it runs.
func (in *instance) recall() {
	in.mu.Lock()
	in.recallAt = 0
	if !in.recallDueLocked(monoNow()) {
		in.mu.Unlock()
		return
	}
	in.mu.Unlock()

	// The locks in their order: the log's (the pipe), the socket's reads,
	// the instance's.
	l := &in.logs
	c := in.priv
	l.mu.Lock()
	c.qmu.Lock()
	in.mu.Lock()
	now := monoNow() // before the look at the socket and the pipe
	var back []*invocation
	if in.quietLocked(c) {
		keep := make([]*invocation, 0, len(in.ahead))
		for _, a := range in.ahead {
			if a.startBy != 0 && a.startBy <= now {
				a.ahead, a.recalled, a.refetch = false, true, true
				back = append(back, a)
			} else {
				keep = append(keep, a)
			}
		}
		// What is left still follows the invocation that runs (aheadAfter):
		// the runtime hands back those taken back before it gets to them.
		in.ahead = keep
		in.moved.Broadcast()
	} else if in.recallDueLocked(now) {
		in.armRecallLocked(now + int64(recallRetry))
	}
	in.mu.Unlock()
	c.qmu.Unlock()
	l.mu.Unlock()
	in.sendBack(back, false, false)
}

// recallDueLocked reports whether an event ahead is due to be recalled at
// now (monoNow), and arms the timer for the next one that will be (in.mu
// held).
func (in *instance) recallDueLocked(now int64) bool {
	if in.closed {
		return false
	}
	due := false
	for _, a := range in.ahead {
		switch {
		case a.startBy == 0:
		case a.startBy <= now:
			due = true
		default:
			in.armRecallLocked(a.startBy)
		}
	}
	return due
}

// quietLocked reports whether nothing the runtime wrote since it began
// the invocation it runs has reached cfnrun (logs.mu, c.qmu and in.mu
// held): no answer, no request being read, nothing in the pipe that
// could be one. It errs towards false (output in the pipe, not yet read,
// is enough): recall then looks again.
func (in *instance) quietLocked(c *rapiConn) bool {
	cur := in.cur
	if in.closed || c == nil || cur == nil || !cur.delivered {
		return false
	}
	// Only the private connection: an answer could come on another.
	if _, ok := in.conns[c]; !ok || len(in.conns) != 1 {
		return false
	}
	if c.pending || c.sc == nil || unread(c.sc) > 0 {
		return false
	}
	if in.pipeAnswers {
		l := &in.logs
		if l.frame || l.pumping || l.handing || in.taking.Load() || l.held != "" || l.eof || l.shut ||
			bytes.IndexByte(l.buf[:l.n], markByte) >= 0 || unread(l.pipe) > 0 {
			return false
		}
	}
	return true
}

// handback takes back an event the runtime handed back: it did not start
// it, its start-by instant having passed. cfnrun may have begun it
// (promote) on reading the answer before it: the event after it, if any,
// then begins in its place.
func (in *instance) handback(id string, startBy int64) {
	if startBy == 0 {
		return
	}
	l := &in.logs
	l.mu.Lock()
	in.mu.Lock()
	var inv *invocation
	begun := false
	if i := slices.IndexFunc(in.ahead, func(a *invocation) bool { return a.id == id && a.startBy == startBy }); i >= 0 {
		inv = in.ahead[i]
		in.ahead = slices.Delete(in.ahead, i, i+1)
		in.moved.Broadcast()
	} else if cur := in.cur; cur != nil && cur.id == id && cur.startBy == startBy {
		inv, begun = cur, true
		in.cur = nil
	}
	if inv != nil {
		inv.ahead, inv.recalled, inv.refetch = false, true, true
	}
	in.mu.Unlock()
	if inv != nil && l.held == id {
		// Its mark was read (the bootstrap wrote it with the answer
		// before it): what follows is not held for it any more.
		l.held, l.attr = "", id
		in.processLocked()
		select {
		case l.resume <- struct{}{}:
		default:
		}
	}
	l.mu.Unlock()
	if inv == nil {
		return // taken back already (recall), or stale
	}
	if begun {
		in.timer.Stop()
		in.busySince.Store(0)
		if !in.promote(id) {
			in.markSettled()
		}
	}
	in.sendBack([]*invocation{inv}, true, begun)
}

// sendBack hands invocations taken back to their callers, which queue
// them again (errUnfetched, recalled).
func (in *instance) sendBack(invs []*invocation, handedBack, begun bool) {
	if len(invs) == 0 {
		return
	}
	fn := in.fn
	fn.mu.Lock()
	if handedBack {
		fn.handbacks += len(invs)
	} else {
		fn.recalls += len(invs)
	}
	if begun {
		fn.unpromoted++
	}
	fn.mu.Unlock()
	for _, inv := range invs {
		inv.settle(Result{})
	}
}
