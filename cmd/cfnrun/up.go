package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cfnrun/cfnrun/cmd/cfnrun/internal/heapplan"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
	"github.com/cfnrun/cfnrun/runtime"
	"github.com/cfnrun/cfnrun/runtime/control"
	"github.com/cfnrun/cfnrun/runtime/lambda"
	"github.com/cfnrun/cfnrun/templates"
)

func upCommand() command {
	c := command{
		name:    "up",
		summary: "serve the template's REST, HTTP and WebSocket APIs as a local HTTP/2 gateway (h2c, h2 over TLS, HTTP/1.1)",
		usage:   "cfnrun up [flags] [FILE...]",
		example: "cfnrun up                      # the article's template with a demo backend\n" +
			"curl --http2-prior-knowledge http://127.0.0.1:8080/prod/myresource\n" +
			"cfnrun up --map api.example.com=127.0.0.1:3000 template.yaml",
	}
	c.run = func(e *env, args []string) int {
		fs := newFlagSet(e, &c)
		addr := fs.String("addr", "127.0.0.1:8080", "cleartext listen `address` (HTTP/1.1 and h2c); empty to disable")
		tlsAddr := fs.String("tls-addr", "127.0.0.1:8443", "TLS listen `address` (h2 and HTTP/1.1 by ALPN); empty to disable")
		cert := fs.String("cert", "", "TLS certificate `file` (PEM); default: one signed by a local CA made at start, for the local names and each custom domain")
		key := fs.String("key", "", "TLS private key `file` (PEM)")
		maps := kvFlag{}
		fs.Var(maps, "map", "send a backend host to a local address, keeping the Host header: `host=addr` (repeatable)")
		demo := fs.Bool("demo-backend", false, "send every backend host without a --map to the embedded demo backend")
		logFormat := fs.String("log-format", "text", "access log `format`: text or json")
		accessLog := fs.Bool("access-log", true, "log one line per request to stderr")
		stageLog := fs.String("stage-log", "-", "where the stages' own access logs go (AccessLogSetting/AccessLogSettings: a line per request in the stage's Format, as CloudWatch Logs gets it): - for stderr, a `file` to append to, empty to turn them off")
		noWatch := fs.Bool("no-watch", false, "do not reload when the template files change")
		fs.Bool("allow-extensions", true, "accepted for symmetry with validate: up always honours cfnrun's extensions (Http2Enabled, ConnectionType: HTTP2)")
		pprofAddr := fs.String("pprof", "", "serve Go's profiles (the paths of net/http/pprof) on this `address` (for profiling the gateway)")
		stock := fs.Bool("stock-http2", false, "serve HTTP/2 with golang.org/x/net/http2 instead of cfnrun's own engine (for comparison)")
		jwks := kvFlag{}
		fs.Var(jwks, "jwks", "verify a Cognito user pool's tokens against its published keys: `POOL=FILE|URL` (POOL is the pool id or ARN; the URL is https://cognito-idp.REGION.amazonaws.com/POOL/.well-known/jwks.json; repeatable)")
		tokenKey := fs.String("token-key", defaultTokenKey(), "RSA key `file` whose tokens (cfnrun token) every Cognito authorizer accepts")
		state := fs.String("state", "", "keep throttles, quotas and the authorizer cache in Redis, shared by every up that names it: `redis://HOST:PORT[/DB]` (default: in this process)")
		stateFail := fs.String("state-fail", "open", "when --state's Redis is unreachable: open (admit requests) or closed (refuse with 429)")
		noThrottle := fs.Bool("no-throttle", false, "turn off every throttle and quota (stage, usage plan, account) for load tests; API keys are still checked")
		accountThrottle := fs.String("account-throttle", "10000/5000", "the account-level throttle every request passes, `RATE/BURST` (requests per second / burst; API Gateway's default per account and Region); raise it for load tests that keep the other limits")
		controlPlane := fs.Bool("control-plane", true, "answer the API Gateway management API (aws apigateway ... --endpoint-url) on the gateway's listeners")
		maxBody := fs.Int64("max-payload", runtime.DefaultMaxBodyBytes, "largest request body in `bytes` (API Gateway's limit is 10 MB); -1 for no limit")
		parkBusy := fs.Int("park-busy-above", 0, "with this many client connections open, h2c connections give up their goroutine whenever they wait, busy or not: less memory per connection, more CPU per request (0: only idle connections do)")
		maxConns := fs.Int("max-conns", 0, "most client connections open at once; at the limit the longest-idle one is closed for a newcomer (0: half the descriptor limit, at most 16384; -1: no limit)")
		lambdas := kvFlag{}
		fs.Var(lambdas, "lambda",
			"run a Lambda function elsewhere: `NAME=URL` sends its invocations to a Lambda Invoke API endpoint "+
				"(sam local start-lambda, LocalStack, the Runtime Interface Emulator), NAME=COMMAND runs COMMAND as "+
				"its process (it must speak the Runtime API); NAME is the function name or logical id, and may name a "+
				"function outside the template (repeatable)")
		lambdaConc := fs.Int("lambda-concurrency", lambda.DefaultConcurrency, "most instances of one Lambda function running at once (a function's ReservedConcurrentExecutions lowers it)")
		in := addInputFlags(fs)
		if code, ok := parseFlags(e, fs, args); !ok {
			return code
		}
		if *logFormat != "text" && *logFormat != "json" {
			fmt.Fprintf(e.stderr, "cfnrun up: unknown --log-format %q (want text or json)\n", *logFormat)
			return exitUsage
		}
		acctRate, acctBurst, err := parseThrottle(*accountThrottle)
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun up: --account-throttle: %v\n", err)
			return exitUsage
		}
		counters, err := sharedState(e, *state, *stateFail)
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun up: --state: %v\n", err)
			return exitUsage
		}
		if c, ok := counters.(io.Closer); ok {
			// The store's connections and pipeline workers end with up.
			defer c.Close()
		}
		var stageW io.Writer
		switch *stageLog {
		case "":
		case "-":
			stageW = e.stderr
		default:
			f, err := os.OpenFile(*stageLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				fmt.Fprintf(e.stderr, "cfnrun up: --stage-log: %v\n", err)
				return exitUsage
			}
			defer f.Close()
			stageW = f
		}
		if *lambdaConc < 1 {
			fmt.Fprintf(e.stderr, "cfnrun up: --lambda-concurrency must be at least 1 (got %d)\n", *lambdaConc)
			return exitUsage
		}
		u := &upRun{e: e, in: in, paths: fs.Args(), demo: *demo, pprof: *pprofAddr, lambdaConc: *lambdaConc, jwks: jwks, tokenKey: *tokenKey, control: *controlPlane}
		return u.run(runtime.Config{
			Addr: *addr, TLSAddr: *tlsAddr, CertFile: *cert, KeyFile: *key,
			Maps: maps, MaxBodyBytes: *maxBody, StockHTTP2: *stock, AccountID: in.account, MaxConns: *maxConns, ParkBusyAbove: *parkBusy,
			LambdaOverrides: lambdas, NoThrottle: *noThrottle, Counters: counters,
			AccountRateLimit: acctRate, AccountBurstLimit: acctBurst, StageLog: stageW,
		}, *logFormat, *accessLog, !*noWatch)
	}
	return c
}

