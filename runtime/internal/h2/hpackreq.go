package h2

import (
	"net/http"
	"strconv"
)

// The Client's request header blocks. A backend sees the same few headers
// with the same values on every request of a connection (:authority,
// User-Agent, Accept, X-Forwarded-Proto and -Port), so they are worth
// HPACK's dynamic table: indexed, a field is one byte to write and, in the
// backend's decoder, a string it need not allocate. But x/net's Encoder
// searches its table with two hashed map lookups per field (5% of the
// gateway's CPU on a proxied route). reqEncoder indexes without a search:
//
//   - each header name (cached per connection, as for responses) remembers
//     the first value it inserted into the table and where;
//   - a field whose value is that one is written as its index;
//   - any other value is a literal never indexed (its name given by the
//     entry's index), so a name whose value changes per request
//     (X-Amzn-Trace-Id) costs one table entry, once;
//   - entries are inserted only while the table has room, so nothing is
//     ever evicted and an entry's index follows from the order of
//     insertion alone.
//
// When the backend lowers SETTINGS_HEADER_TABLE_SIZE below what we use,
// the next block empties the table (a size update to 0, then the new
// size) and indexing starts over.

// maxReqTable is the table we use: HTTP/2's default, which a backend
// need not announce.
const maxReqTable = 4096

// reqEncoder is one connection's request encoder (cconn.wmu held).
type reqEncoder struct {
	names fieldNames
	// recent holds names' entries by recentSlot: a backend request
	// carries the same few names every time, and a map lookup hashed
	// each (~150 instructions a name, 5 names a proxied request, 2% of
	// the gateway's instructions under h2load); a slot costs a compare.
	recent [16]recentName
	// authority and path are the pseudo-headers' index state.
	authority, path fieldName
	// n entries of size bytes (RFC 7541 §4.1) are in the table; max is
	// its size limit.
	n, size, max int
	// resize: a size update to max must start the next block.
	resize bool
	// sized: the encoder was set up.
	sized bool
}

func (e *reqEncoder) init() {
	e.names = fieldNames{}
	e.authority = fieldName{lower: ":authority", cached: true, prefix: []byte{0x01}}
	e.path = fieldName{lower: ":path", cached: true, prefix: []byte{0x04}}
	e.max = maxReqTable
	e.sized = true
}

// setMaxTable applies the backend's SETTINGS_HEADER_TABLE_SIZE.
func (e *reqEncoder) setMaxTable(v uint32) {
	if !e.sized {
		e.init()
	}
	if int64(v) >= int64(e.max) {
		return // more room than we use: nothing to tell
	}
	e.max, e.resize = int(v), true
}

// appendRequest appends the header block of a request.
func (e *reqEncoder) appendRequest(hb []byte, method, host, path string, h http.Header, contentLength int64) []byte {
	if !e.sized {
		e.init()
	}
	if e.resize {
		// Empty the table, then allow what the backend allows.
		hb = appendInt(append(hb, 0x20), 0x20, 5, uint64(e.max))
		e.n, e.size, e.resize = 0, 0, false
		for _, fn := range e.names {
			fn.indexed = false
		}
		e.authority.indexed, e.path.indexed = false, false
	}
	switch method {
	case "GET":
		hb = append(hb, 0x82) // static index 2
	case "POST":
		hb = append(hb, 0x83)
	default:
		hb = appendString(append(hb, 0x02), method) // name index 2, not indexed
	}
	hb = append(hb, 0x86) // :scheme http
	hb = e.appendField(hb, &e.authority, host)
	if path == "/" {
		hb = append(hb, 0x84)
	} else {
		hb = e.appendField(hb, &e.path, path)
	}
	for k, vv := range h {
		fn := e.name(k)
		if fn.skipRequest {
			continue
		}
		for _, v := range vv {
			if ValidFieldValue(v) {
				hb = e.appendField(hb, fn, v)
			}
		}
	}
	if contentLength > 0 {
		hb = appendInt(hb, 0, 4, uint64(staticNameIndex["content-length"]))
		var b [20]byte
		v := strconv.AppendInt(b[:0], contentLength, 10)
		hb = append(appendInt(hb, 0, 7, uint64(len(v))), v...)
	}
	return hb
}

// recentName is one slot of reqEncoder.recent: a canonical name and its
// entry in names.
type recentName struct {
	k  string
	fn *fieldName
}

// name returns names.get(k), from its recent slot when it is there. Only
// names the map keeps are put in a slot: their entries stay the map's (it
// never drops one), so a slot is never stale.
func (e *reqEncoder) name(k string) *fieldName {
	if k == "" {
		return e.names.get(k)
	}
	r := &e.recent[(len(k)*7+int(k[len(k)-1]))&15]
	if r.fn != nil && r.k == k {
		return r.fn
	}
	fn := e.names.get(k)
	if fn.cached {
		r.k, r.fn = k, fn
	}
	return fn
}

// appendField appends one field: its index if the table holds it, else a
// literal, inserted into the table if it is the name's first value and
// fits.
func (e *reqEncoder) appendField(hb []byte, fn *fieldName, v string) []byte {
	if fn.indexed {
		i := uint64(61 + e.n - fn.entry) // 62 is the newest entry
		if fn.value == v {
			return appendInt(hb, 0x80, 7, i)
		}
		// Another value: a literal never indexed, named by the entry
		// (the backend's decoder then has the name as a string).
		return appendString(appendInt(hb, 0, 4, i), v)
	} else if sz := len(fn.lower) + len(v) + 32; fn.cached && e.size+sz <= e.max {
		fn.indexed, fn.value, fn.entry = true, v, e.n
		e.n++
		e.size += sz
		// Literal with incremental indexing (01xxxxxx).
		if i, ok := staticNameIndex[fn.lower]; ok {
			hb = appendInt(hb, 0x40, 6, uint64(i))
		} else if fn.lower == ":authority" || fn.lower == ":path" {
			hb = append(hb, 0x40|fn.prefix[0])
		} else {
			hb = appendString(append(hb, 0x40), fn.lower)
		}
		return appendString(hb, v)
	}
	hb = append(hb, fn.prefix...)
	return appendString(hb, v)
}
