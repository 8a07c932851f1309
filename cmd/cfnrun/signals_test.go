package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigTemplate writes a CloudFormation template of n path resources and
// methods, each with a !Sub URI: several seconds of resolving and checking.
func bigTemplate(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: big}\n")
	for i := range n {
		fmt.Fprintf(&b, "  R%d:\n    Type: AWS::ApiGateway::Resource\n    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: p%d}\n", i, i)
		fmt.Fprintf(&b, "  M%d:\n    Type: AWS::ApiGateway::Method\n    Properties: {RestApiId: !Ref Api, ResourceId: !Ref R%d, HttpMethod: GET, AuthorizationType: NONE, "+
			"Integration: {Type: HTTP_PROXY, IntegrationHttpMethod: GET, Uri: !Sub 'http://b.example.com/${AWS::Region}/%d'}}\n", i, i, i)
	}
	b.WriteString("  Dep:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: M0\n    Properties: {RestApiId: !Ref Api, StageName: prod}\n")
	p := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bigTerraform writes a Terraform configuration of n resources and methods.
func bigTerraform(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("resource \"aws_api_gateway_rest_api\" \"api\" {\n  name = \"big\"\n}\n")
	for i := range n {
		fmt.Fprintf(&b, "resource \"aws_api_gateway_resource\" \"r%d\" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  parent_id = aws_api_gateway_rest_api.api.root_resource_id\n  path_part = \"p%d\"\n}\n", i, i)
		fmt.Fprintf(&b, "resource \"aws_api_gateway_method\" \"m%d\" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  resource_id = aws_api_gateway_resource.r%d.id\n  http_method = \"GET\"\n  authorization = \"NONE\"\n}\n", i, i)
	}
	d := filepath.Join(dir, "tf")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "main.tf"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return d
}

// cpuTime returns the CPU time pid has used so far, from /proc.
func cpuTime(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0, false
	}
	u, _ := strconv.Atoi(fields[11])
	k, _ := strconv.Atoi(fields[12])
	return time.Duration(u+k) * 10 * time.Millisecond, true // USER_HZ is 100 on Linux
}

// TestSignalStopsEveryCommand sends SIGINT (or SIGTERM) to the binary while
// it works on a big template and checks that it stops there: the exit
// status a shell reports for the signal, a line saying it was
// interrupted, and no partial output presented as a result. The
// goal is to stop within 100 ms (measured here and logged); the test
// only requires that it stops well before the work could have finished.
func TestSignalStopsEveryCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large template")
	}
	dir := t.TempDir()
	// 16,000 resources: validate of 8,000 took 130-350 ms of CPU in all by
	// session 25 (start25 too), so the signal at 150 ms sometimes came as
	// it finished (CI at 0d201b6: validate SIGTERM exit 1, its whole
	// result printed); 16,000 took about twice that (session 31: 250-630
	// ms at load 20). Commands get faster: one that ends before the
	// signal, or without a sign of it, runs again on templates twice the
	// size (a command that ignores signals fails at every size).
	type files struct{ big, tf string }
	made := map[int]files{}
	templates := func(scale int) files {
		if f, ok := made[scale]; ok {
			return f
		}
		d := filepath.Join(dir, strconv.Itoa(scale))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		f := files{bigTemplate(t, d, 16000*scale), bigTerraform(t, d, 4000*scale)}
		made[scale] = f
		return f
	}
	for _, c := range []struct {
		name string
		args func(f files) []string
		sig  syscall.Signal
	}{
		{"validate", func(f files) []string { return []string{"validate", f.big} }, syscall.SIGINT},
		{"validate terraform", func(f files) []string { return []string{"validate", f.tf} }, syscall.SIGINT},
		{"validate SIGTERM", func(f files) []string { return []string{"validate", "--format", "json", f.big} }, syscall.SIGTERM},
		{"routes", func(f files) []string { return []string{"routes", f.big} }, syscall.SIGINT},
		{"graph", func(f files) []string { return []string{"graph", f.big} }, syscall.SIGINT},
		{"diff", func(f files) []string { return []string{"diff", f.big, f.big} }, syscall.SIGINT},
		{"up while resolving", func(f files) []string { return []string{"up", "--addr", "127.0.0.1:0", "--tls-addr", "", f.big} }, syscall.SIGINT},
	} {
		t.Run(c.name, func(t *testing.T) {
			for scale := 1; ; scale *= 2 {
				missed := interrupt(t, c.name, c.args(templates(scale)), c.sig)
				if missed == "" {
					return
				}
				if scale == 4 {
					t.Fatalf("with templates 4 times the size too: %s", missed)
				}
				t.Logf("%s; again with templates twice the size", missed)
			}
		})
	}
}

