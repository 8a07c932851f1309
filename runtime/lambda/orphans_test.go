package lambda

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Process lifecycle: whatever state an instance is in when cfnrun stops
// (Service.Close, which `cfnrun up` runs on Ctrl-C and SIGTERM), when it
// is stopped for being idle, or when its invocation times out, the
// instance's process and every process it started are gone. Real node and
// python processes; each starts a `sleep` child (in its process group, as
// a handler's subprocess is) at init and in every invocation, and records
// both pids before anything else.

// lifecycleFunction writes a handler that records "pid child" lines in
// the file $PIDS: one at init (after waiting INIT_MS, or 60 s while the
// file $SLOWINIT exists), one when each invocation starts; the invocation
// then waits ms.
func lifecycleFunction(t *testing.T, runtime string) (handler, dir string) {
	t.Helper()
	if strings.HasPrefix(runtime, "python") {
		needPython(t)
		handler = "app.handler"
	} else {
		needNode(t)
		handler = "index.handler"
	}
	dir = writeFiles(t, t.TempDir(), map[string]string{
		"index.js": `const fs = require("fs");
const { spawn } = require("child_process");
const child = () => { const c = spawn("sleep", ["3600"], { stdio: "ignore" }); fs.appendFileSync(process.env.PIDS, process.pid + " " + c.pid + "\n"); };
child();
if (fs.existsSync(process.env.SLOWINIT)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
exports.handler = async (e) => {
  child();
  await new Promise((r) => setTimeout(r, e.ms || 0));
  return { pid: process.pid };
};`,
		"app.py": `import os, subprocess, time

def child():
    c = subprocess.Popen(["sleep", "3600"])
    with open(os.environ["PIDS"], "a") as f:
        f.write("%d %d\n" % (os.getpid(), c.pid))

child()
if os.path.exists(os.environ["SLOWINIT"]):
    time.sleep(60)

def handler(e, ctx):
    child()
    time.sleep(e.get("ms", 0) / 1000)
    return {"pid": os.getpid()}
`,
	})
	return handler, dir
}

// recordedPIDs reads the pids a lifecycleFunction recorded.
func recordedPIDs(t *testing.T, file string) []int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		p, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("%s: %q", file, b)
		}
		pids = append(pids, p)
	}
	return pids
}

