package diag

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sample() (*Files, Diagnostics) {
	f := NewFiles()
	f.Add("t.yaml", []byte("Resources:\n  A:\n    Type: AWS::Nope\n"))
	ds := Diagnostics{
		{Severity: Warning, Rule: "W1", Summary: "second", Range: Range{Filename: "t.yaml", Start: Pos{Line: 3, Column: 11}, End: Pos{Line: 3, Column: 20}}, Resource: "A"},
		{Severity: Error, Rule: "E1", Summary: "first", Detail: "Fix it.", Range: Range{Filename: "t.yaml", Start: Pos{Line: 2, Column: 3}, End: Pos{Line: 2, Column: 4}}, Resource: "A"},
	}
	return f, ds.Sort()
}

func TestWriteText(t *testing.T) {
	f, ds := sample()
	var b bytes.Buffer
	if err := WriteText(&b, f, ds); err != nil {
		t.Fatal(err)
	}
	want := `t.yaml:2:3: error[E1]: first
   |
 2 |   A:
   |   ^
  = hint: Fix it.

t.yaml:3:11: warning[W1]: second
   |
 3 |     Type: AWS::Nope
   |           ^^^^^^^^^

`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestWriteJSONAndSARIF(t *testing.T) {
	_, ds := sample()
	var b bytes.Buffer
	if err := WriteJSON(&b, ds); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Findings []JSONFinding
		Summary  map[string]int
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) != 2 || out.Findings[0].Rule != "E1" || out.Findings[0].Line != 2 || out.Findings[0].Resource != "A" || out.Summary["errors"] != 1 {
		t.Errorf("unexpected JSON: %s", b.String())
	}
}

func TestWriteGitHub(t *testing.T) {
	_, ds := sample()
	var b bytes.Buffer
	_ = WriteGitHub(&b, ds)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "::error file=t.yaml,line=2,col=3,") || !strings.Contains(lines[0], "::first%0AFix it.") {
		t.Errorf("unexpected annotations:\n%s", b.String())
	}
}

