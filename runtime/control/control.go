// Package control is cfnrun's control plane: the API Gateway (v1, REST
// APIs) management API, answered on the gateway's own listeners for what
// the gateway serves, so that the AWS CLI, the SDKs and LocalStack-style
// scripts work against `cfnrun up` with --endpoint-url.
//
// The page at /_cfnrun/ (page.go) shows the served APIs, stages, routes and
// recent requests to people without the CLI, as HTML and JSON.
//
// A request is a control-plane request when its path is one of the
// management API's collections (/restapis, /apikeys, /usageplans,
// /tags/..., see Match) and its Authorization header is a well-formed
// Signature Version 4 header whose credential scope names the apigateway
// service. Any credentials are accepted: the signature is not checked.
// Everything else is the data plane's.
//
// Invariants:
//   - Of cfnrun's packages it imports only internal/model and
//     internal/diag. It reads the model the gateway serves (Gateway) and
//     never the router's internals.
//   - It owns the management API's shapes (JSON field names, errors) in
//     one place: shapes.go.
//   - A change builds a new model from the served one (copy on write: the
//     served model is shared and never mutated) and loads it the way a
//     template reload does, so requests in flight finish on the old
//     version. A change lasts until the template is reloaded or up
//     restarts (drift), and says so.
package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// Gateway is what the control plane needs of the gateway it manages.
// *runtime.Gateway implements it.
type Gateway interface {
	// Template is the served model; nil before the first Load. It is
	// shared: never changed in place.
	Template() *model.Template
	// Load compiles t and, if it compiles, serves it (in-flight requests
	// finish on the old version).
	Load(t *model.Template) (diag.Diagnostics, error)
	// Handler is the gateway's request handler, for test-invoke-method.
	Handler() http.Handler
}

// Options configure a Plane. The zero value is usable.
type Options struct {
	// Logger receives one Info record per change ("control plane:
	// update-stage prod http2Enabled=true"). Default: discard.
	Logger *slog.Logger
	// Region is the region in ARNs and exported server URLs. Default
	// us-east-1.
	Region string
	// AccountID is the account in error messages. Default 123456789012.
	AccountID string
	// MaxBodyBytes bounds a request body. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Recent lists recent data-plane requests for the page at PagePath
	// (Recorder.Recent); nil shows none.
	Recent func() []Request
	// ImportOpenAPI reads an OpenAPI or Swagger document into a REST API
	// (import-rest-api, put-rest-api) as a template's Body is read, and
	// says what it could not import; nil leaves both unanswered. The API
	// is the caller's to keep.
	ImportOpenAPI func(ctx context.Context, body []byte) (*model.RestAPI, []string, error)
}

// DefaultMaxBodyBytes bounds a management API request body (API Gateway
// accepts imports of up to 6 MB; no request cfnrun answers needs more).
const DefaultMaxBodyBytes = 6 << 20

// Plane answers the management API. It is safe for concurrent use.
type Plane struct {
	gw      Gateway
	opts    Options
	log     *slog.Logger
	started time.Time

	// mu serialises changes: each one reads the served model, builds the
	// next and loads it.
	mu sync.Mutex
	// ours is the model the last change loaded; when the gateway serves
	// another one, the template was reloaded and the drift is gone.
	ours *model.Template
	// drift lists the changes made since, by "apiId/stage" (or "apiId"
	// for the API's own), as the log wrote them.
	drift map[string][]string
	// created records when deployments and stages were made through the
	// control plane, keyed by "apiId/kind/id".
	created map[string]time.Time
	// v2ints are the HTTP API integrations made through the control
	// plane, by API id and integration id: a route copies the one it
	// targets (the model keeps an integration in its route).
	v2ints map[string]map[string]*model.Integration
	// v2deps are the HTTP API deployments made through the control
	// plane, by API id, in the order made.
	v2deps map[string][]deploymentV2
	// made counts the objects made through the control plane: an id
	// made from it is never given twice (counting what exists would give
	// a deleted object's successor the id of one still there).
	made int
}

// nextMade returns a number no earlier call returned; p.mu is held.
func (p *Plane) nextMade() string {
	p.made++
	return strconv.Itoa(p.made)
}

// New returns a control plane for gw.
func New(gw Gateway, o Options) *Plane {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "123456789012"
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Plane{gw: gw, opts: o, log: o.Logger, started: o.Now(), created: map[string]time.Time{}, drift: map[string][]string{},
		v2ints: map[string]map[string]*model.Integration{}, v2deps: map[string][]deploymentV2{}}
}

// collections are the first path segments of the API Gateway v1
// management API (botocore's apigateway service model), and v2's prefix
// (apigatewayv2, v2.go).
var collections = [...]string{
	"restapis", "apikeys", "usageplans", "tags", "account", "clientcertificates",
	"domainnames", "domainnameaccessassociations", "rejectdomainnameaccessassociations",
	"sdktypes", "vpclinks", "v2",
}

// Match reports whether r is a management API request: a management
// path, and an Authorization header that is a well-formed SigV4 header for
// the apigateway service. It runs first on every request the gateway
// gets, so the common case (a path such as /prod/pets) is decided by one
// byte compare, without allocating.
func (p *Plane) Match(r *http.Request) bool {
	path := r.URL.Path
	if len(path) < 5 || path[0] != '/' {
		return false
	}
	switch path[1] {
	case 'r', 'a', 'u', 't', 'c', 'd', 's', 'v':
	case '_':
		return strings.HasPrefix(path, PagePath) || path == PagePath[:len(PagePath)-1]
	default:
		return false
	}
	if !isManagementPath(path) {
		return false
	}
	auth := r.Header["Authorization"]
	return len(auth) == 1 && SigV4Service(auth[0]) == "apigateway"
}

