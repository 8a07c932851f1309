package lambda

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// codeState is how instances of one code generation start: the resolved
// code directory, the command and the environment. It is built once per
// generation (extracting zips then), not per instance.
type codeState struct {
	gen      int
	taskRoot string
	layers   []string // layer directories, in the order Lambda applies them
	argv     []string
	env      []string
	// entrypoint, when set, is why the function cannot start (no
	// bootstrap, no handler executable): every start fails with
	// Runtime.InvalidEntrypoint and this message.
	entrypoint string
	err        error
	// private is set when the instance runs one of cfnrun's bootstraps,
	// which speak the Runtime API over a socket it inherits (fd 3,
	// runtimeAPIFDEnv) instead of a loopback TCP connection.
	private bool
	// bootstrap is set when the instance runs one of cfnrun's
	// bootstraps (node, python), which mark their output and may answer
	// through it with the instance's token (tokenEnv).
	bootstrap bool
}

// codeFor returns the code state of generation gen, building it when the
// code changed since the last one.
func (fn *function) codeFor(gen int) *codeState {
	fn.codeMu.Lock()
	defer fn.codeMu.Unlock()
	if fn.code != nil && fn.code.gen == gen {
		return fn.code
	}
	c := fn.resolveCode()
	c.gen = gen
	fn.code = c
	return c
}

