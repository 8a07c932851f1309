package lambda

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Events ahead (fn.prefetch, instance.ahead): an instance of cfnrun's Node
// bootstrap is handed the next event while it runs one. These tests run
// real node processes and check what must still hold: output is logged
// under the invocation that wrote it, between its START and END; an event
// ahead whose instance ends before starting it runs elsewhere, once; one
// that started and crashed fails, once; code changes and recycling
// replace instances without failing requests.

// aheadFunction loads a Node function f (Concurrency 1 unless cfg says)
// (or Python) whose handler appends each event's n to ran.txt when it
// starts, then does what the event asks: log (write output), ms (wait),
// gate (wait until that file exists), exit (exit code). Events are handed
// ahead whatever the handler's duration.
func aheadFunction(t *testing.T, cfg Config, timeout time.Duration) (*Service, *logBuffer, string) {
	return aheadFunctionIn(t, "nodejs20.x", cfg, timeout)
}

func aheadFunctionIn(t *testing.T, runtime string, cfg Config, timeout time.Duration) (*Service, *logBuffer, string) {
	t.Helper()
	handler := handlerFor(t, runtime)
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 1
	}
	s, logs := newTestService(t, cfg)
	logs.keep = true
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"index.js": `const fs = require("fs");
exports.handler = async (e) => {
  fs.appendFileSync(process.env.RAN, e.n + "\n");
  if (e.log) {
    console.log("log", e.n);
    console.error("err", e.n);
    process.stdout.write("raw " + e.n); // no newline: the next mark ends it
  }
  if (e.ms) await new Promise((r) => setTimeout(r, e.ms));
  while (e.gate && !fs.existsSync(e.gate)) await new Promise((r) => setTimeout(r, 20));
  if (e.exit) process.exit(e.exit);
  if (e.uncaught) await new Promise(() => setTimeout(() => { throw new Error("uncaught " + e.n); }, 0));
  return { n: e.n, pid: process.pid };
};`,
		"app.py": `import os, sys, time

def handler(e, ctx):
    with open(os.environ["RAN"], "a") as f:
        f.write("%d\n" % e["n"])
    if e.get("log"):
        print("log", e["n"])
        sys.stderr.write("err %d\n" % e["n"])
        sys.stdout.write("raw %d" % e["n"])  # no newline: the next mark ends it
    if e.get("ms"):
        time.sleep(e["ms"] / 1000)
    while e.get("gate") and not os.path.exists(e["gate"]):
        time.sleep(0.02)
    if e.get("exit"):
        sys.stdout.flush()
        os._exit(e["exit"])
    return {"n": e["n"], "pid": os.getpid()}
`,
	})
	ran := filepath.Join(t.TempDir(), "ran.txt")
	load(t, s, Function{Name: "f", Runtime: runtime, Handler: handler, CodeDir: dir,
		Timeout: timeout, Environment: map[string]string{"RAN": ran}})
	// Events are taken back only where a test says (recall_test.go).
	s.lookup("f").aheadMax, s.lookup("f").recallAfter = time.Hour, time.Hour
	return s, logs, ran
}

// ranCount is how many times each n started, from ran.txt.
func ranCount(t *testing.T, ran string) map[int]int {
	t.Helper()
	b, err := os.ReadFile(ran)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	m := map[int]int{}
	for _, f := range strings.Fields(string(b)) {
		n, _ := strconv.Atoi(f)
		m[n]++
	}
	return m
}

type aheadOut struct {
	N   int `json:"n"`
	PID int `json:"pid"`
}

func invokeN(t *testing.T, s *Service, n int, extra string) (Result, aheadOut) {
	t.Helper()
	res := invoke(t, s, "f", fmt.Sprintf(`{"n":%d%s}`, n, extra))
	var out aheadOut
	if res.FunctionError == "" {
		if err := json.Unmarshal(res.Payload, &out); err != nil || out.N != n {
			t.Errorf("invocation %d answered %s", n, res.Payload)
		}
	}
	return res, out
}

func TestAheadOutputAttribution(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) { testAheadOutputAttribution(t, rt) })
	}
}

