package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUpSharesStateInRedis: two `cfnrun up` with the same --state count
// one quota together (3 a day: of 6 requests alternating between them,
// 3 are admitted and 3 answer 429), against a real redis-server.
func TestUpSharesStateInRedis(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	srv := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("redis-server does not accept connections")
		}
		time.Sleep(50 * time.Millisecond)
	}

	src, err := os.ReadFile(filepath.Join("..", "..", "deploy", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// deploy/template.yaml with a quota of 3 a day.
	if strings.Count(string(src), "Limit: 1000") != 1 {
		t.Fatal("deploy/template.yaml has no quota of 1000 to lower")
	}
	tpl := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(tpl, []byte(strings.Replace(string(src), "Limit: 1000", "Limit: 3", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	state := "redis://" + addr + "/0"
	a := startUp(t, "--no-watch", "--state", state, tpl)
	b := startUp(t, "--no-watch", "--state", state, tpl)
	client := &http.Client{Timeout: 30 * time.Second}
	got := map[int]int{}
	for i := range 6 {
		p := a
		if i%2 == 1 {
			p = b
		}
		req, _ := http.NewRequestWithContext(context.Background(), "GET", "http://"+p.http+"/prod/orders", nil)
		req.Header.Set("X-Api-Key", "preview-key-0123456789abcdef")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got[resp.StatusCode]++
	}
	if got[200] != 3 || got[429] != 3 {
		t.Errorf("6 requests across two ups sharing a quota of 3: %v, want 3×200 and 3×429", got)
	}
}
