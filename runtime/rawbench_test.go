package runtime

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// BenchmarkMockServedRaw is BenchmarkMockServed with a client that costs
// almost nothing: h2load's request (its header block, HPACK-indexed after
// the first but for :path, which nghttp2 never indexes), written by hand in batches of 10 streams on one cleartext
// connection, and the answers only counted (frame headers read, END_STREAM
// flags counted). What it measures is the gateway's own work per request,
// so that callgrind's instruction counts (3,000 vs 9,000 iterations) are
// the server's:
//
//	go test -c -o /tmp/rt.test ./runtime
//	GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//	  /tmp/rt.test -test.run XXX -test.bench MockServedRaw -test.benchtime 3000x
func BenchmarkMockServedRaw(b *testing.B) {
	t := newTB("benchmockr", stage("prod", nil))
	t.method("/mock", "GET", benchMock())
	gw := start(b, t.build(), func(c *Config) { c.NoThrottle = true; c.Logger = slog.New(slog.DiscardHandler) })
	benchRawGET(b, gw.http, "/prod/mock")
}

// BenchmarkProxyH2CServedRaw is BenchmarkMockServedRaw for the HTTP_PROXY
// route of BenchmarkProxyH2CServed (the in-process backend's work is
// counted too).
func BenchmarkProxyH2CServedRaw(b *testing.B) {
	addr := benchBackend(b)
	t := newTB("benchproxr", stage("prod", nil))
	t.method("/p/{id}", "GET", proxyTo("http://"+addr+"/hello/{id}", true))
	gw := start(b, t.build(), func(c *Config) { c.NoThrottle = true; c.Logger = slog.New(slog.DiscardHandler) })
	benchRawGET(b, gw.http, "/prod/p/42?q=1")
}

// rawBatch is how many streams benchRawGET keeps open at once (h2load -m 10).
const rawBatch = 10

// benchRawGET sends b.N GETs of path to addr over one h2c connection,
// rawBatch at a time, each batch in one write, and waits for every answer
// to end. Every answer must be 200.
func benchRawGET(b *testing.B, addr, path string) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	var out bytes.Buffer
	fr := http2.NewFramer(&out, nil)
	out.WriteString(http2.ClientPreface)
	fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 30}, http2.Setting{ID: http2.SettingEnablePush, Val: 0})
	fr.WriteWindowUpdate(0, 1<<30)
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	id := uint32(1)
	in := &rawReader{r: nc, buf: make([]byte, 64<<10)}
	block := func() []byte {
		hb.Reset()
		for _, f := range []hpack.HeaderField{
			{Name: ":method", Value: "GET"}, {Name: ":path", Value: path}, {Name: ":scheme", Value: "http"},
			{Name: ":authority", Value: addr}, {Name: "accept", Value: "*/*"},
			{Name: "accept-encoding", Value: "gzip, deflate"}, {Name: "user-agent", Value: "h2load nghttp2/1.52.0"},
		} {
			if f.Name == ":path" {
				// As nghttp2 sends it: never in the table (a literal
				// without indexing, name index 4), Huffman-coded.
				hb.WriteByte(0x04)
				n := hpack.HuffmanEncodeLength(f.Value)
				if n >= 127 {
					b.Fatal("benchRawGET: a path that long needs a longer length")
				}
				hb.Write(hpack.AppendHuffmanString([]byte{0x80 | byte(n)}, f.Value))
				continue
			}
			enc.WriteField(f)
		}
		return bytes.Clone(hb.Bytes())
	}
	// The first block adds the fields to the gateway's HPACK table; every
	// later one is the same indexed block, made once.
	first := block()
	next := block()
	nc.SetReadDeadline(time.Now().Add(time.Minute))
	batch := func(n int) {
		for range n {
			fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: first, EndStream: true, EndHeaders: true})
			first = next
			id += 2
		}
		if _, err := nc.Write(out.Bytes()); err != nil {
			b.Fatal(err)
		}
		out.Reset()
		if err := in.await(n); err != nil {
			b.Fatal(err)
		}
	}
	batch(1) // the first request: the dial, the gateway's first stream
	b.ReportAllocs()
	b.ResetTimer()
	for left := b.N; left > 0; left -= rawBatch {
		batch(min(left, rawBatch))
	}
}

var errNot200 = errors.New("an answer that is not 200, or not HPACK-indexed :status 200")

// rawReader reads frames and counts streams ended, checking each response
// HEADERS frame starts with HPACK's indexed :status 200 (0x88), after any
// dynamic table size update.
type rawReader struct {
	r        net.Conn
	buf      []byte
	have, at int
}

func (rr *rawReader) await(n int) error {
	for n > 0 {
		for rr.have-rr.at < 9 || rr.have-rr.at < 9+int(rr.buf[rr.at])<<16|int(rr.buf[rr.at+1])<<8|int(rr.buf[rr.at+2]) {
			if rr.at > 0 {
				rr.have = copy(rr.buf, rr.buf[rr.at:rr.have])
				rr.at = 0
			}
			m, err := rr.r.Read(rr.buf[rr.have:])
			if err != nil {
				return err
			}
			rr.have += m
		}
		h := rr.buf[rr.at : rr.at+9]
		size := int(h[0])<<16 | int(h[1])<<8 | int(h[2])
		typ, flags := http2.FrameType(h[3]), http2.Flags(h[4])
		payload := rr.buf[rr.at+9 : rr.at+9+size]
		rr.at += 9 + size
		switch typ {
		case http2.FrameHeaders:
			for len(payload) > 0 && payload[0]&0xe0 == 0x20 && payload[0] != 0x3f {
				payload = payload[1:] // a dynamic table size update (under 31)
			}
			if len(payload) == 0 || payload[0] != 0x88 {
				return errNot200
			}
			if flags.Has(http2.FlagHeadersEndStream) {
				n--
			}
		case http2.FrameData:
			if flags.Has(http2.FlagDataEndStream) {
				n--
			}
		case http2.FrameGoAway, http2.FrameRSTStream:
			return io.ErrUnexpectedEOF
		}
	}
	return nil
}
