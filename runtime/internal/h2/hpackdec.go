package h2

import (
	"errors"
	"net/http"
	"sync"

	"golang.org/x/net/http2/hpack"
)

// The server decodes request header blocks with its own HPACK decoder
// (RFC 7541) instead of x/net's, for what a table entry can remember: an
// entry of the dynamic table is checked (name, value) and given its
// canonical header key once, when it is inserted, and a field that refers
// to it costs a table read and an append. Clients index nearly every
// field, so after a connection's first request a request's fields are
// all such references. x/net's decoder hands each field to a callback
// that checked and canonicalised it again, and kept name maps of its
// table that only an encoder needs: decoding was a quarter of a MOCK
// request's instructions. (The Client decodes its backends' response
// blocks with x/net's.)

// reqField is one decoded request field. canon is its canonical header
// key when the decoder knew it ("" for pseudo-headers and for names not
// met before on the connection).
type reqField struct {
	name, value, canon string
}

// hentry is a table entry and what was found about it when it was made.
type hentry struct {
	name, value, canon string
	pseudo             bool
	nameOK, valueOK    bool
}

func (e *hentry) size() uint32 { return uint32(len(e.name) + len(e.value) + 32) }

// staticValues are the values of RFC 7541's static table (Appendix A),
// beside staticNames (hpackenc.go).
var staticValues = [len(staticNames)]string{
	1: "GET", 2: "POST", 3: "/", 4: "/index.html", 5: "http", 6: "https",
	7: "200", 8: "204", 9: "206", 10: "304", 11: "400", 12: "404", 13: "500",
	15: "gzip, deflate",
}

// staticEntries is the static table as entries (index i+1 is [i]),
// filled by the first newHdecoder (staticOnce), not by the package's
// initialiser: every cfnrun command links this package, and the
// canonical keys were 33 allocations (plus the table's 4.4 kB of bss
// written) before main. Every hdecoder comes from newHdecoder, so at reads
// it filled without a check per field.
var (
	staticEntries [len(staticNames)]hentry
	staticOnce    sync.Once
)

func fillStaticEntries() {
	for i, n := range staticNames {
		staticEntries[i] = newEntry(n, staticValues[i], http.CanonicalHeaderKey(n))
	}
}

// newEntry makes an entry and checks it as emitField checked a field.
func newEntry(name, value, canon string) hentry {
	e := hentry{name: name, value: value, valueOK: ValidFieldValue(value)}
	if len(name) > 0 && name[0] == ':' {
		e.pseudo, e.nameOK = true, true // checkPseudos knows the names
	} else {
		e.nameOK = validWireName(name)
		if e.nameOK {
			e.canon = canon
		}
	}
	return e
}

// hdecoder is one connection's request decoding context: its dynamic
// table, a ring of entries, newest at ents[(head+n-1)&mask].
type hdecoder struct {
	ents    []hentry
	head, n int
	size    uint32
	maxSize uint32
	// buf gathers a block that came in CONTINUATION frames.
	buf []byte
	// lit is the last value of a literal field the table did not take
	// (value): its encoding (raw, huffman) and the decoded string.
	// Clients send some field that way on every request, with the same
	// value: nghttp2 (h2load, curl) never indexes :path, so each of its
	// requests carries the path Huffman-coded, and decoding it was one
	// allocation per request and ~1.3% of a proxied request's CPU.
	lit litCache
}

// litCache remembers one literal value by its encoded bytes (at most
// maxLitCache of them).
type litCache struct {
	n       int // len of raw in use; 0: empty
	huffman bool
	raw     [maxLitCache]byte
	value   string
}

// maxLitCache bounds the literal values litCache keeps: paths and the
// like, not large values that would make every connection larger.
const maxLitCache = 128

// hpackTableSize is SETTINGS_HEADER_TABLE_SIZE as the server leaves it
// (the protocol's default): the most a client may size the table to.
const hpackTableSize = 4096

var (
	errHpackIndex      = errors.New("hpack: index out of the tables")
	errHpackTruncated  = errors.New("hpack: truncated header block")
	errHpackVarint     = errors.New("hpack: integer overflow")
	errHpackSizeUpdate = errors.New("hpack: dynamic table size update after a field, or over the limit")
	errHpackEncoding   = errors.New("hpack: invalid encoding")
)

