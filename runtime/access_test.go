package runtime

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
)

// fakeClock is a Config.Now the test moves by hand.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

var mock200 = func() *model.Integration {
	return &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses:        []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `{"ok":true}`}}}}
}

// accessTemplate is an API with two stages, keyed methods, and a usage
// plan covering prod only.
func accessTemplate() *tb {
	b := newTB("accessapi0", stage("prod", nil), stage("dev", nil))
	b.method("/pets", "GET", mock200()).APIKeyRequired = true
	b.method("/pets", "POST", mock200()).APIKeyRequired = true
	b.method("/open", "GET", mock200())
	b.t.APIKeys = []*model.APIKey{
		{LogicalID: "Fixed", ID: "fixedkey01", Name: "fixed", Value: "fixed-key-value-0123456789", Enabled: true},
		{LogicalID: "Off", ID: "offkey0001", Name: "off", Value: "disabled-key-value-0123456789", Enabled: false},
		{LogicalID: "Loose", ID: "loosekey01", Name: "loose", Value: "loose-key-value-0123456789", Enabled: true},
	}
	b.t.UsagePlans = []*model.UsagePlan{{LogicalID: "Plan", ID: "plan01", Name: "basic",
		Stages: []model.UsagePlanStage{{APIID: b.api.ID, Stage: "prod"}},
		Keys:   []model.UsagePlanKey{{KeyID: "fixedkey01", KeyType: "API_KEY"}, {KeyID: "offkey0001", KeyType: "API_KEY"}},
	}}
	return b
}

