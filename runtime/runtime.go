// Package runtime is cfnrun's HTTP/2 gateway: it serves the REST APIs of a
// resolved model.Template the way API Gateway would, on a cleartext
// listener (HTTP/1.1 and h2c with prior knowledge) and a TLS listener (ALPN
// h2 and http/1.1).
//
// The gateway follows the caddy pattern: Load compiles a template version
// fully — router, stages, integrations, mapping templates, transports — and
// only then swaps it in atomically. A request runs start to finish on the
// version it started on, so a reload never disturbs in-flight requests and a
// version that fails to compile never replaces a working one.
//
// Invariants:
//   - Of cfnrun's packages it imports only internal/model, internal/diag,
//     runtime/vtl and its own HTTP/2 engine, runtime/internal/h2 — never
//     the parser or resolver; tests build a model.Template by hand.
//   - A compiled version is immutable; everything per request lives in a
//     pooled request state, so the hot path does not allocate maps, compile
//     regexps or format strings.
//   - Handlers return errors; every answer the gateway gives on its own
//     behalf is turned into an API Gateway-shaped response by one function
//     (Gateway.answer, see errors.go) and logged once in the access log with
//     a reason. A handler panic is logged with its stack and resets the
//     stream.
package runtime

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
)

// DefaultAccountID is the account id cfnrun uses when none is given, the
// one AWS documentation examples use.
const DefaultAccountID = "123456789012"

// DefaultMaxBodyBytes is API Gateway's payload limit (10 MB).
const DefaultMaxBodyBytes = 10 << 20

