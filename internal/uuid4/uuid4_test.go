package uuid4

import (
	"regexp"
	"testing"
)

var shape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestFormat: known bits give known digits (a's nibbles lowest first, then
// c's, the variant over the 16th), and any bits give the version 4 shape.
func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		a, c uint64
		want string
	}{
		{0, 0, "00000000-0000-4000-8000-000000000000"},
		{^uint64(0), ^uint64(0), "ffffffff-ffff-4fff-bfff-ffffffffffff"},
		{0xfedcba9876543210, 0x0edcba9876543210, "01234567-89ab-4cde-b012-3456789abcde"},
		{0x1000000000000000, 1, "00000000-0000-4000-9100-000000000000"},
	} {
		var b [36]byte
		Format(&b, tc.a, tc.c)
		if string(b[:]) != tc.want {
			t.Errorf("Format(%#x, %#x) = %s, want %s", tc.a, tc.c, b[:], tc.want)
		}
	}
	for i := range uint64(1000) {
		var b [36]byte
		Format(&b, i*0x9e3779b97f4a7c15, ^i*0xbf58476d1ce4e5b9)
		if !shape.Match(b[:]) {
			t.Fatalf("%s is not a version 4 UUID", b[:])
		}
	}
}
