package redisstate

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
)

// TestTakeAllMatchesTake: a chain taken in one script answers as the
// in-memory limiters taken one after the other (same refusals, same
// state left behind), including a bucket that refuses everything.
func TestTakeAllMatchesTake(t *testing.T) {
	addr, _ := startRedis(t)
	c, _ := New("redis://"+addr, Options{Timeout: testTimeout, Prefix: fmt.Sprintf("c%d:", time.Now().UnixNano())})
	defer c.Close()
	var m runtime.MemoryCounters
	mk := func(cs runtime.Counters, deny bool) []runtime.Limiter {
		ls := []runtime.Limiter{cs.Bucket("plan", 2, 3), cs.Bucket("stage", 4, 2), cs.Quota("quota", 5, model.QuotaDay, 0)}
		if deny {
			ls = append(ls[:2], cs.Bucket("zero", 0, 0), ls[2])
		}
		return ls
	}
	sequential := func(now time.Time, ls []runtime.Limiter) int {
		for i, l := range ls {
			if !l.Take(now) {
				return i
			}
		}
		return -1
	}
	t0 := time.Date(2026, 1, 1, 23, 59, 58, 0, time.UTC)
	for _, deny := range []bool{false, true} {
		mem, red := mk(&m, deny), mk(c, deny)
		for k := range 40 {
			now := t0.Add(time.Duration(k) * 150 * time.Millisecond)
			if want, got := sequential(now, mem), c.TakeAll(now, red); got != want {
				t.Errorf("deny %v, step %d (%s): TakeAll %d, one by one %d", deny, k, now.Format("15:04:05.000"), got, want)
			}
		}
	}
}

// TestOneScriptPerRequest: a request with a key, a plan throttle and
// quota, a stage throttle and the account throttle costs Redis one
// script call.
func TestOneScriptPerRequest(t *testing.T) {
	addr, _ := startRedis(t)
	tpl := template()
	tpl.UsagePlans[0].Throttle = &model.Throttle{RateLimit: 100, BurstLimit: 100}
	tpl.UsagePlans[0].Quota.Limit = 100
	tpl.APIs[0].Stages[0].MethodSettings = []model.MethodSetting{{ResourcePath: "/*", HTTPMethod: "*", ThrottlingRateLimit: 100, ThrottlingBurstLimit: 100}}
	s := gatewayFor(t, addr, fmt.Sprintf("o%d:", time.Now().UnixNano()), tpl)
	if st := get(t, s); st != 200 {
		t.Fatalf("first request: %d", st)
	}
	c, _ := New("redis://"+addr, Options{Timeout: testTimeout})
	defer c.Close()
	ctx := context.Background()
	if err := c.client.do(ctx, cmd("CONFIG", "RESETSTAT")).err; err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if st := get(t, s); st != 200 {
			t.Fatalf("got %d", st)
		}
	}
	info := c.client.do(ctx, cmd("INFO", "commandstats"))
	if info.err != nil {
		t.Fatal(info.err)
	}
	stats := info.str
	calls := map[string]string{}
	for _, m := range regexp.MustCompile(`cmdstat_(\w+):calls=(\d+)`).FindAllStringSubmatch(stats, -1) {
		calls[m[1]] = m[2]
	}
	if calls["evalsha"] != "4" || calls["eval"] != "" {
		t.Errorf("4 requests: evalsha %q, eval %q calls; want 4 and none (one script per request)\n%s", calls["evalsha"], calls["eval"], stats)
	}
}

// TestTakeAllConcurrent: requests racing through the pipeline are
// counted exactly (a quota of 200, 300 requests: 200 admitted), and a
// Redis that lost its scripts (SCRIPT FLUSH, a restart) gets them again.
func TestTakeAllConcurrent(t *testing.T) {
	addr, _ := startRedis(t)
	c, _ := New("redis://"+addr, Options{Timeout: testTimeout, Prefix: fmt.Sprintf("p%d:", time.Now().UnixNano())})
	defer c.Close()
	ls := []runtime.Limiter{c.Bucket("b", 1e6, 1e6), c.Quota("q", 200, model.QuotaDay, 0)}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for round, flush := range []bool{false, true} {
		if flush {
			if err := c.client.do(context.Background(), cmd("SCRIPT", "FLUSH")).err; err != nil {
				t.Fatal(err)
			}
			ls[1] = c.Quota("q2", 200, model.QuotaDay, 0)
		}
		res := make(chan int, 300)
		for range 300 {
			go func() { res <- c.TakeAll(now, ls) }()
		}
		got := map[int]int{}
		for range 300 {
			got[<-res]++
		}
		if got[-1] != 200 || got[1] != 100 {
			t.Errorf("round %d (script flushed: %v): %v, want 200 admitted (-1) and 100 refused by the quota (1)", round, flush, got)
		}
	}
}
