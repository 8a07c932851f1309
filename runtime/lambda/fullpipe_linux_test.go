package lambda

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cpuTicks is the CPU time (user and system, clock ticks) process pid has
// used, from /proc/PID/stat.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

// TestAheadMarkOnFullNonBlockingPipe: a process sharing the instance's
// output pipe (a child started with stdio 'inherit') may make it
// non-blocking. When the pipe was full as an event ahead started (cfnrun
// not reading it), the Node bootstrap's write of the event's mark failed
// with EAGAIN and the instance ended (Runtime.UnhandledPromiseRejection),
// the event ahead failed. The bootstraps make the pipe
// blocking again and waits for cfnrun in write(2): the instance uses no CPU
// while cfnrun does not read, and both invocations answer from it.
func TestAheadMarkOnFullNonBlockingPipe(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) { testAheadMarkOnFullNonBlockingPipe(t, rt) })
	}
}

func testAheadMarkOnFullNonBlockingPipe(t *testing.T, runtime string) {
	handler := handlerFor(t, runtime)
	s, logs := newTestService(t, Config{Concurrency: 1})
	logs.keep = true
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"index.js": `const fs = require("fs");
exports.handler = async (e) => {
  fs.appendFileSync(process.env.RAN, e.n + "\n");
  if (e.ms) await new Promise((r) => setTimeout(r, e.ms));
  if (e.fill) {
    // What a child sharing the pipe does; then fill the pipe.
    process.stdout._handle.setBlocking(false);
    const b = Buffer.alloc(4096, 120);
    try { for (;;) fs.writeSync(1, b); } catch (err) { if (err.code !== "EAGAIN") throw err; }
  }
  return { n: e.n, pid: process.pid };
};`,
		"app.py": `import os, time

def handler(e, ctx):
    with open(os.environ["RAN"], "a") as f:
        f.write("%d\n" % e["n"])
    if e.get("ms"):
        time.sleep(e["ms"] / 1000)
    if e.get("fill"):
        os.set_blocking(1, False)  # what a child sharing the pipe may do
        b = b"x" * 4096
        try:
            while True:
                os.write(1, b)
        except BlockingIOError:
            pass
    return {"n": e["n"], "pid": os.getpid()}
`,
	})
	ran := filepath.Join(t.TempDir(), "ran.txt")
	load(t, s, Function{Name: "f", Runtime: runtime, Handler: handler, CodeDir: dir,
		Timeout: 30 * time.Second, Environment: map[string]string{"RAN": ran}})
	fn := s.lookup("f")
	fn.aheadMax, fn.recallAfter = time.Hour, time.Hour

	_, out0 := invokeN(t, s, 0, "")
	fn.mu.Lock()
	var in *instance
	for i := range fn.all {
		in = i
	}
	fn.mu.Unlock()
	if in == nil || out0.PID == 0 {
		t.Fatalf("no instance after the first invocation")
	}
	first, second := make(chan aheadOut, 1), make(chan aheadOut, 1)
	go func() { _, o := invokeN(t, s, 1, `,"ms":1500,"fill":1`); first <- o }()
	waitFor(t, func() bool { return ranCount(t, ran)[1] == 1 })
	aheads := fn.stats().aheads
	go func() { _, o := invokeN(t, s, 2, ""); second <- o }()
	waitFor(t, func() bool { return fn.stats().aheads == aheads+1 })

	// cfnrun stops reading the pipe (the pump waits for logs.mu) before
	// invocation 1 fills it.
	in.logs.mu.Lock()
	held := true
	defer func() {
		if held {
			in.logs.mu.Unlock()
		}
	}()
	wchan := "/proc/" + strconv.Itoa(out0.PID) + "/wchan"
	waiting := false
	for deadline := time.Now().Add(10 * time.Second); !waiting && time.Now().Before(deadline); {
		b, err := os.ReadFile(wchan)
		if err != nil {
			break // it ended
		}
		waiting = strings.Contains(string(b), "pipe_write")
		time.Sleep(10 * time.Millisecond)
	}
	if !waiting {
		t.Errorf("the instance did not wait in a write to its full pipe")
	} else {
		// Waiting, not spinning: well under a tenth of a CPU over a second
		// (CPU time, not wall time; a busy loop takes the whole second).
		c0 := cpuTicks(t, out0.PID)
		time.Sleep(time.Second)
		if used := cpuTicks(t, out0.PID) - c0; used > 10 {
			t.Errorf("the instance used %d ticks of CPU in a second while cfnrun did not read its pipe", used)
		}
	}
	in.logs.mu.Unlock()
	held = false

	o1, o2 := <-first, <-second
	if o1.PID != out0.PID || o2.PID != out0.PID {
		t.Errorf("pids %d and %d, want both from the instance %d", o1.PID, o2.PID, out0.PID)
	}
	if c := ranCount(t, ran); c[2] != 1 {
		t.Errorf("the invocation ahead ran %d times, want once", c[2])
	}
	if txt := logs.text(); strings.Contains(txt, "EAGAIN") || strings.Contains(txt, "Unhandled") {
		t.Errorf("log:\n%s", txt)
	}
}

