package runtime

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// testEvent builds the event for r matched to resource with ps.
func testEvent(r *http.Request, resource, stage string, ps *params, body []byte) *proxyEvent {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/"+stage)
	return &proxyEvent{
		r: r, method: r.Method, resource: resource, path: rest, stage: stage, params: ps,
		requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", extendedID: "Ab1CdEFGhIJKlM=",
		apiID: "a1b2c3d4e5", accountID: "123456789012", resourceID: "x1y2z3", deploymentID: "dep123",
		start: time.Date(2024, 7, 10, 12, 28, 36, 123e6, time.UTC), sourceIP: "192.0.2.7",
		forwardedFor: "192.0.2.7", forwardedPort: "8080", forwardedProto: "http",
		traceID: "Root=1-668e7c64-0123456789abcdef01234567", body: body,
	}
}

// decodeEvent writes the event and reads it back into aws-lambda-go's type
// (and as a generic map, for what that type does not model).
func decodeEvent(t *testing.T, e *proxyEvent) (events.APIGatewayProxyRequest, map[string]any) {
	t.Helper()
	b := appendProxyEvent(nil, e)
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("event is not JSON: %v\n%s", err, b)
	}
	var raw map[string]any
	json.Unmarshal(b, &raw)
	return ev, raw
}

// The shape of an event AWS sent a function (LocalStack's AWS-validated
// snapshot of test_lambda_aws_proxy_integration, and aws-lambda-go's
// events/testdata): the keys, not the values.
var recordedEventKeys = []string{"body", "headers", "httpMethod", "isBase64Encoded", "multiValueHeaders",
	"multiValueQueryStringParameters", "path", "pathParameters", "queryStringParameters", "requestContext",
	"resource", "stageVariables"}
var recordedContextKeys = []string{"accountId", "apiId", "deploymentId", "domainName", "domainPrefix",
	"extendedRequestId", "httpMethod", "identity", "path", "protocol", "requestId", "requestTime",
	"requestTimeEpoch", "resourceId", "resourcePath", "stage"}
var recordedIdentityKeys = []string{"accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
	"cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId", "sourceIp",
	"user", "userAgent", "userArn"}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestProxyEventShape(t *testing.T) {
	r := httptest.NewRequest("GET", "http://a1b2c3d4e5.execute-api.localhost:8080/test/test-path/", nil)
	r.Header.Set("User-Agent", "python-requests/testing")
	r.Header.Set("Accept", "*/*")
	ps := &params{n: 1}
	ps.ps[0] = pathParam{"proxy", "test-path/"}
	ev, raw := decodeEvent(t, testEvent(r, "/{proxy+}", "test", ps, nil))
	if diff := cmp.Diff(recordedEventKeys, keysOf(raw)); diff != "" {
		t.Errorf("event keys (-recorded +ours):\n%s", diff)
	}
	rc := raw["requestContext"].(map[string]any)
	if diff := cmp.Diff(recordedContextKeys, keysOf(rc)); diff != "" {
		t.Errorf("requestContext keys (-recorded +ours):\n%s", diff)
	}
	id := rc["identity"].(map[string]any)
	if diff := cmp.Diff(recordedIdentityKeys, keysOf(id)); diff != "" {
		t.Errorf("identity keys (-recorded +ours):\n%s", diff)
	}
	for _, k := range recordedIdentityKeys {
		if k != "sourceIp" && k != "userAgent" && id[k] != nil {
			t.Errorf("identity.%s = %v, want null", k, id[k])
		}
	}
	// Values AWS gave for the same request.
	for _, c := range [][2]any{
		{raw["body"], nil}, {raw["isBase64Encoded"], false}, {raw["stageVariables"], nil},
		{raw["queryStringParameters"], nil}, {raw["multiValueQueryStringParameters"], nil},
		{ev.Path, "/test-path/"}, {ev.Resource, "/{proxy+}"}, {ev.PathParameters["proxy"], "test-path"},
		{ev.RequestContext.Path, "/test/test-path/"}, {ev.RequestContext.ResourcePath, "/{proxy+}"},
		{ev.RequestContext.Stage, "test"}, {ev.RequestContext.HTTPMethod, "GET"},
		{ev.RequestContext.RequestTime, "10/Jul/2024:12:28:36 +0000"}, {ev.RequestContext.RequestTimeEpoch, int64(1720614516123)},
		{ev.RequestContext.Identity.UserAgent, "python-requests/testing"}, {ev.RequestContext.Identity.SourceIP, "192.0.2.7"},
		{ev.RequestContext.Protocol, "HTTP/1.1"}, {ev.RequestContext.DomainPrefix, "a1b2c3d4e5"},
		{ev.RequestContext.DomainName, "a1b2c3d4e5.execute-api.localhost:8080"},
		{ev.Headers["X-Forwarded-Proto"], "http"}, {ev.Headers["X-Forwarded-Port"], "8080"},
		{ev.Headers["X-Forwarded-For"], "192.0.2.7"}, {ev.Headers["Host"], "a1b2c3d4e5.execute-api.localhost:8080"},
		{ev.Headers["X-Amzn-Trace-Id"], "Root=1-668e7c64-0123456789abcdef01234567"},
	} {
		if !cmp.Equal(c[0], c[1]) {
			t.Errorf("got %v, want %v", c[0], c[1])
		}
	}
	if rc["authorizer"] != nil {
		t.Error("requestContext.authorizer present without an authorizer (AWS omits it)")
	}
	if diff := cmp.Diff(len(ev.Headers), len(ev.MultiValueHeaders)); diff != "" {
		t.Errorf("headers and multiValueHeaders differ in keys: %v vs %v", ev.Headers, ev.MultiValueHeaders)
	}
}