func TestAPIKeys(t *testing.T) {
	gw := start(t, accessTemplate().build(), nil)
	c := h2cClient(t)
	forbidden := func(name string, res result) {
		t.Helper()
		if res.status != 403 || res.body != `{"message":"Forbidden"}` || res.header.Get("x-amzn-ErrorType") != "ForbiddenException" ||
			res.header.Get("Content-Type") != "application/json" || res.proto != "HTTP/2.0" {
			t.Errorf("%s: %d %s %v %s, want 403 Forbidden", name, res.status, res.body, res.header, res.proto)
		}
	}
	base := "http://" + gw.http
	forbidden("no key", do(t, c, "GET", base+"/prod/pets", nil))
	forbidden("unknown key", do(t, c, "GET", base+"/prod/pets", nil, "X-Api-Key", "nope"))
	forbidden("disabled key", do(t, c, "GET", base+"/prod/pets", nil, "X-Api-Key", "disabled-key-value-0123456789"))
	forbidden("key in no plan", do(t, c, "GET", base+"/prod/pets", nil, "X-Api-Key", "loose-key-value-0123456789"))
	forbidden("stage no plan covers", do(t, c, "GET", base+"/dev/pets", nil, "X-Api-Key", "fixed-key-value-0123456789"))
	forbidden("key in another header", do(t, c, "GET", base+"/prod/pets", nil, "Authorization", "fixed-key-value-0123456789"))
	if res := do(t, c, "GET", base+"/prod/pets", nil, "X-Api-Key", "fixed-key-value-0123456789"); res.status != 200 || res.body != `{"ok":true}` {
		t.Errorf("good key: %d %s", res.status, res.body)
	}
	if res := do(t, c, "POST", base+"/prod/pets", strings.NewReader(`{}`), "x-api-key", "fixed-key-value-0123456789", "Content-Type", "application/json"); res.status != 200 {
		t.Errorf("good key, lower-case header: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", base+"/dev/open", nil); res.status != 200 {
		t.Errorf("no key required: %d %s", res.status, res.body)
	}
	if !strings.Contains(gw.logs.String(), "reason=\"the API key is not an enabled key of a usage plan for this stage\"") {
		t.Errorf("access log does not say why:\n%s", gw.logs.String())
	}
	// Over HTTP/1.1 and TLS h2 too.
	forbidden("h1 wrong key", func() result {
		r := do(t, h1Client(t), "GET", base+"/prod/pets", nil, "X-Api-Key", "nope")
		r.proto = "HTTP/2.0"
		return r
	}())
	if res := do(t, tlsClient(t, gw.g, true), "GET", "https://"+gw.https+"/prod/pets", nil, "X-Api-Key", "fixed-key-value-0123456789"); res.status != 200 || res.proto != "HTTP/2.0" {
		t.Errorf("TLS h2 good key: %d %s %s", res.status, res.body, res.proto)
	}
}

func TestAPIKeyCustomizedResponse(t *testing.T) {
	b := accessTemplate()
	b.api.GatewayResponses = []*model.GatewayResponse{{ResponseType: "INVALID_API_KEY", StatusCode: "401",
		ResponseParameters: map[string]string{"gatewayresponse.header.WWW-Authenticate": "'ApiKey'"},
		ResponseTemplates:  map[string]string{"application/json": `{"error":$context.error.messageString}`}}}
	gw := start(t, b.build(), nil)
	res := do(t, h2cClient(t), "GET", "http://"+gw.http+"/prod/pets", nil, "X-Api-Key", "bad")
	if res.status != 401 || res.body != `{"error":"Forbidden"}` || res.header.Get("WWW-Authenticate") != "ApiKey" {
		t.Errorf("customized INVALID_API_KEY: %d %s %v", res.status, res.body, res.header)
	}
}

func TestAPIKeySourceAuthorizer(t *testing.T) {
	b := accessTemplate()
	b.api.APIKeySource = "AUTHORIZER"
	g, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Load(b.build()); err != nil {
		t.Fatal(err)
	}
	v := g.cur.Load()
	run := func(authorizerKey, header string) error {
		r, _ := http.NewRequest("GET", "http://localhost/prod/pets", nil)
		if header != "" {
			r.Header.Set("X-Api-Key", header)
		}
		rs := &reqState{g: g, r: r, method: "GET", start: time.Now()}
		if kind, reason := v.resolve(r, &rs.route); kind != errNone {
			t.Fatalf("resolve: %s", reason)
		}
		if authorizerKey != "" {
			rs.authRes = &authResult{usageIdentifierKey: authorizerKey}
		}
		return g.checkAccess(r, rs)
	}
	if err := run("", "fixed-key-value-0123456789"); err == nil || err.(*gatewayError).kind != errInvalidAPIKey {
		t.Errorf("AUTHORIZER source, key only in the header: %v, want INVALID_API_KEY", err)
	}
	if err := run("fixed-key-value-0123456789", ""); err != nil {
		t.Errorf("AUTHORIZER source, key from the authorizer: %v", err)
	}
}

func TestThrottles(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	b := accessTemplate()
	b.method("/limited", "GET", mock200())
	b.method("/stagewide", "GET", mock200())
	prod := b.api.Stages[0]
	prod.MethodSettings = []model.MethodSetting{
		{ResourcePath: "/*", HTTPMethod: "*", ThrottlingRateLimit: 100, ThrottlingBurstLimit: 3},
		{ResourcePath: "/~1limited", HTTPMethod: "GET", ThrottlingRateLimit: 1, ThrottlingBurstLimit: -1},
	}
	plan := b.t.UsagePlans[0]
	plan.Throttle = &model.Throttle{RateLimit: 1, BurstLimit: 2}
	plan.Stages[0].Methods = []model.MethodThrottle{{Path: "/pets/POST", Throttle: model.Throttle{RateLimit: 0.5, BurstLimit: 1}}}
	gw := start(t, b.build(), func(c *Config) { c.Now = clock.Now })
	c := h2cClient(t)
	base := "http://" + gw.http
	key := []string{"X-Api-Key", "fixed-key-value-0123456789"}
	statuses := func(method, path string, n int, hdr ...string) []int {
		var out []int
		for range n {
			res := do(t, c, method, base+path, nil, hdr...)
			if res.status == 429 && (res.body != `{"message":"Too Many Requests"}` || res.header.Get("x-amzn-ErrorType") != "TooManyRequestsException") {
				t.Errorf("429 answer: %s %v", res.body, res.header)
			}
			out = append(out, res.status)
		}
		return out
	}
	check := func(name string, got, want []int) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	// The plan's per-key limit: burst 2, then 1 per second.
	check("plan burst", statuses("GET", "/prod/pets", 3, key...), []int{200, 200, 429})
	clock.Advance(time.Second)
	check("plan refill", statuses("GET", "/prod/pets", 2, key...), []int{200, 429})
	// The plan's per-method limit for POST /pets replaces the plan-wide one.
	clock.Advance(10 * time.Second)
	check("plan per method", statuses("POST", "/prod/pets", 2, key...), []int{200, 429})
	clock.Advance(time.Second)
	check("plan per method, half a token", statuses("POST", "/prod/pets", 1, key...), []int{429})
	clock.Advance(time.Second)
	check("plan per method, refilled", statuses("POST", "/prod/pets", 1, key...), []int{200})
	// Stage MethodSettings: /limited takes its burst (unset) from /*/*.
	check("method setting", statuses("GET", "/prod/limited", 4), []int{200, 200, 200, 429})
	clock.Advance(time.Second)
	check("method setting refill", statuses("GET", "/prod/limited", 2), []int{200, 429})
	// /*/* applies to each method on its own.
	check("stage default", statuses("GET", "/prod/stagewide", 4), []int{200, 200, 200, 429})
	check("stage default, another method", statuses("GET", "/prod/open", 3), []int{200, 200, 200})
	// dev has no settings: only the account limit.
	check("dev", statuses("GET", "/dev/open", 5), []int{200, 200, 200, 200, 200})
}

// chainCounters is MemoryCounters as a ChainTaker (the shared store's
// path), taking in order as TakeAll documents.
type chainCounters struct{ *MemoryCounters }

func (chainCounters) TakeAll(now time.Time, ls []Limiter) int {
	for i, l := range ls {
		if !l.Take(now) {
			return i
		}
	}
	return -1
}

// TestThrottleLateTake: a request that reaches the throttles long after it
// started (it waited for its authorizer, or for a CPU on a busy machine)
// is not refused for having "come early": each bucket takes it at the
// time of the take, while over-limit requests are still refused.
func TestThrottleLateTake(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	clock := newFakeClock(t0)
	b := accessTemplate()
	b.api.Stages[0].MethodSettings = []model.MethodSetting{{ResourcePath: "/*", HTTPMethod: "*", ThrottlingRateLimit: 10, ThrottlingBurstLimit: 2}}
	b.t.UsagePlans[0].Throttle = &model.Throttle{RateLimit: 10, BurstLimit: 2}
	for _, shared := range []bool{false, true} {
		cfg := Config{Now: clock.Now}
		if shared {
			cfg.Counters = chainCounters{&MemoryCounters{}}
		}
		g, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.Load(b.build()); err != nil {
			t.Fatal(err)
		}
		v := g.cur.Load()
		take := func(path string, start time.Time, key bool) error {
			r, _ := http.NewRequest("GET", "http://localhost"+path, nil)
			if key {
				r.Header.Set("X-Api-Key", "fixed-key-value-0123456789")
			}
			rs := &reqState{g: g, r: r, method: "GET", start: start}
			if kind, reason := v.resolve(r, &rs.route); kind != errNone {
				t.Fatalf("resolve %s: %s", path, reason)
			}
			return g.checkAccess(r, rs)
		}
		for _, c := range []struct {
			name, path string
			key        bool
		}{{"account", "/dev/open", false}, {"stage method", "/prod/open", false}, {"usage plan", "/prod/pets", true}} {
			clock.Advance(time.Minute)
			now := clock.Now()
			if err := take(c.path, now, c.key); err != nil {
				t.Fatalf("shared=%v %s: first request: %v", shared, c.name, err)
			}
			// Started 10 s ago, at the throttle now.
			if err := take(c.path, now.Add(-10*time.Second), c.key); err != nil {
				t.Errorf("shared=%v %s: a request that started 10 s ago: %v; want it admitted", shared, c.name, err)
			}
			if c.name == "account" {
				continue // 10,000/s: not exhausted here
			}
			// The burst (2) is spent: a late request is still refused.
			if err := take(c.path, now.Add(-10*time.Second), c.key); err == nil {
				t.Errorf("shared=%v %s: a third request at once was admitted; want 429", shared, c.name)
			}
		}
	}
}

func TestQuota(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 23, 59, 0, 0, time.UTC)) // a Wednesday
	b := accessTemplate()
	b.t.UsagePlans[0].Quota = &model.Quota{Limit: 3, Period: model.QuotaDay}
	gw := start(t, b.build(), func(c *Config) { c.Now = clock.Now })
	c := h2cClient(t)
	url := "http://" + gw.http + "/prod/pets"
	var got []int
	for range 4 {
		res := do(t, c, "GET", url, nil, "X-Api-Key", "fixed-key-value-0123456789")
		if res.status == 429 && (res.body != `{"message":"Limit Exceeded"}` || res.header.Get("x-amzn-ErrorType") != "LimitExceededException") {
			t.Errorf("quota answer: %s %v", res.body, res.header)
		}
		got = append(got, res.status)
	}
	// A refused key does not use the quota.
	do(t, c, "GET", url, nil, "X-Api-Key", "nope")
	clock.Advance(time.Minute) // the next day, 00:00 UTC
	got = append(got, do(t, c, "GET", url, nil, "X-Api-Key", "fixed-key-value-0123456789").status)
	if diff := cmp.Diff([]int{200, 200, 200, 429, 200}, got); diff != "" {
		t.Errorf("quota (-want +got):\n%s", diff)
	}
	// A reload of the same template keeps counting.
	if _, err := gw.g.Load(b.t); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got = append(got, do(t, c, "GET", url, nil, "X-Api-Key", "fixed-key-value-0123456789").status)
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429, 200, 200, 200}, got); diff != "" {
		t.Errorf("quota after reload (-want +got):\n%s", diff)
	}
	if res := do(t, c, "GET", url, nil, "X-Api-Key", "fixed-key-value-0123456789"); res.status != 429 {
		t.Errorf("quota after reload: %d", res.status)
	}
}