// interrupt runs the binary with args, sends sig once it has used some CPU
// on its work, and checks how it stopped. It returns why the signal may
// have come too late to tell (the command had ended, or ended without a
// sign of it), "" otherwise.
func interrupt(t *testing.T, name string, args []string, sig syscall.Signal) (missed string) {
	t.Helper()
	cmd := exec.Command(cfnrunBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Mid-work: once it has used some CPU on the template.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if used, ok := cpuTime(cmd.Process.Pid); ok && used >= 150*time.Millisecond || time.Now().After(deadline) {
			break
		}
		select {
		case <-done:
			return fmt.Sprintf("%s ended before it had used 150 ms of CPU (exit %d)", name, cmd.ProcessState.ExitCode())
		case <-time.After(5 * time.Millisecond):
		}
	}
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		<-done
		return fmt.Sprintf("%s ended before the signal: %v", name, err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 5 s after %v", sig)
	}
	t.Logf("%s stopped %v after %v", name, time.Since(sent).Round(time.Millisecond), sig)
	want := 128 + int(sig)
	code := cmd.ProcessState.ExitCode()
	interrupted := strings.Contains(stderr.String(), "interrupted by "+signalName(sig))
	if code != want && !interrupted {
		return fmt.Sprintf("%s exit %d with no \"interrupted\" line: ended as %v came?\nstdout:\n%.2000s\nstderr:\n%.2000s", name, code, sig, stdout.String(), stderr.String())
	}
	if code != want {
		t.Errorf("exit %d, want %d (stopped by %v)\nstdout:\n%.2000s\nstderr:\n%.2000s", code, want, sig, stdout.String(), stderr.String())
	}
	if !interrupted {
		t.Errorf("stderr does not say it was interrupted:\n%.2000s", stderr.String())
	}
	if strings.Contains(stdout.String(), "no findings") || strings.Contains(stdout.String(), "No changes") {
		t.Errorf("an interrupted run printed a result:\n%.2000s", stdout.String())
	}
	return ""
}

// TestUpDrainsThenExits: the first SIGINT lets a request in flight finish
// (up says so) and a second one stops up at once.
func TestUpDrainsThenExits(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		io.WriteString(w, "late")
	}))
	defer backend.Close()
	defer close(release)
	dir := t.TempDir()
	tpl := filepath.Join(dir, "t.yaml")
	os.WriteFile(tpl, []byte(`Resources:
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: slow}}
  Slow:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: HTTP_PROXY, IntegrationHttpMethod: GET, Uri: "http://slow.internal/"}
  Dep:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Slow
    Properties: {RestApiId: !Ref Api, StageName: prod}
`), 0o644)
	for _, second := range []bool{false, true} {
		name := "one signal drains"
		if second {
			name = "a second signal forces"
		}
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(cfnrunBin, "up", "--addr", "127.0.0.1:0", "--tls-addr", "", "--no-watch",
				"--map", "slow.internal="+strings.TrimPrefix(backend.URL, "http://"), tpl)
			out, _ := cmd.StdoutPipe()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := make(chan string, 100)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var addr string
			var transcript strings.Builder
			wait := func(prefix string) string {
				t.Helper()
				timeout := time.After(20 * time.Second)
				for {
					select {
					case l, ok := <-lines:
						if !ok {
							t.Fatalf("up ended before %q:\n%s%s", prefix, transcript.String(), stderr.String())
						}
						transcript.WriteString(l + "\n")
						if strings.HasPrefix(l, prefix) {
							return l
						}
					case <-timeout:
						t.Fatalf("no line %q:\n%s", prefix, transcript.String())
					}
				}
			}
			addr = strings.Fields(strings.TrimPrefix(wait("Listening on http://"), "Listening on http://"))[0]
			got := make(chan string, 1)
			go func() {
				resp, err := http.Get("http://" + addr + "/prod/")
				if err != nil {
					got <- "error: " + err.Error()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				got <- resp.Status + " " + string(b)
			}()
			select {
			case <-arrived:
			case <-time.After(20 * time.Second):
				t.Fatal("the request never reached the backend")
			}
			cmd.Process.Signal(syscall.SIGINT)
			wait("cfnrun up: interrupted by SIGINT: finishing in-flight requests")
			if second {
				cmd.Process.Signal(syscall.SIGINT)
				err := cmd.Wait()
				if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stderr.String(), "SIGINT again: exiting now") {
					t.Errorf("second SIGINT: exit %d (%v), want 130\n%s", code, err, stderr.String())
				}
				return
			}
			release <- struct{}{} // the backend answers; the drain completes
			if s := <-got; !strings.HasPrefix(s, "200") || !strings.HasSuffix(s, "late") {
				t.Errorf("the in-flight request got %q, want 200 late", s)
			}
			wait("cfnrun up: stopped")
			if err := cmd.Wait(); err != nil {
				t.Errorf("up after a drain: %v\n%s", err, stderr.String())
			}
		})
	}
}

// TestUpIdleSignalOrder: with no request in flight the drain ends at once;
// up still says it was interrupted before it says it stopped (the two
// lines came out in either order when the drain won the race).
func TestUpIdleSignalOrder(t *testing.T) {
	cmd := exec.Command(cfnrunBin, "up", "--addr", "127.0.0.1:0", "--tls-addr", "", "--no-watch",
		filepath.Join(repoRoot, "examples", "mock-cors", "template.yaml"))
	out, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var stdout strings.Builder
	done := make(chan struct{})
	listening := make(chan struct{})
	started := listening
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			stdout.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "Press Ctrl-C") && listening != nil {
				close(listening)
				listening = nil
			}
		}
	}()
	select {
	case <-started:
	case <-done:
		t.Fatalf("up ended before listening:\n%s", stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatal("up did not start")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("up did not stop")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("up after SIGTERM: %v\n%s", err, stderr.String())
	}
	s := stdout.String()
	i := strings.Index(s, "cfnrun up: interrupted by SIGTERM: finishing in-flight requests")
	j := strings.Index(s, "cfnrun up: stopped")
	if i < 0 || j < 0 || i > j {
		t.Errorf("want the interrupted line, then the stopped line:\n%s", s)
	}
}
