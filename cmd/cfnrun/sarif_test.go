package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// sarifMultitool finds Microsoft's SARIF validator (npm package
// @microsoft/sarif-multitool-linux; .ci/run installs it under
// ~/.cache/cfnrun-tools), or "" when it is not installed.
func sarifMultitool() string {
	if p := os.Getenv("SARIF_MULTITOOL"); p != "" {
		return p
	}
	for _, name := range []string{"Sarif.Multitool", "sarif-multitool-linux"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".cache", "cfnrun-tools", "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// TestSARIFValidator runs the SARIF validator with its GitHub
// code-scanning rules (--rule-kind Gh) and its SARIF rules on what
// `validate --format sarif` prints for every example, and on a log with
// related locations, resources and file names that need percent-encoding:
// no errors allowed. diag's TestSARIFGitHubRequirements checks the same
// requirements without the validator.
func TestSARIFValidator(t *testing.T) {
	tool := sarifMultitool()
	if tool == "" {
		t.Skip("SARIF validator not installed (npm install @microsoft/sarif-multitool-linux; .ci/run does)")
	}
	dir := t.TempDir()
	args := []string{"validate", "--format", "sarif"}
	for _, p := range exampleTemplates(t) {
		args = append(args, p)
	}
	res := cfnrun(t, args...)
	if res.code != 1 {
		t.Fatalf("validate on the examples exited %d, want 1 (seed and broken have errors)\n%s", res.code, res.stderr)
	}
	examplesLog := filepath.Join(dir, "examples.sarif")
	if err := os.WriteFile(examplesLog, []byte(res.stdout), 0o644); err != nil {
		t.Fatal(err)
	}

	wd, _ := os.Getwd()
	var b bytes.Buffer
	first := diag.Range{Filename: filepath.Join(wd, "dir with space", "a[1].yaml"), Start: diag.Pos{Line: 3, Column: 5}, End: diag.Pos{Line: 3, Column: 14}}
	ds := diag.Diagnostics{
		diag.NewError("E3201", diag.Range{Filename: "dir with space/a[1].yaml", Start: diag.Pos{Line: 9, Column: 5}, End: diag.Pos{Line: 9, Column: 14}}, "stage %q [prod] is created twice", "prod").
			WithResource("Other").WithHint("Use another stage name").WithRelated(first, "first created by [Stage]"),
		diag.NewWarning("no-such-rule", diag.Range{Filename: "main:t.yaml", Start: diag.Pos{Line: 1}}, "a rule no table documents"),
	}
	opts := sarifOptions()
	opts.BaseDir = wd
	if err := diag.WriteSARIF(&b, opts, ds); err != nil {
		t.Fatal(err)
	}
	relatedLog := filepath.Join(dir, "related.sarif")
	if err := os.WriteFile(relatedLog, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "validation.sarif")
	cmd := exec.CommandContext(t.Context(), tool, "validate", "--rule-kind", "Gh;Sarif", "--log", "ForceOverwrite", "-o", out, "examples.sarif", "related.sarif")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
	got, err := cmd.CombinedOutput()
	text := string(got)
	if err != nil && !strings.Contains(text, "Analysis completed") {
		t.Fatalf("validator failed to run: %v\n%s", err, text)
	}
	findings := regexp.MustCompile(`(?m)^.*: (error|warning) (GH|SARIF)\d+: .*$`).FindAllString(text, -1)
	for _, f := range findings {
		if strings.Contains(f, ": error ") {
			t.Errorf("validator: %s", f)
		} else {
			t.Logf("validator: %s", f)
		}
	}
	if !strings.Contains(text, "2 files scanned") {
		t.Errorf("validator did not scan both logs:\n%s", text)
	}
}