type upRun struct {
	e     *env
	in    *inputFlags
	paths []string
	demo  bool
	pprof string
	// lambdaConc is --lambda-concurrency.
	lambdaConc int
	// procs is GOMAXPROCS as the process started (see shareCPUs).
	procs int
	// jwks is --jwks (pool → file or URL); tokenKey --token-key.
	jwks     map[string]string
	tokenKey string
	// svc runs the Lambda functions.
	svc *lambda.Service
	// control is --control-plane.
	control bool
	// embedded is set when serving the embedded default template: the
	// temporary path and the name shown to the user.
	embedded, shownAs string
	// caFile is the PEM file of the certificate clients trust to verify
	// the gateway over TLS ("" when none was written).
	caFile string

	mu      sync.Mutex
	current diag.Diagnostics // findings of the served version
}

func (u *upRun) run(cfg runtime.Config, logFormat string, accessLog, watch bool) int {
	e := u.e
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()

	// The TLS certificate (keys made and signed by a local authority, or the files read)
	// does not depend on the template: make it on another core while the
	// template resolves.
	cert := make(chan certResult, 1)
	if cfg.TLSAddr != "" {
		go func() {
			c, err := runtime.MakeCertificate(cfg.CertFile, cfg.KeyFile, time.Now())
			cert <- certResult{c, err}
		}()
	}

	logOut := newFlushWriter(e.stderr, 100*time.Millisecond)
	defer logOut.Close()
	// up's own messages (on stdout and stderr) go out after the log lines
	// buffered before them: the same terminal or file often takes both.
	ordered := *e
	ordered.stdout, ordered.stderr = logOut.after(e.stdout), logOut.after(e.stderr)
	e = &ordered
	u.e = e
	var h slog.Handler = slog.NewTextHandler(logOut, nil)
	if logFormat == "json" {
		h = slog.NewJSONHandler(logOut, nil)
	}
	logger := slog.New(h)
	cfg.Logger = logger
	if !accessLog {
		cfg.Logger = slog.New(levelFloor{h, slog.LevelWarn})
	}
	// The access log's request records also feed the page at /_cfnrun/.
	var recent *control.Recorder
	if u.control {
		recent = control.NewRecorder(cfg.Logger.Handler(), control.DefaultRecent)
		cfg.Logger = slog.New(recent)
	}

	if len(u.paths) == 0 {
		dir, err := os.MkdirTemp("", "cfnrun-default-")
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun up: cannot create a temporary directory for the embedded template (set TMPDIR to a writable directory): %v\n", err)
			return exitUsage
		}
		defer os.RemoveAll(dir)
		u.embedded = filepath.Join(dir, templates.DefaultName)
		if err := os.WriteFile(u.embedded, templates.Default, 0o600); err != nil {
			fmt.Fprintf(e.stderr, "cfnrun up: cannot write the embedded template to a temporary file: %v\n", err)
			return exitUsage
		}
		u.shownAs = "(embedded) templates/" + templates.DefaultName
		u.paths = []string{u.embedded}
		u.demo = true
		key := templates.DefaultBackendService + ".Name"
		if _, set := u.in.sets[key]; !set {
			u.in.sets[key] = templates.DemoBackendName
		}
		watch = false
	}
	if e.process {
		heapplan.Prepare("up", u.paths, false)
	}
	// The model first: the checks that only read it (the model rules,
	// the schema's findings) run on the other core while the routes
	// compile and the listeners open, and their findings are printed
	// where they always were, before the routes. The resolve starts
	// before the rest of the set-up below, which does not need it.
	resolved := u.resolveStaged()
	// The resolve is on the way to serving and the set-up below is not:
	// this core runs the resolve's goroutine now (it is next in line
	// here) and the set-up goes on when another core takes it up. Left
	// to another core, the resolve started after the set-up or after
	// that core woke up, whichever came first: 0.3-0.5 ms later.
	goruntime.Gosched()
	// The listeners are bound now, while the template resolves: a client
	// that connects meanwhile waits for the first answer (in the accept
	// queue) instead of being refused and trying again. A port that
	// cannot be bound is left to Serve, which fails where it always did,
	// after the findings.
	if ls, err := runtime.Listen(cfg.Addr, cfg.TLSAddr); err == nil {
		cfg.Listeners = ls
		defer ls.Close()
	}
	if u.demo {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun up: starting the demo backend: %v\n", err)
			return exitUsage
		}
		cfg.MapAll = ln.Addr().String()
		// ServeDemo speaks h2c: no probe connection before the first
		// request's own.
		cfg.MapAllH2C = true
		go templates.ServeDemo(ctx, ln)
	}

	if u.pprof != "" {
		ps := &http.Server{Addr: u.pprof, Handler: pprofHandler(), ReadHeaderTimeout: 10 * time.Second}
		go ps.ListenAndServe()
		defer ps.Close()
	}

	r, finish := resolved()
	if r == nil {
		return interrupted(e, "up")
	}
	if finish != nil && len(unreadable(r)) > 0 {
		r, finish = finish(), nil // what a template not read as a whole says in full
	}
	if bad := unreadable(r); len(bad) > 0 {
		// Nothing to serve: no partial model of a file that does not
		// parse. The findings with their source lines, and exit 2 as
		// docs/runtime.md says.
		_ = diag.WriteText(e.stderr, r.Files, bad.Sort())
		fmt.Fprintf(e.stderr, "cfnrun up: cannot read the template; nothing to serve. Fix the errors above and start again.\n")
		return exitUsage
	}
	// The Lambda service: functions start on their first invocation, and
	// every process they run ends with it (see runtime/lambda). It outlives
	// the first Ctrl-C, so that requests in flight finish while the
	// gateway drains; Close then stops every instance.
	// logger's handler writes to logOut with default options, so the
	// service may format its START/END/REPORT lines itself (LogOutput).
	u.procs = goruntime.GOMAXPROCS(0)
	defer goruntime.GOMAXPROCS(u.procs)
	svc := lambda.New(context.WithoutCancel(ctx), lambda.Config{Concurrency: u.lambdaConc, Logger: logger,
		LogOutput: logOut, LogJSON: logFormat == "json", NoWatch: !watch, Region: lambdaRegion(r.Template),
		OnProcesses: u.shareCPUs})
	defer svc.Close()
	cfg.Lambda = svc
	u.svc = svc
	if err := u.cognitoKeys(ctx, &cfg, r.Template); err != nil {
		fmt.Fprintf(e.stderr, "cfnrun up: %v\n", err)
		return exitUsage
	}
	if cfg.TLSAddr != "" {
		c := <-cert
		if c.err != nil {
			fmt.Fprintf(e.stderr, "cfnrun up: cannot set up the gateway: %v\n", c.err)
			return exitUsage
		}
		cfg.Certificate = &c.cert
	}
	g, err := runtime.New(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "cfnrun up: cannot set up the gateway: %v\n", err)
		return exitUsage
	}
	defer g.Close()
	if crt := g.Certificate(); crt != nil {
		if dir, err := trustGateway(svc, crt); err != nil {
			logger.Warn("functions will not trust the gateway's certificate", "error", err)
		} else {
			u.caFile = filepath.Join(dir, "gateway.pem")
			defer os.RemoveAll(dir)
		}
	}
	// The checks (and the dependency graph and the schema's findings,
	// which a staged resolve leaves to them) start once the gateway
	// serves, or cannot: nothing served waits for them, and on a busy
	// machine they took CPU time from the way to serving.
	checked := make(chan *resolver.Result, 1)
	startChecks := func() {
		if finish != nil {
			go func() { checked <- finish() }()
		} else {
			checked <- r
		}
	}
	// What the control plane answers reads the whole template (the
	// resources' Tags): it waits for the checks, which complete it.
	complete := make(chan struct{})
	if u.control {
		g.SetControlPlane(afterChecks{control.New(g, control.Options{Logger: logger, AccountID: cfg.AccountID, Recent: recent.Recent,
			ImportOpenAPI: resolver.OpenAPIImporter(resolver.Options{Region: u.in.region, AccountID: u.in.account})}), complete})
	}
	rds, err := g.Load(r.Template)
	// findings waits for the checks and prints what validate would say
	// and up's own findings; false when a signal came meanwhile (up then
	// stops as if during the resolve).
	findings := func() bool {
		r = <-checked
		close(complete)
		if e.ctx.Err() != nil {
			return false
		}
		all := u.rename(append(append(diag.Diagnostics{}, r.Diags...), rds...)).Sort()
		u.printFindings(r.Files, all)
		return true
	}
	if err != nil {
		startChecks()
		if !findings() {
			return interrupted(e, "up")
		}
		fmt.Fprintf(e.stderr, "cfnrun up: %v\n", err)
		return exitFindings
	}
	tally := func() {
		svc.Prepare() // Go functions build while the routes print
		if n := r.Diags.Count(diag.Error); n > 0 {
			fmt.Fprintf(e.stdout, "cfnrun up: the template has %d error(s) that would stop a real deployment (above); serving what can be served.\n", n)
		}
		u.current = r.Diags
	}

	// The gateway serves while the checks finish: what it serves does not
	// depend on them (an error finding never stopped up from serving what
	// can be served), and their findings still come out first.
	serveErr := make(chan error, 1)
	ready := make(chan map[string]string, 1)
	go func() { serveErr <- g.Serve(ctx, func(a map[string]string) { ready <- a }) }()
	var addrs map[string]string
	select {
	case addrs = <-ready:
		startChecks()
	case err := <-serveErr:
		startChecks()
		if !findings() {
			return interrupted(e, "up")
		}
		tally()
		fmt.Fprintf(e.stderr, "cfnrun up: %v\n", err)
		return exitUsage
	}
	if !findings() {
		return interrupted(e, "up")
	}
	tally()
	// The watches are in place before "Press Ctrl-C" is printed: a change
	// saved after that line is always seen.
	if watch {
		w, err := runtime.NewWatcher(u.watchPaths(r))
		if err == nil && r.Template != nil && r.Template.Format == model.Terraform {
			// Terraform reads every .tf file of a directory: a new one
			// (or a tfvars file) is a change too.
			for _, dir := range configDirs(r.Template.Files, u.paths) {
				if err = w.WatchDir(dir, isTerraformFileName); err != nil {
					break
				}
			}
		}
		if err != nil {
			logger.Warn("not watching the template files", slog.Any("err", err))
		} else {
			go w.Run(ctx, 150*time.Millisecond, logger, func() { u.reload(g, addrs, cfg) })
		}
	}
	u.printRoutes(g, addrs, cfg)
	printAccess(e.stdout, g.Access())
	printOutputs(e.stdout, r.Template)
	u.printListening(addrs, cfg)
	said := make(chan struct{})
	go func() {
		// Serve drains on the first signal; say so, and how to skip it.
		defer close(said)
		<-ctx.Done()
		if e.ctx.Err() != nil {
			fmt.Fprintf(e.stdout, "cfnrun up: %v: finishing in-flight requests; press Ctrl-C again to stop now\n", context.Cause(e.ctx))
		}
	}()

	if err := <-serveErr; err != nil {
		fmt.Fprintf(e.stderr, "cfnrun up: %v\n", err)
		return exitUsage
	}
	if e.ctx.Err() != nil {
		// With nothing in flight the drain can end before the line above
		// is printed: "stopped" comes after it.
		<-said
	}
	// The instances stop first: their last lines come before "stopped".
	svc.Close()
	fmt.Fprintln(e.stdout, "cfnrun up: stopped")
	return exitOK
}