func TestNoThrottle(t *testing.T) {
	b := accessTemplate()
	b.t.UsagePlans[0].Throttle = &model.Throttle{RateLimit: 1, BurstLimit: 1}
	b.t.UsagePlans[0].Quota = &model.Quota{Limit: 1, Period: model.QuotaMonth}
	b.api.Stages[0].MethodSettings = []model.MethodSetting{{ResourcePath: "/*", HTTPMethod: "*", ThrottlingRateLimit: 0, ThrottlingBurstLimit: 0}}
	gw := start(t, b.build(), func(c *Config) { c.NoThrottle = true })
	c := h2cClient(t)
	for i := range 5 {
		if res := do(t, c, "GET", "http://"+gw.http+"/prod/pets", nil, "X-Api-Key", "fixed-key-value-0123456789"); res.status != 200 {
			t.Fatalf("request %d with --no-throttle: %d %s", i, res.status, res.body)
		}
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/pets", nil, "X-Api-Key", "nope"); res.status != 403 {
		t.Errorf("--no-throttle still checks keys: %d", res.status)
	}
	if got := gw.g.Access().Limits; len(got) != 1 || !strings.Contains(got[0], "off") {
		t.Errorf("Access().Limits = %q", got)
	}
}

func TestZeroThrottleRefusesAll(t *testing.T) {
	b := accessTemplate()
	b.api.Stages[0].MethodSettings = []model.MethodSetting{{ResourcePath: "/~1open", HTTPMethod: "GET", ThrottlingRateLimit: 0, ThrottlingBurstLimit: 0}}
	gw := start(t, b.build(), nil)
	if res := do(t, h2cClient(t), "GET", "http://"+gw.http+"/prod/open", nil); res.status != 429 {
		t.Errorf("rate 0, burst 0: %d", res.status)
	}
}

