package lambda

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Config.
const (
	// DefaultConcurrency is how many instances of one function run at once
	// when neither Config.Concurrency nor the function's reserved
	// concurrency says otherwise: enough to keep two cores busy with
	// short handlers and to overlap a few slow ones, few enough that a
	// laptop running a template with many functions keeps its memory
	// (a warm Node.js instance is 40–60 MB resident).
	DefaultConcurrency = 8
	// DefaultQueueLength bounds the invocations of one function waiting for
	// an instance; more are throttled (429 TooManyRequestsException).
	DefaultQueueLength = 1000
	// DefaultIdleTimeout stops an instance that has served nothing for this
	// long.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultScaleAfter is Config.ScaleAfter's default: long enough that a
	// handler that only uses the CPU is never mistaken for a slow one on a
	// loaded machine, short next to a cold start.
	DefaultScaleAfter = 50 * time.Millisecond
	// DefaultRecycleAfter is Config.RecycleAfter's default. Runtimes set
	// _X_AMZN_TRACE_ID with setenv on every invocation, as Lambda documents
	// it, and glibc keeps every value ever set: ~170 bytes per invocation
	// that the process never gets back (~17 MB per 100,000).
	DefaultRecycleAfter = 100_000
	// DefaultRegion is the region of functions that name none.
	DefaultRegion = "us-east-1"
	// maxAsyncInFlight bounds Event (asynchronous) invocations running at
	// once; more are dropped with a log line.
	maxAsyncInFlight = 1000
)

