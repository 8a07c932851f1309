package tf

import (
	"bytes"

	"github.com/cfnrun/cfnrun/internal/deepstack"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Parsing one file on two cores. hcl parses a file on one goroutine, and
// the usual large Terraform file is one long object constructor (a map of
// routes in a variable's default, a local, a tfvars value): 91% of the
// bytes of the generated 200-route configuration. parseSplit parses such a
// file as two sources at once:
//
//   - A, the file with every byte of the object's second half of lines
//     blanked but its newlines, so every other byte keeps its offset, line
//     and column;
//   - B, "x = {\n" and that second half with the object's closing brace,
//     started one line above the half's first line, so each of B's tokens
//     carries the position it has in the file;
//
// and appends B's items to A's object. The lines of the object must be
// plain (splitRun: balanced brackets on each line, quoted strings without
// escapes or templates, no comments, heredocs or carriage returns), so the
// lexer is in code at each line start and every line holds whole items.
// The halves are used only when both parse without a diagnostic, A has an
// object constructor opening at the object's brace and closing at its
// closing brace, and B is one attribute whose object ends there too;
// anything else is parsed as one source, as before.

// parseSplitMinBytes and parseSplitMinLines are the size from which a file
// and the run of plain lines in it are split (variables: the tests lower
// them).
var (
	parseSplitMinBytes = 8 << 10
	parseSplitMinLines = 64
)

// parseSplit parses src as hclsyntax.ParseConfig(src, path, hcl.InitialPos)
// does; ok is false when it did not split (the caller parses src whole).
func parseSplit(src []byte, path string) (f *hcl.File, ok bool) {
	if len(src) < min(parseSplitMinBytes, parsePlainMinBytes) {
		return nil, false
	}
	open, k, m, n := splitRun(src, min(parseSplitMinLines, parsePlainMinLines))
	if k < 0 {
		return nil, false
	}
	if len(src) >= parsePlainMinBytes && n >= parsePlainMinLines {
		if f, ok := parsePlain(src, path, open, m); ok {
			return f, true
		}
	}
	if len(src) < parseSplitMinBytes || n < parseSplitMinLines {
		return nil, false
	}
	// B: the second half as an attribute's object, positioned as in src.
	const prefix = "x = {\n"
	b := make([]byte, 0, len(prefix)+m+1-k)
	b = append(append(b, prefix...), src[k:m+1]...)
	line := 1 + bytes.Count(src[:k], []byte{'\n'})
	startB := hcl.Pos{Line: line - 1, Column: 1, Byte: k - len(prefix)}
	var fb *hcl.File
	var dsB hcl.Diagnostics
	done := make(chan bool, 1)
	go func() {
		deepstack.Grow32K() // hcl's parser: from 2 to 32 KiB in four copies
		ok := false
		defer func() {
			recover() // the whole source is parsed instead
			done <- ok
		}()
		fb, dsB = hclsyntax.ParseConfig(b, path, startB)
		ok = true
	}()
	a := make([]byte, len(src))
	copy(a, src)
	for i := k; i < m; i++ {
		if a[i] != '\n' {
			a[i] = ' '
		}
	}
	fa, dsA := hclsyntax.ParseConfig(a, path, hcl.InitialPos)
	if !<-done || len(dsA) > 0 || len(dsB) > 0 {
		return nil, false
	}
	bodyA, _ := fa.Body.(*hclsyntax.Body)
	bodyB, _ := fb.Body.(*hclsyntax.Body)
	if bodyA == nil {
		return nil, false
	}
	objA := objectAt(bodyA, open, m)
	if objA == nil || bodyB == nil || len(bodyB.Attributes) != 1 || len(bodyB.Blocks) != 0 || bodyB.Attributes["x"] == nil {
		return nil, false
	}
	objB, _ := bodyB.Attributes["x"].Expr.(*hclsyntax.ObjectConsExpr)
	if objB == nil || objB.SrcRange.End.Byte != m+1 || len(objB.Items) == 0 {
		return nil, false
	}
	objA.Items = append(objA.Items, objB.Items...)
	fa.Bytes = src
	return fa, true
}

// objectAt returns the object constructor under body whose braces are at
// bytes open and close; nil when there is none.
func objectAt(body *hclsyntax.Body, open, close int) *hclsyntax.ObjectConsExpr {
	// Only the attribute or block holding both braces can hold it (the
	// braces belong to one object): the variable block's map of routes
	// was walked node by node on the way to its own first node.
	within := func(r hcl.Range) bool { return r.Start.Byte <= open && close < r.End.Byte }
	for _, a := range body.Attributes {
		if within(a.SrcRange) {
			if o, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok && o.OpenRange.Start.Byte == open && o.SrcRange.End.Byte == close+1 {
				return o
			}
			return objectUnder(a, open, close)
		}
	}
	for _, blk := range body.Blocks {
		if within(blk.Body.SrcRange) {
			return objectAt(blk.Body, open, close)
		}
	}
	return nil
}

// objectUnder is objectAt for any node, walking all of it.
func objectUnder(node hclsyntax.Node, open, close int) *hclsyntax.ObjectConsExpr {
	var found *hclsyntax.ObjectConsExpr
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		if o, ok := n.(*hclsyntax.ObjectConsExpr); ok && found == nil && o.OpenRange.Start.Byte == open && o.SrcRange.End.Byte == close+1 {
			found = o
		}
		return nil
	})
	return found
}