func TestProxyEventQueryAndHeaders(t *testing.T) {
	// The recorded AWS answers: repeated keys give the last value and the
	// list; '+' is a space and %2B a plus; the path stays escaped.
	r := httptest.NewRequest("POST", "http://localhost/test/test-path/api/user/test%2Balias@gmail.com?category=electronics&category=books&price=10&price=20&price=30&plus=test+alias@gmail.com&email=test%2Balias@gmail.com&flag&empty=&bad=%zz", strings.NewReader(""))
	r.Header.Add("Content-Type", "application/json;charset=utf-8")
	r.Header.Add("Content-Length", "27")
	r.Header.Add("Connection", "keep-alive")
	r.Header.Add("Connection", "x-hop ,X-Other")
	r.Header.Add("X-Hop", "h")
	r.Header.Add("X-Other", "o")
	r.Header.Add("X-Multi", "one")
	r.Header.Add("X-Multi", "two")
	r.Header.Add("X-Forwarded-For", "203.0.113.1")
	r.Header.Add("X-Amzn-Trace-Id", "Root=1-from-the-client")
	ps := &params{n: 1}
	ps.ps[0] = pathParam{"proxy", "test-path/api/user/test%2Balias@gmail.com"}
	e := testEvent(r, "/{proxy+}", "test", ps, []byte(`{"message":"hello world"}`))
	e.forwardedFor = "203.0.113.1, 192.0.2.7"
	e.stageVars = map[string]string{"b": "2", "a": "1"}
	ev, _ := decodeEvent(t, e)
	want := events.APIGatewayProxyRequest{
		Path: "/test-path/api/user/test%2Balias@gmail.com",
		QueryStringParameters: map[string]string{"category": "books", "price": "30", "plus": "test alias@gmail.com",
			"email": "test+alias@gmail.com", "flag": "", "empty": "", "bad": "%zz"},
		MultiValueQueryStringParameters: map[string][]string{"category": {"electronics", "books"}, "price": {"10", "20", "30"},
			"plus": {"test alias@gmail.com"}, "email": {"test+alias@gmail.com"}, "flag": {""}, "empty": {""}, "bad": {"%zz"}},
		PathParameters: map[string]string{"proxy": "test-path/api/user/test%2Balias@gmail.com"},
		StageVariables: map[string]string{"a": "1", "b": "2"},
		Body:           `{"message":"hello world"}`,
	}
	got := events.APIGatewayProxyRequest{Path: ev.Path, QueryStringParameters: ev.QueryStringParameters,
		MultiValueQueryStringParameters: ev.MultiValueQueryStringParameters, PathParameters: ev.PathParameters,
		StageVariables: ev.StageVariables, Body: ev.Body}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	for _, h := range []string{"Content-Length", "Connection", "X-Hop", "X-Other"} {
		if _, ok := ev.Headers[h]; ok {
			t.Errorf("header %s passed to the function (API Gateway drops it)", h)
		}
	}
	if ev.Headers["X-Multi"] != "two" || !slices.Equal(ev.MultiValueHeaders["X-Multi"], []string{"one", "two"}) {
		t.Errorf("X-Multi: %q %q", ev.Headers["X-Multi"], ev.MultiValueHeaders["X-Multi"])
	}
	if ev.Headers["X-Forwarded-For"] != "203.0.113.1, 192.0.2.7" || ev.Headers["X-Amzn-Trace-Id"] != "Root=1-from-the-client" {
		t.Errorf("forwarded headers: %v", ev.Headers)
	}
	if ev.IsBase64Encoded {
		t.Error("a JSON body came base64 encoded")
	}
}

