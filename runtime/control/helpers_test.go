//lint:file-ignore SA1019 x/net/http2's client speaks h2c with prior knowledge

package control_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
	"github.com/cfnrun/cfnrun/runtime/control"
)

// fixedNow is the clock of the tests, so createdDate is the same in every
// run.
var fixedNow = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

// petstore builds the model the tests serve: one API (abcdef1234) with
// MOCK methods that answer with a stage variable, two stages, a
// deployment, a validator, an authorizer, a model, a gateway response, an
// API key in a usage plan, and tags.
func petstore() *model.Template {
	mock := func(body string) *model.Integration {
		return &model.Integration{Type: model.IntegrationMock,
			RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses: []model.IntegrationResponse{{StatusCode: "200",
				ResponseTemplates: map[string]string{"application/json": body}}}}
	}
	root := &model.Resource{ID: "rootid0000"}
	pets := &model.Resource{LogicalID: "Pets", ID: "pets01", PathPart: "pets", Parent: root}
	pet := &model.Resource{LogicalID: "Pet", ID: "pet002", PathPart: "{id}", Parent: pets}
	pets.Methods = []*model.Method{{LogicalID: "PetsGet", HTTPMethod: "GET", OperationName: "ListPets",
		RequestParameters: map[string]bool{"method.request.querystring.limit": false},
		MethodResponses:   []model.MethodResponse{{StatusCode: "200", ResponseModels: map[string]string{"application/json": "Empty"}}},
		Integration:       mock(`{"pets": [], "color": "$stageVariables.color"}`)}}
	pet.Methods = []*model.Method{{LogicalID: "PetGet", HTTPMethod: "GET", APIKeyRequired: true, RequestValidatorID: "val001",
		RequestParameters: map[string]bool{"method.request.path.id": true},
		Integration: &model.Integration{Type: model.IntegrationHTTP, HTTPMethod: "GET", URI: "http://pets.example.com/pets/{id}",
			RequestParameters: map[string]string{"integration.request.path.id": "method.request.path.id"},
			Responses:         []model.IntegrationResponse{{StatusCode: "200"}}}}}
	api := &model.RestAPI{LogicalID: "Api", ID: "abcdef1234", Name: "petstore", Description: "Pets", Root: root, Tags: model.Tags{"team": "pets"},
		Resources: []*model.Resource{root, pets, pet}, MinimumCompressionSize: -1, EndpointTypes: []string{"REGIONAL"},
		Deployments: []*model.Deployment{{LogicalID: "Dep", ID: "dep001", Description: "first"}},
		Stages: []*model.Stage{
			{LogicalID: "Prod", Name: "prod", DeploymentID: "dep001", Variables: map[string]string{"color": "blue"},
				MethodSettings: []model.MethodSetting{{ResourcePath: "/*", HTTPMethod: "*", ThrottlingBurstLimit: 10, ThrottlingRateLimit: 5, LoggingLevel: "INFO"}}},
			{LogicalID: "Dev", Name: "dev", DeploymentID: "dep001", Variables: map[string]string{"color": "green"}},
		},
		Authorizers: []*model.Authorizer{{LogicalID: "Auth", ID: "auth01", Name: "tokens", Type: "TOKEN",
			IdentitySource: "method.request.header.Authorization", ResultTTLSeconds: 300,
			AuthorizerURI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"}},
		Models:           []*model.APIModel{{LogicalID: "PetModel", Name: "Pet", ContentType: "application/json", Schema: `{"type":"object"}`}},
		Validators:       []*model.RequestValidator{{LogicalID: "Val", ID: "val001", Name: "params", ValidateRequestParameters: true}},
		GatewayResponses: []*model.GatewayResponse{{LogicalID: "GR", ResponseType: "DEFAULT_4XX", ResponseParameters: map[string]string{"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}}},
	}
	t := &model.Template{
		APIs:       []*model.RestAPI{api},
		APIKeys:    []*model.APIKey{{LogicalID: "Key", ID: "key0000001", Name: "partner", Value: "partner-key-value-0123456789", Enabled: true}},
		UsagePlans: []*model.UsagePlan{{LogicalID: "Plan", ID: "plan01", Name: "basic", Stages: []model.UsagePlanStage{{APIID: "abcdef1234", Stage: "prod"}}, Throttle: &model.Throttle{BurstLimit: 20, RateLimit: 10}, Quota: &model.Quota{Limit: 1000, Period: model.QuotaDay}, Keys: []model.UsagePlanKey{{KeyID: "key0000001", KeyType: "API_KEY"}}}},
	}
	t.Finalize()
	return t
}

// env is a real gateway with its control plane, on loopback.
type env struct {
	gw   *runtime.Gateway
	base string // http://127.0.0.1:port
	logs *logBuffer
}

func start(t *testing.T, tpl *model.Template) *env {
	t.Helper()
	return startWith(t, tpl, control.Options{})
}

// startWith is start with the plane's options o (its Logger, Now and
// Recent are the test's).
func startWith(t *testing.T, tpl *model.Template, o control.Options) *env {
	t.Helper()
	logs := &logBuffer{}
	lg := slog.New(slog.NewTextHandler(logs, nil))
	recent := control.NewRecorder(lg.Handler(), 0)
	g, err := runtime.New(runtime.Config{Addr: "127.0.0.1:0", Logger: slog.New(recent)})
	if err != nil {
		t.Fatal(err)
	}
	o.Logger, o.Now, o.Recent = lg, func() time.Time { return fixedNow }, recent.Recent
	g.SetControlPlane(control.New(g, o))
	if _, err := g.Load(tpl); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan map[string]string, 1)
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, func(a map[string]string) { ready <- a }) }()
	var addrs map[string]string
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		<-done
		g.Close()
	})
	return &env{gw: g, base: "http://" + addrs["http"], logs: logs}
}

