package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPprofHandler: up --pprof serves the profiles go tool pprof and go
// tool trace fetch, at net/http/pprof's paths.
func TestPprofHandler(t *testing.T) {
	srv := httptest.NewServer(pprofHandler())
	defer srv.Close()
	get := func(path string) (int, string, []byte) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), b
	}
	gzipped := func(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }

	code, _, b := get("/debug/pprof/")
	if code != 200 || !strings.Contains(string(b), "/debug/pprof/heap") || !strings.Contains(string(b), "/debug/pprof/goroutine") {
		t.Errorf("index: %d %q", code, b)
	}
	// Profiles in pprof's (gzipped protobuf) format, and as text.
	for _, p := range []string{"heap", "goroutine", "allocs", "threadcreate", "block", "mutex"} {
		if code, ct, b := get("/debug/pprof/" + p); code != 200 || ct != "application/octet-stream" || !gzipped(b) {
			t.Errorf("%s: %d %s, gzipped %v", p, code, ct, gzipped(b))
		}
	}
	if code, ct, b := get("/debug/pprof/goroutine?debug=2"); code != 200 || !strings.HasPrefix(ct, "text/plain") || !strings.Contains(string(b), "goroutine ") {
		t.Errorf("goroutine?debug=2: %d %s %.200q", code, ct, b)
	}
	if code, _, b := get("/debug/pprof/heap?debug=1&gc=1"); code != 200 || !strings.Contains(string(b), "heap profile") {
		t.Errorf("heap?debug=1: %d %.200q", code, b)
	}
	if code, _, b := get("/debug/pprof/profile?seconds=1"); code != 200 || !gzipped(b) {
		t.Errorf("profile: %d, gzipped %v", code, gzipped(b))
	}
	if code, _, b := get("/debug/pprof/trace?seconds=1"); code != 200 || !bytes.HasPrefix(b, []byte("go 1.")) {
		t.Errorf("trace: %d %.20q", code, b)
	}
	for path, want := range map[string]int{
		"/debug/pprof/nosuch":            404,
		"/debug/pprof/profile?seconds=x": 400,
		"/debug/pprof/trace?seconds=0":   400,
		"/debug/pprof/heap?seconds=5":    400,
	} {
		if code, _, b := get(path); code != want || len(b) == 0 {
			t.Errorf("%s: %d %q, want %d and a message", path, code, b, want)
		}
	}
}

// TestPprofRequested: main keeps the heap profile's sampling on exactly
// when up is asked to serve the profiles, in every spelling the flag
// package reads.
func TestPprofRequested(t *testing.T) {
	for args, want := range map[string]bool{
		"up --pprof 127.0.0.1:6060":          true,
		"up -pprof=127.0.0.1:6060 t.yaml":    true,
		"up --pprof=:6060":                   true,
		"up t.yaml":                          false,
		"validate pprof.yaml":                false,
		"up --pprofile x":                    false,
		"version":                            false,
		"up --addr :0 --pprof :0 --no-watch": true,
	} {
		if got := pprofRequested(strings.Fields(args)); got != want {
			t.Errorf("pprofRequested(%q) = %v, want %v", args, got, want)
		}
	}
}
