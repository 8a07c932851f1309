package h2

// Header field checks on the request path. Every field the server decodes
// and every field either side encodes is checked, so they are written to
// cost little: values 8 bytes at a time, names by a bit table. Together
// with the HPACK work they were ~15% of the instructions of a MOCK request
// (BenchmarkMockServedRaw under callgrind) as httpguts' byte loops.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// ValidFieldValue reports whether v may be a header field value:
// httpguts.ValidHeaderFieldValue's rule (no control byte but tab: none of
// 0x00–0x08, 0x0a–0x1f, 0x7f), read 8 bytes at a time (a value of 8 bytes
// or more ends with the word of its last 8, which may overlap the one
// before). A word that may hold such a byte is looked at byte by byte.
func ValidFieldValue(v string) bool {
	n := len(v)
	if n < 8 {
		return validValueBytes(v)
	}
	for i := 0; i < n; i += 8 {
		i = min(i, n-8)
		w := v[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		// With the high bits cleared and one added, a byte under 0x20
		// or a 0x7f is under 0x21 (as are 0x80–0x9f and 0xff: false
		// alarms, which only cost the byte-by-byte look). No byte
		// carries into the next, and subtracting 0x21 from each sets
		// the high bit of the lowest one under 0x21, never missing it.
		t := ((x &^ highs) + ones) &^ highs
		if (t-ones*0x21)&highs != 0 && !validValueBytes(w) {
			return false
		}
	}
	return true
}

// validValueBytes is ValidFieldValue one byte at a time.
func validValueBytes(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

// wireNameBits is the set of bytes an HTTP/2 field name may hold: the
// token characters of RFC 9110 §5.6.2 but upper-case letters (RFC 9113
// §8.2.1): bit c of word c/64.
var wireNameBits = [2]uint64{0x03ff6cfa00000000, 0x57ffffffc0000000}

// validWireName reports whether name is a lower-case token, as HTTP/2
// requires of field names (RFC 9113 §8.2.1).
func validWireName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 128 || wireNameBits[c>>6]&(1<<(c&63)) == 0 {
			return false
		}
	}
	return true
}