// call sends a management API request signed with SigV4 for the
// apigateway service (credentials are dummies, as the control plane
// accepts any).
func (e *env) call(t *testing.T, method, path string, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	sign(req, []byte(body), "apigateway", fixedNow)
	return do(t, http.DefaultClient, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// sign adds a SigV4 Authorization header, computed as the AWS SDKs do
// (dummy credentials AKIDEXAMPLE / a fixed secret, region us-east-1).
func sign(req *http.Request, body []byte, service string, now time.Time) {
	amzDate := now.UTC().Format("20060102T150405Z")
	day := amzDate[:8]
	req.Header.Set("X-Amz-Date", amzDate)
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	names := []string{"host", "x-amz-date"}
	if req.Header.Get("Content-Type") != "" {
		names = append(names, "content-type")
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, n := range names {
		v := req.Header.Get(n)
		if n == "host" {
			v = req.URL.Host
		}
		canonHeaders.WriteString(n + ":" + strings.TrimSpace(v) + "\n")
	}
	q := req.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var cq []string
	for _, k := range keys {
		for _, v := range q[k] {
			cq = append(cq, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	signed := strings.Join(names, ";")
	canon := strings.Join([]string{req.Method, req.URL.EscapedPath(), strings.Join(cq, "&"), canonHeaders.String(), signed, payload}, "\n")
	cs := sha256.Sum256([]byte(canon))
	scope := day + "/us-east-1/" + service + "/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(cs[:])
	k := hmacSHA256([]byte("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), day)
	for _, s := range []string{"us-east-1", service, "aws4_request"} {
		k = hmacSHA256(k, s)
	}
	sig := hex.EncodeToString(hmacSHA256(k, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"+scope+", SignedHeaders="+signed+", Signature="+sig)
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func h2cClient() *http.Client {
	return &http.Client{Timeout: 20 * time.Second, Transport: &http2.Transport{AllowHTTP: true,
		DialTLSContext: func(ctx context.Context, n, a string, _ *tls.Config) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, n, a)
		}}}
}

// logBuffer collects log output safely.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