func testAheadOutputAttribution(t *testing.T, runtime string) {
	s, logs, ran := aheadFunctionIn(t, runtime, Config{}, 30*time.Second)
	invokeN(t, s, 0, "")
	const total = 40
	ids := make([]string, total+1)
	var wg sync.WaitGroup
	for n := 1; n <= total; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			extra := `,"log":true`
			if n%3 == 0 {
				extra = "" // no output
			}
			res, _ := invokeN(t, s, n, extra)
			if res.FunctionError != "" {
				t.Errorf("invocation %d: %s %s", n, res.FunctionError, res.Payload)
			}
			ids[n] = res.RequestID
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	// The Node bootstrap takes two events ahead, the Python one one.
	depth := 2
	if strings.HasPrefix(runtime, "python") {
		depth = 1
	}
	if st := s.lookup("f").stats(); st.aheads == 0 || st.peak != 1 || st.deepest != depth {
		t.Fatalf("stats %+v: want events handed ahead to one instance, %d at a time", st, depth)
	}
	for n, c := range ranCount(t, ran) {
		if c != 1 {
			t.Errorf("event %d ran %d times", n, c)
		}
	}
	// Every line under its invocation's id, after its START and before
	// its END.
	logs.waitLog(t, "END RequestId: "+ids[total-1])
	lines, find := logs.snapshot()
	for n := 1; n <= total; n++ {
		id := ids[n]
		start, end := find("START RequestId: "+id), find("END RequestId: "+id)
		if n%3 == 0 {
			if start < 0 || end < start {
				t.Errorf("quiet invocation %d: START at %d, END at %d", n, start, end)
			}
			continue
		}
		if start < 0 || end < start {
			t.Errorf("invocation %d: START at %d, END at %d", n, start, end)
			continue
		}
		for _, out := range []string{"log " + strconv.Itoa(n), "err " + strconv.Itoa(n), "raw " + strconv.Itoa(n)} {
			i := find("INFO " + out + " function=f")
			switch {
			case i < 0:
				t.Errorf("no line %q", out)
			case !strings.HasSuffix(lines[i], "requestId="+id):
				t.Errorf("%q logged as %q, want requestId=%s", out, lines[i], id)
			case i < start:
				t.Errorf("%q at line %d, before its invocation's START (%d)", out, i, start)
			case i > end:
				// END reads the pipe before it is logged.
				t.Errorf("%q at line %d, after its invocation's END (%d)", out, i, end)
			}
		}
	}
	if strings.Contains(strings.Join(lines, "\n"), "\x1e") {
		t.Error("an invocation mark reached the log")
	}
	if t.Failed() {
		t.Logf("log:\n%s", strings.Join(lines, "\n"))
	}
}

// startBehind starts invocation 1 with extra, waits until it runs, then
// invokes 2, which is handed ahead to the same instance; it returns the
// two results when they come.
func startBehind(t *testing.T, s *Service, ran, extra string) (first, second chan Result) {
	t.Helper()
	invokeN(t, s, 0, "")
	first, second = make(chan Result, 1), make(chan Result, 1)
	go func() { r, _ := invokeN(t, s, 1, extra); first <- r }()
	waitFor(t, func() bool { return ranCount(t, ran)[1] == 1 })
	aheads := s.lookup("f").stats().aheads
	go func() { r, _ := invokeN(t, s, 2, ""); second <- r }()
	waitFor(t, func() bool { return s.lookup("f").stats().aheads == aheads+1 })
	return first, second
}

func TestAheadHandedBackOnTimeout(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) { testAheadHandedBackOnTimeout(t, rt) })
	}
}

func testAheadHandedBackOnTimeout(t *testing.T, runtime string) {
	s, _, ran := aheadFunctionIn(t, runtime, Config{}, time.Second)
	first, second := startBehind(t, s, ran, `,"ms":20000`)
	if r := <-first; !r.TimedOut || r.ErrorType != "Sandbox.Timedout" {
		t.Errorf("the slow invocation: %+v, want a timeout", r)
	}
	if r := <-second; r.FunctionError != "" {
		t.Errorf("the invocation behind it: %s %s, want it run on another instance", r.FunctionError, r.Payload)
	}
	if c := ranCount(t, ran); c[2] != 1 {
		t.Errorf("the invocation behind ran %d times, want once", c[2])
	}
}

func TestAheadHandedBackOnCrash(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) { testAheadHandedBackOnCrash(t, rt) })
	}
}

func testAheadHandedBackOnCrash(t *testing.T, runtime string) {
	s, _, ran := aheadFunctionIn(t, runtime, Config{}, 30*time.Second)
	first, second := startBehind(t, s, ran, `,"ms":300,"exit":3`)
	if r := <-first; r.ErrorType != "Runtime.ExitError" {
		t.Errorf("the crashing invocation: %+v, want Runtime.ExitError", r)
	}
	if r := <-second; r.FunctionError != "" {
		t.Errorf("the invocation behind it: %s %s, want it run on another instance", r.FunctionError, r.Payload)
	}
	if c := ranCount(t, ran); c[2] != 1 {
		t.Errorf("the invocation behind ran %d times, want once", c[2])
	}
}

