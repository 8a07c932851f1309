package lambda

import (
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSyncLogsSeesBytesInFlight: syncLogs (END waits on it) must not take
// a drained pipe for a logged output while the pump holds bytes it has
// taken out of the pipe but not counted yet: a pump descheduled between
// its read and its count (as happens on a busy machine) had a function's
// last lines logged after END, under the next invocation's request id.
func TestSyncLogsSeesBytesInFlight(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	var out syncBuffer
	in := &instance{fn: &function{s: &Service{log: slog.New(slog.NewTextHandler(&out, nil))}, name: "fn"},
		exited: make(chan struct{})}
	in.logs.pipe = pr
	in.logs.syncs = make(chan logSync, 4)
	taken, release := make(chan struct{}), make(chan struct{})
	first := true
	in.logs.readHook = func() {
		if first { // only the pump's goroutine runs the hook
			first = false
			close(taken)
			<-release
		}
	}
	id := "the-request"
	in.logID.Store(&id)
	go in.pump()
	if _, err := pw.Write([]byte("the function's last line\n")); err != nil {
		t.Fatal(err)
	}
	<-taken // the line is out of the pipe, not counted yet
	synced := make(chan struct{})
	go func() {
		in.syncLogs(id)
		close(synced)
	}()
	select {
	case <-synced:
		close(release)
		t.Fatal("syncLogs returned while the pump held output it had not logged")
	case <-time.After(200 * time.Millisecond):
		// syncLogs waits for the pump, as it should (no failure can come
		// from this wait being short: the hook holds the pump either way).
	}
	close(release)
	<-synced
	want := `msg="the function's last line" function=fn requestId=the-request`
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the line was not logged as %s:\n%s", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
