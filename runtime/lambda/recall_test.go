package lambda

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Recalling events ahead (recall.go): an event handed ahead to an
// instance whose invocation then turns slow is taken back and runs on
// another instance, without waiting for the slow one, and runs once.

// TestAheadRecalledFromSlowInvocation: invocation 1 runs until the test
// opens its gate; 2 and 3 come in its first aheadMax, and are handed
// ahead to its instance (both to Node's, 2 to Python's, 3 waits). They
// are answered by another instance while 1 still runs.
func TestAheadRecalledFromSlowInvocation(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) {
			s, logs, ran := aheadFunctionIn(t, rt, Config{Concurrency: 2, ScaleBase: 1}, 60*time.Second)
			fn := s.lookup("f")
			// Long enough for 2 and 3 to be handed ahead on a loaded
			// machine under -race; recallAfter longer than aheadMax, so an
			// event taken back is not handed to the slow instance again.
			fn.aheadMax, fn.recallAfter = 1500*time.Millisecond, 2500*time.Millisecond
			invokeN(t, s, 0, "")
			gate := filepath.Join(t.TempDir(), "gate")
			slow := make(chan Result, 1)
			go func() { r, _ := invokeN(t, s, 1, fmt.Sprintf(`,"gate":%q`, gate)); slow <- r }()
			waitFor(t, func() bool { return ranCount(t, ran)[1] == 1 })
			depth := 2
			if strings.HasPrefix(rt, "python") {
				depth = 1
			}
			quick := make(chan Result, 2)
			outs := make(chan aheadOut, 2)
			for n := 2; n <= 3; n++ {
				go func() { r, out := invokeN(t, s, n, ""); quick <- r; outs <- out }()
			}
			waitFor(t, func() bool { return fn.stats().aheads >= depth })
			if st := fn.stats(); st.aheads != depth {
				t.Fatalf("stats %+v: want %d events handed ahead behind the slow invocation", st, depth)
			}
			pids := map[int]bool{}
			for range 2 {
				select {
				case r := <-quick:
					if r.FunctionError != "" {
						t.Errorf("quick invocation %s: %s %s", r.RequestID, r.FunctionError, r.Payload)
					}
					pids[(<-outs).PID] = true
				case r := <-slow:
					t.Fatalf("the slow invocation ended (%s) before the quick ones: they waited behind it", r.Payload)
				case <-time.After(30 * time.Second):
					t.Fatal("the quick invocations waited 30 s behind the slow one")
				}
			}
			st := fn.stats()
			if st.recalls != depth {
				t.Errorf("stats %+v: want the %d events ahead taken back", st, depth)
			}
			if err := os.WriteFile(gate, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			r := <-slow
			var slowOut aheadOut
			if r.FunctionError != "" || json.Unmarshal(r.Payload, &slowOut) != nil {
				t.Fatalf("the slow invocation: %s %s", r.FunctionError, r.Payload)
			}
			if pids[slowOut.PID] || len(pids) != 1 {
				t.Errorf("the quick invocations ran on %v, the slow one on %d: want them on the other instance", pids, slowOut.PID)
			}
			// Both instances serve on.
			var wg sync.WaitGroup
			for n := 4; n <= 7; n++ {
				wg.Add(1)
				go func() { defer wg.Done(); invokeN(t, s, n, `,"ms":200`) }()
			}
			wg.Wait()
			for n, c := range ranCount(t, ran) {
				if c != 1 {
					t.Errorf("event %d ran %d times", n, c)
				}
			}
			// The runtime handed them back after the slow answer; cfnrun
			// had taken them back: nothing changes (no second START).
			logs.waitLog(t, "END RequestId: "+r.RequestID)
			lines, _ := logs.snapshot()
			starts := strings.Count(strings.Join(lines, "\n"), "START RequestId: ")
			if starts != 8 {
				t.Errorf("%d START lines, want 8 (one per invocation)", starts)
			}
			if st := fn.stats(); st.handbacks != 0 || st.unpromoted != 0 {
				t.Errorf("stats %+v: want the runtime's handbacks of events taken back ignored", st)
			}
		})
	}
}

// TestRecallStorm: many invocations of random short durations around
// the start-by bound, on few instances, half of them detached
// (Service.Start): events ahead are taken back (recall), handed back by
// the runtime (handback), or run, racing with the answers before them.
// Every event runs exactly once and every invocation gets its own answer.
func TestRecallStorm(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) {
			s, logs, ran := aheadFunctionIn(t, rt, Config{Concurrency: 3, ScaleBase: 2, ScaleAfter: 5 * time.Millisecond}, 60*time.Second)
			fn := s.lookup("f")
			fn.aheadMax, fn.recallAfter = 2*time.Millisecond, 4*time.Millisecond
			invokeN(t, s, 0, "")
			const callers, each = 12, 40
			var wg sync.WaitGroup
			for g := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						n := 1 + g*each + i
						extra := ""
						if ms := []int{0, 1, 2, 3, 3, 4, 4, 5, 6}[rand.IntN(9)]; ms > 0 {
							extra = fmt.Sprintf(`,"ms":%d`, ms)
						}
						if n%2 == 0 {
							// Half of them detached (Service.Start): taken
							// back, they go on on a goroutine.
							ch := make(chan Result, 1)
							s.Start("f", fmt.Appendf(nil, `{"n":%d%s}`, n, extra), InvokeOptions{}, time.Minute, func(r Result, err error) {
								if err != nil {
									t.Errorf("invocation %d: %v", n, err)
								}
								r.Payload = bytes.Clone(r.Payload) // valid only until done returns
								ch <- r
							})
							r := <-ch
							var out aheadOut
							if r.FunctionError != "" || json.Unmarshal(r.Payload, &out) != nil || out.N != n {
								t.Errorf("invocation %d: %s %s", n, r.FunctionError, r.Payload)
							}
							continue
						}
						if r, _ := invokeN(t, s, n, extra); r.FunctionError != "" {
							t.Errorf("invocation %d: %s %s", n, r.FunctionError, r.Payload)
						}
					}
				}()
			}
			wg.Wait()
			counts := ranCount(t, ran)
			for n := 0; n <= callers*each; n++ {
				if counts[n] != 1 {
					t.Errorf("event %d ran %d times, want once", n, counts[n])
				}
			}
			st := fn.stats()
			t.Logf("stats %+v", st)
			if t.Failed() {
				lines, _ := logs.snapshot()
				t.Logf("log:\n%s", strings.Join(lines, "\n"))
			}
			if st.aheads == 0 || st.recalls+st.handbacks == 0 {
				t.Errorf("stats %+v: want events handed ahead, and some taken or handed back", st)
			}
		})
	}
}