type certResult struct {
	cert runtime.Certificate
	err  error
}

func (u *upRun) resolve() *resolver.Result {
	opts := u.in.options()
	opts.AllowExtensions = true
	return u.shown(resolve(u.e.ctx, u.paths, opts))
}

// resolveStaged starts resolve in resolver.ResolveStaged's two parts;
// wait returns the model, and finish, which returns the whole result (nil
// when nothing is left to do).
func (u *upRun) resolveStaged() (wait func() (r *resolver.Result, finish func() *resolver.Result)) {
	opts := u.in.options()
	opts.AllowExtensions = true
	staged := resolveStaged(u.e.ctx, u.paths, opts)
	return func() (*resolver.Result, func() *resolver.Result) {
		r, rest := staged()
		if rest == nil {
			return u.shown(r), nil
		}
		return u.shown(r), func() *resolver.Result { return u.shown(rest()) }
	}
}

// shown shows findings in the embedded template under its own name, not
// the temporary path.
func (u *upRun) shown(r *resolver.Result) *resolver.Result {
	if r == nil || u.embedded == "" {
		return r
	}
	files := diag.NewFiles()
	files.Add(u.shownAs, templates.Default)
	r.Diags = u.rename(r.Diags)
	r.Files = files
	return r
}

// afterChecks is the control plane of a gateway that serves before the
// template's checks are done: its answers wait for them (what it reports
// reads the template's resources, which the checks complete). Match reads
// only the request.
type afterChecks struct {
	runtime.ControlPlane
	done <-chan struct{}
}

