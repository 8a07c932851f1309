package lambda

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// The warm path: Service.Invoke → /next → the runtime → /response → Result.
// Each benchmark runs with 1, 2, 4 and 8 instances and as many callers
// (c1 is one instance serving invocations one after the other). The Go
// runtime is the test binary itself (helperRuntime, a pipelining client
// like the embedded bootstraps), so its figures are the service's
// overhead plus one loopback round trip; the Node and Python ones add the
// interpreters' own work.
//
// Besides ns/op (wall time, which on a loaded machine mostly measures the
// scheduler), each reports the CPU time one invocation costs, user plus
// system, split between the service (svc-µs/op: this process, which is
// what cfnrun spends) and the function's processes (fn-µs/op). CPU per
// invocation moves far less with machine load than wall time, and it says
// what throughput two cores can reach: 2e6 / (svc + fn) invocations/s.
//
//	go test -run '^$' -bench Invoke -benchtime 2s ./runtime/lambda/
//
// q2 is 2 instances and 16 callers: invocations queue, as behind a gateway
// under load (h2load -c16 -m10 keeps 160 waiting), and an instance is
// handed the next event while it runs one (fn.prefetch).
func benchInvoke(b *testing.B, fn Function) {
	for _, c := range []int{1, 2, 4, 8} {
		b.Run("c"+strconv.Itoa(c), func(b *testing.B) { benchInvokeN(b, fn, c, c) })
	}
	b.Run("q2", func(b *testing.B) { benchInvokeN(b, fn, 2, 16) })
	// q2-logged is q2 with the START, END and REPORT lines and the
	// function's output logged (to io.Discard), as cfnrun up logs them.
	b.Run("q2-logged", func(b *testing.B) { benchInvokeLogged(b, fn, 2, 16) })
}

func benchInvokeN(b *testing.B, fn Function, c, callers int) {
	benchInvokeCfg(b, fn, c, callers, Config{Logger: slog.New(slog.DiscardHandler)})
}

func benchInvokeLogged(b *testing.B, fn Function, c, callers int) {
	benchInvokeCfg(b, fn, c, callers, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), LogOutput: io.Discard})
}

func benchInvokeCfg(b *testing.B, fn Function, c, callers int, cfg Config) {
	cfg.Concurrency, cfg.ScaleAfter = c, -1
	s, _ := newTestService(b, cfg)
	load(b, s, fn)
	payload := []byte(`{"resource":"/","path":"/","httpMethod":"GET","headers":{"Host":"localhost"},"body":null}`)
	ctx := context.Background()
	// Warm c instances: c callers at once until c are live.
	for s.lookup(fn.Name).stats().live < c {
		var wg sync.WaitGroup
		for range c {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res, err := s.Invoke(ctx, fn.Name, payload, InvokeOptions{}); err != nil || res.FunctionError != "" {
					b.Errorf("%v %s", err, res.Payload)
				}
			}()
		}
		wg.Wait()
		if b.Failed() {
			b.FailNow()
		}
	}
	pids := s.lookup(fn.Name).pids()
	st0 := s.lookup(fn.Name).stats()
	aheads0, back0 := st0.aheads, st0.recalls+st0.handbacks
	svc0, fn0 := cpuSelf(), cpuOf(pids)
	b.ReportAllocs()
	b.ResetTimer()
	var next sync.WaitGroup
	var mu sync.Mutex
	left := b.N
	for range callers {
		next.Add(1)
		go func() {
			defer next.Done()
			for {
				mu.Lock()
				if left == 0 {
					mu.Unlock()
					return
				}
				left--
				mu.Unlock()
				res, err := s.Invoke(ctx, fn.Name, payload, InvokeOptions{})
				if err != nil || res.FunctionError != "" {
					b.Errorf("%v %s", err, res.Payload)
					return
				}
			}
		}()
	}
	next.Wait()
	b.StopTimer()
	svc, fnc := cpuSelf()-svc0, cpuOf(pids)-fn0
	b.ReportMetric(svc/float64(b.N), "svc-µs/op")
	b.ReportMetric(fnc/float64(b.N), "fn-µs/op")
	// Events handed ahead per invocation: ~1 when invocations queue.
	st := s.lookup(fn.Name).stats()
	b.ReportMetric(float64(st.aheads-aheads0)/float64(b.N), "ahead/op")
	// Events ahead taken or handed back (recall.go) per invocation: ~0
	// unless an instance is held up recallAfter (a starved CPU).
	b.ReportMetric(float64(st.recalls+st.handbacks-back0)/float64(b.N), "back/op")
}

// cpuSelf is this process's user+system CPU time in µs.
func cpuSelf() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e3
}

// cpuOf is the user+system CPU time of the processes pids in µs, from
// /proc/{pid}/stat (Linux; 0 elsewhere).
func cpuOf(pids []int) float64 {
	var total float64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		// Fields after "pid (comm)": state is field 3; utime and stime
		// are fields 14 and 15.
		f := strings.Fields(s[i+1:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		total += (u + st) * 1e6 / clockTicks
	}
	return total
}

// clockTicks is USER_HZ, the unit of /proc/{pid}/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

func BenchmarkInvokeGo(b *testing.B) {
	benchInvoke(b, Function{Name: "go", Command: helperCommand(b, "const")})
}

func nodeBenchFunction(b *testing.B) Function {
	needNode(b)
	dir := writeFiles(b, b.TempDir(), map[string]string{
		"index.js": `exports.handler = async () => ({ statusCode: 200, body: "ok" });`,
	})
	return Function{Name: "node", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir}
}

func BenchmarkInvokeNode(b *testing.B) { benchInvoke(b, nodeBenchFunction(b)) }

func pythonBenchFunction(b *testing.B) Function {
	needPython(b)
	dir := writeFiles(b, b.TempDir(), map[string]string{
		"app.py": "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n",
	})
	return Function{Name: "python", Runtime: "python3.12", Handler: "app.handler", CodeDir: dir}
}

func BenchmarkInvokePython(b *testing.B) { benchInvoke(b, pythonBenchFunction(b)) }

// BenchmarkColdStart measures a new instance's first invocation: process
// start, the bootstrap loading the handler, and the invocation. ns/op is
// the whole first invocation as the caller waits for it; init-ms/op is
// Lambda's Init Duration (process start to the first /next).
func BenchmarkColdStartNode(b *testing.B) { benchCold(b, nodeBenchFunction(b)) }

func BenchmarkColdStartPython(b *testing.B) { benchCold(b, pythonBenchFunction(b)) }

func benchCold(b *testing.B, fn Function) {
	s, _ := newTestService(b, Config{Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	b.ReportAllocs()
	var init float64
	for i := 0; i < b.N; i++ {
		fn.Environment = map[string]string{"ROUND": strconv.Itoa(i)} // a changed function: new instances
		load(b, s, fn)
		res, err := s.Invoke(ctx, fn.Name, []byte(`{}`), InvokeOptions{})
		if err != nil || res.FunctionError != "" {
			b.Fatalf("%v %s", err, res.Payload)
		}
		init += float64(res.InitDuration.Microseconds()) / 1000
	}
	b.ReportMetric(init/float64(b.N), "init-ms/op")
}
