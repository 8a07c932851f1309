package h2

import (
	"errors"
	"strings"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The Client decodes response header blocks itself, as the server decodes
// requests (headers.go), instead of through the Framer's ReadMetaHeaders:
// the fields go into one slice the connection keeps, not into a
// MetaHeadersFrame and a fresh slice per response, and each field is
// checked once, here.

// clientMaxHeaderList is the SETTINGS_MAX_HEADER_LIST_SIZE the Client
// announces: a response header list past it fails its request.
const clientMaxHeaderList = 1 << 20

var (
	errRespHeaderList = errors.New("h2: backend response header list over the limit")
	errRespPseudo     = errors.New("h2: backend response has a pseudo-header other than one :status first")
)

// respBlock is one decoded response header block (reader goroutine).
type respBlock struct {
	streamID  uint32
	endStream bool
	status    string
	fields    []hpack.HeaderField // regular fields
	size      uint32
	// invalid: a malformed field; the block was still decoded to its
	// end, for the table's sake, and fails only its stream.
	invalid error
}

func (cc *cconn) emitField(hf hpack.HeaderField) {
	b := &cc.hb
	if b.invalid != nil {
		return
	}
	if b.size += hf.Size(); b.size > clientMaxHeaderList {
		b.invalid = errRespHeaderList
	} else if strings.HasPrefix(hf.Name, ":") {
		if hf.Name != ":status" || b.status != "" || len(b.fields) > 0 {
			b.invalid = errRespPseudo
		}
		b.status = hf.Value
	} else if !cc.validName(hf.Name) {
		b.invalid = errBadHeaderName
	} else if !ValidFieldValue(hf.Value) {
		b.invalid = errBadHeaderValue
	} else {
		b.fields = append(b.fields, hf)
	}
	if b.invalid != nil {
		cc.hdec.SetEmitEnabled(false)
	}
}

// validName is validWireName, answered from cc.wireNames for a name found
// valid before (reader goroutine).
func (cc *cconn) validName(name string) bool {
	if name == "" {
		return false
	}
	slot := &cc.wireNames[(len(name)*7+int(name[len(name)-1]))&15]
	if *slot == name {
		return true
	}
	if !validWireName(name) {
		return false
	}
	if len(name) <= 64 {
		*slot = name // (a long one is not kept for the connection's life)
	}
	return true
}

// readHeaderBlock decodes the header block f starts, with its
// CONTINUATION frames. The result is valid until the next call; an error
// is a connection error.
func (cc *cconn) readHeaderBlock(f *headersFrame) (*respBlock, error) {
	b := &cc.hb
	fields := b.fields[:0]
	if cap(fields) > 64 {
		fields = nil // do not keep a large list for the connection's life
	}
	*b = respBlock{streamID: f.StreamID, endStream: f.Flags.Has(http2.FlagHeadersEndStream), fields: fields}
	cc.hdec.SetEmitEnabled(true)
	frag, ended := f.frag, f.Flags.Has(http2.FlagHeadersEndHeaders)
	total := 0
	for {
		// A block may take more bytes than the list it decodes to, but
		// not without bound.
		if total += len(frag); total > 4*clientMaxHeaderList {
			return nil, http2.ConnectionError(http2.ErrCodeEnhanceYourCalm)
		}
		if _, err := cc.hdec.Write(frag); err != nil {
			return nil, http2.ConnectionError(http2.ErrCodeCompression)
		}
		if ended {
			break
		}
		// The Framer lets only CONTINUATION frames of this stream come
		// next (anything else is a connection error).
		next, err := cc.fr.ReadFrame()
		if err != nil {
			return nil, err
		}
		cf, ok := next.(*http2.ContinuationFrame)
		if !ok {
			return nil, http2.ConnectionError(http2.ErrCodeProtocol)
		}
		frag, ended = cf.HeaderBlockFragment(), cf.HeadersEnded()
	}
	if err := cc.hdec.Close(); err != nil {
		return nil, http2.ConnectionError(http2.ErrCodeCompression)
	}
	return b, nil
}
