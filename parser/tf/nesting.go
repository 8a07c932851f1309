package tf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Nesting bounds. hcl's parser and evaluator recurse once per nesting
// level (brackets, braces, parentheses, templates, unary operators,
// conditionals), so 60,000 nested "[" end in "fatal error: stack
// overflow", which no recover catches. Every source is scanned before it
// reaches hcl: the lexer does not recurse, and a source nested deeper than
// maxNesting (the CloudFormation front end's bound too) is a finding and
// is not parsed.
const (
	maxNesting = 200
	// maxOperatorChain bounds the binary operators of one expression: hcl
	// builds a chain a+b+c... as a left-deep tree, which evaluation walks
	// recursively.
	maxOperatorChain = 10000
	// maxConfigBytes bounds a configuration or variables file; a
	// CloudFormation template is at most 1 MB.
	maxConfigBytes = 16 << 20
)

var ruleNesting = newRule("TF070", sevError,
	"a file or expression nested deeper than cfnrun parses (200 levels of brackets, braces, parentheses, templates, unary operators or conditionals; 10,000 operators in one expression)",
	"hcl's parser recurses once per level; without the bound such a file would crash the process. Terraform's own configurations never come near it.")

// readConfig reads a configuration or variables file: a regular file of at
// most maxConfigBytes (not a FIFO, which would block, nor /dev/zero).
func readConfig(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", path, kindOf(st.Mode()))
	}
	if st.Size() > maxConfigBytes {
		return nil, fmt.Errorf("%s is %d bytes; cfnrun reads configuration files of at most %d bytes", path, st.Size(), maxConfigBytes)
	}
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, st.Size()+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > maxConfigBytes {
			return nil, fmt.Errorf("%s is larger than %d bytes, the most cfnrun reads from a configuration file", path, maxConfigBytes)
		}
		if err != nil {
			break
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
	return b, nil
}

// nestingMode says what a source is.
type nestingMode uint8

const (
	nestConfig     nestingMode = iota // a .tf or .tfvars file
	nestExpression                    // one expression (-var, TF_VAR_)
	nestTemplate                      // a template (templatefile, a .tf.json string)
)

// checkNesting returns a diagnostic when src nests deeper than maxNesting
// (or chains more than maxOperatorChain operators), at the token where it
// does; nil when hcl may parse it.
func checkNesting(src []byte, filename string, start hcl.Pos, mode nestingMode) *hcl.Diagnostic {
	if mode == nestConfig && withinNesting(src, maxNesting, maxOperatorChain) {
		return nil
	}
	var toks hclsyntax.Tokens
	switch mode {
	case nestExpression:
		toks, _ = hclsyntax.LexExpression(src, filename, start)
	case nestTemplate:
		toks, _ = hclsyntax.LexTemplate(src, filename, start)
	default:
		toks, _ = hclsyntax.LexConfig(src, filename, start)
	}
	return scanNesting(toks, maxNesting, maxOperatorChain)
}

// scanNesting is checkNesting's walk over the tokens, with the bounds as
// arguments (the tests use small ones).
func scanNesting(toks hclsyntax.Tokens, maxNesting, maxOperatorChain int) *hcl.Diagnostic {
	// Each open level remembers the unary operators and conditionals
	// counted inside it since its last separator, and its opening token
	// (which says which tokens separate its items).
	type level struct {
		open    hclsyntax.TokenType
		ops     int
		chained int
	}
	stack := []level{{open: hclsyntax.TokenEOF}}
	depth, control := 0, 0
	operand := false // the previous token ends an operand
	tooDeep := func(t hclsyntax.Token, what string) *hcl.Diagnostic {
		rng := t.Range
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  what + " (cfnrun's limit)",
			Detail:   "Flatten the expression: bind inner parts to locals. hcl's parser recurses once per level, so cfnrun refuses the file instead of crashing.",
			Subject:  &rng,
		}
	}
	for i, t := range toks {
		top := &stack[len(stack)-1]
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			if t.Type == hclsyntax.TokenTemplateControl && i+1 < len(toks) && toks[i+1].Type == hclsyntax.TokenIdent {
				switch string(toks[i+1].Bytes) {
				case "if", "for":
					control++
				case "endif", "endfor":
					control = max(control-1, 0)
				}
			}
			stack = append(stack, level{open: t.Type})
			depth++
			operand = false
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			if len(stack) > 1 {
				depth -= 1 + top.ops
				stack = stack[:len(stack)-1]
			}
			operand = t.Type != hclsyntax.TokenTemplateSeqEnd
			continue
		case hclsyntax.TokenMinus, hclsyntax.TokenBang:
			if !operand || t.Type == hclsyntax.TokenBang {
				top.ops++
				depth++
			} else {
				top.chained++
			}
			operand = false
		case hclsyntax.TokenQuestion:
			top.ops++
			depth++
			operand = false
		case hclsyntax.TokenComma:
			depth -= top.ops
			top.ops, top.chained = 0, 0
			operand = false
		case hclsyntax.TokenNewline:
			if top.open == hclsyntax.TokenEOF || top.open == hclsyntax.TokenOBrace {
				depth -= top.ops
				top.ops, top.chained = 0, 0
			}
			operand = false
		case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenQuotedLit,
			hclsyntax.TokenStringLit, hclsyntax.TokenStar:
			operand = true
		case hclsyntax.TokenPlus, hclsyntax.TokenSlash, hclsyntax.TokenPercent,
			hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual,
			hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq:
			top.chained++
			operand = false
		default:
			operand = false
		}
		if depth+control > maxNesting {
			return tooDeep(t, fmt.Sprintf("nested more than %d levels deep", maxNesting))
		}
		if top.chained > maxOperatorChain {
			return tooDeep(t, fmt.Sprintf("more than %d operators in one expression", maxOperatorChain))
		}
	}
	return nil
}

