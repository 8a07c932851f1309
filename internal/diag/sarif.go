package diag

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// RuleDoc describes a rule for SARIF's tool.driver.rules.
type RuleDoc struct {
	ID string
	// Severity is the rule's usual severity as docs/rules.md writes it:
	// "error", "warning", "info", or a qualified form such as "error
	// (warning for third-party types)"; the first word sets SARIF's
	// defaultConfiguration.level.
	Severity string
	// Summary says what the rule finds, in one line (shortDescription).
	Summary string
	// Why says what goes wrong at deploy or run time (fullDescription).
	Why string
}

// SARIFOptions configures WriteSARIF.
type SARIFOptions struct {
	// ToolVersion is cfnrun's version.
	ToolVersion string
	// RulesURI is the page documenting the rules; a rule's helpUri is
	// RulesURI#id-in-lower-case (docs/rules.md has one anchor per rule).
	RulesURI string
	// Rules documents the rule ids that may appear. A finding whose rule
	// is not listed still gets a rule entry, described from its summary.
	Rules []RuleDoc
	// BaseDir is the directory that relative file names are relative to
	// (the working directory; in CI, the checkout). Artifact URIs are
	// written relative to it with uriBaseId %SRCROOT%, which code scanning
	// resolves against the repository root. Files outside it keep an
	// absolute file: URI. Empty means relative names are used as they are.
	BaseDir string
}

