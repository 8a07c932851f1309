package h2

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// TestValidFieldValueMatchesHTTPGuts checks ValidFieldValue against
// httpguts.ValidHeaderFieldValue: every byte at every position of values
// up to 20 bytes long (across the 8-byte words and the tail), and random
// values drawn mostly from the bytes near the edges of the rule.
func TestValidFieldValueMatchesHTTPGuts(t *testing.T) {
	for n := 1; n <= 20; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := []byte(strings.Repeat("a", n))
				b[pos] = byte(c)
				v := string(b)
				if got, want := ValidFieldValue(v), httpguts.ValidHeaderFieldValue(v); got != want {
					t.Fatalf("ValidFieldValue(%q) = %v, httpguts says %v", v, got, want)
				}
			}
		}
	}
	edge := []byte{0, 1, 8, 9, 10, 13, 0x1f, ' ', '!', 'a', 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xfe, 0xff}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			if r.IntN(8) == 0 {
				b[i] = edge[r.IntN(len(edge))]
			} else {
				b[i] = byte(' ' + r.IntN(0x5f))
			}
		}
		v := string(b)
		if got, want := ValidFieldValue(v), httpguts.ValidHeaderFieldValue(v); got != want {
			t.Fatalf("ValidFieldValue(%q) = %v, httpguts says %v", v, got, want)
		}
	}
}

// TestValidWireNameBytes checks validWireName's bit table byte by byte
// against its definition: an httpguts token byte that is not upper case.
func TestValidWireNameBytes(t *testing.T) {
	if validWireName("") {
		t.Error(`validWireName("") = true`)
	}
	for c := 0; c < 256; c++ {
		name := "x-" + string([]byte{byte(c)}) + "y"
		want := httpguts.IsTokenRune(rune(c)) && !('A' <= c && c <= 'Z')
		if got := validWireName(name); got != want {
			t.Errorf("validWireName(%q) = %v, want %v", name, got, want)
		}
	}
}

func BenchmarkValidFieldValue(b *testing.B) {
	v := "0f4c1a3e-7b1d-4c2e-9f00-123456789abcABCDEFGHijklmno="
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			if !ValidFieldValue(v) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("httpguts", func(b *testing.B) {
		for b.Loop() {
			if !httpguts.ValidHeaderFieldValue(v) {
				b.Fatal("invalid")
			}
		}
	})
}

// TestValidNameCache: cconn.validName answers as validWireName for names
// that share its slots, repeated, valid or not, long or short.
func TestValidNameCache(t *testing.T) {
	var cc cconn
	names := []string{"content-type", "content-length", "date", "Date", "x-a", "x-b", "x:c", "", "server", "vary",
		"set-cookie", "x-amzn-requestid", "etag", "ETag", "x y", strings.Repeat("a", 65), strings.Repeat("a", 64), "a\x00"}
	for round := range 4 {
		for i := range names {
			k := names[(i*(round+1))%len(names)]
			if got, want := cc.validName(k), validWireName(k); got != want {
				t.Fatalf("round %d: validName(%q) = %v, want %v", round, k, got, want)
			}
		}
	}
}
