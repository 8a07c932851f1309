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
	// result printed); 16,000 take about twice that.
	big := bigTemplate(t, dir, 16000)
	tf := bigTerraform(t, dir, 4000)
	for _, c := range []struct {
		name string
		args []string
		sig  syscall.Signal
	}{
		{"validate", []string{"validate", big}, syscall.SIGINT},
		{"validate terraform", []string{"validate", tf}, syscall.SIGINT},
		{"validate SIGTERM", []string{"validate", "--format", "json", big}, syscall.SIGTERM},
		{"routes", []string{"routes", big}, syscall.SIGINT},
		{"graph", []string{"graph", big}, syscall.SIGINT},
		{"diff", []string{"diff", big, big}, syscall.SIGINT},
		{"up while resolving", []string{"up", "--addr", "127.0.0.1:0", "--tls-addr", "", big}, syscall.SIGINT},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(cfnrunBin, c.args...)
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
				time.Sleep(5 * time.Millisecond)
			}
			sent := time.Now()
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatalf("the command ended before the signal: %v\n%s%s", err, stdout.String(), stderr.String())
			}
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running 5 s after %v", c.sig)
			}
			t.Logf("%s stopped %v after %v", c.name, time.Since(sent).Round(time.Millisecond), c.sig)
			want := 128 + int(c.sig)
			if code := cmd.ProcessState.ExitCode(); code != want {
				t.Errorf("exit %d, want %d (stopped by %v)\nstdout:\n%.2000s\nstderr:\n%.2000s", code, want, c.sig, stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted by "+signalName(c.sig)) {
				t.Errorf("stderr does not say it was interrupted:\n%.2000s", stderr.String())
			}
			if strings.Contains(stdout.String(), "no findings") || strings.Contains(stdout.String(), "No changes") {
				t.Errorf("an interrupted run printed a result:\n%.2000s", stdout.String())
			}
		})
	}
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
