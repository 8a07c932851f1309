package h2

import (
	"net/http"
	"strconv"
)

// Response header slots: the few headers the gateway sets on nearly every
// answer (its two request ids, Content-Type, Content-Length) can be given
// to an inline stream's writer as values in fixed slots of the connection
// instead of entries of the response header map. A map entry cost an
// assignment (hashing the name), a lookup by finish, a step of the map
// iteration and a name lookup when encoded — about a tenth of a MOCK
// request's instructions; a slot costs a store and an append of its
// prepared name.
//
// Only the stream running inline on the reader goroutine uses the slots,
// and only until it is detached: Detach moves them into slots of the
// stream's own (kept), which take no more settings — a header set after
// Detach goes into the map. A header in both a slot and the map is sent as
// the map has it, and setting a slot deletes the map's entry: whichever
// was set last is what is sent, as with the map alone. To remove a slotted
// header, use DelHeader: deleting it from the map alone leaves its slot
// value, which is then sent (before Detach as after it).

// Slot names a response header that has a slot.
type Slot uint8

const (
	SlotRequestID     Slot = iota // x-amzn-RequestId
	SlotApigwID                   // x-amz-apigw-id
	SlotContentType               // Content-Type
	SlotContentLength             // Content-Length (SetContentLength)
	nSlots
)

// slotKeys are the slots' names as header map keys, slotNames as encoded.
var (
	slotKeys  = [nSlots]string{"x-amzn-RequestId", "x-amz-apigw-id", "Content-Type", "Content-Length"}
	slotNames = [nSlots]*fieldName{fnRequestID, fnApigwID, fnContentType, fnContentLength}
)

// respSlots are the slot values of the inline stream running now (reader
// goroutine only). set has bit s for each slot given; length is Content-
// Length's value.
type respSlots struct {
	set    uint8
	v      [nSlots]string
	length int64
}

// slotWriter returns w as this package's writer when it may use the
// connection's slots: an inline stream's that is not detached.
func slotWriter(w http.ResponseWriter) *responseWriter {
	rw, ok := w.(*responseWriter)
	if !ok || !rw.inline || rw.st.detached.Load() {
		return nil
	}
	if !rw.slotted {
		// The first slot of this stream: those of the stream before
		// are stale.
		rw.slotted = true
		rw.st.c.slots.set = 0
	}
	return rw
}

// SetHeader sets response header s of w to the single value v, in its slot,
// and reports true; it reports false, changing nothing, when w cannot use
// slots (the caller sets the header map instead).
// The values of SlotRequestID and SlotApigwID are sent unchecked: they
// must be valid field values (the gateway's are letters, digits, '-' and
// '=').
func SetHeader(w http.ResponseWriter, s Slot, v string) bool {
	rw := slotWriter(w)
	if rw == nil {
		return false
	}
	sl := &rw.st.c.slots
	sl.set |= 1 << s
	sl.v[s] = v
	if len(rw.h) > 0 {
		delete(rw.h, slotKeys[s])
	}
	return true
}

// SetContentLength is SetHeader for Content-Length n.
func SetContentLength(w http.ResponseWriter, n int64) bool {
	rw := slotWriter(w)
	if rw == nil {
		return false
	}
	sl := &rw.st.c.slots
	sl.set |= 1 << SlotContentLength
	sl.length = n
	if len(rw.h) > 0 {
		delete(rw.h, slotKeys[SlotContentLength])
	}
	return true
}

// DelHeader removes response header s of w, from its slot and its map.
func DelHeader(w http.ResponseWriter, s Slot) {
	if rw, ok := w.(*responseWriter); ok {
		if rw.slotted {
			rw.st.c.slots.set &^= 1 << s
		}
		if rw.kept != nil {
			rw.kept.set &^= 1 << s
		}
	}
	delete(w.Header(), slotKeys[s])
}

// unslot moves w's slot values out of the connection's slots into slots
// of its own, w.kept (Detach: the stream's answer is finished elsewhere,
// and the connection's slots serve the next one). One allocation, as the
// value slice of the map entries they went to before; those cost two map
// assignments and lookups, and a step of the map iteration, a name lookup
// and a value check each when encoded (~1,300 instructions of every
// proxied request, 4% of the gateway's, callgrind under h2load).
func (w *responseWriter) unslot() {
	if !w.slotted {
		return
	}
	w.slotted = false
	sl := &w.st.c.slots
	if sl.set == 0 {
		return
	}
	kept := new(respSlots)
	*kept = *sl
	w.kept = kept
	sl.set = 0
}

// slotsOf returns w's slots: the connection's while it uses them, else
// those it kept at Detach (nil: none).
func (w *responseWriter) slotsOf() *respSlots {
	if w.slotted {
		return &w.st.c.slots
	}
	return w.kept
}

// hasSlot reports whether w has slot s set (the map may override it).
func (w *responseWriter) hasSlot(s Slot) bool {
	sl := w.slotsOf()
	return sl != nil && sl.set&(1<<s) != 0
}

// appendSlots appends the slot fields of sl (w's) to the header block hb
// but those in mapped (bit s: the header map had the slot's name, which
// overrides it), and reports whether one was Content-Type.
func appendSlots(sl *respSlots, hb []byte, mapped uint8) ([]byte, bool) {
	hasCT := false
	for s := range nSlots {
		if (sl.set&^mapped)&(1<<s) == 0 {
			continue
		}
		fn := slotNames[s]
		if s == SlotContentLength {
			hb = append(hb, fn.prefix...)
			hb = appendDigits(hb, sl.length)
			continue
		}
		if s >= SlotContentType && !ValidFieldValue(sl.v[s]) {
			continue // (the ids' values are the caller's to keep valid)
		}
		hasCT = hasCT || s == SlotContentType
		hb = append(hb, fn.prefix...)
		hb = appendString(hb, sl.v[s])
	}
	return hb, hasCT
}

// appendDigits appends n in decimal as a plain HPACK string.
func appendDigits(hb []byte, n int64) []byte {
	var d [20]byte
	b := strconv.AppendInt(d[:0], n, 10)
	hb = append(hb, byte(len(b)))
	return append(hb, b...)
}
