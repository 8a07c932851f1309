package lambda

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNodeHandlers(t *testing.T) {
	needNode(t)
	s, _ := newTestService(t, Config{})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		// CommonJS, async, echoing what the function sees.
		"cjs/index.js": `exports.handler = async (event, context) => ({
  event,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  invokedFunctionArn: context.invokedFunctionArn,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop,
  env: {
    region: process.env.AWS_REGION, defaultRegion: process.env.AWS_DEFAULT_REGION,
    taskRoot: process.env.LAMBDA_TASK_ROOT, tz: process.env.TZ, handler: process.env._HANDLER,
    exec: process.env.AWS_EXECUTION_ENV, custom: process.env.GREETING, trace: process.env._X_AMZN_TRACE_ID,
    api: process.env.AWS_LAMBDA_RUNTIME_API, key: process.env.AWS_ACCESS_KEY_ID,
  },
  cwd: process.cwd(),
});`,
		// ES modules: .mjs, and .js under "type": "module", nested export path.
		"esm/app.mjs":                  `export const handler = async (event) => ({ kind: "mjs", n: event.n + 1 });`,
		"typemod/package.json":         `{"type": "module"}`,
		"typemod/src/app.js":           `export const api = { handler: async () => ({ kind: "type-module", meta: typeof import.meta.url }) };`,
		"cjsext/app.cjs":               `module.exports.handler = async () => "cjs-extension";`,
		"callback/wait.js":             `exports.handler = (event, context, callback) => { const out = { late: false }; callback(null, out); setTimeout(() => { out.late = true; }, 50); };`,
		"callback/nowait.js":           `exports.handler = (event, context, callback) => { context.callbackWaitsForEmptyEventLoop = false; const out = { late: false }; callback(null, out); setTimeout(() => { out.late = true; }, 50); };`,
		"callback/succeed.js":          `exports.handler = (event, context) => { context.succeed({ via: "succeed" }); };`,
		"callback/done.js":             `exports.handler = (event, context) => { context.done(null, { via: "done" }); };`,
		"callback/fail.js":             `exports.handler = (event, context) => { context.fail(new TypeError("via fail")); };`,
		"callback/plain.js":            `exports.handler = (event) => { return { ignored: true }; };`,
		"callback/undef.js":            `exports.handler = async () => {};`,
		"callback/cberr.js":            `exports.handler = (e, c, cb) => cb("plain string error");`,
		"dirmod/lib/handlers/hello.js": `exports.hello = async () => "from a subdirectory";`,
	})
	fns := []Function{
		{Name: "cjs", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir + "/cjs", Environment: map[string]string{"GREETING": "hi", "AWS_REGION": "ignored"}, MemoryMB: 256, Region: "eu-west-1"},
		{Name: "mjs", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir + "/esm"},
		{Name: "typemod", Runtime: "nodejs22.x", Handler: "src/app.api.handler", CodeDir: dir + "/typemod"},
		{Name: "cjsext", Runtime: "nodejs20.x", Handler: "app.handler", CodeDir: dir + "/cjsext"},
		{Name: "wait", Runtime: "nodejs20.x", Handler: "wait.handler", CodeDir: dir + "/callback"},
		{Name: "nowait", Runtime: "nodejs20.x", Handler: "nowait.handler", CodeDir: dir + "/callback"},
		{Name: "succeed", Runtime: "nodejs20.x", Handler: "succeed.handler", CodeDir: dir + "/callback"},
		{Name: "done", Runtime: "nodejs20.x", Handler: "done.handler", CodeDir: dir + "/callback"},
		{Name: "fail", Runtime: "nodejs20.x", Handler: "fail.handler", CodeDir: dir + "/callback"},
		{Name: "plain", Runtime: "nodejs20.x", Handler: "plain.handler", CodeDir: dir + "/callback"},
		{Name: "undef", Runtime: "nodejs20.x", Handler: "undef.handler", CodeDir: dir + "/callback"},
		{Name: "cberr", Runtime: "nodejs20.x", Handler: "cberr.handler", CodeDir: dir + "/callback"},
		{Name: "dirmod", Runtime: "nodejs20.x", Handler: "lib/handlers/hello.hello", CodeDir: dir + "/dirmod"},
	}
	load(t, s, fns...)

	t.Run("context and environment", func(t *testing.T) {
		res := invoke(t, s, "cjs", `{"a":[1,2]}`)
		if res.FunctionError != "" {
			t.Fatalf("function error: %s", res.Payload)
		}
		var got struct {
			Event                                                map[string]any
			FunctionName, FunctionVersion, MemoryLimitInMB       string
			AwsRequestID                                         string `json:"awsRequestId"`
			InvokedFunctionArn, LogGroupName, LogStreamName, Cwd string
			Remaining                                            float64
			Waits                                                bool
			Env                                                  map[string]string
		}
		if err := json.Unmarshal(res.Payload, &got); err != nil {
			t.Fatalf("%v: %s", err, res.Payload)
		}
		if diff := cmp.Diff(map[string]any{"a": []any{1.0, 2.0}}, got.Event); diff != "" {
			t.Errorf("event (-want +got):\n%s", diff)
		}
		checks := map[string][2]string{
			"functionName":       {"cjs", got.FunctionName},
			"functionVersion":    {"$LATEST", got.FunctionVersion},
			"memoryLimitInMB":    {"256", got.MemoryLimitInMB},
			"awsRequestId":       {res.RequestID, got.AwsRequestID},
			"invokedFunctionArn": {"arn:aws:lambda:eu-west-1:123456789012:function:cjs", got.InvokedFunctionArn},
			"logGroupName":       {"/aws/lambda/cjs", got.LogGroupName},
			"AWS_REGION":         {"eu-west-1", got.Env["region"]},
			"AWS_DEFAULT_REGION": {"eu-west-1", got.Env["defaultRegion"]},
			"TZ":                 {":UTC", got.Env["tz"]},
			"_HANDLER":           {"index.handler", got.Env["handler"]},
			"AWS_EXECUTION_ENV":  {"AWS_Lambda_nodejs20.x", got.Env["exec"]},
			"GREETING":           {"hi", got.Env["custom"]},
			"cwd":                {got.Env["taskRoot"], got.Cwd},
		}
		for k, c := range checks {
			if c[0] != c[1] {
				t.Errorf("%s = %q, want %q", k, c[1], c[0])
			}
		}
		if !strings.HasPrefix(got.LogStreamName, time.Now().UTC().Format("2006/01/02")+"/[$LATEST]") {
			t.Errorf("logStreamName = %q", got.LogStreamName)
		}
		if got.Remaining <= 0 || got.Remaining > 3000 {
			t.Errorf("getRemainingTimeInMillis() = %v, want in (0, 3000]", got.Remaining)
		}
		if !got.Waits {
			t.Error("callbackWaitsForEmptyEventLoop defaults to false, want true")
		}
		if !strings.HasPrefix(got.Env["trace"], "Root=1-") || !strings.HasPrefix(got.Env["api"], "127.0.0.1:") || got.Env["key"] == "" {
			t.Errorf("trace id %q, runtime API %q, access key %q", got.Env["trace"], got.Env["api"], got.Env["key"])
		}
	})

	tests := []struct{ name, event, want string }{
		{"mjs", `{"n":41}`, `{"kind":"mjs","n":42}`},
		{"typemod", `{}`, `{"kind":"type-module","meta":"string"}`},
		{"cjsext", `{}`, `"cjs-extension"`},
		{"wait", `{}`, `{"late":true}`},
		{"nowait", `{}`, `{"late":false}`},
		{"succeed", `{}`, `{"via":"succeed"}`},
		{"done", `{}`, `{"via":"done"}`},
		{"plain", `{}`, `null`},
		{"undef", `{}`, `null`},
		{"dirmod", `{}`, `"from a subdirectory"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 2; i++ { // cold, then warm
				res := invoke(t, s, tc.name, tc.event)
				if res.FunctionError != "" || string(res.Payload) != tc.want {
					t.Fatalf("invocation %d: %s %s, want %s", i, res.FunctionError, res.Payload, tc.want)
				}
			}
		})
	}

	errTests := []struct{ name, typ, msg string }{
		{"fail", "TypeError", "via fail"},
		{"cberr", "string", "plain string error"},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			res := invoke(t, s, tc.name, `{}`)
			checkErrorDoc(t, res, tc.typ, tc.msg)
		})
	}
}

// checkErrorDoc checks a function error's document.
func checkErrorDoc(t *testing.T, res Result, typ, msgPart string) map[string]any {
	t.Helper()
	if res.FunctionError != "Unhandled" || res.ErrorType != typ {
		t.Fatalf("FunctionError %q ErrorType %q, want Unhandled %q; payload %s", res.FunctionError, res.ErrorType, typ, res.Payload)
	}
	var doc map[string]any
	if err := json.Unmarshal(res.Payload, &doc); err != nil {
		t.Fatalf("error document is not JSON: %s", res.Payload)
	}
	if doc["errorType"] != typ {
		t.Errorf("errorType = %v, want %s", doc["errorType"], typ)
	}
	if m, _ := doc["errorMessage"].(string); !strings.Contains(m, msgPart) {
		t.Errorf("errorMessage = %q, want it to contain %q", m, msgPart)
	}
	return doc
}

func TestNodeErrors(t *testing.T) {
	needNode(t)
	s, logs := newTestService(t, Config{})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"throw.js":      "class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } }\nexports.handler = async () => { throw new ValidationError('bad input'); };",
		"syntax.js":     "exports.handler = async () => { return {; };",
		"noexport.js":   "exports.other = async () => 1;",
		"notfunc.js":    "exports.handler = 42;",
		"requires.js":   "require('left-pad-that-is-not-installed'); exports.handler = async () => 1;",
		"rejection.js":  "exports.handler = async () => { Promise.reject(new Error('nobody catches me')); await new Promise(r => setTimeout(r, 200)); return 'late'; };",
		"uncaught.js":   "exports.handler = (e, c, cb) => { setTimeout(() => { throw new RangeError('thrown later'); }, 10); };",
		"initthrow.js":  "throw new Error('top-level failure');",
		"badevent.js":   "exports.handler = async (e) => e;",
		"circular.js":   "exports.handler = async () => { const o = {}; o.o = o; return o; };",
		"log.js":        "exports.handler = async (e) => { console.log('hello from', e.who); console.error('to stderr'); return 1; };",
		"esmthrow.mjs":  "export const handler = async () => { throw new Error('esm boom'); };",
		"esmimport.mjs": "import x from 'not-installed-esm'; export const handler = async () => x;",
	})
	fn := func(name, handler string) Function {
		return Function{Name: name, Runtime: "nodejs20.x", Handler: handler, CodeDir: dir}
	}
	load(t, s,
		fn("throw", "throw.handler"), fn("syntax", "syntax.handler"), fn("noexport", "noexport.handler"),
		fn("notfunc", "notfunc.handler"), fn("requires", "requires.handler"), fn("missing", "nosuchfile.handler"),
		fn("malformed", "nodot"), fn("relative", "../escape.handler"), fn("rejection", "rejection.handler"),
		fn("uncaught", "uncaught.handler"), fn("initthrow", "initthrow.handler"), fn("circular", "circular.handler"),
		fn("log", "log.handler"), fn("esmthrow", "esmthrow.handler"), fn("esmimport", "esmimport.handler"))

	tests := []struct{ name, typ, msg string }{
		{"throw", "ValidationError", "bad input"},
		{"syntax", "Runtime.UserCodeSyntaxError", "SyntaxError"},
		{"noexport", "Runtime.HandlerNotFound", "noexport.handler is undefined or not exported"},
		{"notfunc", "Runtime.HandlerNotFound", "notfunc.handler is not a function"},
		{"requires", "Runtime.ImportModuleError", "Cannot find module 'left-pad-that-is-not-installed'"},
		{"missing", "Runtime.ImportModuleError", "Cannot find module 'nosuchfile'"},
		{"malformed", "Runtime.MalformedHandlerName", "Bad handler"},
		{"relative", "Runtime.MalformedHandlerName", "is not a valid handler name"},
		{"rejection", "Runtime.UnhandledPromiseRejection", "nobody catches me"},
		{"uncaught", "RangeError", "thrown later"},
		{"initthrow", "Error", "top-level failure"},
		{"circular", "Runtime.MarshalError", "Unable to stringify response body as json"},
		{"esmthrow", "Error", "esm boom"},
		{"esmimport", "Runtime.ImportModuleError", "not-installed-esm"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 2; i++ { // the second invocation fails the same way
				res := invoke(t, s, tc.name, `{}`)
				doc := checkErrorDoc(t, res, tc.typ, tc.msg)
				if tr, ok := doc["trace"].([]any); tc.name == "throw" && (!ok || len(tr) < 2 || !strings.Contains(tr[1].(string), "throw.js")) {
					t.Errorf("trace = %v, want the stack with throw.js", doc["trace"])
				}
			}
		})
	}
	t.Run("a missing package's fix is logged", func(t *testing.T) {
		logs.waitLog(t, "function failed to initialise", "function=requires", "hint=", "npm install left-pad-that-is-not-installed")
	})
	t.Run("output is logged with the request id", func(t *testing.T) {
		res := invoke(t, s, "log", `{"who":"the test"}`)
		logs.waitLog(t, "hello from the test", "function=log", "requestId="+res.RequestID)
		logs.waitLog(t, "to stderr", "requestId="+res.RequestID)
		logs.waitLog(t, "START RequestId: "+res.RequestID+" Version: $LATEST")
		logs.waitLog(t, "END RequestId: "+res.RequestID)
		line := logs.waitLog(t, "REPORT RequestId: "+res.RequestID, "Duration: ", "Billed Duration: ", "Memory Size: 128 MB", "Max Memory Used: ", "Init Duration: ")
		if !strings.Contains(line, "function=log") {
			t.Errorf("REPORT line without the function: %s", line)
		}
	})
}