func TestAccessInfoAndFindings(t *testing.T) {
	b := accessTemplate()
	b.t.APIKeys[0].GeneratedValue = true
	b.t.UsagePlans[0].Throttle = &model.Throttle{RateLimit: 10, BurstLimit: 20}
	b.t.UsagePlans[0].Quota = &model.Quota{Limit: 1000, Period: model.QuotaDay}
	g, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := g.Load(b.build())
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, d := range ds {
		msgs = append(msgs, d.Summary)
	}
	want := `stage "dev" has methods with ApiKeyRequired but no usage plan with an enabled key covers it: every call to them answers 403 Forbidden, as on AWS`
	if !strings.Contains(strings.Join(msgs, "\n"), want) {
		t.Errorf("findings %q lack %q", msgs, want)
	}
	got := g.Access()
	wantInfo := AccessInfo{
		Keys: []KeyInfo{
			{Name: "fixed", ID: "fixedkey01", Value: "fixed-key-value-0123456789", Generated: true, Enabled: true, Stages: []string{"accessapi0/prod (plan basic)"}},
			{Name: "loose", ID: "loosekey01", Value: "loose-key-value-0123456789", Enabled: true},
			{Name: "off", ID: "offkey0001", Value: "disabled-key-value-0123456789", Stages: []string{"accessapi0/prod (plan basic)"}},
		},
		Limits: []string{
			"account: 10000 requests/s, burst 5000 (API Gateway's default)",
			"usage plan basic: per key rate=10 burst=20; quota 1000 per day",
		},
	}
	if diff := cmp.Diff(wantInfo, got); diff != "" {
		t.Errorf("Access() (-want +got):\n%s", diff)
	}
}

