package lambda

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// Output that goes around the bootstraps' marked streams — a child
// process writing to the stdout and stderr it inherits, a write straight to
// file descriptor 1 or 2 (fs.writeSync, os.write), the last lines of a
// process that exits — must be logged under the invocation that wrote it,
// between its START and END, also while events are handed ahead (the
// runtime starts an invocation before cfnrun has read the answer to the
// one before). TestOutputAttributionStress runs real node and python
// processes on one instance with invocations queued behind each other.
//
// A line longer than the pipe holds ("big") is one node does not write at
// once: the rest of it waits in the stream's queue after console.log
// returns. It must still come before END, and the next invocation's
// output must not be taken for its own. Python writes such a print's
// text at once and keeps its newline in the buffer: a stderr line written
// next must not land on the end of it.

const attributionNode = `const fs = require("fs");
const cp = require("child_process");
exports.handler = async (e) => {
  const n = e.n;
  for (const k of e.do) {
    switch (k) {
    case "child":
      cp.execFileSync("sh", ["-c", "echo child " + n + "; echo childerr " + n + " >&2"], { stdio: "inherit" });
      break;
    case "fd":
      fs.writeSync(1, "fd1 " + n + "\n");
      fs.writeSync(2, "fd2 " + n + "\n");
      break;
    case "log":
      console.log("log " + n);
      break;
    case "big":
      console.log("big " + n + " " + "x".repeat(100000));
      break;
    case "wait":
      await new Promise((r) => setTimeout(r, 2));
      break;
    case "last":
      console.error("last " + n);
      break;
    case "crash":
      console.log("dying " + n);
      fs.writeSync(2, "dyingfd " + n + "\n");
      process.exit(7);
    }
  }
  return { n };
};
`

const attributionPython = `import os, subprocess, sys, time

def handler(e, ctx):
    n = e["n"]
    for k in e["do"]:
        if k == "child":
            subprocess.run(["sh", "-c", "echo child %d; echo childerr %d >&2" % (n, n)], check=True)
        elif k == "fd":
            os.write(1, b"fd1 %d\n" % n)
            os.write(2, b"fd2 %d\n" % n)
        elif k == "log":
            print("log %d" % n)
        elif k == "big":
            print("big %d %s" % (n, "x" * 100000))
        elif k == "wait":
            time.sleep(0.002)
        elif k == "last":
            print("last %d" % n, file=sys.stderr)
        elif k == "crash":
            print("dying %d" % n)
            sys.stdout.flush()
            os.write(2, b"dyingfd %d\n" % n)
            os._exit(7)
    return {"n": n}
`

// attributionPlans are what the invocations do, in turn: output only
// around the marks (the answer says the invocation wrote nothing through
// the bootstrap's streams), around them before and after marked output, a
// child process, nothing, a wait between.
var attributionPlans = [][]string{
	{"fd"},
	{"child"},
	{"fd", "log", "last"},
	{"log", "fd", "child", "last"},
	{"wait", "fd"},
	{},
	{"child", "last"},
	{"last", "fd"},
	{"big", "last"},
	{"last"},
}

// attributionLines is what an invocation n that does plan prints.
func attributionLines(n int, plan []string) []string {
	var out []string
	for _, k := range plan {
		switch k {
		case "child":
			out = append(out, fmt.Sprintf("child %d", n), fmt.Sprintf("childerr %d", n))
		case "fd":
			out = append(out, fmt.Sprintf("fd1 %d", n), fmt.Sprintf("fd2 %d", n))
		case "log":
			out = append(out, fmt.Sprintf("log %d", n))
		case "last":
			out = append(out, fmt.Sprintf("last %d", n))
		case "crash":
			out = append(out, fmt.Sprintf("dying %d", n), fmt.Sprintf("dyingfd %d", n))
		}
	}
	return out
}

func TestOutputAttributionStress(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) { testOutputAttributionStress(t, rt) })
	}
}