func TestProxyEventBinaryBody(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}
	for _, tc := range []struct {
		name, ctype string
		binary      []string
		body        []byte
		b64         bool
		text        string // the body the function reads, if not body
	}{
		{"text", "text/plain", []string{"image/png"}, []byte("héllo\n\"q\"\t<&>"), false, ""},
		{"binary type", "image/png", []string{"image/png"}, png, true, ""},
		{"wildcard", "image/jpeg; q=1", []string{"image/*"}, []byte("jpeg"), true, ""},
		{"all", "application/json", []string{"*/*"}, []byte(`{}`), true, ""},
		// Not a binary media type: text (AWS), invalid bytes as U+FFFD.
		{"not UTF-8 and not binary", "application/octet-stream", nil, png, false, "\ufffdPNG\x00\x01\x02\ufffd"},
		{"not UTF-8, other binary type", "application/octet-stream", []string{"image/png"}, []byte("a\xffb\xe2\x82"), false, "a\ufffdb\ufffd\ufffd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://localhost/s/up", nil)
			r.Header.Set("Content-Type", tc.ctype)
			e := testEvent(r, "/up", "s", nil, tc.body)
			e.binary = tc.binary
			ev, _ := decodeEvent(t, e)
			got := []byte(ev.Body)
			if tc.b64 {
				var err error
				if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
					t.Fatal(err)
				}
			}
			want := string(tc.body)
			if tc.text != "" {
				want = tc.text
			}
			if ev.IsBase64Encoded != tc.b64 || string(got) != want {
				t.Errorf("isBase64Encoded %v body %q, want %v %q", ev.IsBase64Encoded, got, tc.b64, want)
			}
		})
	}
}

func TestProxyEventAuthorizerAndOperation(t *testing.T) {
	r := httptest.NewRequest("GET", "http://localhost/prod/pets", nil)
	r.Header.Set("X-Api-Key", "k-123")
	e := testEvent(r, "/pets", "prod", nil, nil)
	e.authorizer = []byte(`{"principalId":"user|a1","tier":"gold","integrationLatency":3}`)
	e.operationName = "ListPets"
	e.apiKey, e.apiKeyID = "k-123", "keyid12345"
	ev, _ := decodeEvent(t, e)
	if ev.RequestContext.Authorizer["principalId"] != "user|a1" || ev.RequestContext.Authorizer["tier"] != "gold" {
		t.Errorf("authorizer %v", ev.RequestContext.Authorizer)
	}
	if ev.RequestContext.OperationName != "ListPets" || ev.RequestContext.Identity.APIKey != "k-123" || ev.RequestContext.Identity.APIKeyID != "keyid12345" {
		t.Errorf("operation %q identity %+v", ev.RequestContext.OperationName, ev.RequestContext.Identity)
	}
}

