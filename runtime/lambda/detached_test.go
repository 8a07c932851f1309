package lambda

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

type startOutcome struct {
	r   Result
	err error
}

// startN starts invocation n with Start and returns where its outcome
// arrives.
func startN(s *Service, n int, extra string, timeout time.Duration) chan startOutcome {
	ch := make(chan startOutcome, 2) // a second call would show as a second value
	s.Start("f", []byte(fmt.Sprintf(`{"n":%d%s}`, n, extra)), InvokeOptions{}, timeout, func(r Result, err error) {
		r.Payload = bytes.Clone(r.Payload) // valid only until done returns
		ch <- startOutcome{r, err}
	})
	return ch
}

func awaitStart(t *testing.T, ch chan startOutcome) startOutcome {
	t.Helper()
	select {
	case o := <-ch:
		select {
		case o2 := <-ch:
			t.Errorf("done called twice: %+v then %+v", o, o2)
		case <-time.After(50 * time.Millisecond):
		}
		return o
	case <-time.After(60 * time.Second):
		t.Fatal("no outcome in 60 s")
	}
	return startOutcome{}
}

// Start's invocations take the paths Invoke's do, with no goroutine
// waiting for them: events handed ahead and handed back when their
// instance ends, the queue's timeout, throttling, errors at once.
func TestStartDetached(t *testing.T) {
	t.Run("handed back when the instance ends", func(t *testing.T) {
		s, _, ran := aheadFunctionIn(t, "nodejs20.x", Config{}, 30*time.Second)
		if o := awaitStart(t, startN(s, 0, "", time.Minute)); o.err != nil || o.r.FunctionError != "" {
			t.Fatalf("warm-up: %+v", o)
		}
		fn := s.lookup("f")
		first := startN(s, 1, `,"ms":1500,"exit":3`, time.Minute)
		waitFor(t, func() bool { return ranCount(t, ran)[1] == 1 })
		aheads := fn.stats().aheads
		second := startN(s, 2, "", time.Minute)
		third := startN(s, 3, "", time.Minute)
		waitFor(t, func() bool { return fn.stats().aheads == aheads+2 })
		if o := awaitStart(t, first); o.err != nil || o.r.ErrorType != "Runtime.ExitError" {
			t.Errorf("the crashing invocation: %+v, want Runtime.ExitError", o)
		}
		for i, ch := range []chan startOutcome{second, third} {
			if o := awaitStart(t, ch); o.err != nil || o.r.FunctionError != "" {
				t.Errorf("invocation %d behind it: %+v, want it run on another instance", i+2, o)
			}
		}
		if c := ranCount(t, ran); c[2] != 1 || c[3] != 1 {
			t.Errorf("the invocations behind ran %d and %d times, want once each", c[2], c[3])
		}
	})
	t.Run("queue timeout and throttling", func(t *testing.T) {
		s, _, ran := aheadFunctionIn(t, "nodejs20.x", Config{QueueLength: 1}, 30*time.Second)
		fn := s.lookup("f")
		fn.aheadMax = 0 // no event ahead: the second waits in the queue
		if o := awaitStart(t, startN(s, 0, "", time.Minute)); o.err != nil || o.r.FunctionError != "" {
			t.Fatalf("warm-up: %+v", o)
		}
		first := startN(s, 1, `,"ms":1500`, time.Minute)
		waitFor(t, func() bool { return ranCount(t, ran)[1] == 1 })
		second := startN(s, 2, "", 300*time.Millisecond)
		var le *Error
		if o := awaitStart(t, startN(s, 3, "", time.Minute)); !errors.As(o.err, &le) || le.Type != TypeThrottled {
			t.Errorf("a third with the queue (1) full: %+v, want %s", o, TypeThrottled)
		}
		if o := awaitStart(t, second); o.err != context.DeadlineExceeded {
			t.Errorf("the queued one: %+v, want context.DeadlineExceeded", o)
		}
		if st := fn.stats(); st.waiting != 0 {
			t.Errorf("stats %+v: the timed-out invocation is still queued", st)
		}
		if o := awaitStart(t, first); o.err != nil || o.r.FunctionError != "" {
			t.Errorf("the running one: %+v", o)
		}
		if o := awaitStart(t, startN(s, 4, "", time.Minute)); o.err != nil || o.r.FunctionError != "" {
			t.Errorf("after: %+v", o)
		}
		if c := ranCount(t, ran); c[2] != 0 || c[4] != 1 {
			t.Errorf("ran %v: the timed-out invocation must not run", c)
		}
	})
	t.Run("errors at once", func(t *testing.T) {
		s, _ := newTestService(t, Config{})
		var le *Error
		ch := make(chan startOutcome, 1)
		s.Start("nope", []byte(`{}`), InvokeOptions{}, time.Minute, func(r Result, err error) { ch <- startOutcome{r, err} })
		select {
		case o := <-ch:
			if !errors.As(o.err, &le) || le.Type != TypeNotFound {
				t.Errorf("unknown function: %+v, want %s", o, TypeNotFound)
			}
		default:
			t.Error("an unknown function's error did not come before Start returned")
		}
	})
}

