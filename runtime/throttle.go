package runtime

// Throttles and quotas.
//
// A throttle is a token bucket, kept as GCRA (the generic cell rate
// algorithm): one atomic int64, the theoretical arrival time of the next
// request, moved forward by one emission interval (1/rate) per request
// that passes; a request is refused when that would put it more than
// burst intervals ahead of now. A quota is one atomic uint64: the period
// number in the high 32 bits, the count in the low 32. Both are updated
// with compare-and-swap — no lock, no allocation on the hot path.
//
// The state lives behind Counters, the one interface the gateway uses for
// counters shared by every request (and, with a shared implementation, by
// every replica): compile asks it for each bucket and quota once per
// template version, by a name that stays the same across reloads (so a
// hot reload does not reset a key's quota), and requests call Take.
// Lambda authorizers' result caches come from the same interface
// (AuthCache), so replicas sharing counters share cached policies too.

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Counters hands out the throttle buckets and quotas the gateway
// enforces. Names are stable for the same template: the same name with the
// same limits must return the same state (so reloads keep counting).
// Implementations must be safe for concurrent use; Take is on the hot
// path.
type Counters interface {
	// Bucket returns the token bucket name, refilled at rate requests per
	// second up to burst. rate or burst <= 0 refuses every request.
	Bucket(name string, rate float64, burst int) Limiter
	// Quota returns the counter name, allowing limit requests per period
	// (model.QuotaDay, QuotaWeek or QuotaMonth) starting at offset (see
	// model.Quota).
	Quota(name string, limit int, period string, offset int) Limiter
	// AuthCache returns the result cache of a Lambda authorizer, asked
	// once per template version; name says the authorizer and its
	// settings (API, authorizer, function, type, identity sources, TTL),
	// so two replicas serving one template ask for the same name.
	AuthCache(name string) AuthCache
}

// AuthCache keeps a Lambda authorizer's answers per identity (the
// identity source values) until they expire, as API Gateway caches them
// for AuthorizerResultTtlInSeconds. Implementations must be safe for
// concurrent use. A cache that cannot answer (a shared store that is
// down) reports a miss, and the gateway invokes the authorizer.
type AuthCache interface {
	// Get returns the answer stored for key that has not expired at now.
	Get(ctx context.Context, key string, now time.Time) (AuthAnswer, bool)
	// Put stores an answer for key, made at now, for ttl.
	Put(ctx context.Context, key string, a AuthAnswer, now time.Time, ttl time.Duration)
}

// AuthAnswer is what an authorizer function answered.
type AuthAnswer struct {
	// JSON is the function's answer as it returned it. It is valid during
	// Put only: a cache that keeps it must copy it.
	JSON []byte
	// Expires is when the answer stops being valid; a shared store sets
	// it in Get (the gateway then keeps the parsed answer in this
	// process until then). Zero from the in-memory cache.
	Expires time.Time
	// parsed is the answer parsed, kept by the in-memory cache so a hit
	// costs no parsing; nil when the answer came from a shared store.
	parsed *authResult
}

// Limiter admits or refuses one request.
type Limiter interface {
	// Take reports whether a request at now may pass, and counts it if so.
	Take(now time.Time) bool
}

// ChainTaker is implemented by Counters whose Take is a round trip (a
// shared store): the gateway hands it every limiter of a request at once,
// so a request costs one round trip, not one per limiter.
type ChainTaker interface {
	// TakeAll takes ls in order, as Take would one after the other: it
	// stops at the first that refuses and returns its index (those
	// before it stay taken), or -1 when every one admits.
	TakeAll(now time.Time, ls []Limiter) int
}

// MemoryCounters is the in-memory Counters, the default: the state of one
// gateway process. The zero value is ready to use.
type MemoryCounters struct {
	mu      sync.Mutex
	buckets map[string]*memBucket
	quotas  map[string]*memQuota
}

// Bucket implements Counters.
func (m *MemoryCounters) Bucket(name string, rate float64, burst int) Limiter {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b := m.buckets[name]; b != nil && b.rate == rate && b.burst == burst {
		return b
	}
	b := newMemBucket(rate, burst)
	if m.buckets == nil {
		m.buckets = map[string]*memBucket{}
	}
	m.buckets[name] = b
	return b
}

// Quota implements Counters.
func (m *MemoryCounters) Quota(name string, limit int, period string, offset int) Limiter {
	m.mu.Lock()
	defer m.mu.Unlock()
	if q := m.quotas[name]; q != nil && q.limit == uint64(max(limit, 0)) && q.period == period && q.offset == offset {
		return q
	}
	q := &memQuota{limit: uint64(max(limit, 0)), period: period, offset: offset}
	if m.quotas == nil {
		m.quotas = map[string]*memQuota{}
	}
	m.quotas[name] = q
	return q
}

// AuthCache implements Counters: a new cache for each template version
// (a reload starts with an empty cache, as a new deployment does),
// holding parsed answers.
func (m *MemoryCounters) AuthCache(string) AuthCache {
	return &memAuthCache{entries: map[string]memAuthEntry{}}
}

// maxAuthCacheEntries bounds an in-memory authorizer cache; when full it
// is emptied (entries are cheap to make again).
const maxAuthCacheEntries = 10000

type memAuthCache struct {
	mu      sync.Mutex
	entries map[string]memAuthEntry
}

