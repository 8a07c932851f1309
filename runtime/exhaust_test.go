//go:build linux

package runtime

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// The descriptor-exhaustion tests run the gateway in a child process (this
// test binary, re-executed) whose RLIMIT_NOFILE is low, and open more TCP
// connections than it has descriptors.

const childEnv = "CFNRUN_TEST_GATEWAY_CHILD"

// TestGatewayChild is the child's body; it is skipped in a normal run. It
// lowers RLIMIT_NOFILE (soft and hard, so that nothing raises it again),
// serves a MOCK route on a loopback port, prints "addr <host:port>" and
// serves until its stdin closes. Its log goes to stderr.
func TestGatewayChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("helper process for TestDescriptorExhaustion")
	}
	var nofile uint64
	var maxConns int
	if _, err := fmt.Sscanf(spec, "%d %d", &nofile, &maxConns); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: nofile, Max: nofile}); err != nil {
		t.Fatal(err)
	}
	b := newTB("exhaust", stage("prod", nil))
	b.method("/ok", "GET", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses:        []model.IntegrationResponse{{StatusCode: "200"}}})
	g, err := New(Config{Addr: "127.0.0.1:0", MaxConns: maxConns, ReadHeaderTimeout: time.Minute,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Load(b.build()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { io.Copy(io.Discard, os.Stdin); cancel() }()
	err = g.Serve(ctx, func(a map[string]string) { fmt.Printf("addr %s\n", a["http"]) })
	if err != nil {
		t.Fatal(err)
	}
}

// child is a running gateway process.
type child struct {
	addr  string
	stdin io.WriteCloser
	cmd   *exec.Cmd
	mu    sync.Mutex
	log   strings.Builder
	lines chan string
}

func startChild(t *testing.T, nofile uint64, maxConns int) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestGatewayChild$", "-test.v")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d", childEnv, nofile, maxConns))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{stdin: stdin, cmd: cmd, lines: make(chan string, 1024)}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("child log:\n%s", c.logs())
		}
	})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			c.mu.Lock()
			c.log.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			select {
			case c.lines <- sc.Text():
			default:
			}
		}
	}()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "addr "); ok {
			c.addr = a
			go io.Copy(io.Discard, stdout)
			return c
		}
	}
	t.Fatalf("the child gateway did not start: %s", c.logs())
	return nil
}

func (c *child) logs() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.log.String()
}

// waitLog waits for a log line containing s.
func (c *child) waitLog(t *testing.T, s string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for !strings.Contains(c.logs(), s) {
		select {
		case <-c.lines:
		case <-time.After(100 * time.Millisecond):
		case <-timeout:
			t.Fatalf("no log line with %q; log:\n%s", s, c.logs())
		}
	}
}

// flood opens n idle TCP connections to addr.
func flood(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", len(conns), err)
		}
		conns = append(conns, c)
	}
	return conns
}

func get(t *testing.T, url string) int {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestDescriptorExhaustion(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	// No connection limit: the child runs out of descriptors, and the
	// listener must come back once the connections close.
	t.Run("accept errors are retried", func(t *testing.T) {
		c := startChild(t, 64, -1)
		conns := flood(t, c.addr, 150)
		c.waitLog(t, "accepting a connection failed; retrying")
		if !strings.Contains(c.logs(), "out of file descriptors") {
			t.Errorf("the log line gives no hint:\n%s", c.logs())
		}
		for _, cn := range conns {
			cn.Close()
		}
		if code := get(t, "http://"+c.addr+"/prod/ok"); code != 200 {
			t.Errorf("after the flood: %d", code)
		}
	})
	// The default limit (half of 64 descriptors): idle connections are
	// closed, longest idle first, so a new client gets in while the
	// flood is still open.
	t.Run("max-conns closes the longest idle", func(t *testing.T) {
		c := startChild(t, 64, 0)
		c.waitLog(t, "maxConns="+strconv.Itoa(DefaultMaxConns(64)))
		conns := flood(t, c.addr, 150)
		defer func() {
			for _, cn := range conns {
				cn.Close()
			}
		}()
		if code := get(t, "http://"+c.addr+"/prod/ok"); code != 200 {
			t.Errorf("during the flood: %d", code)
		}
		c.waitLog(t, "client connection limit reached")
		// The first connection was idle the longest: it was closed.
		conns[0].SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := conns[0].Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("the longest-idle connection: read %v, want EOF", err)
		}
		if strings.Contains(c.logs(), "accepting a connection failed") {
			t.Errorf("the limit did not keep the gateway within its descriptors:\n%s", c.logs())
		}
	})
}

func TestDefaultMaxConns(t *testing.T) {
	for _, tc := range []struct {
		nofile uint64
		want   int
	}{{0, 32}, {64, 32}, {1024, 512}, {20000, 10000}, {1 << 20, 16384}} {
		if got := DefaultMaxConns(tc.nofile); got != tc.want {
			t.Errorf("DefaultMaxConns(%d) = %d, want %d", tc.nofile, got, tc.want)
		}
	}
}
