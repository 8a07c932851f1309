package h2

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestWorkersReuseAndBound: a burst of 200 concurrent calls leaves at
// most maxIdleWorkers goroutines waiting, and the next call runs on one
// of them.
func TestWorkersReuseAndBound(t *testing.T) {
	var p workers
	base := runtime.NumGoroutine()
	release := make(chan struct{})
	var started, done sync.WaitGroup
	for range 200 {
		started.Add(1)
		done.Add(1)
		p.run(jobFunc(func() {
			started.Done()
			<-release
			done.Done()
		}))
	}
	started.Wait()
	close(release)
	done.Wait()
	idle := func() int {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.idle)
	}
	// Workers park after their call returns: wait for the pool to fill.
	for idle() < maxIdleWorkers {
		ran := make(chan struct{})
		p.run(jobFunc(func() { close(ran) }))
		<-ran
	}
	// A worker whose call has returned may not have parked (or exited)
	// yet: the count below would take it for one the next call reused.
	// Wait until every worker left is a waiting one.
	for deadline := time.Now().Add(60 * time.Second); runtime.NumGoroutine() > base+maxIdleWorkers; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines 60 s after the burst, want at most %d", runtime.NumGoroutine(), base+maxIdleWorkers)
		}
		time.Sleep(time.Millisecond)
	}
	if n := idle(); n > maxIdleWorkers {
		t.Fatalf("%d idle workers, want at most %d", n, maxIdleWorkers)
	}
	// The next call takes a waiting worker: one fewer waits while it runs.
	during := make(chan int)
	p.run(jobFunc(func() { during <- idle() }))
	if n := <-during; n != maxIdleWorkers-1 {
		t.Errorf("%d idle workers while a call runs, want %d (a waiting worker reused)", n, maxIdleWorkers-1)
	}
}

type jobFunc func()

func (f jobFunc) work() { f() }
