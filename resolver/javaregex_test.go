package resolver

import (
	"errors"
	"strings"
	"testing"
)

// TestJavaPattern pins AllowedPattern semantics: the whole value must
// match, as Java's Matcher.matches; Java-only syntax is evaluated.
func TestJavaPattern(t *testing.T) {
	for _, tt := range []struct {
		pattern, value string
		want           bool
	}{
		{`[a-z]+`, "abc", true},
		{`[a-z]+`, "abc1", false}, // whole value, not a substring
		{`\d+`, "٣", false},       // \d is ASCII in Java
		{`(?=.*[0-9])[a-zA-Z0-9]{8,}`, "abcdefg1", true},
		{`(?=.*[0-9])[a-zA-Z0-9]{8,}`, "abcdefgh", false},
		{`(?!admin$)[a-z]+`, "admin", false},
		{`(?!admin$)[a-z]+`, "administrator", true},
		{`[a-z]+(?<!x)`, "abx", false},
		{`[a-z]+(?<!x)`, "abc", true},
		{`(a)\1`, "aa", true},
		{`(a)\1`, "ab", false},
		{`a*+a`, "aaa", false}, // possessive: a*+ leaves nothing for a
		{`(?:ab)++c`, "ababc", true},
		{`[ab]?+b`, "b", false},
		{`x{2,3}+x`, "xxxx", true},
		{`(?>a*)a`, "aaa", false}, // atomic group
		{`\p{Alpha}+`, "abc", true},
		{`\p{Alpha}+`, "ab1", false},
		{`[\p{Alpha}_]+(?=x)?`, "a_b", true},
		{`\P{Digit}+(?=.)?`, "ab", true},
		{`\QA.B\E(?!x)`, "A.B", true},
		{`\QA.B\E(?!x)`, "AxB", false},
		{`\p{Lower}{2}\p{Upper}(?<=[A-Z])`, "abC", true},
		{`[]a]+(?=])?`, "]a]", true},
	} {
		re, err := compileJavaPattern(tt.pattern)
		if err != nil {
			t.Errorf("compile %q: %v", tt.pattern, err)
			continue
		}
		got, err := re.match(tt.value)
		if err != nil || got != tt.want {
			t.Errorf("%q matches %q = %v, %v; want %v", tt.pattern, tt.value, got, err, tt.want)
		}
	}
}

func TestJavaPatternInvalid(t *testing.T) {
	for _, p := range []string{`(?=abc`, `[a-`, `*a(?=b)`} {
		if _, err := compileJavaPattern(p); err == nil {
			t.Errorf("compile %q: want an error", p)
		}
	}
}

// TestJavaPatternBounded: a pattern that backtracks exponentially is
// undecided after a bounded time, not a hung command.
func TestJavaPatternBounded(t *testing.T) {
	re, err := compileJavaPattern(`(?=(a+)+c)a*`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := re.match(strings.Repeat("a", 40) + "b")
	if !errors.Is(err, errUndecided) {
		t.Errorf("match = %v, %v; want errUndecided", got, err)
	}
}
