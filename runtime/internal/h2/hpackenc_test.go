package h2

import (
	"fmt"
	"net/http"
	"slices"
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

// TestRequestEncoding decodes the Client's request blocks with x/net's
// decoder, each request twice on one connection (the second from the
// table): pseudo-headers first, the headers HTTP/2 forbids or the Client
// writes itself dropped, the content length last; a value that changes
// is sent as a literal; the table never overflows, and a smaller table
// announced by the backend empties it.
func TestRequestEncoding(t *testing.T) {
	long := strings.Repeat("x", 1000)
	tests := []struct {
		name         string
		method, path string
		header       http.Header
		length       int64
		want         []hpack.HeaderField
	}{
		{"GET /", "GET", "/", http.Header{"Connection": {"close"}, "Host": {"h"}, "Te": {"trailers"}, "Content-Length": {"9"}}, 0,
			[]hpack.HeaderField{{Name: ":method", Value: "GET"}, {Name: ":scheme", Value: "http"}, {Name: ":authority", Value: "backend:8080"}, {Name: ":path", Value: "/"}}},
		{"POST with a length", "POST", "/a?b=c", http.Header{"X-Amzn-Trace-Id": {"Root=1-x"}}, 1234567,
			[]hpack.HeaderField{{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "http"}, {Name: ":authority", Value: "backend:8080"}, {Name: ":path", Value: "/a?b=c"},
				{Name: "x-amzn-trace-id", Value: "Root=1-x"}, {Name: "content-length", Value: "1234567"}}},
		{"changed values", "PATCH", "/p", http.Header{"X-Amzn-Trace-Id": {"Root=1-y"}}, -1,
			[]hpack.HeaderField{{Name: ":method", Value: "PATCH"}, {Name: ":scheme", Value: "http"}, {Name: ":authority", Value: "backend:8080"}, {Name: ":path", Value: "/p"},
				{Name: "x-amzn-trace-id", Value: "Root=1-y"}}},
		{"past the table", "GET", "/", http.Header{"Accept": {"a", "b"}, "X-L1": {long}, "X-L2": {long}, "X-L3": {long}, "X-L4": {long}, "X-L5": {long}}, -1,
			[]hpack.HeaderField{{Name: ":method", Value: "GET"}, {Name: ":scheme", Value: "http"}, {Name: ":authority", Value: "backend:8080"}, {Name: ":path", Value: "/"},
				{Name: "accept", Value: "a"}, {Name: "accept", Value: "b"}, {Name: "x-l1", Value: long}, {Name: "x-l2", Value: long}, {Name: "x-l3", Value: long},
				{Name: "x-l4", Value: long}, {Name: "x-l5", Value: long}}},
	}
	var got []hpack.HeaderField
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) { got = append(got, f) })
	var e reqEncoder
	for _, resize := range []bool{false, true} {
		if resize {
			e.setMaxTable(200)
			dec.SetAllowedMaxDynamicTableSize(200)
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sizes := [2]int{}
				for i := range sizes {
					got = nil
					block := e.appendRequest(nil, tt.method, "backend:8080", tt.path, tt.header, tt.length)
					sizes[i] = len(block)
					if _, err := dec.Write(block); err != nil {
						t.Fatal(err)
					}
					if err := dec.Close(); err != nil {
						t.Fatal(err)
					}
					sortRegular(got)
					if d := cmp.Diff(tt.want, got); d != "" {
						t.Errorf("block %d: decoded fields (-want +got):\n%s", i, d)
					}
				}
				if e.size > e.max {
					t.Errorf("table size %d over %d", e.size, e.max)
				}
				if tt.name == "GET /" && sizes[1] != 4 {
					t.Errorf("repeated GET / block is %d bytes, want 4 (all indexed)", sizes[1])
				}
			})
		}
	}
}

// sortRegular sorts the regular fields (map order) by name, then value,
// keeping content-length last.
func sortRegular(fs []hpack.HeaderField) {
	i := 0
	for i < len(fs) && strings.HasPrefix(fs[i].Name, ":") {
		i++
	}
	r := fs[i:]
	if n := len(r); n > 0 && r[n-1].Name == "content-length" {
		r = r[:n-1]
	}
	slices.SortStableFunc(r, func(a, b hpack.HeaderField) int {
		return strings.Compare(a.Name+"\x00"+a.Value, b.Name+"\x00"+b.Value)
	})
}

// TestResponseNames: the shared fieldNames of common response headers
// encode as a connection's own would.
func TestResponseNames(t *testing.T) {
	for _, k := range []string{"Content-Type", "Content-Length", "x-amzn-RequestId", "x-amz-apigw-id", "Date",
		"Access-Control-Allow-Origin", "Cache-Control", "Vary", "X-Other"} {
		got, want := fieldNames{}.responseName(k), newFieldName(k)
		if got.lower != want.lower || got.skip != want.skip || got.date != want.date || got.ctype != want.ctype ||
			string(got.prefix) != string(want.prefix) {
			t.Errorf("responseName(%q) = %+v, want %+v", k, got, want)
		}
		if b := got.appendValues(nil, []string{"v"}); string(b) != string(want.appendValues(nil, []string{"v"})) {
			t.Errorf("responseName(%q) encodes %x", k, b)
		}
	}
}

// TestRequestEncoderRecentNames: reqEncoder.name gives the entry names.get
// gives (the one the table state lives in) for names that share a recent
// slot, in any order, and for names past the map's bound (never kept:
// a fresh, uncached entry each time, as from names.get).
func TestRequestEncoderRecentNames(t *testing.T) {
	var e reqEncoder
	e.init()
	var names []string
	for i := range 300 {
		names = append(names, fmt.Sprintf("X-Name-%d", i))
	}
	names = append(names, "Accept", "Accept-Encoding", "User-Agent", "X-Forwarded-For", "X-Forwarded-Proto",
		"X-Forwarded-Port", "X-Amzn-Trace-Id", strings.Repeat("Y", 65))
	for round := range 3 {
		for i, k := range names {
			if round == 1 {
				k = names[len(names)-1-i]
			}
			got := e.name(k)
			want, kept := e.names[k]
			if !kept {
				if got.cached || got.lower != strings.ToLower(k) {
					t.Fatalf("%s (not kept): cached %v, lower %q", k, got.cached, got.lower)
				}
				continue
			}
			if got != want {
				t.Fatalf("round %d: %s: name gave another entry than the map's", round, k)
			}
		}
	}
}
