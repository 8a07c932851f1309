// Package redisstate keeps the gateway's throttle buckets, quotas and
// Lambda authorizer caches in Redis, so that several `cfnrun up` replicas
// serving one template enforce one set of limits and call an authorizer
// once per identity and TTL between them (`up --state
// redis://HOST:PORT/DB`).
//
// A request is one script call: the gateway hands every limiter of the
// request to TakeAll (runtime.ChainTaker), and one Lua script updates
// each bucket (GCRA: the theoretical arrival time, in microseconds) and
// the quota (a counter per period, expiring after it) in order, stopping
// at the first that refuses, atomically, so N replicas together admit
// exactly what one gateway would. The scripts of concurrent requests
// share round trips: a few workers each send what is queued in one
// pipeline (see pipeliner). (A limiter's own Take is a round trip too.) The keys of one request go to one script: with Redis Cluster they
// would need one hash slot; use a single Redis (or a primary with
// replicas). Precision: buckets use the calling
// replica's clock, so clock skew between replicas shifts a bucket by the
// skew (keep them NTP-synced); quotas are exact.
//
// An authorizer cache entry is one key per authorizer and identity (the
// identity values hashed with SHA-256, so tokens are not stored), holding
// the answer's expiry and the function's answer as it returned it, with
// a Redis expiry of the authorizer's TTL; a hit is one GET, and the
// gateway then keeps the answer in its own memory until the expiry (an
// entry never changes before it expires).
//
// When Redis cannot be reached (or answers slower than Timeout), the
// gateway keeps serving: Take answers FailOpen (default true: admit),
// and the failure is logged at most once per 10 seconds. The authorizer
// cache ignores FailClosed: Redis down is a cache miss, the gateway
// invokes the authorizer (and its answer still decides), and storing the
// answer is skipped.
package redisstate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
)

// Counters is a runtime.Counters in Redis.
type Counters struct {
	client *client
	// Prefix starts every key ("cfnrun:" by default).
	prefix   string
	failOpen bool
	timeout  time.Duration
	log      *slog.Logger
	lastLog  atomic.Int64
	// lastCacheLog is when an authorizer cache failure was last logged.
	lastCacheLog atomic.Int64
	// pipe sends TakeAll's scripts, batched across concurrent requests.
	pipe      *pipeliner
	closeOnce sync.Once
}

// Options configure New.
type Options struct {
	// FailClosed refuses requests while Redis is unreachable; the default
	// admits them.
	FailClosed bool
	// Timeout bounds each round trip. Default 100ms.
	Timeout time.Duration
	// Prefix starts every key. Default "cfnrun:".
	Prefix string
	Logger *slog.Logger
}

// New connects to the Redis at url (redis://[:password@]host:port[/db]).
// It does not wait for Redis: a gateway starts even while Redis is down.
func New(url string, o Options) (*Counters, error) {
	opt, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = 100 * time.Millisecond
	}
	if o.Prefix == "" {
		o.Prefix = "cfnrun:"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Counters{client: newClient(opt, o.Timeout), prefix: o.Prefix, failOpen: !o.FailClosed, timeout: o.Timeout, log: o.Logger}
	c.pipe = newPipeliner(c)
	return c, nil
}

// Ping checks that Redis answers.
func (c *Counters) Ping(ctx context.Context) error { return c.client.do(ctx, cmd("PING")).err }

// Close stops the pipeline's workers and closes the connections.
func (c *Counters) Close() error {
	c.closeOnce.Do(func() { close(c.pipe.stop) })
	return c.client.close()
}

// The scripts are hashed on first use, not in the package's init: every
// cfnrun command links this package, only up --state uses it. Declared
// as composite literals of their source, they are laid out by the
// compiler: nothing runs or is allocated at start-up.

