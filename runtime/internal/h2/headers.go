package h2

import (
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strconv"

	"golang.org/x/net/http2"
)

// The server decodes header blocks itself instead of through the Framer's
// ReadMetaHeaders, for two reasons the Framer cannot serve:
//
//   - A block over the header-list limit must still be decoded to the end:
//     HPACK state is shared by the whole connection (RFC 9113 §4.3), and
//     only then can that one stream be answered 431 while the others go
//     on. x/net's Framer turns such a block into a connection error.
//   - A CONTINUATION flood (a block that never ends, or ends only after
//     megabytes) must end the connection after a bounded amount of work,
//     counted in frames as well as bytes.

// Bounds on one header block, beyond the header-list limit that earns a
// 431: past them the connection is closed with ENHANCE_YOUR_CALM.
const (
	// headerSlack is added to Server.MaxHeaderBytes, as net/http adds it
	// for HTTP/1.1, so both protocols accept the same requests.
	headerSlack = 4 << 10
	// maxBlockFactor times the header-list limit is the most encoded
	// header block read for one request.
	maxBlockFactor = 4
	// maxContinuations is the most CONTINUATION frames in one block: a
	// client needs one per 16 KiB of block, so a legitimate block stays
	// far below it.
	maxContinuations = 128
)

// fieldBlock is one decoded HEADERS (+ CONTINUATION) block. The server
// keeps one per connection and reuses it (reader goroutine only).
type fieldBlock struct {
	streamID    uint32
	endStream   bool
	hasPriority bool
	priority    http2.PriorityParam
	// fields holds the pseudo-headers first, then the regular ones.
	fields  []reqField
	nPseudo int
	// size is the list's size as RFC 9113 §6.5.2 counts it (name, value
	// and 32 bytes per field).
	size uint32
	// tooLarge: size passed the limit; fields is incomplete.
	tooLarge bool
	invalid  error
}

func (b *fieldBlock) pseudo(name string) string {
	for _, hf := range b.fields[:b.nPseudo] {
		if hf.name[1:] == name {
			return hf.value
		}
	}
	return ""
}

// requestPseudos returns the four pseudo-headers newRequest reads, each
// as pseudo returns it (the first field of that name, or ""), in one pass
// over the pseudo-headers: four pseudo calls compared every name four
// times (~260 instructions of every request).
func (b *fieldBlock) requestPseudos() (method, path, authority, scheme string) {
	var seen uint8
	for _, hf := range b.fields[:b.nPseudo] {
		var bit uint8
		var dst *string
		switch hf.name {
		case ":method":
			bit, dst = 1, &method
		case ":path":
			bit, dst = 2, &path
		case ":authority":
			bit, dst = 4, &authority
		case ":scheme":
			bit, dst = 8, &scheme
		default:
			continue
		}
		if seen&bit == 0 {
			seen |= bit
			*dst = hf.value
		}
	}
	return method, path, authority, scheme
}

func (b *fieldBlock) regular() []reqField { return b.fields[b.nPseudo:] }

var (
	errPseudoAfterRegular = errors.New("pseudo-header after a regular header")
	errBadHeaderName      = errors.New("invalid header field name")
	errBadHeaderValue     = errors.New("invalid header field value")
	errBadPseudo          = errors.New("unknown, duplicate or response pseudo-header in a request")
)

// errCalm is the connection error for a client that overdoes something.
var errCalm = http2.ConnectionError(http2.ErrCodeEnhanceYourCalm)

// maxHeaderList is the largest header list accepted (before a 431).
func (s *Server) maxHeaderList() uint32 { return s.MaxHeaderBytes + headerSlack }

// headersFrame is what readHeaders needs of a HEADERS frame (readFrame).
type headersFrame struct {
	http2.FrameHeader
	priority http2.PriorityParam
	// frag is the frame's header block fragment, valid until the next
	// read of the connection.
	frag []byte
}

// readFrame reads the next frame. A HEADERS frame comes back as hf, and
// one whose payload the read buffer holds whole (nearly every request)
// is parsed here, in place: x/net's Framer allocates a HeadersFrame for
// each and copies the payload into its own buffer first. Its checks are
// the Framer's (parseHeadersFrame), with the same errors.
func (c *conn) readFrame() (f http2.Frame, hf *headersFrame, err error) {
	fh, err := c.fr.ReadFrameHeader()
	if err != nil {
		return nil, nil, err
	}
	if fh.Type == http2.FrameHeaders {
		if p, ok := c.rd.take(int(fh.Length)); ok {
			if err := c.hf.parse(fh, p); err != nil {
				return nil, nil, err
			}
			return nil, &c.hf, nil
		}
	}
	if f, err = c.fr.ReadFrameForHeader(fh); err != nil {
		return nil, nil, err
	}
	if xf, ok := f.(*http2.HeadersFrame); ok {
		// Read by the Framer: its buffer has grown to the frame's size,
		// which bigFrame hands back when the connection idles.
		c.bigFrame = c.bigFrame || fh.Length > 4<<10
		c.hf = headersFrame{FrameHeader: xf.FrameHeader, priority: xf.Priority, frag: xf.HeaderBlockFragment()}
		return nil, &c.hf, nil
	}
	return f, nil, nil
}