func (c afterChecks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	<-c.done
	c.ControlPlane.ServeHTTP(w, r)
}

// rename shows findings in the embedded template under its own name.
func (u *upRun) rename(ds diag.Diagnostics) diag.Diagnostics {
	if u.embedded == "" {
		return ds
	}
	for i := range ds {
		if ds[i].Range.Filename == u.embedded {
			ds[i].Range.Filename = u.shownAs
		}
		if len(ds[i].Related) > 0 {
			ds[i].Related = slices.Clone(ds[i].Related) // shared with copies of the finding
			for j := range ds[i].Related {
				if ds[i].Related[j].Range.Filename == u.embedded {
					ds[i].Related[j].Range.Filename = u.shownAs
				}
			}
		}
	}
	return ds
}

// configDirs are the directories of files, each once, except those of
// the file arguments in args (a configuration loaded from one file does
// not read the others beside it).
func configDirs(files, args []string) []string {
	var dirs []string
	seen := map[string]bool{}
	for _, a := range args {
		if st, err := os.Stat(a); err == nil && st.Mode().IsRegular() {
			seen[filepath.Dir(a)] = true
		}
	}
	for _, f := range files {
		if d := filepath.Dir(f); !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// isTerraformFileName reports whether Terraform reads a file of this name
// from a configuration's directory: .tf, .tf.json and tfvars files, not
// hidden files or editors' backups.
func isTerraformFileName(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") {
		return false
	}
	for _, suffix := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// watchPaths are the files the template came from.
func (u *upRun) watchPaths(r *resolver.Result) []string {
	if r.Template != nil && len(r.Template.Files) > 0 {
		return r.Template.Files
	}
	return u.paths
}

// reload resolves again; a version with new errors, or one that does not
// compile, is reported and the old one keeps serving.
func (u *upRun) reload(g *runtime.Gateway, addrs map[string]string, cfg runtime.Config) {
	u.mu.Lock()
	defer u.mu.Unlock()
	e := u.e
	r := u.resolve()
	if r == nil {
		return // shutting down
	}
	if bad := unreadable(r); len(bad) > 0 {
		u.printFindings(r.Files, bad)
		fmt.Fprintln(e.stdout, "cfnrun up: reload failed: the template cannot be read; still serving the previous version")
		return
	}
	if added := newErrors(u.current, r.Diags); len(added) > 0 {
		u.printFindings(r.Files, added)
		fmt.Fprintf(e.stdout, "cfnrun up: the change adds %d error(s); still serving the previous version\n", len(added))
		return
	}
	rds, err := g.Load(r.Template)
	if err != nil {
		u.printFindings(r.Files, append(r.Diags, u.rename(rds)...).Sort())
		fmt.Fprintf(e.stdout, "cfnrun up: reload failed (%v); still serving the previous version\n", err)
		return
	}
	u.current = r.Diags
	if u.svc != nil {
		u.svc.Prepare()
	}
	fmt.Fprintf(e.stdout, "cfnrun up: reloaded %s\n", strings.Join(u.paths, " "))
	u.printRoutes(g, addrs, cfg)
	printAccess(e.stdout, g.Access())
}

// newErrors returns the errors of next that current does not have
// (compared by rule and message, not position, so moving lines is fine).
func newErrors(current, next diag.Diagnostics) diag.Diagnostics {
	have := map[string]int{}
	for _, d := range current.Errors() {
		have[d.Rule+"\x00"+d.Summary]++
	}
	var out diag.Diagnostics
	for _, d := range next.Errors() {
		k := d.Rule + "\x00" + d.Summary
		if have[k] > 0 {
			have[k]--
			continue
		}
		out = append(out, d)
	}
	return out
}

func (u *upRun) printFindings(files *diag.Files, ds diag.Diagnostics) {
	if len(ds) == 0 {
		return
	}
	// One line each: the banner stays readable, and validate has the
	// source lines and the fixes. The count says which findings are up's
	// own (what it serves differently), so it matches validate's.
	_ = diag.WriteCompact(u.e.stdout, ds)
	own := 0
	for _, d := range ds {
		if strings.HasPrefix(d.Rule, "runtime-") {
			own++
		}
	}
	paths := u.paths
	if u.embedded != "" {
		paths = []string{"templates/" + templates.DefaultName}
	}
	summary := ds.Summary()
	if own > 0 {
		summary += fmt.Sprintf(" (%d of them from up itself, rules runtime-*; validate reports the others)", own)
	}
	fmt.Fprintf(u.e.stdout, "%s\nTo see the source lines and how to fix each, run: %s\n", summary, u.in.validateLine(true, paths...))
}

func (u *upRun) printRoutes(g *runtime.Gateway, addrs map[string]string, cfg runtime.Config) {
	// One write for the whole list: a template with thousands of routes
	// spent a write system call per line before serving its first request.
	bw := bufio.NewWriterSize(u.e.stdout, 64<<10)
	defer bw.Flush()
	w := bw
	routes := g.Routes()
	base := "http://" + addrs["http"]
	if addrs["http"] == "" {
		base = "https://" + addrs["https"]
	}
	type key struct{ api, name, id, stage string }
	groups := map[key][]runtime.RouteInfo{}
	var keys []key
	for _, rt := range routes {
		k := key{rt.APIName, rt.APIName, rt.APIID, rt.Stage}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], rt)
	}
	var notServed []runtime.RouteInfo
	fmt.Fprintln(w)
	for _, k := range keys {
		rs := groups[k]
		if rs[0].WebSocket {
			notServed = append(notServed, u.printWebSocketRoutes(w, rs, addrs)...)
			continue
		}
		proto := "HTTP/2 + HTTP/1.1"
		if !rs[0].HTTP2 {
			proto = "HTTP/1.1 only (Http2Enabled: false; HTTP/2 requests get HTTP_1_1_REQUIRED)"
		}
		fmt.Fprintf(w, "API %s (id %s)  stage %s  [%s]\n", k.name, k.id, k.stage, proto)
		for _, rt := range rs {
			prefix := "/" + rt.Stage
			if rt.Stage == "$default" { // an HTTP API's stage served at the root
				prefix = ""
			}
			url := base + prefix + rt.Path
			if rt.HostStyle {
				host, port, _ := net.SplitHostPort(addrs["http"])
				_ = host
				url = fmt.Sprintf("http://%s.execute-api.localhost:%s%s%s", rt.APIID, port, prefix, rt.Path)
			}
			target := rt.Target
			if rt.APIKey {
				target += " [x-api-key required]"
			}
			if !rt.Served {
				target = "not served: " + rt.Note
				notServed = append(notServed, rt)
			}
			fmt.Fprintf(w, "  %-7s %-50s %-10s %s\n", rt.Method, url, rt.Integration, target)
		}
	}
	tlsAddr := addrs["https"]
	if cfg.CertFile != "" {
		// --cert's certificate is served for every name: no domain has
		// one of its own, and caFile is that certificate, not an authority.
		tlsAddr = ""
	}
	printDomains(w, g.Template(), base, tlsAddr, u.caFile)
	if len(notServed) > 0 {
		fmt.Fprintf(w, "\nNot served (answered as API Gateway answers a failing integration):\n")
		for _, rt := range notServed {
			if rt.WebSocket {
				fmt.Fprintf(w, "  WebSocket route %s of %s: %s\n", rt.Method, rt.Path, rt.Note)
				continue
			}
			fmt.Fprintf(w, "  %s /%s%s: %s\n", rt.Method, rt.Stage, rt.Path, rt.Note)
		}
	}
	u.printFunctions(w, g.Functions())
	if cfg.MapAll != "" {
		fmt.Fprintf(w, "\nBackends: every integration host without a --map goes to the demo backend at %s (Host header kept).\n", cfg.MapAll)
	}
	for _, h := range sortedMapKeys(cfg.Maps) {
		fmt.Fprintf(w, "Backend map: %s -> %s\n", h, cfg.Maps[h])
	}
}

