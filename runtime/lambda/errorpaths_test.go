package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// One test per way a function can fail: each gives Lambda's error document,
// only its own invocation fails, and the next invocation is served.
func TestErrorPaths(t *testing.T) {
	needNode(t)
	s, logs := newTestService(t, Config{})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app.js": `
exports.ok = async () => "ok";
exports.fail = async () => { throw new Error("function error"); };
exports.slow = async (e) => { await new Promise(r => setTimeout(r, e.ms)); return "finished"; };
exports.crash = async (e) => { if (e.crash) process.exit(3); return "alive"; };
exports.hang = (e) => { if (e.hang) { for (;;) {} } return Promise.resolve("not hanging"); };
exports.loud = async (e) => {
  const line = "x".repeat(1023) + "\n";
  const chunk = line.repeat(1024); // 1 MiB
  for (let i = 0; i < e.mib; i++) {
    if (!process.stdout.write(chunk)) await new Promise(r => process.stdout.once("drain", r));
  }
  return "printed";
};
exports.noNewline = async (e) => {
  const chunk = "y".repeat(1 << 20);
  for (let i = 0; i < e.mib; i++) {
    if (!process.stdout.write(chunk)) await new Promise(r => process.stdout.once("drain", r));
  }
  process.stdout.write("\n");
  return "printed";
};
`,
		"initexit.js": "process.exit(2);",
	})
	fn := func(name, handler string) Function {
		return Function{Name: name, Runtime: "nodejs20.x", Handler: handler, CodeDir: dir, Timeout: time.Second}
	}
	slow := func(f Function) Function { f.Timeout = 5 * time.Minute; return f }
	load(t, s, fn("ok", "app.ok"), fn("fail", "app.fail"), fn("slow", "app.slow"), fn("crash", "app.crash"),
		fn("hang", "app.hang"), slow(fn("loud", "app.loud")), slow(fn("noNewline", "app.noNewline")), fn("initexit", "initexit.handler"),
		Function{Name: "nonjson", Command: helperCommand(t, "nonjson")},
		Function{Name: "big", Command: helperCommand(t, "big")},
		Function{Name: "errhdr", Command: helperCommand(t, "errhdr")},
		Function{Name: "initerr", Command: helperCommand(t, "initerr")},
		Function{Name: "helperexit", Command: helperCommand(t, "initexit")},
	)

	t.Run("function error", func(t *testing.T) {
		checkErrorDoc(t, invoke(t, s, "fail", `{}`), "Error", "function error")
		checkErrorDoc(t, invoke(t, s, "fail", `{}`), "Error", "function error")
	})
	t.Run("timeout", func(t *testing.T) {
		res := invoke(t, s, "slow", `{"ms":5000}`)
		doc := checkErrorDoc(t, res, "Sandbox.Timedout", "Task timed out after 1.00 seconds")
		if !res.TimedOut || !strings.Contains(doc["errorMessage"].(string), "RequestId: "+res.RequestID) {
			t.Errorf("TimedOut %v, document %v", res.TimedOut, doc)
		}
		logs.waitLog(t, "REPORT RequestId: "+res.RequestID, "Status: timeout")
		if res := invoke(t, s, "slow", `{"ms":1}`); string(res.Payload) != `"finished"` {
			t.Errorf("after the timeout: %s", res.Payload)
		}
	})
	t.Run("hang", func(t *testing.T) {
		res := invoke(t, s, "hang", `{"hang":true}`)
		checkErrorDoc(t, res, "Sandbox.Timedout", "Task timed out")
		if res := invoke(t, s, "hang", `{}`); string(res.Payload) != `"not hanging"` {
			t.Errorf("after the hang: %s %s", res.FunctionError, res.Payload)
		}
	})
	t.Run("crash", func(t *testing.T) {
		if res := invoke(t, s, "crash", `{}`); string(res.Payload) != `"alive"` {
			t.Fatalf("warm-up: %s", res.Payload)
		}
		res := invoke(t, s, "crash", `{"crash":true}`)
		checkErrorDoc(t, res, "Runtime.ExitError", "Runtime exited with error: exit status 3")
		logs.waitLog(t, "REPORT RequestId: "+res.RequestID, "Status: error", "Error Type: Runtime.ExitError")
		if res := invoke(t, s, "crash", `{}`); string(res.Payload) != `"alive"` {
			t.Errorf("after the crash: %s %s", res.FunctionError, res.Payload)
		}
	})
	t.Run("exit during init", func(t *testing.T) {
		res := invoke(t, s, "initexit", `{}`)
		checkErrorDoc(t, res, "Runtime.ExitError", "exit status 2")
		if res.InitDuration <= 0 {
			t.Errorf("InitDuration = %v", res.InitDuration)
		}
		logs.waitLog(t, "INIT_REPORT Init Duration:", "Status: error", "Error Type: Runtime.ExitError")
		res = invoke(t, s, "helperexit", `{}`)
		checkErrorDoc(t, res, "Runtime.ExitError", "exit status 3")
	})
	t.Run("init error from a custom runtime", func(t *testing.T) {
		checkErrorDoc(t, invoke(t, s, "initerr", `{}`), "Custom.InitBoom", "cannot start")
	})
	t.Run("error with only the error-type header", func(t *testing.T) {
		checkErrorDoc(t, invoke(t, s, "errhdr", `{}`), "Custom.HeaderOnly", "Custom.HeaderOnly")
	})
	t.Run("non-JSON body", func(t *testing.T) {
		// Lambda passes any bytes through; API Gateway is the one that
		// cannot read them.
		res := invoke(t, s, "nonjson", `{}`)
		if res.FunctionError != "" || string(res.Payload) != "not json" {
			t.Errorf("got %q %q", res.FunctionError, res.Payload)
		}
	})
	t.Run("response too large", func(t *testing.T) {
		res := invoke(t, s, "big", `{}`)
		checkErrorDoc(t, res, "Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes).")
	})
	t.Run("request too large", func(t *testing.T) {
		_, err := s.Invoke(context.Background(), "ok", make([]byte, MaxRequestBytes+1), InvokeOptions{})
		var e *Error
		if !errors.As(err, &e) || e.Type != TypeTooLarge || e.Status != 413 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("100 MB of output", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short")
		}
		for _, name := range []string{"loud", "noNewline"} {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			res, err := s.Invoke(ctx, name, []byte(`{"mib":100}`), InvokeOptions{})
			cancel()
			if err != nil || string(res.Payload) != `"printed"` {
				t.Fatalf("%s: %v %s", name, err, res.Payload)
			}
			runtime.ReadMemStats(&after)
			// The log keeps at most 10000 lines (logBuffer); what matters
			// is that nothing buffers the output as a whole.
			if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 40<<20 {
				t.Errorf("%s: heap grew by %d MB while the function printed 100 MB", name, grown>>20)
			}
			if res := invoke(t, s, "ok", `{}`); string(res.Payload) != `"ok"` {
				t.Errorf("the service stopped serving: %s", res.Payload)
			}
		}
		logs.mu.Lock()
		total := logs.bytes
		logs.mu.Unlock()
		if total < 190<<20 {
			t.Errorf("logged %d bytes of the 200 MB printed", total)
		}
	})
	t.Run("unknown function", func(t *testing.T) {
		_, err := s.Invoke(context.Background(), "nope", nil, InvokeOptions{})
		var e *Error
		if !errors.As(err, &e) || e.Type != TypeNotFound || e.Status != 404 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("the service still serves", func(t *testing.T) {
		if res := invoke(t, s, "ok", `{}`); string(res.Payload) != `"ok"` {
			t.Errorf("got %s", res.Payload)
		}
	})
}

func TestNotServed(t *testing.T) {
	s, _ := newTestService(t, Config{})
	load(t, s,
		Function{Name: "java", Runtime: "java21", Handler: "example.Handler::handleRequest", CodeDir: t.TempDir()},
		Function{Name: "image", CodeDir: t.TempDir()},
		Function{Name: "ruby", Runtime: "ruby3.3", Handler: "app.handler", CodeDir: t.TempDir()},
	)
	for _, name := range []string{"java", "image", "ruby"} {
		_, err := s.Invoke(context.Background(), name, []byte(`{}`), InvokeOptions{})
		if !IsNotServed(err) || !strings.Contains(err.Error(), "--lambda "+name+"=URL") || !strings.Contains(err.Error(), "--lambda "+name+"=COMMAND") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if Served("java21") || !Served("nodejs20.x") || !Served("python3.13") || !Served("provided.al2023") || !Served("go1.x") {
		t.Error("Served disagrees with the runtimes cfnrun runs")
	}
}

func TestNoCode(t *testing.T) {
	s, _ := newTestService(t, Config{})
	load(t, s,
		Function{Name: "gone", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: "/nonexistent/cfnrun/code"},
		Function{Name: "none", Runtime: "nodejs20.x", Handler: "index.handler"},
		Function{Name: "nobootstrap", Runtime: "provided.al2023", Handler: "x", CodeDir: t.TempDir()},
		Function{Name: "nogo", Runtime: "go1.x", Handler: "main", CodeDir: t.TempDir()},
	)
	for _, name := range []string{"gone", "none"} {
		_, err := s.Invoke(context.Background(), name, []byte(`{}`), InvokeOptions{})
		var e *Error
		if !errors.As(err, &e) || e.Type != TypeService {
			t.Errorf("%s: %v", name, err)
		}
	}
	res := invoke(t, s, "nobootstrap", `{}`)
	checkErrorDoc(t, res, "Runtime.InvalidEntrypoint", "Couldn't find valid bootstrap(s)")
	res = invoke(t, s, "nogo", `{}`)
	checkErrorDoc(t, res, "Runtime.InvalidEntrypoint", "no such file or directory")
	var doc map[string]string
	json.Unmarshal(res.Payload, &doc)
	if !strings.HasPrefix(doc["errorMessage"], "RequestId: "+res.RequestID+" Error: ") {
		t.Errorf("errorMessage = %q", doc["errorMessage"])
	}
}

// An invocation handed to an instance whose runtime asked for work but ends
// before fetching it did not run: it runs on another instance instead of
// failing with Runtime.ExitError (only an invocation the runtime took
// fails so).
func TestUnfetchedInvocationRunsElsewhere(t *testing.T) {
	s, _ := newTestService(t, Config{})
	marker := filepath.Join(t.TempDir(), "marker")
	load(t, s, Function{Name: "f", Command: helperCommand(t, "dropnext"), Environment: map[string]string{"MARKER": marker}, Timeout: 30 * time.Second})
	if res := invoke(t, s, "f", `{}`); string(res.Payload) != `{"first":true}` {
		t.Fatalf("first invocation: %s %s", res.FunctionError, res.Payload)
	}
	// Wait until the instance asked for work on a connection that is now
	// closed: it is idle, and no runtime will fetch what it is given.
	fn := s.lookup("f")
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := os.Stat(marker + ".closed")
		fn.mu.Lock()
		ready := err == nil && len(fn.idle) == 1
		if ready {
			in := fn.idle[0]
			in.mu.Lock()
			ready = len(in.pollers) == 0
			in.mu.Unlock()
		}
		fn.mu.Unlock()
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first instance did not drop its connection")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for i := 0; i < 3; i++ {
		if res := invoke(t, s, "f", `{}`); res.FunctionError != "" || string(res.Payload) != `{"ok":true}` {
			t.Fatalf("invocation %d: %s %s", i, res.FunctionError, res.Payload)
		}
	}
}
