package runtime

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// awsResponseTypes are the GatewayResponse types API Gateway defines.
var awsResponseTypes = map[string]bool{
	"ACCESS_DENIED": true, "API_CONFIGURATION_ERROR": true, "AUTHORIZER_CONFIGURATION_ERROR": true,
	"AUTHORIZER_FAILURE": true, "BAD_REQUEST_PARAMETERS": true, "BAD_REQUEST_BODY": true, "DEFAULT_4XX": true,
	"DEFAULT_5XX": true, "EXPIRED_TOKEN": true, "INTEGRATION_FAILURE": true, "INTEGRATION_TIMEOUT": true,
	"INVALID_API_KEY": true, "INVALID_SIGNATURE": true, "MISSING_AUTHENTICATION_TOKEN": true, "QUOTA_EXCEEDED": true,
	"REQUEST_TOO_LARGE": true, "RESOURCE_NOT_FOUND": true, "THROTTLED": true, "UNAUTHORIZED": true,
	"UNSUPPORTED_MEDIA_TYPE": true, "WAF_FILTERED": true,
}

// TestAWSErrorTable: every kind has an AWS default whose body is JSON
// carrying its message, and a response type AWS knows (or none, for the
// answers no API's GatewayResponse can customize).
func TestAWSErrorTable(t *testing.T) {
	seen := map[string]errKind{}
	for k := errKind(1); k < nErrKinds; k++ {
		s := awsErrors[k]
		if s.status < 400 || s.status > 599 {
			t.Errorf("kind %d: status %d", k, s.status)
		}
		var body struct{ Message *string }
		if err := json.Unmarshal([]byte(s.body), &body); err != nil {
			t.Errorf("kind %d: body %q: %v", k, s.body, err)
		}
		if got := "null"; body.Message != nil {
			got = *body.Message
			if got != s.message {
				t.Errorf("kind %d: body says %q, message is %q", k, got, s.message)
			}
		} else if s.message != got {
			t.Errorf("kind %d: body has a null message, message is %q", k, s.message)
		}
		if s.responseType == "" {
			if k != errForbidden {
				t.Errorf("kind %d has no response type", k)
			}
			continue
		}
		if !awsResponseTypes[s.responseType] {
			t.Errorf("kind %d: %q is not an API Gateway response type", k, s.responseType)
		}
		// errLambdaFailure is API Gateway's other INTEGRATION_FAILURE
		// answer: 500 when Lambda refuses an invocation (throttled).
		if prev, dup := seen[s.responseType]; dup && k != errLambdaFailure {
			t.Errorf("kinds %d and %d both answer %s", prev, k, s.responseType)
		}
		seen[s.responseType] = k
	}
}