// shareCPUs leaves half the CPUs to the Lambda functions' processes while
// any runs (unless GOMAXPROCS is set): the gateway then runs Go code on
// half of the CPUs it had (at least one), and on all of them again once
// the last instance has stopped. A warm invocation costs the gateway about
// as much CPU as the function's process (docs/performance.md, Lambda),
// and with fewer threads the Go scheduler wakes fewer of them per request:
// on 2 CPUs a single one served 9-37% more requests/s over h2c to warm
// Node functions, and the Lambda service spent ~20% less CPU per
// invocation.
func (u *upRun) shareCPUs(running bool) {
	if os.Getenv("GOMAXPROCS") != "" || u.procs == 0 {
		return
	}
	n := u.procs
	if running {
		n = max(1, u.procs/2)
	}
	goruntime.GOMAXPROCS(n)
}

// printFunctions lists the Lambda functions: how many, and how each runs.
func (u *upRun) printFunctions(w io.Writer, fns []runtime.FunctionInfo) {
	if len(fns) == 0 {
		return
	}
	n := 0
	for _, f := range fns {
		if f.Served {
			n++
		}
	}
	s := "s"
	if len(fns) == 1 {
		s = ""
	}
	fmt.Fprintf(w, "\nLambda: %d function%s, %d run locally without Docker (each starts on its first request):\n", len(fns), s, n)
	for _, f := range fns {
		how := f.Where
		if !f.Served {
			how = "not served: " + f.Note
		}
		rt := f.Runtime
		if rt == "" {
			rt = "-"
		}
		fmt.Fprintf(w, "  %-30s %-16s %s\n", f.Name, rt, how)
	}
}

