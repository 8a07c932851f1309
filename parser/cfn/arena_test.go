package cfn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestRepeatedKeys holds the table repeatedKeys uses for wide mappings to
// a comparison of every pair, on random key sets with and without a
// repeated key (keys from a small alphabet, so some share prefixes and
// hashes' low bits).
func TestRepeatedKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 1 + r.IntN(300)
		if r.IntN(4) == 0 {
			n = 1 + r.IntN(12)
		}
		fields := make([]Field, n)
		for i := range fields {
			fields[i].Key = fmt.Sprintf("%x", r.IntN(4*n))
		}
		want := false
		for i := range fields {
			for j := range i {
				want = want || fields[i].Key == fields[j].Key
			}
		}
		inline := false
		for i := range fields {
			inline = inline || repeatedKey(fields[:i], fields[i].Key)
		}
		if got := inline || repeatedKeys(fields); got != want {
			t.Fatalf("%d keys %v: repeated %v, want %v", n, fields, got, want)
		}
	}
}
