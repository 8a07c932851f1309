package vtl

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse parses arbitrary templates and executes those that parse
// against a fixed input. Neither may panic or hang; the limits keep every
// run bounded (here the small ones of parseSmall, so that the fuzzer spends
// its time on variety, not on templates that run into a limit). Seeds: the
// golden templates plus testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		a := parseArchive(string(data))
		if src, ok := a.get("template"); ok {
			f.Add(src)
		}
	}
	in := &Input{
		Body:           []byte(`{"a":[1,2,{"b":"c"}],"s":"x/y","n":1.5}`),
		PathParams:     map[string]string{"id": "1"},
		QueryParams:    map[string]string{"q": "a b"},
		Headers:        map[string]string{"Origin": "https://example.com"},
		StageVariables: map[string]string{"env": "dev"},
		Context:        map[string]any{"stage": "dev", "identity": map[string]any{"sourceIp": "127.0.0.1"}},
	}
	f.Fuzz(func(t *testing.T, src string) {
		tp, err := parseSmall(src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Col < 1 {
				t.Fatalf("Parse error %v is not an *Error with a position", err)
			}
			return
		}
		_ = tp.Unsupported()
		var out bytes.Buffer
		if _, err := tp.ExecuteOverrides(&out, in); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Execute error %v (%T) is not an *Error", err, err)
			}
		}
		if out.Len() > tp.lim.output {
			t.Fatalf("output of %d bytes exceeds the limit", out.Len())
		}
	})
}

// FuzzExecute runs arbitrary templates against arbitrary request bodies
// (and the same body as a path parameter, query string and header), with
// the small limits of parseSmall. No template and no body may panic,
// overflow the stack, hang or write past the output bound; every failure
// is an *Error. Seeds: the templates that once killed the process (issue
// 13), golden templates with JSON bodies, plus testdata/fuzz/FuzzExecute.
func FuzzExecute(f *testing.F) {
	bodies := []string{
		`{"a":[1,2,{"b":"c"}],"name":"x/y","n":1.5,"m":{"k":"v"}}`,
		`[[[[[[[[[[1]]]]]]]]]]`, `a=1&b=2,c`, ``, `"str"`, `{"a":{"a":{"a":{"a":[]}}}}`, `{nope`,
	}
	for _, src := range []string{
		"#set($l = [])#set($d = $l.add($l))$l.toString()",
		"#set($l = [])#set($d = $l.add($l))\"$l\"",
		"#set($m = {})#set($d = $m.put('k', $m))$m",
		"#set($l = [])#set($d = $l.add($l))#set($k = [])#set($d = $k.add($k))#if($l == $k)x#end$l.indexOf($k)",
		"#set($t = 'Hi {name} {name}')$t.replace('{name}', $input.path('$.name'))$t.replaceAll('\\{(\\w+)\\}', '$1$1')",
		"#foreach($p in $input.body.split('[,&=]'))$p;#end",
		"#set($l = [1])#foreach($i in [1..30])#set($d = $l.addAll($l))#end$l.size()",
		"#set($a = ['x'])#foreach($i in [1..40])#set($a = [$a, $a])#end$a",
		"$input.json('$..*') $input.path('$.a[*]').size() $input.json('$.m')",
		"#set($j = $input.path('$.a'))#set($d = $j.add($j))$j",
		"#foreach($k in $input.path('$.m').keySet())$k=$input.path(\"$.m.$k\")#end",
		"$util.escapeJavaScript($input.body) $util.urlEncode($input.params('id')) $util.base64Encode($input.body)",
		"#set($s = $input.body)#foreach($i in [1..20])#set($s = \"$s$s\")#end",
	} {
		for _, b := range bodies {
			f.Add(src, []byte(b))
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		a := parseArchive(string(data))
		if src, ok := a.get("template"); ok {
			f.Add(src, []byte(bodies[0]))
		}
	}
	f.Fuzz(func(t *testing.T, src string, body []byte) {
		tp, err := parseSmall(src)
		if err != nil {
			return
		}
		s := string(body)
		in := &Input{
			Body:           body,
			PathParams:     map[string]string{"id": s},
			QueryParams:    map[string]string{"q": s},
			Headers:        map[string]string{"X-Body": s},
			StageVariables: map[string]string{"env": "dev"},
			Context:        map[string]any{"stage": "dev", "identity": map[string]any{"sourceIp": "127.0.0.1"}},
		}
		var out bytes.Buffer
		if _, err := tp.ExecuteOverrides(&out, in); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Execute error %v (%T) is not an *Error", err, err)
			}
		}
		if out.Len() > tp.lim.output {
			t.Fatalf("output of %d bytes exceeds the limit", out.Len())
		}
	})
}

// FuzzJSON checks that the streaming re-encoder behind $input.json('$')
// produces exactly what decoding and serializing produce, and fails on
// exactly the same inputs.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,2.50,-0,1e3,"x/y\u2028\u0080é😀"],"b":{"c":null,"d":true}}`,
		`{"a":1,"a":2,"b":3}`, `[{"k":1,"k":{"x":[]}}]`, `"\ud83d\ude00"`, `12345678901234567890`,
		` [ ] `, `{"a" : 1 , }`, `[1,]`, `{"a":"\u00zz"}`, "\"\x01\"", `-`, `1.`, `tru`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, errDecode := decodeJSON(data)
		got, errStream := reencodeJSON(nil, data)
		if (errDecode == nil) != (errStream == nil) {
			t.Fatalf("decode error %v, stream error %v", errDecode, errStream)
		}
		if errDecode != nil {
			return
		}
		if want, _ := appendJSON(nil, v, math.MaxInt, 0); !bytes.Equal(got, want) {
			t.Fatalf("stream %q, decode+encode %q", got, want)
		}
	})
}