// printAccess says which API keys open which stages and which limits are
// enforced.
func printAccess(w io.Writer, a runtime.AccessInfo) {
	if len(a.Keys) > 0 {
		if len(a.KeysFromAuthorizer) == 0 {
			fmt.Fprintln(w, "\nAPI keys (send as x-api-key):")
		} else {
			fmt.Fprintf(w, "\nAPI keys (send as x-api-key; %s: as its authorizer's usageIdentifierKey):\n", strings.Join(a.KeysFromAuthorizer, ", "))
		}
		for _, k := range a.Keys {
			note := ""
			if k.Generated {
				note = "  (generated: the same on every run for this template)"
			}
			switch {
			case !k.Enabled:
				note += "  disabled: refused"
			case len(k.Stages) == 0:
				note += "  in no usage plan of a served stage: refused"
			default:
				note += "  for " + strings.Join(k.Stages, ", ")
			}
			fmt.Fprintf(w, "  %-16s %s%s\n", k.Name, k.Value, note)
		}
	}
	if len(a.Authorizers) > 0 {
		fmt.Fprintln(w, "\nAuthorizers (401 without a valid token; mint one with cfnrun token):")
		for _, l := range a.Authorizers {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if len(a.Limits) > 0 {
		fmt.Fprintln(w, "\nLimits (429 when exceeded):")
		for _, l := range a.Limits {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

func printOutputs(w io.Writer, t *model.Template) {
	if len(t.Outputs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nOutputs:")
	for _, o := range t.Outputs {
		v := o.Value
		if o.Sensitive {
			v = "(sensitive)"
		}
		fmt.Fprintf(w, "  %s = %s\n", o.Name, v)
	}
}

func (u *upRun) printListening(addrs map[string]string, cfg runtime.Config) {
	w := u.e.stdout
	fmt.Fprintln(w)
	if a := addrs["http"]; a != "" {
		fmt.Fprintf(w, "Listening on http://%s (HTTP/1.1 and h2c with prior knowledge)\n", a)
	}
	if a := addrs["https"]; a != "" {
		cert := "certificate for localhost, 127.0.0.1, *.execute-api.localhost and the custom domains, signed by a local CA made at start; curl -k"
		if u.caFile != "" {
			cert += ", or trust " + u.caFile + " (curl --cacert)"
		}
		if cfg.CertFile != "" {
			cert = cfg.CertFile
		}
		fmt.Fprintf(w, "Listening on https://%s (h2 and HTTP/1.1 by ALPN; %s)\n", a, cert)
	}
	if a := addrs["http"]; a != "" && u.control {
		fmt.Fprintf(w, "Control plane: aws --endpoint-url http://%s apigateway get-rest-apis (any credentials; --control-plane=false turns it off)\n", a)
		fmt.Fprintf(w, "Served APIs and recent requests: http://%s%s\n", a, control.PagePath)
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}

// lambdaRegion is the region of the template's functions (from the first
// function's ARN), for functions that name none.
func lambdaRegion(t *model.Template) string {
	for _, fn := range t.Functions {
		if r, ok := model.ParseFunctionRef(fn.ARN); ok && r.Region != "" {
			return r.Region
		}
	}
	return ""
}

func sortedMapKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// levelFloor drops records below min (--access-log=false keeps warnings).
type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (l levelFloor) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min && l.Handler.Enabled(ctx, lv)
}

// flushWriter buffers log output and flushes it every interval, so the
// access log costs no write system call per request under load.
type flushWriter struct {
	mu   sync.Mutex
	bw   *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newFlushWriter(w io.Writer, every time.Duration) *flushWriter {
	f := &flushWriter{bw: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f.mu.Lock()
				f.bw.Flush()
				f.mu.Unlock()
			case <-f.stop:
				return
			}
		}
	}()
	return f
}

// Write buffers one record (a log line). A record that does not fit in
// what the buffer has left goes out after a flush rather than split over
// two write system calls: others write to the same file (up's own
// messages on stderr, a terminal), and landed inside a split line.
func (f *flushWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(p) > f.bw.Available() && f.bw.Buffered() > 0 {
		if err := f.bw.Flush(); err != nil {
			return 0, err
		}
	}
	return f.bw.Write(p)
}

// after returns a writer to w that first writes out the log lines
// buffered so far, so that what is written to w comes after them.
func (f *flushWriter) after(w io.Writer) io.Writer { return flushedFirst{f, w} }

type flushedFirst struct {
	f *flushWriter
	w io.Writer
}

func (o flushedFirst) Write(p []byte) (int, error) {
	o.f.mu.Lock()
	defer o.f.mu.Unlock()
	_ = o.f.bw.Flush()
	return o.w.Write(p)
}

func (f *flushWriter) Close() error {
	close(f.stop)
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bw.Flush()
}

// printWebSocketRoutes lists one stage of a WebSocket API: its URL and
// its routes by key; it returns those not served.
func (u *upRun) printWebSocketRoutes(w io.Writer, rs []runtime.RouteInfo, addrs map[string]string) []runtime.RouteInfo {
	rt0 := rs[0]
	url := "ws://" + addrs["http"] + rt0.Path
	if addrs["http"] == "" {
		url = "wss://" + addrs["https"] + rt0.Path
	}
	if rt0.HostStyle {
		_, port, _ := net.SplitHostPort(addrs["http"])
		url = fmt.Sprintf("ws://%s.execute-api.localhost:%s%s", rt0.APIID, port, rt0.Path)
	}
	fmt.Fprintf(w, "WebSocket API %s (id %s)  stage %s  %s  [HTTP/1.1 upgrade; @connections at %s/@connections/{id}]\n",
		rt0.APIName, rt0.APIID, rt0.Stage, url, strings.Replace(strings.Replace(url, "wss://", "https://", 1), "ws://", "http://", 1))
	var notServed []runtime.RouteInfo
	for _, rt := range rs {
		target := rt.Target
		if rt.TwoWay {
			target += " (two-way)"
		}
		if !rt.Served {
			target = "not served: " + rt.Note
			notServed = append(notServed, rt)
		}
		fmt.Fprintf(w, "  %-20s %-10s %s\n", rt.Method, rt.Integration, target)
	}
	return notServed
}

// trustGateway writes the certificate that verifies the gateway (its
// local authority's, or --cert's), and a bundle of the system's roots
// with it, to a new temporary directory and makes the functions trust it (lambda.Service.TrustCA): a handler that calls the
// gateway over https (a WebSocket handler's ApiGatewayManagementApi,
// endpoint https://{domainName}/{stage}) then verifies it as it would
// verify API Gateway. It returns the directory, for removal at exit.
func trustGateway(svc *lambda.Service, crt *x509.Certificate) (string, error) {
	dir, err := os.MkdirTemp("", "cfnrun-ca-")
	if err != nil {
		return "", err
	}
	own := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: crt.Raw})
	cert := filepath.Join(dir, "gateway.pem")
	if err := os.WriteFile(cert, own, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	// AWS_CA_BUNDLE replaces the SDK's roots: the bundle keeps the ones
	// the function would have used (the user's AWS_CA_BUNDLE, else the
	// system's), so that its calls to AWS still verify.
	bundle := ""
	roots := []string{os.Getenv("AWS_CA_BUNDLE"), os.Getenv("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem", "/etc/ssl/ca-bundle.pem"}
	for _, f := range roots {
		if f == "" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(b, []byte("-----BEGIN CERTIFICATE-----")) {
			continue
		}
		bundle = filepath.Join(dir, "bundle.pem")
		if !bytes.HasSuffix(b, []byte("\n")) {
			b = append(b, '\n')
		}
		if err := os.WriteFile(bundle, append(b, own...), 0o644); err != nil {
			bundle = ""
		}
		break
	}
	svc.TrustCA(cert, bundle)
	return dir, nil
}

// printDomains lists the custom domain names' mappings `up` serves: a
// request with the domain as its Host (any port) reaches the mapping's
// API and stage. With the TLS listener (tlsAddr; "" with --cert) it also shows how to
// reach one over https with the domain's own certificate, which the
// gateway's local authority (caFile) signs.
func printDomains(w io.Writer, t *model.Template, base, tlsAddr, caFile string) {
	if t == nil {
		return
	}
	var first *model.DomainRoute
	for _, r := range model.DomainRoutes(t) {
		if !r.Served {
			continue
		}
		if first == nil {
			fmt.Fprintf(w, "\nCustom domains (send the domain as the Host header: curl -H 'Host: %s' %s/...):\n", r.Domain, base)
			first = &r
		}
		path := ""
		if r.BasePath != "" {
			path = "/" + r.BasePath
		}
		fmt.Fprintf(w, "  %-40s -> API %s stage %s  (%s%s with Host: %s)\n", r.URL, r.API, r.Stage, base, path, r.Domain)
	}
	host, port, err := net.SplitHostPort(tlsAddr)
	if first == nil || err != nil {
		return
	}
	name := first.Domain
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		name = "api." + rest // a name the wildcard domain covers
	}
	path := ""
	if first.BasePath != "" {
		path = "/" + first.BasePath
	}
	trust := "-k"
	if caFile != "" {
		trust = "--cacert " + caFile
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	fmt.Fprintf(w, "  over TLS, each domain with a certificate of its own: curl %s --resolve %s:%s:%s https://%s:%s%s/...\n", trust, name, port, host, name, port, path)
}
