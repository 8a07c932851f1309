package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCodeFlag checks that --code NAME=PATH gives a function whose code is
// in S3 local code: validate no longer reports it as not local, and the
// model shows the directory.
func TestCodeFlag(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(tpl, []byte(`Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code:
        S3Bucket: artifacts
        S3Key: fn.zip
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code := filepath.Join(dir, "code")
	if err := os.MkdirAll(code, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(code, "app.py"), []byte("def handler(event, context):\n    return {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	without := cfnrun(t, "validate", tpl)
	if !strings.Contains(without.stdout, "I3413") {
		t.Errorf("without --code, validate does not report the code as not local:\n%s", without.stdout)
	}
	with := cfnrun(t, "validate", "--code", "Fn="+code, tpl)
	if strings.Contains(with.stdout, "I3413") || with.code != 0 {
		t.Errorf("with --code, validate still reports (exit %d):\n%s%s", with.code, with.stdout, with.stderr)
	}
	model := cfnrun(t, "routes", "--format", "model", "--code", "Fn="+code, tpl)
	if !strings.Contains(model.stdout, "code: dir code") {
		t.Errorf("the model does not show the --code directory:\n%s%s", model.stdout, model.stderr)
	}
}
