package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeCalls records each Write it gets.
type writeCalls struct {
	mu    sync.Mutex
	calls [][]byte
}

func (w *writeCalls) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, bytes.Clone(p))
	return len(p), nil
}

// TestFlushWriterWholeRecords: the log buffer hands the file whole lines
// only, so that up's other messages on the same stderr never land inside
// one (a REPORT line was cut by "interrupted by SIGTERM" when the 64 KiB
// buffer filled mid-line).
func TestFlushWriterWholeRecords(t *testing.T) {
	var out writeCalls
	f := newFlushWriter(&out, time.Hour)
	var want strings.Builder
	for i := range 3000 {
		line := strings.Repeat("x", 20+i%200) + "\n"
		want.WriteString(line)
		if _, err := f.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for i, c := range out.calls {
		if len(c) == 0 || c[len(c)-1] != '\n' {
			t.Fatalf("write %d of %d does not end a line: ...%q", i, len(out.calls), c[max(0, len(c)-20):])
		}
		got.Write(c)
	}
	if got.String() != want.String() {
		t.Errorf("the lines written differ from the lines given")
	}
	if len(out.calls) < 2 {
		t.Errorf("%d writes: the test wants the buffer to fill", len(out.calls))
	}
}

// TestFlushWriterAfter: up's own messages, on stdout or stderr, come after
// the log lines buffered before them ("cfnrun up: interrupted by SIGTERM:
// finishing in-flight requests" came before the last function lines when
// both went to one file).
func TestFlushWriterAfter(t *testing.T) {
	var out writeCalls
	f := newFlushWriter(&out, time.Hour)
	msgs := f.after(&out)
	for _, w := range []struct {
		to   interface{ Write([]byte) (int, error) }
		line string
	}{{f, "START\n"}, {f, "a function's line\n"}, {msgs, "cfnrun up: interrupted\n"}, {f, "END\n"}, {msgs, "cfnrun up: stopped\n"}} {
		if _, err := w.to.Write([]byte(w.line)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for _, c := range out.calls {
		got.Write(c)
	}
	if want := "START\na function's line\ncfnrun up: interrupted\nEND\ncfnrun up: stopped\n"; got.String() != want {
		t.Errorf("written:\n%s\nwant:\n%s", got.String(), want)
	}
}
