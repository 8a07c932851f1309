package lambda

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Limits and defaults Lambda documents, used where a Function leaves a field
// zero.
const (
	// DefaultTimeout is Lambda's default function timeout.
	DefaultTimeout = 3 * time.Second
	// MaxTimeout is the longest timeout Lambda accepts (900 s).
	MaxTimeout = 900 * time.Second
	// DefaultMemoryMB is Lambda's default memory size.
	DefaultMemoryMB = 128
	// MaxPayloadBytes bounds a synchronous invocation's request and
	// response (6 MB; Lambda's error messages quote 6291556 bytes for the
	// response, 6 MiB and 100 bytes of framing).
	MaxPayloadBytes = 6291556
	// MaxRequestBytes is the Invoke API's limit on a synchronous request.
	MaxRequestBytes = 6291456
	// MaxAsyncRequestBytes is the Invoke API's limit on an Event
	// (asynchronous) request.
	MaxAsyncRequestBytes = 1 << 20
	// MaxUnzippedBytes bounds a deployment package (or layer) once
	// extracted: Lambda's 250 MB for function and layers together.
	MaxUnzippedBytes = 262144000
	// InitTimeout bounds a new instance's init phase (Lambda's 10 s for
	// on-demand functions), or the function's Timeout when that is longer.
	InitTimeout = 10 * time.Second
)

// DefaultAccountID is the account in ARNs cfnrun makes up.
const DefaultAccountID = "123456789012"

// Function is one function as the Service runs it. The zero values of the
// optional fields take Lambda's defaults.
type Function struct {
	// Name is the function name (required). It is the key Invoke looks
	// functions up by, with ARN.
	Name string
	// ARN is the unqualified function ARN. Default:
	// arn:aws:lambda:{region}:123456789012:function:{Name}.
	ARN string
	// Runtime is Lambda's runtime identifier: nodejs20.x, python3.12,
	// provided.al2023, go1.x, ... Required unless Command or InvokeURL is
	// set.
	Runtime string
	// Handler is the function's handler ("index.handler",
	// "pkg/app.lambda_handler"; the executable for go1.x). provided*
	// runtimes receive it as _HANDLER.
	Handler string

	// Code: exactly one of CodeDir, CodeZip or Inline (or none with
	// Command or InvokeURL).
	//
	// CodeDir is a directory holding the code, used in place; it is
	// watched for changes.
	CodeDir string
	// CodeZip is a deployment package (zip), extracted once into the
	// cache directory under its content hash.
	CodeZip string
	// Inline is code given in the template (CloudFormation Code.ZipFile,
	// SAM InlineCode): file name → content, written into the cache
	// directory.
	Inline map[string][]byte

	// Layers are the function's layers in the order Lambda applies them
	// (later layers win): directories or zip files laid out as Lambda
	// extracts them into /opt (nodejs/node_modules, python, bin, lib).
	Layers []string
	// Environment is the function's Environment.Variables.
	Environment map[string]string
	// Timeout is the function's timeout. Default DefaultTimeout.
	Timeout time.Duration
	// MemoryMB is the function's memory size, reported to the function and
	// in REPORT lines (not enforced locally). Default DefaultMemoryMB.
	MemoryMB int
	// ReservedConcurrency, when not nil, is the function's
	// ReservedConcurrentExecutions: at most that many instances run at
	// once (lower than Config.Concurrency wins), and 0 throttles every
	// invocation as Lambda does.
	ReservedConcurrency *int
	// Command, when set, is run as the function's process instead of the
	// runtime's (`--lambda NAME=COMMAND`), with the Runtime API
	// environment; its working directory is the code directory when there
	// is one.
	Command []string
	// InvokeURL, when set, sends every invocation to a server speaking the
	// Lambda Invoke API (`--lambda NAME=URL`): either its endpoint
	// ("http://127.0.0.1:3001", the function name is appended) or a full
	// invocations URL ("http://localhost:9000/2015-03-31/functions/function/invocations").
	InvokeURL string
	// Region is the function's region. Default Config.Region.
	Region string
	// Build, when set, says that CodeDir holds source to build before it
	// runs, as `sam build` would: BuildGo builds the Go package in CodeDir
	// into a bootstrap executable (cached by the source's content hash,
	// rebuilt when it changes). Default "": the code runs as it is.
	Build string
}

// Build methods (Function.Build).
const (
	// BuildGo is SAM's Metadata BuildMethod go1.x: `go build` of the
	// package in CodeDir into LAMBDA_TASK_ROOT/bootstrap, for provided*
	// and go1.x runtimes.
	BuildGo = "go1.x"
)

// equal reports whether two functions run the same way, so that Load can
// keep the warm instances of an unchanged function.
func (f *Function) equal(g *Function) bool {
	if f.Name != g.Name || f.ARN != g.ARN || f.Runtime != g.Runtime || f.Handler != g.Handler ||
		f.CodeDir != g.CodeDir || f.CodeZip != g.CodeZip || f.Timeout != g.Timeout ||
		f.MemoryMB != g.MemoryMB || f.InvokeURL != g.InvokeURL || f.Region != g.Region || f.Build != g.Build {
		return false
	}
	if (f.ReservedConcurrency == nil) != (g.ReservedConcurrency == nil) ||
		f.ReservedConcurrency != nil && *f.ReservedConcurrency != *g.ReservedConcurrency {
		return false
	}
	if !slices.Equal(f.Layers, g.Layers) || !slices.Equal(f.Command, g.Command) ||
		!maps.Equal(f.Environment, g.Environment) {
		return false
	}
	return maps.EqualFunc(f.Inline, g.Inline, func(a, b []byte) bool { return string(a) == string(b) })
}

// runtimeKind says how an instance of a runtime is started.
type runtimeKind int

const (
	kindUnknown   runtimeKind = iota
	kindNode                  // cfnrun's node bootstrap under `node`
	kindPython                // cfnrun's python bootstrap under `python3`
	kindProvided              // the code's (or a layer's) bootstrap executable
	kindGo1x                  // the handler executable
	kindNotServed             // a runtime Lambda has but cfnrun does not run
)

// classify maps a Lambda runtime identifier to how cfnrun runs it.
func classify(runtime string) runtimeKind {
	r := strings.ToLower(runtime)
	switch {
	case strings.HasPrefix(r, "nodejs"):
		return kindNode
	case strings.HasPrefix(r, "python3"):
		return kindPython
	case r == "provided" || strings.HasPrefix(r, "provided."):
		return kindProvided
	case r == "go1.x":
		return kindGo1x
	case strings.HasPrefix(r, "java"), strings.HasPrefix(r, "dotnet"), strings.HasPrefix(r, "ruby"),
		strings.HasPrefix(r, "python2"), strings.HasPrefix(r, "go"):
		return kindNotServed
	}
	return kindUnknown
}

// Served reports whether cfnrun can run a function of this runtime itself
// (nodejs*, python3*, provided*, go1.x). Functions of other runtimes need
// Command or InvokeURL.
func Served(runtime string) bool {
	switch classify(runtime) {
	case kindNode, kindPython, kindProvided, kindGo1x:
		return true
	}
	return false
}

// arn returns the function's ARN, made up from the region and name when the
// function has none.
func (f *Function) arn(region string) string {
	if f.ARN != "" {
		return f.ARN
	}
	return "arn:aws:lambda:" + region + ":" + DefaultAccountID + ":function:" + f.Name
}
