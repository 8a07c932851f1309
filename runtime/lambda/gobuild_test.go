package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoBuild runs a function from Go source (SAM's BuildMethod go1.x):
// the service builds it with go build, once, and a package that does not
// compile fails its invocations with the compiler's words.
func TestGoBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a Go program")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	broken := writeFiles(t, t.TempDir(), map[string]string{"go.mod": "module broken\n\ngo 1.21\n", "main.go": "package main\n\nfunc main() { undefinedThing() }\n"})
	s, logs := newTestService(t, Config{NoWatch: true})
	load(t, s,
		Function{Name: "src", Runtime: "provided.al2023", Handler: "bootstrap", CodeDir: filepath.Join("testdata", "gofn"), Build: BuildGo},
		Function{Name: "go1x", Runtime: "go1.x", Handler: "hello", CodeDir: filepath.Join("testdata", "gofn"), Build: BuildGo},
		Function{Name: "broken", Runtime: "provided.al2023", CodeDir: broken, Build: BuildGo},
	)
	// A caller that cannot wait does not wait for the build (the request
	// it serves times out); the build goes on for the next invocation.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Invoke(ctx, "src", []byte(`{}`), InvokeOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Invoke with an ended context during the build: %v, want context.Canceled", err)
	}
	s.Prepare()
	for _, name := range []string{"src", "go1x"} {
		res := invoke(t, s, name, `{"name":"gopher"}`)
		var got struct{ Greeting, Function string }
		if err := json.Unmarshal(res.Payload, &got); err != nil || res.FunctionError != "" || got.Greeting != "hello gopher" || got.Function != name {
			t.Errorf("%s: %s %s (%v)", name, res.FunctionError, res.Payload, err)
		}
	}
	res := invoke(t, s, "broken", `{}`)
	if res.FunctionError == "" || res.ErrorType != "Runtime.InvalidEntrypoint" || !strings.Contains(string(res.Payload), "undefinedThing") {
		t.Errorf("broken: %s %s %s", res.FunctionError, res.ErrorType, res.Payload)
	}
	if !strings.Contains(logs.text(), "go build") {
		t.Errorf("the log does not say the build failed:\n%s", logs.text())
	}
}