func TestParseProxyResponse(t *testing.T) {
	type want struct {
		status  int
		headers [][2]string
		body    string
	}
	for _, tc := range []struct {
		name, in string
		decode   bool
		want     want
		bad      bool
	}{
		{"plain", `{"statusCode":201,"headers":{"Content-Type":"text/plain","X-B":true},"body":"hi"}`, false,
			want{201, [][2]string{{"Content-Type", "text/plain"}, {"X-B", "true"}}, "hi"}, false},
		{"status as string", `{"statusCode":"404","body":"gone"}`, false, want{404, nil, "gone"}, false},
		{"no status", `{"body":"ok"}`, false, want{200, nil, "ok"}, false},
		{"empty object", `{}`, false, want{200, nil, ""}, false},
		{"nulls", `{"statusCode":null,"headers":null,"multiValueHeaders":null,"body":null,"isBase64Encoded":null}`, false, want{200, nil, ""}, false},
		{"escapes", `{"statusCode":200,"body":"line\n\"q\" \u00e9 \ud83d\ude00 \/"}`, false, want{200, nil, "line\n\"q\" é 😀 /"}, false},
		{"merge", `{"statusCode":200,"headers":{"Set-Cookie":"a=1","X-Single":"s"},"multiValueHeaders":{"set-cookie":["b=2","c=3"],"X-List":["x",1,false]}}`, false,
			want{200, [][2]string{{"set-cookie", "b=2"}, {"set-cookie", "c=3"}, {"X-List", "x"}, {"X-List", "1"}, {"X-List", "false"}, {"Set-Cookie", "a=1"}, {"X-Single", "s"}}, ""}, false},
		// aws-sam-cli#1166: an API Gateway console test answered
		// Content-Type=application/json,text/html, X-Foo=foo,bar.
		{"merge as recorded on AWS", `{"body":"x","statusCode":200,"headers":{"X-Foo":"bar","Content-Type":"text/html"},"multiValueHeaders":{"Content-Type":["application/json"],"X-Foo":["foo"]}}`, false,
			want{200, [][2]string{{"Content-Type", "application/json"}, {"X-Foo", "foo"}, {"X-Foo", "bar"}, {"Content-Type", "text/html"}}, "x"}, false},
		// The same pair in both appears once (the documented rule; sam's
		// _merge_response_headers too).
		{"merge same pair", `{"headers":{"x-a":"1","X-B":"2"},"multiValueHeaders":{"X-A":["0","1"]}}`, false,
			want{200, [][2]string{{"X-A", "0"}, {"X-A", "1"}, {"X-B", "2"}}, ""}, false},
		{"base64 decoded", `{"statusCode":200,"body":"aGVsbG8=","isBase64Encoded":true}`, true, want{200, nil, "hello"}, false},
		{"base64 kept", `{"statusCode":200,"body":"aGVsbG8=","isBase64Encoded":true}`, false, want{200, nil, "aGVsbG8="}, false},
		{"number body", `{"statusCode":200,"body":42}`, false, want{200, nil, "42"}, false},
		// aws-sam-cli's start_api main.py base64_with_True_Base64Encoded_response
		// and base64_with_Base64Encoded_priority_response: REST reads
		// base64Encoded, before isBase64Encoded.
		{"base64Encoded", `{"statusCode":200,"body":"aGVsbG8=","base64Encoded":true}`, true, want{200, nil, "hello"}, false},
		{"base64Encoded wins", `{"statusCode":200,"body":"aGVsbG8=","base64Encoded":false,"isBase64Encoded":true}`, true, want{200, nil, "aGVsbG8="}, false},
		{"base64Encoded wins after", `{"statusCode":200,"body":"aGVsbG8=","isBase64Encoded":false,"base64Encoded":true}`, true, want{200, nil, "hello"}, false},
		{"base64Encoded null", `{"statusCode":200,"body":"aGVsbG8=","base64Encoded":null,"isBase64Encoded":true}`, true, want{200, nil, "hello"}, false},
		{"whitespace", " \n{ \"statusCode\" : 200 , \"body\" : \"x\" }\n", false, want{200, nil, "x"}, false},

		{"not JSON", `hello`, false, want{}, true},
		{"not an object", `"just a string"`, false, want{}, true},
		{"array", `[1,2]`, false, want{}, true},
		{"unknown key", `{"statusCode":200,"data":{}}`, false, want{}, true},
		{"cookies (payload 2.0 only)", `{"statusCode":200,"cookies":["a=1"]}`, false, want{}, true},
		{"base64Encoded not a boolean", `{"body":"x","base64Encoded":1}`, false, want{}, true},
		{"an error document", `{"errorMessage":"boom","errorType":"Error"}`, false, want{}, true},
		{"status out of range", `{"statusCode":99}`, false, want{}, true},
		{"status not a number", `{"statusCode":"ok"}`, false, want{}, true},
		{"header number", `{"headers":{"X-Count":5}}`, false, want{}, true},
		{"header object", `{"headers":{"X":{}}}`, false, want{}, true},
		{"object body", `{"statusCode":200,"body":{"a":1}}`, false, want{}, true},
		{"bad base64", `{"body":"***","isBase64Encoded":true}`, true, want{}, true},
		{"trailing garbage", `{"statusCode":200} x`, false, want{}, true},
		{"truncated", `{"statusCode":200,"body":"abc`, false, want{}, true},
		{"control character", "{\"body\":\"a\x01b\"}", false, want{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseProxyResponse([]byte(tc.in), tc.decode)
			if tc.bad {
				if err != errMalformedProxyResponse {
					t.Fatalf("err = %v, want malformed (got %+v)", err, got)
				}
				sc := respScratchPool.Get().(*respScratch)
				if _, err := sc.parse([]byte(tc.in), tc.decode, &respStrings{}); err != errMalformedProxyResponse {
					t.Fatalf("pooled: err = %v, want malformed", err)
				}
				sc.release()
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, want{got.status, got.headers, string(got.body)}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The gateway's way: pooled memory, used by the cases
			// before, and a function's respStrings (run three times: the
			// second keeps the strings met twice, the third finds them)
			// gives the same.
			strs := &respStrings{}
			for range 3 {
				sc := respScratchPool.Get().(*respScratch)
				got, err := sc.parse([]byte(tc.in), tc.decode, strs)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, want{got.status, got.headers, string(got.body)}, cmp.AllowUnexported(want{}), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("pooled (-want +got):\n%s", diff)
				}
				sc.release()
			}
		})
	}
}