func testOutputAttributionStress(t *testing.T, runtime string) {
	handler, files := "index.handler", map[string]string{"index.js": attributionNode}
	if strings.HasPrefix(runtime, "python") {
		needPython(t)
		handler, files = "app.handler", map[string]string{"app.py": attributionPython}
	} else {
		needNode(t)
	}
	s, logs := newTestService(t, Config{Concurrency: 1})
	logs.keep = true
	dir := writeFiles(t, t.TempDir(), files)
	load(t, s, Function{Name: "f", Runtime: runtime, Handler: handler, CodeDir: dir, Timeout: 30 * time.Second})
	// Events go ahead whatever the handler's duration (a child process
	// takes milliseconds).
	s.lookup("f").aheadMax, s.lookup("f").recallAfter = time.Hour, time.Hour

	const total, callers = 160, 16
	plans := make([][]string, total)
	ids := make([]string, total)
	results := make([]Result, total)
	for n := range plans {
		plans[n] = attributionPlans[n%len(attributionPlans)]
		if n%53 == 52 {
			plans[n] = []string{"log", "crash"} // ends its instance
		}
	}
	sem := make(chan struct{}, callers)
	var wg sync.WaitGroup
	for n := range plans {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			payload := fmt.Sprintf(`{"n":%d,"do":[%s]}`, n, quoteAll(plans[n]))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := s.Invoke(ctx, "f", []byte(payload), InvokeOptions{})
			if err != nil {
				t.Errorf("invocation %d: %v", n, err)
				return
			}
			ids[n], results[n] = res.RequestID, res
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if st := s.lookup("f").stats(); st.aheads == 0 {
		t.Errorf("stats %+v: want events handed ahead", st)
	}
	for n, plan := range plans {
		crash := len(plan) > 0 && plan[len(plan)-1] == "crash"
		if r := results[n]; crash != (r.FunctionError != "") {
			t.Errorf("invocation %d (%v): %s %s", n, plan, r.FunctionError, r.Payload)
		}
	}
	for n := range plans {
		logs.waitLog(t, "END RequestId: "+ids[n])
	}
	logs.mu.Lock()
	lines := append([]string(nil), logs.lines...)
	logs.mu.Unlock()

	index := map[string]int{}
	for i, l := range lines {
		index[l] = i
	}
	find := func(prefix string) (int, string) {
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return i, l
			}
		}
		return -1, ""
	}
	bad := 0
	for n, plan := range plans {
		id := ids[n]
		start, _ := find("INFO START RequestId: " + id)
		end, _ := find("INFO END RequestId: " + id)
		if start < 0 || end < start {
			t.Errorf("invocation %d: START at %d, END at %d", n, start, end)
			continue
		}
		for _, k := range plan {
			if k != "big" {
				continue
			}
			// The line is logged in pieces (maxLogLine): its start, then
			// x's only, each under the invocation and before its END.
			head, pieces := fmt.Sprintf("INFO big %d x", n), 0
			for i, l := range lines {
				msg, got, ok := strings.Cut(l, " function=f requestId=")
				if !ok || got != id || !strings.HasPrefix(msg, head) && strings.Trim(strings.TrimPrefix(msg, "INFO "), "x") != "" {
					if ok && strings.HasPrefix(msg, head) {
						bad++
						t.Errorf("invocation %d (%v): its long line under %s (line %d), want %s", n, plan, got, i, id)
					}
					continue
				}
				pieces++
				if i < start || i > end {
					bad++
					t.Errorf("invocation %d (%v): a piece of its long line at line %d, outside its START (%d) and END (%d)", n, plan, i, start, end)
				}
			}
			if pieces < 2 {
				bad++
				t.Errorf("invocation %d (%v): %d pieces of its long line under it, want 2 or more", n, plan, pieces)
			}
		}
		for _, want := range attributionLines(n, plan) {
			prefix := "INFO " + want + " function=f requestId="
			count, where := 0, ""
			for i, l := range lines {
				if !strings.HasPrefix(l, prefix) {
					continue
				}
				count++
				got := strings.TrimPrefix(l, prefix)
				switch {
				case got != id:
					where = fmt.Sprintf("under %s (line %d), want %s", got, i, id)
				case i < start || i > end:
					where = fmt.Sprintf("at line %d, outside its START (%d) and END (%d)", i, start, end)
				}
			}
			if count != 1 {
				where = fmt.Sprintf("logged %d times", count)
			}
			if where != "" {
				bad++
				t.Errorf("invocation %d (%v): %q %s", n, plan, want, where)
			}
		}
	}
	if strings.Contains(strings.Join(lines, "\n"), "\x1e") {
		t.Error("an invocation mark reached the log")
	}
	if bad > 0 {
		short := make([]string, len(lines))
		for i, l := range lines {
			if len(l) > 200 {
				l = l[:100] + "…" + l[len(l)-100:]
			}
			short[i] = l
		}
		t.Logf("%d lines misplaced; log:\n%s", bad, strings.Join(short, "\n"))
	}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, ",")
}