// Config configures a Service. The zero value works: every field has the
// default its comment gives.
type Config struct {
	// Concurrency is the most instances of one function that run at once
	// (`cfnrun up --lambda-concurrency`). A function's
	// ReservedConcurrency lowers it. Default DefaultConcurrency.
	Concurrency int
	// QueueLength bounds the invocations of one function waiting for an
	// instance, in arrival order; beyond it invocations are throttled.
	// Default DefaultQueueLength.
	QueueLength int
	// ScaleAfter paces instances beyond ScaleBase: while invocations wait
	// for a busy instance, one more starts every ScaleAfter if every
	// instance has been running its invocation that long and is asleep
	// (waiting on I/O, so another would run beside it, where a CPU-bound or
	// CPU-starved one would only compete). Up to ScaleBase, instances start
	// as soon as invocations find the others busy. Negative: start
	// instances up to Concurrency whenever all are busy, as Lambda does.
	// Default DefaultScaleAfter.
	ScaleAfter time.Duration
	// ScaleBase is how many instances of a function start without
	// waiting for ScaleAfter. Default: the machine's CPU count, at least 2.
	ScaleBase int
	// RecycleAfter replaces an instance once it has served this many
	// invocations, between two of them (no invocation fails; the next runs
	// on a new instance), which bounds what a runtime leaks per invocation.
	// Negative: never. Default DefaultRecycleAfter.
	RecycleAfter int
	// IdleTimeout stops instances that have been idle this long. Default
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// CacheDir holds extracted packages, inline code and the bootstraps.
	// Default: $XDG_CACHE_HOME/cfnrun/lambda (os.UserCacheDir), or a
	// directory under os.TempDir when there is no cache directory.
	CacheDir string
	// Logger receives the functions' output lines and the START, END and
	// REPORT lines (Info), and the service's own warnings. Default: discard.
	Logger *slog.Logger
	// LogOutput, when set, is the writer under Logger's handler, which is
	// then a slog.TextHandler (a slog.JSONHandler with LogJSON) made with
	// default options. The START, END and REPORT lines, three per
	// invocation, are then formatted by the service as that handler would
	// format them and written there directly, which costs a fraction of a
	// record through the handler (see fastLine). Lines it cannot format
	// exactly go through Logger.
	LogOutput io.Writer
	LogJSON   bool
	// OnProcesses, when set, is called with true when a function process
	// starts while none runs, and with false when the last one has ended
	// (one call at a time, in order, from the service's goroutines). The
	// gateway uses it to leave CPUs to the functions.
	OnProcesses func(running bool)
	// Region is the region of functions that name none. Default
	// DefaultRegion.
	Region string
	// Node and Python are the interpreters for nodejs* and python3*
	// functions, whatever the runtime's version. Default "node" and
	// "python3" from PATH.
	Node, Python string
	// NoWatch turns off watching code directories for changes.
	NoWatch bool
	// HTTPClient sends invocations to functions with an InvokeURL.
	// Default: a client that does not follow redirects and bounds
	// connecting to 10 s.
	HTTPClient *http.Client
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// InvokeOptions are the Invoke API's per-call options.
type InvokeOptions struct {
	// Async is InvocationType Event: Invoke returns at once (Status 202)
	// and the function runs in the background; its result is logged.
	Async bool
	// ClientContext is the client context JSON, passed to the function as
	// Lambda-Runtime-Client-Context (context.clientContext).
	ClientContext string
	// CognitoIdentity is the Cognito identity JSON, passed as
	// Lambda-Runtime-Cognito-Identity (context.identity).
	CognitoIdentity string
	// TraceID is the X-Ray trace header for the invocation; one is made
	// when empty.
	TraceID string
	// LogTail asks for the last 4 KB of the invocation's log in
	// Result.LogTail (X-Amz-Log-Type: Tail).
	LogTail bool
}

// Result is the outcome of an invocation the Invoke API would answer with
// 200 (or 202 for Async): a response, or a function error.
type Result struct {
	// Status is the Invoke API status: 200, or 202 for Async.
	Status int
	// Payload is the function's response as the runtime posted it (any
	// bytes; JSON for the embedded runtimes), or the error document when
	// FunctionError is set.
	Payload []byte
	// FunctionError is empty on success and "Unhandled" when the function
	// failed (X-Amz-Function-Error): it threw, crashed, timed out, or
	// could not start.
	FunctionError string
	// ErrorType is the error document's errorType (the exception's type,
	// "Runtime.ExitError", "Sandbox.Timedout",
	// "Runtime.ImportModuleError", ...) when FunctionError is set.
	ErrorType string
	// TimedOut is set when the function outlived its Timeout.
	TimedOut bool
	// RequestID is the invocation's request id (context.awsRequestId).
	RequestID string
	// Duration is the invocation's run time, from dispatch to response.
	Duration time.Duration
	// InitDuration is the cold start that preceded the invocation (zero
	// when a warm instance served it).
	InitDuration time.Duration
	// LogTail is the end of the invocation's log (at most 4 KB) when
	// InvokeOptions.LogTail was set.
	LogTail []byte
}

// Service runs Lambda functions locally. It is safe for concurrent use.
type Service struct {
	cfg   Config
	log   *slog.Logger
	cache *codeCache
	ctx   context.Context
	stop  context.CancelFunc
	async chan struct{} // semaphore for Event invocations

	mu     sync.RWMutex
	byName map[string]*function
	byARN  map[string]*function
	// draining holds the functions a reload replaced while their
	// instances finish what they run (function.drain); Close stops them.
	draining map[*function]struct{}
	closed   bool

	interpMu sync.Mutex
	python   string // resolved interpreter

	// deadlineLists holds a deadlineList per timeout Start was given
	// (time.Duration → *deadlineList), lastDeadlines the last one used.
	deadlineLists sync.Map
	lastDeadlines atomic.Pointer[deadlineList]

	procMu sync.Mutex
	nprocs int // function processes running, for OnProcesses

	// trust is what TrustCA set, nil before.
	trust atomic.Pointer[trustedCA]

	watch *codeWatcher
	wg    sync.WaitGroup // background goroutines (janitor, async)
	// closeDone is closed when the first Close has stopped every
	// instance.
	closeDone chan struct{}
}

// processes counts a function process that started (+1) or ended (-1)
// and calls Config.OnProcesses when the count leaves or reaches zero.
func (s *Service) processes(delta int) {
	if s.cfg.OnProcesses == nil {
		return
	}
	s.procMu.Lock()
	defer s.procMu.Unlock()
	s.nprocs += delta
	switch {
	case delta > 0 && s.nprocs == delta:
		s.cfg.OnProcesses(true)
	case delta < 0 && s.nprocs == 0:
		s.cfg.OnProcesses(false)
	}
}

// New returns a Service with no functions. It starts nothing until the first
// invocation. Cancelling ctx has the effect of Close.
func New(ctx context.Context, cfg Config) *Service {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.QueueLength <= 0 {
		cfg.QueueLength = DefaultQueueLength
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.RecycleAfter == 0 {
		cfg.RecycleAfter = DefaultRecycleAfter
	}
	if cfg.ScaleAfter == 0 {
		cfg.ScaleAfter = DefaultScaleAfter
	}
	if cfg.ScaleBase <= 0 {
		cfg.ScaleBase = max(2, runtime.NumCPU())
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = defaultCacheDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Node == "" {
		cfg.Node = "node"
	}
	if cfg.Python == "" {
		cfg.Python = "python3"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = defaultHTTPClient()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{
		cfg:      cfg,
		log:      cfg.Logger,
		cache:    newCodeCache(cfg.CacheDir),
		async:    make(chan struct{}, maxAsyncInFlight),
		byName:   map[string]*function{},
		byARN:    map[string]*function{},
		draining: map[*function]struct{}{},

		closeDone: make(chan struct{}),
	}
	s.ctx, s.stop = context.WithCancel(ctx)
	if !cfg.NoWatch {
		s.watch = newCodeWatcher(s)
	}
	s.wg.Add(1)
	go s.janitor()
	go func() {
		<-s.ctx.Done()
		s.Close()
	}()
	return s
}

func defaultCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "cfnrun", "lambda")
	}
	return filepath.Join(os.TempDir(), "cfnrun-lambda-"+strconv.Itoa(os.Getuid()))
}

// Load replaces the set of functions. A function whose configuration is
// unchanged keeps its warm instances; changed or removed functions take no
// new invocations (they run on the version loaded now) and their instances
// stop once they have finished what they run, started or were handed
// (function.drain). Functions that cannot run (a runtime cfnrun does not
// serve, no code) still load: their invocations fail with an error that
// says why. The service keeps the functions' maps and slices (Inline,
// Environment, Layers, Command) as they are, without a copy: the caller
// must not change them after Load. The gateway builds them for each Load
// (Environment is the template's, which is not changed once resolved);
// the copies were 0.16 MB and ~8% of the gateway's Load of a
// 2,000-resource template with 397 functions, on the way to its first
// answer.
func (s *Service) Load(fns []Function) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	old := s.byName
	byName := make(map[string]*function, len(fns))
	byARN := make(map[string]*function, len(fns))
	for i := range fns {
		f := &fns[i]
		if f.Name == "" {
			continue
		}
		fn := old[f.Name]
		if fn == nil || !fn.cfg.equal(f) {
			fn = newFunction(s, *f)
		}
		byName[f.Name] = fn
		byARN[fn.arn] = fn
	}
	s.byName, s.byARN = byName, byARN
	var replaced []*function
	for name, fn := range old {
		if byName[name] != fn {
			replaced = append(replaced, fn)
			s.draining[fn] = struct{}{}
		}
	}
	s.wg.Add(len(replaced)) // before Close can wait for s.wg
	s.mu.Unlock()
	for _, fn := range replaced {
		fn.drain()
		go func() {
			defer s.wg.Done()
			// No instance starts once fn is closed: every process it
			// will have was counted before drain returned.
			fn.wait()
			s.mu.Lock()
			delete(s.draining, fn)
			s.mu.Unlock()
		}()
	}
	if s.watch != nil {
		s.watch.set(byName)
	}
	return nil
}

