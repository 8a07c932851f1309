package diff

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// baseKeys is an API with a model its method reads by Ref, an API key and
// a deployment that creates stage prod through StageName.
const baseKeys = `{
  "Resources": {
    "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "Pets"}},
    "PetModel": {"Type": "AWS::ApiGateway::Model", "Properties": {
      "RestApiId": {"Ref": "Api"}, "Name": "Pet", "ContentType": "application/json", "Schema": {"type": "object"}}},
    "PostPets": {"Type": "AWS::ApiGateway::Method", "Properties": {
      "RestApiId": {"Ref": "Api"}, "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "HttpMethod": "POST", "AuthorizationType": "NONE",
      "ApiKeyRequired": true, "RequestModels": {"application/json": {"Ref": "PetModel"}},
      "Integration": {"Type": "MOCK", "RequestTemplates": {"application/json": "{\"statusCode\": 200}"}}}},
    "Key": {"Type": "AWS::ApiGateway::ApiKey", "Properties": {"Name": "partner", "Enabled": true}},
    "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["PostPets"], "Properties": {
      "RestApiId": {"Ref": "Api"}, "StageName": "prod"}}
  }
}`

func TestHazardsOfKeysModelsAndCanaries(t *testing.T) {
	tests := []struct {
		name     string
		old, new func(t *testing.T) string // default baseKeys
		want     []string
	}{
		{
			name: "model replaced under the same name collides, and the method reading its Ref is unchanged",
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"ContentType": "application/json", "Schema"`, `"ContentType": "application/xml", "Schema"`)
			},
			// The model's content type changed, which reaches clients only
			// through a new deployment; the method itself did not change.
			want: []string{
				"hazard danger deployment-not-updated",
				"hazard danger name-collision",
				"-/+ PetModel replace/property: ContentType(change,forces)",
			},
		},
		{
			name: "model without a name: its generated name changes, so the method changes",
			old: func(t *testing.T) string {
				return edit(t, baseKeys, `"Name": "Pet", `, ``)
			},
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"Name": "Pet", `, ``, `"ContentType": "application/json", "Schema"`, `"ContentType": "application/xml", "Schema"`)
			},
			want: []string{
				"hazard danger deployment-not-updated",
				"-/+ PetModel replace/property: ContentType(change,forces)",
				"~ PostPets update/none: RequestModels[\"application/json\"](dependency)",
			},
		},
		{
			name: "model renamed: no collision, and the method reads the new name",
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"Name": "Pet"`, `"Name": "PetV2"`)
			},
			want: []string{
				"hazard danger deployment-not-updated",
				"-/+ PetModel replace/property: Name(change,forces)",
				"~ PostPets update/none: RequestModels[\"application/json\"](dependency)",
			},
		},
		{
			name: "api key renamed without a value: clients' key changes",
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"Name": "partner"`, `"Name": "partner-v2"`)
			},
			want: []string{
				"hazard danger api-key-changed",
				"-/+ Key replace/property: Name(change,forces)",
			},
		},
		{
			name: "api key replaced under its name and without a value: collision and a new key",
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"Name": "partner", "Enabled": true`, `"Name": "partner", "Enabled": true, "GenerateDistinctId": true`)
			},
			want: []string{
				"hazard danger name-collision",
				"hazard danger api-key-changed",
				"-/+ Key replace/property: GenerateDistinctId(add,forces)",
			},
		},
		{
			name: "api key with a fixed value keeps working for clients",
			old: func(t *testing.T) string {
				return edit(t, baseKeys, `"Name": "partner"`, `"Name": "partner", "Value": "k-0123456789abcdefghij"`)
			},
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"Name": "partner"`, `"Name": "partner-v2", "Value": "k-0123456789abcdefghij"`)
			},
			want: []string{
				"-/+ Key replace/property: Name(change,forces)",
			},
		},
		{
			name: "canary settings added to a deployment that creates its stage",
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"StageName": "prod"}`, `"StageName": "prod", "DeploymentCanarySettings": {"PercentTraffic": 10}}`)
			},
			want: []string{
				"hazard danger canary-stage-name",
				"-/+ Deployment replace/property: DeploymentCanarySettings(add,forces)",
			},
		},
		{
			name: "a new deployment with canary settings for a stage that does not exist",
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"StageName": "prod"}}`, `"StageName": "prod"}},
    "Beta": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["PostPets"], "Properties": {
      "RestApiId": {"Ref": "Api"}, "StageName": "beta", "DeploymentCanarySettings": {"PercentTraffic": 5}}}`)
			},
			want: []string{
				"hazard danger canary-stage-name",
				"+ Beta add",
				"route + beta POST /",
				"stage + beta: deployment",
			},
		},
		{
			name: "canary settings that were already there are no hazard",
			old: func(t *testing.T) string {
				return edit(t, baseKeys, `"StageName": "prod"}`, `"StageName": "prod", "DeploymentCanarySettings": {"PercentTraffic": 10}}`)
			},
			new: func(t *testing.T) string {
				return edit(t, baseKeys, `"StageName": "prod"}`, `"StageName": "prod", "Description": "x", "DeploymentCanarySettings": {"PercentTraffic": 10}}`)
			},
			want: []string{
				"~ Deployment update/none: Description(add)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldSrc, newSrc := baseKeys, baseKeys
			if tt.old != nil {
				oldSrc = tt.old(t)
			}
			if tt.new != nil {
				newSrc = tt.new(t)
			}
			r, err := Compare(context.Background(), loadTemplate(t, "old.json", oldSrc), loadTemplate(t, "new.json", newSrc))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(r)); diff != "" {
				t.Errorf("Compare (-want +got):\n%s", diff)
			}
			for _, h := range r.Hazards {
				if h.Message == "" || h.Detail == "" || h.Location == "" {
					t.Errorf("hazard %s lacks a part: %+v", h.Kind, h)
				}
			}
		})
	}
}

