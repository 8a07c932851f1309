package diag

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxSnippet is the most characters of a source line the text printer
// shows; a longer line (minified JSON, a 1 MB one-line template) is shown
// as a window around the finding, so output stays proportional to the
// number of findings, not to the size of the file.
const maxSnippet = 160

// WriteText prints findings compiler-style:
//
//	file:line:col: error[RULE]: message
//	   12 |       AutoDeploy: true
//	      |       ^^^^^^^^^^
//	file:line:col: note: first declared here
//	    7 |       AutoDeploy: false
//	      |       ----------
//	   = hint: ...
//
// Every related place follows the finding as a note with its own source
// line, underlined with '-'.
func WriteText(w io.Writer, files *Files, ds Diagnostics) error {
	bw := bufio.NewWriter(w)
	for _, d := range ds {
		loc := d.Range.String()
		if loc == "" {
			loc = "cfnrun"
		}
		fmt.Fprintf(bw, "%s: %s[%s]: %s\n", loc, d.Severity, d.Rule, d.Summary)
		writeSnippet(bw, files, d.Range, '^')
		for _, r := range d.Related {
			if r.Range.IsZero() {
				fmt.Fprintf(bw, "  = note: %s\n", r.Message)
				continue
			}
			fmt.Fprintf(bw, "%s: note: %s\n", r.Range, r.Message)
			writeSnippet(bw, files, r.Range, '-')
		}
		if d.Detail != "" {
			fmt.Fprintf(bw, "  = hint: %s\n", d.Detail)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// writeSnippet prints the source line of rng with its span underlined by
// mark, or nothing when the line is not known.
func writeSnippet(w *bufio.Writer, files *Files, rng Range, mark byte) {
	if rng.Start.Line < 1 {
		return
	}
	line, ok := files.Line(rng.Filename, rng.Start.Line)
	if !ok {
		return
	}
	endCol := 0
	if rng.End.Line == rng.Start.Line {
		endCol = rng.End.Column
	}
	text, offset, width := snippet(line, rng.Start.Column, endCol)
	num := strconv.Itoa(rng.Start.Line)
	pad := strings.Repeat(" ", len(num))
	fmt.Fprintf(w, " %s |\n %s | %s\n", pad, num, text)
	fmt.Fprintf(w, " %s | %s%s\n", pad, strings.Repeat(" ", offset), strings.Repeat(string(mark), width))
}

// snippet returns the text of line to show, the display offset of column
// col (1-based, in code points) in it and the display width of the span
// [col, endCol); endCol <= col means one character. Tabs show as four
// spaces; a line longer than maxSnippet is cut to a window around col,
// marked with "…" where it was cut.
func snippet(line string, col, endCol int) (text string, offset, width int) {
	runes := []rune(line)
	c0 := min(max(col-1, 0), len(runes))
	e0 := c0 + 1
	if endCol > col {
		e0 = endCol - 1
	}
	lo, hi := 0, len(runes)
	if hi > maxSnippet {
		lo = max(0, c0-maxSnippet/4)
		hi = min(len(runes), lo+maxSnippet)
		lo = max(0, hi-maxSnippet)
	}
	e0 = min(e0, hi)
	var b strings.Builder
	if lo > 0 {
		b.WriteString("…")
		offset = 1
	}
	for i, r := range runes[lo:hi] {
		n := 1
		if r == '\t' {
			n = 4
			b.WriteString("    ")
		} else {
			b.WriteRune(r)
		}
		switch {
		case lo+i < c0:
			offset += n
		case lo+i < e0:
			width += n
		}
	}
	if hi < len(runes) {
		b.WriteString("…")
	}
	if width == 0 {
		width = 1
	}
	// The caret never reaches past the shown text by more than one column
	// (a finding at the end of a line points just after it).
	if shown := utf8.RuneCountInString(b.String()); offset > shown {
		offset = shown
	}
	return b.String(), offset, width
}

// Summary returns "N errors, M warnings, K infos".
func (ds Diagnostics) Summary() string {
	plural := func(n int, word string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, word)
		}
		return fmt.Sprintf("%d %ss", n, word)
	}
	return fmt.Sprintf("%s, %s, %s", plural(ds.Count(Error), "error"), plural(ds.Count(Warning), "warning"), plural(ds.Count(Info), "info"))
}

// JSONFinding is the machine-readable shape of one finding.
type JSONFinding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Message   string `json:"message"`
	Hint      string `json:"hint,omitempty"`
	Resource  string `json:"resource"`
	// Related lists the other places the finding concerns; absent when
	// there are none.
	Related []JSONRelated `json:"related,omitempty"`
}