func isManagementPath(path string) bool {
	seg := path[1:]
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		seg = seg[:i]
	}
	found := false
	for _, c := range collections {
		if seg == c {
			found = true
			break
		}
	}
	// The data plane's LocalStack URL form,
	// /restapis/{id}/{stage}/_user_request_/..., is never management.
	return found && !strings.Contains(path, "/_user_request_")
}

// SigV4Service returns the service named by the credential scope of a
// well-formed AWS Signature Version 4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/apigateway/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=hex"), or "" when auth is not
// one. The signature itself is not checked.
func SigV4Service(auth string) string {
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return ""
	}
	var cred, signed, sig string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ""
		}
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	if cred == "" || signed == "" || len(sig) != 64 || !isHex(sig) {
		return ""
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[0] == "" || len(scope[1]) != 8 || !isDigits(scope[1]) ||
		scope[2] == "" || scope[4] != "aws4_request" {
		return ""
	}
	return scope[3]
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// apiError is an answer in the management API's error shape.
type apiError struct {
	status  int
	typ     string // x-amzn-ErrorType
	message string
}

func (e *apiError) Error() string { return e.typ + ": " + e.message }

func notFound(format string, args ...any) error {
	return &apiError{http.StatusNotFound, "NotFoundException", fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, "BadRequestException", fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &apiError{http.StatusConflict, "ConflictException", fmt.Sprintf(format, args...)}
}

// request is one management API request being answered.
type request struct {
	p    *Plane
	r    *http.Request
	segs []string // unescaped path segments
	q    url.Values
	body []byte
}

// ServeHTTP answers a request Match accepted.
func (p *Plane) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, PagePath[:len(PagePath)-1]) {
		if r.URL.Path == PagePath[:len(PagePath)-1] {
			http.Redirect(w, r, PagePath, http.StatusMovedPermanently)
			return
		}
		p.servePage(w, r)
		return
	}
	rid := requestID()
	w.Header().Set("x-amzn-RequestId", rid)
	status, out, err := p.serve(r)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			p.log.Error("control plane: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{http.StatusInternalServerError, "InternalServerErrorException", "Internal server error"}
		}
		w.Header().Set("x-amzn-ErrorType", ae.typ)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(ae.status)
		b, _ := json.Marshal(map[string]string{"message": ae.message})
		w.Write(b)
		return
	}
	if raw, ok := out.(rawBody); ok {
		for k, v := range raw.headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		w.Write(raw.body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if out == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		p.log.Error("control plane: encoding the answer", "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	w.Write(b)
}

// rawBody is an answer that is not JSON (get-export).
type rawBody struct {
	headers map[string]string
	body    []byte
}

func (p *Plane) serve(r *http.Request) (int, any, error) {
	rq := &request{p: p, r: r, q: r.URL.Query()}
	for _, s := range strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return 0, nil, badRequest("Invalid request path: %v", err)
		}
		rq.segs = append(rq.segs, u)
	}
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		b, err := io.ReadAll(io.LimitReader(r.Body, p.opts.MaxBodyBytes+1))
		if err != nil {
			return 0, nil, badRequest("Could not read the request body: %v", err)
		}
		if int64(len(b)) > p.opts.MaxBodyBytes {
			return 0, nil, &apiError{http.StatusRequestEntityTooLarge, "BadRequestException",
				fmt.Sprintf("Request body larger than %d bytes", p.opts.MaxBodyBytes)}
		}
		rq.body = b
	}
	op, ok := route(r.Method, rq.segs)
	if !ok && len(rq.segs) > 0 && rq.segs[0] == "v2" {
		op, ok = routeV2(r.Method, rq.segs)
	}
	if !ok {
		return 0, nil, &apiError{http.StatusNotFound, "NotFoundException",
			fmt.Sprintf("cfnrun's control plane does not answer %s %s (see docs/control-plane.md for the operations it supports)", r.Method, r.URL.Path)}
	}
	return op(rq)
}

// decode reads the JSON request body into v; an empty body leaves v as is.
func (rq *request) decode(v any) error {
	if len(strings.TrimSpace(string(rq.body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(rq.body, v); err != nil {
		return badRequest("Invalid request body: %v", err)
	}
	return nil
}

// template is the served model, or a 404 when nothing is loaded.
func (rq *request) template() (*model.Template, error) {
	t := rq.p.gw.Template()
	if t == nil {
		return nil, notFound("No template is served")
	}
	return t, nil
}

// api finds the REST API named by segment 1.
func (rq *request) api() (*model.Template, *model.RestAPI, error) {
	t, err := rq.template()
	if err != nil {
		return nil, nil, err
	}
	id := rq.segs[1]
	if a := t.API(id); a != nil && !a.IsHTTP() {
		return t, a, nil
	}
	return nil, nil, notFound("Invalid API identifier specified %s:%s", rq.p.opts.AccountID, id)
}

// DefaultLimit and MaxLimit are API Gateway's page sizes for position and
// limit.
const (
	DefaultLimit = 25
	MaxLimit     = 500
)

// page cuts items by the request's position and limit. position is the
// index of the next item, as text (AWS's are opaque; so are cfnrun's).
func page[T any](rq *request, items []T) ([]T, string, error) {
	limit := DefaultLimit
	if s := rq.q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return nil, "", badRequest("Invalid limit: %q (want 1 to %d)", s, MaxLimit)
		}
		limit = n
	}
	start := 0
	if s := rq.q.Get("position"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", badRequest("Invalid position parameter")
		}
		start = n
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

func (p *Plane) created0(key string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.created[key]; ok {
		return t
	}
	return p.started
}
