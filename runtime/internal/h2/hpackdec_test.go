package h2

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"

	"golang.org/x/net/http2/hpack"
)

// decodeConn is a connection with only what decodeBlock uses.
func decodeConn() *conn {
	c := &conn{srv: &Server{MaxHeaderBytes: 1 << 20}}
	c.newDecoder()
	return c
}

// decodeWith decodes block with the server's decoder into fields as
// x/net's decoder gives them.
func decodeWith(c *conn, block []byte) ([]hpack.HeaderField, error) {
	c.hb = fieldBlock{}
	if err := c.decodeBlock(block); err != nil {
		return nil, err
	}
	var out []hpack.HeaderField
	for _, f := range c.hb.fields {
		out = append(out, hpack.HeaderField{Name: f.name, Value: f.value})
		if f.canon != "" && f.canon != http.CanonicalHeaderKey(f.name) {
			return nil, fmt.Errorf("%q: canonical key %q", f.name, f.canon)
		}
	}
	return out, nil
}

// TestHpackDecoderAgrees: blocks that x/net's encoder makes (indexed
// fields, literals with and without indexing, never-indexed ones, Huffman
// and plain strings, table size updates and evictions down to a table of
// 0) decode to what x/net's decoder gives, block after block on one
// connection.
func TestHpackDecoderAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"accept", "user-agent", "x-custom", "cookie", "x-a", "content-type", "x-long-name-of-a-header"}
	for round := range 40 {
		var buf bytes.Buffer
		enc := hpack.NewEncoder(&buf)
		ours := decodeConn()
		var got, want []hpack.HeaderField
		ref := hpack.NewDecoder(hpackTableSize, func(f hpack.HeaderField) { want = append(want, hpack.HeaderField{Name: f.Name, Value: f.Value}) })
		for block := range 60 {
			if r.IntN(10) == 0 {
				enc.SetMaxDynamicTableSizeLimit(uint32(r.IntN(5)) * 1024)
			}
			buf.Reset()
			enc.WriteField(hpack.HeaderField{Name: ":method", Value: "GET"})
			enc.WriteField(hpack.HeaderField{Name: ":path", Value: fmt.Sprintf("/p/%d", r.IntN(30))})
			for range r.IntN(12) {
				n := names[r.IntN(len(names))]
				v := fmt.Sprintf("v%d", r.IntN(20))
				if r.IntN(8) == 0 {
					v = string(bytes.Repeat([]byte{'z'}, r.IntN(3000)))
				}
				enc.WriteField(hpack.HeaderField{Name: n, Value: v, Sensitive: r.IntN(10) == 0})
			}
			// A literal without indexing, name by index and by literal.
			if r.IntN(3) == 0 {
				buf.Write(appendField(nil, "user-agent", "plain"))
				buf.Write(appendField(nil, "x-unindexed", "plain2"))
			}
			want = want[:0]
			if _, err := ref.Write(buf.Bytes()); err != nil {
				t.Fatal(err)
			}
			if err := ref.Close(); err != nil {
				t.Fatal(err)
			}
			var err error
			if got, err = decodeWith(ours, buf.Bytes()); err != nil {
				t.Fatalf("round %d block %d: %v", round, block, err)
			}
			if len(got) != len(want) {
				t.Fatalf("round %d block %d: %d fields, want %d", round, block, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("round %d block %d field %d: %q, want %q", round, block, i, got[i], want[i])
				}
			}
		}
	}
}

