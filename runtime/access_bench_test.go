package runtime

import (
	"net/http"
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
	g := benchGatewayWith(b, t.build(), Config{AccountRateLimit: 1e12, AccountBurstLimit: 1 << 30})
	req, _ := http.NewRequest("GET", "http://127.0.0.1/prod/mock", nil)
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
	q := m.Quota("q", 1<<31, model.QuotaMonth, 3)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if !q.Take(now) {
			b.Fatal("refused")
		}
	}
}