func TestBucketAndQuotaUnits(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newMemBucket(2, 3)
	var got []bool
	for range 4 {
		got = append(got, b.Take(t0))
	}
	got = append(got, b.Take(t0.Add(499*time.Millisecond)), b.Take(t0.Add(500*time.Millisecond)))
	if diff := cmp.Diff([]bool{true, true, true, false, false, true}, got); diff != "" {
		t.Errorf("bucket rate 2 burst 3 (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name, period string
		offset       int
		a, b         time.Time
		same         bool
	}{
		{"day", model.QuotaDay, 0, time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 4, 23, 59, 59, 0, time.UTC), true},
		{"day boundary", model.QuotaDay, 0, time.Date(2026, 3, 4, 23, 59, 59, 0, time.UTC), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), false},
		{"week from Sunday", model.QuotaWeek, 0, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 7, 23, 0, 0, 0, time.UTC), true},
		{"week Saturday to Sunday", model.QuotaWeek, 0, time.Date(2026, 3, 7, 23, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), false},
		{"week from Wednesday", model.QuotaWeek, 3, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), false},
		{"week from Wednesday, same", model.QuotaWeek, 3, time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC), true},
		{"month", model.QuotaMonth, 0, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), true},
		{"month offset 14", model.QuotaMonth, 14, time.Date(2026, 3, 14, 23, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), false},
		{"month offset 14 across months", model.QuotaMonth, 14, time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 14, 23, 0, 0, 0, time.UTC), true},
		{"month offset 14, January from December", model.QuotaMonth, 14, time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pa, pb := QuotaPeriod(tc.a, tc.period, tc.offset), QuotaPeriod(tc.b, tc.period, tc.offset)
			if (pa == pb) != tc.same {
				t.Errorf("periods %d and %d: same = %v, want %v", pa, pb, pa == pb, tc.same)
			}
		})
	}
}

func TestCountersKeepStateForSameLimits(t *testing.T) {
	var m MemoryCounters
	a := m.Bucket("x", 1, 1)
	if m.Bucket("x", 1, 1) != a {
		t.Error("same name and limits: a new bucket")
	}
	if m.Bucket("x", 2, 1) == a {
		t.Error("new limits: the old bucket")
	}
	q := m.Quota("q", 5, model.QuotaDay, 0)
	if m.Quota("q", 5, model.QuotaDay, 0) != q || m.Quota("q", 6, model.QuotaDay, 0) == q {
		t.Error("quota reuse")
	}
}