// Prepare makes, in the background, what the loaded functions' first
// invocations would otherwise wait for: the builds of functions with a
// Build method (a go build can take minutes on a cold cache). Invocations
// meanwhile wait for the build, as they would have.
func (s *Service) Prepare() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return
	}
	for _, fn := range s.byName {
		if fn.cfg.Build == "" || fn.remote != nil || fn.unserved != nil {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			fn.mu.Lock()
			gen := fn.gen
			fn.mu.Unlock()
			fn.codeFor(gen)
		}()
	}
}

// Functions returns the names of the loaded functions.
func (s *Service) Functions() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	return names
}

// lookup finds a function by name, unqualified ARN, or ARN with a version
// or alias qualifier (cfnrun runs $LATEST for every qualifier).
func (s *Service) lookup(name string) *function {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if fn := s.byName[name]; fn != nil {
		return fn
	}
	if fn := s.byARN[name]; fn != nil {
		return fn
	}
	// arn:aws:lambda:region:account:function:name[:qualifier]
	if n, ok := arnFunctionName(name); ok {
		return s.byName[n]
	}
	return nil
}

// arnFunctionName returns the function name of a Lambda function ARN
// (qualified or not), or of a name with a qualifier ("fn:live").
func arnFunctionName(s string) (string, bool) {
	const marker = ":function:"
	for i := 0; i+len(marker) <= len(s); i++ {
		if s[i:i+len(marker)] == marker {
			rest := s[i+len(marker):]
			for j := 0; j < len(rest); j++ {
				if rest[j] == ':' {
					return rest[:j], true
				}
			}
			return rest, true
		}
	}
	for j := 0; j < len(s); j++ {
		if s[j] == ':' {
			return s[:j], true
		}
	}
	return "", false
}

