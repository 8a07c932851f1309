package resolver

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// TestValidPathPart holds validPathPart to the regular expression it
// stands for, on edge cases and on 200,000 random strings over the bytes
// that matter (each class, the braces, '+', '/', space, a multi-byte rune
// and an invalid byte).
func TestValidPathPart(t *testing.T) {
	re := regexp.MustCompile(`^(?:[a-zA-Z0-9._:@~!$&'()*+,;=-]+|\{[a-zA-Z0-9._-]+\+?\})$`)
	check := func(p string) {
		t.Helper()
		if got, want := validPathPart(p), re.MatchString(p); got != want {
			t.Fatalf("validPathPart(%q) = %v, the expression says %v", p, got, want)
		}
	}
	for _, p := range []string{"", "a", "items", "{id}", "{proxy+}", "{+}", "{}", "{", "}", "{a}}", "{{a}", "{a++}", "{a+", "a+}",
		"{a:b}", "a:b", "a/b", "a b", "é", "{é}", "a\xff", "{a}b", "b{a}", "v1.2", "~user", "a;b=c", "'q'", "{a.b-c_d}", "+", "{ a}", "a\n"} {
		check(p)
	}
	alphabet := []string{"a", "Z", "0", ".", "_", "-", ":", "@", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "{", "}", "/", " ", "é", "\xff", "%", "?", "#"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		n := rng.IntN(7)
		p := ""
		if rng.IntN(3) == 0 {
			p = "{"
		}
		for range n {
			p += alphabet[rng.IntN(len(alphabet))]
		}
		if rng.IntN(3) == 0 {
			p += []string{"}", "+}", "++}"}[rng.IntN(3)]
		}
		check(p)
	}
}