// awaitCode makes generation gen's code state (building or extracting it)
// and waits for it at most until ctx ends; the work goes on in the
// background then, for the next invocation. Most calls find it made.
func (fn *function) awaitCode(ctx context.Context, gen int) error {
	fn.codeMu.Lock()
	made := fn.code != nil && fn.code.gen == gen
	fn.codeMu.Unlock()
	if made {
		return nil
	}
	done := make(chan struct{})
	go func() {
		fn.codeFor(gen)
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (fn *function) resolveCode() *codeState {
	f := &fn.cfg
	c := &codeState{}
	cache := fn.s.cache
	var err error
	switch {
	case f.CodeDir != "" && f.Build == BuildGo:
		var out string
		c.taskRoot, out, err = cache.goBuild(fn.s.ctx, f.CodeDir, f.Handler)
		if err != nil && out != "" {
			// The function's own code does not compile: an init error
			// of the function, with the compiler's words.
			c.entrypoint = "go build " + f.CodeDir + " failed: " + out
			err = nil
		}
	case f.CodeDir != "":
		c.taskRoot, err = filepath.Abs(f.CodeDir)
		if err == nil {
			var st os.FileInfo
			if st, err = os.Stat(c.taskRoot); err == nil && !st.IsDir() {
				err = &Error{Type: TypeService, Status: 500, Function: fn.name,
					Message: "the code path " + f.CodeDir + " is not a directory (a zip goes in CodeZip)"}
			}
		}
	case f.CodeZip != "":
		c.taskRoot, err = cache.zip(f.CodeZip)
	case len(f.Inline) > 0:
		c.taskRoot, err = cache.inline(f.Inline)
	case len(f.Command) > 0:
		c.taskRoot, err = os.Getwd()
	default:
		err = &Error{Type: TypeService, Status: 500, Function: fn.name,
			Message: "the function has no code (no code directory, zip or inline code)"}
	}
	if err != nil {
		c.err = asServiceError(fn.name, err)
		return c
	}
	if c.entrypoint != "" {
		return c
	}
	for _, l := range f.Layers {
		dir := l
		if st, err := os.Stat(l); err == nil && !st.IsDir() {
			dir, err = cache.zip(l)
			if err != nil {
				c.err = asServiceError(fn.name, err)
				return c
			}
		} else if err != nil {
			c.err = asServiceError(fn.name, err)
			return c
		}
		abs, _ := filepath.Abs(dir)
		c.layers = append(c.layers, abs)
	}
	rtDir := ""
	if len(f.Command) == 0 && (fn.kind == kindNode || fn.kind == kindPython) {
		rtDir, err = cache.runtimeDir()
		if err != nil {
			c.err = asServiceError(fn.name, err)
			return c
		}
	}
	c.private = rtDir != "" && privateAPIs
	c.bootstrap = rtDir != ""
	c.argv, c.entrypoint, c.err = fn.command(c, rtDir)
	c.env = fn.environ(c, rtDir)
	return c
}

func asServiceError(name string, err error) error {
	if _, ok := err.(*Error); ok {
		return err
	}
	return &Error{Type: TypeService, Status: 500, Function: name, Message: err.Error()}
}

// command returns the argv that starts an instance.
func (fn *function) command(c *codeState, rtDir string) (argv []string, entrypoint string, err error) {
	f := &fn.cfg
	if len(f.Command) > 0 {
		return f.Command, "", nil
	}
	switch fn.kind {
	case kindNode:
		node, err := exec.LookPath(fn.s.cfg.Node)
		if err != nil {
			return nil, "", &Error{Type: TypeService, Status: 500, Function: fn.name,
				Message: fn.cfg.Runtime + " functions run under Node.js, and " + fn.s.cfg.Node + " is not on PATH: install Node.js, or pass --lambda " + fn.name + "=URL"}
		}
		return []string{node, filepath.Join(rtDir, "node", "bootstrap.cjs")}, "", nil
	case kindPython:
		py, err := fn.s.pythonPath()
		if err != nil {
			return nil, "", &Error{Type: TypeService, Status: 500, Function: fn.name,
				Message: fn.cfg.Runtime + " functions run under Python, and " + fn.s.cfg.Python + " is not on PATH: install Python 3, or pass --lambda " + fn.name + "=URL"}
		}
		return []string{py, filepath.Join(rtDir, "python", "bootstrap.py")}, "", nil
	case kindProvided:
		tried := []string{filepath.Join(c.taskRoot, "bootstrap")}
		for i := len(c.layers) - 1; i >= 0; i-- {
			tried = append(tried, filepath.Join(c.layers[i], "bootstrap"))
		}
		for _, p := range tried {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				if st.Mode().Perm()&0o111 == 0 {
					return nil, "Couldn't find valid bootstrap(s): " + p + " is not executable (chmod +x it before zipping)", nil
				}
				return []string{p}, "", nil
			}
		}
		return nil, "Couldn't find valid bootstrap(s): [" + strings.Join(tried, " ") + "]", nil
	case kindGo1x:
		if f.Handler == "" {
			return nil, "the go1.x function has no Handler (the name of its executable)", nil
		}
		p := filepath.Join(c.taskRoot, filepath.FromSlash(f.Handler))
		st, err := os.Stat(p)
		if err != nil || st.IsDir() {
			return nil, "fork/exec " + p + ": no such file or directory", nil
		}
		if st.Mode().Perm()&0o111 == 0 {
			return nil, "fork/exec " + p + ": permission denied", nil
		}
		return []string{p}, "", nil
	}
	return nil, "", fn.unserved
}

// Placeholder credentials, given to functions when cfnrun's own environment
// has none: AWS SDKs construct their clients without complaint, and a call
// to AWS fails with an authentication error rather than touching an
// account.
const (
	placeholderKeyID  = "ASIACFNRUNLOCAL00000"
	placeholderSecret = "cfnrun-local-placeholder-secret-key-0000"
	placeholderToken  = "cfnrun-local-placeholder-session-token"
)

// environ is the environment of every instance of a generation, without
// the two per-instance variables (AWS_LAMBDA_RUNTIME_API and
// AWS_LAMBDA_LOG_STREAM_NAME). It follows Lambda's documented runtime
// environment; reserved variables cannot be overridden by the function's
// Environment (Lambda refuses them at deploy time).
func (fn *function) environ(c *codeState, rtDir string) []string {
	f := &fn.cfg
	mem := strconv.Itoa(fn.memoryMB)
	env := []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + fn.name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + mem,
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + fn.name,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION=" + fn.region,
		"AWS_DEFAULT_REGION=" + fn.region,
		"_HANDLER=" + f.Handler,
		"LAMBDA_TASK_ROOT=" + c.taskRoot,
		"AWS_XRAY_CONTEXT_MISSING=LOG_ERROR",
		"AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:2000",
	}
	if rtDir != "" {
		env = append(env, "LAMBDA_RUNTIME_DIR="+rtDir, awsPathsEnv+"="+fn.awsPaths(c, rtDir))
		if fn.kind == kindNode && len(c.layers) > 0 {
			// What /opt holds on Lambda: the layers, merged in order.
			env = append(env, optLayersEnv+"="+strings.Join(c.layers, string(os.PathListSeparator)))
		}
	}
	switch fn.kind {
	case kindNode, kindPython, kindGo1x:
		env = append(env, "AWS_EXECUTION_ENV=AWS_Lambda_"+f.Runtime)
	}
	if os.Getenv("AWS_ACCESS_KEY_ID") != "" && os.Getenv("AWS_SECRET_ACCESS_KEY") != "" {
		env = append(env, "AWS_ACCESS_KEY_ID="+os.Getenv("AWS_ACCESS_KEY_ID"),
			"AWS_SECRET_ACCESS_KEY="+os.Getenv("AWS_SECRET_ACCESS_KEY"))
		if t := os.Getenv("AWS_SESSION_TOKEN"); t != "" {
			env = append(env, "AWS_SESSION_TOKEN="+t)
		}
	} else if os.Getenv("AWS_PROFILE") == "" {
		env = append(env, "AWS_ACCESS_KEY_ID="+placeholderKeyID,
			"AWS_SECRET_ACCESS_KEY="+placeholderSecret,
			"AWS_SESSION_TOKEN="+placeholderToken)
	}

	// Variables the function may set itself.
	own := map[string]string{
		"TZ":   ":UTC",
		"LANG": "en_US.UTF-8",
	}
	// Pass through what lets the function reach the user's AWS (or an
	// emulator) the way the SDKs on the user's machine do.
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME", k == "AWS_PROFILE", k == "AWS_CONFIG_FILE", k == "AWS_SHARED_CREDENTIALS_FILE",
			k == "AWS_CA_BUNDLE", k == "SSL_CERT_FILE", k == "SSL_CERT_DIR",
			k == "HTTP_PROXY", k == "HTTPS_PROXY", k == "NO_PROXY", k == "http_proxy", k == "https_proxy", k == "no_proxy",
			strings.HasPrefix(k, "AWS_ENDPOINT_URL"):
			own[k] = v
		}
	}
	if tc := fn.trusted(); tc != nil {
		if fn.kind == kindNode {
			own["NODE_EXTRA_CA_CERTS"] = tc.cert
		}
		if tc.bundle != "" {
			own["AWS_CA_BUNDLE"] = tc.bundle
		}
	}
	var path, ld []string
	for i := len(c.layers) - 1; i >= 0; i-- {
		path = append(path, filepath.Join(c.layers[i], "bin"))
		ld = append(ld, filepath.Join(c.layers[i], "lib"))
	}
	own["PATH"] = strings.Join(append(path, os.Getenv("PATH")), string(os.PathListSeparator))
	ld = append([]string{c.taskRoot, filepath.Join(c.taskRoot, "lib")}, ld...)
	if v := os.Getenv("LD_LIBRARY_PATH"); v != "" {
		ld = append(ld, v)
	}
	own["LD_LIBRARY_PATH"] = strings.Join(ld, string(os.PathListSeparator))
	switch fn.kind {
	case kindNode:
		// Lambda: /opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:
		// /var/runtime/node_modules:/var/runtime:/var/task, /opt being the
		// layers merged (so later layers first here). The NODE_PATH cfnrun
		// runs with takes the place of /var/runtime/node_modules, where
		// Lambda provides the AWS SDK: the only way a function whose code
		// is one file (InlineCode, Code.ZipFile, archive_file source_file)
		// can require packages the runtime provides. A NODE_PATH in the
		// function's Environment replaces all of it, as Lambda's bootstrap
		// sets its default only when NODE_PATH is empty.
		var np []string
		major := strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(f.Runtime), "nodejs"), ".x")
		for i := len(c.layers) - 1; i >= 0; i-- {
			if major != "" {
				np = append(np, filepath.Join(c.layers[i], "nodejs", "node"+major, "node_modules"))
			}
			np = append(np, filepath.Join(c.layers[i], "nodejs", "node_modules"))
		}
		np = append(np, filepath.SplitList(os.Getenv("NODE_PATH"))...)
		np = append(np, c.taskRoot)
		own["NODE_PATH"] = strings.Join(np, string(os.PathListSeparator))
	case kindPython:
		// Lambda: /var/task, /opt/python/lib/python3.X/site-packages,
		// /opt/python, then the runtime's own. The bootstrap puts the task
		// root first; PYTHONPATH carries the layers.
		var pp []string
		ver := strings.TrimPrefix(strings.ToLower(f.Runtime), "python")
		for i := len(c.layers) - 1; i >= 0; i-- {
			if ver != "" {
				pp = append(pp, filepath.Join(c.layers[i], "python", "lib", "python"+ver, "site-packages"))
			}
			pp = append(pp, filepath.Join(c.layers[i], "python"))
		}
		if len(pp) > 0 {
			own["PYTHONPATH"] = strings.Join(pp, string(os.PathListSeparator))
		}
		// Python writes bytecode next to the sources; keep it out of the
		// code directory (which is watched, and read-only on Lambda).
		own["PYTHONPYCACHEPREFIX"] = filepath.Join(fn.s.cfg.CacheDir, "pycache")
	}
	for k, v := range f.Environment {
		if !reservedEnv(k) {
			own[k] = v
		}
	}
	for _, k := range slices.Sorted(maps.Keys(own)) {
		env = append(env, k+"="+own[k])
	}
	return env
}