func newHdecoder() *hdecoder {
	staticOnce.Do(fillStaticEntries)
	return &hdecoder{maxSize: hpackTableSize}
}

// at returns the entry of index i (1-based, static table first).
func (d *hdecoder) at(i uint64) *hentry {
	if i == 0 {
		return nil
	}
	if i <= uint64(len(staticEntries)) {
		return &staticEntries[i-1]
	}
	i -= uint64(len(staticEntries))
	if i > uint64(d.n) {
		return nil
	}
	return &d.ents[(d.head+d.n-int(i))&(len(d.ents)-1)]
}

// add inserts e as the newest entry, evicting as RFC 7541 §4.4 says (an
// entry larger than the table empties it and is not kept).
func (d *hdecoder) add(e hentry) {
	s := e.size()
	for d.n > 0 && d.size+s > d.maxSize {
		d.evictOldest()
	}
	if s > d.maxSize {
		return
	}
	if d.n == len(d.ents) {
		d.grow()
	}
	d.ents[(d.head+d.n)&(len(d.ents)-1)] = e
	d.n++
	d.size += s
}

func (d *hdecoder) evictOldest() {
	old := &d.ents[d.head]
	d.size -= old.size()
	*old = hentry{}
	d.head = (d.head + 1) & (len(d.ents) - 1)
	d.n--
}

// grow doubles the ring (a power of two: at most 128 entries of 32 bytes
// fit 4,096).
func (d *hdecoder) grow() {
	m := max(8, 2*len(d.ents))
	ents := make([]hentry, m)
	for i := range d.n {
		ents[i] = d.ents[(d.head+i)&(len(d.ents)-1)]
	}
	d.ents, d.head = ents, 0
}

func (d *hdecoder) setMaxSize(v uint32) {
	d.maxSize = v
	for d.n > 0 && d.size > v {
		d.evictOldest()
	}
}

// readInt reads an integer with an n-bit prefix (RFC 7541 §5.1).
func readInt(p []byte, n uint) (uint64, []byte, error) {
	if len(p) == 0 {
		return 0, p, errHpackTruncated
	}
	k := uint64(1)<<n - 1
	v := uint64(p[0]) & k
	p = p[1:]
	if v < k {
		return v, p, nil
	}
	for m := uint(0); ; m += 7 {
		if len(p) == 0 {
			return 0, p, errHpackTruncated
		}
		if m >= 63 {
			return 0, p, errHpackVarint
		}
		b := p[0]
		p = p[1:]
		v += uint64(b&0x7f) << m
		if b&0x80 == 0 {
			return v, p, nil
		}
	}
}

// readString reads a string literal (RFC 7541 §5.2); with want false it
// is skipped, not decoded.
func readString(p []byte, want bool) (string, []byte, error) {
	if len(p) == 0 {
		return "", p, errHpackTruncated
	}
	huff := p[0]&0x80 != 0
	n, p, err := readInt(p, 7)
	if err != nil {
		return "", p, err
	}
	if n > uint64(len(p)) {
		return "", p, errHpackTruncated
	}
	raw := p[:n]
	p = p[n:]
	if !want {
		return "", p, nil
	}
	if !huff {
		return string(raw), p, nil
	}
	s, err := hpack.HuffmanDecodeToString(raw)
	return s, p, err
}

// readValue is readString for the value of a literal field the table
// does not take, through the connection's litCache: a value encoded as the
// last one was is that one, neither decoded nor allocated again.
func (d *hdecoder) readValue(p []byte) (string, []byte, error) {
	if len(p) == 0 {
		return "", p, errHpackTruncated
	}
	huff := p[0]&0x80 != 0
	n, rest, err := readInt(p, 7)
	if err != nil {
		return "", rest, err
	}
	if n > uint64(len(rest)) {
		return "", rest, errHpackTruncated
	}
	raw := rest[:n]
	rest = rest[n:]
	c := &d.lit
	if c.n > 0 && c.huffman == huff && string(c.raw[:c.n]) == string(raw) {
		return c.value, rest, nil
	}
	var s string
	if huff {
		if s, err = hpack.HuffmanDecodeToString(raw); err != nil {
			return "", rest, err
		}
	} else {
		s = string(raw)
	}
	if len(raw) > 0 && len(raw) <= maxLitCache {
		c.n = copy(c.raw[:], raw)
		c.huffman, c.value = huff, s
	}
	return s, rest, nil
}

