package vtl

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// archive is a txtar archive with the lookups the golden tests need.
type archive struct{ *txtar.Archive }

func parseArchive(data string) archive { return archive{txtar.Parse([]byte(data))} }

func (a archive) get(name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

// set replaces (or adds) a file; txtar ends its data with a newline.
func (a archive) set(name, data string) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = []byte(data)
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
}

func (a archive) remove(name string) {
	a.Files = slices.DeleteFunc(a.Files, func(f txtar.File) bool { return f.Name == name })
}

func (a archive) format() string { return string(txtar.Format(a.Archive)) }

// testInput is the JSON form of Input in golden files. "json" is a
// convenience: any JSON value, used as the body in compact form.
type testInput struct {
	Body           *string           `json:"body"`
	JSON           json.RawMessage   `json:"json"`
	Path           map[string]string `json:"path"`
	Query          map[string]string `json:"query"`
	Headers        map[string]string `json:"headers"`
	StageVariables map[string]string `json:"stageVariables"`
	Context        map[string]any    `json:"context"`
}

func (ti *testInput) input(t *testing.T) *Input {
	in := &Input{
		PathParams:     ti.Path,
		QueryParams:    ti.Query,
		Headers:        ti.Headers,
		StageVariables: ti.StageVariables,
		Context:        ti.Context,
	}
	switch {
	case ti.Body != nil:
		in.Body = []byte(*ti.Body)
	case len(ti.JSON) > 0:
		var b bytes.Buffer
		if err := json.Compact(&b, ti.JSON); err != nil {
			t.Fatalf("input.json: %v", err)
		}
		in.Body = b.Bytes()
	}
	return in
}

