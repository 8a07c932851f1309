package lambda

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// helperEnv makes the test binary act as a function process (a Runtime API
// client written in Go) instead of running tests; its value is the mode.
const helperEnv = "CFNRUN_LAMBDA_TEST_RUNTIME"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helperRuntime(mode))
	}
	os.Exit(m.Run())
}

// helperCommand is Function.Command for a function served by the test
// binary in the given mode.
func helperCommand(t testing.TB, mode string) []string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return []string{"/usr/bin/env", helperEnv + "=" + mode, exe}
}

// helperRuntime is a Go Runtime API client. Modes:
//
//	echo     answer each event with itself
//	const    answer {"ok":true}
//	nonjson  answer the bytes "not json"
//	big      answer 7 MB
//	initerr  post /init/error and exit
//	initexit exit 3 before asking for work
//	errhdr   post /error with an empty body and only the error-type header
//	dropnext the first instance asks for work, drops the connection and
//	         exits; the others answer like const (MARKER names a file)
func helperRuntime(mode string) int {
	api := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	conn, err := net.Dial("tcp", api)
	if err != nil {
		return 2
	}
	br := bufio.NewReaderSize(conn, 64<<10)
	next := []byte("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: " + api + "\r\n\r\n")
	post := func(path string, body []byte, extra string) []byte {
		return append([]byte("POST /2018-06-01/runtime/"+path+" HTTP/1.1\r\nHost: "+api+
			"\r\nContent-Type: application/json\r\n"+extra+"Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"), body...)
	}
	switch mode {
	case "initexit":
		return 3
	case "initerr":
		conn.Write(post("init/error", []byte(`{"errorType":"Custom.InitBoom","errorMessage":"cannot start"}`), "Lambda-Runtime-Function-Error-Type: Custom.InitBoom\r\n"))
		readResponse(br)
		return 1
	}
	if mode == "dropnext" {
		// The first instance (no MARKER file yet) answers one
		// invocation, asks for the next on a connection it closes,
		// writes MARKER.closed and exits a little later; the others
		// answer like const.
		marker := os.Getenv("MARKER")
		if f, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err == nil {
			f.Close()
			conn.Write(next)
			h, _, ok := readResponse(br)
			if !ok {
				return 2
			}
			conn.Write(post("invocation/"+h["lambda-runtime-aws-request-id"]+"/response", []byte(`{"first":true}`), ""))
			readResponse(br)
			conn.Write(next)
			conn.Close()
			os.WriteFile(marker+".closed", nil, 0o644)
			time.Sleep(500 * time.Millisecond)
			return 1
		}
		mode = "const"
	}
	constBody := []byte(`{"ok":true}`)
	var big []byte
	if mode == "big" {
		big = bytes.Repeat([]byte("x"), 7<<20)
	}
	conn.Write(next)
	for {
		h, body, ok := readResponse(br)
		if !ok {
			return 0
		}
		id := h["lambda-runtime-aws-request-id"]
		var req []byte
		switch mode {
		case "echo":
			req = post("invocation/"+id+"/response", body, "")
		case "const":
			req = post("invocation/"+id+"/response", constBody, "")
		case "nonjson":
			req = post("invocation/"+id+"/response", []byte("not json"), "")
		case "big":
			req = post("invocation/"+id+"/response", big, "")
		case "errhdr":
			req = post("invocation/"+id+"/error", nil, "Lambda-Runtime-Function-Error-Type: Custom.HeaderOnly\r\n")
		default:
			return 2
		}
		conn.Write(append(req, next...))
		if _, _, ok := readResponse(br); !ok {
			return 0
		}
	}
}

// readResponse reads one HTTP/1.1 response with a Content-Length body.
func readResponse(br *bufio.Reader) (map[string]string, []byte, bool) {
	h := map[string]string{}
	status, err := br.ReadString('\n')
	if err != nil || len(status) < 12 {
		return nil, nil, false
	}
	h[":status"] = status[9:12]
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, nil, false
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		k, v, _ := strings.Cut(line, ":")
		h[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	n, _ := strconv.Atoi(h["content-length"])
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, nil, false
	}
	return h, body, true
}

// logBuffer is a slog handler that keeps every record, for tests to read.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
	bytes int64
	keep  bool
}

func (l *logBuffer) Enabled(context.Context, slog.Level) bool { return true }
func (l *logBuffer) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteString(" ")
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	})
	l.mu.Lock()
	l.bytes += int64(len(r.Message))
	if l.keep || len(l.lines) < 10000 {
		l.lines = append(l.lines, b.String())
	}
	l.mu.Unlock()
	return nil
}
func (l *logBuffer) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logBuffer) WithGroup(string) slog.Handler      { return l }

func (l *logBuffer) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// snapshot returns a copy of the log's lines as they are now, and a
// function giving the index of the first of them containing sub (-1 when
// none does).
func (l *logBuffer) snapshot() (lines []string, find func(sub string) int) {
	l.mu.Lock()
	lines = append([]string(nil), l.lines...)
	l.mu.Unlock()
	return lines, func(sub string) int {
		for i, line := range lines {
			if strings.Contains(line, sub) {
				return i
			}
		}
		return -1
	}
}

// handlerFor skips the test when runtime's interpreter is missing and
// returns the handler of the test functions written for it (app.handler
// for Python, index.handler for Node.js).
func handlerFor(t *testing.T, runtime string) string {
	t.Helper()
	if strings.HasPrefix(runtime, "python") {
		needPython(t)
		return "app.handler"
	}
	needNode(t)
	return "index.handler"
}

// waitLog waits until the log has a line containing every one of subs.
func (l *logBuffer) waitLog(t *testing.T, subs ...string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l.mu.Lock()
		for _, line := range l.lines {
			ok := true
			for _, s := range subs {
				if !strings.Contains(line, s) {
					ok = false
					break
				}
			}
			if ok {
				l.mu.Unlock()
				return line
			}
		}
		l.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q in:\n%s", subs, l.text())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// newTestService returns a Service that is closed when the test ends.
func newTestService(t testing.TB, cfg Config) (*Service, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(logs)
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = t.TempDir()
	}
	s := New(context.Background(), cfg)
	t.Cleanup(func() { s.Close() })
	return s, logs
}

// writeFiles writes name → content under dir (names use forward slashes).
func writeFiles(t testing.TB, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if filepath.Base(p) == "bootstrap" {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func needNode(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
}

func needPython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
}

// load loads fns into s or fails the test.
func load(t testing.TB, s *Service, fns ...Function) {
	t.Helper()
	if err := s.Load(fns); err != nil {
		t.Fatal(err)
	}
}

// invoke invokes name with payload, failing the test on an *Error.
func invoke(t testing.TB, s *Service, name, payload string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := s.Invoke(ctx, name, []byte(payload), InvokeOptions{})
	if err != nil {
		t.Fatalf("Invoke(%s): %v", name, err)
	}
	return res
}

// processAlive reports whether pid is a live (not zombie) process.
func processAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ...
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}
