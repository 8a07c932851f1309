package diff

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// stdReplacer is what replacerOf stands for: strings.NewReplacer with the
// keys sorted longest first.
func stdReplacer(m map[string]string) *strings.Replacer {
	keys := slices.Sorted(maps.Keys(m))
	slices.SortStableFunc(keys, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k, m[k])
	}
	return strings.NewReplacer(pairs...)
}

// TestReplacerMatchesStrings checks replacer against strings.Replacer on
// keys that overlap, nest and repeat, and on random strings made of them.
func TestReplacerMatchesStrings(t *testing.T) {
	cases := []struct {
		m  map[string]string
		in []string
	}{
		{map[string]string{"abcdef": "${A}", "abcdefgh": "${A.Arn}", "cdefgh": "${C}"},
			[]string{"", "abcdefgh", "xabcdefx", "abcdefabcdefgh", "ab", "cdefghabcdef", "aabcdefgh"}},
		{map[string]string{"prod": "(the name CloudFormation generates for Stage)", "prod-v2": "x"},
			[]string{"prod", "prod-v2", "on prod and prod-v2 and prod-v", "pro"}},
		{map[string]string{"aaaaaa": "1", "aaaaaaa": "7", "a": "b"}, []string{"aaaaaaaaaaaaa", "a", "ba"}},
		{map[string]string{"abcd": "4", "abcdef": "6", "bcde": "x"}, []string{"abc", "abcd", "xabcdefg", "aabcde"}},
	}
	// Generated ids: thousands of keys of letters and digits, 6 and 10
	// bytes long (every pair of bytes starts one; four bytes are the
	// filter), some sharing prefixes.
	rng := rand.New(rand.NewPCG(1, 2))
	ids := map[string]string{}
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	for i := range 3000 {
		b := make([]byte, 6+4*(i%2))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		if i%7 == 0 && len(ids) > 0 {
			for k := range ids { // a prefix of another key
				copy(b, k[:min(len(k), len(b)-1)])
				break
			}
		}
		ids[string(b)] = fmt.Sprintf("${R%d}", i)
	}
	var idIn []string
	for k := range ids {
		idIn = append(idIn, "https://"+k+".execute-api.eu-west-1.amazonaws.com/prod", k, k[:len(k)-1], "x"+k+k)
		if len(idIn) > 400 {
			break
		}
	}
	cases = append(cases, struct {
		m  map[string]string
		in []string
	}{ids, idIn})
	for _, c := range cases {
		texts := map[string]standIn{}
		for k, v := range c.m {
			texts[k] = standIn{text: v}
		}
		want, got := stdReplacer(c.m), replacerOf(texts)
		keys := slices.Sorted(maps.Keys(c.m))
		in := slices.Clone(c.in)
		for range 200 {
			var b strings.Builder
			for range rng.IntN(6) {
				if rng.IntN(3) == 0 {
					b.WriteString("x/")
				}
				k := keys[rng.IntN(len(keys))]
				b.WriteString(k[:1+rng.IntN(len(k))])
			}
			in = append(in, b.String())
		}
		for _, s := range in {
			if g, w := got.Replace(s), want.Replace(s); g != w {
				t.Errorf("%v: Replace(%q) = %q, strings.Replacer gives %q", c.m, s, g, w)
			}
		}
	}
}
