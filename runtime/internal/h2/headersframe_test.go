package h2

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TestHeadersFrameParse: readFrame's own parse of a HEADERS frame (padding,
// priority, stream 0, payloads too short for their flags) gives what
// x/net's Framer gives for the same bytes: the same fragment and priority,
// or the same error.
func TestHeadersFrameParse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	flagsOf := []http2.Flags{0, http2.FlagHeadersPadded, http2.FlagHeadersPriority, http2.FlagHeadersPadded | http2.FlagHeadersPriority}
	for i := range 20000 {
		payload := make([]byte, r.IntN(12))
		for j := range payload {
			payload[j] = byte(r.IntN(256))
			if r.IntN(3) == 0 {
				payload[j] = byte(r.IntN(8)) // short pad lengths
			}
		}
		id := uint32(r.IntN(3)) // 0 is an error
		fl := flagsOf[r.IntN(len(flagsOf))] | http2.FlagHeadersEndHeaders
		var wire bytes.Buffer
		wire.Write([]byte{0, 0, byte(len(payload)), byte(http2.FrameHeaders), byte(fl), 0, 0, 0, byte(id)})
		wire.Write(payload)

		ref := http2.NewFramer(nil, bytes.NewReader(wire.Bytes()))
		rf, refErr := ref.ReadFrame()

		var got headersFrame
		fh, err := http2.NewFramer(nil, bytes.NewReader(wire.Bytes())).ReadFrameHeader()
		if err != nil {
			t.Fatal(err)
		}
		err = got.parse(fh, payload)
		if !reflect.DeepEqual(err, refErr) {
			t.Fatalf("case %d, flags %v stream %d payload %x: error %#v, x/net's %#v", i, fl, id, payload, err, refErr)
		}
		if err != nil {
			continue
		}
		hf := rf.(*http2.HeadersFrame)
		if !bytes.Equal(got.frag, hf.HeaderBlockFragment()) || got.priority != hf.Priority || got.StreamID != hf.StreamID || got.Flags != hf.Flags {
			t.Fatalf("case %d, flags %v payload %x: fragment %x priority %+v, x/net's %x %+v", i, fl, payload, got.frag, got.priority, hf.HeaderBlockFragment(), hf.Priority)
		}
	}
}

// TestHeadersFrameReadPaths: requests whose HEADERS frame the read buffer
// holds whole (parsed in place, padded and with a priority too) and ones
// it does not (a block larger than the buffer, a frame split across two
// writes: the Framer reads those) are all answered.
func TestHeadersFrameReadPaths(t *testing.T) {
	addr := okServer(t)
	fr := rawConn(t, addr)
	big := string(bytes.Repeat([]byte{'v'}, 2*readBufSize))
	writeRequest(fr, 1, true, append(getFields, "x-big", big)...)
	if status, body := expectResponse(t, fr, 1); status != "200" || body != "ok" {
		t.Fatalf("a block larger than the read buffer: %s %q", status, body)
	}
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 3, BlockFragment: headerBlock(getFields...), EndStream: true, EndHeaders: true,
		PadLength: 7, Priority: http2.PriorityParam{StreamDep: 1, Weight: 9}})
	if status, body := expectResponse(t, fr, 3); status != "200" || body != "ok" {
		t.Fatalf("padded, with a priority: %s %q", status, body)
	}

	// A frame in two writes, the second after a pause: the server's
	// first read (most often) ends inside the payload.
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(60 * time.Second))
	var wire bytes.Buffer
	wire.WriteString(http2.ClientPreface)
	w := http2.NewFramer(&wire, nil)
	w.WriteSettings()
	w.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: headerBlock(getFields...), EndStream: true, EndHeaders: true})
	b := wire.Bytes()
	cut := len(b) - 3
	nc.Write(b[:cut])
	time.Sleep(50 * time.Millisecond)
	nc.Write(b[cut:])
	rfr := http2.NewFramer(nil, nc)
	rfr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if status, body := expectResponse(t, rfr, 1); status != "200" || body != "ok" {
		t.Fatalf("a frame split across writes: %s %q", status, body)
	}
}

