package resolver

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dlclark/regexp2"

	"github.com/cfnrun/cfnrun/internal/lazy"
)

// CloudFormation checks a parameter's AllowedPattern with Java's
// java.util.regex, matching the whole value (Matcher.matches). Go's regexp
// (RE2) reads most patterns with the same meaning and in linear time; what
// it lacks — lookahead and lookbehind, backreferences, atomic groups,
// possessive quantifiers, \Q…\E quoting, Java's \p{Alpha}-style classes —
// is evaluated with regexp2, a backtracking engine whose syntax for those
// features is Java's, in its RE2 mode (\d, \w and \s ASCII-only, as in
// Java), after a small rewrite of the Java-only spellings. Backtracking can
// take exponential time, so each match is bounded by javaMatchTimeout and
// regexp2's own backtracking-stack limit; a match that runs out is not
// decided (the caller says so) rather than allowed to hang a command.

// javaMatchTimeout bounds one backtracking match.
const javaMatchTimeout = 100 * time.Millisecond

// javaPattern is a compiled AllowedPattern.
type javaPattern struct {
	re *regexp.Regexp  // when RE2 reads the pattern
	bt *regexp2.Regexp // otherwise
}

// errUndecided is returned when a backtracking match ran out of time or
// stack.
var errUndecided = errors.New("the pattern takes too long to evaluate on this value")

// compileJavaPattern compiles an AllowedPattern for whole-value matching.
func compileJavaPattern(p string) (*javaPattern, error) {
	if re, err := regexp.Compile(`\A(?:` + p + `)\z`); err == nil {
		return &javaPattern{re: re}, nil
	}
	bt, err := regexp2.Compile(`\A(?:`+javaToRegexp2(p)+`)\z`, regexp2.RE2)
	if err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	bt.MatchTimeout = javaMatchTimeout
	return &javaPattern{bt: bt}, nil
}

// match reports whether the whole of v matches.
func (jp *javaPattern) match(v string) (bool, error) {
	if jp.re != nil {
		return jp.re.MatchString(v), nil
	}
	ok, err := jp.bt.MatchString(v)
	if err != nil {
		return false, errUndecided
	}
	return ok, nil
}

// posixClasses are Java's \p{Name} POSIX and java.lang.Character classes
// (US-ASCII, as Java has them by default), as character-class contents.
var posixClasses = lazy.Value[map[string]string]{New: func() map[string]string {
	return map[string]string{
		"Lower": `a-z`, "Upper": `A-Z`, "ASCII": `\x00-\x7F`, "Alpha": `a-zA-Z`, "Digit": `0-9`,
		"Alnum": `a-zA-Z0-9`, "Punct": `!-/:-@\[-` + "`" + `{-~`, "Graph": `!-~`, "Print": ` -~`,
		"Blank": ` \t`, "Cntrl": `\x00-\x1F\x7F`, "XDigit": `0-9a-fA-F`, "Space": ` \t\n\x0B\f\r`,
		"javaLowerCase": `\p{Ll}`, "javaUpperCase": `\p{Lu}`, "javaWhitespace": `\s`, "javaMirrored": `()<>\[\]{}`,
		"IsAlphabetic": `\p{L}`, "IsLetter": `\p{L}`, "IsDigit": `\p{Nd}`, "IsUppercase": `\p{Lu}`, "IsLowercase": `\p{Ll}`,
		"IsWhite_Space": `\s`, "IsPunctuation": `\p{P}`,
	}
}}

// javaToRegexp2 rewrites the Java-only spellings regexp2 does not read:
// possessive quantifiers (X*+ is the atomic group (?>X*)), \Q…\E quoting,
// and \p{Alpha}-style classes. Everything else passes through unchanged.
func javaToRegexp2(p string) string {
	var out strings.Builder
	var atomStart int // where in out the last atom began
	var groups []int  // where in out each open group began
	inClass := 0
	for i := 0; i < len(p); {
		c := p[i]
		start := out.Len()
		switch {
		case c == '\\' && i+1 < len(p) && p[i+1] == 'Q':
			end := strings.Index(p[i+2:], `\E`)
			lit := p[i+2:]
			if end >= 0 {
				lit = p[i+2 : i+2+end]
			}
			out.WriteString(regexp.QuoteMeta(lit))
			i += 2 + len(lit)
			if end >= 0 {
				i += 2
			}
		case c == '\\' && i+2 < len(p) && (p[i+1] == 'p' || p[i+1] == 'P') && p[i+2] == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				out.WriteString(p[i:])
				i = len(p)
				break
			}
			name := p[i+3 : i+end]
			body, ok := posixClasses.Get()[name]
			if !ok && len(name) <= 4 && strings.HasPrefix(name, "Is") {
				// \p{IsLu}: a general category, which regexp2 spells \p{Lu}.
				body, ok = `\p{`+name[2:]+`}`, true
			}
			if ok {
				out.WriteString(classFor(body, p[i+1] == 'P', inClass > 0))
			} else {
				out.WriteString(p[i : i+end+1])
			}
			i += end + 1
		case c == '\\' && i+1 < len(p):
			out.WriteString(p[i : i+2])
			i += 2
		case c == '[':
			inClass++
			out.WriteByte(c)
			i++
			// A ']' right after '[' or '[^' is a literal.
			if i < len(p) && p[i] == '^' {
				out.WriteByte('^')
				i++
			}
			if i < len(p) && p[i] == ']' {
				out.WriteByte(']')
				i++
			}
			if inClass == 1 {
				groups = append(groups, start)
			}
			continue
		case c == ']' && inClass > 0:
			inClass--
			out.WriteByte(c)
			i++
			if inClass == 0 {
				atomStart = groups[len(groups)-1]
				groups = groups[:len(groups)-1]
			}
			continue
		case inClass > 0:
			out.WriteByte(c)
			i++
			continue
		case c == '(':
			groups = append(groups, start)
			out.WriteByte(c)
			i++
			continue
		case c == ')' && len(groups) > 0:
			out.WriteByte(c)
			i++
			atomStart = groups[len(groups)-1]
			groups = groups[:len(groups)-1]
			continue
		case c == '*' || c == '+' || c == '?' || c == '{':
			q := quantifierLen(p[i:])
			if q == 0 {
				out.WriteByte(c)
				i++
				break
			}
			if i+q < len(p) && p[i+q] == '+' {
				// Possessive: wrap atom and quantifier in an atomic group.
				atom := out.String()[atomStart:]
				rest := out.String()[:atomStart]
				out.Reset()
				out.WriteString(rest + "(?>" + atom + p[i:i+q] + ")")
				i += q + 1
			} else {
				out.WriteString(p[i : i+q])
				i += q
			}
			continue
		default:
			out.WriteByte(c)
			i++
		}
		atomStart = start
	}
	return out.String()
}

// quantifierLen is the length of the quantifier at the start of s (*, +,
// ?, {n}, {n,}, {n,m}), or 0.
func quantifierLen(s string) int {
	switch s[0] {
	case '*', '+', '?':
		return 1
	}
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return 0
	}
	for _, r := range s[1:end] {
		if (r < '0' || r > '9') && r != ',' {
			return 0
		}
	}
	return end + 1
}

// classFor renders a class body as a class, or as class contents inside
// an enclosing one.
func classFor(body string, negate, inClass bool) string {
	if inClass && !negate {
		return body
	}
	if negate {
		return "[^" + body + "]"
	}
	return "[" + body + "]"
}