// startTwoBehind is startBehind with invocations 2 and 3 both handed ahead
// to the instance running 1.
func startTwoBehind(t *testing.T, s *Service, ran, extra string) (first, second, third chan Result) {
	t.Helper()
	first, second = startBehind(t, s, ran, extra)
	third = make(chan Result, 1)
	aheads := s.lookup("f").stats().aheads
	go func() { r, _ := invokeN(t, s, 3, ""); third <- r }()
	waitFor(t, func() bool { return s.lookup("f").stats().aheads == aheads+1 })
	if st := s.lookup("f").stats(); st.deepest != 2 {
		t.Fatalf("stats %+v: want two events ahead at once", st)
	}
	return first, second, third
}

// Two events ahead (the Node bootstrap's) of an invocation that times
// out, whose process crashes, or that ends its process with an uncaught
// exception did not start: both run on another instance, once each.
func TestTwoAheadHandedBack(t *testing.T) {
	for _, rt := range []string{"nodejs20.x"} {
		for _, c := range []struct{ name, extra, errType string }{
			// Invocation 1 runs long enough (1.5-3 s) for 2 and 3 to be
			// handed ahead of it on a loaded machine.
			{"timeout", `,"ms":20000`, "Sandbox.Timedout"},
			{"crash", `,"ms":1500,"exit":3`, "Runtime.ExitError"},
			// The bootstrap posts the error marked Cfnrun-Runtime-Exiting,
			// then exits: the events ahead were not started.
			{"uncaught", `,"ms":1500,"uncaught":true`, "Error"},
		} {
			t.Run(rt+"/"+c.name, func(t *testing.T) {
				timeout := 30 * time.Second
				if c.name == "timeout" {
					timeout = 3 * time.Second
				}
				s, _, ran := aheadFunctionIn(t, rt, Config{}, timeout)
				first, second, third := startTwoBehind(t, s, ran, c.extra)
				if r := <-first; r.ErrorType != c.errType {
					t.Errorf("the failing invocation: %+v, want %s", r, c.errType)
				}
				for i, ch := range []chan Result{second, third} {
					if r := <-ch; r.FunctionError != "" {
						t.Errorf("invocation %d behind it: %s %s, want it run on another instance", i+2, r.FunctionError, r.Payload)
					}
				}
				if c := ranCount(t, ran); c[2] != 1 || c[3] != 1 {
					t.Errorf("the invocations behind ran %d and %d times, want once each", c[2], c[3])
				}
			})
		}
	}
}

// Two events ahead: once the first is answered, the second starts, then
// the third, each on the same process, with its own output.
func TestTwoAheadRunInOrder(t *testing.T) {
	s, logs, ran := aheadFunction(t, Config{}, 30*time.Second)
	first, second, third := startTwoBehind(t, s, ran, `,"ms":1500,"log":true`)
	var outs [3]aheadOut
	for i, ch := range []chan Result{first, second, third} {
		r := <-ch
		if r.FunctionError != "" || json.Unmarshal(r.Payload, &outs[i]) != nil || outs[i].N != i+1 {
			t.Fatalf("invocation %d: %s %s", i+1, r.FunctionError, r.Payload)
		}
		logs.waitLog(t, "END RequestId: "+r.RequestID)
	}
	if outs[0].PID != outs[1].PID || outs[1].PID != outs[2].PID {
		t.Errorf("pids %d, %d, %d: want the events ahead run by the same process", outs[0].PID, outs[1].PID, outs[2].PID)
	}
	if b, _ := os.ReadFile(ran); string(b) != "0\n1\n2\n3\n" {
		t.Errorf("started in the order %q, want 0 1 2 3", b)
	}
}

func TestAheadStartedThenCrashed(t *testing.T) {
	s, _, ran := aheadFunction(t, Config{}, 30*time.Second)
	invokeN(t, s, 0, "")
	first, second := make(chan Result, 1), make(chan Result, 1)
	go func() { r, _ := invokeN(t, s, 1, `,"ms":500`); first <- r }()
	waitFor(t, func() bool { return ranCount(t, ran)[1] == 1 })
	go func() { second <- invoke(t, s, "f", `{"n":2,"exit":4}`) }()
	waitFor(t, func() bool { return s.lookup("f").stats().aheads == 1 })
	if r := <-first; r.FunctionError != "" {
		t.Errorf("the first invocation: %s %s", r.FunctionError, r.Payload)
	}
	// The event ahead started once the first was answered, and crashed:
	// it fails, and is not run again.
	if r := <-second; r.ErrorType != "Runtime.ExitError" {
		t.Errorf("the crashing invocation ahead: %+v, want Runtime.ExitError", r)
	}
	if c := ranCount(t, ran); c[2] != 1 {
		t.Errorf("the crashing invocation ran %d times, want once", c[2])
	}
	if r, _ := invokeN(t, s, 3, ""); r.FunctionError != "" {
		t.Errorf("after the crash: %s %s", r.FunctionError, r.Payload)
	}
}