// Config configures a Gateway. The zero value serves nothing until Load and
// listens nowhere; New fills the defaults documented on each field.
type Config struct {
	// Addr is the cleartext listen address (HTTP/1.1 and h2c with prior
	// knowledge). Empty: no cleartext listener.
	Addr string
	// TLSAddr is the TLS listen address (ALPN h2 and http/1.1). Empty: no
	// TLS listener.
	TLSAddr string
	// Listeners, when set, are Addr and TLSAddr bound ahead by Listen
	// (cfnrun up binds them before the template resolves); Serve serves
	// them instead of binding its own, and closes them when it ends.
	// Listeners bound for other addresses are not used.
	Listeners *Listeners
	// CertFile and KeyFile are a PEM certificate and key for TLSAddr. When
	// empty a local certificate authority is made at start, and a
	// certificate it signs for localhost, 127.0.0.1, ::1 and
	// *.execute-api.localhost (and one per custom domain name of the
	// template, on the first handshake naming it): see Certificate.
	CertFile, KeyFile string
	// Certificate, when set, is the TLS certificate, made ahead by
	// MakeCertificate (cfnrun up makes it while the template resolves);
	// CertFile and KeyFile are then not read.
	Certificate *Certificate
	// Logger receives the access log (one Info record per request) and
	// operational messages. Default: discard.
	Logger *slog.Logger
	// StageLog receives the access log of each stage that has one
	// (AccessLogSetting / AccessLogSettings): a line per request in the
	// stage's Format. Default (nil): not written.
	StageLog io.Writer
	// Maps sends connections for a backend host (as written in the
	// integration URI, "name.example.com" or "name.example.com:443") to
	// another address ("127.0.0.1:9000"); the request keeps the original
	// Host header and TLS server name. Default: none.
	Maps map[string]string
	// MapAll, when set, receives connections for every backend host that
	// Maps does not name (`up --demo-backend`). Default: none.
	MapAll string
	// MapAllH2C says that MapAll speaks h2c (HTTP/2 with prior knowledge),
	// as up's demo backend does: the first request of an HTTP2
	// integration sent there does not probe it (a connection opened,
	// prefaced and closed before the request's own). Default: probed.
	MapAllH2C bool
	// MaxBodyBytes is the largest request body accepted; larger bodies get
	// 413. Default DefaultMaxBodyBytes; negative means no limit.
	MaxBodyBytes int64
	// MaxHeaderBytes bounds request headers. Default 64 KiB.
	MaxHeaderBytes int
	// ReadHeaderTimeout bounds how long a client may take to send request
	// headers (and the HTTP/2 preface). Default 10s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes idle client connections. Default 120s.
	IdleTimeout time.Duration
	// MaxConns bounds the open client connections (`up --max-conns`). At
	// the limit the longest-idle connection is closed to admit a new one,
	// and accepting waits while all are busy (see conns.go). Default:
	// DefaultMaxConns of the descriptor limit (half of it, at most 16384);
	// negative means no limit.
	MaxConns int
	// ParkBusyAbove, when positive, is how many open client connections
	// make every h2c connection give up its goroutine whenever it waits
	// for its client, busy or not (`up --park-busy-above`): less memory
	// per connection (about a sixth at 10,000 busy connections) for more
	// CPU per request (12-25% there). Zero: only idle connections do
	// (after a second of silence, or at once when they never sent a
	// request), which costs busy ones nothing.
	ParkBusyAbove int
	// MaxConcurrentStreams per HTTP/2 client connection. Default 250.
	MaxConcurrentStreams uint32
	// StallTimeout resets a request whose client stops sending its body,
	// or (HTTP/2) stops granting window for the response, for this long.
	// Default 30s.
	StallTimeout time.Duration
	// ShutdownTimeout bounds the graceful drain in Serve. Default 10s.
	ShutdownTimeout time.Duration
	// BackendTLSInsecure skips certificate verification for https
	// backends. Mapped backends (Maps) are never verified, since their
	// certificate cannot match the original host. Default false.
	BackendTLSInsecure bool
	// StockHTTP2 serves HTTP/2 with golang.org/x/net/http2's server
	// instead of cfnrun's own (runtime/internal/h2). For comparison and as
	// a fallback; default false.
	StockHTTP2 bool
	// AccountID is $context.accountId in mapping templates and parameter
	// mappings (`up --account-id`). Default DefaultAccountID.
	AccountID string
	// Lambda runs the functions of Lambda integrations and authorizers
	// (a *lambda.Service); Load hands it each version's functions. Nil:
	// Lambda routes are not served.
	Lambda LambdaService
	// LambdaOverrides supplies functions (`up --lambda NAME=URL|COMMAND`):
	// a function name (or logical id) to the URL of a Lambda Invoke API
	// endpoint, or to a command (split on spaces) that speaks the Runtime
	// API. A name the template does not define adds a function, so routes
	// whose URI names a function outside the template are served.
	LambdaOverrides map[string]string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// NoThrottle turns off every throttle and quota (`up --no-throttle`,
	// for load tests); API keys are still checked. Default false.
	NoThrottle bool
	// AccountRateLimit and AccountBurstLimit are the account-level
	// throttle every request passes. Default model.AccountRateLimit
	// (10,000 requests per second) and model.AccountBurstLimit (5,000), as
	// AWS sets per account and Region.
	AccountRateLimit  float64
	AccountBurstLimit int
	// CognitoKeys are user pools' published keys (`up --jwks`), by pool
	// id ("us-east-1_AbC123"): a pool listed here verifies Cognito's tokens
	// against them. Default: none (tokens are decoded, not verified).
	CognitoKeys map[string][]jwt.Key
	// TokenKeys verify the tokens `cfnrun token` mints, for every pool.
	// Default: none.
	TokenKeys []jwt.Key
	// Counters holds throttle buckets and quotas. Default: a
	// MemoryCounters of this gateway's own.
	Counters Counters

	// probeWait bounds the wait for a backend's answer to the h2c probe
	// (default 2 s); reprobeAfter is how long a backend that gave none is
	// spoken to in HTTP/1.1 before it is probed again (default 10 s).
	// The package's tests set them.
	probeWait, reprobeAfter time.Duration
}

