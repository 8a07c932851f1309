// Command benchbackend is the backend scripts/bench.sh puts behind cfnrun
// and Caddy: a small Go server speaking HTTP/1.1 and h2c (prior knowledge)
// that answers every request with a fixed JSON body, and paths ending in
// /stream with an endless body.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	startup := flag.String("startup", "", "instead of serving: run the command after --, poll this `URL` until it answers -status, print the milliseconds from exec to that answer")
	status := flag.Int("status", 200, "the status -startup waits for")
	ready := flag.String("ready", "", "with -startup: first poll this `URL` until it answers at all, then time one request to the -startup URL (which must answer -status), and print that time after the start-up time")
	timeout := flag.Duration("startup-timeout", 10*time.Second, "with -startup: give up after this long")
	method := flag.String("method", "GET", "with -startup: the request's `method`")
	header := flag.String("header", "", "with -startup: a request header, `Name:value`")
	usage := flag.Bool("usage", false, "with -startup: also print the command's CPU time (ms, all its threads) and minor page faults at the answer")
	exitToo := flag.Bool("exit", false, "with -startup -usage: then, 200 ms after the answer, send SIGINT and also print the wall and CPU ms from the signal to the command's exit")
	flag.Parse()
	if *startup != "" {
		os.Exit(measureStartup(probe{*startup, *method, *header}, *status, *ready, *timeout, *usage, *exitToo, flag.Args()))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	os.Stdout.Sync()
	body := []byte(`{"message":"hello from the backend"}`)
	chunk := bytes.Repeat([]byte("x"), 16<<10)
	s := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/stream") {
			// An endless response, for the slow-reader attacks
			// (scripts/attack.sh): it ends when the gateway cancels.
			w.Header().Set("Content-Type", "application/octet-stream")
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
			return
		}
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	})}
	s.Protocols = new(http.Protocols)
	s.Protocols.SetHTTP1(true)
	s.Protocols.SetUnencryptedHTTP2(true)
	s.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: 1000}
	if err := s.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// probe is the request -startup polls with.
type probe struct{ url, method, header string }

func (p probe) do(c *http.Client) (*http.Response, error) {
	req, err := http.NewRequest(p.method, p.url, nil)
	if err != nil {
		return nil, err
	}
	if k, v, ok := strings.Cut(p.header, ":"); ok {
		req.Header.Set(k, v)
	}
	return c.Do(req)
}

// usageOf is the CPU time of every thread of process pid so far (the
// first field of each /proc/PID/task/TID/schedstat, ns) and its minor
// page faults (/proc/PID/stat): read while the process runs, at the
// moment of the answer.
func usageOf(pid int) (cpuMs float64, faults int) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		if f := strings.Fields(string(b)); len(f) > 0 {
			ns, _ := strconv.ParseFloat(f[0], 64)
			cpuMs += ns / 1e6
		}
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if i := bytes.LastIndexByte(b, ')'); i >= 0 {
		if f := strings.Fields(string(b[i+1:])); len(f) > 8 {
			faults, _ = strconv.Atoi(f[7])
		}
	}
	return cpuMs, faults
}

// measureStartup runs args and reports how long until url answers status.
// With ready, it waits until ready answers anything first, then reports
// also how long the first request to url took (a cold start behind a
// server that is up). With usage, the command's CPU time and page faults
// at the answer follow the time; with exit too, the wall and CPU time
// from a SIGINT sent 200 ms after the answer to the command's exit.
func measureStartup(url probe, status int, ready string, timeout time.Duration, usage, exit bool, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "give the command after --")
		return 2
	}
	// One processor for the poller: it dials and requests every 0.5 ms,
	// and with a processor per core its goroutines (and the scheduler's
	// spinning threads) took a core from the command being timed on a
	// 2-core machine — starts of 12-23 ms read 35-120 ms one time in
	// three; with this, the command has the machine to itself.
	runtime.GOMAXPROCS(1)
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	cmd := exec.Command(args[0], args[1:]...)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	if ready != "" {
		for {
			if time.Since(start) > timeout {
				fmt.Fprintf(os.Stderr, "%s did not answer within %v\n", ready, timeout)
				return 1
			}
			resp, err := c.Get(ready)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				break
			}
			time.Sleep(500 * time.Microsecond)
		}
		first := time.Now()
		resp, err := url.do(&http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			fmt.Fprintf(os.Stderr, "%s answered %d\n", url.url, resp.StatusCode)
			return 1
		}
		fmt.Printf("%.1f %.1f\n", float64(time.Since(start).Microseconds())/1000, float64(time.Since(first).Microseconds())/1000)
		return 0
	}
	for time.Since(start) < timeout {
		resp, err := url.do(c)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == status {
				took := float64(time.Since(start).Microseconds()) / 1000
				if usage {
					cpu, faults := usageOf(cmd.Process.Pid)
					if !exit {
						fmt.Printf("%.1f %.1f %d\n", took, cpu, faults)
						return 0
					}
					time.Sleep(200 * time.Millisecond) // the banner printed, the checks done
					before, _ := usageOf(cmd.Process.Pid)
					sig := time.Now()
					cmd.Process.Signal(os.Interrupt)
					cmd.Wait()
					wall := float64(time.Since(sig).Microseconds()) / 1000
					all := float64(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()) / 1e6
					fmt.Printf("%.1f %.1f %d %.1f %.1f\n", took, cpu, faults, wall, all-before)
					return 0
				}
				fmt.Printf("%.1f\n", took)
				return 0
			}
		}
		time.Sleep(500 * time.Microsecond)
	}
	fmt.Fprintf(os.Stderr, "no %d within %v\n", status, timeout)
	return 1
}