// TestOneAnswerPath: every gateway answer a request can reach goes
// through answer, so a DEFAULT_4XX / DEFAULT_5XX GatewayResponse
// customizes each of them and the access log records each with a reason.
func TestOneAnswerPath(t *testing.T) {
	refused := h1Backend(t, http.NotFoundHandler())
	refusedAddr := refused.Listener.Addr().String()
	refused.Close()
	b := newTB("answers000", stage("prod", nil))
	b.method("/mock", "GET", &model.Integration{Type: model.IntegrationMock,
		PassthroughBehavior: "NEVER",
		RequestTemplates:    map[string]string{"application/json": `{"statusCode": 200}`},
		Responses:           []model.IntegrationResponse{{StatusCode: "200"}}})
	b.method("/vtlfail", "GET", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses:        []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `$util.parseJson("{")`}}}})
	b.method("/nostatus", "GET", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 201}`},
		Responses:        []model.IntegrationResponse{{StatusCode: "200", SelectionPattern: "200"}}})
	b.method("/none", "GET", nil)
	b.method("/refused", "GET", proxyTo("http://"+refusedAddr+"/", false))
	key := b.method("/key", "GET", &model.Integration{Type: model.IntegrationMock})
	key.APIKeyRequired = true
	iam := b.method("/iam", "GET", &model.Integration{Type: model.IntegrationMock})
	iam.AuthorizationType = "AWS_IAM"
	b.api.GatewayResponses = []*model.GatewayResponse{
		{ResponseType: "DEFAULT_4XX", ResponseParameters: map[string]string{"gatewayresponse.header.X-Answer": "'4xx'"},
			ResponseTemplates: map[string]string{"application/json": `{"m":$context.error.messageString}`}},
		{ResponseType: "DEFAULT_5XX", StatusCode: "503", ResponseParameters: map[string]string{"gatewayresponse.header.X-Answer": "'5xx'"}},
	}
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	for _, tt := range []struct {
		name, path, ctype string
		status            int
		answer, body      string
	}{
		{"missing auth", "/prod/nope", "", 403, "4xx", `{"m":"Missing Authentication Token"}`},
		{"invalid api key", "/prod/key", "", 403, "4xx", `{"m":"Forbidden"}`},
		{"aws_iam", "/prod/iam", "", 403, "4xx", `{"m":"Missing Authentication Token"}`},
		{"unsupported media", "/prod/mock", "text/plain", 415, "4xx", `{"m":"Unsupported Media Type"}`},
		{"no integration", "/prod/none", "", 503, "5xx", `{"message": "Internal server error"}`},
		{"template fails", "/prod/vtlfail", "", 503, "5xx", `{"message": "Internal server error"}`},
		{"no response", "/prod/nostatus", "", 503, "5xx", `{"message": "Internal server error"}`},
		{"backend refused", "/prod/refused", "", 503, "5xx", `{"message": "Internal server error"}`},
		{"no such stage (not the API's)", "/dev/mock", "", 403, "", `{"message":"Forbidden"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.ctype != "" {
				hdr = []string{"Content-Type", tt.ctype}
			}
			res := do(t, c, "GET", "http://"+gw.http+tt.path, nil, hdr...)
			if res.status != tt.status || res.header.Get("X-Answer") != tt.answer || res.body != tt.body {
				t.Errorf("got %d X-Answer=%q %s, want %d %q %s", res.status, res.header.Get("X-Answer"), res.body, tt.status, tt.answer, tt.body)
			}
			if res.header.Get("X-Amzn-Requestid") == "" {
				t.Error("no x-amzn-RequestId")
			}
		})
	}
	logs := gw.logs.String()
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if strings.Contains(line, "msg=request") && !strings.Contains(line, "reason=") {
			t.Errorf("access log line without a reason: %s", line)
		}
	}
}

