package runtime

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// varyingLambda is a function (written in Go, behind the gateway's Lambda
// service interface) whose every answer carries header values never seen
// before: a cookie, a request id, a value and a header name of its own,
// next to a constant Content-Type.
type varyingLambda struct{ n atomic.Int64 }

func (*varyingLambda) Load([]lambda.Function) error { return nil }
func (f *varyingLambda) Invoke(_ context.Context, _ string, _ []byte, _ lambda.InvokeOptions) (lambda.Result, error) {
	n := strconv.FormatInt(f.n.Add(1), 10)
	p := `{"statusCode":200,"headers":{"Content-Type":"application/json","Set-Cookie":"session=` + n +
		`; Path=/","X-Amzn-RequestId":"req-` + n + `","X-Value":"value-` + n + `","X-Name-` + n + `":"1"},` +
		`"multiValueHeaders":{"X-Multi":["a-` + n + `","b-` + n + `"]},"body":"{}"}`
	return lambda.Result{Status: 200, Payload: []byte(p)}, nil
}

// TestRespStringsBounded: a function answering 100,000 distinct header
// values (and names) leaves its intern table holding none of them and the
// gateway's memory where it was, while the value it answers every time is
// kept; the tables belong to the function in one template version.
func TestRespStringsBounded(t *testing.T) {
	b := newTB("internapi", stage("prod", nil))
	b.method("/v", "GET", lambdaProxy("fn"))
	b.t.Functions = []*model.Function{benchFunction("fn")}
	fn := &varyingLambda{}
	g, err := New(Config{Lambda: fn, NoThrottle: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.Load(b.build()); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/prod/v", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	w := &benchWriter{h: http.Header{}}
	h := g.Handler()
	serve := func(n int) {
		for range n {
			w.reset()
			h.ServeHTTP(w, req)
			if w.status != 200 || w.h.Get("Set-Cookie") == "" {
				t.Fatalf("status %d, headers %v", w.status, w.h)
			}
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	serve(1000)
	before := heap()
	const requests = 100_000
	serve(requests)
	after := heap()
	// Each answer brings ~150 bytes of new strings: kept, 100,000 would
	// be ~15 MB.
	if after > before+1<<20 {
		t.Errorf("heap %d → %d bytes after %d answers with distinct header values", before, after, requests)
	}
	strs := g.cur.Load().lambda.strs["fn"]
	if strs == nil {
		t.Fatal("no intern table for fn")
	}
	names, values := *strs.names.Load(), *strs.values.Load()
	if len(names) > maxInternNames || len(values) > maxInternValues {
		t.Errorf("%d names, %d values kept; at most %d and %d", len(names), len(values), maxInternNames, maxInternValues)
	}
	for _, n := range []string{"Content-Type", "Set-Cookie", "X-Amzn-RequestId", "X-Value", "X-Multi"} {
		if _, ok := names[n]; !ok {
			t.Errorf("name %s, met every time, not kept", n)
		}
	}
	if len(names) != 5 {
		t.Errorf("names kept: %v, want the 5 met every time", names)
	}
	// "1", the value of every X-Name-n, is met every time too.
	if _, ok := values["application/json"]; !ok || values["1"] != "1" || len(values) != 2 {
		t.Errorf("values kept: %v, want application/json and 1", values)
	}
	if e := names["X-Amzn-RequestId"]; !e.volatile || e.canon != "X-Amzn-Requestid" {
		t.Errorf("X-Amzn-RequestId: %+v", e)
	}

	// A reload starts afresh: the old version's tables go with it.
	if _, err := g.Load(b.build()); err != nil {
		t.Fatal(err)
	}
	if s := g.cur.Load().lambda.strs["fn"]; s == strs || s.values.Load() != nil {
		t.Errorf("the reloaded version shares or starts with the old table")
	}
}

// TestRespStringsAdmission: a string is kept on its second meeting, never
// for a header whose values are per response (even when repeated), and
// never past the bounds.
func TestRespStringsAdmission(t *testing.T) {
	var s respStrings
	if v := s.value([]byte("text/html")); v != "text/html" || s.values.Load() != nil {
		t.Fatalf("kept on the first meeting")
	}
	s.value([]byte("text/html"))
	if _, ok := (*s.values.Load())["text/html"]; !ok {
		t.Fatalf("not kept on the second meeting")
	}
	v1, v2 := s.value([]byte("text/html")), s.value([]byte("text/html"))
	if unsafe.StringData(v1) != unsafe.StringData(v2) {
		t.Fatal("a kept value handed out as different strings")
	}
	if testing.AllocsPerRun(100, func() { s.value([]byte("text/html")) }) != 0 {
		t.Error("a kept value allocates")
	}
	for range 3 {
		d := jsonReader{b: []byte(`{"set-cookie":"a=b","DATE":"Thu, 03 Dec 2026 22:00:00 GMT","x-trace-id":"1"}`), strs: &s}
		var hs [][2]string
		if !d.headers(&hs, false) {
			t.Fatal("headers")
		}
	}
	for _, v := range []string{"a=b", "Thu, 03 Dec 2026 22:00:00 GMT", "1"} {
		if _, ok := (*s.values.Load())[v]; ok {
			t.Errorf("value %q of a per-response header kept", v)
		}
	}
	if c := s.canonical("set-cookie"); c != "Set-Cookie" {
		t.Errorf("canonical %q", c)
	}
	if testing.AllocsPerRun(100, func() { s.canonical("set-cookie") }) != 0 {
		t.Error("canonical of a kept name allocates")
	}
	for i := range 4 * maxInternValues {
		v := []byte("v" + strconv.Itoa(i))
		s.value(v)
		s.value(v)
	}
	if n := len(*s.values.Load()); n != maxInternValues {
		t.Errorf("%d values kept, bound %d", n, maxInternValues)
	}
	long := make([]byte, maxInternLen+1)
	s.name(long)
	s.name(long)
	if _, ok := (*s.names.Load())[string(long)]; ok {
		t.Error("a name longer than the bound kept")
	}
}