// TestHpackDecoderErrors: malformed blocks are errors (COMPRESSION_ERROR
// for the connection); the limits and checks of fields are kept.
func TestHpackDecoderErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		block []byte
	}{
		{"index 0", []byte{0x80}},
		{"index past the tables", []byte{0x80 | 62}},
		{"literal name index past the tables", []byte{0x40 | 62, 1, 'a'}},
		{"truncated integer", []byte{0xff}},
		{"truncated string", []byte{0x40, 5, 'a'}},
		{"integer overflow", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"size update over the limit", []byte{0x3f, 0xe2, 0x1f}},
		{"size update after a field", []byte{0x82, 0x20}},
		{"bad Huffman (EOS padding too long)", []byte{0x00, 0x81, 0xff, 0x81, 0xff}},
	} {
		if _, err := decodeWith(decodeConn(), tc.block); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	// Two size updates at the start of a block are allowed (RFC 7541 §4.2).
	if _, err := decodeWith(decodeConn(), []byte{0x20, 0x3f, 0xe1, 0x1f, 0x82}); err != nil {
		t.Errorf("two size updates: %v", err)
	}
	// Fields after a malformed one are decoded for the table but not kept.
	c := decodeConn()
	c.hb = fieldBlock{}
	bad := append(appendField(nil, "x-bad", "a\x01b"), 0x40, 3, 'x', '-', 'k', 1, 'v')
	if err := c.decodeBlock(bad); err != nil || c.hb.invalid != errBadHeaderValue || len(c.hb.fields) != 0 {
		t.Errorf("malformed value: err %v, invalid %v, fields %v", err, c.hb.invalid, c.hb.fields)
	}
	if got, err := decodeWith(c, []byte{0x80 | 62}); err != nil || len(got) != 1 || got[0].Name != "x-k" {
		t.Errorf("indexed after a malformed block: %v %v", got, err)
	}
	for _, n := range []string{"X-Upper", "bad name", ""} {
		c := decodeConn()
		if _, err := decodeWith(c, appendField(nil, n, "v")); err != nil || c.hb.invalid != errBadHeaderName {
			t.Errorf("name %q: err %v, invalid %v", n, err, c.hb.invalid)
		}
	}
	c = decodeConn()
	if _, err := decodeWith(c, []byte{0x82, 0x84, 0x82}); err != nil || c.hb.invalid != nil {
		t.Errorf("pseudo-headers: %v %v", err, c.hb.invalid)
	}
	if _, err := decodeWith(c, append(appendField(nil, "x-a", "1"), 0x82)); err != nil || c.hb.invalid != errPseudoAfterRegular {
		t.Errorf("pseudo after regular: %v %v", err, c.hb.invalid)
	}
	// Past the size limit: tooLarge, the rest decoded for the table.
	c = decodeConn()
	c.srv.MaxHeaderBytes = 0 // a list limit of headerSlack
	big := bytes.Repeat([]byte{'v'}, headerSlack)
	block := appendField(nil, "x-big", string(big))
	block = append(block, 0x40, 3, 'x', '-', 'k', 1, 'w')
	c.hb = fieldBlock{}
	if err := c.decodeBlock(block); err != nil || !c.hb.tooLarge {
		t.Errorf("over the limit: err %v, tooLarge %v", err, c.hb.tooLarge)
	}
	if got, err := decodeWith(c, []byte{0x80 | 62}); err != nil || len(got) != 1 || got[0] != (hpack.HeaderField{Name: "x-k", Value: "w"}) {
		t.Errorf("indexed after an over-limit block: %v %v", got, err)
	}
}

// TestHpackLiteralCache: a literal the table does not take, sent again
// with the same encoding (nghttp2's :path, Huffman-coded, on every
// request), decodes to the same value without decoding or allocating
// again; a different value, or the same bytes with the other Huffman
// flag, is decoded afresh.
func TestHpackLiteralCache(t *testing.T) {
	// What nghttp2 sends: :path without indexing (name: static index 4),
	// its value Huffman-coded.
	huffPath := func(path string) []byte {
		b := []byte{0x82, 0x04} // :method GET; :path, not indexed
		b = append(b, hpack.AppendHuffmanString(appendInt(nil, 0x80, 7, hpack.HuffmanEncodeLength(path)), path)...)
		return b
	}
	c := decodeConn()
	for _, tc := range []struct {
		block []byte
		path  string
	}{
		{huffPath("/prod/proxy"), "/prod/proxy"},
		{huffPath("/prod/proxy"), "/prod/proxy"},
		{huffPath("/prod/mock"), "/prod/mock"},
		{huffPath("/prod/proxy"), "/prod/proxy"},
	} {
		got, err := decodeWith(c, tc.block)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[1].Name != ":path" || got[1].Value != tc.path {
			t.Fatalf("block %x: %q, want :path %q", tc.block, got, tc.path)
		}
	}
	// The same bytes as a plain string: not the cached value (they are
	// not a valid field value as they are).
	c.hb = fieldBlock{}
	if err := c.decodeBlock(append([]byte{0x82, 0x04}, appendString(nil, string(huffPath("/prod/proxy")[3:]))...)); err != nil || c.hb.invalid == nil {
		t.Fatalf("the Huffman code of /prod/proxy sent plain: error %v, block error %v, fields %q; want a bad value", err, c.hb.invalid, c.hb.fields)
	}
	block := huffPath("/prod/proxy")
	if got, err := decodeWith(c, block); err != nil || len(got) != 2 || got[1].Value != "/prod/proxy" {
		t.Fatalf("after the plain one: %q, %v", got, err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		c.hb.fields = c.hb.fields[:0]
		if err := c.decodeBlock(block); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per repeated block, want 0", allocs)
	}
}
