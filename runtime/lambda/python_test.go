package lambda

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPythonHandlers(t *testing.T) {
	needPython(t)
	s, logs := newTestService(t, Config{})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app.py": `import os, logging, decimal
logger = logging.getLogger()
logger.setLevel(logging.INFO)

def handler(event, context):
    logger.info("got %s", event.get("who"))
    print("printed", event.get("who"))
    return {
        "event": event,
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "task_root": os.environ["LAMBDA_TASK_ROOT"],
        "cwd": os.getcwd(),
        "region": os.environ["AWS_REGION"],
        "custom": os.environ.get("STAGE"),
        "decimal": decimal.Decimal("1.5"),
        "integral": decimal.Decimal("3"),
    }
`,
		"pkg/__init__.py":      "",
		"pkg/sub/__init__.py":  "",
		"pkg/sub/mod.py":       "def handle(event, context):\n    return 'nested module'\n",
		"dirstyle/handlers.py": "def hello(event, context):\n    return 'dir style'\n",
		"errors.py": `class NotFound(Exception):
    pass

def raises(event, context):
    raise NotFound("no such pet")

def unserializable(event, context):
    return {"s": {1, 2}}

def exits(event, context):
    import sys
    sys.exit(4)
`,
		"broken.py":   "def handler(event, context)\n    return 1\n",
		"imports.py":  "import not_installed_anywhere\n\ndef handler(event, context):\n    return 1\n",
		"initfail.py": "raise RuntimeError('at import')\n",
	})
	fn := func(name, handler string) Function {
		return Function{Name: name, Runtime: "python3.12", Handler: handler, CodeDir: dir, Environment: map[string]string{"STAGE": "dev"}}
	}
	load(t, s, fn("app", "app.handler"), fn("nested", "pkg.sub.mod.handle"), fn("dirstyle", "dirstyle/handlers.hello"),
		fn("raises", "errors.raises"), fn("unserializable", "errors.unserializable"), fn("exits", "errors.exits"),
		fn("broken", "broken.handler"), fn("imports", "imports.handler"), fn("missing", "nosuch.handler"),
		fn("nohandler", "errors.nothere"), fn("malformed", "nodot"), fn("initfail", "initfail.handler"))

	t.Run("context and environment", func(t *testing.T) {
		res := invoke(t, s, "app", `{"who":"python"}`)
		if res.FunctionError != "" {
			t.Fatalf("function error: %s", res.Payload)
		}
		var got map[string]any
		if err := json.Unmarshal(res.Payload, &got); err != nil {
			t.Fatalf("%v: %s", err, res.Payload)
		}
		want := map[string]any{
			"event":                map[string]any{"who": "python"},
			"aws_request_id":       res.RequestID,
			"function_name":        "app",
			"function_version":     "$LATEST",
			"memory_limit_in_mb":   "128",
			"invoked_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:app",
			"log_group_name":       "/aws/lambda/app",
			"region":               "us-east-1",
			"custom":               "dev",
			"decimal":              1.5,
			"integral":             3.0,
		}
		for k, v := range want {
			if diff := cmp.Diff(v, got[k]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", k, diff)
			}
		}
		if got["cwd"] != got["task_root"] {
			t.Errorf("cwd %v, task root %v", got["cwd"], got["task_root"])
		}
		if r, _ := got["remaining"].(float64); r <= 0 || r > 3000 {
			t.Errorf("remaining = %v", got["remaining"])
		}
		logs.waitLog(t, "[INFO]", "got python", "requestId="+res.RequestID)
		logs.waitLog(t, "printed python", "requestId="+res.RequestID)
	})

	for _, tc := range []struct{ name, want string }{
		{"nested", `"nested module"`},
		{"dirstyle", `"dir style"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := invoke(t, s, tc.name, `{}`)
			if string(res.Payload) != tc.want {
				t.Fatalf("got %s %s, want %s", res.FunctionError, res.Payload, tc.want)
			}
		})
	}

	for _, tc := range []struct{ name, typ, msg string }{
		{"raises", "NotFound", "no such pet"},
		{"unserializable", "Runtime.MarshalError", "Unable to marshal response"},
		{"exits", "Runtime.ExitError", "exit status 4"},
		{"broken", "Runtime.UserCodeSyntaxError", "Syntax error in module 'broken'"},
		{"imports", "Runtime.ImportModuleError", "Unable to import module 'imports': No module named 'not_installed_anywhere'"},
		{"missing", "Runtime.ImportModuleError", "Unable to import module 'nosuch'"},
		{"nohandler", "Runtime.HandlerNotFound", "Handler 'nothere' missing on module 'errors'"},
		{"malformed", "Runtime.MalformedHandlerName", "Bad handler 'nodot'"},
		{"initfail", "RuntimeError", "at import"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 2; i++ {
				res := invoke(t, s, tc.name, `{}`)
				doc := checkErrorDoc(t, res, tc.typ, tc.msg)
				if tc.name == "raises" {
					st, _ := doc["stackTrace"].([]any)
					if len(st) == 0 || !strings.Contains(st[0].(string), "errors.py") || doc["requestId"] != res.RequestID {
						t.Errorf("stackTrace %v, requestId %v (want %s)", doc["stackTrace"], doc["requestId"], res.RequestID)
					}
				}
			}
		})
	}
	t.Run("a missing package's fix is logged", func(t *testing.T) {
		logs.waitLog(t, "function failed to initialise", "function=imports", "hint=", "python3 -m pip install not_installed_anywhere")
	})
}
