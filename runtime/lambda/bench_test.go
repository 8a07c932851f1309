package lambda

import (
	"context"
	"log/slog"
	"testing"
)

// The warm path: Service.Invoke → /next → the runtime → /response → Result,
// one instance serving invocations one after the other (Serial) and a few
// instances under parallel load (Parallel). The Go runtime is the test
// binary itself (helperRuntime, a pipelining client like the embedded
// bootstraps), so the figures are the service's overhead plus one loopback
// round trip; the Node and Python ones add the interpreters' own work.
//
//	go test -run '^$' -bench Invoke -benchtime 2s ./runtime/lambda/
func benchInvoke(b *testing.B, fn Function, parallel bool) {
	s, _ := newTestService(b, Config{Logger: slog.New(slog.DiscardHandler), Concurrency: 4})
	load(b, s, fn)
	payload := []byte(`{"resource":"/","path":"/","httpMethod":"GET","headers":{"Host":"localhost"},"body":null}`)
	ctx := context.Background()
	// Warm the instances.
	for i := 0; i < 8; i++ {
		if _, err := s.Invoke(ctx, fn.Name, payload, InvokeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if !parallel {
		for i := 0; i < b.N; i++ {
			res, err := s.Invoke(ctx, fn.Name, payload, InvokeOptions{})
			if err != nil || res.FunctionError != "" {
				b.Fatalf("%v %s", err, res.Payload)
			}
		}
		return
	}
	b.SetParallelism(2) // 2×GOMAXPROCS callers for 4 instances
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := s.Invoke(ctx, fn.Name, payload, InvokeOptions{})
			if err != nil || res.FunctionError != "" {
				b.Errorf("%v %s", err, res.Payload)
				return
			}
		}
	})
}

func BenchmarkInvokeGoSerial(b *testing.B) {
	benchInvoke(b, Function{Name: "go", Command: helperCommand(b, "const")}, false)
}

func BenchmarkInvokeGoParallel(b *testing.B) {
	benchInvoke(b, Function{Name: "go", Command: helperCommand(b, "const")}, true)
}

func nodeBenchFunction(b *testing.B) Function {
	needNode(b)
	dir := writeFiles(b, b.TempDir(), map[string]string{
		"index.js": `exports.handler = async () => ({ statusCode: 200, body: "ok" });`,
	})
	return Function{Name: "node", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: dir}
}

func BenchmarkInvokeNodeSerial(b *testing.B)   { benchInvoke(b, nodeBenchFunction(b), false) }
func BenchmarkInvokeNodeParallel(b *testing.B) { benchInvoke(b, nodeBenchFunction(b), true) }

func pythonBenchFunction(b *testing.B) Function {
	needPython(b)
	dir := writeFiles(b, b.TempDir(), map[string]string{
		"app.py": "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n",
	})
	return Function{Name: "python", Runtime: "python3.12", Handler: "app.handler", CodeDir: dir}
}

func BenchmarkInvokePythonSerial(b *testing.B)   { benchInvoke(b, pythonBenchFunction(b), false) }
func BenchmarkInvokePythonParallel(b *testing.B) { benchInvoke(b, pythonBenchFunction(b), true) }

// BenchmarkColdStart measures a new instance's first invocation: process
// start, the bootstrap loading the handler, and the invocation.
func BenchmarkColdStartNode(b *testing.B) { benchCold(b, nodeBenchFunction(b)) }

func BenchmarkColdStartPython(b *testing.B) { benchCold(b, pythonBenchFunction(b)) }

func benchCold(b *testing.B, fn Function) {
	s, _ := newTestService(b, Config{Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	b.ReportAllocs()
	var init float64
	for i := 0; i < b.N; i++ {
		fn.Environment = map[string]string{"ROUND": string(rune('a' + i%26))} // a changed function: new instances
		load(b, s, fn)
		res, err := s.Invoke(ctx, fn.Name, []byte(`{}`), InvokeOptions{})
		if err != nil || res.FunctionError != "" {
			b.Fatalf("%v %s", err, res.Payload)
		}
		init += float64(res.InitDuration.Microseconds()) / 1000
	}
	b.ReportMetric(init/float64(b.N), "init-ms/op")
}