// gcra: KEYS[1] the bucket; ARGV now, interval, tolerance (microseconds).
var gcra = script{src: `
local now = tonumber(ARGV[1])
local iv = tonumber(ARGV[2])
local tol = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nxt = tat + iv
if nxt - now > tol then return 0 end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1000)
return 1
`}

// quota: KEYS[1] the period's counter; ARGV limit, ttl seconds.
var quota = script{src: `
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if c >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`}

// chain: KEYS the limiters in order; ARGV now (microseconds), then for
// each key "b" interval tolerance (a bucket, microseconds), "d" (a bucket
// that refuses everything) or "q" limit ttl (a quota period's counter).
// It returns the 1-based index of the first that refuses, 0 for none.
var chain = script{src: `
local now = tonumber(ARGV[1])
local a = 2
for k = 1, #KEYS do
  local kind = ARGV[a]
  if kind == 'd' then
    return k
  elseif kind == 'b' then
    local iv = tonumber(ARGV[a + 1])
    local tol = tonumber(ARGV[a + 2])
    a = a + 3
    local tat = tonumber(redis.call('GET', KEYS[k]) or '0')
    if tat < now then tat = now end
    local nxt = tat + iv
    if nxt - now > tol then return k end
    redis.call('SET', KEYS[k], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1000)
  else
    local limit = tonumber(ARGV[a + 1])
    local ttl = ARGV[a + 2]
    a = a + 3
    local c = tonumber(redis.call('GET', KEYS[k]) or '0')
    if c >= limit then return k end
    redis.call('INCR', KEYS[k])
    redis.call('EXPIRE', KEYS[k], ttl)
  end
end
return 0
`}

// TakeAll implements runtime.ChainTaker: one script run for every
// limiter of a request. A limiter from elsewhere is taken on its own.
func (c *Counters) TakeAll(now time.Time, ls []runtime.Limiter) int {
	keys := make([]string, 0, len(ls))
	args := &command{buf: make([]byte, 0, 24+48*len(ls))}
	args.num(now.UnixMicro())
	for i, l := range ls {
		switch l := l.(type) {
		case *bucket:
			keys = append(keys, l.key)
			if l.deny {
				args.str("d")
			} else {
				args.str("b").num(l.interval).num(l.tolerance)
			}
		case *quotaLimiter:
			key, ttl := l.periodKey(now)
			keys = append(keys, key)
			args.str("q").num(int64(l.limit)).num(int64(ttl))
		default:
			// Not ours: take the ones before it, then it, then the rest.
			if j := c.TakeAll(now, ls[:i]); j >= 0 {
				return j
			}
			if !l.Take(now) {
				return i
			}
			if j := c.TakeAll(now, ls[i+1:]); j >= 0 {
				return i + 1 + j
			}
			return -1
		}
	}
	if len(keys) == 0 {
		return -1
	}
	n, err := c.pipe.run(keys, args)
	if err != nil {
		if c.failed(err) {
			return -1
		}
		return 0
	}
	return int(n) - 1
}

// pipeliner sends the chain scripts of concurrent requests to Redis
// together: each of a few workers takes the calls waiting in the queue
// (up to maxBatch) and sends them in one pipeline — one write and one
// read for the batch instead of one each. Every call stays its own
// script, so counting is exact; a call waits for no other (a worker
// sends what is queued the moment it is free).
type pipeliner struct {
	c     *Counters
	queue chan *call
	stop  chan struct{}
	calls sync.Pool
}

const (
	pipeWorkers = 4
	maxBatch    = 128
)

type call struct {
	keys []string
	args *command
	n    int64
	err  error
	done chan struct{}
}

func newPipeliner(c *Counters) *pipeliner {
	p := &pipeliner{c: c, queue: make(chan *call, 4096), stop: make(chan struct{})}
	for range pipeWorkers {
		go p.work()
	}
	return p
}

