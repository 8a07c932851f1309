package diff

import (
	"context"
	"os"
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