// TestAnswerUnexpectedError: an error that is not a gatewayError answers
// DEFAULT_5XX and is logged at Error level.
func TestAnswerUnexpectedError(t *testing.T) {
	logs := &logBuffer{}
	g, err := New(Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", "http://127.0.0.1/x", nil)
	rs := &reqState{g: g, r: r, method: "GET"}
	rs.newIDs()
	w := &benchWriter{h: http.Header{}}
	g.answer(w, rs, errors.New("surprise"))
	if w.status != 500 || rs.status != 500 || rs.reason != "surprise" {
		t.Errorf("status %d/%d reason %q", w.status, rs.status, rs.reason)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "surprise") {
		t.Errorf("log: %s", logs)
	}
}

// TestHandlerPanicLogged: a panic in the request path (here the clock) is
// logged with its stack, resets the stream, and the gateway goes on
// serving; http.ErrAbortHandler, the deliberate reset, is not logged.
func TestHandlerPanicLogged(t *testing.T) {
	var boom atomic.Bool
	b := newTB("panics0000", stage("prod", nil))
	ok := []model.IntegrationResponse{{StatusCode: "200"}}
	b.method("/ok", "GET", &model.Integration{Type: model.IntegrationMock, RequestTemplates: status200, Responses: ok})
	b.method("/x", "GET", &model.Integration{Type: model.IntegrationMock, Responses: ok, RequestTemplates: map[string]string{"application/json": `#set($x = 1){"statusCode": 200}`}})
	gw := start(t, b.build(), func(c *Config) {
		c.Now = func() time.Time {
			if boom.Load() {
				panic("clock broke")
			}
			return time.Now()
		}
	})
	for _, client := range []struct {
		name string
		c    *http.Client
	}{{"h2c", h2cClient(t)}, {"h1", h1Client(t)}, {"tls h2", tlsClient(t, gw.g, true)}} {
		t.Run(client.name, func(t *testing.T) {
			base := "http://" + gw.http
			if strings.HasPrefix(client.name, "tls") {
				base = "https://" + gw.https
			}
			for _, path := range []string{"/prod/ok", "/prod/x"} { // inline and not
				boom.Store(true)
				resp, err := client.c.Get(base + path)
				boom.Store(false)
				if err == nil {
					resp.Body.Close()
					t.Errorf("%s: got %d, want the stream reset", path, resp.StatusCode)
				}
				if res := do(t, client.c, "GET", base+"/prod/ok", nil); res.status != 200 {
					t.Errorf("after the panic: %d", res.status)
				}
			}
		})
	}
	logs := gw.logs.String()
	// 6 requests; net/http's client may retry an idempotent request once
	// on a connection closed without an answer.
	if n := strings.Count(logs, `msg="handler panic" panic="clock broke"`); n < 6 {
		t.Errorf("%d panic log lines, want at least 6:\n%s", n, logs)
	}
	if !strings.Contains(logs, "stack=") || !strings.Contains(logs, "runtime.(*Gateway).serveHTTP") {
		t.Errorf("panic log has no stack:\n%s", logs)
	}
}

// TestInlineDecidedAtCompile: error endpoints and all-literal MOCKs run
// inline; a MOCK with VTL or any backend integration does not.
func TestInlineDecidedAtCompile(t *testing.T) {
	b := newTB("inline0000", stage("prod", nil))
	b.method("/lit", "GET", &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `{}`}}}})
	b.method("/vtl", "GET", &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `$input.params('q')`}}}})
	b.method("/proxy", "GET", proxyTo("http://127.0.0.1:1/", false))
	b.method("/none", "GET", nil)
	g, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Load(b.build()); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{"/prod/lit": true, "/prod/vtl": false, "/prod/proxy": false, "/prod/none": true, "/prod/nope": true, "/dev/x": true} {
		r, _ := http.NewRequest("GET", "http://127.0.0.1"+path, nil)
		r.ProtoMajor = 2
		if got := g.inlineOK(r); got != want {
			t.Errorf("%s: inline %v, want %v", path, got, want)
		}
	}
}

