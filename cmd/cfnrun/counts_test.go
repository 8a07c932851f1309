package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestOneErrorCount: every command that notes how many errors a template
// has (graph, routes, diff, up) names the validate command that reports
// that many, and that command does. validate and validate
// --allow-extensions differ only by the extensions, which the second
// reports as infos.
func TestOneErrorCount(t *testing.T) {
	countRe := regexp.MustCompile(`(\d+) error\(s\)`)
	cmdRe := regexp.MustCompile(`(?:run: |')(cfnrun validate [^']*?)(?:'|\n|$)`)
	summaryRe := regexp.MustCompile(`(?m)^(\d+) errors?, (\d+) warnings?, (\d+) infos?`)
	validateErrors := func(t *testing.T, line string) int {
		t.Helper()
		var args []string
		for _, f := range strings.Fields(strings.TrimPrefix(line, "cfnrun ")) {
			args = append(args, strings.Trim(f, "'"))
		}
		stdout, stderr, _ := runCLI(t, args...)
		m := summaryRe.FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("%s printed no summary:\n%s%s", line, stdout, stderr)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	// check finds the note's count and suggested command in out and
	// compares them.
	check := func(t *testing.T, what, out string) {
		t.Helper()
		cm := countRe.FindStringSubmatch(out)
		if cm == nil {
			t.Fatalf("%s noted no error count:\n%s", what, out)
		}
		lm := cmdRe.FindStringSubmatch(out)
		if lm == nil {
			t.Fatalf("%s named no validate command:\n%s", what, out)
		}
		want, _ := strconv.Atoi(cm[1])
		if got := validateErrors(t, lm[1]); got != want {
			t.Errorf("%s says %d error(s); %q reports %d", what, want, lm[1], got)
		}
	}
	for _, file := range []string{"../../examples/seed/template.yaml", "../../examples/broken/template.yaml", "../../examples/greedy-proxy/template.yaml"} {
		t.Run(file, func(t *testing.T) {
			plain, _, _ := runCLI(t, "validate", file)
			ext, _, _ := runCLI(t, "validate", "--allow-extensions", file)
			pm, em := summaryRe.FindStringSubmatch(plain), summaryRe.FindStringSubmatch(ext)
			if pm == nil || em == nil {
				t.Fatalf("no summaries:\n%s\n%s", plain, ext)
			}
			pe, _ := strconv.Atoi(pm[1])
			ee, _ := strconv.Atoi(em[1])
			if ext := strings.Count(ext, "[E9001]") + strings.Count(ext, "[E9002]"); pe-ee != ext {
				t.Errorf("validate says %d errors, --allow-extensions %d; the difference is not the %d extension uses", pe, ee, ext)
			}
			if pe == 0 {
				return // nothing to note
			}
			for _, cmd := range []string{"graph", "routes"} {
				_, stderr, _ := runCLI(t, cmd, file)
				check(t, cmd, stderr)
			}
			// diff and up do not count the extensions as errors.
			_, stderr, _ := runCLI(t, "diff", file, file)
			if ee == 0 {
				if countRe.MatchString(stderr) {
					t.Errorf("diff notes errors validate --allow-extensions does not report:\n%s", stderr)
				}
				return
			}
			check(t, "diff", stderr)
			p := startUp(t, file)
			check(t, "up", p.output())
		})
	}
	t.Run("embedded default", func(t *testing.T) {
		p := startUp(t)
		out := p.output()
		if !strings.Contains(out, "cfnrun validate --allow-extensions --set MyHttp2BackendService.Name=demo templates/default.yaml") {
			t.Fatalf("up on the default names no validate command for it:\n%s", out)
		}
		// The embedded template is templates/default.yaml in the
		// repository; run the named command on it from the root.
		cm := countRe.FindStringSubmatch(out)
		if cm == nil {
			t.Fatalf("no count:\n%s", out)
		}
		want, _ := strconv.Atoi(cm[1])
		stdout, _, _ := runCLI(t, "validate", "--allow-extensions", "--set", "MyHttp2BackendService.Name=demo", "../../templates/default.yaml")
		m := summaryRe.FindStringSubmatch(stdout)
		if got, _ := strconv.Atoi(m[1]); got != want {
			t.Errorf("up says %d error(s), validate %d", want, got)
		}
	})
}
