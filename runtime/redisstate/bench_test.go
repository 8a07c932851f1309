package redisstate

import (
	"fmt"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
)

// BenchmarkTakeAll: a request's limiters (a plan throttle, a stage
// throttle and a quota, none refusing) taken in one script call, from
// 64 goroutines at once as the gateway's concurrent requests do (their
// scripts share pipelines), against a real redis-server. Most of the time is Redis's and the round trip; the
// allocations are the store's and its client's.
func BenchmarkTakeAll(b *testing.B) {
	addr, _ := startRedis(b)
	c, err := New("redis://"+addr, Options{Timeout: testTimeout, Prefix: fmt.Sprintf("bench%d:", time.Now().UnixNano())})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ls := []runtime.Limiter{c.Bucket("plan", 1e9, 1e9), c.Bucket("stage", 1e9, 1e9), c.Quota("q", 2e9, model.QuotaMonth, 0)}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.SetParallelism(32) // 64 requests at once on two CPUs
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if i := c.TakeAll(now, ls); i != -1 {
				b.Errorf("refused by limiter %d", i)
				return
			}
		}
	})
}