// run runs the chain script for keys and args, waiting at most the
// store's timeout.
func (p *pipeliner) run(keys []string, args *command) (int64, error) {
	cl, _ := p.calls.Get().(*call)
	if cl == nil {
		cl = &call{}
	}
	cl.keys, cl.args, cl.n, cl.err, cl.done = keys, args, 0, nil, make(chan struct{})
	t := time.NewTimer(p.c.timeout)
	defer t.Stop()
	select {
	case p.queue <- cl:
	case <-t.C:
		return 0, errors.New("redisstate: no connection free within the timeout")
	}
	select {
	case <-cl.done:
		n, err := cl.n, cl.err
		p.calls.Put(cl)
		return n, err
	case <-t.C:
		// The worker still completes it (and may count it): the
		// request is answered as the store's failure mode says.
		return 0, context.DeadlineExceeded
	}
}

func (p *pipeliner) work() {
	batch := make([]*call, 0, maxBatch)
	for {
		select {
		case cl := <-p.queue:
			batch = append(batch[:0], cl)
		case <-p.stop:
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case cl := <-p.queue:
				batch = append(batch, cl)
			default:
				break fill
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), p.c.timeout)
		rs, err := p.exec(ctx, batch)
		// Redis restarted (or never saw the script): load it and run the
		// calls it refused; they did not run.
		var again []*call
		for i, cl := range batch {
			if err == nil && hasPrefix(rs[i].err, "NOSCRIPT") {
				again = append(again, cl)
				continue
			}
			cl.finish(rs, i, err)
		}
		if len(again) > 0 {
			err := p.c.client.do(ctx, cmd("SCRIPT", "LOAD", chain.src)).err
			if err == nil {
				rs, err = p.exec(ctx, again)
			}
			for i, cl := range again {
				cl.finish(rs, i, err)
			}
		}
		cancel()
		clear(batch)
	}
}

// finish answers the call with reply i of rs, or err.
func (cl *call) finish(rs []reply, i int, err error) {
	if err != nil {
		cl.err = err
	} else {
		cl.n, cl.err = rs[i].n, rs[i].err
	}
	close(cl.done)
}

// exec sends the batch's scripts by hash in one pipeline. Each reply
// carries its own error reply; err is a failed round trip.
func (p *pipeliner) exec(ctx context.Context, batch []*call) ([]reply, error) {
	cms := make([]*command, len(batch))
	for i, cl := range batch {
		cms[i] = chain.call(false, cl.keys, cl.args.n, cl.args.buf)
	}
	return p.c.client.pipeline(ctx, cms)
}

type bucket struct {
	c                   *Counters
	key                 string
	interval, tolerance int64 // microseconds
	deny                bool
}

// Bucket implements runtime.Counters.
func (c *Counters) Bucket(name string, rate float64, burst int) runtime.Limiter {
	b := &bucket{c: c, key: c.prefix + "b:" + name + ":" + strconv.FormatFloat(rate, 'f', -1, 64) + ":" + strconv.Itoa(burst)}
	if rate <= 0 || burst <= 0 {
		b.deny = true
		return b
	}
	b.interval = max(int64(1e6/rate), 1)
	b.tolerance = b.interval * int64(burst)
	return b
}

func (b *bucket) Take(now time.Time) bool {
	if b.deny {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.c.timeout)
	defer cancel()
	r := gcra.run(ctx, b.c.client, []string{b.key}, (&command{}).num(now.UnixMicro()).num(b.interval).num(b.tolerance))
	if r.err != nil {
		return b.c.failed(r.err)
	}
	return r.n == 1
}

type quotaLimiter struct {
	c             *Counters
	key           string
	limit, offset int
	period        string
}

// Quota implements runtime.Counters.
func (c *Counters) Quota(name string, limit int, period string, offset int) runtime.Limiter {
	return &quotaLimiter{c: c, key: c.prefix + "q:" + name + ":" + strconv.Itoa(limit) + ":" + period + ":" + strconv.Itoa(offset), limit: limit, period: period, offset: offset}
}

