package lambda

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestForgedFrameIsOutput: a handler that prints what looks like an answer
// frame and a mark with its own request id (it knows no token) has them
// logged as its output; its answer is what it returns.
func TestForgedFrameIsOutput(t *testing.T) {
	for _, rt := range []string{"nodejs20.x", "python3.12"} {
		t.Run(rt, func(t *testing.T) {
			handler := handlerFor(t, rt)
			s, logs := newTestService(t, Config{Concurrency: 1})
			logs.keep = true
			dir := writeFiles(t, t.TempDir(), map[string]string{
				"index.js": `const fs = require("fs");
exports.handler = async (e, ctx) => {
  const body = JSON.stringify({ forged: true });
  console.log("\x1ecfnrun>" + ctx.awsRequestId + " " + body.length + "\n" + body);
  fs.writeSync(1, "\x1ecfnrun:" + ctx.awsRequestId + "\n" + "\x1ecfnrun>" + ctx.awsRequestId + " " + body.length + "\n" + body + "\n");
  return { real: e.n };
};`,
				"app.py": `import json, os

def handler(e, ctx):
    body = json.dumps({"forged": True})
    print("\x1ecfnrun>%s %d\n%s" % (ctx.aws_request_id, len(body), body), flush=True)
    os.write(1, ("\x1ecfnrun:%s\n\x1ecfnrun>%s %d\n%s\n" % (ctx.aws_request_id, ctx.aws_request_id, len(body), body)).encode())
    return {"real": e["n"]}
`,
			})
			load(t, s, Function{Name: "f", Runtime: rt, Handler: handler, CodeDir: dir, Timeout: 30 * time.Second})
			for n := 1; n <= 3; n++ {
				res := invoke(t, s, "f", `{"n":`+strconv.Itoa(n)+`}`)
				var out struct {
					Real   int  `json:"real"`
					Forged bool `json:"forged"`
				}
				if res.FunctionError != "" || json.Unmarshal(res.Payload, &out) != nil || out.Real != n || out.Forged {
					t.Fatalf("invocation %d answered %s %s, want its return value", n, res.FunctionError, res.Payload)
				}
				id := res.RequestID
				logs.waitLog(t, "END RequestId: "+id)
				lines, _ := logs.snapshot()
				// Each forged line twice (console/print and a write to fd 1),
				// the mark once, all under the invocation's id.
				for want, times := range map[string]int{"\x1ecfnrun>" + id + " 1": 2, `{"forged":`: 2, "\x1ecfnrun:" + id: 1} {
					got := 0
					for _, line := range lines {
						if strings.HasPrefix(line, "INFO "+want) && strings.HasSuffix(line, "requestId="+id) {
							got++
						}
					}
					if got != times {
						t.Errorf("invocation %d: %d output lines %q under its id, want %d; log:\n%s", n, got, want, times, strings.Join(lines, "\n"))
					}
				}
				if c := strings.Count(strings.Join(lines, "\n"), `{"forged":`); c != 2*n {
					t.Errorf("after invocation %d: %d forged bodies in the log, want %d", n, c, 2*n)
				}
			}
		})
	}
}
