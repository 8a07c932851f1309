package tf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// TestFileFunctionsBounded checks that file functions read regular files
// only and at most maxFileBytes: /dev/zero, a FIFO nobody writes to, a
// directory and a huge (sparse) file are findings, not an endless read,
// a blocked load or an out-of-memory crash.
func TestFileFunctionsBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(dir, "ok.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ expr, want string }{
		{`file("/dev/zero")`, "is not a regular file (a device)"},
		{`filebase64("/dev/zero")`, "is not a regular file (a device)"},
		{`filesha256("/dev/zero")`, "is not a regular file (a device)"},
		{`file("pipe")`, "is not a regular file (a named pipe)"},
		{`templatefile("pipe", {})`, "is not a regular file (a named pipe)"},
		{`file("huge.json")`, "cfnrun's file functions read at most"},
		{`file("sub")`, "is not a regular file (a directory)"},
		{`fileexists("sub")`, "is not a regular file, but a directory"},
		{`fileexists("/dev/zero")`, "is not a regular file, but a device"},
	}
	var src strings.Builder
	for i, c := range cases {
		src.WriteString("output \"o" + string(rune('a'+i)) + "\" {\n  value = " + c.expr + "\n}\n")
	}
	src.WriteString(`output "fine" {
  value = "${file("ok.txt")} ${fileexists("ok.txt")} ${fileexists("nope.txt")} ${filemd5("ok.txt")}"
}
`)
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	type result struct {
		ds   diag.Diagnostics
		fine string
	}
	done := make(chan result, 1)
	go func() {
		m, ds := Load(context.Background(), []string{dir}, Options{}, diag.NewFiles())
		r := result{ds: ds}
		for _, o := range m.Outputs {
			if o.Name == "fine" {
				r.fine = o.Value
			}
		}
		done <- r
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(time.Minute):
		t.Fatal("Load blocked on a file function")
	}
	checkDeclared(t, res.ds)
	for i, c := range cases {
		line := 2 + 3*i
		found := false
		for _, d := range res.ds {
			if d.Range.Start.Line == line && strings.Contains(d.Detail+d.Summary, c.want) {
				found = true
				if d.Severity != diag.Error {
					t.Errorf("%s: severity %s, want error", c.expr, d.Severity)
				}
			}
		}
		if !found {
			t.Errorf("%s: no finding at line %d containing %q; got %v", c.expr, line, c.want, res.ds)
		}
	}
	if want := "hello true false 5d41402abc4b2a76b9719d911017c592"; res.fine != want {
		t.Errorf("fine = %q, want %q", res.fine, want)
	}
}
