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
	flag.Parse()
	if *startup != "" {
		os.Exit(measureStartup(*startup, *status, flag.Args()))
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
func measureStartup(url string, status int, args []string) int {
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
	for time.Since(start) < 10*time.Second {
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
	fmt.Fprintf(os.Stderr, "no %d within 10s\n", status)
	return 1
}
