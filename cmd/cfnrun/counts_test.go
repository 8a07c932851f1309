package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestOneErrorCount: on every example (CloudFormation and Terraform),
// every command that notes how many errors a template has (graph, routes,
// diff, up) names the validate command that reports that many, and that
// command does; on a template without errors none of them notes any.
// validate and validate --allow-extensions differ only by the extensions,
// which the second reports as infos; diff and up count like the second.
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
		return errorsIn(t, line, stdout+stderr)
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
	templates, _ := filepath.Glob("../../examples/*/template.*")
	modules, _ := filepath.Glob("../../examples/*/main.tf")
	if len(templates) < 10 || len(modules) < 10 {
		t.Fatalf("found %d templates and %d Terraform files under examples/", len(templates), len(modules))
	}
	for _, file := range append(templates, modules...) {
		t.Run(strings.TrimPrefix(file, "../../"), func(t *testing.T) {
			plain, _, _ := runCLI(t, "validate", file)
			ext, _, _ := runCLI(t, "validate", "--allow-extensions", file)
			pe, ee := errorsIn(t, "validate", plain), errorsIn(t, "validate --allow-extensions", ext)
			if ext := strings.Count(ext, "[E9001]") + strings.Count(ext, "[E9002]"); pe-ee != ext {
				t.Errorf("validate says %d errors, --allow-extensions %d; the difference is not the %d extension uses", pe, ee, ext)
			}
			for _, cmd := range []string{"graph", "routes"} {
				_, stderr, _ := runCLI(t, cmd, file)
				if pe == 0 {
					if countRe.MatchString(stderr) {
						t.Errorf("%s notes errors validate does not report:\n%s", cmd, stderr)
					}
					continue
				}
				check(t, cmd, stderr)
			}
			// diff and up do not count the extensions as errors.
			_, stderr, _ := runCLI(t, "diff", file, file)
			p := startUp(t, file)
			up := p.output()
			if ee == 0 {
				if countRe.MatchString(stderr) {
					t.Errorf("diff notes errors validate --allow-extensions does not report:\n%s", stderr)
				}
				if countRe.MatchString(up) {
					t.Errorf("up notes errors validate --allow-extensions does not report:\n%s", up)
				}
				return
			}
			check(t, "diff", stderr)
			check(t, "up", up)
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

// errorsIn reads the error count of a validate output: its summary line,
// or 0 when it says "no findings".
func errorsIn(t *testing.T, what, out string) int {
	t.Helper()
	if m := regexp.MustCompile(`(?m)^(\d+) errors?, \d+ warnings?, \d+ infos?`).FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	if strings.Contains(out, "checked: no findings") {
		return 0
	}
	t.Fatalf("%s printed no summary:\n%s", what, out)
	return 0
}
