package lambda

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAppendLogLine: the START, END and REPORT lines the service formats
// itself (Config.LogOutput) are byte for byte what slog's TextHandler and
// JSONHandler with default options write for the same record, and what it
// cannot format exactly it leaves to the handler.
func TestAppendLogLine(t *testing.T) {
	id := "8c5a3b9e-1f2d-4e6a-9b7c-0d1e2f3a4b5c"
	msgs := []string{
		"START RequestId: " + id + " Version: $LATEST",
		"END RequestId: " + id,
		"REPORT RequestId: " + id + "\tDuration: 0.45 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 84 MB",
		"REPORT RequestId: " + id + "\tDuration: 3001.00 ms\tStatus: error\tError Type: Runtime.\"Odd\\Type\"=<&>",
		`a=b`, `back\slash`, `"quoted"`, "tab\tonly", "", "~!@#%^&*()_+{}|:<>?[];',./`",
	}
	names := []string{"Hello", "my-fn_1", "with space", "a=b", `q"uote`, `back\slash`, ""}
	ist := time.FixedZone("IST", 5*3600+1800)
	times := []time.Time{
		time.Date(2026, 12, 2, 17, 39, 44, 123456789, time.UTC),
		time.Date(2026, 12, 2, 17, 39, 44, 0, time.UTC),
		time.Date(2026, 12, 2, 17, 39, 44, 100000000, ist),
		time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.Local),
		time.Now(),
	}
	st := &logStamp{}
	for _, json := range []bool{false, true} {
		for _, tm := range times {
			for _, name := range names {
				for _, msg := range msgs {
					var want bytes.Buffer
					var h slog.Handler = slog.NewTextHandler(&want, nil)
					if json {
						h = slog.NewJSONHandler(&want, nil)
					}
					r := slog.NewRecord(tm, slog.LevelInfo, msg, 0)
					r.AddAttrs(slog.String("function", name), slog.String("requestId", id))
					if err := h.Handle(context.Background(), r); err != nil {
						t.Fatal(err)
					}
					got, ok := appendLogLine(nil, json, tm, name, id, msg, nil)
					if !ok {
						t.Errorf("json=%v %q %q: not formatted", json, name, msg)
						continue
					}
					if string(got) != want.String() {
						t.Errorf("json=%v:\n got %s\nwant %s", json, got, want.String())
					}
					// Twice through a time cache shared by every line
					// (a hit the second time, a miss after another time).
					for range 2 {
						if got, _ := appendLogLine(nil, json, tm, name, id, msg, st); string(got) != want.String() {
							t.Errorf("json=%v, time cache:\n got %s\nwant %s", json, got, want.String())
						}
					}
				}
			}
		}
	}
	for _, odd := range []string{"caf\u00e9", "new\nline", "nul\x00", "del\x7f", "cr\r"} {
		if b, ok := appendLogLine(nil, false, times[0], "Hello", id, odd, nil); ok || len(b) != 0 {
			t.Errorf("%q formatted (%q); want it left to the handler", odd, b)
		}
		if _, ok := appendLogLine(nil, true, times[0], odd, id, "END", nil); ok {
			t.Errorf("function %q formatted; want it left to the handler", odd)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogOutput: with Config.LogOutput, a function's START, its output,
// END and REPORT reach the writer in that order, in the handler's format,
// for the text and the JSON handler.
func TestLogOutput(t *testing.T) {
	needNode(t)
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"log.js": `exports.handler = async (e) => { console.log("hello from " + e.who); return 1; };`,
	})
	for _, json := range []bool{false, true} {
		var out syncBuffer
		var h slog.Handler = slog.NewTextHandler(&out, nil)
		if json {
			h = slog.NewJSONHandler(&out, nil)
		}
		s, _ := newTestService(t, Config{Logger: slog.New(h), LogOutput: &out, LogJSON: json})
		load(t, s, Function{Name: "fn", Runtime: "nodejs20.x", Handler: "log.handler", CodeDir: dir})
		for range 2 {
			res := invoke(t, s, "fn", `{"who":"the test"}`)
			var want []string
			for _, msg := range []string{"START RequestId: " + res.RequestID + " Version: $LATEST",
				"END RequestId: " + res.RequestID, "REPORT RequestId: " + res.RequestID + "\tDuration: "} {
				if json {
					want = append(want, `"level":"INFO","msg":"`+strings.ReplaceAll(msg, "\t", `\t`))
				} else {
					want = append(want, `level=INFO msg="`+strings.ReplaceAll(msg, "\t", `\t`))
				}
			}
			// The function's output: END waits for it only briefly (a
			// starved pump may log it later), so only its presence counts.
			output := `msg="hello from the test"`
			if json {
				output = `"msg":"hello from the test"`
			}
			deadline := time.Now().Add(10 * time.Second)
			var lines []string
			for {
				lines = lines[:0]
				for _, l := range strings.Split(out.String(), "\n") {
					if strings.Contains(l, res.RequestID) && !strings.Contains(l, output) {
						lines = append(lines, l)
					}
				}
				if strings.Contains(out.String(), output) || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(out.String(), output) {
				t.Errorf("json=%v: no %s in the log:\n%s", json, output, out.String())
			}
			if len(lines) != len(want) {
				t.Fatalf("json=%v: %d service lines with the request id, want %d:\n%s", json, len(lines), len(want), strings.Join(lines, "\n"))
			}
			for i, l := range lines {
				if !strings.Contains(l, want[i]) || !strings.Contains(l, "function") || !strings.Contains(l, "fn") {
					t.Errorf("json=%v: line %d = %s\nwant it to contain %s and the function", json, i, l, want[i])
				}
			}
		}
	}
}

// BenchmarkLogLine: one REPORT line through slog's TextHandler (as Logger
// writes it) and formatted by the service (Config.LogOutput).
//
//	go test -run '^$' -bench LogLine ./runtime/lambda/
func BenchmarkLogLine(b *testing.B) {
	id := "8c5a3b9e-1f2d-4e6a-9b7c-0d1e2f3a4b5c"
	msg := "REPORT RequestId: " + id + "\tDuration: 0.45 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 84 MB"
	b.Run("slog", func(b *testing.B) {
		l := slog.New(slog.NewTextHandler(io.Discard, nil))
		b.ReportAllocs()
		for b.Loop() {
			l.LogAttrs(context.Background(), slog.LevelInfo, msg, slog.String("function", "Hello"), slog.String("requestId", id))
		}
	})
	b.Run("service", func(b *testing.B) {
		buf := make([]byte, 0, 512)
		st := &logStamp{}
		b.ReportAllocs()
		for b.Loop() {
			buf, _ = appendLogLine(buf[:0], false, time.Now(), "Hello", id, msg, st)
			_, _ = io.Discard.Write(buf)
		}
	})
}

// TestOnProcesses: Config.OnProcesses hears true when the first function
// process starts and false once the last has ended, and nothing between.
func TestOnProcesses(t *testing.T) {
	needNode(t)
	dir := writeFiles(t, t.TempDir(), map[string]string{"index.js": `exports.handler = async () => 1;`})
	var mu sync.Mutex
	var calls []bool
	s, _ := newTestService(t, Config{Concurrency: 2, OnProcesses: func(running bool) {
		mu.Lock()
		calls = append(calls, running)
		mu.Unlock()
	}})
	load(t, s, Function{Name: "a", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir},
		Function{Name: "b", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir})
	invoke(t, s, "a", `{}`)
	invoke(t, s, "b", `{}`)
	mu.Lock()
	got := append([]bool(nil), calls...)
	mu.Unlock()
	if len(got) != 1 || !got[0] {
		t.Fatalf("after two functions started: calls %v, want [true]", got)
	}
	s.Close()
	mu.Lock()
	got = append([]bool(nil), calls...)
	mu.Unlock()
	if len(got) != 2 || got[1] {
		t.Fatalf("after Close: calls %v, want [true false]", got)
	}
}