// TestGolden runs every testdata/golden/*.txtar: the "template" file is
// parsed and executed with "input.json" (optional); "output" is the
// expected output, "error" the expected parse or execution error and
// "unsupported" the expected Unsupported() list and "overrides" the
// $context.requestOverride/responseOverride values as JSON. Run with -update to
// rewrite the expectations.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := parseArchive(string(data))
			tmpl, ok := a.get("template")
			if !ok {
				t.Fatal("no template file in archive")
			}
			// A template file may end without a newline when marked so.
			if strings.Contains(string(a.Comment), "[no trailing newline]") {
				tmpl = strings.TrimSuffix(tmpl, "\n")
			}
			var ti testInput
			if raw, ok := a.get("input.json"); ok {
				dec := json.NewDecoder(strings.NewReader(raw))
				dec.UseNumber()
				if err := dec.Decode(&ti); err != nil {
					t.Fatalf("input.json: %v", err)
				}
			}
			var out bytes.Buffer
			var gotErr, gotOverrides string
			var unsupported []string
			tp, err := Parse(tmpl)
			if err == nil {
				unsupported = tp.Unsupported()
				var o Overrides
				o, err = tp.ExecuteOverrides(&out, ti.input(t))
				if o.Status != 0 || o.ResponseHeaders != nil || o.RequestHeaders != nil || o.RequestPath != nil || o.RequestQuery != nil {
					js, err := json.MarshalIndent(o, "", "  ")
					if err != nil {
						t.Fatal(err)
					}
					gotOverrides = string(js)
				}
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error is %T, want *Error: %v", err, err)
				}
				gotErr = err.Error()
			}
			gotUnsupported := strings.Join(unsupported, "\n")
			if *update {
				a.remove("output")
				a.remove(outputNoNL)
				a.remove("error")
				a.remove("unsupported")
				a.remove("overrides")
				if gotErr == "" || out.Len() > 0 {
					setOutput(&a, out.String())
				}
				if gotErr != "" {
					a.set("error", gotErr)
				}
				if gotUnsupported != "" {
					a.set("unsupported", gotUnsupported)
				}
				if gotOverrides != "" {
					a.set("overrides", gotOverrides)
				}
				if err := os.WriteFile(file, []byte(a.format()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantOut, ok := a.get("output")
			if !ok {
				if wantOut, ok = a.get(outputNoNL); ok {
					wantOut = strings.TrimSuffix(wantOut, "\n")
				}
			}
			wantErr, _ := a.get("error")
			wantUnsupported, _ := a.get("unsupported")
			wantOverrides, _ := a.get("overrides")
			if diff := cmp.Diff(strings.TrimSuffix(wantOverrides, "\n"), gotOverrides); diff != "" {
				t.Errorf("overrides mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(strings.TrimSuffix(wantErr, "\n"), gotErr); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			if gotErr == "" || wantOut != "" {
				if diff := cmp.Diff(wantOut, out.String()); diff != "" {
					t.Errorf("output mismatch (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(strings.TrimSuffix(wantUnsupported, "\n"), gotUnsupported); diff != "" {
				t.Errorf("unsupported mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// outputNoNL names the expected output when it does not end in a line
// break (txtar files always do).
const outputNoNL = "output (no final newline)"

func setOutput(a *archive, out string) {
	if out == "" || strings.HasSuffix(out, "\n") {
		a.set("output", out)
		return
	}
	a.set(outputNoNL, out)
}

// parseSmall parses with limits a hundred times smaller than the
// defaults, so that tests of the limits run fast (also under -race).
func parseSmall(src string) (*Template, error) {
	tp, err := Parse(src)
	if err == nil {
		tp.lim = limits{iterations: 10_000, output: 100 << 10, work: 500_000}
	}
	return tp, err
}

// TestDefaultLimits checks the documented limits with the real values, on
// templates that reach them without doing the work.
func TestDefaultLimits(t *testing.T) {
	for name, c := range map[string]struct {
		src, want string
	}{
		"range":  {"#foreach($i in [1..2000000])#end", "range [1..2000000] has more than 1000000 elements"},
		"output": {"#set($s = $input.body)$s$s", "output exceeds 10 MB"},
	} {
		t.Run(name, func(t *testing.T) {
			tp, err := Parse(c.src)
			if err != nil {
				t.Fatal(err)
			}
			err = tp.Execute(io.Discard, &Input{Body: bytes.Repeat([]byte("x"), 6<<20)})
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Execute error = %v, want ErrLimit with %q", err, c.want)
			}
		})
	}
}

func TestStaticTemplate(t *testing.T) {
	for _, src := range []string{"", `{"statusCode": 200}`, "plain\ntext $ # \\ ## comment\n"} {
		tp, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		var b bytes.Buffer
		if err := tp.Execute(&b, nil); err != nil {
			t.Fatalf("Execute(%q): %v", src, err)
		}
		want := strings.Replace(src, "## comment\n", "", 1)
		if b.String() != want {
			t.Errorf("Execute(%q) = %q, want %q", src, b.String(), want)
		}
	}
}

func TestErrorsWrap(t *testing.T) {
	cases := []struct {
		name, src string
		in        *Input
		want      error
	}{
		{"evaluate", "#evaluate('$x')", nil, ErrUnsupported},
		{"macroRecursion", "#macro(r $n)#r($n)#end#r(1)", nil, ErrLimit},
		{"util", "$util.toJson($x)", nil, ErrUnsupported},
		{"badBody", "$input.json('$')", &Input{Body: []byte("{nope")}, ErrInvalidJSON},
		{"parseJson", "$util.parseJson('[1,')", nil, ErrInvalidJSON},
		{"range", "#foreach($i in [1..20000])#end", nil, ErrLimit},
		{"loops", "#foreach($i in [1..100])#foreach($j in [1..100])#foreach($k in [1..2])#end#end#end", nil, ErrLimit},
		{"output", "#set($s = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')#foreach($i in [1..1000])$s#end", nil, ErrLimit},
		{"doubling", "#set($s = 'x')#foreach($i in [1..40])#set($s = \"$s$s\")#end", nil, ErrLimit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp, err := parseSmall(c.src)
			if err != nil {
				t.Fatal(err)
			}
			err = tp.Execute(&bytes.Buffer{}, c.in)
			if !errors.Is(err, c.want) {
				t.Fatalf("Execute error = %v, want one wrapping %v", err, c.want)
			}
		})
	}
}

// TestConcurrentExecute runs one template from many goroutines (for -race).
func TestConcurrentExecute(t *testing.T) {
	tp, err := Parse(`#set($m = {})#foreach($k in $input.path('$.items'))#set($d = $m.put("k$k", $k))#end$m $input.json('$.items')`)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{k1=1, k2=2, k3=3} [1,2,3]`
	done := make(chan string)
	for range 8 {
		go func() {
			var b bytes.Buffer
			if err := tp.Execute(&b, &Input{Body: []byte(`{"items":[1,2,3]}`)}); err != nil {
				done <- err.Error()
				return
			}
			done <- b.String()
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func BenchmarkExecuteMock(b *testing.B) {
	tp, err := Parse(`{"statusCode": 200}`)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{}
	var w discard
	b.ReportAllocs()
	for b.Loop() {
		if err := tp.Execute(&w, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExecuteInputJSON(b *testing.B) {
	tp, err := Parse(`{"body": $input.json('$'), "id": "$input.params('id')", "stage": "$context.stage"}`)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{
		Body:       []byte(`{"name":"Max","age":28,"tags":["a","b"],"address":{"city":"Berlin"}}`),
		PathParams: map[string]string{"id": "42"},
		Context:    map[string]any{"stage": "prod"},
	}
	var w discard
	b.ReportAllocs()
	for b.Loop() {
		if err := tp.Execute(&w, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExecutePassthrough(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "golden", "aws_method_request_passthrough.txtar"))
	if err != nil {
		b.Fatal(err)
	}
	a := parseArchive(string(data))
	src, _ := a.get("template")
	raw, _ := a.get("input.json")
	var ti testInput
	if err := json.Unmarshal([]byte(raw), &ti); err != nil {
		b.Fatal(err)
	}
	tp, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{PathParams: ti.Path, QueryParams: ti.Query, Headers: ti.Headers, StageVariables: ti.StageVariables, Context: ti.Context}
	if ti.Body != nil {
		in.Body = []byte(*ti.Body)
	}
	var w discard
	b.ReportAllocs()
	for b.Loop() {
		if err := tp.Execute(&w, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePassthrough(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "golden", "aws_method_request_passthrough.txtar"))
	if err != nil {
		b.Fatal(err)
	}
	a := parseArchive(string(data))
	src, _ := a.get("template")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestWorkBounded: templates that would run for minutes without the work
// budget fail quickly with ErrLimit.
func TestWorkBounded(t *testing.T) {
	big := strings.Repeat("x", 16<<10)
	cases := []struct{ name, src string }{
		{"copyInLoop", "#foreach($i in [1..999999])#set($t = $big.toUpperCase())#end"},
		{"rangesInLoop", "#foreach($i in [1..999999])#set($r = [1..999999])#end"},
		{"regexInLoop", "#foreach($i in [1..999999])#set($m = $big.matches(\"x$i\"))#end"},
		{"containsInLoop", "#set($l = [])#foreach($i in [1..200000])#set($d = $l.add($i))#end#foreach($i in $l)#if($l.contains($i))#end#end"},
		{"jsonInLoop", "#foreach($i in [1..999999])#set($j = $input.json('$'))#end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp, err := parseSmall("#set($big = $input.params('big'))" + c.src)
			if err != nil {
				t.Fatal(err)
			}
			err = tp.Execute(&bytes.Buffer{}, &Input{QueryParams: map[string]string{"big": big}, Body: []byte(`{"a":"` + big + `"}`)})
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("Execute error = %v, want ErrLimit", err)
			}
		})
	}
}

// TestCallsBounded: macros and #define blocks that fan out exponentially
// stop with ErrLimit instead of running for ages.
func TestCallsBounded(t *testing.T) {
	for name, src := range map[string]string{
		"macroFanOut": func() string {
			s := "#macro(m19)x#end"
			for i := 18; i >= 0; i-- {
				n := "#m" + strconv.Itoa(i+1) + "()"
				s += "#macro(m" + strconv.Itoa(i) + ")" + n + n + n + n + "#end"
			}
			return s + "#m0()"
		}(),
		"defineChain": func() string {
			s := "#define($b0)x#end"
			for i := 1; i < 60; i++ {
				s += "#define($b" + strconv.Itoa(i) + ")$b" + strconv.Itoa(i-1) + "$b" + strconv.Itoa(i-1) + "#end"
			}
			return s + "$b59"
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			tp, err := parseSmall(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := tp.Execute(&bytes.Buffer{}, nil); !errors.Is(err, ErrLimit) {
				t.Fatalf("Execute error = %v, want ErrLimit", err)
			}
		})
	}
}

// BenchmarkParsePathological parses 180 KB of text that looks like the
// start of indexed references ("$a[$b[$c["): each "[" is tried as an index
// and fails; parsing must stay linear in the template's size.
func BenchmarkParsePathological(b *testing.B) {
	src := strings.Repeat("$a[$b[$c[", 20000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMethodsNeverPanic calls every implemented method name on every kind
// of value with argument lists of every shape: errors are fine, panics are
// not.
func TestMethodsNeverPanic(t *testing.T) {
	receivers := []string{`""`, `"abc😀"`, `7`, `2.5`, `true`, `[]`, `[1, "x"]`, `{}`, `{"a": 1}`, `$e`, `$foreach`, `$input`, `$util`, `$input.path('$')`, `$input.path('$.l')`}
	argLists := []string{``, `$nothing`, `0`, `-1`, `99`, `"a"`, `"("`, `0, 1`, `1, 0`, `-1, 99`, `"a", "b"`, `"a", 1`, `[1], {}`, `1, 2, 3`}
	names := slices.Sorted(maps.Keys(methodsByName.Get()))
	names = append(names, "json", "path", "params", "body", "nosuch")
	// One template per call, so that an error does not stop the rest.
	for _, r := range receivers {
		for _, m := range names {
			for _, a := range argLists {
				src := "#foreach($e in $input.path('$.m').entrySet())#set($v = " + r + ")$!v." + m + "(" + a + ")#end"
				tp, err := Parse(src)
				if err != nil {
					t.Fatalf("Parse(%q): %v", src, err)
				}
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("%s panicked: %v", src, p)
						}
					}()
					_ = tp.Execute(io.Discard, &Input{Body: []byte(`{"m": {"k": 1}, "l": [3, 1]}`)})
				}()
			}
		}
	}
}

type stringer struct{}

func (stringer) String() string { return "custom" }

// TestContextValues: Go values the gateway puts in Input.Context become
// template values.
func TestContextValues(t *testing.T) {
	tp, err := Parse(`$context.i $context.u $context.f $context.b $context.m.k $context.l $context.l.size() $context.s [$context.none] $context.identity.sourceIp $context.authorizer.size()`)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = tp.Execute(&b, &Input{Context: map[string]any{
		"i": 42, "u": uint64(7), "f": float32(1.5), "b": true,
		"m": map[string]string{"k": "v"}, "l": []string{"x", "y"}, "s": stringer{}, "none": nil,
		"identity": map[string]any{"sourceIp": "192.0.2.1"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	const want = `42 7 1.5 true v [x, y] 2 custom [] 192.0.2.1 0`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}
