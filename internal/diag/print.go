package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Files holds source text by file name so printers can show the offending
// line. It is safe for concurrent use.
type Files struct {
	mu    sync.RWMutex
	files map[string][]byte
}

// NewFiles returns an empty registry.
func NewFiles() *Files { return &Files{files: map[string][]byte{}} }

// Add records the source of name.
func (f *Files) Add(name string, src []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[name] = src
}

// Source returns the source of name, or nil.
func (f *Files) Source(name string) []byte {
	if f == nil {
		return nil
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.files[name]
}

// Line returns the text of line n (1-based) of name, without its newline.
func (f *Files) Line(name string, n int) (string, bool) {
	src := f.Source(name)
	if src == nil || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimRight(string(src), "\r"), true
}

// WriteText prints findings compiler-style:
//
//	file:line:col: error[RULE]: message
//	   12 |       AutoDeploy: true
//	      |       ^^^^^^^^^^
//	   = hint: ...
func WriteText(w io.Writer, files *Files, ds Diagnostics) error {
	var b strings.Builder
	for _, d := range ds {
		loc := d.Range.String()
		if loc == "" {
			loc = "cfnrun"
		}
		fmt.Fprintf(&b, "%s: %s[%s]: %s\n", loc, d.Severity, d.Rule, d.Summary)
		if line, ok := files.Line(d.Range.Filename, d.Range.Start.Line); ok && d.Range.Start.Line > 0 {
			num := fmt.Sprint(d.Range.Start.Line)
			pad := strings.Repeat(" ", len(num))
			fmt.Fprintf(&b, " %s |\n %s | %s\n", pad, num, expandTabs(line))
			col := max(d.Range.Start.Column, 1)
			width := 1
			if d.Range.End.Line == d.Range.Start.Line && d.Range.End.Column > col {
				width = d.Range.End.Column - col
			}
			prefix := expandTabs(string([]rune(line)[:min(col-1, utf8.RuneCountInString(line))]))
			width = min(width, max(1, utf8.RuneCountInString(line)-len([]rune(prefix))))
			fmt.Fprintf(&b, " %s | %s%s\n", pad, strings.Repeat(" ", utf8.RuneCountInString(prefix)), strings.Repeat("^", width))
		}
		if d.Detail != "" {
			fmt.Fprintf(&b, "  = hint: %s\n", d.Detail)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", "    ") }

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
	}{Findings: []JSONFinding{}}
	for _, d := range ds {
		out.Findings = append(out.Findings, JSONFinding{
			Rule: d.Rule, Severity: d.Severity.String(), File: d.Range.Filename,
			Line: d.Range.Start.Line, Column: d.Range.Start.Column,
			EndLine: d.Range.End.Line, EndColumn: d.Range.End.Column,
			Message: d.Summary, Hint: d.Detail, Resource: d.Resource,
		})
	}
	out.Summary.Errors, out.Summary.Warnings, out.Summary.Infos = ds.Count(Error), ds.Count(Warning), ds.Count(Info)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// RuleDoc describes a rule for SARIF's tool.driver.rules.
type RuleDoc struct {
	ID      string
	Summary string
}

// WriteSARIF prints a SARIF 2.1.0 log that GitHub code scanning accepts.
// rules documents every rule id that may appear; helpURI points at the rule
// documentation.
func WriteSARIF(w io.Writer, version, helpURI string, rules []RuleDoc, ds Diagnostics) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string `json:"id"`
		Name             string `json:"name,omitempty"`
		ShortDescription msg    `json:"shortDescription"`
		HelpURI          string `json:"helpUri,omitempty"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	type physical struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region *region `json:"region,omitempty"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		Level     string     `json:"level"`
		Message   msg        `json:"message"`
		Locations []location `json:"locations"`
	}
	known := map[string]bool{}
	var rs []rule
	for _, r := range rules {
		known[r.ID] = true
		rs = append(rs, rule{ID: r.ID, ShortDescription: msg{r.Summary}, HelpURI: helpURI + "#" + strings.ToLower(r.ID)})
	}
	var results []result
	for _, d := range ds {
		if !known[d.Rule] {
			known[d.Rule] = true
			rs = append(rs, rule{ID: d.Rule, ShortDescription: msg{d.Rule}})
		}
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}[d.Severity]
		text := d.Summary
		if d.Detail != "" {
			text += ". " + d.Detail
		}
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = d.Range.Filename
		if d.Range.Start.Line > 0 {
			reg := &region{StartLine: d.Range.Start.Line, StartColumn: max(1, d.Range.Start.Column)}
			if d.Range.End.Line >= d.Range.Start.Line && d.Range.End.Line > 0 {
				reg.EndLine, reg.EndColumn = d.Range.End.Line, d.Range.End.Column
				if reg.EndLine == reg.StartLine && reg.EndColumn <= reg.StartColumn {
					reg.EndColumn = reg.StartColumn + 1
				}
			}
			loc.PhysicalLocation.Region = reg
		}
		results = append(results, result{RuleID: d.Rule, Level: level, Message: msg{text}, Locations: []location{loc}})
	}
	if results == nil {
		results = []result{}
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "cfnrun", "version": version, "informationUri": "https://github.com/cfnrun/cfnrun", "rules": rs,
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// Names returns the registered file names, sorted.
func (f *Files) Names() []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	names := make([]string, 0, len(f.files))
	for n := range f.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// WriteGitHub prints findings as GitHub Actions workflow commands
// (::error file=…,line=…,col=…::message), which annotate the pull request.
func WriteGitHub(w io.Writer, ds Diagnostics) error {
	var b strings.Builder
	esc := func(s string) string {
		return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	}
	escProp := func(s string) string {
		return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
	}
	for _, d := range ds {
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "notice"}[d.Severity]
		fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d", level, escProp(d.Range.Filename), max(d.Range.Start.Line, 1), max(d.Range.Start.Column, 1))
		if d.Range.End.Line >= d.Range.Start.Line && d.Range.End.Line > 0 {
			fmt.Fprintf(&b, ",endLine=%d,endColumn=%d", d.Range.End.Line, d.Range.End.Column)
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += "\n" + d.Detail
		}
		fmt.Fprintf(&b, ",title=%s::%s\n", escProp("cfnrun "+d.Rule), esc(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCompact prints one line per finding, without source snippets or
// hints: for start-up banners, where `cfnrun validate` gives the detail.
func WriteCompact(w io.Writer, ds Diagnostics) error {
	var b strings.Builder
	for _, d := range ds {
		loc := d.Range.String()
		if loc == "" {
			loc = "cfnrun"
		}
		fmt.Fprintf(&b, "%s: %s[%s]: %s\n", loc, d.Severity, d.Rule, d.Summary)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
