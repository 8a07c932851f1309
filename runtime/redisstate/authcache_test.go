package redisstate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// authTemplate is a MOCK method behind a TOKEN authorizer (TTL 300s)
// whose function, authfn, is outside the template (up --lambda
// authfn=URL). The response shows the authorizer context.
func authTemplate() *model.Template {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:authfn"
	root := &model.Resource{ID: "rootid0000", Path: "/"}
	res := &model.Resource{LogicalID: "R", ID: "r00001", PathPart: "q", Path: "/q", Parent: root}
	root.Children = []*model.Resource{res}
	res.Methods = []*model.Method{{LogicalID: "M", HTTPMethod: "GET", AuthorizationType: "CUSTOM", AuthorizerID: "tok",
		Integration: &model.Integration{Type: model.IntegrationMock,
			RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{
				"application/json": `$context.authorizer.principalId $context.authorizer.call`}}}}}}
	api := &model.RestAPI{LogicalID: "Api", ID: "authapi002", Name: "auth", Root: root, Resources: []*model.Resource{root, res},
		MinimumCompressionSize: -1, Stages: []*model.Stage{{LogicalID: "S", Name: "prod"}},
		Authorizers: []*model.Authorizer{{LogicalID: "Tok", ID: "tok", Name: "tok", Type: "TOKEN",
			IdentitySource: "method.request.header.Authorization", ResultTTLSeconds: 300,
			AuthorizerURI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations"}}}
	t := &model.Template{APIs: []*model.RestAPI{api}}
	t.Finalize()
	return t
}

// invokeAPI is a Lambda Invoke API endpoint running a TOKEN authorizer:
// it allows the token's user and numbers its invocations (context.call).
func invokeAPI(t *testing.T, calls *atomic.Int64) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ AuthorizationToken string }
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &ev); err != nil || r.URL.Path != "/2015-03-31/functions/authfn/invocations" {
			http.Error(w, "bad invoke "+r.URL.Path, http.StatusBadRequest)
			return
		}
		n := calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"principalId": %q, "policyDocument": {"Version": "2012-10-17", "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]}, "context": {"call": %d}}`,
			strings.TrimPrefix(ev.AuthorizationToken, "user-"), n)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

func authGateway(t *testing.T, addr, prefix, invoke string) *httptest.Server {
	c, err := New("redis://"+addr, Options{Timeout: testTimeout, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	svc := lambda.New(context.Background(), lambda.Config{CacheDir: t.TempDir(), NoWatch: true, Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(func() { svc.Close() })
	g, err := runtime.New(runtime.Config{Counters: c, Lambda: svc, LambdaOverrides: map[string]string{"authfn": invoke},
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Load(authTemplate()); err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(g.Handler())
	t.Cleanup(s.Close)
	return s
}

func authGet(t *testing.T, s *httptest.Server, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/prod/q", nil)
	req.Header.Set("Authorization", token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %s", resp.StatusCode, b)
}

// TestTwoGatewaysShareAuthorizerCache: the first gateway invokes the
// authorizer; the second answers from the cached policy (the context
// shows the first invocation; the function was called once). Another
// token is another invocation. With Redis gone, both keep serving: what
// each already holds answers from its own memory until it expires, a new
// token is an invocation on each gateway.
func TestTwoGatewaysShareAuthorizerCache(t *testing.T) {
	addr, stop := startRedis(t)
	var calls atomic.Int64
	invoke := invokeAPI(t, &calls)
	prefix := fmt.Sprintf("auth%d:", time.Now().UnixNano())
	a, b := authGateway(t, addr, prefix, invoke), authGateway(t, addr, prefix, invoke)
	steps := []struct {
		gw          *httptest.Server
		token, want string
		calls       int64
	}{
		{a, "user-ann", "200 ann 1", 1},
		{b, "user-ann", "200 ann 1", 1},
		{a, "user-ann", "200 ann 1", 1},
		{b, "user-bo", "200 bo 2", 2},
		{a, "user-bo", "200 bo 2", 2},
	}
	for i, s := range steps {
		if got := authGet(t, s.gw, s.token); got != s.want || calls.Load() != s.calls {
			t.Errorf("step %d (%s): got %q after %d invocations, want %q after %d", i, s.token, got, calls.Load(), s.want, s.calls)
		}
	}
	stop()
	for i, s := range []*httptest.Server{a, b} {
		if got := authGet(t, s, "user-ann"); got != "200 ann 1" {
			t.Errorf("Redis down, gateway %d, a token it holds: got %q, want %q (from its memory)", i, got, "200 ann 1")
		}
		want := fmt.Sprintf("200 cy %d", 3+i)
		if got := authGet(t, s, "user-cy"); got != want {
			t.Errorf("Redis down, gateway %d, a new token: got %q, want %q (the authorizer invoked)", i, got, want)
		}
	}
}

func TestAuthCacheExpiry(t *testing.T) {
	addr, _ := startRedis(t)
	c, _ := New("redis://"+addr, Options{Timeout: testTimeout, Prefix: fmt.Sprintf("e%d:", time.Now().UnixNano())})
	defer c.Close()
	ctx := context.Background()
	ac := c.AuthCache("api/tok")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, ok := ac.Get(ctx, "tok-1", t0); ok {
		t.Fatal("hit in an empty cache")
	}
	ac.Put(ctx, "tok-1", runtime.AuthAnswer{JSON: []byte(`{"a":"b\nc"}`)}, t0, time.Minute)
	if a, ok := ac.Get(ctx, "tok-1", t0.Add(59*time.Second)); !ok || string(a.JSON) != `{"a":"b\nc"}` || !a.Expires.Equal(t0.Add(time.Minute)) {
		t.Errorf("within the TTL: %q %v, expires %s", a.JSON, ok, a.Expires)
	}
	if _, ok := ac.Get(ctx, "tok-1", t0.Add(time.Minute)); ok {
		t.Error("hit at the expiry")
	}
	if _, ok := c.AuthCache("api/other").Get(ctx, "tok-1", t0); ok {
		t.Error("another authorizer's cache shares entries")
	}
}