func TestMediaTypeIn(t *testing.T) {
	for _, tc := range []struct {
		list []string
		ct   string
		want bool
	}{
		{[]string{"image/png"}, "image/png", true},
		{[]string{"image/png"}, "IMAGE/PNG; charset=x", true},
		{[]string{"image/*"}, "image/gif", true},
		{[]string{"image/*"}, "imagex/gif", false},
		{[]string{"*/*"}, "", true},
		{[]string{"image/png"}, "", false},
		{[]string{"application/octet-stream"}, "*/*", false},
		{nil, "image/png", false},
	} {
		if got := mediaTypeIn(tc.list, tc.ct); got != tc.want {
			t.Errorf("mediaTypeIn(%q, %q) = %v", tc.list, tc.ct, got)
		}
	}
}

func TestBinaryAccepted(t *testing.T) {
	for _, tc := range []struct {
		accept string
		binary []string
		want   bool
	}{
		{"image/png", []string{"image/png"}, true},
		{"image/webp,image/png;q=0.9,*/*;q=0.8", []string{"image/png"}, false}, // only the first counts
		{"image/webp,image/png", []string{"image/*"}, true},
		{"", []string{"*/*"}, true},
		{"*/*", []string{"image/png"}, false},
		{"image/png", nil, false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		if got := binaryAccepted(r, tc.binary); got != tc.want {
			t.Errorf("Accept %q, binary %q: %v", tc.accept, tc.binary, got)
		}
	}
}

func FuzzParseProxyResponse(f *testing.F) {
	for _, s := range []string{`{"statusCode":200,"headers":{"a":"b"},"multiValueHeaders":{"a":["c"]},"body":"x","isBase64Encoded":false}`,
		`{"body":"\ud83d\ude00\u0041"}`, `{"statusCode":"201"}`, `[]`, `{"body":"aGk=","isBase64Encoded":"true"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := parseProxyResponse(b, true)
		if err == nil && (res.status < 100 || res.status > 599) {
			t.Fatalf("status %d", res.status)
		}
		// What parses must be valid JSON.
		if err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("plain")
	f.Add("quote\" back\\ nl\n ctl\x01 \xff\xfe é 😀")
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if back != w {
			t.Fatalf("%q round-trips to %q, encoding/json to %q", s, back, w)
		}
		var d jsonReader
		d.b = b
		got, ok := d.strBytes()
		if !ok || string(got) != w {
			t.Fatalf("jsonReader reads %s as %q (%v), want %q", b, got, ok, w)
		}
	})
}

// FuzzJSONReaderString checks the hand-written string reader against
// encoding/json.
func FuzzJSONReaderString(f *testing.F) {
	for _, s := range []string{`"plain"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83d\u0041"`, `"\ude00\ud83d"`, `"a\/b\"c"`, `"\u00e9\n"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want string
		werr := json.Unmarshal(b, &want)
		d := jsonReader{b: b}
		got, ok := d.strBytes()
		ok = ok && d.end()
		if (werr == nil) != ok {
			t.Fatalf("%q: encoding/json err %v, jsonReader ok %v", b, werr, ok)
		}
		if ok && string(got) != want && utf8.ValidString(want) && utf8.Valid(got) {
			t.Fatalf("%q: jsonReader %q, encoding/json %q", b, got, want)
		}
		// Decoded into an arena of the input's size (as the gateway
		// does), after something already there: the same string, and
		// the arena holds it.
		arena := append(make([]byte, 0, 3+len(b)), "pre"...)
		d = jsonReader{b: b, arena: arena}
		got2, ok2 := d.strBytes()
		ok2 = ok2 && d.end()
		if ok2 != ok || ok && string(got2) != string(got) || string(d.arena[:3]) != "pre" || len(d.arena) > cap(arena) {
			t.Fatalf("%q: with an arena %q (%v), without %q (%v)", b, got2, ok2, got, ok)
		}
	})
}