// TestTemplateBoundsOverHTTP2: the templates of issue 13 that used to kill
// the process, sent through a real gateway with an HTTP/2 client: a
// self-referencing list renders as Velocity renders it; a replace whose
// result would pass 10 MB answers 500 as API Gateway answers a failing
// template, with a log line naming the template and the bound; the
// gateway goes on serving.
func TestTemplateBoundsOverHTTP2(t *testing.T) {
	be := h2cBackend(t, http.HandlerFunc(echoHandler))
	b := newTB("bounds0000", stage("prod", nil))
	b.method("/self", "POST", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{
			"application/json": `#set($l = [])#set($d = $l.add($l))#set($m = {})#set($d = $m.put('me', $m))$l.toString() "$l" $m #set($k = [])#set($d = $k.add($k))$l.indexOf($l)`}}}})
	b.method("/cycle", "POST", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{
			"application/json": `#set($l = [])#set($d = $l.add($l))#set($k = [])#set($d = $k.add($k))#if($l == $k)same#end`}}}})
	b.method("/greet", "POST", &model.Integration{Type: model.IntegrationHTTP, HTTPMethod: "POST", URI: "http://" + be.Listener.Addr().String() + "/greet",
		ConnectionType:   model.ConnectionHTTP2,
		RequestTemplates: map[string]string{"application/json": "#set($t = '" + strings.Repeat("Hello {name}! ", 10) + "')$t.replace('{name}', $input.path('$.name'))"},
		Responses:        []model.IntegrationResponse{{StatusCode: "200"}}})
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	base := "http://" + gw.http + "/prod"

	res := do(t, c, "POST", base+"/self", strings.NewReader("{}"), "Content-Type", "application/json")
	if want := `[(this Collection)] "[(this Collection)]" {me=(this Map)}0`; res.status != 200 || res.body != want {
		t.Errorf("self: %d %q, want 200 %q", res.status, res.body, want)
	}
	res = do(t, c, "POST", base+"/cycle", strings.NewReader("{}"), "Content-Type", "application/json")
	if res.status != 500 || res.body != `{"message": "Internal server error"}` {
		t.Errorf("cycle: %d %q", res.status, res.body)
	}
	big := `{"name":"` + strings.Repeat("n", 1_600_000) + `"}`
	res = do(t, c, "POST", base+"/greet", strings.NewReader(big), "Content-Type", "application/json")
	if res.status != 500 || res.body != `{"message": "Internal server error"}` {
		t.Errorf("1.6 MB replace: %d %.100q", res.status, res.body)
	}
	res = do(t, c, "POST", base+"/greet", strings.NewReader(`{"name":"Ada"}`), "Content-Type", "application/json")
	if res.status != 200 || decodeEcho(t, res.body).BodyLen != int64(len("Hello Ada! "))*10 {
		t.Errorf("small replace: %d %q", res.status, res.body)
	}
	logs := gw.logs.String()
	for _, want := range []string{
		`level=WARN msg="mapping template stopped at a limit" template="request template application/json" method=POST resource=/greet`,
		`.replace() would build a string longer than 10 MB`,
		`level=WARN msg="mapping template stopped at a limit" template="response template application/json" method=POST resource=/cycle`,
		`more than 200 levels deep`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%.3000s", want, logs)
		}
	}
}

// TestFormatIDs: the request id is a version 4 UUID whose digits are the
// random bits in order (as the per-character loop it replaced wrote them:
// refUUID), the apigw id 15 characters of idChars and "=", over edge and
// random inputs.
func TestFormatIDs(t *testing.T) {
	refUUID := func(a, c uint64) string {
		var b [36]byte
		j := 0
		for i := range b {
			switch i {
			case 8, 13, 18, 23:
				b[i] = '-'
				continue
			case 14:
				b[i] = '4'
				continue
			}
			nib := a >> (4 * j) & 0xf
			if j >= 16 {
				nib = c >> (4 * (j - 16)) & 0xf
			}
			if i == 19 {
				nib = 8 | nib&3
			}
			b[i] = hexDigits[nib]
			j++
		}
		return string(b[:])
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	apigw := regexp.MustCompile(`^[A-Za-z0-9]{15}=$`)
	inputs := [][4]uint64{{0, 0, 0, 0}, {^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210, 61, 62}}
	for range 200 {
		inputs = append(inputs, [4]uint64{rand.Uint64(), rand.Uint64(), rand.Uint64(), rand.Uint64()})
	}
	for _, in := range inputs {
		var b [52]byte
		formatIDs(&b, in[0], in[1], in[2], in[3])
		id, gw := string(b[:36]), string(b[36:])
		if want := refUUID(in[0], in[1]); id != want {
			t.Errorf("%x: request id %s, want %s", in, id, want)
		}
		if !uuid.MatchString(id) || !apigw.MatchString(gw) {
			t.Errorf("%x: ids %q %q", in, id, gw)
		}
	}
	var b [52]byte
	formatIDs(&b, 0, 0, 61, 0)
	if got := string(b[36:]); got != "9AAAAAAAAAAAAAA=" {
		t.Errorf("apigw id of d=61: %q", got)
	}
}
