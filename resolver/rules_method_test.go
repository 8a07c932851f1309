package resolver

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestPlaceholderNames checks the scanner E3210 uses against the pattern
// it replaced, on every short text over the bytes that matter and on
// random longer ones (with multi-byte and invalid UTF-8).
func TestPlaceholderNames(t *testing.T) {
	want := func(uri string) []string {
		var out []string
		for _, m := range placeholder.Get().FindAllStringSubmatch(strings.ReplaceAll(uri, "${", "$["), -1) {
			out = append(out, m[1])
		}
		return out
	}
	check := func(uri string) {
		t.Helper()
		if got, w := placeholderNames(uri), want(uri); !slices.Equal(got, w) {
			t.Fatalf("placeholderNames(%q) = %q, the pattern finds %q", uri, got, w)
		}
	}
	for _, uri := range []string{"", "{id}", "http://${Backend}/items/{id}", "/a/{b+}/{c}", "${A}{b}", "$${x}", "{{a}}", "{a$}", "{}", "x{a{b}c}", "é{ü}\xff{\xfe}"} {
		check(uri)
	}
	alphabet := []string{"{", "}", "$", "a", "/", "é", "\xff", "["}
	var all func(prefix string, n int)
	all = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			all(prefix+c, n-1)
		}
	}
	all("", 6)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		check(b.String())
	}
}