// TestQuotaPeriodCache: the quota's cached period is QuotaPeriod's for
// every time, walking forward by hours across months and years, and
// jumping back and forth (a clock set back, requests racing across
// midnight).
func TestQuotaPeriodCache(t *testing.T) {
	for _, tc := range []struct {
		period string
		offset int
	}{{model.QuotaDay, 0}, {model.QuotaWeek, 0}, {model.QuotaWeek, 3}, {model.QuotaMonth, 0}, {model.QuotaMonth, 14}, {model.QuotaMonth, 30}} {
		t.Run(fmt.Sprintf("%s %d", tc.period, tc.offset), func(t *testing.T) {
			q := &memQuota{period: tc.period, offset: tc.offset}
			check := func(now time.Time) {
				t.Helper()
				if got, want := q.periodOf(now), uint64(QuotaPeriod(now, tc.period, tc.offset))&0xffffffff; got != want {
					t.Fatalf("%s: period %d, want %d", now, got, want)
				}
			}
			t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
			for h := range 24 * 120 {
				check(t0.Add(time.Duration(h)*time.Hour - time.Nanosecond))
				check(t0.Add(time.Duration(h) * time.Hour))
			}
			for _, now := range []time.Time{t0, t0.Add(-time.Nanosecond), time.Unix(-1, 0), time.Unix(0, 0), time.Unix(-86400*3, 5),
				t0.AddDate(0, 2, 0), t0.AddDate(0, 2, 0).Add(-time.Nanosecond), t0} {
				check(now)
			}
		})
	}
}

// TestHTTPAPIRouteThrottles: an HTTP API stage's DefaultRouteSettings
// limit each route on its own and its RouteSettings one route by its key,
// the $default route's included; a route's entry replaces the defaults
// whole, so a limit it leaves unset is the account's.
func TestHTTPAPIRouteThrottles(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	backend := h2cBackend(t, http.HandlerFunc(echoHandler))
	st := stage(model.StageDefault, nil)
	st.MethodSettings = []model.MethodSetting{
		{ResourcePath: "/*", HTTPMethod: "*", ThrottlingRateLimit: 100, ThrottlingBurstLimit: 3, LoggingLevel: "OFF"},
		{RouteKey: "GET /limited", ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2},
		{RouteKey: "GET /rateonly", ThrottlingRateLimit: 1, ThrottlingBurstLimit: -1},
		{RouteKey: model.RouteKeyDefault, ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1},
	}
	b := newHTTPTB("httpthrot1", st)
	proxy := func() *model.Integration {
		return &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: backend.URL, PayloadFormatVersion: "1.0"}
	}
	b.route("GET", "/limited", proxy())
	b.route("GET", "/wide", proxy())
	b.route("GET", "/other", proxy())
	b.route("GET", "/rateonly", proxy())
	b.api.DefaultRoute = &model.Method{LogicalID: "Default", HTTPMethod: "ANY", RouteKey: model.RouteKeyDefault, Integration: proxy()}
	gw := start(t, b.build(), func(c *Config) { c.Now = clock.Now })
	c := h2cClient(t)
	statuses := func(path string, n int) []int {
		var out []int
		for range n {
			res := do(t, c, "GET", "http://"+gw.http+path, nil)
			if res.status == 429 && res.body != `{"message":"Too Many Requests"}` {
				t.Errorf("429 answer: %s", res.body)
			}
			out = append(out, res.status)
		}
		return out
	}
	check := func(name string, got, want []int) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	check("route setting", statuses("/limited", 3), []int{200, 200, 429})
	// Burst unset in its RouteSettings: the account's (5000), not the
	// default entry's 3.
	check("route setting without burst", statuses("/rateonly", 5), []int{200, 200, 200, 200, 200})
	check("default settings", statuses("/wide", 4), []int{200, 200, 200, 429})
	check("default settings, each route on its own", statuses("/other", 3), []int{200, 200, 200})
	check("$default route", statuses("/anything/else", 2), []int{200, 429})
	clock.Advance(time.Second)
	check("route setting refill", statuses("/limited", 2), []int{200, 429})
	check("$default refill", statuses("/nowhere", 2), []int{200, 429})
}
