package heapplan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlan: the estimate counts the files and directories the command line
// names, whatever flags stand between them, and each command's heap is
// its multiple of the estimate.
func TestPlan(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	yaml := write("a.yaml", 400<<10)
	json := write("b.json", 100<<10)
	write("tf/main.tf", 10<<10)
	write("tf/vars.tfvars", 2<<10)
	write("tf/README.md", 1<<10)
	tf := filepath.Join(dir, "tf")
	const base = 8 << 20
	cfn := func(kb int) int { return kb<<10*32 + base }

	for _, c := range []struct {
		command string
		args    []string
		git     bool
		est, n  int
	}{
		{"validate", []string{yaml}, false, cfn(400), cfn(400)},
		{"validate", []string{"--format", "json", "--strict", yaml, json}, false, cfn(500), cfn(500)},
		{"validate", []string{"--format=sarif", filepath.Join(dir, "missing.yaml")}, false, base, base},
		{"diff", []string{yaml, json}, false, cfn(500), cfn(500) * 3 / 2},
		{"diff", []string{"--git", "HEAD~1", yaml}, false, cfn(400), cfn(400) * 3 / 2 * 2},
		{"diff", []string{yaml}, true, cfn(400), cfn(400) * 3 / 2 * 2},
		{"up", []string{"--addr", "127.0.0.1:0", "--demo-backend", yaml}, false, cfn(400), cfn(400) * 2},
		{"up", nil, false, base, base * 2},
		// A Terraform directory: its .tf and .tfvars files at 1.5 kB a
		// byte, the rest as templates.
		{"validate", []string{tf}, false, 12<<10*1536 + 1<<10*32 + base, 12<<10*1536 + 1<<10*32 + base},
		{"version", []string{yaml}, false, 0, 0},
		{"routes", []string{"--stage", "prod", yaml}, false, cfn(400), cfn(400)},
		{"graph", []string{"--format=dot", json}, false, cfn(100), cfn(100)},
		{"token", []string{yaml}, false, cfn(400), cfn(400)},
		{"export", []string{yaml}, false, 0, 0},
	} {
		est, n, _ := plan(c.command, c.args, c.git)
		if est != c.est || n != c.n {
			t.Errorf("plan(%s %q, git %v) = %d, %d; want %d, %d", c.command, c.args, c.git, est, n, c.est, c.n)
		}
	}
	// The seed's size of template is left alone; a 2,000-resource one is
	// not.
	if est, _, _ := plan("validate", []string{write("small.yaml", 120<<10)}, false); est >= MinPrepared {
		t.Errorf("a 120 kB template's estimate %d reaches MinPrepared", est)
	}
	if est, _, _ := plan("validate", []string{write("big.yaml", 600<<10)}, false); est < MinPrepared {
		t.Errorf("a 600 kB template's estimate %d is under MinPrepared", est)
	}
	// Terraform counts as such (its smaller configurations need a larger
	// heap to be worth preparing), a template does not.
	if _, _, tf := plan("validate", []string{tf}, false); !tf {
		t.Errorf("a Terraform directory's plan does not say Terraform")
	}
	if _, _, tf := plan("validate", []string{yaml, json}, false); tf {
		t.Errorf("two templates' plan says Terraform")
	}
	// The 150 kB template measured: prepared as a template, and the same
	// estimate from Terraform files is under minTerraform.
	if est, n, _ := plan("validate", []string{write("mid.yaml", 150<<10)}, false); est < MinPrepared || n < 12<<20 {
		t.Errorf("a 150 kB template's plan %d, %d is under MinPrepared or shortheap's floor", est, n)
	}
	if _, n, tf := plan("validate", []string{write("tf30/main.tf", 3500)}, false); !tf || n >= minTerraform {
		t.Errorf("a 3.5 kB configuration's heap %d (Terraform %v) reaches minTerraform", n, tf)
	}
}
