package main

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"time"
)

// pprofHandler serves up --pprof: Go's profiles at the paths
// net/http/pprof uses, for `go tool pprof http://ADDR/debug/pprof/profile`,
// .../heap, .../goroutine?debug=2 and `go tool trace` of .../trace. It is
// written against runtime/pprof instead of importing net/http/pprof,
// whose package init (handlers registered on http.DefaultServeMux) every
// command would pay at start for a flag that is rarely given.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/profile", recording("profile", 30, "the CPU profile", pprof.StartCPUProfile, pprof.StopCPUProfile))
	mux.HandleFunc("/debug/pprof/trace", recording("trace", 1, "the execution trace", trace.Start, trace.Stop))
	mux.HandleFunc("/debug/pprof/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/debug/pprof/")
		if name == "" {
			pprofIndex(w)
			return
		}
		p := pprof.Lookup(name)
		if p == nil {
			profileError(w, http.StatusNotFound, fmt.Sprintf("unknown profile %q; /debug/pprof/ lists them", name))
			return
		}
		if r.FormValue("seconds") != "" {
			profileError(w, http.StatusBadRequest, "delta profiles (seconds=) are served for profile and trace only")
			return
		}
		debug, _ := strconv.Atoi(r.FormValue("debug"))
		if name == "heap" && r.FormValue("gc") != "" {
			runtime.GC()
		}
		if debug != 0 {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		}
		_ = p.WriteTo(w, debug)
	})
	return mux
}

// profileSeconds reads ?seconds= (def when absent).
func profileSeconds(w http.ResponseWriter, r *http.Request, def int) (time.Duration, bool) {
	s := def
	if v := r.FormValue("seconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			profileError(w, http.StatusBadRequest, fmt.Sprintf("seconds=%q: want a positive whole number", v))
			return 0, false
		}
		s = n
	}
	return time.Duration(s) * time.Second, true
}

// sleepCtx waits d, or until the client goes away.
func sleepCtx(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func profileError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Go-Pprof", "1")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

// pprofIndex lists the profiles, in text.
func pprofIndex(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ps := pprof.Profiles()
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name() < ps[j].Name() })
	fmt.Fprintln(w, "Profiles (append ?debug=1 for text, ?debug=2 for goroutine stacks):")
	for _, p := range ps {
		fmt.Fprintf(w, "  /debug/pprof/%-13s %d\n", p.Name(), p.Count())
	}
	fmt.Fprintln(w, "  /debug/pprof/profile       CPU profile, ?seconds=30 by default")
	fmt.Fprintln(w, "  /debug/pprof/trace         execution trace, ?seconds=1 by default")
}

// recording serves a profile recorded over ?seconds= (def when absent):
// start writes it to the response until stop; what names it in errors.
func recording(file string, def int, what string, start func(io.Writer) error, stop func()) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := profileSeconds(w, r, def)
		if !ok {
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
		if err := start(w); err != nil {
			profileError(w, http.StatusInternalServerError, "could not start "+what+": "+err.Error())
			return
		}
		sleepCtx(r, d)
		stop()
	}
}

// pprofRequested reports whether args have up's --pprof flag (in any of
// the flag package's spellings), so main keeps the heap profile's sampling
// on for it.
func pprofRequested(args []string) bool {
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "pprof" && strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}