// awsPathsEnv names the variable that tells cfnrun's bootstraps which
// directories stand for which of Lambda's (awsPaths); they take it out of
// the handler's environment.
const awsPathsEnv = "_CFNRUN_AWS_PATHS"

// optLayersEnv names the variable that gives cfnrun's Node bootstrap the
// function's layer directories, in the order Lambda extracts them into
// /opt (a later layer's file replaces an earlier one's): require and import
// of a path under /opt ("/opt/nodejs/utils/db", a common way to reach a
// layer's own modules) resolve to the layers. The bootstrap takes it out of
// the handler's environment.
const optLayersEnv = "_CFNRUN_OPT_LAYERS"

// awsPaths is the JSON list of [local directory, Lambda's directory]
// pairs, the longest local directory first, with which cfnrun's bootstraps
// write the paths in error documents (stackTrace, trace, errorMessage) as
// Lambda (and sam local, whose container mounts the code there) shows
// them: the task root as /var/task, the layers as /opt (Lambda merges
// them there), the bootstraps' directory as /var/runtime, and for Node the
// NODE_PATH cfnrun runs with as /var/runtime/node_modules, the directory
// it stands for. Only what the error documents say changes: the function
// runs from the local directories (LAMBDA_TASK_ROOT, __dirname, the
// working directory are local paths, so its own file access works).
func (fn *function) awsPaths(c *codeState, rtDir string) string {
	var pairs [][2]string
	add := func(local, aws string) {
		if local == "" {
			return
		}
		pairs = append(pairs, [2]string{filepath.Clean(local), aws})
		if real, err := filepath.EvalSymlinks(local); err == nil && real != filepath.Clean(local) {
			pairs = append(pairs, [2]string{real, aws}) // node reports the real path of a module
		}
	}
	add(c.taskRoot, "/var/task")
	for _, l := range c.layers {
		add(l, "/opt")
	}
	add(rtDir, "/var/runtime")
	if fn.kind == kindNode {
		for _, d := range filepath.SplitList(os.Getenv("NODE_PATH")) {
			if d != "" && filepath.IsAbs(d) {
				add(d, "/var/runtime/node_modules")
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	out, _ := json.Marshal(pairs)
	return string(out)
}

// reservedEnv reports whether Lambda reserves an environment variable (a
// function's Environment cannot set it).
func reservedEnv(k string) bool {
	switch k {
	case "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
		"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
		"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR":
		return true
	}
	return false
}

// pythonPath returns the Python interpreter to run, resolved once: the
// interpreter's own sys.executable, so that version-manager shims (pyenv)
// are not paid for at every cold start.
func (s *Service) pythonPath() (string, error) {
	s.interpMu.Lock()
	defer s.interpMu.Unlock()
	if s.python != "" {
		return s.python, nil
	}
	p, err := exec.LookPath(s.cfg.Python)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, p, "-c", "import sys; sys.stdout.write(sys.executable)").Output()
	if exe := strings.TrimSpace(string(out)); err == nil && exe != "" {
		if st, err := os.Stat(exe); err == nil && !st.IsDir() {
			p = exe
		}
	}
	s.python = p
	return p, nil
}

// trusted is what the service's TrustCA set, nil before (or without a
// service, in tests).
func (fn *function) trusted() *trustedCA {
	if fn.s == nil {
		return nil
	}
	return fn.s.trust.Load()
}