// Gateway serves compiled template versions. It is safe for concurrent use.
type Gateway struct {
	cfg Config
	// wallClock: cfg.Now is time.Now (no clock given), so a request's
	// start may be the time the HTTP/2 engine read it (requestTime).
	wallClock bool
	log       *slog.Logger
	cur       atomic.Pointer[version]
	backends  *backends
	counters  Counters
	// chain is counters as a ChainTaker, nil when it is not one (in
	// memory, each Take is a few atomic operations).
	chain  ChainTaker
	gen    atomic.Int64 // version counter
	tlsCfg *tls.Config
	// ca signs the custom domains' certificates (nil with --cert).
	ca      *localCA
	handler http.Handler
	// control answers the management API's requests before the data
	// plane sees them (SetControlPlane); nil when off.
	control ControlPlane
	// ws holds the open WebSocket connections (websocket.go), which
	// outlive reloads.
	ws wsTable

	// stageLogMu serialises writes to cfg.StageLog.
	stageLogMu sync.Mutex

	mu        sync.Mutex
	listeners []net.Listener
	addrs     map[string]string // "http"/"https" → bound address
	// ports holds the listeners' port numbers as text, so that
	// X-Forwarded-Port costs no allocation (see portString).
	ports atomic.Pointer[map[int]string]
}

