package diag

import (
	"bytes"
	"encoding/json"
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
	b.Reset()
	if err := WriteSARIF(&b, "v1", "https://x/rules.md", []RuleDoc{{ID: "E1", Summary: "one"}}, ds); err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &sarif); err != nil {
		t.Fatal(err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) != 2 || sarif.Runs[0].Results[1].Level != "warning" ||
		sarif.Runs[0].Results[0].Locations[0].PhysicalLocation.Region.StartLine != 2 || len(sarif.Runs[0].Tool.Driver.Rules) != 2 {
		t.Errorf("unexpected SARIF: %s", b.String())
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
