package runtime

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// gatewayGoroutines counts the goroutines waiting in a Lambda proxy
// request's invocation (serveLambdaProxy calling Gateway.invoke: the
// path of requests that are not detached).
func gatewayGoroutines() int {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 2)
	n := 0
	for _, g := range strings.Split(b.String(), "\n\n") {
		if strings.Contains(g, "serveLambdaProxy") && strings.Contains(g, "runtime.(*Gateway).invoke(") {
			n++
		}
	}
	return n
}

// TestLambdaDetached: AWS_PROXY requests over HTTP/2 without a body are
// answered by whichever goroutine learns the outcome, with no goroutine of
// the gateway's per request while they are queued or run; each answer
// reaches its own stream, through the queue, a reload that replaces the
// function (its queued invocations run on the new version) and clients
// that give up.
func TestLambdaDetached(t *testing.T) {
	needNode(t)
	const code = `exports.handler = async (event) => {
  const ms = Number(event.queryStringParameters && event.queryStringParameters.ms || 0);
  if (ms) await new Promise((r) => setTimeout(r, ms));
  return { statusCode: 200, body: process.env.V + " " + event.headers["x-req"] };
};`
	two := 2
	version := func(v string) *model.Template {
		b := newTB("lambdadetach", stage("prod", nil))
		b.method("/r", "GET", lambdaProxy("fn"))
		b.t.Functions = []*model.Function{{Name: "fn", ARN: fnARN("fn"), Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 30,
			ReservedConcurrency: &two,
			Environment:         map[string]string{"V": v}, Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: code}}}}}
		return b.build()
	}
	r, _ := lambdaGateway(t, version("one"), nil)
	c := slowClient(t)
	url := "http://" + r.http + "/prod/r"
	if res := do(t, c, "GET", url, nil, "X-Req", "warm"); res.status != 200 || res.body != "one warm" {
		t.Fatalf("got %d %q", res.status, res.body)
	}

	// run sends n requests at once on one connection, each waiting ms in
	// the handler, and checks that each answer is its own.
	run := func(t *testing.T, n, ms int, during func(), want ...string) {
		var wg sync.WaitGroup
		errs := make(chan string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprint("q", i)
				res := do(t, c, "GET", fmt.Sprint(url, "?ms=", ms), nil, "X-Req", id)
				v, got, _ := strings.Cut(res.body, " ")
				if res.status != 200 || got != id || !contains(want, v) {
					errs <- fmt.Sprintf("request %s: got %d %q, want 200 and its own id from version %v", id, res.status, res.body, want)
				}
			}()
		}
		if during != nil {
			during()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}

	t.Run("queued and running, no goroutine per request", func(t *testing.T) {
		// Two instances at most for 24 requests of 150 ms: most wait in
		// the queue for a while.
		most := 0
		run(t, 24, 150, func() {
			for end := time.Now().Add(900 * time.Millisecond); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
				most = max(most, gatewayGoroutines())
			}
		}, "one")
		if most != 0 {
			t.Errorf("%d goroutines waited in serveLambdaProxy at once; want none (requests detached)", most)
		}
	})
	t.Run("many quick ones", func(t *testing.T) {
		run(t, 200, 0, nil, "one")
	})
	t.Run("reload while queued", func(t *testing.T) {
		// Queued invocations of the replaced function run on the new
		// one (no 5xx); running ones finish on the old.
		run(t, 16, 100, func() {
			time.Sleep(150 * time.Millisecond)
			if _, err := r.g.Load(version("two")); err != nil {
				t.Error(err)
			}
		}, "one", "two")
	})
	t.Run("clients that give up", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, "GET", url+"?ms=300", nil)
				req.Header.Set("X-Req", fmt.Sprint("gone", i))
				if res, err := c.Do(req); err == nil {
					res.Body.Close()
					t.Errorf("request %d answered %d before the client gave up", i, res.StatusCode)
				}
			}()
		}
		wg.Wait()
		// The gateway goes on serving (the abandoned invocations run
		// to their end, as on Lambda; their access log lines are Debug,
		// as for any stream the client reset).
		run(t, 4, 0, nil, "one", "two")
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
