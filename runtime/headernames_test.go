package runtime

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Echo handlers: the event's headers and multiValueHeaders as they are.
const (
	nodeHeaderEcho = `exports.handler = async (e) => ({ statusCode: 200,
  body: JSON.stringify({ headers: e.headers, multi: e.multiValueHeaders }) });
`
	pythonHeaderEcho = `import json

def handler(e, context):
    return {"statusCode": 200, "body": json.dumps({"headers": e["headers"], "multi": e["multiValueHeaders"]})}
`
)

type headerEcho struct {
	Headers map[string]string
	Multi   map[string][]string
}

// The event's header names are the client's (HTTP/1.1) or lower case
// (HTTP/2, as on the wire), except the ones API Gateway writes itself; real
// node and python functions see them over h2c, TLS h2, and HTTP/1.1 in
// clear and over TLS, with keep-alive and pipelining.
func TestHeaderNamesReachFunctions(t *testing.T) {
	needNode(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
	b := newTB("hdrnames01", stage("prod", nil))
	b.method("/node", "ANY", lambdaProxy("nodeecho"))
	b.method("/py", "ANY", lambdaProxy("pyecho"))
	b.t.Functions = []*model.Function{
		{LogicalID: "FnNode", Name: "nodeecho", ARN: fnARN("nodeecho"), Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 30,
			Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: nodeHeaderEcho}}}},
		{LogicalID: "FnPy", Name: "pyecho", ARN: fnARN("pyecho"), Runtime: "python3.12", Handler: "app.handler", Timeout: 30,
			Code: model.Code{Files: []model.CodeFile{{Name: "app.py", Content: pythonHeaderEcho}}}},
	}
	vtl := &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN("vtlecho")),
		RequestTemplates: map[string]string{"application/json": `{"names": [#foreach($k in $input.params().header.keySet())"$k"#if($foreach.hasNext),#end#end],` +
			` "param": "$input.params('X-API-KEY')", "get": "$input.params().header.get('X-API-KEY')"}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200"}}}
	b.method("/vtl", "GET", vtl)
	b.t.Functions = append(b.t.Functions, &model.Function{LogicalID: "FnVtl", Name: "vtlecho", ARN: fnARN("vtlecho"), Runtime: "nodejs20.x",
		Handler: "index.handler", Timeout: 30, Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: "exports.handler = async (e) => e;\n"}}}})
	r, _ := lambdaGateway(t, b.build(), nil)
	added := []string{"Host", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"}

	// $input.params().header has the same names; lookups ignore case.
	t.Run("mapping template", func(t *testing.T) {
		type vtlEcho struct {
			Names      []string
			Param, Get string
		}
		check := func(body string, want []string) {
			t.Helper()
			var got vtlEcho
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			slices.Sort(got.Names)
			slices.Sort(want)
			if !slices.Equal(got.Names, want) || got.Param != "k" || got.Get != "k" {
				t.Errorf("got %+v, want names %q and the key k", got, want)
			}
		}
		res := do(t, slowClient(t), "GET", "http://"+r.http+"/prod/vtl", nil, "X-Api-Key", "k", "tEsT-HEADeR", "v")
		check(res.body, []string{"x-api-key", "test-header", "accept-encoding", "User-Agent"})
		conn, err := net.Dial("tcp", r.http)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET /prod/vtl HTTP/1.1\r\nHost: gw\r\nx-api-KEY: k\r\ntEsT-HEADeR: v\r\nConnection: close\r\n\r\n")
		hr, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(hr.Body)
		check(string(body), []string{"x-api-KEY", "tEsT-HEADeR", "Connection"})
	})

	for _, fn := range []string{"node", "py"} {
		t.Run(fn+"/h2c", func(t *testing.T) {
			c := slowClient(t)
			checkH2Names(t, c, "http://"+r.http+"/prod/"+fn, added)
		})
		t.Run(fn+"/h2 over TLS", func(t *testing.T) {
			c := tlsClient(t, r.g, true)
			c.Timeout = 3 * time.Minute
			checkH2Names(t, c, "https://"+r.https+"/prod/"+fn, added)
		})
		for _, secure := range []bool{false, true} {
			name := fn + "/HTTP/1.1"
			if secure {
				name += " over TLS"
			}
			t.Run(name, func(t *testing.T) {
				var conn net.Conn
				var err error
				if secure {
					pool := x509.NewCertPool()
					pool.AddCert(r.g.Certificate())
					conn, err = tls.Dial("tcp", r.https, &tls.Config{RootCAs: pool, ServerName: "localhost", NextProtos: []string{"http/1.1"}})
				} else {
					conn, err = net.Dial("tcp", r.http)
				}
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(3 * time.Minute))
				path := "/prod/" + fn
				// Four requests written at once (pipelined) on one
				// connection: the same names in other spellings, a
				// chunked body with a trailer and a Content-Length body
				// between them, a name twice in two spellings.
				reqs := []string{
					"GET " + path + "?n=1 HTTP/1.1\r\nhost: gw.test\r\nx-api-key: k1\r\ntEsT-HEADeR: aValUE\r\nauthorization: tok\r\nuser-agent: raw/1\r\n\r\n",
					"POST " + path + "?n=2 HTTP/1.1\r\nHost: gw.test\r\nX-API-KEY: k2\r\nTest-Header: v2\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n" +
						"5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n",
					"PUT " + path + "?n=3 HTTP/1.1\r\nHOST: gw.test\r\nx-Api-kEY: k3\r\ncontent-length: 14\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n" +
						"GET / HTTP/1.1",
					"GET " + path + "?n=4 HTTP/1.1\r\nHost: gw.test\r\nx_under_score: u\r\nConnection: close\r\n\r\n",
				}
				if _, err := io.WriteString(conn, strings.Join(reqs, "")); err != nil {
					t.Fatal(err)
				}
				want := []headerEcho{
					{Headers: map[string]string{"x-api-key": "k1", "tEsT-HEADeR": "aValUE", "Authorization": "tok", "User-Agent": "raw/1"}},
					{Headers: map[string]string{"X-API-KEY": "k2", "Test-Header": "v2", "Content-Type": "text/plain"}},
					{Headers: map[string]string{"x-Api-kEY": "k3", "X-Dup": "2"}, Multi: map[string][]string{"X-Dup": {"1", "2"}}},
					{Headers: map[string]string{"x_under_score": "u"}},
				}
				br := bufio.NewReader(conn)
				for i, w := range want {
					res, err := http.ReadResponse(br, nil)
					if err != nil {
						t.Fatalf("response %d: %v", i+1, err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						t.Fatalf("response %d: %d %s", i+1, res.StatusCode, body)
					}
					checkEcho(t, i+1, body, w, added)
				}
			})
		}
	}
}

// checkH2Names sends mixed-case names over HTTP/2 (the client lowers
// them, as every HTTP/2 client must) and checks the event has them so.
func checkH2Names(t *testing.T, c *http.Client, url string, added []string) {
	t.Helper()
	for i, spelling := range []string{"X-Api-Key", "x-api-key"} {
		res := do(t, c, "GET", url, nil, spelling, "k", "tEsT-HEADeR", "aValUE", "Authorization", "tok")
		if res.status != 200 || res.proto != "HTTP/2.0" {
			t.Fatalf("%d %s %s", res.status, res.proto, res.body)
		}
		checkEcho(t, i+1, []byte(res.body), headerEcho{Headers: map[string]string{
			"x-api-key": "k", "test-header": "aValUE", "Authorization": "tok",
			"accept-encoding": "gzip", "User-Agent": "Go-http-client/2.0",
		}}, added)
	}
}

// checkEcho compares an echoed event with want: exactly want's names and
// added (the headers API Gateway adds), with want's values, and
// multiValueHeaders with the same names (want.Multi's values where given,
// else the single value).
func checkEcho(t *testing.T, n int, body []byte, want headerEcho, added []string) {
	t.Helper()
	var got headerEcho
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("request %d: %v: %s", n, err, body)
	}
	var wantNames []string
	for k := range want.Headers {
		wantNames = append(wantNames, k)
	}
	wantNames = append(wantNames, added...)
	slices.Sort(wantNames)
	names := func(m any) []string {
		var ks []string
		switch m := m.(type) {
		case map[string]string:
			for k := range m {
				ks = append(ks, k)
			}
		case map[string][]string:
			for k := range m {
				ks = append(ks, k)
			}
		}
		slices.Sort(ks)
		return ks
	}
	if diff := cmp.Diff(wantNames, names(got.Headers)); diff != "" {
		t.Errorf("request %d: headers names (-want +got):\n%s", n, diff)
	}
	if diff := cmp.Diff(wantNames, names(got.Multi)); diff != "" {
		t.Errorf("request %d: multiValueHeaders names (-want +got):\n%s", n, diff)
	}
	for k, v := range want.Headers {
		if got.Headers[k] != v {
			t.Errorf("request %d: headers[%q] = %q, want %q", n, k, got.Headers[k], v)
		}
		mv := []string{v}
		if m, ok := want.Multi[k]; ok {
			mv = m
		}
		if !slices.Equal(got.Multi[k], mv) {
			t.Errorf("request %d: multiValueHeaders[%q] = %q, want %q", n, k, got.Multi[k], mv)
		}
	}
}

// The framing follower finds each request's header section in a stream of
// pipelined requests however the reads split it.
func TestNameConnFollowsFraming(t *testing.T) {
	reqs := []struct{ head, body string }{
		{"GET /a HTTP/1.1\r\nHost: h\r\nx-One: 1\r\n", ""},
		{"POST /b HTTP/1.1\r\nhost: h\r\nContent-Length: 11\r\n", "hello\r\n\r\nxx"},
		{"POST /c HTTP/1.1\r\nHost: h\r\ntransfer-encoding: Chunked\r\n", "3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT-A: 1\r\nT-B: 2\r\n\r\n"},
		{"POST /d HTTP/1.1\nHost: h\nContent-Length: 0\n", ""},
		{"POST /e HTTP/1.1\r\nContent-Length:  4 \r\nContent-Length: 4\r\n", "\r\n\r\n"},
		{"POST /f HTTP/1.0\r\nTransfer-Encoding: chunked\r\n", ""}, // TE ignored on 1.0: no body
		{"GET /g HTTP/1.1\r\nX-Folded: a\r\n b\r\nLast: z\r\n", ""},
	}
	var stream strings.Builder
	stream.WriteString("\r\n") // a stray CRLF before a request is skipped
	sep := func(head string) string {
		if strings.Contains(head, "\r\n") {
			return "\r\n"
		}
		return "\n"
	}
	for _, r := range reqs {
		stream.WriteString(r.head + sep(r.head) + r.body)
	}
	s := stream.String()
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 1))
		c := &nameConn{}
		for p := s; len(p) > 0; {
			n := 1 + rng.IntN(min(len(p), 1+rng.IntN(40)))
			c.follow([]byte(p[:n]))
			p = p[n:]
		}
		if c.state != fsHead || len(c.heads) != len(reqs) {
			t.Fatalf("seed %d: state %d, %d sections, want %d", seed, c.state, len(c.heads), len(reqs))
		}
		for i, r := range reqs {
			want := r.head + sep(r.head)
			if got := string(c.heads[i]); got != want {
				t.Fatalf("seed %d: section %d = %q, want %q", seed, i, got, want)
			}
		}
		for range reqs {
			c.done()
		}
		if len(c.heads) != 0 {
			t.Fatalf("seed %d: %d sections left after every request was done", seed, len(c.heads))
		}
	}
}

// Many small requests pipelined in one write (h2load --h1 -m, wrk) keep
// the follower on: net/http reads at most 4 KiB ahead, and the follower
// keeps every section until its request is done.
func TestNameConnManyPipelined(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nc := r.Context().Value(nameConnKey{}).(*nameConn)
		head, ok := nc.head(r)
		if !ok || headNames(head)[0] != "x-"+r.URL.Query().Get("n") {
			http.Error(w, "section "+head, 500)
		}
	}), ConnContext: nameConnContext, ConnState: func(c net.Conn, st http.ConnState) {
		if st == http.StateIdle {
			c.(*nameConn).done()
		}
	}}
	ln := &chanListener{addr: &net.TCPAddr{}, ch: make(chan net.Conn), done: make(chan struct{})}
	go srv.Serve(ln)
	defer srv.Close()
	client, server := net.Pipe()
	defer client.Close()
	ln.push(newNameConn(server))
	const n = 600
	var reqs strings.Builder
	for i := range n {
		fmt.Fprintf(&reqs, "GET /?n=%d HTTP/1.1\r\nx-%d: v\r\nHost: h\r\n\r\n", i, i)
	}
	go io.WriteString(client, reqs.String())
	br := bufio.NewReader(client)
	for i := range n {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, res.StatusCode, body)
		}
	}
}

// What the follower cannot frame turns it off, never into a wrong
// section: conflicting lengths, an unsupported transfer coding, a bad
// chunk size, a section over the limit.
func TestNameConnTurnsOff(t *testing.T) {
	for _, s := range []string{
		"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
		"GET / HTTP/1.1\r\nX: " + strings.Repeat("a", maxKeptHead) + "\r\n\r\n",
	} {
		c := &nameConn{}
		c.follow([]byte(s))
		if c.state != fsOff {
			t.Errorf("%.60q: state %d, want off", s, c.state)
		}
	}
}

// A section is given to a handler only for its own request.
func TestNameConnHeadMatchesRequest(t *testing.T) {
	c := &nameConn{}
	c.follow([]byte("GET /a?x=1 HTTP/1.1\r\nx-api-key: k\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nX-Other: o\r\n\r\n"))
	r := &http.Request{Method: "GET", RequestURI: "/a?x=1", Header: http.Header{"X-Api-Key": {"k"}}}
	head, ok := c.head(r)
	if !ok || !slices.Equal(headNames(head), []string{"x-api-key", "Host"}) {
		t.Fatalf("head %q, %v", head, ok)
	}
	c.done()
	// The next section is /b's: a request for /a does not get it, and the
	// follower stops rather than guess.
	if _, ok := c.head(r); ok || c.state != fsOff {
		t.Fatalf("a request for /a got /b's section (state %d)", c.state)
	}
	// A request with a header its section lacks does not get it either.
	c = &nameConn{}
	c.follow([]byte("GET /a HTTP/1.1\r\nX-One: 1\r\n\r\n"))
	if _, ok := c.head(&http.Request{Method: "GET", RequestURI: "/a", Header: http.Header{"X-Two": {"2"}}}); ok {
		t.Fatal("a section without X-Two was given to a request with it")
	}
}

// The spelling of names: gateway names canonical, HTTP/2 lower case,
// HTTP/1.1 as written (the first spelling of a name written twice).
func TestHeaderSpelling(t *testing.T) {
	h2 := headerSpelling{lower: true}
	h1 := headerSpelling{names: headNames("x-api-key: 1\r\nX-DUP: a\r\nx-dup: b\r\nauthorization: t\r\nuser-AGENT: u\r\n")}
	h2auth, h1auth := h2, h1
	h2auth.authorizer, h1auth.authorizer = true, true
	for _, tc := range []struct {
		hs      headerSpelling
		k, want string
	}{
		{h2, "X-Api-Key", "x-api-key"}, {h2, "Authorization", "Authorization"}, {h2, "User-Agent", "User-Agent"},
		{h2, "Host", "Host"}, {h2, "X-Amzn-Trace-Id", "X-Amzn-Trace-Id"},
		{h1, "X-Api-Key", "x-api-key"}, {h1, "X-Dup", "X-DUP"}, {h1, "Authorization", "Authorization"},
		{h1, "User-Agent", "User-Agent"}, {h1, "X-Unknown", "X-Unknown"}, {headerSpelling{}, "X-Api-Key", "X-Api-Key"},
		{h2auth, "Authorization", "authorization"}, {h2auth, "User-Agent", "user-agent"}, {h2auth, "Host", "Host"},
		{h1auth, "Authorization", "authorization"}, {h1auth, "X-Forwarded-For", "X-Forwarded-For"},
	} {
		if got := tc.hs.name(tc.k); got != tc.want {
			t.Errorf("%+v name(%q) = %q, want %q", tc.hs, tc.k, got, tc.want)
		}
		if got := string(tc.hs.appendName(nil, tc.k)); got != `"`+tc.want+`"` {
			t.Errorf("%+v appendName(%q) = %s, want %q", tc.hs, tc.k, got, tc.want)
		}
	}
}

// BenchmarkNameConnFollow: the follower's cost per request of a typical
// keep-alive HTTP/1.1 client (a GET, then a POST with a small body).
func BenchmarkNameConnFollow(b *testing.B) {
	get := []byte("GET /prod/items/42?limit=10 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nX-Api-Key: 0123456789abcdef\r\n\r\n")
	post := []byte("POST /prod/items HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"name\":\"a pet\"}\n")
	c := &nameConn{}
	b.ReportAllocs()
	b.SetBytes(int64(len(get) + len(post)))
	for b.Loop() {
		c.follow(get)
		c.done()
		c.follow(post)
		c.done()
	}
}

// A gateway without functions keeps HTTP/1.1 header names when a mapping
// template lists them ($input.params()), and only then.
func TestHeaderNamesInTemplatesWithoutFunctions(t *testing.T) {
	mock := func(resTpl string) *model.Integration {
		return &model.Integration{Type: model.IntegrationMock,
			RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses:        []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": resTpl}}}}
	}
	b := newTB("hdrnames02", stage("prod", nil))
	b.method("/names", "GET", mock(`[#foreach($k in $input.params().header.keySet())"$k"#if($foreach.hasNext),#end#end]`))
	r := start(t, b.build(), nil)
	if !r.g.keepsNames() {
		t.Fatal("a template listing $input.params() does not keep header names")
	}
	names := func(body string) []string {
		var ns []string
		if err := json.Unmarshal([]byte(body), &ns); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		slices.Sort(ns)
		return ns
	}
	res := do(t, h2cClient(t), "GET", "http://"+r.http+"/prod/names", nil, "X-Api-Key", "k")
	if got, want := names(res.body), []string{"User-Agent", "accept-encoding", "x-api-key"}; !slices.Equal(got, want) {
		t.Errorf("h2c: names %q, want %q", got, want)
	}
	conn, err := net.Dial("tcp", r.http)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /prod/names HTTP/1.1\r\nHost: gw\r\nx-API-key: k\r\nConnection: close\r\n\r\n")
	hr, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(hr.Body)
	if got, want := names(string(body)), []string{"Connection", "x-API-key"}; !slices.Equal(got, want) {
		t.Errorf("HTTP/1.1: names %q, want %q", got, want)
	}

	// Lookups by name need no spelling: such a gateway does not follow
	// its connections.
	b = newTB("hdrnames03", stage("prod", nil))
	b.method("/one", "GET", mock(`"$input.params('x-api-key')"`))
	if r := start(t, b.build(), nil); r.g.keepsNames() {
		t.Error("a template that only looks a header up keeps header names")
	}
}