// New returns a Gateway for cfg. It reads the certificate files (or makes
// a self-signed certificate) but does not listen yet.
func New(cfg Config) (*Gateway, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxHeaderBytes == 0 {
		cfg.MaxHeaderBytes = 64 << 10
	}
	if cfg.ReadHeaderTimeout == 0 {
		cfg.ReadHeaderTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 120 * time.Second
	}
	if cfg.MaxConcurrentStreams == 0 {
		cfg.MaxConcurrentStreams = 250
	}
	if cfg.StallTimeout == 0 {
		cfg.StallTimeout = 30 * time.Second
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.probeWait == 0 {
		cfg.probeWait = 2 * time.Second
	}
	if cfg.reprobeAfter == 0 {
		cfg.reprobeAfter = 10 * time.Second
	}
	wallClock := cfg.Now == nil
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.AccountRateLimit == 0 {
		cfg.AccountRateLimit = model.AccountRateLimit
	}
	if cfg.AccountBurstLimit == 0 {
		cfg.AccountBurstLimit = model.AccountBurstLimit
	}
	if cfg.Counters == nil {
		cfg.Counters = &MemoryCounters{}
	}
	g := &Gateway{cfg: cfg, log: cfg.Logger, addrs: map[string]string{}, counters: cfg.Counters, wallClock: wallClock}
	g.chain, _ = cfg.Counters.(ChainTaker)
	g.backends = newBackends(cfg)
	g.handler = http.HandlerFunc(g.serveHTTP)
	if cfg.TLSAddr != "" {
		var c Certificate
		if cfg.Certificate != nil {
			c = *cfg.Certificate
		} else {
			var err error
			if c, err = MakeCertificate(cfg.CertFile, cfg.KeyFile, cfg.Now()); err != nil {
				return nil, err
			}
		}
		g.tlsCfg = &tls.Config{
			Certificates: []tls.Certificate{c.tls},
			NextProtos:   []string{"h2", "http/1.1"},
			MinVersion:   tls.VersionTLS12,
		}
		if c.ca != nil {
			g.ca = c.ca
			g.tlsCfg.GetCertificate = g.certificateFor
		}
	}
	return g, nil
}

// Load compiles t and, if it compiles, makes it the served version. It
// returns what will not be served and why (warnings with the range they
// refer to). An error means nothing of t could be served; the previous
// version, if any, keeps serving.
func (g *Gateway) Load(t *model.Template) (diag.Diagnostics, error) {
	return g.load(t, false)
}

// LoadEmpty is Load for the control plane's changes: a template in which
// no API has a stage — the last one deleted (delete-rest-api,
// delete-api), or only APIs made by create-rest-api and not yet deployed
// — is served too, as AWS then serves nothing: every request answers as
// one for an unknown API (403 Forbidden), while the control plane and
// /_cfnrun/ still answer. Load refuses such a template (at start, or
// saved mid-edit, it is a mistake to report, and the previous version
// keeps serving), and both refuse one whose APIs have stages but none
// can be served.
func (g *Gateway) LoadEmpty(t *model.Template) (diag.Diagnostics, error) {
	return g.load(t, true)
}

func (g *Gateway) load(t *model.Template, emptyOK bool) (diag.Diagnostics, error) {
	if t == nil {
		return nil, errors.New("no template to serve")
	}
	v, ds := compile(t, g)
	if v.empty() && !(emptyOK && noStages(t)) {
		if len(t.APIs) == 0 {
			return ds, errors.New("the template defines no REST API (AWS::ApiGateway::RestApi, AWS::Serverless::Api or aws_api_gateway_rest_api): there is nothing to serve")
		}
		return ds, errors.New("none of the template's REST APIs can be served; see the findings above")
	}
	if g.cfg.Lambda != nil {
		if err := g.cfg.Lambda.Load(v.lambda.fns); err != nil {
			return ds, fmt.Errorf("loading the Lambda functions: %w", err)
		}
	}
	v.gen = g.gen.Add(1)
	g.cur.Store(v)
	return ds, nil
}

// noStages reports whether no API of t has a stage: nothing is deployed.
func noStages(t *model.Template) bool {
	for _, a := range t.APIs {
		if len(a.Stages) > 0 {
			return false
		}
	}
	for _, a := range t.WebSocketAPIs {
		if len(a.Stages) > 0 {
			return false
		}
	}
	return true
}

// Handler returns the gateway as an http.Handler, for tests and embedding.
// It serves whatever version is loaded when each request starts.
func (g *Gateway) Handler() http.Handler { return g.handler }

// Close releases pooled backend connections.
func (g *Gateway) Close() { g.backends.closeIdle() }

// Serve listens on the configured addresses and serves until ctx is done,
// then stops accepting, drains in-flight requests for up to
// ShutdownTimeout, and returns. ready, if not nil, is called once the
// listeners are bound, with their addresses under "http" and "https"
// (useful with port 0).
func (g *Gateway) Serve(ctx context.Context, ready func(map[string]string)) error {
	return g.serve(ctx, ready)
}

// Template returns the served model, nil before the first Load. It is
// shared and must not be changed: build a new one and Load it.
func (g *Gateway) Template() *model.Template {
	if v := g.cur.Load(); v != nil {
		return v.tmpl
	}
	return nil
}

// ControlPlane answers the requests it matches on the gateway's listeners
// (the API Gateway management API, see runtime/control) instead of the
// data plane. Match runs first on every request, so it must be cheap and
// must not block.
type ControlPlane interface {
	Match(r *http.Request) bool
	http.Handler
}

// SetControlPlane makes cp answer the requests it matches. Call it before
// Serve or Handler is used; nil turns the control plane off.
func (g *Gateway) SetControlPlane(cp ControlPlane) { g.control = cp }

// Routes lists the endpoints of the served version.
func (g *Gateway) Routes() []RouteInfo {
	v := g.cur.Load()
	if v == nil {
		return nil
	}
	return v.routeList()
}

// RouteInfo is one served endpoint for the startup table.
type RouteInfo struct {
	APIID, APIName, Stage string
	Method, Path          string
	// Integration is the integration type; Target its URI or a note.
	Integration, Target string
	// HTTP2 is false for a stage with Http2Enabled: false.
	HTTP2 bool
	// APIKey is true when requests need an x-api-key header.
	APIKey bool
	// Served is false for routes answered with an error (AWS, AWS_PROXY,
	// no integration); Note says why.
	Served bool
	Note   string
	// Function and Runtime are the Lambda function a Lambda integration
	// invokes and its runtime ("" otherwise).
	Function, Runtime string
	// HostStyle is true when the API must be addressed by Host
	// ({apiId}.execute-api.localhost) because another API claims the
	// same stage name.
	HostStyle bool
	// WebSocket is set for a WebSocket API's route: Path is the stage's
	// URL path ("/prod"), Method the route key, TwoWay whether the
	// integration's answer goes back to the client.
	WebSocket, TwoWay bool
}