// waitGone waits until none of pids runs.
func waitGone(t *testing.T, what string, pids []int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for _, p := range pids {
		for processAlive(p) {
			if time.Now().After(deadline) {
				t.Errorf("%s: process %d still runs", what, p)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestNoOrphansInEveryState closes a Service while one function has an
// instance idle, one running an invocation, one holding events ahead of
// it (node two, python one), one initialising, and a replaced version
// draining an invocation: every instance and child process ends, and the
// invocations in flight end (with an error) instead of hanging.
func TestNoOrphansInEveryState(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) { testNoOrphansInEveryState(t, rt) })
	}
}

func testNoOrphansInEveryState(t *testing.T, runtime string) {
	handler, dir := lifecycleFunction(t, runtime)
	ahead := 2
	if strings.HasPrefix(runtime, "python") {
		ahead = 1
	}
	tmp := t.TempDir()
	pidFile, slow := filepath.Join(tmp, "pids"), filepath.Join(tmp, "slowinit")
	s, _ := newTestService(t, Config{Concurrency: 2, ScaleBase: 1, ScaleAfter: 20 * time.Millisecond})
	fn := func(name, gen string) Function {
		return Function{Name: name, Runtime: runtime, Handler: handler, CodeDir: dir, Timeout: 120 * time.Second,
			Environment: map[string]string{"PIDS": pidFile, "SLOWINIT": slow, "GEN": gen}}
	}
	load(t, s, fn("idle", "1"), fn("busy", "1"))
	// ended gets what each invocation in flight ended with: an error, or
	// the answer's payload when it succeeded.
	ended := make(chan string, 8)
	inFlight := 0
	call := func(name, payload string) {
		inFlight++
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := s.Invoke(ctx, name, []byte(payload), InvokeOptions{})
			switch {
			case err != nil:
				ended <- ""
			case res.FunctionError != "":
				ended <- ""
			default:
				ended <- fmt.Sprintf("%s %s answered %s", name, payload, res.Payload)
			}
		}()
	}

	// Idle: one warm instance of "idle".
	invoke(t, s, "idle", `{}`)
	// Draining: "busy" version 1 runs a long invocation when a reload
	// replaces it.
	invoke(t, s, "busy", `{}`)
	call("busy", `{"ms":60000}`)
	old := s.lookup("busy")
	waitFor(t, func() bool {
		st := old.stats()
		return st.live == 1 && st.idle == 0 && len(recordedPIDs(t, pidFile)) == 10
	})
	load(t, s, fn("idle", "1"), fn("busy", "2"))
	if st := old.stats(); st.live != 1 {
		t.Fatalf("the replaced version: %+v, want its instance draining", st)
	}
	// Running, with events ahead: version 2's first instance.
	cur := s.lookup("busy")
	cur.aheadMax, cur.recallAfter = time.Hour, time.Hour
	invoke(t, s, "busy", `{}`)
	call("busy", `{"ms":60000}`)
	waitFor(t, func() bool { return len(recordedPIDs(t, pidFile)) == 16 })
	for i := range ahead {
		call("busy", `{"ms":60000}`)
		waitFor(t, func() bool { return cur.stats().aheads == i+1 })
	}
	// Initialising: the scaler starts a second instance for a waiting
	// invocation (the first sleeps), whose init phase takes 60 s.
	if err := os.WriteFile(slow, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	call("busy", `{}`)
	waitFor(t, func() bool { return cur.stats().live == 2 && len(recordedPIDs(t, pidFile)) == 18 })

	pids := recordedPIDs(t, pidFile)
	for _, f := range []*function{s.lookup("idle"), old, cur} {
		pids = append(pids, f.pids()...)
	}
	for _, p := range pids {
		if !processAlive(p) {
			t.Fatalf("process %d ended before Close (pids %v)", p, pids)
		}
	}
	start := time.Now()
	s.Close()
	waitGone(t, "after Close", pids)
	for range inFlight {
		select {
		case ok := <-ended:
			if ok != "" {
				t.Errorf("in flight at Close, %s", ok)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("an invocation in flight at Close did not end")
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Close and every process gone in %v, want it at once (nothing waits for what runs)", d)
	}
}

// TestStoppedInstancesLeaveNoChild: an instance stopped for being idle
// and one killed for outliving its Timeout take the processes they
// started with them.
func TestStoppedInstancesLeaveNoChild(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) {
			handler, dir := lifecycleFunction(t, rt)
			tmp := t.TempDir()
			env := func(name string) map[string]string {
				return map[string]string{"PIDS": filepath.Join(tmp, name), "SLOWINIT": filepath.Join(tmp, "none")}
			}
			s, _ := newTestService(t, Config{IdleTimeout: 300 * time.Millisecond})
			load(t, s,
				Function{Name: "idle", Runtime: rt, Handler: handler, CodeDir: dir, Timeout: 60 * time.Second, Environment: env("idle")},
				Function{Name: "timeout", Runtime: rt, Handler: handler, CodeDir: dir, Timeout: time.Second, Environment: env("timeout")})
			invoke(t, s, "idle", `{}`)
			if res := invoke(t, s, "timeout", `{"ms":60000}`); !res.TimedOut {
				t.Errorf("the 60 s invocation of a 1 s function: %+v, want a timeout", res)
			}
			waitGone(t, "after the timeout", recordedPIDs(t, filepath.Join(tmp, "timeout")))
			waitFor(t, func() bool { return s.lookup("idle").stats().live == 0 })
			waitGone(t, "after the idle stop", recordedPIDs(t, filepath.Join(tmp, "idle")))
		})
	}
}