func TestSuggestSwap(t *testing.T) {
	if got := Suggest("Nmae", []string{"Name", "Description"}); got != "Name" {
		t.Errorf("Suggest(Nmae) = %q, want Name", got)
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"MyApiGateway", "MyResource", "MyMethod"}
	for _, tt := range []struct{ in, want string }{
		{"MyApiGatway", "MyApiGateway"}, {"myresource", "MyResource"}, {"Unrelated", ""}, {"MyMethd", "MyMethod"}, {"MyMehtod", "MyMethod"},
	} {
		if got := Suggest(tt.in, cands); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSuggestLongName: a name far longer than every candidate is no typo of
// any of them, and comparing it costs no edit-distance table.
func TestSuggestLongName(t *testing.T) {
	long := strings.Repeat("Name", 250_000)
	if got := Suggest(long, []string{"Name", "Description"}); got != "" {
		t.Errorf("Suggest(1 MB name) = %q, want none", got)
	}
	if got := Suggest("Nme", []string{"Name", "Description"}); got != "Name" {
		t.Errorf("Suggest(Nme) = %q, want Name", got)
	}
}

// related is the sample with a related place on the error: a duplicate
// whose first declaration is two lines above.
func related() (*Files, Diagnostics) {
	f := NewFiles()
	f.Add("t.yaml", []byte("Resources:\n  Stage:\n    StageName: prod\n  Other:\n    StageName: prod\n"))
	first := Range{Filename: "t.yaml", Start: Pos{Line: 3, Column: 5}, End: Pos{Line: 3, Column: 14}}
	d := NewError("E3201", Range{Filename: "t.yaml", Start: Pos{Line: 5, Column: 5}, End: Pos{Line: 5, Column: 14}}, "stage %q is created twice", "prod").
		WithResource("Other").
		WithHint("Use another stage name.").
		WithRelated(first, "first created by %s", "Stage")
	return f, Diagnostics{d}
}

func TestNamedParts(t *testing.T) {
	rng := Range{Filename: "a.yaml", Start: Pos{Line: 1, Column: 1}}
	base := NewWarning("W1", rng, "n=%d", 3)
	a := base.WithRelated(rng, "one")
	b := base.WithRelated(rng, "two")
	c := a.WithRelated(rng, "three")
	if base.Related != nil || len(a.Related) != 1 || a.Related[0].Message != "one" || b.Related[0].Message != "two" || len(c.Related) != 2 {
		t.Errorf("With calls share state: base %v a %v b %v c %v", base.Related, a.Related, b.Related, c.Related)
	}
	if full := base.WithResource("R").WithHint("fix"); full.Resource != "R" || full.Detail != "fix" || full.Summary != "n=3" || base.Resource != "" {
		t.Errorf("WithResource/WithHint: %#v (base %#v)", full, base)
	}
	if got := NewInfo("I1", rng, "x").Severity; got != Info {
		t.Errorf("NewInfo severity = %v", got)
	}
	if got := NewError("E1", rng, "x").WithSeverity(Warning).Severity; got != Warning {
		t.Errorf("WithSeverity = %v", got)
	}
	// Sort removes exact duplicates only: the same finding with another
	// related place stays.
	ds := Diagnostics{a, a, b}.Sort()
	if len(ds) != 2 {
		t.Errorf("Sort kept %d findings, want 2: %v", len(ds), ds)
	}
	if got, want := a.Error(), "a.yaml:1:1: warning[W1]: n=3 (a.yaml:1:1: one)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestRelatedInEveryPrinter(t *testing.T) {
	f, ds := related()
	t.Run("text", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteText(&b, f, ds); err != nil {
			t.Fatal(err)
		}
		want := `t.yaml:5:5: error[E3201]: stage "prod" is created twice
   |
 5 |     StageName: prod
   |     ^^^^^^^^^
t.yaml:3:5: note: first created by Stage
   |
 3 |     StageName: prod
   |     ---------
  = hint: Use another stage name.

`
		if diff := cmp.Diff(want, b.String()); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
	})
	t.Run("compact", func(t *testing.T) {
		var b bytes.Buffer
		_ = WriteCompact(&b, ds)
		want := "t.yaml:5:5: error[E3201]: stage \"prod\" is created twice (t.yaml:3:5: first created by Stage)\n"
		if diff := cmp.Diff(want, b.String()); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
	})
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		_ = WriteJSON(&b, ds)
		var out struct{ Findings []JSONFinding }
		if err := json.Unmarshal(b.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		want := []JSONRelated{{File: "t.yaml", Line: 3, Column: 5, EndLine: 3, EndColumn: 14, Message: "first created by Stage"}}
		if diff := cmp.Diff(want, out.Findings[0].Related); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
		if out.Findings[0].Resource != "Other" || out.Findings[0].Hint != "Use another stage name." {
			t.Errorf("finding = %+v", out.Findings[0])
		}
	})
	t.Run("github", func(t *testing.T) {
		var b bytes.Buffer
		_ = WriteGitHub(&b, ds)
		want := "::error file=t.yaml,line=5,col=5,endLine=5,endColumn=14,title=cfnrun E3201 (Other)::stage \"prod\" is created twice%0At.yaml:3:5: first created by Stage%0AUse another stage name.\n"
		if diff := cmp.Diff(want, b.String()); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
	})
	t.Run("sarif", func(t *testing.T) {
		log := sarifOf(t, SARIFOptions{ToolVersion: "1.0", RulesURI: "https://x/rules.md", Rules: []RuleDoc{{ID: "E3201", Severity: "error", Summary: "stage created twice", Why: "API Gateway rejects it."}}}, ds)
		res := log.Runs[0].Results[0]
		if len(res.RelatedLocations) != 1 {
			t.Fatalf("relatedLocations = %+v", res.RelatedLocations)
		}
		rl := res.RelatedLocations[0]
		if rl.ID != 1 || rl.Message.Text != "first created by Stage." || rl.PhysicalLocation.Region.StartLine != 3 || rl.PhysicalLocation.ArtifactLocation.URI != "t.yaml" {
			t.Errorf("related location = %+v", rl)
		}
		if want := `stage "prod" is created twice. See [first created by Stage](1). Use another stage name.`; res.Message.Text != want {
			t.Errorf("message = %q, want %q", res.Message.Text, want)
		}
		if len(res.Locations[0].LogicalLocations) != 1 || res.Locations[0].LogicalLocations[0].Name != "Other" {
			t.Errorf("logical locations = %+v", res.Locations[0].LogicalLocations)
		}
	})
}

