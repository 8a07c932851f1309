package tf

import (
	"bytes"
	"unicode/utf8"
)

// withinNestingSwitch is withinNesting as it was before the byte tables
// (every byte through the switch), for the tests to compare with: it
// reports, without lexing, that configuration src cannot
// nest deeper than maxDepth nor chain more than maxChain operators as
// scanNesting counts them; false means "not shown", and the lexer decides.
// Lexing a file only to count its levels cost as much as hcl's own parse
// of it (the token slice of every byte, made twice), and a configuration
// is always far within the bounds.
//
// It follows the lexer's modes exactly where they decide which bytes are
// tokens (code, quoted strings, the ${ } sequences in them and the $${
// and %%{ escapes, comments) and gives up on the rest (heredocs, %{ }
// directives, a backslash or newline it does not expect in a string, an
// unterminated string or comment, invalid UTF-8, NUL). In code it counts as
// scanNesting does, but over: every "-" is a unary minus and a binary
// operator, every "!" a negation, every operator character a link of the
// chain, so its counts are never below scanNesting's at any token.
func withinNestingSwitch(src []byte, maxDepth, maxChain int) bool {
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return false
	}
	const (
		openEOF   = iota
		openBrace // the only level besides the file's own that a newline separates
		openOther
		openQuote // a quoted string: the lexer is in its string mode
	)
	type level struct {
		open         uint8
		ops, chained int
	}
	stack := []level{{open: openEOF}}
	depth := 0
	// The lexer's own brace count and the counts at which each ${ opened:
	// a "}" ends the sequence (back to the string) only at its count, as
	// in scan_tokens.rl, whatever brackets came between.
	braces := 0
	var seqBraces []int
	push := func(open uint8) bool {
		stack = append(stack, level{open: open})
		depth++
		return depth <= maxDepth
	}
	pop := func() {
		if len(stack) > 1 {
			depth -= 1 + stack[len(stack)-1].ops
			stack = stack[:len(stack)-1]
		}
	}
	// inString is the lexer's mode: in a quoted string's text, or in code
	// (the file, or a ${ } sequence). A quote in code enters the string; a
	// ${ in a string enters code until its "}".
	var modes []bool // true: string; the mode to return to is below
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch c {
			case '"':
				pop()
				inString = modes[len(modes)-1]
				modes = modes[:len(modes)-1]
			case '\\':
				if i+1 >= len(src) || src[i+1] == '\n' || src[i+1] == '\r' {
					return false
				}
				i++ // the escaped character; a multi-byte one's other bytes are never structural
			case '$':
				switch {
				case i+1 < len(src) && src[i+1] == '{':
					braces++
					seqBraces = append(seqBraces, braces)
					modes = append(modes, true)
					inString = false
					if !push(openOther) {
						return false
					}
					i++
				case i+2 < len(src) && src[i+1] == '$' && src[i+2] == '{':
					i += 2 // $${ is text
				}
			case '%':
				switch {
				case i+1 < len(src) && src[i+1] == '{':
					return false
				case i+2 < len(src) && src[i+1] == '%' && src[i+2] == '{':
					i += 2 // %%{ is text
				}
			case '\n', '\r':
				return false
			}
			continue
		}
		top := &stack[len(stack)-1]
		switch c {
		case '"':
			modes = append(modes, false)
			inString = true
			if !push(openQuote) {
				return false
			}
		case '{':
			braces++
			if !push(openBrace) {
				return false
			}
		case '[', '(':
			if !push(openOther) {
				return false
			}
		case '}':
			pop()
			if n := len(seqBraces); n > 0 && seqBraces[n-1] == braces {
				seqBraces = seqBraces[:n-1]
				inString = modes[len(modes)-1]
				modes = modes[:len(modes)-1]
			}
			braces--
		case ']', ')':
			pop()
		case ',':
			depth -= top.ops
			top.ops, top.chained = 0, 0
		case '\n':
			if top.open == openEOF || top.open == openBrace {
				depth -= top.ops
				top.ops, top.chained = 0, 0
			}
		case '#':
			// A line comment takes its newline with it: no separator.
			j := bytes.IndexByte(src[i:], '\n')
			if j < 0 {
				return true
			}
			i += j
		case '/':
			switch {
			case i+1 < len(src) && src[i+1] == '/':
				j := bytes.IndexByte(src[i:], '\n')
				if j < 0 {
					return true
				}
				i += j
			case i+1 < len(src) && src[i+1] == '*':
				j := bytes.Index(src[i+2:], []byte("*/"))
				if j < 0 {
					return false // the lexer reads it as code
				}
				i += 2 + j + 1
			default:
				top.chained++
			}
		case '<':
			if i+1 < len(src) && src[i+1] == '<' {
				return false // a heredoc, perhaps
			}
			top.chained++
		case '$', '%':
			if i+1 < len(src) && src[i+1] == '{' {
				return false
			}
			top.chained++
		case '-', '!':
			top.ops++
			depth++
			top.chained++
		case '?':
			top.ops++
			depth++
		case '+', '&', '|', '=', '>':
			top.chained++
		}
		if depth > maxDepth || top.chained > maxChain {
			return false
		}
	}
	return !inString
}
