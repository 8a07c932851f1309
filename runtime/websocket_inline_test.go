package runtime

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/coder/websocket"
)

// TestWebSocketConnectionsNotInline: the @connections API over HTTP/2
// runs on a handler goroutine, never on the connection's reader: a DELETE
// without a body waits for the client's close frame (up to 5 s), and the
// other streams of its HTTP/2 connection must not wait with it.
func TestWebSocketConnectionsNotInline(t *testing.T) {
	connect := &model.Method{LogicalID: "Connect", RouteKey: "$connect", AuthorizationType: "NONE",
		Integration: &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`}}}
	api := &model.WebSocketAPI{LogicalID: "Api", ID: "inlineapi1", Name: "inline", RouteSelectionExpression: "$request.body.op",
		Routes: []*model.Method{connect}, TwoWay: map[*model.Method]bool{}, Stages: []*model.Stage{{LogicalID: "S", Name: "s"}}}
	tpl := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{api}}
	tpl.Finalize()
	r := start(t, tpl, nil)
	// Run on the reader, the DELETE holds the other request ~4.8 s every
	// time; on a handler goroutine, only a starved machine makes it that
	// slow, and not three times in a row.
	var took time.Duration
	for attempt := 0; attempt < 3; attempt++ {
		took = inlineAttempt(t, r)
		if took <= 4*time.Second {
			return
		}
		t.Logf("attempt %d: the request beside the DELETE took %v", attempt+1, took)
	}
	t.Errorf("a request beside a DELETE on the same HTTP/2 connection took %v three times: the DELETE ran on the connection's reader", took)
}

// inlineAttempt opens a WebSocket connection, DELETEs it over HTTP/2 with
// a client that never answers the close frame, and returns how long
// another request on the same HTTP/2 connection took meanwhile.
func inlineAttempt(t *testing.T, r *running) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A client that never reads: it does not answer the gateway's close
	// frame, so the DELETE's close waits its full time.
	ws, _, err := websocket.Dial(ctx, "ws://"+r.http+"/s", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	var id string
	for deadline := time.Now().Add(10 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		r.g.ws.mu.Lock()
		for k := range r.g.ws.conns {
			id = k
		}
		r.g.ws.mu.Unlock()
	}
	if id == "" {
		t.Fatal("no connection in the gateway's table")
	}
	c := h2cClient(t)
	url := "http://" + r.http + "/s/@connections/" + id
	if res := do(t, c, "GET", url, nil); res.status != 200 { // the HTTP/2 connection, open
		t.Fatalf("GET @connections: %d %s", res.status, res.body)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		req, _ := http.NewRequest("DELETE", url, nil)
		if res, err := c.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	time.Sleep(200 * time.Millisecond)
	began := time.Now()
	res := do(t, c, "GET", "http://"+r.http+"/s/@connections/unknown", nil)
	took := time.Since(began)
	ws.CloseNow() // the DELETE's close ends now
	wg.Wait()
	if res.status != http.StatusGone {
		t.Errorf("GET of an unknown connection: %d %s, want 410", res.status, res.body)
	}
	return took
}