// splitRun finds the longest run of plain lines (plainLine) of at least
// minLines lines between a line that ends with "= {" or ": {"
// (an object as a value; the brace of a block is not an object) and a line
// that is "}", spaces and tabs aside: open is the offset of the opening
// brace, k of the first line of the run's second half, m of the closing
// brace, n the run's number of lines. All four are -1 when there is none.
func splitRun(src []byte, minLines int) (open, k, m, n int) {
	open, k, m, n = -1, -1, -1, -1
	best := 0
	cur := -1 // the brace opening the run being read; -1 outside one
	var lines []int
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		ln := src[start:end]
		t := bytes.Trim(ln, " \t")
		if cur >= 0 {
			if len(t) == 1 && t[0] == '}' {
				if c := len(lines); c >= minLines && c > best {
					open, k, m, best = cur, lines[c/2], start+bytes.IndexByte(ln, '}'), c
				}
				cur = -1
			} else if plainLine(ln) {
				lines = append(lines, start)
				start = end + 1
				continue
			} else {
				cur = -1
			}
		}
		if len(t) > 0 && t[len(t)-1] == '{' {
			i := bytes.LastIndexByte(ln, '{')
			before := bytes.TrimRight(ln[:i], " \t")
			if len(before) > 0 && (before[len(before)-1] == '=' || before[len(before)-1] == ':') && plainLine(before) {
				cur, lines = start+i, lines[:0]
			}
		}
		start = end + 1
	}
	if best > 0 {
		n = best
	}
	return open, k, m, n
}

// plainLine reports whether ln (without its newline) is code the lexer
// reads the same wherever it starts a line inside an object constructor:
// brackets balanced and never closing more than it opened, quoted strings
// closed on the line and holding no escape or template sequence ("\\",
// "$", "%"), no comment or heredoc ("#", "/", "<" outside strings), no
// carriage return or NUL.
func plainLine(ln []byte) bool {
	depth, inStr := 0, false
	for _, c := range ln {
		switch {
		case c == '"':
			inStr = !inStr
		case c == '\\' || c == '$' || c == '%' || c == '\r' || c == 0:
			return false
		case inStr:
		case c == '#' || c == '/' || c == '<':
			return false
		case c == '{' || c == '[' || c == '(':
			depth++
		case c == '}' || c == ']' || c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0 && !inStr
}
