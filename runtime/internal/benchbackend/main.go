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
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	startup := flag.String("startup", "", "instead of serving: run the command after --, poll this `URL` until it answers -status, print the milliseconds from exec to that answer")
	status := flag.Int("status", 200, "the status -startup waits for")
	ready := flag.String("ready", "", "with -startup: first poll this `URL` until it answers at all, then time one request to the -startup URL (which must answer -status), and print that time after the start-up time")
	timeout := flag.Duration("startup-timeout", 10*time.Second, "with -startup: give up after this long")
	flag.Parse()
	if *startup != "" {
		os.Exit(measureStartup(*startup, *status, *ready, *timeout, flag.Args()))
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

// measureStartup runs args and reports how long until url answers status.
// With ready, it waits until ready answers anything first, then reports
// also how long the first request to url took (a cold start behind a
// server that is up).
func measureStartup(url string, status int, ready string, timeout time.Duration, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "give the command after --")
		return 2
	}
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
		resp, err := (&http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}).Get(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			fmt.Fprintf(os.Stderr, "%s answered %d\n", url, resp.StatusCode)
			return 1
		}
		fmt.Printf("%.1f %.1f\n", float64(time.Since(start).Microseconds())/1000, float64(time.Since(first).Microseconds())/1000)
		return 0
	}
	for time.Since(start) < timeout {
		resp, err := c.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == status {
				fmt.Printf("%.1f\n", float64(time.Since(start).Microseconds())/1000)
				return 0
			}
		}
		time.Sleep(500 * time.Microsecond)
	}
	fmt.Fprintf(os.Stderr, "no %d within %v\n", status, timeout)
	return 1
}