// TestClientHeadersFrameReadPaths: the Client takes response HEADERS
// frames parsed in place (padded, with a priority) and through the Framer
// (a block larger than its read buffer); padding longer than the payload
// fails that stream only, as x/net's Framer has it fail.
func TestClientHeadersFrameReadPaths(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	big := strings.Repeat("v", 40<<10) // over the Client's 32 KiB read buffer
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		pre := make([]byte, len(http2.ClientPreface))
		if _, err := io.ReadFull(nc, pre); err != nil {
			return
		}
		fr := http2.NewFramer(nc, nc)
		fr.WriteSettings()
		var hbuf bytes.Buffer
		enc := hpack.NewEncoder(&hbuf)
		n := 0
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			h, ok := f.(*http2.HeadersFrame)
			if !ok {
				continue
			}
			hbuf.Reset()
			enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
			switch n {
			case 0:
				enc.WriteField(hpack.HeaderField{Name: "x-case", Value: "padded"})
				fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h.StreamID, BlockFragment: hbuf.Bytes(), EndStream: true, EndHeaders: true,
					PadLength: 5, Priority: http2.PriorityParam{StreamDep: 0, Weight: 3}})
			case 1:
				enc.WriteField(hpack.HeaderField{Name: "x-case", Value: big})
				fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h.StreamID, BlockFragment: hbuf.Bytes(), EndStream: true, EndHeaders: true})
			case 2:
				// PADDED, a pad length of 200 in a payload of a few bytes.
				nc.Write([]byte{0, 0, 3, byte(http2.FrameHeaders), byte(http2.FlagHeadersPadded | http2.FlagHeadersEndHeaders | http2.FlagHeadersEndStream),
					0, 0, 0, byte(h.StreamID), 200, 0x88, 0})
			default:
				enc.WriteField(hpack.HeaderField{Name: "x-case", Value: "plain"})
				fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h.StreamID, BlockFragment: hbuf.Bytes(), EndStream: true, EndHeaders: true})
			}
			n++
		}
	}()
	addr := ln.Addr().String()
	cl := newClient(addr)
	defer cl.CloseIdle()
	for i, want := range []string{"padded", big, "", "plain"} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/", nil)
		resp, err := cl.RoundTrip(req)
		cancel()
		if want == "" {
			var se http2.StreamError
			if !errors.As(err, &se) || se.Code != http2.ErrCodeProtocol {
				t.Fatalf("request %d (padding past the payload): %v, want a stream error PROTOCOL_ERROR", i, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Case"); got != want {
			t.Fatalf("request %d: X-Case of %d bytes, want %d", i, len(got), len(want))
		}
	}
	cl.mu.Lock()
	n := len(cl.conns)
	cl.mu.Unlock()
	if n != 1 {
		t.Errorf("%d connections, want the one (the bad padding fails its stream only)", n)
	}
}

// TestHeadersFrameBigFrame: a HEADERS frame over 4 KiB that the read
// buffer does not hold whole is read by the Framer, whose buffer grows to
// it: bigFrame is set so that the buffer goes when the connection idles,
// as for any other frame that large. One parsed in place leaves the
// Framer's buffer as it was.
func TestHeadersFrameBigFrame(t *testing.T) {
	for _, c := range []struct {
		name string
		size int
		want bool
	}{{"small", 1 << 10, false}, {"past the read buffer", readBufSize + 2<<10, true}} {
		t.Run(c.name, func(t *testing.T) {
			a, b := net.Pipe()
			defer a.Close()
			defer b.Close()
			go func() {
				http2.NewFramer(b, nil).WriteHeaders(http2.HeadersFrameParam{StreamID: 1,
					BlockFragment: bytes.Repeat([]byte{0x80}, c.size), EndHeaders: true})
			}()
			cn := &conn{}
			cn.rd.init(a)
			cn.newFramer()
			_, hf, err := cn.readFrame()
			if err != nil || hf == nil || len(hf.frag) != c.size {
				t.Fatalf("readFrame: %v, %v", hf, err)
			}
			if cn.bigFrame != c.want {
				t.Errorf("a %d-byte HEADERS frame: bigFrame %v, want %v", c.size, cn.bigFrame, c.want)
			}
		})
	}
}