type memAuthEntry struct {
	res     *authResult
	expires time.Time
}

// Get implements AuthCache.
func (c *memAuthCache) Get(_ context.Context, key string, now time.Time) (AuthAnswer, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || !now.Before(e.expires) {
		return AuthAnswer{}, false
	}
	return AuthAnswer{parsed: e.res}, true
}

// Put implements AuthCache. It keeps the parsed answer, not JSON.
func (c *memAuthCache) Put(_ context.Context, key string, a AuthAnswer, now time.Time, ttl time.Duration) {
	if a.parsed != nil {
		c.keep(key, a.parsed, now.Add(ttl))
	}
}

func (c *memAuthCache) keep(key string, res *authResult, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxAuthCacheEntries {
		clear(c.entries)
	}
	c.entries[key] = memAuthEntry{res, expires}
}

// localAuthCache puts this process's memory in front of a shared
// AuthCache: an answer fetched from the store (or stored in it) is kept,
// parsed, until its expiry. Entries never change before they expire (as
// on AWS, nothing but the TTL ends them), so a replica's copy is the
// store's; it spares a round trip and a parse on every hit after the
// first.
type localAuthCache struct {
	local  memAuthCache
	shared AuthCache
}

func newLocalAuthCache(shared AuthCache) *localAuthCache {
	return &localAuthCache{local: memAuthCache{entries: map[string]memAuthEntry{}}, shared: shared}
}

// Get implements AuthCache.
func (c *localAuthCache) Get(ctx context.Context, key string, now time.Time) (AuthAnswer, bool) {
	if a, ok := c.local.Get(ctx, key, now); ok {
		return a, true
	}
	return c.shared.Get(ctx, key, now)
}

// Put implements AuthCache.
func (c *localAuthCache) Put(ctx context.Context, key string, a AuthAnswer, now time.Time, ttl time.Duration) {
	c.local.Put(ctx, key, a, now, ttl)
	c.shared.Put(ctx, key, a, now, ttl)
}

// memBucket is a GCRA token bucket.
type memBucket struct {
	rate  float64
	burst int
	// tat is the theoretical arrival time, in nanoseconds since the Unix
	// epoch.
	tat atomic.Int64
	// interval is 1/rate in nanoseconds; tolerance is burst intervals.
	interval, tolerance int64
	deny                bool
}

func newMemBucket(rate float64, burst int) *memBucket {
	b := &memBucket{rate: rate, burst: burst}
	if rate <= 0 || burst <= 0 || math.IsNaN(rate) {
		b.deny = true
		return b
	}
	iv := 1e9 / rate
	if iv < 1 {
		iv = 1
	}
	if iv > math.MaxInt64/float64(burst+1) {
		iv = math.MaxInt64 / float64(burst+1)
	}
	b.interval = int64(iv)
	b.tolerance = b.interval * int64(burst)
	return b
}

// Take implements Limiter.
func (b *memBucket) Take(now time.Time) bool {
	if b.deny {
		return false
	}
	n := now.UnixNano()
	for {
		tat := b.tat.Load()
		next := max(tat, n) + b.interval
		if next-n > b.tolerance {
			return false
		}
		if b.tat.CompareAndSwap(tat, next) {
			return true
		}
	}
}

// memQuota is a quota counter.
type memQuota struct {
	limit  uint64
	period string
	offset int
	// state is period<<32 | count.
	state atomic.Uint64
	// day caches the period of one UTC day: (day+1)<<32 | period, 0 for
	// none. Every period starts at 00:00 UTC, so the period only changes
	// when the day does: a request computes the date (QuotaPeriod) only
	// on the first request of a day.
	day atomic.Uint64
}

// periodOf is QuotaPeriod(now, q.period, q.offset) in 32 bits, from the
// day cache when now is on the cached day.
func (q *memQuota) periodOf(now time.Time) uint64 {
	d := uint64(floorDiv(now.Unix(), 86400)+1) & 0xffffffff
	if c := q.day.Load(); c != 0 && c>>32 == d {
		return c & 0xffffffff
	}
	p := uint64(QuotaPeriod(now, q.period, q.offset)) & 0xffffffff
	q.day.Store(d<<32 | p)
	return p
}

// Take implements Limiter.
func (q *memQuota) Take(now time.Time) bool {
	p := q.periodOf(now)
	for {
		s := q.state.Load()
		c := s & 0xffffffff
		if s>>32 != p {
			c = 0
		}
		if c >= q.limit {
			return false
		}
		if q.state.CompareAndSwap(s, p<<32|(c+1)) {
			return true
		}
	}
}

// QuotaPeriod numbers the quota period now falls in: periods start at
// 00:00 UTC on the day offset names (see model.Quota). Counters
// implementations key their quota counters by it.
func QuotaPeriod(now time.Time, period string, offset int) int64 {
	now = now.UTC()
	days := now.Unix() / 86400
	if now.Unix() < 0 && now.Unix()%86400 != 0 {
		days--
	}
	switch period {
	case model.QuotaWeek:
		// 1970-01-01 was a Thursday (weekday 4); a week starts on weekday
		// offset (0 Sunday).
		return floorDiv(days+4-int64(offset), 7)
	case model.QuotaMonth:
		m := int64(now.Year())*12 + int64(now.Month()) - 1
		if now.Day()-1 < offset {
			m--
		}
		return m
	}
	return days
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
