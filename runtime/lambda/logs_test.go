package lambda

import (
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

// TestEndReadsThePipe: END logs the invocation's output before itself
// whatever the pump's goroutine is doing (here it never runs, as when it is
// descheduled on a busy machine): the runtime wrote that output before its
// answer, and END reads what the pipe holds. Before, END waited for the
// pump at most 100 ms and skipped the wait for an answer that said the
// bootstrap had written nothing, so output written around the bootstrap's
// streams (a child process, a write to fd 1) came after END, or under the
// next invocation's request id.
func TestEndReadsThePipe(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	var out syncBuffer
	in := &instance{fn: &function{s: &Service{log: slog.New(slog.NewTextHandler(&out, nil))}, name: "fn"},
		exited: make(chan struct{})}
	in.logs.pipe = pr
	in.logs.buf = make([]byte, maxLogLine)
	in.logs.resume = make(chan struct{}, 1)
	var ok bool
	if in.logs.rc, in.logs.fd, ok = rawPipe(pr); !ok {
		t.Skip("END does not read the pipe on this system")
	}
	inv := &invocation{id: "the-request"}
	in.beginLog(inv, false)
	if _, err := pw.Write([]byte("a child's line\nthe last line, unterminated")); err != nil {
		t.Fatal(err)
	}
	in.endLog(inv, &Result{}, true, time.Now())
	var msgs []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		_, msg, _ := strings.Cut(l, "msg=")
		msgs = append(msgs, msg)
	}
	want := []string{
		`"START RequestId: the-request Version: $LATEST" function=fn requestId=the-request`,
		`"a child's line" function=fn requestId=the-request`,
		`"the last line, unterminated" function=fn requestId=the-request`,
		`"END RequestId: the-request" function=fn requestId=the-request`,
	}
	if len(msgs) < len(want)+1 || strings.Join(msgs[:len(want)], "\n") != strings.Join(want, "\n") ||
		!strings.HasPrefix(msgs[len(want)], `"REPORT RequestId: the-request`) {
		t.Errorf("log:\n%s\nwant:\n%s\n(then REPORT)", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
}
