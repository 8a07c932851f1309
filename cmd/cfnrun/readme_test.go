package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestREADME runs every command in README.md's code blocks, from the
// repository root with the built binary as `cfnrun`, and compares what it
// prints with what the README shows.
//
//   - A block of `$ command` lines shows each command's output (stdout and
//     stderr together) under it; `$ echo $?` shows the previous command's
//     exit status.
//   - A ```sh block lists commands without output: each must exit 0.
//     `make X` is checked with `make -n X` (make test would run this very
//     test).
//   - `make run` and `cfnrun up` stand for one gateway the test starts on
//     free ports (others share this machine); 127.0.0.1:8080 and :8443 in
//     later commands are rewritten to its ports. `$ cfnrun up`'s block is
//     compared with everything up printed, at the end.
//
// Output shape: every line the README shows must appear in the real
// output, in order, and the first and last lines must be the real first
// and last lines. "…" in a line matches any text; a line of just "…" marks
// lines left out (then the block need not start or end there). Values that
// change from run to run (ports, times, request and trace ids, latencies)
// are compared as placeholders.
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every README example")
	}
	src, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks(string(src))
	if len(blocks) < 5 {
		t.Fatalf("found %d code blocks in README.md", len(blocks))
	}
	binDir := filepath.Dir(cfnrunBin)
	env := append(os.Environ(), "NO_COLOR=1", "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))

	up := startREADMEGateway(t, env)
	rewrite := strings.NewReplacer("127.0.0.1:8080", up.http, "127.0.0.1:8443", up.https)
	var upExpected []string
	lastCode := 0
	ran := 0
	for _, b := range blocks {
		for _, c := range b.cmds {
			line := c.line
			switch {
			case strings.HasPrefix(line, "make "):
				target := strings.Fields(line)[1]
				out, err := exec.Command("make", "-n", "-C", repoRoot, target).CombinedOutput()
				if err != nil {
					t.Errorf("README line %d: `%s`: make has no such target: %v\n%s", c.lineNo, line, err, out)
				}
				if target == "run" && !strings.Contains(string(out), " up") {
					t.Errorf("README line %d: make run does not run cfnrun up:\n%s", c.lineNo, out)
				}
				ran++
				continue
			case line == "cfnrun up" || strings.HasPrefix(line, "cfnrun up "):
				if line != "cfnrun up" {
					t.Errorf("README line %d: only the plain `cfnrun up` can be checked, got %q", c.lineNo, line)
				}
				upExpected = c.output
				ran++
				continue
			case line == "echo $?":
				got := strconv.Itoa(lastCode)
				if len(c.output) != 1 || strings.TrimSpace(c.output[0]) != got {
					t.Errorf("README line %d: `echo $?` shows %q, the previous command exited %s", c.lineNo, c.output, got)
				}
				ran++
				continue
			case strings.HasPrefix(line, "curl ") || strings.Contains(line, " curl "):
				if _, err := exec.LookPath("curl"); err != nil {
					t.Logf("README line %d: curl not installed; skipped", c.lineNo)
					continue
				}
			}
			cmd := exec.Command("bash", "-c", rewrite.Replace(line))
			cmd.Dir = repoRoot
			cmd.Env = env
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if strings.HasPrefix(line, "curl ") {
				// Into a pipe curl adds a progress meter on stderr that
				// a terminal does not show.
				cmd.Stderr = &errOut
			}
			err := cmd.Run()
			lastCode = 0
			if ee, ok := err.(*exec.ExitError); ok {
				lastCode = ee.ExitCode()
			} else if err != nil {
				t.Fatalf("README line %d: %v", c.lineNo, err)
			}
			ran++
			if !b.shell {
				want, real := c.output, out.String()
				if strings.HasPrefix(line, "curl -i ") {
					// Header fields come in no fixed order.
					want = sortHeaders(want)
					real = strings.Join(sortHeaders(strings.Split(real, "\n")), "\n")
				}
				if msg := matchShape(want, real); msg != "" {
					t.Errorf("README line %d: `%s`: %s\n--- README shows:\n%s\n--- it prints:\n%s", c.lineNo, line, msg, strings.Join(c.output, "\n"), out.String())
				}
			} else if lastCode != 0 {
				t.Errorf("README line %d: `%s` exited %d:\n%s%s", c.lineNo, line, lastCode, out.String(), errOut.String())
			}
		}
	}
	got := up.stop(t)
	if upExpected == nil {
		t.Error("README.md shows no `$ cfnrun up` block")
	} else if msg := matchShape(upExpected, got); msg != "" {
		t.Errorf("`cfnrun up`: %s\n--- README shows:\n%s\n--- it prints:\n%s", msg, strings.Join(upExpected, "\n"), got)
	}
	t.Logf("ran %d README commands", ran)
}

