package h2

import "sync"

// Handlers run on pooled goroutines: a goroutine that finished a stream
// waits for the next one instead of exiting, so a busy server does not
// create a goroutine per stream nor grow a fresh stack to the handler's
// depth each time (runtime.newproc and newstack were ~5% of the
// gateway's CPU on a proxied route). At most maxIdleWorkers wait; the
// others exit when their stream is done, so a burst leaves no more than
// that many goroutines behind.
const maxIdleWorkers = 128

type workers struct {
	mu   sync.Mutex
	idle []chan job
	// max is how many may wait (0: maxIdleWorkers).
	max int
}

// job is what a worker runs: a stream (no closure to allocate per stream).
type job interface{ work() }

// run calls f.work on an idle worker or on a new goroutine.
func (p *workers) run(f job) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		ch := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		ch <- f
		return
	}
	p.mu.Unlock()
	go p.loop(f)
}

func (p *workers) loop(f job) {
	var ch chan job
	for {
		f.work()
		p.mu.Lock()
		if len(p.idle) >= max(p.max, maxIdleWorkers) {
			p.mu.Unlock()
			return
		}
		if ch == nil {
			ch = make(chan job)
		}
		p.idle = append(p.idle, ch)
		p.mu.Unlock()
		f = <-ch
	}
}
