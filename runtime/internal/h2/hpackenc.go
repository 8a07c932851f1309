package h2

import (
	"strings"
)

// Response header blocks are encoded without HPACK's dynamic table, as
// HAProxy encodes its own: a field is either a static-table entry (":status
// 200") or a literal that is not indexed, with the name as a static-table
// index where it has one and the value as plain octets (no Huffman
// coding). The encoding of a field then depends on nothing but the field,
// so it costs an append and a cached name prefix instead of x/net's table
// search (two map lookups with hashing of name and value), Huffman coding
// and table upkeep — 10% of the gateway's CPU on a MOCK route under
// h2load. The price is size on the wire: a repeated header takes its full
// length in every response instead of one byte. The first block on a
// connection starts with a dynamic table size update to 0 (RFC 7541
// §6.3), so a SETTINGS_HEADER_TABLE_SIZE from the client, which can only
// lower the limit, never needs another.

// staticNames are the names of RFC 7541's static table (Appendix A), in
// order; the index of a name is its first position plus one.
var staticNames = [...]string{
	":authority", ":method", ":method", ":path", ":path", ":scheme", ":scheme",
	":status", ":status", ":status", ":status", ":status", ":status", ":status",
	"accept-charset", "accept-encoding", "accept-language", "accept-ranges", "accept",
	"access-control-allow-origin", "age", "allow", "authorization", "cache-control",
	"content-disposition", "content-encoding", "content-language", "content-length",
	"content-location", "content-range", "content-type", "cookie", "date", "etag",
	"expect", "expires", "from", "host", "if-match", "if-modified-since", "if-none-match",
	"if-range", "if-unmodified-since", "last-modified", "link", "location", "max-forwards",
	"proxy-authenticate", "proxy-authorization", "range", "referer", "refresh",
	"retry-after", "server", "set-cookie", "strict-transport-security",
	"transfer-encoding", "user-agent", "vary", "via", "www-authenticate",
}

var staticNameIndex = func() map[string]uint8 {
	m := make(map[string]uint8, len(staticNames))
	for i, n := range staticNames {
		if _, ok := m[n]; !ok {
			m[n] = uint8(i + 1)
		}
	}
	return m
}()

// statusIndex is the static-table index of ":status" with each code that
// has an entry of its own.
func statusIndex(code int) uint8 {
	switch code {
	case 200:
		return 8
	case 204:
		return 9
	case 206:
		return 10
	case 304:
		return 11
	case 400:
		return 12
	case 404:
		return 13
	case 500:
		return 14
	}
	return 0
}

// appendInt appends v as an HPACK integer with an n-bit prefix; first
// holds the bits above the prefix (RFC 7541 §5.1).
func appendInt(dst []byte, first byte, n uint, v uint64) []byte {
	k := uint64(1)<<n - 1
	if v < k {
		return append(dst, first|byte(v))
	}
	dst = append(dst, first|byte(k))
	v -= k
	for v >= 128 {
		dst = append(dst, byte(v&0x7f|0x80))
		v >>= 7
	}
	return append(dst, byte(v))
}

// appendString appends s as a string literal without Huffman coding.
func appendString(dst []byte, s string) []byte {
	dst = appendInt(dst, 0, 7, uint64(len(s)))
	return append(dst, s...)
}

// fieldName is how one response header name is written: its lower-case
// form, what the writer must know about it, and the encoded bytes that
// precede each of its values.
type fieldName struct {
	lower string
	skip  bool // connection-specific: never sent in HTTP/2
	// skipRequest: not sent in a request by the Client (the
	// connection-specific ones, host, te and content-length, which
	// the Client writes itself).
	skipRequest bool
	// cached: the name is in its connection's cache, so the request
	// encoder may index its value (hpackreq.go): indexed, the first
	// value inserted into the table, as the entry-th insertion.
	cached  bool
	indexed bool
	value   string
	entry   int
	date    bool
	ctype   bool
	// slotBit is 1<<s for the name of slot s (slots.go), else 0.
	slotBit uint8
	prefix  []byte
}

// newFieldName prepares the encoding of the canonical header name k.
func newFieldName(k string) *fieldName {
	lk := strings.ToLower(k)
	fn := &fieldName{lower: lk}
	switch lk {
	case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "trailer":
		fn.skip = true
		fn.skipRequest = lk != "trailer"
	case "host", "te", "http2-settings", "content-length":
		fn.skipRequest = true
	case "date":
		fn.date = true
	case "content-type":
		fn.ctype = true
	}
	// Literal header field without indexing (0000xxxx): with the name's
	// static index, or with the name as a literal.
	if i, ok := staticNameIndex[lk]; ok {
		fn.prefix = appendInt(nil, 0, 4, uint64(i))
	} else {
		fn.prefix = appendString([]byte{0}, lk)
	}
	return fn
}

// appendField appends one field whose name is not cached.
func appendField(dst []byte, lowerName, value string) []byte {
	if i, ok := staticNameIndex[lowerName]; ok {
		dst = appendInt(dst, 0, 4, uint64(i))
	} else {
		dst = appendString(append(dst, 0), lowerName)
	}
	return appendString(dst, value)
}

// appendStatus appends the :status pseudo-header.
func appendStatus(dst []byte, code int) []byte {
	if i := statusIndex(code); i != 0 {
		return append(dst, 0x80|i)
	}
	return appendString(append(dst, 0x08), statusText(code)) // name index 8, not indexed
}

// fieldNames caches fieldName per canonical header name for one
// connection (wmu held); bounded like the other per-connection caches.
type fieldNames map[string]*fieldName

// Response header names most answers carry (the gateway's own and a
// backend's usual ones), prepared once for every connection: the server
// encodes responses without indexing, so their fieldName never changes
// (the Client's request encoder, which indexes, keeps its own).
var (
	fnContentType   = newFieldName("Content-Type")
	fnContentLength = newFieldName("Content-Length")
	fnRequestID     = newFieldName("x-amzn-RequestId")
	fnApigwID       = newFieldName("x-amz-apigw-id")
	fnDate          = newFieldName("Date")
	fnAllowOrigin   = newFieldName("Access-Control-Allow-Origin")
	fnCacheControl  = newFieldName("Cache-Control")
	fnVary          = newFieldName("Vary")
)

func init() {
	for s, fn := range slotNames {
		fn.slotBit = 1 << s
	}
}

// responseName returns the fieldName of the response header k: the
// common ones from a string switch (a connection's map hashed each name,
// about 1% of a proxied request's CPU), others from the connection's
// cache.
func (m fieldNames) responseName(k string) *fieldName {
	switch k {
	case "Content-Type":
		return fnContentType
	case "Content-Length":
		return fnContentLength
	case "x-amzn-RequestId":
		return fnRequestID
	case "x-amz-apigw-id":
		return fnApigwID
	case "Date":
		return fnDate
	case "Access-Control-Allow-Origin":
		return fnAllowOrigin
	case "Cache-Control":
		return fnCacheControl
	case "Vary":
		return fnVary
	}
	return m.get(k)
}

func (m fieldNames) get(k string) *fieldName {
	if fn, ok := m[k]; ok {
		return fn
	}
	fn := newFieldName(k)
	if len(m) < 256 && len(k) <= 64 {
		fn.cached = true
		m[k] = fn
	}
	return fn
}

// appendValues appends fn's valid values.
func (fn *fieldName) appendValues(dst []byte, vv []string) []byte {
	for _, v := range vv {
		if !ValidFieldValue(v) {
			continue
		}
		dst = append(dst, fn.prefix...)
		dst = appendString(dst, v)
	}
	return dst
}
