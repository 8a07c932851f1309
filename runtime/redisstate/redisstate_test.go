package redisstate

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
)

// testTimeout bounds each Redis command in these tests. A command that
// times out fails open (or closed), which changes the counts the tests
// check: with -race on a loaded machine, a second was not always enough.
const testTimeout = 30 * time.Second

// startRedis runs a real redis-server on a free loopback port. The port
// is free when the test's listener closes, but another process's
// connection may take it before redis-server binds it (go test runs
// packages side by side): redis-server then exits at once, and another
// port is tried.
func startRedis(t testing.TB) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	for try := 1; ; try++ {
		addr, stop, exited := tryRedis(t, bin)
		if !exited {
			return addr, stop
		}
		if try == 5 {
			t.Fatalf("redis-server exited before answering, %d times (ports taken?)", try)
		}
	}
}

// tryRedis starts redis-server on a port free a moment ago; exited: it
// ended before answering.
func tryRedis(t testing.TB, bin string) (addr string, stop func(), exited bool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		cmd.Process.Kill()
		<-done
	}
	c, _ := New("redis://"+addr, Options{Timeout: testTimeout})
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for c.Ping(context.Background()) != nil {
		if time.Now().After(deadline) {
			stop()
			t.Fatal("redis-server did not answer")
		}
		select {
		case <-done:
			return "", nil, true
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Cleanup(stop)
	return addr, stop, false
}

func template() *model.Template {
	root := &model.Resource{ID: "rootid0000", Path: "/"}
	res := &model.Resource{LogicalID: "R", ID: "r00001", PathPart: "q", Path: "/q", Parent: root}
	root.Children = []*model.Resource{res}
	res.Methods = []*model.Method{{LogicalID: "M", HTTPMethod: "GET", APIKeyRequired: true, Integration: &model.Integration{
		Type: model.IntegrationMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200"}}}}}
	api := &model.RestAPI{LogicalID: "Api", ID: "sharedapi0", Name: "shared", Root: root, Resources: []*model.Resource{root, res},
		MinimumCompressionSize: -1, Stages: []*model.Stage{{LogicalID: "S", Name: "prod"}}}
	t := &model.Template{APIs: []*model.RestAPI{api}}
	t.APIKeys = []*model.APIKey{{LogicalID: "K", ID: "sharedkey1", Name: "k", Value: "shared-key-0123456789", Enabled: true}}
	t.UsagePlans = []*model.UsagePlan{{LogicalID: "P", ID: "plan01", Name: "p",
		Stages: []model.UsagePlanStage{{APIID: api.ID, Stage: "prod"}},
		Quota:  &model.Quota{Limit: 5, Period: model.QuotaDay},
		Keys:   []model.UsagePlanKey{{KeyID: "sharedkey1", KeyType: "API_KEY"}}}}
	t.Finalize()
	return t
}

func gateway(t *testing.T, addr, prefix string) *httptest.Server {
	return gatewayFor(t, addr, prefix, template())
}

func gatewayFor(t *testing.T, addr, prefix string, tpl *model.Template) *httptest.Server {
	c, err := New("redis://"+addr, Options{Timeout: testTimeout, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	g, err := runtime.New(runtime.Config{Counters: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Load(tpl); err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(g.Handler())
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, s *httptest.Server) int {
	req, _ := http.NewRequest("GET", s.URL+"/prod/q", nil)
	req.Header.Set("X-Api-Key", "shared-key-0123456789")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestTwoGatewaysShareAQuota: two gateways on one Redis admit the quota
// (5) together, exactly; with Redis gone both keep serving (fail open).
func TestTwoGatewaysShareAQuota(t *testing.T) {
	addr, stop := startRedis(t)
	prefix := fmt.Sprintf("test%d:", time.Now().UnixNano())
	a, b := gateway(t, addr, prefix), gateway(t, addr, prefix)
	counts := map[int]int{}
	for i := range 8 {
		s := a
		if i%2 == 1 {
			s = b
		}
		counts[get(t, s)]++
	}
	if counts[200] != 5 || counts[429] != 3 {
		t.Errorf("8 requests across two gateways with a quota of 5: %v, want 5×200 and 3×429", counts)
	}
	stop()
	for _, s := range []*httptest.Server{a, b} {
		if st := get(t, s); st != 200 {
			t.Errorf("Redis down: %d, want 200 (fail open)", st)
		}
	}
}

func TestBucketInRedis(t *testing.T) {
	addr, _ := startRedis(t)
	c, _ := New("redis://"+addr, Options{Timeout: testTimeout, Prefix: fmt.Sprintf("b%d:", time.Now().UnixNano())})
	defer c.Close()
	b := c.Bucket("x", 2, 3)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var got []bool
	for range 4 {
		got = append(got, b.Take(t0))
	}
	got = append(got, b.Take(t0.Add(499*time.Millisecond)), b.Take(t0.Add(500*time.Millisecond)))
	if fmt.Sprint(got) != "[true true true false false true]" {
		t.Errorf("rate 2 burst 3: %v", got)
	}
}

func TestFailClosed(t *testing.T) {
	c, err := New("redis://127.0.0.1:1", Options{FailClosed: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Bucket("x", 10, 10).Take(time.Now()) {
		t.Error("fail closed admitted a request")
	}
	open, _ := New("redis://127.0.0.1:1", Options{Timeout: 200 * time.Millisecond})
	defer open.Close()
	if !open.Quota("q", 1, model.QuotaDay, 0).Take(time.Now()) {
		t.Error("fail open refused a request")
	}
	if _, err := New("http://nope", Options{}); err == nil || !strings.Contains(err.Error(), "redis") {
		t.Errorf("bad URL: %v", err)
	}
}