type sarifLogT struct {
	Schema  string `json:"$schema"`
	Version string
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string
				Rules []struct {
					ID, Name, HelpURI                 string
					ShortDescription, FullDescription struct{ Text string }
					Help                              struct{ Text, Markdown string }
					DefaultConfiguration              struct{ Level string }
				}
			}
		}
		OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
		Results            []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string
						URIBaseID string `json:"uriBaseId"`
					}
					Region struct{ StartLine, StartColumn, EndLine, EndColumn int }
				}
				LogicalLocations []struct{ Name, Kind string }
			}
			RelatedLocations []struct {
				ID               int
				Message          struct{ Text string }
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine int }
				}
			}
			PartialFingerprints map[string]string
		}
	}
}

func sarifOf(t *testing.T, opts SARIFOptions, ds Diagnostics) sarifLogT {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSARIF(&b, opts, ds); err != nil {
		t.Fatal(err)
	}
	var log sarifLogT
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	return log
}

// TestSARIFGitHubRequirements checks what GitHub code scanning documents
// as required or used (docs.github.com, "SARIF support for code
// scanning"): rules with short and full descriptions, help and helpUri;
// results with ruleId, ruleIndex pointing at that rule, a message, one
// location with a relative artifact URI and a region, partial
// fingerprints unique per result. cmd/cfnrun's TestSARIFValidator runs
// Microsoft's SARIF validator with its GitHub rules where it is installed.
func TestSARIFGitHubRequirements(t *testing.T) {
	_, ds := sample()
	_, rel := related()
	ds = append(ds, rel...)
	// Two findings identical but for their line get distinct fingerprints.
	dup := ds[0]
	dup.Range.Start.Line = 1
	ds = append(ds, dup)
	// A file with characters a URI must encode, given as an absolute path
	// under the base directory, and one outside it.
	ds = append(ds, NewError("E9", Range{Filename: "/repo/dir with space/t#1.yaml", Start: Pos{Line: 1, Column: 1}}, "x"),
		NewError("E9", Range{Filename: "/elsewhere/t.yaml", Start: Pos{Line: 1, Column: 1}}, "y"))
	log := sarifOf(t, SARIFOptions{ToolVersion: "1.0", RulesURI: "https://x/docs/rules.md", BaseDir: "/repo",
		Rules: []RuleDoc{{ID: "E1", Severity: "error (warning for x)", Summary: "one", Why: "Because."}, {ID: "W1", Severity: "warning", Summary: "two"}}}, ds)
	if log.Version != "2.1.0" || log.Schema == "" || len(log.Runs) != 1 {
		t.Fatalf("log header: %+v", log)
	}
	run := log.Runs[0]
	if run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file:///repo/" {
		t.Errorf("originalUriBaseIds = %+v", run.OriginalURIBaseIDs)
	}
	rules := run.Tool.Driver.Rules
	for _, r := range rules {
		if r.ID == "" || r.Name == r.ID || r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.Help.Markdown == "" || r.HelpURI == "" {
			t.Errorf("rule %s lacks a part GitHub needs: %+v", r.ID, r)
		}
		if want := "https://x/docs/rules.md#" + strings.ToLower(r.ID); r.HelpURI != want {
			t.Errorf("rule %s helpUri = %q, want %q", r.ID, r.HelpURI, want)
		}
	}
	if rules[0].DefaultConfiguration.Level != "error" || rules[1].DefaultConfiguration.Level != "warning" {
		t.Errorf("default levels: %q %q", rules[0].DefaultConfiguration.Level, rules[1].DefaultConfiguration.Level)
	}
	fps := map[string]bool{}
	for i, r := range run.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d does not name %s", i, r.RuleIndex, r.RuleID)
		}
		if !strings.HasSuffix(r.Message.Text, ".") {
			t.Errorf("result %d: message does not end its sentence: %q", i, r.Message.Text)
		}
		if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.Region.StartLine < 1 {
			t.Errorf("result %d: locations %+v", i, r.Locations)
		}
		fp := r.PartialFingerprints[fingerprintKey]
		if fp == "" || fps[fp] {
			t.Errorf("result %d: fingerprint %q missing or repeated", i, fp)
		}
		fps[fp] = true
	}
	uris := map[string]string{}
	for _, r := range run.Results {
		a := r.Locations[0].PhysicalLocation.ArtifactLocation
		uris[a.URI] = a.URIBaseID
	}
	want := map[string]string{"t.yaml": "%SRCROOT%", "dir%20with%20space/t%231.yaml": "%SRCROOT%", "file:///elsewhere/t.yaml": ""}
	if diff := cmp.Diff(want, uris); diff != "" {
		t.Errorf("artifact URIs (-want +got)\n%s", diff)
	}
}

