# cfnrun — see README.md. Every target works on a fresh machine with Go.
GO        ?= go
PKGS      ?= ./...
BIN       ?= bin/cfnrun
FUZZTIME  ?= 20s
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
STATICCHECK_VERSION ?= v0.8.2

.PHONY: all build run test check fmt vet lint fuzz bench bench-go bench-lambda attack golden clean

all: build

# build: a static, stripped binary, as the Dockerfile builds it. Without cgo
# (no dynamic loader, no libc) and without the symbol table and DWARF, a
# command starts with fewer page faults: `cfnrun version` 0.82x the CPU time
# of a plain `go build` (docs/performance.md, "Process start-up"). Build with
# plain `go build` for perf's symbols; pprof needs none of them.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN) ./cmd/cfnrun

# run: serve the embedded default (the article's template with a demo backend).
run: build
	./$(BIN) up

test:
	$(GO) test -race -count=1 -timeout 30m $(PKGS)
	cd internal/fork/textseg15 && $(GO) test -count=1 ./...
	cd internal/fork/yaml && $(GO) test -count=1 ./...
	cd internal/fork/cty && $(GO) test -count=1 ./...
	cd internal/fork/hcl && $(GO) test -count=1 ./...
	cd internal/fork/regexp2 && $(GO) test -count=1 -skip '^(TestDeadline|TestStopTimeoutClock|TestIncorrectDeadline|TestIncorrectTimeoutError)$$' ./...

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# Every staticcheck check is on. Files that use golang.org/x/net/http2's
# Server or Transport on purpose (deprecated in favour of net/http's own
# HTTP/2, but the stock engine is kept for comparison) say so with
# //lint:file-ignore SA1019 and a reason.
lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) -checks all $(PKGS)

check: fmt vet lint test

# fuzz: each fuzz target for FUZZTIME.
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1s $$pkg; \
	  done; \
	done

# bench-go: the in-process Go benchmarks.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# bench: Go benchmarks, then h2load against cfnrun and Caddy side by side.
bench: bench-go
	@if [ -x scripts/bench.sh ]; then scripts/bench.sh; else echo "scripts/bench.sh not present"; fi

# attack: hostile HTTP/2 and HTTP/1.1 clients against cfnrun and HAProxy on
# loopback (scripts/attack.sh; figures in docs/performance.md, "Hostile clients").
attack:
	scripts/attack.sh

# bench-lambda: cfnrun up against serverless-offline (installed from npm into
# ~/.cache/cfnrun-tools) serving the same Node.js handler, under h2load.
bench-lambda:
	scripts/bench-lambda.sh

# golden: rewrite golden files under testdata/.
golden:
	$(GO) test $(PKGS) -run . -update

clean:
	rm -rf bin