func TestAheadCodeChange(t *testing.T) {
	s, _, ran := aheadFunction(t, Config{}, 30*time.Second)
	first, second := startBehind(t, s, ran, `,"ms":500`)
	s.lookup("f").codeChanged()
	r1, r2 := <-first, <-second
	var o1, o2 aheadOut
	if r1.FunctionError != "" || r2.FunctionError != "" || json.Unmarshal(r1.Payload, &o1) != nil || json.Unmarshal(r2.Payload, &o2) != nil {
		t.Fatalf("in flight when the code changed: %s %s; %s %s", r1.FunctionError, r1.Payload, r2.FunctionError, r2.Payload)
	}
	// The event handed ahead before the change runs on the old instance;
	// the next invocation on a new one.
	_, o3 := invokeN(t, s, 3, "")
	if o2.PID != o1.PID || o3.PID == o1.PID || o3.PID == 0 {
		t.Errorf("pids %d, %d, then %d: want the invocation ahead on the old instance, the next on a new one", o1.PID, o2.PID, o3.PID)
	}
}

func TestRecycle(t *testing.T) {
	s, _, ran := aheadFunction(t, Config{RecycleAfter: 5}, 30*time.Second)
	pids := map[int]int{}
	for n := 1; n <= 12; n++ {
		res, out := invokeN(t, s, n, "")
		if res.FunctionError != "" {
			t.Fatalf("invocation %d: %s %s", n, res.FunctionError, res.Payload)
		}
		pids[out.PID]++
	}
	if len(pids) != 3 {
		t.Errorf("12 invocations ran on %d instances (%v), want 3 (5, 5, 2)", len(pids), pids)
	}
	// Under load, with events handed ahead, no invocation fails either.
	var mu sync.Mutex
	var wg sync.WaitGroup
	for n := 100; n < 140; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res, out := invokeN(t, s, n, ""); res.FunctionError != "" {
				t.Errorf("invocation %d: %s %s", n, res.FunctionError, res.Payload)
			} else {
				mu.Lock()
				pids[out.PID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for pid, c := range pids {
		if c > 5 {
			t.Errorf("instance %d served %d invocations, want at most 5", pid, c)
		}
	}
	for n, c := range ranCount(t, ran) {
		if c != 1 {
			t.Errorf("event %d ran %d times", n, c)
		}
	}
}

// An instance whose invocation has run longer than aheadMax is handed no
// events ahead: invocations that come while a quick function's instance
// runs a slow call wait in the queue and run on the other instance, as
// they would each get an instance of their own on Lambda, instead of
// waiting for the slow call (guard's lam/ahead.py: 2 of 3 quick calls
// waited 3 s behind a 3 s call before).
func TestAheadNotBehindSlowInvocation(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) {
			s, _, ran := aheadFunctionIn(t, rt, Config{Concurrency: 2, ScaleBase: 2}, 60*time.Second)
			fn := s.lookup("f")
			// Quick enough for any warm invocation on a loaded machine
			// under -race, and far below the slow call.
			fn.aheadMax = 300 * time.Millisecond
			invokeN(t, s, 0, "")
			slow := make(chan Result, 1)
			go func() { r, _ := invokeN(t, s, 1, `,"ms":6000`); slow <- r }()
			waitFor(t, func() bool { return ranCount(t, ran)[1] == 1 })
			time.Sleep(2 * fn.aheadMax)
			var wg sync.WaitGroup
			var mu sync.Mutex
			pids := map[int]bool{}
			for n := 2; n <= 4; n++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, out := invokeN(t, s, n, "")
					if r.FunctionError != "" {
						t.Errorf("invocation %d: %s %s", n, r.FunctionError, r.Payload)
					}
					mu.Lock()
					pids[out.PID] = true
					mu.Unlock()
				}()
			}
			wg.Wait()
			var r Result
			select {
			case r = <-slow:
				t.Errorf("the quick invocations ended after the slow one (%v): they waited behind it", r.Duration)
			default:
				r = <-slow
			}
			var out aheadOut
			if r.FunctionError != "" || json.Unmarshal(r.Payload, &out) != nil {
				t.Errorf("the slow invocation: %s %s", r.FunctionError, r.Payload)
			}
			if pids[out.PID] || len(pids) != 1 {
				t.Errorf("the quick invocations ran on %v, the slow one on %d: want them all on the other instance", pids, out.PID)
			}
			if st := fn.stats(); st.peak > 2 {
				t.Errorf("stats %+v: want at most 2 instances", st)
			}
			for n, c := range ranCount(t, ran) {
				if c != 1 {
					t.Errorf("event %d ran %d times", n, c)
				}
			}
		})
	}
}
