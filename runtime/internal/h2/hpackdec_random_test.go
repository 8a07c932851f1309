package h2

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/net/http2/hpack"
)

// TestHpackDecoderRandomBlocks: arbitrary bytes (biased towards indexed
// fields, literal prefixes and short strings) decode as x/net's decoder
// decodes them, block after block on one connection: the same error or
// none, the same fields while the block is well formed. The reference's
// callback stops emitting at the first malformed field, as the server's
// did with x/net's decoder (SetEmitEnabled(false)), so the strings it
// then skips are not decoded by either. One difference is on purpose: a
// table size update after a field is an error here (RFC 7541 §4.2),
// where x/net lets it pass while its table is empty.
func TestHpackDecoderRandomBlocks(t *testing.T) {
	rounds := 100000
	if testing.Short() {
		rounds = 10000
	}
	r := rand.New(rand.NewPCG(7, 9))
	for round := 0; round < rounds; round++ {
		ours := decodeConn()
		var want []hpack.HeaderField
		var ref *hpack.Decoder
		regular := false
		ref = hpack.NewDecoder(hpackTableSize, func(f hpack.HeaderField) {
			want = append(want, f)
			pseudo := len(f.Name) > 0 && f.Name[0] == ':'
			bad := pseudo && regular
			if !pseudo {
				regular = true
			}
			if bad || !ValidFieldValue(f.Value) || (!pseudo && !validWireName(f.Name)) {
				ref.SetEmitEnabled(false)
			}
		})
		for range 4 {
			b := make([]byte, r.IntN(40))
			for i := range b {
				switch r.IntN(6) {
				case 0:
					b[i] = byte(0x80 | r.IntN(70)) // indexed, static or dynamic
				case 1:
					b[i] = byte(0x40 | r.IntN(4)) // literal with indexing
				case 2:
					b[i] = byte(r.IntN(5)) // short length or literal without indexing
				case 3:
					b[i] = byte('a' + r.IntN(4))
				default:
					b[i] = byte(r.IntN(256))
				}
			}
			want, regular = want[:0], false
			ref.SetEmitEnabled(true)
			_, refErr := ref.Write(b)
			if refErr == nil {
				refErr = ref.Close()
			}
			ours.hb = fieldBlock{}
			err := ours.decodeBlock(b)
			if refErr == nil && err == errHpackSizeUpdate {
				break // the difference on purpose
			}
			if (refErr == nil) != (err == nil) {
				t.Fatalf("block %x: x/net's decoder: %v; ours: %v", b, refErr, err)
			}
			if err != nil || ours.hb.invalid != nil || ours.hb.tooLarge {
				break // the connection ends, or x/net's emitted what ours refused
			}
			if len(ours.hb.fields) != len(want) {
				t.Fatalf("block %x: %d fields, x/net's decoder %d", b, len(ours.hb.fields), len(want))
			}
			for i, f := range ours.hb.fields {
				if f.name != want[i].Name || f.value != want[i].Value {
					t.Fatalf("block %x field %d: %q: %q, x/net's decoder %q: %q", b, i, f.name, f.value, want[i].Name, want[i].Value)
				}
			}
		}
	}
}