// nestStringByte and nestCodeByte are the bytes withinNesting's switches
// match in a string's text and in code; it passes over every other byte
// (letters, digits, spaces: most of a configuration) without the switch,
// which took ~58 instructions a byte (0.86 M of a 200-route validate).
var nestStringByte = [256]bool{'"': true, '\\': true, '$': true, '%': true, '\n': true, '\r': true}

var nestCodeByte = [256]bool{'"': true, '{': true, '[': true, '(': true, '}': true, ']': true, ')': true, ',': true, '\n': true,
	'#': true, '/': true, '<': true, '$': true, '%': true, '-': true, '!': true, '?': true, '+': true, '&': true, '|': true, '=': true, '>': true}

// withinNesting reports, without lexing, that configuration src cannot
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
func withinNesting(src []byte, maxDepth, maxChain int) bool {
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return false
	}
	// A byte outside the tables changes nothing, so the check after the
	// switch holds as it did after the last byte in them; with a negative
	// bound it fails after any byte, so every byte goes through the switch.
	skip := maxDepth >= 0 && maxChain >= 0
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
			if skip && !nestStringByte[c] {
				continue // text: nothing below matches it
			}
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
		if skip && !nestCodeByte[c] {
			continue // nothing below matches it
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

// checkJSONNesting is checkNesting for a .tf.json or .tfvars.json source:
// the JSON nesting, and the templates in its strings (hcl parses them when
// they are evaluated).
func checkJSONNesting(src []byte, filename string) *hcl.Diagnostic {
	depth := 0
	line, col := 1, 1
	at := func(off int) hcl.Range {
		p := hcl.Pos{Line: line, Column: col, Byte: off}
		return hcl.Range{Filename: filename, Start: p, End: hcl.Pos{Line: line, Column: col + 1, Byte: off + 1}}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\n':
			line, col = line+1, 1
			continue
		case '[', '{':
			depth++
			if depth > maxNesting {
				rng := at(i)
				return &hcl.Diagnostic{Severity: hcl.DiagError,
					Summary: fmt.Sprintf("nested more than %d levels deep (cfnrun's limit)", maxNesting),
					Detail:  "Flatten the document. hcl's JSON parser recurses once per level, so cfnrun refuses the file instead of crashing.",
					Subject: &rng}
			}
		case ']', '}':
			depth--
		case '"':
			startLine, startCol, start := line, col, i
			hasTemplate := false
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				switch src[j] {
				case '\\':
					j++
				case '{':
					if src[j-1] == '$' || src[j-1] == '%' {
						hasTemplate = true
					}
				}
			}
			if j >= len(src) {
				return nil // unterminated: the parser says so
			}
			col += j - i
			i = j
			if hasTemplate {
				var s string
				if json.Unmarshal(src[start:j+1], &s) == nil {
					pos := hcl.Pos{Line: startLine, Column: startCol + 1, Byte: start + 1}
					if d := checkNesting([]byte(s), filename, pos, nestTemplate); d != nil {
						return d
					}
				}
			}
		}
		col++
	}
	return nil
}