// parse fills f from a HEADERS frame's header and payload p, as x/net's
// parseHeadersFrame does (RFC 9113 §6.2): padding and priority taken off,
// and its errors — stream 0 a connection error, padding longer than the
// rest a stream error, a payload too short for its flags
// io.ErrUnexpectedEOF.
func (f *headersFrame) parse(fh http2.FrameHeader, p []byte) error {
	if fh.StreamID == 0 {
		return http2.ConnectionError(http2.ErrCodeProtocol)
	}
	*f = headersFrame{FrameHeader: fh}
	pad := 0
	if fh.Flags.Has(http2.FlagHeadersPadded) {
		if len(p) < 1 {
			return io.ErrUnexpectedEOF
		}
		pad, p = int(p[0]), p[1:]
	}
	if fh.Flags.Has(http2.FlagHeadersPriority) {
		if len(p) < 5 {
			return io.ErrUnexpectedEOF
		}
		v := binary.BigEndian.Uint32(p)
		f.priority = http2.PriorityParam{StreamDep: v & 0x7fffffff, Exclusive: v&0x80000000 != 0, Weight: p[4]}
		p = p[5:]
	}
	if len(p) < pad {
		return http2.StreamError{StreamID: fh.StreamID, Code: http2.ErrCodeProtocol}
	}
	f.frag = p[:len(p)-pad]
	return nil
}

// readHeaders decodes the header block that f starts, reading its
// CONTINUATION frames. The result is valid until the next call. A block
// over the header-list limit is decoded to its end and returned with
// tooLarge set; malformed fields are a stream error; a block past the
// bounds above is a connection error ENHANCE_YOUR_CALM.
func (c *conn) readHeaders(f *headersFrame) (*fieldBlock, error) {
	b := &c.hb
	fields := b.fields[:0]
	if cap(fields) > 64 {
		fields = nil // do not keep a large list for the connection's life
	}
	*b = fieldBlock{
		streamID: f.StreamID, endStream: f.Flags.Has(http2.FlagHeadersEndStream),
		hasPriority: f.Flags.Has(http2.FlagHeadersPriority), priority: f.priority, fields: fields,
	}
	if c.hdec == nil {
		c.newDecoder()
	}
	maxBlock := int(c.srv.maxHeaderList()) * maxBlockFactor
	frag, ended := f.frag, f.Flags.Has(http2.FlagHeadersEndHeaders)
	if len(frag) > maxBlock {
		return nil, c.calm(abuseHeaderBlock)
	}
	block := frag
	if !ended {
		// The block goes on in CONTINUATION frames: gather it (the
		// Framer reuses its buffer), then decode it whole.
		buf := append(c.hdec.buf[:0], frag...)
		conts := 0
		for !ended {
			// The Framer guarantees that only CONTINUATION frames of
			// this stream come next (anything else is a connection
			// error).
			next, err := c.fr.ReadFrame()
			if err != nil {
				return nil, err
			}
			cf, ok := next.(*http2.ContinuationFrame)
			if !ok {
				return nil, http2.ConnectionError(http2.ErrCodeProtocol)
			}
			if conts++; conts > maxContinuations {
				return nil, c.calm(abuseHeaderBlock)
			}
			frag, ended = cf.HeaderBlockFragment(), cf.HeadersEnded()
			if len(buf)+len(frag) > maxBlock {
				return nil, c.calm(abuseHeaderBlock)
			}
			buf = append(buf, frag...)
		}
		block = buf
		if cap(buf) <= 16<<10 {
			c.hdec.buf = buf // kept for the next such block
		} else {
			c.hdec.buf = nil
		}
	}
	if err := c.decodeBlock(block); err != nil {
		return nil, http2.ConnectionError(http2.ErrCodeCompression)
	}
	if b.invalid != nil {
		return nil, http2.StreamError{StreamID: b.streamID, Code: http2.ErrCodeProtocol, Cause: b.invalid}
	}
	if err := b.checkPseudos(); err != nil {
		return nil, http2.StreamError{StreamID: b.streamID, Code: http2.ErrCodeProtocol, Cause: err}
	}
	return b, nil
}

// checkPseudos rejects unknown and duplicate pseudo-headers, and
// :status in a request (RFC 9113 §8.3).
func (b *fieldBlock) checkPseudos() error {
	// A bit per name seen: one switch a field, not a compare with each
	// field before it.
	var seen uint8
	for _, hf := range b.fields[:b.nPseudo] {
		var bit uint8
		switch hf.name {
		case ":method":
			bit = 1
		case ":path":
			bit = 2
		case ":scheme":
			bit = 4
		case ":authority":
			bit = 8
		case ":protocol":
			bit = 16
		default:
			return errBadPseudo
		}
		if seen&bit != 0 {
			return errBadPseudo
		}
		seen |= bit
	}
	return nil
}

// headersTooLarge answers a request whose header list is over the limit,
// as net/http answers one over HTTP/1.1.
var headersTooLarge = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	const msg = "431 Request Header Fields Too Large"
	h := w.Header()
	h["Content-Type"] = []string{"text/plain; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(msg))}
	w.WriteHeader(http.StatusRequestHeaderFieldsTooLarge)
	io.WriteString(w, msg)
})
