package h2

import (
	"bytes"
	"math/rand/v2"
	"net"
	"reflect"
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
