package lambda

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// TestGoFunction builds a function with github.com/aws/aws-lambda-go and
// runs it unchanged as a provided.al2023 bootstrap and as a go1.x handler.
func TestGoFunction(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a Go program")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	dir := t.TempDir()
	build := exec.Command(gobin, "build", "-o", filepath.Join(dir, "bootstrap"), "./testdata/gofn")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command("cp", filepath.Join(dir, "bootstrap"), filepath.Join(dir, "hello")).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	s, _ := newTestService(t, Config{})
	load(t, s,
		Function{Name: "al2023", Runtime: "provided.al2023", Handler: "not.used", CodeDir: dir},
		Function{Name: "go1x", Runtime: "go1.x", Handler: "hello", CodeDir: dir},
	)
	for _, name := range []string{"al2023", "go1x"} {
		t.Run(name, func(t *testing.T) {
			res := invoke(t, s, name, `{"name":"gopher"}`)
			var got struct {
				Greeting, RequestID, ARN, Function, Handler string
				RemainingMs                                 float64
			}
			if err := json.Unmarshal(res.Payload, &got); err != nil || res.FunctionError != "" {
				t.Fatalf("%s %s (%v)", res.FunctionError, res.Payload, err)
			}
			if got.Greeting != "hello gopher" || got.RequestID != res.RequestID || got.Function != name ||
				got.ARN != "arn:aws:lambda:us-east-1:123456789012:function:"+name || got.RemainingMs <= 0 || got.RemainingMs > 3000 {
				t.Errorf("got %+v (request id %s)", got, res.RequestID)
			}
			checkErrorDoc(t, invoke(t, s, name, `{"fail":true}`), "errorString", "asked to fail")
			// A panic is reported, then the process exits; the next
			// invocation gets a fresh instance.
			res = invoke(t, s, name, `{"panic":true}`)
			checkErrorDoc(t, res, "string", "asked to panic")
			// The document is the one aws-lambda-go posted, stack and all.
			var doc messages.InvokeResponse_Error
			if err := json.Unmarshal(res.Payload, &doc); err != nil || len(doc.StackTrace) == 0 {
				t.Errorf("panic document %s (%v)", res.Payload, err)
			}
			if res := invoke(t, s, name, `{"name":"again"}`); res.FunctionError != "" {
				t.Errorf("after the panic: %s", res.Payload)
			}
		})
	}
}
