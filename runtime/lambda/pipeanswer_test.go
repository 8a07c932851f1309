package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Answers through the output pipe (answerPrefix): cfnrun's Node bootstrap
// writes small responses to its pipe and posts errors and large responses
// to the Runtime API, while it runs events ahead. Whichever way each
// answer goes, every invocation gets its own answer once, its output is
// logged under it between its START and END, and the answers taken from
// the socket wait for those before them in the pipe (awaitCurrent).
func TestPipeAnswers(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) { testPipeAnswers(t, rt) })
	}
}

func testPipeAnswers(t *testing.T, runtime string) {
	handler, errType := "index.handler", "Error"
	if strings.HasPrefix(runtime, "python") {
		needPython(t)
		handler, errType = "app.handler", "Exception"
	} else {
		needNode(t)
	}
	s, logs := newTestService(t, Config{Concurrency: 1})
	logs.keep = true
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"index.js": `const cp = require("child_process");
exports.handler = async (e) => {
  switch (e.n % 5) {
  case 1:
    console.log("log", e.n);
    process.stdout.write("raw " + e.n); // no newline
    break;
  case 2: // over PIPE_BUF in bytes, not in characters: the Runtime API
    return { n: e.n, big: "\u00e9".repeat(3000) };
  case 3:
    throw new Error("fail " + e.n);
  case 4:
    console.error("log", e.n);
    cp.execSync("echo child " + e.n, { stdio: "inherit" });
    break;
  }
  if (e.n % 7 === 0) await new Promise((r) => setTimeout(r, 2));
  return { n: e.n, s: "\u00fc\u20ac" };
};`,
		"app.py": `import subprocess, sys, time

def handler(e, ctx):
    n = e["n"]
    k = n % 5
    if k == 1:
        print("log", n)
        sys.stdout.write("raw %d" % n)  # no newline
    elif k == 2:
        return {"n": n, "big": "\u00e9" * 3000}
    elif k == 3:
        raise Exception("fail %d" % n)
    elif k == 4:
        sys.stderr.write("log %d\n" % n)
        sys.stderr.flush()
        subprocess.run("echo child %d" % n, shell=True, check=True)
    if n % 7 == 0:
        time.sleep(0.002)
    return {"n": n, "s": "\u00fc\u20ac"}
`,
	})
	load(t, s, Function{Name: "f", Runtime: runtime, Handler: handler, CodeDir: dir, Timeout: 30 * time.Second})
	fn := s.lookup("f")
	fn.aheadMax, fn.recallAfter = time.Hour, time.Hour
	invoke(t, s, "f", `{"n":0}`)
	const total = 100
	ids := make([]string, total+1)
	var wg sync.WaitGroup
	for n := 1; n <= total; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := s.Invoke(ctx, "f", []byte(fmt.Sprintf(`{"n":%d}`, n)), InvokeOptions{})
			if err != nil {
				t.Errorf("invocation %d: %v", n, err)
				return
			}
			ids[n] = res.RequestID
			var out struct {
				N   int    `json:"n"`
				S   string `json:"s"`
				Big string `json:"big"`
			}
			switch {
			case n%5 == 3:
				if res.FunctionError == "" || res.ErrorType != errType || !strings.Contains(string(res.Payload), "fail "+strconv.Itoa(n)) {
					t.Errorf("invocation %d: %q %q %s, want its Error", n, res.FunctionError, res.ErrorType, res.Payload)
				}
			case res.FunctionError != "":
				t.Errorf("invocation %d: %s %s", n, res.FunctionError, res.Payload)
			case json.Unmarshal(res.Payload, &out) != nil || out.N != n:
				t.Errorf("invocation %d answered %.200s", n, res.Payload)
			case n%5 == 2 && out.Big != strings.Repeat("\u00e9", 3000):
				t.Errorf("invocation %d: the large answer came back as %d bytes", n, len(out.Big))
			case n%5 != 2 && out.S != "\u00fc\u20ac":
				t.Errorf("invocation %d: s = %q", n, out.S)
			}
		}()
	}
	wg.Wait()
	st := fn.stats()
	piped := fn.piped.Load()
	t.Logf("stats %+v, %d answers through the pipe", st, piped)
	if piped < total/3 || st.aheads == 0 || st.peak != 1 {
		t.Errorf("stats %+v, %d answers through the pipe: want most small answers there, events ahead, one instance", st, piped)
	}
	if t.Failed() {
		t.Logf("log:\n%s", logs.text())
		return
	}
	logs.waitLog(t, "END RequestId: "+ids[total])
	lines, find := logs.snapshot()
	for n := 1; n <= total; n++ {
		id := ids[n]
		start, end := find("START RequestId: "+id), find("END RequestId: "+id)
		if start < 0 || end < start {
			t.Errorf("invocation %d: START at %d, END at %d", n, start, end)
			continue
		}
		var outs []string
		switch n % 5 {
		case 1:
			outs = []string{"INFO log " + strconv.Itoa(n) + " ", "INFO raw " + strconv.Itoa(n) + " "}
		case 4:
			outs = []string{"INFO log " + strconv.Itoa(n) + " ", "INFO child " + strconv.Itoa(n) + " "}
		}
		for _, out := range outs {
			i := find(out)
			switch {
			case i < 0:
				t.Errorf("no line %q", out)
			case !strings.HasSuffix(lines[i], "requestId="+id):
				t.Errorf("%q logged as %q, want requestId=%s", out, lines[i], id)
			case i < start || i > end:
				t.Errorf("%q at line %d, outside its invocation's START (%d) and END (%d)", out, i, start, end)
			}
		}
	}
	if text := strings.Join(lines, "\n"); strings.Contains(text, "\x1e") || strings.Contains(text, "not running") {
		t.Error("a mark or frame reached the log, or an answer was refused")
	}
	if t.Failed() {
		t.Logf("log:\n%s", strings.Join(lines, "\n"))
	}
}

// Large events to a function that writes much output: the pump, which
// takes the answers from the pipe and hands out the next events, must not
// wait for the runtime to read an event while the runtime waits for the
// pump to read its output (the socket's and the pipe's buffers both full).
func TestPipeAnswersLargeEvents(t *testing.T) {
	needNode(t)
	s, logs := newTestService(t, Config{Concurrency: 1})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"index.js": `exports.handler = async (e) => {
  for (let i = 0; i < 4; i++) console.log(e.n + " " + "x".repeat(100000));
  return { n: e.n, len: e.pad.length };
};`,
	})
	load(t, s, Function{Name: "f", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir, Timeout: 60 * time.Second})
	s.lookup("f").aheadMax, s.lookup("f").recallAfter = time.Hour, time.Hour
	pad := strings.Repeat("p", 1<<20)
	invoke(t, s, "f", `{"n":0,"pad":""}`)
	var wg sync.WaitGroup
	for n := 1; n <= 12; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := s.Invoke(ctx, "f", []byte(fmt.Sprintf(`{"n":%d,"pad":%q}`, n, pad)), InvokeOptions{})
			var out struct{ N, Len int }
			switch {
			case err != nil:
				t.Errorf("invocation %d: %v", n, err)
			case res.FunctionError != "" || json.Unmarshal(res.Payload, &out) != nil || out.N != n || out.Len != len(pad):
				t.Errorf("invocation %d: %s %.200s", n, res.FunctionError, res.Payload)
			}
		}()
	}
	wg.Wait()
	if st := s.lookup("f").stats(); st.aheads == 0 {
		t.Errorf("stats %+v: want events handed ahead", st)
	}
	_ = logs
}
