package runtime

import (
	"context"
	"math"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// BenchmarkMockAPIKeyThrottle is BenchmarkMock with an API key, a usage
// plan throttle and quota, a stage method throttle and the account limit
// on the route: the cost of access control on the hot path.
func BenchmarkMockAPIKeyThrottle(b *testing.B) {
	t := newTB("benchmock0", stage("prod", nil))
	m := t.method("/mock", "GET", &model.Integration{
		Type:             model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{
			StatusCode:         "200",
			ResponseParameters: map[string]string{"method.response.header.Access-Control-Allow-Origin": "'*'"},
			ResponseTemplates:  map[string]string{"application/json": `{"message":"hello from the mock"}`},
		}},
	})
	g := keyThrottleGateway(b, t, m)
	req, _ := http.NewRequest("GET", "http://127.0.0.1/prod/mock", nil)
	runKeyed(b, g, req)
}

// BenchmarkProxyAPIKeyThrottle is BenchmarkProxyH2C with the limits of
// BenchmarkMockAPIKeyThrottle.
func BenchmarkProxyAPIKeyThrottle(b *testing.B) {
	addr := benchBackend(b)
	t := newTB("benchproxy", stage("prod", nil))
	m := t.method("/p/{id}", "GET", proxyTo("http://"+addr+"/hello/{id}", true))
	g := keyThrottleGateway(b, t, m)
	req, _ := http.NewRequestWithContext(context.Background(), "GET", "http://127.0.0.1/prod/p/42?q=1", nil)
	runKeyed(b, g, req)
}

// keyThrottleGateway requires an API key on m, in a usage plan with a
// throttle and a MONTH quota, throttles every method of the stage, and
// serves t with the account limit on.
func keyThrottleGateway(b *testing.B, t *tb, m *model.Method) *Gateway {
	m.APIKeyRequired = true
	t.api.Stages[0].MethodSettings = []model.MethodSetting{{ResourcePath: "/*", HTTPMethod: "*", ThrottlingRateLimit: 1e9, ThrottlingBurstLimit: 1e6}}
	t.t.APIKeys = []*model.APIKey{{ID: "benchkey01", Name: "bench", Value: "bench-key-0123456789abcdef", Enabled: true}}
	t.t.UsagePlans = []*model.UsagePlan{{ID: "plan01", Name: "bench",
		Stages:   []model.UsagePlanStage{{APIID: t.api.ID, Stage: "prod"}},
		Throttle: &model.Throttle{RateLimit: 1e9, BurstLimit: 1e6},
		Quota:    &model.Quota{Limit: 2e9, Period: model.QuotaMonth},
		Keys:     []model.UsagePlanKey{{KeyID: "benchkey01", KeyType: "API_KEY"}}}}
	// The account limit is raised so that the benchmark's own rate is
	// not refused: every bucket is still taken.
	return benchGatewayWith(b, t.build(), Config{AccountRateLimit: 1e12, AccountBurstLimit: 1 << 30})
}

func runKeyed(b *testing.B, g *Gateway, req *http.Request) {
	req.RemoteAddr = "127.0.0.1:5555"
	req.Header.Set("X-Api-Key", "bench-key-0123456789abcdef")
	w := &benchWriter{h: http.Header{}}
	h := g.Handler()
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
		if w.status != 200 {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkLimiterTake is one bucket shared by every goroutine: the
// compare-and-swap under contention.
func BenchmarkLimiterTake(b *testing.B) {
	l := newMemBucket(1e12, 1<<30)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !l.Take(time.Now()) {
				b.Fatal("refused")
			}
		}
	})
}

func BenchmarkQuotaTake(b *testing.B) {
	var m MemoryCounters
	q := m.Quota("q", math.MaxInt32, model.QuotaMonth, 3)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if !q.Take(now) {
			b.Fatal("refused")
		}
	}
}