// The deadline list: invocations answered leave it, the others expire
// in order once their timeout has passed, the timer armed again after an
// early firing (its head answered) and after the list was empty.
func TestDeadlineList(t *testing.T) {
	s := &Service{}
	const timeout = 400 * time.Millisecond
	type expired struct {
		n   int
		err error
		at  time.Time
	}
	got := make(chan expired, 16)
	start := func(n int) *detached {
		d := &detached{fn: &function{}, inv: &invocation{}}
		d.done = func(_ Result, err error) { got <- expired{n, err, time.Now()} }
		s.deadlines(timeout).add(d)
		return d
	}
	t0 := time.Now()
	ds := make([]*detached, 5)
	// 0 and 3 are answered as soon as the one behind them is in the
	// list, not after all five: with -race on a loaded machine (load
	// 22-25) the five adds and their sleeps took longer than the 80 ms
	// timeout this test had, and the head expired before it was
	// answered (22 of 100 runs). The timeout is also longer now.
	for i := range ds {
		ds[i] = start(i)
		switch i {
		case 1:
			ds[0].answer(Result{}, nil) // the head: the timer fires early and is armed again
		case 4:
			ds[3].answer(Result{}, nil)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if s.deadlines(timeout) != ds[0].dl || s.deadlines(2*timeout) == ds[0].dl {
		t.Fatal("one list per timeout")
	}
	for _, want := range []int{0, 3} {
		if e := <-got; e.n != want || e.err != nil {
			t.Fatalf("answered %d: got %+v", want, e)
		}
	}
	for _, want := range []int{1, 2, 4} {
		e := <-got
		if e.n != want || e.err != context.DeadlineExceeded {
			t.Fatalf("got %+v, want %d expired", e, want)
		}
		if d := e.at.Sub(ds[want].deadline); d < 0 || e.at.Sub(t0) < timeout {
			t.Errorf("%d expired %v after its deadline, %v after the start", want, d, e.at.Sub(t0))
		}
	}
	l := ds[0].dl
	l.mu.Lock()
	if l.head != nil || l.tail != nil || l.armed {
		t.Errorf("the list is not empty and idle: head %p tail %p armed %v", l.head, l.tail, l.armed)
	}
	l.mu.Unlock()
	// Empty and idle: a new one arms the timer again.
	start(5)
	select {
	case e := <-got:
		if e.n != 5 || e.err != context.DeadlineExceeded {
			t.Fatalf("got %+v, want 5 expired", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("an invocation added to an idle list never expired")
	}
	select {
	case e := <-got:
		t.Errorf("more outcomes than invocations: %+v", e)
	case <-time.After(2 * timeout):
	}
}
