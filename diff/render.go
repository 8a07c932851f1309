package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// ANSI styles used by WriteText when colour is on.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

type painter bool

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + ansiReset
}

// symbol returns the terraform-plan style marker of an action.
func symbol(action string) string {
	switch action {
	case ActionAdd:
		return "+"
	case ActionRemove:
		return "-"
	case ActionReplace:
		return "-/+"
	}
	return "~"
}

func (p painter) sym(action string) string {
	switch action {
	case ActionAdd:
		return p.paint(ansiGreen, "+")
	case ActionRemove:
		return p.paint(ansiRed, "-")
	case ActionReplace:
		return p.paint(ansiRed, "-") + "/" + p.paint(ansiGreen, "+")
	}
	return p.paint(ansiYellow, "~")
}

func propSymbol(kind string) string {
	switch kind {
	case PropAdd:
		return "+"
	case PropRemove:
		return "-"
	}
	return "~"
}

// WriteText prints r like `terraform plan`: hazards first, then resources,
// routes and stages, then a summary line. color adds ANSI colours.
func WriteText(w io.Writer, r *Result, color bool) error {
	p := painter(color)
	var b strings.Builder
	if r.Empty() {
		b.WriteString(noChanges(r) + "\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	if len(r.Hazards) > 0 {
		fmt.Fprintf(&b, "%s\n\n", p.paint(ansiBold, fmt.Sprintf("Hazards (%d):", len(r.Hazards))))
		shown, hidden := displayHazards(r.Hazards)
		for _, h := range shown {
			label := p.paint(ansiBold+ansiRed, "DANGER ")
			if h.Severity != SeverityDanger {
				label = p.paint(ansiBold+ansiYellow, "WARNING")
			}
			fmt.Fprintf(&b, "  %s %s\n", label, h.Message)
			if h.Detail != "" {
				fmt.Fprintf(&b, "          %s\n", p.paint(ansiDim, h.Detail))
			}
			if h.Location != "" {
				fmt.Fprintf(&b, "          at %s\n", h.Location)
			}
			b.WriteByte('\n')
		}
		if hidden > 0 {
			fmt.Fprintf(&b, "  %s %s\n\n", p.paint(ansiBold+ansiRed, "DANGER "), moreRoutes(hidden))
		}
	}
	if r.CrossFormat {
		fmt.Fprintf(&b, "%s\n\n", crossFormatNote(r))
	}
	if len(r.Resources) > 0 {
		fmt.Fprintf(&b, "%s\n", p.paint(ansiBold, "Resources:"))
		fmt.Fprintf(&b, "  %s create   %s destroy   %s update in place   %s replace\n\n", p.sym(ActionAdd), p.sym(ActionRemove), p.sym(ActionUpdate), p.sym(ActionReplace))
		for _, c := range r.Resources {
			if c.Action == ActionMove {
				fmt.Fprintf(&b, "  # %s has moved to %s\n", c.OldAddress, p.paint(ansiBold, c.Address))
				continue
			}
			head := fmt.Sprintf("%s %s (%s)", p.sym(c.Action), p.paint(ansiBold, c.Address), c.Type)
			if c.OldType != "" {
				head = fmt.Sprintf("%s %s (%s -> %s)", p.sym(c.Action), p.paint(ansiBold, c.Address), c.OldType, c.Type)
			}
			fmt.Fprintf(&b, "  %s%s\n", head, resourceComment(p, c))
			for _, pc := range c.Changes {
				fmt.Fprintf(&b, "      %s %s%s\n", p.paint(propColor(pc.Kind), propSymbol(pc.Kind)), propText(pc), propComment(p, pc))
			}
		}
		b.WriteByte('\n')
	}
	if len(r.Routes) > 0 {
		fmt.Fprintf(&b, "%s\n", p.paint(ansiBold, "Routes:"))
		group := ""
		for _, rc := range r.Routes {
			if g := groupName(rc.API, rc.Stage); g != group {
				group = g
				fmt.Fprintf(&b, "  %s\n", p.paint(ansiCyan, g+":"))
			}
			switch rc.Action {
			case ActionAdd:
				fmt.Fprintf(&b, "    %s %-7s %s -> %s%s\n", p.sym(ActionAdd), rc.Method, rc.Path, rc.Target, moveNote(rc))
			case ActionRemove:
				fmt.Fprintf(&b, "    %s %-7s %s (was -> %s)%s\n", p.sym(ActionRemove), rc.Method, rc.Path, rc.Target, moveNote(rc))
			default:
				fmt.Fprintf(&b, "    %s %-7s %s\n", p.sym(ActionUpdate), rc.Method, rc.Path)
				for _, f := range rc.Changes {
					fmt.Fprintf(&b, "        %s: %s -> %s\n", f.Field, fieldValue(f.Old), fieldValue(f.New))
				}
			}
		}
		b.WriteByte('\n')
	}
	if len(r.Stages) > 0 {
		fmt.Fprintf(&b, "%s\n", p.paint(ansiBold, "Stages:"))
		for _, s := range r.Stages {
			fmt.Fprintf(&b, "  %s %s\n", p.sym(s.Action), groupName(s.API, s.Stage))
			for _, f := range s.Changes {
				if s.Action == ActionAdd {
					fmt.Fprintf(&b, "        %s: %s\n", f.Field, fieldValue(f.New))
					continue
				}
				fmt.Fprintf(&b, "        %s: %s -> %s\n", f.Field, fieldValue(f.Old), fieldValue(f.New))
			}
		}
		b.WriteByte('\n')
	}
	if len(r.Outputs) > 0 {
		fmt.Fprintf(&b, "%s\n", p.paint(ansiBold, "Outputs:"))
		for _, o := range r.Outputs {
			fmt.Fprintf(&b, "  %s %s\n", p.sym(o.Action), outputText(o, r.CrossFormat))
		}
		b.WriteByte('\n')
	}
	b.WriteString(p.paint(ansiBold, summaryFor(r)) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func noChanges(r *Result) string {
	if r.CrossFormat {
		return fmt.Sprintf("No changes. The %s and %s templates build the same API: same routes, same stages, same behaviour.", r.Old.Format, r.New.Format)
	}
	return "No changes. Both templates describe the same resources and routes."
}

// maxRouteHazards is how many route-removed hazards the text and Markdown
// outputs print before summarising the rest (JSON lists all).
const maxRouteHazards = 8

func displayHazards(hs []Hazard) (shown []Hazard, hidden int) {
	routes := 0
	for _, h := range hs {
		if h.Kind == "route-removed" {
			if routes++; routes > maxRouteHazards {
				hidden++
				continue
			}
		}
		shown = append(shown, h)
	}
	return shown, hidden
}

func moreRoutes(n int) string {
	if n == 1 {
		return "1 more route removed (listed under Routes)"
	}
	return fmt.Sprintf("%d more routes removed (listed under Routes)", n)
}

func crossFormatNote(r *Result) string {
	return fmt.Sprintf("Comparing %s with %s: resources are not compared across formats; the API they build (routes and stages) is.", r.Old.Format, r.New.Format)
}

func outputText(o OutputChange, crossFormat bool) string {
	var s string
	switch o.Action {
	case ActionAdd:
		s = o.Name + " = " + fieldValue(o.New)
		if o.NewExport != "" {
			s += " (export " + o.NewExport + ")"
		}
		return s
	case ActionRemove:
		s = o.Name + " (was " + fieldValue(o.Old) + ")"
		if o.OldExport != "" {
			s += " (export " + o.OldExport + ")"
		}
		return s
	}
	s = o.Name + ": "
	switch {
	case o.Old != o.New && o.OldExport != o.NewExport:
		return s + fieldValue(o.Old) + " -> " + fieldValue(o.New) + "; export " + fieldValue(o.OldExport) + " -> " + fieldValue(o.NewExport)
	case o.Old != o.New:
		return s + fieldValue(o.Old) + " -> " + fieldValue(o.New)
	case crossFormat:
		return s + "only its export changes: " + fieldValue(o.OldExport) + " -> " + fieldValue(o.NewExport) + " (values are not compared across formats)"
	}
	return s + "only its export changes: " + fieldValue(o.OldExport) + " -> " + fieldValue(o.NewExport) + " (value unchanged)"
}

func summaryFor(r *Result) string {
	line := SummaryLine(r.Summary)
	if r.CrossFormat {
		_, rest, _ := strings.Cut(line, ". ")
		line = "Resources: not compared across formats. " + rest
	}
	return line
}

// SummaryLine renders the counts in one line, terraform style.
func SummaryLine(s Summary) string {
	line := fmt.Sprintf("Resources: %d to add, %d to change, %d to replace, %d to destroy.", s.Add, s.Update, s.Replace, s.Remove)
	if s.Moved > 0 {
		line = strings.TrimSuffix(line, ".") + fmt.Sprintf(", %d moved.", s.Moved)
	}
	line += fmt.Sprintf(" Routes: %d added, %d removed, %d changed.", s.RoutesAdded, s.RoutesRemoved, s.RoutesChanged)
	if s.OutputsChanged > 0 {
		line += fmt.Sprintf(" Outputs: %d changed.", s.OutputsChanged)
	}
	if s.Hazards > 0 {
		line += fmt.Sprintf(" Hazards: %d.", s.Hazards)
	}
	return line
}

func moveNote(rc RouteChange) string {
	switch {
	case rc.MovedTo != "":
		return "  # moved to " + rc.MovedTo + ", same behaviour"
	case rc.MovedFrom != "":
		return "  # moved from " + rc.MovedFrom + ", same behaviour"
	}
	return ""
}

func groupName(api, stage string) string {
	if stage == "" {
		return "API " + api + " (no stage)"
	}
	return "API " + api + ", stage " + stage
}

func propColor(kind string) string {
	switch kind {
	case PropAdd:
		return ansiGreen
	case PropRemove:
		return ansiRed
	}
	return ansiYellow
}

func propText(pc PropertyChange) string {
	switch pc.Kind {
	case PropAdd:
		return pc.Path + ": " + pc.New
	case PropRemove:
		return pc.Path + ": " + pc.Old
	case PropDependency:
		if pc.KnownAfterApply {
			return pc.Path + ": " + pc.New + " (known after apply)"
		}
		return pc.Path + ": " + pc.New
	}
	return pc.Path + ": " + pc.Old + " -> " + pc.New
}

func propComment(p painter, pc PropertyChange) string {
	var parts []string
	if pc.ForcesReplacement {
		parts = append(parts, p.paint(ansiRed, "forces replacement"))
	}
	if pc.Note != "" {
		parts = append(parts, pc.Note)
	}
	if len(parts) == 0 {
		return ""
	}
	return "  # " + strings.Join(parts, "; ")
}

func resourceComment(p painter, c ResourceChange) string {
	moved := ""
	if c.OldAddress != "" && c.Replacement != ReplaceRename {
		moved = " (moved from " + c.OldAddress + ")"
	}
	switch {
	case c.Action == ActionReplace && moved != "":
		return "  # " + p.paint(ansiRed, "must be replaced") + ": " + c.Reason + moved
	case moved != "":
		return "  #" + moved
	}
	switch {
	case c.Action == ActionReplace:
		return "  # " + p.paint(ansiRed, "must be replaced") + ": " + c.Reason
	case c.Replacement == ReplaceUnknown:
		return "  # " + c.Reason
	}
	return ""
}

func fieldValue(s string) string {
	if s == "" {
		return "(none)"
	}
	if strings.ContainsAny(s, "\n\t") || strings.TrimSpace(s) != s {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// WriteJSON prints r as one indented JSON object; see docs/diff.md for the
// schema.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteMarkdown prints r for a pull-request comment: summary, hazards,
// a route table, and resources as a diff block.
func WriteMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	b.WriteString("## cfnrun diff\n\n")
	if len(r.Old.Files) > 0 || len(r.New.Files) > 0 {
		fmt.Fprintf(&b, "%s -> %s\n\n", mdFiles(r.Old.Files), mdFiles(r.New.Files))
	}
	if r.Empty() {
		b.WriteString(noChanges(r) + "\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "**%s**\n\n", summaryFor(r))
	if r.CrossFormat {
		fmt.Fprintf(&b, "%s\n\n", crossFormatNote(r))
	}
	if len(r.Hazards) > 0 {
		fmt.Fprintf(&b, "### Hazards (%d)\n\n", len(r.Hazards))
		shown, hidden := displayHazards(r.Hazards)
		for _, h := range shown {
			icon := ":warning:"
			if h.Severity == SeverityDanger {
				icon = ":no_entry:"
			}
			fmt.Fprintf(&b, "- %s **%s**", icon, mdText(h.Message))
			if h.Detail != "" {
				fmt.Fprintf(&b, "<br>%s", mdText(h.Detail))
			}
			if h.Location != "" {
				fmt.Fprintf(&b, " (`%s`)", h.Location)
			}
			b.WriteByte('\n')
		}
		if hidden > 0 {
			fmt.Fprintf(&b, "- :no_entry: **%s**\n", moreRoutes(hidden))
		}
		b.WriteByte('\n')
	}
	if len(r.Routes) > 0 {
		b.WriteString("### Routes\n\n| | API | Stage | Method | Path | Change |\n|---|---|---|---|---|---|\n")
		for _, rc := range r.Routes {
			var change string
			switch rc.Action {
			case ActionAdd:
				change = "added -> " + mdCode(rc.Target) + mdText(moveNote(rc))
			case ActionRemove:
				change = "**removed** (was -> " + mdCode(rc.Target) + ")" + mdText(moveNote(rc))
			default:
				var lines []string
				for _, f := range rc.Changes {
					lines = append(lines, mdText(f.Field)+": "+mdCode(fieldValue(f.Old))+" -> "+mdCode(fieldValue(f.New)))
				}
				change = strings.Join(lines, "<br>")
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` | %s | %s |\n", symbol(rc.Action), mdText(rc.API), mdText(orNone(rc.Stage)), rc.Method, mdCode(rc.Path), change)
		}
		b.WriteByte('\n')
	}
	if len(r.Stages) > 0 {
		b.WriteString("### Stages\n\n")
		for _, s := range r.Stages {
			fmt.Fprintf(&b, "- `%s` %s", symbol(s.Action), mdText(groupName(s.API, s.Stage)))
			var lines []string
			for _, f := range s.Changes {
				if s.Action == ActionAdd {
					lines = append(lines, mdText(f.Field)+": "+mdCode(fieldValue(f.New)))
				} else {
					lines = append(lines, mdText(f.Field)+": "+mdCode(fieldValue(f.Old))+" -> "+mdCode(fieldValue(f.New)))
				}
			}
			if len(lines) > 0 {
				b.WriteString(": " + strings.Join(lines, "; "))
			}
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	if len(r.Outputs) > 0 {
		b.WriteString("### Outputs\n\n")
		for _, o := range r.Outputs {
			fmt.Fprintf(&b, "- `%s` %s\n", symbol(o.Action), mdText(outputText(o, r.CrossFormat)))
		}
		b.WriteByte('\n')
	}
	if len(r.Resources) > 0 {
		fmt.Fprintf(&b, "<details><summary>Resources (%d)</summary>\n\n```diff\n", len(r.Resources))
		var t strings.Builder
		for _, c := range r.Resources {
			if c.Action == ActionMove {
				fmt.Fprintf(&t, "# %s has moved to %s\n", c.OldAddress, c.Address)
				continue
			}
			lead := map[string]string{ActionAdd: "+ ", ActionRemove: "- ", ActionUpdate: "! ~ ", ActionReplace: "! -/+ "}[c.Action]
			typ := c.Type
			if c.OldType != "" {
				typ = c.OldType + " -> " + c.Type
			}
			fmt.Fprintf(&t, "%s%s (%s)%s\n", lead, c.Address, typ, resourceComment(false, c))
			for _, pc := range c.Changes {
				fmt.Fprintf(&t, "    %s %s%s\n", propSymbol(pc.Kind), propText(pc), propComment(false, pc))
			}
		}
		b.WriteString(strings.ReplaceAll(t.String(), "```", "'''"))
		b.WriteString("```\n\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdFiles(fs []string) string {
	if len(fs) == 0 {
		return "(nothing)"
	}
	q := make([]string, len(fs))
	for i, f := range fs {
		q[i] = mdCode(f)
	}
	return strings.Join(q, ", ")
}

// mdText escapes text for a Markdown table cell or list item.
func mdText(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", "<br>", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`)
	return r.Replace(s)
}

// mdCode renders s as inline code that survives a table cell.
func mdCode(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(s)
	return "`" + s + "`"
}

// Diagnostics returns the hazards as findings (danger as errors, warnings
// as warnings, rule "diff/<kind>"), positioned at their locations, so they
// can be printed by the diag printers (GitHub annotations, SARIF).
func (r *Result) Diagnostics() diag.Diagnostics {
	var ds diag.Diagnostics
	for _, h := range r.Hazards {
		sev := diag.Warning
		if h.Severity == SeverityDanger {
			sev = diag.Error
		}
		ds = append(ds, diag.New(sev, "diff/"+h.Kind, parseLocation(h.Location), "%s", h.Message).
			WithHint(h.Detail).WithResource(h.Address))
	}
	return ds
}

// parseLocation turns "file:line:col" back into a Range. The file name may
// itself contain colons (REV:path).
func parseLocation(s string) diag.Range {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return diag.Range{Filename: s}
	}
	j := strings.LastIndexByte(s[:i], ':')
	if j < 0 {
		return diag.Range{Filename: s}
	}
	line, err1 := strconv.Atoi(s[j+1 : i])
	col, err2 := strconv.Atoi(s[i+1:])
	if err1 != nil || err2 != nil {
		return diag.Range{Filename: s}
	}
	return diag.Range{Filename: s[:j], Start: diag.Pos{Line: line, Column: col}}
}

// WriteGitHub prints the hazards as GitHub Actions annotations on the
// lines they are about, and the summary as a notice.
func WriteGitHub(w io.Writer, r *Result) error {
	if err := diag.WriteGitHub(w, r.Diagnostics()); err != nil {
		return err
	}
	msg := summaryFor(r)
	if r.Empty() {
		msg = noChanges(r)
	}
	_, err := fmt.Fprintf(w, "::notice title=cfnrun diff::%s\n", msg)
	return err
}
