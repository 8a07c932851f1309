package h2

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2/hpack"
)

// TestStatelessEncoding decodes what the stateless encoder writes with
// x/net's decoder, one block after another on the same decoder, as a
// client reads a connection's responses.
func TestStatelessEncoding(t *testing.T) {
	long := strings.Repeat("v", 300) // a length past the 7-bit prefix
	tests := []struct {
		name   string
		status int
		fields [][2]string // canonical name, value
		want   []hpack.HeaderField
	}{
		{"static status and names", 200, [][2]string{{"Content-Type", "application/json"}, {"Date", "x"}},
			[]hpack.HeaderField{{Name: ":status", Value: "200"}, {Name: "content-type", Value: "application/json"}, {Name: "date", Value: "x"}}},
		{"status without an entry", 429, [][2]string{{"X-Amzn-Requestid", "abc"}},
			[]hpack.HeaderField{{Name: ":status", Value: "429"}, {Name: "x-amzn-requestid", Value: "abc"}}},
		{"every indexed status", 404, nil, []hpack.HeaderField{{Name: ":status", Value: "404"}}},
		{"long name and value", 500, [][2]string{{"X-" + strings.Repeat("N", 200), long}, {"Www-Authenticate", long}},
			[]hpack.HeaderField{{Name: ":status", Value: "500"}, {Name: "x-" + strings.Repeat("n", 200), Value: long}, {Name: "www-authenticate", Value: long}}},
		{"empty value", 204, [][2]string{{"X-Empty", ""}},
			[]hpack.HeaderField{{Name: ":status", Value: "204"}, {Name: "x-empty", Value: ""}}},
	}
	var got []hpack.HeaderField
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) { got = append(got, f) })
	names := fieldNames{}
	var block []byte
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			block = block[:0]
			if i == 0 {
				block = append(block, 0x20)
			}
			block = appendStatus(block, tt.status)
			for _, f := range tt.fields {
				block = names.get(f[0]).appendValues(block, []string{f[1]})
			}
			if _, err := dec.Write(block); err != nil {
				t.Fatal(err)
			}
			if err := dec.Close(); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("decoded fields (-want +got):\n%s", d)
			}
		})
	}
}

func TestStatelessEncodingSkipsInvalidValues(t *testing.T) {
	fn := newFieldName("X-Bad")
	if b := fn.appendValues(nil, []string{"a\r\nb"}); len(b) != 0 {
		t.Errorf("a value with CR LF was encoded: %q", b)
	}
	if !newFieldName("Transfer-Encoding").skip {
		t.Error("Transfer-Encoding is not skipped")
	}
}