// BenchmarkAccessRatio serves the plain route and the same route with an
// API key and throttles (keyThrottleGateway) in alternating runs of 50
// requests, and reports the median ns per request of each one's runs and
// the keyed route's throughput as a percentage of the plain one's (issue
// 11 asks for at least 90), each run first in every other pair. Medians of short interleaved runs keep the
// other processes of a loaded machine out of the ratio (a run that was
// preempted is an outlier); the "aa" case, the plain route against
// itself, shows how close to 100 the method gets.
func BenchmarkAccessRatio(b *testing.B) {
	mockInt := func() *model.Integration {
		return &model.Integration{
			Type:             model.IntegrationMock,
			RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses: []model.IntegrationResponse{{
				StatusCode:         "200",
				ResponseParameters: map[string]string{"method.response.header.Access-Control-Allow-Origin": "'*'"},
				ResponseTemplates:  map[string]string{"application/json": `{"message":"hello from the mock"}`},
			}},
		}
	}
	b.Run("mock", func(b *testing.B) {
		plain := newTB("benchmock0", stage("prod", nil))
		plain.method("/mock", "GET", mockInt())
		keyed := newTB("benchmock0", stage("prod", nil))
		m := keyed.method("/mock", "GET", mockInt())
		runRatio(b, benchGateway(b, plain.build()), keyThrottleGateway(b, keyed, m), "http://127.0.0.1/prod/mock")
	})
	b.Run("aa", func(b *testing.B) {
		plain := newTB("benchmock0", stage("prod", nil))
		plain.method("/mock", "GET", mockInt())
		keyed := newTB("benchmock0", stage("prod", nil))
		keyed.method("/mock", "GET", mockInt())
		runRatio(b, benchGateway(b, plain.build()), benchGateway(b, keyed.build()), "http://127.0.0.1/prod/mock")
	})
	b.Run("proxy", func(b *testing.B) {
		addr := benchBackend(b)
		plain := newTB("benchproxy", stage("prod", nil))
		plain.method("/p/{id}", "GET", proxyTo("http://"+addr+"/hello/{id}", true))
		keyed := newTB("benchproxy", stage("prod", nil))
		m := keyed.method("/p/{id}", "GET", proxyTo("http://"+addr+"/hello/{id}", true))
		runRatio(b, benchGateway(b, plain.build()), keyThrottleGateway(b, keyed, m), "http://127.0.0.1/prod/p/42?q=1")
	})
}

func runRatio(b *testing.B, plain, keyed *Gateway, url string) {
	const run = 50
	pr, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	pr.RemoteAddr = "127.0.0.1:5555"
	kr := pr.Clone(context.Background())
	kr.Header.Set("X-Api-Key", "bench-key-0123456789abcdef")
	w := &benchWriter{h: http.Header{}}
	ph, kh := plain.Handler(), keyed.Handler()
	serve := func(h http.Handler, r *http.Request, n int) time.Duration {
		t0 := time.Now()
		for range n {
			w.reset()
			h.ServeHTTP(w, r)
			if w.status != 200 {
				b.Fatalf("status %d", w.status)
			}
		}
		return time.Since(t0)
	}
	pd := make([]time.Duration, 0, b.N/run+1)
	kd := make([]time.Duration, 0, b.N/run+1)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += run {
		n := min(run, b.N-done)
		if n < run {
			serve(ph, pr, n)
			serve(kh, kr, n)
			continue
		}
		// Alternate which goes first: the second of a pair runs a little
		// slower (caches), which would bias the ratio.
		if len(pd)%2 == 0 {
			pd = append(pd, serve(ph, pr, n))
			kd = append(kd, serve(kh, kr, n))
		} else {
			kd = append(kd, serve(kh, kr, n))
			pd = append(pd, serve(ph, pr, n))
		}
	}
	b.StopTimer()
	if len(pd) == 0 {
		return
	}
	slices.Sort(pd)
	slices.Sort(kd)
	p, k := pd[len(pd)/2], kd[len(kd)/2]
	b.ReportMetric(float64(p.Nanoseconds())/run, "plain-ns/req")
	b.ReportMetric(float64(k.Nanoseconds())/run, "keyed-ns/req")
	b.ReportMetric(100*float64(p)/float64(k), "keyed-%-of-plain")
}
