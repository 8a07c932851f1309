package runtime

import (
	"net/http/httptest"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// BenchmarkHTTPAPILambda: BenchmarkLambdaProxy's request on an HTTP API
// with payload format 2.0 ($default stage, GET /items/{id}), the function
// answering a 2.0 response: the gateway's cost of the HTTP API path.
func BenchmarkHTTPAPILambda(b *testing.B) {
	t := newHTTPTB("benchhttp1", stage(model.StageDefault, nil))
	t.route("GET", "/items/{id}", httpLambda("fn", "2.0"))
	t.t.Functions = []*model.Function{benchFunction("fn")}
	g := benchLambdaGateway(b, t.build(), `{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\"id\":\"42\"}"}`)
	runLambdaHandler(b, g, "http://127.0.0.1/items/42?q=1", nil, 200)
}

// BenchmarkHTTPEvent: building one 2.0 event.
func BenchmarkHTTPEvent(b *testing.B) {
	r := httptest.NewRequest("GET", "http://a1b2c3d4e5.execute-api.localhost:8080/items/42?limit=10&sort=name", nil)
	for _, h := range []string{"Accept", "Accept-Encoding", "User-Agent", "X-Request-Id", "Authorization", "Cookie"} {
		r.Header.Set(h, "some value of a realistic length")
	}
	ps := &params{n: 1}
	ps.ps[0] = pathParam{"id", "42"}
	e := &httpEvent{r: r, routeKey: "GET /items/{id}", stage: "$default", rawPath: "/items/42", params: ps, requestID: "Ab1CdEFGhIJKlM=",
		apiID: "a1b2c3d4e5", accountID: "123456789012", sourceIP: "192.0.2.7", forwardedFor: "192.0.2.7", forwardedPort: "443", forwardedProto: "https"}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendHTTPEvent(buf[:0], e)
	}
}