// JSONRelated is one related place of a JSONFinding.
type JSONRelated struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Message   string `json:"message"`
}

// WriteJSON prints {"findings":[...],"summary":{...}}.
func WriteJSON(w io.Writer, ds Diagnostics) error {
	out := struct {
		Findings []JSONFinding `json:"findings"`
		Summary  struct {
			Errors   int `json:"errors"`
			Warnings int `json:"warnings"`
			Infos    int `json:"infos"`
		} `json:"summary"`
	}{Findings: make([]JSONFinding, 0, len(ds))}
	for _, d := range ds {
		f := JSONFinding{
			Rule: d.Rule, Severity: d.Severity.String(), File: d.Range.Filename,
			Line: d.Range.Start.Line, Column: d.Range.Start.Column,
			EndLine: d.Range.End.Line, EndColumn: d.Range.End.Column,
			Message: d.Summary, Hint: d.Detail, Resource: d.Resource,
		}
		for _, r := range d.Related {
			f.Related = append(f.Related, JSONRelated{
				File: r.Range.Filename, Line: r.Range.Start.Line, Column: r.Range.Start.Column,
				EndLine: r.Range.End.Line, EndColumn: r.Range.End.Column, Message: r.Message,
			})
		}
		out.Findings = append(out.Findings, f)
	}
	out.Summary.Errors, out.Summary.Warnings, out.Summary.Infos = ds.Count(Error), ds.Count(Warning), ds.Count(Info)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteGitHub prints findings as GitHub Actions workflow commands
// (::error file=…,line=…,col=…::message), which annotate the pull request.
// The title names the rule and the resource; related places follow the
// message, one per line, since an annotation has one location.
func WriteGitHub(w io.Writer, ds Diagnostics) error {
	bw := bufio.NewWriter(w)
	esc := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	escProp := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	for _, d := range ds {
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "notice"}[d.Severity]
		fmt.Fprintf(bw, "::%s file=%s,line=%d,col=%d", level, escProp.Replace(d.Range.Filename), max(d.Range.Start.Line, 1), max(d.Range.Start.Column, 1))
		if d.Range.End.Line >= d.Range.Start.Line && d.Range.End.Line > 0 {
			fmt.Fprintf(bw, ",endLine=%d,endColumn=%d", d.Range.End.Line, d.Range.End.Column)
		}
		title := "cfnrun " + d.Rule
		if d.Resource != "" {
			title += " (" + d.Resource + ")"
		}
		msg := d.Summary
		for _, r := range d.Related {
			msg += "\n" + relatedText(r)
		}
		if d.Detail != "" {
			msg += "\n" + d.Detail
		}
		fmt.Fprintf(bw, ",title=%s::%s\n", escProp.Replace(title), esc.Replace(msg))
	}
	return bw.Flush()
}

// WriteCompact prints one line per finding, without source snippets or
// hints: for start-up banners, where `cfnrun validate` gives the detail.
// Related places are named at the end of the line.
func WriteCompact(w io.Writer, ds Diagnostics) error {
	bw := bufio.NewWriter(w)
	for _, d := range ds {
		loc := d.Range.String()
		if loc == "" {
			loc = "cfnrun"
		}
		fmt.Fprintf(bw, "%s: %s[%s]: %s", loc, d.Severity, d.Rule, d.Summary)
		for _, r := range d.Related {
			fmt.Fprintf(bw, " (%s)", relatedText(r))
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