func TestArtifactURI(t *testing.T) {
	for _, tt := range []struct{ name, base, uri, id string }{
		{"examples/seed/template.yaml", "", "examples/seed/template.yaml", "%SRCROOT%"},
		{"./a/../b.yaml", "", "b.yaml", "%SRCROOT%"},
		{"main:t.yaml", "", "./main:t.yaml", "%SRCROOT%"},
		{"origin/main:t.yaml", "", "origin/main:t.yaml", "%SRCROOT%"},
		{"(embedded) templates/default.yaml", "", "%28embedded%29%20templates/default.yaml", "%SRCROOT%"},
		{"/w/a b/ü.yaml", "/w", "a%20b/%C3%BC.yaml", "%SRCROOT%"},
		{"/w/../x.yaml", "/w", "file:///x.yaml", ""},
	} {
		uri, id := artifactURI(tt.name, tt.base)
		if uri != tt.uri || id != tt.id {
			t.Errorf("artifactURI(%q, %q) = %q, %q; want %q, %q", tt.name, tt.base, uri, id, tt.uri, tt.id)
		}
	}
}

func TestSnippetWindow(t *testing.T) {
	long := strings.Repeat("a", 1000) + "BAD" + strings.Repeat("b", 1000)
	text, off, width := snippet(long, 1001, 1004)
	if n := len([]rune(text)); n > maxSnippet+2 {
		t.Errorf("snippet of a 2 KB line is %d characters", n)
	}
	if got := string([]rune(text)[off : off+width]); got != "BAD" {
		t.Errorf("caret covers %q, want BAD (text %q, offset %d)", got, text, off)
	}
	text, off, width = snippet("\tx: 1", 2, 3)
	if text != "    x: 1" || off != 4 || width != 1 {
		t.Errorf("tab: %q %d %d", text, off, width)
	}
	if _, off, width = snippet("ab", 3, 0); off != 2 || width != 1 {
		t.Errorf("end of line: %d %d", off, width)
	}
}

func TestFilesLine(t *testing.T) {
	f := NewFiles()
	f.Add("a", []byte("one\r\ntwo\nthree"))
	f.Add("b", []byte("x\n"))
	for _, tt := range []struct {
		name string
		n    int
		want string
		ok   bool
	}{
		{"a", 1, "one", true}, {"a", 2, "two", true}, {"a", 3, "three", true}, {"a", 4, "", false}, {"a", 0, "", false},
		{"b", 1, "x", true}, {"b", 2, "", true}, {"b", 3, "", false}, {"missing", 1, "", false},
	} {
		got, ok := f.Line(tt.name, tt.n)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Line(%q, %d) = %q, %v; want %q, %v", tt.name, tt.n, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSuggestBounds(t *testing.T) {
	if got := Suggest(strings.Repeat("x", 20000), []string{"Name"}); got != "" {
		t.Errorf("Suggest(20 KB) = %q", got)
	}
	if got := DidYouMean("Nmae", []string{"Name"}); got != `Did you mean "Name"?` {
		t.Errorf("DidYouMean = %q", got)
	}
}

// BenchmarkWriteText prints one finding per line of a large file: the line
// index makes it linear in the number of findings.
func BenchmarkWriteText(b *testing.B) {
	f := NewFiles()
	var src strings.Builder
	var ds Diagnostics
	for i := 1; i <= 20000; i++ {
		src.WriteString("      Key: value\n")
		ds = append(ds, NewError("E1", Range{Filename: "big.yaml", Start: Pos{Line: i, Column: 7}, End: Pos{Line: i, Column: 10}}, "x"))
	}
	f.Add("big.yaml", []byte(src.String()))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteText(io.Discard, f, ds); err != nil {
			b.Fatal(err)
		}
	}
}