func BenchmarkProxyEvent(b *testing.B) {
	r := httptest.NewRequest("GET", "http://a1b2c3d4e5.execute-api.localhost:8080/prod/pets/42?limit=10&sort=name", nil)
	for _, h := range []string{"Accept", "Accept-Encoding", "User-Agent", "X-Request-Id", "Authorization", "Cookie"} {
		r.Header.Set(h, "some value of a realistic length")
	}
	ps := &params{n: 1}
	ps.ps[0] = pathParam{"id", "42"}
	e := testEvent(r, "/pets/{id}", "prod", ps, nil)
	e.stageVars = map[string]string{"env": "prod"}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendProxyEvent(buf[:0], e)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkParseProxyResponse(b *testing.B) {
	p := []byte(`{"statusCode":200,"headers":{"Content-Type":"application/json","Access-Control-Allow-Origin":"*"},"body":"{\"id\":42,\"name\":\"rex\"}","isBase64Encoded":false}`)
	strs := &respStrings{}
	b.ReportAllocs()
	for b.Loop() {
		sc := respScratchPool.Get().(*respScratch)
		if _, err := sc.parse(p, false, strs); err != nil {
			b.Fatal(err)
		}
		sc.release()
	}
}

// TestRequestTime: the requestTime cached for a second is the one
// formatting gives, across seconds, zones and years that do not fit the
// layout's width.
func TestRequestTime(t *testing.T) {
	base := time.Date(2026, 12, 3, 23, 59, 58, 900e6, time.UTC)
	zone := time.FixedZone("X", 5*3600+1800)
	for i, tm := range []time.Time{
		base, base.Add(50 * time.Millisecond), base.Add(150 * time.Millisecond), base.Add(1100 * time.Millisecond),
		base.Add(1200 * time.Millisecond).In(zone), base.Add(-time.Second), base, base.AddDate(8000, 0, 0), base,
	} {
		want := tm.UTC().Format("02/Jan/2006:15:04:05 -0700")
		for range 2 { // formatted, then cached
			if got := string(appendRequestTime([]byte("x"), tm)); got != "x"+want {
				t.Errorf("%d: appendRequestTime(%v) = %q, want %q", i, tm, got, "x"+want)
			}
		}
	}
}

// plainJSON8 agrees with the byte-at-a-time test for every byte value in
// every position, among plain bytes and next to other special ones.
func TestPlainJSON8(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' }
	for _, fill := range []byte{'a', ' ', '~', 0x1f, '"', 0xff} {
		for pos := range 8 {
			for v := range 256 {
				b := []byte(strings.Repeat(string(rune(fill)), 8))[:8]
				if fill >= 0x80 {
					b = []byte{fill, fill, fill, fill, fill, fill, fill, fill}
				}
				b[pos] = byte(v)
				want := true
				for _, c := range b {
					want = want && plain(c)
				}
				if got := plainJSON8(string(b)); got != want {
					t.Fatalf("plainJSON8(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}