// decodeBlock decodes a whole header block into c.hb (see emit). Any
// error is a COMPRESSION_ERROR.
func (c *conn) decodeBlock(p []byte) error {
	d := c.hdec
	first := true
	for len(p) > 0 {
		b := p[0]
		switch {
		case b&0x80 != 0: // indexed field (§6.1)
			var e *hentry
			if b != 0xff { // an index under 127: one byte
				e = d.at(uint64(b & 0x7f))
				p = p[1:]
			} else {
				i, rest, err := readInt(p, 7)
				if err != nil {
					return err
				}
				e, p = d.at(i), rest
			}
			if e == nil {
				return errHpackIndex
			}
			c.emit(e)
		case b&0xe0 == 0x20: // dynamic table size update (§6.3)
			v, rest, err := readInt(p, 5)
			if err != nil {
				return err
			}
			if !first || v > hpackTableSize {
				return errHpackSizeUpdate
			}
			p = rest
			d.setMaxSize(uint32(v))
			continue
		default: // literals: with indexing (§6.2.1), without, never indexed
			n, indexing := uint(4), false
			if b&0xc0 == 0x40 {
				n, indexing = 6, true
			} else if b&0xe0 != 0 {
				return errHpackEncoding
			}
			i, rest, err := readInt(p, n)
			if err != nil {
				return err
			}
			p = rest
			want := indexing || c.hb.emitting()
			var e hentry
			var ne *hentry
			if i > 0 {
				if ne = d.at(i); ne == nil {
					return errHpackIndex
				}
			} else if e.name, p, err = readString(p, want); err != nil {
				return err
			}
			var value string
			if want && !indexing {
				value, p, err = d.readValue(p)
			} else {
				value, p, err = readString(p, want)
			}
			if err != nil {
				return err
			}
			if !want {
				break
			}
			if ne != nil {
				// The name's checks and key are its entry's.
				e = *ne
				e.value, e.valueOK = value, ValidFieldValue(value)
			} else {
				e = newEntry(e.name, value, "")
				if !e.pseudo && e.nameOK {
					e.canon = c.canonical(e.name)
				}
			}
			if indexing {
				d.add(e)
			}
			c.emit(&e)
		}
		first = false
	}
	return nil
}

// canonical is http.CanonicalHeaderKey(name) for a valid lower-case name,
// from the connection's cache when it is not one of the common names.
func (c *conn) canonical(name string) string {
	if k := commonCanonical(name); k != "" {
		return k
	}
	if k, ok := c.canon[name]; ok {
		return k
	}
	k := http.CanonicalHeaderKey(name)
	if c.canon == nil {
		c.canon = map[string]string{}
	}
	if len(c.canon) < 256 && len(name) <= 64 {
		c.canon[name] = k
	}
	return k
}

// emitting reports whether fields still go into the block: not after a
// malformed one, nor past the size limit (the rest is decoded for the
// table's sake only).
func (b *fieldBlock) emitting() bool { return b.invalid == nil && !b.tooLarge }

// emit collects a decoded field into c.hb.
func (c *conn) emit(e *hentry) {
	b := &c.hb
	if !b.emitting() {
		return
	}
	switch {
	case !e.valueOK:
		b.invalid = errBadHeaderValue
	case e.pseudo && len(b.fields) > b.nPseudo:
		b.invalid = errPseudoAfterRegular
	case !e.nameOK:
		b.invalid = errBadHeaderName
	}
	if b.invalid != nil {
		return
	}
	b.size += e.size()
	if b.size > c.srv.maxHeaderList() {
		b.tooLarge = true
		return
	}
	if e.pseudo {
		b.nPseudo++
	}
	b.fields = append(b.fields, reqField{name: e.name, value: e.value, canon: e.canon})
}