// Invoke runs one invocation of the function called name (a name or an
// ARN, qualified or not) with payload as the event, and returns what the
// Lambda Invoke API would: a Result for responses and function errors
// (FunctionError set), an *Error when Lambda itself refuses or fails the
// invocation (unknown function, throttled, too large, not served). ctx
// bounds the wait: when it ends first Invoke returns ctx.Err() and the
// invocation finishes in the background, as on Lambda.
func (s *Service) Invoke(ctx context.Context, name string, payload []byte, opts InvokeOptions) (Result, error) {
	fn := s.lookup(name)
	if fn == nil {
		if s.isClosed() {
			return Result{}, ErrClosed
		}
		return Result{}, errNotFound(name)
	}
	r, err := fn.invoke(ctx, payload, opts)
	for err == ErrClosed {
		// fn was replaced by a reload (Load closes a function whose
		// configuration changed) before the invocation reached an
		// instance: ErrClosed is only returned before a runtime fetched
		// it, so it runs on the version loaded now instead of failing.
		// It may wait there through more reloads: each turn follows a
		// newer version, and ctx bounds the wait.
		next := s.lookup(name)
		if next == nil || next == fn {
			break
		}
		fn = next
		r, err = fn.invoke(ctx, payload, opts)
	}
	return r, err
}

func (s *Service) isClosed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}

// Close stops every instance (killing its process group) and waits for the
// processes to exit. Invocations in flight fail; later ones get ErrClosed.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		// Another Close (the context's, say) is stopping the
		// instances: return once it has.
		<-s.closeDone
		s.wg.Wait()
		return nil
	}
	s.closed = true
	defer close(s.closeDone)
	fns := make([]*function, 0, len(s.byName)+len(s.draining))
	for _, fn := range s.byName {
		fns = append(fns, fn)
	}
	for fn := range s.draining {
		fns = append(fns, fn)
	}
	s.byName, s.byARN = map[string]*function{}, map[string]*function{}
	s.mu.Unlock()
	s.stop()
	if s.watch != nil {
		s.watch.close()
	}
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn.close()
			fn.wait()
		}()
	}
	wg.Wait()
	s.wg.Wait()
	return nil
}

// janitor stops instances that have been idle longer than IdleTimeout.
func (s *Service) janitor() {
	defer s.wg.Done()
	every := s.cfg.IdleTimeout / 4
	if every > 30*time.Second {
		every = 30 * time.Second
	}
	if every < 10*time.Millisecond {
		every = 10 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		s.mu.RLock()
		fns := make([]*function, 0, len(s.byName))
		for _, fn := range s.byName {
			fns = append(fns, fn)
		}
		s.mu.RUnlock()
		cutoff := s.cfg.Now().Add(-s.cfg.IdleTimeout)
		for _, fn := range fns {
			fn.reapIdle(cutoff)
		}
	}
}

// trustedCA names the files TrustCA was given.
type trustedCA struct{ cert, bundle string }

// TrustCA makes the functions started from now on trust the certificate
// in the PEM file cert (the gateway's own, so that a handler's https://
// calls to it, such as ApiGatewayManagementApi's @connections, verify):
// NODE_EXTRA_CA_CERTS=cert for Node.js, and AWS_CA_BUNDLE=bundle for the
// AWS SDKs that read it (Python's botocore, Go's, JavaScript v2), where
// bundle holds the system's roots and cert ("" leaves AWS_CA_BUNDLE
// alone). A function's own Environment overrides either.
func (s *Service) TrustCA(cert, bundle string) {
	s.trust.Store(&trustedCA{cert: cert, bundle: bundle})
}