func (q *quotaLimiter) Take(now time.Time) bool {
	ctx, cancel := context.WithTimeout(context.Background(), q.c.timeout)
	defer cancel()
	key, ttl := q.periodKey(now)
	r := quota.run(ctx, q.c.client, []string{key}, (&command{}).num(int64(q.limit)).num(int64(ttl)))
	if r.err != nil {
		return q.c.failed(r.err)
	}
	return r.n == 1
}

type authCache struct {
	c      *Counters
	prefix string
}

// AuthCache implements runtime.Counters.
func (c *Counters) AuthCache(name string) runtime.AuthCache {
	return &authCache{c: c, prefix: c.prefix + "a:" + name + ":"}
}

func (a *authCache) key(identity string) string {
	h := sha256.Sum256([]byte(identity))
	return a.prefix + hex.EncodeToString(h[:])
}

// Get implements runtime.AuthCache: the value is the expiry in Unix
// nanoseconds, a newline, and the answer.
func (a *authCache) Get(ctx context.Context, identity string, now time.Time) (runtime.AuthAnswer, bool) {
	ctx, cancel := context.WithTimeout(ctx, a.c.timeout)
	defer cancel()
	r := a.c.client.do(ctx, cmd("GET", a.key(identity)))
	if r.err != nil {
		if r.err != errNil {
			a.c.cacheFailed(r.err)
		}
		return runtime.AuthAnswer{}, false
	}
	exp, answer, ok := strings.Cut(r.str, "\n")
	ns, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || now.UnixNano() >= ns {
		return runtime.AuthAnswer{}, false
	}
	return runtime.AuthAnswer{JSON: []byte(answer), Expires: time.Unix(0, ns)}, true
}

// Put implements runtime.AuthCache.
func (a *authCache) Put(ctx context.Context, identity string, ans runtime.AuthAnswer, now time.Time, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, a.c.timeout)
	defer cancel()
	v := make([]byte, 0, 20+1+len(ans.JSON))
	v = strconv.AppendInt(v, now.Add(ttl).UnixNano(), 10)
	v = append(v, '\n')
	v = append(v, ans.JSON...)
	set := cmd("SET", a.key(identity)).bytes(v).str("PX").num(max(ttl.Milliseconds(), 1))
	if err := a.c.client.do(ctx, set).err; err != nil {
		a.c.cacheFailed(err)
	}
}

// cacheFailed logs an authorizer cache round trip Redis could not make,
// at most every 10 seconds.
func (c *Counters) cacheFailed(err error) {
	now := time.Now().UnixNano()
	last := c.lastCacheLog.Load()
	if now-last > int64(10*time.Second) && c.lastCacheLog.CompareAndSwap(last, now) {
		c.log.Warn("shared state (Redis) unreachable: authorizer results are not cached; invoking the authorizer for each request", "err", err)
	}
}

// periodKey is the key of the quota's counter for the period now falls
// in, and how long it lives (seconds): past the period's end.
func (q *quotaLimiter) periodKey(now time.Time) (string, int) {
	p := runtime.QuotaPeriod(now, q.period, q.offset)
	ttl := 32 * 24 * 3600
	if q.period == model.QuotaDay {
		ttl = 2 * 24 * 3600
	}
	return q.key + ":" + strconv.FormatInt(p, 10), ttl
}

// failed answers a Take Redis could not: FailOpen, logged at most every
// 10 seconds.
func (c *Counters) failed(err error) bool {
	now := time.Now().UnixNano()
	last := c.lastLog.Load()
	if now-last > int64(10*time.Second) && c.lastLog.CompareAndSwap(last, now) {
		how := "admitting requests (fail open)"
		if !c.failOpen {
			how = "refusing requests with 429 (fail closed)"
		}
		c.log.Warn("shared state (Redis) unreachable: throttles and quotas are not shared; "+how, "err", err)
	}
	return c.failOpen
}
