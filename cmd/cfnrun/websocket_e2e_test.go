package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// TestUpWebSocketMockExample runs examples/websocket-mock (both twins):
// API Gateway answers alone, through MOCK request templates picked by
// TemplateSelectionExpression and integration responses picked by status,
// and Node's WebSocket client gets what the response templates write.
func TestUpWebSocketMockExample(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	if err := exec.Command("node", "--experimental-websocket", "-e", "if (typeof WebSocket !== 'function') process.exit(1)").Run(); err != nil {
		t.Skip("this node has no WebSocket client")
	}
	for _, file := range []string{"template.yaml", "main.tf"} {
		t.Run(file, func(t *testing.T) {
			p := startUp(t, "--no-watch", filepath.Join(repoRoot, "examples", "websocket-mock", file))
			if out := p.output(); strings.Contains(out, "not served") || !strings.Contains(out, "WebSocket API websocket-mock") {
				t.Fatalf("up:\n%s", out)
			}
			// $connect's template refuses a client without ?name (403).
			if evs := nodeWS(t, "ws://"+p.http+"/prod"); len(evs) == 0 || evs[0].Event != "error" {
				t.Errorf("connect without a name: %+v", evs)
			}
			evs := nodeWS(t, "ws://"+p.http+"/prod?name=ann", `{"action":"ping"}`, `{"action":"lookup","id":1}`, `{"action":"lookup","id":2}`, `{"action":"dance"}`)
			if len(evs) != 6 || evs[0].Event != "open" || evs[5].Event != "close" {
				t.Fatalf("events: %+v\n%s", evs, p.output())
			}
			for i, want := range []string{`{"pong": "ping", "stage": "prod"}`, `{"id": 1, "name": "lamp"}`, `{"error": "no such item"}`,
				`{"error": "unknown action", "actions": ["ping", "lookup"]}`} {
				if evs[i+1].Data != want {
					t.Errorf("answer %d: %q, want %q", i+1, evs[i+1].Data, want)
				}
			}
		})
	}
}

// TestUpWebSocketLimitsExample runs examples/websocket-limits (both twins)
// and meters it with Node's WebSocket client: the authorizer maps the
// token to an API key, the free plan's quota of 5 a day counts $connect
// and each message (the fifth message gets API Gateway's "Limit
// Exceeded" message, the next handshake 429), the gold key is not
// limited by it, and the stage's access log has a line per event.
func TestUpWebSocketLimitsExample(t *testing.T) {
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
			logPath := filepath.Join(t.TempDir(), "access.log")
			p := startUp(t, "--no-watch", "--stage-log", logPath, filepath.Join(repoRoot, "examples", "websocket-limits", file))
			out := p.output()
			for _, want := range []string{"WebSocket API websocket-limits", "gold-key-0123456789abcdef", "free-key-0123456789abcdef",
				"usage plan free: quota 5 per day", "WebSocket API websocket-limits stage prod route echo: rate=5 burst=10"} {
				if !strings.Contains(out, want) {
					t.Fatalf("up's banner lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "not served") || strings.Contains(out, "does not") {
				t.Errorf("up reports something it does not do:\n%s", out)
			}
			url := "ws://" + p.http + "/prod"
			// No token: 401 before the authorizer runs; an unknown one: its policy denies.
			for _, q := range []string{"", "?token=nobody"} {
				if evs := nodeWS(t, url+q); len(evs) == 0 || evs[0].Event != "error" {
					t.Errorf("connect%s: %+v", q, evs)
				}
			}
			msgs := []string{`{"action":"echo","data":1}`, `{"action":"echo","data":2}`, `{"action":"echo","data":3}`, `{"action":"echo","data":4}`, `{"action":"echo","data":5}`}
			evs := nodeWS(t, url+"?token=free", msgs...)
			if len(evs) != 7 || evs[0].Event != "open" || evs[6].Event != "close" {
				t.Fatalf("free client: %+v\n%s", evs, p.output())
			}
			for i := 1; i <= 4; i++ {
				if want := `{"echo":` + strconv.Itoa(i) + `,"plan":"free"}`; evs[i].Data != want {
					t.Errorf("free message %d: %q, want %q", i, evs[i].Data, want)
				}
			}
			if !strings.HasPrefix(evs[5].Data, `{"message":"Limit Exceeded","connectionId":"`) {
				t.Errorf("free message 5, past the quota: %q", evs[5].Data)
			}
			if evs := nodeWS(t, url+"?token=free"); len(evs) == 0 || evs[0].Event != "error" {
				t.Errorf("a free client past its quota connected: %+v", evs)
			}
			if evs := nodeWS(t, url+"?token=gold", msgs...); len(evs) != 7 || evs[5].Data != `{"echo":5,"plan":"gold"}` {
				t.Errorf("gold client: %+v", evs)
			}
			// The access log: a line per event, JSON in the stage's Format.
			type line struct{ EventType, RouteKey, Status, Error, Principal string }
			var lines []line
			deadline := time.Now().Add(30 * time.Second)
			for {
				lines = lines[:0]
				b, _ := os.ReadFile(logPath)
				for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
					var x line
					if l != "" && json.Unmarshal([]byte(l), &x) == nil {
						lines = append(lines, x)
					}
				}
				// 5 handshakes (2 admitted; refused by the missing token, the
				// authorizer's policy, the quota), 10 messages, 2 disconnects.
				if len(lines) >= 17 || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			count := map[string]int{}
			for _, l := range lines {
				count[l.EventType+" "+l.Status+" "+l.Error+" "+l.Principal]++
			}
			want := map[string]int{
				"CONNECT 401 Unauthorized -": 1, "CONNECT 403 Forbidden -": 1,
				"CONNECT 200 - free-client": 1, "MESSAGE 200 - free-client": 4, "MESSAGE 429 Limit Exceeded free-client": 1,
				"DISCONNECT 200 - free-client": 1, "CONNECT 429 Limit Exceeded free-client": 1,
				"CONNECT 200 - gold-client": 1, "MESSAGE 200 - gold-client": 5, "DISCONNECT 200 - gold-client": 1,
			}
			if fmt.Sprint(count) != fmt.Sprint(want) {
				t.Errorf("access log events:\n got %v\nwant %v", count, want)
			}
		})
	}
}