// TestPythonPrintOnFullNonBlockingPipe: a process sharing the Python
// instance's output pipe (a child with inherited stdout) may make it
// non-blocking. print and the root logger then found a full pipe
// failing with EAGAIN: print raised BlockingIOError in the handler, and
// what the bootstrap flushed at the end of the invocation was dropped. The
// bootstrap's streams make the pipe blocking again and wait for cfnrun,
// asleep: every line is logged, and the handler returns.
func TestPythonPrintOnFullNonBlockingPipe(t *testing.T) {
	handler := handlerFor(t, "python3.12")
	s, logs := newTestService(t, Config{Concurrency: 1})
	logs.keep = true
	const lines = 3000 // ~300 KB: several times the pipe's 64 KiB
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"app.py": `import logging, os, sys, time

def handler(e, ctx):
    while e.get("gate") and not os.path.exists(e["gate"]):
        time.sleep(0.01)
    if e.get("nonblock"):
        os.set_blocking(1, False)  # what a child sharing the pipe may do
        os.set_blocking(2, False)
    for i in range(e["lines"]):
        print("line %05d %s" % (i, "x" * 90))
    logging.getLogger().warning("logged %d", e["lines"])
    sys.stderr.write("err %d\n" % e["lines"])
    return {"pid": os.getpid()}
`,
	})
	load(t, s, Function{Name: "f", Runtime: "python3.12", Handler: handler, CodeDir: dir, Timeout: 30 * time.Second})
	fn := s.lookup("f")
	res := invoke(t, s, "f", `{"lines":0}`)
	var out struct{ PID int }
	if res.FunctionError != "" || json.Unmarshal(res.Payload, &out) != nil || out.PID == 0 {
		t.Fatalf("first invocation: %s %s", res.FunctionError, res.Payload)
	}
	fn.mu.Lock()
	var in *instance
	for i := range fn.all {
		in = i
	}
	fn.mu.Unlock()

	// cfnrun stops reading the pipe while the handler prints.
	gate := filepath.Join(t.TempDir(), "gate")
	done := make(chan Result, 1)
	go func() {
		done <- invoke(t, s, "f", fmt.Sprintf(`{"nonblock":true,"lines":%d,"gate":%q}`, lines, gate))
	}()
	waitFor(t, func() bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		return in.cur != nil && in.cur.delivered
	})
	in.logs.mu.Lock()
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	wchan := "/proc/" + strconv.Itoa(out.PID) + "/wchan"
	waiting := false
	for deadline := time.Now().Add(10 * time.Second); !waiting && time.Now().Before(deadline); {
		select {
		case r := <-done:
			in.logs.mu.Unlock()
			t.Fatalf("the invocation ended while cfnrun did not read the pipe: %s %s", r.FunctionError, r.Payload)
		default:
		}
		b, _ := os.ReadFile(wchan)
		waiting = strings.Contains(string(b), "pipe_write")
		time.Sleep(10 * time.Millisecond)
	}
	in.logs.mu.Unlock()
	if !waiting {
		t.Errorf("the instance did not wait in a write to its full pipe")
	}
	r := <-done
	if r.FunctionError != "" {
		t.Fatalf("the invocation failed: %s %s", r.FunctionError, r.Payload)
	}
	logs.waitLog(t, "END RequestId: "+r.RequestID)
	text := logs.text()
	for i := 0; i < lines; i++ {
		if want := fmt.Sprintf("INFO line %05d ", i); !strings.Contains(text, want) {
			t.Fatalf("line %d of the handler's output is not in the log", i)
		}
	}
	for _, want := range []string{"logged " + strconv.Itoa(lines), "INFO err " + strconv.Itoa(lines)} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in the log", want)
		}
	}
}