// srcRoot is the uriBaseId of every relative artifact URI.
const srcRoot = "%SRCROOT%"

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	Name                 string       `json:"name,omitempty"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	FullDescription      sarifMessage `json:"fullDescription"`
	Help                 sarifMessage `json:"help"`
	HelpURI              string       `json:"helpUri,omitempty"`
	DefaultConfiguration struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties struct {
		Tags            []string `json:"tags"`
		Precision       string   `json:"precision"`
		ProblemSeverity string   `json:"problem.severity"`
	} `json:"properties"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifLogical struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type sarifLocation struct {
	ID               *int           `json:"id,omitempty"`
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifMessage  `json:"message,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

// fingerprintKey names cfnrun's partial fingerprint. It hashes what
// identifies a finding independently of where in the file it now sits
// (rule, file, resource, summary), so code scanning keeps tracking an
// alert when lines above it move; the last part counts repeats.
const fingerprintKey = "cfnrunFinding/v1"

// WriteSARIF prints a SARIF 2.1.0 log that GitHub code scanning accepts:
// every rule with short and full descriptions, help and a helpUri; every
// result with its ruleIndex, a relative percent-encoded artifact URI under
// %SRCROOT%, a region, the resource as a logical location, related places
// as relatedLocations linked from the message, and a partial fingerprint.
func WriteSARIF(w io.Writer, opts SARIFOptions, ds Diagnostics) error {
	index := map[string]int{}
	rules := make([]sarifRule, 0, len(opts.Rules))
	addRule := func(doc RuleDoc) {
		if _, dup := index[doc.ID]; dup {
			return
		}
		index[doc.ID] = len(rules)
		rules = append(rules, newSARIFRule(doc, opts.RulesURI))
	}
	for _, r := range opts.Rules {
		addRule(r)
	}
	for _, d := range ds {
		if _, ok := index[d.Rule]; !ok {
			addRule(RuleDoc{ID: d.Rule, Severity: d.Severity.String(), Summary: d.Rule + " finding", Why: "Reported by cfnrun; the finding's message says what is wrong and how to fix it."})
		}
	}
	seen := map[string]int{}
	results := make([]sarifResult, 0, len(ds))
	for _, d := range ds {
		uri, base := artifactURI(d.Range.Filename, opts.BaseDir)
		res := sarifResult{
			RuleID:    d.Rule,
			RuleIndex: index[d.Rule],
			Level:     sarifLevel(d.Severity),
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base}, Region: sarifRegionOf(d.Range)}}},
		}
		if d.Resource != "" {
			res.Locations[0].LogicalLocations = []sarifLogical{{Name: d.Resource, Kind: "resource"}}
		}
		// Embedded links ("[text](id)") make code scanning show each
		// related place next to the message; when there are some,
		// brackets of our own text are escaped so they are not read as
		// links.
		esc := func(s string) string { return s }
		if len(d.Related) > 0 {
			esc = escapeLinks
		}
		text := sentence(esc(d.Summary))
		for i, r := range d.Related {
			id := i + 1
			ruri, rbase := artifactURI(r.Range.Filename, opts.BaseDir)
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               &id,
				PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: ruri, URIBaseID: rbase}, Region: sarifRegionOf(r.Range)},
				Message:          &sarifMessage{Text: sentence(r.Message)},
			})
			text += " See [" + esc(strings.TrimSuffix(r.Message, ".")) + "](" + strconv.Itoa(id) + ")."
		}
		if d.Detail != "" {
			text += " " + sentence(esc(d.Detail))
		}
		res.Message = sarifMessage{Text: text}
		key := fingerprint(d.Rule, uri, d.Resource, d.Summary)
		seen[key]++
		res.PartialFingerprints = map[string]string{fingerprintKey: key + ":" + strconv.Itoa(seen[key])}
		results = append(results, res)
	}
	run := map[string]any{
		"tool": map[string]any{"driver": map[string]any{
			"name": "cfnrun", "version": sarifVersion(opts.ToolVersion), "informationUri": "https://github.com/cfnrun/cfnrun", "rules": rules,
		}},
		"results":            results,
		"columnKind":         "unicodeCodePoints",
		"originalUriBaseIds": originalBaseIDs(opts.BaseDir),
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs":    []any{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func newSARIFRule(doc RuleDoc, rulesURI string) sarifRule {
	r := sarifRule{ID: doc.ID}
	if name := ruleName(doc.ID); name != doc.ID {
		// SARIF wants a name only when it differs from the id.
		r.Name = name
	}
	short := strings.TrimSpace(doc.Summary)
	if short == "" {
		short = doc.ID
	}
	short = capitalize(short)
	full := sentence(short)
	if why := strings.TrimSpace(doc.Why); why != "" {
		full += " " + sentence(why)
	}
	r.ShortDescription = sarifMessage{Text: sentence(short)}
	r.FullDescription = sarifMessage{Text: full}
	help := full
	md := "**" + mdEscape(sentence(short)) + "**"
	if why := strings.TrimSpace(doc.Why); why != "" {
		md += "\n\n" + mdEscape(sentence(why))
	}
	if rulesURI != "" {
		r.HelpURI = rulesURI + "#" + strings.ToLower(doc.ID)
		help += " Documentation: " + r.HelpURI
		md += "\n\n[" + doc.ID + " in docs/rules.md](" + r.HelpURI + ")"
	}
	r.Help = sarifMessage{Text: help, Markdown: md}
	sev, _, _ := strings.Cut(strings.TrimSpace(doc.Severity), " ")
	sev, _, _ = strings.Cut(sev, "/")
	switch sev {
	case "warning":
		r.DefaultConfiguration.Level = "warning"
		r.Properties.ProblemSeverity = "warning"
	case "info":
		r.DefaultConfiguration.Level = "note"
		r.Properties.ProblemSeverity = "recommendation"
	default:
		r.DefaultConfiguration.Level = "error"
		r.Properties.ProblemSeverity = "error"
	}
	r.Properties.Tags = []string{"cloudformation", "terraform", "api-gateway"}
	r.Properties.Precision = "very-high"
	return r
}

// ruleName is the rule's name in PascalCase, as SARIF's examples write
// names: the id with characters other than letters and digits dropped
// ("diff/api-removed" -> "DiffApiRemoved", "E3201" -> "E3201").
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// sarifVersion makes a build's version (v1.2.0, 6468d1b, dev) start with a
// number, as SARIF consumers compare versions numerically.
func sarifVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return "0.0.0-" + cmp.Or(v, "unknown")
	}
	return v
}

func sarifLevel(s Severity) string {
	switch s {
	case Warning:
		return "warning"
	case Info:
		return "note"
	}
	return "error"
}

func sarifRegionOf(r Range) *sarifRegion {
	if r.Start.Line < 1 {
		return nil
	}
	reg := &sarifRegion{StartLine: r.Start.Line, StartColumn: max(1, r.Start.Column)}
	if r.End.Line >= r.Start.Line && r.End.Line > 0 {
		reg.EndLine, reg.EndColumn = r.End.Line, max(1, r.End.Column)
		if reg.EndLine == reg.StartLine && reg.EndColumn <= reg.StartColumn {
			reg.EndColumn = reg.StartColumn + 1
		}
	}
	return reg
}

// artifactURI returns the SARIF URI of file name and its uriBaseId: a
// relative, percent-encoded URI under %SRCROOT% for a file inside base (or
// any relative name), an absolute file: URI otherwise.
func artifactURI(name, base string) (uri, baseID string) {
	if name == "" {
		return "", ""
	}
	p := name
	if filepath.IsAbs(p) && base != "" {
		if rel, err := filepath.Rel(base, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			p = rel
		}
	}
	p = path.Clean(filepath.ToSlash(p))
	if path.IsAbs(p) {
		return (&url.URL{Scheme: "file", Path: p}).String(), ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	out := strings.Join(segs, "/")
	if strings.HasPrefix(segs[0], "..") || !strings.Contains(segs[0], ":") {
		return out, srcRoot
	}
	// "REV:path" and similar names: a colon in the first segment would
	// read as a URI scheme.
	return "./" + out, srcRoot
}

func originalBaseIDs(base string) map[string]any {
	if base == "" || !filepath.IsAbs(base) {
		return map[string]any{srcRoot: map[string]any{"description": map[string]string{"text": "The directory cfnrun ran in: the repository checkout."}}}
	}
	p := filepath.ToSlash(base)
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return map[string]any{srcRoot: map[string]any{"uri": (&url.URL{Scheme: "file", Path: p}).String()}}
}

func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// capitalize upper-cases the first letter of s when it is ASCII.
func capitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// sentence ends s with a full stop unless it already ends a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// escapeLinks escapes the brackets SARIF reads as embedded links.
func escapeLinks(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(s)
}

func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;").Replace(s)
}
