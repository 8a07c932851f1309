package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wsClientScript is a WebSocket client none of us wrote: Node's own
// (undici's WebSocket, behind --experimental-websocket on Node 20). It
// connects to argv[1], sends each message of argv[2] (a JSON list) after
// the previous answer, and prints one JSON line per event: the handshake
// (open, or error with the close code), each answer, the close.
const wsClientScript = `
const [url, msgs] = [process.argv[1], JSON.parse(process.argv[2])];
const ws = new WebSocket(url);
const out = (o) => console.log(JSON.stringify(o));
let i = 0;
const next = () => { if (i < msgs.length) ws.send(msgs[i++]); else ws.close(1000, 'done'); };
let opened = false;
ws.onopen = () => { opened = true; out({ event: 'open' }); next(); };
ws.onmessage = (e) => { out({ event: 'message', data: e.data }); next(); };
ws.onerror = () => { out({ event: 'error' }); if (!opened) process.exit(0); };
ws.onclose = (e) => { out({ event: 'close', code: e.code }); process.exit(0); };
setTimeout(() => { out({ event: 'timeout' }); process.exit(1); }, 30000);
`

type wsEvent struct {
	Event string `json:"event"`
	Data  string `json:"data"`
	Code  int    `json:"code"`
}

func nodeWS(t *testing.T, url string, msgs ...string) []wsEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	list, _ := json.Marshal(msgs)
	cmd := exec.CommandContext(ctx, "node", "--no-warnings", "--experimental-websocket", "-e", wsClientScript, url, string(list))
	cmd.Env = append(cmd.Environ(), "NODE_TLS_REJECT_UNAUTHORIZED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node client: %v\n%s", err, out)
	}
	var evs []wsEvent
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var e wsEvent
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("client output %q: %v", l, err)
		}
		evs = append(evs, e)
	}
	return evs
}

func TestUpWebSocketExample(t *testing.T) {
	if testing.Short() {
		t.Skip("starts functions")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	if err := exec.Command("node", "--experimental-websocket", "-e", "if (typeof WebSocket !== 'function') process.exit(1)").Run(); err != nil {
		t.Skip("this node has no WebSocket client")
	}
	for _, file := range []string{"template.yaml", "main.tf"} {
		t.Run(file, func(t *testing.T) {
			p := startUp(t, "--no-watch", filepath.Join(repoRoot, "examples", "websocket-echo", file))
			if out := p.output(); strings.Contains(out, "not served") || !strings.Contains(out, "WebSocket API websocket-echo") || !strings.Contains(out, "stage prod  ws://") {
				t.Fatalf("up:\n%s", out)
			}
			// $connect refuses a client without ?name: the handshake fails.
			if evs := nodeWS(t, "ws://"+p.http+"/prod"); len(evs) == 0 || evs[0].Event != "error" {
				t.Errorf("connect without a name: %+v", evs)
			}
			evs := nodeWS(t, "ws://"+p.http+"/prod?name=ann", `{"action":"echo","data":"hi"}`, `{"action":"whoami"}`, `{"action":"dance"}`)
			if len(evs) != 5 || evs[0].Event != "open" || evs[4].Event != "close" || evs[4].Code != 1000 {
				t.Fatalf("events: %+v\n%s", evs, p.output())
			}
			if evs[1].Data != `{"echo":"hi"}` {
				t.Errorf("echo: %q", evs[1].Data)
			}
			var who struct {
				ConnectionID, Stage, SourceIP string
				ConnectedAt                   int64
			}
			if json.Unmarshal([]byte(evs[2].Data), &who) != nil || who.ConnectionID == "" || who.Stage != "prod" || who.SourceIP != "127.0.0.1" || who.ConnectedAt == 0 {
				t.Errorf("whoami: %q", evs[2].Data)
			}
			if !strings.Contains(evs[3].Data, `"unknown action"`) {
				t.Errorf("$default: %q", evs[3].Data)
			}
			// wss:// on the TLS port (HTTP/1.1 by ALPN).
			if evs := nodeWS(t, "wss://"+p.https+"/prod?name=bo", `{"action":"echo","data":"secure"}`); len(evs) != 3 || evs[1].Data != `{"echo":"secure"}` {
				t.Errorf("wss: %+v", evs)
			}
			// $disconnect ran for the connections that closed.
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(p.log.String(), "disconnected "+who.ConnectionID+" 1000") {
				if time.Now().After(deadline) {
					t.Fatalf("no $disconnect for %s:\n%s", who.ConnectionID, p.log.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