// TestHazardRegistry: every kind is registered once with its documentation,
// and docs/diff.md's table and JSON schema enum are what the registry says
// (rewritten with -update).
func TestHazardRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range hazardKinds() {
		if seen[k.Kind] || k.Kind == "" || k.When == "" || k.check == nil || (k.Severity != SeverityDanger && k.Severity != SeverityWarning) {
			t.Errorf("bad or repeated entry %+v", k)
		}
		seen[k.Kind] = true
	}
}

// TestHazardDocs: docs/diff.md's hazard table and the JSON schema's list
// of kinds are generated from the registry; -update rewrites them.
func TestHazardDocs(t *testing.T) {
	const path = "../docs/diff.md"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	begin := strings.Index(doc, "<!-- hazards:begin")
	end := strings.Index(doc, "<!-- hazards:end -->")
	if begin < 0 || end < begin {
		t.Fatal("docs/diff.md lacks the <!-- hazards:begin --> ... <!-- hazards:end --> markers")
	}
	begin += strings.Index(doc[begin:], "-->") + len("-->\n")
	var kinds []string
	for _, k := range hazardKinds() {
		kinds = append(kinds, strconv.Quote(k.Kind))
	}
	enumRe := regexp.MustCompile(`("kind": \{"enum": )(?:HAZARD_KINDS|\["api-removed"[^\]]*\])`)
	want := doc[:begin] + hazardTable() + doc[end:]
	want = enumRe.ReplaceAllLiteralString(want, `"kind": {"enum": [`+strings.Join(kinds, ", ")+`]`)
	if !enumRe.MatchString(doc) {
		t.Fatal("docs/diff.md's JSON schema lacks the hazard kind enum")
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("docs/diff.md is not what the hazard registry says; run go test ./diff -run TestHazardDocs -update (-want +got):\n%s", diff)
	}
}

// TestNoInventedNames: no name cfnrun made up for something AWS names at
// deploy time reaches the diff (pair stage-generated-name).
func TestNoInventedNames(t *testing.T) {
	out, err := os.ReadFile("testdata/pairs/stage-generated-name/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`ApiGWStage-[0-9A-Z]{6,}`).Match(out) {
		t.Errorf("an invented stage name leaks:\n%s", out)
	}
	if !strings.Contains(string(out), "(the name CloudFormation generates for ApiGWStage)") {
		t.Errorf("the stage is not named as CloudFormation will name it:\n%s", out)
	}
}

// TestMayCollide holds replaceCollisions' shortcut to the full search: on
// every golden pair (both ways) and on edits of baseCFN that rename, add,
// remove and replace API elements, keyCollisions finds nothing wherever
// mayCollide says it cannot. A method renamed with a changed property is
// removed and added rather than replaced, and must still be searched.
func TestMayCollide(t *testing.T) {
	type pair struct{ name, old, new string }
	var pairs []pair
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		a := parseArchive(string(src))
		o, _ := a.get("old.json")
		n, _ := a.get("new.json")
		pairs = append(pairs, pair{file, o, n}, pair{file + " reversed", n, o})
	}
	renamedChanged := edit(t, baseCFN, `"GetPets": {`, `"ListPets": {`, `"AuthorizationType": "NONE"`, `"AuthorizationType": "AWS_IAM"`)
	pairs = append(pairs,
		pair{"method renamed and changed", baseCFN, renamedChanged},
		pair{"method renamed", baseCFN, edit(t, baseCFN, `"GetPets": {`, `"ListPets": {`)},
		pair{"stage renamed", baseCFN, edit(t, baseCFN, `"Stage": {`, `"ProdStage": {`)},
		pair{"unchanged", baseCFN, baseCFN},
		pair{"property change", baseCFN, edit(t, baseCFN, `"Description": "v1"`, `"Description": "v2"`)})
	found := map[string]bool{}
	for _, p := range pairs {
		old, err1 := buildTemplate("old.json", p.old)
		nw, err2 := buildTemplate("new.json", p.new)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", p.name, err1, err2)
		}
		rs, err := compareResources(context.Background(), old, nw)
		if err != nil {
			t.Fatal(err)
		}
		in := newHazardInput(old, nw, rs, compareRoutes(old, nw, false), nil)
		full := keyCollisions(old, nw, in.oldNodes, in.newNodes, rs)
		if !mayCollide(old, nw, in.oldNodes, in.newNodes, rs) && len(full) > 0 {
			t.Errorf("%s: mayCollide says no, but keyCollisions finds %d: %v", p.name, len(full), full)
		}
		if len(full) > 0 {
			found[p.name] = true
		}
	}
	if !found["method renamed and changed"] {
		t.Error("a method renamed with a changed property no longer collides: the case does not test the shortcut's second condition")
	}
}