// sortHeaders sorts the header lines of an HTTP response (after the
// status line, up to the first empty line), case-insensitively.
func sortHeaders(lines []string) []string {
	out := slices.Clone(lines)
	end := slices.IndexFunc(out, func(l string) bool { return strings.TrimSpace(l) == "" })
	if end < 0 {
		end = len(out)
	}
	if end > 1 {
		slices.SortFunc(out[1:end], func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	}
	return out
}

// readmeCmd is one command of a README code block, with the output shown
// under it (for `$` blocks).
type readmeCmd struct {
	line   string
	lineNo int
	output []string
}

type readmeBlock struct {
	shell bool // a ```sh block: commands only
	cmds  []readmeCmd
}

// readmeBlocks returns the README's code blocks that hold commands: ```sh
// blocks, and plain blocks whose first line starts with "$ ".
func readmeBlocks(src string) []readmeBlock {
	var out []readmeBlock
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		fence := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(fence, "```") {
			continue
		}
		lang := strings.TrimPrefix(fence, "```")
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		body := lines[i+1 : min(j, len(lines))]
		start := i + 2
		i = j
		switch {
		case lang == "sh":
			b := readmeBlock{shell: true}
			for k, l := range body {
				if c := stripComment(l); c != "" {
					b.cmds = append(b.cmds, readmeCmd{line: c, lineNo: start + k})
				}
			}
			out = append(out, b)
		case lang == "" && len(body) > 0 && strings.HasPrefix(body[0], "$ "):
			var b readmeBlock
			for k, l := range body {
				if c, ok := strings.CutPrefix(l, "$ "); ok {
					b.cmds = append(b.cmds, readmeCmd{line: stripComment(c), lineNo: start + k})
					continue
				}
				last := &b.cmds[len(b.cmds)-1]
				last.output = append(last.output, l)
			}
			for k := range b.cmds {
				o := b.cmds[k].output
				for len(o) > 0 && strings.TrimSpace(o[len(o)-1]) == "" {
					o = o[:len(o)-1]
				}
				b.cmds[k].output = o
			}
			out = append(out, b)
		}
	}
	return out
}

// stripComment drops a trailing "# comment" (outside quotes) and spaces.
func stripComment(l string) string {
	inS, inD := false, false
	for i, r := range l {
		switch {
		case r == '\'' && !inD:
			inS = !inS
		case r == '"' && !inS:
			inD = !inD
		case r == '#' && !inS && !inD && (i == 0 || l[i-1] == ' '):
			return strings.TrimSpace(l[:i])
		}
	}
	return strings.TrimSpace(l)
}

// volatile are the values that differ from run to run, replaced by a
// placeholder on both sides before comparing.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`time=\S+`), "time=T"},
	{regexp.MustCompile(`latency=\S+`), "latency=L"},
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "UUID"},
	{regexp.MustCompile(`Root=1-[0-9a-f]{8}-[0-9a-f]{24}`), "Root=TRACE"},
	{regexp.MustCompile(`(?i)(x-amz-apigw-id: )\S+`), "${1}ID"},
	{regexp.MustCompile(`(?i)(date: ).*`), "${1}DATE"},
}

func normalize(l string) string {
	l = strings.TrimRight(l, " \t\r")
	for _, v := range volatile {
		l = v.re.ReplaceAllString(l, v.with)
	}
	return l
}

// matchShape compares README lines want with the real output got, as
// TestREADME describes; it returns what does not match, or "".
func matchShape(want []string, got string) string {
	g := strings.Split(strings.TrimRight(got, "\n"), "\n")
	for i := range g {
		g[i] = normalize(g[i])
	}
	var pats []*regexp.Regexp
	openStart, openEnd := false, false
	for k, w := range want {
		if strings.TrimSpace(w) == "…" {
			if k == 0 {
				openStart = true
			}
			if k == len(want)-1 {
				openEnd = true
			}
			continue
		}
		parts := strings.Split(normalize(w), "…")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		pats = append(pats, regexp.MustCompile("^"+strings.Join(parts, ".*")+"$"))
	}
	if len(pats) == 0 {
		if strings.TrimSpace(got) != "" && !openStart {
			return "the README shows no output"
		}
		return ""
	}
	if !openStart && !pats[0].MatchString(g[0]) {
		return fmt.Sprintf("the first line differs: README %q, real %q", pats[0], g[0])
	}
	if !openEnd && !pats[len(pats)-1].MatchString(g[len(g)-1]) {
		return fmt.Sprintf("the last line differs: README %q, real %q", pats[len(pats)-1], g[len(g)-1])
	}
	j := 0
	for _, p := range pats {
		for j < len(g) && !p.MatchString(g[j]) {
			j++
		}
		if j == len(g) {
			return fmt.Sprintf("no line matching %q (in this order)", p)
		}
		j++
	}
	return ""
}

// readmeGateway is the `make run` / `cfnrun up` of the README, on free
// ports.
type readmeGateway struct {
	cmd         *exec.Cmd
	mu          sync.Mutex
	out         bytes.Buffer
	http, https string
}

func (g *readmeGateway) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.out.Write(p)
}

func (g *readmeGateway) text() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.out.String()
}

func startREADMEGateway(t *testing.T, env []string) *readmeGateway {
	t.Helper()
	g := &readmeGateway{}
	g.cmd = exec.Command(cfnrunBin, "up", "--addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0")
	g.cmd.Dir = repoRoot
	g.cmd.Env = env
	g.cmd.Stdout, g.cmd.Stderr = g, g
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.cmd.Process.Kill(); g.cmd.Wait() })
	re := regexp.MustCompile(`Listening on (https?)://(127\.0\.0\.1:\d+)`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for g.http == "" || g.https == "" {
		if ctx.Err() != nil {
			t.Fatalf("cfnrun up did not start:\n%s", g.text())
		}
		for _, m := range re.FindAllStringSubmatch(g.text(), -1) {
			if m[1] == "http" {
				g.http = m[2]
			} else {
				g.https = m[2]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return g
}

// stop ends the gateway with SIGINT and returns everything it printed,
// its last access-log lines included: up writes them before it exits
// (read after a fixed pause, a loaded machine could leave them out).
func (g *readmeGateway) stop(t *testing.T) string {
	t.Helper()
	g.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- g.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Error("cfnrun up did not stop on SIGINT")
	}
	return g.text()
}
