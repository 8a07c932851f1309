package vtl

import (
	"bytes"
	"errors"
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
		if want := appendJSON(nil, v, 0); !bytes.Equal(got, want) {
			t.Fatalf("stream %q, decode+encode %q", got, want)
		}
	})
}
